import AccordCore
import AccordStore
import Foundation

/// A clinician whose identity a sign-in method has proved.
public struct AuthenticatedProfessional: Sendable, Hashable {
    /// How strongly the identity was proved.
    public enum Assurance: String, Sendable, Hashable {
        /// A local account's password (`accord user add`).
        case localPassword = "local-password"
        /// eIDAS level "substantial" (Pro Santé Connect's e-CPS, for instance).
        case eidasSubstantial = "eidas-substantial"
        /// eIDAS level "high" (Pro Santé Connect's CPS card, for instance).
        case eidasHigh = "eidas-high"
    }

    /// The clinician's IdNat_PS: it authors what they record and names them in the access log.
    public var idnatPS: String
    /// How strongly the identity was proved.
    public var assurance: Assurance

    /// A proved identity.
    public init(idnatPS: String, assurance: Assurance) {
        self.idnatPS = idnatPS
        self.assurance = assurance
    }
}

/// A way clinicians prove who they are to the web interface: the seam where sign-in methods
/// plug in.
///
/// What follows a proof is the same whatever the method: the server looks up the enabled
/// account of the IdNat_PS (``AccordStore/WebAccountStore``: an account is still required, so
/// that the centre decides who may use the interface), stores a sign-in session and sets its
/// cookie. Failures are counted per identifier typed by the server, not by the method.
///
/// Today the only method is ``LocalPasswordSignIn``. Pro Santé Connect (PSC, the French
/// health professionals' OpenID Connect provider) would be a second one, with no change to
/// the pages behind sign-in:
/// - its `Credentials` would be the authorization code and `state` of PSC's redirect to the
///   server (authorization code flow with PKCE, `state` and `nonce` tied to the browser by a
///   cookie like ``WebServer/signInFormCookie``);
/// - `authenticate` would exchange the code at PSC's token endpoint, check the ID token's
///   signature (PSC's published keys), issuer, audience, expiry and nonce, and read the
///   IdNat_PS from the `SubjectNameID` claim of the UserInfo answer (`preferred_username`
///   holds it too), checked with `IdentifierCheck.idNatPS`;
/// - it would map the `acr` claim (`eidas2` for substantial, `eidas3` for high) to
///   ``AuthenticatedProfessional/Assurance`` and refuse a lower level than the centre requires;
/// - it would return `nil` for any proof that fails, never saying why to the browser.
public protocol ProfessionalAuthenticator: Sendable {
    /// What the clinician hands over (a form's fields, an OpenID Connect redirect's code).
    associatedtype Credentials: Sendable

    /// The clinician the credentials prove, or `nil` when they prove nobody (wrong password,
    /// no account, disabled account). The answer and its time must not say which.
    /// - Throws: `AccordError` (`busy`, `io`) when the accounts cannot be read.
    func authenticate(_ credentials: Credentials) async throws -> AuthenticatedProfessional?
}

/// The identifier and password typed on the sign-in form.
public struct PasswordCredentials: Sendable {
    /// The IdNat_PS typed (whitespace around it already removed).
    public var identifier: String
    /// The password typed.
    public var password: String

    /// The form's fields.
    public init(identifier: String, password: String) {
        self.identifier = identifier
        self.password = password
    }
}

/// Sign-in with a local account's password (`accord user add`), checked against its bcrypt
/// hash.
public struct LocalPasswordSignIn: ProfessionalAuthenticator {
    /// The accounts.
    public let accounts: WebAccountStore

    /// The method over `accounts`.
    public init(accounts: WebAccountStore) { self.accounts = accounts }

    /// The enabled account's holder when the password fits its hash; `nil` otherwise.
    ///
    /// The password is checked even without an account (against a hash no password fits), so
    /// that the answer and its time say nothing of whether the identifier has one.
    /// - Throws: `AccordError` (`busy`, `io`) when the accounts cannot be read.
    public func authenticate(_ credentials: PasswordCredentials) async throws -> AuthenticatedProfessional? {
        let account = IdentifierCheck.idNatPS(credentials.identifier) == nil ? try accounts.account(credentials.identifier) : nil
        let fits = await WebPasswords.verifyOffThePool(credentials.password, hash: account?.passwordHash ?? WebPasswords.decoy)
        guard fits, let account, !account.disabled else { return nil }
        return AuthenticatedProfessional(idnatPS: account.idnatPS, assurance: .localPassword)
    }
}
