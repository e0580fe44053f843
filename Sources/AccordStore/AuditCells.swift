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
package enum AuditCells {
    /// One summed measure: its column, its value for one `audit_session` row `s` in SQL, and
    /// the same value computed from the facts the row is written from.
    ///
    /// Every expression is an integer on SQLite and on PostgreSQL alike (a comparison is
    /// written `CASE WHEN … THEN 1 ELSE 0 END`, never used as a number). `value` gives what
    /// `expression` gives on the row written from the same facts (tests compare both on every
    /// row of their datasets): the sessions recorded whole are added to the cells from it.
    package struct Measure: Sendable {
        package var column: String
        package var expression: String
        var value: @Sendable (AuditFacts) -> Int64
    }

    /// The measures in the order of ``AuditGroupTotals/init(group:measures:)``.
    package static let measures: [Measure] = {
        var list = [
            Measure(column: "sessions", expression: "1") { _ in 1 },
            Measure(column: "patient_present", expression: "s.patient_present") { flag($0.patientPresent) },
            Measure(column: "relative_present", expression: "s.relative_present") { flag($0.relativePresent) },
            Measure(column: "preferences_recorded", expression: whether("s.preferences_count > 0")) { flag($0.preferencesCount > 0) },
            Measure(column: "surveillance_applicable", expression: "s.surveillance_applicable") { flag($0.surveillanceApplicable) },
            Measure(
                column: "surveillance_discussed", expression: whether("s.surveillance_applicable <> 0 AND s.surveillance_discussed <> 0")
            ) { flag($0.surveillanceApplicable && $0.surveillanceDiscussed) },
            Measure(column: "trial_offered", expression: "s.trial_offered") { flag($0.trialOffered) },
        ]
        for letter in ParticipationRow.roleLetters {
            list.append(
                Measure(column: "preferred_role_\(letter.lowercased())", expression: whether("s.preferred_role = '\(letter)'")) {
                    flag($0.preferredRole == letter)
                })
        }
        list += [
            Measure(column: "both_roles", expression: whether("s.role_concordant IS NOT NULL")) { flag($0.roleConcordant != nil) },
            Measure(column: "concordant_roles", expression: "COALESCE(s.role_concordant, 0)") { flag($0.roleConcordant == true) },
            Measure(column: "collaborate_encounters", expression: whether("s.collaborate_mean IS NOT NULL")) {
                flag($0.collaborateMean != nil)
            },
            Measure(column: "collaborate_top", expression: "COALESCE(s.collaborate_top, 0)") { flag($0.collaborateTop == true) },
            Measure(column: "collaborate_ninths", expression: ninths("s.collaborate_mean")) { ninths($0.collaborateMean) },
            Measure(column: "sdm_q9_count", expression: whether("s.sdm_q9_score IS NOT NULL")) { flag($0.sdmQ9Score != nil) },
            Measure(column: "sdm_q9_ninths", expression: ninths("s.sdm_q9_score")) { ninths($0.sdmQ9Score) },
            Measure(column: "option5_count", expression: whether("s.option5_score IS NOT NULL")) { flag($0.option5Score != nil) },
            Measure(column: "option5_ninths", expression: ninths("s.option5_score")) { ninths($0.option5Score) },
            Measure(column: "sure_count", expression: whether("s.sure_positive IS NOT NULL")) { flag($0.surePositive != nil) },
            Measure(column: "sure_positive", expression: "COALESCE(s.sure_positive, 0)") { flag($0.surePositive == true) },
            Measure(column: "deferred", expression: whether("s.decision_outcome = 'deferred'")) { flag($0.decisionOutcome == "deferred") },
            Measure(column: "completeness_sum", expression: "s.completeness") { Int64($0.completeness) },
        ]
        return list
    }()

    /// 1 when `value`, else 0 (the integer a summary row stores for a flag).
    private static func flag(_ value: Bool) -> Int64 { value ? 1 : 0 }

    /// ``ninths(_:)`` as SQLite computes it (`ROUND` of a double with no digits: half away
    /// from zero, by adding one half and truncating; 0 when NULL).
    static func ninths(_ score: Double?) -> Int64 {
        guard let score else { return 0 }
        let value = score * 9
        return value >= 0 ? Int64(value + 0.5) : -Int64(-value + 0.5)
    }

    /// 1 when `condition` holds, else 0 (also when it is NULL).
    private static func whether(_ condition: String) -> String { "CASE WHEN \(condition) THEN 1 ELSE 0 END" }

    /// A score in whole ninths of a point, 0 when NULL (PostgreSQL's `ROUND` of a double is a double: cast).
    private static func ninths(_ column: String) -> String { "COALESCE(CAST(ROUND(\(column) * 9) AS BIGINT), 0)" }

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

    /// The column of `audit_session` a grouping groups by.
    package static func groupColumn(_ grouping: AuditGrouping) -> String {
        switch grouping {
        case .clinician: "clinician_idnat_ps"
        case .topic: "topic_group"
        case .month: "closed_month"
        case .organisation: "organisation_finess"
        }
    }

    // MARK: - The statements

    /// The statements that keep and read the cells, in one backend's parameter style; the same
    /// SQL otherwise, valid on SQLite and PostgreSQL.
    package struct Statements: Sendable {
        /// Adds `2` × the contribution of session `1`'s row (`2` is 1 or -1) to `audit_cell`.
        package let upsert: String
        /// The same for `audit_cell_days`.
        package let upsertDays: String
        /// Deletes the `audit_cell` rows of session `1`'s keys left with no session.
        package let deleteEmpty: String
        /// The same for `audit_cell_days`.
        package let deleteEmptyDays: String
        /// `group_value` and one sum per measure (``measures``' order) of the cells of dimension
        /// `1`, grain `2`, periods `3` to `4`.
        package let totals: String
        /// `group_value`, `days` and the sum of `sessions` of the same day cells.
        package let totalsDays: String
        /// Fills an empty `audit_cell` from every closed `audit_session` row at once (a copied
        /// database's rebuild): the same sums ``upsert`` would reach row by row.
        package let fill: String
        /// The same for `audit_cell_days`.
        package let fillDays: String
        /// Adds the contribution of the rows of sessions `1` to `2`, none counted yet, to
        /// `audit_cell`: the sums ``upsert`` would add row by row.
        package let addRange: String
        /// The same for `audit_cell_days`.
        package let addRangeDays: String
        /// Adds the sums bound after the cell's key (dimension, grain, period, group, then one
        /// sum per measure) to that cell, made if it is missing.
        package let upsertCell: String
        /// Adds `6` sessions that took `5` days to the day count of the cell keyed `1` to `4`.
        package let upsertCellDays: String

        init(_ parameter: SQLParameterStyle) {
            let (number, sign) = (parameter(1), parameter(2))
            let columns = AuditCells.measures.map(\.column)
            let values = AuditCells.measures.map { "\(sign) * (\($0.expression))" }.joined(separator: ", ")
            let updates = columns.map { "\($0) = audit_cell.\($0) + excluded.\($0)" }.joined(separator: ", ")
            upsert = """
                WITH \(dimensions)
                INSERT INTO audit_cell (dimension, grain, period, group_value, \(columns.joined(separator: ", ")))
                SELECT \(keyColumns), \(values)
                FROM audit_session s, d WHERE s.session_number = \(number) AND s.closed = 1
                ON CONFLICT (dimension, grain, period, group_value) DO UPDATE SET \(updates)
                """
            upsertDays = """
                WITH \(dimensions)
                INSERT INTO audit_cell_days (dimension, grain, period, group_value, days, sessions)
                SELECT \(keyColumns), s.days_rcp_to_decision, \(sign)
                FROM audit_session s, d WHERE s.session_number = \(number) AND s.closed = 1 AND s.days_rcp_to_decision IS NOT NULL
                ON CONFLICT (dimension, grain, period, group_value, days) DO UPDATE
                SET sessions = audit_cell_days.sessions + excluded.sessions
                """
            func deletion(_ table: String) -> String {
                """
                WITH \(dimensions)
                DELETE FROM \(table) WHERE sessions = 0 AND (dimension, grain, period, group_value) IN (
                    SELECT \(keyColumns) FROM audit_session s, d WHERE s.session_number = \(number) AND s.closed = 1)
                """
            }
            deleteEmpty = deletion("audit_cell")
            deleteEmptyDays = deletion("audit_cell_days")
            let range = "dimension = \(parameter(1)) AND grain = \(parameter(2)) AND period BETWEEN \(parameter(3)) AND \(parameter(4))"
            let sums = columns.map { "CAST(SUM(\($0)) AS BIGINT)" }.joined(separator: ", ")
            totals = "SELECT group_value, \(sums) FROM audit_cell WHERE \(range) GROUP BY group_value"
            totalsDays =
                "SELECT group_value, days, CAST(SUM(sessions) AS BIGINT) FROM audit_cell_days WHERE \(range) GROUP BY group_value, days"
            let summed = AuditCells.measures.map { "CAST(SUM(\($0.expression)) AS BIGINT)" }.joined(separator: ", ")
            fill = """
                WITH \(dimensions)
                INSERT INTO audit_cell (dimension, grain, period, group_value, \(columns.joined(separator: ", ")))
                SELECT \(keyColumns), \(summed)
                FROM audit_session s, d WHERE s.closed = 1 GROUP BY 1, 2, 3, 4
                """
            fillDays = """
                WITH \(dimensions)
                INSERT INTO audit_cell_days (dimension, grain, period, group_value, days, sessions)
                SELECT \(keyColumns), s.days_rcp_to_decision, COUNT(*)
                FROM audit_session s, d WHERE s.closed = 1 AND s.days_rcp_to_decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5
                """
            let sessions = "s.session_number BETWEEN \(parameter(1)) AND \(parameter(2))"
            addRange = """
                WITH \(dimensions)
                INSERT INTO audit_cell (dimension, grain, period, group_value, \(columns.joined(separator: ", ")))
                SELECT \(keyColumns), \(summed)
                FROM audit_session s, d WHERE \(sessions) AND s.closed = 1 GROUP BY 1, 2, 3, 4
                ON CONFLICT (dimension, grain, period, group_value) DO UPDATE SET \(updates)
                """
            addRangeDays = """
                WITH \(dimensions)
                INSERT INTO audit_cell_days (dimension, grain, period, group_value, days, sessions)
                SELECT \(keyColumns), s.days_rcp_to_decision, COUNT(*)
                FROM audit_session s, d WHERE \(sessions) AND s.closed = 1 AND s.days_rcp_to_decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5
                ON CONFLICT (dimension, grain, period, group_value, days) DO UPDATE
                SET sessions = audit_cell_days.sessions + excluded.sessions
                """
            let cellParameters = (1...(4 + columns.count)).map { parameter($0) }.joined(separator: ", ")
            upsertCell = """
                INSERT INTO audit_cell (dimension, grain, period, group_value, \(columns.joined(separator: ", ")))
                VALUES (\(cellParameters))
                ON CONFLICT (dimension, grain, period, group_value) DO UPDATE SET \(updates)
                """
            upsertCellDays = """
                INSERT INTO audit_cell_days (dimension, grain, period, group_value, days, sessions)
                VALUES (\((1...6).map { parameter($0) }.joined(separator: ", ")))
                ON CONFLICT (dimension, grain, period, group_value, days) DO UPDATE
                SET sessions = audit_cell_days.sessions + excluded.sessions
                """
        }
    }

    /// The statements with SQLite's parameters (`?1`).
    package static let sqlite = Statements(.sqlite)
    /// The statements with PostgreSQL's parameters (`$1`).
    package static let postgres = Statements(.postgres)

    /// The queries of ``totalsFromSessions(_:from:to:grouping:)``: the sums per group
    /// (`group`, one sum per measure) and the days of each session (`group`, `days`), with the
    /// values of their parameters (the closing days bounding the period, as text).
    package static func totalsFromSessionsQueries(
        from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping, _ parameter: SQLParameterStyle
    ) -> (sums: String, days: String, values: [String]) {
        var filter = "s.closed = 1"
        var values: [String] = []
        if let from {
            values.append(from.description)
            filter += " AND s.closed_day >= \(parameter(values.count))"
        }
        if let to {
            values.append(to.description)
            filter += " AND s.closed_day <= \(parameter(values.count))"
        }
        let group = groupColumn(grouping)
        let sums = measures.map { "CAST(SUM(\($0.expression)) AS BIGINT)" }.joined(separator: ", ")
        return (
            "SELECT s.\(group) AS group_value, \(sums) FROM audit_session s WHERE \(filter) GROUP BY s.\(group)",
            "SELECT s.\(group) AS group_value, s.days_rcp_to_decision AS days FROM audit_session s WHERE \(filter) AND s.days_rcp_to_decision IS NOT NULL",
            values
        )
    }

    // MARK: - Keeping the cells up to date

    /// Adds the contribution of the session's `audit_session` row (nothing if it is not closed).
    static func add(session number: Int64, _ db: Database) throws {
        try apply(number, sign: 1, db)
    }

    /// What sessions recorded whole add to the cells, gathered in memory as each session's
    /// row is written (``AuditSummary/refresh(_:db:key:cells:kept:)``), then added at once
    /// (``add(sessions:_:)``): the sums the cells' SQL (``Statements/addRange``, which
    /// PostgreSQL runs) computes from the rows, without reading them again (on SQLite that
    /// query was a tenth of `audit generate`'s CPU).
    ///
    /// Kept by session number: a session refused after its row was written (its savepoint
    /// rolled back) leaves an entry that the next session, which takes its number, replaces,
    /// or that lies past the range added.
    final class Pending {
        /// One closed session's part: its eight cells, its measures, its days from the tumour
        /// board to the decision.
        struct Part {
            var cells: [CellKey]
            var measures: [Int64]
            var days: Int?
        }

        /// A cell: dimension (``AuditGrouping``), grain (`month` or `day`), period, group.
        struct CellKey: Hashable {
            var dimension: String
            var grain: String
            var period: String
            var group: String

            /// Binds the key's four columns, in the order of the table's key.
            func bind(_ values: inout Bindings) {
                values.text(dimension)
                values.text(grain)
                values.text(period)
                values.text(group)
            }
        }

        private var parts: [Int64: Part?] = [:]

        /// Notes the part of the session whose row was just written from `facts` (`finess`:
        /// the organisation its row names); none when it is not closed.
        func note(_ facts: AuditFacts, finess: String) {
            guard facts.closed, let day = facts.closedDay, let month = facts.closedMonth else {
                parts[facts.sessionNumber] = .some(nil)
                return
            }
            var cells: [CellKey] = []
            cells.reserveCapacity(8)
            for grouping in AuditGrouping.allCases {
                let group =
                    switch grouping {
                    case .clinician: facts.clinicianID
                    case .topic: facts.topicGroup
                    case .month: month
                    case .organisation: finess
                    }
                cells.append(CellKey(dimension: grouping.rawValue, grain: "month", period: month, group: group))
                cells.append(CellKey(dimension: grouping.rawValue, grain: "day", period: day, group: group))
            }
            parts[facts.sessionNumber] = Part(cells: cells, measures: measures.map { $0.value(facts) }, days: facts.daysRCPToDecision)
        }

        /// Adds the parts of `numbers` to the cells, each cell once, in the order the sessions
        /// first reach them, and forgets every part.
        func add(sessions numbers: ClosedRange<Int64>, _ db: Database) throws {
            var cells: [CellKey] = []
            var sums: [[Int64]] = []
            var cellIndex: [CellKey: Int] = [:]
            var days: [(cell: Int, days: Int, sessions: Int64)] = []
            var dayIndex: [DayKey: Int] = [:]
            for number in parts.keys.sorted() where numbers.contains(number) {
                guard let part = parts[number]! else { continue }
                for cell in part.cells {
                    let index: Int
                    if let known = cellIndex[cell] {
                        index = known
                        for measure in part.measures.indices { sums[index][measure] += part.measures[measure] }
                    } else {
                        index = cells.count
                        cellIndex[cell] = index
                        cells.append(cell)
                        sums.append(part.measures)
                    }
                    guard let count = part.days else { continue }
                    if let known = dayIndex[DayKey(cell: index, days: count)] {
                        days[known].sessions += 1
                    } else {
                        dayIndex[DayKey(cell: index, days: count)] = days.count
                        days.append((index, count, 1))
                    }
                }
            }
            parts = [:]
            let statement = try db.cachedStatement(sql: sqlite.upsertCell)
            for (cell, sum) in zip(cells, sums) {
                try statement.execute(in: db) { values in
                    cell.bind(&values)
                    for value in sum { values.integer(value) }
                }
            }
            let daysStatement = try db.cachedStatement(sql: sqlite.upsertCellDays)
            for day in days {
                try daysStatement.execute(in: db) { values in
                    cells[day.cell].bind(&values)
                    values.integer(day.days)
                    values.integer(day.sessions)
                }
            }
        }

        /// A cell (its place in the batch's list) and a number of days.
        private struct DayKey: Hashable {
            var cell: Int
            var days: Int
        }
    }

    /// Removes the contribution of the session's `audit_session` row (nothing if it is not
    /// closed or has no row), and the cells it leaves empty. Call before the row changes.
    static func subtract(session number: Int64, _ db: Database) throws {
        try apply(number, sign: -1, db)
        try db.cachedStatement(sql: sqlite.deleteEmpty).execute(arguments: [number])
        try db.cachedStatement(sql: sqlite.deleteEmptyDays).execute(arguments: [number])
    }

    private static func apply(_ number: Int64, sign: Int, _ db: Database) throws {
        try db.cachedStatement(sql: sqlite.upsert).execute(arguments: [number, sign])
        try db.cachedStatement(sql: sqlite.upsertDays).execute(arguments: [number, sign])
    }

    // MARK: - Reading

    /// The totals per group of closed sessions whose closing day is in `from...to` (each bound
    /// optional), from the cells: whole months from month cells, the edges from day cells.
    static func totals(_ db: Database, from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping) throws -> [AuditGroupTotals] {
        var totals = Totals()
        for span in PeriodSpan.spans(from: from, to: to) {
            let arguments: StatementArguments = [grouping.rawValue, span.grain, span.lower, span.upper]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sqlite.totals), arguments: arguments)
            while let row = try rows.next() {
                totals.add(group: row[0], measures: (1...measures.count).map { row[$0] as Int64 })
            }
            let days = try Row.fetchCursor(db.cachedStatement(sql: sqlite.totalsDays), arguments: arguments)
            while let row = try days.next() { totals.add(group: row[0], days: row[1], sessions: row[2]) }
        }
        return totals.sorted
    }

    /// The same totals computed from the session rows, without the cells: what the cells must
    /// always equal (tests compare both after every kind of change).
    static func totalsFromSessions(
        _ db: Database, from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping
    ) throws -> [AuditGroupTotals] {
        let queries = totalsFromSessionsQueries(from: from, to: to, grouping: grouping, .sqlite)
        let arguments = StatementArguments(queries.values)
        var totals = Totals()
        for row in try Row.fetchAll(db, sql: queries.sums, arguments: arguments) {
            totals.add(group: row[0], measures: (1...measures.count).map { row[$0] as Int64 })
        }
        for row in try Row.fetchAll(db, sql: queries.days, arguments: arguments) { totals.add(group: row[0], days: row[1], sessions: 1) }
        return totals.sorted
    }

    /// Totals gathered per group from rows of sums, whatever the backend that read them.
    package struct Totals {
        private var byGroup: [String: AuditGroupTotals] = [:]

        package init() {}

        /// Adds one row of sums, in the order of ``AuditCells/measures``.
        package mutating func add(group: String, measures: [Int64]) {
            byGroup[group, default: AuditGroupTotals(group: group)].add(measures: measures)
        }

        /// Adds `sessions` sessions that took `days` days from the RCP meeting to the decision.
        package mutating func add(group: String, days: Int, sessions: Int) {
            byGroup[group, default: AuditGroupTotals(group: group)].daysRCPToDecision[days, default: 0] += sessions
        }

        /// The totals ordered by group.
        package var sorted: [AuditGroupTotals] { byGroup.values.sorted { $0.group < $1.group } }
    }
}

/// How a backend writes a statement's numbered parameters: `?1` (SQLite) or `$1` (PostgreSQL).
package enum SQLParameterStyle: Sendable {
    case sqlite
    case postgres

    /// The parameter numbered `number` (from 1).
    package func callAsFunction(_ number: Int) -> String {
        switch self {
        case .sqlite: "?\(number)"
        case .postgres: "$\(number)"
        }
    }
}

extension ParticipationReport {
    /// The report of `totals` (one row per group, small groups suppressed unless `suppression`
    /// is `false`), as both stores build it.
    package init(
        totals: [AuditGroupTotals], suppression: Bool, grouping: AuditGrouping, from: CalendarDate?, to: CalendarDate?
    ) {
        self.init(
            rows: totals.map { ParticipationRow($0, suppression: suppression) }, suppression: suppression, grouping: grouping, from: from,
            to: to)
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
    package mutating func add(measures m: [Int64]) {
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
