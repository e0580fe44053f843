import AccordCore
import Foundation
import GRDB
import GRDBSQLite

/// Appends events inside one write transaction and keeps the derived tables in step by running
/// its projections (``Projection``) after each session event.
package struct EventRecorder {
    let db: Database
    let clock: AccordClock
    let key: ChainKey
    /// The projections run after each session event, in order (``Projection``).
    let projections: [any Projection]
    /// Where the log ends, carried from one whole session to the next
    /// (``recordWhole(_:startedAt:changes:author:)``); `nil`: read it again.
    var tail: LogTail?
    /// The first session recorded whole in this transaction and not yet finished
    /// (``finishWholeSessions()``).
    var firstWholeSession: Int64?
    /// The statements of ``recordWhole(_:startedAt:changes:author:)``, kept for the transaction.
    let kept: KeptStatements

    /// A recorder in the write transaction `db`.
    ///
    /// - Parameters:
    ///   - projections: the derived tables to keep in step; `nil`: ``standardProjections(key:)``.
    init(db: Database, clock: AccordClock, key: ChainKey, projections: [any Projection]? = nil) {
        self.db = db
        self.clock = clock
        self.key = key
        self.projections = projections ?? Self.standardProjections(key: key)
        self.kept = KeptStatements(db)
    }

    /// The session summary, then the audit summary (with its participation cells).
    static func standardProjections(key: ChainKey) -> [any Projection] {
        [SessionSummaryProjection(), AuditSummaryProjection(key: key)]
    }

    /// Runs the projections, in order, after `event` was applied to `consultation`.
    func project(_ consultation: Consultation, event: RecordedEvent) throws {
        for projection in projections { try projection.apply(consultation, event: event, db: db) }
    }

    /// How far before a session's last change the clock may read (seconds) before changes are refused.
    package static let clockTolerance: TimeInterval = 60

    /// Starts a session: its summary row, its start event, the projections.
    mutating func startSession(_ start: SessionStart, author: String) throws -> SessionID {
        let change = Change.sessionStarted(start)
        let now = clock.now()
        try change.validate(today: CalendarDate(utcDayOf: now))
        let id = SessionID(number: try readTail().nextSession)
        try SessionSummaryProjection.open(id.number, start: start, at: now, db: db)
        let event = try append(change, session: id, author: author, at: now)
        try project(try Consultation(events: [event]), event: event)
        return id
    }

    mutating func record(
        _ change: Change, in id: SessionID, author: String?, reason: String?, precondition: ((Consultation) throws -> Void)? = nil
    ) throws -> Consultation {
        var consultation = try Self.checkedConsultation(id, db, key: key, sealing: true)
        try precondition?(consultation)
        try SessionSummaryProjection.restore(consultation, db: db)
        try Self.admit(change, to: consultation, reason: reason, clock: clock)
        let event = try append(change, session: id, author: author ?? consultation.start.clinicianID, reason: reason)
        consultation.apply(event)
        try project(consultation, event: event)
        return consultation
    }

    /// Checks that `change` may be recorded in `consultation` (as its verified events make it)
    /// now: the clock not before the session's last change (but a correction of a last change
    /// dated in the future, with a reason), the change's fields, the reason, the change against
    /// the session's state, an identity correction against the identity.
    /// - Throws: `AccordError` (`conflict`, `invalidInput`, `notFound`) naming what fails.
    package static func admit(_ change: Change, to consultation: Consultation, reason: String?, clock: AccordClock) throws {
        // Instants only go forward in a session (a minute of tolerance for a clock set back),
        // except past a last change dated in the future by a wrong clock: that one is
        // corrected with a reason.
        if clock.now() < consultation.lastChangedAt.addingTimeInterval(-Self.clockTolerance) {
            let lastInFuture = consultation.lastChangedAt.timeIntervalSince(Date()) > AccordClock.futureTolerance
            if !lastInFuture {
                throw AccordError(
                    .conflict,
                    "the clock reads an instant before the last change of session \(consultation.id) (\(UTCInstant.format(consultation.lastChangedAt))); check the system clock or ACCORD_NOW (nothing was recorded)."
                )
            }
            if reason == nil {
                throw AccordError(
                    .conflict,
                    "the last change of session \(consultation.id) is dated in the future (\(UTCInstant.format(consultation.lastChangedAt))), by a wrong clock; give --reason saying so to record this change as its correction (nothing was recorded)."
                )
            }
        }
        try change.validate(today: CalendarDate(utcDayOf: clock.now()))
        if let reason { try FieldRules.text(reason, "--reason") }
        try consultation.check(change, reason: reason)
        if case .identityCorrected(let correction) = change {
            try consultation.checkCorrection(correction, today: CalendarDate(utcDayOf: clock.now()))
        }
    }

    /// Appends one event chained to the last one, and for a session event its seal. The caller
    /// applies a session event to the session's state, then runs the projections
    /// (``project(_:event:)``): the summary row counts the event there.
    @discardableResult
    mutating func append(
        _ change: Change, session id: SessionID?, author: String, reason: String? = nil, at instant: Date? = nil
    ) throws
        -> RecordedEvent
    {
        let now = instant ?? clock.now()
        tail = nil
        if case .centreSettingsChanged(let settings) = change { try settings.validate() }
        var sessionSequence: Int?
        if let id {
            sessionSequence =
                (try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT MAX(session_seq) FROM event WHERE session_number = ?"), arguments: [id.number]) ?? 0)
                + 1
        }
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, chain FROM event ORDER BY seq DESC LIMIT 1"))
        let sequence: Int64 = (last?["seq"] ?? 0) + 1
        let previous: String = last?["chain"] ?? ""
        var event = EventRecord(
            sequence: sequence, sessionNumber: id?.number, sessionSequence: sessionSequence, recordedAt: UTCInstant.format(now),
            author: author, kind: change.kind, payload: try payload(change), reason: reason, chain: "")
        event.chain = key.link(event.content, previous: previous)
        try event.insertKept(db)
        let chain = event.chain
        if let id, let sessionSequence {
            try SessionSealRecord(session: id.number, eventCount: sessionSequence, lastSequence: sequence, lastChain: chain, key: key)
                .replaceKept(db)
        }
        if case .centreSettingsChanged = change {
            let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM event WHERE kind = 'centre-settings-changed'")) ?? 0
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)").execute(arguments: [
                Self.centreSealKey, "\(count):\(sequence):\(key.centreSeal(eventCount: count, lastSequence: sequence, lastChain: chain))",
            ])
        }
        return RecordedEvent(
            sequence: sequence, sessionID: id, sessionSequence: sessionSequence, recordedAt: now, author: author, reason: reason,
            change: change)
    }

    /// The JSON payload of `change`, in ``EventPayload``'s version 2. (The generator kept a
    /// cache of the payloads of changes it repeats; since every kind it makes is written in
    /// one pass, finding a change in it cost more than writing its payload.)
    func payload(_ change: Change) throws -> String {
        try EventPayload.encode(change)
    }

    /// The consultation folded from its own events after they are checked: each against its
    /// link in the chain (an edited event, or a deleted or moved one, no longer matches), their
    /// session sequences gapless from 1, and all of them against the session's seal (the count
    /// and last event sealed with the key), so that an event removed from the end of the
    /// session is found too. A few HMACs: proportional to the session's own events.
    ///
    /// A session without a seal (recorded before seals existed, or its seal deleted) is checked
    /// by the whole chain instead (``ConsultationStore/verifyChain(_:key:head:)``); when
    /// `sealing`, every session without a seal is then sealed in the same transaction.
    ///
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`conflict`) naming the
    ///   session when its events do not prove whole, saying to run `accord verify`.
    static func checkedConsultation(_ id: SessionID, _ db: Database, key: ChainKey, sealing: Bool) throws -> Consultation {
        let (events, previous) = try sessionEventsWithPreviousChain(id, db)
        let seal: (eventCount: Int, lastSequence: Int64, tag: String)?
        switch try SessionSealRecord.read(db, session: id.number) {
        case .none: seal = nil
        case .sealed(let eventCount, let lastSequence, let tag): seal = (eventCount, lastSequence, tag)
        case .storedOtherwise: throw damaged(id, "its seal holds a value Accord never writes")
        }
        let sealed = try proveSession(id, events: events, previous: previous, seal: seal, key: key)
        if !sealed {
            let verification = try ConsultationStore.verifyChain(db, key: key, head: nil)
            if verification.firstBreak != nil { throw damaged(id, "it has no seal and the event chain is broken") }
            if sealing { try sealUnsealedSessions(db, key: key) }
        }
        return try Consultation(events: events.map { try $0.recordedEvent() })
    }

    /// A session's events in session order, each with the chain value of the event before it
    /// in the log (empty for the log's first), read from SQLite's own columns (no row copied,
    /// no value converted twice).
    /// - Throws: `AccordError` (`conflict`, ``damaged(_:_:)``) at the first event whose values
    ///   are not stored as Accord writes them (``EventRecord/storedAsWrittenSQL``: integers as
    ///   integers, texts as text without a NUL byte), before anything of it is decoded.
    static func sessionEventsWithPreviousChain(_ id: SessionID, _ db: Database) throws -> (events: [EventRecord], previous: [String]) {
        let statement = try db.cachedStatement(sql: SQL.sessionEventsWithPreviousChain)
        let sqlite = statement.sqliteStatement
        func integer(_ column: Int32) -> Int64? {
            sqlite3_column_type(sqlite, column) == SQLITE_NULL ? nil : sqlite3_column_int64(sqlite, column)
        }
        /// The column's text, or `nil` when it is not stored as text Accord writes (another
        /// storage class, or a NUL byte: what `storedAsWrittenSQL` asks with `typeof` and `instr`).
        func text(_ column: Int32) -> String? {
            guard sqlite3_column_type(sqlite, column) == SQLITE_TEXT, let pointer = sqlite3_column_text(sqlite, column) else { return nil }
            let bytes = UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(sqlite, column)))
            guard !bytes.contains(0) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        func isInteger(_ column: Int32) -> Bool {
            let type = sqlite3_column_type(sqlite, column)
            return type == SQLITE_INTEGER || type == SQLITE_NULL
        }
        var events: [EventRecord] = []
        var previous: [String] = []
        try statement.forEachRow([id.number], in: db) { _ in
            let reason = sqlite3_column_type(sqlite, 7) == SQLITE_NULL ? .some(nil) : text(7).map { Optional($0) }
            guard isInteger(1), isInteger(2), let recordedAt = text(3), let author = text(4), let kind = text(5),
                let payload = text(6), let reason, let chain = text(8)
            else {
                throw damaged(id, "event \(sqlite3_column_int64(sqlite, 0)) holds a value Accord never writes")
            }
            events.append(
                EventRecord(
                    sequence: sqlite3_column_int64(sqlite, 0), sessionNumber: integer(1), sessionSequence: integer(2).map { Int($0) },
                    recordedAt: recordedAt, author: author, kind: kind, payload: payload, reason: reason, chain: chain))
            previous.append(
                sqlite3_column_type(sqlite, 9) == SQLITE_NULL
                    ? "" : String(cString: sqlite3_column_text(sqlite, 9)))
        }
        return (events, previous)
    }

    /// Checks a session's events, in session order, each with the chain value of the event
    /// before it in the log (`previous`): each against its link, their session sequences
    /// gapless from 1, and all of them against the session's seal (`nil`: none).
    /// - Returns: `true` when the seal proves them whole; `false` when there is no seal (the
    ///   caller checks the whole chain instead).
    /// - Throws: `AccordError` (`notFound`) when there are no events and no seal; (`conflict`,
    ///   ``damaged(_:_:)``) when they do not prove whole.
    package static func proveSession(
        _ id: SessionID, events: [EventRecord], previous: [String], seal: (eventCount: Int, lastSequence: Int64, tag: String)?,
        key: ChainKey
    ) throws -> Bool {
        guard let last = events.last else {
            if seal != nil { throw damaged(id, "its events are gone") }
            throw StoreErrors.unknownSession(id)
        }
        for (index, (event, previous)) in zip(events, previous).enumerated() {
            guard event.sessionSequence == index + 1, key.linkHolds(event.content, previous: previous, chain: event.chain) else {
                throw damaged(id, "event \(event.sequence) does not match the event chain")
            }
        }
        guard let seal else { return false }
        guard seal.eventCount == events.count, seal.lastSequence == last.sequence,
            seal.tag == key.seal(session: id.number, eventCount: seal.eventCount, lastSequence: seal.lastSequence, lastChain: last.chain)
        else { throw damaged(id, "its events do not match its seal (an event was removed, or the seal was changed)") }
        return true
    }

    /// The metadata key of the centre settings' seal (`COUNT:SEQ:TAG`, ``ChainKey/centreSeal(eventCount:lastSequence:lastChain:)``).
    package static let centreSealKey = "centre_seal"

    /// The event at `sequence`, after checking its link to the event before it.
    /// - Throws: `AccordError` (`conflict`) when it is missing or does not match the chain.
    static func checkedEvent(at sequence: Int64, _ db: Database, key: ChainKey, what: String) throws -> EventRecord {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: SQL.checkedEvent),
            arguments: [sequence])
        guard let row, row["as_written"] ?? false, case let event = EventRecord(row: row),
            key.linkHolds(event.content, previous: row["previous"] ?? "", chain: event.chain)
        else {
            throw AccordError(
                .conflict,
                "event \(sequence), \(what), does not match the event chain: the database was changed outside Accord; run `accord verify` (nothing was exported)."
            )
        }
        return event
    }

    /// The centre's current settings with their event's sequence, after checking that event
    /// against the chain and the centre settings' seal (an edited, removed or older settings
    /// event put in place of the last one is found); `nil` when none were recorded. Without a
    /// seal (settings recorded by an earlier Accord), the whole chain is checked instead and,
    /// when `sealing`, the seal is written.
    /// - Throws: `AccordError` (`conflict`), saying to run `accord verify`.
    static func checkedCentreSettings(_ db: Database, key: ChainKey, sealing: Bool) throws -> (settings: CentreSettings, sequence: Int64)? {
        let seal = try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [centreSealKey])
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE kind = 'centre-settings-changed'") ?? 0
        guard let current = try centreSettings(db) else {
            if seal != nil { throw centreDamaged("the centre settings' events are gone") }
            return nil
        }
        let event = try checkedEvent(at: current.sequence, db, key: key, what: "the centre settings")
        if let seal {
            let parts = seal.split(separator: ":").map(String.init)
            guard parts.count == 3, parts[0] == String(count), parts[1] == String(current.sequence),
                parts[2] == key.centreSeal(eventCount: count, lastSequence: current.sequence, lastChain: event.chain)
            else { throw centreDamaged("they do not match their seal (a settings event was removed, or the seal was changed)") }
        } else {
            if try ConsultationStore.verifyChain(db, key: key, head: nil).firstBreak != nil {
                throw centreDamaged("they have no seal and the event chain is broken")
            }
            if sealing {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)",
                    arguments: [
                        centreSealKey,
                        "\(count):\(current.sequence):\(key.centreSeal(eventCount: count, lastSequence: current.sequence, lastChain: event.chain))",
                    ])
            }
        }
        return current
    }

    package static func centreDamaged(_ why: String) -> AccordError {
        AccordError(
            .conflict,
            "the centre settings do not match the event chain (\(why)): the database was changed outside Accord; run `accord verify` (nothing was exported)."
        )
    }

    /// The refusal for a session whose events do not prove whole.
    package static func damaged(_ id: SessionID, _ why: String) -> AccordError {
        AccordError(
            .conflict,
            "session \(id) does not match the event chain (\(why)): the database was changed outside Accord; run `accord verify` (nothing was recorded or exported)."
        )
    }

    /// Seals every session that has events and no seal (after the whole chain was checked),
    /// and records that every session is sealed.
    static func sealUnsealedSessions(_ db: Database, key: ChainKey) throws {
        defer {
            _ = try? db.execute(
                sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, '1')", arguments: [ConsultationStore.sessionsSealedKey])
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT e.session_number, e.session_seq, e.seq, e.chain FROM event e
                WHERE e.session_number IS NOT NULL
                  AND e.session_number NOT IN (SELECT session_number FROM session_seal)
                  AND e.session_seq = (SELECT MAX(session_seq) FROM event f WHERE f.session_number = e.session_number)
                """)
        for row in rows {
            try SessionSealRecord(
                session: try row.decode(forColumn: "session_number"), eventCount: try row.decode(forColumn: "session_seq"),
                lastSequence: try row.decode(forColumn: "seq"), lastChain: try row.decode(forColumn: "chain"), key: key
            ).insert(db)
        }
    }

    // MARK: - Reading

    /// The session's events in order. A kept statement of plain SQL: GRDB's query interface
    /// read the table's schema first (about 0.7 ms of a cold `session show`).
    static func events(of id: SessionID, _ db: Database) throws -> [RecordedEvent] {
        try EventRecord.fetchAll(
            rowsOf: db.cachedStatement(sql: SQL.sessionEvents),
            arguments: [id.number]
        ).map { try $0.recordedEvent() }
    }

    /// The session's patient identity as its events make it: the start, then its identity
    /// corrections and identity status changes, in order (the only events that change it),
    /// without decoding the session's other events.
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`conflict`) for an event
    ///   that cannot be read.
    static func identity(of id: SessionID, _ db: Database) throws -> INSIdentity {
        let events = try EventRecord.fetchAll(
            db.cachedStatement(sql: SQL.identityEvents), arguments: [id.number])
        guard let first = events.first, first.sessionSequence == 1 else { throw StoreErrors.unknownSession(id) }
        var consultation = try Consultation(events: [try first.recordedEvent()])
        for event in events.dropFirst() { consultation.apply(try event.recordedEvent()) }
        return consultation.start.patient
    }

    static func consultation(_ id: SessionID, _ db: Database) throws -> Consultation {
        let events = try events(of: id, db)
        if events.isEmpty { throw StoreErrors.unknownSession(id) }
        return try Consultation(events: events)
    }

    static func centreSettings(_ db: Database) throws -> (settings: CentreSettings, sequence: Int64)? {
        // A prepared statement kept by the connection: read for every summary row of a session
        // that names no organisation.
        guard
            let event = try EventRecord.fetchOne(
                db.cachedStatement(sql: SQL.lastCentreSettings))
        else { return nil }
        let recorded = try event.recordedEvent()
        guard case .centreSettingsChanged(let settings) = recorded.change else { return nil }
        return (settings, recorded.sequence)
    }
}

extension EventRecorder {
    /// The statements of the reads above, their text made once: a statement's text made for
    /// each call (the columns interpolated) was then hashed to find it in the statement cache,
    /// for every session a batch export checks and every session a bulk import records.
    enum SQL {
        static let sessionEventsWithPreviousChain = """
            SELECT \(EventRecord.selection), (SELECT p.chain FROM event p WHERE p.seq = event.seq - 1)
            FROM event WHERE session_number = ? ORDER BY session_seq
            """
        static let checkedEvent = """
            SELECT \(EventRecord.selection), (SELECT p.chain FROM event p WHERE p.seq = event.seq - 1) AS previous,
                \(EventRecord.storedAsWrittenSQL) AS as_written
            FROM event WHERE seq = ?
            """
        static let sessionEvents = "SELECT \(EventRecord.selection) FROM event WHERE session_number = ? ORDER BY session_seq"
        static let identityEvents = """
            SELECT \(EventRecord.selection) FROM event WHERE session_number = ?
            AND (session_seq = 1 OR kind IN ('identity-corrected', 'identity-status-changed')) ORDER BY session_seq
            """
        static let lastCentreSettings =
            "SELECT \(EventRecord.selection) FROM event WHERE kind = 'centre-settings-changed' ORDER BY seq DESC LIMIT 1"
    }
}
