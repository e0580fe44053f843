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
        // A letter of one byte, as recorded, is read from that byte: trimming and uppercasing
        // through Foundation took about 3 % of a bulk recording's CPU (perf).
        if letter.utf8.count == 1, let byte = letter.utf8.first {
            switch byte {
            case UInt8(ascii: "A"), UInt8(ascii: "a"), UInt8(ascii: "B"), UInt8(ascii: "b"): return InstrumentScore.activeFlag
            case UInt8(ascii: "C"), UInt8(ascii: "c"): return InstrumentScore.collaborativeFlag
            case UInt8(ascii: "D"), UInt8(ascii: "d"), UInt8(ascii: "E"), UInt8(ascii: "e"): return InstrumentScore.passiveFlag
            default: return nil
            }
        }
        return switch letter.trimmingCharacters(in: .whitespaces).uppercased() {
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
