import AccordCore
import AccordService
import ArgumentParser
import Foundation

struct VerifyExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-export",
        abstract: "Check the detached signature of an exported document (FILE.sig) with the signer's certificate.",
        discussion: """
            Verifies the XML signature FILE.sig that `accord export --sign` wrote beside FILE: the \
            RSA-SHA256 signature with the public key of --cert (not the certificate inside the \
            signature file), and that FILE's current SHA-256 is the signed one. Prints \
            `signature valid: FILE, SHA-256 …, signed by SUBJECT` and exits 0; exits 1 when a file \
            is missing and 3 when the signature is not valid or the document changed since it was signed.
            """)

    @Argument(help: ArgumentHelp("The exported document (its signature is FILE.sig).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The PEM X.509 certificate of the signer.", valueName: "cert.pem"))
    var cert: String

    func run() throws {
        let verification = try AccordService.verifySignature(
            of: URL(fileURLWithPath: file), certificate: URL(fileURLWithPath: cert))
        print(
            "signature valid: \(verification.document.lastPathComponent), SHA-256 \(verification.documentSHA256), signed by \(verification.signer)"
        )
    }
}
