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
    /// when the key is at hand), in one read transaction.
    /// - Throws: `AccordError` (`conflict`) naming a session whose events do not prove whole.
    public func researchObjections() throws -> Set<String> {
        let key = try ChainKey.load(keyURL)
        let kinds = Self.researchObjectionKinds
        return try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT session_number, MAX(seq) AS last FROM event
                    WHERE kind IN (?, ?) AND session_number IS NOT NULL
                    GROUP BY session_number ORDER BY session_number
                    """,
                arguments: StatementArguments(kinds))
            var latest: [ResearchObjections.Latest] = []
            for row in rows {
                // A copied row: read with a check, as a session number stored as text (a row
                // added outside Accord) would stop the process.
                let id = SessionID(number: try row.decode(Int64.self, forColumn: "session_number"))
                let consultation =
                    try key.map { try EventRecorder.checkedConsultation(id, db, key: $0, sealing: false) }
                    ?? EventRecorder.consultation(id, db)
                latest.append(
                    ResearchObjections.Latest(
                        sequence: try row.decode(Int64.self, forColumn: "last"), objects: consultation.researchObjection,
                        keys: consultation.researchIdentifierKeys))
            }
            return ResearchObjections.objectingKeys(latest)
        }
    }

    /// The kinds of the events that record or withdraw a research objection.
    package static let researchObjectionKinds = [
        Change.researchObjection(objects: true).kind, Change.researchObjection(objects: false).kind,
    ]
}
