import AccordCore
import Foundation
import GRDB

/// The participation audit's pre-aggregated counts, kept up to date from `audit_session`.
///
/// A *cell* holds the sums of the closed sessions that share one grouping value (clinician,
/// topic, month or organisation) and one closing period, at two grains: the UTC month
/// (`YYYY-MM`) and the UTC day (`YYYY-MM-DD`). `audit_cell_days` holds, per cell, how many of
/// those sessions took each number of days from the tumour board meeting to the decision (the
/// median needs the distribution, not a sum).
///
/// Every write to `audit_session` is framed by ``subtract(session:_:)`` (the old row's
/// contribution, if it was closed) and ``add(session:_:)`` (the new row's), in the same
/// transaction, so the cells are always the sums of the rows. A query over a period reads whole
/// months from month cells and the days at the edges from day cells: its cost follows the
/// number of groups and months, not the number of sessions.
///
/// Every measure is an integer: counts of sessions, the completeness percentages' sum, and
/// score sums in **ninths of a point** (every audited score is a whole number of ninths:
/// CollaboRATE is a mean of 3 items, SDM-Q-9 a sum × 20/9, OPTION-5 a sum × 5), so adding and
/// subtracting never drifts and figures are rounded once, exactly.
enum AuditCells {
    /// One summed measure: its column and its value for one `audit_session` row `s`.
    struct Measure {
        var column: String
        var expression: String
    }

    /// The measures in the order of ``AuditGroupTotals/init(group:measures:)``.
    static let measures: [Measure] = {
        var list = [
            Measure(column: "sessions", expression: "1"),
            Measure(column: "patient_present", expression: "s.patient_present"),
            Measure(column: "relative_present", expression: "s.relative_present"),
            Measure(column: "preferences_recorded", expression: "s.preferences_count > 0"),
            Measure(column: "surveillance_applicable", expression: "s.surveillance_applicable"),
            Measure(column: "surveillance_discussed", expression: "s.surveillance_applicable AND s.surveillance_discussed"),
            Measure(column: "trial_offered", expression: "s.trial_offered"),
        ]
        for letter in ParticipationRow.roleLetters {
            list.append(Measure(column: "preferred_role_\(letter.lowercased())", expression: "COALESCE(s.preferred_role = '\(letter)', 0)"))
        }
        list += [
            Measure(column: "both_roles", expression: "s.role_concordant IS NOT NULL"),
            Measure(column: "concordant_roles", expression: "COALESCE(s.role_concordant, 0)"),
            Measure(column: "collaborate_encounters", expression: "s.collaborate_mean IS NOT NULL"),
            Measure(column: "collaborate_top", expression: "COALESCE(s.collaborate_top, 0)"),
            Measure(column: "collaborate_ninths", expression: ninths("s.collaborate_mean")),
            Measure(column: "sdm_q9_count", expression: "s.sdm_q9_score IS NOT NULL"),
            Measure(column: "sdm_q9_ninths", expression: ninths("s.sdm_q9_score")),
            Measure(column: "option5_count", expression: "s.option5_score IS NOT NULL"),
            Measure(column: "option5_ninths", expression: ninths("s.option5_score")),
            Measure(column: "sure_count", expression: "s.sure_positive IS NOT NULL"),
            Measure(column: "sure_positive", expression: "COALESCE(s.sure_positive, 0)"),
            Measure(column: "deferred", expression: "s.decision_outcome = 'deferred'"),
            Measure(column: "completeness_sum", expression: "s.completeness"),
        ]
        return list
    }()

    private static func ninths(_ column: String) -> String { "COALESCE(CAST(ROUND(\(column) * 9) AS INTEGER), 0)" }

    /// The eight (dimension, grain) pairs every closed session counts in, as a CTE `d`.
    private static let dimensions: String = {
        let pairs = AuditGrouping.allCases.flatMap { grouping in ["month", "day"].map { "('\(grouping.rawValue)', '\($0)')" } }
        return "d(dimension, grain) AS (VALUES \(pairs.joined(separator: ", ")))"
    }()

    /// The cell key of session row `s` for dimension row `d`.
    private static let keyColumns = """
        d.dimension, d.grain,
        CASE d.grain WHEN 'month' THEN s.closed_month ELSE s.closed_day END,
        CASE d.dimension WHEN 'clinician' THEN s.clinician_idnat_ps WHEN 'topic' THEN s.topic_group
            WHEN 'month' THEN s.closed_month ELSE s.organisation_finess END
        """

    // MARK: - Keeping the cells up to date

    private static let upsertSQL: String = {
        let values = measures.map { "?2 * (\($0.expression))" }.joined(separator: ", ")
        let updates = measures.map { "\($0.column) = \($0.column) + excluded.\($0.column)" }.joined(separator: ", ")
        return """
            WITH \(dimensions)
            INSERT INTO audit_cell (dimension, grain, period, group_value, \(measures.map(\.column).joined(separator: ", ")))
            SELECT \(keyColumns), \(values)
            FROM audit_session s, d WHERE s.session_number = ?1 AND s.closed = 1
            ON CONFLICT (dimension, grain, period, group_value) DO UPDATE SET \(updates)
            """
    }()

    private static let upsertDaysSQL = """
        WITH \(dimensions)
        INSERT INTO audit_cell_days (dimension, grain, period, group_value, days, sessions)
        SELECT \(keyColumns), s.days_rcp_to_decision, ?2
        FROM audit_session s, d WHERE s.session_number = ?1 AND s.closed = 1 AND s.days_rcp_to_decision IS NOT NULL
        ON CONFLICT (dimension, grain, period, group_value, days) DO UPDATE SET sessions = sessions + excluded.sessions
        """

    private static func deleteEmptySQL(_ table: String) -> String {
        """
        WITH \(dimensions)
        DELETE FROM \(table) WHERE sessions = 0 AND (dimension, grain, period, group_value) IN (
            SELECT \(keyColumns) FROM audit_session s, d WHERE s.session_number = ?1 AND s.closed = 1)
        """
    }

    /// Adds the contribution of the session's `audit_session` row (nothing if it is not closed).
    static func add(session number: Int64, _ db: Database) throws {
        try apply(number, sign: 1, db)
    }

    /// Removes the contribution of the session's `audit_session` row (nothing if it is not
    /// closed or has no row), and the cells it leaves empty. Call before the row changes.
    static func subtract(session number: Int64, _ db: Database) throws {
        try apply(number, sign: -1, db)
        try db.cachedStatement(sql: deleteEmptySQL("audit_cell")).execute(arguments: [number])
        try db.cachedStatement(sql: deleteEmptySQL("audit_cell_days")).execute(arguments: [number])
    }

    private static func apply(_ number: Int64, sign: Int, _ db: Database) throws {
        try db.cachedStatement(sql: upsertSQL).execute(arguments: [number, sign])
        try db.cachedStatement(sql: upsertDaysSQL).execute(arguments: [number, sign])
    }

    // MARK: - Reading

    /// The totals per group of closed sessions whose closing day is in `from...to` (each bound
    /// optional), from the cells: whole months from month cells, the edges from day cells.
    static func totals(_ db: Database, from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping) throws -> [AuditGroupTotals] {
        let sums = measures.map { "SUM(\($0.column))" }.joined(separator: ", ")
        var totals: [String: AuditGroupTotals] = [:]
        for span in PeriodSpan.spans(from: from, to: to) {
            let arguments: StatementArguments = [grouping.rawValue, span.grain, span.lower, span.upper]
            let range = "dimension = ? AND grain = ? AND period BETWEEN ? AND ?"
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT group_value, \(sums) FROM audit_cell WHERE \(range) GROUP BY group_value"),
                arguments: arguments)
            while let row = try rows.next() {
                let group: String = row[0]
                let measures = (1...measures.count).map { row[$0] as Int64 }
                totals[group, default: AuditGroupTotals(group: group)].add(measures: measures)
            }
            let days = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT group_value, days, SUM(sessions) FROM audit_cell_days WHERE \(range) GROUP BY group_value, days"),
                arguments: arguments)
            while let row = try days.next() {
                totals[row[0], default: AuditGroupTotals(group: row[0])].daysRCPToDecision[row[1], default: 0] += row[2]
            }
        }
        return totals.values.sorted { $0.group < $1.group }
    }

    /// The same totals computed from the session rows, without the cells: what the cells must
    /// always equal (tests compare both after every kind of change).
    static func totalsFromSessions(
        _ db: Database, from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping
    ) throws -> [AuditGroupTotals] {
        var filter = "s.closed = 1"
        var arguments: StatementArguments = []
        if let from {
            filter += " AND s.closed_day >= ?"
            arguments += [from.description]
        }
        if let to {
            filter += " AND s.closed_day <= ?"
            arguments += [to.description]
        }
        let group = ConsultationStore.groupColumn(grouping)
        let sums = measures.map { "SUM(\($0.expression))" }.joined(separator: ", ")
        var totals: [String: AuditGroupTotals] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT s.\(group), \(sums) FROM audit_session s WHERE \(filter) GROUP BY 1", arguments: arguments)
        {
            let group: String = row[0]
            totals[group, default: AuditGroupTotals(group: group)].add(measures: (1...measures.count).map { row[$0] as Int64 })
        }
        for row in try Row.fetchAll(
            db,
            sql: "SELECT s.\(group), s.days_rcp_to_decision FROM audit_session s WHERE \(filter) AND s.days_rcp_to_decision IS NOT NULL",
            arguments: arguments)
        {
            totals[row[0], default: AuditGroupTotals(group: row[0])].daysRCPToDecision[row[1], default: 0] += 1
        }
        return totals.values.sorted { $0.group < $1.group }
    }
}

/// A range of closing periods read from one grain of cells.
package struct PeriodSpan: Equatable, Sendable {
    /// `month` or `day`.
    package var grain: String
    /// The first and last periods included (`YYYY-MM` or `YYYY-MM-DD`; `0000…`/`9999…` when open).
    package var lower: String
    package var upper: String

    package init(grain: String, lower: String, upper: String) {
        (self.grain, self.lower, self.upper) = (grain, lower, upper)
    }

    /// The spans that cover the closing days `from...to` exactly once: the whole months inside
    /// from month cells, the days before the first whole month and after the last from day cells.
    package static func spans(from: CalendarDate?, to: CalendarDate?) -> [PeriodSpan] {
        func month(_ year: Int, _ month: Int) -> String { String(format: "%04d-%02d", year, month) }
        func last(_ date: CalendarDate) -> Int { CalendarDate.daysIn(month: date.month, year: date.year) }
        // The same month, not whole: its days only.
        if let from, let to, from.year == to.year, from.month == to.month, from.day != 1 || to.day != last(to) {
            return [PeriodSpan(grain: "day", lower: from.description, upper: to.description)]
        }
        var spans: [PeriodSpan] = []
        var firstMonth = "0000-00"
        var lastMonth = "9999-99"
        if let from {
            firstMonth = month(from.year, from.month)
            if from.day != 1 {
                spans.append(
                    PeriodSpan(
                        grain: "day", lower: from.description, upper: month(from.year, from.month) + String(format: "-%02d", last(from))))
                firstMonth = from.month == 12 ? month(from.year + 1, 1) : month(from.year, from.month + 1)
            }
        }
        if let to {
            lastMonth = month(to.year, to.month)
            if to.day != last(to) {
                spans.append(PeriodSpan(grain: "day", lower: month(to.year, to.month) + "-01", upper: to.description))
                lastMonth = to.month == 1 ? month(to.year - 1, 12) : month(to.year, to.month - 1)
            }
        }
        if firstMonth <= lastMonth { spans.append(PeriodSpan(grain: "month", lower: firstMonth, upper: lastMonth)) }
        return spans
    }
}

extension AuditGroupTotals {
    /// Adds sums in the order of ``AuditCells/measures``.
    mutating func add(measures m: [Int64]) {
        precondition(m.count == AuditCells.measures.count, "one sum per measure")
        let v = m.map { Int($0) }
        sessions += v[0]
        (patientPresent, relativePresent, preferencesRecorded) = (patientPresent + v[1], relativePresent + v[2], preferencesRecorded + v[3])
        (surveillanceApplicable, surveillanceDiscussed, trialOffered) =
            (surveillanceApplicable + v[4], surveillanceDiscussed + v[5], trialOffered + v[6])
        for (offset, letter) in ParticipationRow.roleLetters.enumerated() where v[7 + offset] != 0 {
            preferredRoles[letter, default: 0] += v[7 + offset]
        }
        (bothRoles, concordantRoles) = (bothRoles + v[12], concordantRoles + v[13])
        (collaborateEncounters, collaborateTop, collaborateNinths) =
            (collaborateEncounters + v[14], collaborateTop + v[15], collaborateNinths + v[16])
        (sdmQ9Count, sdmQ9Ninths, option5Count, option5Ninths) = (
            sdmQ9Count + v[17], sdmQ9Ninths + v[18], option5Count + v[19], option5Ninths + v[20]
        )
        (sureCount, surePositive, deferred, completenessSum) = (
            sureCount + v[21], surePositive + v[22], deferred + v[23], completenessSum + v[24]
        )
    }
}
