#ifndef ACCORD_CXMLSEC_H
#define ACCORD_CXMLSEC_H

/* XML signatures with libxmlsec1 and OpenSSL, loaded when a command first signs or verifies
   (dlopen), not at every start of the tool: loading them, libssl, libcrypto and libxslt cost
   about 2 ms of every cold command. Only libxml2's types appear here; xmlsec's and OpenSSL's
   stay in CXMLSec.c, the one file compiled with their headers. */

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers clash with Foundation's own ICU. */
#undef LIBXML_ICU_ENABLED
#include <libxml/tree.h>

/* An xmlsec key (xmlSecKeyPtr), a signature context (xmlSecDSigCtxPtr), an X.509 certificate. */
typedef struct accord_xmlsec_key accord_xmlsec_key;
typedef struct accord_xmlsec_context accord_xmlsec_context;
typedef struct accord_x509 accord_x509;

/* Loads libxmlsec1-openssl (with libxmlsec1 and OpenSSL), checks its version against the
   headers Accord was built with, and initialises it with errors silenced, once per process.
   0 when ready; -1 when the library is missing or could not be initialised. */
int accord_xmlsec_prepare(void);

/* Everything below needs accord_xmlsec_prepare() to have returned 0. */

/* Builds in `draft` an enveloping RSA-SHA256 signature template: a ds:Signature (prefix "ds",
   id `signature_id`) whose one reference (exclusive C14N, SHA-256) signs the ds:Manifest
   `manifest_reference_uri` of type `manifest_type`, KeyInfo with an X509Data certificate, and
   an Object holding that manifest (id `manifest_id`) with one SHA-256 reference to
   `document_uri`. Sets *signature and *document_reference; 0, or -1 when out of memory. */
int accord_xmlsec_signature_template(
    xmlDocPtr draft, const xmlChar *signature_id, const xmlChar *manifest_reference_uri, const xmlChar *manifest_type,
    const xmlChar *manifest_id, const xmlChar *document_uri, xmlNodePtr *signature, xmlNodePtr *document_reference);

/* Loads a key (a private key, or the public key of a certificate when `certificate` is 1)
   from PEM bytes; NULL when the bytes are not one (or are an encrypted key: no password is
   ever asked for). */
accord_xmlsec_key *accord_xmlsec_key_load_pem(const unsigned char *data, unsigned int size, int certificate);

/* Attaches a PEM certificate to a key, so that signing writes it in KeyInfo/X509Data; 0 or -1. */
int accord_xmlsec_key_add_certificate_pem(accord_xmlsec_key *key, const unsigned char *data, unsigned int size);

/* 1 when the key's value is an RSA key (with its private part when `private_part` is 1). */
int accord_xmlsec_key_is_rsa(accord_xmlsec_key *key, int private_part);

void accord_xmlsec_key_destroy(accord_xmlsec_key *key);

/* A signature context owning `key`, accepting same-document references only, exclusive C14N,
   SHA-256 and RSA-SHA256, ignoring manifests and keeping the bytes each reference digested.
   NULL when out of memory (the key is then destroyed). */
accord_xmlsec_context *accord_xmlsec_context_create(accord_xmlsec_key *key);

void accord_xmlsec_context_destroy(accord_xmlsec_context *context);

/* Signs the template `signature`: 0 when signed, -1 otherwise. */
int accord_xmlsec_sign(accord_xmlsec_context *context, xmlNodePtr signature);

/* Verifies `signature`: 1 valid, 0 processed but not valid, -1 not processed. */
int accord_xmlsec_verify(accord_xmlsec_context *context, xmlNodePtr signature);

/* The references of SignedInfo after verification: their count, the Type of one (NULL when
   none), and the bytes it digested (NULL when none; *size set). */
unsigned int accord_xmlsec_signed_reference_count(accord_xmlsec_context *context);
const xmlChar *accord_xmlsec_signed_reference_type(accord_xmlsec_context *context, unsigned int index);
const unsigned char *accord_xmlsec_signed_reference_bytes(accord_xmlsec_context *context, unsigned int index, unsigned int *size);

/* A certificate from PEM (its first) or DER bytes; NULL when there is none. Free it with
   accord_x509_free. */
accord_x509 *accord_x509_from_pem(const unsigned char *data, int size);
accord_x509 *accord_x509_from_der(const unsigned char *data, int size);
void accord_x509_free(accord_x509 *certificate);

/* Writes the DER encoding of a certificate into *out (free it with accord_openssl_free);
   returns its length, or -1. */
int accord_x509_der(accord_x509 *certificate, unsigned char **out);

/* Writes the subject of a certificate (`/CN=…`) into buffer; returns 0, or -1. */
int accord_x509_subject(accord_x509 *certificate, char *buffer, int size);

void accord_openssl_free(void *pointer);

#endif
