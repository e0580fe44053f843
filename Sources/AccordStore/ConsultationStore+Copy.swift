import AccordCore
import Foundation
import GRDB
import Logging

extension ConsultationStore: LogCopySource {
    // MARK: - Copying a log out

    package func copyOut(_ event: (EventRecord) throws -> Void) throws -> LogCopy {
        try read { db in
            // Copied rows, each value read with a check: one stored with another type (a row
            // changed outside Accord) stops the copy with an error instead of the process.
            let metadata = try Row.fetchAll(db, sql: "SELECT key, value FROM metadata").map { row -> (String, String) in
                (try row.decode(String.self, forColumn: "key"), try row.decode(String.self, forColumn: "value"))
            }
            let seals = try Row.fetchAll(db, sql: "SELECT session_number, event_count, last_seq, tag FROM session_seal").map {
                LogCopy.Seal(
                    sessionNumber: try $0.decode(forColumn: "session_number"), eventCount: try $0.decode(forColumn: "event_count"),
                    lastSequence: try $0.decode(forColumn: "last_seq"), tag: try $0.decode(forColumn: "tag"))
            }
            let versions = try Row.fetchAll(
                db, sql: "SELECT session_number, profile, version, last_session_seq, exported_at FROM document_version"
            ).map {
                LogCopy.Version(
                    sessionNumber: try $0.decode(forColumn: "session_number"), profile: try $0.decode(forColumn: "profile"),
                    version: try $0.decode(forColumn: "version"), lastSessionSequence: try $0.decode(forColumn: "last_session_seq"),
                    exportedAt: try $0.decode(forColumn: "exported_at"))
            }
            let events = try EventRecord.order(EventRecord.Columns.sequence).fetchCursor(db)
            while let record = try events.next() { try event(record) }
            let web = SQLiteWebSQL(db: db)
            return LogCopy(
                metadata: LogCopy.carriedMetadata(metadata), seals: seals, versions: versions, accounts: try WebAccountStore.accounts(web),
                accessReads: try AccessLogStore.reads(web))
        }
    }

    // MARK: - Copying a log in

    /// Creates a new SQLite database at `path` holding a copy of another store's log
    /// (`accord db copy`): every event as it is (every column, the same text), the carried
    /// metadata (``LogCopy``: the database id, so that the same key file serves both), the
    /// sessions' seals (a session the source had not sealed yet is sealed from its events),
    /// the issued document versions, the web accounts and the access log (``LogCopy``); then
    /// the session summaries and the audit rows and cells
    /// rebuilt from the copied events (``SessionSummaryProjection``, ``AuditSummary``).
    ///
    /// All of it is one transaction; when anything fails, the new file is removed (nothing
    /// half-written is left).
    ///
    /// - Parameters:
    ///   - path: the new database file, which must not exist.
    ///   - key: the source's chain key (the audit's pseudonyms and the seals come from it).
    ///   - clock: the clock of the new store.
    ///   - logger: where the store logs.
    ///   - source: calls its argument with every event in sequence order, then returns the other
    ///     rows (``LogCopySource/copyOut(_:)``).
    /// - Returns: how many events were copied.
    /// - Throws: `AccordError` (`conflict`) when something exists at `path`; (`io`) when the file
    ///   cannot be written; what `source` throws.
    package static func importLog(
        path: String, key: ChainKey, clock: AccordClock, logger: Logger = .current,
        from source: ((EventRecord) throws -> Void) throws -> LogCopy
    ) throws -> Int {
        let manager = FileManager.default
        for name in [path, path + "-wal", path + "-shm", path + "-journal"] where manager.fileExists(atPath: name) {
            throw LogCopy.notEmpty("SQLite file")
        }
        do {
            let store = try open(path: path, clock: clock, logger: logger)
            return try store.importLog(key: key, from: source)
        } catch {
            for name in [path, path + "-wal", path + "-shm"] { try? manager.removeItem(atPath: name) }
            throw error
        }
    }

    private func importLog(key: ChainKey, from source: ((EventRecord) throws -> Void) throws -> LogCopy) throws -> Int {
        do {
            return try writer.write { db in
                guard try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM event) + (SELECT COUNT(*) FROM session)") == 0 else {
                    throw LogCopy.notEmpty("SQLite file")
                }
                let placeholder = try db.makeStatement(
                    sql: "INSERT OR IGNORE INTO session (number, status, started_at, event_count, topic) VALUES (?, 'open', '', 0, '')")
                let insert = try db.makeStatement(
                    sql: """
                        INSERT INTO event (seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                var count = 0
                var sessions: [Int64] = []
                var lastSession: Int64 = 0
                let copy = try source { event in
                    if let number = event.sessionNumber, number != lastSession {
                        try placeholder.execute(arguments: [number])
                        if db.changesCount > 0 { sessions.append(number) }
                        lastSession = number
                    }
                    try insert.execute(arguments: [
                        event.sequence, event.sessionNumber, event.sessionSequence, event.recordedAt, event.author, event.kind,
                        event.payload, event.reason, event.chain,
                    ])
                    count += 1
                }
                for (name, value) in copy.metadata {
                    try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)", arguments: [name, value])
                }
                var sealed: Set<Int64> = []
                for seal in copy.seals {
                    try db.execute(
                        sql: "INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES (?, ?, ?, ?)",
                        arguments: [seal.sessionNumber, seal.eventCount, seal.lastSequence, seal.tag])
                    sealed.insert(seal.sessionNumber)
                }
                try Self.rebuildProjections(sessions.sorted(), sealed: sealed, key: key, db: db)
                for version in copy.versions {
                    try db.execute(
                        sql: """
                            INSERT INTO document_version (session_number, profile, version, last_session_seq, exported_at)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            version.sessionNumber, version.profile, version.version, version.lastSessionSequence, version.exportedAt,
                        ])
                }
                try copy.writeWebRows(SQLiteWebSQL(db: db))
                for name in [Self.sessionsSealedKey, Self.summaryCompleteKey] {
                    try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, '1')", arguments: [name])
                }
                return count
            }
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: nil)
        }
    }

    /// Folds each session from its copied events and writes its summary row, its audit rows
    /// and cells, and its seal when the source had none.
    private static func rebuildProjections(_ numbers: [Int64], sealed: Set<Int64>, key: ChainKey, db: Database) throws {
        for range in LogCopy.batches(numbers) {
            let events = try EventRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM event WHERE session_number BETWEEN ? AND ? ORDER BY session_number, session_seq
                    """, arguments: [range.lowerBound, range.upperBound])
            for group in LogCopy.groupBySession(events) {
                let consultation = try Consultation(events: group.map { try $0.recordedEvent() })
                try SessionSummaryProjection.restore(consultation, db: db)
                try AuditSummary.refresh(consultation, db: db, key: key)
                if let last = group.last, let number = last.sessionNumber, !sealed.contains(number) {
                    try db.execute(
                        sql: "INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES (?, ?, ?, ?)",
                        arguments: [
                            number, group.count, last.sequence,
                            key.seal(session: number, eventCount: group.count, lastSequence: last.sequence, lastChain: last.chain),
                        ])
                }
            }
        }
    }
}
