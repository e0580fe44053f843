import AccordCore
import AccordStore
import Foundation
import PostgresNIO

extension PostgresEventStore {
    /// Runs one `SELECT` over the audit views on the server, as `accord_auditor`: inside
    /// `BEGIN READ ONLY`, after `SET LOCAL ROLE accord_auditor` and `SET LOCAL
    /// statement_timeout`, so that the server's privileges enforce what `accord audit sql`
    /// allows (the statement is checked first by the caller, as on SQLite).
    ///
    /// Values come back as on SQLite: integers (BIGINT, INTEGER, SMALLINT, BOOLEAN as 1 or 0,
    /// NUMERIC without fraction) as integers, DOUBLE PRECISION and other NUMERIC as reals, text
    /// as text. A result with no row still has its column names (the server's row description).
    ///
    /// - Parameters:
    ///   - query: one SQL statement (not checked here).
    ///   - timeout: how long the query may run, in seconds.
    ///   - maximumRows: the most rows a result may have.
    ///   - maximumBytes: about the most bytes a result may hold in memory.
    /// - Returns: the columns and rows.
    /// - Throws: `AccordError` (`invalidInput`, field `QUERY`) when the server refuses the query
    ///   (a table other than the audit views: permission denied), when it fails, runs longer
    ///   than `timeout` or exceeds a limit; (`io`) when the server cannot be reached.
    package func auditQuery(
        _ query: String, timeout: TimeInterval = 30, maximumRows: Int = AuditSQL.defaultMaximumRows,
        maximumBytes: Int = AuditSQL.maximumResultBytes
    ) throws -> AuditSQL.Result {
        let collector = AuditRows(maximumRows: maximumRows, maximumBytes: maximumBytes)
        try link.transaction(
            readOnly: true,
            setUp: ["SET LOCAL ROLE \(PostgresSchema.auditorRole)", "SET LOCAL statement_timeout = '\(Int(timeout * 1000))ms'"]
        ) {
            do {
                try Self.run(query, on: link, into: collector)
            } catch let error as AccordError {
                throw error
            } catch {
                switch PostgresErrors.sqlState(error) {
                case "42501":
                    throw AccordError(
                        .invalidInput,
                        "the PostgreSQL server refused the query: the role \(PostgresSchema.auditorRole) may read only the audit views audit_sessions, audit_options, audit_instruments (permission denied).",
                        field: "QUERY")
                case "57014":
                    throw AccordError(
                        .invalidInput, "the query ran longer than \(Int(timeout)) s and was stopped; narrow it.", field: "QUERY")
                case let state?:
                    let message = (error as? PSQLError)?.serverInfo?[.message] ?? ""
                    throw AccordError(.invalidInput, "the query failed (SQLSTATE \(state): \(message)).", field: "QUERY")
                case nil:
                    throw PostgresErrors.map(error, location: location, connecting: false)
                }
            }
        }
        return collector.result
    }

    /// Runs `query` through postgres-nio's row sequence, whose row description gives the column
    /// names before the first row (the future-based call gives rows only), waiting for it on
    /// this thread as the rest of the store does.
    private static func run(_ query: String, on link: PostgresLink, into collector: AuditRows) throws {
        let outcome = AuditOutcome()
        let done = DispatchSemaphore(value: 0)
        let connection = link.connection
        let logger = link.logger
        Task {
            do {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: query), logger: logger)
                collector.setColumns(rows.columns.map(\.name))
                for try await row in rows { try collector.add(row) }
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// The error an audit query's task ended on, handed to the waiting thread.
private final class AuditOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    var error: Error? { lock.withLock { stored } }

    func set(_ error: Error) { lock.withLock { stored = error } }
}

/// The rows of an audit query as they arrive (on the connection's event loop).
private final class AuditRows: @unchecked Sendable {
    private let lock = NSLock()
    private let maximumRows: Int
    private let maximumBytes: Int
    private var columns: [String] = []
    private var rows: [[AuditSQL.Value]] = []
    private var bytes = 0

    init(maximumRows: Int, maximumBytes: Int) {
        self.maximumRows = maximumRows
        self.maximumBytes = maximumBytes
    }

    var result: AuditSQL.Result { lock.withLock { AuditSQL.Result(serverColumns: columns, rows: rows) } }

    func setColumns(_ names: [String]) { lock.withLock { columns = names } }

    func add(_ row: PostgresRow) throws {
        try lock.withLock {
            if rows.count == maximumRows || bytes > maximumBytes {
                throw AccordError(
                    .invalidInput,
                    "the result has more than \(maximumRows) rows or \(maximumBytes / 1_000_000) MB; aggregate (GROUP BY) or narrow it (WHERE, LIMIT).",
                    field: "QUERY")
            }
            var values: [AuditSQL.Value] = []
            for cell in row {
                let value = try Self.value(cell)
                switch value {
                case .text(let text), .blob(let text): bytes += 16 + text.utf8.count
                default: bytes += 16
                }
                values.append(value)
            }
            rows.append(values)
        }
    }

    private static func value(_ cell: PostgresCell) throws -> AuditSQL.Value {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .numeric:
                let number = try cell.decode(Decimal.self)
                var rounded = Decimal()
                var copy = number
                NSDecimalRound(&rounded, &copy, 0, .plain)
                if rounded == number, let integer = Int64(exactly: NSDecimalNumber(decimal: number).doubleValue) {
                    return .integer(integer)
                }
                return .real(NSDecimalNumber(decimal: number).doubleValue)
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            throw AccordError(
                .invalidInput,
                "the column \(cell.columnName) has a type audit sql cannot show (PostgreSQL type \(cell.dataType.rawValue)); cast it to text.",
                field: "QUERY")
        }
    }
}
