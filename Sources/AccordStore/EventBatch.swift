import AccordCore
import Crypto
import Dispatch
import Foundation

/// Consecutive events of the log in the raw form the chain covers, for the whole-chain check
/// (``ChainWalk``): the integers of each event and the UTF-8 bytes of its text fields, end to
/// end in one buffer, so that a million events are checked without a `String` or an
/// ``EventRecord`` each.
///
/// The text bytes are those a `String` read of the column holds: text read from SQLite is cut
/// at its first NUL byte and invalid UTF-8 is repaired (U+FFFD), as GRDB's `String` decoding
/// does, so that the chain values recomputed here are those ``ChainKey/link(_:previous:)``
/// computes from the ``EventRecord`` of the same row.
package struct EventBatch: Sendable {
    /// One event: its integers and where its text fields lie in ``bytes``.
    struct Entry: Sendable {
        var sequence: Int64
        var sessionNumber: Int64?
        var sessionSequence: Int?
        /// Where the event's first text field starts in ``bytes``.
        var start: Int
        /// The byte lengths of `recorded_at`, `author`, `kind`, `payload`, `reason`, `chain`.
        var lengths: (Int32, Int32, Int32, Int32, Int32, Int32)
        var hasReason: Bool

        /// The range in ``bytes`` of text field `index` (0 `recorded_at` … 5 `chain`).
        func range(_ index: Int) -> Range<Int> {
            var lower = start
            withUnsafeBytes(of: lengths) { raw in
                let lengths = raw.bindMemory(to: Int32.self)
                for i in 0..<index { lower += Int(lengths[i]) }
            }
            let length = withUnsafeBytes(of: lengths) { Int($0.bindMemory(to: Int32.self)[index]) }
            return lower..<(lower + length)
        }
    }

    /// How many parts a batch's links are computed in: the machine's active processors.
    static let parallelism = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The text fields of every event, end to end.
    private(set) var bytes: [UInt8] = []
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
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends a decoded event.
    package mutating func append(_ event: EventRecord) {
        let start = bytes.count
        func text(_ value: String) -> Int32 {
            bytes.append(contentsOf: value.utf8)
            return Int32(value.utf8.count)
        }
        let lengths = (
            text(event.recordedAt), text(event.author), text(event.kind), text(event.payload), text(event.reason ?? ""),
            text(event.chain)
        )
        entries.append(
            Entry(
                sequence: event.sequence, sessionNumber: event.sessionNumber, sessionSequence: event.sessionSequence, start: start,
                lengths: lengths, hasReason: event.reason != nil))
    }

    /// Appends an event read from raw column values; each text is `(pointer, byte count)` as
    /// SQLite gives it (a `nil` pointer: NULL), read as GRDB reads a `String` (see the type).
    mutating func append(
        sequence: Int64, sessionNumber: Int64?, sessionSequence: Int?, recordedAt: RawText, author: RawText, kind: RawText,
        payload: RawText, reason: RawText, chain: RawText
    ) {
        let start = bytes.count
        let lengths = (append(recordedAt), append(author), append(kind), append(payload), append(reason), append(chain))
        entries.append(
            Entry(
                sequence: sequence, sessionNumber: sessionNumber, sessionSequence: sessionSequence, start: start, lengths: lengths,
                hasReason: reason.pointer != nil))
    }

    /// A text column's bytes as SQLite gives them: `nil` for NULL.
    struct RawText {
        var pointer: UnsafePointer<UInt8>?
        var count: Int
    }

    /// Appends the bytes of `text`, as `String(cString:)` reads them, and returns their count.
    private mutating func append(_ text: RawText) -> Int32 {
        guard let pointer = text.pointer else { return 0 }
        let raw = UnsafeBufferPointer(start: pointer, count: text.count)
        // ASCII without NUL (nearly every field) is kept as it is.
        var high: UInt8 = 0
        var lowest: UInt8 = 0xFF
        for byte in raw {
            high |= byte
            lowest = min(lowest, byte)
        }
        if high < 0x80 && (lowest != 0 || raw.isEmpty) {
            bytes.append(contentsOf: raw)
            return Int32(raw.count)
        }
        let end = raw.firstIndex(of: 0) ?? raw.count
        let decoded = String(decoding: UnsafeBufferPointer(rebasing: raw[0..<end]), as: UTF8.self)
        bytes.append(contentsOf: decoded.utf8)
        return Int32(decoded.utf8.count)
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
        bytes[entries[i].range(2)].elementsEqual("document-issued".utf8)
    }

    // MARK: - Links

    /// Whether each event's stored chain value is the HMAC of its content and the chain value
    /// stored with the event before it (`previous` for the first: the last one of the batch
    /// before, empty at the start of the log), computed in `parts` parts run in parallel.
    func links(key: ChainKey, previous: [UInt8], parts: Int = EventBatch.parallelism) -> [Bool] {
        var holds = [Bool](repeating: false, count: entries.count)
        let chunk = Swift.max(256, (entries.count + parts - 1) / Swift.max(parts, 1))
        let chunks = (entries.count + chunk - 1) / chunk
        holds.withUnsafeMutableBufferPointer { out in
            let results = UncheckedBuffer(out)
            if chunks <= 1 {
                computeLinks(0..<entries.count, key: key, previous: previous, into: results)
                return
            }
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                let lower = part * chunk
                computeLinks(lower..<Swift.min(entries.count, lower + chunk), key: key, previous: previous, into: results)
            }
        }
        return holds
    }

    /// The links of a batch (``links(key:previous:parts:)``) computed on a global dispatch
    /// queue while the caller goes on (reading the next batch).
    final class LinkJob: @unchecked Sendable {
        // Written by the job before `group` is left, read by the caller after waiting on it.
        private var batch: EventBatch
        private var links: [Bool] = []
        private let group = DispatchGroup()

        /// Starts computing the links of `batch`, whose first event follows the chain value
        /// `previous`.
        init(_ batch: EventBatch, key: ChainKey, previous: [UInt8]) {
            self.batch = batch
            DispatchQueue.global().async(group: group) { [self] in
                links = self.batch.links(key: key, previous: previous, parts: EventBatch.parallelism)
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
    func computeLinks(_ range: Range<Int>, key: ChainKey, previous: [UInt8], into results: UncheckedBuffer<Bool>) {
        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        let base = HMAC<SHA256>(key: key.key)
        bytes.withUnsafeBufferPointer { bytes in
            previous.withUnsafeBufferPointer { previous in
                for i in range {
                    let entry = entries[i]
                    canonical.removeAll(keepingCapacity: true)
                    canonical.append(contentsOf: "accord-event-1;".utf8)
                    Self.appendField(entry.sequence, to: &canonical)
                    Self.appendField(entry.sessionNumber, to: &canonical)
                    Self.appendField(entry.sessionSequence.map(Int64.init), to: &canonical)
                    var offset = entry.start
                    var chainRange = 0..<0
                    withUnsafeBytes(of: entry.lengths) { raw in
                        let lengths = raw.bindMemory(to: Int32.self)
                        for index in 0..<5 {
                            let length = Int(lengths[index])
                            if index == 4 && !entry.hasReason {
                                canonical.append(contentsOf: "-;".utf8)
                            } else {
                                Self.appendField(UnsafeBufferPointer(rebasing: bytes[offset..<(offset + length)]), to: &canonical)
                            }
                            offset += length
                        }
                        chainRange = offset..<(offset + Int(lengths[5]))
                    }
                    if i == 0 {
                        Self.appendField(previous, to: &canonical)
                    } else {
                        Self.appendField(UnsafeBufferPointer(rebasing: bytes[entries[i - 1].range(5)]), to: &canonical)
                    }
                    var hmac = base
                    canonical.withUnsafeBytes { hmac.update(data: $0) }
                    let code = hmac.finalize()
                    results[i] = code.withUnsafeBytes { Self.isHex($0, of: UnsafeBufferPointer(rebasing: bytes[chainRange])) }
                }
            }
        }
    }

    /// Whether `text` is the lowercase hexadecimal of `code`.
    private static func isHex(_ code: UnsafeRawBufferPointer, of text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == code.count * 2 else { return false }
        let digits: StaticString = "0123456789abcdef"
        return digits.withUTF8Buffer { digits in
            for (index, byte) in code.enumerated()
            where text[2 * index] != digits[Int(byte >> 4)] || text[2 * index + 1] != digits[Int(byte & 0x0f)] {
                return false
            }
            return true
        }
    }

    /// `LENGTH:VALUE;`, as ``EventContent`` writes a field.
    private static func appendField(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        appendDecimal(value.count, to: &out)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: value)
        out.append(UInt8(ascii: ";"))
    }

    private static func appendField(_ value: [UInt8], to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { appendField($0, to: &out) }
    }

    /// A number's field (`-;` for none), its digits as `String(value)` writes them.
    private static func appendField(_ value: Int64?, to out: inout [UInt8]) {
        guard let value else {
            out.append(contentsOf: "-;".utf8)
            return
        }
        // At most 20 characters: a sign and 19 digits.
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &reversed) { digits in
            var magnitude = value.magnitude
            var count = 0
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            let length = count + (value < 0 ? 1 : 0)
            if length >= 10 { out.append(UInt8(ascii: "0") + UInt8(length / 10)) }
            out.append(UInt8(ascii: "0") + UInt8(length % 10))
            out.append(UInt8(ascii: ":"))
            if value < 0 { out.append(UInt8(ascii: "-")) }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(digits[index]) }
            out.append(UInt8(ascii: ";"))
        }
    }

    /// A byte count in decimal, as `String(count)` writes it.
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        } while divisor > 0
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
