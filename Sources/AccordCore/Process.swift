import Foundation

/// The three-talk phases of a shared decision (Elwyn et al., BMJ 2017;359:j4891).
public enum Phase: String, Sendable, Codable, CaseIterable {
    /// Team talk: a choice exists, we decide together, goals.
    case team
    /// Option talk: the options compared, with benefits, harms and their probabilities.
    case option
    /// Decision talk: informed preferences, then the decision.
    case decision

    /// A French label for narratives.
    public var frenchLabel: String {
        switch self {
        case .team: "Temps du choix (team talk)"
        case .option: "Présentation des options (option talk)"
        case .decision: "Temps de la décision (decision talk)"
        }
    }
}

/// When a phase began.
public struct PhaseMark: Sendable, Hashable, Codable {
    /// The phase.
    public var phase: Phase
    /// When it began (UTC instant).
    public var startedAt: Date

    enum CodingKeys: String, CodingKey {
        case phase, startedAt = "started_at"
    }
}

/// A decision aid given to the patient (IPDAS: name and version).
public struct DecisionAid: Sendable, Hashable, Codable {
    /// The entry id (`A1`, `A2`, …).
    public var entry: EntryID
    /// The aid's name.
    public var name: String
    /// Its version or edition, when known.
    public var version: String?
    /// Withdrawn entries are kept but no longer count.
    public var withdrawn: Bool
}

/// Whether the patient could take part in a clinical trial, and their answer.
public enum TrialEligibility: String, Sendable, Codable, CaseIterable {
    case eligible
    case notEligible = "not-eligible"
    case unknown
}

/// The patient's answer to a trial proposal.
public enum TrialAnswer: String, Sendable, Codable, CaseIterable {
    case accepted
    case declined
    case undecided
}

/// What the record holds of the process: aids given, understanding checked, reflection time,
/// the trial proposal.
public struct ProcessRecord: Sendable, Hashable, Codable {
    /// Decision aids given, in order.
    public var decisionAids: [DecisionAid] = []
    /// How understanding was checked (e.g. "reformulation"), when it was; `nil`: not recorded.
    public var understandingChecked: String?
    /// Whether time for reflection was offered, and until when.
    public var reflectionOffered: Bool = false
    /// The day the reflection time ends, when given.
    public var reflectionUntil: CalendarDate?
    /// Trial eligibility, when recorded.
    public var trialEligibility: TrialEligibility?
    /// Whether a trial was offered (`nil`: not recorded).
    public var trialOffered: Bool?
    /// The patient's answer to the trial proposal.
    public var trialAnswer: TrialAnswer?

    enum CodingKeys: String, CodingKey {
        case decisionAids = "decision_aids", understandingChecked = "understanding_checked", reflectionOffered = "reflection_offered"
        case reflectionUntil = "reflection_until", trialEligibility = "trial_eligibility", trialOffered = "trial_offered"
        case trialAnswer = "trial_answer"
    }
}
