/* The flags pkg-config gives for xmlsec1-openssl: they must match how Debian built the library
   (XMLSEC_NO_SIZE_T changes the size type). */
#define __XMLSEC_FUNCTION__ __func__
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1

#include "CXMLSec.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

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

/* Every function of xmlsec and OpenSSL called here, each through a pointer found with dlsym in
   the library loaded (or one it needs) and typed from its header's declaration. */
#define ACCORD_XMLSEC_FUNCTIONS(X)                                                                 \
    X(xmlSecInit)                                                                                  \
    X(xmlSecCheckVersionExt)                                                                       \
    X(xmlSecErrorsSetCallback)                                                                     \
    X(xmlSecOpenSSLAppInit)                                                                        \
    X(xmlSecOpenSSLInit)                                                                           \
    X(xmlSecOpenSSLTransformRsaSha256GetKlass)                                                     \
    X(xmlSecOpenSSLTransformSha256GetKlass)                                                        \
    X(xmlSecTransformExclC14NGetKlass)                                                             \
    X(xmlSecOpenSSLKeyDataRsaGetKlass)                                                             \
    X(xmlSecOpenSSLAppKeyLoadMemory)                                                               \
    X(xmlSecOpenSSLAppKeyCertLoadMemory)                                                           \
    X(xmlSecKeyGetValue)                                                                           \
    X(xmlSecKeyDataGetType)                                                                        \
    X(xmlSecKeyDestroy)                                                                            \
    X(xmlSecTmplSignatureCreateNsPref)                                                             \
    X(xmlSecTmplSignatureAddReference)                                                             \
    X(xmlSecTmplReferenceAddTransform)                                                             \
    X(xmlSecTmplSignatureEnsureKeyInfo)                                                            \
    X(xmlSecTmplKeyInfoAddX509Data)                                                                \
    X(xmlSecTmplX509DataAddCertificate)                                                            \
    X(xmlSecTmplSignatureAddObject)                                                                \
    X(xmlSecTmplObjectAddManifest)                                                                 \
    X(xmlSecTmplManifestAddReference)                                                              \
    X(xmlSecDSigCtxCreate)                                                                         \
    X(xmlSecDSigCtxDestroy)                                                                        \
    X(xmlSecDSigCtxEnableReferenceTransform)                                                       \
    X(xmlSecDSigCtxEnableSignatureTransform)                                                       \
    X(xmlSecDSigCtxSign)                                                                           \
    X(xmlSecDSigCtxVerify)                                                                         \
    X(xmlSecDSigReferenceCtxGetPreDigestBuffer)                                                    \
    X(xmlSecPtrListGetItem)                                                                        \
    X(xmlSecPtrListGetSize)                                                                        \
    X(xmlSecBufferGetData)                                                                         \
    X(xmlSecBufferGetSize)                                                                         \
    X(BIO_new_mem_buf)                                                                             \
    X(BIO_free)                                                                                    \
    X(PEM_read_bio_X509)                                                                           \
    X(d2i_X509)                                                                                    \
    X(i2d_X509)                                                                                    \
    X(X509_free)                                                                                   \
    X(X509_get_subject_name)                                                                       \
    X(X509_NAME_oneline)                                                                           \
    X(CRYPTO_free)

#define ACCORD_DECLARE(name) static __typeof__(&name) f_##name;
ACCORD_XMLSEC_FUNCTIONS(ACCORD_DECLARE)
#undef ACCORD_DECLARE

static pthread_once_t prepared_once = PTHREAD_ONCE_INIT;
static int prepared = -1;

/* xmlsec reports errors through one process-wide callback: this one drops them (Accord turns
   failures into its own sentences). */
static void silent_error(const char *file, int line, const char *function, const char *object, const char *subject,
                         int reason, const char *message) {
    (void)file;
    (void)line;
    (void)function;
    (void)object;
    (void)subject;
    (void)reason;
    (void)message;
}

/* A PEM password callback that gives no password: without it OpenSSL would prompt on the
   terminal for an encrypted key. */
static int no_password(char *buffer, int size, int writing, void *context) {
    (void)buffer;
    (void)size;
    (void)writing;
    (void)context;
    return 0;
}

static void prepare(void) {
    /* The library's soname, then the development link. */
    void *library = dlopen("libxmlsec1-openssl.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libxmlsec1-openssl.so", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
#define ACCORD_RESOLVE(name)                                                                       \
    f_##name = (__typeof__(f_##name))dlsym(library, #name);                                        \
    if (f_##name == NULL) return;
    ACCORD_XMLSEC_FUNCTIONS(ACCORD_RESOLVE)
#undef ACCORD_RESOLVE
    f_xmlSecErrorsSetCallback(silent_error);
    if (f_xmlSecInit() < 0) return;
    if (f_xmlSecCheckVersionExt(XMLSEC_VERSION_MAJOR, XMLSEC_VERSION_MINOR, XMLSEC_VERSION_SUBMINOR,
                                xmlSecCheckVersionABICompatible) != 1)
        return;
    if (f_xmlSecOpenSSLAppInit(NULL) < 0 || f_xmlSecOpenSSLInit() < 0) return;
    prepared = 0;
}

int accord_xmlsec_prepare(void) {
    pthread_once(&prepared_once, prepare);
    return prepared;
}

int accord_xmlsec_signature_template(
    xmlDocPtr draft, const xmlChar *signature_id, const xmlChar *manifest_reference_uri, const xmlChar *manifest_type,
    const xmlChar *manifest_id, const xmlChar *document_uri, xmlNodePtr *signature, xmlNodePtr *document_reference) {
    xmlSecTransformId c14n = f_xmlSecTransformExclC14NGetKlass();
    xmlSecTransformId sha256 = f_xmlSecOpenSSLTransformSha256GetKlass();
    xmlNodePtr root = f_xmlSecTmplSignatureCreateNsPref(
        draft, c14n, f_xmlSecOpenSSLTransformRsaSha256GetKlass(), signature_id, (const xmlChar *)"ds");
    if (root == NULL) return -1;
    xmlDocSetRootElement(draft, root);
    xmlNodePtr reference = f_xmlSecTmplSignatureAddReference(root, sha256, NULL, manifest_reference_uri, manifest_type);
    if (reference == NULL || f_xmlSecTmplReferenceAddTransform(reference, c14n) == NULL) return -1;
    xmlNodePtr key_info = f_xmlSecTmplSignatureEnsureKeyInfo(root, NULL);
    if (key_info == NULL) return -1;
    xmlNodePtr x509_data = f_xmlSecTmplKeyInfoAddX509Data(key_info);
    if (x509_data == NULL || f_xmlSecTmplX509DataAddCertificate(x509_data) == NULL) return -1;
    xmlNodePtr object = f_xmlSecTmplSignatureAddObject(root, NULL, NULL, NULL);
    if (object == NULL) return -1;
    xmlNodePtr manifest = f_xmlSecTmplObjectAddManifest(object, manifest_id);
    if (manifest == NULL) return -1;
    xmlNodePtr document = f_xmlSecTmplManifestAddReference(manifest, sha256, NULL, document_uri, NULL);
    if (document == NULL) return -1;
    *signature = root;
    *document_reference = document;
    return 0;
}

accord_xmlsec_key *accord_xmlsec_key_load_pem(const unsigned char *data, unsigned int size, int certificate) {
    return (accord_xmlsec_key *)f_xmlSecOpenSSLAppKeyLoadMemory(
        data, size, certificate ? xmlSecKeyDataFormatCertPem : xmlSecKeyDataFormatPem, NULL, (void *)no_password, NULL);
}

int accord_xmlsec_key_add_certificate_pem(accord_xmlsec_key *key, const unsigned char *data, unsigned int size) {
    return f_xmlSecOpenSSLAppKeyCertLoadMemory((xmlSecKeyPtr)key, data, size, xmlSecKeyDataFormatPem) < 0 ? -1 : 0;
}

int accord_xmlsec_key_is_rsa(accord_xmlsec_key *key, int private_part) {
    xmlSecKeyDataPtr value = f_xmlSecKeyGetValue((xmlSecKeyPtr)key);
    if (value == NULL || value->id != f_xmlSecOpenSSLKeyDataRsaGetKlass()) return 0;
    return !private_part || (f_xmlSecKeyDataGetType(value) & xmlSecKeyDataTypePrivate) != 0;
}

void accord_xmlsec_key_destroy(accord_xmlsec_key *key) { f_xmlSecKeyDestroy((xmlSecKeyPtr)key); }

accord_xmlsec_context *accord_xmlsec_context_create(accord_xmlsec_key *key) {
    xmlSecDSigCtxPtr context = f_xmlSecDSigCtxCreate(NULL);
    if (context == NULL) {
        f_xmlSecKeyDestroy((xmlSecKeyPtr)key);
        return NULL;
    }
    context->signKey = (xmlSecKeyPtr)key;
    context->flags = XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS | XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
    context->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
    xmlSecTransformId c14n = f_xmlSecTransformExclC14NGetKlass();
    if (f_xmlSecDSigCtxEnableReferenceTransform(context, c14n) < 0 ||
        f_xmlSecDSigCtxEnableReferenceTransform(context, f_xmlSecOpenSSLTransformSha256GetKlass()) < 0 ||
        f_xmlSecDSigCtxEnableSignatureTransform(context, c14n) < 0 ||
        f_xmlSecDSigCtxEnableSignatureTransform(context, f_xmlSecOpenSSLTransformRsaSha256GetKlass()) < 0) {
        f_xmlSecDSigCtxDestroy(context);
        return NULL;
    }
    return (accord_xmlsec_context *)context;
}

void accord_xmlsec_context_destroy(accord_xmlsec_context *context) { f_xmlSecDSigCtxDestroy((xmlSecDSigCtxPtr)context); }

int accord_xmlsec_sign(accord_xmlsec_context *context, xmlNodePtr signature) {
    xmlSecDSigCtxPtr dsig = (xmlSecDSigCtxPtr)context;
    return f_xmlSecDSigCtxSign(dsig, signature) >= 0 && dsig->status == xmlSecDSigStatusSucceeded ? 0 : -1;
}

int accord_xmlsec_verify(accord_xmlsec_context *context, xmlNodePtr signature) {
    xmlSecDSigCtxPtr dsig = (xmlSecDSigCtxPtr)context;
    if (f_xmlSecDSigCtxVerify(dsig, signature) < 0) return -1;
    return dsig->status == xmlSecDSigStatusSucceeded ? 1 : 0;
}

unsigned int accord_xmlsec_signed_reference_count(accord_xmlsec_context *context) {
    return f_xmlSecPtrListGetSize(&((xmlSecDSigCtxPtr)context)->signedInfoReferences);
}

static xmlSecDSigReferenceCtxPtr signed_reference(accord_xmlsec_context *context, unsigned int index) {
    return (xmlSecDSigReferenceCtxPtr)f_xmlSecPtrListGetItem(&((xmlSecDSigCtxPtr)context)->signedInfoReferences, index);
}

const xmlChar *accord_xmlsec_signed_reference_type(accord_xmlsec_context *context, unsigned int index) {
    xmlSecDSigReferenceCtxPtr reference = signed_reference(context, index);
    return reference == NULL ? NULL : reference->type;
}

const unsigned char *accord_xmlsec_signed_reference_bytes(accord_xmlsec_context *context, unsigned int index, unsigned int *size) {
    *size = 0;
    xmlSecDSigReferenceCtxPtr reference = signed_reference(context, index);
    if (reference == NULL) return NULL;
    xmlSecBufferPtr buffer = f_xmlSecDSigReferenceCtxGetPreDigestBuffer(reference);
    if (buffer == NULL) return NULL;
    *size = f_xmlSecBufferGetSize(buffer);
    return f_xmlSecBufferGetData(buffer);
}

accord_x509 *accord_x509_from_pem(const unsigned char *data, int size) {
    BIO *bio = f_BIO_new_mem_buf(data, size);
    if (bio == NULL) return NULL;
    X509 *certificate = f_PEM_read_bio_X509(bio, NULL, no_password, NULL);
    f_BIO_free(bio);
    return (accord_x509 *)certificate;
}

accord_x509 *accord_x509_from_der(const unsigned char *data, int size) {
    const unsigned char *cursor = data;
    return (accord_x509 *)f_d2i_X509(NULL, &cursor, size);
}

void accord_x509_free(accord_x509 *certificate) { f_X509_free((X509 *)certificate); }

int accord_x509_der(accord_x509 *certificate, unsigned char **out) {
    *out = NULL;
    return f_i2d_X509((X509 *)certificate, out);
}

int accord_x509_subject(accord_x509 *certificate, char *buffer, int size) {
    return f_X509_NAME_oneline(f_X509_get_subject_name((X509 *)certificate), buffer, size) != NULL ? 0 : -1;
}

void accord_openssl_free(void *pointer) { f_CRYPTO_free(pointer, OPENSSL_FILE, OPENSSL_LINE); }
