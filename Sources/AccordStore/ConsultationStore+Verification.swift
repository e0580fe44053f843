import AccordCore
import Foundation
import GRDB

/// What `accord verify` found.
public struct ChainVerification: Sendable, Hashable {
    /// The first broken link: the event's sequence number and what differs.
    public struct Break: Sendable, Hashable {
        /// The sequence number where the chain breaks.
        public var sequence: Int64
        /// What differs, in words (no content of the event).
        public var problem: String
    }

    /// How many events were checked.
    public var eventCount: Int
    /// The chain head (the last event's sequence and chain value), `nil` for an empty log.
    public var head: ChainHead?
    /// The first broken link, or `nil` when the chain is whole.
    public var firstBreak: Break?
}

/// A point of the chain: an event's sequence number and its chain value (64 lowercase hex
/// characters). Written `SEQ:HASH`.
public struct ChainHead: Sendable, Hashable, CustomStringConvertible {
    /// The event's sequence number.
    public var sequence: Int64
    /// Its chain value, lowercase hexadecimal.
    public var hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Parses `SEQ:HASH`; `nil` when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence > 0, parts[1].count == 64,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        self.init(sequence: sequence, hash: String(parts[1]))
    }

    /// `SEQ:HASH`.
    public var description: String { "\(sequence):\(hash)" }
}

extension ConsultationStore {
    /// Recomputes the event chain from the first event and reports the first broken link.
    ///
    /// It finds, in events up to the last one present: an edited field, a removed event, two
    /// events swapped, per-session sequences with a gap. Given `head` (recorded earlier, for
    /// instance in an export manifest), it also proves that no event up to that head was
    /// removed since: the head's event must still be there with the same chain value.
    ///
    /// - Throws: `AccordError` (`io`) when the chain key is missing.
    public func verify(head expected: ChainHead? = nil) throws -> ChainVerification {
        guard let key = try ChainKey.load(keyURL) else {
            let count = try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0 }
            if count == 0 { return ChainVerification(eventCount: 0, head: nil, firstBreak: expected.map { Self.missingHead($0) }) }
            throw AccordError(
                .io,
                "the chain key of this database is missing, so the chain cannot be checked; restore the key file or set \(ChainKey.environmentVariable)."
            )
        }
        return try read { db in
            var previous = ""
            var expectedSequence: Int64 = 1
            var sessionSequences: [Int64: Int] = [:]
            var count = 0
            var head: ChainHead?
            var firstBreak: ChainVerification.Break?
            var headSeen = false
            let rows = try Row.fetchCursor(db, sql: "SELECT \(EventRecorder.eventColumns) FROM event ORDER BY seq")
            while let row = try rows.next() {
                let content = EventContent(
                    sequence: row["seq"], sessionNumber: row["session_number"], sessionSequence: row["session_seq"],
                    recordedAt: row["recorded_at"], author: row["author"], kind: row["kind"], payload: row["payload"], reason: row["reason"]
                )
                let stored: String = row["chain"]
                count += 1
                if firstBreak == nil {
                    if content.sequence != expectedSequence {
                        firstBreak = .init(
                            sequence: expectedSequence,
                            problem: content.sequence > expectedSequence
                                ? "events \(expectedSequence)…\(content.sequence - 1) are missing (removed)"
                                : "event \(content.sequence) appears twice")
                    } else if key.link(content, previous: previous) != stored {
                        firstBreak = .init(
                            sequence: content.sequence,
                            problem: "its chain value does not match its content: the event was edited, or moved from elsewhere in the log")
                    } else if let number = content.sessionNumber, let sessionSequence = content.sessionSequence,
                        sessionSequence != (sessionSequences[number] ?? 0) + 1
                    {
                        firstBreak = .init(
                            sequence: content.sequence,
                            problem:
                                "it is event \(sessionSequence) of session S\(number), whose previous event was \(sessionSequences[number] ?? 0)"
                        )
                    }
                }
                if let number = content.sessionNumber, let sessionSequence = content.sessionSequence {
                    sessionSequences[number] = sessionSequence
                }
                if let expected, content.sequence == expected.sequence {
                    headSeen = true
                    if stored != expected.hash && firstBreak == nil {
                        firstBreak = .init(
                            sequence: expected.sequence, problem: "its chain value differs from the recorded head: the log was rewritten")
                    }
                }
                previous = stored
                expectedSequence = content.sequence + 1
                head = ChainHead(sequence: content.sequence, hash: stored)
            }
            if let expected, !headSeen, firstBreak == nil { firstBreak = Self.missingHead(expected) }
            return ChainVerification(eventCount: count, head: head, firstBreak: firstBreak)
        }
    }

    private static func missingHead(_ head: ChainHead) -> ChainVerification.Break {
        .init(sequence: head.sequence, problem: "the recorded head's event is gone: events up to it were removed (the log was truncated)")
    }

    /// The current chain head, or `nil` for an empty log (no check made).
    public func chainHead() throws -> ChainHead? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT seq, chain FROM event ORDER BY seq DESC LIMIT 1").map {
                ChainHead(sequence: $0["seq"], hash: $0["chain"])
            }
        }
    }
}
