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
    /// The last event applied (its session sequence), so exports can name the state they show.
    public var lastSessionSequence: Int
    /// The instant of the last event applied.
    public var lastChangedAt: Date
    /// Every author of an event in this session, in order of first appearance.
    public var authors: [String]

    /// The current decision: the last one recorded and not withdrawn.
    public var decision: Decision? { decisions.last { !$0.withdrawn } }

    /// The patient participant (`P1`).
    public var patient: Participant { participants[0] }

    /// The clinician who started the session (`P2`).
    public var clinician: Participant { participants[1] }

    enum CodingKeys: String, CodingKey {
        case id, status, start, participants, options, preferences, decisions, notes
        case startedAt = "started_at", closedAt = "closed_at", lastSessionSequence = "last_session_sequence"
        case lastChangedAt = "last_changed_at", authors
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
            Participant(entry: EntryID(prefix: "P", number: 1), role: .patient, name: Consultation.patientName(start.patient), present: start.patientPresent),
            Participant(entry: EntryID(prefix: "P", number: 2), role: .professional, name: start.clinicianName, id: start.clinicianID, function: start.clinicianFunction),
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
        for event in events.dropFirst() { apply(event) }
    }

    static func patientName(_ identity: INSIdentity) -> String {
        "\(identity.birthFamilyName) \(identity.birthGivenNames)"
    }

    /// Folds one more event into the state. Events must come in session order and have passed
    /// ``check(_:)`` when they were recorded.
    public mutating func apply(_ event: RecordedEvent) {
        lastSessionSequence = event.sessionSequence ?? lastSessionSequence + 1
        lastChangedAt = event.recordedAt
        if !authors.contains(event.author) { authors.append(event.author) }
        switch event.change {
        case .sessionStarted, .centreSettingsChanged:
            break
        case .participantAdded(let role, let name, let id, let function):
            if role == .patient {
                participants[0].present = true
            } else {
                participants.append(
                    Participant(entry: EntryID(prefix: "P", number: participants.count + 1), role: role, name: name, id: id, function: function))
            }
        case .optionAdded(let kind, let label, let benefits, let harms, let trialID, let origin):
            options.append(
                ConsultationOption(number: options.count + 1, kind: kind, label: label, benefits: benefits, harms: harms, trialID: trialID, origin: origin))
        case .preferenceAdded(let text, let importance):
            preferences.append(Preference(entry: EntryID(prefix: "M", number: preferences.count + 1), text: text, importance: importance))
        case .decisionRecorded(let outcome, let takenBy):
            decisions.append(Decision(entry: EntryID(prefix: "D", number: decisions.count + 1), outcome: outcome, takenBy: takenBy, recordedAt: event.recordedAt))
        case .noteAdded(let text):
            notes.append(Note(entry: EntryID(prefix: "N", number: notes.count + 1), text: text))
        case .sessionClosed:
            status = .closed
            closedAt = event.recordedAt
        }
    }

    /// Checks that `change` fits the session's current state.
    ///
    /// - Throws: `AccordError` (`conflict`) when the session is closed or the change does not
    ///   fit (a second start), (`notFound`) when it names an option or participant that does
    ///   not exist or was withdrawn.
    public func check(_ change: Change) throws {
        if status == .closed {
            if case .sessionClosed = change {
                throw AccordError(.conflict, "session \(id) is already closed.")
            }
            throw AccordError(
                .conflict,
                "session \(id) is closed: its record can no longer be changed by this command; "
                    + "changes to a closed session are amendments with a reason.")
        }
        switch change {
        case .sessionStarted, .centreSettingsChanged:
            throw AccordError(.conflict, "session \(id) has already started.")
        case .participantAdded(let role, _, _, _):
            if role == .patient && patient.present {
                throw AccordError(
                    .conflict, "the patient is already recorded as present in session \(id) (entry P1).", field: "--role")
            }
        case .decisionRecorded(let outcome, let takenBy):
            if case .agreed(let number) = outcome {
                guard let option = options.first(where: { $0.number == number }), !option.withdrawn else {
                    let known = options.filter { !$0.withdrawn }.map { String($0.number) }
                    throw AccordError(
                        .notFound,
                        "session \(id) has no option \(number); expected "
                            + (known.isEmpty ? "an option added first with `accord option add`." : "one of \(known.joined(separator: ", ")) as `session show` lists them."),
                        field: "--agreed")
                }
            }
            for entry in takenBy where !participants.contains(where: { $0.entry == entry && !$0.withdrawn }) {
                let known = participants.filter { !$0.withdrawn }.map(\.entry.rawValue)
                throw AccordError(
                    .notFound, "session \(id) has no participant \(entry); expected participant ids such as \(known.joined(separator: ", ")).",
                    field: "--by")
            }
        case .optionAdded, .preferenceAdded, .noteAdded, .sessionClosed:
            break
        }
    }
}
