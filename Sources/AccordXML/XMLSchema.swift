import AccordCore
import CLibXML2
import Foundation

/// A W3C XML Schema (XSD), compiled once by libxml2 and used to validate many documents.
///
/// Compiling the ANS CDA schema takes about 50 ms: create one `XMLSchema` per run and share
/// it.
///
/// `@unchecked Sendable`: a compiled `xmlSchemaPtr` is read-only once built and libxml2
/// allows several threads to validate against it at once; what cannot be shared is a
/// validation context, so ``validate(_:parser:)`` creates one per call and frees it before
/// returning.
public final class XMLSchema: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    /// The file the schema was compiled from.
    public let url: URL

    /// Compiles the schema at `url` (and the files it includes or imports, read from disk
    /// next to it; never from the network).
    ///
    /// - Parameter url: a local `.xsd` file.
    /// - Throws: `AccordError` (`io`) when the file does not exist or libxml2 cannot be loaded
    ///   (``LibXML/load()``), (`invalidInput`) when libxml2 cannot compile it (with its first
    ///   messages).
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AccordError(.io, "the schema file \(url.path) does not exist; check the schemas folder.")
        }
        // One compilation at a time in the process: libxml2's schema parser shares state
        // between threads (two compilations at once were seen to fail on the ANS schema);
        // validations against compiled schemas still run side by side.
        Self.compiling.lock()
        defer { Self.compiling.unlock() }
        try LibXML.prepareThread()
        let collector = LibXMLErrorCollector(limit: 5)
        let box = Unmanaged.passRetained(collector)
        defer {
            LibXML.silenceThread()
            box.release()
        }
        guard let parserContext = xmlSchemaNewParserCtxt(url.path) else {
            throw AccordError(.io, "libxml2 could not open the schema file \(url.path).")
        }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        xmlSchemaSetParserStructuredErrors(parserContext, LibXMLErrorCollector.callback, box.toOpaque())
        xmlSetStructuredErrorFunc(box.toOpaque(), LibXMLErrorCollector.callback)
        guard let schema = xmlSchemaParse(parserContext) else {
            let detail = collector.messages.prefix(3).joined(separator: "; ")
            throw AccordError(
                .invalidInput, "the schema \(url.path) could not be compiled: \(detail.isEmpty ? "no detail from libxml2" : detail).")
        }
        self.schema = schema
        self.url = url
        idAttributeNames = Self.idAttributeNames(of: url)
    }

    /// The names of the attributes the schema declares of type `xs:ID`, whose values must be
    /// unique in a document: the one-pass validation does not check that (libxml2 checks it
    /// on a tree), so ``validate(_:parser:)`` checks it itself. `nil` when the schema's files
    /// use the ID type otherwise than in `<xs:attribute name="…" type="xs:ID" …>`, one to a
    /// line: every document is then validated from its tree.
    let idAttributeNames: Set<String>?

    /// Reads the schema's files (`url` and those its `schemaLocation`s name, recursively; a
    /// file that is missing, or on the network, libxml2 did not load either; one that is not
    /// UTF-8 gives `nil`) for the attributes of type `xs:ID` (see ``idAttributeNames``).
    static func idAttributeNames(of url: URL) -> Set<String>? {
        var names: Set<String> = []
        var seen: Set<String> = []
        var files = [url.standardizedFileURL]
        while let file = files.popLast() {
            guard seen.insert(file.path).inserted, let data = try? Data(contentsOf: file) else { continue }
            guard String(validating: data, as: UTF8.self) != nil else { return nil }
            let bytes = [UInt8](data)
            for line in lines(containing: "schemaLocation", in: bytes) {
                for location in captures(#"schemaLocation\s*=\s*"([^"]+)""#, in: line) where !location.contains("://") {
                    files.append(URL(fileURLWithPath: location, relativeTo: file.deletingLastPathComponent()).standardizedFileURL)
                }
            }
            // The XML Schema namespace's own schema defines the type (`<xs:simpleType name="ID" id="ID">`).
            let definesTheTypes = !lines(containing: #"targetNamespace="http://www.w3.org/2001/XMLSchema""#, in: bytes).isEmpty
            // Only the lines that mention `ID"` are read (a line of 2.6 MB of FHIR schema each
            // cost a third of a second as a whole); each must name the type once, in an
            // attribute's declaration.
            for line in Set(lines(containing: #"ID""#, in: bytes)) {
                // Values naming the type, as a token of a QName list (`type="xs:ID"`,
                // `base="ID"`, `memberTypes="xs:ID …"`), not names (`name="ID"`) or links (`#ID`).
                let mentions = captures(#"((?<!name)="(?:[^"]*\s)?(?:[\w.-]+:)?ID(?:\s[^"]*)?")"#, in: line).count
                if mentions == 0 { continue }
                if definesTheTypes && line.range(of: #"<(?:\w+:)?simpleType\s+name="ID""#, options: .regularExpression) != nil { continue }
                guard mentions == 1,
                    let name = captures(#"<(?:\w+:)?attribute\s+name="([^"]+)"\s+type="\w+:ID"(?:\s+\w+="[^"]*")*\s*/?>"#, in: line).first
                else { return nil }
                names.insert(name)
            }
        }
        return names
    }

    /// Each line of `bytes` (between line breaks) holding `needle`.
    private static func lines(containing needle: String, in bytes: [UInt8]) -> [String] {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return [] }
        var lines: [String] = []
        var index = 0
        while index + pattern.count <= bytes.count {
            guard bytes[index] == first, bytes[index..<(index + pattern.count)].elementsEqual(pattern) else {
                index += 1
                continue
            }
            var lower = index
            while lower > 0 && bytes[lower - 1] != 0x0A && bytes[lower - 1] != 0x0D { lower -= 1 }
            var upper = index
            while upper < bytes.count && bytes[upper] != 0x0A && bytes[upper] != 0x0D { upper += 1 }
            lines.append(String(decoding: bytes[lower..<upper], as: UTF8.self))
            index = upper
        }
        return lines
    }

    /// The first group of each match of `pattern` in `text`.
    private static func captures(_ pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// Whether the values of the attributes named `names` (with any prefix) are all different
    /// in `data`, white space around them aside: `false` as soon as two are the same, or one
    /// holds a reference (`&`), which only a parser can tell. Any `name=` after white space or
    /// `:` counts (in text too): it can only make the answer `false`, and the tree decides.
    ///
    /// Each `=` is found with `memchr` and the names are looked for before it (the byte scan
    /// that stopped at each byte a name starts with cost about as much as the validation saved).
    static func idValuesAreUnique(_ data: Data, names: Set<String>) -> Bool {
        let candidates = names.map { Array($0.utf8) }.filter { !$0.isEmpty }
        return data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            var values: Set<[UInt8]> = []
            var from = 0
            while from < count, let found = memchr(base + from, Int32(UInt8(ascii: "=")), count - from) {
                let equals = base.distance(to: UnsafeRawPointer(found))
                from = equals + 1
                // Where the name before `=` ends, white space aside.
                var end = equals
                while end > 0 && isSpace(bytes[end - 1]) { end -= 1 }
                for name in candidates where end - name.count >= 1 {
                    let start = end - name.count
                    let before = bytes[start - 1]
                    guard isSpace(before) || before == UInt8(ascii: ":"), bytes[start..<end].elementsEqual(name) else { continue }
                    var cursor = equals + 1
                    while cursor < count && isSpace(bytes[cursor]) { cursor += 1 }
                    guard cursor < count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") else { continue }
                    let quote = bytes[cursor]
                    var close = cursor + 1
                    while close < count && bytes[close] != quote { close += 1 }
                    var value = Array(bytes[(cursor + 1)..<close])
                    if value.contains(UInt8(ascii: "&")) { return false }
                    while let last = value.last, isSpace(last) { value.removeLast() }
                    let first = value.firstIndex(where: { !isSpace($0) }) ?? value.endIndex
                    guard values.insert(Array(value[first...])).inserted else { return false }
                }
            }
            return true
        }
    }

    deinit {
        Self.compiling.lock()
        defer { Self.compiling.unlock() }
        xmlSchemaFree(schema)
    }

    /// Serialises schema compilation (see ``init(contentsOf:)``).
    private static let compiling = NSLock()

    /// Validates a document against the schema.
    ///
    /// A document whose prolog is plainly UTF-8 without a DTD (``SafeXMLParser``'s
    /// `hasPlainProlog`: every document Accord writes) is validated as libxml2 parses it, in one
    /// pass, without building its tree (`xmlSchemaValidateStream`; a third less CPU than
    /// parsing, then validating the tree). Any other, and any document that pass finds faulty,
    /// is parsed by ``SafeXMLParser`` (which refuses a DTD) and its tree validated, which gives
    /// the messages. A document that is not well-formed gives that one message.
    ///
    /// - Parameters:
    ///   - data: the document's bytes.
    ///   - parser: the safe parser's limits (default limits).
    /// - Returns: the schema's error messages in document order, each `line N: message`
    ///   (at most 100), with the offending values replaced by `'…'` so that no identifier or
    ///   free text leaks into logs; empty when the document is valid.
    public func validate(_ data: Data, parser: SafeXMLParser = SafeXMLParser()) -> [String] {
        guard data.count <= parser.maximumSize, let idNames = idAttributeNames, SafeXMLParser.hasPlainProlog(data) else {
            return validateTree(data, parser: parser)
        }
        // The parser's own errors (well-formedness) come through the thread's handler.
        let parsing = LibXMLErrorCollector(limit: 5)
        let parsingBox = Unmanaged.passRetained(parsing)
        defer { parsingBox.release() }
        let messages = collectingMessages { context in
            xmlSetStructuredErrorFunc(parsingBox.toOpaque(), LibXMLErrorCollector.callback)
            return data.withUnsafeBytes { raw in
                // A copy of the bytes (libxml2 2.9's in-place `Static` buffer reads past the end
                // of memory that is not NUL-terminated), freed with the parser.
                guard let base = raw.baseAddress,
                    let input = xmlParserInputBufferCreateMem(
                        base.assumingMemoryBound(to: CChar.self), Int32(raw.count), XML_CHAR_ENCODING_NONE)
                else { return -1 }
                return xmlSchemaValidateStream(context, input, XML_CHAR_ENCODING_NONE, nil, nil)
            }
        }
        // A document found faulty is validated again from its tree, whose messages place each
        // fault at its element's start tag (one pass places a missing child at the end tag):
        // the messages stay those users have always had; a valid document is not read twice.
        if parsing.firstFailure != nil || !messages.isEmpty { return validateTree(data, parser: parser) }
        // Unique IDs, which the one pass does not check: the tree decides when they may not be.
        if !idNames.isEmpty && !Self.idValuesAreUnique(data, names: idNames) { return validateTree(data, parser: parser) }
        return []
    }

    /// Validates the tree ``SafeXMLParser`` parses from `data` (see ``validate(_:parser:)``).
    func validateTree(_ data: Data, parser: SafeXMLParser) -> [String] {
        let document: xmlDocPtr
        do {
            document = try parser.parse(data, readOnly: true)
        } catch {
            return ["\(error)"]
        }
        defer { xmlFreeDoc(document) }
        return collectingMessages { context in xmlSchemaValidateDoc(context, document) }
    }

    /// Runs `validation` with a new validation context of the schema whose messages are kept.
    /// - Returns: the messages, redacted; one saying so when libxml2 found the document invalid
    ///   without a message.
    private func collectingMessages(_ validation: (xmlSchemaValidCtxtPtr) -> Int32) -> [String] {
        LibXML.silenceThread()
        guard let context = xmlSchemaNewValidCtxt(schema) else { return ["libxml2 could not create a validation context (out of memory?)"] }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = LibXMLErrorCollector(limit: 100)
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        xmlSchemaSetValidStructuredErrors(context, LibXMLErrorCollector.callback, box.toOpaque())
        let result = validation(context)
        LibXML.silenceThread()
        if result != 0 && collector.messages.isEmpty {
            return ["the document is not valid (libxml2 result \(result), no message)"]
        }
        return collector.messages.map(Self.redacted)
    }

    /// Replaces the values libxml2 quotes in schema messages (`The value '…'`, `: '…' is not
    /// a valid value`) by `'…'`, keeping element and attribute names; a value over several
    /// lines (a note) included (`(?s)`: `.` matches line breaks too).
    static func redacted(_ message: String) -> String {
        var text = message
        for pattern in [
            #"(?s)(?<=[Vv]alue )'.*?'(?= (is|has|of) )"#, #"(?s)(?<=: )'.*?'(?= is not)"#, #"(?s)(?<=[Vv]alue )'.*?'(?=[.,;]|$)"#,
        ] {
            text = text.replacingOccurrences(of: pattern, with: "'…'", options: .regularExpression)
        }
        return text
    }
}

/// Where the official schemas are: one folder (`--schemas DIR` or the environment variable
/// `ACCORD_SCHEMAS`) holding the ANS and HL7 schema packages as Accord's tests use them.
///
/// ```text
/// DIR/cda-fr/CDA_extended.xsd     ANS CDA R2 schema (profile cda-fr)
/// DIR/fhir-r4/fhir-single.xsd     HL7 FHIR R4 schema (profile fhir-r4)
/// ```
public struct SchemaLocator: Sendable, Hashable {
    /// The environment variable naming the schemas folder.
    public static let environmentVariable = "ACCORD_SCHEMAS"
    /// The command-line option naming the schemas folder.
    public static let option = "--schemas"
    /// The CDA schema's path inside the folder.
    public static let cdaFRPath = "cda-fr/CDA_extended.xsd"
    /// The FHIR R4 schema's path inside the folder.
    public static let fhirR4Path = "fhir-r4/fhir-single.xsd"

    /// The schemas folder.
    public var folder: URL
    /// How the user named the folder, for messages: `--schemas` or `ACCORD_SCHEMAS`.
    public var option: String

    /// A schemas folder given explicitly.
    /// - Parameters:
    ///   - folder: the folder's path.
    ///   - option: how the user named it, for messages (default `--schemas`).
    public init(folder: String, option: String = SchemaLocator.option) {
        self.folder = URL(fileURLWithPath: folder, isDirectory: true)
        self.option = option
    }

    /// The folder from `option` when given, else from `ACCORD_SCHEMAS`; `nil` when neither is
    /// set (exports are then checked for well-formedness only).
    /// - Parameters:
    ///   - option: the value of `--schemas`, if given.
    ///   - environment: the process environment.
    public static func locate(
        option: String?, environment: [String: String] = ProcessEnvironment.all
    ) -> SchemaLocator? {
        if let option, !option.isEmpty { return SchemaLocator(folder: option, option: Self.option) }
        if let value = environment[environmentVariable], !value.isEmpty {
            return SchemaLocator(folder: value, option: environmentVariable)
        }
        return nil
    }

    /// `DIR/cda-fr/CDA_extended.xsd`.
    public var cdaURL: URL { folder.appendingPathComponent(Self.cdaFRPath) }
    /// `DIR/fhir-r4/fhir-single.xsd`.
    public var fhirURL: URL { folder.appendingPathComponent(Self.fhirR4Path) }

    /// Compiles the ANS CDA schema (`cda-fr/CDA_extended.xsd`).
    /// - Throws: `AccordError` (`io`) naming the missing file and the option or variable that
    ///   named the folder; (`invalidInput`) when the schema does not compile.
    public func cda() throws -> XMLSchema { try compile(cdaURL, relative: Self.cdaFRPath) }

    /// Compiles the FHIR R4 schema (`fhir-r4/fhir-single.xsd`).
    /// - Throws: as ``cda()``.
    public func fhir() throws -> XMLSchema { try compile(fhirURL, relative: Self.fhirR4Path) }

    /// The ANS CDA schema's file, checked to be there, not compiled.
    /// - Throws: as ``cda()`` when the file is missing.
    public func cdaFile() throws -> URL { try existing(cdaURL, relative: Self.cdaFRPath) }

    /// The FHIR R4 schema's file, checked to be there, not compiled.
    /// - Throws: as ``fhir()`` when the file is missing.
    public func fhirFile() throws -> URL { try existing(fhirURL, relative: Self.fhirR4Path) }

    private func compile(_ url: URL, relative: String) throws -> XMLSchema {
        try XMLSchema(contentsOf: existing(url, relative: relative))
    }

    private func existing(_ url: URL, relative: String) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AccordError(
                .io,
                "the schema file \(relative) is missing under \(folder.path), the folder that \(option) names; "
                    + "point \(option) at the folder holding cda-fr/ and fhir-r4/.",
                field: option)
        }
        return url
    }
}

/// A schema compiled when it is first asked for, once: a batch export whose documents its
/// folder holds already checks none, and compiling the ANS CDA schema costs about 60 ms.
///
/// `@unchecked Sendable`: the compiled schema (or the error) is kept under a lock; a compiled
/// ``XMLSchema`` may be shared by threads.
public final class DeferredSchema: @unchecked Sendable {
    /// The schema's file.
    public let file: URL
    private let lock = NSLock()
    private var compiled: Result<XMLSchema, any Error>?

    /// The schema in `file` (checked to be there by whoever found it), compiled at the first
    /// ``schema()``.
    public init(file: URL) {
        self.file = file
    }

    /// The schema, compiled at the first call; every later call gives the same schema, or
    /// throws the same error.
    /// - Throws: `AccordError` (`invalidInput`) when the schema does not compile (as
    ///   ``XMLSchema/init(contentsOf:)``).
    public func schema() throws -> XMLSchema {
        lock.lock()
        defer { lock.unlock() }
        if compiled == nil { compiled = Result { try XMLSchema(contentsOf: file) } }
        return try compiled!.get()
    }
}
