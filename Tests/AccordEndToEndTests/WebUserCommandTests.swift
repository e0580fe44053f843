import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `accord user add|disable|list` and the checks of `accord serve`, run as a user would.
@Suite
struct WebUserCommandTests {
    static let password = "une phrase de passe"

    /// Runs `accord user add` with `password` on standard input.
    func add(_ cli: AccordCLI, id: String = Samples.clinicianID, password: String = password) throws -> AccordCLI.Result {
        try cli.run(
            ["__shell__", #"printf '%s\n' "$PW" | "$ACCORD_BIN" user add --id "$ID" --name "Dr Hélène Roussel" --password-stdin"#],
            environment: ["PW": password, "ID": id])
    }

    @Test func anAccountIsAddedWithThePasswordFromStandardInputNeverEchoed() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let added = try add(cli)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "Account added and enabled; the clinician signs in with it on `accord serve`.\n")
        #expect(added.stderr == "")
        let list = try cli.run(["user", "list"])
        #expect(list.status == 0)
        #expect(list.stdout == "810123456781\tenabled\t2026-03-02T09:30:00Z\tDr Hélène Roussel\n")
        // Neither the database nor its journal holds the password.
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: cli.database.path + suffix))) ?? Data()
            #expect(bytes.range(of: Data(Self.password.utf8)) == nil, "accord.sqlite\(suffix)")
        }
        let again = try add(cli)
        #expect(again.status == 1)
        #expect(
            again.stderr
                == "accord: error: --id: an account has this IdNat_PS already; nothing was recorded (`accord user list` shows the accounts).\n"
        )
        let disabled = try cli.run(["user", "disable", Samples.clinicianID])
        #expect(disabled.status == 0)
        #expect(disabled.stdout == "Account disabled; its sign-ins ended.\n")
        #expect(try cli.run(["user", "list"]).stdout == "810123456781\tdisabled\t2026-03-02T09:30:00Z\tDr Hélène Roussel\n")
    }

    @Test(.sqliteOnly("after the refusal, no SQLite file exists: nothing was created"))
    func aShortPasswordIsRefusedWithoutShowingIt() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try add(cli, password: "court123")
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "accord: error: password: is shorter than 12 characters; expected 12 to 72 characters (UTF-8 bytes) without control characters, on standard input.\n"
        )
        #expect(!result.stderr.contains("court123"))
        // Refused before the database is opened: none was created, and `user list` (which only
        // reads) does not create one either.
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
        let list = try cli.run(["user", "list"])
        #expect(list.status == 1)
        #expect(list.stderr.hasPrefix("accord: error: no database at the path given by --db or ACCORD_DB"))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
        // An empty database has no account yet.
        #expect(try add(cli, password: "une phrase de passe assez longue").status == 0)
        #expect(try cli.run(["user", "disable", Samples.clinicianID]).status == 0)
        #expect(try cli.run(["user", "list"]).stdout.hasSuffix("\tdisabled\t2026-03-02T09:30:00Z\tDr Hélène Roussel\n"))
    }

    @Test func thePasswordIsNeverTakenFromTheCommandLine() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["user", "add", "--id", Samples.clinicianID, "--name", "Dr Hélène Roussel"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: --password-stdin is required"))
        let badID = try add(cli, id: "812345678901")
        #expect(badID.status == 1)
        #expect(badID.stderr.hasPrefix("accord: error: --id: the IdNat_PS has an RPPS number whose Luhn check digit is wrong"))
        #expect(!badID.stderr.contains("812345678901"))
    }

    @Test func servingOffLoopbackWithoutTLSIsAUsageError() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["serve", "--listen", "0.0.0.0:8443"])
        #expect(result.status == 64)
        #expect(
            result.stderr.hasPrefix(
                "Error: --listen: is not a loopback address, and plain HTTP would cross the network unencrypted; expected --tls-cert and --tls-key (PEM files) with this address, or a loopback address (127.0.0.1, ::1, localhost)."
            ))
        let half = try cli.run(["serve", "--tls-cert", "c.pem"])
        #expect(half.status == 64)
        #expect(half.stderr.hasPrefix("Error: --tls-key: is missing while --tls-cert is given"))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path), "nothing opened")
    }

    /// `accord serve` on loopback answers with the sign-in page and the security headers, and
    /// stops cleanly on SIGTERM.
    @Test func theServerAnswersOnLoopbackAndStopsOnSIGTERM() async throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let port = Int.random(in: 20_000...40_000)
        let (process, stderr) = try await cli.startServer(port: port)
        defer { if process.isRunning { process.terminate() } }
        #expect(stderr == "accord: serving on http://127.0.0.1:\(port) (Ctrl-C or SIGTERM stops)\n")
        // URLSession names the system's language (English here) unless told otherwise.
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/connexion")!)
        request.setValue("fr-FR,fr;q=0.9", forHTTPHeaderField: "Accept-Language")
        let (body, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Security-Policy") == "default-src 'self'")
        #expect(http.value(forHTTPHeaderField: "X-Frame-Options") == "DENY")
        #expect(String(decoding: body, as: UTF8.self).contains("<h1>Connexion</h1>"))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
