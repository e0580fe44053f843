import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// The version an export of `consultation` in `profile` must carry.
    ///
    /// The same version as the last export while the session has not changed since (same
    /// document content for the same export time); the next version once it has (an
    /// amendment, a follow-up answer), replacing the last exported one.
    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        try read { db in
            let last = try Row.fetchOne(
                db,
                sql:
                    "SELECT version, last_session_seq FROM document_version WHERE session_number = ? AND profile = ? ORDER BY version DESC LIMIT 1",
                arguments: [consultation.id.number, profile])
            guard let last else { return DocumentVersion(version: 1, replaces: nil, alreadyExported: false) }
            let version: Int = last["version"]
            let lastSequence: Int = last["last_session_seq"]
            if lastSequence == consultation.lastSessionSequence {
                return DocumentVersion(version: version, replaces: version > 1 ? version - 1 : nil, alreadyExported: true)
            }
            return DocumentVersion(version: version + 1, replaces: version, alreadyExported: false)
        }
    }

    /// Records that `version` of the session's document was written (after it was written).
    public func recordExport(of consultation: Consultation, profile: String, version: DocumentVersion, at instant: Date) throws {
        guard !version.alreadyExported else { return }
        do {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO document_version (session_number, profile, version, last_session_seq, exported_at)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        consultation.id.number, profile, version.version, consultation.lastSessionSequence, UTCInstant.format(instant),
                    ])
            }
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: nil)
        }
    }
}
