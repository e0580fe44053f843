import AccordCore
import Crypto
import Foundation

/// Detached XML signatures of exported documents, in the manner of IHE's Document Digital
/// Signature (DSG) profile.
///
/// The CDA schema has no room for a signature inside `ClinicalDocument`, so the document is
/// left untouched and its signature goes beside it: `NAME.xml` gets `NAME.xml.sig`.
///
/// ## What is signed
///
/// The signature file is a standard, enveloping XMLDSig `ds:Signature` (RSA-SHA256, exclusive
/// canonicalisation) whose one signed reference is a `ds:Manifest`, as IHE DSG signs the
/// manifest of a submission set:
///
/// ```xml
/// <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="accord-signature">
///   <ds:SignedInfo>
///     <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
///     <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
///     <ds:Reference URI="#accord-manifest" Type="http://www.w3.org/2000/09/xmldsig#Manifest">
///       <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
///       <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
///       <ds:DigestValue>…</ds:DigestValue>
///     </ds:Reference>
///   </ds:SignedInfo>
///   <ds:SignatureValue>…</ds:SignatureValue>
///   <ds:KeyInfo><ds:X509Data><ds:X509Certificate>…</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
///   <ds:Object>
///     <ds:Manifest Id="accord-manifest">
///       <ds:Reference URI="S1-v1.cda.xml">
///         <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
///         <ds:DigestValue>SHA-256 of the document's bytes, base64</ds:DigestValue>
///       </ds:Reference>
///     </ds:Manifest>
///   </ds:Object>
/// </ds:Signature>
/// ```
///
/// The manifest's reference is a detached XMLDSig reference in the standard's own terms: its
/// URI is the document's file name relative to the signature file, it has no transforms, so
/// its digest is the SHA-256 of the document's exact bytes. Signing the manifest rather than
/// the external file directly means neither signing nor verifying ever lets xmlsec open a
/// file or a URL named inside a signature (only same-document references are enabled): Accord
/// computes the document's digest itself with swift-crypto. The signature thus binds both the
/// document's name and its SHA-256; a verifier that resolves manifest references (such as
/// `xmlsec1 --verify` run in the document's folder) can check it the same way.
///
/// ## What verification checks
///
/// 1. The XMLDSig signature, with xmlsec, using the public key of the certificate the caller
///    gives, never the certificate inside `KeyInfo` (which only serves to say that another
///    certificate signed).
/// 2. That the one signed reference is the manifest, read from the exact bytes that were
///    digested (so a second, unsigned manifest added to the file is never consulted).
/// 3. That the manifest names this document and that the document's current SHA-256 equals
///    the signed one.
public enum DetachedSignature {
    /// The file name suffix of a signature: `NAME.xml` is signed in `NAME.xml.sig`.
    public static let fileExtension = "sig"

    /// The outcome of a successful verification.
    public struct Verification: Sendable, Equatable {
        /// The document that was checked.
        public let document: URL
        /// Its signature file, `NAME.xml.sig`.
        public let signature: URL
        /// The document's SHA-256, 64 lowercase hexadecimal characters, equal to the signed one.
        public let documentSHA256: String
        /// The subject of the certificate that verified the signature, as OpenSSL prints it
        /// (`/CN=…/O=…`).
        public let signer: String
    }

    /// The signature file of `document`: the same path with `.sig` appended.
    public static func signatureURL(for document: URL) -> URL {
        document.appendingPathExtension(fileExtension)
    }

    // MARK: - Signing

    /// Signs `document` with an RSA key and writes `NAME.xml.sig` beside it (mode 0600, through
    /// AccordCore's `SafeFile`: a link at that name is refused, never written through).
    ///
    /// The document itself is only read. The certificate is written in the signature's
    /// `KeyInfo`; before writing, the new signature is verified with the certificate's public
    /// key, which proves that the certificate belongs to the key.
    ///
    /// ```swift
    /// let signature = try DetachedSignature.sign(document: cda, key: keyPEM, certificate: certificatePEM)
    /// ```
    ///
    /// - Parameters:
    ///   - document: the exported document, `NAME.xml`.
    ///   - key: an unencrypted PEM RSA private key (PKCS#1 or PKCS#8).
    ///   - certificate: the PEM X.509 certificate of that key.
    /// - Returns: the URL of the signature file written, `NAME.xml.sig`.
    /// - Throws: `AccordError`: `notFound` when the document does not exist; `io` when a file
    ///   cannot be read or the signature cannot be written (`NAME.xml.sig` is a link…); `invalidInput` (field `--sign` or
    ///   `--cert`) when the key is not an unencrypted RSA private key, the certificate is not a
    ///   PEM certificate, or the certificate is not the key's.
    @discardableResult
    public static func sign(document: URL, key: URL, certificate: URL) throws -> URL {
        let documentData = try readDocument(document)
        let keyData = try readInput(key, field: "--sign", what: "key")
        let certificateData = try readInput(certificate, field: "--cert", what: "certificate")
        let name = document.lastPathComponent
        let signature = try XMLSec.sign(
            documentName: name, documentDigest: Data(SHA256.hash(data: documentData)), key: keyData, certificate: certificateData)
        do {
            _ = try XMLSec.verify(signature, certificate: certificateData, signatureName: name + ".sig")
        } catch let error as AccordError where error.code == .invalidDocument {
            throw AccordError.invalid(
                "--cert", "the certificate does not belong to the private key given with --sign",
                accepted: "the certificate issued for that key")
        }
        let url = signatureURL(for: document)
        try SafeFile.write(signature, named: url.lastPathComponent, in: url.deletingLastPathComponent(), role: "the output folder")
        return url
    }

    // MARK: - Verification

    /// Checks the signature file beside `document` against `certificate` and the document's
    /// current bytes.
    ///
    /// - Parameters:
    ///   - document: the exported document, `NAME.xml`; its signature is `NAME.xml.sig`.
    ///   - certificate: the PEM X.509 certificate of the expected signer.
    /// - Returns: what was verified.
    /// - Throws: `AccordError`: `notFound` when the document or its signature file is missing;
    ///   `io` when a file cannot be read; `invalidInput` (field `--cert`) when the certificate is
    ///   not a PEM certificate; `invalidDocument` when the signature file is not a valid
    ///   signature, was made with another certificate, signs another document, or when the
    ///   document changed since it was signed.
    public static func verify(document: URL, certificate: URL) throws -> Verification {
        let documentData = try readDocument(document)
        let signatureFile = signatureURL(for: document)
        let name = document.lastPathComponent
        guard FileManager.default.fileExists(atPath: signatureFile.path) else {
            throw AccordError(
                .notFound,
                "no signature file \(signatureFile.lastPathComponent) beside \(name); sign the document with `accord export --sign KEY.pem --cert CERT.pem`."
            )
        }
        let signatureData = try readInput(signatureFile, field: nil, what: "signature file")
        let certificateData = try readInput(certificate, field: "--cert", what: "certificate")
        let signed = try XMLSec.verify(signatureData, certificate: certificateData, signatureName: signatureFile.lastPathComponent)
        guard signed.documentURI == XMLSec.uri(forFileName: name) else {
            throw AccordError(
                .invalidDocument,
                "the signature file \(signatureFile.lastPathComponent) signs the document \(signed.documentURI), not \(name); use the signature made for this document."
            )
        }
        let digest = Data(SHA256.hash(data: documentData))
        guard digest == signed.documentDigest else {
            throw AccordError(
                .invalidDocument,
                "the document changed since it was signed: the SHA-256 of \(name) is now \(hex(digest).prefix(16))…, the signature was made for \(hex(signed.documentDigest).prefix(16))…; use the file as exported, or export and sign it again."
            )
        }
        return Verification(document: document, signature: signatureFile, documentSHA256: hex(digest), signer: signed.signer)
    }

    // MARK: - Files

    private static func readDocument(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AccordError(.notFound, "the document \(url.path) does not exist; give the path of an exported document.")
        }
        return try readInput(url, field: nil, what: "document")
    }

    private static func readInput(_ url: URL, field: String?, what: String) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            let reason = (error as NSError).localizedDescription
            throw AccordError(.io, "cannot read the \(what) \(url.path) (\(reason)); check the path and its permissions.", field: field)
        }
    }

    static func hex(_ data: Data) -> String {
        Hex.lowercase(data)
    }
}
