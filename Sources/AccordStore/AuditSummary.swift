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
        let code = HMAC<SHA256>.authenticationCode(for: Data(("audit-patient:" + input).utf8), using: key.key)
        return Hex.lowercase(code)
    }

    /// Rewrites the summary rows of `consultation` from its current state.
    ///
    /// Called inside the write transaction of every session event, after the event is applied.
    static func refresh(_ consultation: Consultation, db: Database, key: ChainKey) throws {
        let facts = AuditFacts(consultation)
        let finess: String
        if let own = facts.organisationFINESS {
            finess = own
        } else {
            finess = try EventRecorder.centreSettings(db)?.settings.finess ?? "centre"
        }
        func flag(_ value: Bool?) -> Int? { value.map { $0 ? 1 : 0 } }
        // The participation cells follow the row: the old row's contribution out, the new one's in.
        try AuditCells.subtract(session: facts.sessionNumber, db)
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO audit_session (
                    session_number, event_count, patient_pseudonym, clinician_idnat_ps, organisation_finess, topic_group,
                    start_month, closed, closed_at, closed_day, closed_month, patient_present, relative_present,
                    preferences_count, surveillance_discussed, surveillance_applicable, trial_offered, preferred_role,
                    experienced_role, role_concordant, collaborate_mean, collaborate_top, sdm_q9_score, option5_score,
                    sure_positive, decision_outcome, rcp_date, decision_date, days_rcp_to_decision, completeness)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                facts.sessionNumber, consultation.lastSessionSequence, pseudonym(facts.pseudonymInput, key: key), facts.clinicianID,
                finess, facts.topicGroup, facts.startMonth, flag(facts.closed), facts.closedAt, facts.closedDay, facts.closedMonth,
                flag(facts.patientPresent), flag(facts.relativePresent), facts.preferencesCount, flag(facts.surveillanceDiscussed),
                flag(facts.surveillanceApplicable), flag(facts.trialOffered), facts.preferredRole, facts.experiencedRole,
                flag(facts.roleConcordant), facts.collaborateMean, flag(facts.collaborateTop), facts.sdmQ9Score, facts.option5Score,
                flag(facts.surePositive), facts.decisionOutcome, facts.rcpDate?.description, facts.decisionDate?.description,
                facts.daysRCPToDecision, facts.completeness,
            ])
        try AuditCells.add(session: facts.sessionNumber, db)
        try db.cachedStatement(sql: "DELETE FROM audit_option WHERE session_number = ?").execute(arguments: [facts.sessionNumber])
        for option in facts.options {
            try db.cachedStatement(sql: "INSERT INTO audit_option (session_number, option_number, kind, origin_kind) VALUES (?, ?, ?, ?)")
                .execute(arguments: [facts.sessionNumber, option.number, option.kind.rawValue, option.originKind])
        }
        try db.cachedStatement(sql: "DELETE FROM audit_instrument WHERE session_number = ?").execute(arguments: [facts.sessionNumber])
        for response in facts.instruments {
            try db.cachedStatement(
                sql: """
                    INSERT INTO audit_instrument (session_number, entry_number, instrument, version, respondent, score, flags,
                        complete, follow_up, recorded_month)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    facts.sessionNumber, response.entryNumber, response.instrument, response.version, response.respondent,
                    response.score, response.flags.joined(separator: " "), response.complete ? 1 : 0, response.followUp ? 1 : 0,
                    response.recordedMonth,
                ])
        }
    }
}
