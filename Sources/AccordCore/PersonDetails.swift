/// A person's name in parts and coded role, as recorded for a clinician or a participant
/// (issue 15, "the people, coded truly"). Every field is optional: a person recorded with a
/// one-field name only (`--name`, `--clinician-name`) has none, and documents then write that
/// name as the name's text.
public struct PersonDetails: Sendable, Hashable, Codable {
    /// The family name (CDA `name/family`, FHIR `HumanName.family`).
    public var familyName: String?
    /// The given name (CDA `name/given`, FHIR `HumanName.given`).
    public var givenName: String?
    /// The civility or title before the name: a code of JDV_J245 (Civilite: `M`, `MME`; CDA
    /// `name/prefix`, FHIR `HumanName.prefix`) or of JDV_J246 (Titre: `DR`; CDA `name/suffix`
    /// as the ANS examples and the CI-SIS rule CI-SISAuthor want it, FHIR `HumanName.suffix`).
    public var prefix: String?
    /// A professional's profession or specialty: a code of the CI-SIS value set JDV_J01
    /// (XdsAuthorSpecialty, ``FrenchValueSets/authorSpecialties``).
    public var specialty: String?
    /// A relative's relationship to the patient: a code of the CI-SIS value set JDV_J11
    /// (RelationPatient, ``FrenchValueSets/patientRelations``).
    public var relationship: String?

    /// Details as given; each field `nil` when not given.
    public init(
        familyName: String? = nil, givenName: String? = nil, prefix: String? = nil, specialty: String? = nil,
        relationship: String? = nil
    ) {
        self.familyName = familyName
        self.givenName = givenName
        self.prefix = prefix
        self.specialty = specialty
        self.relationship = relationship
    }

    /// Whether nothing is recorded (then the change's payload leaves every key out).
    public var isEmpty: Bool { self == PersonDetails() }

    /// Whether the name is recorded in parts (family or given name).
    public var hasNameParts: Bool { familyName != nil || givenName != nil }

    /// The name in parts as one line, `DR Claire MARTIN` (prefix, given, family), or `nil`
    /// when no part is recorded.
    public var nameLine: String? {
        let display = prefix.map { code in
            (FrenchValueSets.civilities + FrenchValueSets.titles).first { $0.code == code }.map { abbreviation($0.code) } ?? code
        }
        let parts = [display, givenName, familyName].compactMap { $0 }
        return hasNameParts ? parts.joined(separator: " ") : nil
    }

    /// `Dr`, `M.`, `Mme` for the codes `DR`, `M`, `MME`.
    private func abbreviation(_ code: String) -> String {
        switch code {
        case "DR": "Dr"
        case "PR": "Pr"
        case "M": "M."
        case "MME": "Mme"
        default: code
        }
    }

    /// The JDV_J01 entry of ``specialty``, when one is recorded and known.
    public var specialtyCode: CodedValue? { specialty.flatMap(FrenchValueSets.authorSpecialty(code:)) }

    /// The JDV_J11 entry of ``relationship``, when one is recorded and known.
    public var relationshipCode: CodedValue? { relationship.flatMap(FrenchValueSets.patientRelation(code:)) }

    /// Whether ``prefix`` is a title of JDV_J246 (written as the name's suffix), not a civility.
    public var prefixIsTitle: Bool { prefix.map { code in FrenchValueSets.titles.contains { $0.code == code } } ?? false }

    /// A prefix as typed, normalised to its code (`Dr` → `DR`, `Mme` → `MME`).
    public static func prefixCode(_ typed: String?) -> String? {
        typed.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
    }

    /// `nil` when empty, else `self` (what a change stores).
    public var orNil: PersonDetails? { isEmpty ? nil : self }

    enum CodingKeys: String, CodingKey {
        case familyName = "family_name", givenName = "given_name", prefix, specialty, relationship
    }

    /// Checks each field by its rule: names and prefix as names (at most 200 characters, no
    /// control characters), the specialty against JDV_J01, the relationship against JDV_J11.
    ///
    /// - Parameter fields: the option (or YAML key) naming each field in errors, keyed by
    ///   `family`, `given`, `prefix`, `specialty`, `relationship`.
    /// - Throws: `AccordError` (`invalidInput`) naming the first field that fails; an unknown
    ///   code's message says where the accepted codes are listed (`accord codes list J01`).
    public func validate(fields: [String: String]) throws {
        if let familyName { try FieldRules.text(familyName, fields["family"]!, .line(200)) }
        if let givenName { try FieldRules.text(givenName, fields["given"]!, .line(200)) }
        if let prefix, !(FrenchValueSets.civilities + FrenchValueSets.titles).contains(where: { $0.code == prefix }) {
            throw AccordError.invalid(
                fields["prefix"]!, "is not a civility of the CI-SIS value set J245 nor a title of J246",
                accepted:
                    "M or MME (civilité, J245), or a title such as DR or PR (titre, J246), as `accord codes list J245` and `accord codes list J246` list them"
            )
        }
        if let specialty, FrenchValueSets.authorSpecialty(code: specialty) == nil {
            throw AccordError.invalid(
                fields["specialty"]!, "is not a code of the CI-SIS value set J01 (professions and specialties)",
                accepted: "a J01 code such as G15_10/SM36 (médecin, oncologie médicale), as `accord codes list J01` lists them")
        }
        if let relationship, FrenchValueSets.patientRelation(code: relationship) == nil {
            throw AccordError.invalid(
                fields["relationship"]!, "is not a code of the CI-SIS value set J11 (relation to the patient)",
                accepted: "a J11 code such as SIGOTHR (conjoint) or DAUC (fille), as `accord codes list J11` lists them")
        }
    }
}

extension FrenchValueSets {
    /// The JDV_J01 entry with this code (case as in the value set), or `nil`.
    public static func authorSpecialty(code: String) -> CodedValue? { authorSpecialties.first { $0.code == code } }

    /// The JDV_J11 entry with this code, or `nil`.
    public static func patientRelation(code: String) -> CodedValue? { patientRelations.first { $0.code == code } }
}
