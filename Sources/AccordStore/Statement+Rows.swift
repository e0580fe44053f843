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
