import AccordCore
import AccordPostgres
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Synchronization
import Testing

/// What the PostgreSQL store guarantees beyond the contract: the same chain values as SQLite,
/// append-only by the server's privileges and triggers, appends serialised across connections,
/// and a writer that cannot take its turn in time says "busy" and records nothing.
@Suite(.enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason))
struct PostgresStoreTests {
    /// A fresh database, its key file, and a store on it.
    struct Fixture {
        let database: PostgresTestDatabase
        let key: URL

        init() throws {
            database = try PostgresTestDatabase.make()
            key = FileManager.default.temporaryDirectory.appendingPathComponent("accord-pg-\(UUID().uuidString).key")
        }

        func store(busyTimeout: TimeInterval = 5, clock: AccordClock = .fixed(at: Samples.instant)) throws -> PostgresEventStore {
            try PostgresEventStore.open(url: database.url, clock: clock, keyFile: key.path, busyTimeout: busyTimeout)
        }

        func tearDown() {
            database.drop()
            try? FileManager.default.removeItem(at: key)
        }
    }

    /// The changes of one consultation, recorded the same way on both backends.
    static func recordConsultation(_ store: any EventStore) throws {
        let id = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(EventStoreContract.option, in: id, author: nil, reason: nil, precondition: nil)
        _ = try store.record(
            .preferenceAdded(text: "Rester autonome, près de « chez moi »", importance: 5), in: id, author: "810123456781", reason: nil,
            precondition: nil)
        _ = try store.record(
            .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")]), in: id, author: nil, reason: nil, precondition: nil)
        _ = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil)
        _ = try store.record(
            .noteAdded(text: "Appel de la patiente"), in: id, author: nil, reason: "ajout après la séance", precondition: nil)
        var settings = CentreSettings.example
        settings.oidRoot = "1.2.250.1.999.42"
        try store.setCentreSettings(settings, author: "810123456781")
        _ = try store.startSession(Samples.start(Samples.corsicanIdentity), author: nil)
    }

    @Test func theSameEventsGiveTheSameChainValuesAsOnSQLite() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let postgres = try fixture.store()
        try Self.recordConsultation(postgres)
        let sqlite = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        // The same key: copy the PostgreSQL store's key file to the SQLite store's place.
        try FileManager.default.copyItem(at: fixture.key, to: sqlite.keyURL)
        defer { try? FileManager.default.removeItem(at: sqlite.keyURL) }
        try Self.recordConsultation(sqlite)
        var onPostgres: [EventRecord] = []
        var onSQLite: [EventRecord] = []
        try postgres.readLog(from: 1) { onPostgres.append($0) }
        try sqlite.readLog(from: 1) { onSQLite.append($0) }
        #expect(onPostgres.count == 8)
        #expect(onPostgres == onSQLite, "every column, the payload's text and the chain value are the same")
        #expect(try postgres.chainHead() == sqlite.chainHead())
        #expect(try postgres.verify(head: nil) == sqlite.verify(head: nil))
        #expect(try postgres.consultation(SessionID(number: 1)) == sqlite.consultation(SessionID(number: 1)))
    }

    /// Every row of each table the recording writes, as JSON, sorted (read as the administrator).
    static func tables(_ database: PostgresTestDatabase) throws -> [String: [String]] {
        let link = try PostgresLink.connect(try PostgresLocation(url: database.adminURL), logger: .current)
        defer { link.close() }
        var tables: [String: [String]] = [:]
        for table in [
            "event", "session", "session_seal", "audit_session", "audit_option", "audit_instrument", "audit_cell", "audit_cell_days",
        ] {
            tables[table] = try link.query("SELECT row_to_json(t)::text AS r FROM \(table) t").map { try $0.text("r") ?? "" }.sorted()
        }
        return tables
    }

    @Test func aBulkImportWritesTheRowsOfRecordingChangeByChange() throws {
        let byChange = try Fixture()
        defer { byChange.tearDown() }
        let inBulk = try Fixture()
        defer { inBulk.tearDown() }
        let sample = try ConsultationFile.parse(
            String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8), today: CalendarDate(utcDayOf: Samples.instant))
        let consultations = [
            ConsultationImport(start: sample.start, changes: sample.changes),
            ConsultationImport(
                start: Samples.start(),
                changes: [
                    EventStoreContract.option, .noteAdded(text: "n"), AuditDataset.instrument(.collaborate, "9,9,9"),
                    AuditDataset.instrument(.sure, "yes,yes,yes,yes"), .sessionClosed,
                ]),
            ConsultationImport(start: Samples.start(Samples.corsicanIdentity), changes: []),
        ]
        let refused = ConsultationImport(
            start: Samples.start(),
            changes: [EventStoreContract.option, .decisionRecorded(outcome: .agreed(option: 4), takenBy: [])])
        let first = try byChange.store()
        try first.setCentreSettings(.example, author: "810123456781")
        for consultation in consultations {
            let id = try first.startSession(consultation.start, author: nil)
            for change in consultation.changes { _ = try first.record(change, in: id, author: nil, reason: nil, precondition: nil) }
        }
        // The same chain key for both databases: the second one's store uses the first one's file.
        let second = try PostgresEventStore.open(url: inBulk.database.url, clock: .fixed(at: Samples.instant), keyFile: byChange.key.path)
        try second.setCentreSettings(.example, author: "810123456781")
        let results = try second.importConsultations(
            [consultations[0], refused, consultations[1], consultations[2]], author: nil)
        let recorded: [SessionID] = results.compactMap { try? $0.get() }
        #expect(recorded == [1, 2, 3].map { SessionID(number: $0) })
        guard case .failure(let error) = results[1] else {
            Issue.record("a consultation deciding for an option it does not have was recorded")
            return
        }
        #expect(error.code == .notFound && !error.message.contains("session S"), "\(error)")
        let expected = try Self.tables(byChange.database)
        let found = try Self.tables(inBulk.database)
        #expect(expected["event"]?.count == 19, "the settings, then 11, 6 and 1 events")
        #expect(expected["audit_instrument"]?.count == 2)
        for table in expected.keys.sorted() { #expect(found[table] == expected[table], "table \(table)") }
        #expect(try second.verify(head: first.chainHead()).firstBreak == nil)
        // The chain goes on from the bulk import's last event.
        _ = try second.record(.noteAdded(text: "après"), in: SessionID(number: 3), author: nil, reason: nil, precondition: nil)
        #expect(try second.verify(head: nil).eventCount == 20)
    }

    /// A consultation of more events than one statement may hold values for (65,535 on
    /// PostgreSQL, nine an event; four an audit option) is written in several statements.
    @Test func aConsultationOfThousandsOfEventsIsImportedWhole() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let store = try fixture.store()
        let notes = (1...8_000).map { Change.noteAdded(text: "n\($0)") }
        let options = Array(repeating: EventStoreContract.option, count: 16_000)
        let results = try store.importConsultations(
            [
                ConsultationImport(start: Samples.start(), changes: notes + options),
                ConsultationImport(start: Samples.start(), changes: []),
            ],
            author: nil)
        #expect(try results.map { try $0.get() } == [SessionID(number: 1), SessionID(number: 2)])
        let consultation = try store.consultation(SessionID(number: 1))
        #expect(consultation.notes.count == 8_000 && consultation.options.count == 16_000)
        let tables = try Self.tables(fixture.database)
        #expect(tables["event"]?.count == 24_002)
        #expect(tables["audit_option"]?.count == 16_000)
        #expect(tables["session_seal"]?.contains { $0.hasPrefix(#"{"session_number":1,"event_count":24001,"last_seq":24001,"#) } == true)
        #expect(try store.verify(head: nil).firstBreak == nil)
        // The chain goes on after it.
        _ = try store.record(.noteAdded(text: "après"), in: SessionID(number: 2), author: nil, reason: nil, precondition: nil)
        #expect(try store.verify(head: nil).eventCount == 24_003)
    }

    @Test func theWriterRoleMayOnlyAppendAndTriggersGuardTheOwnerToo() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let store = try fixture.store()
        _ = try store.startSession(Samples.start(), author: nil)
        for statement in ["UPDATE event SET author = '810000000000'", "DELETE FROM event", "TRUNCATE event"] {
            #expect(throws: AccordError.self) {
                try PostgresEventStore.administer(adminURL: fixture.database.url) { sql in try sql(statement) }
            }
            do {
                try PostgresEventStore.administer(adminURL: fixture.database.url) { sql in try sql(statement) }
            } catch let error as AccordError {
                #expect(error.message.contains("lacks a privilege (permission denied for table event)"), "\(statement): \(error.message)")
            }
            // The owner has every privilege; the triggers refuse all the same.
            do {
                try PostgresEventStore.administer(adminURL: fixture.database.adminURL) { sql in try sql(statement) }
                Issue.record("the owner could run \(statement)")
            } catch let error as AccordError {
                #expect(error.message.contains("event is append-only"), "\(statement): \(error.message)")
            }
        }
        // The audit role reads the three views and nothing else.
        try PostgresEventStore.administer(adminURL: fixture.database.url) { sql in
            try sql("BEGIN READ ONLY; SET LOCAL ROLE accord_auditor; SELECT COUNT(*) FROM audit_sessions; COMMIT")
        }
        do {
            try PostgresEventStore.administer(adminURL: fixture.database.url) { sql in
                try sql("BEGIN READ ONLY; SET LOCAL ROLE accord_auditor; SELECT COUNT(*) FROM session")
            }
            Issue.record("the auditor role read the session table")
        } catch let error as AccordError {
            #expect(error.message.contains("permission denied for table session"), "\(error.message)")
        }
        #expect(try store.verify(head: nil).firstBreak == nil)
        #expect(try store.verify(head: nil).eventCount == 1)
    }

    @Test func aWriterThatCannotTakeItsTurnSaysBusyAndRecordsNothing() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let store = try fixture.store(busyTimeout: 0.3)
        let id = try store.startSession(Samples.start(), author: nil)
        // Another host holds the append lock in an open transaction.
        let holder = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let url = fixture.database.url
        let thread = Thread {
            try? PostgresEventStore.administer(adminURL: url) { sql in
                try sql("BEGIN; SELECT pg_advisory_xact_lock(\(PostgresEventStore.appendLock))")
                holder.signal()
                release.wait()
                try sql("COMMIT")
            }
        }
        thread.start()
        holder.wait()
        let started = Date()
        #expect {
            try store.record(.noteAdded(text: "bloquée"), in: id, author: nil, reason: nil, precondition: nil)
        } throws: { error in
            (error as? AccordError)?.code == .busy
                && (error as? AccordError)?.message
                    == "the database is busy, try again: another writer held it longer than the busy timeout; nothing was recorded."
        }
        #expect(Date().timeIntervalSince(started) < 3)
        release.signal()
        #expect(try store.events(of: id).count == 1, "nothing recorded")
        // Once the lock is free, the same store records again.
        _ = try store.record(.noteAdded(text: "libre"), in: id, author: nil, reason: nil, precondition: nil)
        #expect(try store.events(of: id).count == 2)
    }

    @Test func eightConcurrentWritersLoseAndDuplicateNothing() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let first = try fixture.store(clock: AccordClock.system)
        let sessions = try (0..<4).map { _ in try first.startSession(Samples.start(), author: nil) }
        let perWriter = 40
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            do {
                // Each writer has its own connection, as another host would.
                let store = try fixture.store(busyTimeout: 30, clock: AccordClock.system)
                for index in 0..<perWriter {
                    _ = try store.record(
                        .noteAdded(text: "w\(writer)-\(index)"), in: sessions[writer % 4], author: nil, reason: nil, precondition: nil)
                }
            } catch {
                failures.withLock { $0.append("writer \(writer): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let verification = try first.verify(head: nil)
        #expect(verification.firstBreak == nil)
        #expect(verification.eventCount == 4 + 8 * perWriter)
        for (index, id) in sessions.enumerated() {
            let events = try first.events(of: id)
            #expect(events.map { $0.sessionSequence! } == Array(1...events.count), "gapless in \(id)")
            let notes = events.compactMap { event -> String? in
                if case .noteAdded(let text) = event.change { return text } else { return nil }
            }
            let expected = Set([index, index + 4].flatMap { writer in (0..<perWriter).map { "w\(writer)-\($0)" } })
            #expect(Set(notes) == expected && notes.count == expected.count, "every note once in \(id)")
        }
    }
}
