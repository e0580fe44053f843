import AccordCore
import AccordService
import AccordStore
import AccordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// A site with session S1 started (the Lyon patient) and `changes` recorded through the
/// service, as the command line records them.
private func siteWithSession(_ changes: [Change] = []) throws -> WebTestSite {
    let site = try WebTestSite()
    let service = AccordService(store: site.store, clock: .fixed(at: Samples.instant))
    let started = try service.start(Samples.start(), author: nil)
    for change in changes { try service.record(change, in: started.id, author: WebTestSite.clinicianID) }
    return site
}

private let s1 = SessionID(number: 1)

extension TestClientProtocol {
    /// Signs in: the cookies to send and the sign-in's CSRF token.
    fileprivate func signedInSession() async throws -> (cookies: [String: String], csrf: String) {
        let cookies = [WebServer.sessionCookie: try await signedInCookie()]
        let page = try await get("/sessions", cookies: cookies)
        guard let csrf = page.csrfField else { throw WebTestError.noForm }
        return (cookies, csrf)
    }
}

@Suite struct WebConsultationTests {
    // MARK: - The page

    @Test func thePageShowsTheSessionAlongTheThreeTalksWithItsEntriesAndCompleteness() async throws {
        let site = try siteWithSession([
            .optionAdded(
                kind: .treatment, label: "Chirurgie", benefits: ["Survie à 5 ans 90 % (INCa 2024)"], harms: ["Fatigue <3 mois>"],
                trialID: nil, origin: nil),
            .preferenceAdded(text: "Continuer à travailler", importance: 4),
            .noteAdded(text: "Patient accompagné"),
            .phaseStarted(.team),
        ])
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, _) = try await client.signedInSession()
            let page = try await client.get("/sessions/S1", cookies: cookies)
            #expect(page.status == .ok)
            let text = page.text
            for fragment in [
                "<h1>Consultation S1</h1>",
                "<p class=\"consultation-topic\">Décision à prendre : Prise en charge d&#39;un cancer localisé</p>",
                "<p>Commencée le 02/03/2026 10:30 (heure de Paris) · <a href=\"/sessions/S1/historique\">Historique des événements</a></p>",
                "<h2 id=\"titre-equipe\">Temps du choix : préparer la décision ensemble</h2>",
                "<h2 id=\"titre-options\">Présentation des options</h2>",
                "<h2 id=\"titre-decision\">Temps de la décision</h2>",
                "<tr><td>P2</td><td>Professionnel de santé</td><td>Dr Hélène Roussel</td></tr>",
                "<h4>O1 — Chirurgie</h4>\n<p>Traitement</p>",
                "<h5>Bénéfices</h5><ul><li>Survie à 5 ans 90 % (INCa 2024)</li></ul>",
                "<h5>Risques et inconvénients</h5><ul><li>Fatigue &lt;3 mois&gt;</li></ul>",
                "<li>M1 — Continuer à travailler (importance 4/5)</li>",
                "<li>N1 — Patient accompagné</li>",
                "<p>Temps commencés (heure de Paris) :</p>\n<ul class=\"consultation-phases\"><li>temps du choix, 02/03/2026 10:30</li></ul>",
                "<tr><td>O1</td><td>Option</td><td>Chirurgie</td><td>en vigueur</td></tr>",
                "<option value=\"O1\">O1 — Option</option>",
                "<form method=\"post\" action=\"/sessions/S1/participants\" class=\"consultation-form\">",
                "<form method=\"post\" action=\"/sessions/S1/cloture\" class=\"consultation-form\">",
                "<h2 id=\"titre-completude\">Complétude du dossier</h2>",
                "<li>La décision et qui l’a prise</li>",
            ] {
                #expect(text.contains(fragment), "\(fragment)")
            }
            // The completeness the page shows is the record's.
            let completeness = try site.store.consultation(s1).completeness
            let applicable = completeness.present.count + completeness.missing.count
            #expect(text.contains("<p>\(completeness.present.count) éléments sur \(applicable) (\(completeness.percent) %).</p>"))
            // Open: no amendment reason asked, no amendments table.
            #expect(!text.contains("name=\"reason\" required"))
            #expect(!text.contains("titre-amendements"))
            #expect(!text.contains("role=\"alert\""))
            // English when the browser asks for it.
            let headers: HTTPFields = [
                .cookie: "\(WebServer.sessionCookie)=\(cookies[WebServer.sessionCookie] ?? "")", .acceptLanguage: "en",
            ]
            let english = try await client.execute(uri: "/sessions/S1", method: .get, headers: headers)
            #expect(english.text.contains("<h2 id=\"titre-options\">Option talk</h2>"))
            #expect(english.text.contains("Started on 2026-03-02 10:30 (Paris time)"))
            #expect(!english.text.contains("Présentation des options"))
        }
    }

    @Test func aSessionStartedFromATemplateShowsItsOptionsWithTheirSources() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates", isDirectory: true)
        let template = try TemplateCatalogue.load(from: folder).template("localised-prostate-cancer")
        let site = try WebTestSite()
        defer { site.cleanUp() }
        var start = Samples.start()
        let changes = template.apply(to: &start)
        _ = try AccordService(store: site.store, clock: .fixed(at: Samples.instant)).start(start, changes: changes, author: nil)
        let options = try site.store.consultation(s1).options
        #expect(options.count == 3)
        try await site.test { client in
            let (cookies, _) = try await client.signedInSession()
            let page = try await client.get("/sessions/S1", cookies: cookies)
            #expect(page.status == .ok)
            for option in options {
                #expect(page.text.contains("<h4>\(option.entry) — \(option.label)</h4>"))
                for line in option.benefits + option.harms {
                    let escaped = line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&#39;")
                        .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
                        .replacingOccurrences(of: ">", with: "&gt;")
                    #expect(page.text.contains("<li>\(escaped)</li>"), "\(option.entry)")
                }
            }
            #expect(page.text.contains("ProtecT"))
        }
    }

    @Test func theLongestNoteInAccentsIsRecordedAndALargerBodyIsRefusedPlainly() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            // 20,000 characters (the note's limit) of é: 120,000 bytes once percent-encoded.
            let longest = String(repeating: "é", count: 20_000)
            let recorded = try await client.post("/sessions/S1/notes", fields: ["csrf": csrf, "text": longest], cookies: cookies)
            #expect(recorded.status == .seeOther)
            #expect(try site.store.consultation(s1).notes.map(\.text) == [longest])
            let huge = String(repeating: "é", count: 100_000)
            let refused = try await client.post("/sessions/S1/notes", fields: ["csrf": csrf, "text": huge], cookies: cookies)
            #expect(refused.status == .contentTooLarge)
            #expect(refused.text.contains("<h1>Formulaire trop long</h1>"))
            #expect(refused.text.contains("rien n’a été enregistré"))
            #expect(try site.store.consultation(s1).notes.count == 1)
        }
    }

    // MARK: - Forms sent from an out-of-date page

    /// A form sent twice (a double click) records once: both carry the event count the page
    /// was shown with (`seen`), and the second finds the session changed: 409, the page as it
    /// now stands with the message on the form, nothing more recorded.
    @Test func aFormSentTwiceRecordsOnceAndTheSecondIsRefusedWithThePage() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            let page = try await client.get("/sessions/S1", cookies: cookies)
            #expect(try site.store.consultation(s1).eventCount == 1)
            let seen = try #require(page.fieldValue("seen"))
            #expect(seen == "1")
            let fields = ["csrf": csrf, "seen": seen, "text": "Appel du patient"]
            let first = try await client.post("/sessions/S1/notes", fields: fields, cookies: cookies)
            #expect(first.status == .seeOther)
            let second = try await client.post("/sessions/S1/notes", fields: fields, cookies: cookies)
            #expect(second.status == .conflict)
            #expect(second.text.contains("session S1 changed since the page was shown"))
            #expect(second.fieldValue("seen") == "2")
            #expect(try site.store.consultation(s1).notes.map(\.text) == ["Appel du patient"])
            #expect(try site.store.consultation(s1).eventCount == 2)
        }
    }

    /// Every form of the page carries the page's count, and a form sent after another change
    /// (here the closing, after a note recorded elsewhere) records nothing; a count that is no
    /// number is refused as bad input.
    @Test func aFormSentAfterAnotherChangeRecordsNothing() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            let page = try await client.get("/sessions/S1", cookies: cookies)
            let forms = page.text.components(separatedBy: #"action="/sessions/S1/"#).count - 1
            #expect(forms >= WebConsultationForm.allCases.count)
            #expect(page.text.components(separatedBy: #"name="seen" value="1""#).count - 1 == forms)
            let service = AccordService(store: site.store, clock: .fixed(at: Samples.instant))
            try service.record(.noteAdded(text: "Note prise ailleurs"), in: s1, author: WebTestSite.clinicianID)
            let closing = try await client.post("/sessions/S1/cloture", fields: ["csrf": csrf, "seen": "1"], cookies: cookies)
            #expect(closing.status == .conflict)
            #expect(try site.store.consultation(s1).status == .open)
            for garbled in ["2x", "+2", " 2", "-1", "", "２"] {
                let refused = try await client.post(
                    "/sessions/S1/notes", fields: ["csrf": csrf, "seen": garbled, "text": "Note"], cookies: cookies)
                #expect(refused.status == .unprocessableContent, "\(garbled)")
                #expect(refused.text.contains("is not an event count"))
            }
            #expect(try site.store.consultation(s1).notes.count == 1)
            let current = try await client.post("/sessions/S1/cloture", fields: ["csrf": csrf, "seen": "2"], cookies: cookies)
            #expect(current.status == .seeOther)
            #expect(try site.store.consultation(s1).status == .closed)
        }
    }

    @Test func aPhasesButtonReturnsToItsOwnTalk() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            for (phase, section) in [("team", "echange-equipe"), ("option", "echange-options"), ("decision", "echange-decision")] {
                let response = try await client.post("/sessions/S1/phases", fields: ["csrf": csrf, "phase": phase], cookies: cookies)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/sessions/S1#\(section)")
            }
        }
    }

    @Test func anUnknownSessionIsNotFound() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            for uri in ["/sessions/S2", "/sessions/S2/historique", "/sessions/X1", "/sessions/S1/nowhere"] {
                let page = try await client.get(uri, cookies: cookies)
                #expect(page.status == .notFound, "\(uri)")
                #expect(page.text.contains("<h1>Page introuvable</h1>"), "\(uri)")
            }
            let post = try await client.post("/sessions/S2/notes", fields: ["csrf": csrf, "text": "Note"], cookies: cookies)
            #expect(post.status == .notFound)
            #expect(throws: AccordError.self) { try site.store.events(of: SessionID(number: 2)) }
            #expect(try site.store.events(of: s1).count == 1)
        }
    }

    @Test func signedOutEveryRouteRedirectsToTheSignInPageAndRecordsNothing() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            for uri in ["/sessions/S1", "/sessions/S1/historique"] {
                let page = try await client.get(uri)
                #expect(page.status == .found)
                #expect(page.headers[.location] == "/connexion")
            }
            let post = try await client.post("/sessions/S1/notes", fields: ["csrf": "x", "text": "Note"])
            #expect(post.status == .found)
            #expect(post.headers[.location] == "/connexion")
            #expect(try site.store.events(of: s1).count == 1)
        }
    }

    @Test func aPostWithoutTheSignInsTokenIsRefusedAndRecordsNothing() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, _) = try await client.signedInSession()
            for path in ["notes", "options", "cloture", "retrait"] {
                let missing = try await client.post("/sessions/S1/\(path)", fields: ["text": "Note"], cookies: cookies)
                #expect(missing.status == .forbidden, "\(path)")
                let wrong = try await client.post("/sessions/S1/\(path)", fields: ["csrf": "wrong", "text": "Note"], cookies: cookies)
                #expect(wrong.status == .forbidden, "\(path)")
                #expect(wrong.text.contains("rien n’a été enregistré"))
            }
            #expect(try site.store.events(of: s1).count == 1)
        }
    }

    // MARK: - Each form records the command line's change

    /// A form, what is typed into it, the changes recorded before it, and the change the
    /// matching `accord` command records for the same values.
    struct FormCase: Sendable, CustomTestStringConvertible {
        var path: String
        var fields: [String: String]
        var before: [Change] = []
        var expected: Change
        var section: String
        var testDescription: String { path }
    }

    static let option = Change.optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil)

    static let formCases: [FormCase] = [
        FormCase(
            path: "participants",
            fields: ["role": "relative", "family_name": "MARTIN", "given_name": "Claire", "relationship": "SIGOTHR", "name": " "],
            expected: .participantAdded(
                role: .relative, name: PersonDetails(familyName: "MARTIN", givenName: "Claire").nameLine!, id: nil, function: nil,
                details: PersonDetails(familyName: "MARTIN", givenName: "Claire", relationship: "SIGOTHR")),
            section: "echange-equipe"),
        FormCase(
            path: "participants",
            fields: ["role": "professional", "name": "Dr Paul Lenoir", "prefix": "dr", "specialty": "G15_10/SM36", "id": "810123456781"],
            expected: .participantAdded(
                role: .professional, name: "Dr Paul Lenoir", id: "810123456781", function: nil,
                details: PersonDetails(prefix: "DR", specialty: "G15_10/SM36")),
            section: "echange-equipe"),
        FormCase(
            path: "options",
            fields: [
                "kind": "clinical-trial", "label": "Essai de radiothérapie",
                "benefits": "Contrôle local 95 % (essai X)\r\n\r\nMoins de visites",
                "harms": "Cystite 10 %", "trial_id": "nct01234567",
            ],
            expected: .optionAdded(
                kind: .clinicalTrial, label: "Essai de radiothérapie", benefits: ["Contrôle local 95 % (essai X)", "Moins de visites"],
                harms: ["Cystite 10 %"], trialID: "NCT01234567", origin: nil),
            section: "echange-options"),
        FormCase(
            path: "preferences", fields: ["text": "Continuer à travailler", "importance": "5"],
            expected: .preferenceAdded(text: "Continuer à travailler", importance: 5), section: "echange-equipe"),
        FormCase(path: "phases", fields: ["phase": "option"], expected: .phaseStarted(.option), section: "echange-equipe"),
        FormCase(
            path: "aides", fields: ["name": "Fiche INCa", "version": "2024"],
            expected: .decisionAidGiven(name: "Fiche INCa", version: "2024"), section: "echange-options"),
        FormCase(
            path: "comprehension", fields: ["method": "reformulation"], expected: .understandingChecked(method: "reformulation"),
            section: "echange-decision"),
        FormCase(
            path: "reflexion", fields: ["until": "2026-03-20"], expected: .reflectionOffered(until: CalendarDate("2026-03-20")),
            section: "echange-decision"),
        FormCase(
            path: "essai", fields: ["eligibility": "eligible", "offered": "yes", "answer": "undecided"],
            expected: .trialDiscussed(eligibility: .eligible, offered: true, answer: .undecided), section: "echange-options"),
        FormCase(
            path: "decision", fields: ["outcome": "agreed", "agreed": "1", "by-P1": "on", "by-P2": "on", "next_contact": ""],
            before: [option],
            expected: .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1"), EntryID("P2")], answeredBy: nil),
            section: "echange-decision"),
        FormCase(
            path: "decision", fields: ["outcome": "deferred", "next_contact": "2026-03-16", "by-P1": "on"],
            expected: .decisionRecorded(
                outcome: .deferred(nextContact: CalendarDate("2026-03-16")!), takenBy: [EntryID("P1")], answeredBy: nil),
            section: "echange-decision"),
        // A browser sends a text area's line breaks as CR LF: recorded as the line feeds the command line takes.
        FormCase(
            path: "notes", fields: ["text": "Patient accompagné\r\nde sa fille"],
            expected: .noteAdded(text: "Patient accompagné\nde sa fille"),
            section: "notes"),
        FormCase(path: "cloture", fields: [:], expected: .sessionClosed, section: "cloture"),
    ]

    @Test(arguments: formCases)
    func eachFormRecordsTheChangeTheCommandLineRecords(_ form: FormCase) async throws {
        let site = try siteWithSession(form.before)
        defer { site.cleanUp() }
        let reference = try siteWithSession(form.before)
        defer { reference.cleanUp() }
        let service = AccordService(store: reference.store, clock: .fixed(at: Samples.instant))
        if form.expected == .sessionClosed {
            _ = try service.close(s1, author: WebTestSite.clinicianID, requireComplete: false)
        } else {
            try service.record(form.expected, in: s1, author: WebTestSite.clinicianID)
        }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            let response = try await client.post(
                "/sessions/S1/\(form.path)", fields: form.fields.merging(["csrf": csrf]) { $1 }, cookies: cookies)
            #expect(response.status == .seeOther, "\(response.text)")
            // A phase's button returns to its own talk (aPhasesButtonReturnsToItsOwnTalk).
            if form.path != "phases" { #expect(response.headers[.location] == "/sessions/S1#\(form.section)") }
        }
        let events = try site.store.events(of: s1)
        #expect(events.last?.change == form.expected)
        #expect(events.last?.author == WebTestSite.clinicianID)
        #expect(events.last?.reason == nil)
        #expect(events.count == 2 + form.before.count)
        #expect(try site.store.consultation(s1) == reference.store.consultation(s1))
    }

    @Test func aWithdrawalRecordsTheEntryAndItsReason() async throws {
        let site = try siteWithSession([Self.option])
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            let response = try await client.post(
                "/sessions/S1/retrait", fields: ["csrf": csrf, "entry": "o1", "reason": "Saisie en double"], cookies: cookies)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/sessions/S1#entrees")
            let page = try await client.get("/sessions/S1", cookies: cookies)
            #expect(page.text.contains("<tr><td>O1</td><td>Option</td><td>Chirurgie</td><td>retiré</td></tr>"))
            #expect(!page.text.contains("<option value=\"O1\">"))
        }
        let last = try #require(try site.store.events(of: s1).last)
        #expect(last.change == .entryWithdrawn(entry: EntryID("O1")))
        #expect(last.reason == "Saisie en double")
        #expect(try site.store.consultation(s1).options[0].withdrawn)
    }

    // MARK: - Bad input

    /// A form with a value the command line refuses: the message it prints, and a value typed
    /// that the form shows again.
    struct BadInput: Sendable, CustomTestStringConvertible {
        var path: String
        var fields: [String: String]
        var message: String
        var kept: String
        var testDescription: String { path + " " + message }
    }

    static let badInputs: [BadInput] = [
        BadInput(
            path: "participants", fields: ["role": "relative", "family_name": "MARTIN", "relationship": "NOPE"],
            message: "--relationship:", kept: "<input id=\"participant-family\" name=\"family_name\" value=\"MARTIN\">"),
        BadInput(
            path: "participants", fields: ["role": "professional", "name": "Dr Paul Lenoir"],
            message: "--id: is missing for a professional; expected the professional&#39;s IdNat_PS (8 + RPPS).",
            kept: "<option value=\"professional\" selected>Professionnel de santé</option>"),
        BadInput(
            path: "options", fields: ["kind": "treatment", "label": "Chirurgie", "trial_id": "NCT01234567"],
            message: "--trial-id: is given for an option that is not a clinical trial; expected --kind clinical-trial.",
            kept: "<input id=\"option-label\" name=\"label\" value=\"Chirurgie\">"),
        BadInput(
            path: "preferences", fields: ["text": "Voyager", "importance": "9"],
            message: "--importance: is out of range; expected a whole number from 1 (a little) to 5 (above all).",
            kept: "<textarea id=\"preference-text\" name=\"text\" rows=\"3\">Voyager</textarea>"),
        BadInput(
            path: "decision", fields: ["outcome": "agreed", "agreed": "7"], message: "--agreed: session S1 has no option 7",
            kept: "<input type=\"radio\" id=\"decision-agreed\" name=\"outcome\" value=\"agreed\" checked>"),
        BadInput(
            path: "reflexion", fields: ["until": "20/03/2026"],
            message: "--until: is not a calendar date; expected a date as YYYY-MM-DD.",
            kept: "<input id=\"reflection-until\" name=\"until\" type=\"date\" value=\"20/03/2026\">"),
        BadInput(
            path: "phases", fields: ["phase": "lunch"], message: "PHASE: is missing or not a phase; expected team, option or decision.",
            kept: "<input type=\"hidden\" name=\"phase\" value=\"team\">"),
        BadInput(
            path: "retrait", fields: ["entry": "X9", "reason": "Doublon"],
            message: "ENTRY: is not an entry id; expected an entry id as `session show` lists it: P3, O2, M1, D1, N1, A1, I1…",
            kept: "<input id=\"withdrawal-reason\" name=\"reason\" value=\"Doublon\">"),
        BadInput(
            path: "retrait", fields: ["entry": "P1"], message: "--reason: is missing; expected why the entry is withdrawn.",
            kept: "<option value=\"P1\" selected>P1 — Participant</option>"),
        BadInput(
            path: "cloture", fields: ["require_complete": "on"],
            message: "session S1 misses 12 required element(s) and was not closed; record them, or close without --require-complete.",
            kept: "<input type=\"checkbox\" id=\"closing-complete\" name=\"require_complete\" value=\"on\" checked>"),
    ]

    @Test(arguments: badInputs)
    func badInputShowsTheCommandLinesMessageKeepsWhatWasTypedAndRecordsNothing(_ bad: BadInput) async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        let before = try site.store.consultation(s1)
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            let response = try await client.post(
                "/sessions/S1/\(bad.path)", fields: bad.fields.merging(["csrf": csrf]) { $1 }, cookies: cookies)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("<p lang=\"en\">\(bad.message)"), "\(response.text)")
            #expect(response.text.contains(bad.kept), "\(bad.kept)")
            #expect(response.text.components(separatedBy: "role=\"alert\"").count == 2)
        }
        #expect(try site.store.events(of: s1).count == 1)
        #expect(try site.store.consultation(s1) == before)
    }

    // MARK: - After closing

    @Test func onceClosedAChangeNeedsAReasonAndThePageShowsTheAmendments() async throws {
        let site = try siteWithSession()
        defer { site.cleanUp() }
        try await site.test { client in
            let (cookies, csrf) = try await client.signedInSession()
            #expect(try await client.post("/sessions/S1/cloture", fields: ["csrf": csrf], cookies: cookies).status == .seeOther)
            let closed = try await client.get("/sessions/S1", cookies: cookies)
            #expect(
                closed.text.contains(
                    "<p class=\"consultation-closed\" role=\"status\">Consultation close le 02/03/2026 10:30 (heure de Paris). Toute modification est désormais un amendement : indiquez-en le motif.</p>"
                ))
            #expect(closed.text.contains("<input id=\"note-reason\" name=\"reason\" required value=\"\">"))
            #expect(!closed.text.contains("action=\"/sessions/S1/cloture\""))
            // Without a reason: refused, nothing recorded.
            let refused = try await client.post("/sessions/S1/notes", fields: ["csrf": csrf, "text": "Appel du patient"], cookies: cookies)
            #expect(refused.status == .unprocessableContent)
            #expect(
                refused.text.contains(
                    "<div class=\"message\" role=\"alert\"><p>Rien n’a été enregistré. Message d’Accord (en anglais) :</p><p lang=\"en\">session S1 is closed: a change to it is an amendment; repeat the command with --reason &quot;why&quot; to record it as one.</p></div>"
                ))
            #expect(refused.text.contains("<textarea id=\"note-text\" name=\"text\" rows=\"4\">Appel du patient</textarea>"))
            #expect(try site.store.events(of: s1).count == 2)
            // With one: an amendment.
            let amended = try await client.post(
                "/sessions/S1/notes", fields: ["csrf": csrf, "text": "Appel du patient", "reason": "Appel reçu après la consultation"],
                cookies: cookies)
            #expect(amended.status == .seeOther)
            let page = try await client.get("/sessions/S1", cookies: cookies)
            #expect(
                page.text.contains(
                    "<tr><td>02/03/2026 10:30</td><td>\(WebTestSite.clinicianID)</td><td>N1</td><td>\(try site.store.consultation(s1).amendments[0].change)</td><td>Appel reçu après la consultation</td></tr>"
                ), "\(page.text)")
        }
        let last = try #require(try site.store.events(of: s1).last)
        #expect(last.change == .noteAdded(text: "Appel du patient"))
        #expect(last.reason == "Appel reçu après la consultation")
        #expect(try site.store.consultation(s1).amendmentCount == 1)
    }

    // MARK: - History

    @Test func theHistoryListsTheEventsInOrderInParisTime() async throws {
        let site = try siteWithSession([Self.option])
        defer { site.cleanUp() }
        let service = AccordService(store: site.store, clock: .fixed(at: Samples.instant))
        _ = try service.close(s1, author: WebTestSite.clinicianID, requireComplete: false)
        try service.record(.entryWithdrawn(entry: EntryID("O1")), in: s1, author: WebTestSite.clinicianID, reason: "Erreur de saisie")
        try await site.test { client in
            let (cookies, _) = try await client.signedInSession()
            let page = try await client.get("/sessions/S1/historique", cookies: cookies)
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Historique de la consultation S1</h1>"))
            let id = WebTestSite.clinicianID
            #expect(
                page.text.contains(
                    """
                    <tr><td>1</td><td>session-started</td><td>02/03/2026 10:30</td><td>\(id)</td><td></td></tr>
                    <tr><td>2</td><td>option-added</td><td>02/03/2026 10:30</td><td>\(id)</td><td></td></tr>
                    <tr><td>3</td><td>session-closed</td><td>02/03/2026 10:30</td><td>\(id)</td><td></td></tr>
                    <tr><td>4</td><td>entry-withdrawn</td><td>02/03/2026 10:30</td><td>\(id)</td><td>Amendement : Erreur de saisie</td></tr>
                    """), "\(page.text)")
            #expect(page.text.contains("<th scope=\"col\">Date (heure de Paris)</th>"))
        }
    }

    // MARK: - Instruments (read only)

    @Test func recordedInstrumentsAreShownWithTheirScores() async throws {
        let definition = try Instrument.named("sdm-q-9")
        let answers = try definition.parseAnswers("5,4,5,3,4,5,5,4,5")
        let score = try definition.score(answers)
        let site = try siteWithSession([
            .instrumentRecorded(
                instrument: definition.id, version: definition.version, respondent: definition.defaultRespondent, answers: answers,
                score: score, answeredBy: nil)
        ])
        defer { site.cleanUp() }
        let formatted = try #require(score.formatted)
        try await site.test { client in
            let (cookies, _) = try await client.signedInSession()
            let page = try await client.get("/sessions/S1", cookies: cookies)
            #expect(
                page.text.contains(
                    "<li>I1 — sdm-q-9 \(definition.version) (02/03/2026 10:30, heure de Paris) — score : \(formatted)</li>"),
                "\(page.text)")
            #expect(
                page.text.contains("<tr><td>I1</td><td>Questionnaire</td><td>sdm-q-9 \(definition.version)</td><td>en vigueur</td></tr>"))
        }
    }

    // MARK: - Paris time

    @Test func instantsAreShownInParisTimeSummerTimeIncluded() throws {
        let winter = try #require(UTCInstant.parse("2026-03-02T09:30:00Z"))
        let summer = try #require(UTCInstant.parse("2026-07-14T22:15:00Z"))
        #expect(WebConsultationContext.parisTime(winter, WebStrings(.french)) == "02/03/2026 10:30")
        #expect(WebConsultationContext.parisTime(summer, WebStrings(.french)) == "15/07/2026 00:15")
        #expect(WebConsultationContext.parisTime(summer, WebStrings(.english)) == "2026-07-15 00:15")
    }
}
