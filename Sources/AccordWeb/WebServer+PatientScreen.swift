import AccordCore
import AccordStore
import Foundation
import Hummingbird

extension WebServer {
    /// The patient's screen and its instruments: routes.
    ///
    /// The clinician's side (signed in, CSRF):
    /// - `POST /sessions/{id}/ecran-patient`: hands session `id` over to the patient's screen for
    ///   ``WebSettings/patientScreenLifetime`` (2 hours by default); 200, a page showing the link
    ///   `/patient/{token}` (256-bit token) and an 8-character short code.
    /// - `POST /sessions/{id}/ecran-patient/fin`: ends every working hand-over of the session;
    ///   303 to `/sessions/{id}`.
    ///
    /// The patient's side, under `/patient` only, with its own layout and no link out:
    /// - `GET /patient/{token}`, or `GET /patient` then `POST /patient` with the short code: sets
    ///   the cookie ``patientCookie`` (HttpOnly, SameSite=Strict, Path=/patient) tied to that
    ///   hand-over, 303 to `/patient/options`. Wrong short codes are counted together and lock
    ///   short codes out (``WebSettings/patientScreenLockout``, 429).
    /// - `GET /patient/options`: the options side by side; `GET|POST /patient/ce-qui-compte`:
    ///   what matters to the patient (`preferenceAdded`); `GET /patient/questionnaires` and
    ///   `GET|POST /patient/questionnaires/{instrument}`: SDM-Q-9, CollaboRATE, SURE, CPS, DCS
    ///   answered by the patient (`instrumentRecorded`, respondent `patient`); `GET
    ///   /patient/resume`: the printable summary.
    ///
    /// What the patient records is authored by the clinician who handed the screen over. The
    /// patient cookie opens nothing outside `/patient`, and only its own session.
    func addPatientScreenRoutes(to router: Router<BasicRequestContext>) {
        router.post("/sessions/:session/ecran-patient") { request, context -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            guard try await csrfFits(request, expected: user.signIn.csrfToken) else { return forbidden(user.strings) }
            guard let session = try knownSession(context) else { return patientScreenNotFound(user.strings, header: user.header) }
            return try handOver(session, user: user)
        }
        router.post("/sessions/:session/ecran-patient/fin") { request, context -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            guard try await csrfFits(request, expected: user.signIn.csrfToken) else { return forbidden(user.strings) }
            guard let session = try knownSession(context) else { return patientScreenNotFound(user.strings, header: user.header) }
            try patientScreens.end(session: session, now: now())
            logger.info("patient screen ended")
            return .redirect(to: "/sessions/\(session)", type: .normal)
        }

        router.get("/patient") { request, _ -> Response in
            shortCodeForm(strings(request), message: nil, status: .ok)
        }
        router.post("/patient") { request, _ -> Response in try await openWithShortCode(request) }
        router.get("/patient/options") { request, _ -> Response in
            try withPatientScreen(request) { screen, strings in try patientOptions(screen, strings: strings) }
        }
        router.get("/patient/ce-qui-compte") { request, _ -> Response in
            try withPatientScreen(request) { screen, strings in
                try patientPreferenceForm(screen, strings: strings, typed: ("", ""), message: nil, status: .ok)
            }
        }
        router.post("/patient/ce-qui-compte") { request, _ -> Response in
            let form = try await Self.form(request)
            return try withPatientScreen(request) { screen, strings in
                guard let sent = form["csrf"], WebTokens.equal(sent, screen.csrfToken) else { return patientForbidden(strings) }
                return try recordPatientPreference(screen, form: form, strings: strings)
            }
        }
        router.get("/patient/questionnaires") { request, _ -> Response in
            try withPatientScreen(request) { screen, strings in try patientQuestionnaires(screen, strings: strings) }
        }
        router.get("/patient/questionnaires/:instrument") { request, context -> Response in
            try withPatientScreen(request) { screen, strings in
                guard let instrument = Self.patientInstrument(context) else { return patientNotFound(strings) }
                return try patientQuestionnaire(screen, instrument: instrument, strings: strings, typed: [:], message: nil, status: .ok)
            }
        }
        router.post("/patient/questionnaires/:instrument") { request, context -> Response in
            let form = try await Self.form(request)
            return try withPatientScreen(request) { screen, strings in
                guard let sent = form["csrf"], WebTokens.equal(sent, screen.csrfToken) else { return patientForbidden(strings) }
                guard let instrument = Self.patientInstrument(context) else { return patientNotFound(strings) }
                return try recordPatientAnswers(screen, instrument: instrument, form: form, strings: strings)
            }
        }
        router.get("/patient/resume") { request, _ -> Response in
            try withPatientScreen(request) { screen, strings in try patientSummary(screen, strings: strings) }
        }
        router.get("/patient/:token") { request, context -> Response in
            let strings = strings(request)
            let token = context.parameters.get("token") ?? ""
            let cookieToken = WebTokens.make()
            guard !token.isEmpty,
                try patientScreens.openWithLink(
                    codeHash: WebTokens.sha256(token), cookieHash: WebTokens.sha256(cookieToken), now: now()) != nil
            else {
                logger.info("patient screen refused: link unknown, ended or expired")
                return shortCodeForm(strings, message: strings["patientScreenLinkInvalid"], status: .notFound)
            }
            logger.info("patient screen opened by link")
            var response = Response.redirect(to: "/patient/options", type: .normal)
            response.setCookie(patientCookieValue(Self.patientCookie, cookieToken))
            return response
        }
    }

    // MARK: - Handing over

    /// The session of the route's `:session`, when it is a session id of a session that
    /// exists; `nil` otherwise (404).
    func knownSession(_ context: BasicRequestContext) throws -> SessionID? {
        guard let text = context.parameters.get("session"), let id = SessionID(text) else { return nil }
        do {
            _ = try service.consultation(id)
            return id
        } catch let error as AccordError where error.code == .notFound {
            return nil
        }
    }

    func handOver(_ session: SessionID, user: SignedIn) throws -> Response {
        let token = WebTokens.make()
        let shortCode = PatientScreenCode.make()
        let instant = now()
        let screen = PatientScreen(
            codeHash: WebTokens.sha256(token), shortCodeHash: WebTokens.sha256(shortCode), csrfToken: WebTokens.make(),
            session: session, issuedBy: user.account.idnatPS, now: instant, lifetime: settings.patientScreenLifetime)
        try patientScreens.issue(screen)
        logger.info("patient screen handed over")
        let expiry = instant.addingTimeInterval(settings.patientScreenLifetime)
        let context: [String: Any] = [
            "session": session.description, "link": "/patient/\(token)", "shortCode": PatientScreenCode.display(shortCode),
            "until": ParisTime.time(expiry), "hours": PatientScreenCode.hours(settings.patientScreenLifetime),
            "csrf": user.signIn.csrfToken,
        ]
        return Self.page(
            pages.render(
                "patientScreenHandOver", title: user.strings["patientScreenHandOverTitle"], context: context, header: user.header,
                strings: user.strings),
            status: .ok)
    }

    // MARK: - Opening the screen

    /// The cookie of the patient's screen: `accord_patient` (Path=/patient).
    public static let patientCookie = "accord_patient"
    /// The cookie that pairs the short-code form with its browser: `accord_patient_form`.
    public static let patientFormCookie = "accord_patient_form"

    /// A cookie of the patient's screen: as ``cookie(_:_:expired:)`` but Path=/patient.
    func patientCookieValue(_ name: String, _ value: String, expired: Bool = false) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: expired ? 0 : nil, path: "/patient", secure: settings.secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    func shortCodeForm(_ strings: WebStrings, message: String?, status: HTTPResponse.Status) -> Response {
        let token = WebTokens.make()
        var context: [String: Any] = ["csrf": token]
        if let message { context["message"] = message }
        var response = Self.page(
            pages.render(
                "patientScreenCode", title: strings["patientScreenCodeTitle"], context: context, header: nil, strings: strings,
                layout: "patientScreenLayout"),
            status: status)
        response.setCookie(patientCookieValue(Self.patientFormCookie, token))
        return response
    }

    func openWithShortCode(_ request: Request) async throws -> Response {
        let strings = strings(request)
        let form = try await Self.form(request)
        guard let sent = form["csrf"], let expected = request.cookies[Self.patientFormCookie]?.value, !expected.isEmpty,
            WebTokens.equal(sent, expected)
        else { return patientForbidden(strings) }
        let cookieToken = WebTokens.make()
        switch try patientScreens.openWithShortCode(
            WebTokens.sha256(PatientScreenCode.normalise(form["code"] ?? "")), cookieHash: WebTokens.sha256(cookieToken), now: now(),
            policy: settings.patientScreenLockout)
        {
        case .opened:
            logger.info("patient screen opened by short code")
            var response = Response.redirect(to: "/patient/options", type: .normal)
            response.setCookie(patientCookieValue(Self.patientCookie, cookieToken))
            response.setCookie(patientCookieValue(Self.patientFormCookie, "", expired: true))
            return response
        case .failed:
            logger.info("patient screen refused: wrong short code")
            return shortCodeForm(strings, message: strings["patientScreenCodeWrong"], status: .unauthorized)
        case .locked:
            logger.info("patient screen refused: short codes locked out")
            return shortCodeForm(strings, message: strings["patientScreenCodeLocked"], status: .tooManyRequests)
        }
    }

    /// Runs `body` with the request's working hand-over, after logging that its clinician's
    /// record was read; without one, 302 to `/patient` (removing a cookie that opens nothing).
    func withPatientScreen(
        _ request: Request, _ body: (PatientScreen, WebStrings) throws -> Response
    ) throws -> Response {
        let strings = strings(request)
        guard let token = request.cookies[Self.patientCookie]?.value, !token.isEmpty,
            let screen = try patientScreens.screen(cookieHash: WebTokens.sha256(token), now: now())
        else {
            var response = Response.redirect(to: "/patient", type: .found)
            if request.cookies[Self.patientCookie] != nil {
                response.setCookie(patientCookieValue(Self.patientCookie, "", expired: true))
            }
            return response
        }
        try logRead(of: screen.session, by: screen.issuedBy, page: "patient-screen")
        return try body(screen, strings)
    }

    func patientScreenNotFound(_ strings: WebStrings, header: (name: String, csrf: String)?) -> Response {
        Self.page(
            pages.render(
                "message", title: strings["notFoundTitle"], context: ["message": strings["notFound"]], header: header,
                strings: strings),
            status: .notFound)
    }

    /// 404 on the patient's side, in its layout.
    func patientNotFound(_ strings: WebStrings) -> Response {
        patientMessage(title: strings["notFoundTitle"], message: strings["notFound"], status: .notFound, strings: strings)
    }

    /// 403 on the patient's side: a form without its CSRF token or with a wrong one.
    func patientForbidden(_ strings: WebStrings) -> Response {
        logger.info("request refused: CSRF token missing or wrong")
        return patientMessage(title: strings["forbiddenTitle"], message: strings["forbidden"], status: .forbidden, strings: strings)
    }

    func patientMessage(title: String, message: String, status: HTTPResponse.Status, strings: WebStrings) -> Response {
        Self.page(
            pages.render(
                "patientScreenMessage", title: title, context: ["message": message], header: nil, strings: strings,
                layout: "patientScreenLayout"),
            status: status)
    }
}
