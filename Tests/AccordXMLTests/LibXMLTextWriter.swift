import CLibXML2
import Foundation

@testable import AccordXML

/// The writer `XMLWriter` replaced, over libxml2's `xmlTextWriter` (two-space indentation): kept
/// as the oracle that `XMLWriter`'s bytes are compared with.
final class LibXMLTextWriter {
    private var buffer: xmlBufferPtr?
    private var writer: xmlTextWriterPtr?
    private var failedCall: String?

    /// Creates a writer into a new memory buffer, with two-space indentation.
    init() {
        LibXML.silenceThread()  // libxml2 is linked into the tests
        let buffer = xmlBufferCreate()
        self.buffer = buffer
        self.writer = xmlNewTextWriterMemory(buffer, 0)
        precondition(buffer != nil && writer != nil, "libxml2 could not allocate an XML writer")
        xmlTextWriterSetIndent(writer, 1)
        LibXML.withXMLChar("  ") { _ = xmlTextWriterSetIndentString(writer, $0) }
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        if let buffer { xmlBufferFree(buffer) }
    }

    /// Keeps the first failed call's name (built only when a call fails).
    private func check(_ result: Int32, _ call: @autoclosure () -> String) {
        if result < 0 && failedCall == nil { failedCall = call() }
    }

    private var live: xmlTextWriterPtr {
        guard let writer else { preconditionFailure("LibXMLTextWriter used after finish()") }
        return writer
    }

    /// Writes the XML declaration `<?xml version="1.0" encoding="UTF-8"?>`.
    func startDocument() {
        check(xmlTextWriterStartDocument(live, "1.0", "UTF-8", nil), "startDocument")
    }

    /// Writes an element whose content `body` writes (attributes first, with
    /// ``attribute(_:_:)``, then child elements and text): the element is closed when `body`
    /// returns, so none can be left open.
    /// - Parameters:
    ///   - name: the element's qualified name, e.g. `ClinicalDocument`.
    ///   - attributes: name–value pairs, written in this order before `body` runs.
    ///   - body: writes the attributes left and the content.
    func element(_ name: String, attributes: [(String, String)] = [], _ body: () -> Void) {
        startElement(name)
        for (attributeName, value) in attributes { attribute(attributeName, value) }
        body()
        endElement()
    }

    /// Opens an element; `name` may carry a prefix (`xsi:type` style names are for attributes).
    /// - Parameter name: the element's qualified name, e.g. `ClinicalDocument`.
    private func startElement(_ name: String) {
        let writer = live
        check(LibXML.withXMLChar(name) { xmlTextWriterStartElement(writer, $0) }, "startElement \(name)")
    }

    /// Adds an attribute to the element being written (before its content); the value is
    /// sanitized and escaped.
    /// - Parameters:
    ///   - name: the attribute's qualified name, e.g. `root` or `xmlns:xsi`.
    ///   - value: its value (any text).
    func attribute(_ name: String, _ value: String) {
        let writer = live
        let clean = XMLText.sanitized(value)
        check(
            LibXML.withXMLChar(name) { n in LibXML.withXMLChar(clean) { v in xmlTextWriterWriteAttribute(writer, n, v) } },
            "attribute \(name)")
    }

    /// Writes character data inside the current element; sanitized and escaped.
    /// - Parameter text: any text.
    func text(_ text: String) {
        let writer = live
        let clean = XMLText.sanitized(text)
        check(LibXML.withXMLChar(clean) { xmlTextWriterWriteString(writer, $0) }, "text")
    }

    /// Writes a comment. `--` cannot appear inside an XML comment: each `-` that would form
    /// one, or end the comment with `-`, is followed by a space.
    /// - Parameter text: the comment's text.
    func comment(_ text: String) {
        let writer = live
        var clean = XMLText.sanitized(text)
        while clean.contains("--") { clean = clean.replacingOccurrences(of: "--", with: "- -") }
        if clean.hasSuffix("-") { clean += " " }
        check(LibXML.withXMLChar(clean) { xmlTextWriterWriteComment(writer, $0) }, "comment")
    }

    /// Closes the element opened last.
    private func endElement() {
        check(xmlTextWriterEndElement(live), "endElement")
    }

    /// Writes a whole element: start tag with `attributes` in the given order, optional text,
    /// end tag. An element without text is written as an empty element (`<a/>`).
    /// - Parameters:
    ///   - name: the element's name.
    ///   - attributes: name–value pairs, written in this order.
    ///   - text: character data, or `nil` for none.
    func element(_ name: String, attributes: [(String, String)] = [], text: String? = nil) {
        startElement(name)
        for (attributeName, value) in attributes { attribute(attributeName, value) }
        if let text { self.text(text) }
        endElement()
    }

    /// Writes an element with mixed content (text and inline elements such as a narrative
    /// `paragraph` holding a `content`), without indentation inside it: indenting would add
    /// whitespace to the text.
    /// - Parameters:
    ///   - name: the element's name.
    ///   - attributes: name–value pairs, written in this order.
    ///   - body: writes the content with ``text(_:)``, ``element(_:attributes:text:)``…
    func mixedElement(_ name: String, attributes: [(String, String)] = [], _ body: () -> Void) {
        startElement(name)
        for (attributeName, value) in attributes { attribute(attributeName, value) }
        xmlTextWriterSetIndent(live, 0)
        body()
        endElement()
        xmlTextWriterSetIndent(live, 1)
        // The line break the indenting writer would have written after the end tag.
        check(xmlTextWriterWriteRaw(live, "\n"), "mixedElement \(name)")
    }

    /// Closes every open element, ends the document and returns its bytes (UTF-8, no BOM).
    ///
    /// The writer cannot be used afterwards.
    /// - Returns: the document.
    func finish() -> Data {
        check(xmlTextWriterEndDocument(live), "endDocument")
        check(xmlTextWriterFlush(live), "flush")
        if let failedCall { preconditionFailure("libxml2 refused LibXMLTextWriter.\(failedCall)") }
        xmlFreeTextWriter(writer)
        writer = nil
        let length = Int(xmlBufferLength(buffer))
        let data = xmlBufferContent(buffer).map { Data(bytes: $0, count: length) } ?? Data()
        xmlBufferFree(buffer)
        buffer = nil
        return data
    }
}
