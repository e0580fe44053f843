import AccordCore
import Foundation
import Testing

@testable import AccordXML

/// A temporary folder with the sample CDA document and a throwaway RSA key and self-signed
/// certificate made by the openssl command at run time (no key is committed).
struct SigningFixture {
    let folder: URL
    let document: URL
    let key: URL
    let certificate: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-signature-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        document = folder.appendingPathComponent("S1-v1.cda.xml")
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Exports/cda-fr/example.cda.xml")
        try FileManager.default.copyItem(at: sample, to: document)
        (key, certificate) = try Self.makeKey(named: "signer", in: folder)
    }

    /// `NAME.key.pem` and `NAME.cert.pem`: a 2048-bit RSA key and its self-signed certificate.
    static func makeKey(named name: String, in folder: URL) throws -> (key: URL, certificate: URL) {
        let key = folder.appendingPathComponent("\(name).key.pem")
        let certificate = folder.appendingPathComponent("\(name).cert.pem")
        try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", certificate.path, "-days", "1", "-subj",
                "/CN=Accord test \(name)",
            ])
        return (key, certificate)
    }

    /// Runs a tool and returns its standard output; fails when it exits non-zero.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct ToolFailed: Error { let tool: String }
        guard process.terminationStatus == 0 else { throw ToolFailed(tool: tool) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The document's SHA-256 as `sha256sum` computes it (lowercase hexadecimal).
    var independentSHA256: String {
        get throws { String(try Self.run("/usr/bin/sha256sum", [document.path]).prefix(64)) }
    }

    var signature: URL { DetachedSignature.signatureURL(for: document) }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    /// Replaces the first occurrence of `old` in `file` by `new`.
    static func replace(_ old: String, with new: String, in file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let range = text.range(of: old) else { throw CocoaError(.fileReadCorruptFile) }
        try Data(text.replacingCharacters(in: range, with: new).utf8).write(to: file)
    }
}

@Suite("Detached XML signatures")
struct DetachedSignatureTests {
    @Test("a signed document verifies, and the document is untouched")
    func signAndVerify() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        let before = try Data(contentsOf: fixture.document)
        let url = try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        #expect(url.path == fixture.document.path + ".sig")
        #expect(try Data(contentsOf: fixture.document) == before)
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let verification = try DetachedSignature.verify(document: fixture.document, certificate: fixture.certificate)
        #expect(verification.documentSHA256 == (try fixture.independentSHA256))
        #expect(verification.signer.contains("CN=Accord test signer"))
        #expect(verification.signature == url)
    }

    @Test("the signature file is an RSA-SHA256 XMLDSig binding the document's name and SHA-256")
    func format() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        let reader = try XMLDocumentReader(data: Data(contentsOf: fixture.signature))
        func values(_ path: String) throws -> [String] {
            // XMLDocumentReader has no ds prefix: name XMLDSig elements by namespace and local name.
            let steps = path.split(separator: "/").map { step -> String in
                let parts = step.split(separator: "@", maxSplits: 1)
                let element = "*[namespace-uri()='http://www.w3.org/2000/09/xmldsig#' and local-name()='\(parts[0])']"
                return parts.count == 2 ? "\(element)/@\(parts[1])" : element
            }
            return try reader.strings(xpath: "/" + steps.joined(separator: "/"))
        }
        #expect(try values("Signature/SignedInfo/SignatureMethod@Algorithm") == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"])
        #expect(try values("Signature/SignedInfo/CanonicalizationMethod@Algorithm") == ["http://www.w3.org/2001/10/xml-exc-c14n#"])
        #expect(try values("Signature/SignedInfo/Reference/DigestMethod@Algorithm") == ["http://www.w3.org/2001/04/xmlenc#sha256"])
        #expect(try values("Signature/SignedInfo/Reference@Type") == ["http://www.w3.org/2000/09/xmldsig#Manifest"])
        #expect(try values("Signature/SignedInfo/Reference@URI") == ["#accord-manifest"])
        #expect(try values("Signature/Object/Manifest@Id") == ["accord-manifest"])
        #expect(try values("Signature/Object/Manifest/Reference@URI") == ["S1-v1.cda.xml"])
        #expect(try values("Signature/Object/Manifest/Reference/DigestMethod@Algorithm") == ["http://www.w3.org/2001/04/xmlenc#sha256"])
        let digest = try #require(Data(base64Encoded: try values("Signature/Object/Manifest/Reference/DigestValue").first ?? ""))
        #expect(DetachedSignature.hex(digest) == (try fixture.independentSHA256))

        // KeyInfo holds the signer's certificate, the same DER as the PEM file.
        let embedded = try #require(try values("Signature/KeyInfo/X509Data/X509Certificate").first)
        let pem = try String(contentsOf: fixture.certificate, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("-----") }
            .joined()
        #expect(Data(base64Encoded: embedded, options: .ignoreUnknownCharacters) == Data(base64Encoded: pem))
    }

    @Test("changing one byte of the document fails with the digest message")
    func documentChanged() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        var bytes = try Data(contentsOf: fixture.document)
        let index = bytes.firstIndex(of: UInt8(ascii: "7"))!  // the INS in the sample has a 7
        bytes[index] = UInt8(ascii: "8")
        try bytes.write(to: fixture.document)
        let error = #expect(throws: AccordError.self) {
            try DetachedSignature.verify(document: fixture.document, certificate: fixture.certificate)
        }
        #expect(error?.code == .invalidDocument)
        #expect(error?.message.hasPrefix("the document changed since it was signed") == true)
    }

    /// Edits of the signature file: (what is replaced, found by this marker).
    static let signatureEdits = ["SignatureValue>", "DigestValue>", "URI=\"S1", "Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256"]

    @Test("editing the signature file makes it not valid", arguments: signatureEdits)
    func signatureEdited(marker: String) throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        var text = try String(contentsOf: fixture.signature, encoding: .utf8)
        // Change the character just after the first occurrence of the marker to another one.
        let range = try #require(text.range(of: marker))
        let position = text.index(range.upperBound, offsetBy: marker.hasPrefix("Algorithm") ? -1 : 0)
        let replacement: Character = text[position] == "A" ? "B" : "A"
        text.replaceSubrange(position...position, with: String(replacement))
        try Data(text.utf8).write(to: fixture.signature)
        let error = #expect(throws: AccordError.self) {
            try DetachedSignature.verify(document: fixture.document, certificate: fixture.certificate)
        }
        #expect(error?.code == .invalidDocument)
        #expect(error?.message.hasPrefix("the signature file S1-v1.cda.xml.sig is not valid") == true, "\(error?.message ?? "")")
    }

    @Test("an unsigned second manifest added to the signature file is never trusted")
    func wrappedManifest() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        let signed = try String(contentsOf: fixture.signature, encoding: .utf8)
        // Change the document, and add an Object whose manifest claims the new digest.
        try Data("<!-- changed -->".utf8).write(to: fixture.document, options: .atomic)
        let hex = Array(try fixture.independentSHA256)
        let digest = Data(stride(from: 0, to: 64, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! })
        let object = """
            <ds:Object><ds:Manifest Id="other"><ds:Reference URI="S1-v1.cda.xml">\
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\
            <ds:DigestValue>\(digest.base64EncodedString())</ds:DigestValue>\
            </ds:Reference></ds:Manifest></ds:Object></ds:Signature>
            """
        try Data(signed.replacingOccurrences(of: "</ds:Signature>", with: object).utf8).write(to: fixture.signature)
        let error = #expect(throws: AccordError.self) {
            try DetachedSignature.verify(document: fixture.document, certificate: fixture.certificate)
        }
        #expect(error?.message.hasPrefix("the document changed since it was signed") == true, "\(error?.message ?? "")")
    }

    @Test("verifying with another certificate fails, naming the certificate")
    func anotherCertificate() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        let other = try SigningFixture.makeKey(named: "other", in: fixture.folder)
        let error = #expect(throws: AccordError.self) {
            try DetachedSignature.verify(document: fixture.document, certificate: other.certificate)
        }
        #expect(error?.code == .invalidDocument)
        #expect(error?.message.contains("was made with another certificate") == true, "\(error?.message ?? "")")
    }

    @Test("a missing signature file gives a clear error")
    func missingSignature() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        let error = #expect(throws: AccordError.self) {
            try DetachedSignature.verify(document: fixture.document, certificate: fixture.certificate)
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.hasPrefix("no signature file S1-v1.cda.xml.sig beside S1-v1.cda.xml") == true)
    }

    @Test("a signature copied beside another document names the one it signs")
    func signatureOfAnotherDocument() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: fixture.certificate)
        let copy = fixture.folder.appendingPathComponent("S1-v2.cda.xml")
        try FileManager.default.copyItem(at: fixture.document, to: copy)
        try FileManager.default.copyItem(at: fixture.signature, to: DetachedSignature.signatureURL(for: copy))
        let error = #expect(throws: AccordError.self) { try DetachedSignature.verify(document: copy, certificate: fixture.certificate) }
        #expect(error?.message.contains("signs the document S1-v1.cda.xml, not S1-v2.cda.xml") == true, "\(error?.message ?? "")")
    }

    @Test("signing refuses a certificate that is not the key's")
    func certificateOfAnotherKey() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        let other = try SigningFixture.makeKey(named: "other", in: fixture.folder)
        let error = #expect(throws: AccordError.self) {
            try DetachedSignature.sign(document: fixture.document, key: fixture.key, certificate: other.certificate)
        }
        #expect(error?.field == "--cert")
        #expect(error?.message.contains("does not belong to the private key") == true, "\(error?.message ?? "")")
        #expect(!FileManager.default.fileExists(atPath: fixture.signature.path))
    }

    @Test("unreadable keys and certificates are refused with the option they came from")
    func unreadableKeys() throws {
        let fixture = try SigningFixture()
        defer { fixture.cleanUp() }
        let missing = fixture.folder.appendingPathComponent("missing.pem")
        let sign = { (key: URL, certificate: URL) in
            #expect(throws: AccordError.self) { try DetachedSignature.sign(document: fixture.document, key: key, certificate: certificate) }
        }
        #expect(sign(missing, fixture.certificate)?.field == "--sign")
        #expect(sign(missing, fixture.certificate)?.code == .io)
        #expect(sign(fixture.document, fixture.certificate)?.field == "--sign")
        #expect(sign(fixture.document, fixture.certificate)?.message.contains("not a PEM private key") == true)
        #expect(sign(fixture.certificate, fixture.certificate)?.field == "--sign")
        #expect(sign(fixture.key, fixture.document)?.field == "--cert")
        #expect(sign(fixture.key, fixture.document)?.message.contains("not a PEM X.509 certificate") == true)
        #expect(!FileManager.default.fileExists(atPath: fixture.signature.path))
    }
}
