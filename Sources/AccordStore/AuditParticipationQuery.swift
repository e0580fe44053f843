import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    // MARK: - Participation audit

    /// The participation figures of closed sessions, one row per group.
    ///
    /// The sums are read from the pre-aggregated cells (`audit_cell` and `audit_cell_days`: whole months, and days at
    /// the edges of the period), so the time grows with the number of groups and months, not of
    /// sessions; the median days from the RCP meeting to the decision from the cells'
    /// distribution of days.
    ///
    /// - Parameters:
    ///   - from: the first closing day included (UTC), or `nil`.
    ///   - to: the last closing day included (UTC), or `nil`.
    ///   - grouping: how sessions are grouped.
    ///   - suppression: `false` to show groups of fewer than 5 sessions.
    /// - Returns: the rows ordered by group.
    /// - Throws: `AccordError` (`io`) when the database fails or the chain key is missing while
    ///   sessions recorded before the audit tables existed still need their summary.
    public func participation(
        from: CalendarDate? = nil, to: CalendarDate? = nil, by grouping: AuditGrouping, suppression: Bool = true
    ) throws -> ParticipationReport {
        try summariseUnsummarisedSessions()
        let totals = try read { db in try AuditCells.totals(db, from: from, to: to, grouping: grouping) }
        return ParticipationReport(totals: totals, suppression: suppression, grouping: grouping, from: from, to: to)
    }

    /// Summarises sessions that have no `audit_session` row yet (recorded before migration
    /// `v2: audit summary`). Once every session has its row, the metadata key
    /// `audit_summary_complete` says so and this costs one lookup (sessions recorded since always
    /// get their row in their own transaction).
    /// - Throws: `AccordError` (`io`) when rows are missing and the chain key is missing.
    public func summariseUnsummarisedSessions() throws {
        let missing = try read { db -> Int in
            if try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [Self.summaryCompleteKey]) == "1" {
                return 0
            }
            return try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM session) - (SELECT COUNT(*) FROM audit_session)") ?? 0
        }
        guard missing > 0 else { return }
        if writer.configuration.readonly {
            throw AccordError(
                .io,
                "\(missing) session\(missing == 1 ? " was" : "s were") recorded before the audit tables existed and must be summarised once by a user who may write the database (run this audit command as that user); this user may only read it."
            )
        }
        guard let key = try ChainKey.load(keyURL) else {
            throw AccordError(
                .io,
                "the chain key of this database is missing, and the audit needs it to pseudonymise sessions recorded before the audit tables existed; restore the key file or set \(ChainKey.environmentVariable)."
            )
        }
        do {
            try writer.write { db in
                let numbers = try Int64.fetchAll(
                    db, sql: "SELECT number FROM session WHERE number NOT IN (SELECT session_number FROM audit_session) ORDER BY number")
                for number in numbers {
                    try AuditSummary.refresh(try EventRecorder.consultation(SessionID(number: number), db), db: db, key: key)
                }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, '1')", arguments: [Self.summaryCompleteKey])
            }
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: nil)
        }
        logger.info("summarised sessions for the audit", metadata: ["sessions": "\(missing)"])
    }

    /// The metadata key set once every session has its `audit_session` row.
    package static let summaryCompleteKey = "audit_summary_complete"

    /// The path of the database file, for the read-only connection of `audit sql`; `nil` in memory.
    public var databasePath: String? {
        let path = writer.path
        return path.isEmpty || path == ":memory:" ? nil : path
    }

    /// The totals as the cells give them and as the session rows give them (for tests: they
    /// must be equal).
    /// Each summarised session's measures (``AuditCells/measures``, in their order) both
    /// ways: by their SQL on its `audit_session` row, and in Swift from the facts of its
    /// events (what a session recorded whole adds to the cells); tests compare them.
    package func measuresBothWays() throws -> [(session: Int64, sql: [Int64], facts: [Int64])] {
        try read { db in
            let expressions = AuditCells.measures.map { "CAST(\($0.expression) AS BIGINT)" }.joined(separator: ", ")
            return try Row.fetchAll(db, sql: "SELECT session_number, \(expressions) FROM audit_session s ORDER BY session_number").map {
                row in
                let number: Int64 = row[0]
                let facts = AuditFacts(try EventRecorder.consultation(SessionID(number: number), db))
                return (number, (1...AuditCells.measures.count).map { row[$0] as Int64 }, AuditCells.measures.map { $0.value(facts) })
            }
        }
    }

    package func participationTotalsBothWays(
        from: CalendarDate? = nil, to: CalendarDate? = nil, by grouping: AuditGrouping
    ) throws -> (cells: [AuditGroupTotals], sessions: [AuditGroupTotals]) {
        try read { db in
            (
                try AuditCells.totals(db, from: from, to: to, grouping: grouping),
                try AuditCells.totalsFromSessions(db, from: from, to: to, grouping: grouping)
            )
        }
    }
}

extension ConsultationStore {
    /// The same database with another clock, so tests can record sessions on different days.
    package func withClock(_ clock: AccordClock) -> ConsultationStore {
        ConsultationStore(writer: writer, clock: clock, keyURL: keyURL, logger: logger, temporaryKey: temporaryKey)
    }
}
