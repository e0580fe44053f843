import Foundation

/// A correction of the patient's identity traits in one session: only the traits that change,
/// each `nil` when it stays as it was. Recorded by ``Change/identityCorrected(_:)`` with a
/// reason, on an open or a closed session.
public struct IdentityCorrection: Sendable, Hashable, Codable {
    /// The birth family name.
    public var birthFamilyName: String?
    /// The birth given names, in order, separated by spaces.
    public var birthGivenNames: String?
    /// The first birth given name.
    public var firstBirthGivenName: String?
    /// The birth date.
    public var birthDate: CalendarDate?
    /// The administrative sex.
    public var sex: Sex?
    /// The birth place as its INSEE COG code.
    public var birthplaceCode: String?
    /// The family name used in daily life.
    public var usedFamilyName: String?
    /// The given name used in daily life.
    public var usedGivenName: String?
    /// The patient's IPP in the centre, with its root.
    public var ipp: InstanceIdentifier?

    public init(
        birthFamilyName: String? = nil, birthGivenNames: String? = nil, firstBirthGivenName: String? = nil,
        birthDate: CalendarDate? = nil, sex: Sex? = nil, birthplaceCode: String? = nil, usedFamilyName: String? = nil,
        usedGivenName: String? = nil, ipp: InstanceIdentifier? = nil
    ) {
        self.birthFamilyName = birthFamilyName
        self.birthGivenNames = birthGivenNames
        self.firstBirthGivenName = firstBirthGivenName
        self.birthDate = birthDate
        self.sex = sex
        self.birthplaceCode = birthplaceCode
        self.usedFamilyName = usedFamilyName
        self.usedGivenName = usedGivenName
        self.ipp = ipp
    }

    enum CodingKeys: String, CodingKey {
        case birthFamilyName = "birth_family_name", birthGivenNames = "birth_given_names"
        case firstBirthGivenName = "first_birth_given_name", birthDate = "birth_date", sex
        case birthplaceCode = "birthplace_code", usedFamilyName = "used_family_name", usedGivenName = "used_given_name", ipp
    }

    /// The names of the traits this correction changes, in a fixed order (never their values),
    /// as `session history` shows them.
    public var traitNames: [String] {
        [
            ("birth family name", birthFamilyName != nil), ("birth given names", birthGivenNames != nil),
            ("first given name", firstBirthGivenName != nil), ("birth date", birthDate != nil), ("sex", sex != nil),
            ("birthplace", birthplaceCode != nil), ("used family name", usedFamilyName != nil),
            ("used given name", usedGivenName != nil), ("IPP", ipp != nil),
        ].filter(\.1).map(\.0)
    }

    /// Whether the correction changes nothing.
    public var isEmpty: Bool { traitNames.isEmpty }

    /// The session start with the corrected traits in place of the earlier ones.
    public func applied(to start: SessionStart) -> SessionStart {
        var start = start
        if let birthFamilyName { start.patient.birthFamilyName = birthFamilyName }
        if let birthGivenNames { start.patient.birthGivenNames = birthGivenNames }
        if let firstBirthGivenName { start.patient.firstBirthGivenName = firstBirthGivenName }
        if let birthDate { start.patient.birthDate = birthDate }
        if let sex { start.patient.sex = sex }
        if let birthplaceCode { start.patient.birthplaceCode = birthplaceCode }
        if let usedFamilyName { start.patient.usedFamilyName = usedFamilyName }
        if let usedGivenName { start.patient.usedGivenName = usedGivenName }
        if let ipp { start.ipp = ipp }
        return start
    }

    /// The correction without the traits `start` already holds with the same value.
    public func keepingChanges(from start: SessionStart) -> IdentityCorrection {
        let patient = start.patient
        return IdentityCorrection(
            birthFamilyName: birthFamilyName == patient.birthFamilyName ? nil : birthFamilyName,
            birthGivenNames: birthGivenNames == patient.birthGivenNames ? nil : birthGivenNames,
            firstBirthGivenName: firstBirthGivenName == patient.firstBirthGivenName ? nil : firstBirthGivenName,
            birthDate: birthDate == patient.birthDate ? nil : birthDate, sex: sex == patient.sex ? nil : sex,
            birthplaceCode: birthplaceCode == patient.birthplaceCode ? nil : birthplaceCode,
            usedFamilyName: usedFamilyName == patient.usedFamilyName ? nil : usedFamilyName,
            usedGivenName: usedGivenName == patient.usedGivenName ? nil : usedGivenName, ipp: ipp == start.ipp ? nil : ipp)
    }

    /// Checks each trait given by its rule (``FieldRules``), naming the `accord patient correct`
    /// option.
    /// - Throws: `AccordError` (`invalidInput`) naming the first option that fails.
    func validate(today: CalendarDate) throws {
        if let birthFamilyName { try FieldRules.insName(birthFamilyName, "--family-name") }
        if let birthGivenNames { try FieldRules.insName(birthGivenNames, "--given-names") }
        if let firstBirthGivenName { try FieldRules.insName(firstBirthGivenName, "--first-given-name") }
        if let birthDate { try FieldRules.birthDate(birthDate, "--birth-date", today: today) }
        if let birthplaceCode { try FieldRules.birthplace(birthplaceCode, "--birthplace") }
        if let usedFamilyName { try FieldRules.name(usedFamilyName, "--used-family-name") }
        if let usedGivenName { try FieldRules.name(usedGivenName, "--used-given-name") }
        if let ipp {
            try FieldRules.oid(ipp.root, "--ipp-root", what: "the IPP root")
            try FieldRules.localIdentifier(ipp.extension_ ?? "", "--ipp")
        }
    }
}

extension Consultation {
    /// Checks a correction of the patient's identity against the session: it must change at
    /// least one trait, and the corrected identity as a whole must pass the checks of a session
    /// start (``Change/validate(today:)``).
    /// - Throws: `AccordError` (`invalidInput`) naming the option that fails; (`conflict`) when
    ///   nothing changes.
    public func checkCorrection(_ correction: IdentityCorrection, today: CalendarDate) throws {
        if correction.isEmpty {
            throw AccordError(
                .conflict,
                "the correction changes no trait of the patient's identity in session \(id): every value given is already recorded (nothing was recorded)."
            )
        }
        try Change.sessionStarted(correction.applied(to: start)).validate(today: today)
    }
}
