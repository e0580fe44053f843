import Foundation

extension Change {
    /// Checks every field of the change by its rule (``FieldRules``): identifiers, codes,
    /// dates, free text, ranges.
    ///
    /// Every entry point goes through it (the command line, the consultation file, the guided
    /// session, an RCP report), so each is as strict as the others. Field names in errors are
    /// the command-line options (`--patient-ins`); the consultation file renames them to its
    /// keys. Messages never echo the value.
    ///
    /// - Parameter today: the UTC day of the recording instant (the clock, `ACCORD_NOW`
    ///   included): birth dates may not lie after it, a next contact or the end of a
    ///   reflection time not before it.
    /// - Throws: `AccordError` (`invalidInput`) naming the first field that fails.
    public func validate(today: CalendarDate) throws {
        switch self {
        case .sessionStarted(let start):
            try start.validate(today: today)
        case .participantAdded(let role, let name, let id, let function, let details):
            try FieldRules.optionalText(function, "--function", .line(200))
            if let details {
                if role == .patient && !details.isEmpty {
                    throw AccordError.invalid(
                        "--role", "patient is given with a name or code: the patient's identity is recorded at session start",
                        accepted: "--role patient alone")
                }
                if details.specialty != nil && role != .professional {
                    throw AccordError.invalid(
                        "--specialty", "is given for a participant who is not a professional",
                        accepted: "--specialty with --role professional")
                }
                if details.relationship != nil && ![.relative, .trustedPerson, .carer].contains(role) {
                    throw AccordError.invalid(
                        "--relationship", "is given for a participant who is not a relative",
                        accepted: "--relationship with --role relative, trusted-person or carer")
                }
                try details.validate(fields: [
                    "family": "--family-name", "given": "--given-name", "prefix": "--prefix", "specialty": "--specialty",
                    "relationship": "--relationship",
                ])
            }
            // After the parts, so that an empty --family-name is named as such (the one-line name
            // is composed from the parts when --name is not given).
            if role != .patient { try FieldRules.text(name, "--name", .line(200)) }
            if let id {
                if role == .professional {
                    try FieldRules.idNatPS(id, "--id")
                } else {
                    try FieldRules.localIdentifier(id, "--id")
                }
            }
        case .optionAdded(_, let label, let benefits, let harms, let trialID, let origin):
            try FieldRules.text(label, "--label")
            for benefit in benefits { try FieldRules.text(benefit, "--benefit", .lines()) }
            for harm in harms { try FieldRules.text(harm, "--harm", .lines()) }
            if let trialID { try FieldRules.trialID(trialID) }
            try FieldRules.optionalText(origin, "origin", .line(64))
        case .preferenceAdded(let text, let importance):
            try FieldRules.text(text, "--text", .lines())
            if let importance, !(1...5).contains(importance) {
                throw AccordError.invalid("--importance", "is out of range", accepted: "a whole number from 1 (a little) to 5 (above all)")
            }
        case .decisionRecorded(let outcome, let takenBy, _):
            if case .deferred(let nextContact) = outcome { try FieldRules.notPast(nextContact, "--next-contact", today: today) }
            if Set(takenBy).count != takenBy.count {
                throw AccordError.invalid("--by", "names a participant twice", accepted: "each participant id once")
            }
        case .noteAdded(let text):
            try FieldRules.text(text, "--text", .lines(20_000))
        case .sessionClosed, .entryWithdrawn, .phaseStarted, .trialDiscussed, .documentIssued, .researchObjection:
            break
        case .identityCorrected(let correction):
            try correction.validate(today: today)
        case .identityStatusChanged(let change):
            try change.validate()
        case .decisionAidGiven(let name, let version):
            try FieldRules.text(name, "--name", .line(200))
            try FieldRules.optionalText(version, "--version", .line(64))
        case .understandingChecked(let method):
            try FieldRules.optionalText(method, "--method", .line(200))
        case .reflectionOffered(let until):
            if let until { try FieldRules.notPast(until, "--until", today: today) }
        case .instrumentRecorded(let id, let version, _, let answers, let score, _):
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
        if let oid = identity.insOID {
            try FieldRules.insOID(oid, "--ins-oid")
            if identity.ins == nil {
                throw AccordError.invalid(
                    "--ins-oid", "is given without --patient-ins", accepted: "--patient-ins with the INS, or no --ins-oid")
            }
        }
        if let ins = identity.ins { try FieldRules.insNumber(ins, "--patient-ins", oid: identity.insOID ?? KnownOID.insNIR) }
        try validateIdentityStatus()
        if rcp == nil {
            try FieldRules.insName(identity.birthFamilyName, "--family-name")
            try FieldRules.insName(identity.birthGivenNames, "--given-names")
            try FieldRules.insName(identity.firstBirthGivenName, "--first-given-name")
            try FieldRules.firstGivenName(identity.firstBirthGivenName, of: identity.birthGivenNames, "--first-given-name")
        } else {
            // Traits read from an RCP report: the report is the source, so a trait outside the
            // INS form is a warning of the import (`RCPReport`), not a refusal.
            try FieldRules.name(identity.birthFamilyName, "--family-name")
            try FieldRules.name(identity.birthGivenNames, "--given-names")
            try FieldRules.name(identity.firstBirthGivenName, "--first-given-name")
        }
        try FieldRules.birthDate(identity.birthDate, "--birth-date", today: today)
        try FieldRules.birthplace(identity.birthplaceCode, "--birthplace")
        if let used = identity.usedFamilyName { try FieldRules.name(used, "--used-family-name") }
        if let used = identity.usedGivenName { try FieldRules.name(used, "--used-given-name") }
        if let ipp {
            try FieldRules.oid(ipp.root, "--ipp-root", what: "the IPP root")
            try FieldRules.localIdentifier(ipp.extension_ ?? "", "--ipp")
        }
        try FieldRules.idNatPS(clinicianID, "--clinician-id")
        try FieldRules.text(clinicianName, "--clinician-name", .line(200))
        try FieldRules.optionalText(clinicianFunction, "--clinician-function", .line(200))
        try clinicianDetails.validate(fields: [
            "family": "--clinician-family-name", "given": "--clinician-given-name", "prefix": "--clinician-prefix",
            "specialty": "--clinician-specialty", "relationship": "--clinician-specialty",
        ])
        if let organisationFINESS { try FieldRules.finess(organisationFINESS, "--organisation-finess") }
        try FieldRules.optionalText(organisationName, "--organisation-finess", .line(200))
        if let facility {
            guard organisationFINESS != nil else {
                throw AccordError.invalid(
                    "--organisation-finess", "is missing while a facility code is recorded",
                    accepted: "the FINESS of the organisation the facility code belongs to")
            }
            guard FrenchValueSets.facilityTypes.contains(facility) else {
                throw AccordError.invalid(
                    "--organisation-finess", "names an organisation whose facility code is not in value set JDV_J02",
                    accepted: "an organisation with a JDV_J02 facility code such as SA01")
            }
        }
        if let morphology = condition?.morphology {
            // Only read from an RCP report: the field is named after the report's element.
            try FieldRules.code(morphology.code, "condition-morphology")
            try FieldRules.text(morphology.displayName, "condition-morphology", .line(500))
            try FieldRules.oid(morphology.codeSystem, "condition-morphology", what: "the code system")
        }
        try FieldRules.text(topic, "--topic")
        if let condition {
            try FieldRules.text(condition.text, "--condition")
            if let code = condition.code { try FieldRules.code(code, "--condition-code") }
            if let system = condition.codeSystem {
                // Stored as an OID: names and URIs are turned into theirs at input.
                try FieldRules.oid(system, "--condition-code-system", what: "the code system")
            }
            if (condition.code == nil) != (condition.codeSystem == nil) {
                throw AccordError.invalid(
                    condition.code == nil ? "--condition-code-system" : "--condition-code", "is given without the other",
                    accepted: "a code with its code system (--condition-code with --condition-code-system, ICD-10 by default)")
            }
        }
        try FieldRules.optionalText(template, "--template", .line(200))
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
        // Every id the centre issues sits under its root; every OID of the product under
        // Accord's arc: neither may contain the other, or an id could equal a product OID.
        let arc = KnownOID.accordArc
        if oidRoot == arc || arc.hasPrefix(oidRoot + ".") || oidRoot.hasPrefix(arc + ".") {
            throw AccordError.invalid(
                "--oid-root",
                "the OID root contains, or lies under, Accord's own arc \(arc) (its templateId and local code system), so ids could collide with them",
                accepted: "the centre's OID such as 1.2.250.1.999.1, or an example root such as 2.999.1")
        }
        if let fhirBase { try Self.validateFHIRBase(fhirBase) }
        if let problem = IdentifierCheck.finess(finess) {
            throw AccordError.invalid("--finess", "the FINESS number \(problem)", accepted: "9 characters such as 750712184")
        }
        try FieldRules.text(name, "--name", .line(200))
        try FieldRules.text(address, "--address", .line(500))
        guard FrenchValueSets.facilityTypes.contains(facility) else {
            throw AccordError.invalid(
                "--facility-code", "is not in value set JDV_J02", accepted: "a JDV_J02 code such as SA36 (Centre anti-cancer) or SA01")
        }
        guard FrenchValueSets.practiceSettings.contains(practiceSetting) else {
            throw AccordError.invalid("--practice-setting", "is not in value set JDV_J04", accepted: "a JDV_J04 code such as ETABLISSEMENT")
        }
        var seen: Set<String> = [finess]
        for site in sites ?? [] {
            try site.validate()
            guard seen.insert(site.finess).inserted else {
                throw AccordError.invalid(
                    "--finess", "names the centre or a site already declared",
                    accepted: "the FINESS of another of the centre's sites (`accord centre show` lists those declared)")
            }
        }
    }
}

extension CentreSite {
    /// Checks a site: FINESS shape (its Luhn key is only warned about, as for the centre),
    /// a name of one line, a facility code from JDV_J02.
    /// - Throws: `AccordError` (`invalidInput`) naming the `accord centre site add` option.
    public func validate() throws {
        try FieldRules.finess(finess, "--finess")
        try FieldRules.text(name, "--name", .line(200))
        guard FrenchValueSets.facilityTypes.contains(facility) else {
            throw AccordError.invalid(
                "--facility-code", "is not in value set JDV_J02", accepted: "a JDV_J02 code such as SA36 (Centre anti-cancer) or SA01")
        }
    }
}

extension FieldRules {
    /// Checks an INS number: an INS-NIR (every OID but INS-NIA's) by its key, an INS-NIA as a
    /// local identifier of at most 15 characters.
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func insNumber(_ value: String, _ field: String, oid: String = KnownOID.insNIR) throws {
        if oid == KnownOID.insNIA {
            if let problem = IdentifierCheck.insNIA(value) {
                throw AccordError.invalid(
                    field, "the INS-NIA \(problem)", accepted: "a temporary number of 13 characters and a 2-digit key")
            }
        } else if let problem = IdentifierCheck.insNIR(value) {
            throw AccordError.invalid(
                field, "the INS-NIR \(problem)",
                accepted: "13 characters and a 2-digit key equal to 97 − (NIR mod 97), 2A/2B counted as 19/18")
        }
    }

    /// Checks a birth place's INSEE COG code (INS referential: the birthplace trait is the COG
    /// code of the commune of birth, or of the country for a birth abroad):
    /// - a commune of metropolitan France: department `01`–`95` (`2A`/`2B` for Corsica; `20`,
    ///   Corsica before 1976, as held by earlier records) and a commune number `001`–`999`;
    /// - overseas: `971`–`978` then 2 digits (Guadeloupe, Martinique, Guyane, La Réunion,
    ///   Saint-Pierre-et-Miquelon, Mayotte, Saint-Barthélemy, Saint-Martin), `984`, `986`–`989`
    ///   then 2 digits (TAAF, Wallis-et-Futuna, Polynésie, Nouvelle-Calédonie, Clipperton);
    /// - abroad: `99` and the country's 3 digits (`991`–`995`, by continent); `99999` when the
    ///   place of birth is unknown.
    /// - Throws: `AccordError` (`invalidInput`) naming `field`, saying which part is wrong.
    public static func birthplace(_ value: String, _ field: String) throws {
        if let problem = birthplaceProblem(value) {
            throw AccordError.invalid(
                field, "is not an INSEE COG code (\(problem))",
                accepted:
                    "the 5-character COG code of the birth place: department and commune (2A/2B for Corsica, 971–978 overseas), or 99 and the country code abroad (99999 unknown)"
            )
        }
    }

    /// What is wrong with a birthplace COG code, or `nil` (``birthplace(_:_:)``).
    public static func birthplaceProblem(_ value: String) -> String? {
        // Five ASCII bytes without a CR (which would join a LF into one character) are five
        // characters, read as bytes; any other text is read as characters, each one outside
        // ASCII standing as a byte that is neither a digit nor a letter.
        let utf8 = value.utf8
        if utf8.count == 5, utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            return cogProblem(utf8.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 0x20 : $0 })
        }
        let cog = Array(value.uppercased())
        guard cog.count == 5 else { return "it has \(cog.count) characters, not 5" }
        return cogProblem(cog.map { $0.unicodeScalars.count == 1 ? $0.asciiValue ?? 0xFF : 0xFF })
    }

    /// ``birthplaceProblem(_:)`` of five uppercased characters, as ASCII bytes.
    private static func cogProblem(_ cog: [UInt8]) -> String? {
        func digits(_ part: ArraySlice<UInt8>) -> Int? {
            part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                ? part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } : nil
        }
        let department = String(decoding: cog[0..<2], as: UTF8.self)
        if department == "2A" || department == "2B" {
            guard let commune = digits(cog[2...]) else { return "a Corsican code has 3 digits after 2A or 2B" }
            return commune == 0 ? "commune number 000 does not exist" : nil
        }
        guard let number = digits(cog[0...]) else { return "only digits, or 2A/2B then digits, are COG codes" }
        switch number / 1000 {
        case 97:
            guard (1...8).contains(number / 100 % 10) else { return "overseas codes begin with 971 to 978" }
            return number % 100 == 0 ? "commune number 00 does not exist" : nil
        case 98:
            guard [4, 6, 7, 8, 9].contains(number / 100 % 10) else { return "codes beginning with 98 are 984 and 986 to 989" }
            return number % 100 == 0 ? "commune number 00 does not exist" : nil
        case 99:
            return number == 99999 || (1...5).contains(number / 100 % 10)
                ? nil : "a country code abroad is 99 then 1xx to 5xx (99999: unknown)"
        case 96, 0:
            return "department \(department) does not exist"
        default:
            return number % 1000 == 0 ? "commune number 000 does not exist" : nil
        }
    }

    /// Registry ids: NCT + 8 digits (ClinicalTrials.gov), EU CT `YYYY-NNNNNN-NN-NN`, EudraCT
    /// `YYYY-NNNNNN-NN`, or another registry's id of 3–40 letters, digits and `-_/.`.
    static func trialID(_ value: String) throws {
        // Read as UTF-8 bytes: every character accepted is one ASCII byte, so an id of 3–40
        // such bytes is one of 3–40 such characters (the walk over characters it replaces was
        // 1 % of a bulk import's instructions, callgrind).
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let bytes = value.utf8
        let ok =
            (3...40).contains(bytes.count)
            && bytes.allSatisfy { byte in
                let letter = byte | 0x20  // lower case, for an ASCII letter
                return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(letter) || isDigit(byte) || "-_/.".utf8.contains(byte)
            }
        let nct = ok && bytes.prefix(3).map { $0 | 0x20 }.elementsEqual("nct".utf8)
        let nctOK = !nct || (bytes.count == 11 && bytes.dropFirst(3).allSatisfy(isDigit))
        if !ok || !nctOK {
            throw AccordError.invalid(
                "--trial-id", "is not a trial registry id", accepted: "a registry id such as NCT01234567 or 2024-512345-12-00")
        }
    }
}

extension CentreSettings {
    /// Checks a FHIR canonical base: an `https` URL with a host, no query, fragment or
    /// trailing `/`, at most 200 characters, and not on the example domains (example.org,
    /// example.com, example.net: RFC 2606), whose canonical URLs no one can resolve.
    /// - Throws: `AccordError` (`invalidInput`) naming `--fhir-base`.
    static func validateFHIRBase(_ base: String) throws {
        let accepted = "the https URL under which the centre publishes its FHIR resources, such as https://fhir.centre.fr/fhir"
        guard base.count <= 200, let url = URL(string: base), url.scheme == "https", let host = url.host?.lowercased(), !host.isEmpty,
            url.query == nil, url.fragment == nil, !base.hasSuffix("/"), !base.contains(where: \.isWhitespace)
        else {
            throw AccordError.invalid("--fhir-base", "is not an https URL without query, fragment or final /", accepted: accepted)
        }
        for domain in ["example.org", "example.com", "example.net"] where host == domain || host.hasSuffix("." + domain) {
            throw AccordError.invalid(
                "--fhir-base", "is on the example domain \(domain), where no one can resolve a canonical URL", accepted: accepted)
        }
    }
}
