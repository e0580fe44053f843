import Foundation

/// The state of a consultation session, derived from its events in order.
///
/// Nothing in it is edited in place: ``apply(_:)`` folds one more event into it. Build one
/// with ``init(events:)``.
public struct Consultation: Sendable, Hashable, Codable {
    /// Whether the session is still being recorded.
    public enum Status: String, Sendable, Codable {
        case open
        case closed
    }

    /// The session's id.
    public var id: SessionID
    /// `open` or `closed`.
    public var status: Status
    /// What the session was started with (patient identity, clinician, topic…).
    public var start: SessionStart
    /// Everyone who took part; `P1` is the patient, `P2` the clinician who started it.
    public var participants: [Participant]
    /// Options in the order they were added, numbered from 1.
    public var options: [ConsultationOption]
    /// What matters to the patient.
    public var preferences: [Preference]
    /// Decisions in order; the last one not withdrawn is the current one.
    public var decisions: [Decision]
    /// Notes in order.
    public var notes: [Note]
    /// When the session started (UTC instant).
    public var startedAt: Date
    /// When it was closed (UTC instant), if it was.
    public var closedAt: Date?
    /// The last change of the record applied (its session sequence), so exports can name the
    /// state they show. Issued documents are not changes of the record.
    public var lastSessionSequence: Int
    /// The instant of the last change of the record applied.
    public var lastChangedAt: Date
    /// The document versions issued by exports, in order (from `documentIssued` events).
    public var issuedDocuments: [DocumentIssue] = []
    /// How many events of the session were folded (changes and issued documents).
    public var eventCount = 0
    /// The log sequence of the last event folded (a change or an issued document).
    public var lastEventSequence: Int64 = 0
    /// Every author of an event in this session, in order of first appearance.
    public var authors: [String]
    /// How many amendments (changes with a reason after closing) the session holds.
    public var amendmentCount: Int
    /// What each amendment did to which entry, when, by whom and why, in order (see
    /// ``Amendment``; a decision recorded after closing gives two: the new decision added, the
    /// one it replaces replaced). Not part of the encoded form: derived again from the events.
    public var amendments: [Amendment] = []
    /// Whether this is the consultation as a research export shows it (pseudonymised by
    /// AccordService's `Consultation.pseudonymised(key:templateTitles:documentRoot:)`: its
    /// instants are UTC days, its professionals' ids pseudonyms); renderers then write dates
    /// without a time of day and no IdNat_PS. Never encoded; `false` for a recorded session.
    public var isPseudonymised = false
    /// Whether the latest research objection event of this session (``Change/researchObjection(objects:)``)
    /// records an objection: `false` when it records a withdrawal or the session has none. Not
    /// a change of the record (it leaves ``lastSessionSequence`` and the amendments as they
    /// were); whether the *patient* objects is decided over all their sessions
    /// (``ResearchObjections``). Not part of the encoded form: derived again from the events.
    public var researchObjection = false
    /// The three-talk phases, in the order they began.
    public var phases: [PhaseMark]
    /// Decision aids, understanding, reflection time and the trial proposal.
    public var process: ProcessRecord
    /// Instrument responses in the order they were recorded.
    public var instruments: [InstrumentResponse]

    /// The current decision: the last one recorded and not withdrawn.
    public var decision: Decision? { decisions.last { !$0.withdrawn } }

    /// The patient participant (`P1`).
    public var patient: Participant { participants[0] }

    /// The clinician who started the session (`P2`).
    public var clinician: Participant { participants[1] }

    enum CodingKeys: String, CodingKey {
        case id, status, start, participants, options, preferences, decisions, notes
        case startedAt = "started_at", closedAt = "closed_at", lastSessionSequence = "last_session_sequence"
        case lastChangedAt = "last_changed_at", authors, amendmentCount = "amendment_count", phases, process, instruments
    }

    /// Folds a session's events, in order, into its state.
    ///
    /// - Parameter events: the session's events by ascending session sequence; the first must
    ///   be `sessionStarted`.
    /// - Throws: `AccordError` (`conflict`) when the log does not start with a session start.
    public init(events: [RecordedEvent]) throws {
        guard let first = events.first, case .sessionStarted(let start) = first.change, let id = first.sessionID else {
            throw AccordError(.conflict, "the session's event log does not begin with its start; run `accord verify`.")
        }
        self.id = id
        self.status = .open
        self.start = start
        self.participants = [
            Participant(
                entry: EntryID(prefix: "P", number: 1), role: .patient, name: Consultation.patientName(start.patient),
                present: start.patientPresent),
            Participant(
                entry: EntryID(prefix: "P", number: 2), role: .professional, name: start.clinicianName, id: start.clinicianID,
                function: start.clinicianFunction, details: start.clinicianDetails.orNil),
        ]
        self.options = []
        self.preferences = []
        self.decisions = []
        self.notes = []
        self.startedAt = first.recordedAt
        self.closedAt = nil
        self.lastSessionSequence = first.sessionSequence ?? 1
        self.lastChangedAt = first.recordedAt
        self.authors = [first.author]
        self.amendmentCount = 0
        self.phases = []
        self.process = ProcessRecord()
        self.instruments = []
        self.eventCount = 1
        self.lastEventSequence = first.sequence
        for event in events.dropFirst() { apply(event) }
    }

    static func patientName(_ identity: INSIdentity) -> String {
        "\(identity.birthFamilyName) \(identity.birthGivenNames)"
    }

    /// Folds one more event into the state. Events must come in session order and have passed
    /// ``check(_:reason:)`` when they were recorded.
    public mutating func apply(_ event: RecordedEvent) {
        eventCount += 1
        lastEventSequence = event.sequence
        if case .documentIssued(let issue) = event.change {
            issuedDocuments.append(issue)
            return
        }
        if case .researchObjection(let objects) = event.change {
            // The patient's objection is not a change of the consultation's content: no new
            // document version, no amendment.
            researchObjection = objects
            return
        }
        lastSessionSequence = event.sessionSequence ?? lastSessionSequence + 1
        lastChangedAt = event.recordedAt
        if !authors.contains(event.author) { authors.append(event.author) }
        let previousDecision = decision?.entry
        defer { amendments += amendments(made: event, previousDecision: previousDecision) }
        switch event.change {
        case .sessionStarted, .centreSettingsChanged, .documentIssued, .researchObjection:
            break
        case .participantAdded(let role, let name, let id, let function, let details):
            if role == .patient {
                participants[0].present = true
            } else {
                participants.append(
                    Participant(
                        entry: EntryID(prefix: "P", number: participants.count + 1), role: role, name: name, id: id, function: function,
                        details: details?.orNil))
            }
        case .optionAdded(let kind, let label, let benefits, let harms, let trialID, let origin):
            options.append(
                ConsultationOption(
                    number: options.count + 1, kind: kind, label: label, benefits: benefits, harms: harms, trialID: trialID, origin: origin)
            )
        case .preferenceAdded(let text, let importance):
            preferences.append(Preference(entry: EntryID(prefix: "M", number: preferences.count + 1), text: text, importance: importance))
        case .decisionRecorded(let outcome, let takenBy, let answeredBy):
            decisions.append(
                Decision(
                    entry: EntryID(prefix: "D", number: decisions.count + 1), outcome: outcome, takenBy: takenBy,
                    recordedAt: event.recordedAt, answeredBy: answeredBy))
        case .noteAdded(let text):
            notes.append(Note(entry: EntryID(prefix: "N", number: notes.count + 1), text: text))
        case .sessionClosed:
            status = .closed
            closedAt = event.recordedAt
        case .identityCorrected(let correction):
            start = correction.applied(to: start)
            participants[0].name = Consultation.patientName(start.patient)
        case .identityStatusChanged(let change):
            start = change.applied(to: start)
        case .entryWithdrawn(let entry):
            withdraw(entry)
        case .phaseStarted(let phase):
            phases.append(PhaseMark(phase: phase, startedAt: event.recordedAt))
        case .decisionAidGiven(let name, let version):
            process.decisionAids.append(
                DecisionAid(
                    entry: EntryID(prefix: "A", number: process.decisionAids.count + 1), name: name, version: version, withdrawn: false))
        case .understandingChecked(let method):
            process.understandingChecked = method ?? "checked"
        case .reflectionOffered(let until):
            process.reflectionOffered = true
            process.reflectionUntil = until
        case .trialDiscussed(let eligibility, let offered, let answer):
            process.trialEligibility = eligibility
            process.trialOffered = offered
            process.trialAnswer = answer
        case .instrumentRecorded(let instrument, let version, let respondent, let answers, let score, let answeredBy):
            instruments.append(
                InstrumentResponse(
                    entry: EntryID(prefix: "I", number: instruments.count + 1), instrument: instrument, version: version,
                    respondent: respondent,
                    answers: answers, score: score, recordedAt: event.recordedAt, followUp: closedAt != nil, withdrawn: false,
                    answeredBy: answeredBy))
            return
        }
        if event.reason != nil && closedAt != nil { amendmentCount += 1 }
    }

    private mutating func withdraw(_ entry: EntryID) {
        if let index = participants.firstIndex(where: { $0.entry == entry }) { participants[index].withdrawn = true }
        if let index = options.firstIndex(where: { $0.entry == entry }) { options[index].withdrawn = true }
        if let index = preferences.firstIndex(where: { $0.entry == entry }) { preferences[index].withdrawn = true }
        if let index = decisions.firstIndex(where: { $0.entry == entry }) { decisions[index].withdrawn = true }
        if let index = notes.firstIndex(where: { $0.entry == entry }) { notes[index].withdrawn = true }
        if let index = process.decisionAids.firstIndex(where: { $0.entry == entry }) { process.decisionAids[index].withdrawn = true }
        if let index = instruments.firstIndex(where: { $0.entry == entry }) { instruments[index].withdrawn = true }
    }

    /// Whether an entry with this id exists, and whether it is withdrawn; `nil` when unknown.
    public func isWithdrawn(_ entry: EntryID) -> Bool? {
        if let item = participants.first(where: { $0.entry == entry }) { return item.withdrawn }
        if let item = options.first(where: { $0.entry == entry }) { return item.withdrawn }
        if let item = preferences.first(where: { $0.entry == entry }) { return item.withdrawn }
        if let item = decisions.first(where: { $0.entry == entry }) { return item.withdrawn }
        if let item = notes.first(where: { $0.entry == entry }) { return item.withdrawn }
        if let item = process.decisionAids.first(where: { $0.entry == entry }) { return item.withdrawn }
        if let item = instruments.first(where: { $0.entry == entry }) { return item.withdrawn }
        return nil
    }

    /// Checks that `change` fits the session's current state.
    ///
    /// - Throws: `AccordError` (`conflict`) when the session is closed or the change does not
    ///   fit (a second start, an objection to research while the session's objection stands, a
    ///   withdrawal of an objection it does not hold), (`notFound`) when it names an option or
    ///   participant that does not exist or was withdrawn; (`invalidInput`, field `--reason`)
    ///   for a research objection or its withdrawal without a reason.
    public func check(_ change: Change, reason: String? = nil) throws {
        if case .researchObjection(let objects) = change {
            try checkResearchObjection(objects: objects, reason: reason)
            return
        }
        if status == .closed {
            if case .sessionClosed = change {
                throw AccordError(.conflict, "session \(id) is already closed.")
            }
            if case .instrumentRecorded = change {
                // Answers collected after the consultation are follow-ups, not amendments.
            } else if reason == nil {
                throw AccordError(
                    .conflict,
                    "session \(id) is closed: a change to it is an amendment; repeat the command with --reason \"why\" to record it as one."
                )
            }
        }
        switch change {
        case .sessionStarted, .centreSettingsChanged:
            throw AccordError(.conflict, "session \(id) has already started.")
        case .documentIssued:
            throw AccordError(.conflict, "a document of session \(id) is issued by `accord export`, not recorded as a change.")
        case .identityCorrected:
            if reason == nil {
                throw AccordError(
                    .conflict, "a correction of the patient's identity in session \(id) needs a reason; give --reason \"why\".",
                    field: "--reason")
            }
        case .identityStatusChanged(let change):
            if reason == nil {
                throw AccordError(
                    .conflict, "a change of the identity's status in session \(id) needs a reason; give --reason \"why\".",
                    field: "--reason")
            }
            try checkStatusChange(change)
        case .participantAdded(let role, _, _, _, _):
            if role == .patient && patient.present {
                throw AccordError(
                    .conflict, "the patient is already recorded as present in session \(id) (entry P1).", field: "--role")
            }
        case .decisionRecorded(let outcome, let takenBy, let answeredBy):
            if case .agreed(let number) = outcome {
                guard let option = options.first(where: { $0.number == number }), !option.withdrawn else {
                    let known = options.filter { !$0.withdrawn }.map { String($0.number) }
                    throw AccordError(
                        .notFound,
                        "session \(id) has no option \((-9_999...9_999).contains(number) ? String(number) : "of that number"); expected "
                            + (known.isEmpty
                                ? "an option added first with `accord option add`."
                                : "one of \(known.joined(separator: ", ")) as `session show` lists them."),
                        field: "--agreed")
                }
            }
            for entry in takenBy where !participants.contains(where: { $0.entry == entry && !$0.withdrawn }) {
                let known = participants.filter { !$0.withdrawn }.map(\.entry.rawValue)
                throw AccordError(
                    .notFound,
                    "session \(id) has no participant \(entry.shown); expected participant ids such as \(known.joined(separator: ", ")).",
                    field: "--by")
            }
            try checkAnsweredBy(answeredBy, forPatient: takenBy.contains(patient.entry), what: "agreeing to a decision", field: "--by")
        case .instrumentRecorded(let instrument, _, let respondent, _, _, let answeredBy):
            // Each instrument was designed and validated for one respondent (the catalogue's
            // `defaultRespondent`: SDM-Q-9, SURE… the patient; SDM-Q-Doc the clinician; OPTION an
            // observer); a score given by another says nothing the instrument measures.
            let expected = instrument.instrument.defaultRespondent
            if respondent != expected {
                throw AccordError.invalid(
                    "--respondent", "is \(respondent.rawValue), not who answers \(instrument.rawValue)",
                    accepted: "\(expected.rawValue) (the respondent the instrument was designed for), or no --respondent")
            }
            // A follow-up after closing is answered after the consultation: the patient's
            // absence from it says nothing of who answered.
            if status == .open || answeredBy != nil {
                try checkAnsweredBy(
                    answeredBy, forPatient: respondent == .patient, what: "the respondent of an instrument", field: "--respondent")
            }
        case .entryWithdrawn(let entry):
            guard let withdrawn = isWithdrawn(entry) else {
                throw AccordError(
                    .notFound,
                    "session \(id) has no entry \(entry.shown); expected an entry id as `session show` lists it (P3, O2, M1, D1, N1, A1, I1…).",
                    field: "ENTRY")
            }
            if withdrawn { throw AccordError(.conflict, "entry \(entry) of session \(id) is already withdrawn.", field: "ENTRY") }
            if entry == EntryID("P1") || entry == EntryID("P2") {
                throw AccordError(
                    .conflict,
                    "entry \(entry) (the patient or the clinician who started the session) cannot be withdrawn; a session started for the wrong patient is closed with a note and a new one started.",
                    field: "ENTRY")
            }
            if let decision, case .agreed(let number) = decision.outcome, entry == EntryID(prefix: "O", number: number) {
                throw AccordError(
                    .conflict, "option \(number) is the agreed option of decision \(decision.entry); withdraw \(decision.entry) first.",
                    field: "ENTRY")
            }
            if let decision, entry.rawValue.hasPrefix("P"), decision.takenBy.contains(entry) {
                throw AccordError(
                    .conflict, "participant \(entry) took decision \(decision.entry); withdraw \(decision.entry) first.", field: "ENTRY")
            }
            if let decision, decision.answeredBy == entry {
                throw AccordError(
                    .conflict,
                    "participant \(entry) answered for the patient in decision \(decision.entry); withdraw \(decision.entry) first.",
                    field: "ENTRY")
            }
        case .trialDiscussed(_, let offered, let answer):
            if !offered && answer != nil {
                throw AccordError.invalid(
                    "--answer", "is given for a trial that was not offered", accepted: "--offered yes with --answer, or no --answer")
            }
        case .optionAdded, .preferenceAdded, .noteAdded, .sessionClosed, .phaseStarted, .decisionAidGiven, .understandingChecked,
            .reflectionOffered, .researchObjection:
            break
        }
    }

    /// A research objection needs a reason, open or closed session. Whether the patient already
    /// objects (or has an objection to withdraw) is a question about all of their sessions:
    /// AccordService's `recordResearchObjection(objects:in:author:reason:)` asks it.
    private func checkResearchObjection(objects: Bool, reason: String?) throws {
        guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AccordError.invalid(
                "--reason",
                objects ? "is missing for the patient's research objection" : "is missing for the withdrawal of the research objection",
                accepted: "--reason \"why\" (for instance how and when the patient said so)")
        }
    }

    /// Issue 15, "consistent with presence": an absent patient (started absent, no later
    /// `participant add --role patient`) is not recorded as answering unless `--answered-by`
    /// names the participant (other than the patient, not withdrawn) who answered for them;
    /// `--answered-by` goes only with the patient as the one answering.
    private func checkAnsweredBy(_ answeredBy: EntryID?, forPatient: Bool, what: String, field: String) throws {
        guard let answeredBy else {
            if forPatient && !patient.present {
                throw AccordError(
                    .conflict,
                    "the patient (P1) is recorded as absent from session \(id) and cannot be recorded as \(what); give --answered-by with the participant who answered for the patient (e.g. P3), or first record that the patient joined with `accord participant add --role patient`.",
                    field: field)
            }
            return
        }
        guard forPatient else {
            throw AccordError.invalid(
                "--answered-by", "is given while the patient (P1) is not the one answering",
                accepted: field == "--by" ? "--answered-by only with --by naming P1" : "--answered-by only with --respondent patient")
        }
        if let answerer = participants.first(where: { $0.entry == answeredBy && !$0.withdrawn }),
            answerer.role == .professional || answerer.role == .interpreter
        {
            throw AccordError.invalid(
                "--answered-by",
                "names \(answeredBy), a \(answerer.role.rawValue): a professional or an interpreter does not answer for the patient",
                accepted: "a relative, trusted person or carer who answered for the patient (added with `accord participant add`)")
        }
        guard answeredBy != patient.entry, participants.contains(where: { $0.entry == answeredBy && !$0.withdrawn }) else {
            let known = participants.dropFirst().filter { !$0.withdrawn }.map(\.entry.rawValue)
            throw AccordError(
                .notFound,
                "session \(id) has no participant \(answeredBy.shown) who could answer for the patient; expected a participant id other than P1, such as \(known.joined(separator: ", ")).",
                field: "--answered-by")
        }
    }
}
