import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    // MARK: - Synthetic sessions

    /// Writes `count` synthetic sessions (``SyntheticSessions``) through the event log, one
    /// transaction per batch, for measuring the audit at scale.
    ///
    /// Each session goes the same way as recorded ones: its start and every change are checked
    /// against the session's state, appended as chained events with their own instants, and
    /// the session's summary rows are written in the same transaction. (Within a batch the
    /// state is kept in memory between events instead of being re-read from the log, and of the
    /// projections only the session summary runs after each event, the audit summary once the
    /// session's last event is applied; the rows are the same as the event-by-event path gives.)
    ///
    /// - Parameters:
    ///   - count: how many sessions.
    ///   - seed: the generator's seed.
    ///   - batchSize: sessions per transaction.
    ///   - progress: called after each batch with the sessions written so far.
    /// - Throws: `AccordError` (`conflict`) when the database holds a session that is not
    ///   synthetic (nothing is written); database errors as `AccordError`.
    public func generateSyntheticSessions(
        count: Int, seed: UInt64, batchSize: Int = 2_000, progress: (Int) -> Void = { _ in }
    ) throws {
        try summariseUnsummarisedSessions()
        // A real session has another topic group or another topic (a centre template named
        // `synthetic` is not enough to pass for generated data).
        let real = try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM session s LEFT JOIN audit_session a ON a.session_number = s.number
                    WHERE a.topic_group IS NOT ? OR s.topic != ?
                    """,
                arguments: [AuditFacts.syntheticGroup, SyntheticSessions.topic]) ?? 0
        }
        guard real == 0 else {
            throw AccordError(
                .conflict,
                "this database holds sessions that are not synthetic; generate synthetic sessions only into a new database (--db), never beside real data."
            )
        }
        var generator = SyntheticSessions(seed: seed)
        var written = 0
        while written < count {
            let batch = min(batchSize, count - written)
            do {
                try writer.writeInBulk { db in
                    let key = try Self.chainKeyForGeneration(db, keyURL: keyURL)
                    try db.execute(sql: "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, '1')", arguments: [Self.syntheticKey])
                    var recorder = EventRecorder(db: db, clock: clock, key: key)
                    for index in written..<(written + batch) {
                        try Self.writeSynthetic(generator.next(index: index, of: count), recorder: &recorder)
                    }
                    try recorder.finishWholeSessions()
                }
            } catch let error as DatabaseError {
                throw StoreErrors.map(error, opening: nil)
            }
            written += batch
            progress(written)
        }
    }

    /// The metadata key that marks a database of synthetic sessions: real sessions are refused there.
    static let syntheticKey = "synthetic_sessions"

    /// Refuses to record a real session into a database of synthetic sessions.
    static func refuseRealSessionIfSynthetic(_ db: Database) throws {
        guard try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [syntheticKey]) == "1" else { return }
        throw AccordError(
            .conflict,
            "this database holds synthetic sessions (accord audit generate); record real sessions in another database (--db or ACCORD_DB)."
        )
    }

    /// The chain key; created only for a database without events.
    private static func chainKeyForGeneration(_ db: Database, keyURL: URL) throws -> ChainKey {
        if let key = try ChainKey.load(keyURL) { return key }
        guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") == 0 else {
            throw AccordError(
                .io,
                "the chain key of this database is missing; restore the key file or set \(ChainKey.environmentVariable) (nothing was recorded)."
            )
        }
        return try ChainKey.create(keyURL)
    }

    /// Writes one generated session through the path of a bulk import
    /// (``EventRecorder/recordWhole(_:startedAt:changes:author:)``), each change at its offset.
    private static func writeSynthetic(_ session: SyntheticSessions.Session, recorder: inout EventRecorder) throws {
        let changes = session.changes.map { (at: session.startedAt.addingTimeInterval(Double($0.offset)), change: $0.change) }
        _ = try recorder.recordWhole(session.start, startedAt: session.startedAt, changes: changes, author: session.start.clinicianID)
    }
}
