import AccordCore
import Foundation

/// Where a PostgreSQL database is, read from a libpq-style URL (`--db`, `ACCORD_DB`):
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&host=…]`.
///
/// - A `host` parameter, or a host, starting with `/` names the folder of the server's Unix
///   socket (`postgres://accord_writer@localhost/accord?host=/run/postgresql`): the socket is
///   `FOLDER/.s.PGSQL.PORT`.
/// - `sslmode` is `disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full`, as
///   libpq reads it. When it is not given: `require`, except on loopback (`localhost`,
///   `127.0.0.0/8`, `::1`), where it is `prefer`, and over a Unix socket, where TLS is not used.
/// - `sslrootcert` names a PEM file of the certificate authorities to trust (`verify-ca`,
///   `verify-full`); without it, the system's.
/// - Other accepted parameters: `user`, `password`, `dbname`, `port`, `connect_timeout`
///   (seconds), `application_name` (ignored).
///
/// The password never appears in what Accord prints (``description``).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The server's host name or address, or `nil` with a socket.
    public var host: String?
    /// The folder of the server's Unix socket, or `nil` over TCP.
    public var socketFolder: String?
    /// The server's port (5432 by default); over a socket, the number in the socket's name.
    public var port: Int
    /// The user (role) to connect as.
    public var user: String
    /// The password, if any (never printed).
    public var password: String?
    /// The database.
    public var database: String
    /// How the connection is protected.
    public var tls: TLSMode
    /// The PEM file of the authorities to trust, if given.
    public var rootCertificate: String?
    /// How long to wait for the connection, in seconds.
    public var connectTimeout: Int

    /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`) rather than a
    /// SQLite file path.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a libpq-style URL.
    /// - Throws: `AccordError` (`invalidInput`) naming what is wrong (the URL itself is never
    ///   repeated, as it may hold a password) and what is accepted.
    public init(url text: String) throws {
        func refuse(_ why: String) -> AccordError {
            AccordError(
                .invalidInput,
                "--db/ACCORD_DB: the PostgreSQL URL \(why); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE&host=/SOCKET/FOLDER]."
            )
        }
        var rest: Substring
        if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw refuse("does not start with postgres:// or postgresql://")
        }
        var parameters: [(String, String)] = []
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") where !pair.isEmpty {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, let name = Self.decode(parts[0]), let value = Self.decode(parts[1]) else {
                    throw refuse("has a parameter that is not NAME=VALUE")
                }
                parameters.append((name, value))
            }
            rest = rest[..<mark]
        }
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        var user: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = Self.decode(userInfo[..<colon])
                password = Self.decode(userInfo[userInfo.index(after: colon)...])
                if password == nil { throw refuse("has a password that is not percent-encoded correctly") }
            } else {
                user = Self.decode(userInfo)
            }
            if user == nil { throw refuse("has a user name that is not percent-encoded correctly") }
        }
        var host: String?
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw refuse("has an IPv6 address without its closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { throw refuse("has a port that is not a number") }
                port = value
            } else if !after.isEmpty {
                throw refuse("has characters after its IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = Self.decode(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]) else { throw refuse("has a port that is not a number") }
            port = value
        } else if !authority.isEmpty {
            host = Self.decode(authority)
        }
        var database = path.isEmpty ? nil : Self.decode(path)
        if !path.isEmpty && database == nil { throw refuse("has a database name that is not percent-encoded correctly") }
        var sslmode: TLSMode?
        var rootCertificate: String?
        var connectTimeout = 10
        for (name, value) in parameters {
            switch name {
            case "host": host = value
            case "port":
                guard let value = Int(value) else { throw refuse("has a port parameter that is not a number") }
                port = value
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw refuse(
                        "has an sslmode that is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslmode = mode
            case "sslrootcert": rootCertificate = value
            case "connect_timeout":
                guard let value = Int(value), value > 0 else { throw refuse("has a connect_timeout that is not a number of seconds") }
                connectTimeout = value
            case "application_name": break
            default:
                throw refuse(
                    "has a parameter Accord does not know (\(name)); accepted: host, port, user, password, dbname, sslmode, sslrootcert, connect_timeout, application_name"
                )
            }
        }
        guard let port = port ?? 5432 as Int?, (1...65535).contains(port) else { throw refuse("has a port outside 1…65535") }
        guard let user, !user.isEmpty else { throw refuse("names no user (postgres://USER@HOST/DATABASE)") }
        guard let database, !database.isEmpty else { throw refuse("names no database (postgres://USER@HOST/DATABASE)") }
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.rootCertificate = rootCertificate
        self.connectTimeout = connectTimeout
        if let host, host.hasPrefix("/") {
            socketFolder = host
            self.host = nil
            tls = .disable
        } else {
            let name = host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            self.host = name
            socketFolder = nil
            tls = sslmode ?? (Self.isLoopback(name) ? .prefer : .require)
        }
        if socketFolder != nil, let sslmode, [.require, .verifyCA, .verifyFull].contains(sslmode) {
            throw refuse("asks for sslmode=\(sslmode.rawValue) over a Unix socket, which carries no TLS; give a host name instead")
        }
    }

    /// The path of the Unix socket, when connecting through one.
    public var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    /// `postgres://USER@HOST:PORT/DATABASE` (or `…?host=FOLDER`): the location without its
    /// password, for messages.
    public var description: String {
        if let socketFolder { return "postgres://\(user)@/\(database)?host=\(socketFolder)" }
        let shown = (host ?? "").contains(":") ? "[\(host ?? "")]" : (host ?? "")
        return "postgres://\(user)@\(shown):\(port)/\(database)"
    }

    /// The same server and credentials, another database (the administrator's work in
    /// `postgres` before the database exists, tests).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }
}
