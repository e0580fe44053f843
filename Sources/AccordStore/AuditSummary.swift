import AccordCore
import Crypto
import Foundation
import GRDB

/// The audit's summary tables, kept up to date from the events in the same transaction.
///
/// `audit_session` holds one row per session, `audit_option` one per option not withdrawn,
/// `audit_instrument` one per instrument response not withdrawn. They hold pseudonymised,
/// non-free-text facts only (``AuditFacts``): the patient as an HMAC-SHA256 pseudonym, no
/// names, INS, birth dates, labels or notes. The views `audit_sessions`, `audit_options` and
/// `audit_instruments` are what `accord audit sql` may read.
package enum AuditSummary {
    /// The patient pseudonym: HMAC-SHA256 with the chain key over `audit-patient:OID:INS`, in
    /// lowercase hexadecimal. The same patient gets the same pseudonym in one database; without
    /// the key it cannot be recomputed from an INS.
    package static func pseudonym(_ input: String, key: ChainKey) -> String {
        var message = "audit-patient:" + input
        return message.withUTF8 { key.mac.authenticationCode(UnsafeRawBufferPointer($0)) }.withUnsafeBytes { Hex.lowercase($0) }
    }

    /// Rewrites the summary rows of `consultation` from its current state.
    ///
    /// Called inside the write transaction of every session event, after the event is applied.
    ///
    /// - Parameters:
    ///   - cells: the session has no summary rows yet and its participation cells are added
    ///     later, for a whole batch of new sessions at once, from what `cells` notes
    ///     (``AuditCells/Pending``): a session recorded whole. `nil`: the cells are updated now.
    ///   - kept: the recorder's kept statements, when it keeps them (a session recorded whole).
    static func refresh(
        _ consultation: Consultation, db: Database, key: ChainKey, cells: AuditCells.Pending? = nil, kept: KeptStatements? = nil
    ) throws {
        func statement(_ statement: KeptStatements.Kept, _ sql: String) throws -> Statement {
            try kept?.statement(statement, sql: sql) ?? db.cachedStatement(sql: sql)
        }
        let rows = try Rows(consultation, key: key) { try EventRecorder.centreSettings(db)?.settings.finess }
        let number = rows.sessionNumber
        let new = cells != nil
        cells?.note(rows.facts, finess: rows.organisation)
        // The participation cells follow the row: the old row's contribution out, the new one's in.
        if !new { try AuditCells.subtract(session: number, db) }
        try statement(.auditSession, Rows.insertSession).execute(in: db) { for value in rows.session { $0.value(value) } }
        if !new {
            try AuditCells.add(session: number, db)
            try db.cachedStatement(sql: "DELETE FROM audit_option WHERE session_number = ?").execute(arguments: [number])
        }
        for option in rows.options {
            try statement(.auditOption, Rows.insertOption).execute(in: db) { for value in option { $0.value(value) } }
        }
        if !new { try db.cachedStatement(sql: "DELETE FROM audit_instrument WHERE session_number = ?").execute(arguments: [number]) }
        for response in rows.instruments {
            try statement(.auditInstrument, Rows.insertInstrument).execute(in: db) { for value in response { $0.value(value) } }
        }
    }

    /// The summary rows of one session (``AuditFacts``), in the columns' order: one
    /// `audit_session` row, the `audit_option` and `audit_instrument` rows.
    package struct Rows: Sendable {
        /// The columns of `audit_session`, in the order of ``session``.
        package static let sessionColumns = [
            "session_number", "event_count", "patient_pseudonym", "clinician_idnat_ps", "organisation_finess", "topic_group",
            "start_month", "closed", "closed_at", "closed_day", "closed_month", "patient_present", "relative_present",
            "preferences_count", "surveillance_discussed", "surveillance_applicable", "trial_offered", "preferred_role",
            "experienced_role", "role_concordant", "collaborate_mean", "collaborate_top", "sdm_q9_score", "option5_score",
            "sure_positive", "decision_outcome", "rcp_date", "decision_date", "days_rcp_to_decision", "completeness",
        ]
        /// The columns of `audit_option`, in the order of each of ``options``.
        package static let optionColumns = ["session_number", "option_number", "kind", "origin_kind"]
        /// The columns of `audit_instrument`, in the order of each of ``instruments``.
        package static let instrumentColumns = [
            "session_number", "entry_number", "instrument", "version", "respondent", "score", "flags", "complete", "follow_up",
            "recorded_month",
        ]

        /// The statements that write the rows, made once (each session's rows were written
        /// with statements whose text was joined again, then looked up in the statement cache).
        static let insertSession = insertStatementText("INSERT OR REPLACE INTO audit_session", columns: sessionColumns)
        static let insertOption = insertStatementText("INSERT INTO audit_option", columns: optionColumns)
        static let insertInstrument = insertStatementText("INSERT INTO audit_instrument", columns: instrumentColumns)

        package let sessionNumber: Int64
        /// The facts the rows are written from.
        package let facts: AuditFacts
        /// The FINESS in the row's `organisation_finess`: the session's, else the centre's,
        /// else `centre`.
        package let organisation: String
        package let session: [StoreValue]
        package let options: [[StoreValue]]
        package let instruments: [[StoreValue]]

        /// The rows of `consultation` as it is now.
        /// - Parameters:
        ///   - key: the chain key, which pseudonymises the patient (``AuditSummary/pseudonym(_:key:)``).
        ///   - centreFINESS: the centre's FINESS, read only for a session that names no
        ///     organisation (`centre` when the centre has none either).
        package init(_ consultation: Consultation, key: ChainKey, centreFINESS: () throws -> String?) rethrows {
            let facts = AuditFacts(consultation)
            let finess: String
            if let own = facts.organisationFINESS {
                finess = own
            } else {
                finess = try centreFINESS() ?? "centre"
            }
            let number = facts.sessionNumber
            sessionNumber = number
            self.facts = facts
            organisation = finess
            session = [
                .integer(number), .of(consultation.lastSessionSequence), .text(pseudonym(facts.pseudonymInput, key: key)),
                .text(facts.clinicianID), .text(finess), .text(facts.topicGroup), .text(facts.startMonth), .flag(facts.closed),
                .text(facts.closedAt), .text(facts.closedDay), .text(facts.closedMonth), .flag(facts.patientPresent),
                .flag(facts.relativePresent), .of(facts.preferencesCount), .flag(facts.surveillanceDiscussed),
                .flag(facts.surveillanceApplicable), .flag(facts.trialOffered), .text(facts.preferredRole), .text(facts.experiencedRole),
                .flag(facts.roleConcordant), .real(facts.collaborateMean), .flag(facts.collaborateTop), .real(facts.sdmQ9Score),
                .real(facts.option5Score), .flag(facts.surePositive), .text(facts.decisionOutcome), .text(facts.rcpDate?.description),
                .text(facts.decisionDate?.description), .of(facts.daysRCPToDecision), .of(facts.completeness),
            ]
            options = facts.options.map { option in
                [.integer(number), .of(option.number), .text(option.kind.rawValue), .text(option.originKind)]
            }
            instruments = facts.instruments.map { response in
                [
                    .integer(number), .of(response.entryNumber), .text(response.instrument), .text(response.version),
                    .text(response.respondent), .real(response.score), .text(response.flags.joined(separator: " ")),
                    .flag(response.complete), .flag(response.followUp), .text(response.recordedMonth),
                ]
            }
        }
    }
}

/// A value bound to a statement shared by the SQLite and PostgreSQL stores (a summary row's,
/// a query's parameter), whichever backend runs it.
package enum StoreValue: Sendable, Hashable {
    case integer(Int64?)
    case text(String?)
    case real(Double?)

    static func of(_ value: Int?) -> StoreValue { .integer(value.map(Int64.init)) }
    static func flag(_ value: Bool?) -> StoreValue { .integer(value.map { $0 ? 1 : 0 }) }

    var databaseValue: DatabaseValue {
        switch self {
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .real(let value): value.databaseValue
        }
    }
}
