import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// Sessions started from RCP reports (`session start --from-rcp`), recorded, closed and
/// exported; `rcp show`.
@Suite(.serialized) struct RCPImportTests {
    static let shared = AccordCLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// The two official ANS FRCP examples and Accord's Corsican fixture with a trial.
    static let reports: [String] = [
        "ans/ExemplesCDA/CANCER-FRCP_2022.01_Appareil.xml",
        "ans/ExemplesCDA/CANCER-FRCP_2022.01_Transversale.xml",
        "fixtures/FRCP-corse-essai.xml",
    ]

    static func url(_ report: String) -> URL { shared.appendingPathComponent(report) }

    /// The options each report proposes, in order (checked by eye in the "Plan de soins" narrative).
    static let expectedOptions: [(kind: OptionKind, label: String)] = [
        (.treatment, "Radiothérapie"),
        (.treatment, "Autre traitement XYZ, puis chimiothérapie conventionnelle"),
        (.activeSurveillance, "Surveillance seule"),
    ]

    static let clinician = ["--clinician-id", "810123456781", "--clinician-name", "Dr Hélène Roussel"]

    /// Starts a session from `report`, records a preference and an agreed decision, closes it
    /// (ten minutes later) and exports it; returns the export's path and what it printed.
    func recordAndExport(_ cli: AccordCLI, report: String, schemas: String?) throws -> (session: Consultation, path: String, stderr: String)
    {
        let start = try cli.run(["session", "start", "--from-rcp", Self.url(report).path] + Self.clinician)
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout == "S1\n", "only the session id on standard output")
        #expect(start.stderr.contains("accord: warning: the IdNat_PS at "), "the wrong RPPS keys of the report are warnings")
        for step in [
            ["preference", "add", "S1", "--text", "Éviter la chimiothérapie si possible", "--importance", "4"],
            ["decision", "record", "S1", "--agreed", "1", "--by", "P1", "P2"],
        ] {
            let result = try cli.run(step)
            #expect(result.status == 0, "\(step.prefix(2)) failed: \(result.stderr)")
        }
        let close = try cli.run(["session", "close", "S1"], environment: ["ACCORD_NOW": "2026-03-02T09:50:00Z"])
        #expect(close.status == 0, "\(close.stderr)")
        let show = try cli.run(["session", "show", "S1", "--json"])
        let session = try AccordJSON.decoder().decode(Consultation.self, from: Data(show.stdout.utf8))
        var arguments = ["export", "S1", "--profile", "cda-fr", "--out", cli.folder.appendingPathComponent("out").path]
        if let schemas { arguments += ["--schemas", schemas] }
        let export = try cli.run(arguments, environment: ["ACCORD_NOW": "2026-03-02T10:00:00Z"])
        #expect(export.status == 0, "\(export.stderr)")
        return (session, export.stdout.trimmingCharacters(in: .whitespacesAndNewlines), export.stderr)
    }

    @Test(arguments: reports)
    func sessionFromReportExportsItsPatientOptionsAndCitation(_ report: String) throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let (session, path, _) = try recordAndExport(cli, report: report, schemas: schemasFolder)
        let source = try XMLDocumentReader(data: Data(contentsOf: Self.url(report)))
        let exported = try XMLDocumentReader(data: Data(contentsOf: URL(fileURLWithPath: path)))
        func value(_ reader: XMLDocumentReader, _ xpath: String) throws -> String? {
            try reader.string(xpath: xpath)?.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        // The patient's INS and every trait, character for character.
        let role = "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole"
        let insID = "\(role)/hl7:id[starts-with(@root, '1.2.250.1.213.1.4.')]"
        let ins = try #require(try value(source, "\(insID)/@extension"))
        let oid = try #require(try value(source, "\(insID)/@root"))
        #expect(try value(exported, "\(role)/hl7:id[@root='\(oid)']/@extension") == ins)
        let traits = [
            "hl7:patient/hl7:name/hl7:family[@qualifier='BR']", "hl7:patient/hl7:name/hl7:given[not(@qualifier)]",
            "hl7:patient/hl7:name/hl7:given[@qualifier='BR']", "hl7:patient/hl7:administrativeGenderCode/@code",
            "hl7:patient/hl7:birthTime/@value", "hl7:patient/hl7:birthplace/hl7:place/hl7:addr/hl7:county",
        ]
        for trait in traits {
            let expected = try #require(try value(source, "\(role)/\(trait)"), "\(trait) in the report")
            #expect(try value(exported, "\(role)/\(trait)") == expected, "\(trait)")
        }
        // Used names: exported when they differ from the birth names, as the report gives them.
        for (used, birth) in [
            ("hl7:family[@qualifier='CL']", "hl7:family[@qualifier='BR']"), ("hl7:given[@qualifier='CL']", "hl7:given[@qualifier='BR']"),
        ] {
            let name = "\(role)/hl7:patient/hl7:name"
            let reported = try value(source, "\(name)/\(used)")
            if let reported, try reported != value(source, "\(name)/\(birth)") {
                #expect(try value(exported, "\(name)/\(used)") == reported, "\(used)")
            } else {
                #expect(try exported.count(xpath: "\(name)/\(used)") == 0, "\(used) equals the birth name")
            }
        }

        // The options: the report's intentions in order, then surveillance.
        #expect(session.options.map(\.kind) == Self.expectedOptions.map(\.kind))
        #expect(session.options.map(\.label) == Self.expectedOptions.map(\.label))
        #expect(session.options.allSatisfy { $0.origin == "rcp" })
        let items = try exported.strings(xpath: "//hl7:content[starts-with(@ID, 'option-')]")
        #expect(items.count == Self.expectedOptions.count)
        for (item, expected) in zip(items, Self.expectedOptions) {
            #expect(item.hasSuffix(" : \(expected.label)"), "\(item)")
        }

        // The trial flag.
        let trial = try value(source, "//hl7:section[hl7:code/@code='35510-7']//hl7:observation[hl7:code/@code='MED-250']/hl7:value/@value")
        #expect(session.start.rcp?.trialProposed == (trial == "true"))
        let paragraph = "Essai clinique proposé par la RCP : \(trial == "true" ? "oui" : "non")."
        #expect(try exported.count(xpath: "//hl7:paragraph[. = \"\(paragraph)\"]") == 1)

        // The report is cited in the body by its id, and there is no header relatedDocument.
        let cited = "//hl7:reference[@typeCode='REFR']/hl7:externalDocument/hl7:id"
        #expect(try value(exported, "\(cited)/@root") == value(source, "/hl7:ClinicalDocument/hl7:id/@root"))
        #expect(try value(exported, "\(cited)/@extension") == value(source, "/hl7:ClinicalDocument/hl7:id/@extension"))
        #expect(try exported.count(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument") == 0)

        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        let name = URL(fileURLWithPath: report).deletingPathExtension().lastPathComponent
        let kept = cdaOutput.appendingPathComponent("rcp-\(name).cda.xml")
        try? FileManager.default.removeItem(at: kept)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: kept)
    }

    @Test(
        .enabled(if: schemasFolder != nil, "ACCORD_SCHEMAS is unset: skipped validating the RCP-derived exports against the ANS schema"),
        arguments: reports)
    func exportFromReportValidates(_ report: String) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let (_, path, stderr) = try recordAndExport(cli, report: report, schemas: schemasFolder!)
        #expect(stderr.contains("validated against"), "\(stderr)")
        let schema = try XMLSchema(contentsOf: URL(fileURLWithPath: schemasFolder!).appendingPathComponent("cda-fr/CDA_extended.xsd"))
        #expect(schema.validate(try Data(contentsOf: URL(fileURLWithPath: path))) == [])
    }

    // MARK: - Refusals

    @Test(arguments: [
        "ans/ExemplesCDA/CANCER-PPS_2022.01_feuille-de-style-externe.xml", "ans/ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml",
    ])
    func nonRCPFileIsRefusedAndChangesNothing(_ file: String) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let first = try cli.run(["session", "start", "--from-rcp", Self.url(Self.reports[2]).path] + Self.clinician)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try cli.run(["session", "list", "--json"]).stdout + cli.run(["session", "show", "S1", "--json"]).stdout
        let result = try cli.run(["session", "start", "--from-rcp", Self.url(file).path] + Self.clinician)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "accord: error: --from-rcp: the file is a CDA document but not an RCP report (it has neither templateId 1.2.250.1.213.1.1.1.8 nor document code LOINC 34794-8); expected \(RCPReportMessages.accepted).\n"
        )
        let after = try cli.run(["session", "list", "--json"]).stdout + cli.run(["session", "show", "S1", "--json"]).stdout
        #expect(after == before)
        #expect(try cli.run(["session", "show", "S2"]).status != 0, "no second session")
    }

    @Test func notXMLIsRefusedWithoutWritingADatabase() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let file = cli.folder.appendingPathComponent("notes.xml")
        try "D'ALEMBERT-NOEL, née le 15/01/1962".write(to: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "start", "--from-rcp", file.path] + Self.clinician)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("accord: error: --from-rcp: the file is not an RCP report: the XML document is not well-formed"))
        #expect(!result.stderr.contains("ALEMBERT"))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path), "the report is read before the database is opened")
    }

    @Test func patientOptionsCannotBeMixedWithAReport() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(
            ["session", "start", "--from-rcp", Self.url(Self.reports[2]).path, "--family-name", "MARTIN"] + Self.clinician)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "accord: error: --family-name: cannot be combined with --from-rcp, which takes the patient, IPP and diagnosis from the report; expected either --from-rcp FILE or the patient options, not both.\n"
        )
        let missing = try cli.run(["session", "start", "--patient-ins", "158056912345606"] + Self.clinician)
        #expect(missing.status == 64)
        #expect(
            missing.stderr.hasPrefix(
                "Error: Missing expected arguments '--family-name <name>', '--given-names <names>', '--birth-date <date>', '--sex <sex>', '--birthplace <cog>', '--topic <text>' (the patient's may come from an RCP report instead: --from-rcp <file>).\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
    }

    @Test func topicAndPresenceCanBeGiven() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let start = try cli.run(
            [
                "session", "start", "--from-rcp", Self.url(Self.reports[0]).path, "--topic", "Choisir entre radiothérapie et surveillance",
                "--patient-absent",
            ]
                + Self.clinician)
        #expect(start.status == 0, "\(start.stderr)")
        let session = try AccordJSON.decoder().decode(
            Consultation.self, from: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8))
        #expect(session.start.topic == "Choisir entre radiothérapie et surveillance")
        #expect(session.patient.present == false)
        // The healthCareFacility's organisation, whose facility code (SA01) the report gives.
        #expect(session.start.organisationFINESS == "120456789")
        #expect(session.start.facility?.code == "SA01")
        #expect(session.start.rcp?.meetingDate == CalendarDate("2019-02-18"))
        let text = try cli.run(["session", "show", "S1"]).stdout
        #expect(text.contains("RCP report: 1.2.250.1.213.1.1.1.8.2022.1.1, meeting 2019-02-18, no trial proposed"))
    }

    // MARK: - rcp show

    @Test func rcpShowJSONWritesNoDatabase() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["rcp", "show", Self.url(Self.reports[2]).path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.database.path), "rcp show opened a database")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).isEmpty, "rcp show wrote a file")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["trial_proposed"] as? Bool == true)
        #expect((object["patient"] as? [String: Any])?["birth_family_name"] as? String == "D'ALEMBERT-NOEL")
        #expect((object["options"] as? [[String: Any]])?.compactMap { $0["label"] as? String } == Self.expectedOptions.map(\.label))
        #expect(result.stderr.contains("accord: warning: the IdNat_PS at "))
        #expect(!result.stderr.contains("801234568875"), "warnings never hold the value")
        let again = try cli.run(["rcp", "show", Self.url(Self.reports[2]).path, "--json"])
        #expect(again.stdout == result.stdout, "stable output")
    }

    @Test func rcpShowText() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["rcp", "show", Self.url(Self.reports[2]).path])
        #expect(result.status == 0, "\(result.stderr)")
        for line in [
            "RCP report: 1.2.250.1.213.1.1.1.8.2022.2.1 (set 1.2.250.1.213.1.1.1.8.2022.2)",
            "  birth family name:      D'ALEMBERT-NOEL", "  birthplace (COG):       2A004",
            "  2  treatment: Autre traitement XYZ, puis chimiothérapie conventionnelle (intention 2, alternative)",
            "Clinical trial proposed:  yes",
        ] {
            #expect(result.stdout.contains(line + "\n"), "\(line)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
    }
}

/// The refusal wording shared with `RCPReport` (kept here so the tests state it in full).
enum RCPReportMessages {
    static let accepted =
        "an RCP report (CI-SIS FRCP: a CDA R2 document in namespace urn:hl7-org:v3 with templateId 1.2.250.1.213.1.1.1.8 or document code LOINC 34794-8)"
}
