import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// Each bad input gets one clear sentence, a non-zero exit status, and an unchanged database.
@Suite struct BadInputTests {
    static let start = [
        "session", "start", "--patient-ins", "158056912345606", "--ins-oid", "1.2.250.1.213.1.4.10",
        "--family-name", "MARCHAND-D'ESTE", "--given-names", "LUC JEAN-BAPTISTE", "--birth-date", "1958-05-17",
        "--sex", "M", "--birthplace", "69123", "--clinician-id", "810123456781", "--clinician-name", "Dr Hélène Roussel",
        "--topic", "Cancer de la prostate localisé",
    ]

    /// A database holding S1 (open, one option) and S2 (closed), and a snapshot of it.
    func prepared() throws -> (AccordCLI, String) {
        let cli = try AccordCLI()
        #expect(try cli.run(Self.start).status == 0)
        #expect(try cli.run(["option", "add", "S1", "--kind", "treatment", "--label", "Prostatectomie"]).status == 0)
        #expect(try cli.run(Self.start).status == 0)
        #expect(try cli.run(["session", "close", "S2"]).status == 0)
        return (cli, try snapshot(cli))
    }

    /// Everything the database shows: every session as JSON and the list.
    func snapshot(_ cli: AccordCLI) throws -> String {
        var text = try cli.run(["session", "list", "--json"]).stdout
        for id in ["S1", "S2", "S3"] { text += try cli.run(["session", "show", id, "--json"]).stdout }
        return text
    }

    static let cases: [(String, [String], String)] = [
        (
            "wrong INS key", start.map { $0 == "158056912345606" ? "158056912345607" : $0 },
            "accord: error: --patient-ins: the INS-NIR has a wrong key (97 − NIR mod 97); expected 13 characters and a 2-digit key equal to 97 − (NIR mod 97), 2A/2B counted as 19/18.\n"
        ),
        (
            "wrong RPPS key", start.map { $0 == "810123456781" ? "810123456782" : $0 },
            "accord: error: --clinician-id: the IdNat_PS has an RPPS number whose Luhn check digit is wrong; expected 8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id.\n"
        ),
        (
            "bad birth date", start.map { $0 == "1958-05-17" ? "1958-02-30" : $0 },
            "accord: error: --birth-date: is not a calendar date; expected a date as YYYY-MM-DD.\n"
        ),
        (
            "unknown session", ["note", "add", "S9", "--text", "x"],
            "accord: error: no session S9 in this database; `accord session list` shows the sessions it holds.\n"
        ),
        ("closing twice", ["session", "close", "S2"], "accord: error: session S2 is already closed.\n"),
        (
            "exporting an open session", ["export", "S1", "--out", "out"],
            "accord: error: session S1 is still open; close it with `accord session close S1` before exporting.\n"
        ),
        (
            "option that does not exist", ["decision", "record", "S1", "--agreed", "4"],
            "accord: error: --agreed: session S1 has no option 4; expected one of 1 as `session show` lists them.\n"
        ),
        (
            "unknown participant", ["decision", "record", "S1", "--agreed", "1", "--by", "P7"],
            "accord: error: --by: session S1 has no participant P7; expected participant ids such as P1, P2.\n"
        ),
        (
            "a name typed as a participant id is not echoed", ["decision", "record", "S1", "--agreed", "1", "--by", "Anne Marchand"],
            "accord: error: --by: names an entry that is not a participant; expected participant ids such as P1 P3, as `session show` lists them.\n"
        ),
        (
            "an INS typed as an option number is not echoed", ["decision", "record", "S1", "--agreed", "158016912300109"],
            "accord: error: --agreed: session S1 has no option of that number; expected one of 1 as `session show` lists them.\n"
        ),
        (
            "a name typed as an entry id is not echoed", ["entry", "withdraw", "S1", "Anne Marchand", "--reason", "typo"],
            "accord: error: ENTRY: is not an entry id; expected an entry id as `session show` lists it: P3, O2, M1, D1, N1, A1, I1….\n"
        ),
        (
            "change to a closed session", ["note", "add", "S2", "--text", "late"],
            "accord: error: session S2 is closed: a change to it is an amendment; repeat the command with --reason \"why\" to record it as one.\n"
        ),
        (
            "importance out of range", ["preference", "add", "S1", "--text", "x", "--importance", "7"],
            "accord: error: --importance: is out of range; expected a whole number from 1 (a little) to 5 (above all).\n"
        ),
        (
            "bad ACCORD_NOW", ["note", "add", "S1", "--text", "x", "--author", "810123456781"],
            ""
        ),
    ]

    @Test(arguments: cases.indices)
    func badInputIsRefusedAndChangesNothing(_ index: Int) throws {
        let (name, arguments, message) = Self.cases[index]
        let (cli, before) = try prepared()
        defer { cli.cleanUp() }
        let result =
            name == "bad ACCORD_NOW"
            ? try cli.run(arguments, environment: ["ACCORD_NOW": "tomorrow"])
            : try cli.run(arguments)
        #expect(result.status != 0, "\(name) exited 0")
        #expect(result.stdout.isEmpty, "\(name) printed on standard output")
        if name == "bad ACCORD_NOW" {
            #expect(
                result.stderr
                    == "accord: error: ACCORD_NOW: is not an RFC 3339 UTC instant; expected a UTC instant such as 2026-03-02T09:30:00Z.\n")
        } else {
            #expect(result.stderr == message, "\(name)")
        }
        #expect(try snapshot(cli) == before, "\(name) changed the database")
        #expect(!result.stderr.contains("MARCHAND") && !result.stderr.contains("158056912345"), "no identity in messages")
    }

    @Test func malformedYAMLIsRefusedAndChangesNothing() throws {
        let (cli, before) = try prepared()
        defer { cli.cleanUp() }
        var text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "agreed: 1", with: "agreed: 4")
        let bad = cli.folder.appendingPathComponent("bad.yaml")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "import", bad.path])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "accord: error: in the consultation file, decision.agreed: the consultation has no option 4; expected one of 1, 2, 3 as `session show` lists them.\n"
        )
        let broken = cli.folder.appendingPathComponent("broken.yaml")
        try "format: accord-consultation/1\npatient: [unclosed\n".write(to: broken, atomically: true, encoding: .utf8)
        let syntax = try cli.run(["session", "import", broken.path])
        #expect(syntax.status == 1)
        #expect(syntax.stderr.hasPrefix("accord: error: in the consultation file, the consultation file is not valid YAML (line"))
        var wrongKey = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        wrongKey = wrongKey.replacingOccurrences(of: "\"158056912345606\"", with: "\"158056912345600\"")
        try wrongKey.write(to: bad, atomically: true, encoding: .utf8)
        let key = try cli.run(["session", "import", bad.path])
        #expect(key.stderr.hasPrefix("accord: error: in the consultation file, patient.ins: the INS-NIR has a wrong key"))
        #expect(try snapshot(cli) == before)
    }

    /// Usage errors never echo what was typed: a value in the wrong place may be an INS or a name.
    @Test func usageErrorsDoNotEchoTypedValues() throws {
        let (cli, before) = try prepared()
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (["session", "show", "158056912345606"], "Error: The value given is invalid for '<session>'\n"),
            (
                ["note", "add", "S1", "--text", "Appel", "Mme", "MARCHAND"],
                "Error: unexpected arguments (not shown); a value with spaces is one argument: quote it, e.g. --text \"two words\"\n"
            ),
            (["session", "show", "10001234567"], "Error: The value given is invalid for '<session>'\n"),
            (
                ["session", "show", "S1", "MARCHAND"],
                "Error: unexpected arguments (not shown); a value with spaces is one argument: quote it, e.g. --text \"two words\"\n"
            ),
            (["session", "show", "S1", "-MARCHAND"], "Error: Unknown option (not shown)\n"),
            (["session", "show", "S1\nJosiane MARCHAND"], "Error: The value given is invalid for '<session>'\n"),
            (
                ["note", "add", "S1", "--text", "x", "Ma voisine\nMARCHAND"],
                "Error: unexpected arguments (not shown); a value with spaces is one argument: quote it, e.g. --text \"two words\"\n"
            ),
            (["decision", "record", "S1", "--agreed", "1\nMARCHAND"], "Error: The value given is invalid for '--agreed <n>'"),
            (["session", "show", "S1", "--json=MARCHAND"], "Error: The option '--json' does not take any value, but one was given.\n"),
            (
                ["audit", "participation", "--by", "MARCHAND"],
                "Error: The value given is invalid for '--by <grouping>'. Please provide one of 'clinician', 'topic', 'month' or 'organisation'.\n"
            ),
        ]
        for (arguments, firstLine) in cases {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.hasPrefix(firstLine), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("MARCHAND") && !result.stderr.contains("158056912345606"), "\(arguments) echoed a value")
            #expect(result.stderr.contains("Usage: accord "), "\(arguments) lost its usage line")
        }
        #expect(try snapshot(cli) == before)
        #expect(try cli.run(["session", "--help"]).status == 0)
        // A single-value option given twice would silently keep only the last value.
        let twice = try cli.run(["note", "add", "S1", "--text", "MARCHAND a appelé", "--text=autre"])
        #expect(twice.status == 64)
        #expect(twice.stderr == "accord: error: --text is given twice; give it once (only one of the values would be kept).\n")
        #expect(try snapshot(cli) == before)
        let benefits = try cli.run(["option", "add", "S1", "--kind", "treatment", "--label", "X", "--benefit", "a", "--benefit", "b"])
        #expect(benefits.status == 0, "\(benefits.stderr)")
    }

    /// Identity vigilance: the same INS with other traits than in an earlier session is
    /// recorded (the patient is being seen) but warned about, naming traits, never values.
    @Test func anINSWithOtherTraitsIsWarnedAbout() throws {
        let (cli, _) = try prepared()
        defer { cli.cleanUp() }
        let other = Self.start.map { $0 == "1958-05-17" ? "1958-05-18" : $0 }
        let result = try cli.run(other)
        #expect(result.status == 0)
        #expect(result.stdout == "S3\n")
        #expect(
            result.stderr
                == "accord: warning: the same INS is recorded in session S1 with other identity traits (birth date); check the patient's identity (identity vigilance) before going on.\n"
                + "accord: warning: the same INS is recorded in session S2 with other identity traits (birth date); check the patient's identity (identity vigilance) before going on.\n"
        )
        #expect(try cli.run(Self.start).stderr.contains("session S3 with other identity traits (birth date)"))
    }

    /// An output folder that is a file is named as such, and nothing is exported.
    @Test func anOutputFolderThatIsAFileIsRefused() throws {
        let (cli, _) = try prepared()
        defer { cli.cleanUp() }
        let file = cli.folder.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        for arguments in [["export", "S2", "--out", file.path], ["export", "--all", "--example-centre", "--out", file.path]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1 && result.stdout.isEmpty, "\(arguments)")
            #expect(
                result.stderr
                    == "accord: error: --out: names a file that exists, not a folder; expected a folder to write the documents into (created when missing).\n"
            )
        }
        #expect(try cli.run(["session", "history", "S2"]).stdout.contains("document-issued") == false)
        #expect(try Data(contentsOf: file) == Data("x".utf8))
    }

    /// A document is never dated before what it records.
    @Test func anExportBeforeTheLastChangeIsRefused() throws {
        let (cli, _) = try prepared()
        defer { cli.cleanUp() }
        let last = try cli.run(["session", "history", "S2"]).stdout.split(separator: "\n").last.map(String.init) ?? ""
        let instant = last.split(separator: "\t")[2]
        let result = try cli.run(
            ["export", "S2", "--out", cli.folder.appendingPathComponent("out").path], environment: ["ACCORD_NOW": "2020-01-01T00:00:00Z"])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasSuffix(
                "accord: error: the clock reads an instant before the last change of session S2 (\(instant)); check the system clock or ACCORD_NOW (nothing was exported).\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("out").path))
    }
}
