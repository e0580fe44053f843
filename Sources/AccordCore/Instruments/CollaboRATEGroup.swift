/// CollaboRATE scores for a group of encounters (a clinician, a team, a period).
///
/// Per the developers' scoring rules (Elwyn et al. 2013; NQF #3227): the group score is the
/// percentage of complete encounters with the top score (all three items at the top) and the
/// mean of the encounter means. Encounters with a missing item are dropped. A group score is
/// reported only with at least 25 complete encounters.
public enum CollaboRATEGroup {
    /// The fewest complete encounters for which a group score is reported.
    public static let minimumEncounters = 25

    /// A group score.
    public struct Summary: Sendable, Hashable, Codable {
        /// The instrument summarised (`collaborate` or `collaborate-5`).
        public var instrument: String
        /// Encounters with all three items answered.
        public var completeEncounters: Int
        /// Percentage (0–100) of complete encounters with the top score; `nil` unless reportable.
        public var topScorePercent: Double?
        /// Mean of the encounter means (0–9, or 0–4 for `collaborate-5`); `nil` unless reportable.
        public var meanOfMeans: Double?
        /// `true` with at least 25 complete encounters; below that no group score is given.
        public var reportable: Bool

        public init(instrument: String, completeEncounters: Int, topScorePercent: Double?, meanOfMeans: Double?, reportable: Bool) {
            self.instrument = instrument
            self.completeEncounters = completeEncounters
            self.topScorePercent = topScorePercent
            self.meanOfMeans = meanOfMeans
            self.reportable = reportable
        }
    }

    /// Summarises the encounter scores of one CollaboRATE version.
    ///
    /// - Parameters:
    ///   - scores: encounter scores from ``Instrument/score(_:)``; scores of other instruments
    ///     and incomplete (dropped) encounters are ignored.
    ///   - instrument: which version to summarise: `.collaborate` (0–9) or `.collaborate5` (0–4).
    /// - Returns: the count of complete encounters, and the group score when there are 25 or more.
    public static func summary(_ scores: [InstrumentScore], instrument: InstrumentID = .collaborate) -> Summary {
        let encounters = scores.filter { $0.instrument == instrument.rawValue && $0.complete && $0.score != nil }
        let count = encounters.count
        guard count >= minimumEncounters else {
            return Summary(
                instrument: instrument.rawValue, completeEncounters: count, topScorePercent: nil, meanOfMeans: nil,
                reportable: false)
        }
        let top = encounters.filter { $0.flags.contains(InstrumentScore.topScoreFlag) }.count
        let means = encounters.compactMap(\.score)
        return Summary(
            instrument: instrument.rawValue, completeEncounters: count,
            topScorePercent: Double(top) / Double(count) * 100,
            meanOfMeans: means.reduce(0, +) / Double(count), reportable: true)
    }
}
