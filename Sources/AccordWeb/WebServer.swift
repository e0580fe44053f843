import AccordCore
import AccordPostgres
import AccordService
import AccordStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// The web interface of `accord serve`: its routes, sign-in and security, over one database.
///
/// Routes so far:
/// - `GET /`: 302 to `/sessions` when signed in, else to `/connexion`.
/// - `GET /connexion`: the sign-in form; `POST /connexion` signs in (303 to `/sessions`), or
///   shows the form again (401 wrong identifier or password, 429 locked out, 403 without the
///   form's CSRF token).
/// - `POST /deconnexion`: signs out (303 to `/connexion`); 403 without the sign-in's CSRF token.
/// - `GET /sessions`: today's sessions (UTC day): number, start, topic; logged in the access
///   log as a read of each session listed (page `today`).
/// - `GET /style.css`: the style sheet.
/// - the routes of each group of pages: ``addPatientsRoutes(to:)``,
///   ``addConsultationRoutes(to:)``, ``addPatientScreenRoutes(to:)``, ``addAccessRoutes(to:)``.
///
/// Pages speak the browser's language (`Accept-Language`, French or English), else the one
/// ``WebSettings/language`` names, with every string from one ``WebStrings`` catalogue.
///
/// Sign-in: the cookie ``sessionCookie`` holds a random 256-bit token (HttpOnly,
/// SameSite=Strict, Path=/, Secure when ``WebSettings/secureCookies``); the database holds its
/// SHA-256 and the sign-in's CSRF token (``AccordStore/WebAccountStore``). The sign-in form
/// carries its own CSRF token, matched against the cookie ``signInFormCookie`` (double submit).
/// Every POST checks its token before anything else; a refusal (403) changes nothing.
///
/// Nothing personal is logged: no identifier typed, name, password, token or page content.
public struct WebServer: Sendable {
    let accounts: WebAccountStore
    let patientScreens: PatientScreenStore
    let service: AccordService
    let settings: WebSettings
    let now: @Sendable () -> Date
    let logger: Logger
    let pages = WebPages()
    /// The forms that start a session, each started once (``WebOnceForms``).
    let startForms = WebOnceForms<StartedSession>()
    /// The patient's screen's forms, each recorded once (``WebOnceForms``).
    let screenForms = WebOnceForms<Bool>()

    /// The cookie of a sign-in session: `accord_session`.
    public static let sessionCookie = "accord_session"
    /// The cookie that pairs the sign-in form with its browser: `accord_csrf`.
    public static let signInFormCookie = "accord_csrf"
    /// The largest form body read, in bytes (512 KiB): room for the longest free text Accord
    /// takes (a note of 20,000 characters, each up to 12 bytes once UTF-8 and percent-encoded)
    /// with the form's other fields. A larger body answers 413.
    static let maximumFormBytes = 524_288

    /// The server over an open store.
    /// - Parameters:
    ///   - store: the database (record, accounts, patient's screens and access log): an SQLite
    ///     ``AccordStore/ConsultationStore`` or a PostgreSQL `AccordPostgres.PostgresEventStore`.
    ///   - clock: the record's clock.
    ///   - settings: idle timeout, lockout, cookie security.
    ///   - now: the instants of sign-ins and requests (UTC); `clock` when `nil` (tests move it).
    ///   - logger: where the server logs (never personal data).
    public init(
        store: any WebStores, clock: AccordClock, settings: WebSettings, now: (@Sendable () -> Date)? = nil, logger: Logger
    ) {
        self.accounts = store.webAccounts
        self.patientScreens = store.patientScreens
        self.service = AccordService(store: store, clock: clock, logger: logger)
        self.settings = settings
        self.now = now ?? { clock.now() }
        self.logger = logger
    }

    /// Opens the database at `path` and makes its server: an SQLite file (created or migrated
    /// when needed) or, for a `postgres://` URL, a PostgreSQL database made by `accord db init`
    /// (as `AccordService.open(path:clock:keyFile:logger:)` routes it).
    /// - Throws: `AccordError` (`io`) as ``AccordStore/ConsultationStore/open(path:clock:keyFile:busyTimeout:logger:)``
    ///   or `AccordPostgres.PostgresEventStore.open(url:clock:keyFile:busyTimeout:logger:)`
    ///   (`invalidInput` for a malformed URL, `notFound` for a missing database).
    public static func open(
        path: String, clock: AccordClock, keyFile: String?, settings: WebSettings, logger: Logger
    ) throws
        -> WebServer
    {
        WebServer(
            store: try openStore(path: path, clock: clock, keyFile: keyFile, logger: logger), clock: clock, settings: settings,
            logger: logger)
    }

    /// The store at `path`: PostgreSQL for a `postgres://` URL, else SQLite (created or
    /// migrated when needed).
    static func openStore(path: String, clock: AccordClock, keyFile: String?, logger: Logger) throws -> any WebStores {
        if PostgresLocation.isURL(path) {
            return try PostgresEventStore.open(url: path, clock: clock, keyFile: keyFile, logger: logger)
        }
        return try ConsultationStore.open(path: path, clock: clock, keyFile: keyFile, logger: logger)
    }

    // MARK: - Running

    /// Serves until SIGTERM or SIGINT.
    /// - Parameters:
    ///   - listen: the address and port.
    ///   - tls: the certificate and key, or `nil` for plain HTTP (check them first with
    ///     ``TLSFiles/check(listen:certificate:key:)``).
    ///   - onRunning: called once the server listens (`accord serve` says where).
    /// - Throws: `AccordError` (`io`) when a TLS file cannot be read, or the server cannot
    ///   listen or stops on an error.
    public func run(listen: ListenAddress, tls: TLSFiles?, onRunning: @escaping @Sendable () -> Void = {}) async throws {
        var tlsConfiguration: TLSConfiguration?
        if let tls {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            } catch {
                throw AccordError(
                    .io, "cannot be read as a PEM certificate chain; give the server's certificate file.", field: "--tls-cert")
            }
            do {
                key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw AccordError(.io, "cannot be read as a PEM private key; give the key of the certificate.", field: "--tls-key")
            }
            tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        }
        let configuration = ApplicationConfiguration(address: .hostname(listen.host, port: listen.port))
        let application =
            if let tlsConfiguration {
                Application(
                    router: router(), server: try .tls(.http1(), tlsConfiguration: tlsConfiguration), configuration: configuration,
                    onServerRunning: { _ in onRunning() }, logger: logger)
            } else {
                Application(router: router(), configuration: configuration, onServerRunning: { _ in onRunning() }, logger: logger)
            }
        do {
            try await application.runService()
        } catch {
            throw AccordError(
                .io,
                "the server could not listen on \(listen) or stopped on an error (\(type(of: error))); check that no other program uses this port and that the address is this machine's."
            )
        }
    }

    // MARK: - Routes

    /// The routes, behind the security headers.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware(pages: pages, language: settings.language))
        router.get("/") { request, _ -> Response in
            try currentSignIn(request) != nil ? .redirect(to: "/sessions", type: .found) : .redirect(to: "/connexion", type: .found)
        }
        router.get("/style.css") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: WebPages.styleSheet)))
        }
        router.get("/connexion") { request, _ -> Response in
            if try currentSignIn(request) != nil { return .redirect(to: "/sessions", type: .found) }
            return signInPage(message: nil, status: .ok, strings: strings(request))
        }
        router.post("/connexion") { request, _ -> Response in try await signIn(request) }
        router.post("/deconnexion") { request, _ -> Response in
            guard let (signIn, _) = try currentSignIn(request) else { return signedOutRedirect(request) }
            guard try await csrfFits(request, expected: signIn.csrfToken) else { return forbidden(strings(request)) }
            try accounts.endSignIn(tokenHash: signIn.tokenHash)
            logger.info("signed out")
            var response = Response.redirect(to: "/connexion", type: .normal)
            response.setCookie(cookie(Self.sessionCookie, "", expired: true))
            return response
        }
        router.get("/sessions") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            return try todaysSessions(user)
        }
        addPatientsRoutes(to: router)
        addConsultationRoutes(to: router)
        addPatientScreenRoutes(to: router)
        addAccessRoutes(to: router)
        return router
    }

    // MARK: - Sign-in

    /// The signed-in clinician of a request, with the language of its pages.
    struct SignedIn: Sendable {
        /// The sign-in session (its CSRF token is on every form).
        var signIn: WebSignIn
        /// The clinician's account: their IdNat_PS authors what they record.
        var account: WebAccount
        /// The language of the pages.
        var strings: WebStrings

        /// The layout's header: the clinician's name and the sign-out form's CSRF token.
        var header: (name: String, csrf: String) { (account.name, signIn.csrfToken) }
    }

    /// The request's signed-in clinician (``currentSignIn(_:)``), or `nil` when signed out.
    func signedIn(_ request: Request) throws -> SignedIn? {
        guard let (signIn, account) = try currentSignIn(request) else { return nil }
        return SignedIn(signIn: signIn, account: account, strings: strings(request))
    }

    /// The language of a request's pages: the browser's `Accept-Language` when it names French
    /// or English, else ``WebSettings/language`` (from `ACCORD_LANG`, French when unset).
    func strings(_ request: Request) -> WebStrings {
        WebStrings(Messages.language(acceptLanguage: request.headers[.acceptLanguage], fallback: settings.language))
    }

    /// Notes in the access log that the clinician `idnatPS` read session `session` through the
    /// web (issue 17, point 5): called by every page that shows a patient's record, before it
    /// is sent (the patient's screen logs the clinician who handed it over).
    /// - Parameters:
    ///   - page: what was read, a fixed word (`consultation`, `history`, `patient-screen`…).
    /// - Throws: `AccordError` (`busy`, `io`) when the log cannot be written: the page is not
    ///   shown then.
    func logRead(of session: SessionID, by idnatPS: String, page: String) throws {
        try logReads(of: [session], by: idnatPS, page: page)
    }

    /// The sign-in of the request's `accord_session` cookie, its idle time checked and renewed;
    /// `nil` when signed out.
    func currentSignIn(_ request: Request) throws -> (WebSignIn, WebAccount)? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else { return nil }
        return try accounts.touch(tokenHash: WebTokens.sha256(token), now: now(), idleTimeout: settings.idleTimeout)
    }

    /// 302 to the sign-in page, removing a session cookie that no longer signs in.
    func signedOutRedirect(_ request: Request) -> Response {
        var response = Response.redirect(to: "/connexion", type: .found)
        if request.cookies[Self.sessionCookie] != nil { response.setCookie(cookie(Self.sessionCookie, "", expired: true)) }
        return response
    }

    func signIn(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], let expected = request.cookies[Self.signInFormCookie]?.value, !expected.isEmpty,
            WebTokens.equal(sent, expected)
        else { return forbidden(strings(request)) }
        let strings = strings(request)
        let id = (form["id"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let loginHash = WebTokens.sha256(id)
        let instant = now()
        if try accounts.lockedUntil(loginHash: loginHash, now: instant) != nil {
            logger.info("sign-in refused: locked out")
            return signInPage(message: strings["lockedOut"], status: .tooManyRequests, strings: strings)
        }
        let professional = try await LocalPasswordSignIn(accounts: accounts).authenticate(
            PasswordCredentials(identifier: id, password: password))
        var token: String?
        var signIn: WebSignIn?
        if let professional {
            let newToken = WebTokens.make()
            token = newToken
            signIn = WebSignIn(
                tokenHash: WebTokens.sha256(newToken), idnatPS: professional.idnatPS, csrfToken: WebTokens.make(), now: instant)
        }
        switch try accounts.finishSignIn(
            loginHash: loginHash, signIn: signIn, now: instant, policy: settings.lockout, idleTimeout: settings.idleTimeout)
        {
        case .signedIn:
            logger.info("signed in")
            var response = Response.redirect(to: "/sessions", type: .normal)
            response.setCookie(cookie(Self.sessionCookie, token ?? ""))
            response.setCookie(cookie(Self.signInFormCookie, "", expired: true))
            return response
        case .failed:
            logger.info("sign-in failed")
            return signInPage(message: strings["signInFailed"], status: .unauthorized, strings: strings)
        case .locked:
            logger.info("sign-in refused: locked out")
            return signInPage(message: strings["lockedOut"], status: .tooManyRequests, strings: strings)
        }
    }

    /// Whether the form's `csrf` field equals `expected`.
    func csrfFits(_ request: Request, expected: String) async throws -> Bool {
        guard let sent = try await Self.form(request)["csrf"] else { return false }
        return WebTokens.equal(sent, expected)
    }

    // MARK: - Pages

    /// The sign-in form with a fresh CSRF token, also set as the `accord_csrf` cookie.
    func signInPage(message: String?, status: HTTPResponse.Status, strings: WebStrings) -> Response {
        let token = WebTokens.make()
        var context: [String: Any] = ["csrf": token]
        if let message { context["message"] = message }
        var response = Self.page(
            pages.render("signin", title: strings["signInTitle"], context: context, header: nil, strings: strings), status: status)
        response.setCookie(cookie(Self.signInFormCookie, token))
        return response
    }

    func todaysSessions(_ user: SignedIn) throws -> Response {
        let today = CalendarDate(utcDayOf: now())
        let sessions = try service.sessions(matching: SessionQuery(from: today, to: today))
        try logReads(of: sessions.map { SessionID(number: $0.number) }, by: user.account.idnatPS, page: "today")
        let rows: [[String: Any]] = sessions.map { session in
            let start = session.startedAt.dropFirst(11).prefix(5)
            return ["number": String(session.number), "start": String(start), "topic": session.topic]
        }
        let context: [String: Any] = ["hasSessions": !rows.isEmpty, "sessions": rows]
        return Self.page(
            pages.render("sessions", title: user.strings["sessionsTitle"], context: context, header: user.header, strings: user.strings),
            status: .ok)
    }

    /// 403: a POST without its CSRF token or with a wrong one; nothing was changed.
    func forbidden(_ strings: WebStrings) -> Response {
        logger.info("request refused: CSRF token missing or wrong")
        return Self.page(
            pages.render(
                "message", title: strings["forbiddenTitle"], context: ["message": strings["forbidden"]], header: nil, strings: strings),
            status: .forbidden)
    }

    /// A cookie of this server: HttpOnly, SameSite=Strict, Path=/, Secure over TLS; `expired`
    /// asks the browser to delete it (Max-Age=0).
    func cookie(_ name: String, _ value: String, expired: Bool = false) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: expired ? 0 : nil, path: "/", secure: settings.secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    /// An HTML page.
    static func page(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The fields of an `application/x-www-form-urlencoded` body (the first value of a field
    /// given twice).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: maximumFormBytes)
        return parseForm(String(buffer: buffer))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { continue }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }
}
