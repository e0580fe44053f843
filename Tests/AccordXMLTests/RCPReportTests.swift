import AccordCore
import Foundation
import Testing

@testable import AccordXML

/// The RCP reports the tests read: the two official ANS FRCP examples and Accord's fixture,
/// from `../shared` beside the package.
enum RCPReportFixtures {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    static let appareil = shared.appendingPathComponent("ans/ExemplesCDA/CANCER-FRCP_2022.01_Appareil.xml")
    static let transversale = shared.appendingPathComponent("ans/ExemplesCDA/CANCER-FRCP_2022.01_Transversale.xml")
    static let corsica = shared.appendingPathComponent("fixtures/FRCP-corse-essai.xml")
    static let pps = shared.appendingPathComponent("ans/ExemplesCDA/CANCER-PPS_2022.01_feuille-de-style-externe.xml")
    static let unstructured = shared.appendingPathComponent("ans/ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml")

    /// The labels every one of the three reports proposes, checked by eye against their "Plan
    /// de soins" narrative: intention 1, intention 2 (two treatments in sequence), surveillance.
    static let expectedOptions: [(OptionKind, String, Int?)] = [
        (.treatment, "Radiothérapie", 1),
        (.treatment, "Autre traitement XYZ, puis chimiothérapie conventionnelle", 2),
        (.activeSurveillance, "Surveillance seule", nil),
    ]

    /// A warning about an RPPS with a wrong Luhn key at `element` (a path below `ClinicalDocument`).
    static func rppsWarning(_ element: String, section: String, times: Int = 1) -> String {
        "the IdNat_PS at ClinicalDocument/component/structuredBody/component/section/entry/observation/\(element)/id (section \(section)) "
            + "has an RPPS number whose Luhn check digit is wrong\(times > 1 ? " (\(times) times)" : ""); kept as read."
    }

    /// The flags every one of the three reports carries (each is "en cours d'exécution" and asks
    /// for a second-opinion RCP: checked by eye in sections 33557-0 and 18776-5).
    static let flagWarnings = [RCPReportFlag.draft.warning, RCPReportFlag.secondOpinionRequested.warning]

    /// The Appareil example's healthCareFacility (FINESS 120456789) is not its author's
    /// organisation (750100125), and its FINESS fails the Luhn key.
    static let appareilOrganisationWarnings = [
        "componentOf/encompassingEncounter/location/healthCareFacility/id (IdNat_Struct, prefix 1 + FINESS): the FINESS number's check key (Luhn) is wrong; kept — check the number.",
        "author/assignedAuthor/representedOrganization/id names another organisation than componentOf/encompassingEncounter/location/healthCareFacility/id; the latter, whose facility code the report gives, was taken as the session's organisation (give --organisation-finess to name the centre or one of its sites instead).",
    ]

    static let intentionWarning =
        "section 18776-5 (Plan de soins): for 1 treatment(s), procedure/priorityCode/originalText differs from the intention number of the narrative table (column Numéro d'intention); the narrative, which the board attested, was followed."
}

@Suite struct RCPReportTests {
    typealias F = RCPReportFixtures

    func read(_ url: URL) throws -> RCPReport {
        try RCPReport.read(Data(contentsOf: url))
    }

    // MARK: - The three reports

    @Test func appareilExample() throws {
        let report = try read(F.appareil)
        #expect(report.patient.ins == "279035121518989")
        #expect(report.patient.insOID == "1.2.250.1.213.1.4.10")
        #expect(report.patient.birthFamilyName == "PAT-TROIS")
        #expect(report.patient.birthGivenNames == "DOMINIQUE MARIE-LOUISE")
        #expect(report.patient.firstBirthGivenName == "DOMINIQUE")
        #expect(report.patient.usedFamilyName == nil, "the used names equal the birth names")
        #expect(report.patient.usedGivenName == nil)
        #expect(report.patient.sex == .female)
        #expect(report.patient.birthDate == CalendarDate("1979-03-28"))
        #expect(report.patient.birthplaceCode == "51215")
        #expect(report.ipp == InstanceIdentifier(root: "1.2.3.4.567.8.9.10", extension_: "1234567890121"))
        // The organisation whose facility code the report gives: the healthCareFacility's.
        #expect(report.organisationFINESS == "120456789")
        #expect(report.organisationSource == .facility)
        #expect(report.organisationName == "Centre Hospitalier d'Angers")
        #expect(report.facility == FrenchValueSets.facility(code: "SA01"))
        #expect(report.documentID == InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.1.1"))
        #expect(report.setID == InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.1"))
        #expect(report.meetingDate == CalendarDate("2019-02-18"))
        #expect(report.trialProposed == false)
        #expect(
            report.condition
                == Condition(
                    text: "Tumeur maligne du quadrant supéro-interne du sein (droit) — Tumeur maligne, SAI", code: "C50.2",
                    codeSystem: "2.16.840.1.113883.6.3", origin: "rcp",
                    morphology: CodedValue(code: "8000/3", displayName: "Tumeur maligne, SAI", codeSystem: "2.16.840.1.113883.6.43.1")))
        expectOptions(report)
        #expect(
            report.warnings
                == F.appareilOrganisationWarnings + [
                    F.intentionWarning,
                    F.rppsWarning("performer/assignedEntity", section: "10218-6"),
                    F.rppsWarning("author/assignedAuthor", section: "10218-6"),
                    F.rppsWarning("performer/assignedEntity", section: "50397-9"),
                ] + F.flagWarnings)
    }

    @Test func transversaleExample() throws {
        let report = try read(F.transversale)
        #expect(
            report.patient
                == INSIdentity(
                    ins: "279035121518989", insOID: "1.2.250.1.213.1.4.10", birthFamilyName: "PAT-TROIS",
                    birthGivenNames: "DOMINIQUE MARIE-LOUISE", firstBirthGivenName: "DOMINIQUE", birthDate: CalendarDate("1979-03-28")!,
                    sex: .female, birthplaceCode: "51215"))
        #expect(report.organisationFINESS == "490000049")
        #expect(report.documentID == InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2.1"))
        #expect(report.setID == InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2"))
        #expect(report.meetingDate == CalendarDate("2019-02-18"))
        #expect(report.trialProposed == false)
        expectOptions(report)
        #expect(
            report.warnings
                == [
                    F.intentionWarning,
                    F.rppsWarning("performer/assignedEntity", section: "10218-6"),
                    F.rppsWarning("author/assignedAuthor", section: "10218-6"),
                ] + F.flagWarnings)
    }

    @Test func corsicanFixtureWithATrial() throws {
        let report = try read(F.corsica)
        // Checked by eye in the fixture: apostrophe and hyphen in the birth name, three given
        // names, used names that differ, born in Corse-du-Sud (2A).
        #expect(report.patient.ins == "262012A00412302")
        #expect(report.patient.insOID == KnownOID.insNIRTest)
        #expect(report.patient.birthFamilyName == "D'ALEMBERT-NOEL")
        #expect(report.patient.birthGivenNames == "HELENE FRANCOISE-AGATHE MARIE")
        #expect(report.patient.firstBirthGivenName == "HELENE")
        #expect(report.patient.usedFamilyName == "D'ALEMBERT")
        #expect(report.patient.usedGivenName == "LENA")
        #expect(report.patient.sex == .female)
        #expect(report.patient.birthDate == CalendarDate("1962-01-15"))
        #expect(report.patient.birthplaceCode == "2A004")
        #expect(IdentifierCheck.insNIR(try #require(report.patient.ins)) == nil, "the 2A INS key passes")
        #expect(report.trialProposed == true)
        #expect(report.documentID == InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2.1"))
        expectOptions(report)
        #expect(!report.warnings.contains { $0.contains("INS") }, "no INS warning")
    }

    /// The traits equal what the report's own XML says, read with plain XPath.
    @Test(arguments: [F.appareil, F.transversale, F.corsica])
    func traitsEqualTheXML(_ url: URL) throws {
        let report = try read(url)
        let xml = try XMLDocumentReader(data: Data(contentsOf: url))
        let patient = "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:patient"
        func value(_ xpath: String) throws -> String? { try xml.string(xpath: xpath)?.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try value("\(patient)/hl7:name/hl7:family[@qualifier='BR']") == report.patient.birthFamilyName)
        #expect(try value("\(patient)/hl7:name/hl7:given[not(@qualifier)]") == report.patient.birthGivenNames)
        #expect(try value("\(patient)/hl7:name/hl7:given[@qualifier='BR']") == report.patient.firstBirthGivenName)
        #expect(try value("\(patient)/hl7:administrativeGenderCode/@code") == report.patient.sex.rawValue)
        #expect(try value("\(patient)/hl7:birthTime/@value") == report.patient.birthDate.hl7)
        #expect(try value("\(patient)/hl7:birthplace/hl7:place/hl7:addr/hl7:county") == report.patient.birthplaceCode)
        #expect(try value("/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id[1]/@extension") == report.patient.ins)
        #expect(try value("/hl7:ClinicalDocument/hl7:id/@root") == report.documentID.root)
    }

    func expectOptions(_ report: RCPReport, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.options.map(\.kind) == F.expectedOptions.map(\.0), sourceLocation: sourceLocation)
        #expect(report.options.map(\.label) == F.expectedOptions.map(\.1), sourceLocation: sourceLocation)
        #expect(report.options.map(\.intention) == F.expectedOptions.map(\.2), sourceLocation: sourceLocation)
        #expect(report.options[1].treatments == ["Autre traitement XYZ", "Chimiothérapie conventionnelle"], sourceLocation: sourceLocation)
        #expect(report.surveillanceProposed, sourceLocation: sourceLocation)
    }

    // MARK: - The session

    @Test func sessionStartCarriesTheReport() throws {
        let report = try read(F.corsica)
        let (start, changes) = report.sessionStart(clinicianID: "810123456781", clinicianName: "Dr Hélène Roussel", topic: nil)
        #expect(start.patient == report.patient)
        #expect(start.ipp == report.ipp)
        #expect(start.organisationFINESS == "490000049")
        #expect(start.topic == "Décision de traitement après la RCP")  // no date in free text: the date is its own field
        #expect(start.rcp?.meetingDate == CalendarDate("2019-02-18"))
        #expect(start.condition?.origin == "rcp")
        #expect(start.condition?.code == "C50.2")
        #expect(
            start.rcp
                == RCPReference(
                    documentID: InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2.1"),
                    setID: InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2"), meetingDate: CalendarDate("2019-02-18"),
                    trialProposed: true, flags: [.draft, .secondOpinionRequested]))
        #expect(
            changes
                == F.expectedOptions.map {
                    Change.optionAdded(kind: $0.0, label: $0.1, benefits: [], harms: [], trialID: nil, origin: "rcp")
                } + [.participantAdded(role: .trustedPerson, name: "Sophie NESSI", id: nil, function: "Soeur")])
        #expect(start.organisationName == "Centre Hospitalier d'Angers")
        #expect(start.facility == FrenchValueSets.facility(code: "SA01"))
        #expect(
            !changes.contains { if case .optionAdded(.clinicalTrial, _, _, _, _, _) = $0 { true } else { false } },
            "a proposed trial stays a flag: no option without a registry id")
        try Change.sessionStarted(start).validate(today: CalendarDate("2026-03-02")!)
        for change in changes { try change.validate(today: CalendarDate("2026-03-02")!) }
        let topic = report.sessionStart(clinicianID: "810123456781", clinicianName: "Dr R", topic: "Choisir le traitement").start.topic
        #expect(topic == "Choisir le traitement")
    }

    @Test func jsonIsStableWithSnakeCaseKeys() throws {
        let report = try read(F.corsica)
        let data = try AccordJSON.encoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "condition", "document_id", "flags", "ipp", "meeting_date", "options", "organisation", "patient", "set_id",
                "surveillance", "title", "trial_proposed", "trusted_person", "warnings",
            ])
        let patient = try #require(object["patient"] as? [String: Any])
        #expect(patient["birth_family_name"] as? String == "D'ALEMBERT-NOEL")
        #expect(patient["ins_oid"] as? String == "1.2.250.1.213.1.4.10")
        #expect(object["trial_proposed"] as? Bool == true)
        #expect(try AccordJSON.encoder().encode(read(F.corsica)) == data, "same report, same bytes")
    }

    @Test func sequenceLabels() {
        #expect(RCPReportReading.sequenceLabel(["Chirurgie", "Chimiothérapie adjuvante"]) == "Chirurgie, puis chimiothérapie adjuvante")
        #expect(RCPReportReading.sequenceLabel(["Chirurgie", "RCC", "Hormonothérapie"]) == "Chirurgie, puis RCC, puis hormonothérapie")
        #expect(RCPReportReading.sequenceLabel(["Radiothérapie"]) == "Radiothérapie")
    }

    // MARK: - Refusals

    func refusal(_ data: Data) -> AccordError? {
        do {
            _ = try RCPReport.read(data)
            return nil
        } catch {
            return error as? AccordError
        }
    }

    @Test func notXMLIsRefused() throws {
        let error = try #require(refusal(Data("Ceci n'est pas un document XML.\n".utf8)))
        #expect(error.code == .invalidInput)
        #expect(error.message.hasPrefix("the file is not an RCP report: the XML document is not well-formed"))
        #expect(error.message.hasSuffix("expected \(RCPReport.accepted)."))
        #expect(!error.message.contains("Ceci"))
    }

    @Test func xmlThatIsNotCDAIsRefused() throws {
        let error = try #require(refusal(Data("<ClinicalDocument xmlns=\"urn:other\"><secret>PAT-TROIS</secret></ClinicalDocument>".utf8)))
        #expect(error.message.hasPrefix("the file is XML but not a CDA document"))
        #expect(!error.message.contains("PAT-TROIS"))
    }

    @Test(arguments: [F.pps, F.unstructured])
    func cdaThatIsNotAnRCPReportIsRefused(_ url: URL) throws {
        let error = try #require(refusal(try Data(contentsOf: url)))
        #expect(error.code == .invalidInput)
        #expect(
            error.description
                == "the file is a CDA document but not an RCP report (it has neither templateId 1.2.250.1.213.1.1.1.8 nor document code LOINC 34794-8); expected \(RCPReport.accepted)."
        )
    }

    @Test func reportWithoutINSIsRefused() throws {
        var text = try String(contentsOf: F.corsica, encoding: .utf8)
        text = text.replacingOccurrences(of: "root=\"1.2.250.1.213.1.4.10\"", with: "root=\"1.2.250.1.999.1\"")
        let error = try #require(refusal(Data(text.utf8)))
        #expect(error.message.hasPrefix("the RCP report names no patient INS"))
        #expect(!error.message.contains("262012A00412302"))
    }

    @Test func reportWithoutABirthPlaceIsRefused() throws {
        let text = try String(contentsOf: F.corsica, encoding: .utf8).replacingOccurrences(of: "<county>2A004</county>", with: "")
        let error = try #require(refusal(Data(text.utf8)))
        #expect(error.message.hasPrefix("the RCP report's patient has no birth place code (INSEE COG)"))
    }

    @Test func wrongINSKeyIsKeptWithAWarning() throws {
        let text = try String(contentsOf: F.corsica, encoding: .utf8).replacingOccurrences(of: "262012A00412302", with: "262012A00412303")
        let report = try RCPReport.read(Data(text.utf8))
        #expect(report.patient.ins == "262012A00412303")
        #expect(
            report.warnings.first
                == "recordTarget/patientRole/id (INS): the INS-NIR has a wrong key (97 − NIR mod 97); kept as read — check the report.")
        #expect(!report.warnings.contains { $0.contains("262012A0041230") || $0.contains("ALEMBERT") })
    }

    @Test func birthNamesOutsideTheINSFormAreKeptWithAWarning() throws {
        let text = try String(contentsOf: F.corsica, encoding: .utf8)
            .replacingOccurrences(
                of: "<family qualifier=\"BR\">D'ALEMBERT-NOEL</family>", with: "<family qualifier=\"BR\">d'Alembert-Noël</family>"
            )
            .replacingOccurrences(of: "262012A00412302", with: "262012a00412302").replacingOccurrences(of: "2A004", with: "2a004")
        let report = try RCPReport.read(Data(text.utf8))
        #expect(report.patient.birthFamilyName == "d'Alembert-Noël")
        #expect(report.patient.ins == "262012A00412302")
        #expect(report.patient.birthplaceCode == "2A004")
        #expect(
            report.warnings.contains(
                "patient/name/family[@qualifier='BR']: holds characters the INS form of a birth name cannot hold; expected \(FieldRules.insNameAccepted). Kept as read — check the report."
            ))
        #expect(!report.warnings.contains { $0.contains("Alembert") })
    }

    // MARK: - Entities

    /// The content of `/etc/hostname`, which an expanded external entity would leak.
    static let hostname: String? = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)

    static func withDoctype(_ doctype: String, familyName: String) throws -> Data {
        var text = try String(contentsOf: F.corsica, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", with: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\(doctype)\n")
        text = text.replacingOccurrences(
            of: "<family qualifier=\"BR\">D'ALEMBERT-NOEL</family>", with: "<family qualifier=\"BR\">\(familyName)</family>")
        #expect(text.contains(doctype) && text.contains(familyName))
        return Data(text.utf8)
    }

    static let billionLaughs = """
        <!DOCTYPE ClinicalDocument [
          <!ENTITY a "lol">
          <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
          <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
          <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
          <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
          <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
          <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
          <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
          <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
        ]>
        """

    @Test func externalEntityIsNeverExpanded() throws {
        let data = try Self.withDoctype(
            "<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>", familyName: "&x;")
        expectRefusedWithoutLeak(data)
        // Without the DOCTYPE the entity is undefined: refused as not well-formed.
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n", with: "")
        expectRefusedWithoutLeak(Data(text.utf8))
    }

    @Test func nestedEntitiesAreNeverExpanded() throws {
        expectRefusedWithoutLeak(try Self.withDoctype(Self.billionLaughs, familyName: "&i;"))
    }

    func expectRefusedWithoutLeak(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let report = try RCPReport.read(data)
            // Read without expanding: nothing from the file system reaches the report or its JSON.
            let json = String(decoding: (try? AccordJSON.encoder().encode(report)) ?? Data(), as: UTF8.self)
            #expect(!report.patient.birthFamilyName.contains("lollol"), sourceLocation: sourceLocation)
            if let hostname = Self.hostname, hostname.count >= 4 {
                #expect(!json.contains(hostname), sourceLocation: sourceLocation)
            }
        } catch {
            let text = String(describing: error)
            #expect((error as? AccordError)?.code == .invalidInput, sourceLocation: sourceLocation)
            #expect(!text.contains("lollol"), sourceLocation: sourceLocation)
            if let hostname = Self.hostname, hostname.count >= 4 {
                #expect(!text.contains(hostname), "the error holds /etc/hostname", sourceLocation: sourceLocation)
            }
        }
    }
}
