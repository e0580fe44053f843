import AccordCore
import Foundation
import GRDB

/// The `session` table: one summary row per session (status, instants, event count, topic,
/// completeness, the patient's columns), which `session list` reads and the next session number
/// comes from.
///
/// The row is a cache of the session's events: it is written when the session starts
/// (``open(_:start:at:db:)``, before the start event, which refers to it), restored from the
/// folded events before a change (``restore(_:db:)``), and kept up to date after each event by
/// ``apply(_:event:db:)``.
struct SessionSummaryProjection: Projection {
    /// Counts the event, marks the closing, follows a corrected identity, and keeps the
    /// completeness of a closed session (at closing, then after amendments).
    func apply(_ consultation: Consultation, event: RecordedEvent, db: Database) throws {
        var closing: String?
        if case .sessionClosed = event.change { closing = UTCInstant.format(event.recordedAt) }
        try db.cachedStatement(
            sql: """
                UPDATE session SET event_count = event_count + 1,
                    status = CASE WHEN ? IS NULL THEN status ELSE 'closed' END,
                    closed_at = COALESCE(?, closed_at)
                WHERE number = ?
                """
        ).execute(arguments: [closing, closing, consultation.id.number])
        // The patient columns of the summary follow the corrected identity.
        switch event.change {
        case .identityCorrected, .identityStatusChanged: try Self.restore(consultation, db: db)
        default: break
        }
        if consultation.status == .closed {
            try db.cachedStatement(sql: "UPDATE session SET completeness = ? WHERE number = ?").execute(
                arguments: [consultation.completeness.percent, consultation.id.number])
        }
    }

    /// The statement of ``applyWhole(_:eventCount:kept:)``, made once.
    private static let insertWhole = insertStatementText("INSERT INTO session", columns: SessionRecord.columns)

    /// Inserts the row of a new session from its state after its last event.
    func applyWhole(_ consultation: Consultation, eventCount: Int, kept: KeptStatements) throws {
        try kept.statement(.session, sql: Self.insertWhole).execute(
            in: kept.db, binding: SessionRecord(consultation, eventCount: eventCount).bind)
    }

    /// Nothing: the row is whole already.
    func finishWhole(sessions: ClosedRange<Int64>, db: Database) throws {}

    /// Writes the row of a session about to start, with no event counted yet.
    static func open(_ number: Int64, start: SessionStart, at instant: Date, db: Database) throws {
        try SessionRecord(session: SessionID(number: number), startedAt: instant, start: start).insert(db)
    }

    /// Writes the session's summary row from its folded events (a cache: a row deleted or
    /// changed behind Accord's back is restored before the next event refers to it).
    /// - Parameter coming: events about to be appended that change no column of the row but
    ///   the event count (issued documents), counted already: the row is then written once,
    ///   as it stands after them.
    ///   When there are such events, the row is first updated in its count only, where every
    ///   other column holds what the events give; only a row missing or changed is written
    ///   whole (a whole row rewrites the summary's four indexes: a tenth of an issue's cost).
    static func restore(_ consultation: Consultation, db: Database, coming: Int = 0) throws {
        let count =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM event WHERE session_number = ?"), arguments: [consultation.id.number]) ?? 0
        let record = SessionRecord(consultation, eventCount: count + coming)
        if coming > 0 {
            try db.cachedStatement(sql: Self.countOnlySQL).execute(in: db, binding: record.bind)
            if db.changesCount == 1 { return }
        }
        try db.cachedStatement(sql: Self.upsertSQL).execute(in: db, binding: record.bind)
    }

    /// Sets a row's event count where its other columns hold the given values, taking the
    /// values ``SessionRecord/bind(_:)`` binds (numbered parameters, in the order of the columns).
    static let countOnlySQL: String = {
        let columns = SessionRecord.columns
        func parameter(_ column: String) -> String { "?\(columns.firstIndex(of: column)! + 1)" }
        let same = columns.filter { $0 != "number" && $0 != "event_count" }.map { "\($0) IS \(parameter($0))" }
        return "UPDATE session SET event_count = \(parameter("event_count")) WHERE number = \(parameter("number")) AND "
            + same.joined(separator: " AND ")
    }()

    /// Writes a whole summary row, replacing the session's row in place when there is one (a
    /// kept statement: GRDB's record `upsert` encoded the record and fetched the row back, a
    /// third of an issue's cost in a batch export). Not `INSERT OR REPLACE`, which would
    /// delete the row the events refer to.
    static let upsertSQL: String = {
        let updates = SessionRecord.columns.filter { $0 != "number" }.map { "\($0) = excluded.\($0)" }
        return insertStatementText("INSERT INTO session", columns: SessionRecord.columns)
            + " ON CONFLICT(number) DO UPDATE SET \(updates.joined(separator: ", "))"
    }()

    /// The summary's columns that find a patient's sessions and name the patient in
    /// `session list` (migration v5), in the order of ``patientValues(_:)``.
    static let patientColumns = "patient_ins, ipp, ipp_root, clinician_id, birth_family_name, first_given_name, birth_date"

    /// The values of ``patientColumns`` for a session started (or corrected) as `start`.
    static func patientValues(_ start: SessionStart) -> StatementArguments {
        [
            start.patient.ins, start.ipp?.extension_, start.ipp?.root, start.clinicianID, start.patient.birthFamilyName,
            start.patient.firstBirthGivenName, start.patient.birthDate.description,
        ]
    }
}
