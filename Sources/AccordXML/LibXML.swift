import AccordCore
import CLibXML2
import Foundation

/// Loading libxml2, and its process-wide and per-thread set-up, done before every libxml2
/// operation.
///
/// libxml2 is loaded when a command first needs XML (CLibXML2.h says why): ``load()`` loads
/// it, and says what is missing when it cannot be. libxml2 keeps its error handlers in
/// thread-local globals, so silencing them once is not enough: ``prepareThread()`` is cheap
/// and is called at the start of each parse and schema compilation, ``silenceThread()``
/// around each validation and after each parse, on the thread that runs it.
public enum LibXML {
    private static let initialised: Bool = {
        xmlInitParser()
        // Never fetch anything over the network when an external entity or DTD is named.
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        return true
    }()

    /// Loads libxml2 (`libxml2.so.2`, once per process; later calls return at once). A
    /// command that makes XML calls it before it makes anything, so that a system without
    /// libxml2 is told so before any folder, file or event is made.
    /// - Throws: `AccordError` (`io`) when libxml2 cannot be loaded, with the loader's reason
    ///   and the package to install.
    public static func load() throws {
        guard accord_libxml2_prepare() == 0 else {
            throw AccordError(
                .io,
                "libxml2 could not be loaded (\(String(cString: accord_libxml2_failure()))); install it (Debian: apt-get install libxml2)."
            )
        }
    }

    /// Loads libxml2 (``load()``), initialises it once, installs the no-network entity loader
    /// and silences libxml2's default printing of errors to stderr on the current thread.
    /// - Throws: `AccordError` (`io`), as ``load()``.
    static func prepareThread() throws {
        try load()
        silenceThread()
    }

    /// ``prepareThread()`` once libxml2 is known to be loaded (a document or schema it made
    /// exists): silences its default printing of errors on the current thread again.
    static func silenceThread() {
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
