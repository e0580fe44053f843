import AccordCore
import AccordStore
import Foundation
import PostgresNIO

/// Appends events inside one write transaction of a ``PostgresEventStore`` and keeps the
/// projections in step, as ``AccordStore/EventRecorder`` does on SQLite: the same checks (shared
/// with it), the same chain values, the same rows.
struct PostgresRecorder {
    let link: PostgresLink
    let clock: AccordClock
    let key: ChainKey
    /// Where the log ends and which session number comes next, once a whole session was
    /// recorded in this transaction (``recordWhole(_:startedAt:changes:author:)``); `nil`: read
    /// them from the tables.
    var tail: LogTail?
    /// The first session recorded whole in this transaction, whose participation cells
    /// ``finishWholeSessions()`` adds with the others'.
    var firstWholeSession: Int64?

    /// The `event` columns in the order ``event(_:)`` reads them.
    static let eventColumns = "seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain"

    /// An `event` row (selected with ``eventColumns``).
    static func event(_ row: PostgresRandomAccessRow) throws -> EventRecord {
        EventRecord(
            sequence: try row.integer("seq") ?? 0, sessionNumber: try row.integer("session_number"),
            sessionSequence: try row.integer("session_seq").map(Int.init), recordedAt: try row.text("recorded_at") ?? "",
            author: try row.text("author") ?? "", kind: try row.text("kind") ?? "", payload: try row.text("payload") ?? "",
            reason: try row.text("reason"), chain: try row.text("chain") ?? "")
    }

    // MARK: - Recording

    /// Starts a session: its summary row, its start event, its projections.
    mutating func startSession(_ start: SessionStart, author: String) throws -> (consultation: Consultation, event: RecordedEvent) {
        let change = Change.sessionStarted(start)
        let now = clock.now()
        try change.validate(today: CalendarDate(utcDayOf: now))
        // The next number after every session the summary or the events know.
        let number =
            (try link.query(
                "SELECT GREATEST((SELECT MAX(number) FROM session), (SELECT MAX(session_number) FROM event)) AS n"
            ).first?.integer("n") ?? 0) + 1
        let id = SessionID(number: number)
        try writeSummary(SessionRecord(session: id, startedAt: now, start: start), insertOnly: true)
        let event = try append(change, session: id, author: author, at: now)
        let consultation = try Consultation(events: [event])
        try project(consultation, event: event)
        return (consultation, event)
    }

    /// Records one change in a session after checking its events against the chain.
    mutating func record(
        _ change: Change, in id: SessionID, author: String?, reason: String?, precondition: ((Consultation) throws -> Void)?
    ) throws -> Consultation {
        var consultation = try checkedConsultation(id, sealing: true)
        try precondition?(consultation)
        try restoreSummary(consultation)
        try EventRecorder.admit(change, to: consultation, reason: reason, clock: clock)
        let event = try append(change, session: id, author: author ?? consultation.start.clinicianID, reason: reason)
        consultation.apply(event)
        try project(consultation, event: event)
        return consultation
    }

    /// Appends one event chained to the last one, and for a session event its seal; for centre
    /// settings, the centre settings' seal.
    @discardableResult
    mutating func append(
        _ change: Change, session id: SessionID?, author: String, reason: String? = nil, at instant: Date? = nil
    ) throws -> RecordedEvent {
        let now = instant ?? clock.now()
        if case .centreSettingsChanged(let settings) = change { try settings.validate() }
        var sessionSequence: Int?
        if let id {
            sessionSequence =
                Int(
                    try link.query("SELECT MAX(session_seq) AS n FROM event WHERE session_number = $1", [.integer(id.number)]).first?
                        .integer("n") ?? 0) + 1
        }
        let last = try link.query("SELECT seq, chain FROM event ORDER BY seq DESC LIMIT 1").first
        let sequence = (try last?.integer("seq") ?? 0) + 1
        let previous = try last?.text("chain") ?? ""
        var event = EventRecord(
            sequence: sequence, sessionNumber: id?.number, sessionSequence: sessionSequence, recordedAt: UTCInstant.format(now),
            author: author, kind: change.kind, payload: try EventPayload.encode(change), reason: reason, chain: "")
        event.chain = key.link(event.content, previous: previous)
        try Self.insert(event, link)
        if let id, let sessionSequence {
            try link.query(
                """
                INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES ($1, $2, $3, $4)
                ON CONFLICT (session_number) DO UPDATE
                SET event_count = excluded.event_count, last_seq = excluded.last_seq, tag = excluded.tag
                """,
                [
                    .integer(id.number), .of(sessionSequence), .integer(sequence),
                    .text(key.seal(session: id.number, eventCount: sessionSequence, lastSequence: sequence, lastChain: event.chain)),
                ])
        }
        if case .centreSettingsChanged = change {
            let count =
                try link.query("SELECT COUNT(*) AS n FROM event WHERE kind = 'centre-settings-changed'").first?.integer("n") ?? 0
            try setMetadata(
                EventRecorder.centreSealKey,
                "\(count):\(sequence):\(key.centreSeal(eventCount: Int(count), lastSequence: sequence, lastChain: event.chain))")
        }
        return RecordedEvent(
            sequence: sequence, sessionID: id, sessionSequence: sessionSequence, recordedAt: now, author: author, reason: reason,
            change: change)
    }

    /// Inserts one event row as it is (its chain value computed already).
    static func insert(_ event: EventRecord, _ link: PostgresLink) throws {
        try link.query(
            "INSERT INTO event (\(eventColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                .integer(event.sequence), .of(event.sessionNumber), .of(event.sessionSequence), .text(event.recordedAt),
                .text(event.author), .text(event.kind), .text(event.payload), .of(event.reason), .text(event.chain),
            ])
    }

    func setMetadata(_ key: String, _ value: String) throws {
        try link.query(
            "INSERT INTO metadata (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [.text(key), .text(value)])
    }

    // MARK: - Projections

    /// The session summary, then the audit summary and its cells, after `event`.
    func project(_ consultation: Consultation, event: RecordedEvent) throws {
        try projectSummary(consultation, event: event)
        try PostgresAuditSummary.refresh(consultation, link: link, key: key)
    }

    /// The session summary after `event`: the event counted, the closing marked, the patient
    /// columns following a corrected identity, the completeness of a closed session.
    func projectSummary(_ consultation: Consultation, event: RecordedEvent) throws {
        var closing: String?
        if case .sessionClosed = event.change { closing = UTCInstant.format(event.recordedAt) }
        try link.query(
            """
            UPDATE session SET event_count = event_count + 1,
                status = CASE WHEN $1::text IS NULL THEN status ELSE 'closed' END,
                closed_at = COALESCE($1::text, closed_at)
            WHERE number = $2
            """, [.of(closing), .integer(consultation.id.number)])
        switch event.change {
        case .identityCorrected, .identityStatusChanged: try restoreSummary(consultation)
        default: break
        }
        if consultation.status == .closed {
            try link.query(
                "UPDATE session SET completeness = $1 WHERE number = $2",
                [.of(consultation.completeness.percent), .integer(consultation.id.number)])
        }
    }

    /// Rewrites the session's summary row from its folded events (a cache).
    func restoreSummary(_ consultation: Consultation) throws {
        let count =
            try link.query("SELECT COUNT(*) AS n FROM event WHERE session_number = $1", [.integer(consultation.id.number)]).first?
            .integer("n") ?? 0
        try writeSummary(SessionRecord(consultation, eventCount: Int(count)), insertOnly: false)
    }

    /// Writes a summary row (replacing the session's row unless `insertOnly`).
    func writeSummary(_ row: SessionRecord, insertOnly: Bool) throws {
        let updates = Self.summaryColumns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.map {
            "\($0) = excluded.\($0)"
        }.joined(separator: ", ")
        try link.query(
            """
            INSERT INTO session (\(Self.summaryColumns)) VALUES \(Self.valueLists(rows: 1, columns: 14))
            \(insertOnly ? "" : "ON CONFLICT (number) DO UPDATE SET \(updates)")
            """,
            Self.summaryValues(row))
    }

    /// The `session` columns in the order of ``summaryValues(_:)``.
    static let summaryColumns =
        "number, status, started_at, closed_at, event_count, topic, completeness, patient_ins, ipp, ipp_root, clinician_id, birth_family_name, first_given_name, birth_date"

    /// A summary row's values, in the order of ``summaryColumns``.
    static func summaryValues(_ row: SessionRecord) -> [SQLValue] {
        [
            .integer(row.number), .text(row.status), .text(row.startedAt), .of(row.closedAt), .of(row.eventCount), .text(row.topic),
            .of(row.completeness), .of(row.patientINS), .of(row.ipp), .of(row.ippRoot), .of(row.clinicianID),
            .of(row.birthFamilyName), .of(row.firstGivenName), .of(row.birthDate),
        ]
    }

    // MARK: - Checked reads

    /// The consultation folded from its events after checking them against the chain and the
    /// session's seal (``AccordStore/EventRecorder/proveSession(_:events:previous:seal:key:)``).
    func checkedConsultation(_ id: SessionID, sealing: Bool) throws -> Consultation {
        let rows = try link.query(
            """
            SELECT \(Self.eventColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                (SELECT p.chain FROM event p WHERE p.seq = e.seq - 1) AS previous
            FROM event e WHERE e.session_number = $1 ORDER BY e.session_seq
            """, [.integer(id.number)])
        let events = try rows.map(Self.event)
        let seal = try link.query(
            "SELECT event_count, last_seq, tag FROM session_seal WHERE session_number = $1", [.integer(id.number)]
        ).first.map {
            (
                eventCount: Int(try $0.integer("event_count") ?? 0), lastSequence: try $0.integer("last_seq") ?? 0,
                tag: try $0.text("tag") ?? ""
            )
        }
        let sealed = try EventRecorder.proveSession(
            id, events: events, previous: try rows.map { try $0.text("previous") ?? "" }, seal: seal, key: key)
        if !sealed {
            // Every session is sealed from its first event on PostgreSQL; one without a seal
            // had it removed: proved by the whole chain, then sealed again when writing.
            if try verifyChain(head: nil).firstBreak != nil {
                throw EventRecorder.damaged(id, "it has no seal and the event chain is broken")
            }
            if sealing, let last = events.last {
                try link.query(
                    "INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES ($1, $2, $3, $4)",
                    [
                        .integer(id.number), .of(events.count), .integer(last.sequence),
                        .text(key.seal(session: id.number, eventCount: events.count, lastSequence: last.sequence, lastChain: last.chain)),
                    ])
            }
        }
        return try Consultation(events: events.map { try $0.recordedEvent() })
    }

    /// Whether the session's seal still names the last event `consultation` folded.
    func sealNames(_ consultation: Consultation) throws -> Bool {
        guard
            let row = try link.query(
                "SELECT event_count, last_seq FROM session_seal WHERE session_number = $1", [.integer(consultation.id.number)]
            ).first
        else { return false }
        return try row.integer("event_count") == Int64(consultation.eventCount)
            && row.integer("last_seq") == consultation.lastEventSequence
    }

    /// The event at `sequence`, after checking its link to the event before it.
    func checkedEvent(at sequence: Int64, what: String) throws -> EventRecord {
        let row = try link.query(
            """
            SELECT \(Self.eventColumns), (SELECT p.chain FROM event p WHERE p.seq = $1 - 1) AS previous FROM event WHERE seq = $1
            """, [.integer(sequence)]
        ).first
        guard let row, case let event = try Self.event(row),
            key.linkHolds(event.content, previous: try row.text("previous") ?? "", chain: event.chain)
        else {
            throw AccordError(
                .conflict,
                "event \(sequence), \(what), does not match the event chain: the database was changed outside Accord; run `accord verify` (nothing was exported)."
            )
        }
        return event
    }

    /// The centre's current settings, checked against the chain and the centre settings' seal.
    func checkedCentreSettings() throws -> (settings: CentreSettings, sequence: Int64)? {
        let seal = try link.query("SELECT value FROM metadata WHERE key = $1", [.text(EventRecorder.centreSealKey)]).first?.text("value")
        let count = try link.query("SELECT COUNT(*) AS n FROM event WHERE kind = 'centre-settings-changed'").first?.integer("n") ?? 0
        guard let current = try Self.centreSettings(link) else {
            if seal != nil { throw EventRecorder.centreDamaged("the centre settings' events are gone") }
            return nil
        }
        let event = try checkedEvent(at: current.sequence, what: "the centre settings")
        let parts = seal?.split(separator: ":").map(String.init) ?? []
        guard parts.count == 3, parts[0] == String(count), parts[1] == String(current.sequence),
            parts[2] == key.centreSeal(eventCount: Int(count), lastSequence: current.sequence, lastChain: event.chain)
        else { throw EventRecorder.centreDamaged("they do not match their seal (a settings event was removed, or the seal was changed)") }
        return current
    }

    /// The whole-chain check (``AccordStore/ChainWalk``), reading the log by a cursor.
    func verifyChain(head expected: ChainHead?) throws -> ChainVerification {
        var walk = ChainWalk(key: key, head: expected)
        try link.query(
            "DECLARE accord_verify NO SCROLL CURSOR FOR SELECT \(Self.eventColumns) FROM event ORDER BY seq")
        var batch = EventBatch(capacity: 5000)
        while true {
            let rows = try link.query("FETCH FORWARD 5000 FROM accord_verify")
            if rows.isEmpty { break }
            batch.removeAll()
            for row in rows { batch.append(try Self.event(row)) }
            walk.add(batch)
        }
        try link.query("CLOSE accord_verify")
        return try walk.verification {
            let rows = try link.query(
                """
                SELECT s.session_number, s.event_count, s.last_seq, s.tag, e.seq, e.session_seq, e.chain
                FROM session_seal s LEFT JOIN event e ON e.session_number = s.session_number
                    AND e.session_seq = (SELECT MAX(session_seq) FROM event f WHERE f.session_number = s.session_number)
                ORDER BY s.session_number
                """)
            for row in rows {
                let seal = ChainWalk.SealedSession(
                    number: try row.integer("session_number") ?? 0, eventCount: Int(try row.integer("event_count") ?? 0),
                    lastSequence: try row.integer("last_seq") ?? 0, tag: try row.text("tag") ?? "",
                    foundLastSequence: try row.integer("seq"), foundEventCount: try row.integer("session_seq").map(Int.init),
                    foundLastChain: try row.text("chain"))
                if let broken = seal.problem(key: key) { return broken }
            }
            return nil
        }
    }

    // MARK: - Unchecked reads

    static func events(of id: SessionID, _ link: PostgresLink) throws -> [RecordedEvent] {
        try link.query("SELECT \(eventColumns) FROM event WHERE session_number = $1 ORDER BY session_seq", [.integer(id.number)])
            .map { try event($0).recordedEvent() }
    }

    static func consultation(_ id: SessionID, _ link: PostgresLink) throws -> Consultation {
        let events = try events(of: id, link)
        if events.isEmpty { throw StoreErrors.unknownSession(id) }
        return try Consultation(events: events)
    }

    static func centreSettings(_ link: PostgresLink) throws -> (settings: CentreSettings, sequence: Int64)? {
        guard
            let row = try link.query(
                "SELECT \(eventColumns) FROM event WHERE kind = 'centre-settings-changed' ORDER BY seq DESC LIMIT 1"
            ).first
        else { return nil }
        let recorded = try event(row).recordedEvent()
        guard case .centreSettingsChanged(let settings) = recorded.change else { return nil }
        return (settings, recorded.sequence)
    }
}
