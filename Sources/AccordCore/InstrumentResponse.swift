import Foundation

/// One completed (or partly completed) instrument, as recorded in a session.
///
/// The raw answers are kept with the instrument's id and version, so the score can be
/// recomputed if a rule changes; the score stored is the one the rule of that version gave
/// when it was recorded (`standards/INSTRUMENTS.md`).
public struct InstrumentResponse: Sendable, Hashable, Codable {
    /// The entry id (`I1`, `I2`, …).
    public var entry: EntryID
    /// The instrument's id (`sdm-q-9`, `cps-preferred`, …).
    public var instrument: InstrumentID
    /// The version of the instrument and of its scoring rule.
    public var version: String
    /// Who answered.
    public var respondent: Respondent
    /// The raw answers, item by item (`-` for a missing item).
    public var answers: [InstrumentAnswer]
    /// The score, subscores and flags computed by the rule.
    public var score: InstrumentScore
    /// When it was recorded (UTC instant).
    public var recordedAt: Date
    /// Whether it was recorded after the session was closed (a follow-up).
    public var followUp: Bool
    /// Withdrawn entries are kept but no longer count.
    public var withdrawn: Bool
    /// The participant who answered for the patient (respondent `patient`), when recorded.
    public var answeredBy: EntryID? = nil

    enum CodingKeys: String, CodingKey {
        case entry, instrument, version, respondent, answers, score, recordedAt = "recorded_at", followUp = "follow_up", withdrawn
        case answeredBy = "answered_by"
    }
}

extension Consultation {
    /// The patient's preferred role (Control Preferences Scale letter A–E), from the last
    /// `cps-preferred` response not withdrawn.
    public var preferredRole: String? { lastLetter(.cpsPreferred) }

    /// The role the patient experienced (CPS letter A–E), from the last `cps-experienced`
    /// response not withdrawn.
    public var experiencedRole: String? { lastLetter(.cpsExperienced) }

    private func lastLetter(_ id: InstrumentID) -> String? {
        guard let response = instruments.last(where: { $0.instrument == id && !$0.withdrawn }),
            case .letter(let letter)? = response.answers.first
        else { return nil }
        return letter
    }
}
