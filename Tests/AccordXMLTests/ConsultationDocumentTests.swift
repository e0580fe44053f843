import AccordCore
import Foundation
import Testing

@testable import AccordXML

/// One document model, rendered by the CDA, FHIR and custom profiles alike.
@Suite struct ConsultationDocumentTests {
    static let expectedTitles = [
        "Participants", "Décision à prendre", "Diagnostic", "Options discutées", "Ce qui compte pour le patient", "Décision",
        "Suite de la prise en charge", "Notes",
    ]

    @Test func theModelHoldsTheSectionsInOrderWithTheirWording() throws {
        let document = ConsultationDocument(try CDAFixtures.consultation())
        #expect(document.sections.map(\.title) == Self.expectedTitles)
        #expect(
            document.sections.map(\.kind) == [.participants, .topic, .condition, .options, .preferences, .decision, .nextSteps, .notes])
        let options = try #require(document.sections.first { $0.kind == .options })
        guard case .list(let items, ordered: true) = options.blocks.first else {
            Issue.record("the options are not a numbered list")
            return
        }
        #expect(
            items.first?.line
                == .anchored("option-1", "Option 1 — Traitement : Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>"))
        #expect(
            items.first?.details == [
                "Bénéfice : Contrôle local de la maladie", "Risque ou inconvénient : Fatigue pendant le traitement",
                "Risque ou inconvénient : Troubles urinaires transitoires", "Origine : rcp",
            ])
        let decision = try #require(document.sections.first { $0.kind == .decision })
        #expect(
            decision.blocks.first
                == .paragraph([
                    .anchored(
                        "decision", "Option retenue : option 1 — Traitement : Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>"),
                    .text("."),
                ]))
    }

    @Test func cdaAndFHIRRenderTheSameSections() throws {
        let input = try CDAFixtures.input()
        let document = ConsultationDocument(input.consultation)
        let cda = try XMLDocumentReader(data: CDAExporter.document(input))
        #expect(try cda.strings(xpath: "//hl7:structuredBody/hl7:component/hl7:section/hl7:title") == document.sections.map(\.title))
        let fhir = try FHIRReader(FHIRExporter.document(input))
        let composition = "/f:Bundle/f:entry[1]/f:resource/f:Composition"
        #expect(try fhir.strings("\(composition)/f:section/f:title/@value") == document.sections.map(\.title))
        let codes = document.sections.map { section -> String in
            switch section.code {
            case .loinc(let code, _), .local(let code, _): code
            }
        }
        #expect(try cda.strings(xpath: "//hl7:structuredBody/hl7:component/hl7:section/hl7:code/@code") == codes)
        #expect(try fhir.strings("\(composition)/f:section/f:code/f:coding/f:code/@value") == codes)
        // The same paragraph, anchored in CDA, plain in FHIR.
        #expect(
            try cda.string(xpath: "//hl7:content[@ID='decision']")
                == "Option retenue : option 1 — Traitement : Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>")
    }

    @Test func aCustomProfileReceivesTheSections() throws {
        let input = try CDAFixtures.input(decision: .declined)
        let context = MustacheProfile.context(input, profile: try MustacheProfileTests.profile(), pseudonymised: false)
        let sections = try #require(context["sections"] as? [[String: Any]])
        #expect(sections.compactMap { $0["title"] as? String } == Self.expectedTitles)
        #expect(sections[2]["code"] as? String == "72135-7" && sections[2]["code_system"] as? String == "loinc")
        let decision = try #require(sections.first { $0["kind"] as? String == "decision" })
        let paragraphs = (decision["blocks"] as? [[String: Any]])?.compactMap { $0["paragraph"] as? String }
        // The paragraph only the FHIR rendering needs is not there.
        #expect(paragraphs?.first == "Le patient a décliné les options proposées.")
        #expect(paragraphs?.contains { $0.hasPrefix("Aucun plan de soins") } == false)
    }
}
