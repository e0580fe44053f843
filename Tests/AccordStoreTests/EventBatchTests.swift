import AccordCore
import AccordTestSupport
import Foundation
import GRDB
import Testing

@testable import AccordStore

/// The batched, parallel chain check recomputes exactly the chain values of
/// ``ChainKey/link(_:previous:)``: same bytes, same verdict.
@Suite struct EventBatchTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Events with every shape a field can take: no session, a reason empty or missing, large
    /// and negative numbers, text in several scripts, a chain value of the wrong length.
    func events(key: ChainKey) -> [EventRecord] {
        let shapes: [(Int64?, Int?, String, String?)] = [
            (nil, nil, "{\"centre\":1}", nil),
            (1, 1, "{\"note\":\"Soins de support — hôpital de jour\"}", ""),
            (9_223_372_036_854_775_807, 12, "{\"label\":\"Хирургия 手術 🩺\"}", "après la consultation"),
            (-42, -7, "", "raison: 2;3:"),
            (1_000_000, 1_234_567, String(repeating: "x", count: 5000), nil),
        ]
        var records: [EventRecord] = []
        var previous = ""
        for index in 0..<600 {
            let shape = shapes[index % shapes.count]
            var record = EventRecord(
                sequence: Int64(index + 1), sessionNumber: shape.0, sessionSequence: shape.1,
                recordedAt: "2026-03-02T09:30:0\(index % 10)Z",
                author: "8100000000\(index % 7)", kind: index % 2 == 0 ? "note-added" : "document-issued", payload: shape.2,
                reason: shape.3, chain: "")
            record.chain = key.link(record.content, previous: previous)
            // Every 7th event's stored value is wrong (edited, or cut short).
            if index % 7 == 3 { record.chain = String(record.chain.reversed()) }
            if index % 7 == 5 { record.chain = String(record.chain.prefix(63)) }
            records.append(record)
            previous = record.chain
        }
        return records
    }

    @Test(arguments: [1, 2, 3, 8])
    func linksAreThoseOfTheRecordPath(parts: Int) throws {
        let key = try ChainKey.create(folder.appendingPathComponent("chain.key"))
        let records = events(key: key)
        var batch = EventBatch()
        for record in records.dropFirst(100) { batch.append(record) }
        let links = batch.links(key: key, previous: Array(records[99].chain.utf8), parts: parts)
        let expected = records.indices.dropFirst(100).map {
            key.link(records[$0].content, previous: records[$0 - 1].chain) == records[$0].chain
        }
        #expect(links == expected)
        #expect(links.filter { !$0 }.count == 143)
        #expect(batch.content(0) == records[100].content)
        #expect(batch.content(4) == records[104].content)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Text bytes SQLite holds but a `String` read does not keep (after a NUL byte; invalid
    /// UTF-8, repaired) are read as GRDB reads them, so `verify` gives the record path's verdict.
    @Test(arguments: [
        ("CAST(X'6F6E65' AS TEXT) || char(0) || 'more'", true),
        ("'one' || char(0)", true),
        ("CAST(X'6F6EFF65' AS TEXT)", false),
        ("'on' || char(0) || 'e'", false),
    ])
    func textIsReadAsGRDBReadsIt(reason: String, whole: Bool) throws {
        let path = folder.appendingPathComponent("accord.sqlite").path
        let store = try ConsultationStore.open(
            path: path, clock: .fixed(at: Samples.instant), keyFile: folder.appendingPathComponent("k").path)
        let session = try store.startSession(Samples.start())
        try store.record(.noteAdded(text: "a"), in: session, reason: "one")
        try store.record(.noteAdded(text: "b"), in: session)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS event_no_update")
            try db.execute(sql: "UPDATE event SET reason = \(reason) WHERE seq = 2")
        }
        let result = try store.verify()
        #expect(result.eventCount == 3)
        #expect(result.firstBreak?.sequence == (whole ? nil : 2))
        try? FileManager.default.removeItem(at: folder)
    }

    /// More events than one batch: the links across batch boundaries hold, and an edit in the
    /// second batch is found at its own event.
    @Test func aLogLongerThanABatchVerifies() throws {
        let path = folder.appendingPathComponent("accord.sqlite").path
        let store = try ConsultationStore.open(
            path: path, clock: .fixed(at: Samples.instant), keyFile: folder.appendingPathComponent("k").path)
        try store.generateSyntheticSessions(count: 1000, seed: 7)
        let result = try store.verify()
        #expect(result.firstBreak == nil)
        #expect(result.eventCount > ConsultationStore.verifyBatchSize + 1)
        let queue = try DatabaseQueue(path: path)
        let target = Int64(ConsultationStore.verifyBatchSize + 10)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS event_no_update")
            try db.execute(sql: "UPDATE event SET recorded_at = '2000-01-01T00:00:00Z' WHERE seq = ?", arguments: [target])
        }
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == target)
        #expect(broken.problem == "its chain value does not match its content: the event was edited, or moved from elsewhere in the log")
        try? FileManager.default.removeItem(at: folder)
    }
}
