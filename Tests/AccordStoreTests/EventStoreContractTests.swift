import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// The SQLite store keeps ``EventStore``'s contract: the scenarios a PostgreSQL store will run
/// too, on an in-memory database and on a database file.
@Suite struct EventStoreContractTests {
    @Test(arguments: EventStoreContract.scenarios)
    func anInMemoryDatabase(_ scenario: EventStoreContract.Scenario) throws {
        try scenario.run(try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant)))
    }

    @Test(arguments: EventStoreContract.scenarios)
    func aDatabaseFile(_ scenario: EventStoreContract.Scenario) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ConsultationStore.open(
            path: folder.appendingPathComponent("a.sqlite").path, clock: .fixed(at: Samples.instant),
            keyFile: folder.appendingPathComponent("k.key").path)
        try scenario.run(store)
        #expect(try store.journalModeForTesting() == "wal")
    }
}
