import AccordCore
import GRDB

/// A row of the SQLite `document_version` table (migration `v1`): a cache of the versions
/// issued per session and profile, the authority only for versions exported before issued
/// documents were recorded as events.
struct DocumentVersionRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "document_version"

    var sessionNumber: Int64
    var profile: String
    var version: Int
    /// The session sequence of the last event the version holds.
    var lastSessionSequence: Int
    /// The document's time, an RFC 3339 UTC instant.
    var exportedAt: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sessionNumber = "session_number", profile, version, lastSessionSequence = "last_session_seq", exportedAt = "exported_at"
    }

    /// The columns, for queries.
    enum Columns {
        static let sessionNumber = Column(CodingKeys.sessionNumber)
        static let profile = Column(CodingKeys.profile)
        static let version = Column(CodingKeys.version)
    }

    /// Writes the row in place of the session's row of that profile and version, with a kept
    /// statement (as `insert(db, onConflict: .replace)` did, without building the statement
    /// and reading the row back for each issue).
    /// - Throws: the database's error.
    func replaceKept(_ db: Database) throws {
        try db.cachedStatement(
            sql:
                "INSERT OR REPLACE INTO document_version (session_number, profile, version, last_session_seq, exported_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [sessionNumber, profile, version, lastSessionSequence, exportedAt])
    }

    /// The row of `issue` of session `id`.
    init(_ issue: DocumentIssue, session id: SessionID) {
        sessionNumber = id.number
        profile = issue.profile
        version = issue.version
        lastSessionSequence = issue.recordSequence
        exportedAt = UTCInstant.format(issue.documentTime)
    }
}
