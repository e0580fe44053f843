import Foundation

/// A database written by the Accord from before payload version 2 (commit a98d4c6), every
/// event in the legacy payload shape: 34 events of the 18 kinds in sessions S1–S3, made by
/// `Tests/Fixtures/legacy-payloads/make.sh`, kept as an SQL dump with its chain key and what
/// `session show S --json` printed then.
public enum LegacyDatabase {
    /// The fixture's folder.
    public static var folder: URL {
        Samples.packageRoot.appendingPathComponent("Tests/Fixtures/legacy-payloads")
    }

    /// The SQL that rebuilds the database (`sqlite3 … .dump`).
    public static func sql() throws -> String {
        try String(contentsOf: folder.appendingPathComponent("accord.sql"), encoding: .utf8)
    }

    /// The event chain's head the old Accord's `accord verify` printed, `SEQ:HASH`.
    public static let head = "34:8b25aa5edb8cc8eea06044436eef196934075932427c634084c919c3f05a14c5"

    /// Writes the 32-byte chain key to `url` with mode 0600.
    public static func writeKey(to url: URL) throws {
        let hex = try String(contentsOf: folder.appendingPathComponent("chain.key.hex"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        precondition(bytes.count == 32)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    /// What `accord session show SESSION --json` printed from the old Accord (`S1`…`S3`).
    public static func shownJSON(_ session: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("\(session).json"), encoding: .utf8)
    }
}
