import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// The official schemas folder, or `nil` (tests that need it are skipped, saying so).
let schemasFolder: String? = ProcessInfo.processInfo.environment["ACCORD_SCHEMAS"].flatMap { $0.isEmpty ? nil : $0 }

/// Where the tests leave the CDA documents they wrote, for CI's `cisis-check`.
let cdaOutput = AccordCLI.packageRoot.appendingPathComponent(".build/cda-out")

@Suite(.serialized) struct RecordAndExportTests {
    /// A note with everything that breaks naive XML writers: `&`, `<`, quotes and an emoji. A
    /// control character pasted from a word processor (U+0007) is refused at input, not
    /// dropped at export.
    static let trickyNote = "Tension & inquiétude <forte> ; dit « ça ira » puis \"on verra\" l'air 'serein' 🙂fin"

    /// Records the consultation of the issue through the CLI and returns the session id.
    func recordConsultation(_ cli: AccordCLI) throws -> String {
        let start = try cli.run([
            "session", "start", "--patient-ins", "283042A00401797", "--ins-oid", "1.2.250.1.213.1.4.10",
            "--family-name", "D'ARTAGNAN-LE-GALL", "--given-names", "MARIE-CLAIRE ANNE LOUISE", "--birth-date", "1983-04-09",
            "--sex", "F", "--birthplace", "2A004", "--clinician-id", "810123456781", "--clinician-name", "Dr Hélène Roussel",
            "--topic", "Traitement d'un cancer du sein localisé", "--condition", "Carcinome canalaire infiltrant du sein gauche",
        ])
        #expect(start.status == 0, "\(start.stderr)")
        let session = start.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(session == "S1")
        let steps: [[String]] = [
            ["participant", "add", session, "--role", "relative", "--name", "Paul D'Artagnan", "--function", "frère"],
            [
                "option", "add", session, "--kind", "treatment", "--label", "Tumorectomie puis radiothérapie", "--benefit",
                "Conserve le sein", "--harm", "Fatigue pendant la radiothérapie",
            ],
            ["option", "add", session, "--kind", "active-surveillance", "--label", "Surveillance rapprochée"],
            ["option", "add", session, "--kind", "clinical-trial", "--label", "Essai de désescalade", "--trial-id", "NCT00000000"],
            ["preference", "add", session, "--text", "Garder le sein", "--importance", "5"],
            ["preference", "add", session, "--text", "Reprendre le travail vite", "--importance", "3"],
            ["decision", "record", session, "--agreed", "1", "--by", "P1", "P2"],
            ["note", "add", session, "--text", Self.trickyNote],
            ["session", "close", session],
        ]
        let pasted = try cli.run(["note", "add", session, "--text", Self.trickyNote.replacingOccurrences(of: "🙂", with: "🙂\u{07}")])
        #expect(pasted.status == 1)
        #expect(pasted.stderr.hasPrefix("accord: error: --text: holds a control character;"))
        for step in steps {
            let result = try cli.run(step)
            #expect(result.status == 0, "\(step.prefix(2)) failed: \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(step.prefix(2)) printed on standard output")
        }
        return session
    }

    @Test func recordCloseAndExportAValidCDADocument() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let session = try recordConsultation(cli)
        var arguments = ["export", session, "--profile", "cda-fr", "--out", cli.folder.appendingPathComponent("out").path]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let export = try cli.run(arguments)
        #expect(export.status == 0, "\(export.stderr)")
        let path = export.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasSuffix("/out/S1-v1.cda.xml"))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.prefix(5) == Data("<?xml".utf8), "no byte-order mark, XML declaration first")

        let reader = try XMLDocumentReader(data: data)
        let patient = "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole"
        #expect(try reader.string(xpath: "\(patient)/hl7:id[@root='1.2.250.1.213.1.4.10']/@extension") == "283042A00401797")
        #expect(try reader.string(xpath: "\(patient)/hl7:patient/hl7:name/hl7:family[@qualifier='BR']") == "D'ARTAGNAN-LE-GALL")
        #expect(try reader.string(xpath: "\(patient)/hl7:patient/hl7:name/hl7:given[not(@qualifier)]") == "MARIE-CLAIRE ANNE LOUISE")
        #expect(try reader.string(xpath: "\(patient)/hl7:patient/hl7:name/hl7:given[@qualifier='BR']") == "MARIE-CLAIRE")
        #expect(try reader.string(xpath: "\(patient)/hl7:patient/hl7:birthplace/hl7:place/hl7:addr/hl7:county") == "2A004")
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:code/@code") == "11488-4")
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:effectiveTime/@value") == "20260302093000+0000")
        #expect(try reader.count(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument") == 0)
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:versionNumber/@value") == "1")
        // The note survives with its &, <, quotes and emoji.
        let expectedNote = Self.trickyNote
        let texts = try reader.strings(xpath: "//hl7:section//hl7:text//text()")
        #expect(texts.contains { $0.contains(expectedNote) }, "the note is in a narrative, escaped and intact")
        #expect(!String(decoding: data, as: UTF8.self).contains("\u{07}"))

        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        let kept = cdaOutput.appendingPathComponent("e2e-consultation.cda.xml")
        try? FileManager.default.removeItem(at: kept)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: kept)
    }

    @Test(.enabled(if: schemasFolder != nil, "ACCORD_SCHEMAS is unset: skipped validation against the official ANS schema"))
    func exportValidatesAgainstTheANSSchema() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let session = try recordConsultation(cli)
        let export = try cli.run(
            ["export", session, "--out", cli.folder.appendingPathComponent("out").path], environment: ["ACCORD_SCHEMAS": schemasFolder!])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("validated against"))
        // Independently of the exporter: validate the file with a fresh schema.
        let schema = try XMLSchema(contentsOf: URL(fileURLWithPath: schemasFolder!).appendingPathComponent("cda-fr/CDA_extended.xsd"))
        let data = try Data(contentsOf: URL(fileURLWithPath: export.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(schema.validate(data) == [])
    }

    @Test func withoutSchemasTheExportSaysItDidNotValidate() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        let session = try recordConsultation(cli)
        let export = try cli.run(["export", session, "--out", cli.folder.appendingPathComponent("out").path])
        #expect(export.status == 0)
        #expect(
            export.stderr.contains("not validated against a schema (set ACCORD_SCHEMAS or --schemas); checked for well-formedness only."))
    }

    @Test func sameEventsAndTimeGiveIdenticalBytes() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let session = try recordConsultation(cli)
        let first = try cli.run(["export", session, "--out", cli.folder.appendingPathComponent("a").path])
        let second = try cli.run(["export", session, "--out", cli.folder.appendingPathComponent("b").path])
        #expect(first.status == 0 && second.status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let b = try Data(contentsOf: URL(fileURLWithPath: second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(a == b)
        let later = try cli.run(
            ["export", session, "--out", cli.folder.appendingPathComponent("c").path], environment: ["ACCORD_NOW": "2026-03-03T10:00:00Z"])
        let c = try Data(contentsOf: URL(fileURLWithPath: later.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(a == c, "a version already issued is written again with its bytes and document time, whatever ACCORD_NOW")
        // The same events in another database, exported at the same time: the same bytes.
        let other = try AccordCLI()
        defer { other.cleanUp() }
        let twin = try recordConsultation(other)
        let d = try other.run(["export", twin, "--out", other.folder.appendingPathComponent("d").path])
        #expect(try Data(contentsOf: URL(fileURLWithPath: d.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) == a)
    }

    @Test func sampleConsultationImportsAndExports() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let imported = try cli.run(["session", "import", Samples.sampleConsultationFile.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == "S1\n")
        let show = try cli.run(["session", "show", "S1", "--json"])
        let consultation = try AccordJSON.decoder().decode(Consultation.self, from: Data(show.stdout.utf8))
        #expect(consultation.status == .closed)
        #expect(consultation.options.map(\.kind) == [.activeSurveillance, .treatment, .clinicalTrial])
        #expect(consultation.participants.map(\.entry.rawValue) == ["P1", "P2", "P3", "P4"])
        let export = try cli.run(["export", "S1", "--out", cli.folder.appendingPathComponent("out").path])
        #expect(export.status == 0, "\(export.stderr)")
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        let kept = cdaOutput.appendingPathComponent("sample-consultation.cda.xml")
        try? FileManager.default.removeItem(at: kept)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: export.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), to: kept)
    }

    @Test func centreSettingsGoIntoTheDocument() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let set = try cli.run([
            "centre", "set", "--oid-root", "1.2.250.1.999.7", "--finess", "690000880", "--name", "Centre Léon-Exemple",
            "--address", "28 rue Laennec, 69008 LYON", "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        _ = try cli.run(["session", "import", Samples.sampleConsultationFile.path])
        let export = try cli.run(["export", "S1", "--out", cli.folder.appendingPathComponent("out").path])
        #expect(!export.stderr.contains("example values"))
        let reader = try XMLDocumentReader(
            data: try Data(contentsOf: URL(fileURLWithPath: export.stdout.trimmingCharacters(in: .whitespacesAndNewlines))))
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:setId/@root") == "1.2.250.1.999.7.1.1")
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:id/@root") == "1.2.250.1.999.7.1.1.1")
        #expect(
            try reader.string(xpath: "/hl7:ClinicalDocument/hl7:custodian//hl7:representedCustodianOrganization/hl7:id/@extension")
                == "1690000880")
        #expect(try reader.string(xpath: "//hl7:encompassingEncounter/hl7:location/hl7:healthCareFacility/hl7:code/@code") == "SA36")
    }
}
