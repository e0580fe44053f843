import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    // MARK: - Participation audit

    /// The participation figures of closed sessions, one row per group.
    ///
    /// The sums are one SQL aggregation over `audit_session` (indexed); the median days from
    /// the RCP meeting to the decision is computed from the streamed column.
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
        let totals = try read { db in try Self.groupTotals(db, from: from, to: to, grouping: grouping) }
        return ParticipationReport(
            rows: totals.map { ParticipationRow($0, suppression: suppression) }, suppression: suppression, grouping: grouping, from: from,
            to: to)
    }

    /// Summarises sessions that have no `audit_session` row yet (recorded before migration
    /// `v2: audit summary`). Does nothing, without writing, when every session has its row.
    public func summariseUnsummarisedSessions() throws {
        let missing = try read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM session) - (SELECT COUNT(*) FROM audit_session)") ?? 0
        }
        guard missing > 0 else { return }
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
            }
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: nil)
        }
        logger.info("summarised sessions for the audit", metadata: ["sessions": "\(missing)"])
    }

    /// The path of the database file, for the read-only connection of `audit sql`; `nil` in memory.
    public var databasePath: String? {
        let path = writer.path
        return path.isEmpty || path == ":memory:" ? nil : path
    }

    static func groupColumn(_ grouping: AuditGrouping) -> String {
        switch grouping {
        case .clinician: "clinician_idnat_ps"
        case .topic: "topic_group"
        case .month: "closed_month"
        case .organisation: "organisation_finess"
        }
    }

    static func groupTotals(_ db: Database, from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping) throws -> [AuditGroupTotals] {
        var filter = "closed = 1"
        var arguments: StatementArguments = []
        if let from {
            filter += " AND closed_day >= ?"
            arguments += [from.description]
        }
        if let to {
            filter += " AND closed_day <= ?"
            arguments += [to.description]
        }
        let group = groupColumn(grouping)
        let roles = ParticipationRow.roleLetters.map { "TOTAL(preferred_role = '\($0)')" }.joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(group) AS grp, COUNT(*), TOTAL(patient_present), TOTAL(relative_present), TOTAL(preferences_count > 0),
                    TOTAL(surveillance_applicable), TOTAL(surveillance_applicable AND surveillance_discussed), TOTAL(trial_offered),
                    \(roles),
                    COUNT(role_concordant), TOTAL(role_concordant),
                    COUNT(collaborate_mean), TOTAL(collaborate_top), TOTAL(collaborate_mean),
                    COUNT(sdm_q9_score), TOTAL(sdm_q9_score), COUNT(option5_score), TOTAL(option5_score),
                    COUNT(sure_positive), TOTAL(sure_positive), TOTAL(decision_outcome = 'deferred'), TOTAL(completeness)
                FROM audit_session WHERE \(filter)
                GROUP BY grp ORDER BY grp
                """, arguments: arguments)
        var result: [AuditGroupTotals] = []
        var index: [String: Int] = [:]
        for row in rows {
            var t = AuditGroupTotals(group: row[0])
            func int(_ i: Int) -> Int { Int((row[i] as Double?) ?? Double((row[i] as Int64?) ?? 0)) }
            func double(_ i: Int) -> Double { row[i] as Double? ?? 0 }
            t.sessions = int(1)
            (t.patientPresent, t.relativePresent, t.preferencesRecorded) = (int(2), int(3), int(4))
            (t.surveillanceApplicable, t.surveillanceDiscussed, t.trialOffered) = (int(5), int(6), int(7))
            for (offset, letter) in ParticipationRow.roleLetters.enumerated() where int(8 + offset) > 0 {
                t.preferredRoles[letter] = int(8 + offset)
            }
            (t.bothRoles, t.concordantRoles) = (int(13), int(14))
            (t.collaborateEncounters, t.collaborateTop, t.collaborateMeanSum) = (int(15), int(16), double(17))
            (t.sdmQ9Count, t.sdmQ9Sum, t.option5Count, t.option5Sum) = (int(18), double(19), int(20), double(21))
            (t.sureCount, t.surePositive, t.deferred, t.completenessSum) = (int(22), int(23), int(24), int(25))
            index[t.group] = result.count
            result.append(t)
        }
        // The medians: the column streamed.
        let cursor = try Row.fetchCursor(
            db,
            sql: "SELECT \(group), days_rcp_to_decision FROM audit_session WHERE \(filter) AND days_rcp_to_decision IS NOT NULL",
            arguments: arguments)
        while let row = try cursor.next() {
            if let position = index[row[0]] { result[position].daysRCPToDecision.append(row[1]) }
        }
        return result
    }
}

extension ConsultationStore {
    /// The same database with another clock, so tests can record sessions on different days.
    package func withClock(_ clock: AccordClock) -> ConsultationStore {
        ConsultationStore(writer: writer, clock: clock, keyURL: keyURL, logger: logger)
    }
}
