import AccordCore
import AccordStore
import AccordXML
import Foundation

/// What to export: one closed session, or every closed session (closed in a period of UTC
/// days), with a profile, into a folder.
public struct ExportRequest: Sendable {
    /// Which sessions.
    public enum Selection: Sendable, Hashable {
        /// One session (it must be closed); its document is written even when the folder holds
        /// it already (the same bytes for an issued version).
        case session(SessionID)
        /// Every closed session the folder does not hold yet (closed on or after `from`, on or
        /// before `through`, each `nil` for no bound), with a manifest.
        case closed(from: CalendarDate?, through: CalendarDate?)
    }

    /// Which sessions.
    public var selection: Selection
    /// Whether one session is asked for.
    var isSingle: Bool {
        if case .session = selection { return true }
        return false
    }
    /// `cda-fr`, `fhir-r4` or a custom profile's name.
    public var profile: String
    /// The output folder (created when missing), as the user named it (for messages).
    public var folderName: String
    /// The output folder.
    public var folder: URL { URL(fileURLWithPath: folderName, isDirectory: true) }
    /// The folder of the official schemas; `nil`: `ACCORD_SCHEMAS`.
    public var schemas: String?
    /// Write again the documents the folder holds (batch).
    public var force: Bool
    /// The pseudonymisation key file, for a research export.
    public var pseudonymKeyFile: String?
    /// A PEM RSA private key, to sign each document (detached signature `NAME.sig`).
    public var signingKey: String?
    /// The PEM X.509 certificate of ``signingKey``, included in each signature.
    public var certificate: String?
    /// Whether a batch may use the example centre settings (`--example-centre`): no settings
    /// recorded yet, or an OID root on the `2.999` example arc. A batch without it is refused
    /// with those settings, so that example documents never go to a record system by
    /// mistake; a single session's export is allowed (its title says it is an example).
    public var allowsExampleCentre = false
    /// Whether a batch counts the sessions it selects before it starts, for a progress bar
    /// (``ExportProgress/started(total:)``). A command that shows no progress leaves the count
    /// out: it is a query over every closed session (about 0.03 s at 100,000 sessions, a
    /// tenth of a run whose documents the folder holds).
    public var countsSessions = true

    /// A request; `folder` as the user named it.
    public init(
        selection: Selection, profile: String, folder: String, schemas: String? = nil, force: Bool = false, pseudonymKeyFile: String? = nil,
        signingKey: String? = nil, certificate: String? = nil
    ) {
        self.selection = selection
        self.profile = profile
        self.folderName = folder
        self.schemas = schemas
        self.force = force
        self.pseudonymKeyFile = pseudonymKeyFile
        self.signingKey = signingKey
        self.certificate = certificate
    }
}

/// What an export says as it goes, for the interface to show.
public enum ExportProgress: Sendable {
    /// How many sessions a batch selected; `nil` when the request did not ask for the count
    /// (``ExportRequest/countsSessions``).
    case started(total: Int?)
    /// A document was written at this path (one step done).
    case written(path: String)
    /// The folder already held a document (one step done).
    case alreadyPresent
    /// A session's document was not written (one step done): the sentence to show as an error.
    case sessionError(String)
    /// Something the user should know.
    case notice(String)
    /// A warning.
    case warning(String)
}

extension AccordService {
    /// Exports one closed session or a batch of them (``ExportRequest``): each document is
    /// checked (schema or well-formedness), its issue recorded as an event before the file is
    /// written (privately, atomically), signed when asked; a batch writes a manifest.
    ///
    /// - Parameters:
    ///   - request: what to export, where and how (``ExportRequest``).
    ///   - author: who exports (IdNat_PS), or `nil`: each session's clinician.
    ///   - report: what to show, in order.
    /// - Throws: `AccordError`: `conflict` for an open session, a damaged or refused session,
    ///   a folder of another profile or pseudonymisation; `invalidDocument` when a document
    ///   failed its checks (a batch writes the others first); `io`, among them the chain key
    ///   missing while the database holds closed sessions (before anything is written: no
    ///   folder, lock or manifest).
    public func export(_ request: ExportRequest, author: String?, report: (ExportProgress) -> Void) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: request.folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw AccordError.invalid(
                "--out", "names a file that exists, not a folder", accepted: "a folder to write the documents into (created when missing)")
        }
        if let sign = request.signingKey, let cert = request.certificate {
            if let warning = Self.signingKeyModeWarning(URL(fileURLWithPath: sign).path) { report(.warning(warning)) }
            // Check the key and the certificate before any document is written.
            // In a new private folder of unpredictable name (mkdtemp: mode 0700, never an existing one).
            var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("accord-sign-check-XXXXXX").path.utf8CString)
            guard let made = mkdtemp(&template) else {
                throw AccordError(.io, "cannot create a temporary folder to check the signing key (\(String(cString: strerror(errno)))).")
            }
            let scratch = URL(fileURLWithPath: String(cString: made), isDirectory: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let probe = try SafeFile.write(Data("<probe/>".utf8), named: "probe.xml", in: scratch, role: "a temporary folder")
            try DetachedSignature.sign(document: probe, key: URL(fileURLWithPath: sign), certificate: URL(fileURLWithPath: cert))
        }
        let exportProfile = try ExportProfile.named(request.profile)
        let key = try request.pseudonymKeyFile.map { try PseudonymKey(contentsOf: URL(fileURLWithPath: $0)) }
        // A research export's profile sees only the pseudonymised record.
        if key != nil { try exportProfile.checkPseudonymisable() }
        if key != nil && request.signingKey != nil {
            report(
                .warning(
                    "each signature embeds the signing certificate, whose subject travels with the research documents: sign them with the organisation's certificate, never a person's (a professional card's names its holder and IdNat_PS)."
                ))
        }
        // One code path for one session and for a batch; the batch keeps the signing step and
        // the source's warning while it runs, not after.
        try withoutActuallyEscaping(report) { report in
            try run(request, profile: exportProfile, key: key, author: author, report: report)
        }
    }

    /// The warning for a signing key file (`path` as it is read, `~` expanded) that other users
    /// can read or change, naming its mode; `nil` for a key only its owner can, or for what is
    /// not a regular file (its reading fails with its own error). A private key others can read
    /// is no secret (ssh refuses such keys): said, not refused, since a key shared by a group of
    /// the records team's accounts may be a choice. Execute bits alone draw nothing.
    static func signingKeyModeWarning(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o066 != 0 else { return nil }
        let access = status.st_mode & 0o044 != 0 ? "read" : "changed"
        return
            "the signing key \(path) can be \(access) by other users (mode \(String(status.st_mode & 0o777, radix: 8))); keep it with mode 0600 (`chmod 600`), so that no one else can sign as the centre."
    }

    /// Signs a written document when the request asks; `nil` otherwise.
    private func signIfAsked(_ document: URL, _ request: ExportRequest, report: (ExportProgress) -> Void) throws -> URL? {
        guard let sign = request.signingKey, let cert = request.certificate else { return nil }
        let signature = try DetachedSignature.sign(
            document: document, key: URL(fileURLWithPath: sign), certificate: URL(fileURLWithPath: cert))
        report(.notice("Signed in \(signature.lastPathComponent) (XML signature, RSA-SHA256)."))
        return signature
    }

    private func run(
        _ request: ExportRequest, profile exportProfile: ExportProfile, key: PseudonymKey?, author: String?,
        report: @escaping (ExportProgress) -> Void
    ) throws {
        let database = store
        // Each document is issued as an event of its session, chained with the key: without
        // the key nothing can be issued (nor the sessions checked), so the export stops here,
        // before the folder, its lock or a manifest is made. A key file that is there but
        // refused (a link, readable by all) stops it with its own error.
        let keyAtHand = try ChainKey.load(database.keyURL) != nil
        if !keyAtHand, try database.closedSessionCount(closedFrom: nil, through: nil) > 0 {
            throw AccordError(
                .io,
                "the chain key of this database is missing; restore the key file from its backup, or set \(ChainKey.environmentVariable) to its place (nothing was exported)."
            )
        }
        // Sessions recorded by an earlier Accord are sealed once (a whole-chain check), so that
        // each session is then checked by its own events.
        if keyAtHand { try database.sealSessionsRecordedBefore() }
        // One session's warnings wait until its record is read and found closed (an open or
        // damaged session is refused with its error alone).
        var pending: [String]? = request.isSingle ? [] : nil
        let warn: (String) -> Void = { text in
            if pending != nil { pending!.append(text) } else { report(.warning(text)) }
        }
        // The centre's warning waits for the check that may refuse the batch, so that a refusal
        // comes alone.
        var centreWarnings: [String] = []
        let centre = try exportCentre(report: { if case .warning(let text) = $0 { centreWarnings.append(text) } })
        if !request.isSingle && centre.settings.isExample && !request.allowsExampleCentre {
            throw AccordError.invalid(
                "--example-centre",
                "the centre's settings are the example ones (\(centre.sequence == nil ? "none recorded yet" : "an OID root on the 2.999 example arc")), so a batch would write example documents that no record system may take (nothing was exported)",
                accepted: "the centre's settings made with `accord centre set`, or --example-centre to write example documents on purpose")
        }
        centreWarnings.forEach(warn)
        var batch = BatchExport(
            profile: exportProfile, folder: request.folder, exportedAt: clock.now(),
            centre: centre.settings,
            schema: try exportProfile.schemaFile(SchemaLocator.locate(option: request.schemas)).map(DeferredSchema.init(file:)))
        batch.centreSequence = centre.sequence
        batch.force = request.force
        batch.countsSessions = request.countsSessions
        batch.clock = clock
        batch.pseudonymKey = key
        if key != nil { batch.templates = try? TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()) }
        var single: SessionID?
        switch request.selection {
        case .session(let id):
            // The one session asked for: written again when the folder holds it (the same
            // bytes for an issued version), no manifest; an open session is refused.
            single = id
            batch.only = id
            batch.force = true
            batch.writesManifest = false
        case .closed(let from, let through):
            batch.closedFrom = from
            batch.through = through
        }
        if request.signingKey != nil { batch.afterWrite = { document in try signIfAsked(document, request, report: report) } }
        // Made here, so that the closure below holds this text rather than the profile: a closure
        // holding the profile copied it four times a session (3 % of a run whose 97,000
        // documents the folder held).
        let notValidated = Self.notValidatedWarning(exportProfile)
        if batch.schema == nil && single == nil { report(.warning(notValidated)) }

        // A single session's failure is its command's error.
        var failure: AccordError?
        var source = StoreExportSource(store: database, author: author, warn: { report(.warning($0)) })
        source.didRead = { consultation in
            guard consultation.status == .closed, let waiting = pending else { return }
            pending = nil
            for text in waiting { report(.warning(text)) }
        }
        let result = try batch.run(source: source, logger: logger) { event in
            switch event {
            case .started(let total):
                if single == nil { report(.started(total: total)) }
            case .written(let entry, let url, let newVersion):
                if single != nil {
                    if let replaced = entry.replaces, newVersion {
                        report(
                            .notice("Version \(entry.version) of the document replaces version \(replaced) (the session changed since)."))
                    }
                    if let schema = entry.validation.schema, entry.validation.result == "valid" {
                        report(.notice("Wrote \(entry.size ?? 0) bytes, validated against \(schema)."))
                    } else {
                        report(.warning(notValidated))
                    }
                }
                report(.written(path: url.path))
            case .alreadyPresent:
                report(.alreadyPresent)
            case .failed(let session, let version, let message):
                if single != nil {
                    failure = AccordError(.invalidDocument, message)
                } else {
                    report(.sessionError("\(session) version \(version) was not written: \(message)"))
                }
            case .damaged(let session, let message):
                if single != nil {
                    failure = AccordError(.conflict, message)
                } else {
                    // The store's message says nothing was exported: true of a single session,
                    // not of a batch, which goes on with the others.
                    let notExported = " (nothing was recorded or exported)."
                    let line =
                        message.hasSuffix(notExported)
                        ? message.dropLast(notExported.count) + " (this session was left out of the run)." : message
                    report(.sessionError(line.contains("session \(session) ") ? line : "session \(session) was left out: \(line)"))
                }
            case .refused(_, let message):
                if single != nil { failure = AccordError(.conflict, message) } else { report(.sessionError(message)) }
            case .reissued(let session, let version, let reason):
                report(.notice("Session \(session): \(reason); version \(version) is issued in its place."))
            }
        }
        if let failure { throw failure }
        if single != nil { return }
        let summary = result.summary
        var line =
            "\(summary.written) document\(summary.written == 1 ? "" : "s") written, \(summary.alreadyPresent) already in \(request.folderName)"
        if summary.failed > 0 { line += ", \(summary.failed) failed validation" }
        if summary.damaged > 0 { line += ", \(summary.damaged) left out (events not matching the chain)" }
        if summary.refused > 0 { line += ", \(summary.refused) refused (no identifier a document may carry)" }
        if summary.objected > 0 { line += ", \(summary.objected) left out at the patient's research objection" }
        report(.notice(line + "."))
        if let manifest = result.manifest { report(.notice("Manifest: \(manifest.path)")) }
        // One error for the run, naming every kind of session it did not write: a failed
        // validation gives its exit status (3), else a conflict (1).
        var problems: [String] = []
        if summary.failed > 0 {
            problems.append(
                "\(summary.failed) document\(summary.failed == 1 ? "" : "s") failed validation and \(summary.failed == 1 ? "was" : "were") not written; the messages above and the manifest say why."
            )
        }
        if summary.damaged > 0 {
            problems.append(
                "\(summary.damaged) session\(summary.damaged == 1 ? " was" : "s were") left out because \(summary.damaged == 1 ? "its" : "their") events do not match the event chain; run `accord verify`."
            )
        }
        if summary.refused > 0 {
            problems.append(
                "\(summary.refused) session\(summary.refused == 1 ? " was" : "s were") refused: a document may name the patient by a qualified identity's INS or by the IPP, and \(summary.refused == 1 ? "it has" : "they have") neither; the messages above say how to mend each."
            )
        }
        if !problems.isEmpty {
            throw AccordError(summary.failed > 0 ? .invalidDocument : .conflict, problems.joined(separator: " "))
        }
    }

    // MARK: - Shared

    private func exportCentre(report: (ExportProgress) -> Void) throws -> ExportCentre {
        guard let stored = try store.centreSettingsWithSequence() else {
            report(
                .warning(
                    "no centre settings yet: the document uses example values on the 2.999 OID arc; set them with `accord centre set`."))
            return ExportCentre(settings: .example, sequence: nil)
        }
        return ExportCentre(settings: stored.settings, sequence: stored.sequence)
    }

    private static func notValidatedWarning(_ exportProfile: ExportProfile) -> String {
        if case .custom(let custom) = exportProfile.kind, custom.schema == nil {
            return "export profile \(custom.name) names no schema; checked for well-formedness only."
        }
        return "not validated against a schema (set ACCORD_SCHEMAS or --schemas); checked for well-formedness only."
    }
}

/// The store as a batch export's source.
struct StoreExportSource: ExportSource {
    /// Where a warning goes (said once).
    let warn: (String) -> Void
    let store: any EventStore

    func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        try store.closedSessionCount(closedFrom: closedFrom, through: through)
    }

    func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        try store.closedSessions(closedFrom: closedFrom, through: through, after: after, limit: limit)
    }

    /// Said once when the chain key is not at hand.
    static let uncheckedWarning =
        "the event chain's key is not at hand (ACCORD_KEY_FILE, --key-file): the sessions' events were not checked against the chain before export."
    private let warned = Flag()

    final class Flag: @unchecked Sendable { var raised = false }

    /// Who exports (an IdNat_PS), or `nil`: each session's clinician.
    let author: String?

    init(store: any EventStore, author: String? = nil, warn: @escaping (String) -> Void) {
        self.store = store
        self.author = author
        self.warn = warn
    }

    func consultation(_ id: SessionID) throws -> Consultation {
        let (consultation, checked) = try store.consultationCheckedAgainstChain(id)
        if !checked && !warned.raised {
            warned.raised = true
            warn(Self.uncheckedWarning)
        }
        didRead(consultation)
        return consultation
    }

    func consultations(_ ids: [SessionID]) throws -> [Result<Consultation, AccordError>] {
        let (consultations, checked) = try store.consultationsCheckedAgainstChain(ids)
        if !checked && !warned.raised {
            warned.raised = true
            warn(Self.uncheckedWarning)
        }
        for case .success(let consultation) in consultations { didRead(consultation) }
        return consultations
    }

    /// Called with each session read (a single export then shows the warnings it held).
    var didRead: (Consultation) -> Void = { _ in }

    func exportVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        try store.documentVersion(for: consultation, profile: profile)
    }

    func exportVersions(for consultations: [Consultation], profile: String) throws -> [DocumentVersion] {
        try store.documentVersions(for: consultations, profile: profile)
    }

    func centreSettings(atSequence sequence: Int64) throws -> CentreSettings {
        try store.centreSettings(atSequence: sequence)
    }

    func recordIssues(_ issues: [(issue: DocumentIssue, consultation: Consultation)]) throws {
        _ = try store.recordIssues(
            issues.map { PendingIssue(issue: $0.issue, session: $0.consultation.id, checked: $0.consultation) },
            author: author)
    }

    func chainHead() throws -> String? { try store.chainHead()?.description }

    func researchObjections() throws -> Set<String> { try store.researchObjections() }

    func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int] {
        try store.currentIssuedVersions(profile: profile, closedFrom: closedFrom, through: through)
    }
}

/// A detached signature checked: the document, its SHA-256 and the signer's subject.
public typealias SignatureVerification = DetachedSignature.Verification

extension AccordService {
    /// Checks the detached signature `FILE.sig` that an export wrote beside `document`, with
    /// the signer's certificate (no database needed).
    /// - Throws: `AccordError` (`notFound`/`io`) for a missing file; (`invalidDocument`) when
    ///   the signature is not valid or the document changed since it was signed.
    public static func verifySignature(of document: URL, certificate: URL) throws -> SignatureVerification {
        try DetachedSignature.verify(document: document, certificate: certificate)
    }
}

extension AccordService {
    /// Writes the instruments' FHIR Questionnaire resources (AccordXML's `FHIRQuestionnaire`)
    /// into `folder`, one `<instrument id>.xml` each, with the centre's canonical URLs: under its
    /// FHIR base (`accord centre set --fhir-base`), else `urn:oid:<OID root>.6.<number>`; with
    /// the example settings when none are recorded (the resources are then `experimental`).
    /// - Parameters:
    ///   - centre: the centre's recorded settings, or `nil` for none (the example ones).
    ///   - folder: the output folder (created when missing).
    ///   - schemas: the official schemas folder (`--schemas`, else `ACCORD_SCHEMAS`), to validate
    ///     against `fhir-r4/fhir-single.xsd`; well-formedness only without one.
    /// - Returns: the files written, and whether they were validated.
    /// - Throws: `AccordError` (`invalidDocument`, `io`).
    public static func writeQuestionnaires(
        centre recorded: CentreSettings?, folder: String, schemas: String?
    ) throws -> (files: [URL], validated: Bool, example: Bool) {
        let centre = recorded ?? .example
        let schema = try SchemaLocator.locate(option: schemas)?.fhir()
        let files = try FHIRQuestionnaire.writeAll(
            centre: centre, to: URL(fileURLWithPath: folder, isDirectory: true), schema: schema)
        return (files, schema != nil, centre.isExample)
    }
}
