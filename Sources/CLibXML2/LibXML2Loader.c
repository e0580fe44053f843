/* Each libxml2 function Accord calls, defined here under libxml2's own name and forwarded to
   the library loaded on first use (CLibXML2.h says why). */

#include "CLibXML2.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __APPLE__
#define ACCORD_LIBXML2_FILE "libxml2.2.dylib"
#else
#define ACCORD_LIBXML2_FILE "libxml2.so.2"
#endif

/* Functions that return a value: X(return type, name, parameters, arguments). The parameters
   are the header's: a definition that differs from its declaration does not compile. */
#define ACCORD_LIBXML2_FUNCTIONS(X)                                                                \
    X(xmlChar *, xmlCharStrdup, (const char *cur), (cur))                                          \
    X(xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc))                                \
    X(xmlNodePtr, xmlDocSetRootElement, (xmlDocPtr doc, xmlNodePtr root), (doc, root))             \
    X(xmlChar *, xmlGetNoNsProp, (const xmlNode *node, const xmlChar *name), (node, name))         \
    X(xmlDocPtr, xmlNewDoc, (const xmlChar *version), (version))                                   \
    X(xmlParserInputPtr, xmlNoNetExternalEntityLoader, (const char *URL, const char *ID, xmlParserCtxtPtr ctxt), \
      (URL, ID, ctxt))                                                                             \
    X(xmlChar *, xmlNodeGetContent, (const xmlNode *cur), (cur))                                   \
    X(xmlParserInputBufferPtr, xmlParserInputBufferCreateMem, (const char *mem, int size, xmlCharEncoding enc), \
      (mem, size, enc))                                                                            \
    X(xmlDocPtr, xmlReadMemory, (const char *buffer, int size, const char *URL, const char *encoding, int options), \
      (buffer, size, URL, encoding, options))                                                      \
    X(xmlSchemaParserCtxtPtr, xmlSchemaNewParserCtxt, (const char *URL), (URL))                    \
    X(xmlSchemaValidCtxtPtr, xmlSchemaNewValidCtxt, (xmlSchemaPtr schema), (schema))               \
    X(xmlSchemaPtr, xmlSchemaParse, (xmlSchemaParserCtxtPtr ctxt), (ctxt))                         \
    X(int, xmlSchemaValidateDoc, (xmlSchemaValidCtxtPtr ctxt, xmlDocPtr instance), (ctxt, instance)) \
    X(int, xmlSchemaValidateStream,                                                                \
      (xmlSchemaValidCtxtPtr ctxt, xmlParserInputBufferPtr input, xmlCharEncoding enc, xmlSAXHandlerPtr sax, void *user_data), \
      (ctxt, input, enc, sax, user_data))                                                          \
    X(xmlChar *, xmlXPathCastToString, (xmlXPathObjectPtr val), (val))                             \
    X(xmlXPathObjectPtr, xmlXPathEvalExpression, (const xmlChar *str, xmlXPathContextPtr ctxt), (str, ctxt)) \
    X(xmlXPathContextPtr, xmlXPathNewContext, (xmlDocPtr doc), (doc))                              \
    X(int, xmlXPathRegisterNs, (xmlXPathContextPtr ctxt, const xmlChar *prefix, const xmlChar *ns_uri), \
      (ctxt, prefix, ns_uri))

/* Functions that return nothing: X(name, parameters, arguments). */
#define ACCORD_LIBXML2_PROCEDURES(X)                                                               \
    X(xmlDocDumpFormatMemoryEnc,                                                                   \
      (xmlDocPtr out_doc, xmlChar **doc_txt_ptr, int *doc_txt_len, const char *txt_encoding, int format), \
      (out_doc, doc_txt_ptr, doc_txt_len, txt_encoding, format))                                   \
    X(xmlFreeDoc, (xmlDocPtr cur), (cur))                                                          \
    X(xmlInitParser, (void), ())                                                                   \
    X(xmlNodeSetContent, (xmlNodePtr cur, const xmlChar *content), (cur, content))                 \
    X(xmlSchemaFree, (xmlSchemaPtr schema), (schema))                                              \
    X(xmlSchemaFreeParserCtxt, (xmlSchemaParserCtxtPtr ctxt), (ctxt))                              \
    X(xmlSchemaFreeValidCtxt, (xmlSchemaValidCtxtPtr ctxt), (ctxt))                                \
    X(xmlSchemaSetParserStructuredErrors, (xmlSchemaParserCtxtPtr ctxt, xmlStructuredErrorFunc serror, void *ctx), \
      (ctxt, serror, ctx))                                                                         \
    X(xmlSchemaSetValidStructuredErrors, (xmlSchemaValidCtxtPtr ctxt, xmlStructuredErrorFunc serror, void *ctx), \
      (ctxt, serror, ctx))                                                                         \
    X(xmlSetExternalEntityLoader, (xmlExternalEntityLoader f), (f))                                \
    X(xmlSetGenericErrorFunc, (void *ctx, xmlGenericErrorFunc handler), (ctx, handler))            \
    X(xmlSetStructuredErrorFunc, (void *ctx, xmlStructuredErrorFunc handler), (ctx, handler))      \
    X(xmlXPathFreeContext, (xmlXPathContextPtr ctxt), (ctxt))                                      \
    X(xmlXPathFreeObject, (xmlXPathObjectPtr obj), (obj))

#define ACCORD_DECLARE(type, name, parameters, arguments) static type(*f_##name) parameters;
ACCORD_LIBXML2_FUNCTIONS(ACCORD_DECLARE)
#undef ACCORD_DECLARE
#define ACCORD_DECLARE(name, parameters, arguments) static void(*f_##name) parameters;
ACCORD_LIBXML2_PROCEDURES(ACCORD_DECLARE)
#undef ACCORD_DECLARE

/* libxml2's xmlFree is a variable (a function pointer), read at each call. */
static xmlFreeFunc *f_xmlFree;

static pthread_once_t loaded_once = PTHREAD_ONCE_INIT;
static char failure[512];

static void load(void) {
    void *library = dlopen(ACCORD_LIBXML2_FILE, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(failure, sizeof failure, "%s", reason != NULL ? reason : ACCORD_LIBXML2_FILE ": not found");
        return;
    }
#define ACCORD_RESOLVE_SYMBOL(name)                                                                \
    f_##name = (__typeof__(f_##name))dlsym(library, #name);                                        \
    if (f_##name == NULL) {                                                                        \
        snprintf(failure, sizeof failure, "%s has no function %s", ACCORD_LIBXML2_FILE, #name);    \
        return;                                                                                    \
    }
#define ACCORD_RESOLVE_FUNCTION(type, name, parameters, arguments) ACCORD_RESOLVE_SYMBOL(name)
#define ACCORD_RESOLVE_PROCEDURE(name, parameters, arguments) ACCORD_RESOLVE_SYMBOL(name)
    ACCORD_LIBXML2_FUNCTIONS(ACCORD_RESOLVE_FUNCTION)
    ACCORD_LIBXML2_PROCEDURES(ACCORD_RESOLVE_PROCEDURE)
    ACCORD_RESOLVE_SYMBOL(xmlFree)
#undef ACCORD_RESOLVE_PROCEDURE
#undef ACCORD_RESOLVE_FUNCTION
#undef ACCORD_RESOLVE_SYMBOL
}

int accord_libxml2_prepare(void) {
    pthread_once(&loaded_once, load);
    return failure[0] == '\0' ? 0 : -1;
}

const char *accord_libxml2_failure(void) {
    pthread_once(&loaded_once, load);
    return failure[0] == '\0' ? NULL : failure;
}

/* Every forwarding function starts here. Swift code has loaded libxml2 (LibXML.load()) before
   its first call; a call that comes without that check, when libxml2 cannot be loaded, stops
   the process here, saying which library is missing. */
static inline void loaded(void) {
    if (accord_libxml2_prepare() == 0) return;
    fprintf(stderr,
            "accord: error: libxml2 could not be loaded (%s); install it (Debian: apt-get install libxml2).\n",
            failure);
    exit(70);
}

#define ACCORD_FORWARD(type, name, parameters, arguments)                                          \
    type name parameters {                                                                         \
        loaded();                                                                                  \
        return f_##name arguments;                                                                 \
    }
ACCORD_LIBXML2_FUNCTIONS(ACCORD_FORWARD)
#undef ACCORD_FORWARD
#define ACCORD_FORWARD(name, parameters, arguments)                                                \
    void name parameters {                                                                         \
        loaded();                                                                                  \
        f_##name arguments;                                                                        \
    }
ACCORD_LIBXML2_PROCEDURES(ACCORD_FORWARD)
#undef ACCORD_FORWARD

void accord_xml_free(void *pointer) {
    loaded();
    (*f_xmlFree)(pointer);
}
