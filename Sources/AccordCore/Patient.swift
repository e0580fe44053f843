/// Administrative sex as the INS carries it (HL7 AdministrativeGender: `F`, `M`, `U`).
public enum Sex: String, Sendable, Codable, CaseIterable {
    case female = "F"
    case male = "M"
    case unknown = "U"

    /// Parses `F`/`M`/`U` (any case) or `female`/`male`/`unknown`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "f", "female": self = .female
        case "m", "male": self = .male
        case "u", "unknown": self = .unknown
        default: return nil
        }
    }

    /// The French display name used in CDA (`Féminin`, `Masculin`, `Inconnu`).
    public var frenchDisplayName: String {
        switch self {
        case .female: "Féminin"
        case .male: "Masculin"
        case .unknown: "Inconnu"
        }
    }
}

/// The patient's identity: the national health identifier (INS), when known, with the traits
/// it always travels with. Whether a document may carry the INS depends on the identity's
/// status (``SessionStart/documentINS``).
///
/// Source: `standards/RECORD.md` ("An INS identity always travels with its traits").
public struct INSIdentity: Sendable, Hashable, Codable {
    /// The INS number (NIR or NIA with its key), 15 characters; `nil` for an identity recorded
    /// without INS (a provisional or validated identity, ``IdentityStatus``).
    public var ins: String?
    /// The OID of the INS kind: production INS-NIR `1.2.250.1.213.1.4.8`, test
    /// `1.2.250.1.213.1.4.10`, …; `nil` without INS.
    public var insOID: String?
    /// Birth family name (upper case, no diacritics by INS rule; apostrophes and hyphens kept).
    public var birthFamilyName: String
    /// The list of birth given names, in order, as one string separated by spaces
    /// (`JEAN-PAUL MARIE`).
    public var birthGivenNames: String
    /// The first birth given name; by default the first word of `birthGivenNames`.
    public var firstBirthGivenName: String
    /// Birth date (a calendar date, not an instant).
    public var birthDate: CalendarDate
    /// Administrative sex.
    public var sex: Sex
    /// Birth place as its INSEE COG code (5 characters; `99xxx` abroad).
    public var birthplaceCode: String
    /// Family name used in daily life, when it differs from the birth name.
    public var usedFamilyName: String?
    /// Given name used in daily life, when it differs from the first birth given name.
    public var usedGivenName: String?

    public init(
        ins: String?, insOID: String?, birthFamilyName: String, birthGivenNames: String,
        firstBirthGivenName: String? = nil, birthDate: CalendarDate, sex: Sex, birthplaceCode: String,
        usedFamilyName: String? = nil, usedGivenName: String? = nil
    ) {
        self.ins = ins
        self.insOID = insOID
        self.birthFamilyName = birthFamilyName
        self.birthGivenNames = birthGivenNames
        self.firstBirthGivenName =
            firstBirthGivenName
            ?? String(birthGivenNames.split(separator: " ").first ?? Substring(birthGivenNames))
        self.birthDate = birthDate
        self.sex = sex
        self.birthplaceCode = birthplaceCode
        self.usedFamilyName = usedFamilyName
        self.usedGivenName = usedGivenName
    }
}

/// An identifier with its issuing OID (an IPP, a document id…), as HL7 `II`.
public struct InstanceIdentifier: Sendable, Hashable, Codable {
    /// The OID of the issuer.
    public var root: String
    /// The identifier within `root`; `nil` when `root` alone identifies.
    public var extension_: String?

    public init(root: String, extension_: String? = nil) {
        self.root = root
        self.extension_ = extension_
    }

    enum CodingKeys: String, CodingKey {
        case root
        case extension_ = "extension"
    }
}
