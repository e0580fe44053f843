import GRDB

extension DatabaseWriter {
    /// `write(_:)` for a transaction that records many sessions (a batch of `session import`,
    /// of `audit generate`), with SQLite's sub-journals kept in memory.
    ///
    /// Within a transaction, SQLite copies each page that a savepoint (one consultation of an
    /// import) or a statement that could fail halfway is about to change, so as to roll that
    /// part back alone: its sub-journal. Past 64 KiB a sub-journal is a temporary file (in
    /// `/var/tmp`), written with a system call per page, and a savepoint is tens of pages: in
    /// 2026-12 they made 57,038 of the 77,890 writes of generating 4,000 sessions and 62,000
    /// of the 68,800 of importing 1,000 consultation files (`strace -c`). `PRAGMA temp_store =
    /// MEMORY` keeps them in memory for this transaction (the pages of one savepoint or
    /// statement at a time). The setting is back to its default once the transaction ends,
    /// committed or not, so that other writes keep SQLite's temporary files for what may be
    /// large (the sorts of a migration over a million sessions' events).
    ///
    /// Nothing else changes: the transaction, its commit and what reaches the disk are those of
    /// `write(_:)`; a sub-journal only ever serves a rollback inside the transaction.
    ///
    /// - Throws: what `updates` throws (the transaction is then rolled back), and the
    ///   `DatabaseError` of the pragma, of the transaction or of its commit.
    func writeInBulk<T>(_ updates: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Failing to set it back costs memory in a later large sort, never a record.
            defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
            var result: T?
            try db.inTransaction {
                result = try updates(db)
                return .commit
            }
            return result!
        }
    }
}
