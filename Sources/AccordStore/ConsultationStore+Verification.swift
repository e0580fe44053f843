import AccordCore
import Foundation
import GRDB
import GRDBSQLite

/// What `accord verify` found.
public struct ChainVerification: Sendable, Hashable {
    /// The first broken link: the event's sequence number and what differs.
    public struct Break: Sendable, Hashable {
        /// The sequence number where the chain breaks.
        public var sequence: Int64
        /// What differs, in words (no content of the event).
        public var problem: String

        package init(sequence: Int64, problem: String) {
            self.sequence = sequence
            self.problem = problem
        }
    }

    /// How many events were checked.
    public var eventCount: Int
    /// The chain head (the last event's sequence and chain value), `nil` for an empty log.
    public var head: ChainHead?
    /// The first broken link, or `nil` when the chain is whole.
    public var firstBreak: Break?
    /// How many document versions the log records as issued (`document-issued` events), each
    /// id once with one content.
    public var issuedDocumentCount = 0
    /// How many of them were issued before each profile had its own id branch with an id that
    /// a document of another profile also carries (the CDA and FHIR documents of one version
    /// then shared `ROOT.1.S.V`). Not a break: they keep their ids; their later versions are
    /// issued under each profile's branch.
    public var legacySharedIDCount = 0

    package init(
        eventCount: Int, head: ChainHead?, firstBreak: Break?, issuedDocumentCount: Int = 0, legacySharedIDCount: Int = 0
    ) {
        self.eventCount = eventCount
        self.head = head
        self.firstBreak = firstBreak
        self.issuedDocumentCount = issuedDocumentCount
        self.legacySharedIDCount = legacySharedIDCount
    }
}

/// The issued documents met while verifying: every document id issued once with one content
/// (SHA-256) whatever the profile — but for documents issued before each profile had its own id
/// branch, which are checked per profile — each version of a set following the one before.
package struct IssuedDocumentCheck {
    package init() {}

    private var digests: [String: (profile: String, digest: String)] = [:]
    /// The first profile and content of each id issued before the id branches.
    private var legacyByID: [String: (profile: String, digest: String)] = [:]
    /// The last version issued of each session's document under each profile.
    private var lastVersion: [VersionSet: Int] = [:]

    /// A session's documents under one profile (a struct rather than an interpolated text:
    /// `verify` meets one issue per exported document).
    private struct VersionSet: Hashable {
        var session: Int64
        var profile: String
    }

    /// How many issues were met.
    package var count = 0
    /// How many documents issued before the id branches carry an id another profile's
    /// document issued before them also carries.
    package var legacySharedIDCount = 0

    /// Adds one `document-issued` event; returns what is wrong with it, or `nil`.
    package mutating func add(_ content: EventContent) -> String? {
        guard case .documentIssued(let issue)? = try? EventPayload.decode(content.payload),
            let number = content.sessionNumber
        else { return "its payload is not a document issue" }
        count += 1
        // One content per id. Each profile has its own id branch (AccordCore's `DocumentIDs`),
        // so an id is issued once whatever the profile. Documents issued before the branches
        // (no `id_branch`) shared their ids between profiles (a session's CDA and FHIR version 1
        // were both ROOT.1.S.1): among those, an id is checked per profile, and the sharing is
        // counted (``legacySharedIDCount``), not a break.
        let key = issue.idBranch == nil ? "\(issue.profile) \(issue.documentID)" : issue.documentID
        if let seen = digests[key] ?? (issue.idBranch == nil ? nil : legacyByID[issue.documentID]) {
            if seen.profile != issue.profile {
                return "\(issue.profile) document \(issue.documentID) has the id of a \(seen.profile) document issued before"
            }
            return seen.digest == issue.sha256
                ? "\(issue.profile) document \(issue.documentID) is recorded as issued twice"
                : "\(issue.profile) document \(issue.documentID) was issued before with other content"
        }
        if issue.idBranch == nil {
            if legacyByID[issue.documentID] != nil {
                legacySharedIDCount += 1
            } else {
                legacyByID[issue.documentID] = (issue.profile, issue.sha256)
            }
        } else if let legacy = legacyByID[issue.documentID] {
            return "\(issue.profile) document \(issue.documentID) has the id of a \(legacy.profile) document issued before"
        }
        digests[key] = (issue.profile, issue.sha256)
        // The first issue of a set may follow versions exported before issues were recorded.
        let set = VersionSet(session: number, profile: issue.profile)
        if let last = lastVersion[set], issue.version != last + 1 {
            return "version \(issue.version) of session S\(number)'s \(issue.profile) document does not follow version \(last)"
        }
        lastVersion[set] = issue.version
        return nil
    }
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
        return try read { db in try Self.verifyChain(db, key: key, head: expected) }
    }

    /// The whole-chain check of ``verify(head:)``, inside a transaction of the caller's.
    ///
    /// The log is read by one statement, its raw rows copied into batches of
    /// ``verifyBatchSize`` events (no payload decoded, no ``EventRecord`` made); each batch's
    /// chain values are recomputed on other threads while the next batch is read, then the
    /// batch is walked in order (``ChainWalk``).
    static func verifyChain(_ db: Database, key: ChainKey, head expected: ChainHead?) throws -> ChainVerification {
        var walk = ChainWalk(key: key, head: expected)
        let statement = try db.makeStatement(
            sql: "SELECT seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain FROM event ORDER BY seq")
        let sqlite = statement.sqliteStatement
        defer { sqlite3_reset(sqlite) }
        // One SQLite call per column where the value decides: NULL gives no text pointer, and
        // only a 0 can be a NULL integer.
        func integer(_ column: Int32) -> Int64? {
            let value = sqlite3_column_int64(sqlite, column)
            return value == 0 && sqlite3_column_type(sqlite, column) == SQLITE_NULL ? nil : value
        }
        func text(_ column: Int32) -> EventBatch.RawText {
            guard let pointer = sqlite3_column_text(sqlite, column) else { return EventBatch.RawText(pointer: nil, count: 0) }
            return EventBatch.RawText(pointer: pointer, count: Int(sqlite3_column_bytes(sqlite, column)))
        }
        // Whether each column's storage class is the one Accord writes (integer, then text, or
        // NULL), asked before any value is read: reading converts it.
        func isStoredAsWritten() -> Bool {
            for column: Int32 in 0...2 where !Self.isInteger(sqlite3_column_type(sqlite, column)) { return false }
            for column: Int32 in 3...8 where !Self.isText(sqlite3_column_type(sqlite, column)) { return false }
            return true
        }
        var done = false
        func read(into batch: inout EventBatch) throws {
            batch.removeAll()
            while !done && batch.count < verifyBatchSize {
                switch sqlite3_step(sqlite) {
                case SQLITE_ROW:
                    let storedAsWritten = isStoredAsWritten()
                    batch.append(
                        sequence: integer(0) ?? 0, sessionNumber: integer(1), sessionSequence: integer(2).map { Int($0) },
                        recordedAt: text(3), author: text(4), kind: text(5), payload: text(6), reason: text(7), chain: text(8),
                        storedAsWritten: storedAsWritten)
                case SQLITE_DONE:
                    done = true
                case let code:
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                        sql: statement.sql)
                }
            }
        }
        // Two batches: one being read while the links of the other are computed.
        let mac = key.mac
        var reading = EventBatch(capacity: verifyBatchSize)
        var previous: [UInt8] = []
        var pending: EventBatch.LinkJob?
        while true {
            try read(into: &reading)
            let finished = pending?.finish()
            pending = nil
            if let finished { walk.add(finished.batch, links: finished.links) }
            if reading.count == 0 { break }
            let next = reading.lastChainBytes
            pending = EventBatch.LinkJob(reading, mac: mac, previous: previous)
            previous = next
            // The walked batch's storage is reused for the next one.
            reading = finished?.batch ?? EventBatch(capacity: verifyBatchSize)
        }
        return try walk.verification { try sealBreak(db, key: key, mac: mac) }
    }

    /// Whether a column of storage class `type` (`sqlite3_column_type`) holds an integer as
    /// Accord writes one (or NULL).
    static func isInteger(_ type: Int32) -> Bool { type == SQLITE_INTEGER || type == SQLITE_NULL }

    /// Whether a column of storage class `type` holds text as Accord writes it (or NULL).
    static func isText(_ type: Int32) -> Bool { type == SQLITE_TEXT || type == SQLITE_NULL }

    /// How many events ``verifyChain(_:key:head:)`` reads before computing their links.
    static let verifyBatchSize = 4096

    /// The first session whose seal does not match its events (its last event removed, even
    /// from the end of the log, or the seal changed), as a break at its last event.
    private static func sealBreak(_ db: Database, key: ChainKey, mac: ChainMAC) throws -> ChainVerification.Break? {
        let statement = try db.makeStatement(
            sql: """
                SELECT s.session_number, s.event_count, s.last_seq, s.tag, e.seq, e.session_seq, e.chain
                FROM session_seal s LEFT JOIN event e ON e.session_number = s.session_number
                    AND e.session_seq = (SELECT MAX(session_seq) FROM event f WHERE f.session_number = s.session_number)
                ORDER BY s.session_number
                """)
        let sqlite = statement.sqliteStatement
        defer { sqlite3_reset(sqlite) }
        func integer(_ column: Int32) -> Int64? {
            sqlite3_column_type(sqlite, column) == SQLITE_NULL ? nil : sqlite3_column_int64(sqlite, column)
        }
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard sqlite3_column_type(sqlite, column) != SQLITE_NULL, let pointer = sqlite3_column_text(sqlite, column) else {
                return nil
            }
            return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(sqlite, column)))
        }
        while true {
            switch sqlite3_step(sqlite) {
            case SQLITE_ROW:
                // The seal's count, last event and tag as Accord writes them: integers, and
                // text of hexadecimal digits (asked before any value is read: reading converts).
                let sealStoredAsWritten =
                    sqlite3_column_type(sqlite, 1) == SQLITE_INTEGER && sqlite3_column_type(sqlite, 2) == SQLITE_INTEGER
                    && sqlite3_column_type(sqlite, 3) == SQLITE_TEXT
                let number = integer(0) ?? 0
                let eventCount = integer(1) ?? 0
                let lastSequence = integer(2) ?? 0
                // The common case, read from the columns (stored text with no NUL byte and
                // ASCII, as a seal and a chain value are); anything else goes the decoded way.
                if sealStoredAsWritten, let tag = text(3), let chain = text(6), integer(4) == lastSequence,
                    integer(5) == eventCount, isPlainASCII(tag), isPlainASCII(chain),
                    ChainKey.sealMatches(
                        tag, mac: mac, session: number, eventCount: Int(eventCount), lastSequence: lastSequence, lastChain: chain)
                {
                    continue
                }
                let seal = ChainWalk.SealedSession(
                    number: number, eventCount: Int(eventCount), lastSequence: lastSequence,
                    tag: text(3).map(Self.string) ?? "", foundLastSequence: integer(4), foundEventCount: integer(5).map { Int($0) },
                    foundLastChain: text(6).map(Self.string),
                    isStoredAsWritten: sealStoredAsWritten && text(3).map(isPlainASCII) == true)
                if let broken = seal.problem(key: key) { return broken }
            case SQLITE_DONE:
                return nil
            case let code:
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                    sql: statement.sql)
            }
        }
    }

    /// A text column's value as GRDB reads a `String`: cut at its first NUL byte, invalid
    /// UTF-8 repaired.
    private static func string(_ text: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[..<(text.firstIndex(of: 0) ?? text.count)]), as: UTF8.self)
    }

    /// Whether `text` is ASCII without NUL: its `String` has exactly these bytes.
    private static func isPlainASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        var lowest: UInt8 = 0xFF
        for byte in text {
            high |= byte
            lowest = min(lowest, byte)
        }
        return high < 0x80 && (lowest != 0 || text.isEmpty)
    }

    /// The metadata key set once every session has its seal.
    package static let sessionsSealedKey = "sessions_sealed"

    /// Seals the sessions recorded before seals existed, once, after the whole chain is checked
    /// (as long as `accord verify`); afterwards it costs one lookup. A batch export calls it
    /// before its first session, so that each session is then checked by its own events.
    ///
    /// - Throws: `AccordError` (`conflict`) when the chain is broken (run `accord verify`);
    ///   `io` without the chain key; `busy`.
    public func sealSessionsRecordedBefore() throws {
        let sealed = try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [Self.sessionsSealedKey]) == "1"
        }
        if sealed { return }
        try write { recorder in
            if let broken = try Self.verifyChain(recorder.db, key: recorder.key, head: nil).firstBreak {
                throw AccordError(
                    .conflict,
                    "the event chain is broken at event \(broken.sequence), and sessions recorded before Accord sealed each session can be checked only by the whole chain; run `accord verify` (nothing was recorded or exported)."
                )
            }
            try EventRecorder.sealUnsealedSessions(recorder.db, key: recorder.key)
        }
        logger.info("sealed the sessions recorded before session seals existed")
    }

    package static func missingHead(_ head: ChainHead) -> ChainVerification.Break {
        .init(sequence: head.sequence, problem: "the recorded head's event is gone: events up to it were removed (the log was truncated)")
    }

    /// Calls `body` with each event of the log in sequence order from `sequence` on, read by
    /// a cursor inside one read transaction (see ``EventStore/readLog(from:_:)``).
    /// - Throws: what `body` throws; `AccordError` (`io`) when the database fails.
    public func readLog(from sequence: Int64 = 1, _ body: (EventRecord) throws -> Void) throws {
        try read { db in
            let events = try EventRecord.filter(EventRecord.Columns.sequence >= sequence).order(EventRecord.Columns.sequence)
                .fetchCursor(db)
            while let event = try events.next() { try body(event) }
        }
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

/// The whole-chain check, fed the log's events in sequence order by any store, in batches
/// (``EventBatch``): each event's link recomputed (in parallel within a batch, as each link
/// needs only the chain value stored with the event before), then, in order, the sequence
/// gapless, each session's sequence following its previous event, each issued document once
/// with one content, and the recorded head still there.
package struct ChainWalk {
    let key: ChainKey
    let expected: ChainHead?
    /// The chain value stored with the last event added (empty before the first).
    private var previous: [UInt8] = []
    private var expectedSequence: Int64 = 1
    private var sessionSequences: [Int64: Int] = [:]
    private var count = 0
    private var lastSequence: Int64?
    private var firstBreak: ChainVerification.Break?
    private var headSeen = false
    private var issued = IssuedDocumentCheck()

    /// A walk checking with `key`; with `head`, also that the event at that head is still there
    /// with the same chain value.
    package init(key: ChainKey, head expected: ChainHead?) {
        self.key = key
        self.expected = expected
    }

    /// The problem of an event whose link matches but whose row holds a value Accord never
    /// writes (``EventBatch/Entry/isStoredAsWritten``).
    package static let storedOtherwise =
        "it holds a value Accord never writes (a NUL byte, invalid UTF-8, or a number or text stored as another type): the event was changed outside Accord"

    /// Checks the next events of the log, recomputing their links on the machine's cores.
    package mutating func add(_ batch: EventBatch) {
        add(batch, links: batch.links(key: key, previous: previous))
    }

    /// Checks the next events of the log, whose links were recomputed (`links[i]`: event `i`'s
    /// stored chain value is the HMAC of its content and the chain value of the event before).
    mutating func add(_ batch: EventBatch, links: [Bool]) {
        for i in 0..<batch.count {
            let entry = batch.entries[i]
            let sequence = entry.sequence
            count += 1
            // The session's event before this one (0: none), its place taken by this one.
            var sessionBefore = 0
            if let number = entry.sessionNumber, let sessionSequence = entry.sessionSequence {
                sessionBefore = sessionSequences.updateValue(sessionSequence, forKey: number) ?? 0
            }
            if firstBreak == nil {
                if sequence != expectedSequence {
                    firstBreak = .init(
                        sequence: expectedSequence,
                        problem: sequence > expectedSequence
                            ? "events \(expectedSequence)…\(sequence - 1) are missing (removed)"
                            : "event \(sequence) appears twice")
                } else if !links[i] {
                    firstBreak = .init(
                        sequence: sequence,
                        problem: "its chain value does not match its content: the event was edited, or moved from elsewhere in the log")
                } else if !entry.isStoredAsWritten {
                    firstBreak = .init(sequence: sequence, problem: Self.storedOtherwise)
                } else if let number = entry.sessionNumber, let sessionSequence = entry.sessionSequence,
                    sessionSequence != sessionBefore &+ 1
                {
                    firstBreak = .init(
                        sequence: sequence,
                        problem: "it is event \(sessionSequence) of session S\(number), whose previous event was \(sessionBefore)")
                } else if batch.isDocumentIssue(i), let problem = issued.add(batch.content(i)) {
                    firstBreak = .init(sequence: sequence, problem: problem)
                }
            }
            if let expected, sequence == expected.sequence {
                headSeen = true
                if batch.chain(i) != expected.hash && firstBreak == nil {
                    firstBreak = .init(
                        sequence: expected.sequence, problem: "its chain value differs from the recorded head: the log was rewritten")
                }
            }
            // A sequence edited to the largest number wraps (the break is reported, not a crash).
            expectedSequence = sequence &+ 1
        }
        if let last = batch.entries.last {
            lastSequence = last.sequence
            previous = batch.lastChainBytes
        }
    }

    /// What the walk found once every event was added; `sealBreak` (the store's check of the
    /// session seals, ``SealedSession``) runs only when the chain itself is whole.
    package func verification(sealBreak: () throws -> ChainVerification.Break?) rethrows -> ChainVerification {
        var firstBreak = self.firstBreak
        if let expected, !headSeen, firstBreak == nil { firstBreak = ConsultationStore.missingHead(expected) }
        if firstBreak == nil { firstBreak = try sealBreak() }
        let head = lastSequence.map { ChainHead(sequence: $0, hash: String(decoding: previous, as: UTF8.self)) }
        return ChainVerification(
            eventCount: count, head: head, firstBreak: firstBreak, issuedDocumentCount: issued.count,
            legacySharedIDCount: issued.legacySharedIDCount)
    }

    /// A session's seal and the last event found for it (`nil`s: none found).
    package struct SealedSession {
        package var number: Int64
        package var eventCount: Int
        package var lastSequence: Int64
        package var tag: String
        package var foundLastSequence: Int64?
        package var foundEventCount: Int?
        package var foundLastChain: String?
        /// Whether the seal's row holds its values as Accord writes them (integers, and a tag of
        /// ASCII text without a NUL byte); a seal stored otherwise was changed.
        package var isStoredAsWritten: Bool

        package init(
            number: Int64, eventCount: Int, lastSequence: Int64, tag: String, foundLastSequence: Int64?, foundEventCount: Int?,
            foundLastChain: String?, isStoredAsWritten: Bool = true
        ) {
            self.isStoredAsWritten = isStoredAsWritten
            self.number = number
            self.eventCount = eventCount
            self.lastSequence = lastSequence
            self.tag = tag
            self.foundLastSequence = foundLastSequence
            self.foundEventCount = foundEventCount
            self.foundLastChain = foundLastChain
        }

        /// The break when the session's events do not match its seal, else `nil`.
        package func problem(key: ChainKey) -> ChainVerification.Break? {
            guard isStoredAsWritten, let foundLastChain, foundLastSequence == lastSequence, foundEventCount == eventCount,
                tag == key.seal(session: number, eventCount: eventCount, lastSequence: lastSequence, lastChain: foundLastChain)
            else {
                return .init(
                    sequence: lastSequence,
                    problem:
                        "session S\(number)'s events do not match its seal: its last event (\(lastSequence)) was removed, or the seal was changed"
                )
            }
            return nil
        }
    }
}
