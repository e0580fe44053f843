/// How a session's document ids are built, apart per export profile.
///
/// Every id is under the centre's OID root (the set's root, kept from its first version):
/// `ROOT.BRANCH.SESSION` is the set id (CDA `setId`, FHIR `Composition.identifier`) and
/// `ROOT.BRANCH.SESSION.VERSION` the id of one version. Each profile has its own branch, so
/// that an id is never issued with two contents (a CDA and a FHIR document of the same session
/// and version differ):
///
/// | branch | documents |
/// |---|---|
/// | `1` | `cda-fr` (unchanged from the first versions of Accord) |
/// | `2` | not a document branch: the centre's IPPs (`ROOT.2`) |
/// | `3` | `fhir-r4` |
/// | `4.N` | a custom profile, `N` the profile's name as a number (``customProfileNumber(_:)``) |
/// | `5` | `cda-fr`, only for a set whose next id under `1` was already issued by another profile before the branches |
/// | `6` | not a document branch: the instruments' FHIR Questionnaire canonical URLs when the centre sets no FHIR base (`urn:oid:ROOT.6.N`) |
/// | `9` | not a document branch: pseudonymised documents use the root `ROOT.9`, then the branches above with the session's keyed pseudonym (18 digits) for its number; `ROOT.9.7` holds professionals' pseudonyms and `ROOT.9.8` the RCP report's id pseudonyms |
///
/// Documents issued before the branches (their ``DocumentIssue/idBranch`` is `nil`) keep their
/// ids under branch `1`, whatever their profile (so a session's CDA and FHIR version 1 may
/// share `ROOT.1.S.1`; `accord verify` counts them, see AccordStore's `ChainVerification`); a
/// later version of such a set is issued under the profile's branch, replacing the id really
/// issued. A version keeps the branch of the set's last version issued under a branch; an id
/// already issued in the session is never issued again (``nextBranch(profile:setBranch:session:version:root:issued:)``).
public enum DocumentIDs {
    /// The profile's name in a version key: `cda-fr` in `cda-fr`, `cda-fr+pseudonymised` and
    /// `cda-fr+pseudonymised@KEYID` (a research key's own versions, see AccordXML's
    /// `ExportProfile.versionKey(pseudonymised:keyID:)`).
    public static func profileName(versionKey: String) -> String {
        let withoutKey = versionKey.split(separator: "@", maxSplits: 1).first.map(String.init) ?? versionKey
        return withoutKey.hasSuffix("+pseudonymised") ? String(withoutKey.dropLast("+pseudonymised".count)) : withoutKey
    }

    /// The branch every profile used before each had its own: `1`.
    public static let legacyBranch = "1"

    /// The branch of the profile with this version key (the profile's name, with
    /// `+pseudonymised` for a pseudonymised export: it has the same branch under another root).
    /// - Parameter profile: `cda-fr`, `fhir-r4` or a custom profile's name (letters, digits,
    ///   `.`, `_`, `-`), optionally followed by `+pseudonymised` (and `@KEYID`).
    /// - Returns: `1`, `3` or `4.N`.
    public static func branch(profile: String) -> String {
        let name = profileName(versionKey: profile)
        switch name {
        case "cda-fr": return "1"
        case "fhir-r4": return "3"
        default: return "4." + customProfileNumber(name)
        }
    }

    /// The branch of `cda-fr` when its own would give an id issued before (by another profile,
    /// before the branches): `5`.
    public static let cdaFallbackBranch = "5"

    /// The branch a new version of a set is issued under: the set's (its last version issued
    /// under a branch), else the profile's (``branch(profile:)``); when that gives an id the
    /// session already issued (a document of another profile issued before the branches), the
    /// fallback branch `5` (only `cda-fr` shares the legacy branch `1`).
    /// - Parameters:
    ///   - profile: the version key.
    ///   - setBranch: the branch of the set's last version issued under a branch, or `nil`.
    ///   - session: the session.
    ///   - version: the new version's number.
    ///   - root: the set's OID root.
    ///   - issued: every document id the session issued, all profiles.
    public static func nextBranch(
        profile: String, setBranch: String?, session: SessionID, version: Int, root: String, issued: Set<String>
    ) -> String {
        let branch = setBranch ?? self.branch(profile: profile)
        guard issued.contains(documentID(root: root, branch: branch, session: session, version: version)) else { return branch }
        return cdaFallbackBranch
    }

    /// The arc under the centre's root that names the instruments' Questionnaire resources when
    /// the centre sets no FHIR base: `ROOT.6.N`, N the instrument's number (1 for the first
    /// `InstrumentID` case, in declaration order, which only ever grows at its end).
    public static let questionnaireBranch = "6"

    /// The set id's OID: `ROOT.BRANCH.SESSION`.
    public static func setID(root: String, branch: String, session: SessionID) -> String {
        "\(root).\(branch).\(session.number)"
    }

    /// The id of one version: `ROOT.BRANCH.SESSION.VERSION`.
    public static func documentID(root: String, branch: String, session: SessionID, version: Int) -> String {
        "\(root).\(branch).\(session.number).\(version)"
    }

    /// A custom profile's name as one OID arc, in decimal: the name read as a number in
    /// bijective base 66 (each of the 65 characters a name may hold, `-` `.` `0-9` `A-Z` `_`
    /// `a-z` in ASCII order, is a digit from 1 to 65). Two names never give the same number.
    ///
    /// ```swift
    /// DocumentIDs.customProfileNumber("a")   // "40"
    /// ```
    public static func customProfileNumber(_ name: String) -> String {
        let alphabet = Array("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
        // Decimal digits, least significant first.
        var digits: [Int] = [0]
        for character in name {
            let digit = (alphabet.firstIndex(of: character) ?? alphabet.count - 1) + 1
            var carry = digit
            for index in digits.indices {
                let value = digits[index] * 66 + carry
                digits[index] = value % 10
                carry = value / 10
            }
            while carry > 0 {
                digits.append(carry % 10)
                carry /= 10
            }
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return String(digits.reversed().map { Character(String($0)) })
    }
}
