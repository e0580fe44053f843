/// Cross-checks of an INS-NIR against the identity traits it encodes.
///
/// The NIR encodes sex (1st digit), year and month of birth (digits 2–5) and the birth
/// department (digits 6–7, `99` abroad; `20` for Corsica before 1976). A mismatch is a warning, not a refusal: the traits
/// of a qualified INS come from the national teleservice. Source: `standards/RECORD.md`.
public enum IdentityCrossCheck {
    /// Warnings, each naming the traits that disagree (never their values).
    public static func warnings(_ identity: INSIdentity) -> [String] {
        guard let ins = identity.ins, identity.insOID != KnownOID.insNIA else { return [] }
        let chars = Array(ins.uppercased())
        guard chars.count == 15 else { return [] }
        var warnings: [String] = []
        if let encoded = IdentifierCheck.sexEncoded(inNIR: ins), identity.sex != .unknown, encoded != identity.sex {
            warnings.append("the INS encodes a sex other than --sex; check the identity traits.")
        }
        if let year = Int(String(chars[1..<3])), identity.birthDate.year % 100 != year {
            warnings.append("the INS encodes a birth year that --birth-date does not hold; check the identity traits.")
        }
        if let month = Int(String(chars[3..<5])), (1...12).contains(month), identity.birthDate.month != month {
            warnings.append("the INS encodes a birth month that --birth-date does not hold; check the identity traits.")
        }
        let department = String(chars[5..<7])
        let cog = identity.birthplaceCode.uppercased()
        // Before 1976 Corsica was one department, 20: a NIR of someone born there then holds
        // `20`, which matches a 2A or 2B birthplace.
        let corsicaBefore1976 = department == "20" && (cog.hasPrefix("2A") || cog.hasPrefix("2B")) && identity.birthDate.year < 1976
        if department != "99", !cog.hasPrefix("99"), cog.count == 5, !cog.hasPrefix(department) && !(["97", "98"].contains(department)),
            !corsicaBefore1976
        {
            warnings.append("the INS encodes a birth department that --birthplace is not in; check the identity traits.")
        }
        if department == "99" && !cog.hasPrefix("99") {
            warnings.append("the INS encodes a birth abroad but --birthplace is a French commune; check the identity traits.")
        }
        return warnings
    }
}
