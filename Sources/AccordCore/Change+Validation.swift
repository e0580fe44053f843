import Foundation

extension Change {
    /// Checks every field of the change on its own (identifier keys, dates, ranges, lengths).
    ///
    /// Field names in errors are the command-line options (`--patient-ins`); the YAML importer
    /// renames them to its keys. Messages never echo the value.
    ///
    /// - Parameter today: the clock's current UTC date, to refuse birth dates in the future.
    /// - Throws: `AccordError` (`invalidInput`) naming the first field that fails.
    public func validate(today: CalendarDate) throws {
        switch self {
        case .sessionStarted(let start):
            try start.validate(today: today)
        case .participantAdded(let role, let name, let id, let function):
            if role != .patient { try Field.text(name, "--name") }
            try Field.optionalText(function, "--function")
            if let id {
                if role == .professional {
                    if let problem = IdentifierCheck.idNatPS(id) {
                        throw AccordError.invalid(
                            "--id", "the IdNat_PS \(problem)", accepted: "8 + an 11-digit RPPS with a valid Luhn key, e.g. 801234567897")
                    }
                } else {
                    try Field.text(id, "--id", maximum: 64)
                }
            }
        case .optionAdded(_, let label, let benefits, let harms, let trialID, let origin):
            try Field.text(label, "--label")
            for benefit in benefits { try Field.text(benefit, "--benefit") }
            for harm in harms { try Field.text(harm, "--harm") }
            if let trialID { try Field.trialID(trialID) }
            try Field.optionalText(origin, "origin")
        case .preferenceAdded(let text, let importance):
            try Field.text(text, "--text")
            if let importance, !(1...5).contains(importance) {
                throw AccordError.invalid("--importance", "is out of range", accepted: "a whole number from 1 (a little) to 5 (above all)")
            }
        case .decisionRecorded(_, let takenBy):
            if Set(takenBy).count != takenBy.count {
                throw AccordError.invalid("--by", "names a participant twice", accepted: "each participant id once")
            }
        case .noteAdded(let text):
            try Field.text(text, "--text", maximum: 20_000)
        case .sessionClosed, .entryWithdrawn, .phaseStarted, .trialDiscussed, .documentIssued:
            break
        case .decisionAidGiven(let name, let version):
            try Field.text(name, "--name", maximum: 200)
            try Field.optionalText(version, "--version", maximum: 64)
        case .understandingChecked(let method):
            try Field.optionalText(method, "--method", maximum: 200)
        case .reflectionOffered:
            break
        case .instrumentRecorded(let id, let version, _, let answers, let score):
            let instrument = id.instrument
            guard version == instrument.version else {
                throw AccordError.invalid(
                    "--instrument", "names a version this Accord cannot score", accepted: "version \(instrument.version) of \(id.rawValue)")
            }
            // The stored score must be the rule's: recompute it from the raw answers.
            guard try instrument.score(answers) == score else {
                throw AccordError.invalid(
                    "--answers", "do not give the stored score", accepted: "the score computed by the instrument's rule")
            }
        case .centreSettingsChanged(let settings):
            try settings.validate()
        }
    }
}

extension SessionStart {
    func validate(today: CalendarDate) throws {
        let identity = patient
        if let problem = IdentifierCheck.oid(identity.insOID) {
            throw AccordError.invalid(
                "--ins-oid", "the INS OID \(problem)",
                accepted: "an OID such as 1.2.250.1.213.1.4.8 (production) or 1.2.250.1.213.1.4.10 (test)")
        }
        if identity.insOID != KnownOID.insNIA, let problem = IdentifierCheck.insNIR(identity.ins) {
            throw AccordError.invalid(
                "--patient-ins", "the INS-NIR \(problem)",
                accepted: "13 characters and a 2-digit key equal to 97 − (NIR mod 97), 2A/2B counted as 19/18")
        }
        try Field.name(identity.birthFamilyName, "--family-name")
        try Field.name(identity.birthGivenNames, "--given-names")
        try Field.name(identity.firstBirthGivenName, "--first-given-name")
        if identity.birthDate > today {
            throw AccordError.invalid("--birth-date", "is in the future", accepted: "the birth date as YYYY-MM-DD, not after today")
        }
        let cog = identity.birthplaceCode.uppercased()
        let cogOK =
            cog.count == 5
            && (cog.allSatisfy { $0.isASCII && $0.isNumber }
                || ((cog.hasPrefix("2A") || cog.hasPrefix("2B")) && cog.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }))
        if !cogOK {
            throw AccordError.invalid(
                "--birthplace", "is not an INSEE COG code",
                accepted: "the 5-character COG code of the birth place (2A/2B for Corsica, 99xxx abroad)")
        }
        try Field.optionalText(identity.usedFamilyName, "--used-family-name")
        try Field.optionalText(identity.usedGivenName, "--used-given-name")
        if let ipp {
            if let problem = IdentifierCheck.oid(ipp.root) {
                throw AccordError.invalid("--ipp-root", "the IPP root \(problem)", accepted: "an OID")
            }
            try Field.text(ipp.extension_ ?? "", "--ipp", maximum: 64)
        }
        if let problem = IdentifierCheck.idNatPS(clinicianID) {
            throw AccordError.invalid(
                "--clinician-id", "the IdNat_PS \(problem)", accepted: "8 + an 11-digit RPPS with a valid Luhn key, e.g. 801234567897")
        }
        try Field.text(clinicianName, "--clinician-name")
        try Field.optionalText(clinicianFunction, "--clinician-function")
        if let organisationFINESS, let problem = IdentifierCheck.finess(organisationFINESS) {
            throw AccordError.invalid("--organisation-finess", "the FINESS number \(problem)", accepted: "9 characters such as 750712184")
        }
        try Field.text(topic, "--topic")
        if let condition {
            try Field.text(condition.text, "--condition")
            try Field.optionalText(condition.code, "--condition-code", maximum: 64)
        }
        try Field.optionalText(template, "--template")
    }
}

extension CentreSettings {
    /// Checks the settings: OID root, FINESS shape, non-empty name and address, codes from
    /// JDV_J02 and JDV_J04.
    /// - Throws: `AccordError` (`invalidInput`) naming the `accord centre set` option.
    public func validate() throws {
        if let problem = IdentifierCheck.oid(oidRoot) {
            throw AccordError.invalid("--oid-root", "the OID root \(problem)", accepted: "the centre's OID such as 1.2.250.1.999.1")
        }
        if let problem = IdentifierCheck.finess(finess) {
            throw AccordError.invalid("--finess", "the FINESS number \(problem)", accepted: "9 characters such as 750712184")
        }
        try Field.text(name, "--name")
        try Field.text(address, "--address")
        guard FrenchValueSets.facilityTypes.contains(facility) else {
            throw AccordError.invalid(
                "--facility-code", "is not in value set JDV_J02", accepted: "a JDV_J02 code such as SA36 (Centre anti-cancer) or SA01")
        }
        guard FrenchValueSets.practiceSettings.contains(practiceSetting) else {
            throw AccordError.invalid("--practice-setting", "is not in value set JDV_J04", accepted: "a JDV_J04 code such as ETABLISSEMENT")
        }
    }
}

/// Checks shared by every free-text and name field.
enum Field {
    /// Non-empty after trimming, at most `maximum` characters.
    static func text(_ value: String, _ field: String, maximum: Int = 2_000) throws {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw AccordError.invalid(field, "is empty", accepted: "some text")
        }
        if value.count > maximum {
            throw AccordError.invalid(field, "is longer than \(maximum) characters", accepted: "at most \(maximum) characters")
        }
    }

    static func optionalText(_ value: String?, _ field: String, maximum: Int = 2_000) throws {
        if let value { try text(value, field, maximum: maximum) }
    }

    /// INS names: letters (any case), spaces, apostrophes and hyphens, at most 100 characters.
    static func name(_ value: String, _ field: String) throws {
        try text(value, field, maximum: 100)
        let allowed = value.unicodeScalars.allSatisfy {
            CharacterSet.letters.contains($0) || $0 == " " || $0 == "'" || $0 == "-" || $0 == "’"
        }
        if !allowed {
            throw AccordError.invalid(
                field, "holds characters a civil-status name cannot hold", accepted: "letters, spaces, apostrophes and hyphens")
        }
    }

    /// Registry ids: NCT + 8 digits (ClinicalTrials.gov), EU CT `YYYY-NNNNNN-NN-NN`, EudraCT
    /// `YYYY-NNNNNN-NN`, or another registry's id of 3–40 letters, digits and `-_/.`.
    static func trialID(_ value: String) throws {
        let ok =
            value.count >= 3 && value.count <= 40 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_/.".contains($0)) }
        let upper = value.uppercased()
        let nctOK = !upper.hasPrefix("NCT") || (upper.count == 11 && upper.dropFirst(3).allSatisfy { $0.isNumber })
        if !ok || !nctOK {
            throw AccordError.invalid(
                "--trial-id", "is not a trial registry id", accepted: "a registry id such as NCT01234567 or 2024-512345-12-00")
        }
    }
}
