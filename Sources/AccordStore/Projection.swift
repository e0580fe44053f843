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
}

/// The audit's summary tables (`audit_session`, `audit_option`, `audit_instrument`) and the
/// participation cells (`audit_cell`, `audit_cell_days`) that follow `audit_session`:
/// ``AuditSummary/refresh(_:db:key:)``.
struct AuditSummaryProjection: Projection {
    /// The chain key, which pseudonymises the patient.
    let key: ChainKey

    func apply(_ consultation: Consultation, event: RecordedEvent, db: Database) throws {
        try AuditSummary.refresh(consultation, db: db, key: key)
    }
}
