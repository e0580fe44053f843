import AccordCore
import Foundation
import GRDB

/// Appends events inside one write transaction and keeps the derived tables in step.
struct EventRecorder {
    let db: Database
    let clock: AccordClock
    let key: ChainKey
    /// Encoded payloads of changes already seen, for bulk writers that repeat the same changes
    /// (the synthetic generator); `nil`: every payload is encoded.
    var payloadCache: PayloadCache?

    private static let encoder = AccordJSON.encoder()
    /// How far before a session's last change the clock may read (seconds) before changes are refused.
    static let clockTolerance: TimeInterval = 60
    private static let decoder = AccordJSON.decoder()

    mutating func startSession(_ start: SessionStart, author: String) throws -> SessionID {
        try startSessionReturningState(start, author: author).id
    }

    /// Starts a session and returns its state after the start event (no re-read of the log).
    mutating func startSessionReturningState(_ start: SessionStart, author: String) throws -> Consultation {
        let change = Change.sessionStarted(start)
        let now = clock.now()
        try change.validate(today: CalendarDate(utcDayOf: now))
        let number = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(number) FROM session")) ?? 0) + 1
        let id = SessionID(number: number)
        try db.cachedStatement(sql: "INSERT INTO session (number, status, started_at, event_count, topic) VALUES (?, 'open', ?, 0, ?)")
            .execute(arguments: [number, UTCInstant.format(now), start.topic])
        let event = try append(change, session: id, author: author, at: now)
        let consultation = try Consultation(events: [event])
        try AuditSummary.refresh(consultation, db: db, key: key)
        return consultation
    }

    mutating func record(_ change: Change, in id: SessionID, author: String?, reason: String?) throws -> Consultation {
        try Self.checkLinks(of: id, db, key: key)
        var consultation = try Self.consultation(id, db)
        // Instants only go forward in a session (a minute of tolerance for a clock set back).
        if clock.now() < consultation.lastChangedAt.addingTimeInterval(-Self.clockTolerance) {
            throw AccordError(
                .conflict,
                "the clock reads an instant before the last change of session \(id) (\(UTCInstant.format(consultation.lastChangedAt))); check the system clock or ACCORD_NOW (nothing was recorded)."
            )
        }
        try change.validate(today: CalendarDate(utcDayOf: clock.now()))
        if let reason, reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw AccordError.invalid("--reason", "is empty", accepted: "why the record changes, in words")
        }
        try consultation.check(change, reason: reason)
        let event = try append(change, session: id, author: author ?? consultation.start.clinicianID, reason: reason)
        consultation.apply(event)
        if consultation.status == .closed {
            // Kept up to date from the events: the completeness at closing, then after amendments.
            try db.execute(
                sql: "UPDATE session SET completeness = ? WHERE number = ?", arguments: [consultation.completeness.percent, id.number])
        }
        try AuditSummary.refresh(consultation, db: db, key: key)
        return consultation
    }

    /// Appends one event chained to the last one; for a session event, updates the summary row.
    @discardableResult
    mutating func append(
        _ change: Change, session id: SessionID?, author: String, reason: String? = nil, at instant: Date? = nil
    ) throws
        -> RecordedEvent
    {
        let now = instant ?? clock.now()
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
        let content = EventContent(
            sequence: sequence, sessionNumber: id?.number, sessionSequence: sessionSequence, recordedAt: UTCInstant.format(now),
            author: author, kind: change.kind, payload: try payload(change), reason: reason)
        try db.cachedStatement(
            sql: """
                INSERT INTO event (seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                sequence, content.sessionNumber, sessionSequence, content.recordedAt, author, content.kind, content.payload, reason,
                key.link(content, previous: previous),
            ])
        if let id {
            var closing: String?
            if case .sessionClosed = change { closing = content.recordedAt }
            try db.cachedStatement(
                sql: """
                    UPDATE session SET event_count = event_count + 1,
                        status = CASE WHEN ? IS NULL THEN status ELSE 'closed' END,
                        closed_at = COALESCE(?, closed_at)
                    WHERE number = ?
                    """
            ).execute(arguments: [closing, closing, id.number])
        }
        return RecordedEvent(
            sequence: sequence, sessionID: id, sessionSequence: sessionSequence, recordedAt: now, author: author, reason: reason,
            change: change)
    }

    /// The JSON payload of `change` (the same bytes with or without the cache).
    private func payload(_ change: Change) throws -> String {
        if let cached = payloadCache?.payloads[change] { return cached }
        let text = String(decoding: try Self.encoder.encode(change), as: UTF8.self)
        if let payloadCache, payloadCache.payloads.count < PayloadCache.capacity { payloadCache.payloads[change] = text }
        return text
    }

    /// Checks the chain values of one session's events against their predecessors in the log
    /// (a few HMACs): an event of the session edited, or one before it deleted, behind Accord's
    /// back is found before the session is changed or exported. `accord verify` checks the
    /// whole log.
    /// - Throws: `AccordError` (`conflict`) naming the session and the event.
    static func checkLinks(of id: SessionID, _ db: Database, key: ChainKey) throws {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(eventColumns), (SELECT p.chain FROM event p WHERE p.seq = event.seq - 1) AS previous
                    FROM event WHERE session_number = ? ORDER BY session_seq
                    """), arguments: [id.number])
        for (index, row) in rows.enumerated() {
            let content = EventContent(
                sequence: row["seq"], sessionNumber: row["session_number"], sessionSequence: row["session_seq"],
                recordedAt: row["recorded_at"], author: row["author"], kind: row["kind"], payload: row["payload"], reason: row["reason"])
            let sessionSequence: Int = row["session_seq"]
            guard sessionSequence == index + 1, key.link(content, previous: row["previous"] ?? "") == (row["chain"] as String) else {
                throw AccordError(
                    .conflict,
                    "event \(content.sequence) of session \(id) does not match the event chain: the database was changed outside Accord; run `accord verify` (nothing was recorded or exported)."
                )
            }
        }
    }

    // MARK: - Reading

    static let eventColumns = "seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain"

    static func events(of id: SessionID, _ db: Database) throws -> [RecordedEvent] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(eventColumns) FROM event WHERE session_number = ? ORDER BY session_seq", arguments: [id.number])
        return try rows.map(event)
    }

    static func event(_ row: Row) throws -> RecordedEvent {
        let recordedText: String = row["recorded_at"]
        let payload: String = row["payload"]
        let sequence: Int64 = row["seq"]
        let sessionNumber: Int64? = row["session_number"]
        guard let recordedAt = UTCInstant.parse(recordedText),
            let change = try? decoder.decode(Change.self, from: Data(payload.utf8))
        else {
            throw AccordError(
                .conflict, "event \(sequence) cannot be read; the database may have been changed outside Accord (run `accord verify`).")
        }
        return RecordedEvent(
            sequence: sequence, sessionID: sessionNumber.map(SessionID.init(number:)), sessionSequence: row["session_seq"],
            recordedAt: recordedAt, author: row["author"], reason: row["reason"], change: change)
    }

    static func consultation(_ id: SessionID, _ db: Database) throws -> Consultation {
        let events = try events(of: id, db)
        if events.isEmpty { throw StoreErrors.unknownSession(id) }
        return try Consultation(events: events)
    }

    static func centreSettings(_ db: Database) throws -> CentreSettings? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(eventColumns) FROM event WHERE kind = 'centre-settings-changed' ORDER BY seq DESC LIMIT 1")
        else { return nil }
        guard case .centreSettingsChanged(let settings) = try event(row).change else { return nil }
        return settings
    }
}

/// Encoded payloads by change, bounded, for one bulk write.
final class PayloadCache {
    static let capacity = 20_000
    var payloads: [Change: String] = [:]
}
