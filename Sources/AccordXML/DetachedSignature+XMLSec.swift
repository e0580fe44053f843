import AccordCore
import CLibXML2
import CXMLSec
import Foundation

extension DetachedSignature {
    /// Signing and verifying the signature file with libxmlsec1 (OpenSSL back end).
    ///
    /// libxmlsec1-openssl is loaded (`dlopen`, through CXMLSec) and initialised when a signature
    /// is first made or checked, once per process, thread-safely: other commands do not load it,
    /// OpenSSL or libxslt. Its process-wide error callback drops the library's messages:
    /// failures become ``AccordError`` sentences. Each operation uses its own xmlsec context.
    enum XMLSec {
        static let signatureID = "accord-signature"
        static let manifestID = "accord-manifest"
        static let dsigNamespace = "http://www.w3.org/2000/09/xmldsig#"
        static let manifestType = "http://www.w3.org/2000/09/xmldsig#Manifest"
        static let sha256Algorithm = "http://www.w3.org/2001/04/xmlenc#sha256"
        /// The largest signature file read, in bytes (a real one is about 3 KB).
        static let maximumSignatureSize = 1024 * 1024

        /// What a valid signature file signs.
        struct SignedManifest {
            /// The URI of the manifest's reference: the document's file name, percent-encoded.
            let documentURI: String
            /// The signed SHA-256 of the document (32 bytes).
            let documentDigest: Data
            /// The subject of the certificate that verified the signature.
            let signer: String
        }

        private static let initialised: Bool = {
            LibXML.silenceThread()
            return accord_xmlsec_prepare() == 0
        }()

        /// Initialises xmlsec (once) and silences libxml2 on this thread.
        private static func prepare() throws {
            try LibXML.prepareThread()
            guard initialised else {
                throw AccordError(
                    .io,
                    "the XML signature library (libxmlsec1 with OpenSSL) could not be initialised; check that libxmlsec1-openssl is installed."
                )
            }
        }

        /// The manifest reference's URI for a file name: the name, percent-encoded as a
        /// relative URI path segment.
        static func uri(forFileName name: String) -> String {
            var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
            allowed.insert(charactersIn: "-._~!$&'()*+,;=:@")
            return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
        }

        // MARK: - Signing

        /// Builds and signs the signature of a document named `documentName` whose SHA-256 is
        /// `documentDigest`; returns the signature file's bytes.
        static func sign(documentName: String, documentDigest: Data, key keyPEM: Data, certificate certificatePEM: Data) throws -> Data {
            try prepare()
            let document = try template(documentURI: uri(forFileName: documentName), digest: documentDigest)
            defer { xmlFreeDoc(document) }
            guard let key = loadKey(keyPEM, certificate: false) else {
                let encrypted = String(decoding: keyPEM.prefix(4096), as: UTF8.self).contains("ENCRYPTED")
                throw AccordError.invalid(
                    "--sign", encrypted ? "the private key is encrypted" : "the file is not a PEM private key",
                    accepted: "an unencrypted PEM RSA private key (PKCS#1 or PKCS#8), kept with mode 0600")
            }
            guard accord_xmlsec_key_is_rsa(key, 1) == 1 else {
                accord_xmlsec_key_destroy(key)
                throw AccordError.invalid(
                    "--sign", "the key is not an RSA private key", accepted: "an unencrypted PEM RSA private key (RSA-SHA256 signatures)")
            }
            let added = certificatePEM.withUnsafeBytes { raw in
                accord_xmlsec_key_add_certificate_pem(key, raw.bindMemory(to: UInt8.self).baseAddress, UInt32(raw.count))
            }
            guard added >= 0 else {
                accord_xmlsec_key_destroy(key)
                throw notACertificate()
            }
            guard let context = accord_xmlsec_context_create(key) else {
                throw AccordError(.io, "the XML signature library could not create a signing context (out of memory?).")
            }
            defer { accord_xmlsec_context_destroy(context) }
            guard let root = xmlDocGetRootElement(document), accord_xmlsec_sign(context, root) == 0 else {
                throw AccordError.invalid(
                    "--sign", "the key could not make an RSA-SHA256 signature", accepted: "an RSA private key of 2048 bits or more")
            }
            return try serialise(document, formatted: false)
        }

        /// The unsigned signature: built with xmlsec's template functions, then printed with
        /// indentation and parsed again so that the signature file is readable (whitespace is
        /// fixed before signing, so it is part of what is signed).
        private static func template(documentURI: String, digest: Data) throws -> xmlDocPtr {
            let strings = XMLStrings()
            guard let draft = xmlNewDoc(strings("1.0")) else { throw outOfMemory() }
            defer { xmlFreeDoc(draft) }
            var signature: xmlNodePtr?
            var documentReference: xmlNodePtr?
            guard
                accord_xmlsec_signature_template(
                    draft, strings(signatureID), strings("#" + manifestID), strings(manifestType), strings(manifestID),
                    strings(documentURI), &signature, &documentReference) == 0,
                let documentReference, let digestValue = child(of: documentReference, named: "DigestValue")
            else { throw outOfMemory() }
            xmlNodeSetContent(digestValue, strings(digest.base64EncodedString()))
            let text = try serialise(draft, formatted: true)
            return try SafeXMLParser().parse(text)
        }

        // MARK: - Verification

        /// Verifies the signature file's bytes with the certificate's public key and returns
        /// what it signs.
        static func verify(_ signatureData: Data, certificate certificatePEM: Data, signatureName: String) throws -> SignedManifest {
            try prepare()
            let notValid = { (why: String) in
                AccordError(
                    .invalidDocument, "the signature file \(signatureName) is not valid: \(why); ask the signer for a new signature.")
            }
            let document: xmlDocPtr
            do {
                document = try SafeXMLParser(maximumSize: maximumSignatureSize).parse(signatureData)
            } catch {
                throw notValid("it is not a well-formed XML file of at most 1 MiB without DOCTYPE")
            }
            defer { xmlFreeDoc(document) }
            guard let root = xmlDocGetRootElement(document), isElement(root, named: "Signature") else {
                throw notValid("it is not an XML signature (its root element is not ds:Signature)")
            }
            guard let key = loadKey(certificatePEM, certificate: true) else { throw notACertificate() }
            let (certificateDER, subject) = describe(certificatePEM)
            let signer = subject ?? "an unnamed subject"
            guard accord_xmlsec_key_is_rsa(key, 0) == 1 else {
                accord_xmlsec_key_destroy(key)
                throw AccordError.invalid(
                    "--cert", "the certificate's key is not an RSA key", accepted: "the RSA certificate of the signer")
            }
            guard let context = accord_xmlsec_context_create(key) else {
                throw AccordError(.io, "the XML signature library could not create a verification context (out of memory?).")
            }
            defer { accord_xmlsec_context_destroy(context) }
            let verified = accord_xmlsec_verify(context, root)
            let processed = verified >= 0
            guard verified == 1 else {
                if let embedded = embeddedCertificate(root), let certificateDER, embedded != certificateDER {
                    let named = describe(embedded, der: true).subject.map { " (\($0))" } ?? ""
                    throw AccordError(
                        .invalidDocument,
                        "the signature file \(signatureName) was made with another certificate\(named) than the one given with --cert (\(signer)); verify with the signer's certificate."
                    )
                }
                throw notValid(
                    processed
                        ? "its signed content or its signature value was changed after signing"
                        : "it is not an RSA-SHA256 XML signature of the form Accord writes")
            }
            // Read what was signed from the bytes that were digested, never from the tree.
            var size: UInt32 = 0
            guard accord_xmlsec_signed_reference_count(context) == 1,
                LibXML.string(accord_xmlsec_signed_reference_type(context, 0)) == manifestType,
                let bytes = accord_xmlsec_signed_reference_bytes(context, 0, &size)
            else { throw notValid("it does not sign exactly one ds:Manifest") }
            let manifestData = Data(bytes: bytes, count: Int(size))
            guard let signed = try? manifest(in: manifestData) else {
                throw notValid("its manifest does not hold exactly one SHA-256 reference to a document")
            }
            return SignedManifest(documentURI: signed.uri, documentDigest: signed.digest, signer: signer)
        }

        /// Reads the one reference of a canonical `ds:Manifest`: its URI and its SHA-256 digest.
        private static func manifest(in data: Data) throws -> (uri: String, digest: Data) {
            let document = try SafeXMLParser(maximumSize: maximumSignatureSize).parse(data)
            defer { xmlFreeDoc(document) }
            struct Malformed: Error {}
            guard let root = xmlDocGetRootElement(document), isElement(root, named: "Manifest") else { throw Malformed() }
            let references = elements(of: root)
            guard references.count == 1, let reference = references.first, isElement(reference, named: "Reference"),
                let uri = attribute(reference, "URI"), !uri.isEmpty, !uri.hasPrefix("#"),
                child(of: reference, named: "Transforms") == nil,
                let method = child(of: reference, named: "DigestMethod"), attribute(method, "Algorithm") == sha256Algorithm,
                let value = child(of: reference, named: "DigestValue"),
                let digest = Data(base64Encoded: LibXML.takeString(xmlNodeGetContent(value)) ?? "", options: .ignoreUnknownCharacters),
                digest.count == 32
            else { throw Malformed() }
            return (uri, digest)
        }

        /// The DER bytes of the first `ds:X509Certificate` in `KeyInfo`, if any.
        private static func embeddedCertificate(_ signature: xmlNodePtr) -> Data? {
            guard let keyInfo = child(of: signature, named: "KeyInfo"), let x509Data = child(of: keyInfo, named: "X509Data"),
                let certificate = child(of: x509Data, named: "X509Certificate"),
                let text = LibXML.takeString(xmlNodeGetContent(certificate))
            else { return nil }
            return Data(base64Encoded: text, options: .ignoreUnknownCharacters)
        }

        // MARK: - xmlsec helpers

        // A signature context (`accord_xmlsec_context_create`) accepts only what Accord writes:
        // same-document references, exclusive canonicalisation, SHA-256 and RSA-SHA256;
        // manifests are not resolved by xmlsec (Accord checks the document's digest itself), so
        // no file or URL named in a signature is ever opened. It takes ownership of the key.

        /// A key from PEM bytes (a certificate's public key when `certificate`); `nil` when the
        /// bytes are not one.
        private static func loadKey(_ pem: Data, certificate: Bool) -> OpaquePointer? {
            pem.withUnsafeBytes { raw in
                guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
                return accord_xmlsec_key_load_pem(base, UInt32(raw.count), certificate ? 1 : 0)
            }
        }

        /// The DER bytes and the subject (`/CN=…`) of the first certificate in PEM bytes (or
        /// of DER bytes).
        private static func describe(_ bytes: Data, der isDER: Bool = false) -> (der: Data?, subject: String?) {
            let certificate = bytes.withUnsafeBytes { raw in
                raw.bindMemory(to: UInt8.self).baseAddress.flatMap {
                    isDER ? accord_x509_from_der($0, Int32(raw.count)) : accord_x509_from_pem($0, Int32(raw.count))
                }
            }
            guard let certificate else { return (nil, nil) }
            defer { accord_x509_free(certificate) }
            var bytes: UnsafeMutablePointer<UInt8>?
            let count = accord_x509_der(certificate, &bytes)
            var der: Data?
            if count > 0, let bytes {
                der = Data(bytes: bytes, count: Int(count))
                accord_openssl_free(bytes)
            }
            var buffer = [CChar](repeating: 0, count: 512)
            let subject =
                accord_x509_subject(certificate, &buffer, Int32(buffer.count)) == 0
                ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
            return (der, subject)
        }

        private static func notACertificate() -> AccordError {
            AccordError.invalid(
                "--cert", "the file is not a PEM X.509 certificate", accepted: "a PEM certificate (-----BEGIN CERTIFICATE-----)")
        }

        private static func outOfMemory() -> AccordError {
            AccordError(.io, "the XML signature could not be built (out of memory?).")
        }

        // MARK: - libxml2 tree helpers

        private static func serialise(_ document: xmlDocPtr, formatted: Bool) throws -> Data {
            var memory: UnsafeMutablePointer<xmlChar>?
            var size: Int32 = 0
            xmlDocDumpFormatMemoryEnc(document, &memory, &size, "UTF-8", formatted ? 1 : 0)
            guard let memory else { throw outOfMemory() }
            defer { accord_xml_free(memory) }
            return Data(bytes: memory, count: Int(size))
        }

        private static func isElement(_ node: xmlNodePtr, named name: String) -> Bool {
            node.pointee.type == XML_ELEMENT_NODE && LibXML.string(node.pointee.name) == name
                && LibXML.string(node.pointee.ns?.pointee.href) == dsigNamespace
        }

        private static func elements(of node: xmlNodePtr) -> [xmlNodePtr] {
            var result: [xmlNodePtr] = []
            var current = node.pointee.children
            while let element = current {
                if element.pointee.type == XML_ELEMENT_NODE { result.append(element) }
                current = element.pointee.next
            }
            return result
        }

        private static func child(of node: xmlNodePtr, named name: String) -> xmlNodePtr? {
            elements(of: node).first { isElement($0, named: name) }
        }

        private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
            LibXML.takeString(xmlGetNoNsProp(node, name))
        }
    }
}

/// NUL-terminated copies of Swift strings for libxml2 and xmlsec calls, freed together.
private final class XMLStrings {
    private var pointers: [UnsafeMutablePointer<xmlChar>] = []

    func callAsFunction(_ string: String) -> UnsafeMutablePointer<xmlChar> {
        let pointer = xmlCharStrdup(string)!
        pointers.append(pointer)
        return pointer
    }

    deinit { pointers.forEach { accord_xml_free($0) } }
}
