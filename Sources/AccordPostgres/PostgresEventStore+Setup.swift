import AccordCore
import AccordStore
import Foundation
import Logging

extension PostgresEventStore {
    /// What `accord db init` did.
    public struct Initialisation: Sendable, Hashable {
        /// The database's id (which names the default key file).
        public var databaseID: String
        /// Whether the database itself was created (it did not exist).
        public var createdDatabase: Bool
        /// Whether the schema was created (`false`: it was there already, nothing changed).
        public var createdSchema: Bool
    }

    /// Creates an Accord database on a PostgreSQL server, as its administrator: the database
    /// when missing, the roles `accord_writer` and `accord_auditor` when missing, and the
    /// schema with its privileges (``PostgresSchema``), in one transaction. Idempotent: a
    /// database that holds the schema already is left as it is.
    ///
    /// - Parameters:
    ///   - url: a libpq-style URL of a role that may create databases and roles (a superuser,
    ///     or a role with `CREATEDB` and `CREATEROLE` that will own the tables).
    ///   - databaseID: the id to record (`accord db copy` keeps the source's, so that the same
    ///     key file serves both); `nil`: a new random id.
    ///   - logger: where to log.
    /// - Returns: the database's id and what was created.
    /// - Throws: `AccordError` (`invalidInput`) for a malformed URL; (`io`) when the server
    ///   cannot be reached or refuses; (`conflict`) when the database holds tables that are not
    ///   Accord's, or an Accord schema newer than this build.
    public static func initialise(adminURL url: String, databaseID: String? = nil, logger: Logger = .current) throws -> Initialisation {
        let location = try PostgresLocation(url: url)
        var createdDatabase = false
        let link: PostgresLink
        do {
            link = try PostgresLink.connect(location, logger: logger)
        } catch let error as AccordError where error.code == .notFound {
            let maintenance = try PostgresLink.connect(location.with(database: "postgres"), logger: logger)
            defer { maintenance.close() }
            try maintenance.script("CREATE DATABASE \(quoted(location.database)) ENCODING 'UTF8' TEMPLATE template0")
            createdDatabase = true
            link = try PostgresLink.connect(location, logger: logger)
        }
        defer { link.close() }
        let existing =
            try link.query(
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'"
            ).first?.integer("n") ?? 0
        if existing > 0 {
            let metadata =
                try link.query(
                    "SELECT to_regclass('public.metadata') IS NOT NULL AS present"
                ).first?["present"].decode(Bool.self) ?? false
            guard metadata,
                let rows = try? link.query("SELECT key, value FROM metadata WHERE key IN ('database_id', 'schema_version')"),
                case let values = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.text("key") ?? "", try $0.text("value") ?? "") }),
                let id = values["database_id"], let version = values["schema_version"].flatMap(Int.init)
            else {
                throw AccordError(
                    .conflict,
                    "the database \(location) holds tables that are not Accord's; give an empty database or a new name (nothing was changed)."
                )
            }
            if version > PostgresSchema.version {
                throw AccordError(
                    .conflict, "the database \(location) was made by a newer version of Accord; use that version (nothing was changed).")
            }
            return Initialisation(databaseID: id, createdDatabase: createdDatabase, createdSchema: false)
        }
        let id = databaseID ?? UUID().uuidString.lowercased()
        try link.transaction {
            try link.script(PostgresSchema.roles)
            try link.script(PostgresSchema.tables)
            for (key, value) in [
                ("database_id", id), ("schema_version", String(PostgresSchema.version)), (ConsultationStore.sessionsSealedKey, "1"),
                (ConsultationStore.summaryCompleteKey, "1"),
            ] {
                try link.query("INSERT INTO metadata (key, value) VALUES ($1, $2)", [.text(key), .text(value)])
            }
        }
        logger.info("created the Accord schema on PostgreSQL")
        return Initialisation(databaseID: id, createdDatabase: createdDatabase, createdSchema: true)
    }

    /// `name` as a quoted SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension PostgresEventStore {
    /// Runs statements as the administrator of `url` (maintenance and tests): `body` gets a
    /// function that runs one script.
    /// - Throws: `AccordError` (``PostgresErrors``).
    public static func administer(adminURL url: String, logger: Logger = .current, _ body: ((String) throws -> Void) throws -> Void) throws
    {
        let link = try PostgresLink.connect(try PostgresLocation(url: url), logger: logger)
        defer { link.close() }
        try body { try link.script($0) }
    }
}
