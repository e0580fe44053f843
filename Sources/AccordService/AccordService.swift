import AccordCore
import AccordPostgres
import AccordStore
import AccordXML
import Foundation
import Logging

/// The use cases of Accord, which every interface calls: the command line today, the
/// consultation room's web interface and the network's server next.
///
/// An interface parses what the user gave, calls one use case, and shows what it returns; the
/// service opens the record, checks, records in one transaction, and says what the user should
/// know (warnings as sentences, never holding a person's name, identifier or free text).
///
/// ```swift
/// let service = try AccordService.open(path: "accord.sqlite", clock: try AccordClock.fromEnvironment())
/// let started = try service.start(start, author: nil)
/// for warning in started.warnings { print("warning:", warning) }
/// ```
///
/// The use cases reach the record through ``AccordStore/EventStore`` only, so they run on any
/// store that keeps its contract; ``open(path:clock:keyFile:logger:)`` and
/// ``openReadOnly(path:clock:keyFile:logger:notice:)`` give the SQLite one. Two use cases need
/// SQLite itself and say so when the store is another: ``auditQuery(_:)`` (free SQL on a
/// read-only connection to the database file) and ``generateSyntheticSessions(count:seed:progress:)``
/// (the benchmarks' bulk writer).
public struct AccordService: Sendable {
    /// The record: the event log, its chain and the projections.
    let store: any EventStore
    /// The clock every recorded instant comes from.
    public let clock: AccordClock
    let logger: Logger

    /// The use cases over `store`.
    ///
    /// - Parameters:
    ///   - store: the record (``AccordStore/ConsultationStore`` or another implementation of
    ///     ``AccordStore/EventStore``).
    ///   - clock: the clock of recorded instants; the store's own clock stamps the events, so
    ///     give the same one.
    ///   - logger: where the use cases log.
    public init(store: any EventStore, clock: AccordClock, logger: Logger = Logger(label: "accord")) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// The database a command uses when none is given: `accord.sqlite` in the working folder.
    public static var defaultDatabasePath: String { ConsultationStore.defaultPath }

    /// Opens (or creates) the database at `path` to record.
    ///
    /// - Parameters:
    ///   - path: the SQLite database file, or a PostgreSQL URL (`postgres://…`,
    ///     ``AccordPostgres/PostgresLocation``) of a database made by `accord db init`.
    ///   - clock: the clock of recorded instants (`AccordClock.fromEnvironment()` honours
    ///     `ACCORD_NOW`).
    ///   - keyFile: the event chain's key file; `nil`: `ACCORD_KEY_FILE`, then the default.
    ///   - logger: where the store logs.
    /// - Throws: `AccordError` (`io`) when the database or the key cannot be opened; (`busy`).
    public static func open(
        path: String, clock: AccordClock, keyFile: String? = nil, logger: Logger = Logger(label: "accord")
    ) throws -> AccordService {
        if PostgresLocation.isURL(path) {
            return AccordService(
                store: try PostgresEventStore.open(url: path, clock: clock, keyFile: keyFile, logger: logger), clock: clock, logger: logger)
        }
        return AccordService(
            store: try ConsultationStore.open(path: path, clock: clock, keyFile: keyFile, logger: logger), clock: clock, logger: logger)
    }

    /// Whether `path` is a PostgreSQL URL (`postgres://…` or `postgresql://…`) rather than an
    /// SQLite file.
    public static func isPostgresURL(_ path: String) -> Bool { PostgresLocation.isURL(path) }

    /// Whether there may be a database at `path` without opening it: always for a PostgreSQL
    /// URL (its database is made by `accord db init`; opening it says whether it is there),
    /// and for an SQLite file when the file exists. Commands that fall back on example values
    /// while there is no database yet (`centre show`, `instrument questionnaires`) open it only
    /// then, and never create one.
    /// - Parameter path: the SQLite database file, or a PostgreSQL URL (`postgres://…`).
    /// - Returns: `false` only for an SQLite path where no file is.
    public static func databaseMayExist(at path: String) -> Bool {
        PostgresLocation.isURL(path) || FileManager.default.fileExists(atPath: path)
    }

    /// Opens an existing database to read: no write lock, no byte changed, no key created (a
    /// user who may only read the database can use it); an earlier schema is brought up to
    /// date when the user may write it, saying so through `notice`.
    ///
    /// - Throws: `AccordError` (`notFound`) when there is no database at `path`; (`io`).
    public static func openReadOnly(
        path: String, clock: AccordClock, keyFile: String? = nil, logger: Logger = Logger(label: "accord"),
        notice: (String) -> Void = { _ in }
    ) throws -> AccordService {
        if PostgresLocation.isURL(path) {
            // The server enforces what a reading command may do (its role's privileges).
            return AccordService(
                store: try PostgresEventStore.open(url: path, clock: clock, keyFile: keyFile, logger: logger), clock: clock, logger: logger)
        }
        return AccordService(
            store: try ConsultationStore.openReadOnly(path: path, clock: clock, keyFile: keyFile, logger: logger, notice: notice),
            clock: clock, logger: logger)
    }

    /// The event chain's key file of this database.
    public var keyURL: URL { store.keyURL }
}

/// A filter of `session list` (patient, clinician, period, limit).
public typealias SessionQuery = AccordStore.SessionQuery
/// One line of `session list`: the session's summary and its patient.
public typealias SessionSummary = AccordStore.SessionSummary
/// What `verify` found: events checked, the chain's head, the first break.
public typealias ChainVerification = AccordStore.ChainVerification
/// The last event of the chain: its sequence and hash (`SEQ:HASH`).
public typealias ChainHead = AccordStore.ChainHead
/// An RCP report (FRCP) as read for a session start.
public typealias RCPReport = AccordXML.RCPReport
