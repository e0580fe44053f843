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
#include <xmlsec/templates.h>
#include <xmlsec/keys.h>
#include <xmlsec/transforms.h>
#include <xmlsec/buffer.h>
#include <xmlsec/list.h>
#include <xmlsec/errors.h>
#include <xmlsec/crypto.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>

/* The crypto-independent names (xmlSecTransformRsaSha256Id, xmlSecCryptoAppInit…) are macros
   Swift cannot import: these wrappers give Swift the few it needs, bound to OpenSSL. */
static inline int accord_xmlsec_crypto_app_init(void) { return xmlSecOpenSSLAppInit(NULL); }
static inline int accord_xmlsec_crypto_init(void) { return xmlSecOpenSSLInit(); }
static inline xmlSecTransformId accord_xmlsec_rsa_sha256(void) { return xmlSecOpenSSLTransformRsaSha256GetKlass(); }
static inline xmlSecTransformId accord_xmlsec_sha256(void) { return xmlSecOpenSSLTransformSha256GetKlass(); }
static inline xmlSecTransformId accord_xmlsec_exclusive_c14n(void) { return xmlSecTransformExclC14NGetKlass(); }

/* A PEM password callback that gives no password: without it OpenSSL would prompt on the
   terminal for an encrypted key. */
static int accord_xmlsec_no_password(char *buffer, int size, int writing, void *context) {
    (void)buffer;
    (void)size;
    (void)writing;
    (void)context;
    return 0;
}

/* Loads a key (a private key, or the public key of a certificate) from PEM bytes; NULL when
   the bytes are not one (or are an encrypted key). */
static inline xmlSecKeyPtr accord_xmlsec_key_load_pem(const xmlSecByte *data, xmlSecSize size, int certificate) {
    return xmlSecOpenSSLAppKeyLoadMemory(
        data, size, certificate ? xmlSecKeyDataFormatCertPem : xmlSecKeyDataFormatPem, NULL,
        (void *)accord_xmlsec_no_password, NULL);
}

/* Attaches a PEM certificate to a key, so that signing writes it in KeyInfo/X509Data. */
static inline int accord_xmlsec_key_add_certificate_pem(xmlSecKeyPtr key, const xmlSecByte *data, xmlSecSize size) {
    return xmlSecOpenSSLAppKeyCertLoadMemory(key, data, size, xmlSecKeyDataFormatPem);
}

/* 1 when the key's value is an RSA key (with its private part when `private_part` is 1). */
static inline int accord_xmlsec_key_is_rsa(xmlSecKeyPtr key, int private_part) {
    xmlSecKeyDataPtr value = xmlSecKeyGetValue(key);
    if (value == NULL || value->id != xmlSecOpenSSLKeyDataRsaGetKlass()) return 0;
    return !private_part || (xmlSecKeyDataGetType(value) & xmlSecKeyDataTypePrivate) != 0;
}

/* xmlsec reports errors through one process-wide callback: this one drops them (Accord turns
   failures into its own sentences). */
static void accord_xmlsec_silent_error(const char *file, int line, const char *function, const char *object,
                                       const char *subject, int reason, const char *message) {
    (void)file;
    (void)line;
    (void)function;
    (void)object;
    (void)subject;
    (void)reason;
    (void)message;
}

static inline void accord_xmlsec_silence_errors(void) { xmlSecErrorsSetCallback(accord_xmlsec_silent_error); }

/* Reads the first certificate of PEM bytes; NULL when there is none. Free it with X509_free. */
static inline X509 *accord_x509_from_pem(const unsigned char *data, int size) {
    BIO *bio = BIO_new_mem_buf(data, size);
    if (bio == NULL) return NULL;
    X509 *certificate = PEM_read_bio_X509(bio, NULL, accord_xmlsec_no_password, NULL);
    BIO_free(bio);
    return certificate;
}

/* Reads a DER certificate; NULL when the bytes are not one. Free it with X509_free. */
static inline X509 *accord_x509_from_der(const unsigned char *data, int size) {
    const unsigned char *cursor = data;
    return d2i_X509(NULL, &cursor, size);
}

/* Writes the DER encoding of a certificate into *out (free it with accord_openssl_free);
   returns its length, or -1. */
static inline int accord_x509_der(X509 *certificate, unsigned char **out) {
    *out = NULL;
    return i2d_X509(certificate, out);
}

/* Writes the subject of a certificate (`/CN=…`) into buffer; returns 0, or -1. */
static inline int accord_x509_subject(X509 *certificate, char *buffer, int size) {
    return X509_NAME_oneline(X509_get_subject_name(certificate), buffer, size) != NULL ? 0 : -1;
}

/* OPENSSL_free is a macro. */
static inline void accord_openssl_free(void *pointer) { OPENSSL_free(pointer); }

/* The pre-digest bytes of the i-th SignedInfo reference (needs
   XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES), its URI and Type, or NULL. */
static inline xmlSecDSigReferenceCtxPtr accord_xmlsec_signed_reference(xmlSecDSigCtxPtr context, xmlSecSize index) {
    return (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&(context->signedInfoReferences), index);
}

static inline xmlSecSize accord_xmlsec_signed_reference_count(xmlSecDSigCtxPtr context) {
    return xmlSecPtrListGetSize(&(context->signedInfoReferences));
}

#endif
