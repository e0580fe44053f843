import Foundation

/// A shared-decision-making instrument: what it asks, who answers it, and how it is scored.
///
/// The catalogue (``all``) holds one definition per ``InstrumentID``. Item wording is licensed
/// by the instruments' owners and is never stored: answers are item numbers and values.
/// Rules that could not be confirmed in a published source are implemented, listed in
/// ``unconfirmed`` and make ``confirmed`` false; any change to a rule must come with a new
/// ``version`` so stored responses (id, version, raw answers) can be rescored.
///
/// Source of every rule: `standards/INSTRUMENTS.md` of the project.
public struct Instrument: Sendable, Hashable {
    /// What one item's answer can be.
    public enum AnswerKind: Sendable, Hashable {
        /// A whole number in the range (inclusive).
        case scale(ClosedRange<Int>)
        /// `yes` or `no`.
        case yesNo
        /// One of these capital letters.
        case letters([String])
    }

    /// A subscale: its name (the key in ``InstrumentScore/subscores``) and 1-based item numbers.
    public struct Subscale: Sendable, Hashable {
        /// The subscore's key, e.g. `informed`.
        public let name: String
        /// The items it sums, numbered from 1.
        public let items: [Int]

        public init(name: String, items: [Int]) {
            self.name = name
            self.items = items
        }
    }

    /// The identifier, as `--instrument` spells it.
    public let id: InstrumentID
    /// The version of the scoring rules (and item map), e.g. `2010` or `2010-statement`.
    public let version: String
    /// The instrument's usual name, e.g. `SDM-Q-9`.
    public let name: String
    /// How many items are answered.
    public let itemCount: Int
    /// What each answer can be.
    public let answerKind: AnswerKind
    /// The answers in a few characters: `0–5`, `yes/no`, `A–E`.
    public let answerDescription: String
    /// The range of ``InstrumentScore/score``, e.g. `0–100`, or what is given instead.
    public let scoreRange: String
    /// The scoring rule in one sentence, for `accord instrument list`.
    public let rule: String
    /// Scoring rules (for a complete response) this version implements without a confirming
    /// published source, one short phrase each; empty when they are all confirmed.
    public let unconfirmedScoring: [String]
    /// The missing-item rule, when it is not confirmed by a published source.
    public let unconfirmedMissingItemRule: String?
    /// The published source of the instrument and its scoring.
    public let source: String
    /// Who is meant to answer it.
    public let defaultRespondent: Respondent
    /// The subscales scored besides the total (the Decisional Conflict Scale's five); often empty.
    public let subscales: [Subscale]

    /// Every rule this version implements without a confirming published source: the scoring
    /// rules, then the missing-item rule. Empty when every rule is confirmed.
    public var unconfirmed: [String] { unconfirmedScoring + (unconfirmedMissingItemRule.map { [$0] } ?? []) }

    /// `true` when every rule of this version is confirmed in a published source.
    public var confirmed: Bool { unconfirmed.isEmpty }

    /// `id/version`, e.g. `dcs-16/2010-statement`.
    public var versionedID: String { "\(id.rawValue)/\(version)" }

    /// Every instrument, in ``InstrumentID`` order.
    public static let all: [Instrument] = InstrumentID.allCases.map { catalogue[$0]! }

    /// The instrument with this identifier (`sdm-q-9`); case and surrounding spaces are ignored.
    ///
    /// - Parameter id: the identifier as typed after `--instrument`.
    /// - Returns: the instrument's current version.
    /// - Throws: `AccordError` (`invalidInput`) on `--instrument`, listing the identifiers.
    public static func named(_ id: String) throws -> Instrument {
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        guard let known = InstrumentID(rawValue: key) else {
            throw AccordError.invalid(
                "--instrument", "is not a known instrument",
                accepted: "one of " + InstrumentID.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return known.instrument
    }
}
