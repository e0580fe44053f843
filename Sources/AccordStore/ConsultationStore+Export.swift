import AccordCore
import Foundation
import GRDB
import GRDBSQLite

extension ConsultationStore {
    /// How many sessions were closed with a closing day (UTC) within the range, as the summary
    /// or the events say (a batch checks each one's events before exporting it).
    /// - Parameters:
    ///   - closedFrom: the first day (inclusive), or `nil` for no lower bound.
    ///   - through: the last day (inclusive), or `nil` for no upper bound.
    public func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        let summary = Self.closedSelection(closedFrom: closedFrom, through: through, after: nil, .sqlite, side: .summary)
        let events = Self.closedSelection(
            closedFrom: closedFrom, through: through, after: nil, .sqlite, side: .events, firstParameter: summary.values.count + 1)
        // Both sides in number order (the `session` table's key, the closing events' index) and
        // the union ordered: SQLite merges them as they come, where a union left to itself
        // reads the closing events through `event_kind`, one row each, and sorts them.
        let sql = "SELECT COUNT(*) FROM (\(summary.sql) UNION \(Self.byClosingIndex(events.sql)) ORDER BY 1)"
        let arguments = StatementArguments((summary.values + events.values).map(\.databaseValue))
        return try read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The events side of ``closedSelection(closedFrom:through:after:_:side:firstParameter:)``
    /// read through the closing events' index, in number order (the planner would take
    /// `event_kind` and read each closing event's row).
    static func byClosingIndex(_ sql: String) -> String {
        sql.replacingOccurrences(of: "FROM event WHERE", with: "FROM event INDEXED BY event_session_closed WHERE")
    }

    /// One page of the sessions closed with a closing day (UTC) within the range, by ascending
    /// number: up to `limit` ids after `after` (keyset paging, so a batch export never holds
    /// more than a page of ids).
    ///
    /// Sessions are selected from the `session` summary *and* from the closing events, so that
    /// a summary row changed or deleted behind Accord's back neither hides a closed session nor
    /// lets an open one through unchecked: the batch folds each selected session from its
    /// verified events, and the events decide whether it is closed and when.
    ///
    /// Both sides are read in number order (the `session` table's key, the
    /// `event_session_closed` index) and the union is ordered, so that SQLite merges them as
    /// they come and stops after `limit` rows: a page reads about `limit` rows of each, not
    /// every session after `after`. The statement is kept for the next page.
    public func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        let summary = Self.closedSelection(closedFrom: closedFrom, through: through, after: after, .sqlite, side: .summary)
        let events = Self.closedSelection(
            closedFrom: closedFrom, through: through, after: after, .sqlite, side: .events, firstParameter: summary.values.count + 1)
        let limitParameter = summary.values.count + events.values.count + 1
        let sql = "\(summary.sql) UNION \(Self.byClosingIndex(events.sql)) ORDER BY 1 LIMIT ?\(limitParameter)"
        let values = summary.values + events.values + [.integer(Int64(limit))]
        return try read { db in
            var page: [SessionID] = []
            page.reserveCapacity(limit)
            try db.cachedStatement(sql: sql).forEachRow(StatementArguments(values.map(\.databaseValue)), in: db) { row in
                // A closing event whose session number is not an integer was changed outside
                // Accord: the run stops, as it did when GRDB decoded the number.
                guard sqlite3_column_type(row, 0) == SQLITE_INTEGER else { throw StoreErrors.valueNeverWritten }
                page.append(SessionID(number: sqlite3_column_int64(row, 0)))
            }
            return page
        }
    }

    /// The query of the numbers of the closed sessions in the range, after `after` (both
    /// backends' SQL, in `parameter`'s style), with its parameters' values: the union of the
    /// closed sessions of the summary and of the closing events. Instants hold
    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC): their first ten characters are the UTC day.
    package static func closedSelection(
        closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, _ parameter: SQLParameterStyle
    ) -> (sql: String, values: [StoreValue]) {
        let summary = closedSelection(closedFrom: closedFrom, through: through, after: after, parameter, side: .summary)
        let events = closedSelection(
            closedFrom: closedFrom, through: through, after: after, parameter, side: .events, firstParameter: summary.values.count + 1)
        return ("\(summary.sql) UNION \(events.sql)", summary.values + events.values)
    }

    /// One side of ``closedSelection(closedFrom:through:after:_:)``.
    enum ClosedSide {
        /// The `session` summary's closed sessions (`SELECT number FROM session …`).
        case summary
        /// The closing events (`SELECT session_number FROM event …`).
        case events
    }

    /// The query of one side of the closed sessions in the range, after `after`, its
    /// parameters numbered from `firstParameter`, with their values.
    static func closedSelection(
        closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, _ parameter: SQLParameterStyle, side: ClosedSide,
        firstParameter: Int = 1
    ) -> (sql: String, values: [StoreValue]) {
        var values: [StoreValue] = []
        func part(_ number: String, _ instant: String, _ base: String) -> String {
            var condition = base
            if let after {
                values.append(.integer(after.number))
                condition += " AND \(number) > \(parameter(firstParameter + values.count - 1))"
            }
            if let closedFrom {
                values.append(.text(closedFrom.description))
                condition += " AND substr(\(instant), 1, 10) >= \(parameter(firstParameter + values.count - 1))"
            }
            if let through {
                values.append(.text(through.description))
                condition += " AND substr(\(instant), 1, 10) <= \(parameter(firstParameter + values.count - 1))"
            }
            return condition
        }
        switch side {
        case .summary:
            return ("SELECT number FROM session WHERE \(part("number", "closed_at", "status = 'closed'"))", values)
        case .events:
            return ("SELECT session_number FROM event WHERE \(part("session_number", "recorded_at", "kind = 'session-closed'"))", values)
        }
    }
}
