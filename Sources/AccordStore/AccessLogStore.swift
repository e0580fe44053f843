import AccordCore
import Foundation
import GRDB

/// One read of a patient's record through the web interface: one row of `web_access`.
///
/// The access log lives beside the record, outside the clinical event chain (never chained or
/// exported), and is append-only: the database's triggers refuse to change or delete a row.
/// It holds no name, no patient identifier and no free text: an instant, the reader's IdNat_PS,
/// the session number and a fixed word for the page.
public struct WebAccessRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "web_access"

    /// The row's number, in the order reads were logged (`nil` before it is inserted).
    public var id: Int64?
    /// When the page was read (UTC instant, `2026-03-02T09:30:00Z`).
    public var at: String
    /// The IdNat_PS of the clinician who read it.
    public var idnatPS: String
    /// The number of the session read (`12` for `S12`).
    public var sessionNumber: Int64
    /// What was read, a fixed word of the web interface (`consultation`, `history`, `today`…).
    public var page: String

    /// The columns of `web_access`, in the table's order.
    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case id
        case at
        case idnatPS = "idnat_ps"
        case sessionNumber = "session_number"
        case page
    }

    /// A read of `session` by `idnatPS` at the instant `at`, on `page`.
    public init(at: Date, idnatPS: String, session: SessionID, page: String) {
        self.id = nil
        self.at = UTCInstant.format(at)
        self.idnatPS = idnatPS
        self.sessionNumber = session.number
        self.page = page
    }

    /// The session read.
    public var session: SessionID { SessionID(number: sessionNumber) }
}

/// Which reads of the access log an audit counts; every criterion given must hold.
public struct AccessLogFilter: Sendable, Hashable {
    /// The first UTC day counted (inclusive), or `nil` for no lower bound.
    public var since: CalendarDate?
    /// The last UTC day counted (inclusive), or `nil` for no upper bound.
    public var until: CalendarDate?
    /// Only reads of this session, or `nil` for every session.
    public var session: SessionID?
    /// Only reads by this IdNat_PS, or `nil` for every clinician.
    public var idnatPS: String?

    /// A filter; with no argument it counts every read.
    public init(since: CalendarDate? = nil, until: CalendarDate? = nil, session: SessionID? = nil, idnatPS: String? = nil) {
        self.since = since
        self.until = until
        self.session = session
        self.idnatPS = idnatPS
    }
}

/// The counts of an access audit: reads in total, by clinician and by session.
public struct AccessLogCounts: Sendable, Hashable {
    /// Reads by one clinician.
    public struct ByClinician: Sendable, Hashable, Codable {
        /// The clinician's IdNat_PS.
        public var idnatPS: String
        /// The number of reads.
        public var reads: Int

        /// `reads` reads by `idnatPS`.
        public init(idnatPS: String, reads: Int) {
            self.idnatPS = idnatPS
            self.reads = reads
        }
    }

    /// Reads of one session.
    public struct BySession: Sendable, Hashable, Codable {
        /// The session read.
        public var session: SessionID
        /// The number of reads.
        public var reads: Int

        /// `reads` reads of `session`.
        public init(session: SessionID, reads: Int) {
            self.session = session
            self.reads = reads
        }
    }

    /// Every read counted.
    public var total: Int
    /// Reads by clinician, by IdNat_PS.
    public var byClinician: [ByClinician]
    /// Reads by session, by session number.
    public var bySession: [BySession]
}

/// The web interface's access log, in the same database as the record (SQLite or
/// PostgreSQL) but outside its event chain: who read which patient's record through the web,
/// and when.
///
/// Every method is one transaction, with the same statements on both backends
/// (``WebDatabase``). Rows are numbered 1, 2, 3… in the order they are logged (each the
/// largest number so far plus one, writers waiting for each other), on both backends. Only
/// the web interface logs reads: the command line's reads are not logged (it is run by
/// administrators on the server, under the system's own accounts and controls, not by
/// clinicians through the interface).
public struct AccessLogStore: Sendable {
    let database: any WebDatabase

    /// The access log of `database`.
    package init(database: any WebDatabase) { self.database = database }

    /// Logs that the clinician `idnatPS` read each of `sessions` at `at`, in one transaction
    /// (nothing is logged for an empty list).
    /// - Parameters:
    ///   - sessions: the sessions read (the list of today's sessions logs each one it shows).
    ///   - idnatPS: the reader's IdNat_PS.
    ///   - page: what was read, a fixed word (`consultation`, `history`, `today`…).
    ///   - at: the instant of the read (stored as a UTC instant, whole seconds).
    /// - Throws: `AccordError` (`busy`, `io`) when the log cannot be written.
    public func record(sessions: [SessionID], by idnatPS: String, page: String, at: Date) throws {
        guard !sessions.isEmpty else { return }
        try database.write { sql in
            // PostgreSQL's identity column is not used: the number is the same rule as SQLite's
            // INTEGER PRIMARY KEY, so that a copied log goes on numbering where it was.
            let overriding = sql.style == .postgres ? " OVERRIDING SYSTEM VALUE" : ""
            for session in sessions {
                let read = WebAccessRecord(at: at, idnatPS: idnatPS, session: session, page: page)
                try sql.query(
                    """
                    INSERT INTO web_access (\(WebAccessRecord.columns))\(overriding)
                    SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ? FROM web_access
                    """, [.text(read.at), .text(read.idnatPS), .integer(read.sessionNumber), .text(read.page)])
            }
        }
    }

    /// The logged reads the filter selects, oldest first.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func reads(_ filter: AccessLogFilter = AccessLogFilter()) throws -> [WebAccessRecord] {
        try database.read { sql in try Self.reads(sql, filter) }
    }

    /// Counts the reads the filter selects: in total, by clinician (by IdNat_PS) and by session
    /// (by number), in one read transaction.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func counts(_ filter: AccessLogFilter) throws -> AccessLogCounts {
        try database.read { sql in
            let (selection, values) = Self.selection(filter)
            let total = try sql.query("SELECT COUNT(*) FROM web_access WHERE \(selection)", values).first?.first?.integer ?? 0
            let clinicians = try sql.query(
                "SELECT idnat_ps, COUNT(*) FROM web_access WHERE \(selection) GROUP BY idnat_ps ORDER BY idnat_ps", values)
            let sessions = try sql.query(
                "SELECT session_number, COUNT(*) FROM web_access WHERE \(selection) GROUP BY session_number ORDER BY session_number",
                values)
            return AccessLogCounts(
                total: Int(total),
                byClinician: clinicians.map { AccessLogCounts.ByClinician(idnatPS: $0[0].text ?? "", reads: Int($0[1].integer ?? 0)) },
                bySession: sessions.map {
                    AccessLogCounts.BySession(session: SessionID(number: $0[0].integer ?? 0), reads: Int($0[1].integer ?? 0))
                })
        }
    }

    // MARK: - Statements

    /// The reads `filter` selects, oldest first (`accord db copy` carries them all).
    package static func reads(_ sql: any WebSQL, _ filter: AccessLogFilter = AccessLogFilter()) throws -> [WebAccessRecord] {
        let (selection, values) = Self.selection(filter)
        return try sql.query("SELECT \(WebAccessRecord.columns) FROM web_access WHERE \(selection) ORDER BY id", values).map(
            WebAccessRecord.init(row:))
    }

    /// The `WHERE` condition of the reads `filter` selects, and its values. Instants are stored
    /// in one fixed shape, so their first ten characters are their UTC day.
    static func selection(_ filter: AccessLogFilter) -> (String, [SQLValue]) {
        var conditions = ["1 = 1"]
        var values: [SQLValue] = []
        if let since = filter.since {
            conditions.append("substr(at, 1, 10) >= ?")
            values.append(.text(since.description))
        }
        if let until = filter.until {
            conditions.append("substr(at, 1, 10) <= ?")
            values.append(.text(until.description))
        }
        if let session = filter.session {
            conditions.append("session_number = ?")
            values.append(.integer(session.number))
        }
        if let idnatPS = filter.idnatPS {
            conditions.append("idnat_ps = ?")
            values.append(.text(idnatPS))
        }
        return (conditions.joined(separator: " AND "), values)
    }
}

extension WebAccessRecord {
    /// The columns of `web_access`, in the table's order, for a statement.
    package static let columns = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// A read from a row of ``columns``.
    package init(row: [SQLValue]) {
        self.id = row[0].integer
        self.at = row[1].text ?? ""
        self.idnatPS = row[2].text ?? ""
        self.sessionNumber = row[3].integer ?? 0
        self.page = row[4].text ?? ""
    }
}

extension ConsultationStore {
    /// The web interface's access log, in this store's database.
    public var accessLog: AccessLogStore { AccessLogStore(database: SQLiteWebDatabase(writer: writer)) }
}

extension WebAccountStore {
    /// The access log of the same database (the web server reaches it through its accounts).
    public var accessLog: AccessLogStore { AccessLogStore(database: database) }
}
