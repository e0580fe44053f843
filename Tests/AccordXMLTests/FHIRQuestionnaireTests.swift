import AccordCore
import AccordXML
import Foundation
import Testing

/// The instruments as FHIR Questionnaire resources (issue 15, part 6): generated from the
/// catalogue, checked in under `Exports/fhir-r4/questionnaires/`, valid against the FHIR schema.
@Suite struct FHIRQuestionnaireTests {
    static let folder = CDAFixtures.packageRoot.appendingPathComponent("Exports/fhir-r4/questionnaires", isDirectory: true)

    /// The shipped files are the generator's output with the example settings; rerun with
    /// `ACCORD_UPDATE_EXAMPLES=1` after a change of the catalogue.
    @Test("the checked-in Questionnaires are the ones the catalogue gives", arguments: Instrument.all)
    func checkedIn(_ instrument: Instrument) throws {
        let data = FHIRQuestionnaire.document(instrument, centre: .example)
        let file = Self.folder.appendingPathComponent(FHIRQuestionnaire.fileName(instrument.id))
        if ProcessInfo.processInfo.environment["ACCORD_UPDATE_EXAMPLES"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try data.write(to: file)
        }
        #expect(try Data(contentsOf: file) == data, "\(file.lastPathComponent) is stale; rerun with ACCORD_UPDATE_EXAMPLES=1")
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".xml") }
        #expect(Set(names) == Set(Instrument.all.map { FHIRQuestionnaire.fileName($0.id) }))
    }

    @Test("items: linkIds 1…n, our short labels, the answer type of the catalogue", arguments: Instrument.all)
    func items(_ instrument: Instrument) throws {
        let reader = try FHIRReader(FHIRQuestionnaire.document(instrument, centre: .example))
        let item = "/f:Questionnaire/f:item"
        #expect(try reader.strings("\(item)/f:linkId/@value") == (1...instrument.itemCount).map(String.init))
        #expect(
            try reader.strings("\(item)/f:text/@value")
                == (1...instrument.itemCount).map { "Item \($0) (\(instrument.answerDescription))" })
        switch instrument.answerKind {
        case .scale(let range):
            #expect(try reader.strings("\(item)/f:type/@value") == Array(repeating: "integer", count: instrument.itemCount))
            #expect(
                try reader.strings("\(item)/f:extension[@url='http://hl7.org/fhir/StructureDefinition/minValue']/f:valueInteger/@value")
                    == Array(repeating: String(range.lowerBound), count: instrument.itemCount))
            #expect(
                try reader.strings("\(item)/f:extension[@url='http://hl7.org/fhir/StructureDefinition/maxValue']/f:valueInteger/@value")
                    == Array(repeating: String(range.upperBound), count: instrument.itemCount))
        case .yesNo:
            #expect(try reader.strings("\(item)/f:type/@value") == Array(repeating: "boolean", count: instrument.itemCount))
        case .letters(let letters):
            #expect(try reader.strings("\(item)/f:type/@value") == ["choice"])
            #expect(try reader.strings("\(item)/f:answerOption/f:valueString/@value") == letters)
        }
        #expect(try reader.string("/f:Questionnaire/f:version/@value") == instrument.version)
        #expect(try reader.string("/f:Questionnaire/f:experimental/@value") == "true")
        let schema = try #require(CDAFixtures.schemaLocator).fhir()
        #expect(schema.validate(FHIRQuestionnaire.document(instrument, centre: .example)) == [])
    }

    @Test("canonical URLs: under the centre's FHIR base, else urn:oid under its root; never example.org")
    func canonicalURLs() throws {
        var centre = CDAFixtures.centre
        #expect(FHIRQuestionnaire.canonical(.sdmQ9, centre: centre) == "urn:oid:2.999.1.6.4")
        #expect(
            FHIRQuestionnaire.versionedCanonical(.dcs16, version: "2010-statement", centre: centre) == "urn:oid:2.999.1.6.8|2010-statement")
        centre.fhirBase = "https://fhir.centre-test.fr/fhir"
        #expect(FHIRQuestionnaire.canonical(.sdmQ9, centre: centre) == "https://fhir.centre-test.fr/fhir/Questionnaire/sdm-q-9")
        let reader = try FHIRReader(FHIRQuestionnaire.document(Instrument.all[0], centre: centre))
        #expect(try reader.string("/f:Questionnaire/f:url/@value") == "https://fhir.centre-test.fr/fhir/Questionnaire/sure")
        #expect(Set(Instrument.all.map { FHIRQuestionnaire.number($0.id) }).count == Instrument.all.count)
        for text in Instrument.all.map({ String(decoding: FHIRQuestionnaire.document($0, centre: .example), as: UTF8.self) }) {
            #expect(!text.contains("example.org"))
        }
    }

    @Test(arguments: [
        ("http://fhir.centre.fr", "is not an https URL without query, fragment or final /"),
        ("https://fhir.centre.fr/", "is not an https URL without query, fragment or final /"),
        ("https://example.org/fhir", "is on the example domain example.org, where no one can resolve a canonical URL"),
        ("https://fhir.example.com", "is on the example domain example.com, where no one can resolve a canonical URL"),
    ])
    func aFHIRBaseIsChecked(base: String, problem: String) throws {
        var centre = CentreSettings.example
        centre.finess = "750712184"
        centre.fhirBase = base
        let error = try #require(throws: AccordError.self) { try centre.validate() }
        #expect(error.field == "--fhir-base")
        #expect(error.message.hasPrefix(problem + "; expected"), "\(error.message)")
        centre.fhirBase = "https://fhir.centre.fr/fhir"
        try centre.validate()
    }
}
