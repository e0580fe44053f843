extension Instrument {
    /// Scores a response with this version's rules.
    ///
    /// Rules (see ``rule`` and ``unconfirmed``):
    /// - SURE: count of yes, 0–4; 3 or fewer flags `decisional-conflict`. Incomplete: no score [U].
    /// - CollaboRATE: mean of the 3 items (0–9, or 0–4 for the 5-point version); all items at the
    ///   top flags `top-score`. An encounter with a missing item is dropped: no score.
    /// - SDM-Q-9, SDM-Q-Doc: sum (0–45) × 20/9 → 0–100. OPTION-5: sum (0–20) × 5 → 0–100.
    ///   OPTION-12: sum (0–48) × 100/48 → 0–100. Incomplete: no score [U].
    /// - DCS-16: total = sum / 16 × 25 (0–100, *not* sum / 64 × 25); each subscale = its sum / its
    ///   item count × 25. 25 or more flags `decisional-conflict`, above 37.5 also
    ///   `delays-decision`. A missing item leaves no total and no flags; subscales whose items
    ///   are all answered are still given [U].
    /// - DRS: items 2 and 4 reversed (6 − answer), each (answer − 1) × 25, mean → 0–100; flags
    ///   `no-regret` (0), `mild-regret` (above 0 up to 25), `moderate-strong-regret` (above 25) [U].
    ///   Incomplete: no score [U].
    /// - Control Preferences Scale: no score; the flag is the role group `active` (A–B),
    ///   `collaborative` (C) or `passive` (D–E).
    ///
    /// `confirmed` in the result is false when a rule actually used is unconfirmed: a complete
    /// SDM-Q-9 is confirmed, an incomplete one (scored by the unconfirmed missing-item rule) is not.
    ///
    /// - Parameter answers: one answer per item, in item order (``parseAnswers(_:)``).
    /// - Returns: the score with this instrument's id and version.
    /// - Throws: `AccordError` (`invalidInput`) on `--answers` for a wrong count, kind or range.
    public func score(_ answers: [InstrumentAnswer]) throws -> InstrumentScore {
        try validate(answers)
        let values: [Int?] = answers.map {
            switch $0 {
            case .value(let number): number
            case .yes: 1
            case .no: 0
            case .letter, .missing: nil
            }
        }
        let complete = !answers.contains(.missing)
        let present = values.compactMap { $0 }
        let sum = Double(present.reduce(0, +))

        // The rules used: the scoring rules, and the missing-item rule when an item is missing.
        let confirmed = unconfirmedScoring.isEmpty && (complete || unconfirmedMissingItemRule == nil)
        func result(_ score: Double?, subscores: [String: Double] = [:], flags: [String] = []) -> InstrumentScore {
            InstrumentScore(
                instrument: id.rawValue, version: version, score: score, subscores: subscores, flags: flags,
                complete: complete, confirmed: confirmed)
        }

        switch id {
        case .sure:
            guard complete else { return result(nil) }
            return result(sum, flags: sum <= 3 ? [InstrumentScore.decisionalConflictFlag] : [])

        case .collaborate, .collaborate5:
            // A missing item drops the encounter (confirmed for the 10-point version).
            guard complete, case .scale(let range) = answerKind else { return result(nil) }
            let top = present.allSatisfy { $0 == range.upperBound }
            return result(sum / Double(itemCount), flags: top ? [InstrumentScore.topScoreFlag] : [])

        case .sdmQ9, .sdmQDoc:
            guard complete else { return result(nil) }
            return result(sum * 20 / 9)

        case .option5:
            guard complete else { return result(nil) }
            return result(sum * 5)

        case .option12:
            guard complete else { return result(nil) }
            return result(sum * 100 / 48)

        case .dcs16:
            var subscores: [String: Double] = [:]
            for subscale in subscales {
                let items = subscale.items.compactMap { values[$0 - 1] }
                guard items.count == subscale.items.count else { continue }
                subscores[subscale.name] = Double(items.reduce(0, +)) / Double(items.count) * 25
            }
            guard complete else { return result(nil, subscores: subscores) }
            let total = sum / 16 * 25
            var flags: [String] = []
            if total >= 25 { flags.append(InstrumentScore.decisionalConflictFlag) }
            if total > 37.5 { flags.append(InstrumentScore.delaysDecisionFlag) }
            return result(total, subscores: subscores, flags: flags)

        case .drs:
            guard complete else { return result(nil) }
            let points = present.enumerated().map { index, answer in
                let keyed = (index == 1 || index == 3) ? 6 - answer : answer  // items 2 and 4 reversed
                return Double(keyed - 1) * 25
            }
            let mean = points.reduce(0, +) / Double(points.count)
            let group =
                mean == 0
                ? InstrumentScore.noRegretFlag
                : mean <= 25 ? InstrumentScore.mildRegretFlag : InstrumentScore.moderateStrongRegretFlag
            return result(mean, flags: [group])

        case .cpsPreferred, .cpsExperienced:
            guard case .letter(let letter) = answers.first, let group = ControlPreferences.group(letter) else {
                return result(nil)
            }
            return result(nil, flags: [group])
        }
    }
}
