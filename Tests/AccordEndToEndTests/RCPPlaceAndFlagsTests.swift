import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// Issue 15, parts 2 and 7, end to end: a session started from an RCP report keeps the report's
/// organisation with its own facility code (CDA `healthCareFacility`, FHIR Encounter's
/// serviceProvider), the report's flags (draft, quorum, incomplete file, second-opinion
/// request) stay with the session, its trusted person becomes a participant and its morphology
/// is kept; the centre's own sites are declared and named by `--organisation-finess`.
@Suite(.serialized) struct RCPPlaceAndFlagsTests {
    static let clinician = RCPImportTests.clinician

    /// The first value `xpath` selects; each `f:Name` step is a FHIR element (the reader
    /// registers `hl7`, `xsi`, `xhtml`, `sdtc` only).
    func value(_ reader: XMLDocumentReader, _ xpath: String) throws -> String? {
        let expanded = xpath.replacingOccurrences(
            of: #"(?<![A-Za-z0-9_:.-])f:([A-Za-z][A-Za-z0-9]*)"#,
            with: "*[local-name()='$1' and namespace-uri()='http://hl7.org/fhir']", options: .regularExpression)
        return try reader.string(xpath: expanded)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Exports S1 (closed) with `profile`, validated against the official schema when
    /// `ACCORD_SCHEMAS` is set; returns the document read back.
    func export(_ cli: AccordCLI, profile: String, folder: String) throws -> (reader: XMLDocumentReader, data: Data) {
        var arguments = ["export", "S1", "--profile", profile, "--out", cli.folder.appendingPathComponent(folder).path]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let export = try cli.run(arguments, environment: ["ACCORD_NOW": "2026-03-02T10:00:00Z"])
        #expect(export.status == 0, "\(export.stderr)")
        if schemasFolder != nil { #expect(export.stderr.contains("validated against"), "\(export.stderr)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: export.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        return (try XMLDocumentReader(data: data), data)
    }

    func consultation(_ cli: AccordCLI) throws -> Consultation {
        try AccordJSON.decoder().decode(Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
    }

    // MARK: - Part 2: the report's organisation with its facility code

    @Test(arguments: RCPImportTests.reports)
    func theReportsOrganisationAndFacilityCodeAreExported(_ report: String) throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let source = try XMLDocumentReader(data: Data(contentsOf: RCPImportTests.url(report)))
        let facility = "/hl7:ClinicalDocument/hl7:componentOf/hl7:encompassingEncounter/hl7:location/hl7:healthCareFacility"
        let code = try #require(try value(source, "\(facility)/hl7:code/@code"))
        let facilityID = try #require(try value(source, "\(facility)/hl7:id/@extension"))
        let name = try #require(try value(source, "\(facility)/hl7:location/hl7:name"))
        #expect(code == "SA01" && code != CentreSettings.example.facility.code, "the report's code is not the centre's")

        let start = try cli.run(["session", "start", "--from-rcp", RCPImportTests.url(report).path] + Self.clinician)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(try cli.run(["session", "close", "S1"], environment: ["ACCORD_NOW": "2026-03-02T09:50:00Z"]).status == 0)
        let session = try consultation(cli)
        #expect(session.start.organisationFINESS.map { "1" + $0 } == facilityID)
        #expect(session.start.facility == FrenchValueSets.facility(code: code))
        #expect(session.start.organisationName == name)

        // CDA: the encounter's facility is the report's organisation with the report's code; the
        // author's organisation is the same, named.
        let cda = try export(cli, profile: "cda-fr", folder: "cda").reader
        #expect(try value(cda, "\(facility)/hl7:id/@extension") == facilityID)
        #expect(try value(cda, "\(facility)/hl7:code/@code") == code)
        #expect(try value(cda, "\(facility)/hl7:code/@displayName") == "Etablissement public de santé")
        #expect(try value(cda, "\(facility)/hl7:code/@codeSystem") == "1.2.250.1.71.4.2.4")
        #expect(try value(cda, "\(facility)/hl7:location/hl7:name") == name)
        let author = "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor/hl7:representedOrganization"
        #expect(try value(cda, "\(author)/hl7:id/@extension") == facilityID)
        #expect(try value(cda, "\(author)/hl7:name") == name)
        // The custodian stays the centre.
        #expect(
            try value(cda, "/hl7:ClinicalDocument/hl7:custodian//hl7:representedCustodianOrganization/hl7:id/@extension")
                == "1" + CentreSettings.example.finess)

        // FHIR: the Encounter's serviceProvider is an Organization with the report's FINESS, type and name.
        let fhir = try export(cli, profile: "fhir-r4", folder: "fhir").reader
        let provider = try #require(try value(fhir, "//f:Encounter/f:serviceProvider/f:reference/@value"))
        let organisation = "//f:entry[f:fullUrl/@value='\(provider)']/f:resource/f:Organization"
        #expect(try value(fhir, "\(organisation)/f:identifier/f:value/@value") == facilityID)
        #expect(try value(fhir, "\(organisation)/f:type/f:coding/f:code/@value") == code)
        #expect(try value(fhir, "\(organisation)/f:type/f:coding/f:system/@value") == "urn:oid:1.2.250.1.71.4.2.4")
        #expect(try value(fhir, "\(organisation)/f:name/@value") == name)
    }

    @Test func organisationFINESSWithAReportNamesTheCentreOrASite() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let report = RCPImportTests.url(RCPImportTests.reports[1]).path
        let refused = try cli.run(["session", "start", "--from-rcp", report, "--organisation-finess", "490000049"] + Self.clinician)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "accord: error: --organisation-finess: names neither the centre nor one of its declared sites; expected the centre's FINESS (999999999); declare a site with `accord centre site add`.\n"
        )
        #expect(!refused.stderr.contains("PAT-TROIS"))
        let centre = try cli.run(["session", "start", "--from-rcp", report, "--organisation-finess", "999999999"] + Self.clinician)
        #expect(centre.status == 0, "\(centre.stderr)")
        let session = try consultation(cli)
        #expect(session.start.organisationFINESS == "999999999")
        #expect(session.start.facility == nil && session.start.organisationName == nil, "the centre's own settings name it")
    }

    // MARK: - Part 7: what the report says, kept

    /// The three reports are drafts ("en cours d'exécution") that ask for a second-opinion RCP
    /// (checked by eye: sections 33557-0 and 18776-5); their trusted person is Sophie NESSI
    /// (informant/relatedEntity NOK, Soeur) and their morphology ICD-O-3 8000/3.
    @Test(arguments: RCPImportTests.reports)
    func flagsTrustedPersonAndMorphologyAreKept(_ report: String) throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let start = try cli.run(["session", "start", "--from-rcp", RCPImportTests.url(report).path] + Self.clinician)
        #expect(start.status == 0, "\(start.stderr)")
        for flag in [RCPReportFlag.draft, .secondOpinionRequested] {
            #expect(start.stderr.contains("accord: warning: \(flag.warning)\n"), "\(flag)")
        }
        #expect(
            start.stderr.contains(
                "accord: warning: the report's trusted person is recorded as participant P3, taking part in the consultation; if they do not attend, withdraw the entry: accord entry withdraw S1 P3.\n"
            ))
        #expect(!start.stderr.contains("NESSI"))
        let session = try consultation(cli)
        #expect(session.start.rcp?.flags == [.draft, .secondOpinionRequested])
        let trusted = try #require(session.participants.first { $0.role == .trustedPerson })
        #expect(trusted.name == "Sophie NESSI" && trusted.function == "Soeur" && trusted.entry == EntryID("P3"))
        #expect(
            session.start.condition?.morphology
                == CodedValue(code: "8000/3", displayName: "Tumeur maligne, SAI", codeSystem: "2.16.840.1.113883.6.43.1"))

        let show = try cli.run(["session", "show", "S1"]).stdout
        #expect(show.contains("\n  warning: \(RCPReportFlag.draft.warning)\n"))
        #expect(show.contains("\n  warning: \(RCPReportFlag.secondOpinionRequested.warning)\n"))
        #expect(show.contains("\n  P3  trusted-person: Sophie NESSI, Soeur\n"))
        #expect(show.contains("\n  morphology (ICD-O-3): 8000/3 Tumeur maligne, SAI\n"))
        let showJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(cli.run(["session", "show", "S1", "--json"]).stdout.utf8)) as? [String: Any])
        let rcp = (showJSON["start"] as? [String: Any])?["rcp"] as? [String: Any]
        #expect(rcp?["flags"] as? [String] == ["draft", "second-opinion-requested"])

        let check = try cli.run(["session", "check", "S1"])
        #expect(
            check.stdout.hasPrefix("rcp: \(RCPReportFlag.draft.warning)\nrcp: \(RCPReportFlag.secondOpinionRequested.warning)\nmissing: "))
        let checkJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(cli.run(["session", "check", "S1", "--json"]).stdout.utf8)) as? [String: Any])
        #expect(checkJSON["rcp_warnings"] as? [String] == [RCPReportFlag.draft.warning, RCPReportFlag.secondOpinionRequested.warning])

        #expect(try cli.run(["session", "close", "S1"], environment: ["ACCORD_NOW": "2026-03-02T09:50:00Z"]).status == 0)
        let cda = try export(cli, profile: "cda-fr", folder: "cda").reader
        #expect(try cda.count(xpath: "//hl7:paragraph[. = \"Avertissement sur la fiche RCP : \(RCPReportFlag.draft.frenchText).\"]") == 1)
        #expect(
            try cda.count(xpath: "//hl7:paragraph[. = 'Avertissement sur la fiche RCP : la RCP demande un passage en RCP de recours.']")
                == 1)
        #expect(
            try cda.count(
                xpath:
                    "//hl7:section[hl7:code/@code='72135-7']/hl7:text/hl7:paragraph[. = 'Morphologie (CIM-O-3 8000/3) : Tumeur maligne, SAI.']"
            )
                == 1)
        #expect(
            try value(cda, "/hl7:ClinicalDocument/hl7:informant/hl7:relatedEntity[@classCode='NOK']/hl7:relatedPerson/hl7:name")
                == "Sophie NESSI")
        let fhir = try export(cli, profile: "fhir-r4", folder: "fhir").reader
        let morphology =
            "//f:Condition/f:extension[@url='http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior']"
        #expect(try value(fhir, "\(morphology)/f:valueCodeableConcept/f:coding/f:code/@value") == "8000/3")
        #expect(
            try value(fhir, "\(morphology)/f:valueCodeableConcept/f:coding/f:system/@value")
                == "http://terminology.hl7.org/CodeSystem/icd-o-3")
    }

    /// Variants of the fixture made in the test's folder: quorum not reached and incomplete
    /// file; quorum not known; a final report without second-opinion request (no flag).
    @Test(arguments: [
        (
            "quorum not reached, file incomplete", [("code=\"ORG-126\"", "code=\"ORG-133\""), ("GEN-100-true", "GEN-100-false")],
            [RCPReportFlag.draft, .quorumNotReached, .fileIncomplete, .secondOpinionRequested]
        ),
        ("quorum not known", [("code=\"ORG-126\"", "code=\"GEN-010\"")], [.draft, .quorumUnknown, .secondOpinionRequested]),
        ("final, no second opinion", [("code=\"385651009\"", "code=\"398166005\""), ("code=\"ORG-120\"", "code=\"ORG-999\"")], []),
    ])
    func craftedReportsGiveTheirFlags(_ name: String, _ edits: [(String, String)], _ expected: [RCPReportFlag]) throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let file = try RCPReportVariant.write(edits, in: cli.folder)
        let start = try cli.run(["session", "start", "--from-rcp", file.path] + Self.clinician)
        #expect(start.status == 0, "\(name): \(start.stderr)")
        let session = try consultation(cli)
        #expect(session.start.rcp?.flags == (expected.isEmpty ? nil : expected), "\(name)")
        let check = try cli.run(["session", "check", "S1"]).stdout
        #expect(check.components(separatedBy: "\n").filter { $0.hasPrefix("rcp: ") } == expected.map { "rcp: \($0.warning)" }, "\(name)")
        for flag in expected { #expect(start.stderr.contains(flag.warning), "\(name): \(flag)") }
    }

    // MARK: - Part 2: the centre's sites

    static let centre = [
        "centre", "set", "--oid-root", "1.2.250.1.999.7", "--finess", "750712184", "--name", "Centre Léon-Exemple", "--address",
        "28 rue Laennec, 69008 LYON", "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
    ]
    static let site = ["centre", "site", "add", "--finess", "690000880", "--facility-code", "SA01", "--name", "Site de Lyon-Sud"]
    static let typedStart =
        [
            "session", "start", "--patient-ins", "279035121518989", "--ins-oid", "1.2.250.1.213.1.4.10", "--family-name", "DUPONT",
            "--given-names", "MARIE", "--birth-date", "1979-03-28", "--sex", "F", "--birthplace", "51215", "--topic",
            "Choisir le traitement",
        ] + clinician

    @Test func aSiteIsDeclaredListedAndNamedByASession() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let early = try cli.run(Self.site)
        #expect(early.status == 1)
        #expect(
            early.stderr
                == "accord: error: the centre's settings are not set; set them first with `accord centre set`, then declare its sites.\n")
        #expect(try cli.run(Self.centre).status == 0)
        let badCode = try cli.run(["centre", "site", "add", "--finess", "690000880", "--facility-code", "SA99", "--name", "Site"])
        #expect(badCode.status == 1)
        #expect(
            badCode.stderr
                == "accord: error: --facility-code: is not in value set JDV_J02; expected a JDV_J02 code such as SA01 (Etablissement public de santé); `accord centre codes` lists them.\n"
        )
        let badFINESS = try cli.run(["centre", "site", "add", "--finess", "69000088", "--facility-code", "SA01", "--name", "Site"])
        #expect(badFINESS.status == 1)
        #expect(badFINESS.stderr.hasPrefix("accord: error: --finess: the FINESS number must be 9 characters;"))
        let added = try cli.run(Self.site)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr == "Site FINESS 690000880 declared.\n")
        let twice = try cli.run(Self.site)
        #expect(twice.status == 1)
        #expect(
            twice.stderr
                == "accord: error: --finess: names the centre or a site already declared; expected the FINESS of another of the centre's sites (`accord centre show` lists those declared).\n"
        )
        // New centre settings keep the site.
        #expect(try cli.run(Self.centre).status == 0)
        let show = try cli.run(["centre", "show"]).stdout
        #expect(
            show.hasSuffix("Sites:            1\n  FINESS 690000880  SA01 Etablissement public de santé  Site de Lyon-Sud\n"), "\(show)")

        // A FINESS that is neither the centre nor a site is refused, naming the option; nothing is recorded.
        let unknown = try cli.run(Self.typedStart + ["--organisation-finess", "490000049"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "accord: error: --organisation-finess: names neither the centre nor one of its declared sites; expected the centre's FINESS (750712184) or a declared site's (690000880); declare a site with `accord centre site add`.\n"
        )
        #expect(try cli.run(["session", "show", "S1"]).status != 0, "no session recorded")

        let started = try cli.run(Self.typedStart + ["--organisation-finess", "690000880"])
        #expect(started.status == 0, "\(started.stderr)")
        let session = try consultation(cli)
        #expect(session.start.organisationName == "Site de Lyon-Sud")
        #expect(session.start.facility == FrenchValueSets.facility(code: "SA01"))
        #expect(try cli.run(["session", "close", "S1"], environment: ["ACCORD_NOW": "2026-03-02T09:50:00Z"]).status == 0)
        let (cda, data) = try export(cli, profile: "cda-fr", folder: "cda")
        let facility = "/hl7:ClinicalDocument/hl7:componentOf/hl7:encompassingEncounter/hl7:location/hl7:healthCareFacility"
        #expect(try value(cda, "\(facility)/hl7:id/@extension") == "1690000880")
        #expect(try value(cda, "\(facility)/hl7:code/@code") == "SA01")
        #expect(try value(cda, "\(facility)/hl7:location/hl7:name") == "Site de Lyon-Sud")
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        try data.write(to: cdaOutput.appendingPathComponent("site-organisation.cda.xml"))
        let fhir = try export(cli, profile: "fhir-r4", folder: "fhir").reader
        let provider = try #require(try value(fhir, "//f:Encounter/f:serviceProvider/f:reference/@value"))
        let organisation = "//f:entry[f:fullUrl/@value='\(provider)']/f:resource/f:Organization"
        #expect(try value(fhir, "\(organisation)/f:type/f:coding/f:code/@value") == "SA01")
        #expect(try value(fhir, "\(organisation)/f:name/@value") == "Site de Lyon-Sud")
    }

    @Test func theConsultationFileKeyNamesTheCentreOrASite() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let example = AccordCLI.packageRoot.appendingPathComponent("Examples/consultation.yaml")
        var text = try String(contentsOf: example, encoding: .utf8)
        try #require(!text.contains("organisation_finess"))
        text = "organisation_finess: \"690000880\"\n" + text
        let file = cli.folder.appendingPathComponent("consultation.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let refused = try cli.run(["session", "import", file.path])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "accord: error: in the consultation file, organisation_finess: names neither the centre nor one of its declared sites; expected the centre's FINESS (999999999); declare a site with `accord centre site add`.\n"
        )
        #expect(try cli.run(Self.centre).status == 0)
        #expect(try cli.run(Self.site).status == 0)
        let imported = try cli.run(["session", "import", file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try consultation(cli).start.facility?.code == "SA01")
    }

    /// A site edited in the database, without the chain key, is found as any edited settings.
    @Test func anEditedSiteIsFound() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        #expect(try cli.run(Self.centre).status == 0)
        #expect(try cli.run(Self.site).status == 0)
        try cli.tamper(
            "UPDATE event SET payload = replace(payload, '\"SA01\"', '\"SA36\"') WHERE seq = (SELECT MAX(seq) FROM event WHERE kind = 'centre-settings-changed')"
        )
        let start = try cli.run(Self.typedStart + ["--organisation-finess", "690000880"])
        #expect(start.status != 0)
        #expect(start.stderr.contains("run `accord verify`"), "\(start.stderr)")
        #expect(try cli.run(["verify"]).status == 2)
    }
}

/// An RCP report made from the Corsican fixture with textual edits, written in a test's folder
/// (nothing is copied into the project). `GEN-100-true`/`GEN-100-false` stand for the value of
/// observation GEN-100 (Dossier complet).
enum RCPReportVariant {
    static func write(_ edits: [(String, String)], in folder: URL) throws -> URL {
        var text = try String(contentsOf: RCPImportTests.url(RCPImportTests.reports[2]), encoding: .utf8)
        for (from, to) in edits {
            if from.hasPrefix("GEN-100-") {
                // The first BL value after the GEN-100 code.
                let code = try #require(text.range(of: "code=\"GEN-100\""))
                let value = try #require(text.range(of: "value=\"true\"", range: code.upperBound..<text.endIndex))
                text.replaceSubrange(value, with: to.hasSuffix("false") ? "value=\"false\"" : "value=\"true\"")
            } else {
                try #require(text.contains(from), "\(from) in the fixture")
                text = text.replacingOccurrences(of: from, with: to)
            }
        }
        let file = folder.appendingPathComponent("report-variant.xml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}
