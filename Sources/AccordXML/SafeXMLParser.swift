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
/// Error messages give the line and a fixed description of the kind of fault chosen from
/// libxml2's error code; they never contain the document's text.
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
    ///   the line of the first fault) or declares a DTD; (`io`) when libxml2 cannot be loaded
    ///   (``LibXML/load()``).
    public func wellFormed(_ data: Data) throws {
        let document = try parse(data, readOnly: true)
        xmlFreeDoc(document)
    }

    /// Parses `data` into a libxml2 document that the caller must free with `xmlFreeDoc`.
    ///
    /// - Parameter readOnly: whether the tree is only read, never changed: libxml2 then keeps
    ///   short texts inside their nodes (`XML_PARSE_COMPACT`, as `xmllint` parses), with fewer
    ///   allocations.
    /// - Throws: `AccordError` (`invalidInput`, `io`), as ``wellFormed(_:)``.
    func parse(_ data: Data, readOnly: Bool = false) throws -> xmlDocPtr {
        guard data.count <= maximumSize else {
            throw AccordError(
                .invalidInput,
                "the XML document is \(data.count) bytes, larger than the limit of \(maximumSize) bytes; split it or raise the limit.")
        }
        guard !data.isEmpty else { throw AccordError(.invalidInput, "the XML document is empty; expected an XML document.") }
        try LibXML.prepareThread()
        let collector = LibXMLErrorCollector(limit: 5)
        let box = Unmanaged.passRetained(collector)
        xmlSetStructuredErrorFunc(box.toOpaque(), LibXMLErrorCollector.callback)
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            raw.baseAddress.flatMap { base in
                xmlReadMemory(
                    base.assumingMemoryBound(to: CChar.self), Int32(raw.count), "input.xml", nil,
                    readOnly ? Self.options | Int32(XML_PARSE_COMPACT.rawValue) : Self.options)
            }
        }
        LibXML.silenceThread()
        box.release()
        guard let document else { throw Self.notWellFormed(collector) }
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            xmlFreeDoc(document)
            throw AccordError(
                .invalidInput,
                "the XML document declares a DTD (<!DOCTYPE …>), which Accord refuses so that no entity is ever expanded; expected a document without DOCTYPE."
            )
        }
        return document
    }

    /// The error for a document that is not well-formed, from the parser's first error that
    /// stops the parse (else its first message).
    static func notWellFormed(_ collector: LibXMLErrorCollector) -> AccordError {
        let failure = collector.firstFailure ?? collector.firstCode.map { (collector.firstLine ?? 0, $0) }
        let place = failure.flatMap { $0.line > 0 ? "line \($0.line): " : nil } ?? ""
        let kind = failure.map { Self.kind(ofError: $0.code) } ?? "not well-formed"
        return AccordError(.invalidInput, "the XML document is not well-formed (\(place)\(kind)); expected well-formed XML 1.0.")
    }

    /// Whether the document plainly starts as UTF-8 (or ASCII) with no DTD: an optional
    /// byte-order mark, then only white space, processing instructions (the XML declaration)
    /// and comments before the first `<` of an element. Anything else (another encoding, a
    /// `<!DOCTYPE`, a prolog cut short) answers `false`.
    static func hasPlainProlog(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
            func starts(with text: StaticString) -> Bool {
                let count = text.utf8CodeUnitCount
                guard index + count <= bytes.count else { return false }
                for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
                return true
            }
            func skip(past end: StaticString) -> Bool {
                while index < bytes.count {
                    if starts(with: end) {
                        index += end.utf8CodeUnitCount
                        return true
                    }
                    index += 1
                }
                return false
            }
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D:
                    index += 1
                case UInt8(ascii: "<"):
                    if starts(with: "<?") {
                        guard skip(past: "?>") else { return false }
                    } else if starts(with: "<!--") {
                        guard skip(past: "-->") else { return false }
                    } else if starts(with: "<!") {
                        return false
                    } else {
                        // An element's name starts with a letter, `_` or `:` (ASCII or not).
                        guard index + 1 < bytes.count else { return false }
                        let next = bytes[index + 1]
                        return next >= 0x80 || next == UInt8(ascii: "_") || next == UInt8(ascii: ":")
                            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(next)
                            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next)
                    }
                default:
                    return false
                }
            }
            return false
        }
    }

    /// A fixed description of a libxml2 parse error code. libxml2's own messages quote the
    /// document (`Double hyphen within comment: <!-- …`, `Bytes: 0x…`), so they are never shown.
    ///
    /// - Parameter code: `xmlError.code` (an `xmlParserErrors` value).
    /// - Returns: what is wrong, in a few words.
    static func kind(ofError code: Int32) -> String {
        if let known = kinds[code] { return known }
        if (200..<300).contains(code) { return "a namespace error (libxml2 code \(code))" }
        return "not well-formed (libxml2 code \(code))"
    }

    private static let kinds: [Int32: String] = {
        let table: [(xmlParserErrors, String)] = [
            (XML_ERR_DOCUMENT_EMPTY, "the document is empty"),
            (XML_ERR_DOCUMENT_END, "content after the end of the root element"),
            (XML_ERR_EXTRA_CONTENT, "content after the end of the root element"),
            (XML_ERR_DOCUMENT_START, "no root element at the start of the document"),
            (XML_ERR_INVALID_HEX_CHARREF, "a character reference (&#x…;) that is not a valid character"),
            (XML_ERR_INVALID_DEC_CHARREF, "a character reference (&#…;) that is not a valid character"),
            (XML_ERR_INVALID_CHARREF, "a character reference that is not a valid character"),
            (XML_ERR_INVALID_CHAR, "a character that XML does not allow, or bytes that are not UTF-8"),
            (XML_ERR_INVALID_ENCODING, "bytes that are not valid in the document's encoding (UTF-8 unless declared)"),
            (XML_ERR_UNKNOWN_ENCODING, "an encoding that is not supported"),
            (XML_ERR_UNSUPPORTED_ENCODING, "an encoding that is not supported"),
            (XML_ERR_ENCODING_NAME, "an encoding name that is not valid"),
            (XML_ERR_ENTITYREF_NO_NAME, "an ampersand (&) that does not begin a reference (write &amp;)"),
            (XML_ERR_ENTITYREF_SEMICOL_MISSING, "an entity reference without its semicolon (write &amp; for &)"),
            (XML_ERR_UNDECLARED_ENTITY, "a reference to an entity that is not defined"),
            (XML_WAR_UNDECLARED_ENTITY, "a reference to an entity that is not defined"),
            (XML_ERR_LT_IN_ATTRIBUTE, "a < inside an attribute value (write &lt;)"),
            (XML_ERR_ATTRIBUTE_NOT_STARTED, "an attribute value without its opening quote"),
            (XML_ERR_ATTRIBUTE_NOT_FINISHED, "an attribute value that is not closed"),
            (XML_ERR_ATTRIBUTE_WITHOUT_VALUE, "an attribute without a value"),
            (XML_ERR_ATTRIBUTE_REDEFINED, "an attribute given twice on one element"),
            (XML_NS_ERR_ATTRIBUTE_REDEFINED, "an attribute given twice on one element"),
            (XML_ERR_STRING_NOT_STARTED, "a quoted value without its opening quote"),
            (XML_ERR_STRING_NOT_CLOSED, "a quoted value that is not closed"),
            (XML_ERR_LITERAL_NOT_STARTED, "a quoted value without its opening quote"),
            (XML_ERR_LITERAL_NOT_FINISHED, "a quoted value that is not closed"),
            (XML_ERR_COMMENT_NOT_FINISHED, "a comment that is not closed (-->)"),
            (XML_ERR_HYPHEN_IN_COMMENT, "a double hyphen (--) inside a comment"),
            (XML_ERR_PI_NOT_STARTED, "a processing instruction that is not valid"),
            (XML_ERR_PI_NOT_FINISHED, "a processing instruction that is not closed (?>)"),
            (XML_ERR_XMLDECL_NOT_STARTED, "an XML declaration that is not valid"),
            (XML_ERR_XMLDECL_NOT_FINISHED, "an XML declaration that is not closed (?>)"),
            (XML_ERR_RESERVED_XML_NAME, "an XML declaration that is not at the very start of the document"),
            (XML_ERR_CDATA_NOT_FINISHED, "a CDATA section that is not closed (]]>)"),
            (XML_ERR_MISPLACED_CDATA_END, "a ]]> outside a CDATA section"),
            (XML_ERR_DOCTYPE_NOT_FINISHED, "a DOCTYPE declaration that is not closed"),
            (XML_ERR_SPACE_REQUIRED, "a missing space between attributes or names"),
            (XML_ERR_NAME_REQUIRED, "a name missing where XML expects one (after < or &; write &amp; for an & in text)"),
            (XML_ERR_LT_REQUIRED, "a missing <"),
            (XML_ERR_GT_REQUIRED, "a tag that is not closed (>)"),
            (XML_ERR_LTSLASH_REQUIRED, "an end tag that is not valid"),
            (XML_ERR_EQUAL_REQUIRED, "an attribute without = before its value"),
            (XML_ERR_TAG_NAME_MISMATCH, "an end tag that does not match its start tag"),
            (XML_ERR_TAG_NOT_FINISHED, "an element that is not closed"),
            (XML_ERR_NOT_WELL_BALANCED, "elements that are not well balanced"),
            (XML_ERR_VERSION_MISSING, "an XML declaration without its version"),
            (XML_ERR_UNKNOWN_VERSION, "an XML version that is not supported"),
            (XML_ERR_STANDALONE_VALUE, "a standalone value other than yes or no"),
            (XML_ERR_NAME_TOO_LONG, "a name longer than libxml2 allows"),
            (XML_ERR_ENTITY_LOOP, "entities that refer to each other in a loop"),
            (XML_ERR_NO_MEMORY, "more memory than is available"),
            (XML_ERR_INTERNAL_ERROR, "an internal error of the XML parser (often a document nested too deeply)"),
            (XML_NS_ERR_UNDEFINED_NAMESPACE, "a namespace prefix that is not declared"),
            (XML_NS_ERR_QNAME, "a qualified name that is not valid"),
            (XML_NS_ERR_EMPTY, "an empty namespace name"),
            (XML_NS_ERR_COLON, "a name with more than one colon"),
            (XML_NS_ERR_XML_NAMESPACE, "a misuse of the reserved xml prefix or namespace"),
        ]
        return Dictionary(table.map { (Int32($0.0.rawValue), $0.1) }, uniquingKeysWith: { first, _ in first })
    }()
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
    /// - Throws: `AccordError` (`invalidInput`, `io`) as ``SafeXMLParser/wellFormed(_:)``.
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
        LibXML.silenceThread()
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
