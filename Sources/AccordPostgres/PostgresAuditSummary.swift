import AccordCore
import AccordStore
import Foundation

/// The audit's summary tables on PostgreSQL (`audit_session`, `audit_option`,
/// `audit_instrument`) and the participation cells that follow `audit_session`, rewritten
/// from the session's state in the transaction of every session event, as
/// ``AccordStore/AuditSummary`` does on SQLite: the same rows (``AccordStore/AuditSummary/Rows``)
/// and the same cell statements (``AccordStore/AuditCells/postgres``).
enum PostgresAuditSummary {
    /// Rewrites the summary rows of `consultation` from its current state, the participation
    /// cells following (the old row's contribution out, the new one's in).
    ///
    /// Called inside the write transaction of every session event, after the event is applied.
    /// - Throws: `AccordError` when the server fails (``PostgresErrors``).
    static func refresh(_ consultation: Consultation, link: PostgresLink, key: ChainKey) throws {
        let rows = try AuditSummary.Rows(consultation, key: key) { try PostgresRecorder.centreSettings(link)?.settings.finess }
        let number = SQLValue.integer(rows.sessionNumber)
        try cells(of: number, sign: -1, link)
        try link.query(AuditCells.postgres.deleteEmpty, [number])
        try link.query(AuditCells.postgres.deleteEmptyDays, [number])
        let columns = AuditSummary.Rows.sessionColumns
        try link.query(
            """
            INSERT INTO audit_session (\(columns.joined(separator: ", "))) VALUES (\(placeholders(columns.count)))
            ON CONFLICT (session_number) DO UPDATE SET \(columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """, rows.session.map(PostgresEventStore.value))
        try cells(of: number, sign: 1, link)
        try link.query("DELETE FROM audit_option WHERE session_number = $1", [number])
        try insert(rows.options, into: "audit_option", columns: AuditSummary.Rows.optionColumns, link)
        try link.query("DELETE FROM audit_instrument WHERE session_number = $1", [number])
        try insert(rows.instruments, into: "audit_instrument", columns: AuditSummary.Rows.instrumentColumns, link)
    }

    /// Writes the summary rows of a session recorded whole (none before it) in one statement,
    /// without the participation cells (``PostgresRecorder/finishWholeSessions()`` adds them
    /// for the whole batch).
    /// - Throws: `AccordError` when the server fails (``PostgresErrors``).
    static func insertWhole(_ consultation: Consultation, link: PostgresLink, key: ChainKey) throws {
        let rows = try AuditSummary.Rows(consultation, key: key) { try PostgresRecorder.centreSettings(link)?.settings.finess }
        var statement = JoinedStatement(link: link)
        for (table, columns, list) in [
            ("audit_session", AuditSummary.Rows.sessionColumns, [rows.session]),
            ("audit_option", AuditSummary.Rows.optionColumns, rows.options),
            ("audit_instrument", AuditSummary.Rows.instrumentColumns, rows.instruments),
        ] where !list.isEmpty {
            try statement.insert(
                into: table, columns: columns.joined(separator: ", "), rows: list.count,
                list.flatMap { $0.map(PostgresEventStore.value) })
        }
        try statement.send()
    }

    /// Inserts `rows` into `table` in one statement (none for no row; more past the values one
    /// statement may hold).
    private static func insert(_ rows: [[StoreValue]], into table: String, columns: [String], _ link: PostgresLink) throws {
        guard !rows.isEmpty else { return }
        var statement = JoinedStatement(link: link)
        try statement.insert(
            into: table, columns: columns.joined(separator: ", "), rows: rows.count, rows.flatMap { $0.map(PostgresEventStore.value) })
        try statement.send()
    }

    /// Adds (`sign` 1) or removes (-1) the contribution of the session's `audit_session` row
    /// to the cells (nothing if it is not closed or has no row).
    private static func cells(of number: SQLValue, sign: Int64, _ link: PostgresLink) throws {
        try link.query(AuditCells.postgres.upsert, [number, .integer(sign)])
        try link.query(AuditCells.postgres.upsertDays, [number, .integer(sign)])
    }

    /// `$1, $2, … $count`.
    private static func placeholders(_ count: Int) -> String {
        (1...count).map { SQLParameterStyle.postgres($0) }.joined(separator: ", ")
    }
}
