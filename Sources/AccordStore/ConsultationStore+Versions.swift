import AccordCore
import Foundation
import GRDB
import GRDBSQLite

extension ConsultationStore {
    /// The version an export of `consultation` in `profile` must carry, decided by the
    /// session's `documentIssued` events (AccordCore's `DocumentVersion.of(_:profile:legacy:)`).
    ///
    /// The same version as the last one issued while the session has not changed since (its
    /// bytes are rebuilt from its issue); the next version once it has (an amendment, a
    /// follow-up answer), replacing the last issued one. The `document_version` table is a
    /// cache, read only for versions exported before issued documents were recorded.
    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        try documentVersions(for: [consultation], profile: profile)[0]
    }

    /// ``documentVersion(for:profile:)`` of each consultation, in one read: the legacy cache
    /// is looked at only for sessions without an issue in `profile`, up to the last session
    /// that existed when issued documents began to be recorded (none, on a database created
    /// since).
    public func documentVersions(for consultations: [Consultation], profile: String) throws -> [DocumentVersion] {
        let needLegacy = consultations.filter { consultation in
            !consultation.issuedDocuments.contains(where: { $0.profile == profile })
        }
        var legacy: [SessionID: DocumentVersionRecord] = [:]
        if !needLegacy.isEmpty {
            legacy = try read { db in
                // Only a session that existed when issued documents began to be recorded can have
                // a version exported before (a row for any other is not Accord's).
                guard
                    let through = try String.fetchOne(
                        db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [Self.legacyVersionsKey]
                    ).flatMap(Int64.init)
                else { return [:] }
                var records: [SessionID: DocumentVersionRecord] = [:]
                for consultation in needLegacy where consultation.id.number <= through {
                    records[consultation.id] = try DocumentVersionRecord.filter(
                        DocumentVersionRecord.Columns.sessionNumber == consultation.id.number
                            && DocumentVersionRecord.Columns.profile == profile
                    )
                    .order(DocumentVersionRecord.Columns.version.desc).fetchOne(db)
                }
                return records
            }
        }
        return consultations.map { consultation in
            guard consultation.issuedDocuments.contains(where: { $0.profile == profile }) else {
                return DocumentVersion.of(
                    consultation, profile: profile,
                    legacy: legacy[consultation.id].map { (version: $0.version, recordSequence: $0.lastSessionSequence) })
            }
            return DocumentVersion.of(consultation, profile: profile)
        }
    }

    /// The version of each session's document under `profile` that was issued and is still
    /// current (``EventStore/currentIssuedVersions(profile:closedFrom:through:)``), in one
    /// query over two indexes (migrations `v9` and `v10`), no event row read: each issue event of that key
    /// in session and log order (`event_issued`), with the session sequence of the session's
    /// last change, the last event that is neither an issue nor a research objection
    /// (`event_change`, read backwards). The session's last issue decides: current when its
    /// record sequence is that change's. A value of another storage class than Accord writes
    /// (a row added behind its back) leaves the session out, so that the export reads and
    /// checks its events; an issue whose payload is not JSON is not in the index and is not
    /// seen here.
    public func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int] {
        // The expressions and conditions are the indexes' own, word for word: SQLite uses an
        // index on expressions only for the same expressions, and a partial index only when
        // the query's terms name its condition.
        var sql = """
            SELECT i.session_number, json_extract(i.payload, '$.version'), json_extract(i.payload, '$.record_sequence'),
                (
                    SELECT c.session_seq FROM event c INDEXED BY event_change
                    WHERE c.session_number = i.session_number
                        AND c.kind <> 'document-issued' AND c.kind <> 'research-objection-recorded'
                        AND c.kind <> 'research-objection-withdrawn'
                    ORDER BY c.session_seq DESC LIMIT 1)
            FROM event i INDEXED BY event_issued
            WHERE i.kind = 'document-issued' AND json_valid(i.payload) AND json_extract(i.payload, '$.profile') = ?1
            """
        var arguments: StatementArguments = [profile]
        if closedFrom != nil || through != nil {
            // Its parameters are numbered from ?2, after the profile's.
            let summary = Self.closedSelection(
                closedFrom: closedFrom, through: through, after: nil, .sqlite, side: .summary, firstParameter: 2)
            let events = Self.closedSelection(
                closedFrom: closedFrom, through: through, after: nil, .sqlite, side: .events, firstParameter: 2 + summary.values.count)
            sql += " AND i.session_number IN (\(summary.sql) UNION \(Self.byClosingIndex(events.sql)))"
            arguments += StatementArguments((summary.values + events.values).map(\.databaseValue))
        }
        sql += " ORDER BY i.session_number, i.seq"
        return try read { db in
            var versions: [SessionID: Int] = [:]
            try db.makeStatement(sql: sql).forEachRow(arguments, in: db) { row in
                func integer(_ column: Int32) -> Int64? {
                    sqlite3_column_type(row, column) == SQLITE_INTEGER ? sqlite3_column_int64(row, column) : nil
                }
                guard let number = integer(0) else { return }
                let id = SessionID(number: number)
                // Each later issue of the session replaces what an earlier one gave.
                if let version = integer(1), version > 0, let recordSequence = integer(2), let lastChange = integer(3),
                    recordSequence == lastChange
                {
                    versions[id] = Int(version)
                } else {
                    versions[id] = nil
                }
            }
            return versions
        }
    }

    /// The metadata key holding the highest session number with a version exported before
    /// issued documents were recorded (set by migration `v4`, absent when there was none).
    package static let legacyVersionsKey = "legacy_versions_through"

    /// An issue to record (``AccordStore/PendingIssue``).
    public typealias PendingIssue = AccordStore.PendingIssue

    /// Records issued document versions: `documentIssued` events in their sessions' logs
    /// (chained like every event), made before the documents' files are written, in one
    /// transaction (a batch export records a group of documents at a time).
    ///
    /// For each issue, the session's events are checked (as before a change) unless the
    /// consultation given was checked just before and the session's seal still names its last
    /// event; the issue must be the next version of its set (or repeat, byte for byte, the
    /// version already issued, and then nothing is recorded for it), and the
    /// `document_version` cache is updated. ``EventStore/recordIssue(_:session:author:)``
    /// records one.
    /// - Returns: for each issue, `false` when it was recorded already.
    /// - Throws: the first `AccordError` of any issue, nothing recorded then: (`conflict`) when
    ///   a session's events do not prove whole, or when another export issued this version
    ///   meanwhile with other bytes (export again); `busy`; `io` without the chain key.
    public func recordIssues(_ pending: [PendingIssue], author: String? = nil) throws -> [Bool] {
        guard !pending.isEmpty else { return [] }
        return try write { recorder in
            try pending.map { item in
                let id = item.session
                let issue = item.issue
                let consultation: Consultation
                if let checked = item.checked, try Self.sealNames(checked, recorder.db) {
                    consultation = checked
                } else {
                    consultation = try EventRecorder.checkedConsultation(id, recorder.db, key: recorder.key, sealing: true)
                }
                if try !Self.issueIsNew(issue, of: consultation) { return false }
                // The session summary only, as before projections were named: an issued document
                // leaves the audit summary as it was. Its row is written once, counting the issue
                // before the event that refers to it (an issue changes no other column of it:
                // not the status, the instants, the completeness or the patient's columns).
                try SessionSummaryProjection.restore(consultation, db: recorder.db, coming: 1)
                _ = try recorder.append(.documentIssued(issue), session: id, author: author ?? consultation.start.clinicianID)
                try DocumentVersionRecord(issue, session: id).replaceKept(recorder.db)
                return true
            }
        }
    }

    /// Whether the session's seal still names the last event `consultation` folded (nothing
    /// was added to the session since it was checked).
    private static func sealNames(_ consultation: Consultation, _ db: Database) throws -> Bool {
        guard case .sealed(let eventCount, let lastSequence, _) = try SessionSealRecord.read(db, session: consultation.id.number) else {
            return false
        }
        return eventCount == consultation.eventCount && lastSequence == consultation.lastEventSequence
    }

    /// Whether `issue` must be recorded for `consultation` (checked against the chain): `false`
    /// when that very issue was recorded already.
    /// - Throws: `AccordError` (`conflict`) when its id is another profile's, its version was
    ///   issued meanwhile with other content, or it does not follow the last version issued.
    package static func issueIsNew(_ issue: DocumentIssue, of consultation: Consultation) throws -> Bool {
        let id = consultation.id
        // An id is issued with one content whatever the profile (each has its own id branch);
        // only documents issued before the branches shared theirs.
        if issue.idBranch != nil,
            consultation.issuedDocuments.contains(where: { $0.profile != issue.profile && $0.documentID == issue.documentID })
        {
            throw AccordError(
                .conflict,
                "version \(issue.version) of session \(id)'s \(issue.profile) document would carry an id another export profile issued before; export again (nothing was recorded)."
            )
        }
        let issues = consultation.issuedDocuments.filter { $0.profile == issue.profile }
        if let same = issues.first(where: { $0.version == issue.version || $0.documentID == issue.documentID }) {
            if same == issue { return false }
            throw AccordError(
                .conflict,
                "version \(issue.version) of session \(id)'s document was issued meanwhile by another export with other content; export again (nothing was recorded)."
            )
        }
        if let last = issues.last, issue.version != last.version + 1 {
            throw AccordError(
                .conflict,
                "version \(issue.version) of session \(id)'s document does not follow the last one issued (\(last.version)); export again (nothing was recorded)."
            )
        }
        return true
    }
}
