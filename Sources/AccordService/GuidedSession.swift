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
///
/// Everything it words itself comes from one ``Messages`` catalogue, so no prompt mixes
/// languages; errors of the shared validation (`FieldRules`, the store) are shown as they are.
/// Typed commands (`skip`, `-`, `quit`, `exit`, `q`) and answer codes are the same in every
/// language, and yes/no questions take `y`, `yes`, `o`, `oui`, `n`, `no` or `non` in both.
public struct GuidedSession {
    let service: AccordService
    let prompter: any GuidedPrompter
    let author: String?
    /// The language every line is said in.
    let messages: Messages
    var session: SessionID?
    /// The phases already begun in the session (not recorded again).
    var startedPhases: Set<Phase> = []
    /// The phase a continued session goes on from.
    var resumeAt: Phase = .team

    /// A guided session recording into `service` as `author` (`nil`: the clinician), talking
    /// through `prompter` in the language of `messages` (French: `Messages(.french)`).
    public init(service: AccordService, prompter: any GuidedPrompter, author: String?, messages: Messages) {
        self.service = service
        self.prompter = prompter
        self.author = author
        self.messages = messages
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
                say(messages(.runNeeded))
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
            say(messages(.runNotRecorded, ["error": error.description]))
            return nil
        } catch {
            say(messages(.runNotRecorded, ["error": "\(error)"]))
            return nil
        }
    }

    // MARK: - The walk

    /// Walks through a new session (typed, or from the RCP report at `fromRCP`, with a
    /// template's options), or continues the open session `existing` from its last phase.
    /// - Throws: `AccordError` (`invalidInput`) when the answers end before a session starts;
    ///   (`conflict`) for a closed session — both worded in the language of `messages`; what
    ///   reading a template or an RCP report throws. Nothing half-typed is recorded.
    public mutating func run(fromRCP: String?, templateID: String?, session existing: SessionID?) throws {
        say(messages(.runWelcome))
        do {
            if let existing {
                let consultation = try store.consultation(existing)
                guard consultation.status == .open else {
                    throw AccordError(.conflict, messages(.runSessionClosed, ["session": "\(existing)"]))
                }
                session = existing
                startedPhases = Set(consultation.phases.map(\.phase))
                resumeAt = consultation.phases.last?.phase ?? .team
                say(messages(.runContinuing, ["session": "\(existing)"]))
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
                say(messages(.runStopped, ["session": "\(session)"]))
            } else if quit.endOfInput {
                throw AccordError(.invalidInput, messages(.runAnswersEnded))
            } else {
                say(messages(.runStoppedBeforeStart))
            }
        }
    }

    mutating func start(fromRCP: String?, templateID: String?) throws {
        // Each answer is checked by the rule of its field (FieldRules), the one every entry point uses.
        let clinicianID = try ask(messages(.startClinicianID), optional: false) { text -> String in
            try FieldRules.idNatPS(text, "clinician")
            return text
        }!
        let clinicianName = try askChecked(messages(.startClinicianName), "clinician name", optional: false) {
            try FieldRules.text($0, $1, .line(200))
        }!
        let template = try templateID.map { try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template($0) }
        if let template {
            let title = messages.language == .french ? template.title.fr : template.title.en
            say(messages(.startTemplate, ["reference": template.reference, "title": title]))
        }
        var start: SessionStart
        var changes: [Change] = []
        if let fromRCP {
            let report = try RCPReportFile.read(path: fromRCP, field: "--from-rcp")
            let topic = try askChecked(messages(.startTopicWithDefault, ["topic": report.defaultTopic]), "decision") {
                try FieldRules.text($0, $1)
            }
            (start, changes) = report.sessionStart(clinicianID: clinicianID, clinicianName: clinicianName, topic: topic)
            for warning in report.warnings { prompter.warn(warning) }
        } else {
            let ins = try ask(messages(.startINS)) { $0.uppercased() }
            let oid =
                try ins.map { _ in
                    try askChecked(messages(.startINSOID), "INS OID") {
                        try FieldRules.insOID($0, $1)
                    } ?? KnownOID.insNIR
                }
            let family = try askChecked(messages(.startFamilyName), "birth family name", optional: false) {
                try FieldRules.insName($0, $1)
            }!
            let given = try askChecked(messages(.startGivenNames), "birth given names", optional: false) {
                try FieldRules.insName($0, $1)
            }!
            let today = CalendarDate(utcDayOf: try AccordClock.fromEnvironment().now())
            let birth = try ask(messages(.startBirthDate), optional: false) { text -> CalendarDate in
                guard let date = CalendarDate(text) else {
                    throw refused(.refusedBirthDate)
                }
                try FieldRules.birthDate(date, "birth date", today: today)
                return date
            }!
            let sex = try ask(messages(.startSex), optional: false) { text -> Sex in
                guard let sex = Sex(argument: text) else {
                    throw refused(.refusedSex)
                }
                return sex
            }!
            let place = try ask(messages(.startBirthplace), optional: false) { text -> String in
                try FieldRules.birthplace(text, "birth place")
                return text.uppercased()
            }!
            let implied = IdentityStatus.implied(hasINS: ins != nil)
            let status = try ask(messages(.startIdentityStatus, ["status": implied.rawValue])) {
                text -> IdentityStatus in
                guard let status = IdentityStatus(argument: text) else {
                    throw refused(.refusedIdentityStatus)
                }
                if status.retrievedFromINSi && ins == nil {
                    throw refused(.refusedIdentityStatusWithoutINS, ["status": status.rawValue])
                }
                return status
            }
            let ipp = try askChecked(messages(.startIPP), "IPP") { try FieldRules.localIdentifier($0, $1) }
            let topic =
                try template.map { template in
                    try askChecked(messages(.startTopicWithDefault, ["topic": template.decision]), "decision") {
                        try FieldRules.text($0, $1)
                    }
                        ?? template.decision
                }
                ?? askChecked(messages(.startTopic), "decision", optional: false) { try FieldRules.text($0, $1) }!
            let condition = try askChecked(messages(.startDiagnosis), "diagnosis") { try FieldRules.text($0, $1) }.map {
                Condition(text: $0)
            }
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
        let present = try ask(messages(.startPatientPresent), parse: yesNo) ?? true
        start.patientPresent = present
        if let template { changes += template.apply(to: &start) }
        do {
            session = try store.importConsultation(start: start, changes: changes, author: author)
        } catch let error as AccordError {
            say(messages(.startNotStarted, ["error": error.description]))
            say(messages(.startNothingRecorded))
            throw Quit()
        }
        say(messages(.startStarted, ["session": "\(session!)"]))
        for warning in service.identityWarnings(session: session!, identity: start.patient) { prompter.warn(warning) }
    }

    /// Records that `phase` begins, unless it began already (a continued session).
    mutating func beginPhase(_ phase: Phase) {
        guard !startedPhases.contains(phase) else { return }
        if record(.phaseStarted(phase)) != nil { startedPhases.insert(phase) }
    }

    mutating func teamTalk() throws {
        say(messages(.teamHeading))
        beginPhase(.team)
        while true {
            let role = try ask(messages(.teamRole)) { text -> ParticipantRole in
                guard let role = ParticipantRole(rawValue: text), role != .patient else { throw refused(.refusedRole) }
                return role
            }
            guard let role else { break }
            guard let name = try askText(messages(.teamName)) else { continue }
            var id: String?
            if role == .professional {
                id = try askText(messages(.teamIdNatPS), optional: false)
            }
            if let consultation = record(.participantAdded(role: role, name: name, id: id, function: nil)) {
                say(messages(.teamAdded, ["entry": consultation.participants.last!.entry.rawValue]))
            }
        }
        if let letter = try ask(messages(.teamPreferredRole), parse: cpsLetter) {
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
                answeredBy = try ask(messages(.instrumentAnsweredFor)) { EntryID($0) }
            }
            if let consultation = record(
                .instrumentRecorded(
                    instrument: id, version: instrument.version, respondent: instrument.defaultRespondent, answers: answers, score: score,
                    answeredBy: answeredBy))
            {
                say(messages(.instrumentRecorded, ["entry": consultation.instruments.last!.entry.rawValue, "summary": score.summaryLine]))
            }
        } catch let error as AccordError {
            say(messages(.runNotRecorded, ["error": error.description]))
        }
    }

    func cpsLetter(_ text: String) throws -> String {
        guard ControlPreferences.group(text.uppercased()) != nil else { throw refused(.refusedPreferredRole) }
        return text.uppercased()
    }

    mutating func optionTalk() throws {
        say(messages(.optionHeading))
        beginPhase(.option)
        while true {
            let current = try store.consultation(session!).options.filter { !$0.withdrawn }
            if !current.isEmpty {
                say(messages(.optionSoFar, ["options": current.map { "\($0.number). \($0.label)" }.joined(separator: "; ")]))
            }
            let kind = try ask(messages(.optionKind)) { text -> OptionKind in
                guard let kind = OptionKind(rawValue: text) else { throw refused(.refusedOptionKind) }
                return kind
            }
            guard let kind else { break }
            guard let label = try askText(messages(.optionLabel)) else { continue }
            var benefits: [String] = []
            while let benefit = try askText(messages(.optionBenefit)) { benefits.append(benefit) }
            var harms: [String] = []
            while let harm = try askText(messages(.optionHarm)) { harms.append(harm) }
            let trial = kind == .clinicalTrial ? try ask(messages(.optionTrialID)) { $0.uppercased() } : nil
            if let consultation = record(
                .optionAdded(kind: kind, label: label, benefits: benefits, harms: harms, trialID: trial, origin: nil))
            {
                say(messages(.optionAdded, ["number": String(consultation.options.last!.number)]))
            }
        }
    }

    mutating func decisionTalk() throws {
        say(messages(.decisionHeading))
        beginPhase(.decision)
        while let text = try askText(messages(.decisionWhatMatters)) {
            let importance = try ask(messages(.decisionImportance)) { text -> Int in
                guard let value = Int(text), (1...5).contains(value) else { throw refused(.refusedImportance) }
                return value
            }
            if let consultation = record(.preferenceAdded(text: text, importance: importance)) {
                say(messages(.decisionPreferenceAdded, ["entry": consultation.preferences.last!.entry.rawValue]))
            }
        }
        if let aid = try askText(messages(.decisionAid)) {
            let version = try askText(messages(.decisionAidVersion))
            record(.decisionAidGiven(name: aid, version: version))
        }
        if let method = try askText(messages(.decisionUnderstanding)) {
            record(.understandingChecked(method: method))
        }
        if let offered = try ask(messages(.decisionTrialOffered), parse: yesNo) {
            let eligibility =
                try ask(messages(.decisionTrialEligibility)) { text -> TrialEligibility in
                    guard let value = TrialEligibility(rawValue: text) else { throw refused(.refusedEligibility) }
                    return value
                } ?? .unknown
            let answer =
                offered
                ? try ask(messages(.decisionTrialAnswer)) { text -> TrialAnswer in
                    guard let value = TrialAnswer(rawValue: text) else { throw refused(.refusedTrialAnswer) }
                    return value
                } : nil
            record(.trialDiscussed(eligibility: eligibility, offered: offered, answer: answer))
        }
        while true {
            let options = try store.consultation(session!).options.filter { !$0.withdrawn }
            say(
                options.isEmpty
                    ? messages(.decisionNoOptions)
                    : messages(.decisionOptions, ["options": options.map { "\($0.number). \($0.label)" }.joined(separator: "; ")]))
            guard let outcome = try ask(messages(.decisionOutcome), parse: outcome) else { break }
            let by =
                try ask(messages(.decisionTakenBy)) { $0.split(separator: " ").map { EntryID(String($0)) } }
                ?? [EntryID("P1"), EntryID("P2")]
            // An absent patient agrees only through who answered for them (issue 15, part 8).
            var answeredBy: EntryID?
            if by.contains(EntryID("P1")), !(try store.consultation(session!).patient.present) {
                answeredBy = try ask(messages(.instrumentAnsweredFor)) { EntryID($0) }
            }
            if let consultation = record(.decisionRecorded(outcome: outcome, takenBy: by, answeredBy: answeredBy)) {
                say(messages(.decisionRecorded, ["entry": consultation.decision!.entry.rawValue]))
                if case .deferred(let next) = outcome { record(.reflectionOffered(until: next)) }
                break
            }
        }
        while let note = try askText(messages(.decisionNote)) {
            record(.noteAdded(text: note))
        }
        while let id = try ask(messages(.decisionInstrument), parse: { try Instrument.named($0).id }) {
            let instrument = id.instrument
            let each = instrument.answerKind == .yesNo ? messages(.decisionYesNoAnswers) : instrument.answerDescription
            if let answers = try askText(messages(.decisionInstrumentAnswers, ["count": String(instrument.itemCount), "answers": each])) {
                try recordInstrument(id, answers: answers)
            }
        }
    }

    mutating func finish() throws {
        let completeness = try store.consultation(session!).completeness
        say("")
        for element in completeness.missing {
            let description = messages.language == .french ? element.frenchDescription : element.englishDescription
            say(messages(.finishMissing, ["element": element.rawValue, "description": description]))
        }
        say(messages(.finishCompleteness, ["percent": String(completeness.percent)]))
        let id = "\(session!)"
        if try ask(messages(.finishClose, ["session": id]), parse: yesNo) ?? false {
            if record(.sessionClosed) != nil { say(messages(.finishClosed, ["session": id])) }
        } else {
            say(messages(.finishStaysOpen, ["session": id]))
        }
    }

    // MARK: - Parsing

    /// An answer the guided session refuses itself, worded in its language (the whole sentence,
    /// field included, is the message).
    func refused(_ key: Messages.Key, _ values: [String: String] = [:]) -> AccordError {
        AccordError(.invalidInput, messages(key, values))
    }

    /// Yes or no, in either language: `y`, `yes`, `o`, `oui`; `n`, `no`, `non` (any case).
    func yesNo(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "yes", "y", "oui", "o": return true
        case "no", "n", "non": return false
        default: throw refused(.refusedYesNo)
        }
    }

    func outcome(_ text: String) throws -> DecisionOutcome {
        let words = text.lowercased().split(separator: " ")
        if let number = Int(text) { return .agreed(option: number) }
        if words.first == "declined" && words.count == 1 { return .declined }
        if words.first == "deferred", words.count == 2, let date = CalendarDate(String(words[1])) { return .deferred(nextContact: date) }
        throw refused(.refusedOutcome)
    }
}
