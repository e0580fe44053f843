import AccordCore
import Foundation

/// The text form of `accord session show`.
enum ConsultationText {
    /// - Parameters:
    ///   - c: the session.
    ///   - patientObjectsToResearch: whether the patient objects to research re-use (over all
    ///     their sessions); `nil` when that could not be read.
    static func render(_ c: Consultation, patientObjectsToResearch: Bool? = false) -> String {
        var out = ""
        // A value's own line breaks stay inside its entry: continuation lines are indented.
        func line(_ text: String = "") {
            // Each line break of a text followed by the indent of its continuation lines (a
            // line feed inside CR LF too, as `replacingOccurrences` did); a text without one,
            // nearly every line, is appended whole.
            var kept = text.unicodeScalars.startIndex
            for index in text.unicodeScalars.indices where text.unicodeScalars[index] == "\n" {
                let next = text.unicodeScalars.index(after: index)
                out += String(text.unicodeScalars[kept..<next])
                out += "      "
                kept = next
            }
            out += String(text.unicodeScalars[kept...])
            out += "\n"
        }
        let start = c.start
        line("Session \(c.id) — \(c.status.rawValue)")
        line("Started:   \(UTCInstant.format(c.startedAt))" + (c.closedAt.map { "   Closed: \(UTCInstant.format($0))" } ?? ""))
        line("Topic:     \(start.topic)")
        if let condition = start.condition {
            line("Condition: \(condition.text)" + (condition.code.map { " [\($0)]" } ?? "") + origin(condition.origin))
            if let morphology = condition.morphology { line("  morphology (ICD-O-3): \(morphology.code) \(morphology.displayName)") }
        }
        if let rcp = start.rcp {
            line(
                "RCP report: \(rcp.documentID.root)" + (rcp.documentID.extension_.map { " / \($0)" } ?? "")
                    + (rcp.meetingDate.map { ", meeting \($0)" } ?? "")
                    + (rcp.trialProposed.map { $0 ? ", trial proposed" : ", no trial proposed" } ?? ""))
            for warning in rcp.warnings { line("  warning: \(warning)") }
        }
        if let finess = start.organisationFINESS {
            line(
                "Place:     FINESS \(finess)" + (start.organisationName.map { " \($0)" } ?? "")
                    + (start.facility.map { " (facility \($0.code) \($0.displayName))" } ?? ""))
        }
        if let template = start.template { line("Template:  \(template)") }
        let p = start.patient
        line()
        let status = start.effectiveIdentityStatus
        line(
            (p.ins.map { "Patient (INS \($0), OID \(p.insOID ?? KnownOID.insNIR))" } ?? "Patient (no INS)")
                + " — identity \(status.rawValue)" + (start.identityStatus == nil ? " (implied)" : "")
                + (p.ins != nil && status != .qualified ? ", the INS stays out of documents" : ""))
        line("  birth name \(p.birthFamilyName), given names \(p.birthGivenNames) (first: \(p.firstBirthGivenName))")
        line(
            "  born \(p.birthDate), sex \(p.sex.rawValue), birthplace COG \(p.birthplaceCode)"
                + (start.ipp.map { ", IPP \($0.extension_ ?? "")" } ?? ""))
        switch patientObjectsToResearch {
        case true?:
            line(
                "  objects to the re-use of their data for research"
                    + (c.researchObjection ? " (recorded in this session)" : " (recorded in another session of the patient)")
                    + ": left out of pseudonymised exports")
        case nil: line("  research objection: could not be read (run `accord verify`)")
        case false?: break
        }
        line()
        line("Participants:")
        for participant in c.participants {
            var text = "  \(participant.entry)  \(participant.role.rawValue): \(participant.name)"
            if let id = participant.id { text += " (\(id))" }
            if let function = participant.function { text += ", \(function)" }
            if let code = participant.details?.specialty ?? participant.details?.relationship { text += " [\(code)]" }
            if !participant.present { text += " — absent" }
            text += marks(participant.entry, withdrawn: participant.withdrawn, c)
            line(text)
        }
        line()
        line("Options:" + (c.options.isEmpty ? " none yet" : ""))
        for option in c.options {
            line(
                "  \(option.number). [\(option.entry)] \(option.kind.rawValue): \(option.label)"
                    + (option.trialID.map { " (trial \($0))" } ?? "") + origin(option.origin)
                    + marks(option.entry, withdrawn: option.withdrawn, c))
            for benefit in option.benefits { line("       + \(benefit)") }
            for harm in option.harms { line("       − \(harm)") }
        }
        line()
        line("What matters to the patient:" + (c.preferences.isEmpty ? " none yet" : ""))
        for preference in c.preferences {
            line(
                "  \(preference.entry)  \(preference.text)" + (preference.importance.map { " (importance \($0)/5)" } ?? "")
                    + marks(preference.entry, withdrawn: preference.withdrawn, c))
        }
        line()
        if c.decisions.isEmpty {
            line("Decision: none yet")
        } else {
            line("Decision:")
            for decision in c.decisions {
                let current = decision.withdrawn ? " — withdrawn" : decision == c.decision ? "" : " — replaced"
                line(
                    "  \(decision.entry)  \(describe(decision.outcome, c))"
                        + (decision.takenBy.isEmpty ? "" : ", by \(decision.takenBy.map(\.rawValue).joined(separator: " "))")
                        + (decision.answeredBy.map { " (answered for the patient by \($0))" } ?? "")
                        + ", \(UTCInstant.format(decision.recordedAt))" + current + marks(decision.entry, withdrawn: false, c))
            }
        }
        if !c.phases.isEmpty {
            line()
            line("Phases:")
            for mark in c.phases { line("  \(mark.phase.rawValue) talk  \(UTCInstant.format(mark.startedAt))") }
        }
        let process = c.process
        if !process.decisionAids.isEmpty || process.understandingChecked != nil || process.reflectionOffered || process.trialOffered != nil
        {
            line()
            line("Process:")
            for aid in process.decisionAids {
                line(
                    "  \(aid.entry)  decision aid: \(aid.name)" + (aid.version.map { " (\($0))" } ?? "")
                        + marks(aid.entry, withdrawn: aid.withdrawn, c))
            }
            if let method = process.understandingChecked { line("  understanding checked: \(method)") }
            if process.reflectionOffered { line("  time for reflection offered" + (process.reflectionUntil.map { " until \($0)" } ?? "")) }
            if let offered = process.trialOffered {
                line(
                    "  clinical trial: \(process.trialEligibility?.rawValue ?? "unknown"), " + (offered ? "offered" : "not offered")
                        + (process.trialAnswer.map { ", \($0.rawValue)" } ?? ""))
            }
        }
        if !c.instruments.isEmpty {
            line()
            line("Instruments:")
            for response in c.instruments {
                line(
                    "  \(response.entry)  \(response.instrument.rawValue) \(response.version) (\(response.respondent.rawValue)): "
                        + InstrumentAnswer.text(response.answers) + " → " + InstrumentResult.text(response.score)
                        + (response.answeredBy.map { " (answered for the patient by \($0))" } ?? "")
                        + (response.followUp ? " — follow-up" : "") + marks(response.entry, withdrawn: response.withdrawn, c))
            }
        }
        if !c.notes.isEmpty {
            line()
            line("Notes:")
            for note in c.notes { line("  \(note.entry)  \(note.text)" + marks(note.entry, withdrawn: note.withdrawn, c)) }
        }
        return out
    }

    /// What happened to an entry after closing, in order (" — added after closing
    /// 2026-11-13T15:00:00Z by 810…: reason"), then " — withdrawn" for an entry withdrawn while
    /// the session was open; empty for an entry neither amended nor withdrawn.
    private static func marks(_ entry: EntryID, withdrawn: Bool, _ c: Consultation) -> String {
        let amendments = c.amendments(of: entry).filter { $0.kind != .replaced }
        var text = amendments.map { amendment in
            " — \(amendment.kind.rawValue) after closing \(UTCInstant.format(amendment.recordedAt)) by \(amendment.author)"
                + ": \(amendment.reason)"
        }.joined()
        if withdrawn && !amendments.contains(where: { $0.kind == .withdrawn }) { text += " — withdrawn" }
        return text
    }

    private static func describe(_ outcome: DecisionOutcome, _ c: Consultation) -> String {
        switch outcome {
        case .agreed(let number):
            "agreed option \(number)" + (c.options.first { $0.number == number }.map { " (\($0.label))" } ?? "")
        case .deferred(let next):
            "deferred, next contact \(next)"
        case .declined:
            "declined"
        }
    }

    private static func origin(_ origin: String?) -> String { origin.map { " {from \($0)}" } ?? "" }
}
