import AccordCore
import Foundation
import GRDB

/// A value bound to a statement's parameter, or read from a row: the column types of Accord's
/// schemas (SQLite's INTEGER, TEXT, REAL; PostgreSQL's BIGINT, TEXT, DOUBLE PRECISION) and NULL.
package enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case real(Double)
    case null

    /// An integer, or NULL.
    package static func of(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
    /// An integer, or NULL.
    package static func of(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    /// A text, or NULL.
    package static func of(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    /// A real, or NULL.
    package static func of(_ value: Double?) -> SQLValue { value.map(SQLValue.real) ?? .null }
    /// 1 or 0, or NULL (both schemas keep SQLite's integer flags).
    package static func flag(_ value: Bool?) -> SQLValue { value.map { .integer($0 ? 1 : 0) } ?? .null }

    /// The text, or `nil` for anything else.
    package var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The integer, or `nil` for anything else.
    package var integer: Int64? {
        if case .integer(let integer) = self { return integer }
        return nil
    }
}

/// One transaction on the database that holds the web interface's tables (`web_user`,
/// `web_sign_in`, `web_sign_in_failure`, `web_patient_screen`, `web_access`), reached by SQL.
///
/// The web stores (``WebAccountStore``, ``PatientScreenStore``, ``AccessLogStore``) hold their
/// logic once, as statements both SQLite and PostgreSQL run: parameters are written `?` and
/// numbered by the backend when it needs it (``SQLParameterStyle/numbered(_:)``); where the
/// dialects differ, a statement asks ``style``.
package protocol WebSQL {
    /// The backend's dialect.
    var style: SQLParameterStyle { get }

    /// Runs one statement, its `?` bound to `values` in order, and returns its rows (each
    /// row's values in the order of its select list).
    /// - Throws: `AccordError` (`conflict` for a refused change, `busy`, `io`).
    @discardableResult
    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]]
}

/// The database that holds the web interface's tables: SQLite through GRDB, or PostgreSQL
/// (`AccordPostgres`). Every call of a web store is one ``transaction(readOnly:_:)``.
package protocol WebDatabase: Sendable {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// A write transaction waits for the other writers of the web tables (at most the store's
    /// busy timeout), so that the web stores' read-then-write steps see no concurrent change.
    /// - Throws: `AccordError` (`busy`, `io`…), or what `body` throws.
    func transaction<T>(readOnly: Bool, _ body: (any WebSQL) throws -> T) throws -> T
}

extension WebDatabase {
    /// A write transaction.
    package func write<T>(_ body: (any WebSQL) throws -> T) throws -> T { try transaction(readOnly: false, body) }

    /// A read transaction (one snapshot).
    package func read<T>(_ body: (any WebSQL) throws -> T) throws -> T { try transaction(readOnly: true, body) }
}

/// The stores a web interface needs beside the record: a store of Accord's record that also
/// holds the web interface's accounts, patient's screens and access log in its database.
///
/// ``ConsultationStore`` (SQLite) and `AccordPostgres.PostgresEventStore` (PostgreSQL) conform:
/// the three stores they hand out share one implementation (the same statements and rules on
/// both backends), so `accord serve` and `accord user` behave the same on either.
public protocol WebStores: EventStore {
    /// The web interface's accounts, sign-ins and failure counters, in this store's database.
    var webAccounts: WebAccountStore { get }
    /// The hand-overs of sessions to the patient's screen, in this store's database.
    var patientScreens: PatientScreenStore { get }
    /// The web interface's access log, in this store's database.
    var accessLog: AccessLogStore { get }
}

extension SQLParameterStyle {
    /// `sql` with each `?` replaced by this style's parameter numbered in turn (`?` stays `?`
    /// for SQLite, becomes `$1`, `$2`… for PostgreSQL). The web stores' statements hold no `?`
    /// inside a string literal.
    package func numbered(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        var result = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += self(number)
            } else {
                result.append(character)
            }
        }
        return result
    }
}

// MARK: - SQLite

/// The web tables of an SQLite database (``ConsultationStore``'s): each transaction one GRDB
/// write (waiting for the other writers up to the busy timeout) or read.
struct SQLiteWebDatabase: WebDatabase {
    let writer: any DatabaseWriter

    func transaction<T>(readOnly: Bool, _ body: (any WebSQL) throws -> T) throws -> T {
        if readOnly { return try StoreErrors.read(writer) { db in try body(SQLiteWebSQL(db: db)) } }
        return try StoreErrors.write(writer) { db in try body(SQLiteWebSQL(db: db)) }
    }
}

/// Statements on one GRDB connection, inside its transaction.
struct SQLiteWebSQL: WebSQL {
    let db: Database

    var style: SQLParameterStyle { .sqlite }

    @discardableResult
    func query(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        let arguments = StatementArguments(
            values.map { value -> DatabaseValue in
                switch value {
                case .integer(let integer): integer.databaseValue
                case .text(let text): text.databaseValue
                case .real(let real): real.databaseValue
                case .null: .null
                }
            })
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            row.databaseValues.map { value -> SQLValue in
                switch value.storage {
                case .null: .null
                case .int64(let integer): .integer(integer)
                case .double(let real): .real(real)
                case .string(let text): .text(text)
                case .blob(let data): .text(String(decoding: data, as: UTF8.self))
                }
            }
        }
    }
}
