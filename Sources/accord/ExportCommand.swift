import AccordCore
import AccordStore
import AccordXML
import ArgumentParser
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export closed sessions as XML documents for the record system.",
        discussion: """
            `accord export SESSION --out DIR` writes one closed session's document. \
            `accord export --all|--since DATE [--until DATE] --out DIR` writes every closed session \
            (closed on those UTC days, inclusive) that DIR does not hold yet — and the next version \
            of a session amended since — then a manifest DIR/manifest-<instant>.json listing each \
            document with its SHA-256, size, validation and the event chain's head; --force writes \
            them again. Profiles: cda-fr, fhir-r4, or a custom profile folder (ACCORD_EXPORTS, the \
            installation's Exports/, ./Exports). Documents are validated against the official schema \
            in --schemas or ACCORD_SCHEMAS (or the custom profile's schema) and written only when \
            valid; without a schema they are checked for well-formedness only, and the command says \
            so. A batch in which a document fails validation writes the others and exits with status 3. \
            --pseudonymise --pseudonym-key FILE replaces the patient's identifiers by HMAC-SHA256 \
            pseudonyms and removes names, birth place and notes (see Exports/README.md). Set \
            ACCORD_NOW to fix the document time: the same events at the same time give the same bytes.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id (or use --all / --since).", valueName: "session"))
    var session: SessionArgument?

    @Flag(help: "Export every closed session the output folder does not hold yet.")
    var all = false

    @Option(help: ArgumentHelp("Export sessions closed on or after this UTC day.", valueName: "yyyy-mm-dd"))
    var since: String?

    @Option(help: ArgumentHelp("Export sessions closed on or before this UTC day.", valueName: "yyyy-mm-dd"))
    var until: String?

    @Option(help: ArgumentHelp("The export profile: cda-fr, fhir-r4 or a custom profile's name.", valueName: "profile"))
    var profile: String = "cda-fr"

    @Option(help: ArgumentHelp("The folder to write into (created when missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Folder of the official schemas (default: env ACCORD_SCHEMAS).", valueName: "dir"))
    var schemas: String?

    @Flag(help: "Write again the documents the output folder already holds.")
    var force = false

    @Flag(help: "Pseudonymise the documents for research (needs --pseudonym-key).")
    var pseudonymise = false

    @Option(
        help: ArgumentHelp(
            "The pseudonymisation key file (32 bytes or more; keep it apart from the database).", valueName: "file"))
    var pseudonymKey: String?

    @Option(
        help: ArgumentHelp(
            "Sign each document with this PEM RSA private key: writes NAME.xml.sig beside it (with --cert).", valueName: "key.pem"))
    var sign: String?

    @Option(help: ArgumentHelp("The PEM X.509 certificate of the --sign key, included in the signature.", valueName: "cert.pem"))
    var cert: String?

    /// Signs a written document when `--sign` and `--cert` are given; `nil` otherwise.
    private func signIfAsked(_ document: URL) throws -> URL? {
        guard let sign, let cert else { return nil }
        let signature = try DetachedSignature.sign(
            document: document, key: URL(fileURLWithPath: sign), certificate: URL(fileURLWithPath: cert))
        Terminal.message("Signed in \(signature.lastPathComponent) (XML signature, RSA-SHA256).")
        return signature
    }

    func validate() throws {
        if (sign == nil) != (cert == nil) {
            throw ValidationError("--sign and --cert go together: give both to sign, or neither.")
        }
        let batch = all || since != nil || until != nil
        if session != nil && batch {
            throw ValidationError("Give either a session id or --all/--since/--until, not both.")
        }
        if session == nil && !batch {
            throw ValidationError("Missing a session id, --all, or --since DATE.")
        }
        if all && (since != nil || until != nil) {
            throw ValidationError("--all exports every closed session; drop it to use --since/--until.")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, CalendarDate(value) == nil {
                throw ValidationError("\(name) is not a calendar date; expected YYYY-MM-DD, e.g. 2026-01-31.")
            }
        }
        if let since, let until, let first = CalendarDate(since), let last = CalendarDate(until), last < first {
            throw ValidationError("--until is before --since; expected --since DATE --until LATER-DATE.")
        }
        if pseudonymise && pseudonymKey == nil {
            throw ValidationError("--pseudonymise needs --pseudonym-key FILE, the secret key of the pseudonyms.")
        }
        if !pseudonymise && pseudonymKey != nil {
            throw ValidationError("--pseudonym-key is used only with --pseudonymise.")
        }
    }

    func run() throws {
        if let sign, let cert {
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
        let exportProfile = try ExportProfile.named(profile)
        let key = try pseudonymKey.map { try PseudonymKey(contentsOf: URL(fileURLWithPath: $0)) }
        let database = try store.openStore()
        if let session {
            try exportOne(session.id, profile: exportProfile, key: key, database: database)
        } else {
            try exportBatch(profile: exportProfile, key: key, database: database)
        }
    }

    // MARK: - One session

    private func exportOne(_ id: SessionID, profile exportProfile: ExportProfile, key: PseudonymKey?, database: ConsultationStore) throws {
        let (consultation, checked) = try database.consultationCheckedAgainstChain(id)
        if !checked { Terminal.warning(StoreExportSource.uncheckedWarning) }
        guard consultation.status == .closed else {
            throw AccordError(
                .conflict, "session \(id) is still open; close it with `accord session close \(id)` before exporting.")
        }
        let centre = try exportCentre(database)
        let schema = try exportProfile.schema(SchemaLocator.locate(option: schemas))
        let versionKey = exportProfile.versionKey(pseudonymised: key != nil)
        // The same rule as a batch run: no identified document into a folder of pseudonymised
        // runs (or the other way round), no second pseudonymisation key.
        try ExportFolder(URL(fileURLWithPath: out, isDirectory: true)).checkAccepts(versionKey: versionKey, pseudonymKeyID: key?.keyID)
        let version = try database.documentVersion(for: consultation, profile: versionKey)
        let prepared = try exportProfile.prepare(
            consultation, version: version, versionKey: versionKey, centre: centre, centreAt: database.centreSettings(atSequence:),
            now: try AccordClock.fromEnvironment().now(), pseudonymKey: key, schema: schema)
        if let reason = prepared.reissueReason {
            Terminal.message("Session \(id): \(reason); version \(prepared.version.version) is issued in its place.")
        }
        // The issue is recorded first (an event in the chain): the file then carries an id and
        // bytes already decided, and writing it again gives the same bytes.
        if let issue = prepared.issue { try database.recordIssue(issue, session: id, author: try store.recordingAuthor()) }
        let outcome = try exportProfile.write(prepared, session: id, to: URL(fileURLWithPath: out, isDirectory: true))
        _ = try signIfAsked(outcome.url)
        if let replaced = prepared.version.replaces, prepared.issue != nil {
            Terminal.message(
                "Version \(prepared.version.version) of the document replaces version \(replaced) (the session changed since).")
        }
        switch outcome.validation {
        case .valid(let schemaPath):
            Terminal.message("Wrote \(outcome.byteCount) bytes, validated against \(schemaPath).")
        case .notValidated:
            notValidatedWarning(exportProfile)
        }
        print(outcome.path)
    }

    // MARK: - Batch

    private func exportBatch(profile exportProfile: ExportProfile, key: PseudonymKey?, database: ConsultationStore) throws {
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        let clock = try AccordClock.fromEnvironment()
        // Sessions recorded by an earlier Accord are sealed once (a whole-chain check), so that
        // each session is then checked by its own events.
        if FileManager.default.fileExists(atPath: database.keyURL.path) { try database.sealSessionsRecordedBefore() }
        let centre = try exportCentre(database)
        var batch = BatchExport(
            profile: exportProfile, folder: folder, exportedAt: clock.now(),
            centre: centre.settings, schema: try exportProfile.schema(SchemaLocator.locate(option: schemas)))
        batch.centreSequence = centre.sequence
        batch.closedFrom = since.flatMap(CalendarDate.init)
        batch.through = until.flatMap(CalendarDate.init)
        batch.force = force
        batch.clock = clock
        batch.pseudonymKey = key
        if sign != nil { batch.afterWrite = { document in try signIfAsked(document) } }
        if batch.schema == nil { notValidatedWarning(exportProfile) }

        var progress = ProgressBar(enabled: isatty(2) == 1)
        let source = StoreExportSource(store: database, author: try store.recordingAuthor())
        let result = try batch.run(source: source, logger: Accord.logger) { event in
            switch event {
            case .started(let total):
                progress.total = total
            case .written(_, let url):
                progress.clear()
                FileHandle.standardOutput.write(Data((url.path + "\n").utf8))
                progress.advance()
            case .alreadyPresent:
                progress.advance()
            case .failed(let session, let version, let message):
                progress.clear()
                Terminal.error("\(session) version \(version) was not written: \(message)")
                progress.advance()
            case .damaged(let session, let message):
                progress.clear()
                Terminal.error(message.contains("session \(session) ") ? message : "session \(session) was left out: \(message)")
                progress.advance()
            case .refused(_, let message):
                progress.clear()
                Terminal.error(message)
                progress.advance()
            case .reissued(let session, let version, let reason):
                progress.clear()
                Terminal.message("Session \(session): \(reason); version \(version) is issued in its place.")
            }
        }
        progress.clear()
        let summary = result.summary
        var line = "\(summary.written) document\(summary.written == 1 ? "" : "s") written, \(summary.alreadyPresent) already in \(out)"
        if summary.failed > 0 { line += ", \(summary.failed) failed validation" }
        if summary.damaged > 0 { line += ", \(summary.damaged) left out (events not matching the chain)" }
        if summary.refused > 0 { line += ", \(summary.refused) refused (no identifier a document may carry)" }
        Terminal.message(line + ".")
        if let manifest = result.manifest { Terminal.message("Manifest: \(manifest.path)") }
        if summary.damaged > 0 && summary.failed == 0 {
            throw AccordError(
                .conflict,
                "\(summary.damaged) session\(summary.damaged == 1 ? " was" : "s were") left out because \(summary.damaged == 1 ? "its" : "their") events do not match the event chain; run `accord verify`."
            )
        }
        if summary.refused > 0 && summary.failed == 0 {
            throw AccordError(
                .conflict,
                "\(summary.refused) session\(summary.refused == 1 ? " was" : "s were") refused: a document may name the patient by a qualified identity's INS or by the IPP, and \(summary.refused == 1 ? "it has" : "they have") neither; the messages above say how to mend each."
            )
        }
        if summary.failed > 0 {
            throw AccordError(
                .invalidDocument,
                "\(summary.failed) document\(summary.failed == 1 ? "" : "s") failed validation and \(summary.failed == 1 ? "was" : "were") not written; the messages above and the manifest say why."
            )
        }
    }

    // MARK: - Shared

    private func exportCentre(_ database: ConsultationStore) throws -> ExportCentre {
        guard let stored = try database.centreSettingsWithSequence() else {
            Terminal.warning(
                "no centre settings yet: the document uses example values on the 2.999 OID arc; set them with `accord centre set`.")
            return ExportCentre(settings: .example, sequence: nil)
        }
        return ExportCentre(settings: stored.settings, sequence: stored.sequence)
    }

    private func notValidatedWarning(_ exportProfile: ExportProfile) {
        if case .custom(let custom) = exportProfile.kind, custom.schema == nil {
            Terminal.warning("export profile \(custom.name) names no schema; checked for well-formedness only.")
        } else {
            Terminal.warning("not validated against a schema (set ACCORD_SCHEMAS or --schemas); checked for well-formedness only.")
        }
    }
}

/// The store as a batch export's source.
struct StoreExportSource: ExportSource {
    let store: ConsultationStore

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

    init(store: ConsultationStore, author: String? = nil) {
        self.store = store
        self.author = author
    }

    func consultation(_ id: SessionID) throws -> Consultation {
        let (consultation, checked) = try store.consultationCheckedAgainstChain(id)
        if !checked && !warned.raised {
            warned.raised = true
            Terminal.warning(Self.uncheckedWarning)
        }
        return consultation
    }

    func exportVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        try store.documentVersion(for: consultation, profile: profile)
    }

    func centreSettings(atSequence sequence: Int64) throws -> CentreSettings {
        try store.centreSettings(atSequence: sequence)
    }

    func recordIssues(_ issues: [(issue: DocumentIssue, consultation: Consultation)]) throws {
        try store.recordIssues(
            issues.map { ConsultationStore.PendingIssue(issue: $0.issue, session: $0.consultation.id, checked: $0.consultation) },
            author: author)
    }

    func chainHead() throws -> String? { try store.chainHead()?.description }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
struct ProgressBar {
    let enabled: Bool
    var total = 0
    var done = 0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func advance() {
        done += 1
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
        drawn = true
    }

    mutating func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
