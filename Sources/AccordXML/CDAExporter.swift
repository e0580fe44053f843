import AccordCore
import Foundation

/// Everything one CDA document is built from. The same input always gives the same bytes.
public struct CDAExportInput: Sendable {
    /// The consultation, closed (its state derived from its events).
    public var consultation: Consultation
    /// The centre's settings: custodian of the document and root of its ids.
    public var centre: CentreSettings
    /// The document's effectiveTime (UTC instant), from the fixed clock (`ACCORD_NOW`) in tests.
    public var exportedAt: Date
    /// The document's versionNumber, from 1; an amendment exports the next version.
    public var version: Int
    /// The document this one replaces (header `relatedDocument typeCode="RPLC"`), only for a
    /// version after the first.
    public var replacedDocumentID: InstanceIdentifier?

    /// Creates an input.
    /// - Parameters:
    ///   - consultation: the consultation to export.
    ///   - centre: the centre's settings (AccordCore's `CentreSettings.example` until they are made).
    ///   - exportedAt: the document's effectiveTime (UTC instant).
    ///   - version: the versionNumber, from 1.
    ///   - replacedDocumentID: the id of the version this one replaces, or `nil`.
    public init(
        consultation: Consultation, centre: CentreSettings, exportedAt: Date, version: Int = 1,
        replacedDocumentID: InstanceIdentifier? = nil
    ) {
        self.consultation = consultation
        self.centre = centre
        self.exportedAt = exportedAt
        self.version = version
        self.replacedDocumentID = replacedDocumentID
    }
}

/// What ``CDAExporter/write(_:pseudonymised:to:schema:)`` produced.
public struct ExportOutcome: Sendable, Hashable {
    /// How the document was checked before it was written.
    public enum Validation: Sendable, Hashable {
        /// Valid against the schema at this path.
        case valid(schema: String)
        /// Well-formed, but no schema was given (set `ACCORD_SCHEMAS` or `--schemas`).
        case notValidated
    }

    /// The file written.
    public var url: URL
    /// The file's size in bytes.
    public var byteCount: Int
    /// How the document was checked.
    public var validation: Validation

    /// The file's path.
    public var path: String { url.path }

    /// An outcome: the file written, its size and how it was checked.
    public init(url: URL, byteCount: Int, validation: Validation) {
        self.url = url
        self.byteCount = byteCount
        self.validation = validation
    }
}

/// Exports a consultation as a CDA R2 document in the French CI-SIS style (profile `cda-fr`).
///
/// The header follows the ANS "structuration minimale" (see `Exports/cda-fr/README.md` for the
/// mapping of every element); the body has one section per part of the record, each with a
/// code, a title and a narrative, plus coded entries for the options and the decision.
public enum CDAExporter {
    /// The third header templateId, naming Accord's content model. On the `2.999` example arc
    /// until Accord has a registered OID; versioned by its extension.
    public static let contentModelTemplateID = InstanceIdentifier(root: "2.999.1.1.1", extension_: "2026.01")

    /// Accord's local code system for sections and entries no standard code fits (example arc).
    public static let localCodeSystem = "2.999.1.1.2"
    /// The local code system's name in documents.
    public static let localCodeSystemName = "Accord (codes locaux)"

    /// The id shared by every version of a session's document: `<centre root>.1.<session number>`,
    /// no extension.
    /// - Parameters:
    ///   - session: the session.
    ///   - centre: the centre's settings (its OID root).
    public static func setID(session: SessionID, centre: CentreSettings) -> InstanceIdentifier {
        InstanceIdentifier(root: "\(centre.oidRoot).1.\(session.number)")
    }

    /// The id of one version: `<centre root>.1.<session number>.<version>`, no extension.
    /// - Parameters:
    ///   - session: the session.
    ///   - version: the version number, from 1.
    ///   - centre: the centre's settings.
    public static func documentID(session: SessionID, version: Int, centre: CentreSettings) -> InstanceIdentifier {
        InstanceIdentifier(root: "\(centre.oidRoot).1.\(session.number).\(version)")
    }

    /// The file name of a version: `<session id>-v<version>.cda.xml`, e.g. `S1-v1.cda.xml`;
    /// pseudonymised, `S1-v1.pseudonymised.cda.xml` (``ExportProfile/pseudonymisedName(_:)``).
    public static func fileName(session: SessionID, version: Int, pseudonymised: Bool = false) -> String {
        let name = "\(session)-v\(version).cda.xml"
        return pseudonymised ? ExportProfile.pseudonymisedName(name) : name
    }

    /// Builds the document.
    ///
    /// Deterministic: the bytes depend on `input` only (no current time, no random ids, no
    /// dictionary order). UTF-8 without byte-order mark.
    /// - Parameter input: the consultation, centre, export instant and version.
    /// - Returns: the CDA document.
    public static func document(_ input: CDAExportInput) -> Data {
        var builder = CDABuilder(input: input)
        return builder.build()
    }

    /// Builds the document, checks it and writes it atomically into `directory`.
    ///
    /// With a schema, the document must validate; without one it must be well-formed and the
    /// outcome says ``ExportOutcome/Validation/notValidated``. The file is first written to a
    /// temporary file in the same folder, then renamed to ``fileName(session:version:pseudonymised:)``;
    /// when a check fails nothing is left behind.
    ///
    /// - Parameters:
    ///   - input: what to export.
    ///   - pseudonymised: whether `input` was pseudonymised (its file name then says so).
    ///   - directory: the output folder (created when missing).
    ///   - schema: the compiled CDA schema (`cda-fr/CDA_extended.xsd`), or `nil`.
    /// - Returns: the file written, its size and how it was checked.
    /// - Throws: `AccordError` (`invalidDocument`) when the document fails schema validation
    ///   (with the first schema messages) or is not well-formed; (`io`) when the folder or file
    ///   cannot be written.
    public static func write(
        _ input: CDAExportInput, pseudonymised: Bool = false, to directory: URL, schema: XMLSchema?
    ) throws -> ExportOutcome {
        try ExportFile.checkAndWrite(
            document(input), named: fileName(session: input.consultation.id, version: input.version, pseudonymised: pseudonymised),
            in: directory, schema: schema,
            what: "the document for session \(input.consultation.id)")
    }
}
