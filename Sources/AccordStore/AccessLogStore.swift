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

/// The web interface's access log, in the same SQLite database as the record but outside its
/// event chain: who read which patient's record through the web, and when.
///
/// Every method is one transaction. Only the web interface logs reads: the command line's
/// reads are not logged (it is run by administrators on the server, under the system's own
/// accounts and controls, not by clinicians through the interface).
public struct AccessLogStore: Sendable {
    let writer: any DatabaseWriter

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
        try write { db in
            for session in sessions {
                try WebAccessRecord(at: at, idnatPS: idnatPS, session: session, page: page).insert(db)
            }
        }
    }

    /// The logged reads the filter selects, oldest first.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func reads(_ filter: AccessLogFilter = AccessLogFilter()) throws -> [WebAccessRecord] {
        try read { db in try Self.filtered(filter).order(WebAccessRecord.CodingKeys.id).fetchAll(db) }
    }

    /// Counts the reads the filter selects: in total, by clinician (by IdNat_PS) and by session
    /// (by number), in one read transaction.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func counts(_ filter: AccessLogFilter) throws -> AccessLogCounts {
        try read { db in
            let selected = Self.filtered(filter)
            let total = try selected.fetchCount(db)
            let clinicians = try selected.select(WebAccessRecord.CodingKeys.idnatPS, count(SQL("*")))
                .group(WebAccessRecord.CodingKeys.idnatPS).order(WebAccessRecord.CodingKeys.idnatPS).asRequest(of: Row.self)
                .fetchAll(db)
            let sessions = try selected.select(WebAccessRecord.CodingKeys.sessionNumber, count(SQL("*")))
                .group(WebAccessRecord.CodingKeys.sessionNumber).order(WebAccessRecord.CodingKeys.sessionNumber)
                .asRequest(of: Row.self).fetchAll(db)
            return AccessLogCounts(
                total: total,
                byClinician: clinicians.map { AccessLogCounts.ByClinician(idnatPS: $0[0], reads: $0[1]) },
                bySession: sessions.map { AccessLogCounts.BySession(session: SessionID(number: $0[0]), reads: $0[1]) })
        }
    }

    // MARK: - Transactions

    /// The request of the reads `filter` selects. Instants are stored in one fixed shape, so
    /// their first ten characters are their UTC day.
    static func filtered(_ filter: AccessLogFilter) -> QueryInterfaceRequest<WebAccessRecord> {
        var request = WebAccessRecord.all()
        let day = SQL("substr(\(WebAccessRecord.CodingKeys.at), 1, 10)")
        if let since = filter.since { request = request.filter(day >= since.description) }
        if let until = filter.until { request = request.filter(day <= until.description) }
        if let session = filter.session { request = request.filter(WebAccessRecord.CodingKeys.sessionNumber == session.number) }
        if let idnatPS = filter.idnatPS { request = request.filter(WebAccessRecord.CodingKeys.idnatPS == idnatPS) }
        return request
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T { try StoreErrors.write(writer, body) }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try StoreErrors.read(writer, body) }
}

extension ConsultationStore {
    /// The web interface's access log, in this store's database.
    public var accessLog: AccessLogStore { AccessLogStore(writer: writer) }
}

extension WebAccountStore {
    /// The access log of the same database (the web server reaches it through its accounts).
    public var accessLog: AccessLogStore { AccessLogStore(writer: writer) }
}
