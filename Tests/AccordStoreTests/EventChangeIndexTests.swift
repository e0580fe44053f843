import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import GRDB
import Testing

/// Migration `v10`: the partial index of each session's changes keeps its condition as three
/// comparisons, which SQLite checks at an event's insert without building a temporary b-tree
/// for a `NOT IN` list.
@Suite final class EventChangeIndexTests {
    let scratch: ScratchFolder
    let path: String
    let key: String

    init() throws {
        scratch = try ScratchFolder("accord-change-index")
        (path, key) = (scratch.url.appendingPathComponent("a.sqlite").path, scratch.url.appendingPathComponent("k.key").path)
    }

    /// The index's SQL and the operations (opcodes) of an event's insert, read beside the store.
    func schema() throws -> (index: String, insertOperations: [String]) {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let index = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'event_change'") ?? ""
            let insert = """
                EXPLAIN INSERT INTO event (seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain)
                VALUES (1, 1, 1, 'x', 'x', 'x', 'x', NULL, 'x')
                """
            return (index, try Row.fetchAll(db, sql: insert).map { $0["opcode"] as String })
        }
    }

    @Test func aDatabaseFromBeforeV10GetsTheIndexOfChangesAsComparisons() throws {
        let store = try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        let id = try store.startSession(Samples.start())
        try store.record(.sessionClosed, in: id)
        #expect(try schema().index.contains("WHERE kind <> 'document-issued' AND kind <> 'research-objection-recorded'"))
        #expect(!(try schema().insertOperations.contains("OpenEphemeral")))
        // As migration v9 left it.
        try store.executeForTesting(
            """
            DROP INDEX event_change;
            CREATE INDEX event_change ON event(session_number, session_seq)
            WHERE kind NOT IN ('document-issued', 'research-objection-recorded', 'research-objection-withdrawn');
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v10:%'
            """)
        #expect(try schema().insertOperations.contains("OpenEphemeral"), "the list was a temporary b-tree at each insert")
        // A command that only reads reads it as it is, even a user's who may write it (only
        // `export`, which writes, reads the index).
        let reader = try ConsultationStore.openReadOnly(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        #expect(try reader.sessions().map(\.id) == [id])
        #expect(try reader.verify(head: nil).firstBreak == nil)
        #expect(try schema().index.contains("NOT IN"), "not migrated by a reading command")
        let migrated = try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        #expect(
            try schema().index.hasSuffix(
                "WHERE kind <> 'document-issued' AND kind <> 'research-objection-recorded' AND kind <> 'research-objection-withdrawn'"))
        #expect(!(try schema().insertOperations.contains("OpenEphemeral")))
        // The query of the issued versions names the index (INDEXED BY: no plan without it).
        #expect(try migrated.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil).isEmpty)
        let next = try migrated.startSession(Samples.start())
        #expect(try migrated.events(of: next).map(\.sessionSequence) == [1])
        #expect(try migrated.verify(head: nil).firstBreak == nil)
    }
}
