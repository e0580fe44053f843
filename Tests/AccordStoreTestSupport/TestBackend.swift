import AccordTestSupport
import Foundation
import Testing

/// The backends an end-to-end test runs on: SQLite always, PostgreSQL when a test server is
/// given (``PostgresTestDatabase``) or required.
public enum TestBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// SQLite, and PostgreSQL when ``PostgresTestDatabase/enabled``.
    public static var available: [TestBackend] { PostgresTestDatabase.enabled ? [.sqlite, .postgres] : [.sqlite] }

    public var testDescription: String { rawValue }

    /// The environment variable choosing the backend of the end-to-end tests'
    /// ``AccordCLI`` (`sqlite`, the default, or `postgres`).
    public static let variable = "ACCORD_TEST_BACKEND"

    /// The backend every ``AccordCLI`` uses unless told otherwise: `ACCORD_TEST_BACKEND`
    /// (`sqlite` when unset or empty, or `postgres`). Any other value stops the test run with
    /// a message naming the variable and the values accepted.
    public static var current: TestBackend {
        let value = ProcessInfo.processInfo.environment[variable] ?? ""
        if value.isEmpty { return .sqlite }
        guard let backend = TestBackend(rawValue: value) else {
            fatalError("\(variable) is neither sqlite nor postgres; set it to one of them, or leave it unset for sqlite")
        }
        return backend
    }

    /// Points `cli`'s commands at a fresh database of this backend (`ACCORD_DB`): its own
    /// SQLite file, or a new PostgreSQL database. Call ``Prepared/drop()`` when done.
    /// - Throws: when PostgreSQL is required and no server is given, or the server fails.
    public func prepare(_ cli: inout AccordCLI) throws -> Prepared {
        switch self {
        case .sqlite:
            cli.environment["ACCORD_DB"] = cli.database.path
            return Prepared(database: nil)
        case .postgres:
            let database = try PostgresTestDatabase.make()
            cli.environment["ACCORD_DB"] = database.url
            return Prepared(database: database)
        }
    }

    /// A prepared database; ``drop()`` removes a PostgreSQL one.
    public struct Prepared: Sendable {
        /// The PostgreSQL database, if any.
        public let database: PostgresTestDatabase?

        /// Drops the PostgreSQL database (nothing for SQLite).
        public func drop() { database?.drop() }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when the end-to-end tests run on SQLite (``TestBackend/current``):
    /// for a test about the SQLite file itself (opening, tampering with or inspecting it, its
    /// WAL file, its permissions, a legacy file's upgrade), or about a feature PostgreSQL does
    /// not have yet. `reason` says which.
    public static func sqliteOnly(_ reason: Comment) -> Self {
        .enabled(if: TestBackend.current == .sqlite, reason)
    }

    /// Runs the test only on the SQLite pass because it runs on both backends itself
    /// (parameterised over ``TestBackend/available``): the PostgreSQL pass would only repeat it.
    public static var bothBackendsItself: Self {
        .enabled(if: TestBackend.current == .sqlite, "runs on both backends itself (TestBackend.available)")
    }
}
