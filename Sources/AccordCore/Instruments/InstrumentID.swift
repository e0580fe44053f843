/// The identifier of a shared-decision-making instrument, as `--instrument` spells it.
///
/// The identifier names the questionnaire; the rules used to score it are named by
/// ``Instrument/version``, so a stored response can be rescored if a rule changes.
public enum InstrumentID: String, Sendable, Codable, CaseIterable {
    /// SURE test, 4 yes/no items (Légaré et al. 2010).
    case sure
    /// CollaboRATE, 3 items on a 10-point scale 0–9 (Elwyn et al. 2013).
    case collaborate
    /// CollaboRATE, 3 items on a 5-point scale 0–4.
    case collaborate5 = "collaborate-5"
    /// SDM-Q-9, the patient's 9 items 0–5 (Kriston et al. 2010).
    case sdmQ9 = "sdm-q-9"
    /// SDM-Q-Doc, the clinician's 9 items 0–5 (Scholl et al. 2012).
    case sdmQDoc = "sdm-q-doc"
    /// OPTION-5, an observer's 5 items 0–4 (Elwyn et al. 2013).
    case option5 = "option-5"
    /// OPTION-12, an observer's 12 items 0–4 (Elwyn et al. 2003).
    case option12 = "option-12"
    /// Decisional Conflict Scale, 16 items 0–4 (O'Connor 1995; user manual 2010).
    case dcs16 = "dcs-16"
    /// Decision Regret Scale, 5 items 1–5 (Brehaut et al. 2003).
    case drs
    /// Control Preferences Scale, the role the patient wants (asked before the decision).
    case cpsPreferred = "cps-preferred"
    /// Control Preferences Scale, the role the patient had (asked after the decision).
    case cpsExperienced = "cps-experienced"

    /// The instrument's definition and scoring rules.
    public var instrument: Instrument { Instrument.catalogue[self]! }
}

/// Who answers an instrument.
public enum Respondent: String, Sendable, Codable, CaseIterable {
    /// The patient (SURE, CollaboRATE, SDM-Q-9, DCS, DRS, CPS).
    case patient
    /// The clinician who led the consultation (SDM-Q-Doc).
    case clinician
    /// A trained observer rating a recording (OPTION).
    case observer
}
