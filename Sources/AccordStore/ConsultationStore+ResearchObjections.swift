import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// The identifier keys of the patients who object to the re-use of their data for research
    /// (``EventStore/researchObjections()``).
    ///
    /// The sessions holding a `research-objection-recorded` or `research-objection-withdrawn`
    /// event are found by the index on the event kind, each with the log sequence of its latest
    /// such event; only those sessions are folded (checked against the chain and their seals
    /// when the key is at hand), in one read transaction. The key is read only when there are
    /// such sessions.
    /// - Throws: `AccordError` (`conflict`) naming a session whose events do not prove whole;
    ///   (`io`) when there are such sessions and the key file is there but refused.
    public func researchObjections() throws -> Set<String> {
        let kinds = Self.researchObjectionKinds
        return try read { db in
            // Read through a cursor of rows (GRDB's generic `fetchAll` of an SQL request costs a
            // scan of the binary's protocol conformances in a cold command).
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT session_number, MAX(seq) AS last FROM event
                        WHERE kind IN (?, ?) AND session_number IS NOT NULL
                        GROUP BY session_number ORDER BY session_number
                        """),
                arguments: StatementArguments(kinds))
            var sessions: [(id: SessionID, last: Int64)] = []
            while let cursorRow = try rows.next() {
                // A copied row, read with a check (a cursor's row reads an integer column as
                // SQLite converts it): a session number stored as text (a row added outside
                // Accord) is refused, not read as S0.
                let row = cursorRow.copy()
                sessions.append(
                    (
                        SessionID(number: try row.decode(Int64.self, forColumn: "session_number")),
                        try row.decode(Int64.self, forColumn: "last")
                    ))
            }
            guard !sessions.isEmpty else { return [] }
            let key = try ChainKey.load(keyURL)
            var latest: [ResearchObjections.Latest] = []
            for (id, last) in sessions {
                let consultation =
                    try key.map { try EventRecorder.checkedConsultation(id, db, key: $0, sealing: false) }
                    ?? EventRecorder.consultation(id, db)
                latest.append(
                    ResearchObjections.Latest(
                        sequence: last, objects: consultation.researchObjection, keys: consultation.researchIdentifierKeys))
            }
            return ResearchObjections.objectingKeys(latest)
        }
    }

    /// The kinds of the events that record or withdraw a research objection.
    package static let researchObjectionKinds = [
        Change.researchObjection(objects: true).kind, Change.researchObjection(objects: false).kind,
    ]
}
