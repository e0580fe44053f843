import AccordCore
import AccordXML
import Foundation

/// Writes an output file (an export, a report) the way exports are written.
public enum OutputFile {
    /// Writes `data` to `url` atomically with mode 0600 (a synced temporary file of
    /// unpredictable name in the same folder, then a rename), creating missing folders; nothing
    /// is left behind on failure. A link at `url`'s name is never followed nor replaced.
    /// - Throws: `AccordError` (`io`), naming `what` (e.g. "the participation report") or the
    ///   file, e.g. when `url` is a symbolic link.
    public static func writePrivately(_ data: Data, to url: URL, what: String) throws {
        _ = try SafeFile.writeCreatingFolder(
            data, named: url.lastPathComponent, in: url.deletingLastPathComponent(), what: what, role: "the folder of \(what)")
    }
}

extension ExportProfile {
    /// Writes a prepared document into `directory` (atomically, mode 0600).
    /// - Parameters:
    ///   - prepared: the document, from `prepare(_:version:versionKey:centre:centreAt:now:pseudonymKey:schema:)`.
    ///   - session: the session the document is of (named by messages).
    ///   - directory: the output folder.
    ///   - syncFolder: whether to sync the folder after the rename (a batch syncs it
    ///     once per group of documents).
    /// - Returns: the file written, its size and how it was checked.
    /// - Throws: `AccordError` (`io`) when the folder or file cannot be written.
    public func write(_ prepared: PreparedDocument, session: SessionID, to directory: URL, syncFolder: Bool = true) throws -> ExportOutcome
    {
        let url = try SafeFile.writeCreatingFolder(
            prepared.data, named: prepared.fileName, in: directory, what: description(of: session).what, syncFolder: syncFolder)
        return ExportOutcome(url: url, byteCount: prepared.data.count, validation: prepared.validation)
    }
}
