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
    /// written. Then the session's summary row, its events (each chained to the one before,
    /// the chain carried in memory from the log's last event) and its seal are written in one
    /// statement, and its audit rows in another, whatever the number of events (step by
    /// step, each event read the session back and wrote its projections: about twenty
    /// statements an event). ``tail`` carries the log's end to the next session of the
    /// transaction; a caller that rolls a session back to a savepoint puts back the tail it
    /// had before, and runs ``finishWholeSessions()`` after the last session.
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

        // The summary row, the events and the seal in one statement (one round trip; more for
        // a session of thousands of events).
        var statement = JoinedStatement(link: link)
        try statement.insert(
            into: "session", columns: Self.summaryColumns, rows: 1,
            Self.summaryValues(SessionRecord(consultation, eventCount: events.count)))
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
        try statement.insert(into: "event", columns: Self.eventColumns, rows: events.count, values)
        let last = tail.sequence + Int64(events.count)
        try statement.add([
            .integer(id.number), .of(events.count), .integer(last),
            .text(key.seal(session: id.number, eventCount: events.count, lastSequence: last, lastChain: chain)),
        ]) { p in
            """
            INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)))
            ON CONFLICT (session_number) DO UPDATE
            SET event_count = excluded.event_count, last_seq = excluded.last_seq, tag = excluded.tag
            """
        }
        try statement.send()
        // The audit rows in another (the participation cells once for the batch).
        try PostgresAuditSummary.insertWhole(consultation, link: link, key: key)
        self.tail = LogTail(sequence: last, chain: chain, nextSession: id.number + 1)
        if firstWholeSession == nil { firstWholeSession = id.number }
        return id
    }

    /// Adds the participation cells of the sessions recorded whole in this transaction, two
    /// statements for them all; call once after the last of them, before the transaction
    /// commits (a session rolled back to its savepoint gave its number to the next one, so the
    /// numbers are those of the sessions recorded).
    mutating func finishWholeSessions() throws {
        guard let first = firstWholeSession, let tail, tail.nextSession > first else { return }
        let range: [SQLValue] = [.integer(first), .integer(tail.nextSession - 1)]
        try link.query(AuditCells.postgres.addRange, range)
        try link.query(AuditCells.postgres.addRangeDays, range)
        firstWholeSession = nil
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

    /// `($1, $2, …), ($k, …), …`: `rows` lists of `columns` placeholders, numbered in order
    /// (`placeholder(n)` writes the `n`th; the first is 1).
    static func valueLists(
        rows: Int, columns: Int, placeholder: (Int) -> String = { SQLParameterStyle.postgres($0) }
    ) -> String {
        (0..<rows).map { row in
            "(" + (1...columns).map { placeholder(row * columns + $0) }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }
}

/// Statements sent as one (one round trip to the server): each but the last a part of its
/// `WITH`, all run on the same snapshot (none may read what another writes), their
/// placeholders numbered on from one to the next. A statement that would hold more values
/// than PostgreSQL takes (65,535) is sent before the next part is added, and the rows of one
/// insert are split into parts below that; the parts keep their order, so a row is written
/// after the rows it refers to.
struct JoinedStatement {
    /// The most values one statement holds (PostgreSQL's limit is 65,535).
    static let maximumValues = 60_000

    let link: PostgresLink
    private var parts: [String] = []
    private var values: [SQLValue] = []

    init(link: PostgresLink) { self.link = link }

    /// Adds a statement with `values`; `sql` writes it given how to write its `n`th
    /// placeholder (its first is 1). - Throws: what sending the parts before throws.
    mutating func add(_ values: [SQLValue], _ sql: (_ placeholder: (Int) -> String) -> String) throws {
        if !parts.isEmpty && self.values.count + values.count > Self.maximumValues { try send() }
        let offset = self.values.count
        parts.append(sql { SQLParameterStyle.postgres(offset + $0) })
        self.values += values
    }

    /// Adds the insert of `rows` rows of `columns` (comma-separated) into `table`, their
    /// `values` row after row, in as many parts as the limit needs.
    mutating func insert(into table: String, columns: String, rows: Int, _ values: [SQLValue]) throws {
        let width = values.count / max(rows, 1)
        let perPart = Self.maximumValues / max(width, 1)
        for first in stride(from: 0, to: rows, by: perPart) {
            let count = min(perPart, rows - first)
            try add(Array(values[(first * width)..<((first + count) * width)])) { p in
                "INSERT INTO \(table) (\(columns)) VALUES \(PostgresRecorder.valueLists(rows: count, columns: width, placeholder: p))"
            }
        }
    }

    /// Sends what was added (`WITH p0 AS (…), p1 AS (…) last`, or the only statement), if
    /// anything. - Throws: `AccordError` when the server fails (``PostgresErrors``).
    mutating func send() throws {
        guard let last = parts.last else { return }
        let with = parts.dropLast().enumerated().map { "p\($0.offset) AS (\($0.element))" }
        try link.query(with.isEmpty ? last : "WITH " + with.joined(separator: ", ") + "\n" + last, values)
        parts = []
        values = []
    }
}
