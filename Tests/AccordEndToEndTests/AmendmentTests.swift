import AccordCore
import AccordStore
import AccordStoreTestSupport
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
        // `session show` marks what was said after the consultation, when, by whom and why.
        let amendedShow = try cli.run(["session", "show", "S1"]).stdout
        let author = try #require(
            amendedShow.firstMatch(of: /N2  Le patient a rappelé\. — added after closing \S+Z by (\d+): appel reçu après la consultation\n/)
        )
        #expect(amendedShow.contains("(importance 3/5) — withdrawn after closing "))
        #expect(amendedShow.contains(" by \(author.1): mal compris\n"))

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
        // The preference withdrawn after closing stays, marked withdrawn with its reason; the
        // amendment's note is in it, marked as added after the consultation.
        let text = String(decoding: try Data(contentsOf: path(v2)), as: UTF8.self)
        let withdrawnPreference = "//hl7:section[hl7:code/@code='section-preferences']/hl7:text/hl7:list/hl7:item[2]"
        #expect(
            try second.string(xpath: "\(withdrawnPreference)/hl7:content")
                == "Ne pas multiplier les hospitalisations (importance 3/5) (retirée)")
        #expect(
            try second.strings(xpath: "\(withdrawnPreference)/hl7:list/hl7:item") == [
                "Retirée après la consultation le 2 mars 2026 à 10:30 (heure de Paris) par Dr Hélène Roussel (IdNat_PS 810123456781), motif : mal compris."
            ])
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
            shown.split(separator: "\n").contains {
                $0.hasPrefix("  M2  ") && $0.contains(" — withdrawn after closing ") && $0.hasSuffix(": mal compris")
            })
        #expect(shown.contains("  N3  Deux lignes\n      la seconde — added after closing "))
        #expect(shown.split(separator: "\n").contains { $0.contains(": essai — withdrawn after closing ") && $0.hasSuffix(": doublon") })
        #expect(!shown.split(separator: "\n").contains { $0.hasPrefix("  N2  ") && $0.hasSuffix("withdrawn") })
        #expect(try cli.run(["entry", "withdraw", "S1", "N3", "--reason", "doublon"]).status != 0)  // once only
    }

    /// XPath over a FHIR document: `f:Name` steps stand for elements of `http://hl7.org/fhir`.
    func fhir(_ xpath: String) -> String {
        xpath.replacingOccurrences(
            of: #"(?<![A-Za-z0-9_:.-])f:([A-Za-z][A-Za-z0-9]*)"#,
            with: "*[local-name()='$1' and namespace-uri()='http://hl7.org/fhir']", options: .regularExpression)
    }

    /// Issue 15, part 1: amendments are visible. After closing, an option is added (by another
    /// professional of the session), a preference added (by the session's clinician) and a note
    /// withdrawn (by an author who is not a participant, in summer time), each with a reason.
    /// The next CDA and FHIR documents say when (Paris time in words, UTC in coded values), by
    /// whom and why; the FHIR document is `amended`, has a Provenance per amendment and
    /// replaces the first FHIR version. The first versions, issued before, are unchanged.
    @Test(.enabled(if: schemasFolder != nil, "ACCORD_SCHEMAS is unset: skipped validation against the official schemas"))
    func amendmentsAreVisibleInTheNextCDAAndFHIRDocuments() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": schemasFolder!])
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let out = cli.folder.appendingPathComponent("out").path
        let cda1 = try cli.run(["export", "S1", "--out", out])
        let fhir1 = try cli.run(["export", "S1", "--profile", "fhir-r4", "--out", out])
        #expect(cda1.status == 0 && fhir1.status == 0, "\(cda1.stderr)\(fhir1.stderr)")

        // A document without amendments: status final, the one Provenance of the document, no
        // amendments section, no author on the entries.
        let first = try XMLDocumentReader(data: try Data(contentsOf: path(fhir1)))
        #expect(try first.string(xpath: fhir("/f:Bundle/f:entry/f:resource/f:Composition/f:status/@value")) == "final")
        #expect(try first.count(xpath: fhir("//f:Provenance")) == 1)
        #expect(try first.count(xpath: fhir("//f:Composition/f:relatesTo")) == 0)
        let firstCDA = try XMLDocumentReader(data: try Data(contentsOf: path(cda1)))
        #expect(try firstCDA.count(xpath: "//hl7:entry//hl7:author") == 0)
        #expect(try firstCDA.count(xpath: "//hl7:section[hl7:code/@code='section-amendments']") == 0)

        let option = try cli.run(
            [
                "option", "add", "S1", "--kind", "supportive-care", "--label", "Soins de support seuls",
                "--reason", "option évoquée par téléphone",
            ], environment: ["ACCORD_NOW": "2026-03-03T09:15:00Z", "ACCORD_AUTHOR": "810987654323"])
        #expect(option.status == 0, "\(option.stderr)")
        let preference = try cli.run(
            ["preference", "add", "S1", "--text", "Rester proche de sa famille", "--reason", "précisé par le patient"],
            environment: ["ACCORD_NOW": "2026-03-04T16:40:00Z"])
        #expect(preference.status == 0, "\(preference.stderr)")
        let withdrawal = try cli.run(
            ["entry", "withdraw", "S1", "N1", "--reason", "note saisie dans le mauvais dossier"],
            environment: ["ACCORD_NOW": "2026-06-15T08:05:00Z", "ACCORD_AUTHOR": "801234567897"])
        #expect(withdrawal.status == 0, "\(withdrawal.stderr)")

        let now = ["ACCORD_NOW": "2026-06-16T07:00:00Z"]
        let cda2 = try cli.run(["export", "S1", "--out", out], environment: now)
        let fhir2 = try cli.run(["export", "S1", "--profile", "fhir-r4", "--out", out], environment: now)
        #expect(cda2.status == 0 && fhir2.status == 0, "\(cda2.stderr)\(fhir2.stderr)")
        #expect(path(cda2).lastPathComponent == "S1-v2.cda.xml")
        #expect(path(fhir2).lastPathComponent == "S1-v2.fhir.xml")

        let addedOption =
            "Ajoutée après la consultation le 3 mars 2026 à 10:15 (heure de Paris) par Dr Karim Benali (IdNat_PS 810987654323), motif : option évoquée par téléphone."
        let addedPreference =
            "Ajoutée après la consultation le 4 mars 2026 à 17:40 (heure de Paris) par Dr Hélène Roussel (IdNat_PS 810123456781), motif : précisé par le patient."
        let withdrawnNote =
            "Retirée après la consultation le 15 juin 2026 à 10:05 (heure de Paris) par IdNat_PS 801234567897, motif : note saisie dans le mauvais dossier."

        // CDA: each entry marked in its section, the amendments listed in their own section,
        // author and UTC time on the coded option.
        let cda = try XMLDocumentReader(data: try Data(contentsOf: path(cda2)))
        let options = "//hl7:section[hl7:code/@code='section-options']"
        #expect(try cda.strings(xpath: "\(options)/hl7:text/hl7:list/hl7:item[4]/hl7:list/hl7:item") == [addedOption])
        #expect(
            try cda.string(xpath: "\(options)/hl7:text/hl7:list/hl7:item[4]/hl7:content")
                == "Option 4 — Soins de support : Soins de support seuls")
        let entry = "\(options)/hl7:entry/hl7:act[hl7:id/@extension='O4']"
        #expect(try cda.count(xpath: "\(entry)/hl7:author") == 1)
        #expect(try cda.string(xpath: "\(entry)/hl7:author/hl7:time/@value") == "20260303091500+0000")
        #expect(try cda.string(xpath: "\(entry)/hl7:author/hl7:assignedAuthor/hl7:id/@root") == "1.2.250.1.71.4.2.1")
        #expect(try cda.string(xpath: "\(entry)/hl7:author/hl7:assignedAuthor/hl7:id/@extension") == "810987654323")
        #expect(try cda.string(xpath: "\(entry)/hl7:author/hl7:assignedAuthor/hl7:assignedPerson/hl7:name/hl7:family") == "Dr Karim Benali")
        #expect(try cda.count(xpath: "\(options)/hl7:entry/hl7:act[hl7:id/@extension='O1']/hl7:author") == 0)
        let preferences = "//hl7:section[hl7:code/@code='section-preferences']/hl7:text/hl7:list/hl7:item"
        #expect(try cda.string(xpath: "\(preferences)[3]/hl7:list/hl7:item") == addedPreference)
        let notes = "//hl7:section[hl7:code/@code='55112-7']/hl7:text/hl7:paragraph"
        #expect(
            try cda.strings(xpath: notes) == [
                "Note N1 (retirée) : Le patient souhaite en reparler avec son médecin traitant & sa famille.", withdrawnNote,
            ])
        let amendments = "//hl7:section[hl7:code/@code='section-amendments']"
        #expect(try cda.string(xpath: "\(amendments)/hl7:title") == "Modifications après la consultation")
        #expect(
            try cda.strings(xpath: "\(amendments)/hl7:text/hl7:list/hl7:item") == [
                "Option O4 : ajoutée après la consultation le 3 mars 2026 à 10:15 (heure de Paris) par Dr Karim Benali (IdNat_PS 810987654323), motif : option évoquée par téléphone.",
                "Préférence M3 : ajoutée après la consultation le 4 mars 2026 à 17:40 (heure de Paris) par Dr Hélène Roussel (IdNat_PS 810123456781), motif : précisé par le patient.",
                "Note N1 : retirée après la consultation le 15 juin 2026 à 10:05 (heure de Paris) par IdNat_PS 801234567897, motif : note saisie dans le mauvais dossier.",
            ])
        let schema = try XMLSchema(contentsOf: URL(fileURLWithPath: schemasFolder!).appendingPathComponent("cda-fr/CDA_extended.xsd"))
        #expect(try schema.validate(Data(contentsOf: path(cda2))) == [])

        // FHIR: amended, replaces version 1, a Provenance per amendment.
        let bundle = try XMLDocumentReader(data: try Data(contentsOf: path(fhir2)))
        let composition = "/f:Bundle/f:entry[1]/f:resource/f:Composition"
        #expect(try bundle.string(xpath: fhir("\(composition)/f:status/@value")) == "amended")
        #expect(try bundle.string(xpath: fhir("\(composition)/f:relatesTo/f:code/@value")) == "replaces")
        #expect(
            try bundle.string(xpath: fhir("\(composition)/f:relatesTo/f:targetIdentifier/f:value/@value"))
                == first.string(xpath: fhir("/f:Bundle/f:identifier/f:value/@value")))
        #expect(try bundle.count(xpath: fhir("//f:Provenance")) == 4)
        func url(_ resource: String) throws -> String? {
            try bundle.string(
                xpath: fhir("/f:Bundle/f:entry[f:resource/*/f:identifier/f:value/@value='\(resource)']/f:fullUrl/@value"))
        }
        let provenance = "/f:Bundle/f:entry/f:resource/f:Provenance"
        #expect(
            try bundle.strings(xpath: fhir("\(provenance)[f:activity]/f:recorded/@value")) == [
                "2026-03-03T09:15:00Z", "2026-03-04T16:40:00Z", "2026-06-15T08:05:00Z",
            ])
        #expect(
            try bundle.strings(xpath: fhir("\(provenance)[f:activity]/f:reason/f:text/@value")) == [
                "option évoquée par téléphone", "précisé par le patient", "note saisie dans le mauvais dossier",
            ])
        #expect(
            try bundle.strings(xpath: fhir("\(provenance)[f:activity]/f:activity/f:coding/f:code/@value")) == [
                "CREATE", "CREATE", "NULLIFY",
            ])
        let optionURL = try #require(try url("O4"))
        let preferenceURL = try #require(try url("M3"))
        let compositionURL = try #require(try bundle.string(xpath: fhir("/f:Bundle/f:entry[1]/f:fullUrl/@value")))
        #expect(
            try bundle.strings(xpath: fhir("\(provenance)[f:activity]/f:target/f:reference/@value")) == [
                optionURL, preferenceURL, compositionURL,
            ])
        #expect(
            try bundle.strings(xpath: fhir("\(provenance)[f:activity]/f:agent/f:who/f:display/@value")) == [
                "Dr Karim Benali (IdNat_PS 810987654323)", "Dr Hélène Roussel (IdNat_PS 810123456781)", "IdNat_PS 801234567897",
            ])
        // Each agent is the Practitioner of its author (the third one, not a participant, has one too).
        for who in try bundle.strings(xpath: fhir("\(provenance)[f:activity]/f:agent/f:who/f:reference/@value")) {
            #expect(try bundle.count(xpath: fhir("/f:Bundle/f:entry[f:fullUrl/@value='\(who)']/f:resource/f:Practitioner")) == 1)
        }
        // The added option's CarePlan: created at the amendment (UTC), authored by its author.
        let carePlan = "/f:Bundle/f:entry[f:fullUrl/@value='\(optionURL)']/f:resource/f:CarePlan"
        #expect(try bundle.string(xpath: fhir("\(carePlan)/f:created/@value")) == "2026-03-03T09:15:00Z")
        let author = try #require(try bundle.string(xpath: fhir("\(carePlan)/f:author/f:reference/@value")))
        #expect(
            try bundle.string(
                xpath: fhir("/f:Bundle/f:entry[f:fullUrl/@value='\(author)']/f:resource/f:PractitionerRole/f:practitioner/f:display/@value")
            )
                == "Dr Karim Benali")
        // The Composition's notes section shows the withdrawn note as withdrawn, with its reason.
        #expect(
            try bundle.strings(xpath: fhir("\(composition)/f:section[f:title/@value='Notes']/f:text/*/*[local-name()='p']")) == [
                "Note N1 (retirée) : Le patient souhaite en reparler avec son médecin traitant & sa famille.", withdrawnNote,
            ])
        let fhirSchema = try XMLSchema(contentsOf: URL(fileURLWithPath: schemasFolder!).appendingPathComponent("fhir-r4/fhir-single.xsd"))
        #expect(try fhirSchema.validate(Data(contentsOf: path(fhir2))) == [])

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
