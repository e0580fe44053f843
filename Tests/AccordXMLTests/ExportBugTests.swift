import AccordCore
import AccordXML
import Foundation
import Testing

/// The export bugs real record systems reject (`standards/RECORD.md`, last section), checked on
/// CDA and FHIR exports of a consultation with every kind of content: relatives, a carer, an
/// interpreter, a trial option, phases, a decision aid, instruments, a deferral, and a version
/// that replaces an earlier one (an amendment).
@Suite struct ExportBugTests {
    enum Format: String, CaseIterable {
        case cda, fhir
    }

    static let cases: [(Format, DecisionOutcome, Int)] = Format.allCases.flatMap { format in
        [(format, .agreed(option: 1), 1), (format, .deferred(nextContact: CalendarDate("2026-03-16")!), 1), (format, .declined, 2)]
    }

    func document(_ format: Format, _ decision: DecisionOutcome, version: Int) throws -> Data {
        let replacing =
            version > 1 ? CDAExporter.documentID(session: SessionID(number: 1), version: version - 1, centre: CDAFixtures.centre) : nil
        let input = try FHIRFixtures.input(decision: decision, version: version, replacing: replacing)
        return format == .cda ? CDAExporter.document(input) : FHIRExporter.document(input)
    }

    @Test(arguments: cases.indices)
    func noExportBug(_ index: Int) throws {
        let (format, decision, version) = Self.cases[index]
        let data = try document(format, decision, version: version)
        let reader = try XMLDocumentReader(data: data)
        // A UTF-8 byte-order mark.
        #expect(Array(data.prefix(3)) != [0xEF, 0xBB, 0xBF])
        #expect(data.prefix(5) == Data("<?xml".utf8))
        // Control characters pasted from word processors (the fixture's note holds U+0001).
        #expect(!data.contains(0x01))
        // An empty attribute value where the type needs at least one character.
        #expect(try reader.count(xpath: "//@*[string-length(.) = 0]") == 0)
        // A wrongly cased attribute.
        #expect(try reader.count(xpath: "//@*[local-name() = 'nullflavor' or local-name() = 'Nullflavor']") == 0)
        // A table inside a paragraph of the narrative block.
        #expect(try reader.count(xpath: "//*[local-name() = 'paragraph' or local-name() = 'p']//*[local-name() = 'table']") == 0)
        // `--` inside an XML comment.
        #expect(try reader.count(xpath: "//comment()[contains(., '--')]") == 0)
        // `&`, `<` and quotes in values come back intact once parsed (escaped in the bytes).
        let label = "Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>"
        let texts = try reader.strings(xpath: "//text() | //@value")
        #expect(texts.contains { $0.contains(label) }, "\(format) keeps the option label intact")
        #expect(!String(decoding: data, as: UTF8.self).contains("& hormonothérapie <6"), "escaped in the bytes")
        if let folder = ProcessInfo.processInfo.environment["ACCORD_SCHEMAS"], !folder.isEmpty {
            let locator = SchemaLocator(folder: folder)
            let schema = format == .cda ? try locator.cda() : try locator.fhir()
            #expect(schema.validate(data) == [], "\(format) \(decision.name) v\(version) validates")
        }
    }
}
