/// An error a user can act on: one sentence naming the field, what was wrong and what is
/// accepted.
///
/// Messages never contain a person's name, identifier or free text; session and entry ids
/// are fine. Every command that fails with an `AccordError` leaves the database unchanged.
public struct AccordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, for callers that branch on it.
    public enum Code: String, Sendable, Equatable {
        /// A value typed by the user or read from a file is malformed or fails its check.
        case invalidInput
        /// A session, entry or option does not exist.
        case notFound
        /// The action does not fit the session's state (closing twice, exporting an open session…).
        case conflict
        /// The database is locked by another writer longer than the busy timeout.
        case busy
        /// An exported document failed validation.
        case invalidDocument
        /// A file could not be read or written.
        case io
    }

    /// The kind of failure.
    public let code: Code
    /// The field the error is about, as the command line names it (`--patient-ins`), or `nil`.
    public let field: String?
    /// The sentence shown to the user, without the field.
    public let message: String

    /// Creates an error with a code and a user-facing sentence.
    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// `FIELD: MESSAGE`, or the message alone.
    public var description: String { field.map { "\($0): \(message)" } ?? message }

    /// A malformed or failing value: `field` names the command-line option, `problem` says
    /// what was wrong (without echoing the value) and `accepted` says what would be accepted.
    public static func invalid(_ field: String, _ problem: String, accepted: String) -> AccordError {
        AccordError(.invalidInput, "\(problem); expected \(accepted).", field: field)
    }

    /// The same error about another field name (a YAML key instead of an option).
    public func renamingField(_ newField: String?) -> AccordError {
        AccordError(code, message, field: newField)
    }
}
