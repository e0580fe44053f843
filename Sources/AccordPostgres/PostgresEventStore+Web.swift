import AccordCore
import AccordStore
import Foundation
import PostgresNIO

extension PostgresEventStore: WebStores {
    // MARK: - The web interface's stores

    /// The web interface's accounts, sign-ins and failure counters, in this database: the same
    /// statements and rules as on SQLite (``AccordStore/WebAccountStore``).
    public var webAccounts: WebAccountStore { WebAccountStore(database: webDatabase) }

    /// The hand-overs of sessions to the patient's screen, in this database.
    public var patientScreens: PatientScreenStore { PatientScreenStore(database: webDatabase) }

    /// The web interface's access log, in this database (append-only: the role may only insert
    /// into `web_access`, and triggers refuse `UPDATE`, `DELETE` and `TRUNCATE`).
    public var accessLog: AccessLogStore { AccessLogStore(database: webDatabase) }

    var webDatabase: PostgresWebDatabase {
        PostgresWebDatabase(link: link, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }
}

/// The web tables of a PostgreSQL database, on the store's connection.
///
/// A write transaction first takes the advisory lock ``webLock`` (waiting at most the busy
/// timeout, then `AccordError` `busy`), so that writers of the web tables on several hosts
/// write one at a time, as SQLite's writers do: the stores' read-then-write steps (a failure
/// counted, an access read numbered) see no concurrent change. Reads run in `REPEATABLE READ
/// READ ONLY` transactions.
struct PostgresWebDatabase: WebDatabase {
    let link: PostgresLink
    let busyTimeoutMilliseconds: Int

    /// The advisory lock of the web tables' writers: the bytes of "accweb" read as an integer
    /// (another lock than the event log's ``PostgresEventStore/appendLock``: a sign-in never
    /// waits for an export).
    static let webLock: Int64 = 0x6163_6377_6562

    func transaction<T>(readOnly: Bool, _ body: (any WebSQL) throws -> T) throws -> T {
        if readOnly { return try link.transaction(readOnly: true) { try body(PostgresWebSQL(link: link)) } }
        return try link.transaction(setUp: [
            "SET LOCAL lock_timeout = '\(busyTimeoutMilliseconds)ms'", "SELECT pg_advisory_xact_lock(\(Self.webLock))",
        ]) { try body(PostgresWebSQL(link: link)) }
    }
}

/// Statements on the store's connection, inside its transaction: `?` numbered `$1`, `$2`…
struct PostgresWebSQL: WebSQL {
    let link: PostgresLink

    var style: SQLParameterStyle { .postgres }

    @discardableResult
    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        let rows = try link.query(SQLParameterStyle.postgres.numbered(sql), values)
        do {
            return try rows.map { row in
                try row.map { cell -> SQLValue in
                    guard cell.bytes != nil else { return .null }
                    switch cell.dataType {
                    case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
                    case .float8, .float4: return .real(try cell.decode(Double.self))
                    default: return .text(try cell.decode(String.self))
                    }
                }
            }
        } catch {
            throw AccordError(.io, "the PostgreSQL server answered a value of the web tables Accord cannot read; nothing was recorded.")
        }
    }
}
