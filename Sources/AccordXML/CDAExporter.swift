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
    /// The id branch of the document's set (AccordCore's `DocumentIDs`): the branch a version
    /// already issued used, or `nil` for the branch of the format that renders it (`1` for
    /// `cda-fr`, `3` for `fhir-r4`, `4.N` for a custom profile).
    public var idBranch: String?

    /// The root of professionals' ids: the IdNat_PS OID, or for a pseudonymised consultation
    /// the professional arc under the document's root (`ROOT.9.7`, AccordService's
    /// `Pseudonymisation.professionalArc`).
    public var professionalIDRoot: String {
        consultation.isPseudonymised ? "\(centre.oidRoot).7" : KnownOID.idNatPS
    }

    /// Creates an input.
    /// - Parameters:
    ///   - consultation: the consultation to export.
    ///   - centre: the centre's settings (AccordCore's `CentreSettings.example` until they are made).
    ///   - exportedAt: the document's effectiveTime (UTC instant).
    ///   - version: the versionNumber, from 1.
    ///   - replacedDocumentID: the id of the version this one replaces, or `nil`.
    ///   - idBranch: the id branch of the set, or `nil` for the rendering format's own.
    public init(
        consultation: Consultation, centre: CentreSettings, exportedAt: Date, version: Int = 1,
        replacedDocumentID: InstanceIdentifier? = nil, idBranch: String? = nil
    ) {
        self.idBranch = idBranch
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
    /// The third header templateId, naming Accord's content model: AccordCore's
    /// `KnownOID.accordContentModel`, under Accord's own arc (`2.25.283297555832327549653822455234110437042`, a UUID-derived
    /// OID), which no centre root may share; versioned by its extension.
    public static let contentModelTemplateID = InstanceIdentifier(root: KnownOID.accordContentModel, extension_: "2026.01")

    /// Accord's local code system for sections and entries no standard code fits
    /// (AccordCore's `KnownOID.accordLocalCodeSystem`, under Accord's own arc).
    public static let localCodeSystem = KnownOID.accordLocalCodeSystem
    /// The local code system's name in documents.
    public static let localCodeSystemName = "Accord (codes locaux)"

    /// The id branch of `cda-fr` documents (AccordCore's `DocumentIDs`): `1`.
    public static let branch = DocumentIDs.branch(profile: "cda-fr")

    /// The id shared by every version of a session's document: `<centre root>.<branch>.<session number>`
    /// (branch `1` for `cda-fr`, see AccordCore's `DocumentIDs`), no extension.
    /// - Parameters:
    ///   - session: the session.
    ///   - centre: the centre's settings (its OID root).
    ///   - branch: the set's id branch (``branch`` for `cda-fr`).
    public static func setID(session: SessionID, centre: CentreSettings, branch: String = CDAExporter.branch) -> InstanceIdentifier {
        InstanceIdentifier(root: DocumentIDs.setID(root: centre.oidRoot, branch: branch, session: session))
    }

    /// The id of one version: `<centre root>.<branch>.<session number>.<version>`, no extension.
    /// - Parameters:
    ///   - session: the session.
    ///   - version: the version number, from 1.
    ///   - centre: the centre's settings.
    ///   - branch: the set's id branch (``branch`` for `cda-fr`).
    public static func documentID(
        session: SessionID, version: Int, centre: CentreSettings, branch: String = CDAExporter.branch
    ) -> InstanceIdentifier {
        InstanceIdentifier(root: DocumentIDs.documentID(root: centre.oidRoot, branch: branch, session: session, version: version))
    }

    /// The file name of a version: `<session id>-v<version>.cda.xml`, e.g. `S1-v1.cda.xml`;
    /// pseudonymised, `S1-v1.pseudonymised.cda.xml` (``ExportProfile/pseudonymisedName(_:)``).
    public static func fileName(session: SessionID, version: Int, pseudonymised: Bool = false) -> String {
        let name = ExportProfile.fileName(session: session, version: version, extension: ".cda.xml")
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
