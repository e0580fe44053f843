import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// How many sessions were closed with a closing day (UTC) within the range, as the summary
    /// or the events say (a batch checks each one's events before exporting it).
    /// - Parameters:
    ///   - closedFrom: the first day (inclusive), or `nil` for no lower bound.
    ///   - through: the last day (inclusive), or `nil` for no upper bound.
    public func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        let (selection, arguments) = Self.closedSelection(closedFrom: closedFrom, through: through, after: nil)
        return try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(selection))", arguments: arguments) ?? 0 }
    }

    /// One page of the sessions closed with a closing day (UTC) within the range, by ascending
    /// number: up to `limit` ids after `after` (keyset paging, so a batch export never holds
    /// more than a page of ids).
    ///
    /// Sessions are selected from the `session` summary *and* from the closing events, so that
    /// a summary row changed or deleted behind Accord's back neither hides a closed session nor
    /// lets an open one through unchecked: the batch folds each selected session from its
    /// verified events, and the events decide whether it is closed and when.
    public func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        var (selection, arguments) = Self.closedSelection(closedFrom: closedFrom, through: through, after: after)
        arguments += [limit]
        return try read { db in
            try Int64.fetchAll(db, sql: "SELECT number FROM (\(selection)) ORDER BY number LIMIT ?", arguments: arguments)
                .map(SessionID.init(number:))
        }
    }

    /// The union of the closed sessions of the summary and of the closing events (index
    /// `event_session_closed`). Instants hold `YYYY-MM-DDTHH:MM:SSZ` (UTC): their first ten
    /// characters are the UTC day.
    private static func closedSelection(
        closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?
    ) -> (
        String, StatementArguments
    ) {
        let (sql, values) = closedSelection(closedFrom: closedFrom, through: through, after: after, .sqlite)
        return (sql, StatementArguments(values.map(\.databaseValue)))
    }

    /// The query of the numbers of the closed sessions in the range, after `after` (both
    /// backends' SQL, in `parameter`'s style), with its parameters' values.
    package static func closedSelection(
        closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, _ parameter: SQLParameterStyle
    ) -> (sql: String, values: [StoreValue]) {
        var values: [StoreValue] = []
        func part(_ number: String, _ instant: String, _ base: String) -> String {
            var condition = base
            if let after {
                values.append(.integer(after.number))
                condition += " AND \(number) > \(parameter(values.count))"
            }
            if let closedFrom {
                values.append(.text(closedFrom.description))
                condition += " AND substr(\(instant), 1, 10) >= \(parameter(values.count))"
            }
            if let through {
                values.append(.text(through.description))
                condition += " AND substr(\(instant), 1, 10) <= \(parameter(values.count))"
            }
            return condition
        }
        let summary = part("number", "closed_at", "status = 'closed'")
        let events = part("session_number", "recorded_at", "kind = 'session-closed'")
        return ("SELECT number FROM session WHERE \(summary) UNION SELECT session_number FROM event WHERE \(events)", values)
    }
}
