import AccordCore
import AccordPostgres
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `accord db init`, `db copy`, `audit sql` and the refusals of the web commands on a real
/// PostgreSQL server (skipped without one, as ``PostgresTestDatabase`` says).
@Suite(
    .enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason),
    .sqliteOnly("makes its PostgreSQL databases itself, beside the SQLite file: the PostgreSQL pass would only repeat it"))
struct PostgresCommandTests {
    /// A password that must never be printed.
    static let password = "Secret-Pg-Password-42"

    /// `url` with `password` added to its user.
    static func withPassword(_ url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        let rest = url[range.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return url }
        return url.replacingCharacters(in: range.upperBound..<at, with: String(rest[..<at]) + ":" + password)
    }

    static func expectNoPassword(_ result: AccordCLI.Result, _ what: String) {
        #expect(!result.stdout.contains(password) && !result.stderr.contains(password), "\(what) prints the password")
    }

    /// Two sessions recorded through the command line (one closed with a decision).
    static func record(_ cli: AccordCLI, db: String? = nil) throws {
        let env = db.map { ["ACCORD_DB": $0] } ?? [:]
        func run(_ arguments: [String]) throws {
            let result = try cli.run(arguments, environment: env)
            #expect(result.status == 0, "\(arguments.prefix(2)): \(result.stderr)")
        }
        for number in 1...2 {
            try run(BadInputTests.start)
            let session = "S\(number)"
            try run(["option", "add", session, "--kind", "treatment", "--label", "Traitement inventé", "--benefit", "Bénéfice"])
            try run(["option", "add", session, "--kind", "active-surveillance", "--label", "Surveillance active"])
            try run(["instrument", "record", session, "--instrument", "cps-preferred", "--answers", "C"])
            if number == 1 {
                try run(["decision", "record", session, "--agreed", "1", "--by", "P1"])
                try run(["session", "close", session])
            }
        }
    }

    static func head(_ result: AccordCLI.Result) -> String? {
        result.stdout.split(separator: "\n").first { $0.hasPrefix("head ") }.map(String.init)
    }

    @Test func initTwiceIsIdempotentAndPrintsNoPassword() throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let admin = Self.withPassword(database.adminURL)
        let first = try cli.run(["db", "init", "--admin", admin])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("is already an Accord database; nothing was changed."))
        #expect(first.stdout.contains("IN ROLE accord_writer"))
        #expect(first.stdout.contains("IN ROLE accord_auditor"))
        let id = first.stdout.split(separator: "\n").first { $0.hasPrefix("database id ") }
        #expect(id != nil)
        let second = try cli.run(["db", "init", "--admin", admin])
        #expect(second.status == 0)
        #expect(second.stdout == first.stdout)
        Self.expectNoPassword(first, "db init")

        // A new database on the same server: created.
        let name = "accord_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let fresh = admin.replacingOccurrences(of: "/\(database.name)", with: "/\(name)")
        let made = try cli.run(["db", "init", "--admin", fresh])
        defer {
            try? PostgresCommandTests.dropDatabase(String(name))
        }
        #expect(made.status == 0, "\(made.stderr)")
        #expect(
            made.stdout.hasPrefix("Created the database, the Accord schema and the roles accord_writer and accord_auditor in postgres://"))
        Self.expectNoPassword(made, "db init")
    }

    static func dropDatabase(_ name: String) throws {
        guard let admin = PostgresTestDatabase.adminURL else { return }
        try PostgresEventStore.administer(adminURL: admin) { sql in try sql("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)") }
    }

    @Test func recordVerifyCopyRoundTripAndAuditSQL() throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.record(cli)
        let sqliteVerify = try cli.run(["verify"])
        #expect(sqliteVerify.status == 0, "\(sqliteVerify.stderr)")
        let sqliteHead = try #require(Self.head(sqliteVerify))
        let shown = try cli.run(["session", "show", "S1"])
        #expect(shown.status == 0)

        // SQLite → PostgreSQL.
        let toPostgres = try cli.run(["db", "copy", "--from", cli.database.path, "--to", database.url])
        #expect(toPostgres.status == 0, "\(toPostgres.stderr)")
        #expect(toPostgres.stdout.contains("source \(sqliteHead)"))
        #expect(toPostgres.stdout.contains("copy \(sqliteHead)"))
        let pgVerify = try cli.run(["verify"], environment: ["ACCORD_DB": database.url])
        #expect(pgVerify.status == 0, "\(pgVerify.stderr)")
        #expect(Self.head(pgVerify) == sqliteHead)
        let pgShown = try cli.run(["session", "show", "S1"], environment: ["ACCORD_DB": database.url])
        #expect(pgShown.stdout == shown.stdout)

        // A copy into a database that now holds events is refused, and changes nothing.
        let again = try cli.run(["db", "copy", "--from", cli.database.path, "--to", database.url])
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not empty"))
        #expect(Self.head(try cli.run(["verify"], environment: ["ACCORD_DB": database.url])) == sqliteHead)

        // audit sql gives the same rows on both.
        let query = "SELECT session_number, closed, preferred_role, completeness FROM audit_sessions ORDER BY session_number"
        let sqliteRows = try cli.run(["audit", "sql", query, "--format", "csv"])
        let pgRows = try cli.run(["audit", "sql", query, "--format", "csv"], environment: ["ACCORD_DB": database.url])
        #expect(sqliteRows.status == 0 && pgRows.status == 0, "\(pgRows.stderr)")
        #expect(pgRows.stdout == sqliteRows.stdout)
        // A result with no row still names its columns, in every format, as on SQLite.
        let none = "SELECT session_number, preferred_role FROM audit_sessions WHERE session_number < 0"
        for format in ["csv", "table", "json"] {
            let sqliteNone = try cli.run(["audit", "sql", none, "--format", format])
            let pgNone = try cli.run(["audit", "sql", none, "--format", format], environment: ["ACCORD_DB": database.url])
            #expect(pgNone.status == 0, "\(pgNone.stderr)")
            #expect(pgNone.stdout == sqliteNone.stdout, "\(format)")
        }
        #expect(
            try cli.run(["audit", "sql", none, "--format", "csv"], environment: ["ACCORD_DB": database.url]).stdout
                == "session_number,preferred_role\n")
        // The statement check runs first on PostgreSQL too.
        let refused = try cli.run(["audit", "sql", "SELECT * FROM event"], environment: ["ACCORD_DB": database.url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("reading the table event directly is not allowed"))

        // PostgreSQL → a new SQLite file: the same head, the same session.
        let back = cli.folder.appendingPathComponent("back.sqlite").path
        let toSQLite = try cli.run(["db", "copy", "--from", database.url, "--to", back])
        #expect(toSQLite.status == 0, "\(toSQLite.stderr)")
        let backVerify = try cli.run(["verify"], environment: ["ACCORD_DB": back])
        #expect(Self.head(backVerify) == sqliteHead)
        #expect(try cli.run(["session", "show", "S1"], environment: ["ACCORD_DB": back]).stdout == shown.stdout)
        #expect(try cli.run(["audit", "sql", query, "--format", "csv"], environment: ["ACCORD_DB": back]).stdout == sqliteRows.stdout)

        // An existing SQLite file, and two stores of one kind, are refused.
        let onto = try cli.run(["db", "copy", "--from", database.url, "--to", back])
        #expect(onto.status == 1)
        #expect(onto.stderr.contains("is not empty"))
        let same = try cli.run(["db", "copy", "--from", back, "--to", cli.folder.appendingPathComponent("other.sqlite").path])
        #expect(same.status == 1)
        #expect(same.stderr.contains("are both SQLite files"))
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("other.sqlite").path))
    }

    @Test func sessionRecordedOnPostgresVerifies() throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.record(cli, db: database.url)
        let verified = try cli.run(["verify"], environment: ["ACCORD_DB": database.url])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stderr.contains("The event chain is whole: 10 events checked"))
    }

    /// `serve` and `user` take a PostgreSQL URL (issue 18): a server that cannot be reached is
    /// an input/output error naming it without its password.
    @Test func serveAndUserNameAnUnreachableServerWithoutItsPassword() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let url = Self.withPassword("postgres://someone@127.0.0.1:1/accord")
        for arguments in [["serve"], ["user", "list"]] {
            let result = try cli.run(arguments, environment: ["ACCORD_DB": url])
            #expect(result.status == 74, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("accord: error: cannot connect to the PostgreSQL server postgres://someone@127.0.0.1:1/accord"))
            Self.expectNoPassword(result, arguments[0])
        }
    }
}
