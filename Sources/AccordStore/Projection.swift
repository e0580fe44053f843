import AccordCore
import GRDB

/// A table derived from the event log, kept in step by ``EventRecorder`` in the write
/// transaction of every session event.
///
/// After appending a session event and applying it to the session's state, the recorder runs
/// its projections in order (``EventRecorder/standardProjections(key:)``): the session summary
/// (``SessionSummaryProjection``), then the audit summary with the participation cells it feeds
/// (``AuditSummaryProjection``). A projection writes only its own tables, from the session's
/// state after the event; a failure rolls the whole transaction back, event included.
protocol Projection {
    /// Brings the projection's rows of `consultation` up to date after `event`.
    ///
    /// - Parameters:
    ///   - consultation: the session's state, `event` applied.
    ///   - event: the session event just appended.
    ///   - db: the write transaction.
    /// - Throws: database errors.
    func apply(_ consultation: Consultation, event: RecordedEvent, db: Database) throws

    /// Writes the projection's rows of a new session recorded whole
    /// (``EventRecorder/recordWhole(_:startedAt:changes:author:)``), once, from its state after
    /// its last event, before its events are inserted (they refer to the summary row): the rows
    /// ``apply(_:event:db:)`` after each of its events would leave, but for what
    /// ``finishWhole(sessions:db:)`` adds for a whole batch.
    ///
    /// - Parameters:
    ///   - consultation: the session's state after its last event.
    ///   - eventCount: how many events the session has.
    ///   - kept: the recorder's kept statements, on the write transaction (`kept.db`).
    /// - Throws: database errors.
    func applyWhole(_ consultation: Consultation, eventCount: Int, kept: KeptStatements) throws

    /// Completes the rows of the new sessions `sessions`, all recorded whole in this
    /// transaction, at once (before it commits).
    /// - Throws: database errors.
    func finishWhole(sessions: ClosedRange<Int64>, db: Database) throws
}

/// The audit's summary tables (`audit_session`, `audit_option`, `audit_instrument`) and the
/// participation cells (`audit_cell`, `audit_cell_days`) that follow `audit_session`:
/// ``AuditSummary/refresh(_:db:key:cells:kept:)``.
struct AuditSummaryProjection: Projection {
    /// The chain key, which pseudonymises the patient.
    let key: ChainKey
    /// The cells' part of the sessions recorded whole and not yet finished.
    let cells = AuditCells.Pending()

    func apply(_ consultation: Consultation, event: RecordedEvent, db: Database) throws {
        try AuditSummary.refresh(consultation, db: db, key: key)
    }

    /// The summary rows, without the participation cells.
    func applyWhole(_ consultation: Consultation, eventCount: Int, kept: KeptStatements) throws {
        try AuditSummary.refresh(consultation, db: kept.db, key: key, cells: cells, kept: kept)
    }

    /// The participation cells of the batch, each changed once.
    func finishWhole(sessions: ClosedRange<Int64>, db: Database) throws {
        try cells.add(sessions: sessions, db)
    }
}
