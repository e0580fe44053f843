#ifndef ACCORD_CLIBXML2_SHIM_H
#define ACCORD_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers clash with Foundation's own ICU. */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlsave.h>

/* xmlFree is a global function pointer, which Swift 6 refuses as not concurrency-safe. */
static inline void accord_xml_free(void *pointer) { xmlFree(pointer); }

static inline const char *accord_libxml_version(void) { return LIBXML_DOTTED_VERSION; }

/* xmlGenericErrorFunc is variadic, which Swift cannot implement: a C no-op to silence
   libxml2's default printing of generic errors to stderr (per thread). */
static void accord_silent_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static inline void accord_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, accord_silent_generic_error);
}

#endif
