import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `accord user`, `accord serve` and `accord audit access` on a PostgreSQL database (issue 18),
/// run as a user would.
@Suite(.enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason), .bothBackendsItself)
struct WebPostgresServeTests {
    static let password = "une phrase de passe"

    /// `accord user add`, then `accord serve --db postgres://…`: the clinician signs in over
    /// HTTP, opens a consultation page, and the read is in `accord audit access`.
    @Test func aClinicianAddedOnPostgresSignsInAndTheirReadIsAudited() async throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let env = ["ACCORD_DB": database.url]
        try PostgresCommandTests.record(cli, db: database.url)
        let added = try cli.run(
            ["__shell__", #"printf '%s\n' "$PW" | "$ACCORD_BIN" user add --id "$ID" --name "Dr Hélène Roussel" --password-stdin"#],
            environment: env.merging(["PW": Self.password, "ID": Samples.clinicianID]) { $1 })
        #expect(added.status == 0, "\(added.stderr)")
        let list = try cli.run(["user", "list"], environment: env)
        #expect(list.stdout == "810123456781\tenabled\t2026-03-02T09:30:00Z\tDr Hélène Roussel\n")
        #expect(try cli.run(["user", "list"]).status == 1, "nothing went to the SQLite file")

        let port = Int.random(in: 20_000...40_000)
        let (process, stderr) = try await cli.startServer(port: port, ["--db", database.url])
        defer { if process.isRunning { process.terminate() } }
        #expect(stderr == "accord: serving on http://127.0.0.1:\(port) (Ctrl-C or SIGTERM stops)\n")
        let client = NoRedirectClient(base: "http://127.0.0.1:\(port)")

        let form = try await client.send("/connexion")
        #expect(form.status == 200)
        let field = try #require(form.csrfField)
        let formCookie = try #require(form.cookie("accord_csrf"))
        let signedIn = try await client.send(
            "/connexion", method: "POST", cookies: ["accord_csrf": formCookie],
            fields: ["csrf": field, "id": Samples.clinicianID, "password": Self.password])
        #expect(signedIn.status == 303)
        #expect(signedIn.location == "/sessions")
        let session = try #require(signedIn.cookie("accord_session"))

        let page = try await client.send("/sessions/1", cookies: ["accord_session": session])
        #expect(page.status == 200)
        #expect(page.body.contains("S1"))
        // Without the cookie, the same page reads nothing.
        let signedOut = try await client.send("/sessions/1")
        #expect(signedOut.status == 302)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let audit = try cli.run(["audit", "access", "--json"], environment: env)
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(
            audit.stdout == """
                {
                  "by_clinician" : [
                    {
                      "idnat_ps" : "810123456781",
                      "reads" : 1
                    }
                  ],
                  "by_session" : [
                    {
                      "reads" : 1,
                      "session" : "S1"
                    }
                  ],
                  "total" : 1
                }

                """)

        let disabled = try cli.run(["user", "disable", Samples.clinicianID], environment: env)
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(
            try cli.run(["user", "list"], environment: env).stdout == "810123456781\tdisabled\t2026-03-02T09:30:00Z\tDr Hélène Roussel\n")
    }
}

/// An HTTP client that shows redirects instead of following them, and sends cookies by hand.
final class NoRedirectClient: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var setCookies: [String]
        var body: String

        var location: String? { headers["Location"] ?? headers["location"] }

        /// The value `Set-Cookie` gives the cookie `name`.
        func cookie(_ name: String) -> String? {
            setCookies.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
        }

        /// The value of the first hidden `csrf` field of the page.
        var csrfField: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let base: String
    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    init(base: String) { self.base = base }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    /// Sends a request: `fields` as a urlencoded form, or with `file` (a form field, a file
    /// name and its bytes) as a multipart form, as a browser uploads a file.
    func send(
        _ path: String, method: String = "GET", cookies: [String: String] = [:], fields: [String: String]? = nil,
        file: (field: String, name: String, data: Data)? = nil
    )
        async throws -> Answer
    {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        request.setValue("fr-FR", forHTTPHeaderField: "Accept-Language")
        if !cookies.isEmpty {
            request.setValue(
                cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie")
        }
        if let file {
            request.setValue(MultipartForm.contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = MultipartForm.body(fields: fields ?? [:], file: file)
        } else if let fields {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(
                fields.sorted { $0.key < $1.key }.map {
                    "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
                }
                .joined(separator: "&").utf8)
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
        // Several Set-Cookie headers may be folded into one, separated by commas.
        let folded = headers["Set-Cookie"] ?? headers["set-cookie"] ?? ""
        let setCookies = folded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return Answer(status: http.statusCode, headers: headers, setCookies: setCookies, body: String(decoding: data, as: UTF8.self))
    }
}
