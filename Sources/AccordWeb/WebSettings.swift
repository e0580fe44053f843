import AccordService
import AccordStore
import Foundation

/// The security settings of the web interface.
public struct WebSettings: Sendable, Hashable {
    /// The longest time between two requests of a sign-in, in seconds (1800 s, 30 minutes, by
    /// default); after it the clinician signs in again.
    public var idleTimeout: TimeInterval
    /// Failed sign-ins in a row that lock an identifier out, and for how long (5, 15 minutes).
    public var lockout: SignInLockoutPolicy
    /// Whether cookies carry `Secure`: set when the server speaks TLS, or by `accord serve
    /// --secure-cookies` behind a reverse proxy that terminates TLS.
    public var secureCookies: Bool
    /// The language of pages when the browser's `Accept-Language` names neither French nor
    /// English (`accord serve` gives the one `ACCORD_LANG` names; French by default).
    public var language: Messages.Language

    /// The settings; 30 minutes idle, 5 failures lock out for 15 minutes, cookies not `Secure`,
    /// French.
    public init(
        idleTimeout: TimeInterval = 1800, lockout: SignInLockoutPolicy = SignInLockoutPolicy(), secureCookies: Bool = false,
        language: Messages.Language = .french
    ) {
        self.language = language
        self.idleTimeout = idleTimeout
        self.lockout = lockout
        self.secureCookies = secureCookies
    }
}
