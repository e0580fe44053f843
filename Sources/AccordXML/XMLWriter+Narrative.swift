import AccordCore
import Foundation

extension XMLWriter {
    /// The participants table of a narrative (CDA narrative block or XHTML, which share the
    /// `table`/`thead`/`tbody`/`tr`/`th`/`td` elements): entry, role, name, function,
    /// identifier (INS for the patient, IdNat_PS for a professional), present ("non : ajouté
    /// après la consultation" for a participant added after closing). Withdrawn participants
    /// are left out.
    func participantsTable(_ consultation: Consultation) {
        element("table") {
            element("thead") {
                element("tr") {
                    for heading in ["Entrée", "Rôle", "Nom", "Fonction", "Identifiant", "Présent"] { element("th", text: heading) }
                }
            }
            element("tbody") {
                for participant in consultation.participants where !participant.withdrawn {
                    element("tr") {
                        element("td", text: participant.entry.rawValue)
                        element("td", text: participant.role.frenchLabel)
                        element("td", text: participant.name)
                        element("td", text: participant.functionText)
                        let identifier =
                            participant.role == .patient
                            ? consultation.start.patientIdentifierText
                            : participant.id.map {
                                participant.role == .professional
                                    ? FrenchNarrative.professionalID($0, consultation) : "identifiant local \($0)"
                            } ?? ""
                        element("td", text: identifier)
                        element(
                            "td",
                            text: consultation.wasAddedAfterClosing(participant.entry)
                                ? "non : ajouté après la consultation" : participant.present ? "oui" : "non")
                    }
                }
            }
        }
    }
}

extension Participant {
    /// The function column of the participants table: the function in words, then the coded
    /// specialty (JDV_J01) or relationship (JDV_J11) by its display name, when recorded.
    var functionText: String {
        let coded = details?.specialtyCode?.displayName ?? details?.relationshipCode?.displayName
        return [function, coded].compactMap { $0 }.joined(separator: " — ")
    }
}

extension InstrumentResponse {
    /// ``narrativeLine``, then who answered for the patient when someone did (issue 15,
    /// part 8): `; réponses données pour le patient par Nom (rôle)`.
    func narrativeLine(in consultation: Consultation) -> String {
        guard let answeredBy else { return narrativeLine }
        return narrativeLine + " ; réponses données pour le patient par "
            + DocumentSection.participantLabel(answeredBy, consultation)
    }

    /// The response in one line of French for the narratives of the CDA and FHIR documents:
    /// instrument, version, respondent, then its score (with the range), the CPS letter, or
    /// that the answers are incomplete; subscores, flags, an unconfirmed rule, a follow-up.
    var narrativeLine: String {
        let definition = instrument.instrument
        let respondents: [Respondent: String] = [.patient: "patient", .clinician: "clinicien", .observer: "observateur"]
        var text = "\(definition.name) (version \(version), \(respondents[respondent]!)) : "
        if let formatted = score.formatted {
            text += "score \(formatted) (\(definition.scoreRange))"
        } else if case .letter(let letter)? = answers.first {
            text += "réponse \(letter)"
        } else {
            text += "pas de score (réponses incomplètes)"
        }
        let subscores = score.subscores.keys.sorted().compactMap { name in
            score.formattedSubscore(name).map { "\(name) \($0)" }
        }
        if !subscores.isEmpty { text += " ; sous-scores : " + subscores.joined(separator: ", ") }
        if !score.flags.isEmpty { text += " ; " + score.flags.joined(separator: ", ") }
        if !score.confirmed { text += " ; règle de score non confirmée" }
        if followUp { text += " ; recueilli après la consultation" }
        return text
    }
}

/// Wording shared by the French narratives of the CDA and FHIR documents.
enum FrenchNarrative {
    /// `02/03/2026`.
    static func date(_ date: CalendarDate) -> String {
        padded(date.day, 2) + "/" + padded(date.month, 2) + "/" + padded(date.year, 4)
    }

    /// `value` in decimal with zeros before it up to `width` digits, as `%0*d` writes it.
    static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        guard value >= 0, text.utf8.count < width else { return value >= 0 ? text : String(format: "%0*d", width, value) }
        return String(repeating: "0", count: width - text.utf8.count) + text
    }

    /// An instant in a narrative: Paris local time, the zone named (`2 mars 2026 à 10:30 (heure
    /// de Paris)`, ``parisInstant(_:)``). Narrative times are local; coded values stay UTC. In a
    /// pseudonymised consultation (its instants are UTC days) the day alone: `2 mars 2026`.
    static func instant(_ date: Date, _ consultation: Consultation) -> String {
        consultation.isPseudonymised ? day(date) : parisInstant(date)
    }

    /// A UTC day in words: `2 mars 2026` (the first of a month is `1er`).
    static func day(_ date: Date) -> String {
        let day = CalendarDate(utcDayOf: date)
        return "\(day.day == 1 ? "1er" : String(day.day)) \(monthNames[day.month - 1]) \(day.year)"
    }

    /// How a narrative names a professional by id: `IdNat_PS 810…`, or in a pseudonymised
    /// consultation `pseudonyme 3fa2…` (never called an IdNat_PS).
    static func professionalID(_ id: String, _ consultation: Consultation) -> String {
        consultation.isPseudonymised ? "pseudonyme \(id)" : "IdNat_PS \(id)"
    }

    /// The French names of the months, January first.
    static let monthNames = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]

    /// The time zone of narrative times: Europe/Paris (CET/CEST, from the time-zone database
    /// Foundation carries). Coded times stay UTC.
    static let paris = TimeZone(identifier: "Europe/Paris")

    /// Paris's offset from UTC at `date` by the EU rule (directive 2000/84/EC: summer time from
    /// the last Sunday of March to the last Sunday of October, 01:00 UTC), for a system without
    /// the time-zone database.
    static func parisOffsetByEURule(_ date: Date) -> Int {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(secondsFromGMT: 0)!
        let year = utc.component(.year, from: date)
        func lastSunday(_ month: Int) -> Date {
            let next = utc.date(from: DateComponents(year: year, month: month + 1, day: 1, hour: 1))!
            let weekday = utc.component(.weekday, from: next)  // 1 = Sunday
            return next.addingTimeInterval(-Double((weekday - 1 == 0 ? 7 : weekday - 1) * 86_400))
        }
        return date >= lastSunday(3) && date < lastSunday(10) ? 7_200 : 3_600
    }

    /// An instant in words, in Paris local time, the zone named: `3 décembre 2026 à 10:15
    /// (heure de Paris)` (the first of a month is `1er`). Coded values stay UTC.
    ///
    /// From 1970 on, the local time is the instant moved by Paris's offset at that instant, its
    /// fields by arithmetic (``CalendarDate/init(utcDayOf:)``); before, Foundation's Gregorian
    /// calendar in Paris's zone (both agree from 1970 on: tested every quarter of an hour
    /// around each change of the clocks and at random instants).
    static func parisInstant(_ date: Date) -> String {
        let offset = paris?.secondsFromGMT(for: date) ?? parisOffsetByEURule(date)
        let local = (date.timeIntervalSince1970 + Double(offset)).rounded(.down)
        guard local >= 0, local < 253_402_300_800 else { return parisInstantByCalendar(date) }
        let seconds = Int(local)
        let day = CalendarDate(utcDayOf: Date(timeIntervalSince1970: Double(seconds)))
        let inDay = seconds % 86_400
        return "\(day.day == 1 ? "1er" : String(day.day)) \(monthNames[day.month - 1]) \(day.year) à "
            + "\(padded(inDay / 3600, 2)):\(padded(inDay % 3600 / 60, 2)) (heure de Paris)"
    }

    /// ``parisInstant(_:)`` by Foundation's Gregorian calendar in Paris's zone.
    static func parisInstantByCalendar(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris ?? TimeZone(secondsFromGMT: parisOffsetByEURule(date))!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = parts.day! == 1 ? "1er" : String(parts.day!)
        let clock = String(format: "%02d:%02d", parts.hour!, parts.minute!)
        return "\(day) \(monthNames[parts.month! - 1]) \(parts.year!) à \(clock) (heure de Paris)"
    }

    /// The three-talk phases and the process elements recorded, one line each (none: empty).
    static func processLines(_ consultation: Consultation) -> [String] {
        let process = consultation.process
        let aids = process.decisionAids.filter { !$0.withdrawn }
        var items: [String] = consultation.phases.map { "\($0.phase.frenchLabel) : \(instant($0.startedAt, consultation))" }
        items += aids.map { "Aide à la décision remise : \($0.name)" + ($0.version.map { " (version \($0))" } ?? "") }
        if let method = process.understandingChecked { items.append("Compréhension vérifiée : \(method)") }
        if process.reflectionOffered {
            items.append("Temps de réflexion proposé" + (process.reflectionUntil.map { " jusqu'au \(date($0))" } ?? ""))
        }
        if let offered = process.trialOffered {
            let eligibility = [TrialEligibility.eligible: "éligible", .notEligible: "non éligible", .unknown: "éligibilité inconnue"][
                process.trialEligibility ?? .unknown]!
            let answer =
                process.trialAnswer.map { [TrialAnswer.accepted: ", accepté", .declined: ", refusé", .undecided: ", en réflexion"][$0]! }
                ?? ""
            items.append("Essai clinique : \(eligibility), " + (offered ? "proposé" : "non proposé") + answer)
        }
        return items
    }
}
