/// A coded value with its system and French display name (HL7 `CE`).
public struct CodedValue: Sendable, Hashable, Codable {
    /// The code, e.g. `ETABLISSEMENT`.
    public var code: String
    /// The display name from the value set, e.g. `Etablissement de santé`.
    public var displayName: String
    /// The OID of the code system.
    public var codeSystem: String

    public init(code: String, displayName: String, codeSystem: String) {
        self.code = code
        self.displayName = displayName
        self.codeSystem = codeSystem
    }

    enum CodingKeys: String, CodingKey {
        case code, displayName = "display_name", codeSystem = "code_system"
    }
}

/// The centre that keeps the record: custodian of every document and root of its ids.
///
/// Stored in the database; every change is an event. Until settings are made, exports use
/// ``CentreSettings/example`` (on the `2.999` example arc) and say so.
public struct CentreSettings: Sendable, Hashable, Codable {
    /// The centre's OID root; document ids are `ROOT.BRANCH.SESSION[.VERSION]` (branch per export
    /// profile, see ``DocumentIDs``), IPPs `ROOT.2`; never Accord's own arc, above or under it.
    public var oidRoot: String
    /// The centre's FINESS number (9 characters).
    public var finess: String
    /// The centre's name.
    public var name: String
    /// The centre's postal address in one line.
    public var address: String
    /// Type of facility, from value set JDV_J02 (healthcareFacilityTypeCode).
    public var facility: CodedValue
    /// Practice setting, from value set JDV_J04 (practiceSettingCode).
    public var practiceSetting: CodedValue
    /// The base URL of the centre's FHIR canonical resources (`https://…`, no trailing `/`),
    /// under which the instruments' Questionnaire resources are named
    /// (`<base>/Questionnaire/<instrument id>`), or `nil` when none is set: they are then named
    /// `urn:oid:<OID root>.6.<instrument number>` (see AccordXML's `FHIRQuestionnaire`). Never
    /// under example.org, .com or .net. Left out of the stored settings when absent, so
    /// settings recorded before it keep their bytes.
    public var fhirBase: String?

    public init(
        oidRoot: String, finess: String, name: String, address: String, facility: CodedValue,
        practiceSetting: CodedValue, fhirBase: String? = nil
    ) {
        self.fhirBase = fhirBase
        self.oidRoot = oidRoot
        self.finess = finess
        self.name = name
        self.address = address
        self.facility = facility
        self.practiceSetting = practiceSetting
    }

    enum CodingKeys: String, CodingKey {
        case oidRoot = "oid_root", finess, name, address, facility, practiceSetting = "practice_setting", fhirBase = "fhir_base"
    }

    /// Example values used until the centre's settings are made: OID root on the `2.999`
    /// example arc, an example FINESS, facility `SA36` (JDV_J02: Centre anti-cancer) and practice setting `ETABLISSEMENT` (JDV_J04).
    public static let example = CentreSettings(
        oidRoot: "2.999.1",
        finess: "999999999",
        name: "Centre exemple (paramètres du centre non renseignés)",
        address: "1 rue de l'Exemple, 99999 EXEMPLE",
        facility: FrenchValueSets.facility(code: "SA36")!,
        practiceSetting: FrenchValueSets.practiceSetting(code: "ETABLISSEMENT")!)

    /// Whether these are the example values (root on the `2.999` arc).
    public var isExample: Bool {
        oidRoot == KnownOID.exampleArc || oidRoot.hasPrefix(KnownOID.exampleArc + ".")
    }
}
