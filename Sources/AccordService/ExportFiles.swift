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
    /// Writes prepared documents into `directory` as one group (a batch's documents): each file
    /// written, then all synced at once, then each moved to its name in order, then the folder
    /// synced (``SafeFile/writeAll(_:in:mode:role:)``; atomically, mode 0600).
    /// - Parameters:
    ///   - documents: each prepared document and the session it is of, in the order written.
    ///   - directory: the output folder (created when missing).
    /// - Returns: each document's file, size and how it was checked, in order.
    /// - Throws: `AccordError` (`io`) when the folder or a file cannot be written; the files
    ///   before the one that failed may be in place, never a part of one.
    public func write(_ documents: [(prepared: PreparedDocument, session: SessionID)], to directory: URL) throws -> [ExportOutcome] {
        guard let first = documents.first else { return [] }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw AccordError(
                .io, "could not write \(description(of: first.session).what) into \(directory.path): \(error.localizedDescription)",
                field: "--out")
        }
        let urls = try SafeFile.writeAll(
            documents.map { ($0.prepared.fileName, $0.prepared.data) }, in: directory, role: "the output folder")
        return zip(documents, urls).map { document, url in
            ExportOutcome(url: url, byteCount: document.prepared.data.count, validation: document.prepared.validation)
        }
    }
}
