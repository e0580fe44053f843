import AccordCore
import AccordStore
import AccordTestSupport
import AccordXML
import Foundation
import Testing

@Suite struct AmendmentEndToEndTests {
    func path(_ result: AccordCLI.Result) -> URL { URL(fileURLWithPath: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }

    @Test func amendAndExportANewVersionThatReplacesTheLast() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let out = cli.folder.appendingPathComponent("out").path
        let v1 = try cli.run(["export", "S1", "--out", out])
        #expect(path(v1).lastPathComponent == "S1-v1.cda.xml")
        let again = try cli.run(["export", "S1", "--out", cli.folder.appendingPathComponent("again").path])
        #expect(path(again).lastPathComponent == "S1-v1.cda.xml")
        #expect(try Data(contentsOf: path(v1)) == Data(contentsOf: path(again)), "unchanged session, same time: same bytes")

        let refused = try cli.run(["note", "add", "S1", "--text", "oubli"])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "accord: error: session S1 is closed: a change to it is an amendment; repeat the command with --reason \"why\" to record it as one.\n"
        )
        let amended = try cli.run(["note", "add", "S1", "--text", "Le patient a rappelé.", "--reason", "appel reçu après la consultation"])
        #expect(amended.status == 0, "\(amended.stderr)")
        #expect(amended.stderr == "Added note N2 to session S1. (amendment)\n")
        let withdrawn = try cli.run(["entry", "withdraw", "S1", "M2", "--reason", "mal compris"])
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")

        let v2 = try cli.run(["export", "S1", "--out", out])
        #expect(v2.status == 0, "\(v2.stderr)")
        #expect(path(v2).lastPathComponent == "S1-v2.cda.xml")
        #expect(v2.stderr.contains("Version 2 of the document replaces version 1"))
        let first = try XMLDocumentReader(data: try Data(contentsOf: path(v1)))
        let second = try XMLDocumentReader(data: try Data(contentsOf: path(v2)))
        #expect(
            try second.string(xpath: "/hl7:ClinicalDocument/hl7:setId/@root")
                == first.string(xpath: "/hl7:ClinicalDocument/hl7:setId/@root"))
        #expect(try second.string(xpath: "/hl7:ClinicalDocument/hl7:versionNumber/@value") == "2")
        #expect(try second.count(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument") == 1)
        #expect(try second.string(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument/@typeCode") == "RPLC")
        #expect(
            try second.string(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument/hl7:parentDocument/hl7:id/@root")
                == first.string(xpath: "/hl7:ClinicalDocument/hl7:id/@root"))
        // The withdrawn preference is gone from the document; the amendment's note is in it.
        let text = String(decoding: try Data(contentsOf: path(v2)), as: UTF8.self)
        #expect(!text.contains("Ne pas multiplier les hospitalisations"))
        #expect(text.contains("Le patient a rappelé."))

        let history = try cli.run(["session", "history", "S1"])
        let lines = history.stdout.split(separator: "\n")
        try #require(lines.count == 15)
        #expect(lines[11].contains("\tdocument-issued\tdocument issued: cda-fr version 1, id 2.999.1.1.1.1, SHA-256 "))
        #expect(lines[12].hasSuffix("note-added\tadded N2: Le patient a rappelé.\tamendment: appel reçu après la consultation"))
        #expect(lines[13].hasSuffix("entry-withdrawn\twithdrew M2\tamendment: mal compris"))
        #expect(lines[14].contains("\tdocument-issued\tdocument issued: cda-fr version 2, id 2.999.1.1.1.2, SHA-256 "))
        #expect(lines[0].hasPrefix("1\tS1#1\t2026-03-02T09:30:00Z\t810123456781\tsession-started"))
        #expect(try cli.run(["note", "add", "S1", "--text", "Deux lignes\nla seconde", "--reason", "essai"]).status == 0)
        #expect(try cli.run(["entry", "withdraw", "S1", "N3", "--reason", "doublon"]).status == 0)
        // The text view marks withdrawn preferences and notes, and keeps a note's lines inside it.
        let shown = try cli.run(["session", "show", "S1"]).stdout
        #expect(
            shown.contains("  M2  ") && shown.split(separator: "\n").contains { $0.hasPrefix("  M2  ") && $0.hasSuffix(" — withdrawn") })
        #expect(shown.contains("  N3  Deux lignes\n      la seconde — withdrawn\n"))
        #expect(!shown.split(separator: "\n").contains { $0.hasPrefix("  N2  ") && $0.hasSuffix("withdrawn") })
        #expect(try cli.run(["entry", "withdraw", "S1", "N3", "--reason", "doublon"]).status != 0)  // once only
    }

    @Test func verifyPrintsTheHeadAndChecksARecordedOne() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let verify = try cli.run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stderr == "The event chain is whole: 11 events checked; 0 document versions issued, each id with one content.\n")
        let head = verify.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "head ", with: "")
        #expect(ChainHead(head)?.sequence == 11)
        #expect(try cli.run(["verify", "--head", head]).status == 0)
        let wrong = try cli.run(["verify", "--head", "11:" + String(repeating: "a", count: 64)])
        #expect(wrong.status == 2)
        #expect(wrong.stdout.isEmpty)  // no head for a broken chain
        #expect(
            wrong.stderr
                == "accord: error: the event chain is broken at event 11: its chain value differs from the recorded head: the log was rewritten.\n"
        )
        let malformed = try cli.run(["verify", "--head", "eleven"])
        #expect(malformed.status == 1)
    }
}
