import AccordCore
import Foundation

/// One consultation to record whole (``EventStore/importConsultations(_:author:)``): a session's
/// start and its changes in order, as a consultation file gives them.
public struct ConsultationImport: Sendable {
    /// The session's start.
    public var start: SessionStart
    /// The changes, in order.
    public var changes: [Change]

    /// A consultation of `start` then `changes`.
    public init(start: SessionStart, changes: [Change]) {
        self.start = start
        self.changes = changes
    }
}

/// What the use cases need from a store of Accord's record: an append-only event log chained
/// with HMAC-SHA256, the projections derived from it (session summary, audit tables, document
/// versions), centre settings and the queries over them.
///
/// ``ConsultationStore`` (SQLite through GRDB, one centre on one machine) and
/// `AccordPostgres.PostgresEventStore` (a PostgreSQL server shared by several hosts or a
/// network of centres) implement it; `AccordService` holds `any EventStore`, so the use cases
/// run unchanged on either, and both run the same contract tests (`EventStoreContract`).
///
/// ## The contract every implementation keeps
///
/// - **One transaction per call that changes the record.** ``startSession(_:author:)``,
///   ``record(_:in:author:reason:precondition:)``, ``importConsultation(start:changes:author:)``,
///   ``setCentreSettings(_:author:)`` and ``recordIssues(_:author:)`` check the change against
///   the session as its verified events make it, append the event(s) with their chain values,
///   rewrite the session's seal and every projection (session summary, audit tables and cells,
///   document versions, centre seal), and either all of it is committed or nothing is. A
///   writer waiting on another one past its timeout throws `AccordError` (`busy`) and records
///   nothing.
/// - **Append-only.** An event is never updated nor deleted; the store refuses it (SQLite:
///   triggers). Projections are caches rebuilt from events, never the authority.
/// - **Gapless sequences.** The log's sequence numbers are 1, 2, 3… with no gap, one writer
///   appending at a time; a session's own sequence numbers are 1, 2, 3… too. Session numbers
///   are never given out twice, even when a summary row was removed behind the store's back.
/// - **The chain.** Each event's chain value is HMAC-SHA256, with the key of ``keyURL`` (kept
///   outside the database), over its canonical content — sequence, session number, session
///   sequence, recorded instant, author, kind, the payload's stored bytes (``EventPayload``'s
///   JSON text, never re-encoded) and reason — and the previous event's chain value. Each
///   session's count of events and last event are sealed with the same key, and so are the
///   centre settings' events. A store written by one implementation verifies under another.
/// - **Instants.** Every recorded instant comes from the store's clock and is stored as an
///   RFC 3339 UTC instant (`2026-03-02T09:30:00Z`); calendar dates stay calendar dates.
/// - **Reads that decide.** What an export or a change is decided from (a session's state, the
///   centre settings, the issued documents) is folded from events checked against the chain
///   and the seals, never from the projections.
///
/// Errors are `AccordError` sentences a user can act on (`notFound`, `conflict`, `busy`, `io`,
/// `invalidInput`), naming sessions and events, never a person's name, identifier or free text.
///
/// The requirements are synchronous, as GRDB is; an implementation over an asynchronous
/// client bridges each call to one transaction.
public protocol EventStore: Sendable {
    /// The chain key file of this store (32 random bytes, kept outside the database).
    var keyURL: URL { get }

    // MARK: - Recording

    /// Starts a consultation session: its start event, summary and audit rows, in one
    /// transaction.
    /// - Parameters:
    ///   - start: the patient, clinician, topic and condition.
    ///   - author: who records it (an IdNat_PS); `nil`: the clinician.
    /// - Returns: the new session's id (the next number never given out).
    /// - Throws: `AccordError` (`invalidInput`) naming the first field that fails its check;
    ///   (`conflict`) in a store of synthetic sessions; (`busy`), (`io`) without the chain key.
    func startSession(_ start: SessionStart, author: String?) throws -> SessionID

    /// Records one change in a session (in a closed session, with a reason, as an amendment),
    /// in one transaction after checking the session's events against the chain.
    /// - Parameters:
    ///   - change: what changes (not a session start nor centre settings).
    ///   - session: the session.
    ///   - author: who records it; `nil`: the session's clinician.
    ///   - reason: why; required once the session is closed.
    ///   - precondition: a check of the session as its verified events make it, run in the same
    ///     transaction before the change (what it throws is thrown, nothing recorded).
    /// - Returns: the consultation after the change.
    /// - Throws: `AccordError`: `notFound` for an unknown session or entry; `conflict` when the
    ///   session is closed and no reason is given, the change does not fit, the clock reads
    ///   before the session's last change, or the session's events do not match the chain;
    ///   `invalidInput`; `busy`.
    func record(
        _ change: Change, in session: SessionID, author: String?, reason: String?, precondition: ((Consultation) throws -> Void)?
    ) throws -> Consultation

    /// Records a whole consultation in one transaction: its start, then each change in order.
    /// - Returns: the new session's id.
    /// - Throws: the first `AccordError` any step throws, naming "the consultation" rather
    ///   than a session that was never created; nothing is recorded then.
    func importConsultation(start: SessionStart, changes: [Change], author: String?) throws -> SessionID

    /// Records consultations in bulk, in one transaction: each whole (its start, then each
    /// change in order) or not at all, the others recorded all the same.
    /// - Parameters:
    ///   - consultations: the consultations, in the order their sessions are numbered.
    ///   - author: who records them; `nil`: each session's clinician.
    /// - Returns: for each consultation, in order, its new session's id, or the `AccordError`
    ///   that refused it (as ``importConsultation(start:changes:author:)`` throws it; nothing
    ///   of that consultation is recorded).
    /// - Throws: `AccordError` (`busy`, `io`, `conflict` for a database of synthetic sessions)
    ///   when the batch as a whole cannot be recorded; nothing of it is recorded then.
    func importConsultations(_ consultations: [ConsultationImport], author: String?) throws -> [Result<SessionID, AccordError>]

    /// How many consultations one ``importConsultations(_:author:)`` call of a bulk import
    /// should hold, so that the transaction keeps the write lock a fraction of a second and a
    /// clinician recording meanwhile waits less than the busy timeout.
    var importBatchSize: Int { get }

    /// Replaces the centre's settings: an event outside any session (earlier settings stay in
    /// the log), and the centre settings' seal.
    /// - Throws: `AccordError` (`invalidInput`) naming the field that fails; `busy`.
    func setCentreSettings(_ settings: CentreSettings, author: String) throws

    /// Records issued document versions (`documentIssued` events, made before their files are
    /// written) in one transaction: each must be the next version of its set, or repeat the
    /// version already issued byte for byte (then nothing is recorded for it).
    /// - Parameters:
    ///   - pending: the issues, each with the consultation it was decided from when that was
    ///     checked against the chain just before.
    ///   - author: who exports; `nil`: each session's clinician.
    /// - Returns: for each issue, `false` when it was recorded already.
    /// - Throws: the first `AccordError` of any issue (`conflict` for a damaged session or a
    ///   version issued meanwhile with other bytes); nothing is recorded then.
    func recordIssues(_ pending: [PendingIssue], author: String?) throws -> [Bool]

    /// Seals, once, sessions recorded before each session had a seal (after a whole-chain
    /// check), so that a batch export then checks each session by its own events. A store with
    /// no such sessions returns at once.
    /// - Throws: `AccordError` (`conflict`) when the chain is broken; `io` without the key.
    func sealSessionsRecordedBefore() throws

    // MARK: - Reading sessions

    /// The consultation folded from its events, without checking them against the chain (for
    /// showing; a change or an export checks).
    /// - Throws: `AccordError` (`notFound`) for an unknown session.
    func consultation(_ id: SessionID) throws -> Consultation

    /// The consultation folded from its events after checking each against its link in the
    /// chain, their session sequence gapless and all of them against the session's seal.
    /// - Returns: the consultation, and `false` when the chain key is not at hand (nothing
    ///   could be checked: the caller says so).
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`conflict`) naming the
    ///   session when its events do not prove whole; (`io`) when the chain key file is there but
    ///   refused (a link, a folder, readable by every user: ``ChainKey/load(_:)``): an export is
    ///   never made unchecked because of it.
    func consultationCheckedAgainstChain(_ id: SessionID) throws -> (consultation: Consultation, checked: Bool)

    /// Many sessions' consultations, each as ``consultationCheckedAgainstChain(_:)`` gives it,
    /// in one read (the chain key read once).
    /// - Returns: for each id in order, the consultation or the `AccordError` reading it threw
    ///   (`notFound`, `conflict` naming the session); and `false` when the chain key is not at
    ///   hand (nothing could be checked).
    /// - Throws: `AccordError` (`busy`, `io`) when the store fails as a whole; (`io`) when the
    ///   chain key file is there but refused.
    func consultationsCheckedAgainstChain(_ ids: [SessionID]) throws -> (consultations: [Result<Consultation, AccordError>], checked: Bool)

    /// Every event of a session, in session order.
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`conflict`) for an event
    ///   that cannot be read.
    func events(of id: SessionID) throws -> [RecordedEvent]

    /// The sessions `query` selects, newest first (by number), from the summary by index: a
    /// few rows whatever the size of the store.
    func sessions(matching query: SessionQuery) throws -> [SessionSummary]

    /// The sessions of the patients whose birth family name starts with `familyName` (and,
    /// when given, whose first birth given name starts with `givenName`), newest first, at
    /// most `limit`: compared without case or accents (`Hélène` finds `HELENE`), on the names
    /// as corrected. Empty names match nothing.
    /// - Throws: `AccordError` (`busy`, `io`).
    func sessions(ofPatientNamed familyName: String, givenName: String?, limit: Int) throws -> [SessionSummary]

    /// The other sessions (at most the 20 latest) of the same INS whose identity traits differ
    /// from those of session `id` (identity vigilance); none for an identity without INS.
    /// - Throws: `AccordError` (`notFound`) for an unknown session.
    func identityDiscrepancies(of id: SessionID) throws -> [IdentityDiscrepancy]

    /// `identityDiscrepancies(of:)` of each session, in the order given, read together (a
    /// bulk import asks for a batch's new sessions at once).
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`busy`, `io`).
    func identityDiscrepancies(of ids: [SessionID]) throws -> [[IdentityDiscrepancy]]

    // MARK: - Centre settings

    /// The centre's current settings, or `nil` when none were made yet (no check).
    func centreSettings() throws -> CentreSettings?

    /// The centre's current settings with the sequence of the event that made them, checked
    /// against the chain and the centre settings' seal when the key is at hand; `nil` when none
    /// were made yet.
    /// - Throws: `AccordError` (`conflict`) when the settings do not match the chain.
    func centreSettingsWithSequence() throws -> (settings: CentreSettings, sequence: Int64)?

    /// The centre settings the event at `sequence` made (those an issued document used),
    /// checked against its link in the chain when the key is at hand.
    /// - Throws: `AccordError` (`conflict`) when that event is not a change of centre settings
    ///   or does not match the chain.
    func centreSettings(atSequence sequence: Int64) throws -> CentreSettings

    // MARK: - Documents and batch exports

    /// The version an export of `consultation` in `profile` must carry (the session's
    /// `documentIssued` events decide; versions exported before issues were recorded come from
    /// the `document_version` cache).
    func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion

    /// ``documentVersion(for:profile:)`` of each consultation, in their order, read together
    /// (a batch export asks for a page of sessions at once).
    /// - Throws: `AccordError` (`busy`, `io`) when the store cannot be read.
    func documentVersions(for consultations: [Consultation], profile: String) throws -> [DocumentVersion]

    /// How many sessions were closed on a UTC day within the range (`nil`: no bound), as the
    /// summary or the closing events say.
    func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int

    /// One page of the sessions closed on a UTC day within the range, by ascending number: up
    /// to `limit` ids after `after` (keyset paging). Selected from the summary *and* the closing
    /// events, so that a changed summary row neither hides a session nor lets one through.
    func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID]

    /// The version of each session's document under the version key `profile` that was issued
    /// and is still current: the last `documentIssued` event of that key in the session, when
    /// no change of the record followed it (its record sequence is the session's last change),
    /// read in one query without folding any session. A session missing from the result may
    /// still have one (a version exported before issues were recorded); a batch export then
    /// reads its events. The events are not checked against the chain here.
    /// - Parameters:
    ///   - profile: the version key (`cda-fr`, `fhir-r4`, `cda-fr+pseudonymised@KEY`…).
    ///   - closedFrom: only sessions closed on or after this UTC day, or `nil`.
    ///   - through: only sessions closed on or before this UTC day, or `nil`.
    /// - Returns: the version number by session; empty for a store without this read (the
    ///   default implementation), which makes a batch export read every session.
    /// - Throws: `AccordError` (`busy`, `io`) when the store fails.
    func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int]

    /// The identifier keys of the patients who object to the re-use of their data for research
    /// (AccordCore's `ResearchObjections.objectingKeys(_:)`), in the form of
    /// `Consultation.researchIdentifierKeys` (`OID/INS`, `IPP/ROOT/EXTENSION`, `session/S12`).
    ///
    /// Reads only the sessions that hold a research objection event (found by kind), each
    /// folded from its events checked against the chain and its seal when the key is at hand;
    /// per patient (sessions sharing an INS or an IPP), the latest such event in the log decides.
    /// A pseudonymised export leaves out every session one of whose keys is in the set.
    /// - Returns: the keys; empty when no patient objects.
    /// - Throws: `AccordError` (`conflict`) naming a session with such an event whose events do
    ///   not prove whole (an objection that cannot be read is never taken as none); `io`.
    func researchObjections() throws -> Set<String>

    // MARK: - The chain

    /// Calls `body` with each stored event of the log in sequence order, from `sequence` on,
    /// as stored (the payload's bytes and the chain value untouched), inside one read
    /// transaction: memory stays flat whatever the size of the log. `body` must not call the
    /// store.
    /// - Throws: what `body` throws; `AccordError` (`io`) when the store fails.
    func readLog(from sequence: Int64, _ body: (EventRecord) throws -> Void) throws

    /// The current chain head (the last event's sequence and chain value), `nil` for an empty
    /// log; no check made.
    func chainHead() throws -> ChainHead?

    /// Recomputes the whole chain and the seals and reports the first break; with `head`, also
    /// proves that the event at that head is still there with the same chain value.
    /// - Throws: `AccordError` (`io`) when the log holds events and the key is missing.
    func verify(head: ChainHead?) throws -> ChainVerification

    // MARK: - Audit

    /// The participation audit over sessions closed in `from…to` (UTC days, both optional),
    /// one row per group, from the pre-aggregated cells; groups of fewer than 5 sessions
    /// suppressed unless `suppression` is `false`.
    /// - Throws: `AccordError` (`io`) when the store fails.
    func participation(
        from: CalendarDate?, to: CalendarDate?, by grouping: AuditGrouping, suppression: Bool
    ) throws
        -> ParticipationReport
}

extension EventStore {
    /// `identityDiscrepancies(of:)` of one session, for each session.
    public func identityDiscrepancies(of ids: [SessionID]) throws -> [[IdentityDiscrepancy]] {
        try ids.map { try identityDiscrepancies(of: $0) }
    }

    /// One ``documentVersion(for:profile:)`` per consultation.
    public func documentVersions(for consultations: [Consultation], profile: String) throws -> [DocumentVersion] {
        try consultations.map { try documentVersion(for: $0, profile: profile) }
    }

    /// 500 consultations: a few hundred milliseconds of SQLite's write lock on this machine.
    public var importBatchSize: Int { 500 }

    /// One ``consultationCheckedAgainstChain(_:)`` per session (a store with a faster read
    /// overrides this).
    public func consultationsCheckedAgainstChain(
        _ ids: [SessionID]
    ) throws -> (
        consultations: [Result<Consultation, AccordError>], checked: Bool
    ) {
        var checked = true
        let consultations = try ids.map { id -> Result<Consultation, AccordError> in
            do {
                let (consultation, wasChecked) = try consultationCheckedAgainstChain(id)
                if !wasChecked { checked = false }
                return .success(consultation)
            } catch let error as AccordError {
                return .failure(error)
            }
        }
        return (consultations, checked)
    }

    /// No current issued versions known: a batch export reads every session's events (a
    /// store that can read them in one query overrides this).
    public func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int] {
        [:]
    }

    /// One transaction per consultation (``importConsultation(start:changes:author:)``), for a
    /// store without a bulk path: each refusal, `busy` and `io` included, is returned with its
    /// consultation (the ones before it are committed already).
    public func importConsultations(_ consultations: [ConsultationImport], author: String?) throws -> [Result<SessionID, AccordError>] {
        try consultations.map { consultation in
            do {
                return .success(try importConsultation(start: consultation.start, changes: consultation.changes, author: author))
            } catch let error as AccordError {
                return .failure(error)
            }
        }
    }

    /// Records that one document version was issued (``recordIssues(_:author:)`` with one
    /// issue whose session is checked again).
    /// - Returns: `false` when that very issue was recorded already.
    /// - Throws: what ``recordIssues(_:author:)`` throws.
    @discardableResult
    public func recordIssue(_ issue: DocumentIssue, session id: SessionID, author: String? = nil) throws -> Bool {
        try recordIssues([PendingIssue(issue: issue, session: id, checked: nil)], author: author)[0]
    }
}

/// A document issue to record (``EventStore/recordIssues(_:author:)``), with the consultation
/// it was decided from when that was checked against the chain just before (its events then
/// need not be folded again: the session's seal still naming the same last event proves
/// nothing was added since).
public struct PendingIssue: Sendable {
    /// The version, its ids, document time and SHA-256.
    public var issue: DocumentIssue
    /// The session whose document it is.
    public var session: SessionID
    /// The consultation the version was decided from, checked against the chain; `nil`: check
    /// the session's events again.
    public var checked: Consultation?

    /// An issue of `session`'s document, with the consultation it was decided from, if checked.
    public init(issue: DocumentIssue, session: SessionID, checked: Consultation?) {
        self.issue = issue
        self.session = session
        self.checked = checked
    }
}

/// One event of the log as stored: the fields the chain covers and the chain value.
///
/// The SQLite store reads and writes it as a row of the `event` table (its columns are named
/// in ``Columns``); another store keeps the same fields, with the same text, so that its
/// chain values are the same.
public struct EventRecord: Sendable, Hashable, Codable {
    /// The event's place in the log: 1, 2, 3… without gap.
    public var sequence: Int64
    /// The session's number, or `nil` for an event outside any session (centre settings).
    public var sessionNumber: Int64?
    /// The event's place in its session (1, 2, 3…), or `nil` outside any session.
    public var sessionSequence: Int?
    /// When it was recorded: an RFC 3339 UTC instant (`2026-03-02T09:30:00Z`).
    public var recordedAt: String
    /// Who recorded it (an IdNat_PS).
    public var author: String
    /// The change's kind (`session-started`, `option-added`…).
    public var kind: String
    /// The change as ``EventPayload`` JSON text, exactly as stored.
    public var payload: String
    /// Why, for an amendment or a correction.
    public var reason: String?
    /// HMAC-SHA256 over the content and the previous event's chain value, 64 lowercase hex
    /// characters.
    public var chain: String

    /// An event as stored.
    public init(
        sequence: Int64, sessionNumber: Int64?, sessionSequence: Int?, recordedAt: String, author: String, kind: String, payload: String,
        reason: String?, chain: String
    ) {
        self.sequence = sequence
        self.sessionNumber = sessionNumber
        self.sessionSequence = sessionSequence
        self.recordedAt = recordedAt
        self.author = author
        self.kind = kind
        self.payload = payload
        self.reason = reason
        self.chain = chain
    }

    /// The stored columns, in the order of the `event` table.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case sequence = "seq"
        case sessionNumber = "session_number"
        case sessionSequence = "session_seq"
        case recordedAt = "recorded_at"
        case author, kind, payload, reason, chain
    }

    /// The fields the chain covers.
    package var content: EventContent {
        EventContent(
            sequence: sequence, sessionNumber: sessionNumber, sessionSequence: sessionSequence, recordedAt: recordedAt, author: author,
            kind: kind, payload: payload, reason: reason)
    }

    /// The event as the record knows it: its instant parsed and its payload decoded.
    /// - Throws: `AccordError` (`conflict`) when either cannot be read (the database was
    ///   changed outside Accord).
    public func recordedEvent() throws -> RecordedEvent {
        guard let recordedAt = UTCInstant.parse(recordedAt), let change = try? EventPayload.decode(payload) else {
            throw AccordError(
                .conflict, "event \(sequence) cannot be read; the database may have been changed outside Accord (run `accord verify`).")
        }
        return RecordedEvent(
            sequence: sequence, sessionID: sessionNumber.map(SessionID.init(number:)), sessionSequence: sessionSequence,
            recordedAt: recordedAt, author: author, reason: reason, change: change)
    }
}
