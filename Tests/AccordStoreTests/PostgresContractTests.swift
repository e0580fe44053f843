import AccordCore
import AccordPostgres
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// The PostgreSQL store keeps ``EventStore``'s contract: the same scenarios as the SQLite
/// store, on a fresh database of the test server, through a member of `accord_writer`.
@Suite(.enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason))
struct PostgresContractTests {
    @Test(arguments: EventStoreContract.scenarios)
    func aPostgreSQLDatabase(_ scenario: EventStoreContract.Scenario) throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("accord-pg-\(UUID().uuidString).key")
        defer { try? FileManager.default.removeItem(at: key) }
        let store = try PostgresEventStore.open(url: database.url, clock: .fixed(at: Samples.instant), keyFile: key.path)
        try scenario.run(store)
    }
}
