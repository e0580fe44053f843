import Foundation

/// A streaming XML writer, writing UTF-8 into memory in one pass over the values.
///
/// Its bytes are those libxml2's `xmlTextWriter` (2.9, two-space indentation) writes for the
/// same calls, which Accord used before; the tests compare both on random documents. Every
/// value is first cleared of the characters XML 1.0 forbids (``XMLText/sanitized(_:)``), then
/// escaped:
///
/// - in text, `&` `<` `>` `"` and carriage return (`&amp;` `&lt;` `&gt;` `&quot;` `&#13;`);
/// - in attribute values, the same and tab and line feed (`&#9;` `&#10;`);
/// - everything else (non-ASCII characters included) is written as it is.
///
/// The output has no byte-order mark and starts with `<?xml version="1.0" encoding="UTF-8"?>`;
/// elements are indented by two spaces, one per line, except inside a
/// ``mixedElement(_:attributes:_:)``.
///
/// ```swift
/// let writer = XMLWriter()
/// writer.startDocument()
/// writer.element("r") {
///     writer.element("a", attributes: [("k", "x & y")], text: "1 < 2")
/// }
/// let data = writer.finish()
/// ```
///
/// A writer is used by one task at a time and once: ``finish()`` ends it. Misuse (an attribute
/// after content, writing after `finish()`) is a programming error and stops the program, like
/// an array index out of range.
///
/// Its properties are exempt from Swift's run-time exclusivity checks (a sixth of building a
/// CDA document went to them): they are private, and no method of the writer calls out while
/// it holds one of them (`body` closures run between accesses).
public final class XMLWriter {
    /// Whether the innermost open element's start tag is still open (`<a k="v"`: attributes
    /// may follow) or closed (`<a>`: content follows), or a comment is being written.
    private enum State {
        case startTag, content, comment
    }

    @exclusivity(unchecked) private var out: [UInt8] = []
    /// One state per open element (and the comment being written), outermost first.
    @exclusivity(unchecked) private var states: [State] = []
    /// Whether elements are put on lines of their own, indented (not inside mixed content).
    @exclusivity(unchecked) private var indenting = true
    /// Whether the next end tag of an element with content goes on a line of its own: not
    /// right after text, a comment or a mixed element's line break.
    @exclusivity(unchecked) private var indentsEndTag = true
    @exclusivity(unchecked) private var finished = false

    /// Creates a writer into a new memory buffer, with two-space indentation.
    public init() {
        out.reserveCapacity(16_384)
    }

    /// Writes the XML declaration `<?xml version="1.0" encoding="UTF-8"?>` and a line break.
    public func startDocument() {
        precondition(!finished && states.isEmpty, "XMLWriter.startDocument() must come first")
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    }

    /// Writes an element whose content `body` writes (attributes first, with
    /// ``attribute(_:_:)``, then child elements and text): the element is closed when `body`
    /// returns, so none can be left open.
    /// - Parameters:
    ///   - name: the element's qualified name, e.g. `ClinicalDocument`.
    ///   - attributes: name–value pairs, written in this order before `body` runs.
    ///   - body: writes the attributes left and the content.
    public func element(_ name: String, attributes: [(String, String)] = [], _ body: () -> Void) {
        startElement(name)
        for (attributeName, value) in attributes { attribute(attributeName, value) }
        body()
        endElement(name)
    }

    /// Writes a whole element: start tag with `attributes` in the given order, optional text,
    /// end tag. An element without text is written as an empty element (`<a/>`); an empty
    /// text gives `<a></a>`.
    /// - Parameters:
    ///   - name: the element's name.
    ///   - attributes: name–value pairs, written in this order.
    ///   - text: character data, or `nil` for none.
    public func element(_ name: String, attributes: [(String, String)] = [], text: String? = nil) {
        startElement(name)
        for (attributeName, value) in attributes { attribute(attributeName, value) }
        if let text { self.text(text) }
        endElement(name)
    }

    /// Writes an element with mixed content (text and inline elements such as a narrative
    /// `paragraph` holding a `content`), without indentation inside it: indenting would add
    /// whitespace to the text.
    /// - Parameters:
    ///   - name: the element's name.
    ///   - attributes: name–value pairs, written in this order.
    ///   - body: writes the content with ``text(_:)``, ``element(_:attributes:text:)``…
    public func mixedElement(_ name: String, attributes: [(String, String)] = [], _ body: () -> Void) {
        startElement(name)
        for (attributeName, value) in attributes { attribute(attributeName, value) }
        setIndenting(false)
        body()
        endElement(name)
        setIndenting(true)
        // The line break an indenting writer would have written after the end tag; like text,
        // it keeps the parent's end tag on this line's indentation (xmlTextWriter does so).
        closeStartTag()
        indentsEndTag = false
        out.append(0x0A)
    }

    /// Adds an attribute to the element being written (before its content); the value is
    /// sanitized and escaped.
    /// - Parameters:
    ///   - name: the attribute's qualified name, e.g. `root` or `xmlns:xsi`.
    ///   - value: its value (any text).
    public func attribute(_ name: String, _ value: String) {
        precondition(!finished && states.last == .startTag, "XMLWriter.attribute(\(name)) outside a start tag")
        out.append(0x20)
        append(name)
        out.append(0x3D)  // =
        out.append(0x22)  // "
        appendEscaped(value, attribute: true)
        out.append(0x22)
    }

    /// Writes character data inside the current element; sanitized and escaped.
    /// - Parameter text: any text.
    public func text(_ text: String) {
        precondition(!finished && !states.isEmpty, "XMLWriter.text outside an element")
        closeStartTag()
        if indenting { indentsEndTag = false }
        appendEscaped(text, attribute: false)
    }

    /// Writes a comment, on a line of its own. `--` cannot appear inside an XML comment: each
    /// `-` that would form one, or end the comment with `-`, is followed by a space. Its text
    /// is sanitized, not escaped (a comment has no entities).
    /// - Parameter text: the comment's text.
    public func comment(_ text: String) {
        precondition(!finished, "XMLWriter used after finish()")
        var clean = XMLText.sanitized(text)
        while clean.contains("--") { clean = clean.replacingOccurrences(of: "--", with: "- -") }
        if clean.hasSuffix("-") { clean += " " }
        open(.comment)
        append("<!--")
        if indenting { indentsEndTag = false }
        append(clean)
        append("-->")
        if indenting { out.append(0x0A) }
        states.removeLast()
    }

    /// Closes every open element, ends the document and returns its bytes (UTF-8, no BOM).
    ///
    /// The writer cannot be used afterwards.
    /// - Returns: the document.
    public func finish() -> Data {
        precondition(!finished && states.isEmpty, "XMLWriter.finish() with an element open, or twice")
        finished = true
        if !indenting { out.append(0x0A) }
        let data = Data(out)
        out = []
        return data
    }

    // MARK: - The state machine of xmlTextWriter

    private func startElement(_ name: String) {
        precondition(!finished, "XMLWriter used after finish()")
        open(.startTag)
        out.append(0x3C)  // <
        append(name)
    }

    /// Enters an element or a comment inside the innermost element: that element's start tag
    /// is closed (`>`, then a line break when indenting), and the new one indented.
    private func open(_ state: State) {
        if states.last == .startTag {
            out.append(0x3E)  // >
            if indenting { out.append(0x0A) }
            states[states.count - 1] = .content
        }
        states.append(state)
        if indenting { writeIndentation() }
    }

    private func endElement(_ name: String) {
        switch states.last {
        case .startTag:
            if indenting { indentsEndTag = true }
            out.append(0x2F)  // /
            out.append(0x3E)  // >
        case .content:
            if indenting && indentsEndTag { writeIndentation() }
            indentsEndTag = true
            out.append(0x3C)  // <
            out.append(0x2F)  // /
            append(name)
            out.append(0x3E)
        case .comment, nil:
            preconditionFailure("XMLWriter: an element ended inside a comment, or none open")
        }
        if indenting { out.append(0x0A) }
        states.removeLast()
    }

    /// Closes the innermost start tag before content (`>`, no line break).
    private func closeStartTag() {
        if states.last == .startTag {
            out.append(0x3E)
            states[states.count - 1] = .content
        }
    }

    private func setIndenting(_ on: Bool) {
        indenting = on
        indentsEndTag = true
    }

    /// Two spaces for each open element (or comment) but the innermost.
    private func writeIndentation() {
        let count = 2 * (states.count - 1)
        if count > 0 { out.append(contentsOf: repeatElement(0x20, count: count)) }
    }

    private func append(_ string: String) {
        var string = string
        string.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends `string` without the characters XML forbids, with `&` `<` `>` `"` and carriage
    /// return escaped, and tab and line feed too in an attribute value.
    private func appendEscaped(_ string: String, attribute: Bool) {
        var string = string
        string.withUTF8 { bytes in
            let table = attribute ? Self.attributeActions : Self.textActions
            var start = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                let action = table[Int(byte)]
                if action == Self.keep {
                    index += 1
                    continue
                }
                if action == Self.checkNoncharacter {
                    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are forbidden; the rest of EF… is not.
                    if index + 2 < count && bytes[index + 1] == 0xBF && bytes[index + 2] & 0xFE == 0xBE {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                        index += 3
                        start = index
                    } else {
                        index += 1
                    }
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                if action != Self.drop { out.append(contentsOf: Self.references[Int(action)]) }
                index += 1
                start = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<count]))
        }
    }

    private static let keep: UInt8 = 255
    private static let drop: UInt8 = 254
    private static let checkNoncharacter: UInt8 = 253
    /// The character references and entities, by the action number the tables give.
    private static let references: [[UInt8]] = ["&amp;", "&lt;", "&gt;", "&quot;", "&#13;", "&#9;", "&#10;"].map { Array($0.utf8) }

    /// What each byte of a text becomes: kept, dropped (forbidden), or a reference.
    private static let textActions: [UInt8] = actions(attribute: false)
    private static let attributeActions: [UInt8] = actions(attribute: true)

    private static func actions(attribute: Bool) -> [UInt8] {
        var table = [UInt8](repeating: keep, count: 256)
        for byte in 0..<0x20 where byte != 0x09 && byte != 0x0A && byte != 0x0D { table[byte] = drop }
        table[Int(UInt8(ascii: "&"))] = 0
        table[Int(UInt8(ascii: "<"))] = 1
        table[Int(UInt8(ascii: ">"))] = 2
        table[Int(UInt8(ascii: "\""))] = 3
        table[0x0D] = 4
        if attribute {
            table[0x09] = 5
            table[0x0A] = 6
        }
        table[0xEF] = checkNoncharacter
        return table
    }
}
