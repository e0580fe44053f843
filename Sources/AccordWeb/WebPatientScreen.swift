import AccordCore
import AccordStore
import Foundation
import Hummingbird

/// The short codes of the patient's screen: 8 characters of an alphabet without look-alikes
/// (no I, L, O, 0, 1), about 2^39 codes, shown as two groups of 4 (`ABCD-EFGH`).
enum PatientScreenCode {
    static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// A new random code, 8 characters, no separator.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// `ABCD-EFGH`.
    static func display(_ code: String) -> String { String(code.prefix(4)) + "-" + String(code.dropFirst(4)) }

    /// A typed code as stored: capitals, without spaces or hyphens.
    static func normalise(_ typed: String) -> String {
        String(typed.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }

    /// A lifetime in whole hours (`2`), or in minutes with one decimal place of hours otherwise.
    static func hours(_ lifetime: TimeInterval) -> String {
        lifetime.truncatingRemainder(dividingBy: 3600) == 0 ? String(Int(lifetime / 3600)) : String(format: "%.1f", lifetime / 3600)
    }
}

/// Instants shown to people: Paris time (the page says so).
enum ParisTime {
    static let zone = TimeZone(identifier: "Europe/Paris")!

    /// `11:30`.
    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `02/03/2026` (French) or `2026-03-02` (English).
    static func day(_ date: Date, language: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let (year, month, day) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        return language == "fr"
            ? String(format: "%02d/%02d/%04d", day, month, year) : String(format: "%04d-%02d-%02d", year, month, day)
    }
}

/// An instrument the patient answers on the screen, with the suffix of its strings' keys.
struct PatientInstrument: Sendable {
    let id: InstrumentID
    /// `SdmQ9` in `patientScreenNameSdmQ9`, `patientScreenScaleSdmQ9`.
    let key: String

    var instrument: Instrument { id.instrument }

    /// SDM-Q-9, CollaboRATE, SURE, the Control Preferences Scale (preferred and experienced
    /// role) and the Decisional Conflict Scale, in the order the list shows them.
    static let all: [PatientInstrument] = [
        PatientInstrument(id: .sure, key: "Sure"),
        PatientInstrument(id: .cpsPreferred, key: "CpsPreferred"),
        PatientInstrument(id: .dcs16, key: "Dcs16"),
        PatientInstrument(id: .sdmQ9, key: "SdmQ9"),
        PatientInstrument(id: .collaborate, key: "Collaborate"),
        PatientInstrument(id: .cpsExperienced, key: "CpsExperienced"),
    ]

    /// The short label of Accord's own for item `item` (never the owners' wording).
    func shortLabel(_ item: Int, strings: WebStrings) -> String {
        let question = strings["patientScreenQuestion"] + " \(item)"
        switch id {
        case .sure: return question + " — " + strings["patientScreenItemSure\(item)"]
        case .dcs16:
            let subscale = instrument.subscales.first { $0.items.contains(item) }?.name.capitalized ?? ""
            return question + " — " + strings["patientScreenItemDcs\(subscale)"]
        case .cpsPreferred, .cpsExperienced: return strings["patientScreenItem\(key)"]
        default: return question
        }
    }

    /// The answers offered for each item: value sent and its label.
    func choices(strings: WebStrings) -> [(value: String, label: String)] {
        switch instrument.answerKind {
        case .scale(let range): return range.map { (String($0), String($0)) }
        case .yesNo: return [("yes", strings["patientScreenYes"]), ("no", strings["patientScreenNo"])]
        case .letters(let letters): return letters.map { ($0, $0 + " — " + strings["patientScreenCps\($0)"]) }
        }
    }
}

extension WebServer {
    /// The instrument of the route's `:instrument`, when the patient's screen offers it.
    static func patientInstrument(_ context: BasicRequestContext) -> PatientInstrument? {
        let id = context.parameters.get("instrument") ?? ""
        return PatientInstrument.all.first { $0.id.rawValue == id }
    }

    func patientPage(
        _ name: String, title: String, context: [String: Any], strings: WebStrings, status: HTTPResponse.Status = .ok
    ) -> Response {
        var values = context
        values["patientNav"] = true
        return Self.page(
            pages.render(name, title: title, context: values, header: nil, strings: strings, layout: "patientScreenLayout"),
            status: status)
    }

    /// The plain-language label of an option's kind.
    static func patientKindKey(_ kind: OptionKind) -> String {
        switch kind {
        case .treatment: "patientScreenKindTreatment"
        case .activeSurveillance: "patientScreenKindSurveillance"
        case .noTreatment: "patientScreenKindNoTreatment"
        case .clinicalTrial: "patientScreenKindTrial"
        case .supportiveCare: "patientScreenKindSupportiveCare"
        }
    }

    // MARK: - Options

    func patientOptions(_ screen: PatientScreen, strings: WebStrings) throws -> Response {
        let consultation = try service.consultation(screen.session)
        let options = consultation.options.filter { !$0.withdrawn }
        let columns: [[String: Any]] = options.map { option in
            [
                "kind": strings[Self.patientKindKey(option.kind)], "label": option.label,
                "benefits": option.benefits, "hasBenefits": !option.benefits.isEmpty,
                "harms": option.harms, "hasHarms": !option.harms.isEmpty,
            ]
        }
        return patientPage(
            "patientScreenOptions", title: strings["patientScreenOptionsTitle"],
            context: ["hasOptions": !columns.isEmpty, "options": columns], strings: strings)
    }

    // MARK: - What matters

    func patientPreferenceForm(
        _ screen: PatientScreen, strings: WebStrings, typed: (text: String, importance: String), message: String?,
        status: HTTPResponse.Status
    ) throws -> Response {
        let consultation = try service.consultation(screen.session)
        let noted: [[String: Any]] = consultation.preferences.filter { !$0.withdrawn }.map { preference in
            ["text": preference.text, "importance": preference.importance.map(String.init) ?? ""]
        }
        let levels: [[String: Any]] = (1...5).map { level in
            ["value": String(level), "label": strings["patientScreenImportance\(level)"], "selected": typed.importance == String(level)]
        }
        var context: [String: Any] = [
            "csrf": screen.csrfToken, "once": screenForms.issue(by: screen.csrfToken, now: now()), "text": typed.text, "levels": levels,
            "noImportance": typed.importance.isEmpty,
            "hasNoted": !noted.isEmpty, "noted": noted,
        ]
        if let message { context["message"] = message }
        return patientPage(
            "patientScreenPreference", title: strings["patientScreenPreferenceTitle"], context: context, strings: strings, status: status)
    }

    /// Records `preferenceAdded` as `accord preference add --text … --importance …` would;
    /// the same form sent again with the same text (a double tap: its `once` token and values
    /// claimed) records nothing and returns to the list, as the first sending does.
    func recordPatientPreference(_ screen: PatientScreen, form: [String: String], strings: WebStrings) throws -> Response {
        try patientFormOnce(form, screen: screen, list: "/patient/ce-qui-compte", what: "preference") {
            try recordPatientPreferenceOnce(screen, form: form, strings: strings)
        }
    }

    /// A patient's form, recorded by `record` when it is sent for the first time with its
    /// values (``WebOnceForms``), the sending kept when its answer is the return to `list`
    /// (303); a second sending of the same values returns to `list` without recording.
    func patientFormOnce(
        _ form: [String: String], screen: PatientScreen, list: String, what: String, _ record: () throws -> Response
    ) rethrows -> Response {
        let ticket: WebOnceForms<Bool>.Ticket?
        switch screenForms.claimWithoutWaiting(form, by: screen.csrfToken, now: now()) {
        case .sentBefore:
            logger.info("patient screen: \(what) sent again, recorded once")
            return .redirect(to: list, type: .normal)
        case .record(let claimed): ticket = claimed
        }
        var recorded = false
        defer { recorded ? screenForms.answered(ticket, true, now: now()) : screenForms.refused(ticket) }
        let response = try record()
        recorded = response.status == .seeOther
        return response
    }

    private func recordPatientPreferenceOnce(_ screen: PatientScreen, form: [String: String], strings: WebStrings) throws -> Response {
        // Browsers send a textarea's line breaks as CR LF; the command line takes LF.
        let text = (form["text"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let importanceText = form["importance"] ?? ""
        let typed = (text, importanceText)
        var importance: Int?
        if !importanceText.isEmpty {
            guard let level = Int(importanceText), (1...5).contains(level) else {
                return try patientPreferenceForm(
                    screen, strings: strings, typed: (text, ""), message: strings["patientScreenImportanceInvalid"],
                    status: .unprocessableContent)
            }
            importance = level
        }
        do {
            try service.record(.preferenceAdded(text: text, importance: importance), in: screen.session, author: screen.issuedBy)
        } catch let error as AccordError where error.code == .invalidInput || error.code == .conflict {
            logger.info("patient screen: preference refused")
            let key =
                FieldRules.textProblem(text, .lines()) == "is empty"
                ? "patientScreenPreferenceEmpty" : error.code == .conflict ? "patientScreenClosed" : "patientScreenPreferenceInvalid"
            return try patientPreferenceForm(
                screen, strings: strings, typed: typed, message: strings[key], status: .unprocessableContent)
        }
        logger.info("patient screen: preference recorded")
        return .redirect(to: "/patient/ce-qui-compte", type: .normal)
    }

    // MARK: - Questionnaires

    func patientQuestionnaires(_ screen: PatientScreen, strings: WebStrings) throws -> Response {
        let consultation = try service.consultation(screen.session)
        let answered = Set(consultation.instruments.filter { !$0.withdrawn && $0.respondent == .patient }.map(\.instrument))
        let rows: [[String: Any]] = PatientInstrument.all.map { entry in
            [
                "id": entry.id.rawValue, "name": strings["patientScreenName\(entry.key)"], "answered": answered.contains(entry.id),
            ]
        }
        return patientPage(
            "patientScreenQuestionnaires", title: strings["patientScreenQuestionnairesTitle"], context: ["instruments": rows],
            strings: strings)
    }

    func patientQuestionnaire(
        _ screen: PatientScreen, instrument entry: PatientInstrument, strings: WebStrings, typed: [String: String], message: String?,
        status: HTTPResponse.Status
    ) throws -> Response {
        let instrument = entry.instrument
        let language = strings.language.rawValue
        let wording = settings.instrumentWording
        var allWorded = true
        let items: [[String: Any]] = (1...instrument.itemCount).map { item in
            let text = wording?.text(of: instrument, item: item, language: language)
            if text == nil { allWorded = false }
            let choices: [[String: Any]] = entry.choices(strings: strings).map { choice in
                ["item": item, "value": choice.value, "label": choice.label, "checked": typed["item\(item)"] == choice.value]
            }
            return [
                "number": item, "text": text.map { "\(item). \($0)" } ?? entry.shortLabel(item, strings: strings), "choices": choices,
            ]
        }
        var context: [String: Any] = [
            "csrf": screen.csrfToken, "once": screenForms.issue(by: screen.csrfToken, now: now()), "id": entry.id.rawValue,
            "scale": strings["patientScreenScale\(entry.key)"], "items": items,
            "noWording": !allWorded,
        ]
        if let message { context["message"] = message }
        return patientPage(
            "patientScreenQuestionnaire", title: strings["patientScreenName\(entry.key)"], context: context, strings: strings,
            status: status)
    }

    /// Records `instrumentRecorded` as `accord instrument record --instrument ID --answers …
    /// --respondent patient` would; an unanswered item is `-`. The same form sent again with
    /// the same answers (its `once` token and values claimed) records nothing and returns to
    /// the list.
    func recordPatientAnswers(
        _ screen: PatientScreen, instrument entry: PatientInstrument, form: [String: String], strings: WebStrings
    ) throws -> Response {
        try patientFormOnce(form, screen: screen, list: "/patient/questionnaires", what: "answers") {
            try recordPatientAnswersOnce(screen, instrument: entry, form: form, strings: strings)
        }
    }

    private func recordPatientAnswersOnce(
        _ screen: PatientScreen, instrument entry: PatientInstrument, form: [String: String], strings: WebStrings
    ) throws -> Response {
        let instrument = entry.instrument
        let answers = (1...instrument.itemCount).map { item in
            let value = form["item\(item)"] ?? ""
            return value.isEmpty ? "-" : value
        }
        let typed = form.filter { $0.key.hasPrefix("item") }
        let change: Change
        do {
            change = try instrument.recordedChange(answers: answers.joined(separator: ","), respondent: .patient)
        } catch let error as AccordError where error.code == .invalidInput {
            logger.info("patient screen: answers refused")
            return try patientQuestionnaire(
                screen, instrument: entry, strings: strings, typed: typed, message: strings["patientScreenAnswersInvalid"],
                status: .unprocessableContent)
        }
        try service.record(change, in: screen.session, author: screen.issuedBy)
        logger.info("patient screen: answers recorded")
        return .redirect(to: "/patient/questionnaires", type: .normal)
    }

    // MARK: - Summary

    func patientSummary(_ screen: PatientScreen, strings: WebStrings) throws -> Response {
        let consultation = try service.consultation(screen.session)
        let options: [[String: Any]] = consultation.options.filter { !$0.withdrawn }.map { option in
            ["kind": strings[Self.patientKindKey(option.kind)], "label": option.label]
        }
        let preferences: [[String: Any]] = consultation.preferences.filter { !$0.withdrawn }.map { ["text": $0.text] }
        let answered = Set(consultation.instruments.filter { !$0.withdrawn && $0.respondent == .patient }.map(\.instrument))
        let questionnaires: [[String: Any]] = PatientInstrument.all.filter { answered.contains($0.id) }.map {
            ["name": strings["patientScreenName\($0.key)"]]
        }
        let context: [String: Any] = [
            "day": ParisTime.day(consultation.startedAt, language: strings.language.rawValue), "topic": consultation.start.topic,
            "options": options, "hasOptions": !options.isEmpty, "preferences": preferences, "hasPreferences": !preferences.isEmpty,
            "questionnaires": questionnaires, "hasQuestionnaires": !questionnaires.isEmpty,
        ]
        return patientPage("patientScreenSummary", title: strings["patientScreenSummaryTitle"], context: context, strings: strings)
    }
}
