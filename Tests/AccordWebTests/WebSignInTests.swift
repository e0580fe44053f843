import AccordCore
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct WebSignInTests {
    // MARK: - Signed out

    @Test func everyPageUnderSessionsRedirectsToTheSignInPageWhenSignedOut() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            for uri in ["/", "/sessions", "/sessions/S12", "/sessions/S12/historique"] {
                let response = try await client.get(uri)
                #expect(response.status == .found, "\(uri)")
                #expect(response.headers[.location] == "/connexion", "\(uri)")
                #expect(!response.text.contains("S12"))
            }
            let post = try await client.post("/sessions/S12/notes", fields: ["csrf": "x"])
            #expect(post.status == .found)
            #expect(post.headers[.location] == "/connexion")
            // A cookie that signs nobody in is removed.
            let forged = try await client.get("/sessions", cookies: [WebServer.sessionCookie: "forged"])
            #expect(forged.status == .found)
            #expect(forged.cookieValue(WebServer.sessionCookie) == "")
            #expect(forged.cookieAttributes(WebServer.sessionCookie) == ["Max-Age=0", "Path=/", "HttpOnly", "SameSite=Strict"])
        }
    }

    @Test func theSignInPageCarriesACSRFTokenPairedWithItsCookie() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let page = try await client.get("/connexion")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let field = try #require(page.csrfField)
            #expect(field.count == 43)
            #expect(page.cookieValue(WebServer.signInFormCookie) == field)
            #expect(page.cookieAttributes(WebServer.signInFormCookie) == ["Path=/", "HttpOnly", "SameSite=Strict"])
            #expect(page.text.contains("<html lang=\"fr\">"))
            #expect(page.text.contains("<h1>Connexion</h1>"))
            #expect(page.text.contains(#"<form method="post" action="/connexion" class="signin">"#))
            #expect(!page.text.contains("<script"))
            #expect(!page.text.contains("style="))
        }
    }

    // MARK: - Signing in

    @Test(arguments: TestBackend.available) func aRightPasswordSignsInWithAStrictHttpOnlyCookie(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            let response = try await client.signIn()
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/sessions")
            let token = try #require(response.cookieValue(WebServer.sessionCookie))
            #expect(token.count == 43, "256 bits in URL-safe base64")
            #expect(response.cookieAttributes(WebServer.sessionCookie) == ["Path=/", "HttpOnly", "SameSite=Strict"])
            #expect(response.cookieValue(WebServer.signInFormCookie) == "")
            #expect(response.cookieAttributes(WebServer.signInFormCookie) == ["Max-Age=0", "Path=/", "HttpOnly", "SameSite=Strict"])
            // The database holds the token's hash, never the token.
            #expect(try site.store.webAccounts.signInCount() == 1)
            let home = try await client.get("/", cookies: [WebServer.sessionCookie: token])
            #expect(home.status == .found)
            #expect(home.headers[.location] == "/sessions")
            let sessions = try await client.get("/sessions", cookies: [WebServer.sessionCookie: token])
            #expect(sessions.status == .ok)
            #expect(sessions.text.contains("<h1>Consultations du jour</h1>"))
            #expect(sessions.text.contains("Connecté : Dr Hélène Roussel"))
            #expect(sessions.text.contains("Aucune consultation aujourd’hui."))
        }
    }

    @Test func overTLSTheCookieIsSecure() async throws {
        let site = try WebTestSite(settings: WebSettings(secureCookies: true))
        defer { site.cleanUp() }
        try await site.test { client in
            let response = try await client.signIn()
            let token = try #require(response.cookieValue(WebServer.sessionCookie))
            #expect(token.count == 43)
            #expect(response.cookieAttributes(WebServer.sessionCookie) == ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"])
        }
    }

    @Test(arguments: TestBackend.available) func aFailedSignInNeverSaysWhetherTheIdentifierHasAnAccount(_ backend: TestBackend) async throws
    {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            let wrongPassword = try await client.signIn(password: "wrong password here")
            let unknownID = try await client.signIn(id: "899700000005")
            let notAnID = try await client.signIn(id: "nobody")
            for response in [wrongPassword, unknownID, notAnID] {
                #expect(response.status == .unauthorized)
                #expect(response.setCookie(WebServer.sessionCookie) == nil)
                #expect(response.text.contains(#"<p class="message" role="alert">Identifiant ou mot de passe incorrect.</p>"#))
            }
            // The pages differ only by their fresh CSRF token.
            let strip = { (text: String) in
                text.replacingOccurrences(of: #"value="[A-Za-z0-9_-]{43}""#, with: "", options: .regularExpression)
            }
            #expect(strip(wrongPassword.text) == strip(unknownID.text))
            #expect(!unknownID.text.contains("899700000005"))
            #expect(try site.store.webAccounts.signInCount() == 0)
        }
    }

    @Test(arguments: TestBackend.available) func fiveFailuresLockTheIdentifierOutForFifteenMinutes(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            for _ in 1...4 {
                #expect(try await client.signIn(password: "wrong password here").status == .unauthorized)
            }
            let fifth = try await client.signIn(password: "wrong password here")
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.text.contains("Trop de tentatives échouées"))
            // Locked: even the right password is refused.
            site.clock.advance(by: 14 * 60)
            let locked = try await client.signIn()
            #expect(locked.status == .tooManyRequests)
            #expect(locked.setCookie(WebServer.sessionCookie) == nil)
            site.clock.advance(by: 61)
            #expect(try await client.signIn().status == .seeOther)
            // An identifier without an account is locked out the same way.
            for _ in 1...4 { #expect(try await client.signIn(id: "899700000005").status == .unauthorized) }
            #expect(try await client.signIn(id: "899700000005").status == .tooManyRequests)
        }
    }

    @Test(arguments: TestBackend.available) func aSuccessForgetsEarlierFailures(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 1...4 { statuses.append(try await client.signIn(password: "wrong password here").status) }
            statuses.append(try await client.signIn().status)
            for _ in 1...4 { statuses.append(try await client.signIn(password: "wrong password here").status) }
            #expect(
                statuses == [.unauthorized, .unauthorized, .unauthorized, .unauthorized, .seeOther]
                    + Array(repeating: .unauthorized, count: 4))
        }
    }

    @Test(arguments: TestBackend.available) func aDisabledAccountCannotSignInAndItsSignInsEnd(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            let token = try await client.signedInCookie()
            try site.users.disable(idnatPS: WebTestSite.clinicianID)
            #expect(try site.store.webAccounts.signInCount() == 0)
            let page = try await client.get("/sessions", cookies: [WebServer.sessionCookie: token])
            #expect(page.status == .found)
            #expect(page.headers[.location] == "/connexion")
            let again = try await client.signIn()
            #expect(again.status == .unauthorized)
            #expect(again.text.contains("Identifiant ou mot de passe incorrect."))
        }
    }

    // MARK: - Idle timeout

    @Test(arguments: TestBackend.available) func aSignInIdleForMoreThanThirtyMinutesEnds(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            let token = try await client.signedInCookie()
            site.clock.advance(by: 29 * 60)
            #expect(try await client.get("/sessions", cookies: [WebServer.sessionCookie: token]).status == .ok)
            // Each request renews it: 29 more minutes are fine, 31 are not.
            site.clock.advance(by: 29 * 60)
            #expect(try await client.get("/sessions", cookies: [WebServer.sessionCookie: token]).status == .ok)
            site.clock.advance(by: 30 * 60 + 1)
            let expired = try await client.get("/sessions", cookies: [WebServer.sessionCookie: token])
            #expect(expired.status == .found)
            #expect(expired.headers[.location] == "/connexion")
            #expect(try site.store.webAccounts.signInCount() == 0)
            // A sign-in whose browser never came back is deleted at the next sign-in.
            _ = try await client.signedInCookie()
            site.clock.advance(by: 30 * 60 + 1)
            _ = try await client.signedInCookie()
            #expect(try site.store.webAccounts.signInCount() == 1)
        }
    }

    // MARK: - Signing out

    @Test(arguments: TestBackend.available) func signingOutNeedsTheSignInsCSRFToken(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            let token = try await client.signedInCookie()
            let cookies = [WebServer.sessionCookie: token]
            let page = try await client.get("/sessions", cookies: cookies)
            let csrf = try #require(page.csrfField)
            #expect(page.text.contains(#"<form method="post" action="/deconnexion" class="signout">"#))
            for fields in [[:], ["csrf": ""], ["csrf": (csrf.first == "x" ? "y" : "x") + csrf.dropFirst()]] {
                let refused = try await client.post("/deconnexion", fields: fields, cookies: cookies)
                #expect(refused.status == .forbidden)
                #expect(refused.text.contains("<h1>Requête refusée</h1>"))
                #expect(try site.store.webAccounts.signInCount() == 1)
            }
            let out = try await client.post("/deconnexion", fields: ["csrf": csrf], cookies: cookies)
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/connexion")
            #expect(out.cookieValue(WebServer.sessionCookie) == "")
            #expect(out.cookieAttributes(WebServer.sessionCookie) == ["Max-Age=0", "Path=/", "HttpOnly", "SameSite=Strict"])
            #expect(try site.store.webAccounts.signInCount() == 0)
            #expect(try await client.get("/sessions", cookies: cookies).status == .found)
        }
    }

    // MARK: - Today's sessions

    @Test(arguments: TestBackend.available) func theSessionsPageListsTodaysSessionsWithoutThePatientsName(
        _ backend: TestBackend
    ) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let service = AccordService(store: site.store, clock: .fixed(at: Samples.instant))
        _ = try service.start(Samples.start(), author: nil)
        try await site.test { client in
            let token = try await client.signedInCookie()
            let page = try await client.get("/sessions", cookies: [WebServer.sessionCookie: token])
            #expect(page.status == .ok)
            #expect(
                page.text.contains(
                    "<tr><td><a href=\"/sessions/S1\">S1</a></td><td>09:30</td><td>Prise en charge d&#39;un cancer localisé</td></tr>"),
                "\(page.text)")
            #expect(!page.text.contains("MARCHAND"))
            #expect(!page.text.contains("158056912345606"))
            // Tomorrow, the list is empty (the clinician signs in again after the night).
            site.clock.advance(by: 86_400)
            let tomorrow = try await client.signedInCookie()
            let next = try await client.get("/sessions", cookies: [WebServer.sessionCookie: tomorrow])
            #expect(next.text.contains("Aucune consultation aujourd’hui."))
        }
    }
}
