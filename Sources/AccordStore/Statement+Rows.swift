import GRDB
import GRDBSQLite

/// `<head> (a, b, c) VALUES (?, ?, ?)`: the text of an insert of every column of `columns`,
/// each bound by position (`head`: `INSERT INTO table`, `INSERT OR REPLACE INTO table`). Made
/// once per statement and kept: a text made for each row is hashed again to find the
/// statement in GRDB's cache.
func insertStatementText(_ head: String, columns: [String]) -> String {
    "\(head) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
}

extension Statement {
    /// Runs the statement with `arguments`, calling `body` with SQLite's own statement at each
    /// row, whose columns `body` reads with `sqlite3_column_*`; the statement is reset after.
    ///
    /// For the queries that read a row per session or per event of the record (the current
    /// issued versions, the pages of closed sessions, a session's events): GRDB's generic
    /// decoding of each value cost more than SQLite's work on the row.
    /// - Throws: `DatabaseError` when a step fails; what `body` throws.
    func forEachRow(_ arguments: StatementArguments, in db: Database, _ body: (OpaquePointer) throws -> Void) throws {
        try setArguments(arguments)
        let sqlite = sqliteStatement
        defer { sqlite3_reset(sqlite) }
        while true {
            switch sqlite3_step(sqlite) {
            case SQLITE_ROW: try body(sqlite)
            case SQLITE_DONE: return
            case let code:
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
        }
    }
}

/// The parameters of a kept statement, bound by position straight into SQLite's statement
/// (``GRDB/Statement/execute(in:binding:)``), without GRDB's `StatementArguments`: building
/// those (a `DatabaseValue` for each value, each found by a dynamic cast) took a tenth of a
/// bulk recording's CPU.
struct Bindings {
    fileprivate let sqlite: OpaquePointer
    fileprivate var count: Int32 = 0

    /// Binds the next parameter to an integer, or NULL.
    mutating func integer(_ value: Int64?) {
        count += 1
        if let value { sqlite3_bind_int64(sqlite, count, value) } else { sqlite3_bind_null(sqlite, count) }
    }

    /// Binds the next parameter to an integer, or NULL.
    mutating func integer(_ value: Int?) { integer(value.map(Int64.init)) }

    /// Binds the next parameter to a real, or NULL.
    mutating func real(_ value: Double?) {
        count += 1
        if let value { sqlite3_bind_double(sqlite, count, value) } else { sqlite3_bind_null(sqlite, count) }
    }

    /// Binds the next parameter to a text (its UTF-8 bytes, copied by SQLite), or NULL. An
    /// empty text is bound as an empty text, never as NULL.
    mutating func text(_ value: String?) {
        count += 1
        guard var value else {
            sqlite3_bind_null(sqlite, count)
            return
        }
        let index = count
        _ = value.withUTF8 { utf8 in
            // SQLite reads a null pointer as NULL: an empty text points at a byte of its own.
            if let base = utf8.baseAddress {
                sqlite3_bind_text(sqlite, index, base, Int32(utf8.count), sqliteTransient)
            } else {
                sqlite3_bind_text(sqlite, index, "", 0, sqliteTransient)
            }
        }
    }

    /// Binds the next parameter to a value shared by both stores.
    mutating func value(_ value: StoreValue) {
        switch value {
        case .integer(let integer): self.integer(integer)
        case .text(let text): self.text(text)
        case .real(let real): self.real(real)
        }
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies the bytes before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Runs the statement once (an insert or an update, which gives no row) with its
    /// parameters bound by `bind`, in order, each one of them.
    /// - Throws: `DatabaseError` as GRDB's `execute(arguments:)` throws it (a constraint
    ///   refused, with SQLite's extended code and message).
    func execute(in db: Database, binding bind: (inout Bindings) -> Void) throws {
        let sqlite = sqliteStatement
        sqlite3_reset(sqlite)
        var bindings = Bindings(sqlite: sqlite)
        bind(&bindings)
        precondition(bindings.count == sqlite3_bind_parameter_count(sqlite), "one value for each parameter of \(sql)")
        defer { sqlite3_reset(sqlite) }
        let code = sqlite3_step(sqlite)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
    }
}
