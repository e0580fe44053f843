#ifndef ACCORD_CXMLSEC_SHIM_H
#define ACCORD_CXMLSEC_SHIM_H

/* The flags pkg-config gives for xmlsec1-openssl, which SwiftPM does not pass on: they must
   match how Debian built the library (XMLSEC_NO_SIZE_T changes the size type). */
#define __XMLSEC_FUNCTION__ __func__
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers clash with Foundation's own ICU. */
#undef LIBXML_ICU_ENABLED

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/crypto.h>

#endif
