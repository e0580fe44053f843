import Foundation

/// The outcome of the decision talk.
public enum DecisionOutcome: Sendable, Hashable, Codable {
    /// The patient and the team agreed on the option with this number.
    case agreed(option: Int)
    /// The decision is deferred; the patient takes time to reflect until the next contact.
    case deferred(nextContact: CalendarDate)
    /// The patient declined every option.
    case declined

    /// `agreed`, `deferred` or `declined`.
    public var name: String {
        switch self {
        case .agreed: "agreed"
        case .deferred: "deferred"
        case .declined: "declined"
        }
    }
}

/// The decision (or its deferral) recorded in the consultation.
public struct Decision: Sendable, Hashable, Codable {
    /// The entry id (`D1`, `D2`, …; a later decision replaces an earlier one).
    public var entry: EntryID
    /// What was decided.
    public var outcome: DecisionOutcome
    /// The participants who took the decision (their entry ids).
    public var takenBy: [EntryID]
    /// When it was recorded (UTC instant).
    public var recordedAt: Date
    /// Withdrawn entries are kept but no longer count.
    public var withdrawn: Bool
    /// The participant who answered for the patient (an absent patient among ``takenBy``).
    public var answeredBy: EntryID?

    public init(
        entry: EntryID, outcome: DecisionOutcome, takenBy: [EntryID], recordedAt: Date, withdrawn: Bool = false,
        answeredBy: EntryID? = nil
    ) {
        self.answeredBy = answeredBy
        self.entry = entry
        self.outcome = outcome
        self.takenBy = takenBy
        self.recordedAt = recordedAt
        self.withdrawn = withdrawn
    }

    enum CodingKeys: String, CodingKey {
        case entry, outcome, takenBy = "taken_by", recordedAt = "recorded_at", withdrawn, answeredBy = "answered_by"
    }
}
