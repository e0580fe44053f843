import AccordCore
import AccordXML
import Foundation

/// Reading an RCP report (FRCP) from a file, for `rcp show` and a session start.
public enum RCPReportFile {
    /// Reads and parses the report at `path`, refusing files over the parser's size limit
    /// before reading them.
    ///
    /// - Parameters:
    ///   - path: the report's file.
    ///   - field: the option that named the file (`--from-rcp`), for messages.
    /// - Throws: `AccordError` (`io`) when the file cannot be read; (`invalidInput`) as
    ///   `RCPReport.read(_:parser:)` or when the file is too large.
    public static func read(path: String, field: String? = nil) throws -> RCPReport {
        let parser = SafeXMLParser()
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > parser.maximumSize {
            throw AccordError(
                .invalidInput,
                "the RCP report is \(size) bytes, larger than the limit of \(parser.maximumSize) bytes; expected an RCP report of at most that size.",
                field: field)
        }
        guard attributes?[.type] as? FileAttributeType != .typeDirectory, let data = FileManager.default.contents(atPath: path) else {
            throw AccordError(.io, "cannot read the RCP report at the path given; check that it exists and is readable.", field: field)
        }
        do {
            return try RCPReport.read(data, parser: parser)
        } catch let error as AccordError {
            throw AccordError(error.code, error.message, field: field)
        }
    }

    /// Parses a report received as bytes (the web interface's upload), refusing more bytes
    /// than the parser's size limit as ``read(path:field:)`` refuses such a file.
    ///
    /// - Parameters:
    ///   - data: the report's bytes (CDA XML).
    ///   - field: how the interface names the report, for messages.
    /// - Throws: `AccordError` (`invalidInput`) as `RCPReport.read(_:parser:)` or when the
    ///   report is too large.
    public static func read(data: Data, field: String? = nil) throws -> RCPReport {
        let parser = SafeXMLParser()
        if data.count > parser.maximumSize {
            throw AccordError(
                .invalidInput,
                "the RCP report is \(data.count) bytes, larger than the limit of \(parser.maximumSize) bytes; expected an RCP report of at most that size.",
                field: field)
        }
        do {
            return try RCPReport.read(data, parser: parser)
        } catch let error as AccordError {
            throw AccordError(error.code, error.message, field: field)
        }
    }

    /// An error the store raised about a value taken from the report, renamed after the
    /// report's element (`--patient-ins` → `recordTarget/patientRole/id (INS)`).
    public static func fromReport(_ error: AccordError) -> AccordError {
        AccordError(error.code, "in the RCP report, \(error.renamingField(RCPReport.element(forOption: error.field)).description)")
    }
}
