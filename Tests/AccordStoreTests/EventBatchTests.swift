import AccordCore
import AccordTestSupport
import Crypto
import Foundation
import GRDB
import Testing

@testable import AccordStore

/// The batched, parallel chain check recomputes exactly the chain values of
/// ``ChainKey/link(_:previous:)``: same bytes, same verdict.
@Suite final class EventBatchTests {
    /// The suite's scratch folder, removed with the suite.
    let scratch: ScratchFolder
    var folder: URL { scratch.url }

    init() throws {
        scratch = try ScratchFolder("accord-batch")
    }

    /// Events with every shape a field can take: no session, a reason empty or missing, large
    /// and negative numbers (the largest and the smallest, zero), text in several scripts, a chain value of the wrong length.
    func events(key: ChainKey) -> [EventRecord] {
        let shapes: [(Int64?, Int?, String, String?)] = [
            (nil, nil, "{\"centre\":1}", nil),
            (1, 1, "{\"note\":\"Soins de support — hôpital de jour\"}", ""),
            (9_223_372_036_854_775_807, 12, "{\"label\":\"Хирургия 手術 🩺\"}", "après la consultation"),
            (-42, -7, "", "raison: 2;3:"),
            (1_000_000, 1_234_567, String(repeating: "x", count: 5000), nil),
            (Int64.min, 0, "{}", "9"),
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
    /// UTF-8, repaired) are read as GRDB reads them, so the links are those of the record path;
    /// and since Accord never writes such bytes, the event is a break even when its link
    /// matches (the bytes after a NUL are outside what the chain covers).
    @Test(arguments: [
        ("CAST(X'6F6E65' AS TEXT) || char(0) || 'more'", true),
        ("'one' || char(0)", true),
        ("CAST(X'6F6EFF65' AS TEXT)", false),
        ("'on' || char(0) || 'e'", false),
    ])
    func textIsReadAsGRDBReadsIt(reason: String, linkMatches: Bool) throws {
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
        #expect(result.firstBreak?.sequence == 2)
        #expect(
            result.firstBreak?.problem
                == (linkMatches
                    ? "it holds a value Accord never writes (a NUL byte, invalid UTF-8, or a number or text stored as another type): the event was changed outside Accord"
                    : "its chain value does not match its content: the event was edited, or moved from elsewhere in the log"))
        try? FileManager.default.removeItem(at: folder)
    }

    /// A sequence number edited to the largest or smallest 64-bit integer is reported as a
    /// break, not a crash of the whole check.
    @Test(arguments: [Int64.max, Int64.min])
    func anExtremeSequenceIsABreak(sequence: Int64) throws {
        let path = folder.appendingPathComponent("accord.sqlite").path
        let store = try ConsultationStore.open(
            path: path, clock: .fixed(at: Samples.instant), keyFile: folder.appendingPathComponent("k").path)
        let session = try store.startSession(Samples.start())
        try store.record(.noteAdded(text: "a"), in: session)
        try store.record(.noteAdded(text: "b"), in: session)
        let queue = try DatabaseQueue(path: path)
        let last = try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS event_no_update")
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0
            try db.execute(sql: "UPDATE event SET seq = ? WHERE seq = ?", arguments: [sequence, last])
            return last
        }
        let broken = try #require(try store.verify().firstBreak)
        if sequence == Int64.max {
            // Still last in the log: the numbers between seem removed.
            #expect(broken.sequence == last)
            #expect(broken.problem == "events \(last)…9223372036854775806 are missing (removed)")
        } else {
            // Now first in the log, below the first number.
            #expect(broken.sequence == 1)
            #expect(broken.problem == "event -9223372036854775808 appears twice")
        }
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

    /// ``ChainMAC`` gives the bytes of swift-crypto's `HMAC<SHA256>` for messages around the
    /// 64-byte block and its 55/56-byte padding edge, in one piece or two, under keys of 32,
    /// 64 and 100 bytes (a key longer than a block is hashed first).
    @Test(arguments: [0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000])
    func chainMACIsHMACSHA256(length: Int) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for keyLength in [32, 64, 100] {
            let key = SymmetricKey(data: (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) })
            let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            let mac = ChainMAC(key: key)
            let whole = message.withUnsafeBytes { Array(mac.authenticationCode($0)) }
            #expect(whole == expected)
            for cut in [0, length / 3, length] {
                let split = message.withUnsafeBytes {
                    Array(
                        mac.authenticationCode(UnsafeRawBufferPointer(rebasing: $0[..<cut]), UnsafeRawBufferPointer(rebasing: $0[cut...])))
                }
                #expect(split == expected)
            }
        }
    }

    /// ``ChainKey/sealMatches(_:mac:session:eventCount:lastSequence:lastChain:)`` holds for the
    /// seal ``ChainKey/seal(session:eventCount:lastSequence:lastChain:)`` writes, and only for it.
    @Test func sealMatchesTheWrittenSeal() {
        let key = ChainKey(key: SymmetricKey(data: [UInt8](repeating: 7, count: 32)))
        let chain = String(repeating: "ab", count: 32)
        let seal = key.seal(session: 12, eventCount: 9, lastSequence: 4321, lastChain: chain)
        func matches(_ tag: String, session: Int64 = 12, count: Int = 9, last: Int64 = 4321, chain: String = chain) -> Bool {
            Array(tag.utf8).withUnsafeBufferPointer { tag in
                Array(chain.utf8).withUnsafeBufferPointer {
                    ChainKey.sealMatches(tag, mac: key.mac, session: session, eventCount: count, lastSequence: last, lastChain: $0)
                }
            }
        }
        #expect(matches(seal))
        #expect(!matches(seal.uppercased()))
        #expect(!matches(String(seal.dropLast())))
        #expect(!matches(String(seal.dropLast()) + (seal.last == "0" ? "1" : "0")))
        #expect(!matches(seal, session: 13))
        #expect(!matches(seal, count: 8))
        #expect(!matches(seal, last: 4320))
        #expect(!matches(seal, chain: String(repeating: "ab", count: 31) + "ac"))
    }

    /// The UTF-8 check that keeps a field's bytes as they are agrees with `String`'s decoding
    /// (which repairs what is not well-formed) on every 1- to 3-byte sequence and on 4-byte
    /// sequences around each boundary (surrogates, overlong forms, beyond U+10FFFF).
    @Test func wellFormedUTF8IsWhatAStringKeeps() {
        func agrees(_ bytes: [UInt8]) -> Bool {
            let kept = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            return bytes.withUnsafeBufferPointer { EventBatch.isWellFormedUTF8($0) } == kept
        }
        var disagreements = 0
        for a in 0...255 {
            if !agrees([UInt8(a)]) { disagreements += 1 }
            for b in 0...255 {
                if !agrees([UInt8(a), UInt8(b)]) { disagreements += 1 }
                for c in [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF] where !agrees([UInt8(a), UInt8(b), UInt8(c)]) {
                    disagreements += 1
                }
            }
        }
        for lead: UInt8 in [0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5] {
            for second: UInt8 in [0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0] {
                for last: UInt8 in [0x7F, 0x80, 0xBF, 0xC0] where !agrees([lead, second, 0x80, last]) { disagreements += 1 }
            }
        }
        #expect(disagreements == 0)
        #expect(agrees(Array("Soins de support — hôpital de jour, Хирургия 手術 🩺".utf8)))
    }
}
