import Foundation

/// The Control Preferences Scale's role groups and the concordance of preferred and
/// experienced roles (Degner et al., Can J Nurs Res 1997;29:21).
///
/// The five statements, in order: A the patient decides; B the patient decides after
/// considering the doctor's opinion; C they share the decision; D the doctor decides after
/// considering the patient's opinion; E the doctor decides. The groups are confirmed; the
/// letters A–E for the statements in that order are not [U].
public enum ControlPreferences {
    /// The role group of a letter: `active` (A, B), `collaborative` (C), `passive` (D, E);
    /// `nil` for anything else. Case and surrounding spaces are ignored.
    public static func group(_ letter: String) -> String? {
        switch letter.trimmingCharacters(in: .whitespaces).uppercased() {
        case "A", "B": InstrumentScore.activeFlag
        case "C": InstrumentScore.collaborativeFlag
        case "D", "E": InstrumentScore.passiveFlag
        default: nil
        }
    }

    /// `true` when the preferred and the experienced role fall in the same group (B and A are
    /// concordant, both active); `false` when they differ or either letter is not A–E.
    public static func concordant(preferred: String, experienced: String) -> Bool {
        guard let preferredGroup = group(preferred), let experiencedGroup = group(experienced) else { return false }
        return preferredGroup == experiencedGroup
    }
}
