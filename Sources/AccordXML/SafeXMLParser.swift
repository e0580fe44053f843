import AccordCore
import CLibXML2
import Foundation

/// Parses XML from memory without touching the network or expanding entities.
///
/// The parser uses libxml2 with `XML_PARSE_NONET` and never `XML_PARSE_NOENT` or
/// `XML_PARSE_DTDLOAD`; external entities are loaded (if ever) through libxml2's no-network
/// loader. Documents that declare a DTD (`<!DOCTYPE …>`) are refused: CDA and FHIR documents
/// never need one, and refusing them rules out entity tricks (external entities reading local
/// files, "billion laughs" expansion). Inputs larger than ``maximumSize`` are refused before
/// parsing.
///
/// Error messages give the line and libxml2's description of the fault; they never contain
/// the document's text.
public struct SafeXMLParser: Sendable {
    /// The default size limit: 20 MiB.
    public static let defaultMaximumSize = 20 * 1024 * 1024

    /// The largest input accepted, in bytes.
    public var maximumSize: Int

    /// Creates a parser.
    /// - Parameter maximumSize: the largest input accepted, in bytes (default 20 MiB).
    public init(maximumSize: Int = SafeXMLParser.defaultMaximumSize) {
        self.maximumSize = maximumSize
    }

    /// The libxml2 options used: no network, CDATA merged into text; deliberately without
    /// entity substitution (`XML_PARSE_NOENT`) and DTD loading (`XML_PARSE_DTDLOAD`).
    static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// Checks that `data` is a well-formed XML document.
    ///
    /// - Parameter data: the document's bytes.
    /// - Throws: `AccordError` (`invalidInput`) when it is too large, not well-formed (with
    ///   the line of the first fault) or declares a DTD.
    public func wellFormed(_ data: Data) throws {
        let document = try parse(data)
        xmlFreeDoc(document)
    }

    /// Parses `data` into a libxml2 document that the caller must free with `xmlFreeDoc`.
    ///
    /// - Throws: `AccordError` (`invalidInput`), as ``wellFormed(_:)``.
    func parse(_ data: Data) throws -> xmlDocPtr {
        guard data.count <= maximumSize else {
            throw AccordError(
                .invalidInput,
                "the XML document is \(data.count) bytes, larger than the limit of \(maximumSize) bytes; split it or raise the limit.")
        }
        guard !data.isEmpty else { throw AccordError(.invalidInput, "the XML document is empty; expected an XML document.") }
        LibXML.prepareThread()
        let collector = LibXMLErrorCollector(limit: 5)
        let box = Unmanaged.passRetained(collector)
        xmlSetStructuredErrorFunc(box.toOpaque(), LibXMLErrorCollector.callback)
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            raw.baseAddress.flatMap { base in
                xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), "input.xml", nil, Self.options)
            }
        }
        LibXML.prepareThread()
        box.release()
        guard let document else {
            let line = collector.firstLine.map { " at line \($0)" } ?? ""
            let detail = collector.messages.first.map { ": " + Self.strippingLine($0) } ?? ""
            throw AccordError(.invalidInput, "the XML document is not well-formed\(line)\(detail); expected well-formed XML 1.0.")
        }
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            xmlFreeDoc(document)
            throw AccordError(
                .invalidInput,
                "the XML document declares a DTD (<!DOCTYPE …>), which Accord refuses so that no entity is ever expanded; expected a document without DOCTYPE."
            )
        }
        return document
    }

    /// libxml2's message without its `line N:` prefix and without the text it quotes (an
    /// entity reference such as `&Name;` in a document is reported as `Entity 'Name' not
    /// defined`): quoted parts of two characters or more become `'…'`.
    static func strippingLine(_ message: String) -> String {
        var text = message
        if message.hasPrefix("line "), let colon = message.firstIndex(of: ":") {
            text = String(message[message.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        return text.replacingOccurrences(of: #"'[^'\n]{2,}'"#, with: "'…'", options: .regularExpression)
    }
}

/// Read access to a parsed XML document through XPath 1.0.
///
/// The HL7 v3 namespace `urn:hl7-org:v3` is registered as prefix `hl7`, XML Schema instance
/// as `xsi`, and XHTML as `xhtml`, so CDA documents read as `/hl7:ClinicalDocument/hl7:id/@root`.
///
/// ```swift
/// let reader = try XMLDocumentReader(data: cda)
/// let ins = try reader.string(xpath: "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id[1]/@extension")
/// ```
///
/// A reader owns a libxml2 document, which is not safe to share between threads: it is not
/// `Sendable`; use it from one task.
public final class XMLDocumentReader {
    private let document: xmlDocPtr

    /// Namespace prefixes available in every XPath expression.
    public static let namespaces: [(prefix: String, uri: String)] = [
        ("hl7", "urn:hl7-org:v3"),
        ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xhtml", "http://www.w3.org/1999/xhtml"),
        ("sdtc", "urn:hl7-org:sdtc"),
    ]

    /// Parses `data` with `parser`.
    /// - Parameters:
    ///   - data: the document's bytes.
    ///   - parser: the safe parser to use (default limits).
    /// - Throws: `AccordError` (`invalidInput`) as ``SafeXMLParser/wellFormed(_:)``.
    public init(data: Data, parser: SafeXMLParser = SafeXMLParser()) throws {
        document = try parser.parse(data)
    }

    deinit { xmlFreeDoc(document) }

    /// Evaluates `xpath` and returns the string value of each node it selects, in document
    /// order (the text content of elements, the value of attributes); for an expression that
    /// gives a string, number or boolean, that one value.
    ///
    /// - Parameter xpath: an XPath 1.0 expression using the prefixes of ``namespaces``.
    /// - Returns: the values; empty when nothing matches.
    /// - Throws: `AccordError` (`invalidInput`) when the expression is not valid XPath.
    public func strings(xpath: String) throws -> [String] {
        LibXML.prepareThread()
        guard let context = xmlXPathNewContext(document) else {
            throw AccordError(.io, "libxml2 could not create an XPath context (out of memory?).")
        }
        defer { xmlXPathFreeContext(context) }
        for (prefix, uri) in Self.namespaces {
            _ = LibXML.withXMLChar(prefix) { p in LibXML.withXMLChar(uri) { u in xmlXPathRegisterNs(context, p, u) } }
        }
        guard let result = LibXML.withXMLChar(xpath, { xmlXPathEvalExpression($0, context) }) else {
            throw AccordError(.invalidInput, "the XPath expression \(xpath) is not valid XPath 1.0 with prefixes hl7, xsi, xhtml, sdtc.")
        }
        defer { xmlXPathFreeObject(result) }
        // XPATH_NODESET is 1 in xpath.h; compared by value because the constant is not always
        // visible through the module when libxml2's headers are also reached through CXMLSec.
        switch result.pointee.type.rawValue {
        case 1:
            guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let nodes = set.pointee.nodeTab else { return [] }
            return (0..<Int(set.pointee.nodeNr)).map { LibXML.takeString(xmlNodeGetContent(nodes[$0])) ?? "" }
        default:
            return [LibXML.takeString(xmlXPathCastToString(result)) ?? ""]
        }
    }

    /// The first value ``strings(xpath:)`` gives, or `nil` when nothing matches.
    /// - Throws: `AccordError` (`invalidInput`) when the expression is not valid XPath.
    public func string(xpath: String) throws -> String? {
        try strings(xpath: xpath).first
    }

    /// The number of nodes `xpath` selects (`0` when it selects none or is not a node set).
    /// - Throws: `AccordError` (`invalidInput`) when the expression is not valid XPath.
    public func count(xpath: String) throws -> Int {
        Int(try string(xpath: "count(\(xpath))").flatMap(Double.init) ?? 0)
    }
}
