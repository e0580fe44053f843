import Foundation

/// The stored form of a ``Change``: the JSON text of an event's `payload` column, which the
/// event chain covers byte for byte.
///
/// Events are written in **version 2**: one JSON object with the version `v`, the change's
/// ``Change/kind`` as `type`, and the change's fields beside them, every key in snake_case,
/// nested identities included; absent values are left out, keys are sorted, instants are
/// RFC 3339 UTC instants and days `YYYY-MM-DD` (``AccordJSON``), so the same change always
/// gives the same bytes:
///
/// ```json
/// {"importance":5,"text":"Rester autonome","type":"preference-added","v":2}
/// {"option":1,"outcome":"agreed","taken_by":["P1","P2"],"type":"decision-recorded","v":2}
/// {"clinician_id":"810001234567","clinician_name":"Dr Martin","patient":{"birth_date":"1958-05-17",
///  "birth_family_name":"MARCHAND","birth_given_names":"LUC JEAN-BAPTISTE","birthplace_code":"75056",
///  "first_birth_given_name":"LUC","ins":"158056912345606","ins_oid":"1.2.250.1.213.1.4.8","sex":"M"},
///  "patient_present":true,"topic":"…","type":"session-started","v":2}
/// {"type":"session-closed","v":2}
/// ```
///
/// Events recorded before version 2 keep their bytes (the chain covers them). They hold the
/// **legacy** shape, the one `Change`'s synthesized `Codable` gives: an object with one key,
/// the case's name, around its values by label, `_0` for an unlabelled value, key styles
/// mixed (the identity's keys in camelCase):
///
/// ```json
/// {"preferenceAdded":{"importance":5,"text":"Rester autonome"}}
/// {"decisionRecorded":{"outcome":{"agreed":{"option":1}},"takenBy":["P1","P2"]}}
/// {"sessionStarted":{"_0":{"clinician_id":"810001234567","patient":{"birthFamilyName":"MARCHAND",…},…}}}
/// {"sessionClosed":{}}
/// ```
///
/// Keys added later are optional and left out when absent, so earlier events keep their bytes:
/// `participant-added` may hold `family_name`, `given_name`, `prefix`, `specialty` (JDV_J01)
/// and `relationship` (JDV_J11); `session-started` `clinician_family_name`,
/// `clinician_given_name`, `clinician_prefix` and `clinician_specialty`; `decision-recorded`
/// and `instrument-recorded` `answered_by` (the participant who answered for the patient).
///
/// ``decode(_:)`` reads both: an object with a `v` key is version 2, any other the legacy
/// shape. In version 2 the decision's outcome is flattened (`outcome` `agreed` with `option`,
/// `deferred` with `next_contact`, or `declined`); the values of a centre-settings change, an
/// issued document, an identity correction and an identity status change are the payload's own
/// fields, under the keys their types already use; a condition, an RCP reference, an IPP and
/// an instrument's score keep their (snake_case) objects. The patient's research objection
/// and its withdrawal hold no field beside `type` (`research-objection-recorded`,
/// `research-objection-withdrawn`); their reason is the event's.
public enum EventPayload {
    /// The version written by ``encode(_:)``: 2.
    public static let version = 2

    private static let encoder = AccordJSON.encoder()
    private static let decoder = AccordJSON.decoder()

    /// The version 2 payload of `change`, as stored.
    ///
    /// ```swift
    /// try EventPayload.encode(.preferenceAdded(text: "Rester autonome", importance: 5))
    /// // {"importance":5,"text":"Rester autonome","type":"preference-added","v":2}
    /// ```
    /// - Throws: `EncodingError` when a value cannot be encoded (a non-finite score).
    public static func encode(_ change: Change) throws -> String {
        if let payload = Writer.payload(change) { return payload }
        return try encodeWithJSONEncoder(change)
    }

    /// The version 2 payload of `change` as `JSONEncoder` writes it (``Writer`` writes the
    /// same bytes for the kinds it knows).
    /// - Throws: `EncodingError` when a value cannot be encoded (a non-finite score).
    package static func encodeWithJSONEncoder(_ change: Change) throws -> String {
        String(decoding: try encoder.encode(Versioned(change: change)), as: UTF8.self)
    }

    /// The change a stored payload holds, in version 2 or in the legacy shape.
    /// - Throws: `DecodingError` when `payload` is neither, or is of a later version.
    public static func decode(_ payload: String) throws -> Change {
        // Most version 2 payloads are read in one pass (``Reader``); anything it does not
        // read, with certainty of `JSONDecoder`'s answer, is read by `JSONDecoder`.
        if let change = Reader.change(payload, decoder: decoder) { return change }
        return try decoder.decode(Stored.self, from: Data(payload.utf8)).change
    }

    /// The change of `payload` as `JSONDecoder` alone reads it (what ``decode(_:)`` answered
    /// before ``Reader``; tests compare the two).
    package static func decodeWithJSONDecoder(_ payload: String) throws -> Change {
        try decoder.decode(Stored.self, from: Data(payload.utf8)).change
    }

    // MARK: - Keys

    /// Every key of a version 2 payload (nested objects excepted), as stored.
    enum Key: String, CodingKey {
        case v, type
        // session-started
        case patient, identityStatus = "identity_status", ipp, patientPresent = "patient_present", clinicianID = "clinician_id"
        case clinicianName = "clinician_name", clinicianFunction = "clinician_function"
        case organisationFINESS = "organisation_finess", organisationName = "organisation_name", facility, topic, condition, rcp, template
        case requiredElements = "required_elements", surveillanceNotReasonable = "surveillance_not_reasonable"
        case clinicianFamilyName = "clinician_family_name", clinicianGivenName = "clinician_given_name"
        case clinicianPrefix = "clinician_prefix", clinicianSpecialty = "clinician_specialty"
        // participant-added, option-added, preference-added, note-added
        case role, name, id, function
        case familyName = "family_name", givenName = "given_name", prefix, specialty, relationship
        case kind, label, benefits, harms, trialID = "trial_id", origin
        case text, importance
        // decision-recorded
        case outcome, option, nextContact = "next_contact", takenBy = "taken_by", answeredBy = "answered_by"
        // entry-withdrawn, phase-started, decision-aid-given, understanding-checked, reflection-offered
        case entry, phase, version, method, until
        // trial-discussed
        case eligibility, offered, answer
        // instrument-recorded
        case instrument, respondent, answers, score
    }

    /// The keys of the patient's identity in a version 2 `session-started` payload.
    enum IdentityKey: String, CodingKey {
        case ins, insOID = "ins_oid", birthFamilyName = "birth_family_name", birthGivenNames = "birth_given_names"
        case firstBirthGivenName = "first_birth_given_name", birthDate = "birth_date", sex, birthplaceCode = "birthplace_code"
        case usedFamilyName = "used_family_name", usedGivenName = "used_given_name"
    }

    // MARK: - Reading both shapes

    /// A stored payload: version 2 when its object has a `v` key, else the legacy shape.
    private struct Stored: Decodable {
        let change: Change

        init(from decoder: any Decoder) throws {
            // One keyed container of the payload's object, read for its version (building one
            // maps every key of the object: a second one would double that cost per event).
            let c = try decoder.container(keyedBy: Key.self)
            if c.contains(.v) {
                change = try Versioned(c, decoder: decoder).change
            } else {
                change = try Change(from: decoder)
            }
        }
    }

    // MARK: - Version 2

    /// A change in version 2, flat under ``Key``.
    private struct Versioned: Codable {
        let change: Change

        init(change: Change) { self.change = change }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(EventPayload.version, forKey: .v)
            try c.encode(change.kind, forKey: .type)
            switch change {
            case .sessionStarted(let start):
                try Self.encode(start, into: &c)
            case .participantAdded(let role, let name, let id, let function, let details):
                try c.encode(role, forKey: .role)
                try c.encode(name, forKey: .name)
                try c.encodeIfPresent(id, forKey: .id)
                try c.encodeIfPresent(function, forKey: .function)
                try c.encodeIfPresent(details?.familyName, forKey: .familyName)
                try c.encodeIfPresent(details?.givenName, forKey: .givenName)
                try c.encodeIfPresent(details?.prefix, forKey: .prefix)
                try c.encodeIfPresent(details?.specialty, forKey: .specialty)
                try c.encodeIfPresent(details?.relationship, forKey: .relationship)
            case .optionAdded(let kind, let label, let benefits, let harms, let trialID, let origin):
                try c.encode(kind, forKey: .kind)
                try c.encode(label, forKey: .label)
                try c.encode(benefits, forKey: .benefits)
                try c.encode(harms, forKey: .harms)
                try c.encodeIfPresent(trialID, forKey: .trialID)
                try c.encodeIfPresent(origin, forKey: .origin)
            case .preferenceAdded(let text, let importance):
                try c.encode(text, forKey: .text)
                try c.encodeIfPresent(importance, forKey: .importance)
            case .decisionRecorded(let outcome, let takenBy, let answeredBy):
                try c.encode(outcome.name, forKey: .outcome)
                switch outcome {
                case .agreed(let option): try c.encode(option, forKey: .option)
                case .deferred(let nextContact): try c.encode(nextContact, forKey: .nextContact)
                case .declined: break
                }
                try c.encode(takenBy, forKey: .takenBy)
                try c.encodeIfPresent(answeredBy, forKey: .answeredBy)
            case .noteAdded(let text):
                try c.encode(text, forKey: .text)
            case .sessionClosed:
                break
            case .entryWithdrawn(let entry):
                try c.encode(entry, forKey: .entry)
            case .centreSettingsChanged(let settings):
                try settings.encode(to: encoder)
            case .phaseStarted(let phase):
                try c.encode(phase, forKey: .phase)
            case .decisionAidGiven(let name, let version):
                try c.encode(name, forKey: .name)
                try c.encodeIfPresent(version, forKey: .version)
            case .understandingChecked(let method):
                try c.encodeIfPresent(method, forKey: .method)
            case .reflectionOffered(let until):
                try c.encodeIfPresent(until, forKey: .until)
            case .trialDiscussed(let eligibility, let offered, let answer):
                try c.encode(eligibility, forKey: .eligibility)
                try c.encode(offered, forKey: .offered)
                try c.encodeIfPresent(answer, forKey: .answer)
            case .instrumentRecorded(let instrument, let version, let respondent, let answers, let score, let answeredBy):
                try c.encode(instrument, forKey: .instrument)
                try c.encode(version, forKey: .version)
                try c.encode(respondent, forKey: .respondent)
                try c.encode(answers, forKey: .answers)
                try c.encode(score, forKey: .score)
                try c.encodeIfPresent(answeredBy, forKey: .answeredBy)
            case .documentIssued(let issue):
                try issue.encode(to: encoder)
            case .identityCorrected(let correction):
                try correction.encode(to: encoder)
            case .identityStatusChanged(let statusChange):
                try statusChange.encode(to: encoder)
            case .researchObjection:
                break
            }
        }

        init(from decoder: any Decoder) throws {
            try self.init(try decoder.container(keyedBy: Key.self), decoder: decoder)
        }

        /// A version 2 change read from its payload's keyed container `c` of `decoder` (the
        /// changes held as a whole object, such as an issued document, are read from `decoder`).
        init(_ c: KeyedDecodingContainer<Key>, decoder: any Decoder) throws {
            let version = try c.decode(Int.self, forKey: .v)
            guard version == EventPayload.version else {
                throw DecodingError.dataCorruptedError(
                    forKey: .v, in: c, debugDescription: "payload version \(version) is not one this Accord reads (\(EventPayload.version))"
                )
            }
            let type = try c.decode(String.self, forKey: .type)
            switch type {
            case "session-started":
                change = .sessionStarted(try Self.decodeStart(c))
            case "participant-added":
                change = .participantAdded(
                    role: try c.decode(ParticipantRole.self, forKey: .role), name: try c.decode(String.self, forKey: .name),
                    id: try c.decodeIfPresent(String.self, forKey: .id), function: try c.decodeIfPresent(String.self, forKey: .function),
                    details: PersonDetails(
                        familyName: try c.decodeIfPresent(String.self, forKey: .familyName),
                        givenName: try c.decodeIfPresent(String.self, forKey: .givenName),
                        prefix: try c.decodeIfPresent(String.self, forKey: .prefix),
                        specialty: try c.decodeIfPresent(String.self, forKey: .specialty),
                        relationship: try c.decodeIfPresent(String.self, forKey: .relationship)
                    ).orNil)
            case "option-added":
                change = .optionAdded(
                    kind: try c.decode(OptionKind.self, forKey: .kind), label: try c.decode(String.self, forKey: .label),
                    benefits: try c.decode([String].self, forKey: .benefits), harms: try c.decode([String].self, forKey: .harms),
                    trialID: try c.decodeIfPresent(String.self, forKey: .trialID),
                    origin: try c.decodeIfPresent(String.self, forKey: .origin))
            case "preference-added":
                change = .preferenceAdded(
                    text: try c.decode(String.self, forKey: .text), importance: try c.decodeIfPresent(Int.self, forKey: .importance))
            case "decision-recorded":
                let outcome: DecisionOutcome
                switch try c.decode(String.self, forKey: .outcome) {
                case "agreed": outcome = .agreed(option: try c.decode(Int.self, forKey: .option))
                case "deferred": outcome = .deferred(nextContact: try c.decode(CalendarDate.self, forKey: .nextContact))
                case "declined": outcome = .declined
                case let other:
                    throw DecodingError.dataCorruptedError(forKey: .outcome, in: c, debugDescription: "unknown outcome \(other)")
                }
                change = .decisionRecorded(
                    outcome: outcome, takenBy: try c.decode([EntryID].self, forKey: .takenBy),
                    answeredBy: try c.decodeIfPresent(EntryID.self, forKey: .answeredBy))
            case "note-added":
                change = .noteAdded(text: try c.decode(String.self, forKey: .text))
            case "session-closed":
                change = .sessionClosed
            case "entry-withdrawn":
                change = .entryWithdrawn(entry: try c.decode(EntryID.self, forKey: .entry))
            case "centre-settings-changed":
                change = .centreSettingsChanged(try CentreSettings(from: decoder))
            case "phase-started":
                change = .phaseStarted(try c.decode(Phase.self, forKey: .phase))
            case "decision-aid-given":
                change = .decisionAidGiven(
                    name: try c.decode(String.self, forKey: .name), version: try c.decodeIfPresent(String.self, forKey: .version))
            case "understanding-checked":
                change = .understandingChecked(method: try c.decodeIfPresent(String.self, forKey: .method))
            case "reflection-offered":
                change = .reflectionOffered(until: try c.decodeIfPresent(CalendarDate.self, forKey: .until))
            case "trial-discussed":
                change = .trialDiscussed(
                    eligibility: try c.decode(TrialEligibility.self, forKey: .eligibility),
                    offered: try c.decode(Bool.self, forKey: .offered), answer: try c.decodeIfPresent(TrialAnswer.self, forKey: .answer))
            case "instrument-recorded":
                change = .instrumentRecorded(
                    instrument: try c.decode(InstrumentID.self, forKey: .instrument), version: try c.decode(String.self, forKey: .version),
                    respondent: try c.decode(Respondent.self, forKey: .respondent),
                    answers: try c.decode([InstrumentAnswer].self, forKey: .answers),
                    score: try c.decode(InstrumentScore.self, forKey: .score),
                    answeredBy: try c.decodeIfPresent(EntryID.self, forKey: .answeredBy))
            case "document-issued":
                change = .documentIssued(try DocumentIssue(from: decoder))
            case "identity-corrected":
                change = .identityCorrected(try IdentityCorrection(from: decoder))
            case "identity-status-changed":
                change = .identityStatusChanged(try IdentityStatusChange(from: decoder))
            case "research-objection-recorded":
                change = .researchObjection(objects: true)
            case "research-objection-withdrawn":
                change = .researchObjection(objects: false)
            default:
                throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type \(type)")
            }
        }

        // MARK: Session start

        private static func encode(_ start: SessionStart, into c: inout KeyedEncodingContainer<Key>) throws {
            var patient = c.nestedContainer(keyedBy: IdentityKey.self, forKey: .patient)
            let identity = start.patient
            try patient.encodeIfPresent(identity.ins, forKey: .ins)
            try patient.encodeIfPresent(identity.insOID, forKey: .insOID)
            try patient.encode(identity.birthFamilyName, forKey: .birthFamilyName)
            try patient.encode(identity.birthGivenNames, forKey: .birthGivenNames)
            try patient.encode(identity.firstBirthGivenName, forKey: .firstBirthGivenName)
            try patient.encode(identity.birthDate, forKey: .birthDate)
            try patient.encode(identity.sex, forKey: .sex)
            try patient.encode(identity.birthplaceCode, forKey: .birthplaceCode)
            try patient.encodeIfPresent(identity.usedFamilyName, forKey: .usedFamilyName)
            try patient.encodeIfPresent(identity.usedGivenName, forKey: .usedGivenName)
            try c.encodeIfPresent(start.identityStatus, forKey: .identityStatus)
            try c.encodeIfPresent(start.ipp, forKey: .ipp)
            try c.encode(start.patientPresent, forKey: .patientPresent)
            try c.encode(start.clinicianID, forKey: .clinicianID)
            try c.encode(start.clinicianName, forKey: .clinicianName)
            try c.encodeIfPresent(start.clinicianFunction, forKey: .clinicianFunction)
            try c.encodeIfPresent(start.clinicianFamilyName, forKey: .clinicianFamilyName)
            try c.encodeIfPresent(start.clinicianGivenName, forKey: .clinicianGivenName)
            try c.encodeIfPresent(start.clinicianPrefix, forKey: .clinicianPrefix)
            try c.encodeIfPresent(start.clinicianSpecialty, forKey: .clinicianSpecialty)
            try c.encodeIfPresent(start.organisationFINESS, forKey: .organisationFINESS)
            try c.encodeIfPresent(start.organisationName, forKey: .organisationName)
            try c.encodeIfPresent(start.facility, forKey: .facility)
            try c.encode(start.topic, forKey: .topic)
            try c.encodeIfPresent(start.condition, forKey: .condition)
            try c.encodeIfPresent(start.rcp, forKey: .rcp)
            try c.encodeIfPresent(start.template, forKey: .template)
            try c.encodeIfPresent(start.requiredElements, forKey: .requiredElements)
            try c.encodeIfPresent(start.surveillanceNotReasonable, forKey: .surveillanceNotReasonable)
        }

        private static func decodeStart(_ c: KeyedDecodingContainer<Key>) throws -> SessionStart {
            let p = try c.nestedContainer(keyedBy: IdentityKey.self, forKey: .patient)
            let identity = INSIdentity(
                ins: try p.decodeIfPresent(String.self, forKey: .ins), insOID: try p.decodeIfPresent(String.self, forKey: .insOID),
                birthFamilyName: try p.decode(String.self, forKey: .birthFamilyName),
                birthGivenNames: try p.decode(String.self, forKey: .birthGivenNames),
                firstBirthGivenName: try p.decode(String.self, forKey: .firstBirthGivenName),
                birthDate: try p.decode(CalendarDate.self, forKey: .birthDate), sex: try p.decode(Sex.self, forKey: .sex),
                birthplaceCode: try p.decode(String.self, forKey: .birthplaceCode),
                usedFamilyName: try p.decodeIfPresent(String.self, forKey: .usedFamilyName),
                usedGivenName: try p.decodeIfPresent(String.self, forKey: .usedGivenName))
            var start = SessionStart(
                patient: identity, identityStatus: try c.decodeIfPresent(IdentityStatus.self, forKey: .identityStatus),
                ipp: try c.decodeIfPresent(InstanceIdentifier.self, forKey: .ipp),
                patientPresent: try c.decode(Bool.self, forKey: .patientPresent),
                clinicianID: try c.decode(String.self, forKey: .clinicianID),
                clinicianName: try c.decode(String.self, forKey: .clinicianName),
                clinicianFunction: try c.decodeIfPresent(String.self, forKey: .clinicianFunction),
                organisationFINESS: try c.decodeIfPresent(String.self, forKey: .organisationFINESS),
                topic: try c.decode(String.self, forKey: .topic), condition: try c.decodeIfPresent(Condition.self, forKey: .condition),
                rcp: try c.decodeIfPresent(RCPReference.self, forKey: .rcp), template: try c.decodeIfPresent(String.self, forKey: .template)
            )
            start.requiredElements = try c.decodeIfPresent([RecordElement].self, forKey: .requiredElements)
            start.surveillanceNotReasonable = try c.decodeIfPresent(String.self, forKey: .surveillanceNotReasonable)
            start.organisationName = try c.decodeIfPresent(String.self, forKey: .organisationName)
            start.facility = try c.decodeIfPresent(CodedValue.self, forKey: .facility)
            start.clinicianFamilyName = try c.decodeIfPresent(String.self, forKey: .clinicianFamilyName)
            start.clinicianGivenName = try c.decodeIfPresent(String.self, forKey: .clinicianGivenName)
            start.clinicianPrefix = try c.decodeIfPresent(String.self, forKey: .clinicianPrefix)
            start.clinicianSpecialty = try c.decodeIfPresent(String.self, forKey: .clinicianSpecialty)
            return start
        }
    }
}
