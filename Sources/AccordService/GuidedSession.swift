import AccordCore
import AccordStore
import AccordXML
import Foundation

/// What a guided session talks through: a terminal for `accord run`, a test's script, a web
/// page's form later.
public protocol GuidedPrompter {
    /// Shows one line.
    func say(_ text: String)
    /// Shows `prompt` and returns the line answered, or `nil` when the answers ran out.
    func ask(_ prompt: String) -> String?
    /// Shows a warning (an RCP report's, an identity check's).
    func warn(_ text: String)
}

/// The questions of `accord run`: the patient and clinician (or an RCP report), then team,
/// option and decision talk. Each answer is checked by the library and recorded at once (one
/// transaction each); a refused answer is explained and asked again.
public struct GuidedSession {
    let service: AccordService
    let prompter: any GuidedPrompter
    let author: String?
    var session: SessionID?
    /// The phases already begun in the session (not recorded again).
    var startedPhases: Set<Phase> = []
    /// The phase a continued session goes on from.
    var resumeAt: Phase = .team

    /// A guided session recording into `service` as `author` (`nil`: the clinician), talking
    /// through `prompter`.
    public init(service: AccordService, prompter: any GuidedPrompter, author: String?) {
        self.service = service
        self.prompter = prompter
        self.author = author
    }

    var store: any EventStore { service.store }

    /// What the user typed.
    enum Answer: Equatable {
        case text(String)
        case empty
        case skip
    }

    struct Quit: Error {
        /// The answers ran out (rather than `quit` typed).
        var endOfInput = false
    }

    // MARK: - Input

    func say(_ text: String) {
        prompter.say(text)
    }

    /// Asks once; "quit" or the end of input stops the session (what was recorded stays).
    func ask(_ prompt: String) throws -> Answer {
        guard let line = prompter.ask(prompt) else {
            say("")
            throw Quit(endOfInput: true)
        }
        let text = line.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "quit", "exit", "q": throw Quit()
        case "skip", "-": return .skip
        case "": return .empty
        default: return .text(text)
        }
    }

    /// Asks until `parse` accepts the answer; `nil` when skipped (or left empty, when allowed).
    func ask<T>(_ prompt: String, optional: Bool = true, parse: (String) throws -> T) throws -> T? {
        while true {
            switch try ask(prompt) {
            case .skip, .empty:
                if optional { return nil }
                say("  This one is needed to go on (type quit to stop).")
            case .text(let text):
                do {
                    return try parse(text)
                } catch let error as AccordError {
                    say("  \(error.description)")
                }
            }
        }
    }

    /// Asks for free text; `nil` when skipped or left empty (when allowed). The library checks
    /// it when it is recorded.
    func askText(_ prompt: String, optional: Bool = true) throws -> String? {
        try ask(prompt, optional: optional) { $0 }
    }

    /// Asks for a value and checks it at once with `rule` (a ``FieldRules`` check given the
    /// value and `field`), asking again when it is refused.
    func askChecked(_ prompt: String, _ field: String, optional: Bool = true, rule: (String, String) throws -> Void) throws -> String? {
        try ask(prompt, optional: optional) { text in
            try rule(text, field)
            return text
        }
    }

    /// Records a change, asking again (through `retry`) when the library refuses it.
    @discardableResult
    func record(_ change: Change) -> Consultation? {
        do {
            return try store.record(change, in: session!, author: author, reason: nil, precondition: nil)
        } catch let error as AccordError {
            say("  Not recorded: \(error.description)")
            return nil
        } catch {
            say("  Not recorded: \(error)")
            return nil
        }
    }

    // MARK: - The walk

    /// Walks through a new session (typed, or from the RCP report at `fromRCP`, with a
    /// template's options), or continues the open session `existing` from its last phase.
    /// - Throws: `AccordError` (`invalidInput`) when the answers end before a session starts;
    ///   (`conflict`) for a closed session; nothing half-typed is recorded.
    public mutating func run(fromRCP: String?, templateID: String?, session existing: SessionID?) throws {
        say("Accord — guided consultation. Type \"skip\" to pass a question, \"quit\" to stop (what is entered is kept).")
        do {
            if let existing {
                let consultation = try store.consultation(existing)
                guard consultation.status == .open else {
                    throw AccordError(.conflict, "session \(existing) is closed; amend it with the change commands and --reason.")
                }
                session = existing
                startedPhases = Set(consultation.phases.map(\.phase))
                resumeAt = consultation.phases.last?.phase ?? .team
                say("Continuing session \(existing).")
            } else {
                try start(fromRCP: fromRCP, templateID: templateID)
            }
            // A continued session goes on from the last phase begun; earlier phases are not asked again.
            if resumeAt == .team { try teamTalk() }
            if resumeAt != .decision { try optionTalk() }
            try decisionTalk()
            try finish()
        } catch let quit as Quit {
            if let session {
                say(
                    "Stopped. Session \(session) keeps everything recorded so far (an entry left half-typed is not recorded); continue with `accord run --session \(session)`."
                )
            } else if quit.endOfInput {
                throw AccordError(.invalidInput, "the answers ended before a session could be started; nothing was recorded.")
            } else {
                say("Stopped before a session was started; nothing was recorded.")
            }
        }
    }

    mutating func start(fromRCP: String?, templateID: String?) throws {
        // Each answer is checked by the rule of its field (FieldRules), the one every entry point uses.
        let clinicianID = try ask("Clinician IdNat_PS (8 + RPPS):", optional: false) { text -> String in
            try FieldRules.idNatPS(text, "clinician")
            return text
        }!
        let clinicianName = try askChecked("Clinician name:", "clinician name", optional: false) {
            try FieldRules.text($0, $1, .line(200))
        }!
        let template = try templateID.map { try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template($0) }
        if let template { say("Template \(template.reference): \(template.title.fr).") }
        var start: SessionStart
        var changes: [Change] = []
        if let fromRCP {
            let report = try RCPReportFile.read(path: fromRCP, field: "--from-rcp")
            let topic = try askChecked("Decision to make [Enter: \(report.defaultTopic)]:", "decision") { try FieldRules.text($0, $1) }
            (start, changes) = report.sessionStart(clinicianID: clinicianID, clinicianName: clinicianName, topic: topic)
            for warning in report.warnings { prompter.warn(warning) }
        } else {
            let ins = try ask("Patient INS (15 characters) [Enter: none, a provisional identity]:") { $0.uppercased() }
            let oid =
                try ins.map { _ in
                    try askChecked("INS OID [Enter: 1.2.250.1.213.1.4.8 production; tests use 1.2.250.1.213.1.4.10]:", "INS OID") {
                        try FieldRules.insOID($0, $1)
                    } ?? KnownOID.insNIR
                }
            let family = try askChecked("Birth family name (INS form, e.g. MARTIN-D'ESTE):", "birth family name", optional: false) {
                try FieldRules.insName($0, $1)
            }!
            let given = try askChecked("Birth given names, in order:", "birth given names", optional: false) {
                try FieldRules.insName($0, $1)
            }!
            let today = CalendarDate(utcDayOf: try AccordClock.fromEnvironment().now())
            let birth = try ask("Birth date (YYYY-MM-DD):", optional: false) { text -> CalendarDate in
                guard let date = CalendarDate(text) else {
                    throw AccordError.invalid("birth date", "is not a calendar date", accepted: "YYYY-MM-DD")
                }
                try FieldRules.birthDate(date, "birth date", today: today)
                return date
            }!
            let sex = try ask("Sex (F, M, U):", optional: false) { text -> Sex in
                guard let sex = Sex(argument: text) else {
                    throw AccordError.invalid("sex", "is not an administrative sex", accepted: "F, M or U")
                }
                return sex
            }!
            let place = try ask("Birth place (INSEE COG code):", optional: false) { text -> String in
                try FieldRules.birthplace(text, "birth place")
                return text.uppercased()
            }!
            let implied = IdentityStatus.implied(hasINS: ins != nil)
            let status = try ask("Identity status: provisional, recovered, validated, qualified [Enter: \(implied.rawValue)]:") {
                text -> IdentityStatus in
                guard let status = IdentityStatus(argument: text) else {
                    throw AccordError.invalid("identity status", "is not an identity status", accepted: IdentityStatus.accepted)
                }
                if status.retrievedFromINSi && ins == nil {
                    throw AccordError.invalid(
                        "identity status", "is \(status.rawValue), a status the INSi teleservice gives with the INS, but no INS was given",
                        accepted: "provisional or validated for an identity without INS")
                }
                return status
            }
            let ipp = try askChecked("Patient IPP in the centre [Enter: none]:", "IPP") { try FieldRules.localIdentifier($0, $1) }
            let topic =
                try template.map { template in
                    try askChecked("Decision to make [Enter: \(template.decision)]:", "decision") { try FieldRules.text($0, $1) }
                        ?? template.decision
                }
                ?? askChecked("Decision to make:", "decision", optional: false) { try FieldRules.text($0, $1) }!
            let condition = try askChecked("Diagnosis (or skip):", "diagnosis") { try FieldRules.text($0, $1) }.map { Condition(text: $0) }
            let ippIdentifier = try ipp.map {
                InstanceIdentifier(root: (try store.centreSettings() ?? .example).oidRoot + ".2", extension_: $0)
            }
            start = SessionStart(
                patient: INSIdentity(
                    ins: ins, insOID: oid, birthFamilyName: family, birthGivenNames: given, birthDate: birth, sex: sex,
                    birthplaceCode: place),
                identityStatus: status, ipp: ippIdentifier, clinicianID: clinicianID, clinicianName: clinicianName, topic: topic,
                condition: condition)
        }
        let present = try ask("Is the patient present? (yes/no) [Enter: yes]:") { try Self.yesNo($0) } ?? true
        start.patientPresent = present
        if let template { changes += template.apply(to: &start) }
        do {
            session = try store.importConsultation(start: start, changes: changes, author: author)
        } catch let error as AccordError {
            say("  Not started: \(error.description)")
            say("  Nothing was recorded; run `accord run` again.")
            throw Quit()
        }
        say("Session \(session!) started.")
        for warning in service.identityWarnings(session: session!, identity: start.patient) { prompter.warn(warning) }
    }

    /// Records that `phase` begins, unless it began already (a continued session).
    mutating func beginPhase(_ phase: Phase) {
        guard !startedPhases.contains(phase) else { return }
        if record(.phaseStarted(phase)) != nil { startedPhases.insert(phase) }
    }

    mutating func teamTalk() throws {
        say("\n— Team talk: a choice exists, and we decide together.")
        beginPhase(.team)
        while true {
            let role = try ask("Who else takes part? Role (relative, trusted-person, carer, interpreter, professional) or Enter to go on:")
            {
                text -> ParticipantRole in
                guard let role = ParticipantRole(rawValue: text), role != .patient else {
                    throw AccordError.invalid(
                        "role", "is not a participant role", accepted: "relative, trusted-person, carer, interpreter or professional")
                }
                return role
            }
            guard let role else { break }
            guard let name = try askText("  Name:") else { continue }
            var id: String?
            if role == .professional {
                id = try askText("  IdNat_PS:", optional: false)
            }
            if let consultation = record(.participantAdded(role: role, name: name, id: id, function: nil)) {
                say("  Added \(consultation.participants.last!.entry).")
            }
        }
        if let letter = try ask(
            "Role the patient wants in the decision (Control Preferences Scale letter A–E), or skip:", parse: Self.cpsLetter)
        {
            try recordInstrument(.cpsPreferred, answers: letter)
        }
    }

    /// Scores and records an instrument; a refused answer is explained.
    func recordInstrument(_ id: InstrumentID, answers text: String) throws {
        let instrument = id.instrument
        do {
            let answers = try instrument.parseAnswers(text)
            let score = try instrument.score(answers)
            var answeredBy: EntryID?
            if instrument.defaultRespondent == .patient, let current = try? store.consultation(session!), current.status == .open,
                !current.patient.present
            {
                answeredBy = try ask("  The patient is absent: who answered for them (participant id, e.g. P3)?") { EntryID($0) }
            }
            if let consultation = record(
                .instrumentRecorded(
                    instrument: id, version: instrument.version, respondent: instrument.defaultRespondent, answers: answers, score: score,
                    answeredBy: answeredBy))
            {
                say("  Recorded \(consultation.instruments.last!.entry): " + score.summaryLine)
            }
        } catch let error as AccordError {
            say("  Not recorded: \(error.description)")
        }
    }

    static func cpsLetter(_ text: String) throws -> String {
        guard ControlPreferences.group(text.uppercased()) != nil else {
            throw AccordError.invalid(
                "role", "is not a Control Preferences Scale letter", accepted: "one letter from A (I decide) to E (the doctor decides)")
        }
        return text.uppercased()
    }

    mutating func optionTalk() throws {
        say("\n— Option talk: the options, with their benefits and harms.")
        beginPhase(.option)
        while true {
            let current = try store.consultation(session!).options.filter { !$0.withdrawn }
            if !current.isEmpty { say("  Options so far: " + current.map { "\($0.number). \($0.label)" }.joined(separator: "; ")) }
            let kind = try ask(
                "Add an option? Kind (treatment, active-surveillance, no-treatment, clinical-trial, supportive-care) or Enter to go on:"
            ) {
                text -> OptionKind in
                guard let kind = OptionKind(rawValue: text) else {
                    throw AccordError.invalid(
                        "kind", "is not an option kind", accepted: OptionKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return kind
            }
            guard let kind else { break }
            guard let label = try askText("  Label:") else { continue }
            var benefits: [String] = []
            while let benefit = try askText("  Benefit (Enter when done):") { benefits.append(benefit) }
            var harms: [String] = []
            while let harm = try askText("  Harm (Enter when done):") { harms.append(harm) }
            let trial = kind == .clinicalTrial ? try ask("  Trial registry id (e.g. NCT01234567, or skip):") { $0.uppercased() } : nil
            if let consultation = record(
                .optionAdded(kind: kind, label: label, benefits: benefits, harms: harms, trialID: trial, origin: nil))
            {
                say("  Added option \(consultation.options.last!.number).")
            }
        }
    }

    mutating func decisionTalk() throws {
        say("\n— Decision talk: what matters to the patient, then the decision.")
        beginPhase(.decision)
        while let text = try askText("What matters to the patient? (Enter when done):") {
            let importance = try ask("  Importance 1–5 (Enter: not stated):") { text -> Int in
                guard let value = Int(text), (1...5).contains(value) else {
                    throw AccordError.invalid("importance", "is out of range", accepted: "a whole number from 1 to 5")
                }
                return value
            }
            if let consultation = record(.preferenceAdded(text: text, importance: importance)) {
                say("  Added \(consultation.preferences.last!.entry).")
            }
        }
        if let aid = try askText("Decision aid given? Name (Enter: none):") {
            let version = try askText("  Its version or edition (Enter: unknown):")
            record(.decisionAidGiven(name: aid, version: version))
        }
        if let method = try askText("Was understanding checked? How (e.g. reformulation), or skip:") {
            record(.understandingChecked(method: method))
        }
        if let offered = try ask("Was a clinical trial offered? (yes/no, or skip):", parse: Self.yesNo) {
            let eligibility =
                try ask("  Eligibility (eligible, not-eligible, unknown) [Enter: unknown]:") { text -> TrialEligibility in
                    guard let value = TrialEligibility(rawValue: text) else {
                        throw AccordError.invalid("eligibility", "is not known", accepted: "eligible, not-eligible or unknown")
                    }
                    return value
                } ?? .unknown
            let answer =
                offered
                ? try ask("  The patient's answer (accepted, declined, undecided, or skip):") { text -> TrialAnswer in
                    guard let value = TrialAnswer(rawValue: text) else {
                        throw AccordError.invalid("answer", "is not known", accepted: "accepted, declined or undecided")
                    }
                    return value
                } : nil
            record(.trialDiscussed(eligibility: eligibility, offered: offered, answer: answer))
        }
        while true {
            let options = try store.consultation(session!).options.filter { !$0.withdrawn }
            say("  Options: " + (options.isEmpty ? "none" : options.map { "\($0.number). \($0.label)" }.joined(separator: "; ")))
            guard let outcome = try ask("Decision: an option number, \"deferred YYYY-MM-DD\", \"declined\", or skip:", parse: Self.outcome)
            else { break }
            let by =
                try ask("  Taken by (participant ids, e.g. P1 P2) [Enter: P1 P2]:") { $0.split(separator: " ").map { EntryID(String($0)) } }
                ?? [EntryID("P1"), EntryID("P2")]
            // An absent patient agrees only through who answered for them (issue 15, part 8).
            var answeredBy: EntryID?
            if by.contains(EntryID("P1")), !(try store.consultation(session!).patient.present) {
                answeredBy = try ask("  The patient is absent: who answered for them (participant id, e.g. P3)?") { EntryID($0) }
            }
            if let consultation = record(.decisionRecorded(outcome: outcome, takenBy: by, answeredBy: answeredBy)) {
                say("  Recorded \(consultation.decision!.entry).")
                if case .deferred(let next) = outcome { record(.reflectionOffered(until: next)) }
                break
            }
        }
        while let note = try askText("Note (Enter when done):") {
            record(.noteAdded(text: note))
        }
        while let id = try ask(
            "Record an instrument? Its id (see `accord instrument list`), or Enter to go on:", parse: { try Instrument.named($0).id })
        {
            let instrument = id.instrument
            if let answers = try askText(
                "  Answers (\(instrument.itemCount) × \(instrument.answerDescription), comma-separated, - for unanswered):")
            {
                try recordInstrument(id, answers: answers)
            }
        }
    }

    mutating func finish() throws {
        let completeness = try store.consultation(session!).completeness
        say("")
        for element in completeness.missing { say("missing: \(element.rawValue) — \(element.englishDescription)") }
        say("Completeness \(completeness.percent) %.")
        if try ask("Close session \(session!) now? (yes/no) [Enter: no]:", parse: Self.yesNo) ?? false {
            if record(.sessionClosed) != nil { say("Closed session \(session!).") }
        } else {
            say("Session \(session!) stays open; continue with `accord run --session \(session!)` or the change commands.")
        }
    }

    // MARK: - Parsing

    static func yesNo(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "yes", "y", "oui", "o": return true
        case "no", "n", "non": return false
        default: throw AccordError.invalid("answer", "is not yes or no", accepted: "yes or no")
        }
    }

    static func outcome(_ text: String) throws -> DecisionOutcome {
        let words = text.lowercased().split(separator: " ")
        if let number = Int(text) { return .agreed(option: number) }
        if words.first == "declined" && words.count == 1 { return .declined }
        if words.first == "deferred", words.count == 2, let date = CalendarDate(String(words[1])) { return .deferred(nextContact: date) }
        throw AccordError.invalid("decision", "is not understood", accepted: "an option number, \"deferred YYYY-MM-DD\" or \"declined\"")
    }
}
