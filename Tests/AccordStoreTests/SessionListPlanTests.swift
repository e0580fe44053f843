import AccordCore
import Foundation
import GRDB
import Testing

@testable import AccordStore

/// The session list is read by index (README, "Measured"): the request built with GRDB's query
/// interface has the plan of the hand-written SQL it replaced.
@Suite struct SessionListPlanTests {
    static let day = CalendarDate("2026-03-02")!

    /// Each query, with the SQL `session list` ran before the record types and the filters'
    /// arguments (the limit is bound after them there; the request writes it into its SQL).
    static let queries: [(SessionQuery, String, [String])] = [
        (SessionQuery(limit: 50), "SELECT * FROM session ORDER BY number DESC LIMIT ?", []),
        (
            SessionQuery(ins: "158056912345606", limit: 50), "SELECT * FROM session WHERE patient_ins = ? ORDER BY number DESC LIMIT ?",
            ["158056912345606"]
        ),
        (SessionQuery(ipp: "IPP1"), "SELECT * FROM session WHERE ipp = ? ORDER BY number DESC", ["IPP1"]),
        (
            SessionQuery(clinicianID: "810123456781", limit: 50),
            "SELECT * FROM session WHERE clinician_id = ? ORDER BY number DESC LIMIT ?", ["810123456781"]
        ),
        (
            SessionQuery(from: day, to: day, limit: 50),
            "SELECT * FROM session WHERE started_at >= ? AND started_at < ? ORDER BY number DESC LIMIT ?",
            ["2026-03-02", "2026-03-02T24"]
        ),
        (SessionQuery(from: day), "SELECT * FROM session WHERE started_at >= ? ORDER BY number DESC", ["2026-03-02"]),
        (
            SessionQuery(ins: "158056912345606", clinicianID: "810123456781", to: day),
            "SELECT * FROM session WHERE patient_ins = ? AND clinician_id = ? AND started_at < ? ORDER BY number DESC",
            ["158056912345606", "810123456781", "2026-03-02T24"]
        ),
    ]

    @Test(arguments: queries.indices)
    func theRequestKeepsThePlanOfItsSQL(_ index: Int) throws {
        let (query, sql, filters) = Self.queries[index]
        let arguments = StatementArguments(filters) + StatementArguments(query.limit.map { [$0] } ?? [])
        let queue = try DatabaseQueue()
        try ConsultationStore.migrator.migrate(queue)
        try queue.read { db in
            let statement = try ConsultationStore.request(query).makePreparedRequest(db).statement
            let planned = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments).map {
                $0["detail"] as String
            }
            let before = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            #expect(planned == before)
            #expect(statement.arguments == StatementArguments(filters))
        }
    }
}
