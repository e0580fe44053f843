import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// The same bad value refused the same way at every entry point: a command-line option, the
/// consultation file's key, the guided session's answer (exit 1, nothing recorded); the RCP
/// import warns, naming the element.
@Suite struct FieldRuleEntryPointTests {
    /// One bad value and where each entry point takes it.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The command that takes the value, against a database holding S1 (open) and S2 (closed).
        var command: [String]
        var option: String
        /// The sample consultation file's text to replace, and by what.
        var yaml: (String, String)?
        var key: String?
        /// The guided session's answers up to the bad one, and the field its refusal names.
        var answers: [String]?
        var answerField: String?
        /// What every refusal says after the field name.
        var sentence: String

        var testDescription: String { name }
    }

    static let start = BadInputTests.start
    static func start(replacing old: String, with new: String) -> [String] { start.map { $0 == old ? new : $0 } }
    static let firstAnswers = [
        "810123456781", "Dr X", "158056912345606", "1.2.250.1.213.1.4.10", "MARCHAND", "LUC", "1958-05-17", "M", "69123", "", "",
    ]

    static let idNatPS =
        "the IdNat_PS must start with 8 (RPPS), 0 (ADELI) or 3 (FINESS and local id); expected 8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id."
    static let codeSystem =
        "expected an OID such as 2.16.840.1.113883.6.3, or one of CIM-10, ICD-10, ICD-O-3, LOINC, SNOMED-CT or their URIs (http://hl7.org/fhir/sid/icd-10, http://loinc.org, http://snomed.info/sct)."

    static let insName = "holds characters the INS form of a birth name cannot hold; expected \(FieldRules.insNameAccepted)."

    static let cases: [Case] = [
        Case(
            name: "a clinician IdNat_PS without a known prefix", command: start(replacing: "810123456781", with: "12345"),
            option: "--clinician-id", yaml: ("id: \"810123456781\"", "id: \"12345\""), key: "clinician.id", answers: ["12345"],
            answerField: "clinician", sentence: idNatPS),
        Case(
            name: "a professional participant's IdNat_PS without a known prefix",
            command: ["participant", "add", "S1", "--role", "professional", "--name", "Dr Benali", "--id", "12345"], option: "--id",
            yaml: ("id: \"810987654323\"", "id: \"12345\""), key: "participants[2].id", sentence: idNatPS),
        Case(
            name: "an INS OID outside the INS arcs", command: start(replacing: "1.2.250.1.213.1.4.10", with: "1.2.3.4"),
            option: "--ins-oid",
            yaml: ("ins_oid: 1.2.250.1.213.1.4.10", "ins_oid: 1.2.3.4"), key: "patient.ins_oid",
            answers: Array(firstAnswers.prefix(3)) + ["1.2.3.4"],
            answerField: "INS OID",
            sentence:
                "is not an INS OID; expected 1.2.250.1.213.1.4.8 (INS-NIR), 1.2.250.1.213.1.4.9 (INS-NIA), 1.2.250.1.213.1.4.10 (test) or 1.2.250.1.213.1.4.11 (demonstration)."
        ),
        Case(
            name: "a birth family name in lower case", command: start(replacing: "MARCHAND-D'ESTE", with: "Marchand"),
            option: "--family-name", yaml: ("birth_family_name: \"MARCHAND-D'ESTE\"", "birth_family_name: \"Marchand\""),
            key: "patient.birth_family_name", answers: Array(firstAnswers.prefix(4)) + ["Marchand"], answerField: "birth family name",
            sentence: insName),
        Case(
            name: "birth given names with an accent", command: start(replacing: "LUC JEAN-BAPTISTE", with: "LUC JÉRÔME"),
            option: "--given-names", yaml: ("birth_given_names: \"LUC JEAN-BAPTISTE\"", "birth_given_names: \"LUC JÉRÔME\""),
            key: "patient.birth_given_names", answers: Array(firstAnswers.prefix(5)) + ["LUC JÉRÔME"],
            answerField: "birth given names", sentence: insName),
        Case(
            name: "a birth family name ending with a hyphen", command: start(replacing: "MARCHAND-D'ESTE", with: "MARCHAND-"),
            option: "--family-name", yaml: ("birth_family_name: \"MARCHAND-D'ESTE\"", "birth_family_name: \"MARCHAND-\""),
            key: "patient.birth_family_name",
            sentence: "does not begin and end with a letter; expected \(FieldRules.insNameAccepted)."),
        Case(
            name: "a first given name that is not the first of the list",
            command: start + ["--first-given-name", "JEAN-BAPTISTE"], option: "--first-given-name",
            yaml: (
                "birth_given_names: \"LUC JEAN-BAPTISTE\"",
                "birth_given_names: \"LUC JEAN-BAPTISTE\"\n  first_birth_given_name: JEAN-BAPTISTE"
            ),
            key: "patient.first_birth_given_name",
            sentence: "is not the first of the birth given names; expected the first name of the list of birth given names."),
        Case(
            name: "a birth date before 1900", command: start(replacing: "1958-05-17", with: "1899-12-31"), option: "--birth-date",
            yaml: ("birth_date: 1958-05-17", "birth_date: 1899-12-31"), key: "patient.birth_date",
            answers: Array(firstAnswers.prefix(6)) + ["1899-12-31"], answerField: "birth date",
            sentence: "is before 1900; expected the birth date as YYYY-MM-DD, from 1900-01-01 and not after today."),
        Case(
            name: "a topic made only of control characters",
            command: start(replacing: "Cancer de la prostate localisé", with: "\u{1}\u{1F}"),
            option: "--topic",
            yaml: ("topic: \"Prise en charge d'un cancer de la prostate localisé à faible risque\"", "topic: \"\\x01\\x1F\""),
            key: "topic", answers: firstAnswers + ["\u{1}\u{1F}"], answerField: "decision",
            sentence:
                "is made only of control or invisible characters; expected text on one line of at most 2000 characters, without control characters."
        ),
        Case(
            name: "a label made only of invisible characters",
            command: ["option", "add", "S1", "--kind", "treatment", "--label", "\u{200B}\u{2060}"], option: "--label",
            yaml: ("label: \"Prostatectomie totale\"", "label: \"\\u200B\\u2060\""), key: "options[2].label",
            sentence:
                "is made only of control or invisible characters; expected text on one line of at most 2000 characters, without control characters."
        ),
        Case(
            name: "a code with a tab", command: start + ["--condition", "Cancer du sein", "--condition-code", "C50\t4"],
            option: "--condition-code", yaml: ("code: \"C61\"", "code: \"C61\\t4\""), key: "condition.code",
            sentence:
                "holds a line break or tab, which this field cannot hold; expected a code of 1 to 64 printable characters without spaces, such as C50.4."
        ),
        Case(
            name: "a code system that is neither an OID nor known",
            command: start + ["--condition", "Cancer du sein", "--condition-code", "C50.4", "--condition-code-system", "ICD 10"],
            option: "--condition-code-system", yaml: ("code_system: \"2.16.840.1.113883.6.3\"", "code_system: \"ICD 10\""),
            key: "condition.code_system", sentence: "is neither an OID nor a code system Accord knows by name; \(codeSystem)"),
        Case(
            name: "an empty code system",
            command: start + ["--condition", "Cancer du sein", "--condition-code", "C50.4", "--condition-code-system", ""],
            option: "--condition-code-system", yaml: ("code_system: \"2.16.840.1.113883.6.3\"", "code_system: \"\""),
            key: "condition.code_system", sentence: "is empty; \(codeSystem)"),
        Case(
            name: "an IPP with a line break", command: start + ["--ipp", "IPP\n123"], option: "--ipp",
            yaml: ("  present: true", "  present: true\n  ipp: \"IPP\\n123\"\n  ipp_root: 1.2.250.1.999.1.2"), key: "patient.ipp",
            sentence:
                "holds a line break or tab, which this field cannot hold; expected 1 to 64 printable characters, without line breaks or control characters."
        ),
        Case(
            name: "a note with an escape character", command: ["note", "add", "S1", "--text", "AB\u{1B}[2JCD"], option: "--text",
            yaml: ("Le patient souhaite en reparler avec son médecin traitant & sa famille.", "AB\\0CD\\eEF"), key: "notes[0]",
            sentence:
                "holds a control character; expected text (line feeds and tabs allowed) of at most 20000 characters, without control characters."
        ),
        Case(
            name: "a preference with a bidirectional override", command: ["preference", "add", "S1", "--text", "Rester \u{202E}chez moi"],
            option: "--text", yaml: ("text: \"Ne pas multiplier les hospitalisations\"", "text: \"Rester \\u202Echez moi\""),
            key: "preferences[2].text",
            sentence:
                "holds a bidirectional override or isolate character; expected text (line feeds and tabs allowed) of at most 2000 characters, without control characters."
        ),
        Case(
            name: "a next contact in the past", command: ["decision", "record", "S1", "--deferred", "--next-contact", "2026-03-01"],
            option: "--next-contact", yaml: ("agreed: 1", "deferred: true\n  next_contact: 2026-03-01"), key: "decision.next_contact",
            sentence: "is in the past; expected today or a later date as YYYY-MM-DD."),
        Case(
            name: "a reflection time ending in the past", command: ["process", "reflection", "S1", "--until", "1999-01-01"],
            option: "--until", sentence: "is in the past; expected today or a later date as YYYY-MM-DD."),
    ]

    /// A database holding S1 (open, one option) and S2 (closed), and what it shows (the same
    /// as the bad-input tests').
    func prepared() throws -> (AccordCLI, String) { try BadInputTests().prepared() }

    func snapshot(_ cli: AccordCLI) throws -> String { try BadInputTests().snapshot(cli) }

    /// Runs `accord run` in English (its messages are asserted) with `lines` as standard input.
    func guided(_ cli: AccordCLI, _ arguments: [String] = [], lines: [String]) throws -> AccordCLI.Result {
        let input = cli.folder.appendingPathComponent("answers-\(UUID().uuidString).txt")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        return try cli.run(
            ["__shell__", "\"$ACCORD_BIN\" run \(arguments.joined(separator: " ")) < \"\(input.path)\""], environment: ["ACCORD_LANG": "en"]
        )
    }

    @Test(arguments: cases)
    func everyEntryPointRefusesTheSameValue(_ item: Case) throws {
        let (cli, before) = try prepared()
        defer { cli.cleanUp() }

        let typed = try cli.run(item.command)
        #expect(typed.status == 1, "\(typed.stderr)")
        #expect(typed.stderr == "accord: error: \(item.option): \(item.sentence)\n")
        #expect(typed.stdout.isEmpty)
        #expect(try snapshot(cli) == before, "the command changed the database")

        if let (old, new) = item.yaml, let key = item.key {
            let sample = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
            let text = sample.replacingOccurrences(of: old, with: new)
            try #require(text != sample, "the sample holds \(old)")
            let file = cli.folder.appendingPathComponent("bad.yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let imported = try cli.run(["session", "import", file.path])
            #expect(imported.status == 1, "\(imported.stderr)")
            #expect(imported.stderr == "accord: error: in the consultation file, \(key): \(item.sentence)\n")
            #expect(try snapshot(cli) == before, "the import changed the database")
        }

        if let answers = item.answers, let field = item.answerField {
            let result = try guided(cli, lines: answers)
            #expect(result.status == 1, "the answers end after the refused one")
            #expect(result.stdout.contains("\n  \(field): \(item.sentence)\n") || result.stdout.contains(" \(field): \(item.sentence)\n"))
            #expect(result.stderr == "accord: error: the answers ended before a session could be started; nothing was recorded.\n")
            #expect(try snapshot(cli) == before, "the guided session changed the database")
        }
    }

    /// In the guided session, a refused entry after the start is explained and not recorded.
    @Test func theGuidedSessionRefusesAProfessionalWithoutAValidIdNatPS() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let answers = Self.firstAnswers + ["Choix du traitement", "skip", "yes", "professional", "Dr Benali", "12345"]
        let result = try guided(cli, lines: answers)
        #expect(result.stdout.contains("  Not recorded: --id: \(Self.idNatPS)\n"), "\(result.stdout)")
        let show = try cli.run(["session", "show", "S1", "--json"])
        let consultation = try AccordJSON.decoder().decode(Consultation.self, from: Data(show.stdout.utf8))
        #expect(consultation.participants.map(\.entry.rawValue) == ["P1", "P2"])
    }

    /// An argument that is not UTF-8 is refused, not stored with U+FFFD in its place.
    @Test func anArgumentThatIsNotUTF8IsRefused() throws {
        let (cli, before) = try prepared()
        defer { cli.cleanUp() }
        let result = try cli.run(["__shell__", "\"$ACCORD_BIN\" note add S1 --text \"$(printf 'caf\\351 ok')\""])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "accord: error: --text: holds bytes that are not UTF-8 text (or the replacement character U+FFFD); expected text (line feeds and tabs allowed) of at most 20000 characters, without control characters.\n"
        )
        #expect(try snapshot(cli) == before)
    }

    /// The author of a change is an IdNat_PS by the same rule, from `--author` or `ACCORD_AUTHOR`.
    @Test func theAuthorIsCheckedByTheIdNatPSRule() throws {
        let (cli, before) = try prepared()
        defer { cli.cleanUp() }
        let option = try cli.run(["note", "add", "S1", "--text", "x", "--author", "12345"])
        #expect(option.status == 1)
        #expect(option.stderr == "accord: error: --author: \(Self.idNatPS)\n")
        let variable = try cli.run(["note", "add", "S1", "--text", "x"], environment: ["ACCORD_AUTHOR": "12345"])
        #expect(variable.status == 1)
        #expect(variable.stderr == "accord: error: ACCORD_AUTHOR: \(Self.idNatPS)\n")
        #expect(try snapshot(cli) == before)
    }

    /// A code system given by name is stored as its OID; CDA writes the OID, FHIR the URI.
    @Test func aCodeSystemNameIsStoredAsItsOID() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let started = try cli.run(
            Self.start + ["--condition", "Cancer du sein", "--condition-code", "C50.4", "--condition-code-system", "CIM-10"])
        #expect(started.status == 0, "\(started.stderr)")
        let show = try cli.run(["session", "show", "S1", "--json"])
        let consultation = try AccordJSON.decoder().decode(Consultation.self, from: Data(show.stdout.utf8))
        #expect(consultation.start.condition?.codeSystem == "2.16.840.1.113883.6.3")
        #expect(try cli.run(["session", "close", "S1"]).status == 0)
        let out = cli.folder.appendingPathComponent("out")
        let export = try cli.run(["export", "S1", "--profile", "fhir-r4", "--out", out.path])
        #expect(export.status == 0, "\(export.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".xml") }
        let text = try String(contentsOf: out.appendingPathComponent(try #require(files.first)), encoding: .utf8)
        #expect(text.contains("<system value=\"http://hl7.org/fhir/sid/icd-10\"/>"))
        #expect(text.contains("<code value=\"C50.4\"/>"))
    }

    /// The RCP import keeps identifiers that fail their check and warns, naming the element.
    @Test func theRCPImportWarnsNamingTheElement() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let report = RCPImportTests.url("ans/ExemplesCDA/CANCER-FRCP_2022.01_Appareil.xml")
        var text = try String(contentsOf: report, encoding: .utf8)
        let finess = "extension=\"1750100125\""
        try #require(text.contains(finess))
        text = text.replacingOccurrences(of: finess, with: "extension=\"1750100126\"")
        let file = cli.folder.appendingPathComponent("report.xml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "start", "--from-rcp", file.path] + RCPImportTests.clinician)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "accord: warning: author/assignedAuthor/representedOrganization/id (IdNat_Struct, prefix 1 + FINESS): the FINESS number's check key (Luhn) is wrong; kept — check the number.\n"
            ))
        #expect(result.stderr.contains("accord: warning: the IdNat_PS at "), "an RPPS whose Luhn key is wrong is a warning")
        #expect(!result.stderr.contains("750100126") && !result.stderr.contains("801234568875"), "warnings never hold the value")
    }
}
