import AccordCore
import Crypto
import Dispatch
import Foundation

/// Consecutive events of the log in the raw form the chain covers, for the whole-chain check
/// (``ChainWalk``): each event's canonical bytes (``EventContent/canonical(previous:)`` but for
/// the previous chain value's field) and its stored chain value's field, end to end in one
/// buffer, so that a million events are checked without a `String` or an ``EventRecord`` each.
///
/// The text bytes are those a `String` read of the column holds: text read from SQLite is cut
/// at its first NUL byte and invalid UTF-8 is repaired (U+FFFD), as GRDB's `String` decoding
/// does, so that the chain values recomputed here are those ``ChainKey/link(_:previous:)``
/// computes from the ``EventRecord`` of the same row. An event read so is marked as not stored
/// as Accord writes it (``Entry/isStoredAsWritten``): Accord never writes a NUL byte or invalid
/// UTF-8, so bytes after a NUL, which the chain cannot cover, are reported, not passed over.
package struct EventBatch: Sendable {
    /// One event: its integers and where its canonical bytes and text fields lie in ``bytes``.
    struct Entry: Sendable {
        var sequence: Int64
        var sessionNumber: Int64?
        var sessionSequence: Int?
        /// Where the event's canonical bytes start in ``bytes``.
        var start: Int
        /// The byte count of the canonical bytes before the previous chain value's field; the
        /// event's own chain value's field (`LENGTH:VALUE;`) follows them.
        var prefixLength: Int32
        /// Where the values of `recorded_at`, `author`, `kind`, `payload`, `reason`, `chain`
        /// start, from ``start``.
        var offsets: (Int32, Int32, Int32, Int32, Int32, Int32)
        /// Their byte lengths.
        var lengths: (Int32, Int32, Int32, Int32, Int32, Int32)
        var hasReason: Bool
        /// Whether every column holds a value as Accord writes it: integers stored as SQLite
        /// integers, texts as SQLite text of well-formed UTF-8 without a NUL byte. An event
        /// stored otherwise was changed outside Accord, even when its link still matches.
        var isStoredAsWritten = true

        /// The range in ``bytes`` of text field `index` (0 `recorded_at` … 5 `chain`).
        func range(_ index: Int) -> Range<Int> {
            let lower = start + withUnsafeBytes(of: offsets) { Int($0.bindMemory(to: Int32.self)[index]) }
            let length = withUnsafeBytes(of: lengths) { Int($0.bindMemory(to: Int32.self)[index]) }
            return lower..<(lower + length)
        }

        /// The range in ``bytes`` of the canonical bytes before the previous chain value's field.
        var prefix: Range<Int> { start..<(start + Int(prefixLength)) }

        /// The range in ``bytes`` of the chain value's field, `LENGTH:VALUE;`.
        var chainField: Range<Int> {
            let end = start + Int(offsets.5) + Int(lengths.5) + 1
            return (start + Int(prefixLength))..<end
        }
    }

    /// How many parts a batch's links are computed in: the machine's active processors.
    static let parallelism = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The canonical bytes and chain value field of every event, end to end, in the first
    /// ``used`` bytes (the rest is room kept for the next events).
    private(set) var bytes: [UInt8] = []
    /// How many bytes of ``bytes`` the events hold.
    private var used = 0
    private(set) var entries: [Entry] = []

    /// An empty batch with room for `capacity` events.
    package init(capacity: Int = 0) {
        entries.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity * 512)
    }

    /// How many events the batch holds.
    package var count: Int { entries.count }

    /// Empties the batch, keeping its storage.
    package mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        used = 0
    }

    /// Appends a decoded event.
    package mutating func append(_ event: EventRecord) {
        func raw(_ value: String?, _ body: (RawText) -> Void) {
            guard var value else { return body(RawText(pointer: nil, count: 0)) }
            value.withUTF8 { body(RawText(pointer: $0.baseAddress ?? UnsafePointer(bitPattern: 1), count: $0.count)) }
        }
        raw(event.recordedAt) { recordedAt in
            raw(event.author) { author in
                raw(event.kind) { kind in
                    raw(event.payload) { payload in
                        raw(event.reason) { reason in
                            raw(event.chain) { chain in
                                append(
                                    sequence: event.sequence, sessionNumber: event.sessionNumber,
                                    sessionSequence: event.sessionSequence, recordedAt: recordedAt, author: author, kind: kind,
                                    payload: payload, reason: reason, chain: chain)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Appends an event read from raw column values; each text is `(pointer, byte count)` as
    /// SQLite gives it (a `nil` pointer: NULL), read as GRDB reads a `String` (see the type).
    /// `storedAsWritten` is `false` when a column's storage class is not the one Accord writes
    /// (``Entry/isStoredAsWritten``); a text to repair makes it `false` too.
    mutating func append(
        sequence: Int64, sessionNumber: Int64?, sessionSequence: Int?, recordedAt: RawText, author: RawText, kind: RawText,
        payload: RawText, reason: RawText, chain: RawText, storedAsWritten: Bool = true
    ) {
        // Nearly every event: its texts kept as they are, written straight into the buffer.
        guard recordedAt.isKept, author.isKept, kind.isKept, payload.isKept, reason.isKept, chain.isKept else {
            return appendRepairing(
                sequence: sequence, sessionNumber: sessionNumber, sessionSequence: sessionSequence, recordedAt: recordedAt,
                author: author, kind: kind, payload: payload, reason: reason, chain: chain)
        }
        let start = used
        // The magic, three number fields (`LL:` + 20 characters + `;`), six text fields
        // (20 digits of length + `:` + `;` + the bytes).
        let maximum = 15 + 3 * 24 + 6 * 22 + recordedAt.count + author.count + kind.count + payload.count + reason.count + chain.count
        if bytes.count < start + maximum { bytes.append(contentsOf: repeatElement(0, count: start + maximum - bytes.count)) }
        let entry = bytes.withUnsafeMutableBufferPointer { buffer in
            var out = Writer(base: buffer.baseAddress!, at: start)
            out.literal("accord-event-1;")
            out.number(sequence)
            out.number(sessionNumber)
            out.number(sessionSequence.map(Int64.init))
            let fields = (out.text(recordedAt), out.text(author), out.text(kind), out.text(payload))
            let reasonField: (offset: Int, length: Int)
            if reason.pointer == nil {
                out.literal("-;")
                reasonField = (out.at, 0)
            } else {
                reasonField = out.text(reason)
            }
            let prefixLength = Int32(out.at - start)
            let chainField = out.text(chain)
            func relative(_ field: (offset: Int, length: Int)) -> Int32 { Int32(field.offset - start) }
            return (
                Entry(
                    sequence: sequence, sessionNumber: sessionNumber, sessionSequence: sessionSequence, start: start,
                    prefixLength: prefixLength,
                    offsets: (
                        relative(fields.0), relative(fields.1), relative(fields.2), relative(fields.3), relative(reasonField),
                        relative(chainField)
                    ),
                    lengths: (
                        Int32(fields.0.length), Int32(fields.1.length), Int32(fields.2.length), Int32(fields.3.length),
                        Int32(reasonField.length), Int32(chainField.length)
                    ),
                    hasReason: reason.pointer != nil, isStoredAsWritten: storedAsWritten),
                out.at
            )
        }
        used = entry.1
        entries.append(entry.0)
    }

    /// ``append(sequence:sessionNumber:sessionSequence:recordedAt:author:kind:payload:reason:chain:)``
    /// for an event with a text that is not kept as it is (a NUL byte, invalid UTF-8): every
    /// text is first repaired as a `String` read repairs it (``RawText/repaired``), then the
    /// event is written the one way.
    private mutating func appendRepairing(
        sequence: Int64, sessionNumber: Int64?, sessionSequence: Int?, recordedAt: RawText, author: RawText, kind: RawText,
        payload: RawText, reason: RawText, chain: RawText
    ) {
        let texts = [recordedAt, author, kind, payload, reason, chain]
        // The repaired texts end to end (`nil` for NULL), read through one pointer.
        var joined: [UInt8] = []
        var ranges: [Range<Int>?] = []
        for text in texts {
            guard text.pointer != nil else {
                ranges.append(nil)
                continue
            }
            let lower = joined.count
            joined.append(contentsOf: text.repaired)
            ranges.append(lower..<joined.count)
        }
        joined.withUnsafeBufferPointer { buffer in
            // An empty text is not NULL: its pointer only has to be there.
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            let kept = ranges.map { range in
                range.map { RawText(pointer: base + $0.lowerBound, count: $0.count) } ?? RawText(pointer: nil, count: 0)
            }
            append(
                sequence: sequence, sessionNumber: sessionNumber, sessionSequence: sessionSequence, recordedAt: kept[0], author: kept[1],
                kind: kept[2], payload: kept[3], reason: kept[4], chain: kept[5], storedAsWritten: false)
        }
    }

    /// A text column's bytes as SQLite gives them: `nil` for NULL.
    struct RawText {
        var pointer: UnsafePointer<UInt8>?
        var count: Int

        /// Whether the field's value is these bytes as they are: NULL, empty, or well-formed
        /// UTF-8 without a NUL byte (what a `String` read keeps unchanged).
        var isKept: Bool {
            guard let pointer, count > 0 else { return true }
            let raw = UnsafeBufferPointer(start: pointer, count: count)
            var high: UInt8 = 0
            var lowest: UInt8 = 0xFF
            for byte in raw {
                high |= byte
                lowest = min(lowest, byte)
            }
            return lowest != 0 && (high < 0x80 || EventBatch.isWellFormedUTF8(raw))
        }

        /// The bytes a `String` read of the value holds: cut at the first NUL byte, invalid
        /// UTF-8 repaired (U+FFFD), as GRDB decodes a text column.
        var repaired: [UInt8] {
            guard let pointer, count > 0 else { return [] }
            let raw = UnsafeBufferPointer(start: pointer, count: count)
            let end = raw.firstIndex(of: 0) ?? raw.count
            return Array(String(decoding: UnsafeBufferPointer(rebasing: raw[0..<end]), as: UTF8.self).utf8)
        }
    }

    /// Writes canonical bytes into room made for them (no bounds or uniqueness check per byte:
    /// the caller makes room for the most an event can take). Also writes the canonical bytes
    /// of an event being recorded (``EventContent/withCanonical(previous:_:)``).
    struct Writer {
        let base: UnsafeMutablePointer<UInt8>
        var at: Int

        mutating func literal(_ text: StaticString) {
            (base + at).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            at += text.utf8CodeUnitCount
        }

        mutating func byte(_ value: UInt8) {
            base[at] = value
            at += 1
        }

        /// How many decimal digits `value` has.
        static func digitCount(_ value: UInt64) -> Int {
            var count = 1
            var rest = value
            while rest >= 10 {
                rest /= 10
                count += 1
            }
            return count
        }

        /// The decimal digits of `value`, as `String(value)` writes them (no sign).
        mutating func digits(_ value: UInt64) {
            let count = Self.digitCount(value)
            var rest = value
            var index = at + count
            repeat {
                index -= 1
                base[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            at += count
        }

        /// A byte count in decimal, as `String(count)` writes it.
        mutating func decimal(_ value: Int) { digits(UInt64(value)) }

        /// A number's field (`-;` for none), its digits as `String(value)` writes them.
        mutating func number(_ value: Int64?) {
            guard let value else { return literal("-;") }
            decimal(Self.digitCount(value.magnitude) + (value < 0 ? 1 : 0))
            byte(UInt8(ascii: ":"))
            if value < 0 { byte(UInt8(ascii: "-")) }
            digits(value.magnitude)
            byte(UInt8(ascii: ";"))
        }

        /// The field `LENGTH:VALUE;` of a kept text (`0:;` for NULL or empty); returns where
        /// the value starts and its length (an empty value "starts" at its `;`).
        mutating func text(_ text: RawText) -> (offset: Int, length: Int) {
            guard let pointer = text.pointer, text.count > 0 else {
                literal("0:;")
                return (at - 1, 0)
            }
            decimal(text.count)
            byte(UInt8(ascii: ":"))
            let offset = at
            (base + at).update(from: pointer, count: text.count)
            at += text.count
            byte(UInt8(ascii: ";"))
            return (offset, text.count)
        }
    }

    /// Whether `bytes` is well-formed UTF-8 (The Unicode Standard, table 3-7): what a `String`
    /// decodes without repairing.
    static func isWellFormedUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        /// Whether the byte at `index + offset` exists and lies in `range`.
        func byte(_ offset: Int, in range: ClosedRange<UInt8>) -> Bool {
            index + offset < count && range.contains(bytes[index + offset])
        }
        guard let start = bytes.baseAddress else { return true }
        let base = UnsafeRawPointer(start)
        while index < count {
            // Eight ASCII bytes at a time.
            while index + 8 <= count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            if index == count { break }
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = byte(1, in: 0x80...0xBF) ? 2 : 0
            case 0xE0: length = byte(1, in: 0xA0...0xBF) && byte(2, in: 0x80...0xBF) ? 3 : 0
            case 0xE1...0xEC, 0xEE...0xEF: length = byte(1, in: 0x80...0xBF) && byte(2, in: 0x80...0xBF) ? 3 : 0
            case 0xED: length = byte(1, in: 0x80...0x9F) && byte(2, in: 0x80...0xBF) ? 3 : 0
            case 0xF0: length = byte(1, in: 0x90...0xBF) && byte(2, in: 0x80...0xBF) && byte(3, in: 0x80...0xBF) ? 4 : 0
            case 0xF1...0xF3: length = byte(1, in: 0x80...0xBF) && byte(2, in: 0x80...0xBF) && byte(3, in: 0x80...0xBF) ? 4 : 0
            case 0xF4: length = byte(1, in: 0x80...0x8F) && byte(2, in: 0x80...0xBF) && byte(3, in: 0x80...0xBF) ? 4 : 0
            default: length = 0
            }
            if length == 0 { return false }
            index += length
        }
        return true
    }

    /// The text field `index` (0 `recorded_at` … 5 `chain`) of event `i`.
    func text(_ i: Int, _ index: Int) -> String {
        String(decoding: bytes[entries[i].range(index)], as: UTF8.self)
    }

    /// The chain value stored with event `i`.
    func chain(_ i: Int) -> String { text(i, 5) }

    /// The bytes of the chain value stored with the last event (empty for an empty batch).
    var lastChainBytes: [UInt8] {
        guard let last = entries.indices.last else { return [] }
        return Array(bytes[entries[last].range(5)])
    }

    /// Whether the chain value stored with event `i` is `hex` (64 lowercase hex characters).
    func chainIs(_ i: Int, _ hex: String) -> Bool {
        bytes[entries[i].range(5)].elementsEqual(hex.utf8)
    }

    /// The chain fields of event `i`, decoded.
    func content(_ i: Int) -> EventContent {
        let entry = entries[i]
        return EventContent(
            sequence: entry.sequence, sessionNumber: entry.sessionNumber, sessionSequence: entry.sessionSequence,
            recordedAt: text(i, 0), author: text(i, 1), kind: text(i, 2), payload: text(i, 3),
            reason: entry.hasReason ? text(i, 4) : nil)
    }

    /// Whether event `i` is a `document-issued` event.
    func isDocumentIssue(_ i: Int) -> Bool {
        let range = entries[i].range(2)
        guard range.count == 15 else { return false }
        return bytes[range].elementsEqual("document-issued".utf8)
    }

    // MARK: - Links

    /// Whether each event's stored chain value is the HMAC of its content and the chain value
    /// stored with the event before it (`previous` for the first: the last one of the batch
    /// before, empty at the start of the log), computed in `parts` parts run in parallel.
    func links(key: ChainKey, previous: [UInt8], parts: Int = EventBatch.parallelism) -> [Bool] {
        links(mac: key.mac, previous: previous, parts: parts)
    }

    /// ``links(key:previous:parts:)`` with the key's ``ChainMAC``.
    func links(mac: ChainMAC, previous: [UInt8], parts: Int = EventBatch.parallelism) -> [Bool] {
        var holds = [Bool](repeating: false, count: entries.count)
        let chunk = Swift.max(256, (entries.count + parts - 1) / Swift.max(parts, 1))
        let chunks = (entries.count + chunk - 1) / chunk
        holds.withUnsafeMutableBufferPointer { out in
            let results = UncheckedBuffer(out)
            if chunks <= 1 {
                computeLinks(0..<entries.count, mac: mac, previous: previous, into: results)
                return
            }
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                let lower = part * chunk
                computeLinks(lower..<Swift.min(entries.count, lower + chunk), mac: mac, previous: previous, into: results)
            }
        }
        return holds
    }

    /// The links of a batch (``links(mac:previous:parts:)``) computed on a global dispatch
    /// queue while the caller goes on (reading the next batch).
    final class LinkJob: @unchecked Sendable {
        // Written by the job before `group` is left, read by the caller after waiting on it.
        private var batch: EventBatch
        private var links: [Bool] = []
        private let group = DispatchGroup()

        /// Starts computing the links of `batch`, whose first event follows the chain value
        /// `previous`.
        init(_ batch: EventBatch, mac: ChainMAC, previous: [UInt8]) {
            self.batch = batch
            DispatchQueue.global().async(group: group) { [self] in
                links = self.batch.links(mac: mac, previous: previous, parts: EventBatch.parallelism)
            }
        }

        /// Waits for the links; returns them with the batch (the job keeps no copy of it).
        func finish() -> (batch: EventBatch, links: [Bool]) {
            group.wait()
            let batch = self.batch
            self.batch = EventBatch()
            return (batch, links)
        }
    }

    /// Computes the links of the events in `range` into `results`.
    func computeLinks(_ range: Range<Int>, mac: ChainMAC, previous: [UInt8], into results: UncheckedBuffer<Bool>) {
        // The previous chain value's field, `LENGTH:VALUE;`, written as every field is.
        var first = [UInt8](repeating: 0, count: previous.count + 22)
        let length = first.withUnsafeMutableBufferPointer { buffer in
            previous.withUnsafeBufferPointer { value in
                var out = Writer(base: buffer.baseAddress!, at: 0)
                _ = out.text(RawText(pointer: value.baseAddress, count: value.count))
                return out.at
            }
        }
        first.removeLast(first.count - length)
        bytes.withUnsafeBufferPointer { bytes in
            first.withUnsafeBytes { first in
                entries.withUnsafeBufferPointer { entries in
                    for i in range {
                        let entry = entries[i]
                        let before =
                            i == 0 ? first : UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[entries[i - 1].chainField]))
                        let code = mac.authenticationCode(
                            UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[entry.prefix])), before)
                        let stored = UnsafeBufferPointer(rebasing: bytes[entry.range(5)])
                        results[i] = code.withUnsafeBytes { Hex.isLowercase(stored, of: $0) }
                    }
                }
            }
        }
    }

}

/// A buffer whose disjoint parts are written by parallel work, each index by one.
struct UncheckedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>

    init(_ base: UnsafeMutableBufferPointer<Element>) { self.base = base }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
