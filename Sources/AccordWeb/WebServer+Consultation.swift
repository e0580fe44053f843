import AccordCore
import AccordService
import Foundation
import Hummingbird

extension WebServer {
    /// The consultation page, its forms, amendments and history: routes.
    ///
    /// - `GET /sessions/{id}` (`/sessions/S12`): the session along the three talks (team,
    ///   option, decision), its entries, completeness, amendments and every form.
    /// - `GET /sessions/{id}/historique`: the session's events in order.
    /// - `POST /sessions/{id}/{form}` (``WebConsultationForm/path``): records one change, as
    ///   the matching `accord` command does, then 303 to `/sessions/{id}#section`; on bad input
    ///   422 with the page again, the message shown on the form and what was typed kept, nothing
    ///   recorded. Once the session is closed, a change needs the form's `reason` (an amendment).
    ///   Each form carries `seen`, the session's event count when the page was shown: when the
    ///   session has changed since (the form sent twice by a double click, or another change
    ///   recorded meanwhile), 409 with the page as it now stands and the form's message,
    ///   nothing recorded.
    ///
    /// Signed out: 302 to `/connexion`; an unknown session: 404; a POST without the sign-in's
    /// CSRF token: 403, nothing recorded.
    func addConsultationRoutes(to router: Router<BasicRequestContext>) {
        router.get("/sessions/:session") { request, context -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            let consultation = try knownConsultation(context)
            try logRead(of: consultation.id, by: user.account.idnatPS, page: "consultation")
            return consultationPage(consultation, user: user, failure: nil, status: .ok)
        }
        router.get("/sessions/:session/historique") { request, context -> Response in
            guard let user = try signedIn(request) else { return signedOutRedirect(request) }
            let consultation = try knownConsultation(context)
            try logRead(of: consultation.id, by: user.account.idnatPS, page: "history")
            return try consultationHistoryPage(consultation, user: user)
        }
        for form in WebConsultationForm.allCases {
            router.post("/sessions/:session/\(form.path)") { request, context -> Response in
                guard let user = try signedIn(request) else { return signedOutRedirect(request) }
                // A browser sends a text area's line breaks as CR LF (HTML's form submission);
                // the record holds line feeds, as typed at the command line.
                let fields = try await Self.form(request).mapValues { $0.replacingOccurrences(of: "\r\n", with: "\n") }
                guard let sent = fields["csrf"], WebTokens.equal(sent, user.signIn.csrfToken) else { return forbidden(user.strings) }
                let consultation = try knownConsultation(context)
                return try recordConsultationForm(form, fields: fields, in: consultation, user: user)
            }
        }
    }

    /// The session the path's `:session` names.
    /// - Throws: `HTTPError` 404 when it is not a session id or names no session.
    func knownConsultation(_ context: BasicRequestContext) throws -> Consultation {
        guard let text = context.parameters.get("session"), let id = SessionID(text) else { throw HTTPError(.notFound) }
        do {
            return try service.consultation(id)
        } catch let error as AccordError where error.code == .notFound {
            throw HTTPError(.notFound)
        }
    }

    /// Records what `form` says in one use-case call: 303 to the form's section, or 422 with
    /// the page, the error on the form and the values typed.
    func recordConsultationForm(
        _ form: WebConsultationForm, fields: [String: String], in consultation: Consultation, user: SignedIn
    ) throws -> Response {
        let reason = fields["reason"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let author = user.account.idnatPS
        do {
            // The session's event count when the page was shown: the change is recorded only
            // if it is still the count (a form sent twice, or after another change, records
            // nothing). Absent from a page of an earlier Accord: recorded as before.
            let seen = try fields["seen"].map { text in
                guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let count = Int(text)
                else {
                    throw AccordError.invalid("seen", "is not an event count", accepted: "the page's own value; reload the page")
                }
                return count
            }
            switch form {
            case .closing:
                do {
                    _ = try service.close(
                        consultation.id, author: author, requireComplete: fields["require_complete"] != nil, seenEvents: seen)
                } catch let incomplete as IncompleteRecord {
                    throw incomplete.error
                }
            case .withdrawal:
                guard let reason else {
                    throw AccordError.invalid("--reason", "is missing", accepted: "why the entry is withdrawn")
                }
                let change = try WebConsultationChange.make(form, fields, consultation: consultation)
                try service.record(change, in: consultation.id, author: author, reason: reason, seenEvents: seen)
            default:
                let change = try WebConsultationChange.make(form, fields, consultation: consultation)
                try service.record(change, in: consultation.id, author: author, reason: reason, seenEvents: seen)
            }
        } catch let error as AccordError where [.invalidInput, .notFound, .conflict].contains(error.code) {
            logger.info("consultation form refused", metadata: ["session": "\(consultation.id)", "form": "\(form.rawValue)"])
            // The page as it stands (nothing was recorded), the error on the form posted; 409
            // when the page was out of date.
            let current = (try? service.consultation(consultation.id)) ?? consultation
            try logRead(of: consultation.id, by: author, page: "consultation")
            let stale = error.code == .conflict && error.field == "seen"
            return consultationPage(
                current, user: user, failure: (form, error.description, fields), status: stale ? .conflict : .unprocessableContent)
        }
        logger.info("consultation form recorded", metadata: ["session": "\(consultation.id)", "form": "\(form.rawValue)"])
        // A phase's button stands in its own talk's section.
        let section =
            form == .phase
            ? ["team": "echange-equipe", "option": "echange-options", "decision": "echange-decision"][fields["phase"] ?? ""]
                ?? form.section
            : form.section
        return .redirect(to: "/sessions/\(consultation.id)#\(section)", type: .normal)
    }
}
