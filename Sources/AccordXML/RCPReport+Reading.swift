import AccordCore
import Foundation

extension RCPReport {
    /// What every refusal says is accepted.
    static let accepted =
        "an RCP report (CI-SIS FRCP: a CDA R2 document in namespace urn:hl7-org:v3 with templateId 1.2.250.1.213.1.1.1.8 or document code LOINC 34794-8)"

    /// Reads an RCP report with the safe parser (no network, no DTD, no entity expansion, size
    /// limit).
    ///
    /// ```swift
    /// let report = try RCPReport.read(Data(contentsOf: url))
    /// let (start, changes) = report.sessionStart(clinicianID: "801234567897", clinicianName: "Dr Roussel", topic: nil)
    /// ```
    ///
    /// - Parameters:
    ///   - data: the report's bytes.
    ///   - parser: the parser (its size limit); default limits when omitted.
    /// - Returns: the report's content; problems with identifiers it holds are in ``warnings``.
    /// - Throws: `AccordError` (`invalidInput`) when the data is not well-formed XML (or
    ///   declares a DTD, or is too large), is XML but not a CDA document, is a CDA document but
    ///   not an RCP report, or is an RCP report without a patient INS or one of the INS traits
    ///   or without a document id. Messages say what the file is and what is accepted; they
    ///   never contain the file's text. (`io`) when libxml2 cannot be loaded.
    public static func read(_ data: Data, parser: SafeXMLParser = SafeXMLParser()) throws -> RCPReport {
        let reader: XMLDocumentReader
        do {
            reader = try XMLDocumentReader(data: data, parser: parser)
        } catch let error as AccordError where error.code != .io {
            // What is wrong with the file is said as such; a problem of this system (libxml2
            // that cannot be loaded) is passed on as it is.
            var problem = error.message
            if let range = problem.range(of: "; expected ", options: .backwards) { problem = String(problem[..<range.lowerBound]) }
            throw AccordError(.invalidInput, "the file is not an RCP report: \(problem); expected \(accepted).")
        }
        var reading = RCPReportReading(reader: reader)
        return try reading.report()
    }
}

/// The XPath reading behind ``RCPReport/read(_:parser:)``; one per document.
struct RCPReportReading {
    let reader: XMLDocumentReader
    var warnings: [String] = []

    static let root = "/hl7:ClinicalDocument"
    static let patientRole = "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole"
    static let loinc = "2.16.840.1.113883.6.1"
    static let icd10 = "2.16.840.1.113883.6.3"
    static let icdO = "2.16.840.1.113883.6.43.1"
    static let treatmentTemplate = "1.2.250.1.213.1.1.3.62"

    init(reader: XMLDocumentReader) { self.reader = reader }

    // MARK: - Small helpers

    /// The first value `xpath` selects, trimmed; `nil` when nothing or only blanks.
    func text(_ xpath: String) throws -> String? {
        guard let value = try reader.string(xpath: xpath)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// Like ``text(_:)`` with runs of white space (line breaks of the narrative) made one space.
    func line(_ xpath: String) throws -> String? {
        try text(xpath).map(Self.collapsed)
    }

    static func collapsed(_ value: String) -> String {
        value.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// `[@root='a' or @root='b']` for a set of OIDs.
    static func rootIn(_ oids: [String]) -> String {
        "[" + oids.map { "@root='\($0)'" }.joined(separator: " or ") + "]"
    }

    /// A calendar date from the first 8 digits of an HL7 TS (`20190218171100+0100` → 2019-02-18).
    static func calendarDate(_ ts: String?) -> CalendarDate? {
        guard let ts, ts.count >= 8 else { return nil }
        let digits = ts.prefix(8)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return CalendarDate("\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.dropFirst(6))")
    }

    /// The narrative text an `originalText/reference/@value` (`#ID`) points to, one line.
    func narrative(reference: String?) throws -> String? {
        guard let id = Self.fragment(reference) else { return nil }
        return try line("//*[@ID='\(id)']")
    }

    /// The `ID` a reference names, when it is a plain `#ID` safe to put in an XPath literal.
    static func fragment(_ reference: String?) -> String? {
        guard let reference, reference.hasPrefix("#") else { return nil }
        let id = reference.dropFirst()
        guard !id.isEmpty, id.count <= 200,
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else { return nil }
        return String(id)
    }

    /// The leading whole number of a text (`2 (Alternative)` → 2).
    static func leadingNumber(_ text: String?) -> Int? {
        guard let text else { return nil }
        let digits = text.trimmingCharacters(in: .whitespaces).prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : Int(digits.prefix(6))
    }

    static func refusal(_ problem: String) -> AccordError {
        AccordError(.invalidInput, "\(problem); expected \(RCPReport.accepted).")
    }

    // MARK: - The report

    mutating func report() throws -> RCPReport {
        try checkKind()
        let documentID = try documentIdentifier()
        let patient = try identity()
        let ipp = try patientIPP()
        let place = try organisation()
        let options = try proposedOptions()
        let condition = try diagnosis()
        let trial = try trialProposed()
        let meeting = try meetingDate()
        let flags = try reportFlags()
        let trusted = try trustedPerson()
        try checkProfessionalIdentifiers()
        var report = RCPReport(
            documentID: documentID, setID: try identifier("\(Self.root)/hl7:setId"), title: try line("\(Self.root)/hl7:title"),
            meetingDate: meeting, patient: patient, ipp: ipp, organisationFINESS: place.finess, organisationSource: place.source,
            condition: condition, options: options, trialProposed: trial, warnings: warnings + flags.map(\.warning))
        report.organisationName = place.name
        report.facility = place.facility
        report.flags = flags
        report.trustedPerson = trusted
        return report
    }

    /// Refuses XML that is not a CDA document, and CDA documents that are not RCP reports.
    func checkKind() throws {
        let isCDA = try reader.count(xpath: "/*[local-name()='ClinicalDocument' and namespace-uri()='urn:hl7-org:v3']") == 1
        guard isCDA else {
            throw Self.refusal(
                "the file is XML but not a CDA document (its root element is not ClinicalDocument in namespace urn:hl7-org:v3)")
        }
        let template = try reader.count(xpath: "\(Self.root)/hl7:templateId[@root='\(RCPReport.templateID)']") > 0
        let code = try reader.count(xpath: "\(Self.root)/hl7:code[@code='\(RCPReport.documentCode)']") > 0
        guard template || code else {
            throw Self.refusal(
                "the file is a CDA document but not an RCP report (it has neither templateId \(RCPReport.templateID) nor document code LOINC \(RCPReport.documentCode))"
            )
        }
    }

    func identifier(_ element: String) throws -> InstanceIdentifier? {
        guard let root = try text("\(element)/@root") else { return nil }
        return InstanceIdentifier(root: root, extension_: try text("\(element)/@extension"))
    }

    func documentIdentifier() throws -> InstanceIdentifier {
        guard let id = try identifier("\(Self.root)/hl7:id") else {
            throw Self.refusal("the RCP report has no document id (ClinicalDocument/id/@root), which the consultation's export must cite")
        }
        return id
    }

    // MARK: - Patient

    mutating func identity() throws -> INSIdentity {
        let insID = "\(Self.patientRole)/hl7:id\(Self.rootIn(RCPReport.insOIDs))[@extension][1]"
        guard let oid = try text("\(insID)/@root"), let ins = try text("\(insID)/@extension") else {
            throw Self.refusal(
                "the RCP report names no patient INS (recordTarget/patientRole/id with root 1.2.250.1.213.1.4.8, .9, .10 or .11 and an extension)"
            )
        }
        if oid != KnownOID.insNIA, let problem = IdentifierCheck.insNIR(ins) {
            warnings.append("recordTarget/patientRole/id (INS): the INS-NIR \(problem); kept as read — check the report.")
        }
        let patient = "\(Self.patientRole)/hl7:patient"
        let name = "\(patient)/hl7:name"
        func trait(_ value: String?, _ element: String, _ what: String) throws -> String {
            guard let value else {
                throw Self.refusal(
                    "the RCP report's patient has no \(what) (\(element)), a trait the INS always travels with")
            }
            return value
        }
        let family = try trait(
            try text("\(name)/hl7:family[@qualifier='BR']") ?? text("\(name)/hl7:family[not(@qualifier)]"),
            "patient/name/family[@qualifier='BR']", "birth family name")
        let givenList = try trait(
            try text("\(name)/hl7:given[not(@qualifier)]") ?? text("\(name)/hl7:given[@qualifier='BR']"),
            "patient/name/given", "birth given names")
        let firstGiven = try text("\(name)/hl7:given[@qualifier='BR']")
        let sexCode = try trait(try text("\(patient)/hl7:administrativeGenderCode/@code"), "patient/administrativeGenderCode", "sex")
        guard let sex = Sex(rawValue: sexCode.uppercased()) else {
            throw Self.refusal("the RCP report's patient has a sex code outside F, M, U (patient/administrativeGenderCode/@code)")
        }
        let birthTime = try trait(try text("\(patient)/hl7:birthTime/@value"), "patient/birthTime", "birth date")
        guard let birthDate = Self.calendarDate(birthTime) else {
            throw Self.refusal("the RCP report's patient has a birth time that is not a date (patient/birthTime/@value, YYYYMMDD)")
        }
        let birthplace = try trait(
            try text("\(patient)/hl7:birthplace/hl7:place/hl7:addr/hl7:county"), "patient/birthplace/place/addr/county",
            "birth place code (INSEE COG)")
        let usedFamily = try text("\(name)/hl7:family[@qualifier='CL']")
        let usedGiven = try text("\(name)/hl7:given[@qualifier='CL']")
        var identity = INSIdentity(
            ins: ins.uppercased(), insOID: oid, birthFamilyName: family, birthGivenNames: givenList, firstBirthGivenName: firstGiven,
            birthDate: birthDate, sex: sex, birthplaceCode: birthplace.uppercased())
        identity.usedFamilyName = usedFamily == identity.birthFamilyName ? nil : usedFamily
        identity.usedGivenName = usedGiven == identity.firstBirthGivenName ? nil : usedGiven
        let traits = [
            ("patient/name/family[@qualifier='BR']", identity.birthFamilyName), ("patient/name/given", identity.birthGivenNames),
            ("patient/name/given[@qualifier='BR']", identity.firstBirthGivenName),
        ]
        for (element, value) in traits {
            if let problem = FieldRules.insNameProblem(value) {
                warnings.append("\(element): \(problem); expected \(FieldRules.insNameAccepted). Kept as read — check the report.")
            }
        }
        if (try? FieldRules.firstGivenName(identity.firstBirthGivenName, of: identity.birthGivenNames, "")) == nil {
            warnings.append(
                "patient/name/given[@qualifier='BR']: is not the first of the birth given names (patient/name/given). Kept as read — check the report."
            )
        }
        for warning in IdentityCrossCheck.warnings(identity) {
            warnings.append(
                "recordTarget/patientRole/id (INS): "
                    + warning.replacingOccurrences(of: "--sex", with: "administrativeGenderCode")
                    .replacingOccurrences(of: "--birth-date", with: "birthTime").replacingOccurrences(
                        of: "--birthplace", with: "birthplace county"))
        }
        return identity
    }

    mutating func patientIPP() throws -> InstanceIdentifier? {
        let notINS = RCPReport.insOIDs.map { "@root!='\($0)'" }.joined(separator: " and ")
        guard let ipp = try identifier("\(Self.patientRole)/hl7:id[\(notINS)][@extension][1]") else { return nil }
        if let problem = IdentifierCheck.oid(ipp.root) {
            warnings.append("recordTarget/patientRole/id (IPP): the root \(problem); the IPP was not taken.")
            return nil
        }
        return ipp
    }

    // MARK: - Organisation

    /// The organisation the report locates its encounter in, with the facility code that
    /// belongs to it (see ``RCPReport``).
    mutating func organisation() throws -> (finess: String?, source: RCPReport.OrganisationSource?, name: String?, facility: CodedValue?) {
        let facilityElement = "\(Self.root)/hl7:componentOf/hl7:encompassingEncounter/hl7:location/hl7:healthCareFacility"
        let facilityPath = "componentOf/encompassingEncounter/location/healthCareFacility"
        var facility: CodedValue?
        if let code = try text("\(facilityElement)/hl7:code/@code") {
            facility = FrenchValueSets.facility(code: code.uppercased())
            if facility == nil {
                warnings.append("\(facilityPath)/code: is not in value set JDV_J02 (healthcareFacilityTypeCode); not taken.")
            }
        }
        let (authorFINESS, authorSource) = try authorOrganisation()
        if let facility, let value = try text("\(facilityElement)/hl7:id[@root='\(KnownOID.idNatStruct)']/@extension"), value.hasPrefix("1")
        {
            let finess = String(value.dropFirst()).uppercased()
            if let problem = IdentifierCheck.finess(finess) {
                warnings.append(
                    "\(facilityPath)/id (IdNat_Struct, prefix 1 + FINESS): the FINESS number \(problem); not taken as the organisation.")
            } else {
                if let warning = IdentifierCheck.finessKeyWarning(finess) {
                    warnings.append("\(facilityPath)/id (IdNat_Struct, prefix 1 + FINESS): \(warning).")
                }
                if let authorFINESS, authorFINESS != finess {
                    warnings.append(
                        "\(authorSource == .custodian ? "custodian/assignedCustodian/representedCustodianOrganization" : "author/assignedAuthor/representedOrganization")/id names another organisation than \(facilityPath)/id; the latter, whose facility code the report gives, was taken as the session's organisation (give --organisation-finess to name the centre or one of its sites instead)."
                    )
                }
                return (
                    finess, .facility, try organisationName("\(facilityElement)/hl7:location/hl7:name", facilityPath + "/location/name"),
                    facility
                )
            }
        }
        guard let authorFINESS, let authorSource else { return (nil, nil, nil, nil) }
        let element =
            authorSource == .author
            ? "\(Self.root)/hl7:author[1]/hl7:assignedAuthor/hl7:representedOrganization"
            : "\(Self.root)/hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization"
        // A facility without an id of its own is taken as the organisation's location.
        let facilityHasOwnID = try reader.count(xpath: "\(facilityElement)/hl7:id[@extension]") > 0
        if facility == nil || facilityHasOwnID {
            warnings.append(
                "\(facilityPath)/code: the report gives no JDV_J02 facility code for the organisation taken (its author's or custodian's); the documents carry the centre's facility code unless --organisation-finess names the centre or one of its sites."
            )
            return (authorFINESS, authorSource, try organisationName("\(element)/hl7:name", "representedOrganization/name"), nil)
        }
        return (authorFINESS, authorSource, try organisationName("\(element)/hl7:name", "representedOrganization/name"), facility)
    }

    /// An organisation's name, one line; left out with a warning when it is not a line of at
    /// most 200 characters (the rule a recorded organisation name passes).
    mutating func organisationName(_ xpath: String, _ path: String) throws -> String? {
        guard let name = try line(xpath) else { return nil }
        if FieldRules.textProblem(name, .line(200)) != nil {
            warnings.append("\(path): the organisation's name is not one line of at most 200 characters; not taken.")
            return nil
        }
        return name
    }

    /// The FINESS of the author's organisation, else the custodian's.
    mutating func authorOrganisation() throws -> (String?, RCPReport.OrganisationSource?) {
        let places: [(RCPReport.OrganisationSource, String, String)] = [
            (
                .author, "\(Self.root)/hl7:author[1]/hl7:assignedAuthor/hl7:representedOrganization",
                "author/assignedAuthor/representedOrganization/id"
            ),
            (
                .custodian, "\(Self.root)/hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization",
                "custodian/assignedCustodian/representedCustodianOrganization/id"
            ),
        ]
        for (source, element, path) in places {
            guard let value = try text("\(element)/hl7:id[@root='\(KnownOID.idNatStruct)']/@extension"), value.hasPrefix("1") else {
                continue
            }
            let finess = String(value.dropFirst()).uppercased()
            if let problem = IdentifierCheck.finess(finess) {
                warnings.append("\(path) (IdNat_Struct, prefix 1 + FINESS): the FINESS number \(problem); not taken as the organisation.")
                continue
            }
            if let warning = IdentifierCheck.finessKeyWarning(finess) {
                warnings.append("\(path) (IdNat_Struct, prefix 1 + FINESS): \(warning).")
            }
            return (finess, source)
        }
        return (nil, nil)
    }

    // MARK: - Diagnosis

    func diagnosis() throws -> Condition? {
        let section = "//hl7:section[hl7:code[@code='72135-7']][1]"
        guard try reader.count(xpath: section) > 0 else { return nil }
        let diagnoses = "\(section)//hl7:observation[hl7:templateId/@root='1.2.250.1.213.1.1.3.113']"
        let observation = try reader.count(xpath: diagnoses) > 0 ? "(\(diagnoses))[1]" : "(\(section)//hl7:observation[hl7:value])[1]"
        let site = "\(observation)/hl7:targetSiteCode[@codeSystem='\(Self.icd10)']"
        let morphology = "\(observation)/hl7:value[@codeSystem='\(Self.icdO)']"
        let siteText = try line("\(site)/@displayName") ?? narrative(reference: text("\(site)/hl7:originalText/hl7:reference/@value"))
        let laterality =
            try narrative(reference: text("\(site)/hl7:qualifier/hl7:value/hl7:originalText/hl7:reference/@value"))
            ?? line("\(site)/hl7:qualifier/hl7:value/@displayName")
        let morphologyText =
            try line("\(morphology)/@displayName")
            ?? narrative(reference: text("\(morphology)/hl7:originalText/hl7:reference/@value"))
            ?? narrative(reference: text("\(observation)/hl7:value/hl7:originalText/hl7:reference/@value"))
        var parts: [String] = []
        if let siteText { parts.append(siteText + (laterality.map { " (\($0.lowercased()))" } ?? "")) }
        if let morphologyText, morphologyText != siteText { parts.append(morphologyText) }
        // The morphology code (ICD-O-3, JDV_Morphologie_CISIS 1.2.250.1.213.1.1.5.585), kept with
        // its words (display name, else the narrative it points to).
        let morphologyCode = try text("\(morphology)/@code").flatMap { (try? FieldRules.code($0, "")) == nil ? nil : $0 }
        let morphologyWords = morphologyText.flatMap { FieldRules.textProblem($0, .line(500)) == nil ? $0 : nil }
        let morphologyValue = morphologyCode.map { CodedValue(code: $0, displayName: morphologyWords ?? $0, codeSystem: Self.icdO) }
        if let code = try text("\(site)/@code") {
            let text = parts.isEmpty ? code : parts.joined(separator: " — ")
            return Condition(text: text, code: code, codeSystem: Self.icd10, origin: RCPReport.origin, morphology: morphologyValue)
        }
        if let code = try text("\(morphology)/@code") {
            let text = parts.isEmpty ? code : parts.joined(separator: " — ")
            return Condition(text: text, code: code, codeSystem: Self.icdO, origin: RCPReport.origin, morphology: morphologyValue)
        }
        if !parts.isEmpty { return Condition(text: parts.joined(separator: " — "), origin: RCPReport.origin) }
        guard let narrative = try line("\(section)/hl7:text") else { return nil }
        return Condition(text: String(narrative.prefix(500)), origin: RCPReport.origin)
    }

    // MARK: - Proposals

    mutating func proposedOptions() throws -> [RCPReport.ProposedOption] {
        let section = "//hl7:section[hl7:code[@code='18776-5']][1]"
        let procedures = "\(section)/hl7:entry/hl7:procedure[@moodCode='INT'][hl7:templateId/@root='\(Self.treatmentTemplate)']"
        var numbered: [Int: [String]] = [:]
        var unnumbered: [String] = []
        var disagreements = 0
        var unlabelled = 0
        let count = try reader.count(xpath: procedures)
        for index in stride(from: 1, through: count, by: 1) {
            let procedure = "(\(procedures))[\(index)]"
            let reference = try text("\(procedure)/hl7:code/hl7:originalText/hl7:reference/@value")
            guard
                let label = try narrative(reference: reference)
                    ?? line("\(procedure)/hl7:code/@displayName") ?? line("\(procedure)/hl7:code/hl7:originalText")
            else {
                unlabelled += 1
                continue
            }
            let coded = Self.leadingNumber(try text("\(procedure)/hl7:priorityCode/hl7:originalText"))
            let attested = try narrativeIntention(reference: reference)
            if let coded, let attested, coded != attested { disagreements += 1 }
            if let number = attested ?? coded {
                numbered[number, default: []].append(label)
            } else {
                unnumbered.append(label)
            }
        }
        if disagreements > 0 {
            warnings.append(
                "section 18776-5 (Plan de soins): for \(disagreements) treatment(s), procedure/priorityCode/originalText differs from the intention number of the narrative table (column Numéro d'intention); the narrative, which the board attested, was followed."
            )
        }
        if unlabelled > 0 {
            warnings.append(
                "section 18776-5 (Plan de soins): \(unlabelled) treatment(s) without narrative text or code display name were left out.")
        }
        var options = numbered.keys.sorted().map { number in
            RCPReport.ProposedOption(
                kind: .treatment, label: Self.sequenceLabel(numbered[number]!), intention: number, treatments: numbered[number]!)
        }
        options += unnumbered.map { RCPReport.ProposedOption(kind: .treatment, label: $0, treatments: [$0]) }
        let surveillance = "\(section)/hl7:entry/hl7:encounter[hl7:code[@code='MED-226']]"
        if try reader.count(xpath: surveillance) > 0 {
            let label = try line("(\(surveillance))[1]/hl7:code/@displayName") ?? "Surveillance seule"
            options.append(RCPReport.ProposedOption(kind: .activeSurveillance, label: label, treatments: [label]))
        }
        return options
    }

    /// The intention number in the narrative table row that holds the text `reference` points
    /// to: the cell under the heading that mentions "intention"; `nil` without such a table.
    func narrativeIntention(reference: String?) throws -> Int? {
        guard let id = Self.fragment(reference) else { return nil }
        let row = "//*[@ID='\(id)']/ancestor::hl7:tr[1]"
        let heading = "ancestor::hl7:table[1]/hl7:thead/hl7:tr/hl7:th[contains(translate(., 'INTENTION', 'intention'), 'intention')][1]"
        guard try reader.count(xpath: "\(row)/\(heading)") > 0 else { return nil }
        return Self.leadingNumber(try text("\(row)/hl7:td[count(\(heading)/preceding-sibling::hl7:th) + 1]"))
    }

    /// Treatments in sequence as one label: `Chirurgie, puis chimiothérapie adjuvante`. The
    /// first letter of a later treatment is lowered unless the word looks like an acronym.
    static func sequenceLabel(_ treatments: [String]) -> String {
        guard let first = treatments.first else { return "" }
        let rest = treatments.dropFirst().map { treatment -> String in
            let characters = Array(treatment)
            guard characters.count > 1, characters[0].isUppercase, characters[1].isLowercase else { return treatment }
            return characters[0].lowercased() + String(characters.dropFirst())
        }
        return ([first] + rest).joined(separator: ", puis ")
    }

    // MARK: - Status of the report and of the file

    /// What the report says that limits its proposal, in the order of ``RCPReportFlag``'s
    /// cases; where each is coded is documented on each case.
    func reportFlags() throws -> [RCPReportFlag] {
        var flags: [RCPReportFlag] = []
        let statusSection = "//hl7:section[hl7:templateId/@root='1.2.250.1.213.1.1.2.35' or hl7:code/@code='33557-0']"
        let status = try text("(\(statusSection)//hl7:observation[hl7:code/@code='GEN-065'])[1]/hl7:value/@code")
        if status == "385651009" { flags.append(.draft) }
        let fileSection = "//hl7:section[hl7:templateId/@root='1.2.250.1.213.1.1.2.33' or hl7:code/@code='21874-3']"
        let quorum = "(\(fileSection)//hl7:observation[hl7:code/@code='ORG-125'])[1]/hl7:value"
        if try reader.count(xpath: quorum) > 0 {
            switch try text("\(quorum)/@code") {
            case "ORG-133"?: flags.append(.quorumNotReached)
            case "ORG-126"?: break
            default: flags.append(.quorumUnknown)  // GEN-010 "Ne sait pas", a nullFlavor
            }
        }
        let complete = try text("(\(fileSection)//hl7:observation[hl7:code/@code='GEN-100'])[1]/hl7:value/@value")
        if complete?.lowercased() == "false" { flags.append(.fileIncomplete) }
        let recourse = "//hl7:section[hl7:code/@code='18776-5']//hl7:encounter[hl7:code/@code='ORG-120']"
        if try reader.count(xpath: recourse) > 0 { flags.append(.secondOpinionRequested) }
        return flags
    }

    // MARK: - Trusted person

    /// The patient's trusted person (personne de confiance): the header's
    /// `informant/relatedEntity classCode="NOK"` (ANS FRCP examples, `standards/RECORD.md`),
    /// named by its `relatedPerson/name` (given names then family name, else the name's text),
    /// with the relationship's display name (`relatedEntity/code`, e.g. "Soeur") as function.
    mutating func trustedPerson() throws -> RCPReport.TrustedPerson? {
        let entity = "(\(Self.root)/hl7:informant/hl7:relatedEntity[@classCode='NOK'])[1]"
        guard try reader.count(xpath: entity) > 0 else { return nil }
        let name = "\(entity)/hl7:relatedPerson/hl7:name"
        let parts = try [
            line("\(name)/hl7:prefix"), line("\(name)/hl7:given"), line("\(name)/hl7:family"),
        ].compactMap { $0 }
        guard let full = parts.isEmpty ? try line(name) : parts.joined(separator: " ") else {
            warnings.append("informant/relatedEntity[@classCode='NOK'] (trusted person): has no name; not added as a participant.")
            return nil
        }
        if FieldRules.textProblem(full, .line(200)) != nil {
            warnings.append(
                "informant/relatedEntity[@classCode='NOK'] (trusted person): the name is not one line of at most 200 characters; not added as a participant."
            )
            return nil
        }
        let relationship = try line("\(entity)/hl7:code/@displayName").flatMap { FieldRules.textProblem($0, .line(200)) == nil ? $0 : nil }
        return RCPReport.TrustedPerson(name: full, relationship: relationship)
    }

    // MARK: - Trial, date

    func trialProposed() throws -> Bool? {
        let value = try text(
            "//hl7:section[hl7:code[@code='35510-7']]//hl7:observation[hl7:code[@code='MED-250']]/hl7:value/@value")
        switch value?.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    func meetingDate() throws -> CalendarDate? {
        let encounter = "\(Self.root)/hl7:componentOf/hl7:encompassingEncounter/hl7:effectiveTime"
        let candidates = [
            "\(encounter)/hl7:low/@value", "\(encounter)/@value",
            "\(Self.root)/hl7:documentationOf/hl7:serviceEvent/hl7:effectiveTime/hl7:low/@value",
        ]
        for xpath in candidates {
            if let date = Self.calendarDate(try text(xpath)) { return date }
        }
        return nil
    }

    // MARK: - Professionals

    /// Warns about every `IdNat_PS` id that fails its check (an RPPS behind prefix 8 with a
    /// wrong Luhn key, as in the official examples), once per element path and problem.
    mutating func checkProfessionalIdentifiers() throws {
        let ids = "//hl7:id[@root='\(KnownOID.idNatPS)'][@extension]"
        let values = try reader.strings(xpath: "\(ids)/@extension")
        var found: [(path: String, problem: String, count: Int)] = []
        for (offset, value) in values.enumerated() {
            guard let problem = IdentifierCheck.idNatPS(value.trimmingCharacters(in: .whitespaces), otherPrefixes: true) else { continue }
            let node = "(\(ids))[\(offset + 1)]"
            let depth = try reader.count(xpath: "\(node)/ancestor::*")
            var names: [String] = []
            for level in stride(from: depth, through: 1, by: -1) {
                names.append(try reader.string(xpath: "local-name(\(node)/ancestor::*[\(level)])") ?? "*")
            }
            let section = try text("\(node)/ancestor::hl7:section[1]/hl7:code/@code").map { " (section \($0))" } ?? ""
            let path = (names + ["id"]).joined(separator: "/") + section
            if let index = found.firstIndex(where: { $0.path == path && $0.problem == problem }) {
                found[index].count += 1
            } else {
                found.append((path, problem, 1))
            }
        }
        for item in found {
            let times = item.count > 1 ? " (\(item.count) times)" : ""
            warnings.append("the IdNat_PS at \(item.path) \(item.problem)\(times); kept as read.")
        }
    }
}
