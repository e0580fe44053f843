import AccordCore
import AccordPostgres
import AccordStore
import Foundation
import HummingbirdBcrypt
import Logging

/// The rules of web passwords.
public enum WebPasswords {
    /// The fewest characters a password may have: 12.
    public static let minimumLength = 12
    /// The most UTF-8 bytes a password may have: 72 (bcrypt reads no further).
    public static let maximumBytes = 72
    /// The bcrypt cost of new passwords (2^12 rounds).
    public static let defaultCost: UInt8 = 12

    /// Checks a new password's length and characters.
    /// - Throws: `AccordError` (`invalidInput`) naming `password` (never echoing it) when it has
    ///   fewer than 12 characters, more than 72 bytes, or a control character.
    public static func check(_ password: String) throws {
        let accepted = "\(minimumLength) to \(maximumBytes) characters (UTF-8 bytes) without control characters, on standard input"
        if password.count < minimumLength {
            throw AccordError.invalid("password", "is shorter than \(minimumLength) characters", accepted: accepted)
        }
        if password.utf8.count > maximumBytes {
            throw AccordError.invalid(
                "password", "is longer than \(maximumBytes) bytes in UTF-8 (bcrypt would ignore the rest)", accepted: accepted)
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AccordError.invalid("password", "holds a control character (a line break, a tab)", accepted: accepted)
        }
    }

    /// A bcrypt hash of `password` (`$2b$…`, salt and cost included).
    public static func hash(_ password: String, cost: UInt8 = defaultCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` fits `hash`; `false` for a malformed hash.
    static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// ``verify(_:hash:)`` on a Dispatch thread: bcrypt takes a quarter of a second at cost 12,
    /// which would hold a thread of Swift's cooperative pool (the server's other requests).
    static func verifyOffThePool(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: verify(password, hash: hash)) }
        }
    }

    /// A hash no password fits (verified against when no account has the identifier typed, so
    /// that the answer takes as long as for an account).
    static let decoy = Bcrypt.hash(WebTokens.make(), cost: defaultCost)
}

/// The accounts of the web interface, as `accord user add|disable|list` manage them.
public struct WebUsers: Sendable {
    /// The accounts' store.
    public let store: WebAccountStore
    let now: @Sendable () -> Date

    /// The accounts of `store`, instants read from `now`.
    public init(store: WebAccountStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Opens the database at `path`: an SQLite file (created or migrated when needed), or a
    /// PostgreSQL database made by `accord db init` for a `postgres://` URL.
    /// - Throws: `AccordError` (`io`) as ``AccordStore/ConsultationStore/open(path:clock:keyFile:busyTimeout:logger:)``
    ///   or `AccordPostgres.PostgresEventStore.open(url:clock:keyFile:busyTimeout:logger:)`.
    public static func open(path: String, clock: AccordClock, keyFile: String?, logger: Logger) throws -> WebUsers {
        let store = try WebServer.openStore(path: path, clock: clock, keyFile: keyFile, logger: logger)
        return WebUsers(store: store.webAccounts, now: { clock.now() })
    }

    /// Opens an existing database to read its accounts: no write lock, nothing created (on
    /// PostgreSQL, the server's privileges decide what the role may do).
    /// - Throws: `AccordError` (`notFound`) when there is no database at `path`; (`io`) as
    ///   ``AccordStore/ConsultationStore/openReadOnly(path:clock:keyFile:logger:notice:)``.
    public static func openReadOnly(path: String, clock: AccordClock, keyFile: String?, logger: Logger) throws -> WebUsers {
        if PostgresLocation.isURL(path) { return try open(path: path, clock: clock, keyFile: keyFile, logger: logger) }
        let store = try ConsultationStore.openReadOnly(path: path, clock: clock, keyFile: keyFile, logger: logger)
        return WebUsers(store: store.webAccounts, now: { clock.now() })
    }

    /// Adds an enabled account.
    /// - Parameters:
    ///   - idnatPS: the clinician's IdNat_PS (checked as the CLI checks `--author`).
    ///   - name: the name shown on the pages (one line, 1 to 200 characters).
    ///   - password: the password (``WebPasswords/check(_:)``); only its bcrypt hash is kept.
    ///   - cost: the bcrypt cost (tests use a low one).
    /// - Throws: `AccordError` (`invalidInput`) naming `--id`, `--name` or `password`;
    ///   (`conflict`) when the account exists; `busy`, `io`.
    public func add(idnatPS: String, name: String, password: String, cost: UInt8 = WebPasswords.defaultCost) throws {
        try FieldRules.idNatPS(idnatPS, "--id")
        try FieldRules.text(name, "--name", .line(200))
        try WebPasswords.check(password)
        let account = WebAccount(
            idnatPS: idnatPS, name: name, passwordHash: WebPasswords.hash(password, cost: cost), createdAt: now())
        try store.add(account)
    }

    /// Disables an account and ends its sign-ins.
    /// - Throws: `AccordError` (`invalidInput`) when `idnatPS` is no IdNat_PS; (`notFound`)
    ///   when no account has it; `busy`, `io`.
    public func disable(idnatPS: String) throws {
        try FieldRules.idNatPS(idnatPS, "IDNAT_PS")
        try store.disable(idnatPS, now: now())
    }

    /// Every account, by IdNat_PS.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func list() throws -> [WebAccount] { try store.accounts() }
}
