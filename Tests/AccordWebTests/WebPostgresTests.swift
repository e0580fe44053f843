import AccordCore
import AccordPostgres
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordWeb
import Foundation
import Testing

/// The web tables on PostgreSQL (issue 18): the access log's guards, and `accord db copy` of the
/// accounts and the access log both ways.
@Suite(.enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason))
struct WebPostgresTests {
    @Test func theAccessLogOnPostgresRefusesToChangeOrDeleteARow() throws {
        let site = try WebTestSite(backend: .postgres)
        defer { site.cleanUp() }
        let database = try #require(site.postgres)
        try site.store.accessLog.record(
            sessions: [SessionID(number: 3), SessionID(number: 4)], by: Samples.clinicianID, page: "consultation", at: Samples.instant)
        // The application's role may only insert into it…
        for statement in ["UPDATE web_access SET page = 'history'", "DELETE FROM web_access", "TRUNCATE web_access"] {
            #expect(
                throws: AccordError(
                    .io,
                    "the PostgreSQL server refused: the role of the URL given by --db or ACCORD_DB lacks a privilege (permission denied for table web_access); accord's commands connect as a member of accord_writer, while a login in accord_auditor reads only the three audit views, with an SQL client such as psql. Nothing was recorded."
                ), "\(statement)"
            ) {
                try PostgresEventStore.administer(adminURL: database.url) { sql in try sql(statement) }
            }
        }
        // …and even the owner meets the triggers.
        for statement in ["UPDATE web_access SET page = 'history'", "DELETE FROM web_access", "TRUNCATE web_access"] {
            #expect(
                throws: AccordError(.conflict, "the database refused the change (web_access is append-only); nothing was recorded."),
                "\(statement)"
            ) {
                try PostgresEventStore.administer(adminURL: database.adminURL) { sql in try sql(statement) }
            }
        }
        let rows = try site.store.accessLog.reads()
        #expect(rows.map(\.id) == [1, 2])
        #expect(rows.map(\.session) == [SessionID(number: 3), SessionID(number: 4)])
        #expect(rows.map(\.page) == ["consultation", "consultation"])
        #expect(rows.map(\.at) == ["2026-03-02T09:30:00Z", "2026-03-02T09:30:00Z"])
    }

    /// `accord db copy` carries the accounts and the access log (numbers and order kept), not
    /// the sign-ins, failure counters or patient's screens; the copy goes on numbering reads.
    @Test func aCopyCarriesTheAccountsAndTheAccessLogBothWays() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let keyFile = site.folder.appendingPathComponent("chain.key").path
        let session = try site.store.startSession(Samples.start(), author: nil)
        try site.users.add(idnatPS: "810987654323", name: "Dr Inventé Second", password: "une autre phrase longue", cost: 4)
        site.clock.advance(by: 60)
        try site.users.disable(idnatPS: "810987654323")
        try site.store.accessLog.record(sessions: [session], by: WebTestSite.clinicianID, page: "consultation", at: Samples.instant)
        try site.store.accessLog.record(
            sessions: [session, SessionID(number: 7)], by: "810987654323", page: "today", at: Samples.instant.addingTimeInterval(60))
        // More reads than one statement of the copy carries (150).
        try site.store.accessLog.record(
            sessions: (10..<170).map { SessionID(number: $0) }, by: WebTestSite.clinicianID, page: "today",
            at: Samples.instant.addingTimeInterval(90))
        // Transient rows, which stay behind: a sign-in, a failure counter, a patient's screen.
        try await site.test { client in
            _ = try await client.signedInCookie()
            _ = try await client.signIn(password: "wrong password here")
        }
        try site.store.patientScreens.issue(
            PatientScreen(
                codeHash: String(repeating: "a", count: 64), shortCodeHash: String(repeating: "b", count: 64), csrfToken: "csrf",
                session: session, issuedBy: WebTestSite.clinicianID, now: Samples.instant, lifetime: 7200))
        #expect(try site.store.webAccounts.signInCount() == 1)
        #expect(try site.store.webAccounts.failureCounterCount() == 1)
        let accounts = try site.store.webAccounts.accounts()
        let reads = try site.store.accessLog.reads()
        #expect(accounts.map(\.idnatPS) == [WebTestSite.clinicianID, "810987654323"])
        #expect(reads.map(\.id) == Array(1...163))
        #expect(reads[2].session == SessionID(number: 7) && reads[2].idnatPS == "810987654323")
        #expect(reads[162].session == SessionID(number: 169) && reads[162].page == "today")

        // SQLite → PostgreSQL.
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let sqlitePath = site.folder.appendingPathComponent("accord.sqlite").path
        let there = try AccordService.copyDatabase(
            from: sqlitePath, to: database.url, keyFile: keyFile, clock: .fixed(at: Samples.instant))
        #expect(there.eventCount == 1)
        let postgres = try PostgresEventStore.open(url: database.url, clock: .fixed(at: Samples.instant), keyFile: keyFile)
        #expect(try postgres.webAccounts.accounts() == accounts)
        #expect(try postgres.accessLog.reads() == reads)
        #expect(try postgres.webAccounts.signInCount() == 0)
        #expect(try postgres.webAccounts.failureCounterCount() == 0)
        #expect(try postgres.patientScreens.screens(of: session).isEmpty)
        // The copy goes on numbering where the source was.
        try postgres.accessLog.record(
            sessions: [session], by: WebTestSite.clinicianID, page: "history", at: Samples.instant.addingTimeInterval(120))
        let more = try postgres.accessLog.reads()
        #expect(more.map(\.id) == Array(1...164))
        // A second copy into it is refused: it holds events, accounts and reads.
        #expect(throws: AccordError.self) {
            _ = try AccordService.copyDatabase(from: sqlitePath, to: database.url, keyFile: keyFile, clock: .fixed(at: Samples.instant))
        }
        #expect(try postgres.accessLog.reads() == more)

        // PostgreSQL → a new SQLite file.
        let back = site.folder.appendingPathComponent("back.sqlite").path
        let here = try AccordService.copyDatabase(from: database.url, to: back, keyFile: keyFile, clock: .fixed(at: Samples.instant))
        #expect(here.eventCount == 1)
        let copy = try ConsultationStore.open(path: back, clock: .fixed(at: Samples.instant), keyFile: keyFile)
        #expect(try copy.webAccounts.accounts() == accounts)
        #expect(try copy.accessLog.reads() == more)
        try copy.accessLog.record(sessions: [session], by: WebTestSite.clinicianID, page: "history", at: Samples.instant)
        #expect(try copy.accessLog.reads().map(\.id) == Array(1...165))
    }

    /// An access log copied with a gap in its numbers keeps them (PostgreSQL's identity
    /// sequence is never what numbers a read).
    @Test func theNumbersOfTheAccessLogAreNotThePostgresSequences() throws {
        let site = try WebTestSite(backend: .postgres)
        defer { site.cleanUp() }
        let database = try #require(site.postgres)
        try PostgresEventStore.administer(adminURL: database.url) { sql in
            try sql(
                "INSERT INTO web_access (id, at, idnat_ps, session_number, page) OVERRIDING SYSTEM VALUE VALUES (41, '2026-03-02T09:00:00Z', '810123456781', 1, 'today')"
            )
        }
        try site.store.accessLog.record(sessions: [SessionID(number: 1)], by: Samples.clinicianID, page: "today", at: Samples.instant)
        #expect(try site.store.accessLog.reads().map(\.id) == [41, 42])
    }

    /// Two hosts (two connections) counting failures and logging reads at once: the web
    /// writers take turns (an advisory lock), so no failure is lost and no read number clashes.
    @Test func writersOnTwoConnectionsTakeTurns() throws {
        let site = try WebTestSite(backend: .postgres)
        defer { site.cleanUp() }
        let database = try #require(site.postgres)
        let keyFile = site.folder.appendingPathComponent("chain.key").path
        let hosts = try (0..<2).map { _ in
            try PostgresEventStore.open(url: database.url, clock: .fixed(at: Samples.instant), keyFile: keyFile)
        }
        let policy = SignInLockoutPolicy(threshold: 100, duration: 900)
        let loginHash = String(repeating: "c", count: 64)
        let failures = Locked<[SignInOutcome]>([])
        DispatchQueue.concurrentPerform(iterations: 20) { index in
            let store = hosts[index % 2]
            let outcome = try? store.webAccounts.finishSignIn(
                loginHash: loginHash, signIn: nil, now: Samples.instant, policy: policy, idleTimeout: 1800)
            try? store.accessLog.record(
                sessions: [SessionID(number: Int64(index))], by: Samples.clinicianID, page: "today", at: Samples.instant)
            failures.update { $0.append(outcome ?? .signedIn) }
        }
        #expect(Set(failures.value) == Set((80..<100).map { SignInOutcome.failed(remaining: $0) }))
        #expect(try site.store.accessLog.reads().map(\.id) == Array(1...20))
        #expect(Set(try site.store.accessLog.reads().map(\.session.number)) == Set(0..<20))
    }
}

/// A value several threads update under a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
