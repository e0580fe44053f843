import Foundation
import Testing

@testable import AccordService

/// The warning `export --sign` gives for a private key file other users can read or change.
@Suite struct SigningKeyModeTests {
    /// The warning reads the mode of the file the key is read from, names what others may do,
    /// and says nothing for execute bits alone or for what is not a file (whose reading fails).
    @Test func theSigningKeyWarningNamesWhatOthersMayDo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-key-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("key.pem")
        try Data("key".utf8).write(to: key)
        for (mode, access): (Int, String?) in [
            (0o600, nil), (0o400, nil), (0o711, nil), (0o640, "read"), (0o604, "read"), (0o620, "changed"), (0o602, "changed"),
        ] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: key.path)
            let warning = AccordService.signingKeyModeWarning(key.path)
            #expect(
                warning
                    == access.map {
                        "the signing key \(key.path) can be \($0) by other users (mode \(String(mode, radix: 8))); keep it with mode 0600 (`chmod 600`), so that no one else can sign as the centre."
                    }, "mode \(String(mode, radix: 8))")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        #expect(AccordService.signingKeyModeWarning(folder.path) == nil)
        #expect(AccordService.signingKeyModeWarning("/dev/null") == nil)
        #expect(AccordService.signingKeyModeWarning(folder.appendingPathComponent("missing.pem").path) == nil)
    }
}
