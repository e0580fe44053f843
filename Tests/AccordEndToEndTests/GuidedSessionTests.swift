import AccordCore
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// `accord run` driven through scripted standard input, against the same consultation
/// recorded command by command.
@Suite struct GuidedSessionTests {
    /// Runs `accord run` with `lines` as standard input, with `ACCORD_LANG` set to `language`
    /// (English by default, the language these tests assert; `nil` leaves it unset: French).
    func run(_ cli: AccordCLI, _ arguments: [String] = [], lines: [String], language: String? = "en") throws -> AccordCLI.Result {
        let input = cli.folder.appendingPathComponent("answers-\(UUID().uuidString).txt")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let script = "\"$ACCORD_BIN\" run \(arguments.joined(separator: " ")) < \"\(input.path)\""
        return try cli.run(["__shell__", script], environment: language.map { ["ACCORD_LANG": $0] } ?? [:])
    }

    static let answers = [
        "810123456781", "Dr Hélène Roussel",
        "158056912345606", "1.2.250.1.213.1.4.10", "MARCHAND-D'ESTE", "LUC JEAN-BAPTISTE", "1958-05-17", "M", "69123", "", "",
        "Cancer de la prostate localisé", "Adénocarcinome de la prostate", "yes",
        // team talk: one trusted person, then go on; the preferred role
        "trusted-person", "Anne Marchand", "", "C",
        // option talk: two options, then go on
        "treatment", "Prostatectomie totale", "Retrait de la tumeur", "", "Fuites urinaires", "",
        "active-surveillance", "Surveillance active", "", "", "",
        // decision talk
        "Garder la continence", "5", "",
        "Guide patient INCa", "2024",
        "reformulation",
        "yes", "eligible", "declined",
        "2", "P1 P2 P3",
        "Une note & <importante>", "",
        "sdm-q-9", "5,5,4,4,5,5,4,5,5", "",
        "yes",
    ]

    static let commands: [[String]] = [
        [
            "session", "start", "--clinician-id", "810123456781", "--clinician-name", "Dr Hélène Roussel", "--patient-ins",
            "158056912345606",
            "--ins-oid", "1.2.250.1.213.1.4.10", "--family-name", "MARCHAND-D'ESTE", "--given-names", "LUC JEAN-BAPTISTE",
            "--birth-date", "1958-05-17", "--sex", "M", "--birthplace", "69123", "--topic", "Cancer de la prostate localisé",
            "--condition", "Adénocarcinome de la prostate",
        ],
        ["phase", "S1", "team"],
        ["participant", "add", "S1", "--role", "trusted-person", "--name", "Anne Marchand"],
        ["instrument", "record", "S1", "--instrument", "cps-preferred", "--answers", "C"],
        ["phase", "S1", "option"],
        [
            "option", "add", "S1", "--kind", "treatment", "--label", "Prostatectomie totale", "--benefit", "Retrait de la tumeur", "--harm",
            "Fuites urinaires",
        ],
        ["option", "add", "S1", "--kind", "active-surveillance", "--label", "Surveillance active"],
        ["phase", "S1", "decision"],
        ["preference", "add", "S1", "--text", "Garder la continence", "--importance", "5"],
        ["process", "aid", "S1", "--name", "Guide patient INCa", "--version", "2024"],
        ["process", "understanding", "S1", "--method", "reformulation"],
        ["process", "trial", "S1", "--eligibility", "eligible", "--offered", "yes", "--answer", "declined"],
        ["decision", "record", "S1", "--agreed", "2", "--by", "P1", "P2", "P3"],
        ["note", "add", "S1", "--text", "Une note & <importante>"],
        ["instrument", "record", "S1", "--instrument", "sdm-q-9", "--answers", "5,5,4,4,5,5,4,5,5"],
        ["session", "close", "S1"],
    ]

    @Test func aGuidedSessionExportsLikeOneRecordedCommandByCommand() throws {
        let guided = try AccordCLI()
        defer { guided.cleanUp() }
        let result = try run(guided, lines: Self.answers)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Session S1 started."))
        #expect(result.stdout.contains("Closed session S1."))

        let typed = try AccordCLI()
        defer { typed.cleanUp() }
        for command in Self.commands {
            let step = try typed.run(command)
            #expect(step.status == 0, "\(command.prefix(2)): \(step.stderr)")
        }
        var arguments = ["export", "S1", "--out", "out"]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let a = try guided.run(arguments)
        let b = try typed.run(arguments)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let guidedDocument = try Data(contentsOf: guided.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        let typedDocument = try Data(contentsOf: typed.folder.appendingPathComponent("out/S1-v1.cda.xml"))
        #expect(guidedDocument == typedDocument)
        let text = String(decoding: guidedDocument, as: UTF8.self)
        #expect(text.contains("Aide à la décision remise : Guide patient INCa (version 2024)"))
        #expect(text.contains("Essai clinique : éligible, proposé, refusé"))
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        let kept = cdaOutput.appendingPathComponent("guided-session.cda.xml")
        try? FileManager.default.removeItem(at: kept)
        try guidedDocument.write(to: kept)
    }

    @Test func quittingMidwayKeepsWhatWasEntered() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = Array(Self.answers.prefix(14)) + ["quit"]
        let result = try run(cli, lines: lines)
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                "Stopped. Session S1 keeps everything recorded so far (an entry left half-typed is not recorded); continue with `accord run --session S1`."
            ))
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(consultation.participants.map(\.entry.rawValue) == ["P1", "P2"])
        #expect(consultation.phases.map(\.phase) == [.team])
        #expect(consultation.status == .open)
        // Continue where it stopped: the trusted person, then stop at the end of input.
        let more = try run(cli, ["--session", "S1"], lines: ["trusted-person", "Anne Marchand"])
        #expect(more.stdout.contains("Continuing session S1."))
        #expect(more.stdout.contains("Added P3."))
        // The team talk had begun: it is not recorded twice.
        let continued = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(continued.phases.map(\.phase) == [.team])
        // Once the option talk has begun, a continued session goes on from it.
        #expect(try cli.run(["phase", "S1", "option"]).status == 0)
        let later = try run(cli, ["--session", "S1"], lines: ["Surveillance active"])
        #expect(!later.stdout.contains("Team talk"))
        #expect(later.stdout.contains("Option talk"))
        let last = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(last.phases.map(\.phase) == [.team, .option])
    }

    /// Answers that run out before the session starts: an error, nothing recorded.
    @Test func answersEndingBeforeTheStartAreAnError() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try run(cli, lines: ["810123456781", "Dr X", "", ""])
        #expect(result.status == 1)
        #expect(result.stderr == "accord: error: the answers ended before a session could be started; nothing was recorded.\n")
        #expect(try cli.run(["session", "list"]).stdout.isEmpty)
        let quit = try run(cli, lines: ["quit"])
        #expect(quit.status == 0)
        #expect(quit.stdout.contains("Stopped before a session was started; nothing was recorded."))
    }

    @Test func aPatientWithoutINSIsStartedWithItsStatusAndIPP() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = [
            "810123456781", "Dr X", "", "MARCHAND", "LUC", "1958-05-17", "M", "69123", "qualified", "validated", "IPP-5", "t", "", "no",
            "quit",
        ]
        let result = try run(cli, lines: lines)
        #expect(result.stdout.contains("Session S1 started."), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "  identity status: is qualified, a status the INSi teleservice gives with the INS, but no INS was given; expected provisional or validated for an identity without INS."
            ), "\(result.stdout)")
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(consultation.start.patient.ins == nil && consultation.start.identityStatus == .validated)
        #expect(consultation.start.ipp == InstanceIdentifier(root: "2.999.1.2", extension_: "IPP-5"))
    }

    @Test func refusedAnswersAreExplainedAndAskedAgain() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let lines = [
            "810123456782", "810123456781", "Dr X", "158056912345606", "", "MARCHAND", "LUC", "1958-02-30", "1958-05-17", "Z", "M", "69123",
            "", "", "t", "skip", "maybe", "no",
        ]
        let result = try run(cli, lines: lines)
        #expect(
            result.stdout.contains(
                "  clinician: the IdNat_PS has an RPPS number whose Luhn check digit is wrong; expected 8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id."
            ))
        #expect(result.stdout.contains("  birth date: is not a calendar date; expected YYYY-MM-DD."))
        #expect(result.stdout.contains("  sex: is not an administrative sex; expected F, M or U."))
        #expect(result.stdout.contains("  answer: is not yes or no; expected yes or no."))
        #expect(result.stdout.contains("Session S1 started."))
        let consultation = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(!consultation.patient.present)
        #expect(consultation.start.patient.insOID == KnownOID.insNIR)
    }
}
