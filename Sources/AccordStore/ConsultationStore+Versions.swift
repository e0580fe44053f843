import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// The version an export of `consultation` in `profile` must carry, decided by the
    /// session's `documentIssued` events (AccordCore's `DocumentVersion.of(_:profile:legacy:)`).
    ///
    /// The same version as the last one issued while the session has not changed since (its
    /// bytes are rebuilt from its issue); the next version once it has (an amendment, a
    /// follow-up answer), replacing the last issued one. The `document_version` table is a
    /// cache, read only for versions exported before issued documents were recorded.
    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        guard consultation.issuedDocuments.contains(where: { $0.profile == profile }) else {
            let legacy = try read { db -> Row? in
                // Only a session that existed when issued documents began to be recorded can have
                // a version exported before (a row for any other is not Accord's).
                guard
                    let through = try String.fetchOne(
                        db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [Self.legacyVersionsKey]
                    ).flatMap(Int64.init), consultation.id.number <= through
                else { return nil }
                return try Row.fetchOne(
                    db,
                    sql:
                        "SELECT version, last_session_seq FROM document_version WHERE session_number = ? AND profile = ? ORDER BY version DESC LIMIT 1",
                    arguments: [consultation.id.number, profile])
            }
            return DocumentVersion.of(
                consultation, profile: profile, legacy: legacy.map { (version: $0["version"], recordSequence: $0["last_session_seq"]) })
        }
        return DocumentVersion.of(consultation, profile: profile)
    }

    /// The metadata key holding the highest session number with a version exported before
    /// issued documents were recorded (set by migration `v4`, absent when there was none).
    static let legacyVersionsKey = "legacy_versions_through"

    /// Records that a document version was issued: a `documentIssued` event in the session's
    /// log (chained like every event), made before the document's file is written.
    ///
    /// In one transaction: the session's events are checked (as before a change), the issue
    /// must be the next version of its set (or repeat, byte for byte, the version already
    /// issued, and then nothing is recorded), and the `document_version` cache is updated.
    ///
    /// - Parameters:
    ///   - issue: the version, its ids, document time and SHA-256.
    ///   - id: the session.
    ///   - author: who exports (an IdNat_PS); `nil`: the session's clinician.
    /// - Returns: `false` when that very issue was recorded already.
    /// - Throws: `AccordError` (`conflict`) when the session's events do not prove whole, or when
    ///   another export issued this version meanwhile with other bytes (export again); `busy`;
    ///   `io` without the chain key.
    @discardableResult
    public func recordIssue(_ issue: DocumentIssue, session id: SessionID, author: String? = nil) throws -> Bool {
        try recordIssues([PendingIssue(issue: issue, session: id, checked: nil)], author: author)[0]
    }

    /// An issue to record, with the consultation it was decided from when that was checked
    /// against the chain just before (its events then need not be folded again: the session's
    /// seal still naming the same last event proves nothing was added since).
    public struct PendingIssue: Sendable {
        public var issue: DocumentIssue
        public var session: SessionID
        /// The consultation the version was decided from, checked against the chain; `nil`:
        /// check the session's events again.
        public var checked: Consultation?

        /// An issue of `session`'s document, with the consultation it was decided from, if checked.
        public init(issue: DocumentIssue, session: SessionID, checked: Consultation?) {
            self.issue = issue
            self.session = session
            self.checked = checked
        }
    }

    /// Records several issues in one transaction (a batch export records a group of documents
    /// at a time, before writing their files): see ``recordIssue(_:session:author:)``.
    /// - Returns: for each issue, `false` when it was recorded already.
    /// - Throws: the first `AccordError` of any issue; nothing is recorded then.
    public func recordIssues(_ pending: [PendingIssue], author: String? = nil) throws -> [Bool] {
        guard !pending.isEmpty else { return [] }
        return try write { recorder in
            try pending.map { item in
                let id = item.session
                let issue = item.issue
                var consultation: Consultation
                if let checked = item.checked, try Self.sealNames(checked, recorder.db) {
                    consultation = checked
                } else {
                    consultation = try EventRecorder.checkedConsultation(id, recorder.db, key: recorder.key, sealing: true)
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
                try SessionSummaryProjection.restore(consultation, db: recorder.db)
                let event = try recorder.append(.documentIssued(issue), session: id, author: author ?? consultation.start.clinicianID)
                consultation.apply(event)
                // The session summary only, as before projections were named: an issued document
                // leaves the audit summary as it was.
                try SessionSummaryProjection().apply(consultation, event: event, db: recorder.db)
                try recorder.db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO document_version (session_number, profile, version, last_session_seq, exported_at)
                        VALUES (?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [id.number, issue.profile, issue.version, issue.recordSequence, UTCInstant.format(issue.documentTime)])
                return true
            }
        }
    }

    /// Whether the session's seal still names the last event `consultation` folded (nothing
    /// was added to the session since it was checked).
    private static func sealNames(_ consultation: Consultation, _ db: Database) throws -> Bool {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT event_count, last_seq FROM session_seal WHERE session_number = ?"),
                arguments: [consultation.id.number])
        else { return false }
        return (row["event_count"] as Int) == consultation.eventCount && (row["last_seq"] as Int64) == consultation.lastEventSequence
    }
}
