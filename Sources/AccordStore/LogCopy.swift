import AccordCore
import Foundation

/// What `accord db copy` carries from one store to another beside the events: the metadata
/// rows (the database id, which names the key file, the centre settings' seal and the
/// store's markers), the sessions' seals, the issued document versions, the web interface's
/// accounts (`web_user`) and its access log (`web_access`, numbers and order kept), as the
/// source holds them. The projections (session summary, audit rows and cells) are not
/// carried: the destination rebuilds them from the events. Neither are the web interface's
/// transient rows: sign-ins (everyone signs in again), failure counters and patient's
/// screens (hand the screen over again).
package struct LogCopy: Sendable, Hashable {
    /// One `session_seal` row.
    package struct Seal: Sendable, Hashable {
        package var sessionNumber: Int64
        package var eventCount: Int64
        package var lastSequence: Int64
        package var tag: String

        package init(sessionNumber: Int64, eventCount: Int64, lastSequence: Int64, tag: String) {
            self.sessionNumber = sessionNumber
            self.eventCount = eventCount
            self.lastSequence = lastSequence
            self.tag = tag
        }
    }

    /// One `document_version` row.
    package struct Version: Sendable, Hashable {
        package var sessionNumber: Int64
        package var profile: String
        package var version: Int64
        package var lastSessionSequence: Int64
        /// The export instant, as stored (UTC, RFC 3339 text).
        package var exportedAt: String

        package init(sessionNumber: Int64, profile: String, version: Int64, lastSessionSequence: Int64, exportedAt: String) {
            self.sessionNumber = sessionNumber
            self.profile = profile
            self.version = version
            self.lastSessionSequence = lastSessionSequence
            self.exportedAt = exportedAt
        }
    }

    /// The `metadata` rows to carry, by key (``carriedMetadata(_:)``).
    package var metadata: [String: String]
    /// The sessions' seals.
    package var seals: [Seal]
    /// The issued document versions.
    package var versions: [Version]
    /// The web interface's accounts, by IdNat_PS.
    package var accounts: [WebAccount]
    /// The web interface's access log, by number.
    package var accessReads: [WebAccessRecord]

    package init(
        metadata: [String: String], seals: [Seal], versions: [Version], accounts: [WebAccount] = [], accessReads: [WebAccessRecord] = []
    ) {
        self.metadata = metadata
        self.seals = seals
        self.versions = versions
        self.accounts = accounts
        self.accessReads = accessReads
    }

    /// Writes the carried web rows into a destination, inside its copy's transaction: the
    /// accounts as they are, the access log's reads with their numbers.
    package func writeWebRows(_ sql: any WebSQL) throws {
        for account in accounts { try WebAccountStore.insert(account, sql) }
        let overriding = sql.style == .postgres ? " OVERRIDING SYSTEM VALUE" : ""
        for start in stride(from: 0, to: accessReads.count, by: Self.readsPerStatement) {
            let chunk = accessReads[start..<min(start + Self.readsPerStatement, accessReads.count)]
            try sql.query(
                "INSERT INTO web_access (\(WebAccessRecord.columns))\(overriding) VALUES "
                    + Array(repeating: "(?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "),
                chunk.flatMap { read -> [SQLValue] in
                    [.of(read.id), .text(read.at), .text(read.idnatPS), .integer(read.sessionNumber), .text(read.page)]
                })
        }
    }

    /// Access reads per multi-row `INSERT` of a copy (5 values each: under the 999 bound
    /// values of older SQLite builds).
    static let readsPerStatement = 150

    /// The metadata keys a store keeps for itself and a copy does not carry: the schema
    /// version (each store has its own) and the marker of summarised sessions (the copy
    /// summarises every session).
    package static let storeOwnKeys: Set<String> = ["schema_version", ConsultationStore.summaryCompleteKey]

    /// `rows` without ``storeOwnKeys``.
    package static func carriedMetadata(_ rows: [(String, String)]) -> [String: String] {
        var kept: [String: String] = [:]
        for (key, value) in rows where !storeOwnKeys.contains(key) { kept[key] = value }
        return kept
    }

    /// How many sessions a destination folds and summarises per query (the events of that
    /// many sessions are read at once).
    package static let sessionsPerBatch = 500

    /// The sessions' numbers in `numbers` (sorted) cut into batches of ``sessionsPerBatch``.
    package static func batches(_ numbers: [Int64]) -> [ClosedRange<Int64>] {
        stride(from: 0, to: numbers.count, by: sessionsPerBatch).map {
            numbers[$0]...numbers[min($0 + sessionsPerBatch, numbers.count) - 1]
        }
    }

    /// Folds the events of several sessions (ordered by session, then session sequence) into
    /// one group per session.
    package static func groupBySession(_ events: [EventRecord]) -> [[EventRecord]] {
        var groups: [[EventRecord]] = []
        for event in events {
            if let last = groups.last?.last, last.sessionNumber == event.sessionNumber {
                groups[groups.count - 1].append(event)
            } else {
                groups.append([event])
            }
        }
        return groups
    }

    /// The refusal of a destination that is not empty.
    package static func notEmpty(_ destination: String) -> AccordError {
        AccordError(
            .conflict,
            "the destination \(destination) is not empty; copy into a database made by `accord db init` with no event, web account or access read, or a new SQLite file (nothing was copied).",
            field: "--to")
    }
}

/// A store `accord db copy` reads from.
package protocol LogCopySource {
    /// Calls `event` with every event of the log in sequence order, then returns the other rows
    /// a copy carries (``LogCopy``), all read from one snapshot.
    /// - Throws: `AccordError` from the store, or what `event` throws.
    func copyOut(_ event: (EventRecord) throws -> Void) throws -> LogCopy
}
