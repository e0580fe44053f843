/// The role a participant holds in the consultation.
public enum ParticipantRole: String, Sendable, Codable, CaseIterable {
    /// The patient (recorded at session start as entry `P1`).
    case patient
    /// A relative who is not the designated trusted person.
    case relative
    /// The trusted person designated by the patient (personne de confiance, CSP L1111-6).
    case trustedPerson = "trusted-person"
    /// A carer (aidant).
    case carer
    /// An interpreter.
    case interpreter
    /// A health professional (identified by IdNat_PS).
    case professional

    /// A French label for narratives.
    public var frenchLabel: String {
        switch self {
        case .patient: "Patient"
        case .relative: "Proche"
        case .trustedPerson: "Personne de confiance"
        case .carer: "Aidant"
        case .interpreter: "Interprète"
        case .professional: "Professionnel de santé"
        }
    }
}

/// Someone who took part in the consultation.
public struct Participant: Sendable, Hashable, Codable {
    /// The entry id (`P1`, `P2`, …; `P1` is the patient).
    public var entry: EntryID
    /// The role held.
    public var role: ParticipantRole
    /// The name as typed (free text; never shown in messages or logs).
    public var name: String
    /// An identifier: IdNat_PS for a professional; optional otherwise.
    public var id: String?
    /// A professional's role or specialty in free text (e.g. "oncologue médical").
    public var function: String?
    /// Whether the participant was present (the patient may be absent).
    public var present: Bool
    /// Withdrawn entries are kept in the record but no longer count.
    public var withdrawn: Bool
    /// The name in parts, the specialty (JDV_J01) and the relationship to the patient
    /// (JDV_J11), when recorded; `nil` for a participant recorded with a one-field name only.
    public var details: PersonDetails?

    public init(
        entry: EntryID, role: ParticipantRole, name: String, id: String? = nil, function: String? = nil,
        present: Bool = true, withdrawn: Bool = false, details: PersonDetails? = nil
    ) {
        self.details = details
        self.entry = entry
        self.role = role
        self.name = name
        self.id = id
        self.function = function
        self.present = present
        self.withdrawn = withdrawn
    }
}

/// A short id of an entry within a session: a letter for its kind and a number, such as
/// `P2` (participant), `O3` (option), `M1` (what matters), `D1` (decision), `N1` (note).
public struct EntryID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The text of the id, e.g. `P2`.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue.uppercased() }

    /// The id of the `number`th entry of a kind: `EntryID(prefix: "P", number: 2)` is `P2`.
    public init(prefix: Character, number: Int) { self.rawValue = "\(prefix)\(number)" }

    public var description: String { rawValue }

    /// The id as a refusal shows it: the id itself when it has an entry id's shape (one ASCII
    /// letter and one to six digits, `P2`), else `of that id (it is not of the form P2)`, so
    /// that a name or a number typed where an id was expected is never echoed.
    public var shown: String {
        let scalars = Array(rawValue.unicodeScalars)
        guard (2...7).contains(scalars.count), ("A"..."Z").contains(scalars[0]),
            scalars.dropFirst().allSatisfy({ ("0"..."9").contains($0) })
        else { return "of that id (it is not of the form P2)" }
        return rawValue
    }

    public static func < (lhs: EntryID, rhs: EntryID) -> Bool {
        (lhs.rawValue.first!, Int(lhs.rawValue.dropFirst()) ?? 0) < (rhs.rawValue.first!, Int(rhs.rawValue.dropFirst()) ?? 0)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
