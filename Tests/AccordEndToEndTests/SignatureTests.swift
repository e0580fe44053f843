import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

@Suite struct SignatureTests {
    /// Copies the sample CDA document into the CLI's folder, makes a throwaway key and
    /// self-signed certificate with the openssl command, and signs the document through the
    /// library. Returns the document and certificate paths.
    func signedDocument(_ cli: AccordCLI) throws -> (document: URL, certificate: URL) {
        let document = cli.folder.appendingPathComponent("S1-v1.cda.xml")
        try FileManager.default.copyItem(at: AccordCLI.packageRoot.appendingPathComponent("Exports/cda-fr/example.cda.xml"), to: document)
        let (key, certificate) = try #require(try SigningKey.make(in: cli.folder))
        try DetachedSignature.sign(document: document, key: key, certificate: certificate)
        return (document, certificate)
    }

    @Test func verifyExportAcceptsASignedDocument() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let signed = try signedDocument(cli)
        let result = try cli.run(["verify-export", signed.document.path, "--cert", signed.certificate.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("signature valid: S1-v1.cda.xml, SHA-256 "))
        #expect(result.stdout.contains("signed by /CN=Accord test"))
        #expect(result.stderr.isEmpty, "library noise on standard error: \(result.stderr)")
    }

    @Test func verifyExportFailsAfterAOneByteChange() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let signed = try signedDocument(cli)
        var bytes = try Data(contentsOf: signed.document)
        bytes[bytes.count - 2] ^= 0x01
        try bytes.write(to: signed.document)
        let result = try cli.run(["verify-export", signed.document.path, "--cert", signed.certificate.path])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("accord: error: the document changed since it was signed"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "more than one line on standard error: \(result.stderr)")
    }

    @Test func verifyExportFailsWithoutASignature() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let signed = try signedDocument(cli)
        try FileManager.default.removeItem(at: DetachedSignature.signatureURL(for: signed.document))
        let result = try cli.run(["verify-export", signed.document.path, "--cert", signed.certificate.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no signature file S1-v1.cda.xml.sig"), "\(result.stderr)")
    }

    @Test func exportSignsEachDocumentAndVerifyExportChecksIt() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let signed = try signedDocument(cli)
        let key = cli.folder.appendingPathComponent("key.pem").path
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let single = try cli.run(["export", "S1", "--out", "one", "--sign", key, "--cert", signed.certificate.path])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stderr.contains("Signed in S1-v1.cda.xml.sig (XML signature, RSA-SHA256)."))
        let document = cli.folder.appendingPathComponent("one/S1-v1.cda.xml")
        #expect(try cli.run(["verify-export", document.path, "--cert", signed.certificate.path]).status == 0)
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", "many", "--sign", key, "--cert", signed.certificate.path])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("many/S1-v1.cda.xml.sig").path))
        // A certificate that is not the key's is refused before any document is written.
        let other = cli.folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", other.appendingPathComponent("k.pem").path, "-out",
            other.appendingPathComponent("c.pem").path, "-days", "1", "-subj", "/CN=Other",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let mismatch = try cli.run([
            "export", "S1", "--out", "mismatch", "--sign", key, "--cert", other.appendingPathComponent("c.pem").path,
        ])
        #expect(mismatch.status == 1)
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("mismatch/S1-v1.cda.xml").path))
        let alone = try cli.run(["export", "S1", "--out", "x", "--sign", key])
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("--sign and --cert go together"))
    }

    /// A signing key other users can read is used with a warning naming its mode; one of mode
    /// 0600 (as openssl writes it) draws none.
    @Test func aSigningKeyOthersCanReadIsUsedWithAWarning() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let (key, certificate) = try #require(try SigningKey.make(in: cli.folder))
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let warning = "accord: warning: the signing key \(key.path) can be read by other users (mode 644); keep it with mode 0600"
        let kept = try cli.run(["export", "S1", "--out", "kept", "--sign", key.path, "--cert", certificate.path])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(!kept.stderr.contains("can be read by other users"), "\(kept.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let open = try cli.run(["export", "S1", "--out", "open", "--sign", key.path, "--cert", certificate.path])
        #expect(open.status == 0, "\(open.stderr)")
        #expect(open.stderr.contains(warning), "\(open.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("open/S1-v1.cda.xml.sig").path))
    }
}
