import AccordCore
import Foundation
import GRDB

/// A clinician's account of the web interface: one row of `web_user`.
///
/// Accounts live beside the record, never in the clinical event chain: they are changed in
/// place, never exported. The password is only ever held as its bcrypt hash.
public struct WebAccount: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "web_user"

    /// The clinician's IdNat_PS (checked by `IdentifierCheck.idNatPS` before it is stored).
    public var idnatPS: String
    /// The name shown on the pages (one line of text).
    public var name: String
    /// The bcrypt hash of the password (`$2b$…`, cost and salt included).
    public var passwordHash: String
    /// Whether the account may no longer sign in.
    public var disabled: Bool
    /// When the account was created (UTC instant, `2026-03-02T09:30:00Z`).
    public var createdAt: String
    /// When the account was disabled (UTC instant), or `nil`.
    public var disabledAt: String?

    /// The columns of `web_user`, in the table's order.
    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case idnatPS = "idnat_ps"
        case name
        case passwordHash = "password_hash"
        case disabled
        case createdAt = "created_at"
        case disabledAt = "disabled_at"
    }

    /// An account as it is created: enabled.
    public init(idnatPS: String, name: String, passwordHash: String, createdAt: Date) {
        self.idnatPS = idnatPS
        self.name = name
        self.passwordHash = passwordHash
        self.disabled = false
        self.createdAt = UTCInstant.format(createdAt)
        self.disabledAt = nil
    }
}

/// One web sign-in session: one row of `web_sign_in`.
///
/// The browser holds a random 256-bit token in its `accord_session` cookie; the table holds
/// only the token's SHA-256 (``tokenHash``), so that a copy of the database signs nobody in.
public struct WebSignIn: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "web_sign_in"

    /// The SHA-256 of the session token, lowercase hexadecimal (64 characters).
    public var tokenHash: String
    /// The IdNat_PS of the signed-in clinician.
    public var idnatPS: String
    /// The CSRF token every form of this sign-in carries (random, URL-safe base64).
    public var csrfToken: String
    /// When the clinician signed in (UTC instant).
    public var createdAt: String
    /// The last request of this sign-in (UTC instant); the idle timeout counts from it.
    public var lastSeenAt: String

    /// The columns of `web_sign_in`, in the table's order.
    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case tokenHash = "token_hash"
        case idnatPS = "idnat_ps"
        case csrfToken = "csrf_token"
        case createdAt = "created_at"
        case lastSeenAt = "last_seen_at"
    }

    /// A sign-in starting at `now`.
    public init(tokenHash: String, idnatPS: String, csrfToken: String, now: Date) {
        self.tokenHash = tokenHash
        self.idnatPS = idnatPS
        self.csrfToken = csrfToken
        self.createdAt = UTCInstant.format(now)
        self.lastSeenAt = self.createdAt
    }
}

/// The failed sign-ins of one typed identifier: one row of `web_sign_in_failure`.
struct WebSignInFailure: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "web_sign_in_failure"

    /// The SHA-256 of the identifier typed (never the identifier: it may be anything typed).
    var loginHash: String
    /// Failures since the last success or the end of the last lockout.
    var failures: Int
    /// The last failure (UTC instant).
    var lastFailedAt: String
    /// Until when sign-in is refused (UTC instant), or `nil`.
    var lockedUntil: String?

    enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case loginHash = "login_hash"
        case failures
        case lastFailedAt = "last_failed_at"
        case lockedUntil = "locked_until"
    }

    /// Counts one more failure at `now` and saves the row; once `policy.threshold` failures are
    /// counted, locks out until `now` + `policy.duration`.
    /// - Returns: the end of the lockout this failure starts, or `nil`.
    mutating func countFailure(_ sql: any WebSQL, now: Date, policy: SignInLockoutPolicy) throws -> Date? {
        failures += 1
        lastFailedAt = UTCInstant.format(now)
        var until: Date?
        if failures >= policy.threshold {
            until = now.addingTimeInterval(policy.duration)
            lockedUntil = until.map(UTCInstant.format)
        }
        try sql.query(
            """
            INSERT INTO web_sign_in_failure (login_hash, failures, last_failed_at, locked_until) VALUES (?, ?, ?, ?)
            ON CONFLICT (login_hash) DO UPDATE SET failures = excluded.failures, last_failed_at = excluded.last_failed_at,
            locked_until = excluded.locked_until
            """, [.text(loginHash), .of(failures), .text(lastFailedAt), .of(lockedUntil)])
        return until
    }

    /// The failure counter of `loginHash`, or `nil`.
    static func fetch(_ sql: any WebSQL, loginHash: String) throws -> WebSignInFailure? {
        try sql.query(
            "SELECT login_hash, failures, last_failed_at, locked_until FROM web_sign_in_failure WHERE login_hash = ?", [.text(loginHash)]
        ).first.map { row in
            WebSignInFailure(
                loginHash: row[0].text ?? "", failures: Int(row[1].integer ?? 0), lastFailedAt: row[2].text ?? "",
                lockedUntil: row[3].text)
        }
    }

    /// Deletes the failure counter of `loginHash` (nothing when there is none).
    static func delete(_ sql: any WebSQL, loginHash: String) throws {
        try sql.query("DELETE FROM web_sign_in_failure WHERE login_hash = ?", [.text(loginHash)])
    }
}

/// How many failures lock an identifier out, and for how long.
public struct SignInLockoutPolicy: Sendable, Hashable {
    /// Failed attempts in a row that lock the identifier out (5 by default).
    public var threshold: Int
    /// How long the lockout lasts, in seconds (900 s, 15 minutes, by default).
    public var duration: TimeInterval

    /// The policy; 5 failures, 15 minutes by default.
    public init(threshold: Int = 5, duration: TimeInterval = 900) {
        self.threshold = threshold
        self.duration = duration
    }
}

/// What a sign-in attempt came to (``WebAccountStore/finishSignIn(loginHash:signIn:now:policy:)``).
public enum SignInOutcome: Sendable, Hashable {
    /// Signed in: the sign-in session was stored and the failures forgotten.
    case signedIn
    /// The password (or the account) did not fit; `remaining` attempts are left before a lockout.
    case failed(remaining: Int)
    /// The identifier is locked out until this UTC instant; nothing was checked or stored but
    /// the failure that caused it, if any.
    case locked(until: Date)
}

/// The web interface's accounts, sign-in sessions and failure counters, in the same database
/// as the record (SQLite or PostgreSQL) but outside its event chain.
///
/// Every method is one transaction, with the same statements and rules on both backends
/// (``WebDatabase``). Instants are given by the caller (its clock), so that tests can move
/// time forward; they are stored as UTC instants (`2026-03-02T09:30:00Z`).
public struct WebAccountStore: Sendable {
    let database: any WebDatabase

    /// The accounts of `database`.
    package init(database: any WebDatabase) { self.database = database }

    // MARK: - Accounts

    /// Adds an account.
    /// - Throws: `AccordError` (`conflict`) when an account has this IdNat_PS already; `busy`, `io`.
    public func add(_ account: WebAccount) throws {
        try database.write { sql in
            if try Self.account(sql, account.idnatPS) != nil {
                throw AccordError(
                    .conflict, "an account has this IdNat_PS already; nothing was recorded (`accord user list` shows the accounts).",
                    field: "--id")
            }
            try Self.insert(account, sql)
        }
    }

    /// Disables an account, ends its sign-in sessions and the patient's screens it handed over.
    /// Disabling a disabled account changes
    /// nothing.
    /// - Parameters:
    ///   - idnatPS: the account's IdNat_PS.
    ///   - now: the instant recorded as `disabled_at`.
    /// - Throws: `AccordError` (`notFound`) when no account has this IdNat_PS; `busy`, `io`.
    public func disable(_ idnatPS: String, now: Date) throws {
        try database.write { sql in
            guard let account = try Self.account(sql, idnatPS) else {
                throw AccordError(.notFound, "no account has this IdNat_PS; `accord user list` shows the accounts.", field: "IDNAT_PS")
            }
            let instant = UTCInstant.format(now)
            if !account.disabled {
                try sql.query("UPDATE web_user SET disabled = 1, disabled_at = ? WHERE idnat_ps = ?", [.text(instant), .text(idnatPS)])
            }
            try sql.query("DELETE FROM web_sign_in WHERE idnat_ps = ?", [.text(idnatPS)])
            // The patient's screens the clinician handed over end too: nothing more is recorded
            // under a disabled account's name.
            try sql.query(
                "UPDATE web_patient_screen SET revoked_at = ? WHERE issued_by = ? AND revoked_at IS NULL", [.text(instant), .text(idnatPS)])
        }
    }

    /// Every account, by IdNat_PS.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func accounts() throws -> [WebAccount] {
        try database.read { sql in try Self.accounts(sql) }
    }

    /// The account with this IdNat_PS, or `nil`.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func account(_ idnatPS: String) throws -> WebAccount? {
        try database.read { sql in try Self.account(sql, idnatPS) }
    }

    // MARK: - Sign-in

    /// Until when the identifier whose SHA-256 is `loginHash` is locked out, or `nil` when it
    /// may try now.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func lockedUntil(loginHash: String, now: Date) throws -> Date? {
        try database.read { sql in try Self.lock(sql, loginHash: loginHash, now: now) }
    }

    /// Records the end of a sign-in attempt in one transaction: with `signIn` (the password
    /// was right and the account enabled) the sign-in session is stored and the failures
    /// forgotten, and every sign-in idle longer than `idleTimeout` deleted (a browser that never
    /// came back leaves one); without it, a failure is counted and the identifier locked out when it reaches
    /// the policy's threshold. An identifier locked out meanwhile is refused either way.
    ///
    /// Either way, the failure counters whose lockout has ended and whose last failure is older
    /// than the lockout's duration are deleted first (they count nothing any more: an ended
    /// lockout counts afresh), so that the table does not grow with every identifier ever locked.
    ///
    /// - Parameters:
    ///   - loginHash: SHA-256 of the identifier typed, lowercase hexadecimal.
    ///   - signIn: the sign-in session to store, or `nil` for a failure.
    ///   - now: the attempt's instant.
    ///   - policy: the lockout threshold and duration.
    ///   - idleTimeout: the idle timeout of sign-ins, in seconds.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func finishSignIn(
        loginHash: String, signIn: WebSignIn?, now: Date, policy: SignInLockoutPolicy, idleTimeout: TimeInterval
    ) throws -> SignInOutcome {
        try database.write { sql in
            // Instants are stored in one fixed shape, so text order is time order.
            try sql.query(
                "DELETE FROM web_sign_in_failure WHERE locked_until <= ? AND last_failed_at < ?",
                [.text(UTCInstant.format(now)), .text(UTCInstant.format(now.addingTimeInterval(-policy.duration)))])
            if let until = try Self.lock(sql, loginHash: loginHash, now: now) { return .locked(until: until) }
            var failure = try WebSignInFailure.fetch(sql, loginHash: loginHash)
            if failure?.lockedUntil != nil { failure = nil }  // a lockout that ended: count afresh
            if let signIn {
                try WebSignInFailure.delete(sql, loginHash: loginHash)
                try sql.query(
                    "DELETE FROM web_sign_in WHERE last_seen_at < ?", [.text(UTCInstant.format(now.addingTimeInterval(-idleTimeout)))])
                try sql.query(
                    "INSERT INTO web_sign_in (\(WebSignIn.columns)) VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(signIn.tokenHash), .text(signIn.idnatPS), .text(signIn.csrfToken), .text(signIn.createdAt),
                        .text(signIn.lastSeenAt),
                    ])
                return .signedIn
            }
            var counted = failure ?? WebSignInFailure(loginHash: loginHash, failures: 0, lastFailedAt: "", lockedUntil: nil)
            if let until = try counted.countFailure(sql, now: now, policy: policy) { return .locked(until: until) }
            return .failed(remaining: policy.threshold - counted.failures)
        }
    }

    /// The signed-in account of a session token's hash, its idle time checked and its last
    /// request moved to `now`, in one transaction. A sign-in idle longer than `idleTimeout`, or
    /// whose account is disabled, is deleted and `nil` returned.
    ///
    /// - Parameters:
    ///   - tokenHash: SHA-256 of the cookie's token, lowercase hexadecimal.
    ///   - now: the request's instant.
    ///   - idleTimeout: the longest time between two requests, in seconds.
    /// - Returns: the sign-in (its `lastSeenAt` now `now`) and its account, or `nil`.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func touch(tokenHash: String, now: Date, idleTimeout: TimeInterval) throws -> (WebSignIn, WebAccount)? {
        try database.write { sql in
            guard
                var signIn = try sql.query("SELECT \(WebSignIn.columns) FROM web_sign_in WHERE token_hash = ?", [.text(tokenHash)])
                    .first.map(WebSignIn.init(row:))
            else { return nil }
            let lastSeen = UTCInstant.parse(signIn.lastSeenAt) ?? .distantPast
            guard let account = try Self.account(sql, signIn.idnatPS), !account.disabled, now.timeIntervalSince(lastSeen) <= idleTimeout
            else {
                try sql.query("DELETE FROM web_sign_in WHERE token_hash = ?", [.text(tokenHash)])
                return nil
            }
            signIn.lastSeenAt = UTCInstant.format(now)
            try sql.query("UPDATE web_sign_in SET last_seen_at = ? WHERE token_hash = ?", [.text(signIn.lastSeenAt), .text(tokenHash)])
            return (signIn, account)
        }
    }

    /// Ends a sign-in session (signing out); nothing when there is none.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func endSignIn(tokenHash: String) throws {
        try database.write { sql in _ = try sql.query("DELETE FROM web_sign_in WHERE token_hash = ?", [.text(tokenHash)]) }
    }

    /// The number of stored failure counters (for tests and the administrator).
    /// - Throws: `AccordError` (`busy`, `io`).
    public func failureCounterCount() throws -> Int {
        try database.read { sql in try Self.count(sql, "web_sign_in_failure") }
    }

    /// The number of stored sign-in sessions (for tests and the administrator).
    /// - Throws: `AccordError` (`busy`, `io`).
    public func signInCount() throws -> Int {
        try database.read { sql in try Self.count(sql, "web_sign_in") }
    }

    // MARK: - Statements

    /// Until when `loginHash` is locked out at `now`, or `nil`.
    static func lock(_ sql: any WebSQL, loginHash: String, now: Date) throws -> Date? {
        guard let failure = try WebSignInFailure.fetch(sql, loginHash: loginHash),
            let until = failure.lockedUntil.flatMap(UTCInstant.parse), until > now
        else { return nil }
        return until
    }

    static func account(_ sql: any WebSQL, _ idnatPS: String) throws -> WebAccount? {
        try sql.query("SELECT \(WebAccount.columns) FROM web_user WHERE idnat_ps = ?", [.text(idnatPS)]).first.map(WebAccount.init(row:))
    }

    /// Every account, by IdNat_PS (`accord db copy` carries them).
    package static func accounts(_ sql: any WebSQL) throws -> [WebAccount] {
        try sql.query("SELECT \(WebAccount.columns) FROM web_user ORDER BY idnat_ps", []).map(WebAccount.init(row:))
    }

    /// Inserts `account` as it is (`accord db copy` carries accounts through it).
    package static func insert(_ account: WebAccount, _ sql: any WebSQL) throws {
        try sql.query(
            "INSERT INTO web_user (\(WebAccount.columns)) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(account.idnatPS), .text(account.name), .text(account.passwordHash), .flag(account.disabled), .text(account.createdAt),
                .of(account.disabledAt),
            ])
    }

    static func count(_ sql: any WebSQL, _ table: String) throws -> Int {
        Int(try sql.query("SELECT COUNT(*) FROM \(table)", []).first?.first?.integer ?? 0)
    }
}

extension WebAccount {
    /// The columns of `web_user`, in the table's order, for a statement.
    static let columns = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// An account from a row of ``columns``.
    init(row: [SQLValue]) {
        self.idnatPS = row[0].text ?? ""
        self.name = row[1].text ?? ""
        self.passwordHash = row[2].text ?? ""
        self.disabled = (row[3].integer ?? 0) != 0
        self.createdAt = row[4].text ?? ""
        self.disabledAt = row[5].text
    }
}

extension WebSignIn {
    /// The columns of `web_sign_in`, in the table's order, for a statement.
    static let columns = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// A sign-in from a row of ``columns``.
    init(row: [SQLValue]) {
        self.tokenHash = row[0].text ?? ""
        self.idnatPS = row[1].text ?? ""
        self.csrfToken = row[2].text ?? ""
        self.createdAt = row[3].text ?? ""
        self.lastSeenAt = row[4].text ?? ""
    }
}

extension ConsultationStore: WebStores {
    /// The web interface's accounts and sign-ins, in this store's database.
    public var webAccounts: WebAccountStore { WebAccountStore(database: SQLiteWebDatabase(writer: writer)) }
}
