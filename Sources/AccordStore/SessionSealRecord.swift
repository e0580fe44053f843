import GRDB

/// A row of the SQLite `session_seal` table (migration `v4`): a session's count of events and
/// last event, sealed with the chain key (``ChainKey/seal(session:eventCount:lastSequence:lastChain:)``).
struct SessionSealRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "session_seal"

    var sessionNumber: Int64
    var eventCount: Int
    /// The sequence of the session's last event.
    var lastSequence: Int64
    /// 64 lowercase hex characters.
    var tag: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sessionNumber = "session_number", eventCount = "event_count", lastSequence = "last_seq", tag
    }

    /// A session's seal as read before its events are trusted (``read(_:session:)``).
    enum Read: Equatable {
        /// The session has no seal (recorded before seals existed, or not yet sealed).
        case none
        /// The seal's values, stored as Accord writes them.
        case sealed(eventCount: Int, lastSequence: Int64, tag: String)
        /// A value of the seal is stored as Accord never writes it (a count or sequence stored
        /// as a real or text, a tag as a BLOB or with a NUL byte), which a read would convert or
        /// cut back to sealed values: the seal was changed outside Accord.
        case storedOtherwise
    }

    /// One argument, a session number: the seal's count, last sequence and tag, and whether
    /// they are stored as Accord writes them (integers, and a tag of text without a NUL byte).
    static let checkedSelectionSQL = """
        SELECT event_count, last_seq, tag,
            typeof(event_count) = 'integer' AND typeof(last_seq) = 'integer' AND typeof(tag) = 'text'
                AND instr(CAST(tag AS BLOB), X'00') = 0 AS as_written
        FROM session_seal WHERE session_number = ?
        """

    /// The seal of session `number`, read with a kept statement, its storage checked before
    /// any value is converted.
    /// - Throws: a database error.
    static func read(_ db: Database, session number: Int64) throws -> Read {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: checkedSelectionSQL), arguments: [number]) else { return .none }
        guard row[3] as Bool? == true, let count = Int.fromDatabaseValue(row[0]), let last = Int64.fromDatabaseValue(row[1]),
            let tag = String.fromDatabaseValue(row[2])
        else { return .storedOtherwise }
        return .sealed(eventCount: count, lastSequence: last, tag: tag)
    }

    /// The statement of ``replaceKept(_:kept:)``.
    private static let replaceSQL = "INSERT OR REPLACE INTO session_seal (session_number, event_count, last_seq, tag) VALUES (?, ?, ?, ?)"

    /// Writes the seal in place of the session's earlier one, with a kept statement (as
    /// `insert(db, onConflict: .replace)` did, without building the statement each time).
    /// - Parameter kept: the recorder's kept statements, when it keeps them.
    /// - Throws: the database's error.
    func replaceKept(_ db: Database, kept: KeptStatements? = nil) throws {
        try (kept?.statement(.seal, sql: Self.replaceSQL) ?? db.cachedStatement(sql: Self.replaceSQL))
            .execute(in: db) { values in
                values.integer(sessionNumber)
                values.integer(eventCount)
                values.integer(lastSequence)
                values.text(tag)
            }
    }

    /// The seal of session `number` whose last event (its `eventCount`th) is `lastSequence`
    /// with chain value `lastChain`.
    init(session number: Int64, eventCount: Int, lastSequence: Int64, lastChain: String, key: ChainKey) {
        sessionNumber = number
        self.eventCount = eventCount
        self.lastSequence = lastSequence
        tag = key.seal(session: number, eventCount: eventCount, lastSequence: lastSequence, lastChain: lastChain)
    }
}
