import AccordCore

extension AuditSQL.Result {
    /// A result read from another engine than SQLite's (`audit sql` on PostgreSQL): its
    /// column names and rows, rendered as SQLite's are.
    package init(serverColumns columns: [String], rows: [[AuditSQL.Value]]) {
        self.init(columns: columns, rows: rows)
    }
}
