import AccordCore
import Foundation

/// What a tumour board (RCP) report holds that a shared decision-making session needs.
///
/// Read one with ``read(_:parser:)`` from an ANS CI-SIS "Fiche de RCP" (FRCP, a CDA R2
/// document: templateId `1.2.250.1.213.1.1.1.8`, document code LOINC `34794-8`), then build the
/// session with ``sessionStart(clinicianID:clinicianName:topic:)``. Where each value comes from
/// (`standards/RECORD.md`, "Where the RCP report holds what a session needs"):
///
/// - **patient**: the `recordTarget/patientRole/id` whose root is an INS OID
///   (`1.2.250.1.213.1.4.8`, `.9`, `.10`, `.11`) and the traits in `patient/name`
///   (`family qualifier="BR"`, `given` without qualifier = the list of birth given names,
///   `given qualifier="BR"` = the first one, `family`/`given qualifier="CL"` = the names used
///   in daily life, kept only when they differ from the birth ones), `administrativeGenderCode`,
///   `birthTime` (its first 8 digits) and `birthplace/place/addr/county` (INSEE COG code);
/// - **IPP**: the first other `patientRole/id` with an extension;
/// - **organisation**, with the facility code that belongs to it: the organisation the report
///   locates its encounter in, `componentOf/encompassingEncounter/location/healthCareFacility`
///   (FRCP: "Etablissement de santé au sein duquel la RCP est organisée"), when it carries a
///   FINESS in its `IdNat_Struct` id (`1.2.250.1.71.4.2.2`, prefix `1`) and a `code` from
///   JDV_J02 — its FINESS, its `location/name` and that code: it is the only organisation whose
///   type of facility an FRCP gives, and a facility code goes with the organisation it belongs
///   to. Otherwise the FINESS of the **author's** `representedOrganization` (the physician who
///   wrote the report), else the custodian's (`representedCustodianOrganization`), with the
///   facility's code only when the facility has no id of its own. A warning says when the
///   author's organisation differs from the facility's (the Appareil example: 750100125 vs
///   120456789), or when no facility code belongs to the organisation taken. ``organisationSource``
///   says which one was used;
/// - **condition**: section "Diagnostic du cancer" (LOINC `72135-7`): the cancer diagnosis
///   observation's ICD-10 topography (`targetSiteCode`, its display name, laterality in
///   brackets) and ICD-O morphology (`value`), with the ICD-10 code (else the ICD-O code); the
///   section's narrative when the entry holds neither;
/// - **options**: section "Plan de soins" (LOINC `18776-5`): one option per intention, first
///   line first, then surveillance (see ``ProposedOption``);
/// - **trial flag**: section LOINC `35510-7`, observation `MED-250`, `value xsi:type="BL"`;
/// - **flags** (``RCPReportFlag``): the document's status (section 33557-0, `GEN-065`), the
///   quorum and the completeness of the file (section 21874-3, `ORG-125`, `GEN-100`) and a
///   second-opinion request (section 18776-5, `ORG-120`); each is a warning kept with the
///   session (AccordCore's `RCPReference.flags`);
/// - **trusted person**: `informant/relatedEntity classCode="NOK"`, added as a participant of
///   role `trusted-person`;
/// - **morphology**: the ICD-O-3 `value` of the diagnosis observation, kept in the condition;
/// - **meeting date**: `componentOf/encompassingEncounter/effectiveTime` (its `low`, or its
///   value), which FRCP defines as the date of the RCP; when absent,
///   `documentationOf/serviceEvent/effectiveTime/low`. The calendar date is the one written in
///   the report (its first 8 digits, the board's local date), not converted to UTC;
/// - **report**: `ClinicalDocument/id` and `setId`, cited by the consultation's CDA export.
///
/// Identifiers that fail a check (an INS-NIR key, an RPPS Luhn key behind `IdNat_PS` prefix 8,
/// a FINESS shape) are kept and reported in ``warnings``; a warning names the element and the
/// rule, never the value or a person's name.
public struct RCPReport: Sendable, Hashable {
    /// The FRCP document template (CI-SIS, version 2022.01).
    public static let templateID = "1.2.250.1.213.1.1.1.8"
    /// The FRCP document code: LOINC 34794-8.
    public static let documentCode = "34794-8"
    /// The OIDs a patient INS may carry (production, NIA, test, demo).
    public static let insOIDs = KnownOID.insOIDs
    /// The `origin` recorded on options and the condition taken from a report.
    public static let origin = EntryOrigin.rcp.stored!

    /// Where the organisation's FINESS was read.
    public enum OrganisationSource: String, Sendable, Hashable, Codable {
        /// `author/assignedAuthor/representedOrganization/id`.
        case author
        /// `custodian/assignedCustodian/representedCustodianOrganization/id`.
        case custodian
        /// `componentOf/encompassingEncounter/location/healthCareFacility/id`.
        case facility
    }

    /// The patient's trusted person named by the report (`informant/relatedEntity
    /// classCode="NOK"`).
    public struct TrustedPerson: Sendable, Hashable, Encodable {
        /// The name as one line (given names, then family name).
        public var name: String
        /// The relationship's display name (`relatedEntity/code/@displayName`, v3 RoleCode), when given.
        public var relationship: String?

        public init(name: String, relationship: String? = nil) {
            self.name = name
            self.relationship = relationship
        }
    }

    /// One option the board proposed, in the order the session gets them.
    ///
    /// Treatments (`procedure moodCode="INT"`, template `1.2.250.1.213.1.1.3.62`) are grouped by
    /// intention number (1 = first line, 2 = alternative, …). The number is read in the
    /// narrative table row that holds the treatment's text (column "Numéro d'intention"),
    /// because the narrative is what the board attested and the official examples' entries put
    /// a running number in `priorityCode/originalText`; when the row has no such column, the
    /// number is `priorityCode/originalText`. Treatments without a number become options of
    /// their own after the numbered ones. Within an intention, treatments keep the report's
    /// order. The label is the narrative text that `code/originalText/reference/@value` points
    /// to (else the code's display name), treatments of one intention joined by ", puis "
    /// (`Chirurgie, puis chimiothérapie adjuvante`). Surveillance (`encounter` code `MED-226`)
    /// comes last, kind `active-surveillance`.
    public struct ProposedOption: Sendable, Hashable, Encodable {
        /// `treatment` for an intention, `active-surveillance` for surveillance.
        public var kind: OptionKind
        /// The option's label.
        public var label: String
        /// The intention number, for a treatment that has one.
        public var intention: Int?
        /// The treatments of the intention, in order (the surveillance label alone for surveillance).
        public var treatments: [String]

        public init(kind: OptionKind, label: String, intention: Int? = nil, treatments: [String] = []) {
            self.kind = kind
            self.label = label
            self.intention = intention
            self.treatments = treatments
        }
    }

    /// The report's document id (`ClinicalDocument/id`).
    public var documentID: InstanceIdentifier
    /// The report's `setId`, when it has one.
    public var setID: InstanceIdentifier?
    /// The report's title (the board's name), when it has one.
    public var title: String?
    /// The day of the board meeting (a calendar date, as written in the report).
    public var meetingDate: CalendarDate?
    /// The patient's INS with its traits.
    public var patient: INSIdentity
    /// The patient's IPP in the reporting organisation, when the report gives one.
    public var ipp: InstanceIdentifier?
    /// The organisation's FINESS (9 characters), when the report gives one.
    public var organisationFINESS: String?
    /// Where ``organisationFINESS`` was read.
    public var organisationSource: OrganisationSource?
    /// The organisation's name as the report writes it, when it does.
    public var organisationName: String?
    /// The organisation's type of facility (JDV_J02), read in
    /// `componentOf/encompassingEncounter/location/healthCareFacility/code`, when it belongs to
    /// the organisation taken (the facility's own, or the author's when the facility carries no
    /// id of its own).
    public var facility: CodedValue?
    /// What the report says that limits its proposal (draft, quorum, incomplete file,
    /// second-opinion request); each is also among ``warnings``.
    public var flags: [RCPReportFlag] = []
    /// The patient's trusted person, when the report names one.
    public var trustedPerson: TrustedPerson?
    /// The diagnosis (origin `rcp`), when the report holds one.
    public var condition: Condition?
    /// The proposed options in order: intentions (first line first), then surveillance.
    public var options: [ProposedOption]
    /// Whether the board proposed a clinical trial; `nil` when the report does not say.
    public var trialProposed: Bool?
    /// Problems found in identifiers the report holds, each naming the element and the rule.
    public var warnings: [String]

    /// Whether the board proposed surveillance (an option of kind `active-surveillance`).
    public var surveillanceProposed: Bool { options.contains { $0.kind == .activeSurveillance } }

    /// The topic used when none is given: `Décision de traitement après la RCP`. The meeting
    /// date is recorded as a date of its own (shifted in pseudonymised exports); a date written
    /// into the topic's text would be kept there as it is.
    public var defaultTopic: String { "Décision de traitement après la RCP" }

    public init(
        documentID: InstanceIdentifier, setID: InstanceIdentifier? = nil, title: String? = nil, meetingDate: CalendarDate? = nil,
        patient: INSIdentity, ipp: InstanceIdentifier? = nil, organisationFINESS: String? = nil,
        organisationSource: OrganisationSource? = nil, condition: Condition? = nil, options: [ProposedOption] = [],
        trialProposed: Bool? = nil, warnings: [String] = []
    ) {
        self.documentID = documentID
        self.setID = setID
        self.title = title
        self.meetingDate = meetingDate
        self.patient = patient
        self.ipp = ipp
        self.organisationFINESS = organisationFINESS
        self.organisationSource = organisationSource
        self.condition = condition
        self.options = options
        self.trialProposed = trialProposed
        self.warnings = warnings
    }

    // MARK: - Building the session

    /// The session start and the changes that record the board's proposals.
    ///
    /// The start carries the identity, IPP, organisation (with its name and facility code when
    /// the report gives that code for it), condition (with its morphology) and an AccordCore
    /// `RCPReference` (report id, setId, meeting date, trial flag, ``flags``); the changes add
    /// one option per proposal in the order of ``options`` (origin `rcp`, no benefits or harms:
    /// the report states none), then the trusted person as a participant (role
    /// `trusted-person`, recorded present: withdraw the entry if they did not attend).
    /// A proposed trial stays a flag: the report names no registry id, so no `clinical-trial`
    /// option is invented.
    ///
    /// - Parameters:
    ///   - clinicianID: IdNat_PS of the clinician leading the consultation.
    ///   - clinicianName: the clinician's name.
    ///   - topic: the decision to make; `nil` gives ``defaultTopic``.
    /// - Returns: the start and the changes, to record in one transaction
    ///   (`ConsultationStore.importConsultation(start:changes:author:)`).
    public func sessionStart(clinicianID: String, clinicianName: String, topic: String?) -> (start: SessionStart, changes: [Change]) {
        let reference = RCPReference(
            documentID: documentID, setID: setID, meetingDate: meetingDate, trialProposed: trialProposed, flags: flags.isEmpty ? nil : flags
        )
        var start = SessionStart(
            patient: patient, ipp: ipp, clinicianID: clinicianID, clinicianName: clinicianName, organisationFINESS: organisationFINESS,
            topic: topic ?? defaultTopic, condition: condition, rcp: reference)
        if organisationFINESS != nil, let facility {
            start.organisationName = organisationName
            start.facility = facility
        }
        var changes = options.map {
            Change.optionAdded(kind: $0.kind, label: $0.label, benefits: [], harms: [], trialID: nil, origin: Self.origin)
        }
        if let trustedPerson {
            changes.append(.participantAdded(role: .trustedPerson, name: trustedPerson.name, id: nil, function: trustedPerson.relationship))
        }
        return (start, changes)
    }

    /// Where a field the store checks came from in the report, for error messages about a
    /// session started from one (`--patient-ins` → `recordTarget/patientRole/id (INS)`).
    public static func element(forOption option: String?) -> String? {
        guard let option else { return nil }
        let patient = "recordTarget/patientRole/patient"
        return [
            "--patient-ins": "recordTarget/patientRole/id (INS)",
            "--ins-oid": "recordTarget/patientRole/id/@root (INS OID)",
            "--family-name": "\(patient)/name/family[@qualifier='BR']",
            "--given-names": "\(patient)/name/given",
            "--first-given-name": "\(patient)/name/given[@qualifier='BR']",
            "--used-family-name": "\(patient)/name/family[@qualifier='CL']",
            "--used-given-name": "\(patient)/name/given[@qualifier='CL']",
            "--birth-date": "\(patient)/birthTime",
            "--birthplace": "\(patient)/birthplace/place/addr/county",
            "--ipp": "recordTarget/patientRole/id (IPP)",
            "--organisation-finess": "representedOrganization/id (FINESS)",
            "--name": "informant/relatedEntity[@classCode='NOK'] (trusted person) name",
            "--function": "informant/relatedEntity[@classCode='NOK'] (trusted person) code",
            "condition-morphology": "section 72135-7 (Diagnostic du cancer) morphology (ICD-O-3)",
            "--condition": "section 72135-7 (Diagnostic du cancer)",
            "--condition-code": "section 72135-7 (Diagnostic du cancer) code",
            "--label": "section 18776-5 (Plan de soins) option label",
        ][option] ?? option
    }
}

// MARK: - JSON

extension RCPReport: Encodable {
    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", setID = "set_id", title, meetingDate = "meeting_date", patient, ipp
        case organisation, condition, options, surveillance, trialProposed = "trial_proposed", flags
        case trustedPerson = "trusted_person", warnings
    }

    enum PatientKeys: String, CodingKey {
        case ins, insOID = "ins_oid", birthFamilyName = "birth_family_name", birthGivenNames = "birth_given_names"
        case firstBirthGivenName = "first_birth_given_name", birthDate = "birth_date", sex, birthplaceCode = "birthplace_code"
        case usedFamilyName = "used_family_name", usedGivenName = "used_given_name"
    }

    enum OrganisationKeys: String, CodingKey {
        case finess, source, name, facility
    }

    /// A stable object: every key is present (`null` when unknown), keys in snake case.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(documentID, forKey: .documentID)
        try container.encode(setID, forKey: .setID)
        try container.encode(title, forKey: .title)
        try container.encode(meetingDate, forKey: .meetingDate)
        var identity = container.nestedContainer(keyedBy: PatientKeys.self, forKey: .patient)
        try identity.encode(patient.ins, forKey: .ins)
        try identity.encode(patient.insOID, forKey: .insOID)
        try identity.encode(patient.birthFamilyName, forKey: .birthFamilyName)
        try identity.encode(patient.birthGivenNames, forKey: .birthGivenNames)
        try identity.encode(patient.firstBirthGivenName, forKey: .firstBirthGivenName)
        try identity.encode(patient.birthDate, forKey: .birthDate)
        try identity.encode(patient.sex, forKey: .sex)
        try identity.encode(patient.birthplaceCode, forKey: .birthplaceCode)
        try identity.encode(patient.usedFamilyName, forKey: .usedFamilyName)
        try identity.encode(patient.usedGivenName, forKey: .usedGivenName)
        try container.encode(ipp, forKey: .ipp)
        if let organisationFINESS {
            var organisation = container.nestedContainer(keyedBy: OrganisationKeys.self, forKey: .organisation)
            try organisation.encode(organisationFINESS, forKey: .finess)
            try organisation.encode(organisationSource, forKey: .source)
            try organisation.encode(organisationName, forKey: .name)
            try organisation.encode(facility, forKey: .facility)
        } else {
            try container.encodeNil(forKey: .organisation)
        }
        try container.encode(condition, forKey: .condition)
        try container.encode(options, forKey: .options)
        try container.encode(surveillanceProposed, forKey: .surveillance)
        try container.encode(trialProposed, forKey: .trialProposed)
        try container.encode(flags, forKey: .flags)
        try container.encode(trustedPerson, forKey: .trustedPerson)
        try container.encode(warnings, forKey: .warnings)
    }
}

extension RCPReport.ProposedOption {
    enum CodingKeys: String, CodingKey {
        case kind, label, intention, treatments
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(label, forKey: .label)
        try container.encode(intention, forKey: .intention)
        try container.encode(treatments, forKey: .treatments)
    }
}
