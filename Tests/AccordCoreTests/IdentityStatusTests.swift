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
