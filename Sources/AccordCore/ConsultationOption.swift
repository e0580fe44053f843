/// The kind of an option discussed in the consultation.
public enum OptionKind: String, Sendable, Codable, CaseIterable {
    /// A treatment (surgery, radiotherapy, systemic treatment, or a sequence of them).
    case treatment
    /// Active surveillance (or surveillance alone).
    case activeSurveillance = "active-surveillance"
    /// No treatment.
    case noTreatment = "no-treatment"
    /// Taking part in a clinical trial (with its registry id).
    case clinicalTrial = "clinical-trial"
    /// Supportive care only.
    case supportiveCare = "supportive-care"

    /// A French label for narratives.
    public var frenchLabel: String {
        switch self {
        case .treatment: "Traitement"
        case .activeSurveillance: "Surveillance active"
        case .noTreatment: "Abstention thérapeutique"
        case .clinicalTrial: "Essai clinique"
        case .supportiveCare: "Soins de support"
        }
    }
}

/// An option discussed with the patient.
public struct ConsultationOption: Sendable, Hashable, Codable {
    /// The option's number as `session show` lists it (1, 2, …); numbers are never reused.
    public var number: Int
    /// The entry id (`O` + number).
    public var entry: EntryID { EntryID(prefix: "O", number: number) }
    /// The kind of option.
    public var kind: OptionKind
    /// A short label (free text).
    public var label: String
    /// Benefits, each in words (with figures and their source where known).
    public var benefits: [String]
    /// Harms, each in words (with figures and their source where known).
    public var harms: [String]
    /// The trial's registry id (e.g. `NCT01234567`, EU CT number) for a clinical trial.
    public var trialID: String?
    /// Where the option came from when not typed: `rcp`, `template:ID@VERSION`, `patient`.
    public var origin: String?
    /// Withdrawn entries are kept but no longer count; their number is not reused.
    public var withdrawn: Bool

    public init(
        number: Int, kind: OptionKind, label: String, benefits: [String] = [], harms: [String] = [],
        trialID: String? = nil, origin: String? = nil, withdrawn: Bool = false
    ) {
        self.number = number
        self.kind = kind
        self.label = label
        self.benefits = benefits
        self.harms = harms
        self.trialID = trialID
        self.origin = origin
        self.withdrawn = withdrawn
    }

    enum CodingKeys: String, CodingKey {
        case number, kind, label, benefits, harms, trialID = "trial_id", origin, withdrawn
    }
}

/// Something that matters to the patient (a value, concern or goal).
public struct Preference: Sendable, Hashable, Codable {
    /// The entry id (`M1`, `M2`, …).
    public var entry: EntryID
    /// What matters, in the patient's words (free text).
    public var text: String
    /// Importance from 1 (a little) to 5 (above all), when stated.
    public var importance: Int?
    /// Withdrawn entries are kept but no longer count.
    public var withdrawn: Bool

    public init(entry: EntryID, text: String, importance: Int? = nil, withdrawn: Bool = false) {
        self.entry = entry
        self.text = text
        self.importance = importance
        self.withdrawn = withdrawn
    }
}

/// A free-text note.
public struct Note: Sendable, Hashable, Codable {
    /// The entry id (`N1`, `N2`, …).
    public var entry: EntryID
    /// The text (free text; characters XML 1.0 forbids are removed on export).
    public var text: String
    /// Withdrawn entries are kept but no longer count.
    public var withdrawn: Bool

    public init(entry: EntryID, text: String, withdrawn: Bool = false) {
        self.entry = entry
        self.text = text
        self.withdrawn = withdrawn
    }
}

/// The diagnosis the decision is about.
public struct Condition: Sendable, Hashable, Codable {
    /// The diagnosis in words.
    public var text: String
    /// An optional code (e.g. ICD-10 `C50.4`) with its system OID.
    public var code: String?
    /// The OID of the code's system (ICD-10: `2.16.840.1.113883.6.3`).
    public var codeSystem: String?
    /// Where it came from when not typed (`rcp`).
    public var origin: String?
    /// The tumour's morphology as an RCP report codes it (ICD-O-3, CIM-O `2.16.840.1.113883.6.43.1`,
    /// value set JDV_Morphologie_CISIS `1.2.250.1.213.1.1.5.585`: the `value` of the cancer
    /// diagnosis observation, template `1.2.250.1.213.1.1.3.113`, in section 72135-7), e.g.
    /// `8000/3` "Tumeur maligne, SAI"; `nil` when none was read (left out of the event then).
    public var morphology: CodedValue?

    public init(text: String, code: String? = nil, codeSystem: String? = nil, origin: String? = nil, morphology: CodedValue? = nil) {
        self.text = text
        self.code = code
        self.codeSystem = codeSystem
        self.origin = origin
        self.morphology = morphology
    }

    enum CodingKeys: String, CodingKey {
        case text, code, codeSystem = "code_system", origin, morphology
    }
}

/// Where an option or a diagnosis came from, read from the text the record stores (`rcp`,
/// `template:ID@VERSION`, `patient`; none when the clinician typed it). The stored text is
/// kept as recorded; this enum is how code decides on it.
public enum EntryOrigin: Sendable, Hashable {
    /// The tumour board's report (RCP).
    case rcp
    /// A decision template, with its reference `ID@VERSION`.
    case template(String)
    /// The patient.
    case patient
    /// Typed by the clinician (no origin recorded, or one Accord does not know).
    case typed

    /// Reads a stored origin.
    public init(_ stored: String?) {
        switch stored {
        case "rcp"?: self = .rcp
        case "patient"?: self = .patient
        case let text? where text.hasPrefix("template:"): self = .template(String(text.dropFirst("template:".count)))
        default: self = .typed
        }
    }

    /// The text the record stores for this origin (`nil` for typed).
    public var stored: String? {
        switch self {
        case .rcp: "rcp"
        case .template(let reference): "template:\(reference)"
        case .patient: "patient"
        case .typed: nil
        }
    }

    /// The audit's name of the kind: `rcp`, `template`, `patient` or `typed`.
    public var kindName: String {
        switch self {
        case .rcp: "rcp"
        case .template: "template"
        case .patient: "patient"
        case .typed: "typed"
        }
    }
}
