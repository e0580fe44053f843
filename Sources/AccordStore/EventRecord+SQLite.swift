import GRDB

/// A row of the SQLite `event` table (migration `v1`).
///
/// Rows are read and written through the row and the persistence container directly, not
/// through `Codable`: the event log is the hottest table (a whole-chain check reads every row,
/// a bulk generator writes millions), and these stay at the speed of the hand-written
/// statements they replace. The stored text is the record's text, byte for byte.
extension EventRecord: FetchableRecord, PersistableRecord {
    /// `event`.
    public static let databaseTableName = "event"

    /// The columns of the `event` table, for queries.
    public enum Columns {
        /// `seq`: the place in the log.
        public static let sequence = Column(CodingKeys.sequence)
        /// `session_number`.
        public static let sessionNumber = Column(CodingKeys.sessionNumber)
        /// `session_seq`: the place in the session.
        public static let sessionSequence = Column(CodingKeys.sessionSequence)
        /// `recorded_at`: RFC 3339 UTC text.
        public static let recordedAt = Column(CodingKeys.recordedAt)
        /// `author`.
        public static let author = Column(CodingKeys.author)
        /// `kind`.
        public static let kind = Column(CodingKeys.kind)
        /// `payload`: JSON text.
        public static let payload = Column(CodingKeys.payload)
        /// `reason`.
        public static let reason = Column(CodingKeys.reason)
        /// `chain`: 64 lowercase hex characters.
        public static let chain = Column(CodingKeys.chain)
    }

    /// The statement of ``insertKept(_:kept:)``, made once (its text was made again for each event).
    static let insertSQL = "INSERT INTO event (\(selection)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// Every column, in the table's order: what a hand-written `SELECT` of whole events names.
    /// (Written with a loop: the generic `joined(separator:)` looks up an associated type at run
    /// time, a scan of the binary's protocol conformances in a cold command.)
    static let selection: String = {
        var text = ""
        for key in CodingKeys.allCases {
            if !text.isEmpty { text += ", " }
            text += key.rawValue
        }
        return text
    }()

    /// Every row `statement` gives with `arguments`, read through GRDB's `Row`: GRDB's generic
    /// record fetch makes the Swift runtime look up a protocol conformance on its first use in
    /// a process (a scan of every conformance of the binary, about a thirtieth of a cold
    /// `session show`).
    static func fetchAll(rowsOf statement: Statement, arguments: StatementArguments) throws -> [EventRecord] {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var records: [EventRecord] = []
        while let row = try rows.next() { records.append(EventRecord(row: row)) }
        return records
    }

    /// An SQL expression, true (1) when the row's columns hold values as Accord writes them:
    /// integers (or NULL) stored as SQLite integers, texts as SQLite text without a NUL byte.
    /// A value stored otherwise (a number as a real or a text, a text as a BLOB, bytes after a
    /// NUL) is read back converted or cut, so its link may still match: it was changed outside
    /// Accord all the same. (Invalid UTF-8 is found by `accord verify`, which reads the bytes.)
    static let storedAsWrittenSQL = """
        (typeof(session_number) IN ('integer', 'null') AND typeof(session_seq) IN ('integer', 'null')
         AND typeof(recorded_at) = 'text' AND typeof(author) = 'text' AND typeof(kind) = 'text'
         AND typeof(payload) = 'text' AND typeof(reason) IN ('text', 'null') AND typeof(chain) = 'text'
         AND instr(CAST(recorded_at || author || kind || payload || ifnull(reason, '') || chain AS BLOB), X'00') = 0)
        """

    /// Reads a row holding the `event` columns (other columns, such as a joined `previous`
    /// chain value, are ignored).
    public init(row: Row) {
        self.init(
            sequence: row[CodingKeys.sequence.rawValue], sessionNumber: row[CodingKeys.sessionNumber.rawValue],
            sessionSequence: row[CodingKeys.sessionSequence.rawValue], recordedAt: row[CodingKeys.recordedAt.rawValue],
            author: row[CodingKeys.author.rawValue], kind: row[CodingKeys.kind.rawValue], payload: row[CodingKeys.payload.rawValue],
            reason: row[CodingKeys.reason.rawValue], chain: row[CodingKeys.chain.rawValue])
    }

    /// Reads a row whose first columns are ``selection``, in that order (a hot read: columns
    /// taken by index, not looked up by name).
    init(leadingColumnsOf row: Row) {
        self.init(
            sequence: row[0], sessionNumber: row[1], sessionSequence: row[2], recordedAt: row[3], author: row[4], kind: row[5],
            payload: row[6], reason: row[7], chain: row[8])
    }

    /// Inserts the event with a kept statement (GRDB's record `insert` builds its statement
    /// and reads the row back for each event): every column, in ``selection``'s order.
    /// - Parameter kept: the recorder's kept statements, when it keeps them (else the statement
    ///   is taken from GRDB's cache).
    /// - Throws: the database's error (a sequence or a session sequence already taken).
    func insertKept(_ db: Database, kept: KeptStatements? = nil) throws {
        try (kept?.statement(.event, sql: Self.insertSQL) ?? db.cachedStatement(sql: Self.insertSQL)).execute(in: db) { values in
            values.integer(sequence)
            values.integer(sessionNumber)
            values.integer(sessionSequence)
            values.text(recordedAt)
            values.text(author)
            values.text(kind)
            values.text(payload)
            values.text(reason)
            values.text(chain)
        }
    }

    /// Writes every column (an event is only ever inserted: triggers refuse updates).
    public func encode(to container: inout PersistenceContainer) {
        container[CodingKeys.sequence.rawValue] = sequence
        container[CodingKeys.sessionNumber.rawValue] = sessionNumber
        container[CodingKeys.sessionSequence.rawValue] = sessionSequence
        container[CodingKeys.recordedAt.rawValue] = recordedAt
        container[CodingKeys.author.rawValue] = author
        container[CodingKeys.kind.rawValue] = kind
        container[CodingKeys.payload.rawValue] = payload
        container[CodingKeys.reason.rawValue] = reason
        container[CodingKeys.chain.rawValue] = chain
    }
}
