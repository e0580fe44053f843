import AccordCore
import AccordService
import ArgumentParser
import Foundation

extension Phase: ExpressibleByArgument {}
extension TrialEligibility: ExpressibleByArgument {}
extension TrialAnswer: ExpressibleByArgument {}

struct PhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phase",
        abstract: "Record that a three-talk phase begins: team, option or decision (Elwyn et al., BMJ 2017).")

    @OptionGroup var store: StoreOptions

    @OptionGroup var amendment: ReasonOption

    @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
    var session: SessionArgument

    @Argument(help: ArgumentHelp("team, option or decision.", valueName: "phase"))
    var phase: Phase

    func run() throws {
        try recordChange(.phaseStarted(phase), store, session, reason: amendment.reason) { _ in
            "Recorded the start of \(phase.rawValue) talk in session \(session)."
        }
    }
}

struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Record the process: decision aids given, understanding checked, time for reflection, the trial proposal.",
        subcommands: [Aid.self, Understanding.self, Reflection.self, Trial.self])

    struct Aid: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aid", abstract: "Record a decision aid given to the patient (entry A1, A2, …).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(parsing: .unconditional, help: ArgumentHelp("The aid's name.", valueName: "text"))
        var name: String

        @Option(parsing: .unconditional, help: ArgumentHelp("Its version or edition.", valueName: "text"))
        var version: String?

        func run() throws {
            try recordChange(.decisionAidGiven(name: name, version: version), store, session, reason: amendment.reason) { consultation in
                "Recorded decision aid \(consultation.process.decisionAids.last!.entry) in session \(session)."
            }
        }
    }

    struct Understanding: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "understanding", abstract: "Record that the patient's understanding was checked.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(parsing: .unconditional, help: ArgumentHelp("How (e.g. reformulation, teach-back).", valueName: "text"))
        var method: String?

        func run() throws {
            try recordChange(.understandingChecked(method: method), store, session, reason: amendment.reason) { _ in
                "Recorded that understanding was checked in session \(session)."
            }
        }
    }

    struct Reflection: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reflection", abstract: "Record that time for reflection was offered.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(help: ArgumentHelp("The day the reflection time ends, YYYY-MM-DD.", valueName: "date"))
        var until: String?

        func run() throws {
            var day: CalendarDate?
            if let until {
                guard let date = CalendarDate(until) else {
                    throw AccordError.invalid("--until", "is not a calendar date", accepted: "a date as YYYY-MM-DD")
                }
                day = date
            }
            try recordChange(.reflectionOffered(until: day), store, session, reason: amendment.reason) { _ in
                "Recorded that time for reflection was offered in session \(session)."
            }
        }
    }

    struct Trial: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trial",
            abstract: "Record the clinical-trial proposal: eligibility, whether a trial was offered, the patient's answer.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(help: ArgumentHelp("eligible, not-eligible or unknown.", valueName: "eligibility"))
        var eligibility: TrialEligibility

        @Option(help: ArgumentHelp("Whether a trial was offered: yes or no.", valueName: "yes|no"))
        var offered: String

        @Option(help: ArgumentHelp("The patient's answer: accepted, declined or undecided.", valueName: "answer"))
        var answer: TrialAnswer?

        func run() throws {
            guard let isOffered = ["yes": true, "no": false][offered.lowercased()] else {
                throw AccordError.invalid("--offered", "is not yes or no", accepted: "yes or no")
            }
            try recordChange(
                .trialDiscussed(eligibility: eligibility, offered: isOffered, answer: answer), store, session, reason: amendment.reason
            ) { _ in
                "Recorded the trial proposal in session \(session)."
            }
        }
    }
}
