import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `accord audit access` and `accord serve --secure-cookies`, run as a user would.
@Suite
struct WebAccessAuditTests {
    /// A database whose access log holds four reads: S1 and S2 by 810123456781 on 2 March
    /// (today's list), S2 by 810987654323 on 3 March, S2 by 810123456781 on 4 March.
    func databaseWithReads(_ cli: AccordCLI) throws {
        let log = try cli.openStore(clock: .fixed(at: Samples.instant)).accessLog
        try log.record(sessions: [SessionID(number: 1), SessionID(number: 2)], by: "810123456781", page: "today", at: Samples.instant)
        try log.record(
            sessions: [SessionID(number: 2)], by: "810987654323", page: "consultation", at: Samples.instant.addingTimeInterval(86_400))
        try log.record(
            sessions: [SessionID(number: 2)], by: "810123456781", page: "history", at: Samples.instant.addingTimeInterval(2 * 86_400))
    }

    @Test func theAuditCountsReadsByClinicianAndBySession() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try databaseWithReads(cli)
        let table = try cli.run(["audit", "access"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr == "")
        #expect(
            table.stdout == """
                Reads of patients' records through the web, all days; command-line reads are not logged.

                Total: 4

                clinician     reads
                ------------  -----
                810123456781  3
                810987654323  1

                session  reads
                -------  -----
                S1       1
                S2       3

                """)
        let json = try cli.run(["audit", "access", "--since", "2026-03-03", "--until", "2026-03-04", "--session", "S2", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(
            json.stdout == """
                {
                  "by_clinician" : [
                    {
                      "idnat_ps" : "810123456781",
                      "reads" : 1
                    },
                    {
                      "idnat_ps" : "810987654323",
                      "reads" : 1
                    }
                  ],
                  "by_session" : [
                    {
                      "reads" : 2,
                      "session" : "S2"
                    }
                  ],
                  "session" : "S2",
                  "since" : "2026-03-03",
                  "total" : 2,
                  "until" : "2026-03-04"
                }

                """)
        let byOne = try cli.run(["audit", "access", "--by", "810987654323", "--until", "2026-03-02"])
        #expect(byOne.status == 0, "\(byOne.stderr)")
        #expect(
            byOne.stdout == """
                Reads of patients' records through the web, until 2026-03-02 (UTC days), by 810987654323; command-line reads are not logged.

                Total: 0

                """)
        // The audit only reads: the log is as it was.
        let store = try cli.openStore(clock: .fixed(at: Samples.instant), readOnly: true)
        #expect(try store.accessLog.reads().count == 4)
    }

    /// A log row altered to hold an escape sequence in its clinician (no read is ever logged
    /// with one) is shown with the sequence as its code: it cannot act on the auditor's terminal.
    @Test func anAlteredClinicianIsShownAsItsCodes() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try databaseWithReads(cli)
        let update = "UPDATE web_access SET idnat_ps = '8109\u{1B}[2J' WHERE idnat_ps = '810987654323'"
        try cli.tamper(cli.backend == .sqlite ? "DROP TRIGGER IF EXISTS web_access_no_update; " + update : update)
        let table = try cli.run(["audit", "access"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("\n810123456781   3\n8109\\u{1b}[2J  1\n"), "\(table.stdout)")
        #expect(!table.stdout.contains("\u{1B}"))
    }

    @Test(arguments: [
        (["--since", "2026-02-30"], "Error: --since is not a calendar date; expected a date as YYYY-MM-DD."),
        (
            ["--since", "2026-03-04", "--until", "2026-03-03"],
            "Error: --until is before --since; expected a period whose last day is on or after its first."
        ),
        (["--session", "P2"], "Error: The value given is invalid for '--session <session>'"),
        (["--by", "810123456782"], "Error: --by: the IdNat_PS has an RPPS number whose Luhn check digit is wrong"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try databaseWithReads(cli)
        let result = try cli.run(["audit", "access"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(!result.stderr.contains("810123456782"))
        #expect(!result.stderr.contains("P2"))
        #expect(result.stdout == "")
    }

    @Test(.sqliteOnly("a missing SQLite file, never created by the audit"))
    func theAuditOfAMissingDatabaseCreatesNone() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["audit", "access"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("accord: error: no database at the path given by --db or ACCORD_DB"))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
    }

    /// Behind a reverse proxy that terminates TLS, `--secure-cookies` marks the cookies Secure
    /// although the server itself speaks plain HTTP.
    @Test func secureCookiesAreSecureBehindAProxy() async throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let port = Int.random(in: 20_000...40_000)
        let (process, stderr) = try await cli.startServer(port: port, ["--secure-cookies"])
        defer { if process.isRunning { process.terminate() } }
        #expect(stderr == "accord: serving on http://127.0.0.1:\(port) (Ctrl-C or SIGTERM stops)\n")
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/connexion")!)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        let cookie = try #require(http.value(forHTTPHeaderField: "Set-Cookie"))
        let attributes = Set(cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(attributes == ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"])
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
