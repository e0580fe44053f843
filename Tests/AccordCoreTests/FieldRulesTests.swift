import Foundation
import Testing

@testable import AccordCore

/// One table per kind of typed value: what passes, each way of failing, and the exact
/// sentence (which never holds the value).
@Suite struct FieldRulesTests {
    /// The sentence a rule throws for `value`, or `nil` when it passes.
    static func message(_ check: () throws -> Void) -> String? {
        do {
            try check()
            return nil
        } catch let error as AccordError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Free text

    static let oneLine = "text on one line of at most 2000 characters, without control characters"
    static let lines = "text (line feeds and tabs allowed) of at most 2000 characters, without control characters"

    static let freeText: [(String, FieldRules.TextLimits, String?)] = [
        ("Prostatectomie totale", .line(), nil),
        ("Anne-Marie d’Estaing, « très » inquiète 😟", .line(), nil),
        ("Famille 👨‍👩‍👧‍👦 présente", .line(), nil),
        ("Première ligne\nSeconde\tligne", .lines(), nil),
        ("", .line(), "--label: is empty; expected \(oneLine)."),
        ("  \n ", .lines(), "--label: is empty; expected \(lines)."),
        ("\u{1}\u{1F}", .line(), "--label: is made only of control or invisible characters; expected \(oneLine)."),
        ("\u{200B}\u{FEFF}\u{2060}", .line(), "--label: is made only of control or invisible characters; expected \(oneLine)."),
        (" \u{200D}\u{00AD} ", .line(), "--label: is made only of control or invisible characters; expected \(oneLine)."),
        ("Ligne\nsuivante", .line(), "--label: holds a line break or tab, which this field cannot hold; expected \(oneLine)."),
        ("Col\tonne", .line(), "--label: holds a line break or tab, which this field cannot hold; expected \(oneLine)."),
        ("Ligne\u{2028}suivante", .line(), "--label: holds a line break or tab, which this field cannot hold; expected \(oneLine)."),
        ("AB\u{0}CD", .lines(), "--label: holds a control character; expected \(lines)."),
        ("AB\u{1B}[31mCD", .lines(), "--label: holds a control character; expected \(lines)."),
        ("AB\u{7F}", .line(), "--label: holds a control character; expected \(oneLine)."),
        ("AB\u{85}CD", .lines(), "--label: holds a control character; expected \(lines)."),
        ("Fin\r\n", .lines(), "--label: holds a control character; expected \(lines)."),
        ("abc\u{202E}fed", .line(), "--label: holds a bidirectional override or isolate character; expected \(oneLine)."),
        ("abc\u{2067}x\u{2069}", .line(), "--label: holds a bidirectional override or isolate character; expected \(oneLine)."),
        (
            "caf\u{FFFD} ok", .line(),
            "--label: holds bytes that are not UTF-8 text (or the replacement character U+FFFD); expected \(oneLine)."
        ),
        ("a\u{FFFE}", .line(), "--label: holds a Unicode noncharacter; expected \(oneLine)."),
        (String(repeating: "é", count: 2_001), .line(), "--label: is longer than 2000 characters; expected \(oneLine)."),
        (
            "Z" + String(repeating: "\u{301}", count: 5_000), .line(),
            "--label: is longer than 8000 bytes in UTF-8; expected \(oneLine)."
        ),
        (
            "Z" + String(repeating: "\u{301}", count: 40), .line(),
            "--label: holds a character with more than 30 combining marks; expected \(oneLine)."
        ),
    ]

    @Test(arguments: freeText.indices)
    func freeTextRule(_ index: Int) {
        let (value, limits, expected) = Self.freeText[index]
        #expect(Self.message { try FieldRules.text(value, "--label", limits) } == expected, "case \(index)")
    }

    @Test(
        arguments: [
            ("MARCHAND-D'ESTE", nil),
            ("D’ALEMBERT NOEL", nil),
            (
                "MARCHAND\u{0}",
                "--family-name: holds a control character; expected text on one line of at most 100 characters, without control characters."
            ),
            (
                "\u{200B}",
                "--family-name: is made only of control or invisible characters; expected text on one line of at most 100 characters, without control characters."
            ),
            (
                "MARCHAND2",
                "--family-name: holds characters a civil-status name cannot hold; expected letters, spaces, apostrophes and hyphens."
            ),
        ] as [(String, String?)])
    func insNameRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.name(value, "--family-name") } == expected)
    }

    // MARK: - Identifiers

    static let idNatPSAccepted =
        "8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id"

    @Test(
        arguments: [
            ("801234567897", nil),
            ("810123456781", nil),
            ("0751234567", nil),
            ("02A1234567", nil),
            ("3750712184/12345", nil),
            ("3750712184ABC", nil),
            ("801234567898", "--id: the IdNat_PS has an RPPS number whose Luhn check digit is wrong; expected \(idNatPSAccepted)."),
            ("8012345678", "--id: the IdNat_PS must be 8 followed by the 11-digit RPPS number; expected \(idNatPSAccepted)."),
            ("01234567897", "--id: the IdNat_PS must be 0 followed by the 9-character ADELI number; expected \(idNatPSAccepted)."),
            (
                "3750712184",
                "--id: the IdNat_PS must be 3 followed by the 9-character FINESS number, '/' and the local id (1 to 20 letters or digits); expected \(idNatPSAccepted)."
            ),
            ("12345", "--id: the IdNat_PS must start with 8 (RPPS), 0 (ADELI) or 3 (FINESS and local id); expected \(idNatPSAccepted)."),
            ("1234", "--id: the IdNat_PS must start with 8 (RPPS), 0 (ADELI) or 3 (FINESS and local id); expected \(idNatPSAccepted)."),
            (
                "MULLER",
                "--id: the IdNat_PS must start with its prefix digit (8 + RPPS, 0 + ADELI, 3 + FINESS); expected \(idNatPSAccepted)."
            ),
            ("", "--id: the IdNat_PS must start with its prefix digit (8 + RPPS, 0 + ADELI, 3 + FINESS); expected \(idNatPSAccepted)."),
        ] as [(String, String?)])
    func idNatPSRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.idNatPS(value, "--id") } == expected)
    }

    @Test func documentsMayCarryOtherIdNatPSPrefixes() {
        #expect(IdentifierCheck.idNatPS("124789224458877", otherPrefixes: true) == nil)
        #expect(IdentifierCheck.idNatPS("401234567890009", otherPrefixes: true) == nil)
        #expect(IdentifierCheck.idNatPS("124789224458877") != nil, "typed identifiers take 8, 0 or 3 only")
    }

    static let insOIDAccepted =
        "1.2.250.1.213.1.4.8 (INS-NIR), 1.2.250.1.213.1.4.9 (INS-NIA), 1.2.250.1.213.1.4.10 (test) or 1.2.250.1.213.1.4.11 (demonstration)"

    @Test(
        arguments: [
            ("1.2.250.1.213.1.4.8", nil), ("1.2.250.1.213.1.4.9", nil), ("1.2.250.1.213.1.4.10", nil), ("1.2.250.1.213.1.4.11", nil),
            ("1.2.3.4", "--ins-oid: is not an INS OID; expected \(insOIDAccepted)."),
            ("1.2.250.1.213.1.4.12", "--ins-oid: is not an INS OID; expected \(insOIDAccepted)."),
            ("1.2.250.1.213.1.4.10 ", "--ins-oid: is not an INS OID; expected \(insOIDAccepted)."),
            ("", "--ins-oid: is not an INS OID; expected \(insOIDAccepted)."),
        ] as [(String, String?)])
    func insOIDRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.insOID(value, "--ins-oid") } == expected)
    }

    @Test(
        arguments: [
            ("750712184", nil, nil),
            ("2A0000013", nil, nil),
            ("750712185", nil, "the FINESS number's check key (Luhn) is wrong; kept — check the number"),
            ("75071218", "--organisation-finess: the FINESS number must be 9 characters; expected 9 characters such as 750712184.", nil),
            (
                "75A712184",
                "--organisation-finess: the FINESS number must hold digits only (2A or 2B allowed as the department); expected 9 characters such as 750712184.",
                nil
            ),
        ] as [(String, String?, String?)])
    func finessRule(_ value: String, _ expected: String?, _ warning: String?) {
        #expect(Self.message { try FieldRules.finess(value, "--organisation-finess") } == expected)
        #expect(IdentifierCheck.finessKeyWarning(value) == warning)
    }

    static let ippAccepted = "1 to 64 printable characters, without line breaks or control characters"

    @Test(
        arguments: [
            ("IPP123", nil),
            ("0012-45/B", nil),
            ("IPP\n123", "--ipp: holds a line break or tab, which this field cannot hold; expected \(ippAccepted)."),
            ("IPP\u{1}", "--ipp: holds a control character; expected \(ippAccepted)."),
            ("IPP\u{200B}123", "--ipp: holds a character that is not printable; expected \(ippAccepted)."),
            (" IPP", "--ipp: starts or ends with a space; expected \(ippAccepted)."),
            ("", "--ipp: is empty; expected \(ippAccepted)."),
            (String(repeating: "9", count: 65), "--ipp: is longer than 64 characters; expected \(ippAccepted)."),
        ] as [(String, String?)])
    func localIdentifierRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.localIdentifier(value, "--ipp") } == expected)
    }

    @Test(
        arguments: [
            ("1.2.250.1.999.1.2", nil),
            ("1.2.250.01", "--ipp-root: the IPP root is not an OID; expected an OID such as 1.2.250.1.999.1."),
            ("IPP", "--ipp-root: the IPP root is not an OID; expected an OID such as 1.2.250.1.999.1."),
            ("", "--ipp-root: the IPP root is not an OID; expected an OID such as 1.2.250.1.999.1."),
        ] as [(String, String?)])
    func oidRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.oid(value, "--ipp-root", what: "the IPP root") } == expected)
    }

    // MARK: - Codes and code systems

    static let codeAccepted = "a code of 1 to 64 printable characters without spaces, such as C50.4"

    @Test(
        arguments: [
            ("C50.4", nil),
            ("8140/3", nil),
            ("C50\t4", "--condition-code: holds a line break or tab, which this field cannot hold; expected \(codeAccepted)."),
            ("C50 4", "--condition-code: holds white space or a character that is not printable; expected \(codeAccepted)."),
            (" C50.4", "--condition-code: holds white space or a character that is not printable; expected \(codeAccepted)."),
            ("C50\u{A0}4", "--condition-code: holds white space or a character that is not printable; expected \(codeAccepted)."),
            ("C50\u{200B}", "--condition-code: holds white space or a character that is not printable; expected \(codeAccepted)."),
            ("", "--condition-code: is empty; expected \(codeAccepted)."),
            (String(repeating: "C", count: 65), "--condition-code: is longer than 64 characters; expected \(codeAccepted)."),
        ] as [(String, String?)])
    func codeRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.code(value, "--condition-code") } == expected)
    }

    static let systemAccepted =
        "an OID such as 2.16.840.1.113883.6.3, or one of CIM-10, ICD-10, ICD-O-3, LOINC, SNOMED-CT or their URIs (http://hl7.org/fhir/sid/icd-10, http://loinc.org, http://snomed.info/sct)"

    @Test(
        arguments: [
            ("2.16.840.1.113883.6.3", "2.16.840.1.113883.6.3"),
            ("urn:oid:2.16.840.1.113883.6.3", "2.16.840.1.113883.6.3"),
            ("CIM-10", "2.16.840.1.113883.6.3"),
            ("icd-10", "2.16.840.1.113883.6.3"),
            ("http://hl7.org/fhir/sid/icd-10", "2.16.840.1.113883.6.3"),
            ("LOINC", "2.16.840.1.113883.6.1"),
            ("http://loinc.org", "2.16.840.1.113883.6.1"),
            ("SNOMED-CT", "2.16.840.1.113883.6.96"),
            ("http://snomed.info/sct", "2.16.840.1.113883.6.96"),
            ("1.2.250.1.999.7", "1.2.250.1.999.7"),
            ("", "condition.code_system: is empty; expected \(systemAccepted)."),
            ("ICD 10", "condition.code_system: is neither an OID nor a code system Accord knows by name; expected \(systemAccepted)."),
            ("CIM10", "condition.code_system: is neither an OID nor a code system Accord knows by name; expected \(systemAccepted)."),
            (
                "urn:oid:CIM-10",
                "condition.code_system: is neither an OID nor a code system Accord knows by name; expected \(systemAccepted)."
            ),
            (
                "http://example.org/cs",
                "condition.code_system: is neither an OID nor a code system Accord knows by name; expected \(systemAccepted)."
            ),
        ] as [(String, String)])
    func codeSystemRule(_ value: String, _ expected: String) {
        let result: String
        do { result = try FieldRules.codeSystemOID(value, "condition.code_system") } catch { result = "\(error)" }
        #expect(result == expected)
    }

    @Test(arguments: [
        ("2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"), ("2.16.840.1.113883.6.1", "http://loinc.org"),
        ("2.16.840.1.113883.6.96", "http://snomed.info/sct"), ("1.2.250.1.999.7", "urn:oid:1.2.250.1.999.7"),
    ])
    func fhirSystemOfAStoredOID(_ oid: String, _ system: String) {
        #expect(FieldRules.fhirSystem(forOID: oid) == system)
    }

    // MARK: - Dates

    static let today = CalendarDate("2026-03-02")!

    @Test(
        arguments: [
            ("1958-05-17", nil), ("1900-01-01", nil), ("2026-03-02", nil),
            ("2026-03-03", "--birth-date: is in the future; expected the birth date as YYYY-MM-DD, from 1900-01-01 and not after today."),
            ("1899-12-31", "--birth-date: is before 1900; expected the birth date as YYYY-MM-DD, from 1900-01-01 and not after today."),
        ] as [(String, String?)])
    func birthDateRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.birthDate(CalendarDate(value)!, "--birth-date", today: Self.today) } == expected)
    }

    @Test(
        arguments: [
            ("2026-03-02", nil), ("2026-04-01", nil),
            ("2026-03-01", "--until: is in the past; expected today or a later date as YYYY-MM-DD."),
            ("1999-01-01", "--until: is in the past; expected today or a later date as YYYY-MM-DD."),
        ] as [(String, String?)])
    func dateNotInThePastRule(_ value: String, _ expected: String?) {
        #expect(Self.message { try FieldRules.notPast(CalendarDate(value)!, "--until", today: Self.today) } == expected)
    }

    // MARK: - Through the common validation

    /// Every change goes through `Change.validate`, which applies these rules by field.
    @Test(
        arguments: [
            (Change.participantAdded(role: .professional, name: "Dr Benali", id: "12345", function: nil), "--id"),
            (Change.participantAdded(role: .relative, name: "Anne", id: "A\n1", function: nil), "--id"),
            (Change.optionAdded(kind: .treatment, label: "\u{1}\u{1F}", benefits: [], harms: [], trialID: nil, origin: nil), "--label"),
            (Change.optionAdded(kind: .treatment, label: "X", benefits: ["a\u{0}"], harms: [], trialID: nil, origin: nil), "--benefit"),
            (Change.preferenceAdded(text: "\u{202E}x", importance: nil), "--text"),
            (Change.noteAdded(text: "AB\u{0}CD\u{1B}EF"), "--text"),
            (Change.reflectionOffered(until: CalendarDate("1999-01-01")!), "--until"),
            (Change.decisionRecorded(outcome: .deferred(nextContact: CalendarDate("2026-03-01")!), takenBy: []), "--next-contact"),
            (Change.decisionAidGiven(name: "\u{200B}", version: nil), "--name"),
        ] as [(Change, String)])
    func changesAreCheckedByFieldRule(_ change: Change, _ field: String) {
        #expect(throws: AccordError.self) { try change.validate(today: Self.today) }
        do { try change.validate(today: Self.today) } catch let error as AccordError { #expect(error.field == field) } catch {}
    }

    @Test func multiLineFieldsTakeLineFeeds() throws {
        try Change.noteAdded(text: "Ligne 1\nLigne 2\tfin").validate(today: Self.today)
        try Change.preferenceAdded(text: "a\nb", importance: 2).validate(today: Self.today)
        try Change.optionAdded(kind: .treatment, label: "X", benefits: ["a\nb"], harms: ["c\td"], trialID: nil, origin: nil)
            .validate(today: Self.today)
        #expect(throws: AccordError.self) {
            try Change.optionAdded(kind: .treatment, label: "X\nY", benefits: [], harms: [], trialID: nil, origin: nil)
                .validate(today: Self.today)
        }
    }

    /// The free-text check's fast paths say what the Unicode properties say, for every scalar
    /// and at every length limit.
    @Test func fastPathsAgreeWithUnicodeProperties() {
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), value > 0x9F, !(0x2028...0x202E).contains(value),
                !(0x2066...0x2069).contains(value), value != 0xFFFD
            else { continue }
            let text = "a" + String(scalar)
            let refused = FieldRules.textProblem(text, .init(characters: 10, bytes: 40, multiline: false)) == "holds a Unicode noncharacter"
            #expect(refused == scalar.properties.isNoncharacterCodePoint, "U+\(String(value, radix: 16, uppercase: true))")
        }
        let limits = FieldRules.TextLimits(characters: 3, bytes: 40, multiline: true)
        #expect(FieldRules.textProblem("e\u{301}e\u{301}e\u{301}", limits) == nil, "6 bytes of UTF-8, 3 characters")
        #expect(FieldRules.textProblem("abcd", limits) == "is longer than 3 characters")
        let marks = "e" + String(repeating: "\u{301}", count: FieldRules.scalarsPerCharacter)
        #expect(
            FieldRules.textProblem(marks, .init(characters: 10, bytes: 400, multiline: false))
                == "holds a character with more than \(FieldRules.scalarsPerCharacter - 1) combining marks")
    }

    /// The check walks the scalars once and reads ASCII without the Unicode properties; it
    /// says what the rule said in three walks with the properties (kept here as the reference):
    /// every text of up to two ASCII characters, and 20,000 random texts rich in controls,
    /// white space, format and invisible characters, letters, marks and CR LF, at every kind of
    /// limit.
    @Test func oneWalkGivesTheAnswersOfTheThreeWalks() {
        func reference(_ value: String, _ limits: FieldRules.TextLimits) -> String? {
            if value.isEmpty || value.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { return "is empty" }
            if value.unicodeScalars.allSatisfy(FieldRules.isIgnorable) { return "is made only of control or invisible characters" }
            for scalar in value.unicodeScalars {
                if let problem = FieldRules.scalarProblem(scalar, multiline: limits.multiline) { return problem }
            }
            if value.count > limits.characters { return "is longer than \(limits.characters) characters" }
            if value.utf8.count > limits.bytes { return "is longer than \(limits.bytes) bytes in UTF-8" }
            if value.contains(where: { $0.unicodeScalars.count > FieldRules.scalarsPerCharacter }) {
                return "holds a character with more than \(FieldRules.scalarsPerCharacter - 1) combining marks"
            }
            return nil
        }
        let limits: [FieldRules.TextLimits] = [
            .init(characters: 3, bytes: 40, multiline: false), .init(characters: 3, bytes: 40, multiline: true),
            .init(characters: 40, bytes: 5, multiline: true), .init(characters: 200, bytes: 800, multiline: false),
        ]
        let bytes = (0...127).map(UInt8.init)
        var texts = [""] + bytes.map { String(decoding: [$0], as: UTF8.self) }
        texts += bytes.flatMap { first in bytes.map { String(decoding: [first, $0], as: UTF8.self) } }
        let alphabet =
            Array(
                "\u{0}\t\n\u{B}\r\u{1F} \u{7F}aZ9'-\"\\\u{85}\u{A0}\u{AD}\u{2003}\u{200B}\u{2028}\u{202E}\u{2066}\u{FEFF}\u{2800}\u{FFFD}é\u{301}😀"
                    .unicodeScalars) + [Unicode.Scalar(0xFDD0)!]  // a noncharacter, which a literal cannot hold
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...8, using: &generator) { text.append(alphabet.randomElement(using: &generator)!) }
            texts.append(String(text))
        }
        // Characters of many scalars, either side of the limit: combining marks on an ASCII
        // letter or a letter outside ASCII, Hangul jamo, emoji joined by ZWJ, CR LF around them.
        for count in [FieldRules.scalarsPerCharacter - 2, FieldRules.scalarsPerCharacter - 1, FieldRules.scalarsPerCharacter] {
            texts += [
                "e" + String(repeating: "\u{301}", count: count), "\u{E9}" + String(repeating: "\u{301}", count: count),
                "\r\na" + String(repeating: "\u{308}", count: count) + "\r\n", String(repeating: "\u{1100}", count: count + 1),
                Array(repeating: "\u{1F468}", count: count / 2 + 1).joined(separator: "\u{200D}"),
            ]
        }
        var answers = Set<String>()
        for text in texts {
            for limit in limits {
                let expected = reference(text, limit)
                #expect(FieldRules.textProblem(text, limit) == expected, "\(text.unicodeScalars.map(\.value)) \(limit)")
                if let expected { answers.insert(expected) }
            }
        }
        // Every answer of the rule came up.
        #expect(answers.count == 11, "\(answers.sorted())")
    }
}
