import AccordCore
import Foundation

/// A document built and checked, ready to be written: either a version already issued,
/// rebuilt byte for byte from its issue, or a new version with the issue to record first.
public struct PreparedDocument: Sendable {
    /// The document's bytes.
    public var data: Data
    /// Its file name in the output folder.
    public var fileName: String
    /// The version it carries.
    public var version: DocumentVersion
    /// Its document time (UTC instant): the export instant, or the one first issued; for a
    /// pseudonymised document the record's last change, shifted (a day at 00:00:00Z).
    public var documentTime: Date
    /// How it was checked.
    public var validation: ExportOutcome.Validation
    /// The issue to record before the file is written (a new version); `nil` when the
    /// document is a version already issued, rebuilt with the bytes first issued.
    public var issue: DocumentIssue?
    /// Why a new version is issued for an unchanged record, when it is (the version issued
    /// before could not be rebuilt byte for byte), in words; `nil` otherwise.
    public var reissueReason: String?
    /// The SHA-256 of ``data``, in lowercase hexadecimal (as a manifest lists it), computed
    /// once when the document is built.
    public var sha256: String
    /// Whether ``validation`` is the outcome of the document's checks; `false` for a document
    /// prepared with `checking: false`, to check with
    /// ``ExportProfile/check(_:schema:)`` before it is written.
    public var checked: Bool
    /// How messages name the document and what to do about a failed check (for
    /// ``ExportProfile/check(_:schema:)``).
    var described: (what: String, hint: String)
}

/// The centre settings an export uses: the current ones with the event that made them.
public struct ExportCentre: Sendable {
    /// The settings (the example settings when none were recorded).
    public var settings: CentreSettings
    /// The sequence of the event that made them, or `nil` for the example settings.
    public var sequence: Int64?

    /// The settings and the sequence of their event (`nil` for the example settings).
    public init(settings: CentreSettings, sequence: Int64?) {
        self.settings = settings
        self.sequence = sequence
    }
}

extension ExportProfile {
    /// Builds and checks the document of `consultation` in `version`, as the issued documents
    /// decide.
    ///
    /// - A version already issued is rebuilt from its issue (the record as it is, the centre
    ///   settings and id root it used, its document time) and must give the SHA-256 first
    ///   issued; then it is returned with no issue to record. When it does not (the
    ///   pseudonymisation key, or Accord's rendering, changed since), the next version is
    ///   issued instead, replacing it, and ``PreparedDocument/reissueReason`` says why: a
    ///   document id is never issued with other content.
    /// - A new version is dated `now` (refused before the record's last change), its ids are
    ///   under the set's root (kept from its first version) on the profile's id branch
    ///   (AccordCore's `DocumentIDs`) and it replaces the id really issued before; its issue is
    ///   returned, to record before the file is written.
    ///
    /// - Parameters:
    ///   - consultation: the consultation, folded from its verified events, closed.
    ///   - version: what the issued documents decide (AccordCore's `DocumentVersion.of(_:profile:legacy:)`).
    ///   - versionKey: the profile's version key (``versionKey(pseudonymised:)``).
    ///   - centre: the current centre settings.
    ///   - centreAt: the centre settings an earlier event made (for a version already issued).
    ///   - now: the export instant (UTC).
    ///   - pseudonymKey: the pseudonymisation (AccordService's `PseudonymKey`), for a research
    ///     export.
    ///   - schema: the compiled schema, or `nil` (well-formedness only).
    ///   - checking: whether to check the document here (the default); `false` leaves it
    ///     unchecked (``PreparedDocument/checked``) for ``check(_:schema:)``, e.g. on another
    ///     thread, and it must not be written before.
    /// - Throws: `AccordError` (`invalidDocument`) when the document fails its checks;
    ///   (`conflict`) when `now` lies before the record's last change, or when an identified
    ///   document could name the patient by neither a qualified INS nor an IPP
    ///   (AccordCore's `Consultation.checkPatientIdentifiable()`); what `centreAt` throws.
    public func prepare(
        _ consultation: Consultation, version: DocumentVersion, versionKey: String, centre: ExportCentre,
        centreAt: (Int64) throws -> CentreSettings, now: Date, pseudonymKey: (any DocumentPseudonymiser)?, schema: XMLSchema?,
        checking: Bool = true
    ) throws -> PreparedDocument {
        let pseudonymised = pseudonymKey != nil
        // An identified document names the patient by a qualified identity's INS or by the IPP.
        if !pseudonymised { try consultation.checkPatientIdentifiable() }
        // A pseudonymised document names the session by its pseudonym (file, ids, messages).
        let shownID = pseudonymKey?.session(consultation.id) ?? consultation.id
        let (what, hint) = description(of: shownID)
        var plan = version
        var reissueReason: String?
        if version.alreadyExported {
            if let issued = version.issued {
                let settings = try issued.centreSequence.map(centreAt) ?? .example
                let input = input(
                    consultation: consultation, centre: settings, exportedAt: issued.documentTime, version: issued.version,
                    replacing: version.replaces, pseudonymKey: pseudonymKey, idRoot: issued.idRoot, replacedDocumentID: issued.replaces,
                    idBranch: issued.branch)
                let data = document(input, pseudonymised: pseudonymised)
                let digest = ExportFile.sha256(data)
                if digest == issued.sha256 {
                    return PreparedDocument(
                        data: data, fileName: try fileName(session: shownID, version: issued.version, pseudonymised: pseudonymised),
                        version: version, documentTime: input.exportedAt,
                        validation: checking ? try ExportFile.check(data, schema: schema, what: what, hint: hint) : .notValidated,
                        issue: nil, sha256: digest, checked: checking, described: (what, hint))
                }
                reissueReason =
                    "version \(issued.version) as first issued cannot be rebuilt byte for byte (another pseudonymisation key, or another rendering by this version of Accord)"
            } else {
                reissueReason =
                    "version \(version.version) was exported before Accord recorded issued documents, so its bytes cannot be rebuilt"
            }
            plan = version.next
        }
        try ExportProfile.checkExportTime(now, of: consultation)
        // A new version is issued under the profile's own id branch, even in a set begun on the
        // legacy branch `1`: an id is never issued with other content.
        let setBranch = consultation.issuedDocuments.last { $0.profile == versionKey && $0.idBranch != nil }?.idBranch
        let root = plan.idRoot ?? (pseudonymKey?.documentCentre(centre.settings) ?? centre.settings).oidRoot
        let branch = DocumentIDs.nextBranch(
            profile: versionKey, setBranch: setBranch, session: shownID, version: plan.version, root: root,
            issued: Set(consultation.issuedDocuments.map(\.documentID)))
        let input = input(
            consultation: consultation, centre: centre.settings, exportedAt: now, version: plan.version, replacing: plan.replaces,
            pseudonymKey: pseudonymKey, idRoot: plan.idRoot, replacedDocumentID: plan.replacedDocumentID, idBranch: branch)
        let data = document(input, pseudonymised: pseudonymised)
        let validation = checking ? try ExportFile.check(data, schema: schema, what: what, hint: hint) : .notValidated
        let digest = ExportFile.sha256(data)
        let issue = DocumentIssue(
            profile: versionKey, version: plan.version, idRoot: input.centre.oidRoot,
            documentID: CDAExporter.documentID(session: shownID, version: plan.version, centre: input.centre, branch: branch).root,
            replaces: input.replacedDocumentID?.root, documentTime: now, sha256: digest,
            recordSequence: consultation.lastSessionSequence, centreSequence: centre.sequence, idBranch: branch)
        return PreparedDocument(
            data: data, fileName: try fileName(session: shownID, version: plan.version, pseudonymised: pseudonymised),
            version: plan, documentTime: input.exportedAt, validation: validation, issue: issue, reissueReason: reissueReason,
            sha256: digest, checked: checking, described: (what, hint))
    }

    /// Checks a document prepared with `checking: false` (against `schema`, or for
    /// well-formedness without one), as ``prepare(_:version:versionKey:centre:centreAt:now:pseudonymKey:schema:checking:)``
    /// would have; may run on another thread than the one that prepared it.
    /// - Parameters:
    ///   - prepared: the document.
    ///   - schema: the compiled schema, or `nil` (well-formedness only).
    /// - Returns: the document, checked (``PreparedDocument/checked``).
    /// - Throws: `AccordError` (`invalidDocument`) with the message `prepare` would have thrown.
    public func check(_ prepared: PreparedDocument, schema: XMLSchema?) throws -> PreparedDocument {
        var checked = prepared
        checked.validation = try ExportFile.check(
            prepared.data, schema: schema, what: prepared.described.what, hint: prepared.described.hint)
        checked.checked = true
        return checked
    }
}
