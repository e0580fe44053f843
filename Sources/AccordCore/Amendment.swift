import Foundation

/// A change made to a consultation after its session was closed, with a reason: an entry
/// added, corrected, withdrawn, or a decision replaced by a later one.
///
/// ``Consultation`` keeps one per amendment, in the order of the log (``Consultation/amendments``),
/// so that every document issued afterwards can say, for each entry concerned, when, by whom
/// and why it changed after the consultation. Instrument answers collected after closing are
/// follow-ups (``InstrumentResponse/followUp``), not amendments; changes made while the session
/// was open are not amendments either.
public struct Amendment: Sendable, Hashable, Codable {
    /// What the amendment did to its entry.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The entry was added after closing (an option, preference, note, participant,
        /// decision aid, decision).
        case added
        /// The entry was corrected: the patient's identity (`P1`: identity correction,
        /// identity status change, presence recorded after closing).
        case corrected
        /// The entry was withdrawn after closing; it stays in the documents, marked withdrawn.
        case withdrawn
        /// A decision replaced by a decision recorded after closing (``Amendment/replacedBy``).
        case replaced
    }

    /// The entry concerned (`O3`, `M2`, `P1`, `D1`…), or `nil` for a change of the record
    /// that has no entry id (understanding checked, reflection time, trial, phase).
    public var entry: EntryID?
    /// What the amendment did.
    public var kind: Kind
    /// The kind of the event that made it (`option-added`, `entry-withdrawn`, …; ``Change/kind``).
    public var change: String
    /// When it was recorded (UTC instant).
    public var recordedAt: Date
    /// Its author's IdNat_PS.
    public var author: String
    /// Why (free text, as given with `--reason`).
    public var reason: String
    /// For a replaced decision, the decision that replaced it.
    public var replacedBy: EntryID?
    /// The event's session sequence.
    public var sessionSequence: Int

    public init(
        entry: EntryID?, kind: Kind, change: String, recordedAt: Date, author: String, reason: String, replacedBy: EntryID? = nil,
        sessionSequence: Int
    ) {
        self.entry = entry
        self.kind = kind
        self.change = change
        self.recordedAt = recordedAt
        self.author = author
        self.reason = reason
        self.replacedBy = replacedBy
        self.sessionSequence = sessionSequence
    }

    enum CodingKeys: String, CodingKey {
        case entry, kind, change, recordedAt = "recorded_at", author, reason, replacedBy = "replaced_by"
        case sessionSequence = "session_sequence"
    }
}

extension Consultation {
    /// The amendments of `entry`, in order.
    public func amendments(of entry: EntryID) -> [Amendment] { amendments.filter { $0.entry == entry } }

    /// The amendment that added `entry` after the session was closed, if one did: the entry is
    /// in the record as an amendment, not as said (or, for a participant, as having taken part)
    /// during the consultation.
    public func addition(of entry: EntryID) -> Amendment? {
        amendments.first { $0.entry == entry && $0.kind == .added }
    }

    /// Whether `entry` was added after the session was closed (``addition(of:)``).
    public func wasAddedAfterClosing(_ entry: EntryID) -> Bool { addition(of: entry) != nil }

    /// The amendment that withdrew `entry` after closing, if one did (an entry withdrawn while
    /// the session was open has none: it was a correction made while recording).
    public func withdrawalAfterClosing(of entry: EntryID) -> Amendment? {
        amendments.last { $0.entry == entry && $0.kind == .withdrawn }
    }

    /// The amendments an event makes, when it is one (a change with a reason after closing):
    /// the entry it adds, corrects or withdraws, and for a decision the one it replaces.
    func amendments(made event: RecordedEvent, previousDecision: EntryID?) -> [Amendment] {
        guard let reason = event.reason, closedAt != nil else { return [] }
        let sequence = event.sessionSequence ?? lastSessionSequence
        func amendment(_ entry: EntryID?, _ kind: Amendment.Kind, replacedBy: EntryID? = nil) -> Amendment {
            Amendment(
                entry: entry, kind: kind, change: event.change.kind, recordedAt: event.recordedAt, author: event.author, reason: reason,
                replacedBy: replacedBy, sessionSequence: sequence)
        }
        switch event.change {
        case .sessionStarted, .centreSettingsChanged, .documentIssued, .sessionClosed, .instrumentRecorded, .researchObjection:
            return []
        case .participantAdded(let role, _, _, _, _):
            return [role == .patient ? amendment(patient.entry, .corrected) : amendment(participants.last?.entry, .added)]
        case .optionAdded: return [amendment(options.last?.entry, .added)]
        case .preferenceAdded: return [amendment(preferences.last?.entry, .added)]
        case .noteAdded: return [amendment(notes.last?.entry, .added)]
        case .decisionAidGiven: return [amendment(process.decisionAids.last?.entry, .added)]
        case .decisionRecorded:
            guard let added = decisions.last?.entry else { return [] }
            return [amendment(added, .added)] + (previousDecision.map { [amendment($0, .replaced, replacedBy: added)] } ?? [])
        case .identityCorrected, .identityStatusChanged: return [amendment(patient.entry, .corrected)]
        case .entryWithdrawn(let entry): return [amendment(entry, .withdrawn)]
        case .phaseStarted, .understandingChecked, .reflectionOffered, .trialDiscussed: return [amendment(nil, .added)]
        }
    }
}
