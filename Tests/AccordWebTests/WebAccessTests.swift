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

/// The access log (issue 17, point 5), the failure counters' housekeeping and the sign-in seam.
@Suite struct WebAccessTests {
    // MARK: - The access log

    @Test func theAccessLogRefusesToChangeOrDeleteARow() throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try site.store.accessLog.record(
            sessions: [SessionID(number: 3)], by: Samples.clinicianID, page: "consultation", at: Samples.instant)
        #expect(try site.sqlite.columnsForTesting("web_access") == WebAccessRecord.CodingKeys.allCases.map(\.rawValue))
        #expect(throws: (any Error).self) { try site.sqlite.executeForTesting("UPDATE web_access SET page = 'history'") }
        #expect(throws: (any Error).self) { try site.sqlite.executeForTesting("UPDATE web_access SET idnat_ps = '899999999999'") }
        #expect(throws: (any Error).self) { try site.sqlite.executeForTesting("DELETE FROM web_access") }
        let rows = try site.store.accessLog.reads()
        #expect(rows.count == 1)
        #expect(rows.first?.id == 1)
        #expect(rows.first?.at == "2026-03-02T09:30:00Z")
        #expect(rows.first?.idnatPS == Samples.clinicianID)
        #expect(rows.first?.session == SessionID(number: 3))
        #expect(rows.first?.page == "consultation")
        // The log is outside the event chain: writing it records no event, no session.
        #expect(throws: AccordError.self) { try site.store.events(of: SessionID(number: 3)) }
    }

    @Test(arguments: TestBackend.available) func theListOfTodaysSessionsLogsAReadOfEachSessionItShows(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let service = AccordService(store: site.store, clock: .fixed(at: Samples.instant))
        _ = try service.start(Samples.start(), author: nil)
        _ = try service.start(Samples.start(), author: nil)
        try await site.test { client in
            let token = try await client.signedInCookie()
            #expect(try site.store.accessLog.reads().isEmpty, "signing in reads no record")
            site.clock.advance(by: 60)
            let page = try await client.get("/sessions", cookies: [WebServer.sessionCookie: token])
            #expect(page.status == .ok)
            let rows = try site.store.accessLog.reads()
            #expect(rows.map(\.session).sorted() == [SessionID(number: 1), SessionID(number: 2)])
            #expect(rows.map(\.at) == ["2026-03-02T09:31:00Z", "2026-03-02T09:31:00Z"])
            #expect(rows.map(\.idnatPS) == [Samples.clinicianID, Samples.clinicianID])
            #expect(rows.map(\.page) == ["today", "today"])
            // Tomorrow's empty list logs nothing.
            site.clock.advance(by: 86_400)
            let tomorrow = try await client.signedInCookie()
            let next = try await client.get("/sessions", cookies: [WebServer.sessionCookie: tomorrow])
            #expect(next.text.contains("Aucune consultation aujourd’hui."))
            #expect(try site.store.accessLog.reads().count == 2)
            // A signed-out request logs nothing either.
            #expect(try await client.get("/sessions").status == .found)
            #expect(try site.store.accessLog.reads().count == 2)
        }
    }

    @Test(arguments: TestBackend.available) func theAuditCountsReadsByClinicianAndBySessionWithinTheFilter(_ backend: TestBackend) throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let other = "810987654323"
        let log = site.store.accessLog
        let day = Samples.instant
        try log.record(sessions: [SessionID(number: 1), SessionID(number: 2)], by: Samples.clinicianID, page: "today", at: day)
        try log.record(sessions: [SessionID(number: 2)], by: other, page: "consultation", at: day.addingTimeInterval(86_400))
        try log.record(sessions: [SessionID(number: 2)], by: Samples.clinicianID, page: "history", at: day.addingTimeInterval(2 * 86_400))
        let audit = WebAccessAudit(log: log)
        let all = try audit.report()
        #expect(all.counts.total == 4)
        #expect(all.counts.byClinician == [.init(idnatPS: Samples.clinicianID, reads: 3), .init(idnatPS: other, reads: 1)])
        #expect(all.counts.bySession == [.init(session: SessionID(number: 1), reads: 1), .init(session: SessionID(number: 2), reads: 3)])
        let march3 = try audit.report(since: CalendarDate("2026-03-03"), until: CalendarDate("2026-03-03"))
        #expect(march3.counts.total == 1)
        #expect(march3.counts.byClinician == [.init(idnatPS: other, reads: 1)])
        let mine = try audit.report(session: SessionID(number: 2), by: Samples.clinicianID)
        #expect(mine.counts.total == 2)
        #expect(
            mine.table() == """
                Reads of patients' records through the web, all days, session S2, by 810123456781; command-line reads are not logged.

                Total: 2

                clinician     reads
                ------------  -----
                810123456781  2

                session  reads
                -------  -----
                S2       2
                """)
        #expect(throws: AccordError.self) { try audit.report(since: CalendarDate("2026-03-03"), until: CalendarDate("2026-03-02")) }
    }

    // MARK: - Failure counters

    @Test(arguments: TestBackend.available) func anEndedLockoutIsDeletedAtTheNextSignIn(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        try await site.test { client in
            for _ in 0..<5 { _ = try await client.signIn(password: "mauvais mot de passe") }
            #expect(try site.store.webAccounts.failureCounterCount() == 1)
            // Another identifier fails once, later: its counter is no lockout and stays.
            site.clock.advance(by: 600)
            #expect(try await client.signIn(id: "899700000004", password: "mauvais mot de passe").status == .unauthorized)
            #expect(try site.store.webAccounts.failureCounterCount() == 2)
            // The lockout ends after 900 s; until then its counter stays.
            site.clock.advance(by: 299)
            #expect(try await client.signIn(id: "899700000004", password: "mauvais mot de passe").status == .unauthorized)
            #expect(try site.store.webAccounts.failureCounterCount() == 2)
            site.clock.advance(by: 2)
            // Any sign-in, here another identifier's failure, deletes the ended lockout.
            #expect(try await client.signIn(id: "899700000004", password: "mauvais mot de passe").status == .unauthorized)
            #expect(try site.store.webAccounts.failureCounterCount() == 1)
            // The identifier that was locked out signs in again.
            #expect(try await client.signIn().status == .seeOther)
        }
    }

    // MARK: - Sign-in methods

    @Test(arguments: TestBackend.available) func theLocalPasswordMethodProvesOnlyAnEnabledAccountsHolder(
        _ backend: TestBackend
    ) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let method = LocalPasswordSignIn(accounts: site.store.webAccounts)
        let right = try await method.authenticate(PasswordCredentials(identifier: Samples.clinicianID, password: WebTestSite.password))
        #expect(right == AuthenticatedProfessional(idnatPS: Samples.clinicianID, assurance: .localPassword))
        #expect(try await method.authenticate(PasswordCredentials(identifier: Samples.clinicianID, password: "autre chose encore")) == nil)
        #expect(try await method.authenticate(PasswordCredentials(identifier: "899700000004", password: WebTestSite.password)) == nil)
        try site.users.disable(idnatPS: Samples.clinicianID)
        #expect(try await method.authenticate(PasswordCredentials(identifier: Samples.clinicianID, password: WebTestSite.password)) == nil)
    }

    // MARK: - Cookies behind a proxy

    @Test func secureCookiesMarkEveryCookieSecure() async throws {
        let site = try WebTestSite(settings: WebSettings(secureCookies: true))
        defer { site.cleanUp() }
        try await site.test { client in
            let form = try await client.get("/connexion")
            #expect(form.cookieAttributes(WebServer.signInFormCookie) == ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"])
            let signedIn = try await client.signIn()
            #expect(signedIn.cookieAttributes(WebServer.sessionCookie) == ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"])
        }
    }
}
