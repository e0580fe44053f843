import AccordCore
import Foundation
import Testing

/// One response worked by hand: the arithmetic is in the comment next to each case.
struct ScoreCase: Sendable, CustomTestStringConvertible {
    var instrument: InstrumentID
    var answers: String
    var score: Double?
    var flags: [String] = []
    var complete = true
    var confirmed: Bool
    var subscores: [String: Double] = [:]

    var testDescription: String { "\(instrument.rawValue) \(answers)" }
}

/// One refused response and the exact message.
struct RefusalCase: Sendable, CustomTestStringConvertible {
    var instrument: InstrumentID
    var answers: String
    var message: String

    var testDescription: String { "\(instrument.rawValue) \(answers)" }
}

private let conflict = "decisional-conflict"
private let delays = "delays-decision"
private let top = "top-score"

private func close(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case (let a?, let b?): abs(a - b) < 1e-9
    default: false
    }
}

@Suite struct InstrumentScoringTests {
    static let sure: [ScoreCase] = [
        ScoreCase(instrument: .sure, answers: "no,no,no,no", score: 0, flags: [conflict], confirmed: true),  // 0 yes ≤ 3
        ScoreCase(instrument: .sure, answers: "yes,yes,yes,yes", score: 4, confirmed: true),  // 4 yes: negative screen
        ScoreCase(instrument: .sure, answers: "yes,no,yes,no", score: 2, flags: [conflict], confirmed: true),  // 2 yes
        ScoreCase(instrument: .sure, answers: "yes,yes,yes,no", score: 3, flags: [conflict], confirmed: true),  // 3 yes: ≤ 3 positive
        // 2 yes; oui/non and any case accepted
        ScoreCase(instrument: .sure, answers: " OUI, non ,Yes,NO", score: 2, flags: [conflict], confirmed: true),
        ScoreCase(instrument: .sure, answers: "yes,-,yes,yes", score: nil, complete: false, confirmed: false),  // incomplete → no score [U]
    ]

    static let collaborate: [ScoreCase] = [
        ScoreCase(instrument: .collaborate, answers: "0,0,0", score: 0, confirmed: true),  // (0+0+0)/3
        ScoreCase(instrument: .collaborate, answers: "9,9,9", score: 9, flags: [top], confirmed: true),  // 27/3 = 9, all 9 → top
        ScoreCase(instrument: .collaborate, answers: "9,8,7", score: 8, confirmed: true),  // 24/3 = 8
        ScoreCase(instrument: .collaborate, answers: "9,9,8", score: 26.0 / 3, confirmed: true),  // 26/3 = 8.667, not top
        ScoreCase(instrument: .collaborate, answers: "9,-,9", score: nil, complete: false, confirmed: true),  // dropped [V]
        ScoreCase(instrument: .collaborate5, answers: "0,0,0", score: 0, confirmed: false),  // 0/3; 5-point rules [U]
        ScoreCase(instrument: .collaborate5, answers: "4,4,4", score: 4, flags: [top], confirmed: false),  // 12/3 = 4, all 4 → top
        ScoreCase(instrument: .collaborate5, answers: "4,3,2", score: 3, confirmed: false),  // 9/3 = 3
        ScoreCase(instrument: .collaborate5, answers: "4,4,3", score: 11.0 / 3, confirmed: false),  // 11/3 = 3.667, not top
        ScoreCase(instrument: .collaborate5, answers: "4,4,-", score: nil, complete: false, confirmed: false),  // dropped
    ]

    static let sdmQ: [ScoreCase] = [
        ScoreCase(instrument: .sdmQ9, answers: "0,0,0,0,0,0,0,0,0", score: 0, confirmed: true),  // 0 × 20/9
        ScoreCase(instrument: .sdmQ9, answers: "5,5,5,5,5,5,5,5,5", score: 100, confirmed: true),  // 45 × 20/9 = 900/9 = 100
        ScoreCase(instrument: .sdmQ9, answers: "5,4,3,5,4,4,3,5,4", score: 740.0 / 9, confirmed: true),  // 37 × 20/9 = 82.22
        ScoreCase(instrument: .sdmQ9, answers: "5,5,5,5,5,5,5,5,4", score: 880.0 / 9, confirmed: true),  // 44 × 20/9 = 97.78
        ScoreCase(instrument: .sdmQ9, answers: "5,5,-,5,5,5,5,5,5", score: nil, complete: false, confirmed: false),  // [U]
        ScoreCase(instrument: .sdmQDoc, answers: "0,0,0,0,0,0,0,0,0", score: 0, confirmed: false),  // 0; Doc scoring [U]
        ScoreCase(instrument: .sdmQDoc, answers: "5,5,5,5,5,5,5,5,5", score: 100, confirmed: false),  // 45 × 20/9 = 100
        ScoreCase(instrument: .sdmQDoc, answers: "3,3,3,3,3,3,3,3,3", score: 60, confirmed: false),  // 27 × 20/9 = 540/9 = 60
        ScoreCase(instrument: .sdmQDoc, answers: "4,5,5,5,5,5,5,5,5", score: 880.0 / 9, confirmed: false),  // 44 × 20/9
        ScoreCase(instrument: .sdmQDoc, answers: "-,5,5,5,5,5,5,5,5", score: nil, complete: false, confirmed: false),
    ]

    static let option: [ScoreCase] = [
        ScoreCase(instrument: .option5, answers: "0,0,0,0,0", score: 0, confirmed: true),  // 0 × 5
        ScoreCase(instrument: .option5, answers: "4,4,4,4,4", score: 100, confirmed: true),  // 20 × 5 = 100
        ScoreCase(instrument: .option5, answers: "2,3,1,4,2", score: 60, confirmed: true),  // 12 × 5 = 60
        ScoreCase(instrument: .option5, answers: "4,4,4,4,3", score: 95, confirmed: true),  // 19 × 5 = 95
        ScoreCase(instrument: .option5, answers: "4,-,4,4,4", score: nil, complete: false, confirmed: false),  // no rule [U]
        ScoreCase(instrument: .option12, answers: "0,0,0,0,0,0,0,0,0,0,0,0", score: 0, confirmed: true),  // 0 × 100/48
        ScoreCase(instrument: .option12, answers: "4,4,4,4,4,4,4,4,4,4,4,4", score: 100, confirmed: true),  // 48 × 100/48
        // 4+3+2+1+0 + 4+3+2+1+0 + 4+3 = 27; 27 × 100/48 = 2700/48 = 56.25
        ScoreCase(instrument: .option12, answers: "4,3,2,1,0,4,3,2,1,0,4,3", score: 56.25, confirmed: true),
        ScoreCase(instrument: .option12, answers: "4,4,4,4,4,4,4,4,4,4,4,3", score: 4700.0 / 48, confirmed: true),  // 47 × 100/48 = 97.92
        ScoreCase(instrument: .option12, answers: "4,4,4,4,4,4,4,4,4,4,4,-", score: nil, complete: false, confirmed: false),
    ]

    static let all25: [String: Double] = ["informed": 25, "values": 25, "support": 25, "uncertainty": 25, "effective": 25]
    static let decisionalConflict: [ScoreCase] = [
        // 0 / 16 × 25 = 0; every subscale 0
        ScoreCase(
            instrument: .dcs16, answers: "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", score: 0, confirmed: false,
            subscores: ["informed": 0, "values": 0, "support": 0, "uncertainty": 0, "effective": 0]),
        // 64 / 16 × 25 = 100; ≥ 25 and > 37.5
        ScoreCase(
            instrument: .dcs16, answers: "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4", score: 100, flags: [conflict, delays], confirmed: false,
            subscores: ["informed": 100, "values": 100, "support": 100, "uncertainty": 100, "effective": 100]),
        // The pitfall: 32 / 16 × 25 = 50, not 32 / 64 × 25 = 12.5
        ScoreCase(
            instrument: .dcs16, answers: "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2", score: 50, flags: [conflict, delays], confirmed: false,
            subscores: ["informed": 50, "values": 50, "support": 50, "uncertainty": 50, "effective": 50]),
        // informed 1+2+0 = 3 → 3/3 × 25 = 25; values 2+2+2 = 6 → 50; support 0+0+1 = 1 → 25/3 = 8.33;
        // uncertainty 3+4+3 = 10 → 250/3 = 83.33; effective 1+0+0+1 = 2 → 2/4 × 25 = 12.5;
        // total 3+6+1+10+2 = 22 → 22/16 × 25 = 34.375: ≥ 25, not > 37.5
        ScoreCase(
            instrument: .dcs16, answers: "1,2,0,2,2,2,0,0,1,3,4,3,1,0,0,1", score: 34.375, flags: [conflict], confirmed: false,
            subscores: ["informed": 25, "values": 50, "support": 25.0 / 3, "uncertainty": 250.0 / 3, "effective": 12.5]),
        // one off the top: 15 × 4 + 3 = 63 → 63/16 × 25 = 98.4375; effective 4+4+4+3 = 15 → 15/4 × 25 = 93.75
        ScoreCase(
            instrument: .dcs16, answers: "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,3", score: 98.4375, flags: [conflict, delays], confirmed: false,
            subscores: ["informed": 100, "values": 100, "support": 100, "uncertainty": 100, "effective": 93.75]),
        // cut-off: 16 × 1 = 16 → 16/16 × 25 = 25 exactly → flagged; every subscale 1 × 25 = 25
        ScoreCase(
            instrument: .dcs16, answers: "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", score: 25, flags: [conflict], confirmed: false,
            subscores: all25),
        // just below: 15 → 15/16 × 25 = 23.4375 → no flag; effective 1+1+1+0 = 3 → 3/4 × 25 = 18.75
        ScoreCase(
            instrument: .dcs16, answers: "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0", score: 23.4375, confirmed: false,
            subscores: ["informed": 25, "values": 25, "support": 25, "uncertainty": 25, "effective": 18.75]),
        // 8 × 2 + 8 × 1 = 24 → 24/16 × 25 = 37.5: conflict, not > 37.5
        // informed 6 → 50; values 6 → 50; support 2+2+1 = 5 → 125/3; uncertainty 3 → 25; effective 4 → 25
        ScoreCase(
            instrument: .dcs16, answers: "2,2,2,2,2,2,2,2,1,1,1,1,1,1,1,1", score: 37.5, flags: [conflict], confirmed: false,
            subscores: ["informed": 50, "values": 50, "support": 125.0 / 3, "uncertainty": 25, "effective": 25]),
        // 3 + 7 × 2 + 8 × 1 = 25 → 25/16 × 25 = 39.0625: > 37.5
        // informed 3+2+2 = 7 → 175/3; values 6 → 50; support 5 → 125/3; uncertainty 3 → 25; effective 4 → 25
        ScoreCase(
            instrument: .dcs16, answers: "3,2,2,2,2,2,2,2,1,1,1,1,1,1,1,1", score: 39.0625, flags: [conflict, delays], confirmed: false,
            subscores: ["informed": 175.0 / 3, "values": 50, "support": 125.0 / 3, "uncertainty": 25, "effective": 25]),
        // item 4 missing: no total, no flags; values (items 4–6) not scored; informed 1+2+3 = 6 → 50;
        // support 0 → 0; uncertainty 12 → 100; effective 1+1+1+1 = 4 → 4/4 × 25 = 25
        ScoreCase(
            instrument: .dcs16, answers: "1,2,3,-,2,2,0,0,0,4,4,4,1,1,1,1", score: nil, complete: false, confirmed: false,
            subscores: ["informed": 50, "support": 0, "uncertainty": 100, "effective": 25]),
    ]

    static let decisionRegret: [ScoreCase] = [
        // all 1: items 1,3,5 → (1−1)×25 = 0; items 2,4 → 6−1 = 5 → (5−1)×25 = 100; 200/5 = 40
        ScoreCase(instrument: .drs, answers: "1,1,1,1,1", score: 40, flags: ["moderate-strong-regret"], confirmed: false),
        // all 5: items 1,3,5 → 100; items 2,4 → 6−5 = 1 → 0; 300/5 = 60
        ScoreCase(instrument: .drs, answers: "5,5,5,5,5", score: 60, flags: ["moderate-strong-regret"], confirmed: false),
        // no regret: 0,0,0,0,0 (items 2,4: 6−5 = 1 → 0) → 0
        ScoreCase(instrument: .drs, answers: "1,5,1,5,1", score: 0, flags: ["no-regret"], confirmed: false),
        // most regret: 100 × 5 / 5 = 100
        ScoreCase(instrument: .drs, answers: "5,1,5,1,5", score: 100, flags: ["moderate-strong-regret"], confirmed: false),
        // one off the top: 100+100+100+100+75 = 475 / 5 = 95
        ScoreCase(instrument: .drs, answers: "5,1,5,1,4", score: 95, flags: ["moderate-strong-regret"], confirmed: false),
        // typical: 25 + (6−4 = 2 → 25) + 0 + 0 + 25 = 75 / 5 = 15 → mild
        ScoreCase(instrument: .drs, answers: "2,4,1,5,2", score: 15, flags: ["mild-regret"], confirmed: false),
        // smallest regret: 25 + 0 + 0 + 0 + 0 = 25 / 5 = 5 → mild
        ScoreCase(instrument: .drs, answers: "2,5,1,5,1", score: 5, flags: ["mild-regret"], confirmed: false),
        // edge: 25 × 5 / 5 = 25 → still mild
        ScoreCase(instrument: .drs, answers: "2,4,2,4,2", score: 25, flags: ["mild-regret"], confirmed: false),
        // 50 + 25 + 25 + 25 + 25 = 150 / 5 = 30 → moderate-strong
        ScoreCase(instrument: .drs, answers: "3,4,2,4,2", score: 30, flags: ["moderate-strong-regret"], confirmed: false),
        ScoreCase(instrument: .drs, answers: "2,4,-,4,2", score: nil, complete: false, confirmed: false),
    ]

    static let controlPreferences: [ScoreCase] = [
        ScoreCase(instrument: .cpsPreferred, answers: "A", score: nil, flags: ["active"], confirmed: false),
        ScoreCase(instrument: .cpsPreferred, answers: "B", score: nil, flags: ["active"], confirmed: false),
        ScoreCase(instrument: .cpsPreferred, answers: "C", score: nil, flags: ["collaborative"], confirmed: false),
        ScoreCase(instrument: .cpsExperienced, answers: "D", score: nil, flags: ["passive"], confirmed: false),
        ScoreCase(instrument: .cpsExperienced, answers: " e ", score: nil, flags: ["passive"], confirmed: false),
        ScoreCase(instrument: .cpsExperienced, answers: "-", score: nil, complete: false, confirmed: false),
    ]

    @Test(arguments: sure + collaborate + sdmQ + option + decisionalConflict + decisionRegret + controlPreferences)
    func scoresAsWorkedByHand(_ c: ScoreCase) throws {
        let instrument = c.instrument.instrument
        let result = try instrument.score(instrument.parseAnswers(c.answers))
        #expect(result.instrument == c.instrument.rawValue)
        #expect(result.version == instrument.version)
        #expect(close(result.score, c.score), "score \(String(describing: result.score)), expected \(String(describing: c.score))")
        #expect(result.flags == c.flags.sorted())
        #expect(result.complete == c.complete)
        #expect(result.confirmed == c.confirmed)
        #expect(Set(result.subscores.keys) == Set(c.subscores.keys))
        for (name, value) in c.subscores {
            #expect(close(result.subscores[name], value), "subscore \(name)")
        }
    }

    static let refusals: [RefusalCase] = [
        RefusalCase(
            instrument: .sure, answers: "yes,maybe,yes,yes",
            message:
                "item 2 is not yes or no; expected 4 answers for sure, each yes or no, separated by commas, with - for an unanswered item."),
        RefusalCase(
            instrument: .sure, answers: "yes,yes,yes",
            message: "has 3 answers; expected 4 answers for sure, each yes or no, separated by commas, with - for an unanswered item."),
        RefusalCase(
            instrument: .collaborate, answers: "9,10,9",
            message:
                "item 2 is out of range; expected 3 answers for collaborate, each a whole number from 0 to 9, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .collaborate, answers: "9,9",
            message:
                "has 2 answers; expected 3 answers for collaborate, each a whole number from 0 to 9, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .collaborate5, answers: "5,4,4",
            message:
                "item 1 is out of range; expected 3 answers for collaborate-5, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .collaborate5, answers: "4,4,4,4",
            message:
                "has 4 answers; expected 3 answers for collaborate-5, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .sdmQ9, answers: "5,5,6,5,5,5,5,5,5",
            message:
                "item 3 is out of range; expected 9 answers for sdm-q-9, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .sdmQ9, answers: "5,5,x,5,5,5,5,5,5",
            message:
                "item 3 is not a whole number; expected 9 answers for sdm-q-9, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .sdmQ9, answers: "5,5,5,5,5,5,5,5",
            message:
                "has 8 answers; expected 9 answers for sdm-q-9, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .sdmQDoc, answers: "-1,5,5,5,5,5,5,5,5",
            message:
                "item 1 is out of range; expected 9 answers for sdm-q-doc, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .sdmQDoc, answers: "5,5,5,5,5,5,5,5,5,5",
            message:
                "has 10 answers; expected 9 answers for sdm-q-doc, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .option5, answers: "4,4,4,4,5",
            message:
                "item 5 is out of range; expected 5 answers for option-5, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .option5, answers: "4,4,4,4",
            message:
                "has 4 answers; expected 5 answers for option-5, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .option12, answers: "4,4,4,4,4,4,4,4,4,4,4,9",
            message:
                "item 12 is out of range; expected 12 answers for option-12, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .option12, answers: "4,4,4,4,4,4,4,4,4,4,4",
            message:
                "has 11 answers; expected 12 answers for option-12, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .dcs16, answers: "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,5",
            message:
                "item 16 is out of range; expected 16 answers for dcs-16, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .dcs16, answers: "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4",
            message:
                "has 15 answers; expected 16 answers for dcs-16, each a whole number from 0 to 4, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .drs, answers: "0,1,1,1,1",
            message:
                "item 1 is out of range; expected 5 answers for drs, each a whole number from 1 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .drs, answers: "1,1,1,1,1,1",
            message:
                "has 6 answers; expected 5 answers for drs, each a whole number from 1 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .cpsPreferred, answers: "F",
            message: "item 1 is not an accepted letter; expected 1 answer for cps-preferred, a letter from A to E, or - if unanswered."),
        RefusalCase(
            instrument: .cpsExperienced, answers: "A,B",
            message: "has 2 answers; expected 1 answer for cps-experienced, a letter from A to E, or - if unanswered."),
        RefusalCase(
            instrument: .sdmQ9, answers: "  ",
            message:
                "is empty; expected 9 answers for sdm-q-9, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        ),
        RefusalCase(
            instrument: .collaborate, answers: "9,,9",
            message:
                "item 2 is empty (write - for an unanswered item); expected 3 answers for collaborate, each a whole number from 0 to 9, separated by commas, with - for an unanswered item."
        ),
    ]

    @Test(arguments: refusals)
    func refusesWithAnExactMessage(_ c: RefusalCase) {
        #expect(throws: AccordError(.invalidInput, c.message, field: "--answers")) {
            try c.instrument.instrument.parseAnswers(c.answers)
        }
    }

    @Test func scoreChecksAnswersItWasNotGivenByTheParser() {
        let sdmQ9 = InstrumentID.sdmQ9.instrument
        let accepted =
            "expected 9 answers for sdm-q-9, each a whole number from 0 to 5, separated by commas, with - for an unanswered item."
        #expect(throws: AccordError(.invalidInput, "item 2 is out of range; " + accepted, field: "--answers")) {
            try sdmQ9.score([.value(5), .value(6)] + Array(repeating: .value(5), count: 7))
        }
        #expect(throws: AccordError(.invalidInput, "item 1 is not a whole number; " + accepted, field: "--answers")) {
            try sdmQ9.score([.yes] + Array(repeating: .value(5), count: 8))
        }
        #expect(throws: AccordError(.invalidInput, "has 0 answers; " + accepted, field: "--answers")) {
            try sdmQ9.score([])
        }
        #expect(throws: AccordError.self) { try InstrumentID.sure.instrument.score([.yes, .yes, .value(1), .yes]) }
        #expect(throws: AccordError.self) { try InstrumentID.cpsPreferred.instrument.score([.letter("Z")]) }
    }
}

@Suite struct InstrumentGroupTests {
    private func encounters(_ answers: String, _ count: Int, _ id: InstrumentID = .collaborate) throws -> [InstrumentScore] {
        let instrument = id.instrument
        let score = try instrument.score(instrument.parseAnswers(answers))
        return Array(repeating: score, count: count)
    }

    @Test func collaborateGroupNeeds25CompleteEncounters() throws {
        // 10 top (9,9,9 → mean 9) + 14 (9,8,7 → mean 8) = 24 complete; the dropped one and the
        // other instruments do not count.
        let others = try encounters("9,-,9", 1) + encounters("4,4,4", 3, .collaborate5) + encounters("5,5,5,5,5,5,5,5,5", 2, .sdmQ9)
        let twentyFour = try encounters("9,9,9", 10) + encounters("9,8,7", 14) + others
        let below = CollaboRATEGroup.summary(twentyFour)
        #expect(
            below
                == CollaboRATEGroup.Summary(
                    instrument: "collaborate", completeEncounters: 24, topScorePercent: nil, meanOfMeans: nil, reportable: false))

        // one more 9,8,7: 25 complete; top 10/25 × 100 = 40 %; mean of means (10 × 9 + 15 × 8)/25 = 210/25 = 8.4
        let summary = try CollaboRATEGroup.summary(twentyFour + encounters("9,8,7", 1))
        #expect(summary.completeEncounters == 25)
        #expect(summary.reportable)
        #expect(close(summary.topScorePercent, 40))
        #expect(close(summary.meanOfMeans, 8.4))
    }

    @Test func collaborateFivePointGroup() throws {
        // 5 × (4,4,4 → 4, top) + 20 × (2,2,2 → 2): top 5/25 × 100 = 20 %; mean (5 × 4 + 20 × 2)/25 = 60/25 = 2.4
        let scores = try encounters("4,4,4", 5, .collaborate5) + encounters("2,2,2", 20, .collaborate5) + encounters("9,9,9", 30)
        let summary = CollaboRATEGroup.summary(scores, instrument: .collaborate5)
        #expect(summary.instrument == "collaborate-5")
        #expect(summary.completeEncounters == 25)
        #expect(summary.reportable)
        #expect(close(summary.topScorePercent, 20))
        #expect(close(summary.meanOfMeans, 2.4))
        #expect(CollaboRATEGroup.summary([]).completeEncounters == 0)
    }

    @Test func controlPreferencesGroupsAndConcordance() {
        #expect(
            ["A", "B", "C", "D", "E", "c", "F", ""].map(ControlPreferences.group) == [
                "active", "active", "collaborative", "passive", "passive", "collaborative", nil, nil,
            ])
        #expect(ControlPreferences.concordant(preferred: "A", experienced: "B"))  // both active
        #expect(ControlPreferences.concordant(preferred: "E", experienced: "D"))  // both passive
        #expect(ControlPreferences.concordant(preferred: "C", experienced: "C"))
        #expect(!ControlPreferences.concordant(preferred: "C", experienced: "D"))  // collaborative vs passive
        #expect(!ControlPreferences.concordant(preferred: "B", experienced: "C"))
        #expect(!ControlPreferences.concordant(preferred: "X", experienced: "X"))  // not a letter A–E
    }

    /// A letter of one byte is read from its byte: every one-byte text, and texts around a
    /// letter, get the group the rule gives (trim the spaces, ignore the case).
    @Test func everyOneByteTextGetsTheGroupOfTheRule() {
        func rule(_ text: String) -> String? {
            switch text.trimmingCharacters(in: .whitespaces).uppercased() {
            case "A", "B": "active"
            case "C": "collaborative"
            case "D", "E": "passive"
            default: nil
            }
        }
        let oneByte = (0...127).map { String(UnicodeScalar(UInt8($0))) }
        let longer = [" a", "B ", "\tc\t", "\u{00A0}D", "e\u{2003}", "AB", "ä", "Ｃ", "ｅ", "c\u{301}", "\r\n", "  "]
        for text in oneByte + longer {
            #expect(ControlPreferences.group(text) == rule(text), "\(text.unicodeScalars.map(\.value))")
        }
        #expect(oneByte.compactMap(ControlPreferences.group).count == 10)  // A–E and a–e
        #expect(ControlPreferences.group(" a") == "active" && ControlPreferences.group("\u{00A0}D") == "passive")
    }
}

@Suite struct InstrumentCatalogueTests {
    @Test func everyInstrumentIsListedOnceInOrder() {
        #expect(Instrument.all.map(\.id) == InstrumentID.allCases)
        #expect(
            InstrumentID.allCases.map(\.rawValue) == [
                "sure", "collaborate", "collaborate-5", "sdm-q-9", "sdm-q-doc", "option-5", "option-12", "dcs-16", "drs",
                "cps-preferred", "cps-experienced",
            ])
        #expect(Instrument.all.map(\.itemCount) == [4, 3, 3, 9, 9, 5, 12, 16, 5, 1, 1])
        #expect(
            Instrument.all.map(\.defaultRespondent) == [
                .patient, .patient, .patient, .patient, .clinician, .observer, .observer, .patient, .patient, .patient, .patient,
            ])
        #expect(Instrument.all.filter(\.confirmed).map(\.id) == [.collaborate])
        for instrument in Instrument.all {
            #expect(!instrument.rule.isEmpty && !instrument.source.isEmpty && !instrument.version.isEmpty)
            #expect(instrument.confirmed == instrument.unconfirmed.isEmpty)
        }
        #expect(InstrumentID.dcs16.instrument.versionedID == "dcs-16/2010-statement")
        #expect(
            InstrumentID.dcs16.instrument.subscales.map(\.items) == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14, 15, 16]])
    }

    @Test func instrumentsAreFoundByName() throws {
        #expect(try Instrument.named("sdm-q-9").id == .sdmQ9)
        #expect(try Instrument.named(" DCS-16 ").id == .dcs16)
        #expect(
            throws: AccordError(
                .invalidInput,
                "is not a known instrument; expected one of sure, collaborate, collaborate-5, sdm-q-9, sdm-q-doc, option-5, option-12, dcs-16, drs, cps-preferred, cps-experienced.",
                field: "--instrument")
        ) { try Instrument.named("sdmq9") }
    }

    @Test func scoresPrintWithOneDecimal() throws {
        let sdmQ9 = InstrumentID.sdmQ9.instrument
        #expect(try sdmQ9.score(sdmQ9.parseAnswers("5,4,3,5,4,4,3,5,4")).formatted == "82.2")  // 740/9 = 82.22
        #expect(try sdmQ9.score(sdmQ9.parseAnswers("5,5,5,5,5,5,5,5,4")).formatted == "97.8")  // 880/9 = 97.78
        #expect(try sdmQ9.score(sdmQ9.parseAnswers("5,5,-,5,5,5,5,5,5")).formatted == nil)
        let option12 = InstrumentID.option12.instrument
        #expect(try option12.score(option12.parseAnswers("4,3,2,1,0,4,3,2,1,0,4,3")).formatted == "56.3")  // 56.25, half up
        let sure = InstrumentID.sure.instrument
        #expect(try sure.score(sure.parseAnswers("yes,yes,yes,no")).formatted == "3")
        let dcs = InstrumentID.dcs16.instrument
        let mixed = try dcs.score(dcs.parseAnswers("1,2,0,2,2,2,0,0,1,3,4,3,1,0,0,1"))
        #expect(mixed.formatted == "34.4")  // 34.375
        #expect(mixed.formattedSubscore("support") == "8.3")  // 25/3
        #expect(mixed.formattedSubscore("values") == "50.0")
        #expect(InstrumentScore.format(100, decimals: 1) == "100.0")
    }

    /// Scores are written from their rounded integer of units, as `String(format:)` wrote the
    /// rounded value: random values and the edges (halves, a negative value rounded to zero,
    /// huge values, infinities, NaN).
    @Test func scoresArePrintedAsPrintfPrintedThem() {
        func printf(_ value: Double, _ decimals: Int) -> String {
            let scale = pow(10, Double(decimals))
            return String(format: "%.\(decimals)f", (value * scale).rounded(.toNearestOrAwayFromZero) / scale)
        }
        var values: [Double] = [
            0, -0.0, 0.05, 0.15, 0.25, 2.675, 34.375, 99.95, 100, -0.04, -0.05, -1.25, 1e14, 1e15, 1e20, -1e20, .infinity,
            -.infinity, .nan, 25.0 / 3, 0.1 + 0.2, Double.ulpOfOne, 4.35, 4.45,
        ]
        var state: UInt64 = 11
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let magnitude = Double(state >> 11) / Double(1 << 53) * [1, 10, 100, 1_000_000, 1e13][Int(state & 7) % 5]
            values.append(state & 8 == 0 ? magnitude : -magnitude)
        }
        for value in values {
            for decimals in 0...3 {
                #expect(InstrumentScore.format(value, decimals: decimals) == printf(value, decimals), "\(value) \(decimals)")
            }
        }
    }

    @Test func answersAndScoresRoundTripThroughJSON() throws {
        let answers: [InstrumentAnswer] = [.value(5), .yes, .no, .letter("C"), .missing]
        let json = try JSONEncoder().encode(answers)
        #expect(String(decoding: json, as: UTF8.self) == #"["5","yes","no","C","-"]"#)
        #expect(try JSONDecoder().decode([InstrumentAnswer].self, from: json) == answers)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([InstrumentAnswer].self, from: Data(#"["maybe"]"#.utf8)) }
        #expect(InstrumentAnswer.text(answers) == "5,yes,no,C,-")

        let dcs = InstrumentID.dcs16.instrument
        let score = try dcs.score(dcs.parseAnswers("1,2,3,-,2,2,0,0,0,4,4,4,1,1,1,1"))
        #expect(try JSONDecoder().decode(InstrumentScore.self, from: JSONEncoder().encode(score)) == score)
    }
}
