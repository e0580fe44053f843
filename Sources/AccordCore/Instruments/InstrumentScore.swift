import Foundation

/// The score of one completed instrument, with the id and version of the rules that gave it.
///
/// `score` keeps full precision; print it with ``formatted``. Its range is the instrument's
/// ``Instrument/scoreRange``: SURE 0–4 (count of yes), CollaboRATE 0–9 or 0–4 (mean of the
/// items), SDM-Q-9, SDM-Q-Doc, OPTION, DCS and DRS 0–100; the Control Preferences Scale has no
/// score, only a role group in `flags`.
public struct InstrumentScore: Sendable, Hashable, Codable {
    /// The instrument's id (`sdm-q-9`).
    public var instrument: String
    /// The version of the rules used (`2010-statement`).
    public var version: String
    /// The total, or `nil` when the missing-item rule gives none (or the instrument has none).
    public var score: Double?
    /// Subscale scores by name, same range as the total (DCS: `informed`, `values`, `support`,
    /// `uncertainty`, `effective`, each 0–100); empty for instruments without subscales.
    public var subscores: [String: Double]
    /// What the score means, sorted: see the `…Flag` constants.
    public var flags: [String]
    /// `true` when every item was answered.
    public var complete: Bool
    /// `false` when a rule used for this score is unconfirmed (``Instrument/unconfirmed``).
    public var confirmed: Bool

    public init(
        instrument: String, version: String, score: Double?, subscores: [String: Double] = [:], flags: [String] = [],
        complete: Bool, confirmed: Bool
    ) {
        self.instrument = instrument
        self.version = version
        self.score = score
        self.subscores = subscores
        self.flags = flags.sorted()
        self.complete = complete
        self.confirmed = confirmed
    }

    // MARK: - Flags

    /// A positive SURE screen (3 or fewer) or a DCS total of 25 or more.
    public static let decisionalConflictFlag = "decisional-conflict"
    /// A DCS total above 37.5, associated with delaying the decision.
    public static let delaysDecisionFlag = "delays-decision"
    /// A CollaboRATE encounter with every item at the top of the scale.
    public static let topScoreFlag = "top-score"
    /// Control Preferences Scale groups (A–B, C, D–E).
    public static let activeFlag = "active"
    public static let collaborativeFlag = "collaborative"
    public static let passiveFlag = "passive"
    /// Decision Regret Scale groups: 0, above 0 up to 25, above 25.
    public static let noRegretFlag = "no-regret"
    public static let mildRegretFlag = "mild-regret"
    public static let moderateStrongRegretFlag = "moderate-strong-regret"

    // MARK: - Printing

    /// The score for printing, or `nil` when there is none: the SURE count as a whole number
    /// (`3`), every other score with one decimal (`55.6`), rounded half away from zero.
    public var formatted: String? {
        score.map { InstrumentScore.format($0, decimals: instrument == InstrumentID.sure.rawValue ? 0 : 1) }
    }

    /// A subscore for printing with one decimal, or `nil` when there is none.
    public func formattedSubscore(_ name: String) -> String? {
        subscores[name].map { InstrumentScore.format($0, decimals: 1) }
    }

    /// `value` with `decimals` decimals (0 or more), rounded half away from zero, `.` as separator.
    ///
    /// The text is `String(format: "%.Nf")`'s of the rounded value, written from the rounded
    /// integer of scaled units (a minus sign for a negative value, even one rounded to zero,
    /// as `printf` writes it); values of 10¹⁵ units or more, infinities and NaN are left to
    /// `String(format:)`. Scores are printed for every response of every exported document.
    public static func format(_ value: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let units = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard decimals >= 0, decimals <= 15, units.magnitude < 1e15 else {
            return String(format: "%.\(decimals)f", units / scale)
        }
        let whole = UInt64(units.magnitude)
        let divisor = UInt64(scale)
        var text = (units / scale).sign == .minus ? "-" : ""
        text += String(whole / divisor)
        guard decimals > 0 else { return text }
        let fraction = String(whole % divisor)
        text += "."
        text += String(repeating: "0", count: decimals - fraction.utf8.count)
        text += fraction
        return text
    }
}

extension InstrumentScore {
    /// One line: the score (or why there is none), subscores and flags, as the command line
    /// and the guided session show it (`4.5  flags: …`).
    public var summaryLine: String {
        var parts = [formatted ?? (flags.isEmpty ? "no score (incomplete answers)" : flags.joined(separator: " "))]
        if formatted != nil || !subscores.isEmpty {
            for name in subscores.keys.sorted() { parts.append("\(name) \(formattedSubscore(name) ?? "")") }
            if formatted != nil && !flags.isEmpty { parts.append("flags: " + flags.joined(separator: ", ")) }
        }
        return parts.joined(separator: "  ")
    }
}
