import AccordCore
import AccordTestSupport
import Foundation
import Testing

/// The identity's status (RNIV) and the birthplace rule of the INS referential.
@Suite struct IdentityStatusTests {
    static let today = CalendarDate("2026-11-30")!

    /// A session whose identity holds the INS `ins` (or none) and the status `status` (or none).
    static func consultation(ins: String? = "158056912345606", status: IdentityStatus? = nil) throws -> Consultation {
        let identity = INSIdentity(
            ins: ins, insOID: ins.map { _ in KnownOID.insNIRTest }, birthFamilyName: "MARCHAND", birthGivenNames: "LUC",
            birthDate: CalendarDate("1958-05-17")!, sex: .male, birthplaceCode: "69123")
        let start = SessionStart(
            patient: identity, identityStatus: status, clinicianID: "801234567897", clinicianName: "Dr C", topic: "t")
        return try Consultation(events: Samples.events([.sessionStarted(start)]))
    }

    @Test func anINSWithoutStatusIsQualifiedAndAnIdentityWithoutINSProvisional() throws {
        #expect(try Self.consultation().start.effectiveIdentityStatus == .qualified)
        #expect(try Self.consultation().start.documentINS == InstanceIdentifier(root: KnownOID.insNIRTest, extension_: "158056912345606"))
        #expect(try Self.consultation(ins: nil).start.effectiveIdentityStatus == .provisional)
        #expect(try Self.consultation(status: .recovered).start.documentINS == nil)
    }

    @Test(arguments: [
        ("provisional", IdentityStatus.provisional), ("RECUP", .recovered), ("Validated", .validated), ("qual", .qualified),
    ])
    func statusesParseByWordOrRNIVCode(text: String, status: IdentityStatus) {
        #expect(IdentityStatus(argument: text) == status)
    }

    @Test func aStatusFromINSiNeedsTheINS() throws {
        for status in [IdentityStatus.recovered, .qualified] {
            let start = try Self.consultation(ins: nil, status: status).start
            let error = try #require(throws: AccordError.self) { try Change.sessionStarted(start).validate(today: Self.today) }
            #expect(error.field == "--identity-status")
            #expect(
                error.message
                    == "is \(status.rawValue), a status the INSi teleservice gives with the INS, but no INS is given; expected --patient-ins with the INS, or provisional or validated for an identity without INS."
            )
        }
        for status in [IdentityStatus.provisional, .validated] {
            try Change.sessionStarted(try Self.consultation(ins: nil, status: status).start).validate(today: Self.today)
        }
    }

    /// (from, to, justification, whether the INS is recorded, whether --ins is given, the
    /// field of the refusal or nil when accepted)
    static let moves: [(IdentityStatus?, IdentityStatus, IdentityJustification?, Bool, Bool, String?)] = [
        (.provisional, .recovered, .insi, false, true, nil),
        (.provisional, .recovered, .document, false, true, "--justification"),
        (.provisional, .recovered, .insi, true, true, "--ins"),
        (.provisional, .validated, .document, false, false, nil),
        (.provisional, .validated, .insi, false, false, "--justification"),
        (.provisional, .validated, .document, false, true, "--ins"),
        (.provisional, .qualified, .insi, false, true, nil),
        (.provisional, .qualified, .document, true, false, nil),
        (.provisional, .qualified, nil, true, false, "--justification"),
        (.provisional, .qualified, .insi, false, false, "--ins"),
        (.recovered, .qualified, .document, true, false, nil),
        (.recovered, .qualified, .insi, true, false, "--justification"),
        (.validated, .qualified, .insi, false, true, nil),
        (.recovered, .validated, .document, true, false, "--set"),
        (.validated, .recovered, .insi, false, true, "--set"),
        (.qualified, .recovered, .insi, true, false, "--set"),
        (.qualified, .provisional, nil, true, false, nil),
        (.qualified, .provisional, .document, true, false, "--justification"),
        (.recovered, .provisional, .insi, true, false, "--justification"),
        (nil, .provisional, nil, true, false, nil),
        (nil, .qualified, .document, true, false, "--set"),
    ]

    @Test(arguments: moves)
    func statusChangesFollowTheTwoChecks(
        from: IdentityStatus?, to: IdentityStatus, justification: IdentityJustification?, recorded: Bool, insGiven: Bool,
        refusedField: String?
    ) throws {
        let consultation = try Self.consultation(ins: recorded ? "158056912345606" : nil, status: from)
        let change = IdentityStatusChange(
            status: to, justification: justification, ins: insGiven ? "158056912345606" : nil,
            insOID: insGiven ? KnownOID.insNIRTest : nil)
        if let refusedField {
            let error = try #require(throws: AccordError.self) { try consultation.checkStatusChange(change) }
            #expect(error.field == refusedField, "\(error)")
            #expect(!error.message.contains("158056912345606"))
        } else {
            try consultation.checkStatusChange(change)
            let after = change.applied(to: consultation.start)
            #expect(after.effectiveIdentityStatus == to)
            #expect((after.documentINS != nil) == (to == .qualified))
        }
    }

    @Test(arguments: [
        "75056", "2A004", "2B033", "20004", "01001", "95127", "97105", "97411", "97502", "97608", "97701", "97801", "98415", "98611",
        "98735", "98818", "98901", "99100", "99134", "99517", "99999",
    ])
    func birthplaceCodesOfTheCOGPass(code: String) throws {
        try FieldRules.birthplace(code, "--birthplace")
        try FieldRules.birthplace(code.lowercased(), "--birthplace")
    }

    @Test(arguments: [
        ("6912", "it has 4 characters, not 5"), ("751056", "it has 6 characters, not 5"),
        ("2C004", "only digits, or 2A/2B then digits, are COG codes"), ("2A00X", "a Corsican code has 3 digits after 2A or 2B"),
        ("2A000", "commune number 000 does not exist"), ("75000", "commune number 000 does not exist"),
        ("00123", "department 00 does not exist"), ("96123", "department 96 does not exist"),
        ("97100", "commune number 00 does not exist"), ("98400", "commune number 00 does not exist"),
        ("97012", "overseas codes begin with 971 to 978"), ("97912", "overseas codes begin with 971 to 978"),
        ("98512", "codes beginning with 98 are 984 and 986 to 989"),
        ("99012", "a country code abroad is 99 then 1xx to 5xx (99999: unknown)"),
        ("99612", "a country code abroad is 99 then 1xx to 5xx (99999: unknown)"),
    ])
    func otherBirthplaceCodesAreRefusedSayingWhy(code: String, problem: String) throws {
        let error = try #require(throws: AccordError.self) { try FieldRules.birthplace(code, "--birthplace") }
        #expect(
            error.description
                == "--birthplace: is not an INSEE COG code (\(problem)); expected the 5-character COG code of the birth place: department and commune (2A/2B for Corsica, 971–978 overseas), or 99 and the country code abroad (99999 unknown)."
        )
    }

    /// The COG check reads five ASCII bytes as bytes and other texts as characters; both give
    /// the answers of the rule read on characters (the check as it was first written, kept here
    /// as the reference): every code of five digits, every Corsican code, and texts with
    /// letters, spaces, CR LF, accents, combining marks and fullwidth digits.
    @Test func theCOGCheckOnBytesGivesTheAnswersOfTheRuleOnCharacters() {
        func reference(_ value: String) -> String? {
            let cog = Array(value.uppercased())
            guard cog.count == 5 else { return "it has \(cog.count) characters, not 5" }
            func digits(_ part: ArraySlice<Character>) -> Int? {
                part.allSatisfy { $0.isASCII && $0.isNumber } ? Int(String(part)) : nil
            }
            let department = String(cog[0..<2])
            if department == "2A" || department == "2B" {
                guard let commune = digits(cog[2...]) else { return "a Corsican code has 3 digits after 2A or 2B" }
                return commune == 0 ? "commune number 000 does not exist" : nil
            }
            guard let number = digits(cog[0...]) else { return "only digits, or 2A/2B then digits, are COG codes" }
            switch number / 1000 {
            case 97:
                guard (1...8).contains(number / 100 % 10) else { return "overseas codes begin with 971 to 978" }
                return number % 100 == 0 ? "commune number 00 does not exist" : nil
            case 98:
                guard [4, 6, 7, 8, 9].contains(number / 100 % 10) else { return "codes beginning with 98 are 984 and 986 to 989" }
                return number % 100 == 0 ? "commune number 00 does not exist" : nil
            case 99:
                return number == 99999 || (1...5).contains(number / 100 % 10)
                    ? nil : "a country code abroad is 99 then 1xx to 5xx (99999: unknown)"
            case 96, 0:
                return "department \(department) does not exist"
            default:
                return number % 1000 == 0 ? "commune number 000 does not exist" : nil
            }
        }
        var codes = (0..<100_000).map { String(repeating: "0", count: 5 - String($0).count) + String($0) }
        codes += (0..<1_000).flatMap { number in
            let commune = String(repeating: "0", count: 3 - String(number).count) + String(number)
            return ["2A" + commune, "2b" + commune]
        }
        codes += [
            "", "7505", "750566", "2C004", "2a00x", "2A 04", " 2A04", "2A04 ", "12\r\n3", "1\r\n234", "75\u{301}056", "7505\u{0663}",
            "7505\u{FF16}", "2\u{FF21}004", "ß1234", "\u{E9}1234", "2A\u{0}04", "9999\u{00B9}", "abcde", "ZZZZZ", "2a2a2",
        ]
        let alphabet = Array("0129AaBbZz -\u{E9}\u{301}\r\n\u{FF11}")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            codes.append(String((0..<Int.random(in: 3...7, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        var answers = Set<String?>()
        for code in codes {
            let expected = reference(code)
            #expect(FieldRules.birthplaceProblem(code) == expected, "\(code.unicodeScalars.map(\.value))")
            answers.insert(expected)
        }
        let everyAnswer: Set<String?> = [
            nil, "it has 0 characters, not 5", "it has 4 characters, not 5", "it has 6 characters, not 5",
            "only digits, or 2A/2B then digits, are COG codes", "a Corsican code has 3 digits after 2A or 2B",
            "commune number 000 does not exist", "commune number 00 does not exist", "department 00 does not exist",
            "department 96 does not exist", "overseas codes begin with 971 to 978", "codes beginning with 98 are 984 and 986 to 989",
            "a country code abroad is 99 then 1xx to 5xx (99999: unknown)",
        ]
        #expect(everyAnswer.isSubset(of: answers), "\(everyAnswer.subtracting(answers))")
    }

    @Test func anINSNIAIsShapedLikeANIR() throws {
        try FieldRules.insNumber("800012A00100199", "--ins", oid: KnownOID.insNIA)
        for value in ["abc", "x-1", "80001200100199", "8000120010019X"] {
            let error = try #require(throws: AccordError.self) { try FieldRules.insNumber(value, "--ins", oid: KnownOID.insNIA) }
            #expect(error.field == "--ins" && error.message.hasPrefix("the INS-NIA must "), "\(error)")
            #expect(!error.message.contains(value))
        }
    }

    @Test func aFileErrorNamesTheFileKeysNotTheOptions() {
        let error = AccordError.invalid(
            "--identity-status", "is qualified, but no INS is given", accepted: "--patient-ins with the INS, or no --ins-oid")
        #expect(
            ConsultationFile.renamingOptions(error).description
                == "patient.identity_status: is qualified, but no INS is given; expected patient.ins with the INS, or no patient.ins_oid.")
    }

    @Test func aConsultationFileGivesTheStatusAndMayOmitTheINS() throws {
        let file = try ConsultationFile.parse(
            ConsultationFileTests.minimal.replacingOccurrences(
                of: "ins_oid: 1.2.250.1.213.1.4.10,", with: "ins_oid: 1.2.250.1.213.1.4.10, identity_status: RECUP,"))
        #expect(file.start.identityStatus == .recovered)
        let withoutINS = try ConsultationFile.parse(
            ConsultationFileTests.minimal.replacingOccurrences(
                of: "ins: \"158056912345606\", ins_oid: 1.2.250.1.213.1.4.10,", with: "identity_status: validated,"))
        #expect(withoutINS.start.patient.ins == nil && withoutINS.start.patient.insOID == nil)
        #expect(withoutINS.start.effectiveIdentityStatus == .validated)
        let error = try #require(throws: AccordError.self) {
            try ConsultationFile.parse(
                ConsultationFileTests.minimal.replacingOccurrences(
                    of: "ins_oid: 1.2.250.1.213.1.4.10,", with: "ins_oid: 1.2.250.1.213.1.4.10, identity_status: sure,"))
        }
        #expect(
            error.description
                == "patient.identity_status: is not an identity status; expected provisional, recovered, validated or qualified (or PROV, RECUP, VALI, QUAL)."
        )
    }
}
