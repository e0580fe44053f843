import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// The version an export of `consultation` in `profile` must carry, decided by the
    /// session's `documentIssued` events (``DocumentVersion/of(_:profile:legacy:)``).
    ///
    /// The same version as the last one issued while the session has not changed since (its
    /// bytes are rebuilt from its issue); the next version once it has (an amendment, a
    /// follow-up answer), replacing the last issued one. The `document_version` table is a
    /// cache, read only for versions exported before issued documents were recorded.
    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        guard consultation.issuedDocuments.contains(where: { $0.profile == profile }) else {
            let legacy = try read { db in
                try Row.fetchOne(
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

    /// Records that a document version was issued: a `documentIssued` event in the session's
    /// log (chained like every event), made before the document's file is written.
    ///
    /// In one transaction: the session's events are checked (as before a change), the issue
    /// must be the next version of its set (or repeat, byte for byte, the version already
    /// issued, and then nothing is recorded), and the `document_version` cache is updated.
    ///
    /// - Parameters:
    ///   - issue: the version, its ids, document time and SHA-256.
    ///   - session: the session.
    ///   - author: who exports (an IdNat_PS); `nil`: the session's clinician.
    /// - Returns: `false` when that very issue was recorded already.
    /// - Throws: `AccordError` (`conflict`) when the session's events do not prove whole, or when
    ///   another export issued this version meanwhile with other bytes (export again); `busy`;
    ///   `io` without the chain key.
    @discardableResult
    public func recordIssue(_ issue: DocumentIssue, session id: SessionID, author: String? = nil) throws -> Bool {
        try write { recorder in
            let consultation = try EventRecorder.checkedConsultation(id, recorder.db, key: recorder.key, sealing: true)
            try EventRecorder.restoreSummary(of: consultation, recorder.db)
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
            try recorder.append(.documentIssued(issue), session: id, author: author ?? consultation.start.clinicianID)
            try recorder.db.execute(
                sql: """
                    INSERT OR REPLACE INTO document_version (session_number, profile, version, last_session_seq, exported_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [id.number, issue.profile, issue.version, issue.recordSequence, UTCInstant.format(issue.documentTime)])
            return true
        }
    }
}
