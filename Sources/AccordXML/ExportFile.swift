import AccordCore
import Crypto
import Foundation

/// File operations shared by the exporters of this folder: checked private writes and digests.
enum ExportFile {
    /// Checks a built document (against `schema`, or for well-formedness without one) and
    /// writes it atomically as `directory/name`; nothing is written when the check fails.
    /// - Parameters:
    ///   - what: how messages name the document, e.g. "the FHIR document for session S1".
    ///   - hint: what to do about a failed check, appended to its message (e.g. for a custom
    ///     profile, " Fix the profile's templates.").
    /// - Throws: `AccordError` (`invalidDocument`) with the first schema messages, (`io`).
    static func checkAndWrite(
        _ data: Data, named name: String, in directory: URL, schema: XMLSchema?, what: String, hint: String = ""
    ) throws -> ExportOutcome {
        let validation = try check(data, schema: schema, what: what, hint: hint)
        let target = try SafeFile.writeCreatingFolder(data, named: name, in: directory, what: what)
        return ExportOutcome(url: target, byteCount: data.count, validation: validation)
    }

    /// Checks a built document against `schema`, or for well-formedness without one.
    /// - Throws: `AccordError` (`invalidDocument`) with the first schema messages.
    static func check(_ data: Data, schema: XMLSchema?, what: String, hint: String = "") throws -> ExportOutcome.Validation {
        let validation: ExportOutcome.Validation
        if let schema {
            let messages = schema.validate(data)
            guard messages.isEmpty else {
                throw AccordError(
                    .invalidDocument,
                    "\(what) failed schema validation: \(messages.prefix(3).joined(separator: "; "))"
                        + (messages.count > 3 ? " (and \(messages.count - 3) more)" : "") + "; nothing was written." + hint)
            }
            validation = .valid(schema: schema.url.path)
        } else {
            do {
                try SafeXMLParser().wellFormed(data)
            } catch let error as AccordError where error.code != .io {  // libxml2 not loaded: passed on
                throw AccordError(.invalidDocument, "\(what) is not well-formed XML: \(error.message) Nothing was written." + hint)
            }
            validation = .notValidated
        }
        return validation
    }

    /// The SHA-256 of a file's bytes as 64 lowercase hexadecimal characters, read in 64 KiB
    /// blocks (memory stays flat whatever the file's size).
    /// - Throws: `AccordError` (`io`) when the file cannot be read.
    static func sha256(of url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw AccordError(.io, "cannot read back \(url.lastPathComponent) to compute its SHA-256.")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let block = try handle.read(upToCount: 65_536) ?? Data()
            if block.isEmpty { break }
            hasher.update(data: block)
        }
        return hasher.finalize().withUnsafeBytes { Hex.lowercase($0) }
    }

    /// The SHA-256 of bytes, lowercase hexadecimal.
    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).withUnsafeBytes { Hex.lowercase($0) }
    }
}
