import AccordCore
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
        let key = cli.folder.appendingPathComponent("key.pem")
        let certificate = cli.folder.appendingPathComponent("cert.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", certificate.path, "-days", "1", "-subj",
            "/CN=Accord test",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
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
}
