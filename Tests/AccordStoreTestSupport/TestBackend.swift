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

    /// Points `cli`'s commands at a fresh database of this backend (`ACCORD_DB`): its own
    /// SQLite file, or a new PostgreSQL database. Call ``Prepared/drop()`` when done.
    /// - Throws: when PostgreSQL is required and no server is given, or the server fails.
    public func prepare(_ cli: inout AccordCLI) throws -> Prepared {
        switch self {
        case .sqlite:
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
