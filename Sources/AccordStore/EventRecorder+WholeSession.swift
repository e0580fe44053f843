import AccordCore
import Foundation
import GRDB

/// Where the log ends and which session number comes next, as one write transaction has left
/// them: read once, then carried from one whole session to the next (``EventRecorder/recordWhole(_:startedAt:changes:author:)``).
package struct LogTail: Sendable {
    /// The sequence of the log's last event (0: none).
    package var sequence: Int64
    /// The chain value of the log's last event (empty: none).
    package var chain: String
    /// The number the next session takes.
    package var nextSession: Int64

    package init(sequence: Int64, chain: String, nextSession: Int64) {
        self.sequence = sequence
        self.chain = chain
        self.nextSession = nextSession
    }
}

extension EventRecorder {
    /// Records a whole session: its start, then each change, as ``startSession(_:author:)``
    /// followed by ``record(_:in:author:reason:precondition:)`` for each change would, in the
    /// same bytes, but checked in memory and written once.
    ///
    /// Every change is admitted (``admit(_:to:reason:clock:)``) against the state the earlier
    /// ones make, at its own instant, before anything is written. Then the projections are
    /// written once (``Projection/applyWhole(_:eventCount:kept:)``), then the events (each chained
    /// to the one before, the chain carried in memory from the log's last event, with one
    /// prepared statement) and the session's seal. The caller runs
    /// ``finishWholeSessions()`` after the last session of its transaction.
    ///
    /// - Parameters:
    ///   - start: the session's start.
    ///   - startedAt: the start event's instant (UTC).
    ///   - changes: the changes in order, each with its instant (UTC).
    ///   - author: who records every event (IdNat_PS).
    /// - Returns: the session's state after its last event.
    /// - Throws: the first `AccordError` a check throws (`invalidInput`, `conflict`,
    ///   `notFound`), naming "the consultation" rather than a session that was never created,
    ///   before anything is written; database errors.
    mutating func recordWhole(
        _ start: SessionStart, startedAt: Date, changes: [(at: Date, change: Change)], author: String
    ) throws -> Consultation {
        let tail = try tail ?? readTail()
        let id = SessionID(number: tail.nextSession)
        let (consultation, events) = try Self.admitWhole(
            start, as: id, after: tail.sequence, startedAt: startedAt, changes: changes, author: author)

        for projection in projections { try projection.applyWhole(consultation, eventCount: events.count, kept: kept) }
        var chain = tail.chain
        for event in events {
            var record = EventRecord(
                sequence: event.sequence, sessionNumber: id.number, sessionSequence: event.sessionSequence,
                recordedAt: UTCInstant.format(event.recordedAt), author: author, kind: event.change.kind,
                payload: try payload(event.change),
                reason: nil, chain: "")
            record.chain = key.link(record.content, previous: chain)
            try record.insertKept(db, kept: kept)
            chain = record.chain
        }
        let last = tail.sequence + Int64(events.count)
        try SessionSealRecord(session: id.number, eventCount: events.count, lastSequence: last, lastChain: chain, key: key)
            .replaceKept(db, kept: kept)
        self.tail = LogTail(sequence: last, chain: chain, nextSession: id.number + 1)
        if firstWholeSession == nil { firstWholeSession = id.number }
        return consultation
    }

    /// A whole session checked in memory, before anything is written: its start validated,
    /// then each change admitted (``admit(_:to:reason:clock:)``) against the state the earlier
    /// ones make, at its own instant. Shared by the SQLite and PostgreSQL recorders.
    /// - Parameters:
    ///   - start: the session's start.
    ///   - id: the number the session takes.
    ///   - sequence: the sequence of the log's last event (0: none).
    ///   - startedAt: the start event's instant (UTC).
    ///   - changes: the changes in order, each with its instant (UTC).
    ///   - author: who records every event (IdNat_PS).
    /// - Returns: the session's state after its last event, and its events in order.
    /// - Throws: the first `AccordError` a check throws (`invalidInput`, `conflict`,
    ///   `notFound`), naming "the consultation" rather than a session that was never created.
    package static func admitWhole(
        _ start: SessionStart, as id: SessionID, after sequence: Int64, startedAt: Date, changes: [(at: Date, change: Change)],
        author: String
    ) throws -> (consultation: Consultation, events: [RecordedEvent]) {
        try Change.sessionStarted(start).validate(today: CalendarDate(utcDayOf: startedAt))
        var events: [RecordedEvent] = []
        events.reserveCapacity(changes.count + 1)
        func next(_ change: Change, at instant: Date) -> RecordedEvent {
            RecordedEvent(
                sequence: sequence + Int64(events.count) + 1, sessionID: id, sessionSequence: events.count + 1,
                recordedAt: instant, author: author, reason: nil, change: change)
        }
        events.append(next(.sessionStarted(start), at: startedAt))
        var consultation = try Consultation(events: events)
        for (instant, change) in changes {
            do {
                try admit(change, to: consultation, reason: nil, clock: .fixed(at: instant))
            } catch let error as AccordError {
                throw AccordError(
                    error.code, error.message.replacingOccurrences(of: "session \(id) ", with: "the consultation "), field: error.field)
            }
            let event = next(change, at: instant)
            consultation.apply(event)
            events.append(event)
        }
        return (consultation, events)
    }

    /// Completes the projections of the sessions recorded whole in this transaction
    /// (``Projection/finishWhole(sessions:db:)``); call once after the last of them, before
    /// the transaction commits.
    /// - Throws: database errors.
    mutating func finishWholeSessions() throws {
        guard let first = firstWholeSession, let tail, tail.nextSession > first else { return }
        for projection in projections { try projection.finishWhole(sessions: first...(tail.nextSession - 1), db: db) }
        firstWholeSession = nil
    }

    /// The log's last event and the next session number, read in this transaction: the next
    /// number after every session the summary or the events know (the summary is a cache: rows
    /// deleted behind Accord's back must not give a number out again).
    func readTail() throws -> LogTail {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, chain FROM event ORDER BY seq DESC LIMIT 1"))
        let number =
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: "SELECT MAX(n) FROM (SELECT MAX(number) AS n FROM session UNION ALL SELECT MAX(session_number) FROM event)"))
            ?? 0
        return LogTail(sequence: last?["seq"] ?? 0, chain: last?["chain"] ?? "", nextSession: number + 1)
    }
}
