import AccordCore
import AccordService
import AccordStore
import AccordTestSupport
import AccordWeb
import AccordXML
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct WebPatientsTests {
    /// The new-session form's fields for the Lyon test patient (INS on the test OID).
    static let lyonForm: [String: String] = [
        "ins": "158056912345606", "oidIns": KnownOID.insNIRTest, "statut": "", "nom": "MARCHAND-D'ESTE",
        "prenoms": "LUC JEAN-BAPTISTE", "premierPrenom": "", "nomUsage": "", "prenomUsage": "", "naissance": "1958-05-17",
        "sexe": "M", "lieuNaissance": "69123", "ipp": "IPP-0042", "finess": "", "theme": "", "diagnostic": "Adénocarcinome localisé",
        "codeDiagnostic": "C61", "systemeCode": "", "modele": "localised-prostate-cancer", "fonction": "",
    ]

    /// The same values as `accord session start` takes them.
    static func lyonTyped() throws -> TypedSessionStart {
        var typed = TypedSessionStart(clinicianID: WebTestSite.clinicianID, clinicianName: WebTestSite.clinicianName)
        typed.patientINS = "158056912345606"
        typed.insOID = KnownOID.insNIRTest
        typed.familyName = "MARCHAND-D'ESTE"
        typed.givenNames = "LUC JEAN-BAPTISTE"
        typed.birthDate = "1958-05-17"
        typed.sex = "M"
        typed.birthplace = "69123"
        typed.ipp = "IPP-0042"
        typed.condition = "Adénocarcinome localisé"
        typed.conditionCode = "C61"
        typed.template = try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template("localised-prostate-cancer")
        return typed
    }

    static func service(_ site: WebTestSite) -> AccordService {
        AccordService(store: site.store, clock: .fixed(at: Samples.instant), logger: WebTestSite.quietLogger)
    }

    /// Mustache's HTML escaping of a value.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    static let appareil = "/work/shared/ans/ExemplesCDA/CANCER-FRCP_2022.01_Appareil.xml"

    // MARK: - Signed out, CSRF

    @Test func everyRouteRedirectsToTheSignInPageWhenSignedOut() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            for uri in ["/patients", "/patients?nom=MARCHAND", "/sessions/nouvelle", "/sessions/nouvelle/rcp"] {
                let response = try await client.get(uri)
                #expect(response.status == .found, "\(uri)")
                #expect(response.headers[.location] == "/connexion", "\(uri)")
            }
            for uri in ["/sessions/nouvelle", "/sessions/nouvelle/rcp", "/sessions/nouvelle/rcp/confirmation"] {
                let response = try await client.post(uri, fields: Self.lyonForm.merging(["csrf": "x"]) { $1 })
                #expect(response.status == .found, "\(uri)")
                #expect(response.headers[.location] == "/connexion", "\(uri)")
            }
        }
        #expect(try site.store.sessions(matching: SessionQuery()).isEmpty)
    }

    @Test func aStartWithoutTheSignInsCSRFTokenIsRefusedAndRecordsNothing() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            for csrf in [nil, "wrong"] as [String?] {
                var fields = Self.lyonForm
                fields["csrf"] = csrf
                let response = try await client.post("/sessions/nouvelle", fields: fields, cookies: [WebServer.sessionCookie: cookie])
                #expect(response.status == .forbidden)
                #expect(response.text.contains("<h1>Requête refusée</h1>"))
            }
            let report = try Data(contentsOf: URL(fileURLWithPath: Self.appareil))
            let upload = try await client.postMultipart(
                "/sessions/nouvelle/rcp", fields: ["csrf": "wrong"], file: ("rapport", "fiche.xml", report),
                cookies: [WebServer.sessionCookie: cookie])
            #expect(upload.status == .forbidden)
            let confirm = try await client.post(
                "/sessions/nouvelle/rcp/confirmation", fields: ["csrf": "wrong", "rapport": report.base64EncodedString(), "sceau": "x"],
                cookies: [WebServer.sessionCookie: cookie])
            #expect(confirm.status == .forbidden)
        }
        #expect(try site.store.sessions(matching: SessionQuery()).isEmpty)
    }

    // MARK: - Starting from typed values

    @Test func getSessionsNouvelleShowsTheStartForm() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let page = try await client.get("/sessions/nouvelle", cookies: [WebServer.sessionCookie: cookie])
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Nouvelle consultation</h1>"))
            #expect(page.text.contains(#"<form method="post" action="/sessions/nouvelle" class="patients-form">"#))
            let csrf = try #require(page.csrfField)
            #expect(page.text.contains(#"<input type="hidden" name="csrf" value="\#(csrf)">"#))
            #expect(page.text.contains(#"<label for="naissance">Date de naissance (AAAA-MM-JJ) <code>--birth-date</code></label>"#))
            #expect(page.text.contains(#"<option value="localised-prostate-cancer">"#))
            #expect(page.text.contains(#"<option value="1.2.250.1.213.1.4.10">INS-NIR de test (1.2.250.1.213.1.4.10)</option>"#))
            #expect(!page.text.contains("<script"))
            #expect(!page.text.contains("style="))
        }
    }

    @Test func aStartRecordsWhatTheServiceRecordsForTheSameValues() async throws {
        let site = try WebTestSite()
        let twin = try WebTestSite()
        defer {
            site.cleanUp()
            twin.cleanUp()
        }
        let expected = try Self.service(twin).start(typed: Self.lyonTyped(), author: WebTestSite.clinicianID)
        #expect(expected.id == SessionID(number: 1))
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let form = try await client.get("/sessions/nouvelle", cookies: [WebServer.sessionCookie: cookie])
            var fields = Self.lyonForm
            fields["csrf"] = try #require(form.csrfField)
            let response = try await client.post("/sessions/nouvelle", fields: fields, cookies: [WebServer.sessionCookie: cookie])
            if expected.warnings.isEmpty {
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/sessions/S1")
            } else {
                #expect(response.status == .ok)
                #expect(response.text.contains(#"<a href="/sessions/S1">S1</a>"#))
                for warning in expected.warnings { #expect(response.text.contains("<li>\(Self.escaped(warning))</li>")) }
            }
        }
        let recorded = try site.store.events(of: SessionID(number: 1))
        let reference = try twin.store.events(of: SessionID(number: 1))
        #expect(recorded.map(\.change) == reference.map(\.change))
        #expect(recorded.map(\.author) == reference.map(\.author))
        #expect(recorded.count > 1, "the template's options are recorded with the start")
        let consultation = try site.store.consultation(SessionID(number: 1))
        #expect(consultation.start.clinicianID == WebTestSite.clinicianID)
        #expect(consultation.start.clinicianName == WebTestSite.clinicianName)
        #expect(consultation.start.patient.ins == "158056912345606")
        #expect(consultation.start.ipp?.extension_ == "IPP-0042")
        #expect(consultation.start.template?.hasPrefix("localised-prostate-cancer@") == true)
        #expect(consultation.start.patientPresent)
    }

    // MARK: - A start sent twice

    /// Signs in and opens the new-session form: the cookies, the page, and the Lyon patient's
    /// fields with the page's CSRF and one-time tokens.
    static func newSessionForm(
        _ client: some TestClientProtocol
    ) async throws -> (cookies: [String: String], page: TestResponse, fields: [String: String]) {
        let cookies = [WebServer.sessionCookie: try await client.signedInCookie()]
        let page = try await client.get("/sessions/nouvelle", cookies: cookies)
        var fields = lyonForm
        fields["csrf"] = try #require(page.csrfField)
        fields["once"] = try #require(page.fieldValue("once"))
        return (cookies, page, fields)
    }

    /// The new-session form sent twice (a double click) starts one session: both sendings
    /// carry the form's one-time token, and the second answers what the first answered, the
    /// session it started. Sent at the same time, the second waits for the first.
    @Test func aStartSentTwiceStartsOneSession() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, page, form) = try await Self.newSessionForm(client)
            var fields = form
            #expect(fields["once"]?.count == 43)
            let first = try await client.post("/sessions/nouvelle", fields: fields, cookies: cookies)
            let second = try await client.post("/sessions/nouvelle", fields: fields, cookies: cookies)
            #expect([HTTPResponse.Status.seeOther, .ok].contains(first.status))
            #expect(second.status == first.status)
            #expect(second.headers[.location] == first.headers[.location])
            #expect(second.text == first.text)
            #expect(first.headers[.location] == "/sessions/S1" || first.text.contains(#"<a href="/sessions/S1">S1</a>"#))

            let again = try await client.get("/sessions/nouvelle", cookies: cookies)
            fields["once"] = try #require(again.fieldValue("once"))
            #expect(fields["once"] != page.fieldValue("once"))
            let sent = fields
            async let one = client.post("/sessions/nouvelle", fields: sent, cookies: cookies)
            async let other = client.post("/sessions/nouvelle", fields: sent, cookies: cookies)
            let (a, b) = try await (one, other)
            #expect(a.status == b.status)
            #expect(a.text == b.text)
            #expect(a.headers[.location] == b.headers[.location])
        }
        #expect(try site.store.consultation(SessionID(number: 2)).start.patient.ins == "158056912345606")
        #expect(throws: AccordError.self) { try site.store.consultation(SessionID(number: 3)) }
    }

    /// The same form sent again with other values (edited after the back button, for another
    /// patient) starts its own session: it is never answered with the first one's.
    @Test func theSameFormWithOtherValuesStartsItsOwnSession() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, _, fields) = try await Self.newSessionForm(client)
            let first = try await client.post("/sessions/nouvelle", fields: fields, cookies: cookies)
            var other = fields
            other["theme"] = "Autre consultation"
            let second = try await client.post("/sessions/nouvelle", fields: other, cookies: cookies)
            #expect(first.headers[.location] == "/sessions/S1" || first.text.contains(#"<a href="/sessions/S1">S1</a>"#))
            #expect(second.headers[.location] == "/sessions/S2" || second.text.contains(#"<a href="/sessions/S2">S2</a>"#))
        }
        #expect(try site.store.consultation(SessionID(number: 2)).start.topic == "Autre consultation")
    }

    /// A start refused as bad input records nothing: the corrected form, sent with the same
    /// token, starts the session.
    @Test func aRefusedStartCanBeCorrectedAndSentAgain() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, _, form) = try await Self.newSessionForm(client)
            var fields = form
            fields["naissance"] = "1958-02-30"
            let refused = try await client.post("/sessions/nouvelle", fields: fields, cookies: cookies)
            #expect(refused.status == .unprocessableContent)
            fields["naissance"] = "1958-05-17"
            let started = try await client.post("/sessions/nouvelle", fields: fields, cookies: cookies)
            #expect([HTTPResponse.Status.seeOther, .ok].contains(started.status))
        }
        #expect(try site.store.consultation(SessionID(number: 1)).start.patient.birthDate == CalendarDate("1958-05-17"))
        #expect(throws: AccordError.self) { try site.store.consultation(SessionID(number: 2)) }
    }

    @Test func aBadINSIsRefusedWithTheCLIsMessageKeepingWhatWasTyped() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        var typed = try Self.lyonTyped()
        typed.patientINS = "158056912345607"
        let cliMessage: String
        do {
            _ = try Self.service(site).start(typed: typed, author: WebTestSite.clinicianID)
            Issue.record("a wrong INS key was accepted")
            return
        } catch let error as AccordError {
            cliMessage = error.description
        }
        #expect(cliMessage.hasPrefix("--patient-ins: the INS-NIR"))
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let form = try await client.get("/sessions/nouvelle", cookies: [WebServer.sessionCookie: cookie])
            var fields = Self.lyonForm
            fields["csrf"] = try #require(form.csrfField)
            fields["ins"] = "158056912345607"
            let response = try await client.post("/sessions/nouvelle", fields: fields, cookies: [WebServer.sessionCookie: cookie])
            #expect(response.status == .unprocessableContent)
            #expect(
                response.text.contains(
                    #"<div class="message" role="alert"><p>Rien n’a été enregistré. Message d’Accord (en anglais) :</p><p lang="en">\#(Self.escaped(cliMessage))</p></div>"#
                ))
            #expect(response.text.contains(#"<input id="ins" name="ins" value="158056912345607""#))
            #expect(response.text.contains(#"<input id="nom" name="nom" value="MARCHAND-D&#39;ESTE""#))
            #expect(response.text.contains(#"<option value="M" selected>"#))
            #expect(response.text.contains(#"<option value="localised-prostate-cancer" selected>"#))
        }
        #expect(try site.store.sessions(matching: SessionQuery()).isEmpty)
    }

    @Test func aMissingBirthDateAndAnUnknownTemplateGiveTheCLIsMessages() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let form = try await client.get("/sessions/nouvelle", cookies: [WebServer.sessionCookie: cookie])
            var fields = Self.lyonForm
            fields["csrf"] = try #require(form.csrfField)
            fields["naissance"] = "  "
            let missing = try await client.post("/sessions/nouvelle", fields: fields, cookies: [WebServer.sessionCookie: cookie])
            #expect(missing.status == .unprocessableContent)
            #expect(
                missing.text.contains(
                    #"<p lang="en">--birth-date: is required; expected --birth-date with a value, or --from-rcp FILE to start from an RCP report.</p>"#
                ))
            fields["naissance"] = "1958-05-17"
            fields["modele"] = "no-such-template"
            let unknown = try await client.post("/sessions/nouvelle", fields: fields, cookies: [WebServer.sessionCookie: cookie])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains(#"<p lang="en">--template: no decision template has this id; known templates: "#))
        }
        #expect(try site.store.sessions(matching: SessionQuery()).isEmpty)
    }

    // MARK: - Search

    /// Two sessions: S1 of the Lyon patient (INS, IPP), S2 of a provisional identity (names in
    /// the INS form: capitals without accents, which the search folds what is typed to).
    static func twoSessions(_ site: WebTestSite) throws {
        _ = try service(site).start(typed: lyonTyped(), author: WebTestSite.clinicianID)
        var other = TypedSessionStart(clinicianID: WebTestSite.clinicianID, clinicianName: WebTestSite.clinicianName)
        other.familyName = "GERALDINE-ETE"
        other.givenNames = "ZOE ANNE"
        other.birthDate = "1971-02-03"
        other.sex = "F"
        other.birthplace = "75056"
        other.topic = "Choix d’un traitement"
        _ = try service(site).start(typed: other, author: WebTestSite.clinicianID)
    }

    @Test func theSearchFindsByNameWithoutCaseOrAccentsNewestFirstInParisTime() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try Self.twoSessions(site)
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let empty = try await client.get("/patients", cookies: [WebServer.sessionCookie: cookie])
            #expect(empty.status == .ok)
            #expect(empty.text.contains("<h1>Rechercher un patient</h1>"))
            #expect(empty.text.contains(#"<a href="/sessions/nouvelle">Nouvelle consultation</a>"#))
            #expect(!empty.text.contains("<table>"))
            let byName = try await client.get("/patients?nom=G%C3%A9raldine&prenom=Zo%C3%A9", cookies: [WebServer.sessionCookie: cookie])
            #expect(byName.status == .ok)
            #expect(
                byName.text.contains(
                    #"<tr><td><a href="/sessions/S2">S2</a></td><td>2026-03-02 10:30</td><td>en cours</td><td>Choix d’un traitement</td><td>GERALDINE-ETE ZOE</td><td>1971-02-03</td></tr>"#
                ))
            #expect(!byName.text.contains("/sessions/S1"))
            #expect(byName.text.contains("Au plus 50 consultations sont affichées, les plus récentes d’abord."))
            #expect(byName.text.contains(#"<input id="nom" name="nom" value="Géraldine""#))
            let wrongGiven = try await client.get("/patients?nom=geraldine&prenom=anne", cookies: [WebServer.sessionCookie: cookie])
            #expect(wrongGiven.text.contains("Aucune consultation ne correspond."))
            let prefix = try await client.get("/patients?nom=Marchand-d%27", cookies: [WebServer.sessionCookie: cookie])
            #expect(prefix.text.contains(#"<td><a href="/sessions/S1">S1</a></td>"#))
            #expect(!prefix.text.contains("/sessions/S2"))
            // A Paris day: both, newest first; the next day: none.
            let day = try await client.get("/patients?date=2026-03-02", cookies: [WebServer.sessionCookie: cookie])
            let s2 = try #require(day.text.range(of: #"<a href="/sessions/S2">"#))
            let s1 = try #require(day.text.range(of: #"<a href="/sessions/S1">"#))
            #expect(s2.lowerBound < s1.lowerBound)
            let nextDay = try await client.get("/patients?date=2026-03-03", cookies: [WebServer.sessionCookie: cookie])
            #expect(nextDay.text.contains("Aucune consultation ne correspond."))
        }
    }

    @Test func theSearchFindsByINSAndIPPAndRefusesABadINS() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try Self.twoSessions(site)
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            for uri in [
                "/patients?ins=158056912345606", "/patients?ipp=IPP-0042", "/patients?ins=158056912345606&ipp=IPP-0042&nom=marchand",
            ] {
                let page = try await client.get(uri, cookies: [WebServer.sessionCookie: cookie])
                #expect(page.status == .ok, "\(uri)")
                #expect(page.text.contains(#"<td><a href="/sessions/S1">S1</a></td><td>2026-03-02 10:30</td><td>en cours</td>"#), "\(uri)")
                #expect(!page.text.contains("/sessions/S2"), "\(uri)")
            }
            let bad = try await client.get("/patients?ins=158056912345607", cookies: [WebServer.sessionCookie: cookie])
            #expect(bad.status == .unprocessableContent)
            #expect(
                bad.text.contains(
                    #"<div class="message" role="alert"><p>Recherche refusée. Message d’Accord (en anglais) :</p><p lang="en">--ins: the INS-NIR"#
                ))
            #expect(!bad.text.contains("<table>"))
            let givenAlone = try await client.get("/patients?prenom=zoe", cookies: [WebServer.sessionCookie: cookie])
            #expect(givenAlone.status == .unprocessableContent)
            #expect(givenAlone.text.contains("Le prénom seul ne suffit pas : indiquez aussi le nom de naissance."))
        }
    }

    @Test func theSearchSpeaksEnglishWhenTheBrowserAsksForIt() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try Self.twoSessions(site)
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            var headers = Self.cookieHeaderFields(cookie)
            headers[.acceptLanguage] = "en-GB,en;q=0.9"
            let page = try await client.execute(uri: "/patients?ins=158056912345606", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<html lang="en">"#))
            #expect(page.text.contains("<h1>Find a patient</h1>"))
            #expect(page.text.contains(#"<th scope="col">Start (Paris time)</th>"#))
            #expect(page.text.contains(#"<td><a href="/sessions/S1">S1</a></td><td>2026-03-02 10:30</td><td>open</td>"#))
            #expect(!page.text.contains("Rechercher"))
            #expect(!page.text.contains("heure de Paris"))
        }
    }

    static func cookieHeaderFields(_ cookie: String) -> HTTPFields { [.cookie: "\(WebServer.sessionCookie)=\(cookie)"] }

    @Test func theNameSearchIsBoundedAndSaysSo() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        var other = TypedSessionStart(clinicianID: WebTestSite.clinicianID, clinicianName: WebTestSite.clinicianName)
        other.familyName = "DURAND"
        other.givenNames = "PAUL"
        other.birthDate = "1960-01-01"
        other.sex = "M"
        other.birthplace = "75056"
        other.topic = "Choix"
        for _ in 1...51 { _ = try Self.service(site).start(typed: other, author: WebTestSite.clinicianID) }
        #expect(try site.store.sessions(ofPatientNamed: "durand", givenName: nil, limit: 50).map(\.id.number) == Array((2...51).reversed()))
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let page = try await client.get("/patients?nom=Durand", cookies: [WebServer.sessionCookie: cookie])
            #expect(page.text.contains("D’autres consultations correspondent : précisez la recherche."))
            #expect(page.text.contains(#"<a href="/sessions/S51">"#))
            #expect(page.text.contains(#"<a href="/sessions/S2">"#))
            #expect(!page.text.contains(#"<a href="/sessions/S1">"#))
        }
    }

    // MARK: - RCP report

    @Test func anRCPReportIsPreviewedThenStartsTheSessionTheServiceWouldStart() async throws {
        let site = try WebTestSite()
        let twin = try WebTestSite()
        defer {
            site.cleanUp()
            twin.cleanUp()
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.appareil))
        let report = try RCPReportFile.read(path: Self.appareil)
        let expected = try Self.service(twin).startFromRCP(
            report,
            AccordService.RCPStart(
                clinicianID: WebTestSite.clinicianID, clinicianName: WebTestSite.clinicianName, topic: "Choix après la RCP"),
            author: WebTestSite.clinicianID, ownFields: [])
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let form = try await client.get("/sessions/nouvelle/rcp", cookies: [WebServer.sessionCookie: cookie])
            #expect(form.status == .ok)
            #expect(
                form.text.contains(
                    #"<form method="post" action="/sessions/nouvelle/rcp" enctype="multipart/form-data" class="patients-form">"#))
            #expect(form.text.contains(#"<input id="rapport" name="rapport" type="file" accept=".xml" required>"#))
            let csrf = try #require(form.csrfField)
            let preview = try await client.postMultipart(
                "/sessions/nouvelle/rcp", fields: ["csrf": csrf], file: ("rapport", "fiche.xml", data),
                cookies: [WebServer.sessionCookie: cookie])
            #expect(preview.status == .ok)
            #expect(preview.text.contains("<h1>Fiche RCP : ce qui sera enregistré</h1>"))
            #expect(preview.text.contains("<dt>Nom de naissance</dt><dd>\(Self.escaped(report.patient.birthFamilyName))</dd>"))
            #expect(preview.text.contains("<dt>Date de naissance (AAAA-MM-JJ)</dt><dd>\(report.patient.birthDate)</dd>"))
            for option in report.options {
                #expect(preview.text.contains("<li>\(Self.escaped(option.label)) <code>\(option.kind.rawValue)</code></li>"))
            }
            for warning in report.warnings { #expect(preview.text.contains("<li>\(Self.escaped(warning))</li>")) }
            #expect(try site.store.sessions(matching: SessionQuery()).isEmpty, "a preview records nothing")
            let sealed = try #require(preview.hiddenField("sceau"))
            #expect(preview.hiddenField("rapport") == data.base64EncodedString())
            // A report changed after its preview is refused.
            var altered = data
            altered.append(contentsOf: Array(" ".utf8))
            let refused = try await client.post(
                "/sessions/nouvelle/rcp/confirmation",
                fields: ["csrf": csrf, "rapport": altered.base64EncodedString(), "sceau": sealed, "theme": "Choix après la RCP"],
                cookies: [WebServer.sessionCookie: cookie])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("La fiche à confirmer manque ou a été modifiée depuis sa lecture ; rien n’a été enregistré."))
            #expect(try site.store.sessions(matching: SessionQuery()).isEmpty)
            let confirmed = try await client.post(
                "/sessions/nouvelle/rcp/confirmation",
                fields: [
                    "csrf": csrf, "rapport": data.base64EncodedString(), "sceau": sealed, "theme": "Choix après la RCP", "modele": "",
                ],
                cookies: [WebServer.sessionCookie: cookie])
            if expected.warnings.isEmpty {
                #expect(confirmed.status == .seeOther)
                #expect(confirmed.headers[.location] == "/sessions/S1")
            } else {
                #expect(confirmed.status == .ok)
                #expect(confirmed.text.contains(#"<a href="/sessions/S1">S1</a>"#))
                for warning in expected.warnings { #expect(confirmed.text.contains("<li>\(Self.escaped(warning))</li>")) }
            }
        }
        let recorded = try site.store.events(of: SessionID(number: 1))
        let reference = try twin.store.events(of: SessionID(number: 1))
        #expect(recorded.map(\.change) == reference.map(\.change))
        #expect(recorded.map(\.author) == reference.map(\.author))
        #expect(try site.store.consultation(SessionID(number: 1)).start.topic == "Choix après la RCP")
    }

    @Test func aFileThatIsNoReportOrTooLargeIsRefused() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let cookie = try await client.signedInCookie()
            let csrf = try #require(try await client.get("/sessions/nouvelle/rcp", cookies: [WebServer.sessionCookie: cookie]).csrfField)
            let notReport = try await client.postMultipart(
                "/sessions/nouvelle/rcp", fields: ["csrf": csrf], file: ("rapport", "fiche.xml", Data("<html/>".utf8)),
                cookies: [WebServer.sessionCookie: cookie])
            #expect(notReport.status == .unprocessableContent)
            #expect(
                notReport.text.contains(
                    #"<div class="message" role="alert"><p>Rien n’a été enregistré. Message d’Accord (en anglais) :</p><p lang="en">rapport: "#
                ))
            let large = try await client.postMultipart(
                "/sessions/nouvelle/rcp", fields: ["csrf": csrf],
                file: ("rapport", "fiche.xml", Data(repeating: 0x20, count: 2 * 1024 * 1024 + 1)),
                cookies: [WebServer.sessionCookie: cookie])
            #expect(large.status == .contentTooLarge)
            #expect(large.text.contains("Le fichier dépasse 2 Mio ; rien n’a été enregistré."))
        }
        #expect(try site.store.sessions(matching: SessionQuery()).isEmpty)
    }
}

extension TestResponse {
    /// The value of the hidden field `name` (HTML-escaped as the page holds it).
    func hiddenField(_ name: String) -> String? {
        guard let range = text.range(of: #"<input type="hidden" name="\#(name)" value=""#) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestClientProtocol {
    /// `POST` of a `multipart/form-data` body: text fields, then one file.
    func postMultipart(
        _ uri: String, fields: [String: String], file: (name: String, filename: String, data: Data), cookies: [String: String]
    ) async throws -> TestResponse {
        let body = MultipartForm.body(fields: fields, file: (file.name, file.filename, file.data))
        var headers = Self.cookieHeader(cookies)
        headers[.contentType] = MultipartForm.contentType
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}
