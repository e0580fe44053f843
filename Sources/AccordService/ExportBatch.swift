import AccordCore
import AccordXML
import DequeModule
import Foundation
import Logging

/// Where a batch export reads consultations and records what it exported: the store, seen
/// from this module (the `accord` tool adapts `ConsultationStore` to it).
public protocol ExportSource {
    /// How many closed sessions were closed within the range (UTC days, inclusive; `nil`: open-ended).
    func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int
    /// Up to `limit` closed sessions closed within the range, by ascending number, after `after`.
    func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID]
    /// The consultation as its events make it now.
    func consultation(_ id: SessionID) throws -> Consultation
    /// Many sessions' consultations (as ``consultation(_:)`` gives each), read together.
    /// - Returns: for each id in order, the consultation or the `AccordError` its read threw.
    /// - Throws: `AccordError` when the source fails as a whole (the run then reads the
    ///   sessions one at a time).
    func consultations(_ ids: [SessionID]) throws -> [Result<Consultation, AccordError>]
    /// The version an export of `consultation` under `profile` carries, from its issued documents.
    func exportVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion
    /// ``exportVersion(for:profile:)`` of each consultation, in their order, read together.
    func exportVersions(for consultations: [Consultation], profile: String) throws -> [DocumentVersion]
    /// The centre settings the event at `sequence` made (those of an issued document).
    func centreSettings(atSequence sequence: Int64) throws -> CentreSettings
    /// Records that new document versions are issued (events in the chain, in one
    /// transaction), before their files are written; each with the consultation its version was
    /// decided from (as ``consultation(_:)`` gave it).
    func recordIssues(_ issues: [(issue: DocumentIssue, consultation: Consultation)]) throws
    /// The event chain's head, `SEQ:HASH`, or `nil` for an empty log.
    func chainHead() throws -> String?
    /// The identifier keys of the patients who object to the re-use of their data for research
    /// (`Consultation.researchIdentifierKeys` form); read once by a pseudonymised run.
    /// - Throws: `AccordError` (`conflict`) when a session holding an objection event does not
    ///   prove whole.
    func researchObjections() throws -> Set<String>
    /// The version of each session's document under the version key `profile` that was issued
    /// and is still current (no change of the record since), without folding the sessions
    /// (AccordStore's `EventStore.currentIssuedVersions(profile:closedFrom:through:)`); a run
    /// skips a session listed here whose file the folder holds, without reading its events.
    /// - Returns: the version by session; empty (the default) when the source cannot tell,
    ///   and every session is then read.
    /// - Throws: `AccordError` (`busy`, `io`).
    func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int]
}

extension ExportSource {
    /// One ``consultation(_:)`` per session.
    public func consultations(_ ids: [SessionID]) throws -> [Result<Consultation, AccordError>] {
        try ids.map { id -> Result<Consultation, AccordError> in
            do {
                return .success(try consultation(id))
            } catch let error as AccordError {
                return .failure(error)
            }
        }
    }

    /// One ``exportVersion(for:profile:)`` per consultation.
    public func exportVersions(for consultations: [Consultation], profile: String) throws -> [DocumentVersion] {
        try consultations.map { try exportVersion(for: $0, profile: profile) }
    }

    /// None known: every session is read (``ExportSource/currentIssuedVersions(profile:closedFrom:through:)``).
    public func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int] {
        [:]
    }
}

/// Exports closed consultations into a folder, one at a time, with a manifest per run.
///
/// For each closed session in the selection (by closing day, UTC, inclusive), by ascending
/// number: read its consultation, ask the store which version it carries (the same while the
/// session is unchanged; the next one, replacing the last, after an amendment), skip it when
/// the folder's manifests already list that file (unless ``force``), else build, check and
/// write it atomically and record the export. A session whose current version is issued
/// already (``ExportSource/currentIssuedVersions(profile:closedFrom:through:)``) and whose file
/// the folder holds is skipped without reading its events. Session ids are read in pages
/// (``pageSize``), consultations in smaller groups (``readGroupSize``), documents checked on a
/// second thread up to a group and a few sessions ahead (``issueGroupSize`` +
/// ``lookaheadBeyondGroup``), each session's outcome taken in order: memory stays flat whatever
/// the number of documents.
///
/// A document that fails validation is reported and left out; the others are still written.
///
/// A pseudonymised run leaves out every session of a patient who objects to the re-use of
/// their data for research (``ExportSource/researchObjections()``, read once per run): no
/// document, no manifest entry, no event; only the count (``ExportManifest/Summary/objected``).
/// A single session's pseudonymised export of such a patient is refused.
///
/// ```swift
/// var batch = BatchExport(profile: try .named("cda-fr"), folder: out, exportedAt: clock.now(), centre: centre)
/// batch.closedFrom = CalendarDate("2026-01-01")
/// let result = try batch.run(source: store) { event in … }
/// ```
public struct BatchExport {
    /// What happens during a run, in order, for progress and messages.
    public enum Event {
        /// The run starts with this many sessions selected; `nil` when it does not count them
        /// (``countsSessions``).
        case started(total: Int?)
        /// A document was written; `newVersion`: its version was issued by this run (not an
        /// issued version written again).
        case written(ExportManifest.Entry, url: URL, newVersion: Bool)
        /// The folder already holds this version of the session's document.
        case alreadyPresent(session: SessionID, file: String)
        /// A document failed its checks and was not written.
        case failed(session: SessionID, version: Int, message: String)
        /// A session's events do not match the event chain: it was left out.
        case damaged(session: SessionID, message: String)
        /// A session's document could name the patient by neither a qualified identity's INS
        /// nor an IPP: it was refused.
        case refused(session: SessionID, message: String)
        /// A version issued before could not be rebuilt byte for byte: the next one is issued.
        case reissued(session: SessionID, version: Int, reason: String)
    }

    /// What a run did.
    public struct Result: Sendable {
        /// The counts.
        public var summary: ExportManifest.Summary
        /// The manifest written, or `nil` when the run wrote nothing and nothing failed.
        public var manifest: URL?
    }

    /// The profile.
    public var profile: ExportProfile
    /// The output folder (created when missing).
    public var folder: URL
    /// The instant every document of the run carries (UTC).
    public var exportedAt: Date
    /// The centre's settings.
    public var centre: CentreSettings
    /// The sequence of the event that made ``centre``, or `nil` for the example settings.
    public var centreSequence: Int64?
    /// The schema documents are validated against, or `nil` (well-formedness only): compiled
    /// before a run makes a folder that is not there yet, else when a first session is to be
    /// written (a run that writes nothing compiles none).
    public var schema: DeferredSchema?
    /// Sessions closed on or after this day (UTC); `nil`: from the first.
    public var closedFrom: CalendarDate?
    /// Sessions closed on or before this day (UTC); `nil`: up to the last.
    public var through: CalendarDate?
    /// Write again the documents the folder already holds.
    public var force = false
    /// Whether the run counts the sessions it selects before it starts (``Event/started(total:)``).
    public var countsSessions = true
    /// Export this session alone (it must be closed: an open one is refused) instead of the
    /// closed sessions of the period: the one code path of a single-session export.
    public var only: SessionID?
    /// Whether the run writes a manifest (a single-session export does not).
    public var writesManifest = true
    /// Pseudonymise every document under this key.
    public var pseudonymKey: PseudonymKey? { didSet { preparePseudonymisation() } }
    /// The centre's decision templates, whose titles name a pseudonymised document's topic
    /// (``ResearchPseudonymisation``); `nil`: the template's reference alone.
    public var templates: TemplateCatalogue? { didSet { preparePseudonymisation() } }
    /// The pseudonymisation of the run, when it is a research export (made once, when the key
    /// or the templates are set, not per document).
    private(set) var pseudonymisation: ResearchPseudonymisation?

    private mutating func preparePseudonymisation() {
        pseudonymisation = pseudonymKey.map { ResearchPseudonymisation(key: $0, templates: templates) }
    }
    /// Called after each document is written (e.g. a detached signature); returns the file
    /// it made beside the document, recorded in the manifest entry.
    public var afterWrite: ((URL) throws -> URL?)?
    /// The clock the manifest's `finished_at` comes from (`ACCORD_NOW` in tests).
    public var clock = AccordClock.system
    /// Session ids read per query. Each query is a read transaction of its own: 2,000 rather
    /// than 200 a query took 4 % fewer instructions from a run whose 97,000 documents the
    /// folder held, for 16 KB of ids.
    public var pageSize = 2000
    /// Consultations read together (and held in memory at once), taken from a page in its
    /// order: the sessions of the page whose documents the folder does not hold.
    public var readGroupSize = 200
    /// Documents whose issues are recorded in one transaction, then written (their folder
    /// synced once): a crash between the two leaves issued versions whose files the next run
    /// writes with the same bytes.
    public var issueGroupSize = 64

    /// A batch export into `folder` of documents of `profile` for `centre`, dated `exportedAt`
    /// (UTC), validated against `schema` when given (else checked for well-formedness only).
    public init(profile: ExportProfile, folder: URL, exportedAt: Date, centre: CentreSettings, schema: DeferredSchema? = nil) {
        self.profile = profile
        self.folder = folder
        self.exportedAt = exportedAt
        self.centre = centre
        self.schema = schema
    }

    /// Runs the export.
    ///
    /// A run that stops logs it at `info` level only (with the manifest that lists what was
    /// written) and throws: saying so to the user is the caller's, once.
    ///
    /// - Parameters:
    ///   - source: the store.
    ///   - logger: where the run logs (never patient data); the caller's task-local logger
    ///     when not given.
    ///   - report: called for each event of the run, in order.
    /// - Returns: the counts and the manifest written.
    /// - Throws: `AccordError` (`conflict`) when the folder holds documents of another profile
    ///   or pseudonymisation, or another export is writing into it; (`io`) when a file cannot be
    ///   written (the manifest then lists what was written, with the reason the run stopped).
    ///   A document failing validation does not throw: it is reported and counted.
    public func run(source: some ExportSource, logger: Logger = .current, report: (Event) -> Void = { _ in }) throws -> Result {
        let pseudonymised = pseudonymKey != nil
        let versionKey = profile.versionKey(pseudonymised: pseudonymised, keyID: pseudonymKey?.keyID)
        // A batch locks its folder for the run; one session's document is written as its
        // export always did, the folder made only when the document is written.
        var lock: Int32 = -1
        // libxml2 checks every document (against the schema, or for well-formedness) on the
        // checker thread: it is loaded before anything is made, so that a system without it
        // is told so and left with no folder, manifest or recorded issue.
        try LibXML.load()
        // A run into a folder not made yet compiles the schema before it makes anything (it has
        // every document to write): a schema that does not compile then leaves no folder, as a
        // missing schema file does. Into a folder that exists, the schema is compiled when a
        // first session is to be written (a run that writes nothing compiles none).
        if only == nil, let schema, !FileManager.default.fileExists(atPath: folder.path) { _ = try schema.schema() }
        if only == nil {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            lock = try Self.lock(folder)
        }
        defer { if lock >= 0 { close(lock) } }
        let held = try ExportFolder(folder)
        try held.checkAccepts(versionKey: versionKey, pseudonymKeyID: pseudonymKey?.keyID)
        // A research export's manifest holds no instant and no chain head: the export instant
        // beside shifted dates would give the shift back, and the head names the record.
        let head = pseudonymised ? nil : try source.chainHead()
        let runStart = pseudonymised ? nil : UTCInstant.format(exportedAt)
        var selection = ExportManifest.Selection()
        if closedFrom == nil && through == nil { selection.all = true }
        // A research manifest does not give the real period either (`{}` for a bounded run).
        if !pseudonymised {
            selection.since = closedFrom?.description
            selection.until = through?.description
        }
        let manifest =
            writesManifest
            ? try ManifestWriter(
                folder: folder,
                header: ExportManifest(
                    format: ExportManifest.formatName, profile: profile.name, pseudonymised: pseudonymised,
                    pseudonymKeyID: pseudonymKey?.keyID, selection: selection,
                    startedAt: runStart, chainHead: head, documents: [])) : nil
        var summary = ExportManifest.Summary()
        // The patients who object to research re-use, read once: their sessions stay out.
        let objecting = pseudonymised ? try source.researchObjections() : []
        report(
            .started(
                total: only != nil ? 1 : countsSessions ? try source.closedSessionCount(closedFrom: closedFrom, through: through) : nil))
        // The sessions whose current version is issued already: one whose file the folder
        // holds is skipped without reading its events. Not for a research run, which counts
        // the sessions of objecting patients from their records.
        let current =
            only == nil && !force && !pseudonymised && !held.files.isEmpty
            ? try source.currentIssuedVersions(profile: versionKey, closedFrom: closedFrom, through: through) : [:]
        var group: [(id: SessionID, consultation: Consultation, prepared: PreparedDocument)] = []
        // Documents are checked on a second thread while the next ones are built; each
        // session's outcome is still taken in order, as if it were made alone.
        let checker = DocumentChecker(profile: profile, schema: schema)
        defer { checker.stop() }
        var pending: Deque<Step> = []
        let lookahead = only == nil ? issueGroupSize + Self.lookaheadBeyondGroup : 0
        var schemaFailed = false
        /// Compiles the schema, once, before a session whose document may be written is read.
        func compileSchema() throws {
            do {
                _ = try schema?.schema()
            } catch {
                schemaFailed = true
                throw error
            }
        }
        func commitFirst() throws {
            let step = pending.removeFirst()
            try commit(step, source: source, manifest: manifest, summary: &summary, group: &group, checker: checker, report: report)
        }
        do {
            var after: SessionID?
            if let only {
                try compileSchema()
                pending.append(
                    try prepareOne(
                        only, read: nil, version: nil, source: source, held: held, versionKey: versionKey, objecting: objecting,
                        checker: checker))
                while !pending.isEmpty { try commitFirst() }
            }
            while only == nil {
                let page = try source.closedSessions(closedFrom: closedFrom, through: through, after: after, limit: pageSize)
                if page.isEmpty { break }
                // The file of each session of the page that the folder holds, in the page's order.
                let present: [String?] = try page.map { id in
                    guard let version = current[id] else { return nil }
                    let file = try profile.fileName(session: id, version: version)
                    return held.holds(file) ? file : nil
                }
                // The page's other sessions read together, `readGroupSize` at a time; one at a
                // time when that fails.
                var toReadLeft = zip(page, present).compactMap { id, file in file == nil ? id : nil }[...]
                var read: [SessionID: Swift.Result<Consultation, AccordError>] = [:]
                var versions: [SessionID: DocumentVersion] = [:]
                /// Reads the next group of the page's sessions to read.
                func readGroup() {
                    let toRead = Array(toReadLeft.prefix(max(1, readGroupSize)))
                    toReadLeft = toReadLeft.dropFirst(toRead.count)
                    let reads = try? source.consultations(toRead)
                    read = reads.map { Dictionary(zip(toRead, $0), uniquingKeysWith: { first, _ in first }) } ?? [:]
                    // Their versions decided together too; one at a time when that fails.
                    let consultationsRead = toRead.compactMap { try? read[$0]?.get() }
                    versions =
                        (try? source.exportVersions(for: consultationsRead, profile: versionKey)).map {
                            Dictionary(zip(consultationsRead.map(\.id), $0), uniquingKeysWith: { first, _ in first })
                        } ?? [:]
                }
                for (id, file) in zip(page, present) {
                    if let file {
                        pending.append(.alreadyPresent(id, file: file))
                    } else {
                        if read[id] == nil && toReadLeft.first == id { readGroup() }
                        do {
                            try compileSchema()
                            pending.append(
                                try prepareOne(
                                    id, read: read[id], version: versions[id], source: source, held: held, versionKey: versionKey,
                                    objecting: objecting,
                                    checker: checker))
                        } catch {
                            // What came before is done first, as in a run without lookahead:
                            // the sessions taken, and the documents of the group recorded and
                            // written. The error that stops the run is this one, whatever the
                            // group's writing meets (its issues recorded first, a failure there
                            // leaves versions whose files the next run writes).
                            while !pending.isEmpty { try commitFirst() }
                            try? flush(&group, source: source, manifest: manifest, summary: &summary, report: report)
                            throw error
                        }
                    }
                    while pending.count > lookahead { try commitFirst() }
                }
                after = page.last
            }
            while !pending.isEmpty { try commitFirst() }
            try flush(&group, source: source, manifest: manifest, summary: &summary, report: report)
        } catch {
            if schemaFailed, manifest?.listsNoDocument ?? true {
                // Nothing was recorded nor listed: the run leaves no manifest, as a run that
                // writes nothing.
                manifest?.discard()
                logger.info("export run stopped", metadata: ["manifest": "none"])
                throw error
            }
            // A research manifest never names a session by its number.
            let reason = pseudonymised ? "the run stopped before its end; the command's output says why" : "\(error)"
            let url = try? manifest?.finish(summary: summary, finishedAt: clock.now(), interrupted: reason)
            logger.info("export run stopped", metadata: ["manifest": "\(url?.lastPathComponent ?? "none")"])
            throw error
        }
        if summary.written == 0 && summary.failed == 0 && summary.damaged == 0 && summary.refused == 0 && summary.objected == 0 {
            manifest?.discard()
            return Result(summary: summary, manifest: nil)
        }
        return Result(summary: summary, manifest: try manifest?.finish(summary: summary, finishedAt: clock.now(), interrupted: nil))
    }

    /// How many sessions a batch reads and builds ahead of the one whose outcome it takes,
    /// beyond a group of ``issueGroupSize`` documents: while a group's issues are recorded and
    /// its files written, the checker works through the documents built ahead. With 8 sessions
    /// ahead in all, it ran out of work during each group's writing and then fell behind while
    /// the next group was built: the batch waited for it at 2,050 of 2,913 documents, each wait
    /// a sleep and a wake-up of both threads.
    static let lookaheadBeyondGroup = 8

    /// What one session comes to, decided from the store before anything is recorded or
    /// written for it (``commit(_:source:manifest:summary:group:checker:report:)`` then acts,
    /// in session order).
    private enum Step {
        /// Nothing to do (not closed, or closed outside the period).
        case skipped
        /// Its events (or the centre settings its document used) do not match the chain.
        case damaged(SessionID, AccordError)
        /// Its patient objects to research re-use (a pseudonymised run).
        case objected
        /// It could name the patient by neither a qualified INS nor an IPP.
        case refused(SessionID, AccordError)
        /// The folder holds this file, its version issued already.
        case alreadyPresent(SessionID, file: String)
        /// Its document failed its checks as it was built.
        indirect case failed(SessionID, DocumentVersion, AccordError)
        /// Its document is built; its check is the checker's `ticket`. Held in a box, as
        /// `failed`: a step is moved at each session of the lookahead (a consultation held
        /// inline made each step over a kilobyte, 1.3 GB moved in a run over 97,000 sessions
        /// whose documents the folder held).
        indirect case prepared(SessionID, Consultation, PreparedDocument, version: DocumentVersion, ticket: Int)
    }

    /// Decides what session `id` comes to, from its consultation (`read`, or read here when
    /// `nil`) and its document's version (`version`, or decided here when `nil`), and builds its
    /// document when one is to be written.
    private func prepareOne(
        _ id: SessionID, read: Swift.Result<Consultation, AccordError>?, version: DocumentVersion?, source: some ExportSource,
        held: ExportFolder, versionKey: String,
        objecting: Set<String>, checker: DocumentChecker
    ) throws -> Step {
        let consultation: Consultation
        do {
            consultation = try read?.get() ?? source.consultation(id)
        } catch let error as AccordError where error.code == .conflict {
            return .damaged(id, error)
        }
        // Selected from the summary or the events; what counts is the events' word.
        guard consultation.status == .closed, let closedAt = consultation.closedAt else {
            if only != nil {
                throw AccordError(
                    .conflict, "session \(id) is still open; close it with `accord session close \(id)` before exporting.")
            }
            return .skipped
        }
        let day = CalendarDate(utcDayOf: closedAt)
        if let closedFrom, day < closedFrom { return .skipped }
        if let through, day > through { return .skipped }
        if pseudonymKey != nil && consultation.patientObjectsToResearch(objectingKeys: objecting) {
            if only != nil {
                throw AccordError(
                    .conflict,
                    "the patient of session \(id) objected to the re-use of their data for research, so no pseudonymised document of their sessions is written (nothing was exported); the objection is withdrawn with `accord patient research-objection \(id) --withdraw --reason \"why\"` (in any session of the patient)."
                )
            }
            return .objected
        }
        if pseudonymKey == nil {
            do {
                try consultation.checkPatientIdentifiable()
            } catch let error as AccordError {
                return .refused(id, error)
            }
        }
        let version = try version ?? source.exportVersion(for: consultation, profile: versionKey)
        let file = try profile.fileName(
            session: pseudonymisation?.session(id) ?? id, version: version.version, pseudonymised: pseudonymKey != nil)
        if !force && version.alreadyExported && held.holds(file) { return .alreadyPresent(id, file: file) }
        let prepared: PreparedDocument
        do {
            prepared = try profile.prepare(
                consultation, version: version, versionKey: versionKey, centre: ExportCentre(settings: centre, sequence: centreSequence),
                centreAt: source.centreSettings(atSequence:), now: exportedAt, pseudonymKey: pseudonymisation, schema: nil,
                checking: false)
        } catch let error as AccordError where error.code == .conflict {
            // The centre settings an issued version used do not match the chain.
            return .damaged(id, error)
        } catch let error as AccordError where error.code == .invalidDocument {
            return .failed(id, version, error)
        }
        return .prepared(id, consultation, prepared, version: version, ticket: checker.submit(prepared))
    }

    /// Takes one session's outcome: records, writes, lists and reports as its step says.
    private func commit(
        _ step: Step, source: some ExportSource, manifest: ManifestWriter?, summary: inout ExportManifest.Summary,
        group: inout [(id: SessionID, consultation: Consultation, prepared: PreparedDocument)], checker: DocumentChecker,
        report: (Event) -> Void
    ) throws {
        switch step {
        case .skipped:
            return
        case .damaged(let id, let error):
            try leaveOut(id, error, source: source, manifest: manifest, summary: &summary, group: &group, report: report)
        case .objected:
            summary.objected += 1
        case .refused(let id, let error):
            try flush(&group, source: source, manifest: manifest, summary: &summary, report: report)
            summary.refused += 1
            try manifest?.append(
                listed(
                    ExportManifest.Entry(
                        file: nil, session: id.description, version: 0, replaces: nil, sha256: nil, size: nil,
                        validation: .init(result: "refused", message: error.message), exportedAt: UTCInstant.format(exportedAt),
                        chainHead: try source.chainHead())))
            report(.refused(session: id, message: error.message))
        case .alreadyPresent(let id, let file):
            try flush(&group, source: source, manifest: manifest, summary: &summary, report: report)
            summary.alreadyPresent += 1
            report(.alreadyPresent(session: id, file: file))
        case .failed(let id, let version, let error):
            try fail(id, version: version, error, source: source, manifest: manifest, summary: &summary, group: &group, report: report)
        case .prepared(let id, let consultation, _, let version, let ticket):
            let prepared: PreparedDocument
            do {
                prepared = try checker.result(ticket)
            } catch let error as AccordError where error.code == .invalidDocument {
                try fail(id, version: version, error, source: source, manifest: manifest, summary: &summary, group: &group, report: report)
                return
            }
            if let reason = prepared.reissueReason { report(.reissued(session: id, version: prepared.version.version, reason: reason)) }
            group.append((id, consultation, prepared))
            if group.count >= issueGroupSize { try flush(&group, source: source, manifest: manifest, summary: &summary, report: report) }
        }
    }

    /// Lists a document that failed its checks (not written), with the chain head before the
    /// documents waiting in `group` are recorded.
    private func fail(
        _ id: SessionID, version: DocumentVersion, _ error: AccordError, source: some ExportSource, manifest: ManifestWriter?,
        summary: inout ExportManifest.Summary, group: inout [(id: SessionID, consultation: Consultation, prepared: PreparedDocument)],
        report: (Event) -> Void
    ) throws {
        let head = try source.chainHead()
        try flush(&group, source: source, manifest: manifest, summary: &summary, report: report)
        summary.failed += 1
        try manifest?.append(
            listed(
                ExportManifest.Entry(
                    file: nil, session: id.description, version: version.version, replaces: version.replaces, sha256: nil, size: nil,
                    validation: .init(result: "failed", message: error.message), exportedAt: UTCInstant.format(exportedAt),
                    chainHead: head)
            ))
        report(.failed(session: id, version: version.version, message: error.message))
    }

    /// The manifest's entry as the run lists it: in a research export, the session named by its
    /// pseudonym, no instant, no chain head, and a damaged session's message without its number.
    private func listed(_ entry: ExportManifest.Entry) -> ExportManifest.Entry {
        guard let pseudonymisation, let session = SessionID(entry.session) else { return entry }
        var listed = entry
        listed.session = pseudonymisation.session(session).description
        listed.exportedAt = nil
        listed.chainHead = nil
        if entry.validation.result == "damaged" {
            listed.validation.message = "the session's events do not match the event chain; run `accord verify`."
        }
        return listed
    }

    /// Leaves out a session whose events (or the centre settings its document used) do not
    /// match the event chain: reported by id and listed in the manifest as `damaged`.
    private func leaveOut(
        _ id: SessionID, _ error: AccordError, source: some ExportSource, manifest: ManifestWriter?, summary: inout ExportManifest.Summary,
        group: inout [(id: SessionID, consultation: Consultation, prepared: PreparedDocument)], report: (Event) -> Void
    ) throws {
        try flush(&group, source: source, manifest: manifest, summary: &summary, report: report)
        summary.damaged += 1
        try manifest?.append(
            listed(
                ExportManifest.Entry(
                    file: nil, session: id.description, version: 0, replaces: nil, sha256: nil, size: nil,
                    validation: .init(result: "damaged", message: error.message), exportedAt: UTCInstant.format(exportedAt),
                    chainHead: try source.chainHead())))
        report(.damaged(session: id, message: error.message))
    }

    /// Records the group's new issues in one transaction, then writes its documents as one
    /// group of files (one sync of their data, the renames in order, one sync of the folder),
    /// signs them when asked, lists them in the manifest and reports them.
    private func flush(
        _ group: inout [(id: SessionID, consultation: Consultation, prepared: PreparedDocument)], source: some ExportSource,
        manifest: ManifestWriter?, summary: inout ExportManifest.Summary, report: (Event) -> Void
    ) throws {
        guard !group.isEmpty else { return }
        let documents = group
        group.removeAll()
        // The issues are recorded first: a file written later carries an id already decided.
        try source.recordIssues(documents.compactMap { item in item.prepared.issue.map { ($0, item.consultation) } })
        let head = try source.chainHead()
        var written: [(entry: ExportManifest.Entry, url: URL)] = []
        let newVersions = Set(documents.filter { $0.prepared.issue != nil }.map(\.id.description))
        let outcomes = try profile.write(documents.map { ($0.prepared, $0.id) }, to: folder)
        for ((id, _, prepared), outcome) in zip(documents, outcomes) {
            let signature = try afterWrite?(outcome.url)
            // A research file's modification time is the document's own (shifted) day: the
            // real times would show the order the sessions were written in, which is theirs.
            if pseudonymKey != nil {
                for url in [outcome.url] + (signature.map { [$0] } ?? []) { Self.setFileTime(prepared.documentTime, of: url) }
            }
            written.append(
                (
                    ExportManifest.Entry(
                        file: prepared.fileName, session: id.description, version: prepared.version.version,
                        replaces: prepared.version.replaces, sha256: prepared.sha256, size: outcome.byteCount,
                        validation: .init(outcome.validation), exportedAt: UTCInstant.format(prepared.documentTime), chainHead: head,
                        signature: signature?.lastPathComponent), outcome.url
                ))
        }
        for (entry, url) in written {
            try manifest?.append(listed(entry))
            summary.written += 1
            report(.written(entry, url: url, newVersion: newVersions.contains(entry.session)))
        }
    }

    /// Sets a file's access and modification times to `date`, never through a link.
    static func setFileTime(_ date: Date, of url: URL) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, url.path, &times, AT_SYMLINK_NOFOLLOW)
    }

    /// Takes an exclusive lock on the folder for the run (`.accord-export.lock`, never through a link).
    private static func lock(_ folder: URL) throws -> Int32 {
        let descriptor = try SafeFile.openLock(named: ".accord-export.lock", in: folder, role: "the output folder")
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw AccordError(
                .conflict, "another export is writing into \(folder.path); wait for it to finish, or export into another folder.",
                field: "--out")
        }
        return descriptor
    }
}
