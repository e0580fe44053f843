import AccordCore
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// The use cases as an interface other than the command line calls them.
@Suite struct AccordServiceTests {
    /// A service over a fresh database of `backend` (a scratch folder holds the SQLite file
    /// and the chain key), at the samples' instant; `done` removes the folder and drops a
    /// PostgreSQL database.
    func service(_ backend: TestBackend = .sqlite) throws -> (service: AccordService, folder: URL, done: @Sendable () -> Void) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = backend == .postgres ? try PostgresTestDatabase.make() : nil
        let service = try AccordService.open(
            path: database?.url ?? folder.appendingPathComponent("a.sqlite").path, clock: .fixed(at: Samples.instant),
            keyFile: folder.appendingPathComponent("k.key").path)
        return (
            service, folder,
            {
                database?.drop()
                try? FileManager.default.removeItem(at: folder)
            }
        )
    }

    /// Start, record, close, read, verify through the service over `any EventStore`: the use
    /// cases need nothing of SQLite (a PostgreSQL store passes its own here).
    @Test(arguments: [false, true])
    func theUseCasesRunOnAnyEventStore(protocolOnly: Bool) throws {
        let sqlite = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let service = AccordService(store: protocolOnly ? ProtocolOnlyStore(sqlite) : sqlite, clock: .fixed(at: Samples.instant))
        let started = try service.start(Samples.start(), changes: [EventStoreContract.option], author: nil)
        #expect(started.id == SessionID(number: 1) && started.warnings.isEmpty)
        try service.record(.decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")]), in: started.id, author: nil)
        let closed = try service.close(started.id, author: nil, requireComplete: false)
        #expect(closed.status == .closed && closed.lastSessionSequence == 4)
        #expect(try service.consultation(started.id) == closed)
        #expect(
            try service.events(of: started.id).map(\.change.kind) == [
                "session-started", "option-added", "decision-recorded", "session-closed",
            ])
        let listed = try service.sessions(matching: SessionQuery())
        #expect(listed.map(\.id) == [started.id] && listed.map(\.status) == ["closed"] && listed.map(\.eventCount) == [4])
        let verification = try service.verify()
        #expect(verification.firstBreak == nil && verification.eventCount == 4 && verification.head?.sequence == 4)
        // Free SQL is SQLite's, on a database file: refused in memory, and on another store.
        let sqlRefusal =
            protocolOnly
            ? "audit sql runs over an SQLite database file or a PostgreSQL database; this record is kept in another store."
            : "audit sql needs a database file; give it with --db or ACCORD_DB."
        #expect(throws: AccordError(.io, sqlRefusal)) { try service.auditQuery("SELECT COUNT(*) FROM audit_sessions") }
        #expect(try service.participation(by: .month, suppression: false).rows.map(\.sessions) == [1])
    }

    @Test(arguments: TestBackend.available)
    func closingARecordThatMissesElementsIsRefusedInTheSameTransaction(backend: TestBackend) throws {
        let (service, _, done) = try service(backend)
        defer { done() }
        let started = try service.start(Samples.start(), author: nil)
        #expect(started.id == SessionID(number: 1) && started.warnings.isEmpty)
        let refused = try #require(throws: IncompleteRecord.self) {
            try service.close(started.id, author: nil, requireComplete: true)
        }
        #expect(refused.missing.first == .topic && refused.missing.count == 12)
        #expect(
            refused.error.description
                == "session S1 misses 12 required element(s) and was not closed; record them, or close without --require-complete.")
        #expect(try service.consultation(started.id).status == .open)
        #expect(try service.events(of: started.id).count == 1, "nothing was recorded")
        let closed = try service.close(started.id, author: nil, requireComplete: false)
        #expect(closed.status == .closed && closed.completeness.percent == 7)
    }

    /// Answers given in order, warnings kept.
    final class ScriptedPrompter: GuidedPrompter, @unchecked Sendable {
        var answers: [String]
        var said: [String] = []
        var warnings: [String] = []

        init(_ answers: [String]) { self.answers = answers }

        func say(_ text: String) { said.append(text) }

        func ask(_ prompt: String) -> String? {
            said.append(prompt)
            return answers.isEmpty ? nil : answers.removeFirst()
        }

        func warn(_ text: String) { warnings.append(text) }
    }

    @Test(arguments: TestBackend.available)
    func aGuidedSessionTalksThroughAnyPrompter(backend: TestBackend) throws {
        let (service, _, done) = try service(backend)
        defer { done() }
        let prompter = ScriptedPrompter([
            "801234567897", "Dr X", "158056912345606", "1.2.250.1.213.1.4.10", "MARCHAND", "LUC", "1958-05-17", "F", "69123", "", "",
            "Choix du traitement", "skip", "yes", "quit",
        ])
        var guide = GuidedSession(service: service, prompter: prompter, author: nil, messages: Messages(.english))
        try guide.run(fromRCP: nil, templateID: nil, session: nil)
        #expect(prompter.said.contains("Session S1 started."))
        // The INS encodes a man; the sex typed is F: the identity check warns, naming no value.
        #expect(prompter.warnings == ["the INS encodes a sex other than --sex; check the identity traits."])
        #expect(try service.consultation(SessionID(number: 1)).start.patient.sex == .female)
    }

    @Test(arguments: TestBackend.available)
    func oneSessionIsExportedThroughTheService(backend: TestBackend) throws {
        let (service, folder, done) = try service(backend)
        defer { done() }
        let id = try service.start(Samples.start(), author: nil).id
        _ = try service.close(id, author: nil, requireComplete: false)
        var events: [String] = []
        let out = folder.appendingPathComponent("out").path
        try service.export(ExportRequest(selection: .session(id), profile: "cda-fr", folder: out), author: nil) { event in
            switch event {
            case .written(let path): events.append("written \(URL(fileURLWithPath: path).lastPathComponent)")
            case .warning(let text): events.append("warning \(text.prefix(24))")
            default: break
            }
        }
        #expect(
            events == [
                "warning no centre settings yet: ", "warning not validated against ", "written S1-v1.cda.xml",
            ] || events == ["warning no centre settings yet: ", "written S1-v1.cda.xml"], "\(events)")
        #expect(try service.consultation(id).issuedDocuments.map(\.version) == [1])
    }

    /// A batch compiles its schema before it makes a folder that is not there yet, and when a
    /// first session is to be written into one that is: a run whose documents the folder holds
    /// compiles none (and so does not see a schema that would not compile); a run with a
    /// document to write stops before writing or recording anything, and leaves no folder and
    /// no manifest; a missing schema file is still refused before the run starts.
    @Test func aBatchCompilesItsSchemaWhenItChecksADocument() throws {
        let (service, folder, done) = try service()
        defer { done() }
        let id = try service.start(Samples.start(), author: nil).id
        _ = try service.close(id, author: nil, requireComplete: false)
        let broken = folder.appendingPathComponent("schemas")
        try FileManager.default.createDirectory(at: broken.appendingPathComponent("cda-fr"), withIntermediateDirectories: true)
        try Data("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element/></xs:schema>".utf8)
            .write(to: broken.appendingPathComponent("cda-fr/CDA_extended.xsd"))
        let out = folder.appendingPathComponent("out")
        func batch(schemas: String?) throws -> [String] {
            var request = ExportRequest(selection: .closed(from: nil, through: nil), profile: "cda-fr", folder: out.path, schemas: schemas)
            request.allowsExampleCentre = true
            var events: [String] = []
            try service.export(request, author: nil) { event in
                switch event {
                case .written(let path): events.append("written \(URL(fileURLWithPath: path).lastPathComponent)")
                case .alreadyPresent: events.append("present")
                default: break
                }
            }
            return events
        }
        let error = try #require(throws: AccordError.self) { try batch(schemas: broken.path) }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("could not be compiled"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try service.consultation(id).issuedDocuments.isEmpty)
        #expect(try batch(schemas: nil) == ["written S1-v1.cda.xml"])
        #expect(try batch(schemas: broken.path) == ["present"])
        // A document gone from the folder is to be written again: the schema is compiled then,
        // and the run stops with nothing recorded and no manifest of its own.
        try FileManager.default.removeItem(at: out.appendingPathComponent("S1-v1.cda.xml"))
        let again = try #require(throws: AccordError.self) { try batch(schemas: broken.path) }
        #expect(again.message.contains("could not be compiled"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("manifest-") }.count == 1)
        #expect(try service.consultation(id).issuedDocuments.map(\.version) == [1])
        let missing = try #require(throws: AccordError.self) { try batch(schemas: folder.appendingPathComponent("none").path) }
        #expect(missing.code == .io)
        #expect(missing.message.hasPrefix("the schema file cda-fr/CDA_extended.xsd is missing under"))
    }

    /// `centre show` and `instrument questionnaires` open the database only when there may be
    /// one: a PostgreSQL URL always (its centre settings were shown as the example's before,
    /// whatever `centre set` had recorded), an SQLite file only when it exists (never created).
    @Test func aDatabaseMayExistAtAPostgreSQLURLOrAnExistingFile() throws {
        let (_, folder, done) = try service()
        defer { done() }
        #expect(AccordService.databaseMayExist(at: folder.appendingPathComponent("a.sqlite").path))
        #expect(!AccordService.databaseMayExist(at: folder.appendingPathComponent("typo.sqlite").path))
        #expect(AccordService.databaseMayExist(at: "postgres://accord_writer@db.example/accord"))
        #expect(AccordService.databaseMayExist(at: "postgresql://accord_writer@db.example/accord?sslmode=require"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("typo.sqlite").path))
    }
}
