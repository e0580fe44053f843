import AccordCore
import Foundation

/// A session start typed by a person, field by field, as `accord session start` and the web
/// form `/sessions/nouvelle` receive it: text not yet checked, `nil` where nothing was typed.
///
/// ``sessionStart(defaultIPPRoot:)`` checks it and makes the `SessionStart` and the template's
/// changes; both interfaces go through it, so that the same input records the same events and
/// fails with the same message (errors name the CLI's options, `--birth-date`, which the web
/// form's labels also show).
public struct TypedSessionStart: Sendable {
    /// The patient's INS (15 characters), any case.
    public var patientINS: String?
    /// `provisional`, `recovered`, `validated` or `qualified` (``IdentityStatus/init(argument:)``).
    public var identityStatus: String?
    /// The INS's OID; `nil`: production INS-NIR when an INS is typed.
    public var insOID: String?
    /// Birth family name.
    public var familyName: String?
    /// Birth given names, separated by spaces.
    public var givenNames: String?
    /// First birth given name; `nil`: the first of ``givenNames``.
    public var firstGivenName: String?
    /// Family name used in daily life.
    public var usedFamilyName: String?
    /// Given name used in daily life.
    public var usedGivenName: String?
    /// Birth date, `YYYY-MM-DD` (a calendar date, no time zone).
    public var birthDate: String?
    /// Administrative sex: `F`, `M` or `U`.
    public var sex: String?
    /// Birth place, INSEE COG code, any case.
    public var birthplace: String?
    /// The patient's IPP in the centre.
    public var ipp: String?
    /// The IPP domain's OID; `nil`: the centre's OID root + `.2`.
    public var ippRoot: String?
    /// Whether the patient attends the consultation.
    public var patientPresent: Bool
    /// The clinician leading the consultation (IdNat_PS).
    public var clinicianID: String
    /// The clinician's name as one text.
    public var clinicianName: String
    /// The clinician's name in parts and specialty (empty when not typed).
    public var clinicianDetails: PersonDetails
    /// The clinician's function, in words.
    public var clinicianFunction: String?
    /// The FINESS where the consultation takes place, any case; `nil`: the centre's.
    public var organisationFINESS: String?
    /// The decision to make; `nil`: the template's decision.
    public var topic: String?
    /// The diagnosis, in words.
    public var condition: String?
    /// A code for the diagnosis.
    public var conditionCode: String?
    /// The code system of ``conditionCode`` (an OID, a name or a URI); `nil`: ICD-10.
    public var conditionCodeSystem: String?
    /// The decision template whose options are added, resolved by the interface
    /// (`TemplateCatalogue/template(_:)`).
    public var template: DecisionTemplate?

    /// A start with the clinician only; set the other fields as typed.
    public init(clinicianID: String, clinicianName: String) {
        self.clinicianID = clinicianID
        self.clinicianName = clinicianName
        self.patientPresent = true
        self.clinicianDetails = PersonDetails()
    }

    /// Checks the typed values and makes the session's start and the template's changes (in
    /// order), as `accord session start` records them.
    ///
    /// - Parameter defaultIPPRoot: the IPP domain when an IPP is typed without its root (the
    ///   centre's OID root + `.2`); called only then, after every other check, so that the
    ///   CLI opens its database only for input that passed.
    /// - Returns: the start and the changes to record with it.
    /// - Throws: `AccordError` (`invalidInput`) naming the option (`--family-name`,
    ///   `--birth-date`, `--sex`, `--identity-status`, `--condition-code`,
    ///   `--condition-code-system`…): missing, or not of the accepted form; what
    ///   `defaultIPPRoot` throws. The store checks the rest (INS, COG, FINESS…) when recording.
    public func sessionStart(defaultIPPRoot: () throws -> String) throws -> (start: SessionStart, changes: [Change]) {
        let topic = topic ?? template?.decision
        let required: [(String, String?)] = [
            ("--family-name", familyName), ("--given-names", givenNames),
            ("--birth-date", birthDate), ("--sex", sex), ("--birthplace", birthplace), ("--topic", topic),
        ]
        for (option, value) in required where value == nil {
            throw AccordError.invalid(
                option, "is required", accepted: "\(option) with a value, or --from-rcp FILE to start from an RCP report")
        }
        guard let familyName, let givenNames, let birthDate, let sex, let birthplace, let topic else {
            preconditionFailure("checked above")
        }
        let status = try identityStatus.map { text in
            guard let status = IdentityStatus(argument: text) else {
                throw AccordError.invalid("--identity-status", "is not an identity status", accepted: IdentityStatus.accepted)
            }
            return status
        }
        guard let birth = CalendarDate(birthDate) else {
            throw AccordError.invalid("--birth-date", "is not a calendar date", accepted: "a date as YYYY-MM-DD")
        }
        guard let sexValue = Sex(argument: sex) else {
            throw AccordError.invalid("--sex", "is not an administrative sex", accepted: "F, M or U")
        }
        if conditionCode != nil && condition == nil {
            throw AccordError.invalid(
                "--condition-code", "is given without --condition", accepted: "--condition with the diagnosis in words")
        }
        if conditionCodeSystem != nil && conditionCode == nil {
            throw AccordError.invalid(
                "--condition-code-system", "is given without --condition-code", accepted: "--condition-code with the code")
        }
        // Stored as an OID (a name or URI is turned into its OID); ICD-10 when only a code is given.
        let codeSystem =
            try conditionCodeSystem.map { try FieldRules.codeSystemOID($0, "--condition-code-system") }
            ?? conditionCode.map { _ in FieldRules.icd10OID }
        var ippIdentifier: InstanceIdentifier?
        if let ipp {
            ippIdentifier = InstanceIdentifier(root: try ippRoot ?? defaultIPPRoot(), extension_: ipp)
        }
        let identity = INSIdentity(
            ins: patientINS?.uppercased(), insOID: insOID ?? patientINS.map { _ in KnownOID.insNIR }, birthFamilyName: familyName,
            birthGivenNames: givenNames, firstBirthGivenName: firstGivenName, birthDate: birth, sex: sexValue,
            birthplaceCode: birthplace.uppercased(), usedFamilyName: usedFamilyName, usedGivenName: usedGivenName)
        var start = SessionStart(
            patient: identity, identityStatus: status, ipp: ippIdentifier, patientPresent: patientPresent, clinicianID: clinicianID,
            clinicianName: clinicianName, clinicianFunction: clinicianFunction, organisationFINESS: organisationFINESS?.uppercased(),
            topic: topic, condition: condition.map { Condition(text: $0, code: conditionCode, codeSystem: codeSystem) })
        start.clinicianDetails = clinicianDetails
        let changes = template?.apply(to: &start) ?? []
        return (start, changes)
    }
}

extension AccordService {
    /// Starts a session from typed values (``TypedSessionStart``), in one transaction.
    ///
    /// - Parameters:
    ///   - typed: the values as typed.
    ///   - author: who records it (IdNat_PS); `nil`: the clinician.
    /// - Returns: the session and the warnings to show (``StartedSession``).
    /// - Throws: `AccordError` as ``TypedSessionStart/sessionStart(defaultIPPRoot:)`` and
    ///   ``start(_:changes:author:finessField:)``; nothing is recorded then.
    public func start(typed: TypedSessionStart, author: String?) throws -> StartedSession {
        let (start, changes) = try typed.sessionStart(defaultIPPRoot: { try (centreSettings() ?? .example).oidRoot + ".2" })
        return try self.start(start, changes: changes, author: author)
    }
}
