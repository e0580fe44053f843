import AccordCore
import AccordStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to a PostgreSQL server, used synchronously as ``AccordStore/EventStore``
/// requires: each statement waits for the server's answer on the calling thread (never an
/// event loop's), one transaction at a time per connection.
///
/// Server failures become `AccordError` sentences (``PostgresErrors``): the URL's password,
/// the server's detail lines (which may quote values) and the statement's values never appear.
package final class PostgresLink: @unchecked Sendable {
    let connection: PostgresConnection
    let location: PostgresLocation
    let logger: Logger
    private let lock = NSRecursiveLock()

    private init(connection: PostgresConnection, location: PostgresLocation, logger: Logger) {
        self.connection = connection
        self.location = location
        self.logger = logger
    }

    deinit { try? connection.close().wait() }

    /// Connects to the server at `location`.
    /// - Throws: `AccordError` (`io`) naming the server (never the password) and what it
    ///   answered; (`notFound`) when the database does not exist.
    package static func connect(_ location: PostgresLocation, logger: Logger) throws -> PostgresLink {
        var configuration: PostgresConnection.Configuration
        if let socketPath = location.socketPath {
            configuration = .init(
                unixSocketPath: socketPath, username: location.user, password: location.password, database: location.database)
        } else {
            configuration = .init(
                host: location.host ?? "localhost", port: location.port, username: location.user, password: location.password,
                database: location.database, tls: try tls(location))
        }
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            let connection = try PostgresConnection.connect(on: loop, configuration: configuration, id: 1, logger: logger).wait()
            return PostgresLink(connection: connection, location: location, logger: logger)
        } catch {
            throw PostgresErrors.map(error, location: location, connecting: true)
        }
    }

    private static func tls(_ location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable: return .disable
        case .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let root = location.rootCertificate { configuration.trustRoots = .file(root) }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return location.tls == .allow || location.tls == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw AccordError(
                .io, "--db/ACCORD_DB: the TLS settings of the PostgreSQL URL cannot be used (check sslrootcert); nothing was recorded.")
        }
    }

    /// Runs one statement and returns its rows.
    /// - Throws: `AccordError` (``PostgresErrors/map(_:location:connecting:)``).
    @discardableResult
    package func query(_ sql: String, _ values: [SQLValue] = []) throws -> [PostgresRandomAccessRow] {
        try lock.withLock {
            do {
                return try connection.query(Self.query(sql, values), logger: logger).wait().rows.map { $0.makeRandomAccess() }
            } catch {
                throw PostgresErrors.map(error, location: location, connecting: false)
            }
        }
    }

    /// Runs one statement, calling `body` with each row as it arrives (memory stays flat).
    /// `body` runs on the connection's event loop: it must not call the link.
    package func stream(_ sql: String, _ values: [SQLValue] = [], _ body: @escaping @Sendable (PostgresRow) throws -> Void) throws {
        try lock.withLock {
            do {
                _ = try connection.query(Self.query(sql, values), logger: logger, body).wait()
            } catch let error as AccordError {
                throw error
            } catch {
                throw PostgresErrors.map(error, location: location, connecting: false)
            }
        }
    }

    /// Runs statements separated by semicolons, with no value bound (schema scripts), one
    /// after the other (a semicolon between `$$` quotes belongs to its statement).
    package func script(_ sql: String) throws {
        for statement in Self.statements(sql) { try query(statement) }
    }

    /// The statements of a script: split at semicolons outside `$$` quotes, blank ones dropped.
    package static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quoted = false
        var characters = sql.makeIterator()
        var previous: Character?
        while let character = characters.next() {
            current.append(character)
            if character == "$" && previous == "$" {
                quoted.toggle()
                previous = nil
                continue
            }
            if character == ";" && !quoted {
                current.removeLast()
                statements.append(current)
                current = ""
            }
            previous = character
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws
    /// (then what it threw is thrown).
    /// - Parameters:
    ///   - readOnly: `BEGIN READ ONLY`.
    ///   - setUp: statements run first inside the transaction (`SET LOCAL …`, a lock).
    package func transaction<T>(readOnly: Bool = false, setUp: [String] = [], _ body: () throws -> T) throws -> T {
        try lock.withLock {
            try query(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
            do {
                for statement in setUp { try query(statement) }
                let result = try body()
                try query("COMMIT")
                return result
            } catch {
                _ = try? query("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes the connection.
    package func close() {
        try? connection.close().wait()
    }

    private static func query(_ sql: String, _ values: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .integer(let integer): binds.append(integer)
            case .text(let text): binds.append(text)
            case .real(let real): binds.append(real)
            case .null: binds.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

extension PostgresRandomAccessRow {
    /// The column `name` as an integer (BIGINT, INTEGER or SMALLINT), `nil` for NULL.
    package func integer(_ name: String) throws -> Int64? { try self[name].decode(Int64?.self) }
    /// The column `name` as text, `nil` for NULL.
    package func text(_ name: String) throws -> String? { try self[name].decode(String?.self) }
    /// The column `name` as a real, `nil` for NULL.
    package func real(_ name: String) throws -> Double? { try self[name].decode(Double?.self) }
}

/// Turns PostgreSQL failures into sentences a user can act on.
package enum PostgresErrors {
    /// The SQLSTATE of a server error, if `error` is one.
    package static func sqlState(_ error: any Error) -> String? {
        if case .server(let answer)? = error as? PostgresError { return answer.fields[.sqlState] }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// `error` as an `AccordError`: `busy` for a lock not obtained in time, a serialisation
    /// failure or a deadlock; `notFound` for a missing database; `io` otherwise, naming the
    /// server without its password and quoting only the server's primary message (never its
    /// detail, which may quote values).
    package static func map(_ error: any Error, location: PostgresLocation, connecting: Bool) -> AccordError {
        if let error = error as? AccordError { return error }
        let state: String?
        let message: String
        let code: String
        if let error = error as? PSQLError {
            state = error.serverInfo?[.sqlState]
            message = error.serverInfo?[.message] ?? ""
            code = "\(error.code)"
        } else if let error = error as? PostgresError {
            // What the simple-query protocol (schema scripts) throws.
            if case .server(let answer) = error {
                state = answer.fields[.sqlState]
                message = answer.fields[.message] ?? ""
            } else {
                (state, message) = (nil, "")
            }
            code = "connection closed"
        } else {
            return AccordError(.io, "the PostgreSQL server \(location) failed (\(type(of: error))); nothing was recorded.")
        }
        switch state {
        case "55P03", "40001", "40P01":
            return AccordError(
                .busy, "the database is busy, try again: another writer held it longer than the busy timeout; nothing was recorded.")
        case "57014":
            return AccordError(.busy, "the statement ran longer than its time limit and was cancelled; nothing was recorded.")
        case "3D000":
            return AccordError(
                .notFound,
                "the PostgreSQL server \(location) has no such database; create it with `accord db init --admin URL` (nothing was recorded)."
            )
        case "28P01", "28000":
            return AccordError(
                .io,
                "the PostgreSQL server \(location) refused the user name or password of the URL given by --db or ACCORD_DB; nothing was recorded."
            )
        case "42P01":
            return AccordError(
                .io,
                "the database \(location) is not an Accord database (its tables are missing); create them with `accord db init --admin URL` (nothing was recorded)."
            )
        case "42501":
            return AccordError(
                .io,
                "the PostgreSQL server refused: the role of the URL given by --db or ACCORD_DB lacks a privilege (\(message)); accord's commands connect as a member of accord_writer, while a login in accord_auditor reads only the three audit views, with an SQL client such as psql. Nothing was recorded."
            )
        case "P0001":
            return AccordError(.conflict, "the database refused the change (\(message)); nothing was recorded.")
        case let state?:
            return AccordError(.io, "the PostgreSQL server failed (SQLSTATE \(state): \(message)); nothing was recorded.")
        case nil:
            if connecting {
                return AccordError(
                    .io,
                    "cannot connect to the PostgreSQL server \(location): check that it runs, the host, port or socket folder, and sslmode of the URL given by --db or ACCORD_DB (nothing was recorded)."
                )
            }
            return AccordError(
                .io, "the connection to the PostgreSQL server \(location) failed or was closed; nothing was recorded (\(code)).")
        }
    }
}
