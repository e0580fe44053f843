import AccordCore
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
    /// How long a hand-over to the patient's screen works, in seconds (7200 s, 2 hours, by
    /// default), unless the clinician ends it sooner.
    public var patientScreenLifetime: TimeInterval
    /// Wrong short codes typed at `/patient`, by anyone, that refuse every short code, and for
    /// how long (10, 15 minutes); links keep working.
    public var patientScreenLockout: SignInLockoutPolicy
    /// The items' wording the centre supplies (`ACCORD_INSTRUMENT_WORDING`), or `nil`: the
    /// patient's questionnaires then show item numbers and short labels of Accord's own.
    public var instrumentWording: InstrumentWording?

    /// The settings; 30 minutes idle, 5 failures lock out for 15 minutes, cookies not `Secure`,
    /// French, patient's screen for 2 hours, 10 wrong short codes lock them out for 15 minutes,
    /// no item wording.
    public init(
        idleTimeout: TimeInterval = 1800, lockout: SignInLockoutPolicy = SignInLockoutPolicy(), secureCookies: Bool = false,
        language: Messages.Language = .french, patientScreenLifetime: TimeInterval = 7200,
        patientScreenLockout: SignInLockoutPolicy = SignInLockoutPolicy(threshold: 10, duration: 900),
        instrumentWording: InstrumentWording? = nil
    ) {
        self.language = language
        self.patientScreenLifetime = patientScreenLifetime
        self.patientScreenLockout = patientScreenLockout
        self.instrumentWording = instrumentWording
        self.idleTimeout = idleTimeout
        self.lockout = lockout
        self.secureCookies = secureCookies
    }
}
