import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct WebSecurityTests {
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (HTTPField.Name("Content-Security-Policy")!, "default-src 'self'"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Cache-Control")!, "no-store"),
    ]

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let token = try await client.signedInCookie()
            var responses: [(String, TestResponse)] = []
            for uri in ["/", "/connexion", "/style.css", "/nowhere", "/sessions"] {
                responses.append((uri, try await client.get(uri)))
            }
            responses.append(("/sessions signed in", try await client.get("/sessions", cookies: [WebServer.sessionCookie: token])))
            responses.append(("/sessions/S99 signed in", try await client.get("/sessions/S99", cookies: [WebServer.sessionCookie: token])))
            responses.append(("POST /connexion without token", try await client.post("/connexion", fields: [:])))
            responses.append(("POST /connexion", try await client.signIn(password: "wrong password here")))
            #expect(responses.map(\.1.status.code) == [302, 200, 200, 404, 302, 200, 404, 403, 401])
            for (name, response) in responses {
                for (field, value) in Self.securityHeaders {
                    #expect(response.headers[field] == value, "\(name): \(field)")
                }
            }
        }
    }

    @Test func theStyleSheetIsServedAsCSSAndTheErrorPagesAreFrench() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let css = try await client.get("/style.css")
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text.hasPrefix(":root {"))
            let missing = try await client.get("/nowhere")
            #expect(missing.text.contains("<h1>Page introuvable</h1>"))
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func aSignInWithoutTheFormsTokenIsRefusedAndChangesNothing() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let form = try await client.signInForm()
            let right = ["id": WebTestSite.clinicianID, "password": WebTestSite.password]
            let attempts: [([String: String], [String: String])] = [
                (right, [WebServer.signInFormCookie: form.cookie]),  // no field
                (right.merging(["csrf": form.field]) { $1 }, [:]),  // no cookie
                // One character changed (never the same one: the token is random).
                (
                    right.merging(["csrf": (form.field.first == "A" ? "B" : "A") + form.field.dropFirst()]) { $1 },
                    [WebServer.signInFormCookie: form.cookie]
                ),
                (right.merging(["csrf": ""]) { $1 }, [WebServer.signInFormCookie: ""]),
            ]
            for (fields, cookies) in attempts {
                let response = try await client.post("/connexion", fields: fields, cookies: cookies)
                #expect(response.status == .forbidden)
                #expect(response.setCookie(WebServer.sessionCookie) == nil)
                #expect(response.text.contains("rien n’a été enregistré"))
            }
            #expect(try site.store.webAccounts.signInCount() == 0)
            // Refusals are not failures: five of them lock nothing out.
            for _ in 1...5 {
                #expect(try await client.post("/connexion", fields: right, cookies: [:]).status == .forbidden)
            }
            #expect(try await client.signIn().status == .seeOther)
        }
    }

    @Test func aPostUnderSessionsWithoutTheSignInsTokenIsRefused() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let token = try await client.signedInCookie()
            let cookies = [WebServer.sessionCookie: token]
            let csrf = try #require(try await client.get("/sessions", cookies: cookies).csrfField)
            #expect(try await client.post("/sessions/S1/notes", fields: [:], cookies: cookies).status == .forbidden)
            #expect(try await client.post("/sessions/S1/notes", fields: ["csrf": "wrong"], cookies: cookies).status == .forbidden)
            // With its token the request reaches the route: this database has no session S1.
            #expect(try await client.post("/sessions/S1/notes", fields: ["csrf": csrf], cookies: cookies).status == .notFound)
        }
    }
}

@Suite struct WebAccountTests {
    @Test(arguments: TestBackend.available) func anAccountKeepsABcryptHashOfItsPasswordOnly(_ backend: TestBackend) throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let account = try #require(try site.users.list().first)
        #expect(account.idnatPS == WebTestSite.clinicianID)
        #expect(account.name == WebTestSite.clinicianName)
        #expect(account.passwordHash.hasPrefix("$2b$04$"))
        #expect(!account.passwordHash.contains(WebTestSite.password))
        #expect(account.disabled == false)
        #expect(account.createdAt == "2026-03-02T09:30:00Z")
    }

    @Test(arguments: TestBackend.available) func badAccountsAreRefusedNamingTheFieldNeverTheValue(_ backend: TestBackend) throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        func refusal(_ id: String, _ name: String, _ password: String) -> AccordError? {
            do {
                try site.users.add(idnatPS: id, name: name, password: password, cost: 4)
                return nil
            } catch { return error as? AccordError }
        }
        let short = refusal("899700000005", "Dr Test", "short pw")
        #expect(short?.field == "password")
        #expect(
            short?.message
                == "is shorter than 12 characters; expected 12 to 72 characters (UTF-8 bytes) without control characters, on standard input."
        )
        let long = refusal("899700000005", "Dr Test", String(repeating: "é", count: 37))
        #expect(long?.message.hasPrefix("is longer than 72 bytes in UTF-8") == true)
        let badID = refusal("812345678901", "Dr Test", "long enough password")
        #expect(badID?.field == "--id")
        #expect(badID?.description.contains("812345678901") == false)
        let emptyName = refusal("899700000005", " ", "long enough password")
        #expect(emptyName?.field == "--name")
        let duplicate = refusal(WebTestSite.clinicianID, "Dr Autre", "long enough password")
        #expect(duplicate?.code == .conflict)
        #expect(duplicate?.description.contains(WebTestSite.clinicianID) == false)
        #expect(try site.users.list().count == 1)
    }

    @Test(arguments: TestBackend.available) func disablingAnUnknownAccountSaysSo(_ backend: TestBackend) throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        #expect(throws: AccordError(.notFound, "no account has this IdNat_PS; `accord user list` shows the accounts.", field: "IDNAT_PS")) {
            try site.users.disable(idnatPS: "899700000005")
        }
        site.clock.advance(by: 60)
        try site.users.disable(idnatPS: WebTestSite.clinicianID)
        let account = try #require(try site.users.list().first)
        #expect(account.disabled)
        #expect(account.disabledAt == "2026-03-02T09:31:00Z")
    }

    /// The migration's tables fit the record types (a change of a record needs a new migration).
    @Test func theWebTablesHoldTheColumnsOfTheirRecords() throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        #expect(try site.sqlite.columnsForTesting("web_user") == WebAccount.CodingKeys.allCases.map(\.rawValue))
        #expect(try site.sqlite.columnsForTesting("web_sign_in") == WebSignIn.CodingKeys.allCases.map(\.rawValue))
        #expect(try site.sqlite.columnsForTesting("web_sign_in_failure") == ["login_hash", "failures", "last_failed_at", "locked_until"])
    }
}

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080, true), ("localhost:80", "localhost", 80, true), ("[::1]:8443", "::1", 8443, true),
        ("127.1.2.3:9000", "127.1.2.3", 9000, true), ("0.0.0.0:8443", "0.0.0.0", 8443, false),
        ("10.1.2.3:443", "10.1.2.3", 443, false), ("[fe80::1]:8080", "fe80::1", 8080, false),
    ])
    func readsHostAndPort(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
        #expect(address.description == text)
    }

    @Test(arguments: ["8080", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":8080", "::1:8080", "[::1]8080", "host name:80"])
    func refusesMalformedAddresses(text: String) {
        #expect(throws: AccordError.self) { try ListenAddress(parsing: text) }
    }

    @Test func offLoopbackTLSIsRequired() throws {
        let any = try ListenAddress(parsing: "0.0.0.0:8443")
        #expect(
            throws: AccordError.invalid(
                "--listen", "is not a loopback address, and plain HTTP would cross the network unencrypted",
                accepted: "--tls-cert and --tls-key (PEM files) with this address, or a loopback address (127.0.0.1, ::1, localhost)")
        ) { try TLSFiles.check(listen: any, certificate: nil, key: nil) }
        #expect(throws: AccordError.self) { try TLSFiles.check(listen: any, certificate: "c.pem", key: nil) }
        #expect(throws: AccordError.self) { try TLSFiles.check(listen: .default, certificate: nil, key: "k.pem") }
        #expect(try TLSFiles.check(listen: any, certificate: "c.pem", key: "k.pem") == TLSFiles(certificate: "c.pem", key: "k.pem"))
        #expect(try TLSFiles.check(listen: .default, certificate: nil, key: nil) == nil)
    }
}
