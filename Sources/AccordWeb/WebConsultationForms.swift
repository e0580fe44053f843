import AccordCore
import Foundation

/// One form of the consultation page: the path it posts to (under `/sessions/{id}/`), the
/// section it returns to, and how its fields become the ``AccordCore/Change`` the command line
/// records for the same values.
///
/// Field names in errors are the command-line options (`--role`, `--label`…), as the shared
/// validation names them, so that the page shows the very message `accord` prints.
enum WebConsultationForm: String, CaseIterable, Sendable {
    case participant, option, preference, phase, aid, understanding, reflection, trial, decision, note, withdrawal, closing

    /// The last path component of the form's POST route.
    var path: String {
        switch self {
        case .participant: "participants"
        case .option: "options"
        case .preference: "preferences"
        case .phase: "phases"
        case .aid: "aides"
        case .understanding: "comprehension"
        case .reflection: "reflexion"
        case .trial: "essai"
        case .decision: "decision"
        case .note: "notes"
        case .withdrawal: "retrait"
        case .closing: "cloture"
        }
    }

    /// The id of the page's section that holds the form (the anchor of the 303 after it).
    var section: String {
        switch self {
        case .participant, .preference: "echange-equipe"
        case .option, .aid, .trial: "echange-options"
        case .understanding, .reflection, .decision: "echange-decision"
        case .phase: "echange-equipe"
        case .note: "notes"
        case .withdrawal: "entrees"
        case .closing: "cloture"
        }
    }

    /// The form's name in the template's context (`fParticipant`: the values typed,
    /// `participantError`: the message).
    var contextName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// Turns a posted form into the change the command line records for the same values.
enum WebConsultationChange {
    /// The change of `form`'s fields.
    /// - Parameters:
    ///   - form: which form was posted (not ``WebConsultationForm/withdrawal`` nor
    ///     ``WebConsultationForm/closing``, which are not plain changes).
    ///   - fields: the posted fields; an empty or blank field counts as not given.
    ///   - consultation: the session as it stands (the participants a decision names).
    /// - Throws: `AccordError` (`invalidInput`) naming the command-line option whose value is
    ///   missing or not accepted, never echoing the value.
    static func make(_ form: WebConsultationForm, _ fields: [String: String], consultation: Consultation) throws -> Change {
        func given(_ name: String) -> String? {
            guard let value = fields[name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return value
        }
        switch form {
        case .participant:
            guard let role = given("role").flatMap(ParticipantRole.init(rawValue:)) else {
                throw AccordError.invalid(
                    "--role", "is missing or not a participant role",
                    accepted: ParticipantRole.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let name = given("name")
            let details = PersonDetails(
                familyName: given("family_name"), givenName: given("given_name"), prefix: PersonDetails.prefixCode(given("prefix")),
                specialty: given("specialty"), relationship: given("relationship"))
            if role != .patient && name == nil && details.familyName == nil {
                throw AccordError.invalid("--name", "is missing for role \(role.rawValue)", accepted: "a name, or a family name")
            }
            let id = given("id")
            if role == .professional && id == nil {
                throw AccordError.invalid("--id", "is missing for a professional", accepted: "the professional's IdNat_PS (8 + RPPS)")
            }
            return .participantAdded(
                role: role, name: name ?? details.nameLine ?? "", id: id, function: given("function"), details: details.orNil)
        case .option:
            guard let kind = given("kind").flatMap(OptionKind.init(rawValue:)) else {
                throw AccordError.invalid(
                    "--kind", "is missing or not a kind of option", accepted: OptionKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let trialID = given("trial_id")
            if trialID != nil && kind != .clinicalTrial {
                throw AccordError.invalid(
                    "--trial-id", "is given for an option that is not a clinical trial", accepted: "--kind clinical-trial")
            }
            return .optionAdded(
                kind: kind, label: fields["label"] ?? "", benefits: lines(fields["benefits"]), harms: lines(fields["harms"]),
                trialID: trialID?.uppercased(), origin: nil)
        case .preference:
            var importance: Int?
            if let typed = given("importance") {
                guard let number = Int(typed.trimmingCharacters(in: .whitespaces)) else {
                    throw AccordError.invalid(
                        "--importance", "is not a whole number", accepted: "a whole number from 1 (a little) to 5 (above all)")
                }
                importance = number
            }
            return .preferenceAdded(text: fields["text"] ?? "", importance: importance)
        case .phase:
            guard let phase = given("phase").flatMap(Phase.init(rawValue:)) else {
                throw AccordError.invalid("PHASE", "is missing or not a phase", accepted: "team, option or decision")
            }
            return .phaseStarted(phase)
        case .aid:
            return .decisionAidGiven(name: fields["name"] ?? "", version: given("version"))
        case .understanding:
            return .understandingChecked(method: given("method"))
        case .reflection:
            return .reflectionOffered(until: try given("until").map { try date($0, "--until") })
        case .trial:
            guard let eligibility = given("eligibility").flatMap(TrialEligibility.init(rawValue:)) else {
                throw AccordError.invalid(
                    "--eligibility", "is missing or not an eligibility", accepted: "eligible, not-eligible or unknown")
            }
            guard let offered = given("offered").flatMap({ ["yes": true, "no": false][$0.lowercased()] }) else {
                throw AccordError.invalid("--offered", "is not yes or no", accepted: "yes or no")
            }
            var answer: TrialAnswer?
            if let typed = given("answer") {
                guard let parsed = TrialAnswer(rawValue: typed) else {
                    throw AccordError.invalid("--answer", "is not an answer", accepted: "accepted, declined or undecided")
                }
                answer = parsed
            }
            return .trialDiscussed(eligibility: eligibility, offered: offered, answer: answer)
        case .decision:
            let outcome: DecisionOutcome
            switch given("outcome") {
            case "agreed":
                guard let number = given("agreed").flatMap({ Int($0) }) else {
                    throw AccordError.invalid("--agreed", "is missing", accepted: "the agreed option's number")
                }
                outcome = .agreed(option: number)
            case "deferred":
                guard let next = given("next_contact") else {
                    throw AccordError.invalid("--next-contact", "is missing for a deferral", accepted: "a date as YYYY-MM-DD")
                }
                outcome = .deferred(nextContact: try date(next, "--next-contact"))
            case "declined":
                outcome = .declined
            default:
                throw AccordError.invalid(
                    "--agreed", "no outcome is chosen",
                    accepted: "exactly one of an agreed option, a deferral with its next contact, declining")
            }
            if case .deferred = outcome {
            } else if given("next_contact") != nil {
                throw AccordError.invalid("--next-contact", "is given without a deferral", accepted: "a next contact with --deferred only")
            }
            let takenBy = consultation.participants.map(\.entry).filter { fields["by-\($0)"] != nil }
            return .decisionRecorded(outcome: outcome, takenBy: takenBy, answeredBy: given("answered_by").map(EntryID.init))
        case .note:
            return .noteAdded(text: fields["text"] ?? "")
        case .withdrawal:
            return .entryWithdrawn(entry: try EntryID(typed: fields["entry"] ?? ""))
        case .closing:
            return .sessionClosed
        }
    }

    /// The non-blank lines of a text area, each one benefit or harm, as typed.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
    }

    static func date(_ text: String, _ field: String) throws -> CalendarDate {
        guard let date = CalendarDate(text.trimmingCharacters(in: .whitespaces)) else {
            throw AccordError.invalid(field, "is not a calendar date", accepted: "a date as YYYY-MM-DD")
        }
        return date
    }
}
