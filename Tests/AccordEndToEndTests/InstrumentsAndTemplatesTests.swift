import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

@Suite struct InstrumentsAndTemplatesTests {
    /// A session started from the prostate template (S1).
    func templated(_ cli: AccordCLI) throws {
        let start = try cli.run(
            BadInputTests.start.filter { $0 != "--topic" && $0 != "Cancer de la prostate localisé" } + [
                "--template", "localised-prostate-cancer",
            ])
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout == "S1\n")
    }

    @Test func instrumentsAreScoredRecordedAndFollowUpsNeedNoReason() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(BadInputTests.start).status == 0)
        // SDM-Q-9: sum 5+5+4+4+5+5+4+5+5 = 42; 42 × 20/9 = 93.33…
        let sdm = try cli.run(["instrument", "record", "S1", "--instrument", "sdm-q-9", "--answers", "5,5,4,4,5,5,4,5,5"])
        #expect(sdm.status == 0, "\(sdm.stderr)")
        #expect(sdm.stdout == "93.3\n")
        // SURE: 3 yes → positive screen for decisional conflict.
        let sure = try cli.run(["instrument", "record", "S1", "--instrument", "sure", "--answers", "yes,yes,no,yes", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(sure.stdout.utf8)) as? [String: Any]
        #expect(json?["instrument"] as? String == "sure")
        #expect(json?["score"] as? Double == 3)
        #expect(json?["flags"] as? [String] == ["decisional-conflict"])
        #expect(json?["version"] as? String == "2010")
        // An unanswered item (in another session): recorded, no score, and the message says why.
        #expect(try cli.run(BadInputTests.start).status == 0)
        let partial = try cli.run(["instrument", "record", "S2", "--instrument", "sdm-q-9", "--answers", "5,5,4,4,5,5,4,5,-"])
        #expect(partial.status == 0)
        #expect(partial.stdout == "no score (incomplete answers)\n")
        #expect(
            partial.stderr.hasSuffix(
                " Not every item was answered: no score (see `accord instrument list` for the rule on missing items).\n"))
        let wrong = try cli.run(["instrument", "record", "S1", "--instrument", "sdm-q-9", "--answers", "5,5,4"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("accord: error: --answers: has 3 answers; expected 9 answers for sdm-q-9"))
        let unknown = try cli.run(["instrument", "record", "S1", "--instrument", "sdm-q-99", "--answers", "1"])
        #expect(unknown.stderr.hasPrefix("accord: error: --instrument: is not a known instrument; expected one of sure, collaborate,"))
        #expect(try cli.run(["instrument", "record", "S1", "--instrument", "cps-preferred", "--answers", "C"]).status == 0)
        #expect(try cli.run(["session", "close", "S1"]).status == 0)
        // After closing: an instrument is a follow-up (no reason); a note is an amendment (reason required).
        let after = try cli.run(["instrument", "record", "S1", "--instrument", "cps-experienced", "--answers", "D"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stderr.contains("as a follow-up"))
        #expect(try cli.run(["note", "add", "S1", "--text", "x"]).status == 1)
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(consultation.instruments.map(\.instrument) == [.sdmQ9, .sure, .cpsPreferred, .cpsExperienced])
        #expect(consultation.instruments.map(\.followUp) == [false, false, false, true])
        #expect(consultation.preferredRole == "C")
        #expect(consultation.experiencedRole == "D")
        #expect(consultation.amendmentCount == 0)
        let list = try cli.run(["instrument", "list"])
        #expect(list.stdout.contains("dcs-16 (Decisional Conflict Scale"))
        #expect(list.stdout.contains("unconfirmed:"))
    }

    @Test func templatesListShowLintAndStartASession() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let list = try cli.run(["template", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let ids = list.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(ids == ["adjuvant-chemotherapy", "clinical-trial-entry", "early-breast-cancer-surgery", "localised-prostate-cancer"])
        let show = try cli.run(["template", "show", "localised-prostate-cancer"])
        #expect(show.stdout.contains("Sources:"))
        let lint = try cli.run(
            ["template", "lint"] + ids.map { AccordCLI.packageRoot.appendingPathComponent("Templates/\($0).yaml").path })
        #expect(lint.status == 0, "\(lint.stdout)")
        let broken = cli.folder.appendingPathComponent("broken.yaml")
        try "id: Broken Template\nversion: 2026.1\n".write(to: broken, atomically: true, encoding: .utf8)
        let bad = try cli.run(["template", "lint", broken.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.hasPrefix("\(broken.path):1: id:"))

        try templated(cli)
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(consultation.start.template?.hasPrefix("localised-prostate-cancer@") == true)
        #expect(consultation.options.map(\.kind) == [.activeSurveillance, .treatment, .treatment])
        #expect(consultation.options.allSatisfy { $0.origin == "template:\(consultation.start.template!)" })
        #expect(consultation.start.topic.isEmpty == false)
        let none = try cli.run(["session", "start", "--template", "nope"] + BadInputTests.start.dropFirst(2))
        #expect(
            none.stderr
                == "accord: error: --template: no decision template has this id; known templates: adjuvant-chemotherapy, clinical-trial-entry, early-breast-cancer-surgery, localised-prostate-cancer.\n"
        )
    }

    @Test func completenessIsCheckedAndStoredAtClosing() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(BadInputTests.start).status == 0)
        let check = try cli.run(["session", "check", "S1"])
        #expect(check.status == 0)
        let lines = check.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("missing: ") })
        // P1 and P2 exist: only "participants" holds on a bare session.
        #expect(lines.count == RecordElement.allCases.count - 1)
        let refused = try cli.run(["session", "close", "S1", "--require-complete"])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasSuffix(
                "accord: error: session S1 misses 12 required element(s) and was not closed; record them, or close without --require-complete.\n"
            ))
        for step in [
            ["option", "add", "S1", "--kind", "treatment", "--label", "Chirurgie", "--benefit", "b", "--harm", "h"],
            ["option", "add", "S1", "--kind", "active-surveillance", "--label", "Surveillance", "--benefit", "b", "--harm", "h"],
            ["preference", "add", "S1", "--text", "continence"],
            ["decision", "record", "S1", "--agreed", "2"],
        ] {
            #expect(try cli.run(step).status == 0)
        }
        let json = try cli.run(["session", "check", "S1", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        // Present: participants, topic, options, surveillance-or-no-treatment, benefits-and-harms,
        // what-matters, decision = 7 of 13 → 53 %.
        #expect(object?["completeness"] as? Int == 53)
        #expect((object?["missing"] as? [String])?.first == "preferred-role")
        let close = try cli.run(["session", "close", "S1"])
        #expect(close.stderr.hasSuffix("Closed session S1; completeness 53 %.\n"))
        let list = try cli.run(["session", "list", "--json"])
        let summaries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(summaries?.first?["completeness"] as? Int == 53)
    }

    @Test func aCompleteRecordWithInstrumentsExportsValid() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try templated(cli)
        for step in [
            ["phase", "S1", "team"],
            ["instrument", "record", "S1", "--instrument", "cps-preferred", "--answers", "C"],
            ["phase", "S1", "option"],
            ["process", "aid", "S1", "--name", "Aide à la décision", "--version", "1"],
            ["process", "understanding", "S1", "--method", "reformulation"],
            ["process", "trial", "S1", "--eligibility", "not-eligible", "--offered", "no"],
            ["phase", "S1", "decision"],
            ["preference", "add", "S1", "--text", "Garder la continence", "--importance", "5"],
            ["decision", "record", "S1", "--deferred", "--next-contact", "2026-03-16", "--by", "P1", "P2"],
            ["instrument", "record", "S1", "--instrument", "dcs-16", "--answers", "1,1,1,2,2,2,1,1,1,2,2,2,1,1,1,1"],
        ] {
            let result = try cli.run(step)
            #expect(result.status == 0, "\(step.prefix(2)): \(result.stderr)")
        }
        let check = try cli.run(["session", "check", "S1", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        #expect(object?["missing"] as? [String] == [], "\(check.stdout)")
        #expect(try cli.run(["session", "close", "S1", "--require-complete"]).status == 0)
        var arguments = ["export", "S1", "--out", "out"]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let export = try cli.run(arguments)
        #expect(export.status == 0, "\(export.stderr)")
        let data = try Data(contentsOf: cli.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        let reader = try XMLDocumentReader(data: data)
        let items = try reader.strings(xpath: "//hl7:section[hl7:code/@code='section-instruments']//hl7:item")
        // DCS: sum 22 → 22/16 × 25 = 34.375 → 34.4, decisional conflict (≥ 25).
        #expect(items.contains { $0.contains("score 34.4") && $0.contains("decisional-conflict") })
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        let kept = cdaOutput.appendingPathComponent("complete-with-instruments.cda.xml")
        try? FileManager.default.removeItem(at: kept)
        try data.write(to: kept)
    }
}
