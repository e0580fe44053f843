import AccordCore
import AccordPostgres
import AccordStore
import AccordXML
import Foundation

/// The result of `audit sql`: column names and rows of text, rendered as a table, CSV or JSON.
public typealias AuditQueryResult = AuditSQL.Result

extension AccordService {
    /// The participation audit, grouped as asked, over sessions closed in `from…to` (UTC days,
    /// both optional); groups of fewer than 5 sessions suppressed unless `suppression` is false.
    /// - Throws: `AccordError` (`io`) when the database fails.
    public func participation(
        from: CalendarDate? = nil, to: CalendarDate? = nil, by grouping: AuditGrouping, suppression: Bool = true
    ) throws -> ParticipationReport {
        try store.participation(from: from, to: to, by: grouping, suppression: suppression)
    }

    /// Runs one read-only SELECT over the audit views (`AuditSQL`).
    ///
    /// On SQLite, on a separate read-only connection to the database file, after summarising
    /// sessions recorded before the audit tables existed. On PostgreSQL, the same statement
    /// check first (SQLite's, on an empty database with the same views), then the query on the
    /// server as `accord_auditor` inside `BEGIN READ ONLY`, with the same time limit (30 s) and
    /// row and size limits, so that the server's privileges enforce what the check allows.
    /// - Throws: `AccordError` (`invalidInput`) when the query is refused or fails; (`io`)
    ///   without a database file, or on a store that is neither.
    public func auditQuery(_ query: String) throws -> AuditQueryResult {
        if let postgres = store as? PostgresEventStore {
            try Self.checkAuditQuery(query)
            return try postgres.auditQuery(query)
        }
        guard let sqlite = store as? ConsultationStore else {
            throw AccordError(
                .io, "audit sql runs over an SQLite database file or a PostgreSQL database; this record is kept in another store.")
        }
        try sqlite.summariseUnsummarisedSessions()
        guard let path = sqlite.databasePath else {
            throw AccordError(.io, "audit sql needs a database file; give it with --db or ACCORD_DB.")
        }
        return try AuditSQL.run(query, path: path)
    }

    /// Checks `query` as `audit sql` does on SQLite (``AccordStore/AuditSQL``), on an empty
    /// database holding the audit views, in a private temporary folder removed afterwards.
    /// - Throws: `AccordError` (`invalidInput`) when the query is refused; (`io`) when the
    ///   temporary database cannot be made.
    static func checkAuditQuery(_ query: String) throws {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("accord-audit-check-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AccordError(.io, "audit sql cannot make its temporary check database in the temporary folder; check TMPDIR.")
        }
        defer { try? manager.removeItem(at: folder) }
        let path = folder.appendingPathComponent("check.sqlite").path
        _ = try ConsultationStore.open(
            path: path, clock: .fixed(at: Date(timeIntervalSince1970: 0)), keyFile: folder.appendingPathComponent("unused.key").path)
        _ = try AuditSQL.run(query, path: path, timeout: 5)
    }

    /// Writes the participation audit as one self-contained HTML page (table and charts by
    /// month) to `url`, privately (mode 0600).
    /// - Returns: how many groups the table holds.
    /// - Throws: `AccordError` (`io`) when the file cannot be written.
    public func writeParticipationReport(
        from: CalendarDate?, to: CalendarDate?, by grouping: AuditGrouping, suppression: Bool, to url: URL
    ) throws -> Int {
        let table = try participation(from: from, to: to, by: grouping, suppression: suppression)
        let months = grouping == .month ? table : try participation(from: from, to: to, by: .month, suppression: suppression)
        let html = AuditReport.html(table: table, months: months, generatedAt: clock.now())
        try OutputFile.writePrivately(Data(html.utf8), to: url, what: "the participation report")
        return table.rows.count
    }

    /// Generates synthetic sessions into an empty or synthetic-only database (for benchmarks).
    ///
    /// The bulk writer is the SQLite store's (``AccordStore/ConsultationStore``); another store
    /// is refused.
    /// - Throws: `AccordError` (`conflict`) when the database holds real sessions; (`io`) on
    ///   another store than SQLite.
    public func generateSyntheticSessions(count: Int, seed: UInt64, progress: (Int) -> Void) throws {
        guard let sqlite = store as? ConsultationStore else {
            throw AccordError(.io, "synthetic sessions are generated into an SQLite database file; this record is kept in another store.")
        }
        try sqlite.generateSyntheticSessions(count: count, seed: seed, progress: progress)
    }
}
