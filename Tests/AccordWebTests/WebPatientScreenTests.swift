import AccordCore
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct WebPatientScreenTests {
    // MARK: - Helpers

    /// Two sessions, S1 with a treatment, active surveillance and no treatment, S2 with one
    /// option of its own.
    static func sessions(_ site: WebTestSite) throws -> (SessionID, SessionID) {
        let service = AccordService(store: site.store, clock: .fixed(at: Samples.instant))
        let first = try site.store.startSession(Samples.start(), author: nil)
        let second = try site.store.startSession(Samples.start(Samples.corsicanIdentity), author: nil)
        try service.record(
            .optionAdded(
                kind: .treatment, label: "Prostatectomie", benefits: ["Guérison dans 9 cas sur 10 (HAS 2023)"],
                harms: ["Incontinence à 1 an : 1 cas sur 10 (HAS 2023)"], trialID: nil, origin: nil),
            in: first, author: nil)
        try service.record(
            .optionAdded(
                kind: .activeSurveillance, label: "Surveillance active", benefits: ["Pas d’effet indésirable du traitement"],
                harms: [], trialID: nil, origin: nil),
            in: first, author: nil)
        try service.record(
            .optionAdded(kind: .noTreatment, label: "Abstention", benefits: [], harms: [], trialID: nil, origin: nil), in: first,
            author: nil)
        try service.record(
            .optionAdded(kind: .treatment, label: "Radiothérapie S2", benefits: [], harms: [], trialID: nil, origin: nil), in: second,
            author: nil)
        return (first, second)
    }

    struct HandOver {
        var page: TestResponse
        var link: String
        var shortCode: String
        var clinician: [String: String]
        var csrf: String
    }

    /// Signs in and hands `session` over; the page, its link and short code.
    static func handOver(_ client: any TestClientProtocol, _ session: SessionID) async throws -> HandOver {
        let cookies = [WebServer.sessionCookie: try await client.signedInCookie()]
        let csrf = try #require(try await client.get("/sessions", cookies: cookies).csrfField)
        let page = try await client.post("/sessions/\(session)/ecran-patient", fields: ["csrf": csrf], cookies: cookies)
        let link = try #require(page.text.firstMatch(of: /href="(\/patient\/[A-Za-z0-9_-]{43})"/)?.1)
        let code = try #require(page.text.firstMatch(of: /<dd class="patient-screen-code">([A-Z2-9]{4}-[A-Z2-9]{4})<\/dd>/)?.1)
        return HandOver(page: page, link: String(link), shortCode: String(code), clinician: cookies, csrf: csrf)
    }

    /// Opens the screen through the link; the patient cookie.
    static func open(_ client: any TestClientProtocol, _ handOver: HandOver) async throws -> [String: String] {
        let opened = try await client.get(handOver.link)
        let token = try #require(opened.cookieValue(WebServer.patientCookie))
        return [WebServer.patientCookie: token]
    }

    // MARK: - Handing over

    @Test(arguments: TestBackend.available) func handingOverShowsALinkAndAShortCodeForTwoHours(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            #expect(handOver.page.status == .ok)
            #expect(handOver.page.text.contains("<h1>Écran du patient</h1>"))
            #expect(handOver.page.text.contains("Le patient peut ouvrir son écran pour la consultation S1."))
            // 09:30 UTC is 10:30 in Paris in March.
            #expect(handOver.page.text.contains("<p>Valable 2 heures (jusqu’à 12:30, heure de Paris).</p>"))
            #expect(handOver.page.text.contains(#"<form method="post" action="/sessions/S1/ecran-patient/fin">"#))
            let screens = try site.store.patientScreens.screens(of: first)
            #expect(screens.count == 1)
            let screen = try #require(screens.first)
            #expect(screen.issuedBy == WebTestSite.clinicianID)
            #expect(screen.createdAt == "2026-03-02T09:30:00Z")
            #expect(screen.expiresAt == "2026-03-02T11:30:00Z")
            #expect(screen.revokedAt == nil)
            #expect(screen.cookieHash == nil)
            // Only hashes are stored.
            let token = String(handOver.link.dropFirst("/patient/".count))
            #expect(screen.codeHash.count == 64)
            #expect(screen.codeHash != token)
            #expect(screen.shortCodeHash.count == 64)
            #expect(!screen.shortCodeHash.contains(handOver.shortCode.replacingOccurrences(of: "-", with: "")))
            if backend == .sqlite {
                #expect(
                    try site.sqlite.columnsForTesting("web_patient_screen") == [
                        "code_hash", "short_code_hash", "cookie_hash", "csrf_token", "session_number", "issued_by", "created_at",
                        "expires_at", "revoked_at",
                    ])
            }
        }
    }

    @Test(arguments: TestBackend.available) func handingOverNeedsTheSignInTheCSRFTokenAndAKnownSession(_ backend: TestBackend) async throws
    {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let signedOut = try await client.post("/sessions/S1/ecran-patient", fields: ["csrf": "x"])
            #expect(signedOut.status == .found)
            #expect(signedOut.headers[.location] == "/connexion")
            let cookies = [WebServer.sessionCookie: try await client.signedInCookie()]
            let forged = try await client.post("/sessions/S1/ecran-patient", fields: ["csrf": "forged"], cookies: cookies)
            #expect(forged.status == .forbidden)
            let csrf = try #require(try await client.get("/sessions", cookies: cookies).csrfField)
            let unknown = try await client.post("/sessions/S99/ecran-patient", fields: ["csrf": csrf], cookies: cookies)
            #expect(unknown.status == .notFound)
            #expect(try site.store.patientScreens.screens(of: first).isEmpty)
            #expect(try site.store.patientScreens.screens(of: SessionID(number: 99)).isEmpty)
        }
    }

    // MARK: - Opening the screen

    @Test(arguments: TestBackend.available) func theLinkGivesAPatientCookieScopedToPatientPages(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            let opened = try await client.get(handOver.link)
            #expect(opened.status == .seeOther)
            #expect(opened.headers[.location] == "/patient/options")
            let token = try #require(opened.cookieValue(WebServer.patientCookie))
            #expect(token.count == 43)
            #expect(opened.cookieAttributes(WebServer.patientCookie) == ["Path=/patient", "HttpOnly", "SameSite=Strict"])
            let screen = try #require(try site.store.patientScreens.screens(of: first).first)
            #expect(screen.cookieHash?.count == 64)
            // The patient cookie opens no clinician page.
            let patient = [WebServer.patientCookie: token]
            for uri in ["/sessions", "/sessions/S1", "/sessions/S2", "/"] {
                let page = try await client.get(uri, cookies: patient)
                #expect(page.status == .found, "\(uri)")
                #expect(page.headers[.location] == "/connexion", "\(uri)")
            }
            for uri in ["/sessions/S1/ecran-patient", "/sessions/S2/ecran-patient", "/sessions/S1/ecran-patient/fin"] {
                let post = try await client.post(uri, fields: ["csrf": screen.csrfToken], cookies: patient)
                #expect(post.status == .found, "\(uri)")
                #expect(post.headers[.location] == "/connexion", "\(uri)")
            }
            #expect(try site.store.patientScreens.screens(of: SessionID(number: 2)).isEmpty)
            // It shows its own session only.
            let options = try await client.get("/patient/options", cookies: patient)
            #expect(options.status == .ok)
            #expect(options.text.contains("Prostatectomie"))
            #expect(!options.text.contains("Radiothérapie S2"))
        }
    }

    @Test(arguments: TestBackend.available) func theShortCodeOpensTheScreenAndWrongCodesLockShortCodesOut(
        _ backend: TestBackend
    )
        async throws
    {
        let site = try WebTestSite(
            settings: WebSettings(patientScreenLockout: SignInLockoutPolicy(threshold: 3, duration: 900)), backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            func typed(_ code: String) async throws -> TestResponse {
                let form = try await client.get("/patient")
                #expect(form.status == .ok)
                #expect(form.text.contains(#"<label for="code">Code donné par l’équipe soignante</label>"#))
                let field = try #require(form.csrfField)
                #expect(form.cookieAttributes(WebServer.patientFormCookie) == ["Path=/patient", "HttpOnly", "SameSite=Strict"])
                return try await client.post(
                    "/patient", fields: ["csrf": field, "code": code], cookies: [WebServer.patientFormCookie: field])
            }
            // Without the form's cookie: refused, nothing counted.
            let forged = try await client.post("/patient", fields: ["csrf": "x", "code": handOver.shortCode])
            #expect(forged.status == .forbidden)
            let wrong = try await typed("AAAA-AAAA")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains(#"<p class="message" role="alert">Ce code n’est pas valable ou a expiré."#))
            #expect(wrong.setCookie(WebServer.patientCookie) == nil)
            // Typed in small letters with a space: accepted, and the failures forgotten.
            let right = try await typed(handOver.shortCode.lowercased().replacingOccurrences(of: "-", with: " "))
            #expect(right.status == .seeOther)
            #expect(right.headers[.location] == "/patient/options")
            #expect(right.cookieValue(WebServer.patientCookie)?.count == 43)
            #expect(try await typed("AAAA-AAAA").status == .unauthorized)
            #expect(try await typed("AAAA-AAAB").status == .unauthorized)
            let locked = try await typed("AAAA-AAAC")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.text.contains("Trop de codes erronés"))
            // Locked: even the right code is refused, the link still works.
            #expect(try await typed(handOver.shortCode).status == .tooManyRequests)
            #expect(try await client.get(handOver.link).status == .seeOther)
            site.clock.advance(by: 901)
            #expect(try await typed(handOver.shortCode).status == .seeOther)
        }
    }

    @Test(arguments: TestBackend.available) func theScreenExpiresAfterTwoHours(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            let patient = try await Self.open(client, handOver)
            site.clock.advance(by: 2 * 3600 - 1)
            #expect(try await client.get("/patient/options", cookies: patient).status == .ok)
            site.clock.advance(by: 1)
            let expired = try await client.get("/patient/options", cookies: patient)
            #expect(expired.status == .found)
            #expect(expired.headers[.location] == "/patient")
            #expect(expired.cookieAttributes(WebServer.patientCookie) == ["Max-Age=0", "Path=/patient", "HttpOnly", "SameSite=Strict"])
            let link = try await client.get(handOver.link)
            #expect(link.status == .notFound)
            #expect(link.text.contains("Ce lien n’est plus valable"))
            #expect(link.setCookie(WebServer.patientCookie) == nil)
        }
    }

    @Test(arguments: TestBackend.available) func theClinicianEndsTheScreen(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            let patient = try await Self.open(client, handOver)
            let forged = try await client.post("/sessions/S1/ecran-patient/fin", fields: ["csrf": "x"], cookies: handOver.clinician)
            #expect(forged.status == .forbidden)
            #expect(try await client.get("/patient/options", cookies: patient).status == .ok)
            let ended = try await client.post(
                "/sessions/S1/ecran-patient/fin", fields: ["csrf": handOver.csrf], cookies: handOver.clinician)
            #expect(ended.status == .seeOther)
            #expect(ended.headers[.location] == "/sessions/S1")
            #expect(try site.store.patientScreens.screens(of: first).map(\.revokedAt) == ["2026-03-02T09:30:00Z"])
            let page = try await client.get("/patient/options", cookies: patient)
            #expect(page.status == .found)
            #expect(page.headers[.location] == "/patient")
            #expect(try await client.get(handOver.link).status == .notFound)
        }
    }

    @Test(arguments: TestBackend.available) func disablingTheClinicianEndsTheScreensTheyHandedOver(_ backend: TestBackend) async throws {
        let site = try WebTestSite(backend: backend)
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let patient = try await Self.open(client, try await Self.handOver(client, first))
            #expect(try await client.get("/patient/options", cookies: patient).status == .ok)
            try site.users.disable(idnatPS: WebTestSite.clinicianID)
            #expect(try site.store.patientScreens.screens(of: first).map(\.revokedAt) == ["2026-03-02T09:30:00Z"])
            let page = try await client.get("/patient/options", cookies: patient)
            #expect(page.status == .found)
            #expect(page.headers[.location] == "/patient")
        }
    }

    // MARK: - Pages

    @Test func theOptionsStandSideBySideWithSurveillanceAndNoTreatment() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let patient = try await Self.open(client, try await Self.handOver(client, first))
            let page = try await client.get("/patient/options", cookies: patient)
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains(#"<body class="patient-screen">"#))
            #expect(!text.contains("Dr Hélène Roussel"))
            #expect(!text.contains(#"href="/sessions"#))
            #expect(!text.contains(#"href="/""#))
            #expect(!text.contains("<script"))
            #expect(!text.contains("style="))
            #expect(text.contains("<h1>Les possibilités</h1>"))
            #expect(
                text.contains(
                    #"<thead><tr><td></td><th scope="col"><span class="patient-screen-kind">Un traitement</span> Prostatectomie</th><th scope="col"><span class="patient-screen-kind">Surveiller sans traiter pour l’instant</span> Surveillance active</th><th scope="col"><span class="patient-screen-kind">Ne pas traiter</span> Abstention</th></tr></thead>"#
                ))
            #expect(
                text.contains(
                    #"<tr><th scope="row">Ce que cela peut apporter</th><td><ul><li>Guérison dans 9 cas sur 10 (HAS 2023)</li></ul></td><td><ul><li>Pas d’effet indésirable du traitement</li></ul></td><td>Rien de noté pour l’instant.</td></tr>"#
                ))
            #expect(
                text.contains(
                    #"<tr><th scope="row">Les inconvénients possibles</th><td><ul><li>Incontinence à 1 an : 1 cas sur 10 (HAS 2023)</li></ul></td><td>Rien de noté pour l’instant.</td><td>Rien de noté pour l’instant.</td></tr>"#
                ))
        }
    }

    @Test func whatMattersIsRecordedAsPreferenceAddWouldRecordIt() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            let patient = try await Self.open(client, handOver)
            let form = try await client.get("/patient/ce-qui-compte", cookies: patient)
            #expect(form.status == .ok)
            #expect(form.text.contains(#"<label for="text">Ce qui compte pour moi</label>"#))
            let csrf = try #require(form.csrfField)
            let before = try site.store.events(of: first).count
            // Empty: 422, what was chosen kept, nothing recorded.
            let empty = try await client.post(
                "/patient/ce-qui-compte", fields: ["csrf": csrf, "text": "  ", "importance": "4"], cookies: patient)
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains(#"<p class="message" role="alert">Écrivez ce qui compte pour vous avant d’enregistrer."#))
            #expect(empty.text.contains(#"<option value="4" selected>4 — énormément</option>"#))
            // Without the screen's CSRF token: 403.
            let forged = try await client.post(
                "/patient/ce-qui-compte", fields: ["csrf": handOver.csrf, "text": "Rester autonome"], cookies: patient)
            #expect(forged.status == .forbidden)
            #expect(try site.store.events(of: first).count == before)
            let saved = try await client.post(
                "/patient/ce-qui-compte",
                fields: ["csrf": csrf, "text": "Rester autonome\r\net voir mes petits-enfants", "importance": "5"],
                cookies: patient)
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/patient/ce-qui-compte")
            let events = try site.store.events(of: first)
            #expect(events.count == before + 1)
            let event = try #require(events.last)
            #expect(event.change == .preferenceAdded(text: "Rester autonome\net voir mes petits-enfants", importance: 5))
            #expect(event.author == WebTestSite.clinicianID)
            #expect(event.reason == nil)
            let again = try await client.get("/patient/ce-qui-compte", cookies: patient)
            #expect(again.text.contains("<li>Rester autonome\net voir mes petits-enfants</li>"))
            // Once the session is closed the command line asks for a reason: the patient is told, nothing recorded.
            _ = try AccordService(store: site.store, clock: .fixed(at: Samples.instant)).close(
                first, author: nil, requireComplete: false)
            let count = try site.store.events(of: first).count
            let closed = try await client.post(
                "/patient/ce-qui-compte", fields: ["csrf": csrf, "text": "Rentrer chez moi"], cookies: patient)
            #expect(closed.status == .unprocessableContent)
            #expect(closed.text.contains(#"<p class="message" role="alert">La consultation est close"#))
            #expect(closed.text.contains(">Rentrer chez moi</textarea>"))
            #expect(try site.store.events(of: first).count == count)
        }
    }

    /// A double tap records once: the preference form and a questionnaire sent twice with
    /// the page's one-time token record one event each, the second sending returning to the
    /// list as the first does; a form refused as empty keeps its token for the corrected text.
    @Test func aFormSentTwiceFromThePatientsScreenRecordsOnce() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let handOver = try await Self.handOver(client, first)
            let patient = try await Self.open(client, handOver)
            let before = try site.store.events(of: first).count
            let form = try await client.get("/patient/ce-qui-compte", cookies: patient)
            let csrf = try #require(form.csrfField)
            let once = try #require(form.fieldValue("once"))
            let empty = try await client.post(
                "/patient/ce-qui-compte", fields: ["csrf": csrf, "once": once, "text": " "], cookies: patient)
            #expect(empty.status == .unprocessableContent)
            for _ in 0..<2 {
                let sent = try await client.post(
                    "/patient/ce-qui-compte", fields: ["csrf": csrf, "once": once, "text": "Rester autonome"], cookies: patient)
                #expect(sent.status == .seeOther)
                #expect(sent.headers[.location] == "/patient/ce-qui-compte")
            }
            #expect(try site.store.events(of: first).count == before + 1)
            let questionnaire = try await client.get("/patient/questionnaires/sure", cookies: patient)
            let answers = [
                "csrf": csrf, "once": try #require(questionnaire.fieldValue("once")), "item1": "yes", "item2": "yes", "item3": "no",
                "item4": "yes",
            ]
            for _ in 0..<2 {
                let sent = try await client.post("/patient/questionnaires/sure", fields: answers, cookies: patient)
                #expect(sent.status == .seeOther)
                #expect(sent.headers[.location] == "/patient/questionnaires")
            }
            let events = try site.store.events(of: first)
            #expect(events.count == before + 2)
            #expect(events.filter { $0.change.kind == "instrument-recorded" }.count == 1)
        }
    }

    @Test func anSDMQ9IsRecordedWithTheScoreTheCommandLineGives() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let patient = try await Self.open(client, try await Self.handOver(client, first))
            let form = try await client.get("/patient/questionnaires/sdm-q-9", cookies: patient)
            #expect(form.status == .ok)
            #expect(form.text.contains("<h1>SDM-Q-9 (9 questions)</h1>"))
            #expect(form.text.contains("<legend>Question 9</legend>"))
            #expect(
                form.text.contains(
                    #"<span class="patient-screen-choice"><input type="radio" id="item1-5" name="item1" value="5"><label for="item1-5">5</label></span>"#
                ))
            let csrf = try #require(form.csrfField)
            let answers = [5, 4, 5, 3, 4, 5, 5, 4, 5]
            var fields = ["csrf": csrf]
            for (index, value) in answers.enumerated() { fields["item\(index + 1)"] = String(value) }
            // Out of range: 422, the answers kept, nothing recorded.
            let before = try site.store.events(of: first).count
            var wrong = fields
            wrong["item3"] = "7"
            let refused = try await client.post("/patient/questionnaires/sdm-q-9", fields: wrong, cookies: patient)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"<p class="message" role="alert">Une réponse n’est pas parmi celles proposées."#))
            #expect(refused.text.contains(#"id="item1-5" name="item1" value="5" checked>"#))
            #expect(try site.store.events(of: first).count == before)
            let saved = try await client.post("/patient/questionnaires/sdm-q-9", fields: fields, cookies: patient)
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/patient/questionnaires")
            let event = try #require(try site.store.events(of: first).last)
            let expected = try Instrument.named("sdm-q-9").recordedChange(answers: "5,4,5,3,4,5,5,4,5", respondent: .patient)
            #expect(event.change == expected)
            #expect(event.author == WebTestSite.clinicianID)
            let response = try #require(try site.store.consultation(first).instruments.last)
            #expect(response.respondent == .patient)
            #expect(response.score.score == 40 * 20 / 9.0)
            let list = try await client.get("/patient/questionnaires", cookies: patient)
            #expect(
                list.text.contains(
                    #"<li><a href="/patient/questionnaires/sdm-q-9">SDM-Q-9 (9 questions)</a> <span class="patient-screen-done">(répondu, merci)</span></li>"#
                ))
        }
    }

    @Test func theControlPreferencesCardAndAnUnansweredSUREItemAreRecordedAsTheCommandLineRecordsThem() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let patient = try await Self.open(client, try await Self.handOver(client, first))
            let cps = try await client.get("/patient/questionnaires/cps-preferred", cookies: patient)
            #expect(cps.text.contains("<legend>Quel rôle souhaitez-vous dans la décision ?</legend>"))
            #expect(cps.text.contains(#"<label for="item1-C">C — nous décidons ensemble</label>"#))
            let csrf = try #require(cps.csrfField)
            #expect(
                try await client.post("/patient/questionnaires/cps-preferred", fields: ["csrf": csrf, "item1": "C"], cookies: patient)
                    .status == .seeOther)
            #expect(
                try site.store.events(of: first).last?.change
                    == (try Instrument.named("cps-preferred").recordedChange(answers: "C", respondent: .patient)))
            let sure = try await client.get("/patient/questionnaires/sure", cookies: patient)
            #expect(sure.text.contains("<legend>Question 2 — comprendre l’information</legend>"))
            #expect(
                try await client.post(
                    "/patient/questionnaires/sure", fields: ["csrf": csrf, "item1": "yes", "item2": "no", "item4": "yes"], cookies: patient
                ).status == .seeOther)
            let expected = try Instrument.named("sure").recordedChange(answers: "yes,no,-,yes", respondent: .patient)
            #expect(try site.store.events(of: first).last?.change == expected)
            #expect(try site.store.consultation(first).instruments.last?.score.score == nil)
            // An instrument the screen does not offer: 404.
            #expect(try await client.get("/patient/questionnaires/option-5", cookies: patient).status == .notFound)
        }
    }

    @Test func theSummaryIsPrintable() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try AccordService(store: site.store, clock: .fixed(at: Samples.instant)).record(
            .preferenceAdded(text: "Continuer à jardiner", importance: nil), in: first, author: nil)
        try await site.test { client in
            let patient = try await Self.open(client, try await Self.handOver(client, first))
            let page = try await client.get("/patient/resume", cookies: patient)
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Mon résumé</h1>"))
            #expect(page.text.contains("<p>Consultation du 02/03/2026. Sujet : Prise en charge d&#39;un cancer localisé</p>"))
            #expect(page.text.contains("<li>Surveiller sans traiter pour l’instant — Surveillance active</li>"))
            #expect(page.text.contains("<li>Continuer à jardiner</li>"))
            let css = try await client.get("/style.css")
            #expect(css.text.contains("@media print {"))
            #expect(css.text.contains(".patient-screen-nav, .patient-screen-print, .skip { display: none; }"))
        }
    }

    // MARK: - Item wording

    @Test func theCentresWordingReplacesTheShortLabels() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-wording-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wording.yaml").path
        try """
        sdm-q-9:
          "2010":
            fr:
              1: "Item 1 wording (test)"
            en:
              1: "Item 1 English wording (test)"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let wording = try InstrumentWording.load(path: path)
        #expect(wording.texts == [.sdmQ9: ["2010": ["fr": [1: "Item 1 wording (test)"], "en": [1: "Item 1 English wording (test)"]]]])
        let site = try WebTestSite(settings: WebSettings(instrumentWording: wording))
        defer { site.cleanUp() }
        let (first, _) = try Self.sessions(site)
        try await site.test { client in
            let patient = try await Self.open(client, try await Self.handOver(client, first))
            let page = try await client.get("/patient/questionnaires/sdm-q-9", cookies: patient)
            #expect(page.text.contains("<legend>1. Item 1 wording (test)</legend>"))
            #expect(page.text.contains("<legend>Question 2</legend>"))
            // Item 2 onwards lack wording: the page still says so.
            #expect(page.text.contains("Le texte des questions n’a pas été fourni par votre centre"))
            let collaborate = try await client.get("/patient/questionnaires/collaborate", cookies: patient)
            #expect(collaborate.text.contains("<legend>Question 1</legend>"))
        }
    }

    @Test(arguments: [
        ("unknown-instrument:\n  \"1\":\n    fr:\n      1: \"x\"\n", "names an instrument Accord does not know"),
        ("sdm-q-9:\n  \"1999\":\n    fr:\n      1: \"x\"\n", "gives sdm-q-9 a version Accord does not score"),
        ("sdm-q-9:\n  \"2010\":\n    de:\n      1: \"x\"\n", "names a language other than fr or en under sdm-q-9"),
        ("sdm-q-9:\n  \"2010\":\n    fr:\n      10: \"x\"\n", "gives sdm-q-9 fr an item number out of range"),
        ("a: &x 1\nb: *x\n", "uses a YAML anchor or alias at line 1"),
    ])
    func aBadWordingFileIsRefusedNamingTheVariable(text: String, problem: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("accord-wording-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: AccordError.self) { try InstrumentWording.load(path: path) }
        #expect(error?.field == "ACCORD_INSTRUMENT_WORDING")
        #expect(error?.message.hasPrefix(problem + "; expected") == true, "\(error?.message ?? "")")
    }
}
