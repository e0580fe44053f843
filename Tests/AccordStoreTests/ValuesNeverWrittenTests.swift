import AccordCore
import AccordTestSupport
import Foundation
import Testing

@testable import AccordStore

/// A value of a type Accord never writes, put in a row by someone holding the file, stops a
/// reading with `StoreErrors.valueNeverWritten` (which names no value), never the process:
/// GRDB's typed reads of a copied row trap on such a value, and its error names the row's
/// values.
@Suite final class ValuesNeverWrittenTests {
    /// The suite's scratch folder, removed with the suite.
    let scratch: ScratchFolder
    var folder: URL { scratch.url }
    let path: String
    let store: ConsultationStore

    init() throws {
        scratch = try ScratchFolder("accord-never")
        path = scratch.url.appendingPathComponent("a.sqlite").path
        store = try ConsultationStore.open(
            path: path, clock: .fixed(at: Samples.instant), keyFile: scratch.url.appendingPathComponent("k.key").path)
        let id = try store.startSession(Samples.start())
        try store.record(.researchObjection(objects: true), in: id, reason: "said so at the consultation")
        try store.record(.sessionClosed, in: id)
        #expect(try !store.researchObjections().isEmpty)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    @Test func aResearchObjectionEventWithASessionNumberAsText() throws {
        defer { remove() }
        try ConsultationStore.tamperForTesting(
            path: path,
            """
            INSERT INTO event (seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain)
            VALUES ((SELECT MAX(seq) + 1 FROM event), 'S1', 1, '2026-03-02T09:30:00Z', '810000000001',
                'research-objection-recorded', '{}', NULL, 'x')
            """)
        #expect(throws: StoreErrors.valueNeverWritten) { try store.researchObjections() }
    }

    /// The pages of closed sessions a batch export reads: a closing event whose session number
    /// is text stops the run (SQLite would read `'S1'` as 0), as one whose number is missing.
    @Test(arguments: ["'S1', 9", "NULL, NULL", "1.5, 9"])
    func aClosingEventWithASessionNumberOfAnotherType(numberAndSequence: String) throws {
        defer { remove() }
        #expect(try store.closedSessions(closedFrom: nil, through: nil, after: nil, limit: 10) == [SessionID(number: 1)])
        try ConsultationStore.tamperForTesting(
            path: path,
            """
            INSERT INTO event (seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain)
            VALUES ((SELECT MAX(seq) + 1 FROM event), \(numberAndSequence), '2026-03-02T09:30:00Z', '810000000001',
                'session-closed', '{}', NULL, 'x')
            """)
        #expect(throws: StoreErrors.valueNeverWritten) { try store.closedSessions(closedFrom: nil, through: nil, after: nil, limit: 10) }
    }

    @Test(arguments: [
        "UPDATE session_seal SET event_count = '3 events'",
        "INSERT INTO metadata (key, value) VALUES (x'00ff', 'x')",
        "INSERT INTO document_version (session_number, profile, version, last_session_seq, exported_at) VALUES (1, 'cda-fr', 'v1', 2, '2026-03-02T09:30:00Z')",
    ])
    func aRowCopiedOutOfTheDatabase(tampering: String) throws {
        defer { remove() }
        try ConsultationStore.tamperForTesting(path: path, tampering)
        #expect(throws: StoreErrors.valueNeverWritten) { _ = try store.copyOut { _ in } }
    }
}
