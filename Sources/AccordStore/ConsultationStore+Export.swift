import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// How many sessions are closed, with a closing day (UTC) within the range.
    /// - Parameters:
    ///   - closedFrom: the first day (inclusive), or `nil` for no lower bound.
    ///   - through: the last day (inclusive), or `nil` for no upper bound.
    public func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        let (condition, arguments) = Self.closedCondition(closedFrom: closedFrom, through: through)
        return try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session WHERE \(condition)", arguments: arguments) ?? 0 }
    }

    /// One page of the closed sessions with a closing day (UTC) within the range, by ascending
    /// number: up to `limit` ids after `after` (keyset paging, so a batch export never holds
    /// more than a page of ids).
    public func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        var (condition, arguments) = Self.closedCondition(closedFrom: closedFrom, through: through)
        condition += " AND number > ?"
        arguments += [after?.number ?? 0]
        arguments += [limit]
        return try read { db in
            try Int64.fetchAll(db, sql: "SELECT number FROM session WHERE \(condition) ORDER BY number LIMIT ?", arguments: arguments)
                .map(SessionID.init(number:))
        }
    }

    /// `closed_at` holds `YYYY-MM-DDTHH:MM:SSZ` (UTC): its first ten characters are the UTC day.
    private static func closedCondition(closedFrom: CalendarDate?, through: CalendarDate?) -> (String, StatementArguments) {
        var condition = "status = 'closed'"
        var arguments: StatementArguments = []
        if let closedFrom {
            condition += " AND substr(closed_at, 1, 10) >= ?"
            arguments += [closedFrom.description]
        }
        if let through {
            condition += " AND substr(closed_at, 1, 10) <= ?"
            arguments += [through.description]
        }
        return (condition, arguments)
    }
}
