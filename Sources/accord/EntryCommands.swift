import AccordCore
import AccordService
import ArgumentParser
import Foundation

/// Records one change in a session and reports the new entry on standard error.
func recordChange(
    _ change: Change, _ store: StoreOptions, _ session: SessionArgument, reason: String?, describe: (Consultation) -> String
) throws {
    let consultation = try store.openStore().record(change, in: session.id, author: try store.recordingAuthor(), reason: reason)
    Terminal.message(describe(consultation) + (reason != nil && consultation.status == .closed ? " (amendment)" : ""))
}

/// The `--reason` every change command takes: required once the session is closed.
struct ReasonOption: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Why the record changes; required once the session is closed (the change is then an amendment, and every document issued afterwards shows it with its date, author and this reason).",
            valueName: "text"))
    var reason: String?
}

struct ParticipantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "participant", abstract: "Record who takes part.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a participant (role patient records that an absent patient has joined).")

        @OptionGroup var store: StoreOptions

        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(help: ArgumentHelp("patient, relative, trusted-person, carer, interpreter or professional.", valueName: "role"))
        var role: ParticipantRole

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp(
                "The participant's name as one text (not needed for role patient, nor with --family-name).", valueName: "name"))
        var name: String?

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("The participant's family name (CDA name/family, FHIR HumanName.family).", valueName: "name"))
        var familyName: String?

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("The participant's given name (CDA name/given, FHIR HumanName.given).", valueName: "name"))
        var givenName: String?

        @Option(
            help: ArgumentHelp(
                "A civility M or MME (CI-SIS J245, CDA name/prefix) or a title of J246 such as DR or PR (CDA name/suffix).",
                valueName: "prefix"))
        var prefix: String?

        @Option(
            help: ArgumentHelp(
                "A professional's profession or specialty: a code of the CI-SIS value set J01, e.g. G15_10/SM36 (oncologie médicale); `accord codes list J01` lists them.",
                valueName: "code"))
        var specialty: String?

        @Option(
            help: ArgumentHelp(
                "A relative's relationship to the patient: a code of the CI-SIS value set J11, e.g. SIGOTHR (conjoint); `accord codes list J11` lists them.",
                valueName: "code"))
        var relationship: String?

        @Option(help: ArgumentHelp("An identifier: the IdNat_PS for a professional (8 + RPPS).", valueName: "id"))
        var id: String?

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("A professional's function or specialty, or a relative's relationship, in words.", valueName: "text"))
        var function: String?

        private var details: PersonDetails {
            PersonDetails(
                familyName: familyName, givenName: givenName, prefix: PersonDetails.prefixCode(prefix), specialty: specialty,
                relationship: relationship)
        }

        func validate() throws {
            if role != .patient && name == nil && familyName == nil {
                throw ValidationError("--name (or --family-name) is required for role \(role.rawValue).")
            }
            if role == .professional && id == nil { throw ValidationError("--id (the IdNat_PS) is required for a professional.") }
        }

        func run() throws {
            try recordChange(
                .participantAdded(
                    role: role, name: name ?? details.nameLine ?? "", id: id, function: function, details: details.orNil), store, session,
                reason: amendment.reason
            ) { consultation in
                role == .patient
                    ? "Recorded the patient (P1) as present in session \(session)."
                    : "Added participant \(consultation.participants.last!.entry) (\(role.rawValue)) to session \(session)."
            }
        }
    }
}

extension ParticipantRole: ExpressibleByArgument {}
extension OptionKind: ExpressibleByArgument {}

struct OptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "option", abstract: "Record the options discussed.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add an option; it gets the next number (1, 2, …), never reused.")

        @OptionGroup var store: StoreOptions

        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(help: ArgumentHelp("treatment, active-surveillance, no-treatment, clinical-trial or supportive-care.", valueName: "kind"))
        var kind: OptionKind

        @Option(parsing: .unconditional, help: ArgumentHelp("A short label.", valueName: "text"))
        var label: String

        @Option(
            parsing: .unconditionalSingleValue,
            help: ArgumentHelp("A benefit, in words with its figure and source where known (repeatable).", valueName: "text"))
        var benefit: [String] = []

        @Option(
            parsing: .unconditionalSingleValue,
            help: ArgumentHelp("A harm, in words with its figure and source where known (repeatable).", valueName: "text"))
        var harm: [String] = []

        @Option(help: ArgumentHelp("The trial's registry id (e.g. NCT01234567), for a clinical trial.", valueName: "id"))
        var trialId: String?

        func validate() throws {
            if trialId != nil && kind != .clinicalTrial {
                throw ValidationError("--trial-id goes with --kind clinical-trial.")
            }
        }

        func run() throws {
            let change = Change.optionAdded(
                kind: kind, label: label, benefits: benefit, harms: harm, trialID: trialId?.uppercased(), origin: nil)
            try recordChange(change, store, session, reason: amendment.reason) { consultation in
                if kind == .clinicalTrial && trialId == nil {
                    Terminal.warning("the clinical trial option has no registry id (--trial-id).")
                }
                let option = consultation.options.last!
                return "Added option \(option.number) (\(option.entry)) to session \(session)."
            }
        }
    }
}

struct PreferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preference", abstract: "Record what matters to the patient.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add something that matters to the patient (a value, concern or goal).")

        @OptionGroup var store: StoreOptions

        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(parsing: .unconditional, help: ArgumentHelp("What matters, in the patient's words.", valueName: "text"))
        var text: String

        @Option(parsing: .unconditional, help: ArgumentHelp("Importance from 1 (a little) to 5 (above all).", valueName: "1-5"))
        var importance: Int?

        func run() throws {
            try recordChange(.preferenceAdded(text: text, importance: importance), store, session, reason: amendment.reason) {
                consultation in
                "Added preference \(consultation.preferences.last!.entry) to session \(session)."
            }
        }
    }
}

struct DecisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decision", abstract: "Record the decision.", subcommands: [Record.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record the decision: an agreed option, a deferral with the next contact, or declining.",
            discussion: "A later decision replaces an earlier one; both stay in the record.")

        @OptionGroup var store: StoreOptions

        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(parsing: .unconditional, help: ArgumentHelp("The agreed option's number, as `session show` lists it.", valueName: "n"))
        var agreed: Int?

        @Flag(help: "The decision is deferred (give --next-contact).")
        var deferred = false

        @Option(help: ArgumentHelp("The day of the next contact, YYYY-MM-DD (with --deferred).", valueName: "date"))
        var nextContact: String?

        @Flag(help: "The patient declined every option.")
        var declined = false

        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp("The participants who took the decision (entry ids such as P1 P3, or P1,P3).", valueName: "entry"))
        var by: [String] = []

        /// `--by`'s entry ids, whether given apart (`P1 P3`) or as one comma-separated list (`P1,P3`).
        private var takenBy: [String] {
            by.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        }

        @Option(
            help: ArgumentHelp(
                "The participant who answered for the patient (entry id such as P3), when --by names an absent patient (P1).",
                valueName: "entry"))
        var answeredBy: String?

        func validate() throws {
            let chosen = [agreed != nil, deferred, declined].filter { $0 }.count
            if chosen != 1 { throw ValidationError("give exactly one of --agreed N, --deferred --next-contact DATE, --declined.") }
            if deferred && nextContact == nil { throw ValidationError("--deferred needs --next-contact YYYY-MM-DD.") }
            if !deferred && nextContact != nil { throw ValidationError("--next-contact goes with --deferred.") }
        }

        func run() throws {
            let outcome: DecisionOutcome
            if let agreed {
                outcome = .agreed(option: agreed)
            } else if deferred {
                guard let text = nextContact, let date = CalendarDate(text) else {
                    throw AccordError.invalid("--next-contact", "is not a calendar date", accepted: "a date as YYYY-MM-DD")
                }
                outcome = .deferred(nextContact: date)
            } else {
                outcome = .declined
            }
            for entry in takenBy where !entry.uppercased().hasPrefix("P") {
                throw AccordError.invalid(
                    "--by", "names an entry that is not a participant",
                    accepted: "participant ids such as P1 P3, as `session show` lists them")
            }
            if let answeredBy, !answeredBy.uppercased().hasPrefix("P") {
                throw AccordError.invalid(
                    "--answered-by", "names an entry that is not a participant",
                    accepted: "a participant id such as P3, as `session show` lists it")
            }
            let change = Change.decisionRecorded(
                outcome: outcome, takenBy: takenBy.map(EntryID.init), answeredBy: answeredBy.map(EntryID.init))
            try recordChange(change, store, session, reason: amendment.reason) {
                consultation in
                "Recorded decision \(consultation.decision!.entry) (\(outcome.name)) in session \(session)."
            }
        }
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Record free-text notes.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a note.")

        @OptionGroup var store: StoreOptions

        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(parsing: .unconditional, help: ArgumentHelp("The note.", valueName: "text"))
        var text: String

        func run() throws {
            try recordChange(.noteAdded(text: text), store, session, reason: amendment.reason) { consultation in
                "Added note \(consultation.notes.last!.entry) to session \(session)."
            }
        }
    }
}
