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
    /// The centre's own other sites (`accord centre site add`), in the order they were
    /// declared; `nil` when none was (left out of the event then, so settings recorded before
    /// sites existed keep their bytes). A session's `--organisation-finess` names the centre or
    /// one of them.
    public var sites: [CentreSite]?
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
        case oidRoot = "oid_root", finess, name, address, facility, practiceSetting = "practice_setting", sites
        case fhirBase = "fhir_base"
    }

    /// The organisation a FINESS names among the centre and its declared sites, or `nil`.
    public func organisation(finess: String) -> CentreSite? {
        let wanted = finess.uppercased()
        if wanted == self.finess { return CentreSite(finess: self.finess, name: name, facility: facility) }
        return sites?.first { $0.finess == wanted }
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

/// One of the centre's own sites: an establishment with its FINESS, its name and its type of
/// facility (value set JDV_J02, OID `1.2.250.1.213.1.1.5.466`, file
/// `ans/jeuxDeValeurs/JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml`). Declared in the centre's
/// settings with `accord centre site add` (a `centre-settings-changed` event, covered by the
/// centre seal like every settings change); a session held there names it with
/// `--organisation-finess`, and its documents carry the site's facility code.
public struct CentreSite: Sendable, Hashable, Codable {
    /// The site's FINESS number (9 characters; its Luhn key is only warned about).
    public var finess: String
    /// The site's name (an organisation's name: may be shown in messages).
    public var name: String
    /// Type of facility, from value set JDV_J02 (healthcareFacilityTypeCode).
    public var facility: CodedValue

    public init(finess: String, name: String, facility: CodedValue) {
        self.finess = finess
        self.name = name
        self.facility = facility
    }
}

/// Where a consultation took place, as its documents say it: one organisation with its own
/// FINESS, name and type of facility (JDV_J02), never one organisation's FINESS with another's
/// facility code.
public struct ConsultationPlace: Sendable, Hashable {
    /// The organisation's FINESS.
    public var finess: String
    /// The organisation's name, when known.
    public var name: String?
    /// The organisation's type of facility (JDV_J02).
    public var facility: CodedValue
    /// Whether the organisation is the centre itself (the custodian).
    public var isCentre: Bool

    public init(finess: String, name: String?, facility: CodedValue, isCentre: Bool) {
        self.finess = finess
        self.name = name
        self.facility = facility
        self.isCentre = isCentre
    }
}

extension SessionStart {
    /// Where the consultation took place, given the centre's settings:
    /// - no ``organisationFINESS``, or the centre's own: the centre (its name and facility code);
    /// - a FINESS recorded with its facility code (a declared site, an RCP report's
    ///   organisation): that organisation, with the name recorded with it;
    /// - a FINESS recorded alone (sessions recorded before facility codes were kept with it): a
    ///   declared site of that FINESS when there is one; else, as documents were written then,
    ///   that FINESS with the centre's facility code and no name.
    public func place(centre: CentreSettings) -> ConsultationPlace {
        let finess = organisationFINESS ?? centre.finess
        if finess == centre.finess {
            return ConsultationPlace(finess: finess, name: centre.name, facility: centre.facility, isCentre: true)
        }
        if let facility { return ConsultationPlace(finess: finess, name: organisationName, facility: facility, isCentre: false) }
        if let site = centre.organisation(finess: finess) {
            return ConsultationPlace(finess: finess, name: site.name, facility: site.facility, isCentre: false)
        }
        return ConsultationPlace(finess: finess, name: nil, facility: centre.facility, isCentre: false)
    }
}
