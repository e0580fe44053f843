import CLibXML2
import Foundation

/// Process-wide and per-thread set-up of libxml2, done before every libxml2 operation.
///
/// libxml2 keeps its error handlers in thread-local globals, so silencing them once is not
/// enough: ``prepareThread()`` is cheap and is called at the start of each parse, schema
/// compilation and validation, on the thread that runs it.
enum LibXML {
    private static let initialised: Bool = {
        xmlInitParser()
        // Never fetch anything over the network when an external entity or DTD is named.
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        return true
    }()

    /// Initialises the library once, installs the no-network entity loader and silences
    /// libxml2's default printing of errors to stderr on the current thread.
    static func prepareThread() {
        _ = initialised
        xmlSetStructuredErrorFunc(nil, silentStructuredError)
        accord_silence_generic_errors()
    }

    /// Borrows `string` as a NUL-terminated `xmlChar` pointer for the duration of `body`.
    static func withXMLChar<R>(_ string: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
        string.withCString { pointer in
            pointer.withMemoryRebound(to: xmlChar.self, capacity: strlen(pointer) + 1) { body($0) }
        }
    }

    /// Copies a libxml2 string (possibly `nil`) into a Swift string.
    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Copies and frees a string that libxml2 allocated for the caller.
    static func takeString(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        defer { accord_xml_free(pointer) }
        return String(cString: pointer)
    }
}

/// An error handler that drops the error (libxml2 would otherwise print it to stderr).
private let silentStructuredError: xmlStructuredErrorFunc = { _, _ in }

/// Collects the messages of libxml2 structured errors (message and line), for a parse or a
/// validation run on one thread.
final class LibXMLErrorCollector {
    /// Messages in the order libxml2 reported them, each `line N: message`.
    var messages: [String] = []
    /// Line of the first error, when libxml2 gave one.
    var firstLine: Int?
    /// Numeric libxml2 error code of the first error.
    var firstCode: Int32?
    /// Line (0 when unknown) and code of the first error that stops the parse (level error or
    /// fatal, not a warning).
    var firstFailure: (line: Int, code: Int32)?
    /// Stop keeping messages after this many (a broken document can report thousands).
    let limit: Int

    init(limit: Int = 100) { self.limit = limit }

    func add(_ error: UnsafePointer<xmlError>) {
        let error = error.pointee
        if firstCode == nil {
            firstCode = error.code
            if error.line > 0 { firstLine = Int(error.line) }
        }
        if firstFailure == nil && error.level.rawValue >= XML_ERR_ERROR.rawValue {
            firstFailure = (Int(max(error.line, 0)), error.code)
        }
        guard messages.count < limit else { return }
        let text = error.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
        messages.append(error.line > 0 ? "line \(error.line): \(text)" : text)
    }

    /// A structured-error callback whose user data is an unretained collector.
    static let callback: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        Unmanaged<LibXMLErrorCollector>.fromOpaque(userData).takeUnretainedValue().add(error)
    }
}
