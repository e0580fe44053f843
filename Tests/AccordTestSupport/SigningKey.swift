import Foundation

/// A throwaway RSA key and self-signed certificate for signature tests.
public enum SigningKey {
    /// Makes `key.pem` and `cert.pem` in `folder` with the `openssl` command.
    /// - Returns: their paths, or `nil` when openssl failed.
    public static func make(in folder: URL) throws -> (key: URL, certificate: URL)? {
        let key = folder.appendingPathComponent("key.pem")
        let certificate = folder.appendingPathComponent("cert.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", certificate.path, "-days", "1", "-subj",
            "/CN=Accord test",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        return openssl.terminationStatus == 0 ? (key, certificate) : nil
    }
}
