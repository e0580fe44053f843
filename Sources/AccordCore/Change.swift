import Foundation

/// What a session start records: the patient, the clinician, where and what about.
public struct SessionStart: Sendable, Hashable, Codable {
    /// The patient's INS identity and traits.
    public var patient: INSIdentity
    /// The identity's status as given (RNIV); `nil` when none was given: then the one implied
    /// by the INS (``effectiveIdentityStatus``), and documents are written as before statuses
    /// were recorded.
    public var identityStatus: IdentityStatus?
    /// The patient's local identifier (IPP) in the centre, when known.
    public var ipp: InstanceIdentifier?
    /// Whether the patient attends the consultation.
    public var patientPresent: Bool
    /// The clinician leading the consultation: IdNat_PS.
    public var clinicianID: String
    /// The clinician's name (free text).
    public var clinicianName: String
    /// The clinician's function or specialty in words, when given.
    public var clinicianFunction: String?
    /// The clinician's family name, when given in parts (`--clinician-family-name`).
    public var clinicianFamilyName: String?
    /// The clinician's given name, when given in parts (`--clinician-given-name`).
    public var clinicianGivenName: String?
    /// The clinician's name prefix (`Dr`, `Pr`), when given (`--clinician-prefix`).
    public var clinicianPrefix: String?
    /// The clinician's profession or specialty: a JDV_J01 code (`--clinician-specialty`).
    public var clinicianSpecialty: String?
    /// FINESS of the organisation where the consultation takes place; `nil`: the centre's.
    public var organisationFINESS: String?
    /// The name of the organisation ``organisationFINESS`` names, when it is not the centre:
    /// a declared site's (``CentreSite``) or an RCP report's; `nil` otherwise (and in sessions
    /// recorded before it was kept).
    public var organisationName: String?
    /// The type of facility (value set JDV_J02) of the organisation ``organisationFINESS``
    /// names, recorded with it so that a document never labels one organisation with another's
    /// code: a declared site's, or the one an RCP report gives for its organisation
    /// (`componentOf/encompassingEncounter/location/healthCareFacility/code`); `nil`: the
    /// centre's (sessions held at the centre, and those recorded before it was kept).
    public var facility: CodedValue?
    /// The decision to make, in words.
    public var topic: String
    /// The diagnosis the decision is about.
    public var condition: Condition?
    /// The tumour board report the session was started from, when it was.
    public var rcp: RCPReference?
    /// The template the session was started from (`ID@VERSION`), when it was.
    public var template: String?
    /// The elements the template requires a complete record to hold (kept with the session, so
    /// the check does not depend on the template file later); `nil`: every element.
    public var requiredElements: [RecordElement]?
    /// The template's reason why surveillance or no treatment is not a reasonable option.
    public var surveillanceNotReasonable: String?

    public init(
        patient: INSIdentity, identityStatus: IdentityStatus? = nil, ipp: InstanceIdentifier? = nil, patientPresent: Bool = true,
        clinicianID: String,
        clinicianName: String, clinicianFunction: String? = nil, organisationFINESS: String? = nil, topic: String,
        condition: Condition? = nil, rcp: RCPReference? = nil, template: String? = nil
    ) {
        self.patient = patient
        self.identityStatus = identityStatus
        self.ipp = ipp
        self.patientPresent = patientPresent
        self.clinicianID = clinicianID
        self.clinicianName = clinicianName
        self.clinicianFunction = clinicianFunction
        self.organisationFINESS = organisationFINESS
        self.topic = topic
        self.condition = condition
        self.rcp = rcp
        self.template = template
    }

    enum CodingKeys: String, CodingKey {
        case patient, identityStatus = "identity_status", ipp, patientPresent = "patient_present", clinicianID = "clinician_id"
        case clinicianName = "clinician_name", clinicianFunction = "clinician_function"
        case clinicianFamilyName = "clinician_family_name", clinicianGivenName = "clinician_given_name"
        case clinicianPrefix = "clinician_prefix", clinicianSpecialty = "clinician_specialty"
        case organisationFINESS = "organisation_finess", organisationName = "organisation_name", facility, topic, condition, rcp, template
        case requiredElements = "required_elements", surveillanceNotReasonable = "surveillance_not_reasonable"
    }
}

extension SessionStart {
    /// The clinician's name in parts and specialty, as recorded (empty when none was given).
    public var clinicianDetails: PersonDetails {
        get {
            PersonDetails(
                familyName: clinicianFamilyName, givenName: clinicianGivenName, prefix: clinicianPrefix, specialty: clinicianSpecialty)
        }
        set {
            clinicianFamilyName = newValue.familyName
            clinicianGivenName = newValue.givenName
            clinicianPrefix = newValue.prefix
            clinicianSpecialty = newValue.specialty
        }
    }
}

/// The tumour board (RCP) report a session was started from.
public struct RCPReference: Sendable, Hashable, Codable {
    /// The report's document id (cited in the export's body as an `externalDocument`).
    public var documentID: InstanceIdentifier
    /// The report's setId, when it has one.
    public var setID: InstanceIdentifier?
    /// The day of the tumour board meeting.
    public var meetingDate: CalendarDate?
    /// Whether the board proposed a clinical trial.
    public var trialProposed: Bool?
    /// What the report says that limits the weight of its proposal (a draft, quorum not
    /// reached…), in the order of ``RCPReportFlag``'s cases; `nil` when none (left out of the
    /// event then, so sessions recorded before flags were read keep their bytes).
    public var flags: [RCPReportFlag]?

    public init(
        documentID: InstanceIdentifier, setID: InstanceIdentifier? = nil, meetingDate: CalendarDate? = nil, trialProposed: Bool? = nil,
        flags: [RCPReportFlag]? = nil
    ) {
        self.documentID = documentID
        self.setID = setID
        self.meetingDate = meetingDate
        self.trialProposed = trialProposed
        self.flags = flags
    }

    /// The warnings the flags give, one sentence each (``RCPReportFlag/warning``).
    public var warnings: [String] { (flags ?? []).map(\.warning) }

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id", setID = "set_id", meetingDate = "meeting_date", trialProposed = "trial_proposed", flags
    }
}

/// What an RCP report (CI-SIS FRCP 2022.01) says that a session started from it must not
/// forget: each is imported as a warning kept in the session's ``RCPReference`` and shown by
/// `session show` and `session check`. Where each is coded (ANS examples
/// `CANCER-FRCP_2022.01_Appareil.xml` and `_Transversale.xml`, schematron
/// `CI-SIS_CANCER-FRCP_2022.01.sch`; codes of the TA_ASIP system `1.2.250.1.213.1.1.4.322`):
public enum RCPReportFlag: String, Sendable, Hashable, Codable, CaseIterable {
    /// Section FR-Statut-du-document (templateId `1.2.250.1.213.1.1.2.35`, LOINC `33557-0`),
    /// observation `GEN-065` "Statut du document" (template `1.2.250.1.213.1.1.3.48.16`) whose
    /// value is SNOMED CT `385651009` "en cours d'exécution" (value set JDV_StatutDoc_CISIS,
    /// which also holds `398166005` réalisé, `9571008` approuvé, `29179001` clôturé).
    case draft
    /// Section FR-Statut-dossier-RCP (templateId `1.2.250.1.213.1.1.2.33`, LOINC `21874-3`),
    /// organizer `GEN-099` (template `1.2.250.1.213.1.1.3.7`), observation `ORG-125` "Quorum
    /// RCP" with value `ORG-133` "Quorum non atteint" (value set JDV_StatutQuorum_CISIS).
    case quorumNotReached = "quorum-not-reached"
    /// The same observation `ORG-125` with value `GEN-010` "Ne sait pas", or a nullFlavor.
    case quorumUnknown = "quorum-unknown"
    /// The same organizer, observation `GEN-100` "Dossier complet" with `value xsi:type="BL"`
    /// `false`.
    case fileIncomplete = "file-incomplete"
    /// Section FR-Plan-de-soins (LOINC `18776-5`), entry `encounter moodCode="ARQ"` (template
    /// `1.2.250.1.213.1.1.3.58`) code `ORG-120` "Passage en RCP recours", present when the
    /// board asks for the case to go to a second-opinion (recours) RCP.
    case secondOpinionRequested = "second-opinion-requested"

    /// The warning, one sentence naming the element read; never a value of the report.
    public var warning: String {
        switch self {
        case .draft:
            "the RCP report is a draft (section 33557-0 Statut du document: en cours d'exécution); its proposal may still change."
        case .quorumNotReached:
            "the RCP report says the board's quorum was not reached (section 21874-3, ORG-125 = ORG-133 Quorum non atteint)."
        case .quorumUnknown:
            "the RCP report does not say whether the board's quorum was reached (section 21874-3, ORG-125 = GEN-010 Ne sait pas)."
        case .fileIncomplete:
            "the RCP report says the file presented to the board was incomplete (section 21874-3, GEN-100 Dossier complet = false)."
        case .secondOpinionRequested:
            "the RCP report asks for a second-opinion board (RCP de recours: section 18776-5, ORG-120 Passage en RCP recours)."
        }
    }

    /// The same in French, for the documents' narrative.
    public var frenchText: String {
        switch self {
        case .draft: "la fiche RCP est un brouillon (statut du document : en cours d'exécution)"
        case .quorumNotReached: "le quorum de la RCP n'était pas atteint"
        case .quorumUnknown: "la fiche RCP ne dit pas si le quorum était atteint"
        case .fileIncomplete: "le dossier présenté en RCP était incomplet"
        case .secondOpinionRequested: "la RCP demande un passage en RCP de recours"
        }
    }
}

/// One change to the record: the payload of an event.
///
/// Events are appended, never edited; the state of a session is derived from its changes in
/// order (``Consultation/apply(_:)``).
public enum Change: Sendable, Hashable, Codable {
    /// A consultation begins (entry `P1` is the patient, `P2` the clinician).
    case sessionStarted(SessionStart)
    /// Someone joins (or, for role `patient`, the absent patient arrives); `details` holds the
    /// name in parts, the specialty (JDV_J01) and the relationship (JDV_J11) when given.
    case participantAdded(role: ParticipantRole, name: String, id: String?, function: String?, details: PersonDetails? = nil)
    /// An option is discussed; it gets the next option number.
    case optionAdded(kind: OptionKind, label: String, benefits: [String], harms: [String], trialID: String?, origin: String?)
    /// Something that matters to the patient, importance 1–5 when stated.
    case preferenceAdded(text: String, importance: Int?)
    /// The decision, its deferral, or the patient's declining; replaces an earlier decision.
    /// `answeredBy`: the participant who answered for the patient (`P1` among `takenBy`), as
    /// an absent patient's agreement requires.
    case decisionRecorded(outcome: DecisionOutcome, takenBy: [EntryID], answeredBy: EntryID? = nil)
    /// A free-text note.
    case noteAdded(text: String)
    /// The consultation ends; later changes are amendments.
    case sessionClosed
    /// An entry (participant, option, preference, decision, note) is withdrawn: it stays in the
    /// record, marked withdrawn, and no longer counts. Options keep their numbers.
    case entryWithdrawn(entry: EntryID)
    /// The centre's settings change (not tied to a session).
    case centreSettingsChanged(CentreSettings)
    /// A three-talk phase begins.
    case phaseStarted(Phase)
    /// A decision aid was given to the patient.
    case decisionAidGiven(name: String, version: String?)
    /// The patient's understanding was checked, and how (e.g. "reformulation").
    case understandingChecked(method: String?)
    /// Time for reflection was offered, until a day when given.
    case reflectionOffered(until: CalendarDate?)
    /// The trial proposal: eligibility, whether a trial was offered, the patient's answer.
    case trialDiscussed(eligibility: TrialEligibility, offered: Bool, answer: TrialAnswer?)
    /// An instrument's answers with the score its rule gave. After closing, a follow-up that
    /// needs no amendment reason.
    /// `answeredBy`: the participant who answered for the patient (respondent `patient`), as an
    /// absent patient's answers require.
    case instrumentRecorded(
        instrument: InstrumentID, version: String, respondent: Respondent, answers: [InstrumentAnswer], score: InstrumentScore,
        answeredBy: EntryID? = nil)
    /// A document version was issued by an export (not a change of the record: it needs no
    /// reason after closing and leaves the record's content as it was).
    case documentIssued(DocumentIssue)
    /// Traits of the patient's identity corrected (only those that change), always with a
    /// reason, on an open or a closed session: a change of the record (a closed session's next
    /// export is a new version).
    case identityCorrected(IdentityCorrection)
    /// The identity's status changed (RNIV), always with a reason, on an open or a closed
    /// session: a change of the record.
    case identityStatusChanged(IdentityStatusChange)
    /// The patient objects to the re-use of their data for research (`objects: true`), or
    /// withdraws that objection (`objects: false`), always with a reason, on an open or a closed
    /// session. Not a change of the record's content (no amendment, no new document version):
    /// while the patient's latest such event objects, pseudonymised exports leave out every
    /// session of the patient (``Consultation/researchIdentifierKeys``).
    case researchObjection(objects: Bool)

    /// A stable name of the kind of change, stored in the event table (`session-started`, …).
    public var kind: String {
        switch self {
        case .sessionStarted: "session-started"
        case .participantAdded: "participant-added"
        case .optionAdded: "option-added"
        case .preferenceAdded: "preference-added"
        case .decisionRecorded: "decision-recorded"
        case .noteAdded: "note-added"
        case .sessionClosed: "session-closed"
        case .entryWithdrawn: "entry-withdrawn"
        case .phaseStarted: "phase-started"
        case .decisionAidGiven: "decision-aid-given"
        case .understandingChecked: "understanding-checked"
        case .reflectionOffered: "reflection-offered"
        case .trialDiscussed: "trial-discussed"
        case .instrumentRecorded: "instrument-recorded"
        case .centreSettingsChanged: "centre-settings-changed"
        case .documentIssued: "document-issued"
        case .identityCorrected: "identity-corrected"
        case .identityStatusChanged: "identity-status-changed"
        case .researchObjection(let objects): objects ? "research-objection-recorded" : "research-objection-withdrawn"
        }
    }
}

/// An event as stored: a change with its author, UTC time and place in the log.
public struct RecordedEvent: Sendable, Hashable, Codable {
    /// The event's sequence number in the whole database (from 1, gapless).
    public var sequence: Int64
    /// The session it belongs to; `nil` for centre settings.
    public var sessionID: SessionID?
    /// The event's number within its session (from 1, gapless).
    public var sessionSequence: Int?
    /// When it was recorded (UTC instant, whole seconds, from ``AccordClock``).
    public var recordedAt: Date
    /// Who recorded it: an IdNat_PS, or the operating-system user for centre settings.
    public var author: String
    /// The reason, for an amendment.
    public var reason: String?
    /// What changed.
    public var change: Change

    public init(
        sequence: Int64, sessionID: SessionID?, sessionSequence: Int?, recordedAt: Date, author: String,
        reason: String? = nil, change: Change
    ) {
        self.sequence = sequence
        self.sessionID = sessionID
        self.sessionSequence = sessionSequence
        self.recordedAt = recordedAt
        self.author = author
        self.reason = reason
        self.change = change
    }
}

/// The JSON coding used for event payloads and `--json` output: sorted keys, dates as
/// RFC 3339 UTC instants. Sorted keys make the bytes stable for the same events.
public enum AccordJSON {
    /// An encoder with sorted keys, UTC instants, no escaped slashes.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(UTCInstant.format(date))
        }
        return encoder
    }

    /// A decoder matching ``encoder(pretty:)``.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = UTCInstant.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UTC instant"))
            }
            return date
        }
        return decoder
    }
}
