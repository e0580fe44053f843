import AccordCore
import AccordTestSupport
import Foundation
import Testing

@Suite struct ConsultationFileTests {
    @Test func sampleFileParses() throws {
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        let file = try ConsultationFile.parse(text)
        #expect(file.start.patient.ins == "158056912345606")
        #expect(file.start.patient.insOID == KnownOID.insNIRTest)
        #expect(file.start.patient.birthFamilyName == "MARCHAND-D'ESTE")
        #expect(file.start.patient.firstBirthGivenName == "LUC")
        #expect(file.start.condition?.code == "C61")
        #expect(
            file.changes.map(\.kind) == [
                "participant-added", "participant-added", "option-added", "option-added", "option-added",
                "preference-added", "preference-added", "decision-recorded", "note-added", "session-closed",
            ])
        let consultation = try Consultation(events: Samples.events([.sessionStarted(file.start)] + file.changes))
        #expect(consultation.decision?.outcome == .agreed(option: 1))
        #expect(consultation.options[2].trialID == "NCT00000000")
    }

    static let minimal = """
        format: accord-consultation/1
        patient: {ins: "158056912345606", ins_oid: 1.2.250.1.213.1.4.10, birth_family_name: "A", birth_given_names: "B", birth_date: 1958-05-17, sex: M, birthplace: "69123"}
        clinician: {id: "810123456781", name: "Dr C"}
        topic: "t"

        """

    @Test func theINSAndTheBirthplaceAreUpperCased() throws {
        let text = Self.minimal.replacingOccurrences(of: "158056912345606", with: "262012a00412302")
            .replacingOccurrences(
                of: "birth_date: 1958-05-17, sex: M, birthplace: \"69123\"", with: "birth_date: 1962-01-15, sex: F, birthplace: \"2a004\"")
        let file = try ConsultationFile.parse(text)
        #expect(file.start.patient.ins == "262012A00412302")
        #expect(file.start.patient.birthplaceCode == "2A004")
    }

    /// Truth values are read from a plain scalar's text (no tag is resolved): every spelling
    /// YAML 1.1 gives, in any case; a quoted or `!!str` one is a text and refused; `!!bool` is
    /// read. Keys are compared as texts.
    @Test func truthValuesAreReadFromTheirText() throws {
        let spellings: [(String, Bool)] = [
            ("true", true), ("True", true), ("TRUE", true), ("tRuE", true), ("yes", true), ("Yes", true), ("on", true), ("ON", true),
            ("!!bool true", true), ("false", false), ("False", false), ("no", false), ("NO", false), ("off", false), ("Off", false),
            ("!!bool no", false),
        ]
        for (spelling, value) in spellings {
            let file = try ConsultationFile.parse(Self.minimal + "closed: \(spelling)\n")
            #expect((file.changes.last?.kind == "session-closed") == value, "\(spelling)")
            let present = try ConsultationFile.parse(
                Self.minimal.replacingOccurrences(of: "birthplace: \"69123\"}", with: "birthplace: \"69123\", present: \(spelling)}"))
            #expect(present.start.patientPresent == value, "\(spelling)")
        }
        for spelling in ["\"true\"", "'yes'", "!!str true", "y", "1", "|\n  true", "truee"] {
            let error = try #require(throws: AccordError.self) { try ConsultationFile.parse(Self.minimal + "closed: \(spelling)\n") }
            #expect(error.description == "closed: is not true or false; expected true or false.", "\(spelling)")
        }
        for twice in ["closed: true\n\"closed\": true\n", "closed: true\n!!str closed: false\n"] {
            let error = try #require(throws: AccordError.self) { try ConsultationFile.parse(Self.minimal + twice) }
            #expect(error.description.contains("(line 5: the key closed is given more than once in the same mapping)"), "\(error)")
        }
        // The same key under two tags is two nodes for Yams, and one key for Accord: refused,
        // rather than the first one read and the other left unread.
        for twice in ["closed: false\n!!bool closed: true\n", "!!binary closed: true\nclosed: false\n"] {
            let error = try #require(throws: AccordError.self) { try ConsultationFile.parse(Self.minimal + twice) }
            #expect(
                error.description
                    == "the consultation file: gives the key closed more than once (line 6); expected each key once in a mapping.")
        }
        let nested = Self.minimal.replacingOccurrences(of: "sex: M,", with: "sex: M, !!binary sex: F,")
        let error = try #require(throws: AccordError.self) { try ConsultationFile.parse(nested) }
        #expect(error.description == "patient: gives the key sex more than once (line 2); expected each key once in a mapping.")
    }

    @Test func minimalFileParses() throws {
        let file = try ConsultationFile.parse(Self.minimal)
        #expect(file.changes.isEmpty)
        #expect(file.start.patientPresent)
    }

    @Test(arguments: [
        (
            minimal + "preferances: []\n",
            "the consultation file: has an unknown key preferances at line 5; expected only these keys: clinician, closed, condition, decision, format, notes, options, organisation_finess, participants, patient, preferences, topic."
        ),
        (
            minimal + "Marchand Luc: []\n",  // not shaped like a key: not echoed
            "the consultation file: has an unknown key at line 5; expected only these keys: clinician, closed, condition, decision, format, notes, options, organisation_finess, participants, patient, preferences, topic."
        ),
        (
            minimal + "options:\n  - {kind: surgery, label: x}\n",
            "options[1].kind: is not an option kind; expected treatment, active-surveillance, no-treatment, clinical-trial, supportive-care."
        ),
        (
            minimal + "preferences:\n  - {text: x, importance: 9}\n",
            "preferences[1].importance: is out of range; expected a whole number from 1 (a little) to 5 (above all)."
        ),
        (
            minimal + "decision: {agreed: 1, declined: true}\n",
            "decision: must hold exactly one of agreed, deferred, declined; expected agreed: OPTION-NUMBER, or deferred: true with next_contact: YYYY-MM-DD, or declined: true."
        ),
        (
            minimal + "decision: {deferred: true, next_contact: 2026-02-30}\n",
            "decision.next_contact: is not a calendar date; expected a date as YYYY-MM-DD."
        ),
        (
            "format: accord-consultation/1\ntopic: [\n",
            "the consultation file is not valid YAML (line 3: a value that is missing (or a bracket left open)); expected a YAML mapping with format: accord-consultation/1."
        ),
        ("format: other/2\n", "format: is not a known consultation file format; expected accord-consultation/1."),
        ("format: accord-consultation/1\n", "patient: is missing (mapping at line 1); expected a value for this key."),
    ])
    func malformedFilesNameTheKey(_ text: String, _ message: String) {
        #expect(throws: AccordError.self) { try ConsultationFile.parse(text) }
        do {
            _ = try ConsultationFile.parse(text)
        } catch let error as AccordError {
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    // MARK: - Text kept as typed

    /// Plain scalars that YAML would read as a null, a truth value, a number or a date.
    static let textsLikeOtherTypes = [
        "Null", "null", "NULL", "~", "no", "No", "yes", "off", "on", "y", "true", "False", "01053", "1e3", "-1", "+12", "0x1F", "0o17",
        "1_000", ".inf", "-.inf", ".NaN", "12:30", "2026-03-02",
    ]

    /// A file with `value` written plain in every text key.
    static func everyTextKey(_ value: String) -> String {
        """
        format: accord-consultation/1
        patient:
          ins: "158056912345606"
          ins_oid: 1.2.250.1.213.1.4.10
          birth_family_name: \(value)
          birth_given_names: \(value)
          first_birth_given_name: \(value)
          used_family_name: \(value)
          used_given_name: \(value)
          birth_date: 1958-05-17
          sex: M
          birthplace: \(value)
          ipp: \(value)
          ipp_root: 1.2.250.1.999.2
        clinician:
          id: "810123456781"
          name: \(value)
          function: \(value)
        topic: \(value)
        condition: \(value)
        participants:
          - role: relative
            name: \(value)
            function: \(value)
        options:
          - kind: treatment
            label: \(value)
            benefits:
              - \(value)
            harms:
              - \(value)
        preferences:
          - text: \(value)
        notes:
          - \(value)

        """
    }

    @Test(arguments: textsLikeOtherTypes)
    func textKeysKeepWhatWasTyped(_ value: String) throws {
        let file = try ConsultationFile.parse(Self.everyTextKey(value))
        let patient = file.start.patient
        #expect(
            [patient.birthFamilyName, patient.birthGivenNames, patient.firstBirthGivenName, patient.birthplaceCode] == [
                value, value, value, value.uppercased(),  // a COG code is upper-cased (2a004 → 2A004)
            ])
        #expect(patient.usedFamilyName == value && patient.usedGivenName == value)
        #expect(file.start.ipp?.extension_ == value)
        #expect(file.start.clinicianName == value && file.start.clinicianFunction == value)
        #expect(file.start.topic == value && file.start.condition?.text == value)
        guard file.changes.count == 4,
            case .participantAdded(_, let name, _, let function, _) = file.changes[0],
            case .optionAdded(_, let label, let benefits, let harms, _, _) = file.changes[1],
            case .preferenceAdded(let text, let importance) = file.changes[2],
            case .noteAdded(let note) = file.changes[3]
        else {
            Issue.record("unexpected changes \(file.changes.map(\.kind))")
            return
        }
        #expect(name == value && function == value && label == value && benefits == [value] && harms == [value])
        #expect(text == value && importance == nil && note == value)
    }

    @Test func anEmptyKeyHasNoValueAndTypedKeysKeepTheirType() throws {
        let text =
            Self.minimal.replacingOccurrences(of: "topic: \"t\"", with: "topic: \"Null\"") + """
                condition:
                preferences:
                  - {text: x, importance: 3}
                decision: {declined: true}
                closed: false

                """
        let file = try ConsultationFile.parse(
            text.replacingOccurrences(of: "birthplace: \"69123\"}", with: "birthplace: \"69123\", used_family_name: , present: false}"))
        #expect(file.start.topic == "Null")
        #expect(file.start.condition == nil)
        #expect(file.start.patient.usedFamilyName == nil)
        #expect(file.start.patientPresent == false)
        #expect(file.changes.map(\.kind) == ["preference-added", "decision-recorded"])
        guard case .preferenceAdded(_, let importance) = file.changes[0] else { return }
        #expect(importance == 3)
    }

    // MARK: - Bounded work

    /// A "billion laughs": nine levels of ten aliases each, about 400 bytes.
    static let billionLaughs: String = {
        var text = "format: accord-consultation/1\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text + "topic: *l9\n"
    }()

    @Test(arguments: [
        (billionLaughs, 2),
        ("format: accord-consultation/1\ntopic: &t Choix\nnotes: [*t]\n", 2),
        ("format: accord-consultation/1\nnotes:\n  - x\n  - *t\n", 4),
        ("format: accord-consultation/1\n? *k\n: x\n", 2),
        ("format: accord-consultation/1\npatient: &p\n  ins: x\n", 2),
        ("format: accord-consultation/1\nnotes: [a, &n b]\n", 2),
        ("format: accord-consultation/1\ntopic: !!str &t x\n", 2),
        ("format: accord-consultation/1\nnotes:\n- *t\n", 3),
        // Where a scan of its own lost its place in the YAML (all taken by libyaml, which
        // composes them): a plain value continued on a line beginning with a quote, keys after
        // a block scalar of a compact mapping, a JSON-like key's colon without a space, a tag
        // followed by a tab, the document start's own line.
        ("format: accord-consultation/1\nnotes:\n  - a\n    'b\n  - &n x\n  - *n\n", 5),
        ("format: accord-consultation/1\noptions:\n  - label: |\n      t\n    trial_id: &t NCT00000000\n    kind: *t\n", 5),
        ("format: accord-consultation/1\ncondition: {\"text\":&t x, \"code\":*t}\n", 2),
        ("format: accord-consultation/1\ntopic: !!str\t&a x\n", 2),
        ("--- &r\nformat: accord-consultation/1\n", 1),
    ])
    func anchorsAndAliasesAreRefusedQuickly(_ text: String, _ line: Int) {
        let started = Date()
        let error = #expect(throws: AccordError.self) { try ConsultationFile.parse(text) }
        #expect(
            error?.description
                == "the consultation file uses a YAML anchor or alias (&name, *name) at line \(line); write each value out in full (quote a text that begins with & or *)."
        )
        #expect(Date().timeIntervalSince(started) < 1)
    }

    /// Lines counted as an editor counts them (CR LF, CR, NEL, LS, PS; VT and FF, which YAML
    /// refuses as control characters, count too), and characters of several bytes beside the
    /// marks YAML reads: libyaml's marks count characters, turned into the editor's lines.
    @Test(arguments: [
        ("a: 1\r\nb: *x\n", 2),
        ("a: 1\rb: 2\r\nc: *x\n", 3),
        ("a: 1\rb: 2\rc: 3\r\nd: *x\n", 4),
        ("\u{FEFF}a: 1\nb: *x\n", 2),
        ("\u{FEFF}a: 1\n&x b: c\n", 2),
        ("a: 1\u{85}b: 2\u{2028}c: 3\u{2029}d: &x y\n", 4),
        ("a: \"é\\\"é*\"\nb: *x\n", 2),
        ("a: é*\nb: &x c\n", 2),
        ("é: *x\n", 1),
        ("a: 'l''é*' # é *x\nb: [é, *x]\n", 2),
    ])
    func anchorsAreFoundOnTheirLineWhateverTheLineBreaks(_ text: String, _ line: Int) {
        let error = #expect(throws: AccordError.self) { try ConsultationFile.parse(text) }
        #expect(
            error?.description
                == "the consultation file uses a YAML anchor or alias (&name, *name) at line \(line); write each value out in full (quote a text that begins with & or *)."
        )
    }

    @Test(arguments: [
        ("topic: \"A & B * C\"", "A & B * C"),
        ("topic: 'l''*a'", "l'*a"),
        ("topic: Risque * 2 & plus", "Risque * 2 & plus"),
        ("topic: x # *commentaire", "x"),
        ("topic: |\n  *a\n  &b\n", "*a\n&b\n"),
        ("topic: >-\n  * un\n  & deux\n", "* un & deux"),
        ("topic: \"*a\"", "*a"),
    ])
    func ampersandsAndStarsInTextAreNotAliases(_ line: String, _ expected: String) throws {
        let text = Self.minimal.replacingOccurrences(of: "topic: \"t\"\n", with: line + (line.hasSuffix("\n") ? "" : "\n"))
        #expect(try ConsultationFile.parse(text).start.topic == expected)
    }

    /// A next-line, line separator or paragraph separator written as such is a line break to
    /// YAML, which then changes the text around it (the indentation after it dropped): the file
    /// is refused, naming the character and its line as an editor counts lines; written as an
    /// escape inside double quotes, the character is kept.
    @Test(arguments: [
        (
            "notes:\r\n  - \"Premier\u{2028}    second\"\n", "a line separator (U+2028)", 6,
            "or write it as the escape \\u2028 inside double quotes"
        ),
        (
            "notes:\n  - |\n    bloc\u{2028}    suite\n", "a line separator (U+2028)", 7,
            "or write it as the escape \\u2028 inside double quotes"
        ),
        (
            "notes:\n  - simple\u{2029}    suite\n", "a paragraph separator (U+2029)", 6,
            "or write it as the escape \\u2029 inside double quotes"
        ),
        ("# un commentaire\u{85}\nnotes: []\n", "a next-line character (U+0085)", 5, "or remove it"),
    ])
    func aLineBreakOnlyYAMLSeesIsRefused(_ tail: String, _ name: String, _ line: Int, _ remedy: String) {
        let error = #expect(throws: AccordError.self) { try ConsultationFile.parse(Self.minimal + tail) }
        #expect(
            error?.description
                == "line \(line) holds \(name), which YAML reads as a line break and would change the text around it (nothing was recorded); replace it with a line break, \(remedy)."
        )
    }

    @Test func aLineSeparatorWrittenAsAnEscapeIsKept() throws {
        let file = try ConsultationFile.parse(Self.minimal + "notes:\n  - \"Premier\\u2028    second\"\n")
        #expect(file.changes == [.noteAdded(text: "Premier\u{2028}    second")])
    }

    @Test func aFileOverTheSizeLimitIsRefusedBeforeParsing() {
        let text = Self.minimal + "notes:\n" + String(repeating: "  - \(String(repeating: "x", count: 1_000))\n", count: 1_100)
        let error = #expect(throws: AccordError.self) { try ConsultationFile.parse(text) }
        #expect(error?.description.hasPrefix("the consultation file is 11") == true)
        #expect(error?.description.hasSuffix("bytes, larger than the limit of 1048576 bytes; expected one consultation in YAML.") == true)
    }

    // MARK: - Syntax errors

    @Test(arguments: [
        ("topic: Mme DUPONTEL: suite\n", "line 5: a colon and a space inside a plain value (quote the value)"),
        ("topic: \"Mme DUPONTEL\n", "line 6: the file ends inside a quoted value"),
        ("topic: @DUPONTEL\n", "line 5: a character that cannot begin a YAML value (quote the value; indent with spaces, not tabs)"),
        ("topic: t\ntopic: DUPONTEL\n", "line 4: the key topic is given more than once in the same mapping"),
        ("notes: [DUPONTEL\n", "line 6: a list in brackets [ … ] that is not closed"),
        ("notes: {a: DUPONTEL\n", "line 6: a mapping in braces { … } that is not closed"),
        ("notes:\n\t- DUPONTEL\n", "line 6: a character that cannot begin a YAML value (quote the value; indent with spaces, not tabs)"),
        ("notes: \"DUPONTEL \\q\"\n", "line 5: an unknown escape sequence (\\) in a double-quoted value"),
        (
            "notes: [\"DUPONTEL \\ud83d\\ude00\"]\n",
            "line 5: an escape \\u or \\U in a double-quoted value that is not a character (a surrogate such as \\ud83d: write the character itself, or \\U0001F600)"
        ),
        ("notes: [\"DUPONTEL \\u12\"]\n", "line 5: an escape \\x, \\u or \\U in a double-quoted value without its hexadecimal digits"),
    ])
    func syntaxErrorsNameTheLineAndKindOnly(_ tail: String, _ kind: String) {
        let text = Self.minimal + tail
        let error = #expect(throws: AccordError.self) { try ConsultationFile.parse(text) }
        #expect(
            error?.description
                == "the consultation file is not valid YAML (\(kind)); expected a YAML mapping with format: accord-consultation/1.")
        #expect(error?.description.contains("DUPONTEL") == false)
    }
}
