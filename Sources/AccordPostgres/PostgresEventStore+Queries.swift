import AccordCore
import AccordStore
import Foundation
import PostgresNIO

// The queries of the summary tables and the audit: session lists, identity vigilance,
// document versions, batch selection, research objections, participation. Each is one read
// transaction (one snapshot), and answers as ``AccordStore/ConsultationStore`` does.
extension PostgresEventStore {
    // MARK: - Session lists

    /// The sessions `query` selects, newest first (by number), read from the summary by index.
    /// - Throws: `AccordError` when the server fails.
    public func sessions(matching query: SessionQuery) throws -> [SessionSummary] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        func filter(_ column: String, _ comparison: String, _ value: String?) {
            guard let value else { return }
            values.append(.text(value))
            conditions.append("\(column) \(comparison) $\(values.count)")
        }
        filter("patient_ins", "=", query.ins)
        filter("ipp", "=", query.ipp)
        filter("clinician_id", "=", query.clinicianID)
        // Instants are stored as RFC 3339 UTC text (`2026-03-02T09:30:00Z`): compared as text.
        filter("started_at", ">=", query.from?.description)
        filter("started_at", "<", query.to.map { $0.description + "T24" })
        var sql = "SELECT \(SessionRecord.columns.joined(separator: ", ")) FROM session"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY number DESC"
        if let limit = query.limit {
            values.append(.of(limit))
            sql += " LIMIT $\(values.count)"
        }
        return try read { try link.query(sql, values).map(Self.summary) }
    }

    /// The sessions of the patients whose birth family name starts with `familyName` (and first
    /// birth given name with `givenName`, when given), newest first, at most `limit`; case and
    /// accents ignored (``AccordStore/SessionSummary/nameKey(_:)``, compared here as on SQLite:
    /// the summary's name columns read newest first by a cursor, stopping at `limit` matches).
    /// - Throws: `AccordError` when the server fails.
    public func sessions(ofPatientNamed familyName: String, givenName: String?, limit: Int) throws -> [SessionSummary] {
        guard let search = SessionSummary.NameSearch(familyName: familyName, givenName: givenName), limit > 0 else { return [] }
        return try read {
            var numbers: [Int64] = []
            try link.query(
                "DECLARE accord_names NO SCROLL CURSOR FOR SELECT number, birth_family_name, first_given_name FROM session ORDER BY number DESC"
            )
            pages: while numbers.count < limit {
                let rows = try link.query("FETCH FORWARD 1000 FROM accord_names")
                if rows.isEmpty { break }
                for row in rows
                where search.matches(birthFamilyName: try row.text("birth_family_name"), firstGivenName: try row.text("first_given_name")) {
                    numbers.append(try row.integer("number") ?? 0)
                    if numbers.count == limit { break pages }
                }
            }
            try link.query("CLOSE accord_names")
            guard !numbers.isEmpty else { return [] }
            return try link.query(
                """
                SELECT \(SessionRecord.columns.joined(separator: ", ")) FROM session
                WHERE number IN (\((1...numbers.count).map { "$\($0)" }.joined(separator: ", "))) ORDER BY number DESC
                """, numbers.map(SQLValue.integer)
            ).map(Self.summary)
        }
    }

    /// A `session` row (selected with ``AccordStore/SessionRecord/columns``) as a list line.
    static func summary(_ row: PostgresRandomAccessRow) throws -> SessionSummary {
        SessionSummary(try SessionRecord(integer: { try row.integer($0) }, text: { try row.text($0) }))
    }

    // MARK: - Identity vigilance

    /// The earlier sessions of the same patient (same INS and OID, found through the audit's
    /// patient pseudonym, at most the 20 latest) whose identity traits differ from session `id`'s.
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`io`) when the server fails.
    public func identityDiscrepancies(of id: SessionID) throws -> [IdentityDiscrepancy] {
        try read {
            let identity = try PostgresRecorder.consultation(id, link).start.patient
            // Without INS there is no national identifier to compare sessions by.
            guard identity.ins != nil else { return [] }
            guard
                let pseudonym = try link.query(
                    "SELECT patient_pseudonym FROM audit_session WHERE session_number = $1", [.integer(id.number)]
                ).first?.text("patient_pseudonym")
            else { return [] }
            let others = try link.query(
                """
                SELECT session_number FROM audit_session WHERE patient_pseudonym = $1 AND session_number <> $2
                ORDER BY session_number DESC LIMIT 20
                """, [.text(pseudonym), .integer(id.number)]
            ).map { try $0.integer("session_number") ?? 0 }
            return try others.reversed().compactMap { number in
                let other = SessionID(number: number)
                return IdentityDiscrepancy(identity, session: other, events: try PostgresRecorder.events(of: other, link))
            }
        }
    }

    // MARK: - Exports

    /// The version an export of `consultation` in `profile` must carry, decided by the
    /// session's `documentIssued` events (the `document_version` cache read only for versions
    /// exported before issued documents were recorded, as on SQLite).
    /// - Throws: `AccordError` when the server fails.
    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        guard consultation.issuedDocuments.contains(where: { $0.profile == profile }) else {
            let legacy = try read { () -> (version: Int, recordSequence: Int)? in
                guard
                    let through = try link.query(
                        "SELECT value FROM metadata WHERE key = $1", [.text(ConsultationStore.legacyVersionsKey)]
                    ).first?.text("value").flatMap(Int64.init), consultation.id.number <= through,
                    let row = try link.query(
                        """
                        SELECT version, last_session_seq FROM document_version WHERE session_number = $1 AND profile = $2
                        ORDER BY version DESC LIMIT 1
                        """, [.integer(consultation.id.number), .text(profile)]
                    ).first
                else { return nil }
                return (Int(try row.integer("version") ?? 0), Int(try row.integer("last_session_seq") ?? 0))
            }
            return DocumentVersion.of(consultation, profile: profile, legacy: legacy)
        }
        return DocumentVersion.of(consultation, profile: profile)
    }

    /// How many sessions were closed with a closing day (UTC) within the range, as the summary
    /// or the events say.
    /// - Throws: `AccordError` when the server fails.
    public func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        let (selection, values) = ConsultationStore.closedSelection(closedFrom: closedFrom, through: through, after: nil, .postgres)
        return try read {
            Int(try link.query("SELECT COUNT(*) AS n FROM (\(selection)) AS closed", values.map(Self.value)).first?.integer("n") ?? 0)
        }
    }

    /// One page of the sessions closed with a closing day (UTC) within the range, by ascending
    /// number: up to `limit` ids after `after`.
    /// - Throws: `AccordError` when the server fails.
    public func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        let (selection, values) = ConsultationStore.closedSelection(closedFrom: closedFrom, through: through, after: after, .postgres)
        return try read {
            try link.query(
                "SELECT number FROM (\(selection)) AS closed ORDER BY number LIMIT $\(values.count + 1)",
                values.map(Self.value) + [.of(limit)]
            ).map { SessionID(number: try $0.integer("number") ?? 0) }
        }
    }

    /// The version of each session's document under `profile` that was issued and is still
    /// current, as ``AccordStore/ConsultationStore/currentIssuedVersions(profile:closedFrom:through:)``
    /// answers it, in one query: each issue event in session and log order, with the session
    /// sequence of the session's last change (the last event that is neither an issue nor a
    /// research objection, read backwards by the `(session_number, session_seq)` key). Each
    /// issue's payload is decoded as folding decodes it; the session's last issue of `profile`
    /// decides: current when its record sequence is that change's. A payload that cannot be
    /// decoded is not seen (a batch export then reads and checks the session when no other
    /// issue makes it current).
    /// - Throws: `AccordError` when the server fails.
    public func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int] {
        var values: [SQLValue] = []
        var bounded = ""
        if closedFrom != nil || through != nil {
            let (selection, selectionValues) = ConsultationStore.closedSelection(
                closedFrom: closedFrom, through: through, after: nil, .postgres)
            bounded = " AND i.session_number IN (\(selection))"
            values = selectionValues.map(Self.value)
        }
        let sql = """
            SELECT i.session_number, i.payload, (
                    SELECT c.session_seq FROM event c
                    WHERE c.session_number = i.session_number
                        AND c.kind NOT IN ('document-issued', 'research-objection-recorded', 'research-objection-withdrawn')
                    ORDER BY c.session_seq DESC LIMIT 1) AS last_change
            FROM event i
            WHERE i.kind = 'document-issued'\(bounded)
            ORDER BY i.session_number, i.seq
            """
        return try read {
            var versions: [SessionID: Int] = [:]
            for row in try link.query(sql, values) {
                guard let number = try row.integer("session_number"),
                    case .documentIssued(let issue)? = try? EventPayload.decode(try row.text("payload") ?? ""), issue.profile == profile
                else { continue }
                let id = SessionID(number: number)
                // Each later issue of the session replaces what an earlier one gave.
                if issue.version > 0, let lastChange = try row.integer("last_change"), Int64(issue.recordSequence) == lastChange {
                    versions[id] = issue.version
                } else {
                    versions[id] = nil
                }
            }
            return versions
        }
    }

    /// The identifier keys of the patients who object to the re-use of their data for research:
    /// the sessions holding an objection event are folded (checked against the chain and their
    /// seals when the key is at hand) and their latest events decide. The key is read only when
    /// there are such sessions, as on SQLite.
    /// - Throws: `AccordError` (`conflict`) naming a session whose events do not prove whole;
    ///   (`io`) when there are such sessions and the key file is there but refused.
    public func researchObjections() throws -> Set<String> {
        let kinds = ConsultationStore.researchObjectionKinds
        return try read {
            let rows = try link.query(
                """
                SELECT session_number, MAX(seq) AS last FROM event
                WHERE kind = ANY(string_to_array($1, ',')) AND session_number IS NOT NULL
                GROUP BY session_number ORDER BY session_number
                """, [.text(kinds.joined(separator: ","))])
            guard !rows.isEmpty else { return [] }
            let key = try ChainKey.load(keyURL)
            var latest: [ResearchObjections.Latest] = []
            for row in rows {
                let id = SessionID(number: try row.integer("session_number") ?? 0)
                let consultation =
                    try key.map { try PostgresRecorder(link: link, clock: clock, key: $0).checkedConsultation(id, sealing: false) }
                    ?? PostgresRecorder.consultation(id, link)
                latest.append(
                    ResearchObjections.Latest(
                        sequence: try row.integer("last") ?? 0, objects: consultation.researchObjection,
                        keys: consultation.researchIdentifierKeys))
            }
            return ResearchObjections.objectingKeys(latest)
        }
    }

    // MARK: - Participation audit

    /// The participation figures of closed sessions, one row per group, read from the
    /// pre-aggregated cells (whole months, and days at the edges of the period) as on SQLite.
    /// - Parameters:
    ///   - from: the first closing day included (UTC), or `nil`.
    ///   - to: the last closing day included (UTC), or `nil`.
    ///   - grouping: how sessions are grouped.
    ///   - suppression: `false` to show groups of fewer than 5 sessions.
    /// - Throws: `AccordError` when the server fails.
    public func participation(
        from: CalendarDate?, to: CalendarDate?, by grouping: AuditGrouping, suppression: Bool
    ) throws -> ParticipationReport {
        let totals = try read { try cellTotals(from: from, to: to, grouping: grouping) }
        return ParticipationReport(totals: totals, suppression: suppression, grouping: grouping, from: from, to: to)
    }

    /// The totals as the cells give them and as the session rows give them, in one snapshot
    /// (for tests: they must be equal).
    package func participationTotalsBothWays(
        from: CalendarDate? = nil, to: CalendarDate? = nil, by grouping: AuditGrouping
    ) throws -> (cells: [AuditGroupTotals], sessions: [AuditGroupTotals]) {
        try read {
            let queries = AuditCells.totalsFromSessionsQueries(from: from, to: to, grouping: grouping, .postgres)
            let values = queries.values.map(SQLValue.text)
            var totals = AuditCells.Totals()
            for row in try link.query(queries.sums, values) {
                totals.add(group: try row.text("group_value") ?? "", measures: try Self.sums(row))
            }
            for row in try link.query(queries.days, values) {
                totals.add(group: try row.text("group_value") ?? "", days: Int(try row.integer("days") ?? 0), sessions: 1)
            }
            return (try cellTotals(from: from, to: to, grouping: grouping), totals.sorted)
        }
    }

    /// The totals per group from the cells (inside a read transaction).
    private func cellTotals(from: CalendarDate?, to: CalendarDate?, grouping: AuditGrouping) throws -> [AuditGroupTotals] {
        var totals = AuditCells.Totals()
        for span in PeriodSpan.spans(from: from, to: to) {
            let values: [SQLValue] = [.text(grouping.rawValue), .text(span.grain), .text(span.lower), .text(span.upper)]
            for row in try link.query(AuditCells.postgres.totals, values) {
                totals.add(group: try row.text("group_value") ?? "", measures: try Self.sums(row))
            }
            for row in try link.query(AuditCells.postgres.totalsDays, values) {
                totals.add(
                    group: try row.text("group_value") ?? "", days: Int(try row.integer("days") ?? 0),
                    sessions: Int(try row[2].decode(Int64.self)))
            }
        }
        return totals.sorted
    }

    /// The sums of a row of totals: its columns after the group, in the order of ``AccordStore/AuditCells/measures``.
    private static func sums(_ row: PostgresRandomAccessRow) throws -> [Int64] {
        try (1...AuditCells.measures.count).map { try row[$0].decode(Int64?.self) ?? 0 }
    }

    /// A shared query's value as a bound value.
    static func value(_ value: StoreValue) -> SQLValue {
        switch value {
        case .integer(let integer): .of(integer)
        case .text(let text): .of(text)
        case .real(let real): .of(real)
        }
    }

    /// The same database with another clock, so tests can record sessions on different days.
    package func withClock(_ clock: AccordClock) -> PostgresEventStore {
        PostgresEventStore(
            link: link, clock: clock, keyURL: keyURL, logger: logger, busyTimeoutMilliseconds: busyTimeoutMilliseconds,
            location: location, databaseID: databaseID)
    }
}
