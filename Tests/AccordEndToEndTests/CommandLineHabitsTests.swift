import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// How the command line takes values and says what is wrong: values beginning with "-",
/// every missing option at once, the nearest command, quoting, and files that do not parse.
@Suite struct CommandLineHabitsTests {
    static let patient = [
        "--patient-ins", "158056912345606", "--ins-oid", "1.2.250.1.213.1.4.10", "--family-name", "MARCHAND",
        "--given-names", "LUC", "--birth-date", "1958-05-17", "--sex", "M", "--birthplace", "69123",
        "--clinician-id", "810123456781", "--clinician-name", "Dr Test",
    ]

    /// A database holding S1 (open, one option) and S2 (closed).
    func prepared() throws -> AccordCLI {
        let cli = try AccordCLI()
        #expect(try cli.run(["session", "start"] + Self.patient + ["--topic", "Choix"]).status == 0)
        #expect(try cli.run(["option", "add", "S1", "--kind", "treatment", "--label", "Chirurgie"]).status == 0)
        #expect(try cli.run(["session", "start"] + Self.patient + ["--topic", "Choix"]).status == 0)
        #expect(try cli.run(["session", "close", "S2"]).status == 0)
        return cli
    }

    // MARK: - Values that begin with "-"

    /// Every free-text option and `--answers`, each given a value beginning with "-" as the
    /// next argument, and a command that shows it (the value must appear there).
    static let dashValues: [(String, [String], [String])] = [
        ("note --text", ["note", "add", "S1", "--text", "-5 kg en 3 mois"], ["session", "show", "S1", "--json"]),
        (
            "preference --text", ["preference", "add", "S1", "--text", "-Garder sa voix", "--importance", "5"],
            ["session", "show", "S1", "--json"]
        ),
        (
            "option --label --benefit --harm",
            ["option", "add", "S1", "--kind", "treatment", "--label", "-Chimio", "--benefit", "- 30 % de récidive", "--harm", "-2 points"],
            ["session", "show", "S1", "--json"]
        ),
        (
            "participant --name --function",
            ["participant", "add", "S1", "--role", "relative", "--name", "-Anne Test", "--function", "- sa fille"],
            ["session", "show", "S1", "--json"]
        ),
        ("--reason", ["note", "add", "S2", "--text", "x", "--reason", "-appel du fils"], ["session", "history", "S2"]),
        ("aid --name --version", ["process", "aid", "S1", "--name", "-Aide", "--version", "-2"], ["session", "show", "S1", "--json"]),
        ("understanding --method", ["process", "understanding", "S1", "--method", "-reformulation"], ["session", "show", "S1", "--json"]),
        ("withdraw --reason", ["entry", "withdraw", "S1", "O1", "--reason", "-erreur de saisie"], ["session", "history", "S1"]),
        (
            "instrument --answers", ["instrument", "record", "S1", "--instrument", "sdm-q-9", "--answers", "-,4,5,3,4,5,5,4,5"],
            ["session", "show", "S1", "--json"]
        ),
        (
            "session start --topic --condition --clinician-function",
            ["session", "start"] + patient + ["--topic", "-Choix", "--condition", "-Adénocarcinome", "--clinician-function", "-oncologue"],
            ["session", "show", "S3", "--json"]
        ),
        (
            "centre --name --address",
            [
                "centre", "set", "--oid-root", "1.2.250.1.999.7", "--finess", "690000880", "--name", "-Centre", "--address",
                "-28 rue Laennec",
                "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
            ],
            ["centre", "show"]
        ),
    ]

    @Test(arguments: dashValues.indices)
    func aValueBeginningWithADashIsTheOptionsValue(_ index: Int) throws {
        let (name, arguments, show) = Self.dashValues[index]
        let cli = try prepared()
        defer { cli.cleanUp() }
        let result = try cli.run(arguments)
        #expect(result.status == 0, "\(name): \(result.stderr)")
        let shown = try cli.run(show).stdout
        var index = arguments.startIndex
        while index < arguments.count - 1 {
            if arguments[index].hasPrefix("--"), arguments[index + 1].hasPrefix("-"), !arguments[index + 1].hasPrefix("--") {
                let value = arguments[index + 1] == "-,4,5,3,4,5,5,4,5" ? "\"sdm-q-9\"" : arguments[index + 1]
                #expect(shown.contains(value), "\(name): \(value) not shown")
            }
            index += 1
        }
    }

    @Test(arguments: [
        (
            ["preference", "add", "S1", "--text", "x", "--importance", "-1"],
            "accord: error: --importance: is out of range; expected a whole number from 1 (a little) to 5 (above all).\n"
        ),
        (
            ["decision", "record", "S1", "--agreed", "-1"],
            "accord: error: --agreed: session S1 has no option -1; expected one of 1 as `session show` lists them.\n"
        ),
    ])
    func aNegativeNumberIsCheckedByItsRule(_ arguments: [String], _ message: String) throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        let result = try cli.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr == message)
    }

    @Test func aFreeTextOptionGivenLastWithoutAValueIsAUsageError() throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        let result = try cli.run(["note", "add", "S1", "--text"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: Missing value for '--text <text>'\n"), "\(result.stderr)")
        // A text that reads like an option is a text, and does not count as that option given twice.
        let text = try cli.run(["note", "add", "S1", "--text", "--text"])
        #expect(text.status == 0, "\(text.stderr)")
    }

    // MARK: - Lists

    /// `decision record --by` takes the participants apart (`P1 P2`) or as one comma list
    /// (`P1,P2`), and records the same decision either way.
    @Test(arguments: [["P1", "P2"], ["P1,P2"], ["P1, P2"]])
    func decisionTakersApartOrAsACommaList(by: [String]) throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        #expect(try cli.run(["decision", "record", "S1", "--agreed", "1", "--by"] + by).status == 0)
        let shown = try cli.run(["session", "show", "S1", "--json"]).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])
        let decisions = try #require(object["decisions"] as? [[String: Any]])
        #expect(decisions.last?["taken_by"] as? [String] == ["P1", "P2"])
    }

    // MARK: - Usage errors said in full, without values

    static let usageErrors: [([String], String)] = [
        (
            ["session", "start"],
            "Error: Missing expected arguments '--clinician-id <idnat-ps>', '--clinician-name <name>', '--family-name <name>', '--given-names <names>', '--birth-date <date>', '--sex <sex>', '--birthplace <cog>', '--topic <text>' (the patient's may come from an RCP report instead: --from-rcp <file>).\n"
        ),
        (
            ["session", "start", "--family-name", "MARCHAND", "--from-rcp", "fiche.xml"],
            "Error: Missing expected arguments '--clinician-id <idnat-ps>', '--clinician-name <name>'.\n"
        ),
        (["option", "add", "S1"], "Error: Missing expected arguments '--kind <kind>', '--label <text>'; give each of them.\n"),
        (["note", "add"], "Error: Missing expected arguments '<session>', '--text <text>'; give each of them.\n"),
        (["option", "add", "S1", "--label", "MARCHAND"], "Error: Missing expected argument '--kind <kind>'\n"),
        (
            ["sesion", "start", "MARCHAND"],
            "Error: accord has no such command (not shown); did you mean `session`? The commands are: session, participant, option, preference, decision, note, phase, process, instrument, template, entry, centre, export, verify, run, rcp, audit, verify-export, patient, codes, user, serve, db, help.\n"
        ),
        (
            ["session", "strat"],
            "Error: accord session has no such command (not shown); did you mean `start`? The commands are: start, show, list, check, close, import, history, help.\n"
        ),
        (
            ["MARCHAND"],
            "Error: accord has no such command (not shown). The commands are: session, participant, option, preference, decision, note, phase, process, instrument, template, entry, centre, export, verify, run, rcp, audit, verify-export, patient, codes, user, serve, db, help.\n"
        ),
        (
            ["note", "add", "S1", "--text", "Appel", "de", "MARCHAND"],
            "Error: unexpected arguments (not shown); a value with spaces is one argument: quote it, e.g. --text \"two words\"\n"
        ),
    ]

    @Test(arguments: usageErrors.indices)
    func usageErrorsSayEverythingAndEchoNothing(_ index: Int) throws {
        let (arguments, firstLines) = Self.usageErrors[index]
        let cli = try prepared()
        defer { cli.cleanUp() }
        let result = try cli.run(arguments)
        #expect(result.status == 64, "\(arguments)")
        #expect(result.stderr.hasPrefix(firstLines), "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("Usage: accord"), "\(arguments) lost its usage line")
        #expect(!result.stderr.contains("MARCHAND") && !result.stderr.contains("sesion") && !result.stderr.contains("strat"))
        #expect(!result.stderr.contains("fiche.xml"))
    }

    // MARK: - Files that do not parse

    @Test func anRCPReportThatIsNotWellFormedIsNamedByLineAndKind() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let report = cli.folder.appendingPathComponent("fiche.xml")
        try Data("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<!-- patiente DUPONTEL Jeanne -- revoir -->\n</ClinicalDocument>".utf8)
            .write(to: report)
        for arguments in [["rcp", "show", report.path], ["session", "start", "--from-rcp", report.path] + Array(Self.patient.suffix(4))] {
            let result = try cli.run(arguments)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "the file is not an RCP report: the XML document is not well-formed (line 2: a double hyphen (--) inside a comment);"),
                "\(result.stderr)")
            #expect(!result.stderr.contains("DUPONTEL") && !result.stderr.contains("Jeanne") && !result.stderr.contains("revoir"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func aConsultationFileKeepsNullLikeTextAndRefusesAliases() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        var text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\n  present: true", with: "\n  present: true\n  used_family_name: Null")
        #expect(text.contains("used_family_name: Null"))
        let file = cli.folder.appendingPathComponent("c.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let imported = try cli.run(["session", "import", file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try cli.run(["session", "show", "S1", "--json"]).stdout.contains("\"Null\""))

        let bomb = cli.folder.appendingPathComponent("bomb.yaml")
        try ConsultationFileBomb.text.write(to: bomb, atomically: true, encoding: .utf8)
        let started = Date()
        let refused = try cli.run(["session", "import", bomb.path])
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "accord: error: in the consultation file, the consultation file uses a YAML anchor or alias (&name, *name) at line 2; write each value out in full (quote a text that begins with & or *).\n"
        )
    }
}

/// A "billion laughs" of YAML aliases: a few hundred bytes standing for 10⁹ values.
enum ConsultationFileBomb {
    static let text: String = {
        var text = "format: accord-consultation/1\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text + "topic: *l9\n"
    }()
}
