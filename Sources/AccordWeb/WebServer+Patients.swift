import AccordCore
import AccordService
import AccordStore
import AccordXML
import Foundation
import HTTPTypes
import Hummingbird

extension WebServer {
    /// Finding a patient's sessions and starting a session: routes.
    ///
    /// - `GET /patients`: the search form; with `ins`, `ipp`, `nom` (birth family name, its
    ///   start, without case or accents), `prenom` (first given name's start, with `nom`) or
    ///   `date` (a Paris day, `YYYY-MM-DD`) in the query, the sessions that match all of them,
    ///   newest first, at most ``patientsSearchLimit``. A bad value: 422 and the CLI's message.
    /// - `GET /sessions/nouvelle`: the form of `accord session start`; `POST` starts the
    ///   session (``AccordService/AccordService/start(typed:author:)``), the signed-in clinician
    ///   leading it and recording it; 303 to `/sessions/{id}`, or 200 and the identity warnings
    ///   with a link to the session when there are any; bad input: 422 and the CLI's message,
    ///   nothing recorded. The form carries a one-time token (`once`): sent again with the same
    ///   values, it answers the session its first sending started, and starts no other
    ///   (``WebOnceForms``).
    /// - `GET /sessions/nouvelle/rcp`: the upload form of an RCP report (FRCP, at most
    ///   ``patientsUploadLimit`` bytes); `POST` shows what will be recorded (no record yet) and
    ///   a confirmation form holding the report (``WebRCPSeal``);
    ///   `POST /sessions/nouvelle/rcp/confirmation` starts the session from it, answering as
    ///   the typed start does.
    func addPatientsRoutes(to router: Router<BasicRequestContext>) {
        router.get("/patients") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            return try patientSearch(request, user)
        }
        router.get("/sessions/nouvelle") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            return newSessionPage(user, form: [:], message: nil, status: .ok)
        }
        router.post("/sessions/nouvelle") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            let form = try await Self.form(request)
            guard let sent = form["csrf"], WebTokens.equal(sent, user.signIn.csrfToken) else { return forbidden(user.strings) }
            switch await startForms.claim(form, by: user.account.idnatPS, now: now) {
            case .answeredBefore(let started): return try sentBefore(started, user)
            case .record(let ticket): return try startTyped(form, user, ticket: ticket)
            }
        }
        router.get("/sessions/nouvelle/rcp") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            return rcpUploadPage(user, message: nil, status: .ok)
        }
        router.post("/sessions/nouvelle/rcp") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            return try await rcpPreview(request, user)
        }
        router.post("/sessions/nouvelle/rcp/confirmation") { request, _ -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            return try await rcpConfirm(request, user)
        }
    }

    /// The most sessions a search lists: 50, the newest (the page says so).
    static let patientsSearchLimit = 50
    /// The largest RCP report upload, in bytes (2 MiB), the multipart envelope included.
    static let patientsUploadLimit = 2 * 1024 * 1024
    /// The largest confirmation form (the report in base64, percent-encoded), in bytes.
    static let patientsConfirmationLimit = 6 * 1024 * 1024

    // MARK: - Search

    func patientSearch(_ request: Request, _ user: SignedIn) throws -> Response {
        let query = Self.parseForm(request.uri.query ?? "")
        var typed: [String: String] = [:]
        for key in ["ins", "ipp", "nom", "prenom", "date"] {
            typed[key] = (query[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var context: [String: Any] = ["v": typed]
        func field(_ key: String) -> String? { typed[key].flatMap { $0.isEmpty ? nil : $0 } }
        guard field("ins") != nil || field("ipp") != nil || field("nom") != nil || field("date") != nil else {
            if field("prenom") != nil { context["notice"] = user.strings["patientsGivenNameAlone"] }
            return Self.page(
                pages.render(
                    "patientsSearch", title: user.strings["patientsTitle"], context: context, header: user.header, strings: user.strings),
                status: field("prenom") != nil ? .unprocessableContent : .ok)
        }
        var sessions: [SessionSummary]
        do {
            let ins = try field("ins").map { text in
                let upper = text.uppercased()
                try FieldRules.insNumber(upper, "--ins")
                return upper
            }
            if let ipp = field("ipp") { try FieldRules.localIdentifier(ipp, "--ipp") }
            let day = try field("date").map { text in
                guard let day = CalendarDate(text) else {
                    throw AccordError.invalid("date", "is not a calendar date", accepted: "a date as YYYY-MM-DD")
                }
                return day
            }
            let limit = Self.patientsSearchLimit + 1
            if let family = field("nom") {
                sessions = try service.sessions(ofPatientNamed: family, givenName: field("prenom"), limit: limit)
                sessions = sessions.filter { summary in
                    (ins == nil || summary.patientINS == ins) && (field("ipp") == nil || summary.ipp?.extension_ == field("ipp"))
                }
            } else {
                // A Paris day spans two UTC days: the day before and the day itself.
                let from = day.map { CalendarDate(utcDayOf: $0.startInstant.addingTimeInterval(-86_400)) }
                sessions = try service.sessions(
                    matching: SessionQuery(ins: ins, ipp: field("ipp"), from: from, to: day, limit: day == nil ? limit : nil))
            }
            if let day { sessions = sessions.filter { WebParisTime.day($0.startedAt) == day } }
        } catch let error as AccordError where error.code == .invalidInput {
            context["message"] = error.description
            return Self.page(
                pages.render(
                    "patientsSearch", title: user.strings["patientsTitle"], context: context, header: user.header, strings: user.strings),
                status: .unprocessableContent)
        }
        let more = sessions.count > Self.patientsSearchLimit
        sessions = Array(sessions.prefix(Self.patientsSearchLimit))
        // A results list reads each listed patient's record.
        for summary in sessions { try logRead(of: summary.id, by: user.account.idnatPS, page: "search") }
        logger.info("patient search", metadata: ["results": "\(sessions.count)"])
        context["searched"] = true
        context["more"] = more
        context["hasResults"] = !sessions.isEmpty
        context["results"] = sessions.map { summary -> [String: Any] in
            [
                "id": summary.id.description, "start": WebParisTime.text(summary.startedAt),
                "status": user.strings[summary.status == "closed" ? "patientsStatusClosed" : "patientsStatusOpen"],
                "topic": summary.topic,
                "patient": [summary.birthFamilyName, summary.firstGivenName].compactMap { $0 }.joined(separator: " "),
                "birthDate": summary.birthDate ?? "",
            ]
        }
        return Self.page(
            pages.render(
                "patientsSearch", title: user.strings["patientsTitle"], context: context, header: user.header, strings: user.strings),
            status: .ok)
    }

    // MARK: - Starting from typed values

    /// The fields of the new-session form, as `accord session start`'s options.
    static let patientsStartFields = [
        "ins", "oidIns", "statut", "nom", "prenoms", "premierPrenom", "nomUsage", "prenomUsage", "naissance", "sexe",
        "lieuNaissance", "ipp", "finess", "theme", "diagnostic", "codeDiagnostic", "systemeCode", "modele", "fonction",
    ]

    func startTyped(_ form: [String: String], _ user: SignedIn, ticket: WebOnceForms<StartedSession>.Ticket?) throws -> Response {
        func value(_ key: String) -> String? {
            form[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var typed = TypedSessionStart(clinicianID: user.account.idnatPS, clinicianName: user.account.name)
        typed.patientINS = value("ins")
        typed.insOID = value("oidIns")
        typed.identityStatus = value("statut")
        typed.familyName = value("nom")
        typed.givenNames = value("prenoms")
        typed.firstGivenName = value("premierPrenom")
        typed.usedFamilyName = value("nomUsage")
        typed.usedGivenName = value("prenomUsage")
        typed.birthDate = value("naissance")
        typed.sex = value("sexe")
        typed.birthplace = value("lieuNaissance")
        typed.ipp = value("ipp")
        typed.organisationFINESS = value("finess")
        typed.topic = value("theme")
        typed.condition = value("diagnostic")
        typed.conditionCode = value("codeDiagnostic")
        typed.conditionCodeSystem = value("systemeCode")
        typed.clinicianFunction = value("fonction")
        typed.patientPresent = form["absent"] == nil
        let started: StartedSession
        do {
            typed.template = try value("modele").map { try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template($0) }
            started = try service.start(typed: typed, author: user.account.idnatPS)
        } catch let error as AccordError where error.code == .invalidInput || error.code == .notFound {
            startForms.refused(ticket)
            logger.info("session start refused: bad input")
            return newSessionPage(user, form: form, message: error.description, status: .unprocessableContent)
        } catch {
            startForms.refused(ticket)
            throw error
        }
        startForms.answered(ticket, started, now: now())
        logger.info("session started", metadata: ["session": "\(started.id)"])
        return try startedResponse(started, user)
    }

    /// The answer to a form that starts a session sent again with the same values (its
    /// `once` token and values claimed by an earlier sending, ``WebOnceForms``): what the
    /// earlier sending answered, the session it started.
    func sentBefore(_ started: StartedSession, _ user: SignedIn) throws -> Response {
        logger.info("session start sent again: answered with the session its first sending started", metadata: ["session": "\(started.id)"])
        return try startedResponse(started, user)
    }

    /// 303 to the new session's page, or, when there are warnings to read first, 200 and the
    /// warnings with a link to it (they name fields and sessions, never values).
    func startedResponse(_ started: StartedSession, _ user: SignedIn) throws -> Response {
        guard !started.warnings.isEmpty else { return .redirect(to: "/sessions/\(started.id)", type: .normal) }
        try logRead(of: started.id, by: user.account.idnatPS, page: "start")
        let context: [String: Any] = ["id": started.id.description, "warnings": started.warnings]
        return Self.page(
            pages.render(
                "patientsStarted", title: user.strings["patientsStartedTitle"], context: context, header: user.header,
                strings: user.strings),
            status: .ok)
    }

    func newSessionPage(_ user: SignedIn, form: [String: String], message: String?, status: HTTPResponse.Status) -> Response {
        var values: [String: String] = [:]
        for key in Self.patientsStartFields { values[key] = form[key] ?? "" }
        func choices(_ options: [(String, String)], _ key: String) -> [[String: Any]] {
            options.map { ["value": $0.0, "label": $0.1, "selected": values[key] == $0.0] }
        }
        let strings = user.strings
        var context: [String: Any] = [
            "csrf": user.signIn.csrfToken, "once": startForms.issue(by: user.account.idnatPS, now: now()), "v": values,
            "absent": form["absent"] != nil,
            "oids": choices(
                [
                    ("", strings["patientsOIDDefault"]), (KnownOID.insNIR, strings["patientsOIDProduction"]),
                    (KnownOID.insNIRTest, strings["patientsOIDTest"]),
                ], "oidIns"),
            "statuses": choices(
                [("", strings["patientsStatusDefault"])]
                    + IdentityStatus.allCases.map { ($0.rawValue, strings["patientsIdentity" + $0.rawValue.capitalized]) },
                "statut"),
            "sexes": choices(
                [
                    ("", strings["patientsChoose"]), ("F", strings["patientsSexF"]), ("M", strings["patientsSexM"]),
                    ("U", strings["patientsSexU"]),
                ],
                "sexe"),
            "templates": choices([("", strings["patientsNoTemplate"])] + templateChoices(strings), "modele"),
        ]
        if let message { context["message"] = message }
        return Self.page(
            pages.render("patientsNew", title: strings["patientsNewTitle"], context: context, header: user.header, strings: strings),
            status: status)
    }

    /// The centre's decision templates (`accord template list`) as choices: id and title; none
    /// when the templates folder cannot be read (choosing one then says why).
    func templateChoices(_ strings: WebStrings) -> [(String, String)] {
        guard let catalogue = try? TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()) else {
            logger.info("decision templates unreadable")
            return []
        }
        return catalogue.templates.map { ($0.id, strings.language == .french ? $0.title.fr : $0.title.en) }
    }

    // MARK: - Starting from an RCP report

    /// The upload form; `message`: an `AccordError`'s description (English), `notice`: a
    /// sentence of the catalogue.
    func rcpUploadPage(_ user: SignedIn, message: String? = nil, notice: String? = nil, status: HTTPResponse.Status) -> Response {
        var context: [String: Any] = ["csrf": user.signIn.csrfToken]
        if let message { context["message"] = message }
        if let notice { context["notice"] = notice }
        return Self.page(
            pages.render(
                "patientsRCPUpload", title: user.strings["patientsRCPTitle"], context: context, header: user.header, strings: user.strings),
            status: status)
    }

    func rcpPreview(_ request: Request, _ user: SignedIn) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.patientsUploadLimit)
        } catch {
            logger.info("RCP report refused: too large")
            return rcpUploadPage(user, notice: user.strings["patientsRCPTooLarge"], status: .contentTooLarge)
        }
        guard let boundary = WebMultipartForm.boundary(contentType: request.headers[.contentType]),
            let form = WebMultipartForm(body: Data(body.readableBytesView), boundary: boundary),
            let sent = form.field("csrf"), WebTokens.equal(sent, user.signIn.csrfToken)
        else { return forbidden(user.strings) }
        guard let file = form.part("rapport"), !file.data.isEmpty else {
            return rcpUploadPage(user, notice: user.strings["patientsRCPNoFile"], status: .unprocessableContent)
        }
        let report: RCPReport
        do {
            report = try RCPReportFile.read(data: file.data, field: "rapport")
        } catch let error as AccordError {
            logger.info("RCP report refused: not a report")
            return rcpUploadPage(user, message: error.description, status: .unprocessableContent)
        }
        return rcpPreviewPage(user, report: report, data: file.data, form: [:], message: nil, status: .ok)
    }

    func rcpPreviewPage(
        _ user: SignedIn, report: RCPReport, data: Data, form: [String: String], message: String?, status: HTTPResponse.Status
    ) -> Response {
        let strings = user.strings
        let patient = report.patient
        var values: [String: String] = [:]
        for key in ["finess", "theme", "modele", "fonction"] { values[key] = form[key] ?? "" }
        var context: [String: Any] = [
            "csrf": user.signIn.csrfToken, "once": startForms.issue(by: user.account.idnatPS, now: now()),
            "report": data.base64EncodedString(), "seal": WebRCPSeal.seal(data, key: user.signIn.csrfToken),
            "v": values, "absent": form["absent"] != nil,
            "familyName": patient.birthFamilyName, "givenNames": patient.birthGivenNames, "birthDate": patient.birthDate.description,
            "sex": patient.sex.rawValue, "birthplace": patient.birthplaceCode, "ins": patient.ins ?? "",
            "ipp": report.ipp?.extension_ ?? "",
            "meetingDate": report.meetingDate?.description ?? "", "finess": report.organisationFINESS ?? "",
            "condition": report.condition?.text ?? "", "conditionCode": report.condition?.code ?? "",
            "options": report.options.map { ["label": $0.label, "kind": $0.kind.rawValue] },
            "hasWarnings": !report.warnings.isEmpty, "warnings": report.warnings, "defaultTopic": report.defaultTopic,
            "templates": ([("", strings["patientsNoTemplate"])] + templateChoices(strings)).map {
                ["value": $0.0, "label": $0.1, "selected": values["modele"] == $0.0] as [String: Any]
            },
        ]
        if let message { context["message"] = message }
        return Self.page(
            pages.render(
                "patientsRCPPreview", title: strings["patientsRCPPreviewTitle"], context: context, header: user.header, strings: strings),
            status: status)
    }

    func rcpConfirm(_ request: Request, _ user: SignedIn) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.patientsConfirmationLimit)
        let form = Self.parseForm(String(buffer: body))
        guard let sent = form["csrf"], WebTokens.equal(sent, user.signIn.csrfToken) else { return forbidden(user.strings) }
        guard let text = form["rapport"], let data = Data(base64Encoded: text), let seal = form["sceau"],
            WebRCPSeal.fits(data, seal: seal, key: user.signIn.csrfToken)
        else {
            logger.info("RCP confirmation refused: report missing or altered")
            return rcpUploadPage(user, notice: user.strings["patientsRCPAltered"], status: .unprocessableContent)
        }
        let report: RCPReport
        do {
            report = try RCPReportFile.read(data: data, field: "rapport")
        } catch let error as AccordError {
            return rcpUploadPage(user, message: error.description, status: .unprocessableContent)
        }
        func value(_ key: String) -> String? {
            form[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let ticket: WebOnceForms<StartedSession>.Ticket?
        switch await startForms.claim(form, by: user.account.idnatPS, now: now) {
        case .answeredBefore(let started): return try sentBefore(started, user)
        case .record(let claimed): ticket = claimed
        }
        let started: StartedSession
        do {
            let template = try value("modele").map { try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template($0) }
            started = try service.startFromRCP(
                report,
                AccordService.RCPStart(
                    clinicianID: user.account.idnatPS, clinicianName: user.account.name, clinicianFunction: value("fonction"),
                    topic: value("theme"), organisationFINESS: value("finess"), patientPresent: form["absent"] == nil, template: template),
                author: user.account.idnatPS, ownFields: Self.patientsRCPOwnFields)
        } catch let error as AccordError where error.code == .invalidInput || error.code == .notFound {
            startForms.refused(ticket)
            logger.info("session start from an RCP report refused: bad input")
            return rcpPreviewPage(user, report: report, data: data, form: form, message: error.description, status: .unprocessableContent)
        } catch {
            startForms.refused(ticket)
            throw error
        }
        startForms.answered(ticket, started, now: now())
        logger.info("session started from an RCP report", metadata: ["session": "\(started.id)"])
        return try startedResponse(started, user)
    }

    /// The fields typed beside a report (as `accord session start --from-rcp`'s own options).
    static let patientsRCPOwnFields: Set<String> = [
        "--clinician-id", "--clinician-name", "--clinician-function", "--topic", "--organisation-finess", "--author",
    ]
}
