import AccordCore
import Foundation
import Testing

@testable import AccordXML

@Suite("XMLText and XMLWriter")
struct XMLWriterTests {
    @Test(
        "sanitized removes the characters XML 1.0 forbids and keeps the rest",
        arguments: [
            ("a\u{0}b\u{1}c\u{8}d", "abcd"),
            ("tab\there\nline\rret", "tab\there\nline\rret"),
            ("x\u{B}y\u{C}z\u{E}w\u{1F}v", "xyzwv"),
            ("\u{FFFE}ok\u{FFFF}", "ok"),
            ("émoji 🙂 & <b>", "émoji 🙂 & <b>"),
        ])
    func sanitized(input: String, expected: String) {
        #expect(XMLText.sanitized(input) == expected)
    }

    @Test("the writer escapes text and attributes, starts with the declaration and has no BOM")
    func escaping() throws {
        let writer = XMLWriter()
        writer.startDocument()
        writer.element("r") {
            writer.element("a", attributes: [("k", "x & \"y\" <z>\u{1}")], text: "1 < 2 & 'q' \u{2}🙂")
            writer.comment("a -- b -")
        }
        let data = writer.finish()
        let text = String(decoding: data, as: UTF8.self)
        #expect(Array(data.prefix(3)) != [0xEF, 0xBB, 0xBF])
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
        #expect(text.contains("k=\"x &amp; &quot;y&quot; &lt;z&gt;\"") || text.contains("k=\"x &amp; &quot;y&quot; &lt;z>\""))
        #expect(text.contains(">1 &lt; 2 &amp; 'q' 🙂</a>"))
        #expect(!text.contains("\u{1}") && !text.contains("\u{2}"))
        #expect(!text.contains("a -- b"))
        let reader = try XMLDocumentReader(data: data)
        #expect(try reader.string(xpath: "/r/a/@k") == "x & \"y\" <z>")
        #expect(try reader.string(xpath: "/r/a") == "1 < 2 & 'q' 🙂")
    }
}
