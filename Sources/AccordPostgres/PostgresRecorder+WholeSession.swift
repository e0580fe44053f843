import AccordCore
import AccordStore
import Foundation

extension PostgresRecorder {
    /// Records a whole session: its start, then each change, as ``startSession(_:author:)``
    /// followed by ``record(_:in:author:reason:precondition:)`` for each change would, in the
    /// same rows, but checked in memory and written once, as AccordStore's `EventRecorder`
    /// does on SQLite.
    ///
    /// Every change is admitted against the state the earlier ones make before anything is
    /// written. Then the session's summary row, its events (one statement, each chained to
    /// the one before, the chain carried in memory from the log's last event), its seal and
    /// its audit summary are written, about ten statements whatever the number of events
    /// (step by step, each event read the session back and wrote its projections: about
    /// twenty statements an event). ``tail`` carries the log's end to the next session of the
    /// transaction; a caller that rolls a session back to a savepoint puts back the tail it
    /// had before.
    ///
    /// - Parameters:
    ///   - start: the session's start.
    ///   - startedAt: every event's instant (UTC).
    ///   - changes: the changes, in order.
    ///   - author: who records every event (IdNat_PS).
    /// - Returns: the new session's id.
    /// - Throws: the first `AccordError` a check throws (`invalidInput`, `conflict`,
    ///   `notFound`), naming "the consultation" rather than a session that was never created,
    ///   before anything is written; `busy` or `io` when the server fails.
    mutating func recordWhole(_ start: SessionStart, startedAt: Date, changes: [Change], author: String) throws -> SessionID {
        let tail = try tail ?? readTail()
        let id = SessionID(number: tail.nextSession)
        let (consultation, events) = try EventRecorder.admitWhole(
            start, as: id, after: tail.sequence, startedAt: startedAt, changes: changes.map { (at: startedAt, change: $0) },
            author: author)

        try writeSummary(SessionRecord(consultation, eventCount: events.count), insertOnly: true)
        var chain = tail.chain
        var values: [SQLValue] = []
        values.reserveCapacity(events.count * 9)
        let instant = UTCInstant.format(startedAt)
        for event in events {
            var record = EventRecord(
                sequence: event.sequence, sessionNumber: id.number, sessionSequence: event.sessionSequence, recordedAt: instant,
                author: author, kind: event.change.kind, payload: try EventPayload.encode(event.change), reason: nil, chain: "")
            record.chain = key.link(record.content, previous: chain)
            chain = record.chain
            values += [
                .integer(record.sequence), .of(record.sessionNumber), .of(record.sessionSequence), .text(record.recordedAt),
                .text(record.author), .text(record.kind), .text(record.payload), .null, .text(record.chain),
            ]
        }
        try link.query(
            "INSERT INTO event (\(Self.eventColumns)) VALUES \(Self.valueLists(rows: events.count, columns: 9))", values)
        let last = tail.sequence + Int64(events.count)
        try link.query(
            """
            INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES ($1, $2, $3, $4)
            ON CONFLICT (session_number) DO UPDATE
            SET event_count = excluded.event_count, last_seq = excluded.last_seq, tag = excluded.tag
            """,
            [
                .integer(id.number), .of(events.count), .integer(last),
                .text(key.seal(session: id.number, eventCount: events.count, lastSequence: last, lastChain: chain)),
            ])
        try PostgresAuditSummary.refresh(consultation, link: link, key: key, new: true)
        self.tail = LogTail(sequence: last, chain: chain, nextSession: id.number + 1)
        return id
    }

    /// The log's last event and the next session number, read in this transaction: the next
    /// number after every session the summary or the events know.
    func readTail() throws -> LogTail {
        let last = try link.query("SELECT seq, chain FROM event ORDER BY seq DESC LIMIT 1").first
        let number =
            try link.query("SELECT GREATEST((SELECT MAX(number) FROM session), (SELECT MAX(session_number) FROM event)) AS n").first?
            .integer("n") ?? 0
        return LogTail(sequence: try last?.integer("seq") ?? 0, chain: try last?.text("chain") ?? "", nextSession: number + 1)
    }

    /// `($1, $2, …), ($k, …), …`: `rows` lists of `columns` placeholders, numbered in order.
    static func valueLists(rows: Int, columns: Int) -> String {
        (0..<rows).map { row in
            "(" + (1...columns).map { SQLParameterStyle.postgres(row * columns + $0) }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }
}
