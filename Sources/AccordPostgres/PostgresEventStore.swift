import AccordCore
import AccordStore
import Foundation
import Logging

/// The PostgreSQL store of Accord: the same event log, chain, seals and projections as the
/// SQLite ``AccordStore/ConsultationStore``, on a database server that several hosts share
/// (the ``AccordStore/EventStore`` of a network of centres).
///
/// An event's chain value does not depend on the backend: payloads and instants are stored as
/// the same text, and a log copied from one backend to the other (`accord db copy`) verifies
/// with the same head under the same key file.
///
/// - **One transaction per change**, as on SQLite.
/// - **Append-only by privileges**: the role Accord connects as (a member of
///   `accord_writer`, ``PostgresSchema``) may only insert into `event`; triggers refuse
///   `UPDATE`, `DELETE` and `TRUNCATE` whatever the role.
/// - **Serialised appends**: every write transaction first takes one transaction-scoped
///   advisory lock (``appendLock``), so that writers on several hosts append one at a time and
///   the chain stays a chain; a writer that cannot take it within the busy timeout (5 s by
///   default) throws `AccordError` (`busy`) and writes nothing.
/// - **Reads** run in `REPEATABLE READ READ ONLY` transactions: one consistent snapshot each.
public struct PostgresEventStore: EventStore {
    let link: PostgresLink
    let clock: AccordClock
    /// Where the chain key lives.
    public let keyURL: URL
    let logger: Logger
    /// How long a writer waits for the append lock, in milliseconds.
    let busyTimeoutMilliseconds: Int
    /// Where the database is (without its password).
    public let location: PostgresLocation
    /// The id the database records at creation (which names the default key file).
    public let databaseID: String

    /// The advisory lock every write transaction takes first (`pg_advisory_xact_lock`), one
    /// per database: the bytes of "accord" read as an integer.
    public static let appendLock: Int64 = 0x6163_636F_7264

    /// Connects to the Accord database at `url` (made by `accord db init`).
    ///
    /// - Parameters:
    ///   - url: a libpq-style URL (``PostgresLocation``), normally of a member of `accord_writer`.
    ///   - clock: the clock every recorded instant comes from.
    ///   - keyFile: the chain key file; `nil`: `ACCORD_KEY_FILE`, else the default place
    ///     (``AccordStore/ChainKey/defaultLocation(databaseID:environment:)``).
    ///   - busyTimeout: how long a writer waits for another one, in seconds.
    ///   - logger: where the store logs (never patient data).
    /// - Throws: `AccordError` (`invalidInput`) for a malformed URL; (`notFound`) when the
    ///   database does not exist; (`io`) when the server cannot be reached, refuses the
    ///   credentials, the database is not an Accord database or was written by a newer Accord.
    public static func open(
        url: String, clock: AccordClock, keyFile: String? = nil, busyTimeout: TimeInterval = 5, logger: Logger = .current
    ) throws -> PostgresEventStore {
        let location = try PostgresLocation(url: url)
        let link = try PostgresLink.connect(location, logger: logger)
        let rows = try link.query("SELECT key, value FROM metadata WHERE key IN ('database_id', 'schema_version')")
        var metadata: [String: String] = [:]
        for row in rows { metadata[try row.text("key") ?? ""] = try row.text("value") }
        guard let databaseID = metadata["database_id"], let version = metadata["schema_version"].flatMap(Int.init) else {
            throw AccordError(
                .io,
                "the database \(location) is not an Accord database (no database id); create it with `accord db init --admin URL` (nothing was recorded)."
            )
        }
        if version > PostgresSchema.version {
            throw AccordError(
                .io,
                "the database \(location) was written by a newer version of Accord; use that version (this one will not change it)."
            )
        }
        let environmentKey = ProcessEnvironment.nonEmpty(ChainKey.environmentVariable)
        let keyURL = (keyFile ?? environmentKey).map { URL(fileURLWithPath: $0) } ?? ChainKey.defaultLocation(databaseID: databaseID)
        logger.debug("connected to the PostgreSQL database")
        return PostgresEventStore(
            link: link, clock: clock, keyURL: keyURL, logger: logger, busyTimeoutMilliseconds: Int(busyTimeout * 1000),
            location: location, databaseID: databaseID)
    }

    // MARK: - Transactions

    /// A write transaction: the append lock taken first (waiting at most the busy timeout),
    /// the chain key loaded (created for a database without events) and checked against the
    /// last events.
    func write<T>(_ body: (inout PostgresRecorder) throws -> T) throws -> T {
        try link.transaction(setUp: [
            "SET LOCAL lock_timeout = '\(busyTimeoutMilliseconds)ms'", "SELECT pg_advisory_xact_lock(\(Self.appendLock))",
        ]) {
            var recorder = PostgresRecorder(link: link, clock: clock, key: try chainKey())
            return try body(&recorder)
        }
    }

    /// A read transaction: one snapshot.
    func read<T>(_ body: () throws -> T) throws -> T {
        try link.transaction(readOnly: true, body)
    }

    /// The chain key; created on the first write to a database that holds no event yet.
    private func chainKey() throws -> ChainKey {
        if let key = try ChainKey.load(keyURL) {
            let rows = try link.query("SELECT \(PostgresRecorder.eventColumns) FROM event ORDER BY seq DESC LIMIT 3").map(
                PostgresRecorder.event)
            try key.checkAgainst(lastEvents: rows)
            return key
        }
        let any = try link.query("SELECT 1 FROM event LIMIT 1")
        guard any.isEmpty else {
            throw AccordError(
                .io,
                "the chain key of this database is missing; restore the key file from its backup, or set \(ChainKey.environmentVariable) to its place (nothing was recorded)."
            )
        }
        logger.info("created a chain key file")
        return try ChainKey.create(keyURL)
    }

    // MARK: - Recording

    public func startSession(_ start: SessionStart, author: String?) throws -> SessionID {
        try write { recorder in try recorder.startSession(start, author: author ?? start.clinicianID).consultation.id }
    }

    public func record(
        _ change: Change, in session: SessionID, author: String?, reason: String?, precondition: ((Consultation) throws -> Void)?
    ) throws -> Consultation {
        try write { recorder in try recorder.record(change, in: session, author: author, reason: reason, precondition: precondition) }
    }

    public func importConsultation(start: SessionStart, changes: [Change], author: String?) throws -> SessionID {
        try importConsultations([ConsultationImport(start: start, changes: changes)], author: author)[0].get()
    }

    /// Records consultations in bulk in one transaction (the append lock taken once), each
    /// checked in memory and written whole (``PostgresRecorder/recordWhole(_:startedAt:changes:author:)``)
    /// in a savepoint of its own, rolled back when the consultation is refused, the others
    /// recorded all the same. Every event of a consultation is recorded at the clock's instant
    /// when it is reached.
    /// - Returns: for each consultation, in order, its session id or the `AccordError` that
    ///   refused it (nothing of it recorded).
    /// - Throws: `AccordError` (`busy`, `io`) when the batch cannot be recorded (the server
    ///   failed, a lock was not obtained in time); nothing of it is recorded then.
    public func importConsultations(_ consultations: [ConsultationImport], author: String?) throws -> [Result<SessionID, AccordError>] {
        guard !consultations.isEmpty else { return [] }
        return try write { recorder in
            let results: [Result<SessionID, AccordError>] = try consultations.map { consultation in
                let tail = recorder.tail
                try link.query("SAVEPOINT consultation")
                do {
                    let id = try recorder.recordWhole(
                        consultation.start, startedAt: clock.now(), changes: consultation.changes,
                        author: author ?? consultation.start.clinicianID)
                    try link.query("RELEASE SAVEPOINT consultation")
                    return .success(id)
                } catch let error as AccordError where error.code != .busy && error.code != .io {
                    recorder.tail = tail
                    try link.query("ROLLBACK TO SAVEPOINT consultation")
                    try link.query("RELEASE SAVEPOINT consultation")
                    return .failure(error)
                }
            }
            try recorder.finishWholeSessions()
            return results
        }
    }

    /// 50 consultations: each takes four statements, a round trip to the server each (about
    /// 5 ms a consultation with the server on the same host), so a batch holds the append lock
    /// about a quarter of a second, and a slower or farther server stays well inside a
    /// clinician's busy timeout (5 s; batches of 500 at ten statements a file reached it).
    public var importBatchSize: Int { 50 }

    public func setCentreSettings(_ settings: CentreSettings, author: String) throws {
        _ = try write { recorder in try recorder.append(.centreSettingsChanged(settings), session: nil, author: author) }
    }

    public func recordIssues(_ pending: [PendingIssue], author: String?) throws -> [Bool] {
        guard !pending.isEmpty else { return [] }
        return try write { recorder in
            try pending.map { item in
                var consultation: Consultation
                if let checked = item.checked, try recorder.sealNames(checked) {
                    consultation = checked
                } else {
                    consultation = try recorder.checkedConsultation(item.session, sealing: true)
                }
                if try !ConsultationStore.issueIsNew(item.issue, of: consultation) { return false }
                try recorder.restoreSummary(consultation)
                let event = try recorder.append(
                    .documentIssued(item.issue), session: item.session, author: author ?? consultation.start.clinicianID)
                consultation.apply(event)
                // The session summary only: an issued document leaves the audit summary as it was.
                try recorder.projectSummary(consultation, event: event)
                try link.query(
                    """
                    INSERT INTO document_version (session_number, profile, version, last_session_seq, exported_at)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (session_number, profile, version) DO UPDATE
                    SET last_session_seq = excluded.last_session_seq, exported_at = excluded.exported_at
                    """,
                    [
                        .integer(item.session.number), .text(item.issue.profile), .of(item.issue.version),
                        .of(item.issue.recordSequence), .text(UTCInstant.format(item.issue.documentTime)),
                    ])
                return true
            }
        }
    }

    public func sealSessionsRecordedBefore() throws {
        // A PostgreSQL database seals every session from its first event (and a copy seals
        // every session it copies): nothing is ever left to seal.
    }

    // MARK: - Reading sessions

    public func consultation(_ id: SessionID) throws -> Consultation {
        try read { try PostgresRecorder.consultation(id, link) }
    }

    public func consultationCheckedAgainstChain(_ id: SessionID) throws -> (consultation: Consultation, checked: Bool) {
        let key = try ChainKey.load(keyURL)
        return try read {
            guard let key else { return (try PostgresRecorder.consultation(id, link), false) }
            let recorder = PostgresRecorder(link: link, clock: clock, key: key)
            return (try recorder.checkedConsultation(id, sealing: false), true)
        }
    }

    public func events(of id: SessionID) throws -> [RecordedEvent] {
        try read {
            let events = try PostgresRecorder.events(of: id, link)
            if events.isEmpty { throw StoreErrors.unknownSession(id) }
            return events
        }
    }

    // MARK: - Centre settings

    public func centreSettings() throws -> CentreSettings? {
        try read { try PostgresRecorder.centreSettings(link)?.settings }
    }

    public func centreSettingsWithSequence() throws -> (settings: CentreSettings, sequence: Int64)? {
        guard let key = try ChainKey.load(keyURL) else { return try read { try PostgresRecorder.centreSettings(link) } }
        return try read { try PostgresRecorder(link: link, clock: clock, key: key).checkedCentreSettings() }
    }

    public func centreSettings(atSequence sequence: Int64) throws -> CentreSettings {
        let key = try ChainKey.load(keyURL)
        return try read {
            let event: EventRecord?
            if let key {
                event = try PostgresRecorder(link: link, clock: clock, key: key).checkedEvent(
                    at: sequence, what: "the centre settings of an issued document")
            } else {
                event = try link.query("SELECT \(PostgresRecorder.eventColumns) FROM event WHERE seq = $1", [.integer(sequence)])
                    .first.map(PostgresRecorder.event)
            }
            guard let event, case .centreSettingsChanged(let settings) = try event.recordedEvent().change else {
                throw AccordError(
                    .conflict,
                    "event \(sequence), the centre settings of an issued document, is not a change of centre settings; run `accord verify`."
                )
            }
            return settings
        }
    }

    // MARK: - The chain

    public func readLog(from sequence: Int64, _ body: (EventRecord) throws -> Void) throws {
        try read {
            // A cursor read in pages: memory stays flat whatever the size of the log.
            try link.query(
                "DECLARE accord_log NO SCROLL CURSOR FOR SELECT \(PostgresRecorder.eventColumns) FROM event WHERE seq >= \(sequence) ORDER BY seq"
            )
            while true {
                let rows = try link.query("FETCH FORWARD 5000 FROM accord_log")
                if rows.isEmpty { break }
                for row in rows { try body(try PostgresRecorder.event(row)) }
            }
        }
    }

    public func chainHead() throws -> ChainHead? {
        try read {
            try link.query("SELECT seq, chain FROM event ORDER BY seq DESC LIMIT 1").first.map {
                ChainHead(sequence: try $0.integer("seq") ?? 0, hash: try $0.text("chain") ?? "")
            }
        }
    }

    public func verify(head expected: ChainHead?) throws -> ChainVerification {
        guard let key = try ChainKey.load(keyURL) else {
            let any = try link.query("SELECT 1 FROM event LIMIT 1")
            if any.isEmpty { return ChainVerification(eventCount: 0, head: nil, firstBreak: expected.map(ConsultationStore.missingHead)) }
            throw AccordError(
                .io,
                "the chain key of this database is missing, so the chain cannot be checked; restore the key file or set \(ChainKey.environmentVariable)."
            )
        }
        return try read { try PostgresRecorder(link: link, clock: clock, key: key).verifyChain(head: expected) }
    }
}
