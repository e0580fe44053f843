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

    /// One argument, a session number: 1 when the session has no seal, or a seal whose values
    /// are stored as Accord writes them (integers, and a tag of text without a NUL byte); 0
    /// for a seal stored otherwise, which a read would convert or cut back to sealed values.
    static let storedAsWrittenSQL = """
        SELECT NOT EXISTS (
            SELECT 1 FROM session_seal WHERE session_number = ?
            AND NOT (typeof(event_count) = 'integer' AND typeof(last_seq) = 'integer' AND typeof(tag) = 'text'
                     AND instr(CAST(tag AS BLOB), X'00') = 0))
        """

    /// The seal of session `number` whose last event (its `eventCount`th) is `lastSequence`
    /// with chain value `lastChain`.
    init(session number: Int64, eventCount: Int, lastSequence: Int64, lastChain: String, key: ChainKey) {
        sessionNumber = number
        self.eventCount = eventCount
        self.lastSequence = lastSequence
        tag = key.seal(session: number, eventCount: eventCount, lastSequence: lastSequence, lastChain: lastChain)
    }
}
