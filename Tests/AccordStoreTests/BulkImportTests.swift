import AccordCore
import AccordTestSupport
import Foundation
import GRDB
import Testing

@testable import AccordStore

/// `importConsultations`: each consultation whole or not at all in one transaction, in the
/// same bytes as recording it change by change.
@Suite struct BulkImportTests {
    static let option = Change.optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil)

    /// The sample consultation file's start and changes.
    static func sample() throws -> ConsultationImport {
        let file = try ConsultationFile.parse(
            String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8), today: CalendarDate(utcDayOf: Samples.instant))
        return ConsultationImport(start: file.start, changes: file.changes)
    }

    /// Two empty stores sharing one chain key.
    static func twoStores() throws -> (ConsultationStore, ConsultationStore) {
        let first = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let second = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        return (
            first,
            ConsultationStore(
                writer: second.writer, clock: second.clock, keyURL: first.keyURL, logger: second.logger, temporaryKey: first.temporaryKey)
        )
    }

    static let tables = [
        "event", "session", "session_seal", "audit_session", "audit_option", "audit_instrument", "audit_cell", "audit_cell_days",
        "metadata WHERE key != 'database_id'",
    ]

    /// Every row of `table`, in a stable order (some tables have no rowid).
    static func rows(_ store: ConsultationStore, _ table: String) throws -> [String] {
        try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map(\.description).sorted() }
    }

    @Test func writesTheBytesOfRecordingChangeByChange() throws {
        let (byChange, inBulk) = try Self.twoStores()
        let consultations = [
            try Self.sample(),
            ConsultationImport(start: Samples.start(), changes: [Self.option, .noteAdded(text: "n"), .sessionClosed]),
            ConsultationImport(start: Samples.start(Samples.corsicanIdentity), changes: []),
        ]
        for consultation in consultations {
            let id = try byChange.startSession(consultation.start)
            for change in consultation.changes { try byChange.record(change, in: id) }
        }
        let results = try inBulk.importConsultations(consultations, author: nil)
        #expect(try results.map { try $0.get() } == [SessionID(number: 1), SessionID(number: 2), SessionID(number: 3)])
        #expect(try Self.rows(inBulk, "event").count == 11 + 4 + 1)
        for table in Self.tables {
            #expect(try Self.rows(byChange, table) == Self.rows(inBulk, table), "table \(table)")
        }
        #expect(try inBulk.verify(head: byChange.chainHead()).firstBreak == nil)
    }

    @Test func refusesOneConsultationAndRecordsTheOthers() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let refused = ConsultationImport(
            start: Samples.start(), changes: [Self.option, .decisionRecorded(outcome: .agreed(option: 4), takenBy: [])])
        let closed = ConsultationImport(start: Samples.start(), changes: [Self.option, .sessionClosed])
        let results = try store.importConsultations([closed, refused, closed], author: nil)
        #expect(try results[0].get() == SessionID(number: 1))
        #expect(try results[2].get() == SessionID(number: 2), "numbered after the refused one without a gap")
        guard case .failure(let error) = results[1] else {
            Issue.record("the consultation deciding for an option it does not have was recorded")
            return
        }
        #expect(throws: error) { try store.importConsultation(start: refused.start, changes: refused.changes) }
        #expect(!error.message.contains("session S"), "it names the consultation, never a session that was not created")
        #expect(try store.sessions().map(\.id) == [SessionID(number: 2), SessionID(number: 1)])
        #expect(try store.events(of: SessionID(number: 2)).map(\.sequence) == [4, 5, 6])
        #expect(try store.verify(head: nil).firstBreak == nil)
        #expect(try Self.rows(store, "event").count == 6)
        #expect(try Self.rows(store, "session_seal").count == 2)
    }

    @Test func continuesTheChainOfEventsRecordedBefore() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let first = try store.startSession(Samples.start())
        try store.setCentreSettings(.example, author: "os:test")
        let results = try store.importConsultations([try Self.sample(), try Self.sample()], author: "810001234567")
        #expect(try results.map { try $0.get() } == [SessionID(number: 2), SessionID(number: 3)])
        #expect(try store.events(of: SessionID(number: 3)).allSatisfy { $0.author == "810001234567" })
        try store.record(.noteAdded(text: "après"), in: first)
        #expect(try store.verify(head: nil).firstBreak == nil)
        #expect(try store.verify(head: nil).eventCount == 2 + 11 + 11 + 1)
    }

    /// A bulk transaction keeps SQLite's sub-journals in memory (`temp_store` 2) while it runs,
    /// and only then: the setting is back to its default (0) after it, committed or rolled back,
    /// and a transaction that throws writes nothing.
    @Test func keepsSubJournalsInMemoryForTheBulkTransactionOnly() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        func tempStore() throws -> Int? { try store.writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA temp_store") } }
        #expect(try tempStore() == 0)
        #expect(try store.writer.writeInBulk { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try tempStore() == 0)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try store.writer.writeInBulk { db in
                try db.execute(sql: "INSERT INTO metadata (key, value) VALUES ('bulk-test', '1')")
                throw Refused()
            }
        }
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT value FROM metadata WHERE key = 'bulk-test'") } == nil)
        #expect(try tempStore() == 0)
        // The bulk writers themselves.
        _ = try store.importConsultations([try Self.sample()], author: nil)
        #expect(try tempStore() == 0)
    }

    @Test func refusesTheWholeBatchInADatabaseOfSyntheticSessions() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try store.generateSyntheticSessions(count: 2, seed: 7)
        #expect(
            throws: AccordError(
                .conflict,
                "this database holds synthetic sessions (accord audit generate); record real sessions in another database (--db or ACCORD_DB)."
            )
        ) {
            try store.importConsultations([try Self.sample()], author: nil)
        }
        let events = try Self.rows(store, "event").count
        #expect(try store.verify(head: nil).eventCount == events)
        #expect(try Self.rows(store, "session").count == 2)
    }
}
