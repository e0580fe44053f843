import AccordCore
import Foundation
import Testing

@testable import AccordXML

@Suite("CDA export (cda-fr)")
struct CDAExporterTests {
    private let doc = "/hl7:ClinicalDocument"

    private func read(_ input: CDAExportInput) throws -> (Data, XMLDocumentReader) {
        let data = CDAExporter.document(input)
        return (data, try XMLDocumentReader(data: data))
    }

    @Test("the header carries the ids, codes and INS identity traits exactly")
    func header() throws {
        let (data, reader) = try read(try CDAFixtures.input())
        #expect(Array(data.prefix(3)) != [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: data.prefix(38), as: UTF8.self) == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        #expect(try reader.string(xpath: "\(doc)/hl7:realmCode/@code") == "FR")
        #expect(
            try reader.strings(xpath: "\(doc)/hl7:templateId/@root") == [
                "2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "2.25.283297555832327549653822455234110437042.1",
            ])
        #expect(try reader.string(xpath: "\(doc)/hl7:templateId[3]/@extension") == "2026.01")
        #expect(try reader.string(xpath: "\(doc)/hl7:id/@root") == "2.999.1.1.1.1")
        #expect(try reader.count(xpath: "\(doc)/hl7:id/@extension") == 0)
        #expect(try reader.string(xpath: "\(doc)/hl7:setId/@root") == "2.999.1.1.1")
        #expect(try reader.count(xpath: "\(doc)/hl7:setId/@extension") == 0)
        #expect(try reader.string(xpath: "\(doc)/hl7:versionNumber/@value") == "1")
        #expect(try reader.string(xpath: "\(doc)/hl7:code/@code") == "11488-4")
        #expect(try reader.string(xpath: "\(doc)/hl7:code/@displayName") == "CR ou fiche de consultation ou de visite")
        #expect(try reader.string(xpath: "\(doc)/hl7:effectiveTime/@value") == "20260302101500+0000")
        #expect(try reader.string(xpath: "\(doc)/hl7:confidentialityCode/@displayName") == "Normal")
        #expect(try reader.string(xpath: "\(doc)/hl7:languageCode/@code") == "fr-FR")

        let role = "\(doc)/hl7:recordTarget/hl7:patientRole"
        #expect(try reader.string(xpath: "\(role)/hl7:id[@root='1.2.250.1.213.1.4.10']/@extension") == "175062A00412377")
        #expect(try reader.string(xpath: "\(role)/hl7:id[@root='2.999.1.2']/@extension") == "IPP-000123")
        let name = "\(role)/hl7:patient/hl7:name"
        #expect(try reader.string(xpath: "\(name)/hl7:family[@qualifier='BR']") == "D'ARTAGNAN-LE-GALL")
        #expect(try reader.string(xpath: "\(name)/hl7:given[not(@qualifier)]") == "JEAN-PIERRE MARIE")
        #expect(try reader.string(xpath: "\(name)/hl7:given[@qualifier='BR']") == "JEAN-PIERRE")
        #expect(try reader.string(xpath: "\(name)/hl7:family[@qualifier='CL']") == "LE GALL")
        #expect(try reader.string(xpath: "\(name)/hl7:given[@qualifier='CL']") == "JEAN-PIERRE")
        #expect(try reader.string(xpath: "\(role)/hl7:patient/hl7:administrativeGenderCode/@code") == "M")
        #expect(try reader.string(xpath: "\(role)/hl7:patient/hl7:birthTime/@value") == "19750614")
        #expect(try reader.string(xpath: "\(role)/hl7:patient/hl7:birthplace/hl7:place/hl7:addr/hl7:county") == "2A004")

        #expect(try reader.string(xpath: "\(doc)/hl7:author/hl7:assignedAuthor/hl7:id/@extension") == "801234567897")
        #expect(
            try reader.string(xpath: "\(doc)/hl7:author/hl7:assignedAuthor/hl7:representedOrganization/hl7:id/@extension") == "12A0000014")
        #expect(try reader.string(xpath: "\(doc)/hl7:legalAuthenticator/hl7:signatureCode/@code") == "S")
        #expect(
            try reader.string(xpath: "\(doc)/hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:id/@extension")
                == "12A0000014")
        #expect(try reader.strings(xpath: "\(doc)/hl7:informant/hl7:relatedEntity/@classCode") == ["NOK", "CAREGIVER"])
        #expect(
            try reader.string(xpath: "\(doc)/hl7:participant[@typeCode='PRF']/hl7:associatedEntity/hl7:id/@extension") == "810123456781")
        let performer = "\(doc)/hl7:documentationOf/hl7:serviceEvent/hl7:performer[@typeCode='PRF']/hl7:assignedEntity"
        #expect(try reader.string(xpath: "\(performer)/hl7:representedOrganization/hl7:standardIndustryClassCode/@code") == "ETABLISSEMENT")
        #expect(
            try reader.string(xpath: "\(doc)/hl7:documentationOf/hl7:serviceEvent/hl7:effectiveTime/hl7:low/@value")
                == "20260302093000+0000")
        #expect(
            try reader.string(xpath: "\(doc)/hl7:componentOf/hl7:encompassingEncounter/hl7:location/hl7:healthCareFacility/hl7:code/@code")
                == "SA36")
    }

    @Test("relatedDocument appears only for a replacing version, once, with typeCode RPLC")
    func relatedDocument() throws {
        let (_, first) = try read(try CDAFixtures.input())
        #expect(try first.count(xpath: "\(doc)/hl7:relatedDocument") == 0)

        let v1 = CDAExporter.documentID(session: SessionID(number: 1), version: 1, centre: CDAFixtures.centre)
        let (_, second) = try read(try CDAFixtures.input(version: 2, replacing: v1))
        #expect(try second.count(xpath: "\(doc)/hl7:relatedDocument") == 1)
        #expect(try second.count(xpath: "\(doc)/hl7:relatedDocument[@typeCode='RPLC']") == 1)
        #expect(try second.string(xpath: "\(doc)/hl7:relatedDocument/hl7:parentDocument/hl7:id/@root") == "2.999.1.1.1.1")
        #expect(try second.string(xpath: "\(doc)/hl7:id/@root") == "2.999.1.1.1.2")
        #expect(try second.string(xpath: "\(doc)/hl7:setId/@root") == "2.999.1.1.1")
        #expect(try second.string(xpath: "\(doc)/hl7:versionNumber/@value") == "2")
    }

    @Test("the body cites the RCP report and codes the options and the decision")
    func body() throws {
        let (_, reader) = try read(try CDAFixtures.input())
        let body = "\(doc)/hl7:component/hl7:structuredBody/hl7:component/hl7:section"
        let reference = "\(body)/hl7:entry/hl7:act/hl7:reference[@typeCode='REFR']/hl7:externalDocument"
        #expect(try reader.string(xpath: "\(reference)/hl7:id/@root") == "1.2.250.1.213.1.1.1.8.2022.2.1")
        #expect(try reader.count(xpath: "\(body)/hl7:entry/hl7:act[@moodCode='PRP']") == 3)
        #expect(
            try reader.strings(xpath: "\(body)/hl7:entry/hl7:act[@moodCode='PRP']/hl7:code/@code")
                == ["option-treatment", "option-clinical-trial", "option-active-surveillance"])
        let decision = "\(body)/hl7:entry/hl7:act[hl7:code/@code='decision-agreed']"
        #expect(try reader.count(xpath: decision) == 1)
        #expect(try reader.string(xpath: "\(decision)/hl7:entryRelationship[@typeCode='REFR']/hl7:act/hl7:id/@extension") == "O1")
        #expect(try reader.count(xpath: "//hl7:paragraph//hl7:table") == 0)
        #expect(try reader.strings(xpath: "\(body)/hl7:code/@code").allSatisfy { !$0.isEmpty })
        #expect(try reader.count(xpath: "\(body)[not(hl7:title) or not(hl7:text)]") == 0)
        #expect(try reader.string(xpath: "//hl7:content[@ID='option-2']")?.contains("Essai") == true)
        #expect(try reader.strings(xpath: "//hl7:item").contains("Essai clinique, identifiant de registre : NCT01234567"))
    }

    /// Notes go in the CI-SIS section FR-Commentaire-non-code (LOINC 55112-7, the three
    /// templateIds of the ANS example CANCER-FRCP_2022.01_Transversale.xml); the decision to
    /// make in LOINC 29299-5 (reason for visit); local codes only where LOINC has none.
    @Test("section codes: notes in Commentaire non codé (55112-7), topic 29299-5, local codes elsewhere")
    func sectionCodes() throws {
        let (_, reader) = try read(try CDAFixtures.input())
        let body = "\(doc)/hl7:component/hl7:structuredBody/hl7:component/hl7:section"
        let notes = "\(body)[hl7:code/@code='55112-7']"
        #expect(
            try reader.strings(xpath: "\(notes)/hl7:templateId/@root") == [
                "2.16.840.1.113883.10.12.201", "1.3.6.1.4.1.19376.1.4.1.2.16", "1.2.250.1.213.1.1.2.73",
            ])
        #expect(try reader.string(xpath: "\(notes)/hl7:code/@codeSystem") == "2.16.840.1.113883.6.1")
        #expect(try reader.string(xpath: "\(notes)/hl7:code/@displayName") == "Commentaire")
        #expect(try reader.count(xpath: "\(notes)/hl7:text/hl7:paragraph") == 1)
        #expect(try reader.count(xpath: "\(body)[hl7:code/@code='48767-8']") == 0)
        #expect(try reader.string(xpath: "\(body)[hl7:title='Décision à prendre']/hl7:code/@code") == "29299-5")
        #expect(
            try reader.strings(xpath: "\(body)/hl7:code[@codeSystem='2.16.840.1.113883.6.1']/@code") == [
                "29299-5", "72135-7", "18776-5", "55112-7",
            ])
        #expect(
            try reader.strings(xpath: "\(body)/hl7:code[@codeSystem='\(KnownOID.accordLocalCodeSystem)']/@code") == [
                "section-participants", "section-options", "section-preferences", "section-decision",
            ])
    }

    /// The product's OIDs are on Accord's own arc, never under a centre root.
    @Test("the content-model templateId and the local code system are on Accord's arc 2.25.283297555832327549653822455234110437042")
    func productOIDs() throws {
        let (_, reader) = try read(try CDAFixtures.input())
        #expect(try reader.string(xpath: "\(doc)/hl7:templateId[3]/@root") == "2.25.283297555832327549653822455234110437042.1")
        #expect(CDAExporter.localCodeSystem == "2.25.283297555832327549653822455234110437042.2")
        #expect(try reader.count(xpath: "//*[@codeSystem='2.999.1.1.2']") == 0)
    }

    @Test("a document made with example settings says so in its title; a centre's own does not")
    func exampleTitle() throws {
        var input = try CDAFixtures.input()
        input.centre = .example
        let (_, example) = try read(input)
        #expect(
            try example.string(xpath: "\(doc)/hl7:title")
                == "Consultation de décision médicale partagée — EXEMPLE (paramètres du centre d'exemple, sans valeur médicale)")
        input.centre.oidRoot = "1.2.250.1.999.7"
        let (_, real) = try read(input)
        #expect(try real.string(xpath: "\(doc)/hl7:title") == "Consultation de décision médicale partagée")
    }

    @Test("a deferred decision gives the next contact as an appointment")
    func deferred() throws {
        let next = CalendarDate("2026-03-16")!
        let (_, reader) = try read(try CDAFixtures.input(decision: .deferred(nextContact: next)))
        #expect(try reader.string(xpath: "//hl7:encounter[@moodCode='APT']/hl7:effectiveTime/@value") == "20260316")
        #expect(try reader.count(xpath: "//hl7:act[hl7:code/@code='decision-deferred']") == 1)
        #expect(try reader.string(xpath: "//hl7:content[@ID='next-contact']")?.contains("16/03/2026") == true)
    }

    @Test("free text is escaped, control characters are removed and emoji survive")
    func freeText() throws {
        let (data, reader) = try read(try CDAFixtures.input())
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\u{1}"))
        #expect(text.contains("🙂"))
        #expect(text.contains("sœur &amp; de son aidant"))
        #expect(text.contains("&lt;avant&gt;") || text.contains("&lt;avant>"))
        #expect(text.contains("Radiothérapie &quot;hypofractionnée&quot; &amp; hormonothérapie &lt;6 mois&gt;"))
        #expect(
            try reader.string(xpath: "//hl7:content[@ID='option-1']")
                == "Option 1 — Traitement : Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>")
        #expect(
            try reader.string(xpath: "//hl7:section[hl7:code/@code='29299-5']/hl7:text/hl7:paragraph[hl7:content]")
                == "Séance issue de la fiche de réunion de concertation pluridisciplinaire 1.2.250.1.213.1.1.1.8.2022.2.1 du 24/02/2026.")
        let note = try reader.string(xpath: "//hl7:section[hl7:code/@code='55112-7']/hl7:text/hl7:paragraph")
        #expect(note == XMLText.sanitized(CDAFixtures.trickyNote))
        #expect(note?.contains("\"du temps\" <avant>") == true)
    }

    @Test("the same input gives the same bytes")
    func deterministic() throws {
        let first = CDAExporter.document(try CDAFixtures.input())
        let second = CDAExporter.document(try CDAFixtures.input())
        #expect(first == second)
        #expect(CDAExporter.fileName(session: SessionID(number: 1), version: 1) == "S1-v1.cda.xml")
        #expect(CDAExporter.fileName(session: SessionID(number: 1), version: 2, pseudonymised: true) == "S1-v2.pseudonymised.cda.xml")
        #expect(ExportProfile.pseudonymisedName("S4-v2.xml") == "S4-v2.pseudonymised.xml")
        #expect(ExportProfile.pseudonymisedName("S4-v2") == "S4-v2.pseudonymised")
    }

    /// File names written byte by byte are the interpolated names, for numbers of every
    /// length and sign (a mutation that dropped a number's last digit made this fail).
    @Test func fileNamesAreTheInterpolatedNames() {
        let numbers: [Int64] = [0, 1, 9, 10, 99, 100, 123_456_789, 999_999_999, 1_000_000_000, .max, -1, -10, .min]
        for session in numbers {
            for version in [0, 1, 9, 10, 12_345, Int.max, -3, Int.min] {
                let id = SessionID(number: session)
                #expect(CDAExporter.fileName(session: id, version: version) == "S\(session)-v\(version).cda.xml")
                #expect(
                    FHIRExporter.fileName(session: id, version: version, pseudonymised: true)
                        == "S\(session)-v\(version).pseudonymised.fhir.xml")
                #expect(id.description == "S\(session)")
            }
        }
    }

    @Test("write without a schema checks well-formedness and says it did not validate")
    func writeWithoutSchema() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try CDAExporter.write(try CDAFixtures.input(), to: folder, schema: nil)
        #expect(outcome.validation == .notValidated)
        #expect(outcome.url.lastPathComponent == "S1-v1.cda.xml")
        #expect(try Data(contentsOf: outcome.url) == CDAExporter.document(try CDAFixtures.input()))
        #expect(outcome.byteCount == (try Data(contentsOf: outcome.url)).count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["S1-v1.cda.xml"])
    }

    @Test("write with a schema the document fails leaves no file")
    func writeInvalid() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let xsd = folder.appendingPathComponent("other.xsd")
        try Data(#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="other"/></xs:schema>"#.utf8).write(to: xsd)
        let out = folder.appendingPathComponent("out")
        let error = #expect(throws: AccordError.self) {
            try CDAExporter.write(try CDAFixtures.input(), to: out, schema: try XMLSchema(contentsOf: xsd))
        }
        #expect(error?.code == .invalidDocument)
        #expect(error?.message.hasPrefix("the document for session S1 failed schema validation: line ") == true)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("S1-v1.cda.xml").path))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty)
    }
}

/// Validation against the official ANS schema. Skipped, with this reason shown, when
/// `ACCORD_SCHEMAS` is unset.
@Suite(
    "CDA export against the ANS schema (ACCORD_SCHEMAS)",
    .enabled(if: CDAFixtures.schemasAvailable, "ACCORD_SCHEMAS is not set: skipping validation against cda-fr/CDA_extended.xsd"))
struct CDASchemaTests {
    static let variants: [(String, DecisionOutcome, Int)] = [
        ("agreed", .agreed(option: 1), 1),
        ("replacing", .agreed(option: 1), 2),
        ("deferred", .deferred(nextContact: CalendarDate("2026-03-16")!), 1),
        ("declined", .declined, 1),
    ]

    @Test("the example documents validate and are written for cisis-check", arguments: variants)
    func validates(name: String, decision: DecisionOutcome, version: Int) throws {
        let schema = try #require(CDAFixtures.schemaLocator).cda()
        let replaced =
            version > 1 ? CDAExporter.documentID(session: SessionID(number: 1), version: version - 1, centre: CDAFixtures.centre) : nil
        let input = try CDAFixtures.input(decision: decision, version: version, replacing: replaced)
        let data = CDAExporter.document(input)
        #expect(schema.validate(data) == [])

        let folder = CDAFixtures.outputFolder.appendingPathComponent(name, isDirectory: true)
        try? FileManager.default.removeItem(at: folder)
        let outcome = try CDAExporter.write(input, to: folder, schema: schema)
        #expect(outcome.validation == .valid(schema: schema.url.path))
        let flat = CDAFixtures.outputFolder.appendingPathComponent("\(name)-\(outcome.url.lastPathComponent)")
        try? FileManager.default.removeItem(at: flat)
        try FileManager.default.copyItem(at: outcome.url, to: flat)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("the checked-in example document is the one the test consultation gives")
    func example() throws {
        let data = CDAExporter.document(try CDAFixtures.input())
        let example = CDAFixtures.packageRoot.appendingPathComponent("Exports/cda-fr/example.cda.xml")
        if ProcessInfo.processInfo.environment["ACCORD_UPDATE_EXAMPLES"] == "1" {
            try data.write(to: example)
        }
        let stored = try Data(contentsOf: example)
        #expect(stored == data, "Exports/cda-fr/example.cda.xml is stale; rerun with ACCORD_UPDATE_EXAMPLES=1")
        #expect(try #require(CDAFixtures.schemaLocator).cda().validate(stored) == [])
    }
}

/// ``XMLSchema/validate(_:parser:)`` validates Accord's documents in one pass as they are
/// parsed, without a tree: it must answer what validating the parsed tree answers, for valid,
/// invalid and broken documents alike.
@Suite(
    "Validation in one pass against the ANS schema (ACCORD_SCHEMAS)",
    .enabled(if: CDAFixtures.schemasAvailable, "ACCORD_SCHEMAS is not set: skipping validation against cda-fr/CDA_extended.xsd"))
struct OnePassValidationTests {
    static func variants(of document: String) -> [(String, String)] {
        func replacingFirst(_ target: String, with replacement: String) -> String {
            guard let range = document.range(of: target) else { return document }
            return document.replacingCharacters(in: range, with: replacement)
        }
        let firstID = document.range(of: "<id ").map { start in document[start.lowerBound...].prefix { $0 != "\n" } }.map(String.init) ?? ""
        return [
            ("as exported", document),
            ("an unexpected element", replacingFirst("<title>", with: "<titre>").replacingOccurrences(of: "</title>", with: "</titre>")),
            ("a value outside its list", replacingFirst("classCode=\"ACT\"", with: "classCode=\"NOPE\"")),
            ("a required element removed", replacingFirst(firstID, with: "")),
            ("text where elements are expected", replacingFirst("<component>", with: "<component>text")),
            (
                "two faults",
                replacingFirst("moodCode=\"EVN\"", with: "moodCode=\"X\"").replacingOccurrences(of: "<title>", with: "<title foo=\"1\">")
            ),
            ("cut short", String(document.prefix(document.utf8.count / 2))),
            ("tags that do not match", replacingFirst("</title>", with: "</titl>")),
            ("an undefined entity", replacingFirst("<title>", with: "<title>&nbsp;")),
            ("a DTD", replacingFirst("?>\n", with: "?>\n<!DOCTYPE ClinicalDocument [<!ENTITY x \"y\">]>\n")),
            ("a comment and a processing instruction first", replacingFirst("?>\n", with: "?>\n<!-- note --><?pi x?>\n")),
            ("no declaration", String(document[document.range(of: "?>\n")!.upperBound...])),
            ("a byte-order mark", "\u{FEFF}" + document),
            // Unique IDs are checked on a tree only: the one pass leaves such a document to it.
            (
                "an ID given twice",
                replacingFirst("<paragraph>", with: "<paragraph><content ID=\"x\">a</content><content ID=\" x \">b</content>")
            ),
            ("two IDs", replacingFirst("<paragraph>", with: "<paragraph><content ID=\"x\">a</content><content ID=\"y\">b</content>")),
        ]
    }

    @Test("each variant of an exported document gets the messages of its tree's validation")
    func sameMessages() throws {
        let schema = try #require(CDAFixtures.schemaLocator).cda()
        let document = String(decoding: CDAExporter.document(try CDAFixtures.input()), as: UTF8.self)
        for (name, variant) in Self.variants(of: document) {
            let data = Data(variant.utf8)
            let messages = schema.validate(data)
            // The same messages: a document found faulty in one pass is validated again from
            // its tree.
            #expect(messages == schema.validateTree(data, parser: SafeXMLParser()), "\(name)")
            #expect(
                messages.isEmpty
                    == ["as exported", "a comment and a processing instruction first", "no declaration", "a byte-order mark", "two IDs"]
                    .contains(name),
                "\(name): \(messages)")
        }
    }

    @Test("the attributes of type xs:ID are read from the schema's files")
    func idAttributes() throws {
        let locator = try #require(CDAFixtures.schemaLocator)
        #expect(try locator.cda().idAttributeNames == ["ID", "id"])
        // FHIR's narrative XHTML declares `id` of type xs:ID (the resources' own `id` attributes
        // are strings: counted too, which can only send a document to its tree).
        #expect(try locator.fhir().idAttributeNames == ["id"])
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let xsd = folder.appendingPathComponent("r.xsd")
        try Data(
            #"""
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:simpleType name="key"><xs:restriction base="xs:ID"/></xs:simpleType>
              <xs:element name="r"><xs:complexType><xs:attribute name="k" type="key"/></xs:complexType></xs:element>
            </xs:schema>
            """#.utf8
        ).write(to: xsd)
        let schema = try XMLSchema(contentsOf: xsd)
        #expect(schema.idAttributeNames == nil)
        #expect(schema.validate(Data("<r k=\"a\"/>".utf8)) == [])
        #expect(XMLSchema.idValuesAreUnique(Data("<a ID='x'><b xml:ID = \"y\"/></a>".utf8), names: ["ID"]))
        #expect(!XMLSchema.idValuesAreUnique(Data("<a ID='x'><b xml:ID = \" x\"/></a>".utf8), names: ["ID"]))
        #expect(!XMLSchema.idValuesAreUnique(Data("<a ID='&#120;'/>".utf8), names: ["ID"]))
    }

    /// The scan from each `=` gives the answer of the scan byte by byte it replaced (kept here
    /// as the reference) on 5,000 random documents made of the pieces that matter.
    @Test func theIDScanFromEachEqualsSignAgreesWithTheByteScan() {
        func reference(_ data: Data, names: Set<String>) -> Bool {
            let candidates = names.map { Array($0.utf8) }
            let bytes = [UInt8](data)
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            var values: Set<[UInt8]> = []
            var index = 1
            while index < bytes.count {
                defer { index += 1 }
                let before = bytes[index - 1]
                guard isSpace(before) || before == UInt8(ascii: ":") else { continue }
                for name in candidates where !name.isEmpty && index + name.count < bytes.count {
                    guard bytes[index..<(index + name.count)].elementsEqual(name) else { continue }
                    var cursor = index + name.count
                    while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
                    guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else { continue }
                    cursor += 1
                    while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
                    guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") else { continue }
                    let quote = bytes[cursor]
                    var end = cursor + 1
                    while end < bytes.count && bytes[end] != quote { end += 1 }
                    var value = Array(bytes[(cursor + 1)..<end])
                    if value.contains(UInt8(ascii: "&")) { return false }
                    while let last = value.last, isSpace(last) { value.removeLast() }
                    let first = value.firstIndex(where: { !isSpace($0) }) ?? value.endIndex
                    guard values.insert(Array(value[first...])).inserted else { return false }
                }
            }
            return true
        }
        let pieces = [
            "<a", " ", "\t", "\n", "ID", "id", "xml:", "=", "\"", "'", "x", "y", "&", "/>", ">", "i", "D", ":", "é", " ID=\"x\"",
            " id = 'x'", " xml:ID=\"y\"", " ID=\" x \"", " id=\"&#120;\"", " D='y'",
        ]
        var state: UInt64 = 19
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        var disagreements = 0
        var falses = 0
        for _ in 0..<5_000 {
            let text = (0..<next(16)).map { _ in pieces[next(pieces.count)] }.joined()
            let data = Data(text.utf8)
            for names: Set<String> in [["ID", "id"], ["id"], ["D"], ["ID", "D"]] {
                let answer = XMLSchema.idValuesAreUnique(data, names: names)
                if answer != reference(data, names: names) { disagreements += 1 }
                if !answer { falses += 1 }
            }
        }
        #expect(disagreements == 0)
        #expect(falses > 500, "the random documents hold repeated and referencing IDs: \(falses)")
    }

    @Test("the one-pass path is taken only for a plain UTF-8 prolog without a DTD")
    func plainProlog() {
        #expect(SafeXMLParser.hasPlainProlog(Data("<?xml version=\"1.0\"?>\n<!-- c --><r/>".utf8)))
        #expect(SafeXMLParser.hasPlainProlog(Data("\u{FEFF}<r/>".utf8)))
        #expect(SafeXMLParser.hasPlainProlog(Data("<é/>".utf8)))
        #expect(!SafeXMLParser.hasPlainProlog(Data("<!DOCTYPE r><r/>".utf8)))
        #expect(!SafeXMLParser.hasPlainProlog(Data("<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>".utf8)))
        #expect(!SafeXMLParser.hasPlainProlog(Data("<?xml version=\"1.0\"".utf8)))
        #expect(!SafeXMLParser.hasPlainProlog(Data("<!-- never closed <r/>".utf8)))
        #expect(!SafeXMLParser.hasPlainProlog(Data([0xFF, 0xFE, 0x3C, 0x00, 0x72, 0x00, 0x2F, 0x00, 0x3E, 0x00])))
        #expect(!SafeXMLParser.hasPlainProlog(Data()))
        #expect(!SafeXMLParser.hasPlainProlog(Data("text<r/>".utf8)))
    }
}
