import AccordCore
import AccordPostgres
import AccordStore
import Foundation

extension AccordCLI {
    /// Opens this instance's database in the test process, on its backend: the SQLite file, or
    /// the PostgreSQL database through the writer role (what `accord` itself opens).
    /// - Parameters:
    ///   - clock: the clock of the store (every instant it records is from it).
    ///   - readOnly: on SQLite, open the file read only (`openReadOnly`); PostgreSQL's writer
    ///     role reads in read-only transactions either way.
    /// - Throws: `AccordError` as ``AccordStore/ConsultationStore/open(path:clock:keyFile:busyTimeout:logger:)``
    ///   or ``AccordPostgres/PostgresEventStore/open(url:clock:keyFile:busyTimeout:logger:)`` do.
    public func openStore(clock: AccordClock, readOnly: Bool = false) throws -> any WebStores {
        let keyFile = environment["ACCORD_KEY_FILE"]
        if let postgres, databaseLocation == postgres.url {
            return try PostgresEventStore.open(url: postgres.url, clock: clock, keyFile: keyFile)
        }
        if readOnly { return try ConsultationStore.openReadOnly(path: database.path, clock: clock, keyFile: keyFile) }
        return try ConsultationStore.open(path: database.path, clock: clock, keyFile: keyFile)
    }

    /// Plays an attacker who holds the database: runs `sql` on it with the append-only guards
    /// of `event` off. On SQLite its triggers are dropped from the file first (for good); on
    /// PostgreSQL `sql` runs as the administrator (``PostgresTestDatabase/adminURL``) in one
    /// transaction under `SET LOCAL session_replication_role = replica`, which turns off every
    /// trigger of that transaction — the append-only ones and the foreign keys, which SQLite's
    /// tamper connection does not enforce either.
    /// The statements must read the same on both (standard SQL on Accord's tables).
    /// - Throws: when the SQL fails.
    public func tamper(_ sql: String) throws {
        if let postgres, databaseLocation == postgres.url {
            try PostgresEventStore.administer(adminURL: postgres.adminURL) { run in
                try run(
                    "BEGIN; SET LOCAL session_replication_role = replica; \(sql); COMMIT")
            }
        } else {
            try ConsultationStore.tamperForTesting(
                path: database.path, "DROP TRIGGER IF EXISTS event_no_update; DROP TRIGGER IF EXISTS event_no_delete; " + sql)
        }
    }
}
