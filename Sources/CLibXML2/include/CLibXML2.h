#ifndef ACCORD_CLIBXML2_H
#define ACCORD_CLIBXML2_H

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

/* libxml2 is loaded when a command first parses, validates or writes XML (dlopen), not at
   every start of the tool: loading it with ICU, liblzma and zlib was about 0.7 ms of every
   cold command, and most commands (`session show`, `decision record`, `audit …`) need no XML.

   LibXML2Loader.c, beside this header, defines each libxml2 function Accord calls under its
   own name: the first call loads libxml2.so.2, and each later one goes straight through a
   pointer found with dlsym.
   The accord binary is linked without -lxml2, so a libxml2 function called without a
   definition there fails the link ("undefined symbol"): add it to ACCORD_LIBXML2_FUNCTIONS.

   Swift code loads it first with LibXML.load(), which throws, saying which library is
   missing and how to install it, before a command makes anything. A call that reaches a
   function here without that check, when libxml2 cannot be loaded, prints the same and ends
   the process with status 70 (EX_SOFTWARE). */

/* 0 once libxml2 is loaded with every function Accord calls; -1 when it could not be (then
   accord_libxml2_failure() says why). Safe to call from any thread, any number of times. */
int accord_libxml2_prepare(void);

/* Why libxml2 could not be loaded (the loader's message), or NULL when it was. */
const char *accord_libxml2_failure(void);

/* libxml2's xmlFree, for strings and buffers libxml2 allocated for the caller. */
void accord_xml_free(void *pointer);

#endif
