extension Instrument {
    /// The Decisional Conflict Scale's 2010 statement-format item map: informed 1–3, values 4–6,
    /// support 7–9, uncertainty 10–12, effective decision 13–16, all items in the same direction.
    ///
    /// Unconfirmed: recalled from the 2010 user manual, not checked against it. The 1995 paper
    /// orders them uncertainty 1–3, informed 4–6, values 7–9, support 10–12, effective 13–16 and
    /// reverse-scores some items; that map would be another version.
    static let decisionalConflict2010Subscales: [Subscale] = [
        Subscale(name: "informed", items: [1, 2, 3]),
        Subscale(name: "values", items: [4, 5, 6]),
        Subscale(name: "support", items: [7, 8, 9]),
        Subscale(name: "uncertainty", items: [10, 11, 12]),
        Subscale(name: "effective", items: [13, 14, 15, 16]),
    ]

    /// The Control Preferences Scale's definition, shared by the preferred and experienced role.
    private static func controlPreferences(_ id: InstrumentID, name: String, when: String) -> Instrument {
        Instrument(
            id: id, version: "1997", name: name, itemCount: 1,
            answerKind: .letters(["A", "B", "C", "D", "E"]), answerDescription: "A–E",
            scoreRange: "no score; role group",
            rule:
                "One letter \(when): A–B active, C collaborative, D–E passive; concordance when the preferred and experienced groups are equal.",
            unconfirmedScoring: ["letters A–E for the five statements in order"], unconfirmedMissingItemRule: nil,
            source: "Degner et al., Can J Nurs Res 1997;29:21",
            defaultRespondent: .patient, subscales: [])
    }

    /// The definitions, keyed by identifier.
    static let catalogue: [InstrumentID: Instrument] = [
        .sure: Instrument(
            id: .sure, version: "2010", name: "SURE test", itemCount: 4,
            answerKind: .yesNo, answerDescription: "yes/no", scoreRange: "0–4",
            rule: "Count of yes answers; 3 or fewer is a positive screen for decisional conflict.",
            unconfirmedScoring: [], unconfirmedMissingItemRule: "an incomplete form gets no score",
            source: "Légaré et al., Can Fam Physician 2010;56:e308",
            defaultRespondent: .patient, subscales: []),
        .collaborate: Instrument(
            id: .collaborate, version: "2013", name: "CollaboRATE (10-point)", itemCount: 3,
            answerKind: .scale(0...9), answerDescription: "0–9", scoreRange: "0–9",
            rule: "Mean of the 3 items; top score when all are 9; a group score (% top score, mean of means) needs 25 complete encounters.",
            unconfirmedScoring: [], unconfirmedMissingItemRule: nil,
            source: "Elwyn et al., Patient Educ Couns 2013;93:102; developers' scoring page; NQF #3227",
            defaultRespondent: .patient, subscales: []),
        .collaborate5: Instrument(
            id: .collaborate5, version: "2013", name: "CollaboRATE (5-point)", itemCount: 3,
            answerKind: .scale(0...4), answerDescription: "0–4", scoreRange: "0–4",
            rule: "Mean of the 3 items; top score when all are 4; a group score needs 25 complete encounters.",
            unconfirmedScoring: ["top score = all three items at 4", "mean of the items as the encounter score"],
            unconfirmedMissingItemRule: nil,
            source: "PhenX protocol 662301; Elwyn et al., Patient Educ Couns 2013;93:102",
            defaultRespondent: .patient, subscales: []),
        .sdmQ9: Instrument(
            id: .sdmQ9, version: "2010", name: "SDM-Q-9", itemCount: 9,
            answerKind: .scale(0...5), answerDescription: "0–5", scoreRange: "0–100",
            rule: "Sum of the 9 items (0–45) × 20/9.",
            unconfirmedScoring: [], unconfirmedMissingItemRule: "an incomplete form gets no score",
            source: "Kriston et al., Patient Educ Couns 2010;80:94",
            defaultRespondent: .patient, subscales: []),
        .sdmQDoc: Instrument(
            id: .sdmQDoc, version: "2012", name: "SDM-Q-Doc", itemCount: 9,
            answerKind: .scale(0...5), answerDescription: "0–5", scoreRange: "0–100",
            rule: "Sum of the 9 items (0–45) × 20/9, as SDM-Q-9.",
            unconfirmedScoring: ["scored as SDM-Q-9"], unconfirmedMissingItemRule: "an incomplete form gets no score",
            source: "Scholl et al., Patient Educ Couns 2012;88:284",
            defaultRespondent: .clinician, subscales: []),
        .option5: Instrument(
            id: .option5, version: "2013", name: "OPTION-5", itemCount: 5,
            answerKind: .scale(0...4), answerDescription: "0–4", scoreRange: "0–100",
            rule: "Sum of the 5 items (0–20) × 5.",
            unconfirmedScoring: [], unconfirmedMissingItemRule: "an incomplete rating gets no score",
            source: "Elwyn et al., Patient Educ Couns 2013;93:265; Barr et al., Patient Educ Couns 2015",
            defaultRespondent: .observer, subscales: []),
        .option12: Instrument(
            id: .option12, version: "2003", name: "OPTION-12", itemCount: 12,
            answerKind: .scale(0...4), answerDescription: "0–4", scoreRange: "0–100",
            rule: "Sum of the 12 items (0–48) × 100/48.",
            unconfirmedScoring: [], unconfirmedMissingItemRule: "an incomplete rating gets no score",
            source: "Elwyn et al., Qual Saf Health Care 2003;12:93",
            defaultRespondent: .observer, subscales: []),
        .dcs16: Instrument(
            id: .dcs16, version: "2010-statement", name: "Decisional Conflict Scale (16 items)", itemCount: 16,
            answerKind: .scale(0...4), answerDescription: "0–4", scoreRange: "0–100",
            rule:
                "Sum / 16 × 25, subscales sum / items × 25; 25 or more is clinically significant conflict, above 37.5 is associated with delaying the decision.",
            unconfirmedScoring: [
                "2010 item map: informed 1–3, values 4–6, support 7–9, uncertainty 10–12, effective 13–16, no reversed items"
            ],
            unconfirmedMissingItemRule: "a missing item leaves no total; a subscale is scored only when all its items are answered",
            source: "O'Connor, Med Decis Making 1995;15:25; Decisional Conflict Scale user manual, 2010",
            defaultRespondent: .patient, subscales: decisionalConflict2010Subscales),
        .drs: Instrument(
            id: .drs, version: "2003", name: "Decision Regret Scale", itemCount: 5,
            answerKind: .scale(1...5), answerDescription: "1–5", scoreRange: "0–100",
            rule:
                "Items 2 and 4 reversed (6 − answer), each (answer − 1) × 25, mean; groups none (0), mild (up to 25), moderate-strong (above 25).",
            unconfirmedScoring: ["the scoring key", "the regret groups"], unconfirmedMissingItemRule: "an incomplete form gets no score",
            source: "Brehaut et al., Med Decis Making 2003;23:281",
            defaultRespondent: .patient, subscales: []),
        .cpsPreferred: controlPreferences(.cpsPreferred, name: "Control Preferences Scale (preferred role)", when: "before the decision"),
        .cpsExperienced: controlPreferences(
            .cpsExperienced, name: "Control Preferences Scale (experienced role)", when: "after the decision"),
    ]
}
