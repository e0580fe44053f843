import GRDB

/// The statements a transaction that records whole sessions runs for each of its sessions and
/// events, each taken once from GRDB's statement cache and then kept by the recorder
/// (``EventRecorder/recordWhole(_:startedAt:changes:author:)``): the cache finds a statement
/// by hashing its whole SQL text at every use, about 2 % of the instructions of recording many
/// sessions (`audit generate`, `session import`).
///
/// A kept statement is the one GRDB's cache held when it was first asked for (SQLite prepares
/// it again by itself if the schema changes): each use resets it and binds every parameter
/// again (``GRDB/Statement/execute(in:binding:)``), so another user of the cached statement
/// in between leaves nothing behind. It lives as long as its recorder, inside one write
/// transaction on ``db``; a recorder that writes one event at a time never asks for one.
final class KeptStatements {
    /// What a kept statement writes.
    enum Kept: Int, CaseIterable {
        case event, seal, session, auditSession, auditOption, auditInstrument
    }

    /// The write transaction's connection.
    let db: Database
    private var statements: [Statement?] = Array(repeating: nil, count: Kept.allCases.count)

    init(_ db: Database) { self.db = db }

    /// The statement that writes `kept`, whose text is `sql` (always the same for one `kept`).
    /// - Throws: the database's error when the statement cannot be prepared.
    func statement(_ kept: Kept, sql: String) throws -> Statement {
        if let statement = statements[kept.rawValue] {
            assert(statement.sql == sql, "one text for each kept statement")
            return statement
        }
        let statement = try db.cachedStatement(sql: sql)
        statements[kept.rawValue] = statement
        return statement
    }
}
