import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// Who took part and who answered, told truly: a participant added after closing is not shown
/// as having taken part in the consultation, nobody but a relative answers for an absent
/// patient, and an instrument is answered by the respondent it was designed for.
@Suite struct TruthfulParticipationTests {
    static let patient = CommandLineHabitsTests.patient

    func path(_ result: AccordCLI.Result) -> URL { URL(fileURLWithPath: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }

    @Test func aProfessionalAddedAfterClosingIsNotShownAsHavingTakenPart() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "start"] + Self.patient + ["--topic", "Choix"]).status == 0)
        #expect(
            try cli.run(["participant", "add", "S1", "--role", "professional", "--name", "Dr Présent", "--id", "801234567897"]).status == 0)
        #expect(try cli.run(["session", "close", "S1"]).status == 0)
        let added = try cli.run([
            "participant", "add", "S1", "--role", "professional", "--name", "Dr Après", "--id", "810987654323", "--reason", "avis demandé",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let cdaResult = try cli.run(["export", "S1", "--out", cli.folder.appendingPathComponent("cda").path])
        let cda = try XMLDocumentReader(data: try Data(contentsOf: path(cdaResult)))
        // Only P3, present at the consultation, is a header participant over its time.
        #expect(
            try cda.strings(xpath: "/hl7:ClinicalDocument/hl7:participant/hl7:associatedEntity/hl7:id/@extension") == ["801234567897"])
        let rows = "//hl7:section[hl7:code/@code='section-participants']/hl7:text/hl7:table/hl7:tbody/hl7:tr"
        #expect(try cda.string(xpath: "\(rows)[hl7:td[1]='P3']/hl7:td[6]") == "oui")
        #expect(try cda.string(xpath: "\(rows)[hl7:td[1]='P4']/hl7:td[6]") == "non : ajouté après la consultation")
        let fhirResult = try cli.run(["export", "S1", "--profile", "fhir-r4", "--out", cli.folder.appendingPathComponent("fhir").path])
        let fhir = try XMLDocumentReader(data: try Data(contentsOf: path(fhirResult)))
        // The clinician (PPRF) and P3 (SPRF); not P4.
        let encounter = ["Encounter", "participant", "type", "coding", "code"].map { "*[local-name()='\($0)']" }
        #expect(try fhir.strings(xpath: "//" + encounter.joined(separator: "/") + "/@value") == ["PPRF", "SPRF"])
    }

    @Test func onlyARelativeAnswersForAnAbsentPatient() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "start"] + Self.patient + ["--topic", "Choix", "--patient-absent"]).status == 0)
        #expect(try cli.run(["option", "add", "S1", "--kind", "treatment", "--label", "Chirurgie"]).status == 0)
        #expect(try cli.run(["participant", "add", "S1", "--role", "interpreter", "--name", "Interprète"]).status == 0)
        #expect(try cli.run(["participant", "add", "S1", "--role", "trusted-person", "--name", "Anne Test"]).status == 0)
        for proxy in ["P2", "P3"] {
            let refused = try cli.run(["decision", "record", "S1", "--agreed", "1", "--by", "P1", "--answered-by", proxy])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("accord: error: --answered-by: names \(proxy), a "))
            #expect(
                refused.stderr.contains(
                    "a professional or an interpreter does not answer for the patient; expected a relative, trusted person or carer who answered for the patient"
                ))
        }
        #expect(try cli.run(["decision", "record", "S1", "--agreed", "1", "--by", "P1", "--answered-by", "P4"]).status == 0)
    }

    @Test func anInstrumentIsAnsweredByTheRespondentItWasDesignedFor() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "start"] + Self.patient + ["--topic", "Choix"]).status == 0)
        let refused = try cli.run([
            "instrument", "record", "S1", "--instrument", "sure", "--answers", "yes,yes,no,yes", "--respondent", "clinician",
        ])
        #expect(refused.status != 0)
        #expect(
            refused.stderr
                == "accord: error: --respondent: is clinician, not who answers sure; expected patient (the respondent the instrument was designed for), or no --respondent.\n"
        )
        let shown = try cli.run(["session", "show", "S1", "--json"]).stdout
        #expect(!shown.contains("\"instrument\""))
        #expect(try cli.run(["instrument", "record", "S1", "--instrument", "sure", "--answers", "yes,yes,no,yes"]).status == 0)
    }

    @Test func anEmptyFamilyNameIsNamedAndARelativesIdIsNotCalledIdNatPS() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "start"] + Self.patient + ["--topic", "Choix"]).status == 0)
        let empty = try cli.run(["participant", "add", "S1", "--role", "relative", "--family-name", ""])
        #expect(empty.status != 0)
        #expect(empty.stderr.hasPrefix("accord: error: --family-name: is empty"))
        #expect(try cli.run(["participant", "add", "S1", "--role", "relative", "--name", "Anne Test", "--id", "A-17"]).status == 0)
        #expect(try cli.run(["session", "close", "S1"]).status == 0)
        let result = try cli.run(["export", "S1", "--out", cli.folder.appendingPathComponent("cda").path])
        let cda = try XMLDocumentReader(data: try Data(contentsOf: path(result)))
        let rows = "//hl7:section[hl7:code/@code='section-participants']/hl7:text/hl7:table/hl7:tbody/hl7:tr"
        #expect(try cda.string(xpath: "\(rows)[hl7:td[1]='P3']/hl7:td[5]") == "identifiant local A-17")
    }
}
