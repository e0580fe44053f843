import AccordCore
import AccordPostgres
import Foundation
import Testing

/// A fresh Accord database on the test PostgreSQL server, for the tests that run on both
/// backends.
///
/// The server is the one `ACCORD_TEST_POSTGRES_ADMIN` names (an administrator's URL, as
/// `Scripts/postgres-test-cluster.sh start DIR` prints). Without it the PostgreSQL tests are
/// skipped, saying why, unless `ACCORD_REQUIRE_POSTGRES=1` (as `.ci/run` sets): then they fail.
///
/// Each database is made by `accord db init`'s code (``AccordPostgres/PostgresEventStore/initialise(adminURL:databaseID:logger:)``)
/// under a random name, and used through the login role `accord_test_writer`, a member of
/// `accord_writer` only: the tests meet the privileges a centre's application has.
public struct PostgresTestDatabase: Sendable {
    /// The environment variable naming the administrator's URL.
    public static let adminVariable = "ACCORD_TEST_POSTGRES_ADMIN"

    /// The administrator's URL, if given.
    public static var adminURL: String? {
        ProcessInfo.processInfo.environment[adminVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the PostgreSQL tests must run (CI): a missing server is then a failure.
    public static var required: Bool { ProcessInfo.processInfo.environment["ACCORD_REQUIRE_POSTGRES"] == "1" }

    /// Whether the PostgreSQL tests run: a server is given, or it is required (and its absence
    /// then fails them).
    public static var enabled: Bool { adminURL != nil || required }

    /// Why the PostgreSQL tests are skipped when they are.
    public static let skipReason: Comment =
        "no PostgreSQL server: set ACCORD_TEST_POSTGRES_ADMIN (see README, Development: Scripts/postgres-test-cluster.sh)"

    /// The writer's URL of the new database (role `accord_test_writer`, no password: the test
    /// cluster trusts its local socket).
    public let url: String
    /// The administrator's URL of the new database.
    public let adminURL: String
    /// The database's name.
    public let name: String

    /// Creates a new database with Accord's schema.
    /// - Throws: when no server is given (only reached when ``required``) or the server fails.
    public static func make() throws -> PostgresTestDatabase {
        guard let admin = adminURL else {
            throw AccordError(.io, "ACCORD_REQUIRE_POSTGRES=1 but ACCORD_TEST_POSTGRES_ADMIN names no PostgreSQL server")
        }
        let name = "accord_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let adminURL = try Self.replacing(database: String(name), in: admin)
        _ = try PostgresEventStore.initialise(adminURL: adminURL)
        try PostgresEventStore.administer(adminURL: adminURL) { sql in
            try sql(
                """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accord_test_writer') THEN
                        CREATE ROLE accord_test_writer LOGIN IN ROLE accord_writer;
                    END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$
                """)
        }
        let location = try PostgresLocation(url: adminURL)
        let writer = adminURL.replacingOccurrences(of: "://\(location.user)@", with: "://accord_test_writer@")
        return PostgresTestDatabase(url: writer, adminURL: adminURL, name: String(name))
    }

    /// Drops the database (its connections ended first).
    public func drop() {
        guard let admin = Self.adminURL, let maintenance = try? Self.replacing(database: "postgres", in: admin) else { return }
        try? PostgresEventStore.administer(adminURL: maintenance) { sql in
            try sql("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
        }
    }

    /// `url` with its database replaced by `database`.
    static func replacing(database: String, in url: String) throws -> String {
        let location = try PostgresLocation(url: url)
        guard
            let range = url.range(
                of: "/\(location.database)", options: .backwards,
                range: url.range(of: "://")!.upperBound..<(url.firstIndex(of: "?") ?? url.endIndex))
        else {
            throw AccordError(.invalidInput, "cannot find the database name in ACCORD_TEST_POSTGRES_ADMIN")
        }
        return url.replacingCharacters(in: range, with: "/\(database)")
    }
}
