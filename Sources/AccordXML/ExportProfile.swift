import AccordCore
import Foundation

/// An export profile: which document a consultation becomes, its file name, its schema.
///
/// ```swift
/// let profile = try ExportProfile.named("centre-simple")   // cda-fr, fhir-r4 or a folder of Exports/
/// let schema = try profile.schema(SchemaLocator.locate(option: nil))
/// let input = profile.input(consultation: c, centre: centre, exportedAt: now, version: 1, replacing: nil, pseudonymKey: nil)
/// let outcome = try profile.write(input, to: folder, schema: schema)
/// ```
///
/// The built-in profiles call their exporters (``CDAExporter``, ``FHIRExporter``); a custom
/// profile renders its Mustache templates (``MustacheProfile``). Each of them validates before
/// writing and writes atomically with mode 0600.
public struct ExportProfile: Sendable {
    /// What kind of document the profile writes.
    public enum Kind: Sendable {
        /// CDA R2 in the French CI-SIS style (``CDAExporter``).
        case cdaFR
        /// FHIR R4 document Bundle (``FHIRExporter``).
        case fhirR4
        /// A centre's own format from Mustache templates.
        case custom(MustacheProfile)
    }

    /// The built-in profile names.
    public static let builtIn = ["cda-fr", "fhir-r4"]

    /// The profile's name as `--profile` gives it.
    public let name: String
    /// What it writes.
    public let kind: Kind

    /// The profile named `name`: `cda-fr`, `fhir-r4`, or a custom profile folder found by
    /// ``MustacheProfile/named(_:environment:)``.
    /// - Throws: `AccordError` (`notFound`) for an unknown name; what loading a custom profile throws.
    public static func named(
        _ name: String, environment: [String: String] = ProcessEnvironment.all
    ) throws
        -> ExportProfile
    {
        switch name {
        case "cda-fr": ExportProfile(name: name, kind: .cdaFR)
        case "fhir-r4": ExportProfile(name: name, kind: .fhirR4)
        default: ExportProfile(name: name, kind: .custom(try MustacheProfile.named(name, environment: environment)))
        }
    }

    /// Refuses a research export with a custom profile whose templates name a key a
    /// pseudonymised record does not hold (``MustacheProfile/checkPseudonymisable()``); the
    /// built-in profiles always can.
    /// - Throws: `AccordError` (`invalidInput`, field `--profile`).
    public func checkPseudonymisable() throws {
        if case .custom(let profile) = kind { try profile.checkPseudonymisable() }
    }

    /// The key the store's document versions are kept under: the name, plus `+pseudonymised`
    /// for pseudonymised documents (their versions run apart from the identified documents').
    ///
    /// A research export's versions are counted per research key (`keyID`, AccordService's
    /// `PseudonymKey.keyID`): `cda-fr+pseudonymised@KEYID`, so that a second research team's
    /// documents start at version 1 and an export under one key never re-issues (nor reveals)
    /// the documents made under another. `+pseudonymised` alone is the key of versions issued
    /// before (one counter for every key).
    public func versionKey(pseudonymised: Bool, keyID: String? = nil) -> String {
        guard pseudonymised else { return name }
        return keyID.map { "\(name)+pseudonymised@\($0)" } ?? "\(name)+pseudonymised"
    }

    /// Compiles the schema documents are validated against, or `nil` (well-formedness only):
    /// the official schema under `schemas` for the built-in profiles; the custom profile's own
    /// (or official) schema.
    /// - Throws: `AccordError` (`io`) naming a missing schema file; (`invalidInput`) when it does not compile.
    public func schema(_ schemas: SchemaLocator?) throws -> XMLSchema? {
        try schemaFile(schemas).map { try XMLSchema(contentsOf: $0) }
    }

    /// The file of the schema documents are validated against (as ``schema(_:)`` finds it),
    /// checked to be there and not compiled; `nil` (well-formedness only).
    /// - Throws: `AccordError` (`io`) naming a missing schema file.
    public func schemaFile(_ schemas: SchemaLocator?) throws -> URL? {
        switch kind {
        case .cdaFR: try schemas?.cdaFile()
        case .fhirR4: try schemas?.fhirFile()
        case .custom(let profile): try profile.schemaFile(schemas: schemas)
        }
    }

    /// The file name of a version (`S1-v1.cda.xml`, `S1-v1.fhir.xml`, or the custom pattern);
    /// a pseudonymised document's name says so (``pseudonymisedName(_:)``), so that it never
    /// replaces an identified document in the same folder, nor the other way round.
    /// - Throws: `AccordError` (`invalidInput`) when a custom pattern gives no plain file name.
    public func fileName(session: SessionID, version: Int, pseudonymised: Bool = false) throws -> String {
        switch kind {
        case .cdaFR: CDAExporter.fileName(session: session, version: version, pseudonymised: pseudonymised)
        case .fhirR4: FHIRExporter.fileName(session: session, version: version, pseudonymised: pseudonymised)
        case .custom(let profile): try profile.fileName(session: session, version: version, pseudonymised: pseudonymised)
        }
    }

    /// `<session id>-v<version><suffix>` (`S1-v1.cda.xml`), its bytes written in place: a batch
    /// export makes one per closed session, and string interpolation cost 7 % of the
    /// instructions of a run whose documents the folder held (100,000 sessions). The session id is written as
    /// `SessionID.description` writes it (`S` and the number).
    static func fileName(session: SessionID, version: Int, extension suffix: StaticString) -> String {
        String(unsafeUninitializedCapacity: 1 + 20 + 2 + 20 + suffix.utf8CodeUnitCount) { buffer in
            var count = 0
            func decimal(_ value: Int64) {
                if value < 0 {
                    buffer[count] = UInt8(ascii: "-")
                    count += 1
                }
                var rest = value.magnitude
                var digits = 1
                var scan = rest
                while scan >= 10 {
                    scan /= 10
                    digits += 1
                }
                count += digits
                var index = count
                repeat {
                    index -= 1
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                } while rest > 0
            }
            buffer[0] = UInt8(ascii: "S")
            count = 1
            decimal(session.number)
            buffer[count] = UInt8(ascii: "-")
            buffer[count + 1] = UInt8(ascii: "v")
            count += 2
            decimal(Int64(version))
            let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[count...]).initialize(from: tail)
            count += tail.count
            return count
        }
    }

    /// `.pseudonymised` inserted before the first `.` of `name` (at its end when it has none):
    /// `S1-v1.cda.xml` → `S1-v1.pseudonymised.cda.xml`.
    public static func pseudonymisedName(_ name: String) -> String {
        guard let dot = name.firstIndex(of: ".") else { return name + ".pseudonymised" }
        return name[..<dot] + ".pseudonymised" + name[dot...]
    }

    /// Refuses an export instant more than a minute before the session's last change (a clock
    /// set back, or an old `ACCORD_NOW`): a document is never dated before what it records.
    /// - Throws: `AccordError` (`conflict`).
    public static func checkExportTime(_ exportedAt: Date, of consultation: Consultation) throws {
        guard exportedAt < consultation.lastChangedAt.addingTimeInterval(-60) else { return }
        if consultation.lastChangedAt.timeIntervalSince(Date()) > AccordClock.futureTolerance {
            throw AccordError(
                .conflict,
                "the last change of session \(consultation.id) is dated in the future (\(UTCInstant.format(consultation.lastChangedAt))), by a wrong clock; record a correction with a reason first (e.g. `accord note add \(consultation.id) --text \"…\" --reason \"…\"`), then export (nothing was exported)."
            )
        }
        throw AccordError(
            .conflict,
            "the clock reads an instant before the last change of session \(consultation.id) (\(UTCInstant.format(consultation.lastChangedAt))); check the system clock or ACCORD_NOW (nothing was exported)."
        )
    }

    /// The input of one document: the consultation (pseudonymised under `pseudonymKey` when
    /// given, with ids under `ROOT.9`), the centre, the export instant, the version and the id
    /// of the version it replaces.
    ///
    /// - Parameters:
    ///   - consultation: the consultation to export.
    ///   - centre: the centre's settings.
    ///   - exportedAt: the export instant (UTC), the document's effectiveTime (a pseudonymised
    ///     document is dated by the record's last change, shifted and reduced to its day).
    ///   - version: the document's version number, from 1.
    ///   - replaced: the version it replaces, or `nil` for a first version.
    ///   - pseudonymKey: the pseudonymisation (AccordService's `PseudonymKey`), for a research
    ///     export.
    ///   - idRoot: the OID root of the document set's ids when it was fixed by its first
    ///     version (AccordCore's `DocumentIssue.idRoot`); `nil`: the centre's (under `ROOT.9` when
    ///     pseudonymised).
    ///   - replacedDocumentID: the id of the replaced version as it was issued; `nil`: derived
    ///     from `replaced` and the root, on the legacy branch `1` (a version exported before
    ///     Accord recorded issued documents).
    ///   - idBranch: the id branch a version already issued used (AccordCore's
    ///     `DocumentIssue.branch`); `nil`: this profile's (`DocumentIDs.branch(profile:)`).
    public func input(
        consultation: Consultation, centre: CentreSettings, exportedAt: Date, version: Int, replacing replaced: Int?,
        pseudonymKey: (any DocumentPseudonymiser)?, idRoot: String? = nil, replacedDocumentID: String? = nil, idBranch: String? = nil
    ) -> CDAExportInput {
        var documentCentre = pseudonymKey?.documentCentre(centre) ?? centre
        if let idRoot { documentCentre.oidRoot = idRoot }
        let branch = idBranch ?? DocumentIDs.branch(profile: name)
        guard let pseudonymKey else {
            let replacedID =
                replacedDocumentID.map { InstanceIdentifier(root: $0) }
                ?? replaced.map {
                    CDAExporter.documentID(session: consultation.id, version: $0, centre: documentCentre, branch: DocumentIDs.legacyBranch)
                }
            return CDAExportInput(
                consultation: consultation, centre: documentCentre, exportedAt: exportedAt, version: version,
                replacedDocumentID: replacedID, idBranch: branch)
        }
        // Pseudonymised: every id derives from the session's pseudonym (the replaced version's
        // too, never an id issued under the session number), and the document is dated by the
        // record's last change as shifted (a day), never by the real export instant.
        let shown = pseudonymKey.pseudonymised(consultation, documentRoot: documentCentre.oidRoot)
        return CDAExportInput(
            consultation: shown, centre: documentCentre, exportedAt: shown.lastChangedAt, version: version,
            replacedDocumentID: replaced.map {
                CDAExporter.documentID(session: shown.id, version: $0, centre: documentCentre, branch: branch)
            },
            idBranch: branch)
    }

    /// Builds the document of `input` (deterministic: the same input gives the same bytes).
    public func document(_ input: CDAExportInput, pseudonymised: Bool = false) -> Data {
        switch kind {
        case .cdaFR: CDAExporter.document(input)
        case .fhirR4: FHIRExporter.document(input)
        case .custom(let profile): profile.document(input, pseudonymised: pseudonymised)
        }
    }

    /// How messages name a session's document, and what to do when it fails its checks.
    public func description(of session: SessionID) -> (what: String, hint: String) {
        switch kind {
        case .cdaFR: ("the document for session \(session)", "")
        case .fhirR4: ("the FHIR document for session \(session)", "")
        case .custom(let profile): ("the document for session \(session) (profile \(profile.name))", " Fix the profile's templates.")
        }
    }

    /// Builds, checks and writes one document into `directory` (see the exporters'
    /// `write(_:pseudonymised:to:schema:)`).
    /// - Parameters:
    ///   - input: what to export.
    ///   - pseudonymised: whether `input` was pseudonymised (custom profiles set their
    ///     `pseudonymised` flag and leave identifying keys out).
    ///   - directory: the output folder (created when missing).
    ///   - schema: the profile's compiled schema, or `nil` (well-formedness only).
    /// - Returns: the file written, its size and how it was checked.
    /// - Throws: `AccordError` (`invalidDocument`) when the document fails its checks (nothing
    ///   is written), (`io`).
    public func write(_ input: CDAExportInput, pseudonymised: Bool = false, to directory: URL, schema: XMLSchema?) throws -> ExportOutcome {
        switch kind {
        case .cdaFR: try CDAExporter.write(input, pseudonymised: pseudonymised, to: directory, schema: schema)
        case .fhirR4: try FHIRExporter.write(input, pseudonymised: pseudonymised, to: directory, schema: schema)
        case .custom(let profile): try profile.write(input, pseudonymised: pseudonymised, to: directory, schema: schema)
        }
    }
}
