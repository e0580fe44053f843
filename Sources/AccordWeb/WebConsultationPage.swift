import AccordCore
import AccordService
import Foundation
import HTTPTypes
import Hummingbird

extension WebServer {
    /// The consultation page (template `consultation`).
    /// - Parameters:
    ///   - failure: the form that failed, its message (an `AccordError` description, never
    ///     personal data) and the values typed, shown again in that form; `nil` after a GET.
    ///   - status: 200, 422 after bad input, or 409 after a form sent from an out-of-date page.
    func consultationPage(
        _ consultation: Consultation, user: SignedIn, failure: (form: WebConsultationForm, message: String, fields: [String: String])?,
        status: HTTPResponse.Status
    ) -> Response {
        let strings = user.strings
        var context = WebConsultationContext(consultation, strings: strings).values
        context["csrf"] = user.signIn.csrfToken
        context["seen"] = String(consultation.eventCount)
        if let failure {
            if failure.form == .phase {
                // Each talk has its own “begins” form: the message goes on the one posted.
                let phase = Phase(rawValue: failure.fields["phase"] ?? "") ?? .team
                context["phaseError" + phase.rawValue.capitalized] = failure.message
            } else {
                context[failure.form.rawValue + "Error"] = failure.message
            }
            context["f" + failure.form.contextName] = failure.fields.filter { $0.key != "csrf" && $0.key != "seen" }
        }
        let typed = failure?.fields ?? [:]
        let form = failure?.form
        func choices(_ values: [(String, String)], field: String, of owner: WebConsultationForm) -> [[String: Any]] {
            values.map { value, label in
                ["value": value, "label": label, "selected": form == owner && typed[field] == value]
            }
        }
        context["roles"] = choices(
            ParticipantRole.allCases.filter { $0 != .patient || !consultation.patient.present }.map {
                ($0.rawValue, strings[WebConsultationContext.key("consultationRole", $0.rawValue)])
            }, field: "role", of: .participant)
        context["kinds"] = choices(
            OptionKind.allCases.map { ($0.rawValue, strings[WebConsultationContext.key("consultationKind", $0.rawValue)]) }, field: "kind",
            of: .option)
        context["eligibilities"] = choices(
            TrialEligibility.allCases.map { ($0.rawValue, strings[WebConsultationContext.key("consultationEligibility", $0.rawValue)]) },
            field: "eligibility", of: .trial)
        context["answers"] = choices(
            TrialAnswer.allCases.map { ($0.rawValue, strings[WebConsultationContext.key("consultationAnswer", $0.rawValue)]) },
            field: "answer", of: .trial)
        context["offeredChoices"] = choices(
            [("yes", strings["consultationYes"]), ("no", strings["consultationNo"])], field: "offered", of: .trial)
        let liveOptions = consultation.options.filter { !$0.withdrawn }
        context["agreedOptions"] = choices(
            liveOptions.map { (String($0.number), "\($0.number). \($0.label)") }, field: "agreed", of: .decision)
        let liveParticipants = consultation.participants.filter { !$0.withdrawn }
        context["answeredByChoices"] = choices(
            liveParticipants.map { ($0.entry.rawValue, "\($0.entry) — \($0.name)") }, field: "answered_by", of: .decision)
        context["byChoices"] = liveParticipants.map { participant -> [String: Any] in
            [
                "entry": participant.entry.rawValue, "name": participant.name,
                "checked": form == .decision && typed["by-\(participant.entry)"] != nil,
            ]
        }
        for outcome in ["agreed", "deferred", "declined"] {
            context["outcome" + outcome.capitalized] = form == .decision && typed["outcome"] == outcome
        }
        context["requireCompleteChecked"] = form == .closing && typed["require_complete"] != nil
        context["withdrawable"] = choices(
            WebConsultationContext.entries(consultation, strings: strings).filter { $0.withdrawn == false }.map {
                ($0.entry, "\($0.entry) — \($0.kind)")
            }, field: "entry", of: .withdrawal)
        let title = strings["consultationTitle"].replacingOccurrences(of: "{session}", with: consultation.id.description)
        return Self.page(
            pages.render("consultation", title: title, context: context, header: user.header, strings: strings), status: status)
    }

    /// The session's events in order (template `consultationHistory`), as `accord session
    /// history` lists them: kind (coded, unchanged), instant in Paris time, author's IdNat_PS,
    /// and the reason of an amendment.
    func consultationHistoryPage(_ consultation: Consultation, user: SignedIn) throws -> Response {
        let strings = user.strings
        let events = try service.events(of: consultation.id)
        var closed = false
        let rows: [[String: Any]] = events.map { event in
            var row: [String: Any] = [
                "number": String(event.sessionSequence ?? 0), "kind": event.change.kind,
                "when": WebConsultationContext.parisTime(event.recordedAt, strings), "author": event.author,
            ]
            if let reason = event.reason {
                if case .researchObjection = event.change {
                    row["reason"] = reason
                } else if closed {
                    row["amendment"] = reason
                } else {
                    row["reason"] = reason
                }
            }
            if case .sessionClosed = event.change { closed = true }
            return row
        }
        let title = strings["consultationHistoryTitle"].replacingOccurrences(of: "{session}", with: consultation.id.description)
        return Self.page(
            pages.render(
                "consultationHistory", title: title, context: ["id": consultation.id.description, "events": rows], header: user.header,
                strings: strings), status: .ok)
    }
}

/// What the consultation page shows of a session, as template values (text escaped by the
/// template; labels from the page's language; instants in Paris time).
struct WebConsultationContext {
    /// One row of the entries table.
    struct Entry {
        var entry: String
        var kind: String
        var text: String
        var withdrawn: Bool
    }

    var values: [String: Any] = [:]

    init(_ consultation: Consultation, strings: WebStrings) {
        let closed = consultation.status == .closed
        values["id"] = consultation.id.description
        values["topic"] = consultation.start.topic
        values["closed"] = closed
        values["started"] = Self.parisTime(consultation.startedAt, strings)
        if let closedAt = consultation.closedAt { values["closedAt"] = Self.parisTime(closedAt, strings) }
        values["participants"] = consultation.participants.map { participant -> [String: Any] in
            ([
                "entry": participant.entry.rawValue, "name": participant.name, "withdrawn": participant.withdrawn,
                "role": strings[Self.key("consultationRole", participant.role.rawValue)], "function": participant.function,
                "absent": !participant.present,
            ] as [String: Any?]).compactMapValues { $0 }
        }
        values["options"] = consultation.options.map { option -> [String: Any] in
            ([
                "entry": option.entry.rawValue, "number": String(option.number), "label": option.label, "withdrawn": option.withdrawn,
                "kind": strings[Self.key("consultationKind", option.kind.rawValue)], "benefits": option.benefits, "harms": option.harms,
                "hasBenefits": !option.benefits.isEmpty, "hasHarms": !option.harms.isEmpty, "trialID": option.trialID,
            ] as [String: Any?]).compactMapValues { $0 }
        }
        values["hasOptions"] = !consultation.options.isEmpty
        values["preferences"] = consultation.preferences.map { preference -> [String: Any] in
            ([
                "entry": preference.entry.rawValue, "text": preference.text, "withdrawn": preference.withdrawn,
                "importance": preference.importance.map(String.init),
            ] as [String: Any?]).compactMapValues { $0 }
        }
        values["hasPreferences"] = !consultation.preferences.isEmpty
        values["phases"] = consultation.phases.map { mark -> [String: Any] in
            ["label": strings[Self.key("consultationPhase", mark.phase.rawValue)], "when": Self.parisTime(mark.startedAt, strings)]
        }
        values["hasPhases"] = !consultation.phases.isEmpty
        let process = consultation.process
        values["aids"] = process.decisionAids.map { aid -> [String: Any] in
            (["entry": aid.entry.rawValue, "name": aid.name, "version": aid.version, "withdrawn": aid.withdrawn] as [String: Any?])
                .compactMapValues { $0 }
        }
        values["hasAids"] = !process.decisionAids.isEmpty
        if let method = process.understandingChecked {
            values["understanding"] = method.isEmpty ? strings["consultationYes"] : method
        }
        if process.reflectionOffered {
            values["reflection"] = process.reflectionUntil?.description ?? strings["consultationYes"]
        }
        if let eligibility = process.trialEligibility {
            values["trial"] =
                ([
                    "eligibility": strings[Self.key("consultationEligibility", eligibility.rawValue)],
                    "offered": strings[process.trialOffered == true ? "consultationYes" : "consultationNo"],
                    "answer": process.trialAnswer.map { strings[Self.key("consultationAnswer", $0.rawValue)] },
                ] as [String: Any?]).compactMapValues { $0 }
        }
        if let decision = consultation.decision { values["decision"] = Self.decisionText(decision, consultation, strings) }
        values["notes"] = consultation.notes.map { ["entry": $0.entry.rawValue, "text": $0.text, "withdrawn": $0.withdrawn] }
        values["hasNotes"] = !consultation.notes.isEmpty
        values["instruments"] = consultation.instruments.map { response -> [String: Any] in
            ([
                "entry": response.entry.rawValue, "instrument": response.instrument.rawValue, "version": response.version,
                "when": Self.parisTime(response.recordedAt, strings), "withdrawn": response.withdrawn,
                "score": response.score.formatted,
                // The Control Preferences Scale gives a role group, never a score.
                "scoreless": Instrument.all.first { $0.id == response.instrument }?.scoreRange.hasPrefix("no score") == true
                    ? true : nil,
                "flags": response.score.flags.isEmpty ? nil : response.score.flags.joined(separator: ", "),
            ] as [String: Any?]).compactMapValues { $0 }
        }
        values["hasInstruments"] = !consultation.instruments.isEmpty
        values["entries"] = Self.entries(consultation, strings: strings).map {
            ["entry": $0.entry, "kind": $0.kind, "text": $0.text, "withdrawn": $0.withdrawn]
        }
        let completeness = consultation.completeness
        values["completenessSummary"] = strings["consultationCompletenessSummary"]
            .replacingOccurrences(of: "{present}", with: String(completeness.present.count))
            .replacingOccurrences(of: "{applicable}", with: String(completeness.present.count + completeness.missing.count))
            .replacingOccurrences(of: "{percent}", with: String(completeness.percent))
        values["missing"] = completeness.missing.map { ["label": strings[Self.key("consultationElement", $0.rawValue)]] }
        values["hasMissing"] = !completeness.missing.isEmpty
        values["amendments"] = consultation.amendments.map { amendment -> [String: Any] in
            [
                "when": Self.parisTime(amendment.recordedAt, strings), "author": amendment.author,
                "entry": amendment.entry?.rawValue ?? "—", "change": amendment.change, "reason": amendment.reason,
            ]
        }
        values["hasAmendments"] = !consultation.amendments.isEmpty
    }

    /// Every entry of the session, in the order of the entries' kinds (P, O, M, A, D, N, I).
    static func entries(_ consultation: Consultation, strings: WebStrings) -> [Entry] {
        var rows: [Entry] = []
        for participant in consultation.participants {
            rows.append(
                Entry(
                    entry: participant.entry.rawValue, kind: strings["consultationEntryParticipant"],
                    text: participant.name + " (" + strings[key("consultationRole", participant.role.rawValue)] + ")",
                    withdrawn: participant.withdrawn))
        }
        for option in consultation.options {
            rows.append(
                Entry(
                    entry: option.entry.rawValue, kind: strings["consultationEntryOption"], text: option.label, withdrawn: option.withdrawn)
            )
        }
        for preference in consultation.preferences {
            rows.append(
                Entry(
                    entry: preference.entry.rawValue, kind: strings["consultationEntryPreference"], text: preference.text,
                    withdrawn: preference.withdrawn))
        }
        for aid in consultation.process.decisionAids {
            rows.append(Entry(entry: aid.entry.rawValue, kind: strings["consultationEntryAid"], text: aid.name, withdrawn: aid.withdrawn))
        }
        for decision in consultation.decisions {
            rows.append(
                Entry(
                    entry: decision.entry.rawValue, kind: strings["consultationEntryDecision"],
                    text: decisionText(decision, consultation, strings), withdrawn: decision.withdrawn))
        }
        for note in consultation.notes {
            rows.append(
                Entry(entry: note.entry.rawValue, kind: strings["consultationEntryNote"], text: note.text, withdrawn: note.withdrawn))
        }
        for response in consultation.instruments {
            rows.append(
                Entry(
                    entry: response.entry.rawValue, kind: strings["consultationEntryInstrument"],
                    text: "\(response.instrument.rawValue) \(response.version)", withdrawn: response.withdrawn))
        }
        return rows
    }

    /// A decision in words: the agreed option, the deferral and its next contact, or declining,
    /// and who took it.
    static func decisionText(_ decision: Decision, _ consultation: Consultation, _ strings: WebStrings) -> String {
        var text: String
        switch decision.outcome {
        case .agreed(let number):
            let label = consultation.options.first { $0.number == number }?.label ?? ""
            text = strings["consultationDecisionAgreed"].replacingOccurrences(of: "{number}", with: String(number)) + " " + label
        case .deferred(let next):
            text = strings["consultationDecisionDeferred"].replacingOccurrences(of: "{date}", with: next.description)
        case .declined:
            text = strings["consultationDecisionDeclined"]
        }
        if !decision.takenBy.isEmpty {
            text += " — " + strings["consultationDecisionTakenBy"] + " " + decision.takenBy.map(\.rawValue).joined(separator: ", ")
        }
        return text
    }

    /// The catalogue key of a coded value's label: `prefix` then the code in camel case
    /// (`consultationRole` + `trusted-person` → `consultationRoleTrustedPerson`).
    static func key(_ prefix: String, _ code: String) -> String {
        prefix + code.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// An instant (UTC) as people read it in Paris (Europe/Paris, summer time included):
    /// `02/03/2026 10:30` in French, `2026-03-02 10:30` in English; headings say “Paris time”.
    static func parisTime(_ instant: Date, _ strings: WebStrings) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = strings.language == .french ? "dd/MM/yyyy HH:mm" : "yyyy-MM-dd HH:mm"
        return formatter.string(from: instant)
    }
}
