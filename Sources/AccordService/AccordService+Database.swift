import AccordCore
import AccordPostgres
import AccordStore
import Foundation
import Logging

/// What `accord db init` did on a PostgreSQL server.
public struct DatabaseInitialisation: Sendable, Hashable {
    /// The database, without its password (`postgres://USER@HOST:PORT/DATABASE`).
    public var location: String
    /// The database's id (which names the default key file).
    public var databaseID: String
    /// Whether the database itself was created.
    public var createdDatabase: Bool
    /// Whether the schema and roles were created (`false`: they were there, nothing changed).
    public var createdSchema: Bool
    /// Where the chain key file goes: `ACCORD_KEY_FILE`, or the default place for this id.
    public var keyFile: URL
}

/// What `accord db copy` did: the events copied and the chain heads of both databases, which
/// are the same (a copy whose head differs is reported as an error).
public struct DatabaseCopy: Sendable, Hashable {
    /// How many events were copied.
    public var eventCount: Int
    /// The source's chain head (`nil` for an empty log).
    public var sourceHead: ChainHead?
    /// The copy's chain head, from `verify` on it.
    public var destinationHead: ChainHead?
}

extension AccordService {
    /// Creates an Accord database on a PostgreSQL server (`accord db init`): the database, the
    /// roles `accord_writer` and `accord_auditor`, the schema. Idempotent.
    ///
    /// - Parameters:
    ///   - adminURL: a libpq-style URL of a role that may create databases and roles.
    ///   - keyFile: where the chain key will be (`nil`: `ACCORD_KEY_FILE`, else the default).
    ///   - logger: where to log.
    /// - Throws: `AccordError` (`invalidInput`) for a URL that is not a PostgreSQL one;
    ///   (`io`) when the server cannot be reached or refuses; (`conflict`) for a database
    ///   holding other tables.
    public static func initialiseDatabase(
        adminURL: String, keyFile: String? = nil, logger: Logger = Logger(label: "accord")
    ) throws -> DatabaseInitialisation {
        guard PostgresLocation.isURL(adminURL) else {
            throw AccordError(
                .invalidInput, "--admin: is not a PostgreSQL URL; expected postgres://ADMIN@HOST[:PORT]/DATABASE.", field: "--admin")
        }
        let location = try PostgresLocation(url: adminURL)
        let done = try PostgresEventStore.initialise(adminURL: adminURL, logger: logger)
        return DatabaseInitialisation(
            location: location.description, databaseID: done.databaseID, createdDatabase: done.createdDatabase,
            createdSchema: done.createdSchema, keyFile: keyLocation(keyFile, databaseID: done.databaseID))
    }

    /// Copies a whole record between an SQLite file and a PostgreSQL database, either way
    /// (`accord db copy`): the source's chain is verified first; the event log goes over as
    /// it is, with the database id (the same key file serves both), the seals, the issued
    /// document versions, the web accounts and the web access log (numbers and order kept;
    /// sign-ins, failure counters and patient's screens are transient and stay behind); the
    /// destination rebuilds its projections; all in one transaction on
    /// the destination (a failed copy leaves a PostgreSQL destination as it was, and no new
    /// SQLite file). Then `verify` on the copy must give the source's head.
    ///
    /// - Parameters:
    ///   - source: the SQLite file or the PostgreSQL URL to copy (read only).
    ///   - destination: a PostgreSQL URL of a database made by `accord db init` holding no
    ///     event, web account or access read, or the path of an SQLite file that does not
    ///     exist yet.
    ///   - keyFile: the source's chain key file (`nil`: `ACCORD_KEY_FILE`, else the default).
    ///   - clock: the clock of the stores.
    ///   - logger: where to log.
    /// - Returns: the events copied and both heads.
    /// - Throws: `AccordError` (`invalidInput`) for two SQLite files or two PostgreSQL URLs;
    ///   (`conflict`) for a destination that is not empty, a source whose chain is broken, or
    ///   a copy whose head differs; (`io`) for a missing key or a server or file failure.
    public static func copyDatabase(
        from source: String, to destination: String, keyFile: String? = nil, clock: AccordClock,
        logger: Logger = Logger(label: "accord")
    ) throws -> DatabaseCopy {
        let toPostgres = PostgresLocation.isURL(destination)
        guard PostgresLocation.isURL(source) != toPostgres else {
            throw AccordError(
                .invalidInput,
                "--from and --to are both \(toPostgres ? "PostgreSQL URLs" : "SQLite files"); db copy copies an SQLite file to a PostgreSQL database or back (copy an SQLite file with `cp` while no accord runs).",
                field: "--to")
        }
        let from: any LogCopySource & EventStore
        if toPostgres {
            from = try ConsultationStore.openReadOnly(path: source, clock: clock, keyFile: keyFile, logger: logger)
        } else {
            from = try PostgresEventStore.open(url: source, clock: clock, keyFile: keyFile, logger: logger)
        }
        guard let key = try ChainKey.load(from.keyURL) else {
            throw AccordError(
                .io,
                "the chain key of the source database is missing; give it with --key-file or ACCORD_KEY_FILE (nothing was copied).",
                field: "--key-file")
        }
        let checked = try from.verify(head: nil)
        if let broken = checked.firstBreak {
            throw AccordError(
                .conflict,
                "the source's event chain is broken at event \(broken.sequence) (run `accord verify` on it); nothing was copied.")
        }
        let count: Int
        let copy: any EventStore
        if toPostgres {
            let target = try PostgresEventStore.open(url: destination, clock: clock, keyFile: from.keyURL.path, logger: logger)
            count = try target.importLog(key: key) { try from.copyOut($0) }
            copy = try PostgresEventStore.open(url: destination, clock: clock, keyFile: from.keyURL.path, logger: logger)
        } else {
            count = try ConsultationStore.importLog(path: destination, key: key, clock: clock, logger: logger) { try from.copyOut($0) }
            copy = try ConsultationStore.openReadOnly(path: destination, clock: clock, keyFile: from.keyURL.path, logger: logger)
        }
        let verified = try copy.verify(head: checked.head)
        guard verified.firstBreak == nil, verified.head == checked.head else {
            throw AccordError(
                .conflict,
                "the copy does not verify with the source's head (source \(checked.head.map(\.description) ?? "empty"), copy \(verified.head.map(\.description) ?? "empty")\(verified.firstBreak.map { ", broken at event \($0.sequence)" } ?? "")); was the source changed during the copy? Do not use the copy."
            )
        }
        return DatabaseCopy(eventCount: count, sourceHead: checked.head, destinationHead: verified.head)
    }

    /// `keyFile`, else `ACCORD_KEY_FILE`, else the default place for `databaseID`.
    static func keyLocation(_ keyFile: String?, databaseID: String) -> URL {
        let environment = ProcessEnvironment.nonEmpty(ChainKey.environmentVariable)
        return (keyFile ?? environment).map { URL(fileURLWithPath: $0) } ?? ChainKey.defaultLocation(databaseID: databaseID)
    }
}
