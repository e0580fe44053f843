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

/// `XMLWriter` against libxml2's `xmlTextWriter` (``LibXMLTextWriter``), the writer it
/// replaced: the same calls give the same bytes.
@Suite("XMLWriter writes the bytes of xmlTextWriter")
struct XMLWriterOracleTests {
    /// One call of the writers' common interface.
    indirect enum Call {
        case element(String, [(String, String)], [Call])
        case leaf(String, [(String, String)], String?)
        case mixed(String, [(String, String)], [Call])
        case text(String)
        case comment(String)
    }

    /// Every ASCII character, characters XML forbids and the noncharacters, the two
    /// neighbours of U+FFFE, accented letters, an emoji, U+2028 and U+0085.
    static let characters: [Unicode.Scalar] =
        (0..<0x80).compactMap(Unicode.Scalar.init)
        + ["\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "\u{EFFF}", "\u{F000}", "é", "à", "œ", "🙂", "\u{2028}", "\u{85}", "\u{A0}"]

    static func play(_ calls: [Call], xmlWriter writer: XMLWriter) {
        for call in calls {
            switch call {
            case .element(let name, let attributes, let children):
                writer.element(name, attributes: attributes) { play(children, xmlWriter: writer) }
            case .leaf(let name, let attributes, let text):
                writer.element(name, attributes: attributes, text: text)
            case .mixed(let name, let attributes, let children):
                writer.mixedElement(name, attributes: attributes) { play(children, xmlWriter: writer) }
            case .text(let text):
                writer.text(text)
            case .comment(let text):
                writer.comment(text)
            }
        }
    }

    static func play(_ calls: [Call], oracle writer: LibXMLTextWriter) {
        for call in calls {
            switch call {
            case .element(let name, let attributes, let children):
                writer.element(name, attributes: attributes) { play(children, oracle: writer) }
            case .leaf(let name, let attributes, let text):
                writer.element(name, attributes: attributes, text: text)
            case .mixed(let name, let attributes, let children):
                writer.mixedElement(name, attributes: attributes) { play(children, oracle: writer) }
            case .text(let text):
                writer.text(text)
            case .comment(let text):
                writer.comment(text)
            }
        }
    }

    static func bothWrite(_ root: Call) -> (written: String, expected: String) {
        let writer = XMLWriter()
        writer.startDocument()
        play([root], xmlWriter: writer)
        let oracle = LibXMLTextWriter()
        oracle.startDocument()
        play([root], oracle: oracle)
        return (String(decoding: writer.finish(), as: UTF8.self), String(decoding: oracle.finish(), as: UTF8.self))
    }

    @Test("every character in text, attribute values and comments")
    func everyCharacter() {
        let all = String(String.UnicodeScalarView(Self.characters))
        let root = Call.element(
            "r", [("all", all)],
            [
                .leaf("t", [], all), .leaf("a", [("k", all), ("l", "")], nil), .comment(all), .leaf("e", [], ""),
                .mixed("p", [("m", all)], [.text(all), .leaf("b", [], all), .text(all)]),
            ])
        let (written, expected) = Self.bothWrite(root)
        #expect(written == expected)
        #expect(written.contains("&#13;&#14;") == false)
        #expect(written.contains(">\t\n&#13;") && written.contains("=\"&#9;&#10;&#13;"))
    }

    @Test("the indentation after text, empty elements, comments and mixed content")
    func indentation() {
        let root = Call.element(
            "r", [],
            [
                .element("a", [], [.mixed("p", [], [.text("x"), .leaf("c", [("ID", "i")], "y"), .text(".")])]),
                .element("b", [], [.leaf("p", [], "z")]),
                .element("c", [], [.comment("note --")]),
                .element("d", [], [.element("e", [], [])]),
                .mixed("m", [], []),
                .element("f", [("k", "v")], [.mixed("p", [], [.element("g", [], [.leaf("h", [], "1")])]), .leaf("i", [], nil)]),
            ])
        let (written, expected) = Self.bothWrite(root)
        #expect(written == expected)
        // A mixed element keeps its parent's end tag at the start of the next line, as
        // xmlTextWriter does (seen in every CDA narrative Accord wrote).
        #expect(written.contains("<p>x<c ID=\"i\">y</c>.</p>\n</a>\n"))
    }

    @Test("2,000 random documents")
    func randomDocuments() {
        var state: UInt64 = 19
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func text() -> String {
            var text = ""
            for _ in 0..<next(8) { text.unicodeScalars.append(Self.characters[next(Self.characters.count)]) }
            return text
        }
        func attributes() -> [(String, String)] { (0..<next(3)).map { ("k\($0)", text()) } }
        func calls(depth: Int, mixed: Bool) -> [Call] {
            (0..<next(depth > 3 ? 2 : 5)).map { _ in
                switch next(mixed ? 4 : 5) {
                case 0: .leaf("l", attributes(), next(3) == 0 ? nil : text())
                case 1: .element("e", attributes(), calls(depth: depth + 1, mixed: mixed))
                case 2: .mixed("m", attributes(), calls(depth: depth + 1, mixed: true))
                case 3: mixed ? .text(text()) : .comment(text())
                default: .comment(text())
                }
            }
        }
        for round in 0..<2_000 {
            let (written, expected) = Self.bothWrite(.element("r", attributes(), calls(depth: 0, mixed: false)))
            #expect(written == expected, "document \(round)")
            if written != expected { break }
        }
    }
}
