import AccordCore
import Foundation

/// The text forms of the participation audit: the aligned table, CSV and JSON of `accord audit
/// participation`, and the cells the HTML page shows.
extension ParticipationReport {
    /// The statement printed when suppression is off.
    public static let noSuppressionStatement =
        "suppression is off (--no-suppression): groups of fewer than 5 sessions are shown; do not share this output."

    /// The column titles of the table and CSV forms, in order (the JSON keys).
    public static let columns = [
        "group", "sessions", "patient_present_pct", "relative_present_pct", "preferences_recorded_pct",
        "surveillance_or_no_treatment_discussed_pct", "trial_offered_pct", "preferred_role_counts", "role_concordance_pct",
        "collaborate_top_score_pct", "collaborate_mean", "sdm_q9_mean", "option5_mean", "sure_positive_pct", "deferred_pct",
        "median_days_rcp_to_decision", "completeness_mean_pct", "suppressed",
    ]

    /// The cells of each row as text: `<5` for a suppressed group's sessions, empty for `nil`,
    /// role counts as `A=1 B=0 …`.
    public var cells: [[String]] {
        rows.map { row in
            func number(_ value: Double?) -> String { value.map(AuditText.number) ?? "" }
            return [
                row.group, row.suppressed ? "<\(ParticipationRow.minimumSessions)" : row.sessions.map(String.init) ?? "",
                number(row.patientPresentPercent), number(row.relativePresentPercent), number(row.preferencesRecordedPercent),
                number(row.surveillanceOrNoTreatmentDiscussedPercent), number(row.trialOfferedPercent),
                row.preferredRoleCounts.map { counts in
                    ParticipationRow.roleLetters.map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: " ")
                }
                    ?? "",
                number(row.roleConcordancePercent), number(row.collaborateTopScorePercent), number(row.collaborateMean),
                number(row.sdmQ9Mean), number(row.option5Mean), number(row.surePositivePercent), number(row.deferredPercent),
                number(row.medianDaysRCPToDecision), number(row.completenessMeanPercent), row.suppressed ? "yes" : "no",
            ]
        }
    }

    /// The JSON form: `{"rows": [...]}`, with `"suppression": false` when suppression is off.
    public func json() throws -> String {
        struct Shape: Encodable {
            var rows: [ParticipationRow]
            var suppression: Bool?
        }
        let data = try AccordJSON.encoder(pretty: true).encode(Shape(rows: rows, suppression: suppression ? nil : false))
        return String(decoding: data, as: UTF8.self)
    }

    /// The CSV form (RFC 4180), with the statement as a first line `# …` when suppression is off.
    public func csv() -> String {
        var lines = suppression ? [] : ["# " + Self.noSuppressionStatement]
        lines.append(AuditText.csv(Self.columns, cells))
        return lines.joined(separator: "\n")
    }

    /// The aligned text table, with the statement as a last line when suppression is off.
    public func table() -> String {
        var text = AuditText.table(Self.columns, cells)
        if !suppression { text += "\n" + Self.noSuppressionStatement }
        return text
    }
}
