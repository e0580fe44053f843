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
    mutating func countFailure(_ db: Database, now: Date, policy: SignInLockoutPolicy) throws -> Date? {
        failures += 1
        lastFailedAt = UTCInstant.format(now)
        var until: Date?
        if failures >= policy.threshold {
            until = now.addingTimeInterval(policy.duration)
            lockedUntil = until.map(UTCInstant.format)
        }
        try save(db)
        return until
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

/// The web interface's accounts, sign-in sessions and failure counters, in the same SQLite
/// database as the record but outside its event chain.
///
/// Every method is one transaction. Instants are given by the caller (its clock), so that
/// tests can move time forward; they are stored as UTC instants (`2026-03-02T09:30:00Z`).
public struct WebAccountStore: Sendable {
    let writer: any DatabaseWriter

    // MARK: - Accounts

    /// Adds an account.
    /// - Throws: `AccordError` (`conflict`) when an account has this IdNat_PS already; `busy`, `io`.
    public func add(_ account: WebAccount) throws {
        try write { db in
            if try WebAccount.exists(db, key: account.idnatPS) {
                throw AccordError(
                    .conflict, "an account has this IdNat_PS already; nothing was recorded (`accord user list` shows the accounts).",
                    field: "--id")
            }
            try account.insert(db)
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
        try write { db in
            guard var account = try WebAccount.fetchOne(db, key: idnatPS) else {
                throw AccordError(.notFound, "no account has this IdNat_PS; `accord user list` shows the accounts.", field: "IDNAT_PS")
            }
            if !account.disabled {
                account.disabled = true
                account.disabledAt = UTCInstant.format(now)
                try account.update(db)
            }
            try WebSignIn.filter(WebSignIn.CodingKeys.idnatPS == idnatPS).deleteAll(db)
            // The patient's screens the clinician handed over end too: nothing more is recorded
            // under a disabled account's name.
            try db.execute(
                sql: "UPDATE web_patient_screen SET revoked_at = ? WHERE issued_by = ? AND revoked_at IS NULL",
                arguments: [UTCInstant.format(now), idnatPS])
        }
    }

    /// Every account, by IdNat_PS.
    public func accounts() throws -> [WebAccount] {
        try read { db in try WebAccount.order(WebAccount.CodingKeys.idnatPS).fetchAll(db) }
    }

    /// The account with this IdNat_PS, or `nil`.
    public func account(_ idnatPS: String) throws -> WebAccount? {
        try read { db in try WebAccount.fetchOne(db, key: idnatPS) }
    }

    // MARK: - Sign-in

    /// Until when the identifier whose SHA-256 is `loginHash` is locked out, or `nil` when it
    /// may try now.
    public func lockedUntil(loginHash: String, now: Date) throws -> Date? {
        try read { db in try Self.lock(db, loginHash: loginHash, now: now) }
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
        try write { db in
            let nowText = UTCInstant.format(now)
            // Instants are stored in one fixed shape, so text order is time order.
            try WebSignInFailure
                .filter(WebSignInFailure.CodingKeys.lockedUntil <= nowText)
                .filter(WebSignInFailure.CodingKeys.lastFailedAt < UTCInstant.format(now.addingTimeInterval(-policy.duration)))
                .deleteAll(db)
            if let until = try Self.lock(db, loginHash: loginHash, now: now) { return .locked(until: until) }
            var failure = try WebSignInFailure.fetchOne(db, key: loginHash)
            if failure?.lockedUntil != nil { failure = nil }  // a lockout that ended: count afresh
            if let signIn {
                try WebSignInFailure.deleteOne(db, key: loginHash)
                // Instants are stored in one fixed shape, so text order is time order.
                try WebSignIn.filter(WebSignIn.CodingKeys.lastSeenAt < UTCInstant.format(now.addingTimeInterval(-idleTimeout)))
                    .deleteAll(db)
                try signIn.insert(db)
                return .signedIn
            }
            var counted = failure ?? WebSignInFailure(loginHash: loginHash, failures: 0, lastFailedAt: "", lockedUntil: nil)
            if let until = try counted.countFailure(db, now: now, policy: policy) { return .locked(until: until) }
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
        try write { db in
            guard var signIn = try WebSignIn.fetchOne(db, key: tokenHash) else { return nil }
            let lastSeen = UTCInstant.parse(signIn.lastSeenAt) ?? .distantPast
            guard let account = try WebAccount.fetchOne(db, key: signIn.idnatPS), !account.disabled,
                now.timeIntervalSince(lastSeen) <= idleTimeout
            else {
                try signIn.delete(db)
                return nil
            }
            signIn.lastSeenAt = UTCInstant.format(now)
            try signIn.update(db)
            return (signIn, account)
        }
    }

    /// Ends a sign-in session (signing out); nothing when there is none.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func endSignIn(tokenHash: String) throws {
        try write { db in _ = try WebSignIn.deleteOne(db, key: tokenHash) }
    }

    /// The number of stored failure counters (for tests and the administrator).
    /// - Throws: `AccordError` (`busy`, `io`).
    public func failureCounterCount() throws -> Int {
        try read { db in try WebSignInFailure.fetchCount(db) }
    }

    /// The number of stored sign-in sessions (for tests and the administrator).
    public func signInCount() throws -> Int {
        try read { db in try WebSignIn.fetchCount(db) }
    }

    // MARK: - Transactions

    static func lock(_ db: Database, loginHash: String, now: Date) throws -> Date? {
        guard let failure = try WebSignInFailure.fetchOne(db, key: loginHash),
            let until = failure.lockedUntil.flatMap(UTCInstant.parse), until > now
        else { return nil }
        return until
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T { try StoreErrors.write(writer, body) }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try StoreErrors.read(writer, body) }
}

extension ConsultationStore {
    /// The web interface's accounts and sign-ins, in this store's database.
    public var webAccounts: WebAccountStore { WebAccountStore(writer: writer) }
}
