import AccordCore
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

    /// Runs one read-only SELECT over the audit views (`AuditSQL`), on a separate read-only
    /// connection, after summarising sessions recorded before the audit tables existed.
    /// - Throws: `AccordError` (`invalidInput`) when the query is refused; (`io`) without a
    ///   database file.
    public func auditQuery(_ query: String) throws -> AuditQueryResult {
        try store.summariseUnsummarisedSessions()
        guard let path = store.databasePath else {
            throw AccordError(.io, "audit sql needs a database file; give it with --db or ACCORD_DB.")
        }
        return try AuditSQL.run(query, path: path)
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
    public func generateSyntheticSessions(count: Int, seed: UInt64, progress: (Int) -> Void) throws {
        try store.generateSyntheticSessions(count: count, seed: seed, progress: progress)
    }
}
