import AccordCore
import Foundation
import GRDB

/// One hand-over of a session to the patient's screen: one row of `web_patient_screen`.
///
/// The clinician gets a link holding a long random token and a short code the patient may
/// type; the browser that opens either gets a patient cookie. The table holds only the SHA-256
/// of each (``codeHash``, ``shortCodeHash``, ``cookieHash``). A hand-over reaches one session,
/// until ``expiresAt`` or until the clinician ends it (``revokedAt``).
public struct PatientScreen: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "web_patient_screen"

    /// The SHA-256 of the link's token, lowercase hexadecimal (64 characters).
    public var codeHash: String
    /// The SHA-256 of the short code (as typed in capitals).
    public var shortCodeHash: String
    /// The SHA-256 of the patient cookie's token once a browser has opened the screen, or `nil`;
    /// the last browser to open it holds the screen.
    public var cookieHash: String?
    /// The CSRF token of the patient's forms (random, URL-safe base64).
    public var csrfToken: String
    /// The number of the session handed over (`12` for `S12`).
    public var sessionNumber: Int64
    /// The IdNat_PS of the clinician who handed it over: they author what the patient records.
    public var issuedBy: String
    /// When it was handed over (UTC instant, `2026-03-02T09:30:00Z`).
    public var createdAt: String
    /// When it stops working (UTC instant).
    public var expiresAt: String
    /// When the clinician ended it (UTC instant), or `nil`.
    public var revokedAt: String?

    /// The session handed over.
    public var session: SessionID { SessionID(number: sessionNumber) }

    /// The columns of `web_patient_screen`, in the table's order.
    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case codeHash = "code_hash"
        case shortCodeHash = "short_code_hash"
        case cookieHash = "cookie_hash"
        case csrfToken = "csrf_token"
        case sessionNumber = "session_number"
        case issuedBy = "issued_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    /// A hand-over made at `now`, working for `lifetime` seconds.
    public init(
        codeHash: String, shortCodeHash: String, csrfToken: String, session: SessionID, issuedBy: String, now: Date,
        lifetime: TimeInterval
    ) {
        self.codeHash = codeHash
        self.shortCodeHash = shortCodeHash
        self.cookieHash = nil
        self.csrfToken = csrfToken
        self.sessionNumber = session.number
        self.issuedBy = issuedBy
        self.createdAt = UTCInstant.format(now)
        self.expiresAt = UTCInstant.format(now.addingTimeInterval(lifetime))
        self.revokedAt = nil
    }

    /// Whether it still works at `now`: not ended, not expired.
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (UTCInstant.parse(expiresAt).map { now < $0 } ?? false)
    }
}

/// What typing a short code came to (``PatientScreenStore/openWithShortCode(_:cookieHash:now:policy:)``).
public enum ShortCodeOutcome: Sendable, Hashable {
    /// The screen is open: the cookie's hash was stored.
    case opened(PatientScreen)
    /// No working hand-over has this code; the failure was counted.
    case failed
    /// Short codes are refused until this UTC instant (too many wrong codes).
    case locked(until: Date)
}

/// The hand-overs of sessions to the patient's screen, in the same database as the record
/// (SQLite or PostgreSQL) but outside its event chain.
///
/// Every method is one transaction, with the same statements and rules on both backends
/// (``WebDatabase``); instants come from the caller's clock and are stored as UTC instants.
/// Wrong short codes are counted together, whoever types them (one row of
/// `web_sign_in_failure` under a fixed key): past the policy's threshold every short code is
/// refused for its duration, which bounds guessing whatever the number of browsers; links
/// (256-bit tokens) stay usable.
public struct PatientScreenStore: Sendable {
    let database: any WebDatabase

    /// The hand-overs of `database`.
    package init(database: any WebDatabase) { self.database = database }

    /// The key under which wrong short codes are counted in `web_sign_in_failure` (no SHA-256
    /// of an identifier has this shape).
    static let failureKey = "patient-screen-short-code"

    /// Stores a new hand-over.
    /// - Throws: `AccordError` (`conflict`) when its token or short code is taken already (draw
    ///   new ones); `busy`, `io`.
    public func issue(_ screen: PatientScreen) throws {
        try database.write { sql in
            let taken = try sql.query(
                "SELECT 1 FROM web_patient_screen WHERE short_code_hash = ? OR code_hash = ?",
                [.text(screen.shortCodeHash), .text(screen.codeHash)])
            if !taken.isEmpty {
                throw AccordError(.conflict, "this patient-screen code is taken already; nothing was recorded. Hand the screen over again.")
            }
            try sql.query(
                "INSERT INTO web_patient_screen (\(PatientScreen.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(screen.codeHash), .text(screen.shortCodeHash), .of(screen.cookieHash), .text(screen.csrfToken),
                    .integer(screen.sessionNumber), .text(screen.issuedBy), .text(screen.createdAt), .text(screen.expiresAt),
                    .of(screen.revokedAt),
                ])
        }
    }

    /// Opens the screen of a link: stores the new patient cookie's hash on the hand-over whose
    /// token hashes to `codeHash`, when it still works at `now`.
    /// - Returns: the hand-over, or `nil` when there is none working.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func openWithLink(codeHash: String, cookieHash: String, now: Date) throws -> PatientScreen? {
        try database.write { sql in
            guard var screen = try Self.screen(sql, where: "code_hash", is: codeHash), screen.isActive(at: now) else { return nil }
            try Self.give(&screen, cookieHash: cookieHash, sql)
            return screen
        }
    }

    /// Opens the screen of a typed short code, in one transaction: refused while short codes
    /// are locked out; a code that fits no working hand-over is counted as a failure (locking
    /// short codes out at the policy's threshold); one that fits gets the cookie's hash and
    /// the failures are forgotten.
    /// - Parameters:
    ///   - shortCodeHash: SHA-256 of the code typed (in capitals, spaces removed).
    ///   - cookieHash: SHA-256 of the new patient cookie's token.
    ///   - now: the instant of the attempt.
    ///   - policy: how many wrong codes lock short codes out, and for how long.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func openWithShortCode(
        _ shortCodeHash: String, cookieHash: String, now: Date, policy: SignInLockoutPolicy
    ) throws -> ShortCodeOutcome {
        try database.write { sql in
            if let until = try WebAccountStore.lock(sql, loginHash: Self.failureKey, now: now) { return .locked(until: until) }
            if var screen = try Self.screen(sql, where: "short_code_hash", is: shortCodeHash), screen.isActive(at: now) {
                try WebSignInFailure.delete(sql, loginHash: Self.failureKey)
                try Self.give(&screen, cookieHash: cookieHash, sql)
                return .opened(screen)
            }
            var failure =
                try WebSignInFailure.fetch(sql, loginHash: Self.failureKey)
                ?? WebSignInFailure(loginHash: Self.failureKey, failures: 0, lastFailedAt: "", lockedUntil: nil)
            if failure.lockedUntil != nil { failure.failures = 0 }  // a lockout that ended: count afresh
            failure.lockedUntil = nil
            if let until = try failure.countFailure(sql, now: now, policy: policy) { return .locked(until: until) }
            return .failed
        }
    }

    /// The working hand-over whose patient cookie hashes to `cookieHash` at `now`, or `nil`.
    /// - Throws: `AccordError` (`busy`, `io`).
    public func screen(cookieHash: String, now: Date) throws -> PatientScreen? {
        try database.read { sql in
            guard let screen = try Self.screen(sql, where: "cookie_hash", is: cookieHash), screen.isActive(at: now) else { return nil }
            return screen
        }
    }

    /// Ends every working hand-over of `session` at `now`.
    /// - Returns: how many were ended.
    /// - Throws: `AccordError` (`busy`, `io`).
    @discardableResult
    public func end(session: SessionID, now: Date) throws -> Int {
        try database.write { sql in
            let instant = UTCInstant.format(now)
            let selection = "session_number = ? AND revoked_at IS NULL AND expires_at > ?"
            let values: [SQLValue] = [.integer(session.number), .text(instant)]
            let count = try sql.query("SELECT COUNT(*) FROM web_patient_screen WHERE \(selection)", values).first?.first?.integer ?? 0
            try sql.query("UPDATE web_patient_screen SET revoked_at = ? WHERE \(selection)", [.text(instant)] + values)
            return Int(count)
        }
    }

    /// Every hand-over of `session`, oldest first (for tests and the administrator).
    /// - Throws: `AccordError` (`busy`, `io`).
    public func screens(of session: SessionID) throws -> [PatientScreen] {
        try database.read { sql in
            try sql.query(
                "SELECT \(PatientScreen.columns) FROM web_patient_screen WHERE session_number = ? ORDER BY created_at, code_hash",
                [.integer(session.number)]
            ).map(PatientScreen.init(row:))
        }
    }

    // MARK: - Statements

    /// The hand-over whose `column` (a unique one) is `value`, or `nil`.
    static func screen(_ sql: any WebSQL, where column: String, is value: String) throws -> PatientScreen? {
        try sql.query("SELECT \(PatientScreen.columns) FROM web_patient_screen WHERE \(column) = ?", [.text(value)]).first.map(
            PatientScreen.init(row:))
    }

    /// Stores the patient cookie's hash on `screen`.
    static func give(_ screen: inout PatientScreen, cookieHash: String, _ sql: any WebSQL) throws {
        screen.cookieHash = cookieHash
        try sql.query("UPDATE web_patient_screen SET cookie_hash = ? WHERE code_hash = ?", [.text(cookieHash), .text(screen.codeHash)])
    }
}

extension PatientScreen {
    /// The columns of `web_patient_screen`, in the table's order, for a statement.
    static let columns = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// A hand-over from a row of ``columns``.
    init(row: [SQLValue]) {
        self.codeHash = row[0].text ?? ""
        self.shortCodeHash = row[1].text ?? ""
        self.cookieHash = row[2].text
        self.csrfToken = row[3].text ?? ""
        self.sessionNumber = row[4].integer ?? 0
        self.issuedBy = row[5].text ?? ""
        self.createdAt = row[6].text ?? ""
        self.expiresAt = row[7].text ?? ""
        self.revokedAt = row[8].text
    }
}

extension ConsultationStore {
    /// The hand-overs of sessions to the patient's screen, in this store's database.
    public var patientScreens: PatientScreenStore { PatientScreenStore(database: SQLiteWebDatabase(writer: writer)) }
}
