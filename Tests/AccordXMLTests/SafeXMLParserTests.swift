import AccordCore
import Foundation
import Testing

@testable import AccordXML

@Suite("SafeXMLParser and XMLDocumentReader")
struct SafeXMLParserTests {
    @Test("an external entity naming a local file is never expanded")
    func externalEntity() throws {
        let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let xml = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><r>&x;</r>"#
        let error = #expect(throws: AccordError.self) { try SafeXMLParser().wellFormed(Data(xml.utf8)) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("DTD") == true)
        if let hostname, !hostname.isEmpty {
            #expect(error?.message.contains(hostname) == false)
        }
        #expect(throws: AccordError.self) { try XMLDocumentReader(data: Data(xml.utf8)) }
    }

    @Test("a billion-laughs document is refused quickly")
    func billionLaughs() throws {
        var xml = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            xml += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        xml += "]><lolz>&lol9;</lolz>"
        let started = Date()
        let error = #expect(throws: AccordError.self) { try XMLDocumentReader(data: Data(xml.utf8)).strings(xpath: "/lolz") }
        #expect(error?.code == .invalidInput)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("inputs over the size limit are refused before parsing")
    func sizeLimit() {
        let data = Data(("<r>" + String(repeating: "a", count: 2_000) + "</r>").utf8)
        let error = #expect(throws: AccordError.self) { try SafeXMLParser(maximumSize: 1_000).wellFormed(data) }
        #expect(error?.message.contains("larger than the limit of 1000 bytes") == true)
        #expect(throws: Never.self) { try SafeXMLParser().wellFormed(data) }
    }

    @Test("a malformed document gives its line, without its content")
    func malformed() {
        let xml = "<r>\n<a>secret-value\n</b>\n</r>"
        let error = #expect(throws: AccordError.self) { try SafeXMLParser().wellFormed(Data(xml.utf8)) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("line 3") == true)
        #expect(error?.message.contains("secret-value") == false)
        // An undefined entity: libxml2 quotes its name, which is the document's text.
        let entity = #expect(throws: AccordError.self) { try SafeXMLParser().wellFormed(Data("<r>Mme &Josiane; D.</r>".utf8)) }
        #expect(entity?.message.contains("Josiane") == false)
        #expect(entity?.message.contains("line 1: a reference to an entity that is not defined") == true)
    }

    /// Documents that are not well-formed, each holding an invented name that must never
    /// appear in the message, with the line and kind the message gives.
    static let malformedDocuments: [(String, [UInt8], String)] = [
        ("comment", Array("<r>\n<!-- patiente DUPONTEL Jeanne -- revoir -->\n</r>".utf8), "line 2: a double hyphen (--) inside a comment"),
        (
            "invalid UTF-8", Array("<r>\n<n>".utf8) + [0xFF] + Array("DUPONTEL</n>\n</r>".utf8),
            "line 2: a character that XML does not allow, or bytes that are not UTF-8"
        ),
        ("end tag", Array("<r>\n<family>DUPONTEL</given>\n</r>".utf8), "line 2: an end tag that does not match its start tag"),
        ("entity", Array("<r>\n\n<n>&DUPONTEL;</n></r>".utf8), "line 3: a reference to an entity that is not defined"),
        (
            "ampersand", Array("<r>\n<n>DUPONTEL & fils</n></r>".utf8),
            "line 2: a name missing where XML expects one (after < or &; write &amp; for an & in text)"
        ),
        ("attribute", Array("<r>\n<n v=\"DUPONTEL></n></r>".utf8), "line 2: a < inside an attribute value (write &lt;)"),
        ("after the root", Array("<r/>\n<DUPONTEL/>".utf8), "line 2: content after the end of the root element"),
        ("unclosed", Array("<r>\n<n>DUPONTEL".utf8), "line 2: an element that is not closed"),
        ("open comment", Array("<r>\n<!-- DUPONTEL".utf8), "line 2: a comment that is not closed (-->)"),
    ]

    @Test("a parse error names the line and the kind of fault, never the document's text", arguments: malformedDocuments.indices)
    func parseErrorKinds(_ index: Int) {
        let (name, bytes, expected) = Self.malformedDocuments[index]
        let error = #expect(throws: AccordError.self) { try SafeXMLParser().wellFormed(Data(bytes)) }
        #expect(error?.message == "the XML document is not well-formed (\(expected)); expected well-formed XML 1.0.", "\(name)")
        for secret in ["DUPONTEL", "Jeanne", "patiente", "Bytes", "0xFF"] {
            #expect(error?.message.contains(secret) == false, "\(name): \(secret)")
        }
    }

    @Test("the reader evaluates XPath with the hl7 prefix")
    func reader() throws {
        let xml =
            #"<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2" extension="A"/><id root="1.3"/><title>T &amp; U</title></ClinicalDocument>"#
        let reader = try XMLDocumentReader(data: Data(xml.utf8))
        #expect(try reader.strings(xpath: "/hl7:ClinicalDocument/hl7:id/@root") == ["1.2", "1.3"])
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:title") == "T & U")
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:missing") == nil)
        #expect(try reader.count(xpath: "//hl7:id") == 2)
        #expect(throws: AccordError.self) { try reader.strings(xpath: "/hl7:ClinicalDocument[") }
    }

    @Test("a schema rejects a document that does not match and accepts one that does")
    func schema() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let xsd = folder.appendingPathComponent("r.xsd")
        try Data(
            #"""
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:element name="r"><xs:complexType><xs:sequence>
                <xs:element name="n" type="xs:integer"/>
              </xs:sequence></xs:complexType></xs:element>
            </xs:schema>
            """#.utf8
        ).write(to: xsd)
        let schema = try XMLSchema(contentsOf: xsd)
        #expect(schema.validate(Data("<r><n>12</n></r>".utf8)).isEmpty)
        let messages = schema.validate(Data("<r>\n<n>D'ARTAGNAN</n></r>".utf8))
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("line 2:") == true)
        #expect(messages.first?.contains("ARTAGNAN") == false)
        #expect(!schema.validate(Data("<r><n>1</n>".utf8)).isEmpty)
        // A value over several lines (a note) is not echoed either.
        let multiline = schema.validate(Data("<r>\n<n>SECRET-LINE-1\nSECRET-LINE-2\n</n></r>".utf8))
        #expect(multiline.count == 1)
        #expect(multiline.first?.contains("SECRET") == false, "\(multiline)")
        #expect(multiline.first?.hasPrefix("line 2:") == true, "\(multiline)")
    }

    @Test("a missing schema file names the file and the variable that named the folder")
    func missingSchema() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let locator = try #require(SchemaLocator.locate(option: nil, environment: ["ACCORD_SCHEMAS": folder.path]))
        let error = #expect(throws: AccordError.self) { try locator.cda() }
        #expect(error?.code == .io)
        #expect(error?.field == "ACCORD_SCHEMAS")
        #expect(error?.message.contains("cda-fr/CDA_extended.xsd") == true)
        #expect(SchemaLocator.locate(option: nil, environment: [:]) == nil)
        #expect(SchemaLocator.locate(option: "/x", environment: ["ACCORD_SCHEMAS": "/y"])?.option == "--schemas")
    }
}
