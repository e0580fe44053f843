import Foundation

/// How `accord audit participation` groups closed sessions.
public enum AuditGrouping: String, Sendable, CaseIterable, Codable {
    /// By the IdNat_PS of the clinician who started the session.
    case clinician
    /// By topic group: the template id, or `no-template` (never the typed topic).
    case topic
    /// By the UTC month of closing (`YYYY-MM`).
    case month
    /// By the FINESS of the organisation (the centre's when the session names none).
    case organisation
}

/// The sums one group's figures are computed from, as the store's aggregation returns them.
///
/// Every count is of closed sessions in the period, in the group. Score sums are whole numbers
/// of **ninths of a point** (every audited score is: CollaboRATE is a mean of 3 items, SDM-Q-9 a
/// sum × 20/9, OPTION-5 a sum × 5), so sums are exact and the figures are rounded once.
public struct AuditGroupTotals: Sendable, Hashable {
    public var group: String
    public var sessions: Int
    public var patientPresent: Int
    public var relativePresent: Int
    public var preferencesRecorded: Int
    /// Sessions where surveillance or no treatment is applicable (the denominator).
    public var surveillanceApplicable: Int
    /// Applicable sessions where it was discussed.
    public var surveillanceDiscussed: Int
    public var trialOffered: Int
    /// Preferred-role letter → sessions.
    public var preferredRoles: [String: Int]
    /// Sessions with both roles as A–E letters.
    public var bothRoles: Int
    public var concordantRoles: Int
    /// Sessions with a complete CollaboRATE (10-point) response.
    public var collaborateEncounters: Int
    public var collaborateTop: Int
    /// The sum of their CollaboRATE means (0–9), in ninths of a point.
    public var collaborateNinths: Int
    public var sdmQ9Count: Int
    /// The sum of SDM-Q-9 scores (0–100), in ninths of a point.
    public var sdmQ9Ninths: Int
    public var option5Count: Int
    /// The sum of OPTION-5 scores (0–100), in ninths of a point.
    public var option5Ninths: Int
    public var sureCount: Int
    public var surePositive: Int
    public var deferred: Int
    /// The sum of completeness percentages (0–100 each).
    public var completenessSum: Int
    /// Days from the RCP meeting to the decision → sessions, for sessions that have both dates.
    public var daysRCPToDecision: [Int: Int]

    public init(group: String) {
        self.group = group
        (sessions, patientPresent, relativePresent, preferencesRecorded) = (0, 0, 0, 0)
        (surveillanceApplicable, surveillanceDiscussed, trialOffered) = (0, 0, 0)
        preferredRoles = [:]
        (bothRoles, concordantRoles, collaborateEncounters, collaborateTop, collaborateNinths) = (0, 0, 0, 0, 0)
        (sdmQ9Count, sdmQ9Ninths, option5Count, option5Ninths, sureCount, surePositive) = (0, 0, 0, 0, 0, 0)
        (deferred, completenessSum, daysRCPToDecision) = (0, 0, [:])
    }

    /// A score (a whole number of ninths of a point) in ninths.
    public static func ninths(_ score: Double) -> Int { Int((score * 9).rounded()) }

    /// Adds one session's facts (used by tests and small computations; the store aggregates in SQL).
    public mutating func add(_ facts: AuditFacts) {
        sessions += 1
        if facts.patientPresent { patientPresent += 1 }
        if facts.relativePresent { relativePresent += 1 }
        if facts.preferencesCount > 0 { preferencesRecorded += 1 }
        if facts.surveillanceApplicable {
            surveillanceApplicable += 1
            if facts.surveillanceDiscussed { surveillanceDiscussed += 1 }
        }
        if facts.trialOffered { trialOffered += 1 }
        if let role = facts.preferredRole { preferredRoles[role, default: 0] += 1 }
        if let concordant = facts.roleConcordant {
            bothRoles += 1
            if concordant { concordantRoles += 1 }
        }
        if let mean = facts.collaborateMean {
            collaborateEncounters += 1
            collaborateNinths += Self.ninths(mean)
            if facts.collaborateTop == true { collaborateTop += 1 }
        }
        if let score = facts.sdmQ9Score { (sdmQ9Count, sdmQ9Ninths) = (sdmQ9Count + 1, sdmQ9Ninths + Self.ninths(score)) }
        if let score = facts.option5Score { (option5Count, option5Ninths) = (option5Count + 1, option5Ninths + Self.ninths(score)) }
        if let positive = facts.surePositive { (sureCount, surePositive) = (sureCount + 1, surePositive + (positive ? 1 : 0)) }
        if facts.decisionOutcome == "deferred" { deferred += 1 }
        completenessSum += facts.completeness
        if let days = facts.daysRCPToDecision { daysRCPToDecision[days, default: 0] += 1 }
    }
}

/// One row of the participation audit: the figures of one group of closed sessions.
///
/// Percentages are 0–100 with one decimal; a figure whose denominator is zero is `nil`. A
/// group of fewer than ``minimumSessions`` sessions is suppressed (every figure `nil`,
/// `sessions` `nil`) unless suppression is turned off. The definitions are in `docs/AUDIT.md`.
public struct ParticipationRow: Sendable, Hashable, Codable {
    /// Groups with fewer sessions are suppressed.
    public static let minimumSessions = 5
    /// The Control Preferences Scale letters, in order.
    public static let roleLetters = ["A", "B", "C", "D", "E"]

    public var group: String
    /// `nil` when suppressed.
    public var sessions: Int?
    public var patientPresentPercent: Double?
    public var relativePresentPercent: Double?
    public var preferencesRecordedPercent: Double?
    public var surveillanceOrNoTreatmentDiscussedPercent: Double?
    public var trialOfferedPercent: Double?
    /// Letter A–E → sessions whose preferred role is that letter (every letter present).
    public var preferredRoleCounts: [String: Int]?
    public var roleConcordancePercent: Double?
    public var collaborateTopScorePercent: Double?
    public var collaborateMean: Double?
    public var sdmQ9Mean: Double?
    public var option5Mean: Double?
    public var surePositivePercent: Double?
    public var deferredPercent: Double?
    public var medianDaysRCPToDecision: Double?
    public var completenessMeanPercent: Double?
    public var suppressed: Bool

    enum CodingKeys: String, CodingKey {
        case group, sessions, suppressed
        case patientPresentPercent = "patient_present_pct", relativePresentPercent = "relative_present_pct"
        case preferencesRecordedPercent = "preferences_recorded_pct"
        case surveillanceOrNoTreatmentDiscussedPercent = "surveillance_or_no_treatment_discussed_pct"
        case trialOfferedPercent = "trial_offered_pct", preferredRoleCounts = "preferred_role_counts"
        case roleConcordancePercent = "role_concordance_pct", collaborateTopScorePercent = "collaborate_top_score_pct"
        case collaborateMean = "collaborate_mean", sdmQ9Mean = "sdm_q9_mean", option5Mean = "option5_mean"
        case surePositivePercent = "sure_positive_pct", deferredPercent = "deferred_pct"
        case medianDaysRCPToDecision = "median_days_rcp_to_decision", completenessMeanPercent = "completeness_mean_pct"
    }

    /// Writes every key, `null` included, so each row has exactly the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(group, forKey: .group)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(patientPresentPercent, forKey: .patientPresentPercent)
        try c.encode(relativePresentPercent, forKey: .relativePresentPercent)
        try c.encode(preferencesRecordedPercent, forKey: .preferencesRecordedPercent)
        try c.encode(surveillanceOrNoTreatmentDiscussedPercent, forKey: .surveillanceOrNoTreatmentDiscussedPercent)
        try c.encode(trialOfferedPercent, forKey: .trialOfferedPercent)
        try c.encode(preferredRoleCounts, forKey: .preferredRoleCounts)
        try c.encode(roleConcordancePercent, forKey: .roleConcordancePercent)
        try c.encode(collaborateTopScorePercent, forKey: .collaborateTopScorePercent)
        try c.encode(collaborateMean, forKey: .collaborateMean)
        try c.encode(sdmQ9Mean, forKey: .sdmQ9Mean)
        try c.encode(option5Mean, forKey: .option5Mean)
        try c.encode(surePositivePercent, forKey: .surePositivePercent)
        try c.encode(deferredPercent, forKey: .deferredPercent)
        try c.encode(medianDaysRCPToDecision, forKey: .medianDaysRCPToDecision)
        try c.encode(completenessMeanPercent, forKey: .completenessMeanPercent)
        try c.encode(suppressed, forKey: .suppressed)
    }

    /// The figures of one group.
    ///
    /// - Parameters:
    ///   - totals: the group's sums.
    ///   - suppression: `false` to show groups of fewer than 5 sessions (`--no-suppression`).
    public init(_ totals: AuditGroupTotals, suppression: Bool = true) {
        group = totals.group
        suppressed = suppression && totals.sessions < Self.minimumSessions
        guard !suppressed else { return }
        let n = totals.sessions
        sessions = n
        patientPresentPercent = Self.percent(totals.patientPresent, of: n)
        relativePresentPercent = Self.percent(totals.relativePresent, of: n)
        preferencesRecordedPercent = Self.percent(totals.preferencesRecorded, of: n)
        surveillanceOrNoTreatmentDiscussedPercent = Self.percent(totals.surveillanceDiscussed, of: totals.surveillanceApplicable)
        trialOfferedPercent = Self.percent(totals.trialOffered, of: n)
        preferredRoleCounts = Dictionary(uniqueKeysWithValues: Self.roleLetters.map { ($0, totals.preferredRoles[$0] ?? 0) })
        roleConcordancePercent = Self.percent(totals.concordantRoles, of: totals.bothRoles)
        // CollaboRATE group rules (CollaboRATEGroup): a group score only with ≥ 25 complete encounters.
        if totals.collaborateEncounters >= CollaboRATEGroup.minimumEncounters {
            collaborateTopScorePercent = Self.percent(totals.collaborateTop, of: totals.collaborateEncounters)
            collaborateMean = Self.ratio(totals.collaborateNinths, 9 * totals.collaborateEncounters, decimals: 2)
        }
        sdmQ9Mean = Self.ratio(totals.sdmQ9Ninths, 9 * totals.sdmQ9Count, decimals: 1)
        option5Mean = Self.ratio(totals.option5Ninths, 9 * totals.option5Count, decimals: 1)
        surePositivePercent = Self.percent(totals.surePositive, of: totals.sureCount)
        deferredPercent = Self.percent(totals.deferred, of: n)
        medianDaysRCPToDecision = Self.median(totals.daysRCPToDecision)
        completenessMeanPercent = Self.ratio(totals.completenessSum, n, decimals: 1)
    }

    /// `part` of `whole` in percent with one decimal; `nil` when `whole` is zero.
    public static func percent(_ part: Int, of whole: Int) -> Double? {
        ratio(part * 100, whole, decimals: 1)
    }

    /// `numerator / denominator` rounded half away from zero to `decimals` decimals, computed
    /// exactly in integers (no binary floating-point error at a boundary such as 2.675); `nil`
    /// when `denominator` is zero.
    public static func ratio(_ numerator: Int, _ denominator: Int, decimals: Int) -> Double? {
        guard denominator != 0 else { return nil }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let negative = (numerator < 0) != (denominator < 0)
        let (n, d) = (abs(numerator) * scale, abs(denominator))
        let rounded = (2 * n + d) / (2 * d)
        return Double(negative ? -rounded : rounded) / Double(scale)
    }

    /// The median of a distribution (value → how many times it occurs): the middle value, or the
    /// mean of the two middle values for an even count; `nil` when empty.
    public static func median(_ distribution: [Int: Int]) -> Double? {
        let count = distribution.values.reduce(0, +)
        guard count > 0 else { return nil }
        // The values at positions count / 2 (0-based) and, for an even count, count / 2 - 1.
        let high = count / 2
        let low = count % 2 == 1 ? high : high - 1
        var seen = 0
        var lowValue: Int?
        for (value, times) in distribution.sorted(by: { $0.key < $1.key }) where times > 0 {
            if lowValue == nil, low < seen + times { lowValue = value }
            if high < seen + times { return Double(lowValue! + value) / 2 }
            seen += times
        }
        return nil
    }
}

/// The result of `accord audit participation`: rows by group, and whether small groups were
/// suppressed.
public struct ParticipationReport: Sendable, Hashable, Codable {
    /// One row per group, ordered by group.
    public var rows: [ParticipationRow]
    /// `false` when `--no-suppression` was given.
    public var suppression: Bool
    /// How the rows are grouped.
    public var grouping: AuditGrouping
    /// The first and last closing days included (`YYYY-MM-DD`), when given.
    public var from: CalendarDate?
    public var to: CalendarDate?

    public init(rows: [ParticipationRow], suppression: Bool, grouping: AuditGrouping, from: CalendarDate?, to: CalendarDate?) {
        self.rows = rows
        self.suppression = suppression
        self.grouping = grouping
        self.from = from
        self.to = to
    }
}
