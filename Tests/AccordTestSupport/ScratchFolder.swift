import Foundation

/// A new folder under the temporary directory, removed with the last reference to it: a suite
/// holding one leaves nothing behind, whether its test passed or not.
public final class ScratchFolder: Sendable {
    /// The folder (`TMPDIR/PREFIX-UUID`).
    public let url: URL

    /// Makes the folder `TMPDIR/PREFIX-UUID`.
    /// - Throws: what `FileManager` throws when it cannot be made.
    public init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
