import AccordCore
import AccordStore
import Foundation

extension PostgresEventStore: LogCopySource {
    // MARK: - Copying a log out

    package func copyOut(_ event: (EventRecord) throws -> Void) throws -> LogCopy {
        try read {
            let metadata = try link.query("SELECT key, value FROM metadata").map { (try $0.text("key") ?? "", try $0.text("value") ?? "") }
            let seals = try link.query("SELECT session_number, event_count, last_seq, tag FROM session_seal").map {
                LogCopy.Seal(
                    sessionNumber: try $0.integer("session_number") ?? 0, eventCount: try $0.integer("event_count") ?? 0,
                    lastSequence: try $0.integer("last_seq") ?? 0, tag: try $0.text("tag") ?? "")
            }
            let versions = try link.query("SELECT session_number, profile, version, last_session_seq, exported_at FROM document_version")
                .map {
                    LogCopy.Version(
                        sessionNumber: try $0.integer("session_number") ?? 0, profile: try $0.text("profile") ?? "",
                        version: try $0.integer("version") ?? 0, lastSessionSequence: try $0.integer("last_session_seq") ?? 0,
                        exportedAt: try $0.text("exported_at") ?? "")
                }
            try link.query(
                "DECLARE accord_copy NO SCROLL CURSOR FOR SELECT \(PostgresRecorder.eventColumns) FROM event ORDER BY seq")
            while true {
                let rows = try link.query("FETCH FORWARD 5000 FROM accord_copy")
                if rows.isEmpty { break }
                for row in rows { try event(try PostgresRecorder.event(row)) }
            }
            try link.query("CLOSE accord_copy")
            let web = PostgresWebSQL(link: link)
            return LogCopy(
                metadata: LogCopy.carriedMetadata(metadata), seals: seals, versions: versions, accounts: try WebAccountStore.accounts(web),
                accessReads: try AccessLogStore.reads(web))
        }
    }

    // MARK: - Copying a log in

    /// Fills this database, made by `accord db init` and holding no event, with a copy of
    /// another store's log (`accord db copy`): every event as it is (every column, the same
    /// text), the carried metadata (``AccordStore/LogCopy``: the database id, so that the same
    /// key file serves both), the sessions' seals (a session the source had not sealed yet is
    /// sealed from its events), the issued document versions, the web accounts and the access
    /// log (numbers kept); then each session's summary row (``PostgresRecorder``), audit rows
    /// and cells (``PostgresAuditSummary``) rebuilt from the copied events.
    ///
    /// All of it is one transaction holding the append lock: when anything fails, the database
    /// is left as it was. Events go in several thousand rows per statement.
    ///
    /// - Parameters:
    ///   - key: the source's chain key (the audit's pseudonyms and the seals come from it).
    ///   - source: calls its argument with every event in sequence order, then returns the
    ///     other rows (``AccordStore/LogCopySource/copyOut(_:)``).
    /// - Returns: how many events were copied.
    /// - Throws: `AccordError` (`conflict`) when the database holds events, sessions, web
    ///   accounts or access reads; (`io`, `busy`) from the server; what `source` throws.
    package func importLog(key: ChainKey, from source: ((EventRecord) throws -> Void) throws -> LogCopy) throws -> Int {
        try link.transaction(setUp: [
            "SET LOCAL lock_timeout = '\(busyTimeoutMilliseconds)ms'", "SELECT pg_advisory_xact_lock(\(Self.appendLock))",
        ]) {
            let present =
                try link.query(
                    """
                    SELECT (SELECT COUNT(*) FROM event) + (SELECT COUNT(*) FROM session) + (SELECT COUNT(*) FROM web_user)
                        + (SELECT COUNT(*) FROM web_access) AS n
                    """
                ).first?.integer("n") ?? 0
            guard present == 0 else { throw LogCopy.notEmpty(location.description) }
            var pending: [EventRecord] = []
            var sessions: [Int64] = []
            var known: Set<Int64> = []
            var count = 0
            func flush() throws {
                let fresh = pending.compactMap(\.sessionNumber).filter { known.insert($0).inserted }
                sessions += fresh
                try insertRows(
                    "INSERT INTO session (number, status, started_at, event_count, topic) VALUES", shape: "($, 'open', '', 0, '')",
                    rows: fresh.map { [.integer($0)] })
                try insertRows(
                    "INSERT INTO event (\(PostgresRecorder.eventColumns)) VALUES", shape: "($, $, $, $, $, $, $, $, $)",
                    rows: pending.map {
                        [
                            .integer($0.sequence), .of($0.sessionNumber), .of($0.sessionSequence), .text($0.recordedAt),
                            .text($0.author), .text($0.kind), .text($0.payload), .of($0.reason), .text($0.chain),
                        ]
                    })
                count += pending.count
                pending.removeAll(keepingCapacity: true)
            }
            let copy = try source { event in
                pending.append(event)
                if pending.count == Self.rowsPerStatement { try flush() }
            }
            try flush()
            try insertRows(
                "INSERT INTO metadata (key, value) VALUES", shape: "($, $)",
                rows: copy.metadata.sorted { $0.key < $1.key }.map { [.text($0.key), .text($0.value)] },
                suffix: " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            try insertRows(
                "INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES", shape: "($, $, $, $)",
                rows: copy.seals.map { [.integer($0.sessionNumber), .integer($0.eventCount), .integer($0.lastSequence), .text($0.tag)] })
            try rebuildProjections(sessions.sorted(), sealed: Set(copy.seals.map(\.sessionNumber)), key: key)
            try insertRows(
                "INSERT INTO document_version (session_number, profile, version, last_session_seq, exported_at) VALUES",
                shape: "($, $, $, $, $)",
                rows: copy.versions.map {
                    [
                        .integer($0.sessionNumber), .text($0.profile), .integer($0.version), .integer($0.lastSessionSequence),
                        .text($0.exportedAt),
                    ]
                })
            try copy.writeWebRows(PostgresWebSQL(link: link))
            try insertRows(
                "INSERT INTO metadata (key, value) VALUES", shape: "($, '1')",
                rows: [[.text(ConsultationStore.sessionsSealedKey)], [.text(ConsultationStore.summaryCompleteKey)]],
                suffix: " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            return count
        }
    }

    /// Rows per multi-row `INSERT` of events (9 values each: under PostgreSQL's 65,535 bound
    /// values per statement).
    static let rowsPerStatement = 5_000

    /// Inserts `rows` with as few statements as the bound-value limit allows: `head` then one
    /// `shape` per row (each `$` in it numbered in turn), then `suffix`.
    private func insertRows(_ head: String, shape: String, rows: [[SQLValue]], suffix: String = "") throws {
        guard let width = rows.first?.count, width > 0 else { return }
        let perStatement = max(1, 60_000 / width)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var sql = head
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * width)
            for (index, row) in chunk.enumerated() {
                sql += index == 0 ? " " : ", "
                for part in shape.split(separator: "$", omittingEmptySubsequences: false).enumerated() {
                    if part.offset > 0 {
                        values.append(row[part.offset - 1])
                        sql += "$\(values.count)"
                    }
                    sql += part.element
                }
            }
            try link.query(sql + suffix, values)
        }
    }

    /// Folds each session from its copied events and writes its summary row, its audit rows
    /// and cells, and its seal when the source had none: the events of ``AccordStore/LogCopy/sessionsPerBatch``
    /// sessions read by one query, their summary rows written by one statement.
    private func rebuildProjections(_ numbers: [Int64], sealed: Set<Int64>, key: ChainKey) throws {
        // The FINESS every audit row takes (the latest centre settings', as a refresh reads it),
        // read once: the settings' events are copied already.
        let finess = try PostgresRecorder.centreSettings(link)?.settings.finess
        for range in LogCopy.batches(numbers) {
            let events = try link.query(
                """
                SELECT \(PostgresRecorder.eventColumns) FROM event WHERE session_number BETWEEN $1 AND $2
                ORDER BY session_number, session_seq
                """, [.integer(range.lowerBound), .integer(range.upperBound)]
            ).map(PostgresRecorder.event)
            var summaries: [[SQLValue]] = []
            var seals: [[SQLValue]] = []
            var audit: [AuditSummary.Rows] = []
            for group in LogCopy.groupBySession(events) {
                let consultation = try Consultation(events: group.map { try $0.recordedEvent() })
                audit.append(AuditSummary.Rows(consultation, key: key) { finess })
                let row = SessionRecord(consultation, eventCount: group.count)
                summaries.append([
                    .integer(row.number), .text(row.status), .text(row.startedAt), .of(row.closedAt), .of(row.eventCount),
                    .text(row.topic), .of(row.completeness), .of(row.patientINS), .of(row.ipp), .of(row.ippRoot), .of(row.clinicianID),
                    .of(row.birthFamilyName), .of(row.firstGivenName), .of(row.birthDate),
                ])
                if let last = group.last, let number = last.sessionNumber, !sealed.contains(number) {
                    seals.append([
                        .integer(number), .of(group.count), .integer(last.sequence),
                        .text(key.seal(session: number, eventCount: group.count, lastSequence: last.sequence, lastChain: last.chain)),
                    ])
                }
            }
            // The same row `restoreSummary` writes (``PostgresRecorder/writeSummary(_:insertOnly:)``), for a
            // batch of sessions at once.
            let columns =
                "number, status, started_at, closed_at, event_count, topic, completeness, patient_ins, ipp, ipp_root, clinician_id, birth_family_name, first_given_name, birth_date"
            let updates = columns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.map {
                "\($0) = excluded.\($0)"
            }.joined(separator: ", ")
            try insertRows(
                "INSERT INTO session (\(columns)) VALUES", shape: "($, $, $, $, $, $, $, $, $, $, $, $, $, $)", rows: summaries,
                suffix: " ON CONFLICT (number) DO UPDATE SET \(updates)")
            try insertRows(
                "INSERT INTO session_seal (session_number, event_count, last_seq, tag) VALUES", shape: "($, $, $, $)", rows: seals)
            // The audit rows a refresh writes (``PostgresAuditSummary``), many per statement;
            // the cells once, below, from all of them.
            try insertRows(
                "INSERT INTO audit_session (\(AuditSummary.Rows.sessionColumns.joined(separator: ", "))) VALUES",
                shape: Self.shape(AuditSummary.Rows.sessionColumns.count), rows: audit.map { $0.session.map(Self.value) })
            try insertRows(
                "INSERT INTO audit_option (\(AuditSummary.Rows.optionColumns.joined(separator: ", "))) VALUES",
                shape: Self.shape(AuditSummary.Rows.optionColumns.count), rows: audit.flatMap { $0.options.map { $0.map(Self.value) } })
            try insertRows(
                "INSERT INTO audit_instrument (\(AuditSummary.Rows.instrumentColumns.joined(separator: ", "))) VALUES",
                shape: Self.shape(AuditSummary.Rows.instrumentColumns.count),
                rows: audit.flatMap { $0.instruments.map { $0.map(Self.value) } })
        }
        try link.query(AuditCells.postgres.fill)
        try link.query(AuditCells.postgres.fillDays)
    }

    /// `($, $, … $)` with `count` places, for ``insertRows(_:shape:rows:suffix:)``.
    private static func shape(_ count: Int) -> String {
        "(" + Array(repeating: "$", count: count).joined(separator: ", ") + ")"
    }
}
