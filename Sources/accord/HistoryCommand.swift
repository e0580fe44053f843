import AccordCore
import AccordService
import ArgumentParser
import Foundation

extension SessionCommand {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "List every event of a session: sequence, UTC time, author, kind, reason and what it changed.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Flag(help: "Print the events as JSON (each with its full change).")
        var json = false

        func run() throws {
            let events = try store.openExistingStore().events(of: session.id)
            if json {
                try Terminal.printJSON(events)
                return
            }
            var consultation: Consultation?
            for event in events {
                let before = consultation
                if consultation == nil { consultation = try Consultation(events: [event]) } else { consultation!.apply(event) }
                var line =
                    "\(event.sequence)\t\(session.id)#\(event.sessionSequence ?? 0)\t\(UTCInstant.format(event.recordedAt))\t\(event.author)\t\(event.change.kind)"
                line += "\t" + EventText.summary(event.change, before: before, after: consultation!)
                if let reason = event.reason {
                    // The patient's research objection is not an amendment of the record.
                    let amends: Bool
                    if case .researchObjection = event.change { amends = false } else { amends = before?.status == .closed }
                    line += (amends ? "\tamendment: " : "\treason: ") + reason
                }
                print(Terminal.visible(line))
            }
        }
    }
}

/// One-line descriptions of changes for `session history`.
enum EventText {
    static func summary(_ change: Change, before: Consultation?, after: Consultation) -> String {
        switch change {
        case .sessionStarted(let start):
            return "started: patient P1" + (start.patientPresent ? "" : " (absent)") + ", clinician P2"
                + (start.rcp == nil ? "" : ", from an RCP report")
        case .participantAdded(let role, _, _, _, _):
            return role == .patient ? "patient P1 now present" : "added \(after.participants.last!.entry) (\(role.rawValue))"
        case .optionAdded(let kind, let label, _, _, _, _):
            return "added option \(after.options.last!.number) (\(kind.rawValue)): \(short(label))"
        case .preferenceAdded(let text, let importance):
            return "added \(after.preferences.last!.entry): \(short(text))" + (importance.map { " (importance \($0))" } ?? "")
        case .decisionRecorded(let outcome, _, _):
            switch outcome {
            case .agreed(let option): return "decision \(after.decisions.last!.entry): agreed option \(option)"
            case .deferred(let next): return "decision \(after.decisions.last!.entry): deferred to \(next)"
            case .declined: return "decision \(after.decisions.last!.entry): declined"
            }
        case .noteAdded(let text):
            return "added \(after.notes.last!.entry): \(short(text))"
        case .sessionClosed:
            return "closed"
        case .entryWithdrawn(let entry):
            return "withdrew \(entry)"
        case .centreSettingsChanged:
            return "centre settings"
        case .phaseStarted(let phase):
            return "\(phase.rawValue) talk began"
        case .decisionAidGiven(let name, let version):
            return "decision aid \(after.process.decisionAids.last!.entry): \(short(name))" + (version.map { " (\($0))" } ?? "")
        case .understandingChecked(let method):
            return "understanding checked" + (method.map { ": \(short($0))" } ?? "")
        case .reflectionOffered(let until):
            return "time for reflection offered" + (until.map { " until \($0)" } ?? "")
        case .instrumentRecorded(let instrument, let version, _, _, let score, _):
            return "\(after.instruments.last!.entry) \(instrument.rawValue) \(version): " + InstrumentResult.text(score)
        case .documentIssued(let issue):
            return "document issued: \(issue.profile) version \(issue.version), id \(issue.documentID), SHA-256 \(issue.sha256.prefix(16))…"
        case .identityCorrected(let correction):
            return "patient identity corrected: " + correction.traitNames.joined(separator: ", ")
        case .identityStatusChanged(let change):
            return "identity status: \(change.status.rawValue)" + (change.justification.map { " (justified by \($0.rawValue))" } ?? "")
                + (change.ins != nil ? ", INS recorded" : "")
        case .researchObjection(let objects):
            return objects
                ? "the patient objects to the re-use of their data for research" : "the patient's research objection withdrawn"
        case .trialDiscussed(let eligibility, let offered, let answer):
            return "trial: \(eligibility.rawValue), " + (offered ? "offered" : "not offered") + (answer.map { ", \($0.rawValue)" } ?? "")
        }
    }

    private static func short(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }
}
