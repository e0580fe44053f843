import AccordCore
import AccordTestSupport
import Foundation
import Testing

/// The stored form of events: version 2 written, version 2 and the legacy shape read.
@Suite struct EventPayloadTests {
    /// A change of every kind, with every optional value given where the kind has some.
    static let everyChange: [Change] = {
        var start = Samples.start()
        start.identityStatus = .validated
        start.ipp = InstanceIdentifier(root: "1.2.250.1.999.7.2", extension_: "IPP-77")
        start.patient.usedFamilyName = "ROUSSEL"
        start.patient.usedGivenName = "Jean"
        start.clinicianFunction = "Urologue"
        start.organisationFINESS = "690000880"
        start.condition = Condition(text: "Adénocarcinome", code: "C61", codeSystem: "2.16.840.1.113883.6.3", origin: "rcp")
        start.rcp = RCPReference(
            documentID: InstanceIdentifier(root: "1.2.3", extension_: "R1"), setID: InstanceIdentifier(root: "1.2.3.4"),
            meetingDate: CalendarDate("2026-02-20"), trialProposed: true)
        start.template = "localised-prostate-cancer@1"
        start.requiredElements = [.options, .decision]
        start.surveillanceNotReasonable = "Tumeur agressive"
        start.clinicianDetails = PersonDetails(familyName: "Vidal", givenName: "Paul", prefix: "DR", specialty: "G15_10/SM36")
        let issue = DocumentIssue(
            profile: "cda-fr", version: 2, idRoot: "1.2.250.1.999.7", documentID: "1.2.250.1.999.7.1.1.2",
            replaces: "1.2.250.1.999.7.1.1.1", documentTime: Samples.instant, sha256: String(repeating: "ab", count: 32),
            recordSequence: 12, centreSequence: 1)
        let score = InstrumentScore(
            instrument: "sdm-q-9", version: "2010", score: 88.9, subscores: ["information": 75], flags: ["top-score"], complete: true,
            confirmed: true)
        return [
            .sessionStarted(Samples.start()),
            .sessionStarted(start),
            .participantAdded(role: .trustedPerson, name: "Anne Marchand", id: nil, function: nil),
            .participantAdded(role: .professional, name: "Dr Paul Vidal", id: "810100000009", function: "Oncologue"),
            .participantAdded(
                role: .relative, name: "Anne Marchand", id: nil, function: "fille",
                details: PersonDetails(familyName: "Marchand", givenName: "Anne", prefix: "MME", relationship: "DAUC")),
            .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")], answeredBy: EntryID("P3")),
            .instrumentRecorded(
                instrument: .sure, version: "2010", respondent: .patient, answers: [.yes, .yes, .yes, .yes],
                score: InstrumentScore(instrument: "sure", version: "2010", score: 4, complete: true, confirmed: true),
                answeredBy: EntryID("P3")),
            .optionAdded(kind: .treatment, label: "Prostatectomie", benefits: [], harms: [], trialID: nil, origin: nil),
            .optionAdded(kind: .clinicalTrial, label: "Essai", benefits: ["a"], harms: ["b", "c"], trialID: "NCT00000000", origin: "rcp"),
            .preferenceAdded(text: "Voyager", importance: nil),
            .preferenceAdded(text: "Garder une continence normale", importance: 5),
            .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1"), EntryID("P2")]),
            .decisionRecorded(outcome: .deferred(nextContact: CalendarDate("2026-03-16")!), takenBy: []),
            .decisionRecorded(outcome: .declined, takenBy: [EntryID("P1")]),
            .noteAdded(text: "Souhaite en parler à son médecin traitant"),
            .sessionClosed,
            .entryWithdrawn(entry: EntryID("M2")),
            .centreSettingsChanged(CentreSettings.example),
            .phaseStarted(.team),
            .decisionAidGiven(name: "Aide", version: nil),
            .decisionAidGiven(name: "Aide", version: "2"),
            .understandingChecked(method: nil),
            .understandingChecked(method: "reformulation"),
            .reflectionOffered(until: nil),
            .reflectionOffered(until: CalendarDate("2026-03-16")),
            .trialDiscussed(eligibility: .notEligible, offered: false, answer: nil),
            .trialDiscussed(eligibility: .eligible, offered: true, answer: .declined),
            .instrumentRecorded(
                instrument: .sdmQ9, version: "2010", respondent: .patient, answers: [.value(5), .missing, .yes, .letter("C")],
                score: score),
            .documentIssued(issue),
            .identityCorrected(IdentityCorrection(birthFamilyName: "MARCHAND", ipp: InstanceIdentifier(root: "1.2.3", extension_: "9"))),
            .identityStatusChanged(IdentityStatusChange(status: .qualified, justification: .insi, ins: "158056912345606")),
            .researchObjection(objects: true),
            .researchObjection(objects: false),
        ]
    }()

    /// Issue 15: the new keys are snake_case and left out when absent, so a change recorded
    /// without them keeps the bytes it had before they existed.
    @Test func peopleAndPresenceKeysAreLeftOutWhenAbsent() throws {
        #expect(
            try EventPayload.encode(.participantAdded(role: .relative, name: "Anne", id: nil, function: nil))
                == #"{"name":"Anne","role":"relative","type":"participant-added","v":2}"#)
        #expect(
            try EventPayload.encode(
                .participantAdded(
                    role: .trustedPerson, name: "Anne Marchand", id: nil, function: nil,
                    details: PersonDetails(familyName: "Marchand", givenName: "Anne", prefix: "MME", relationship: "SIGOTHR")))
                == #"{"family_name":"Marchand","given_name":"Anne","name":"Anne Marchand","prefix":"MME","relationship":"SIGOTHR","role":"trusted-person","type":"participant-added","v":2}"#
        )
        #expect(
            try EventPayload.encode(.decisionRecorded(outcome: .declined, takenBy: [EntryID("P1")], answeredBy: EntryID("P3")))
                == #"{"answered_by":"P3","outcome":"declined","taken_by":["P1"],"type":"decision-recorded","v":2}"#)
        // An empty PersonDetails is no details.
        let empty = try EventPayload.decode(
            EventPayload.encode(.participantAdded(role: .carer, name: "Jo", id: nil, function: nil, details: PersonDetails())))
        #expect(empty == .participantAdded(role: .carer, name: "Jo", id: nil, function: nil))
        var start = Samples.start()
        let before = try EventPayload.encode(.sessionStarted(start))
        #expect(!before.contains("clinician_family_name") && !before.contains("clinician_specialty"))
        start.clinicianDetails = PersonDetails(familyName: "Vidal", givenName: "Paul", prefix: "DR", specialty: "G15_10/SM36")
        let after = try EventPayload.encode(.sessionStarted(start))
        for key in [
            "\"clinician_family_name\":\"Vidal\"", "\"clinician_given_name\":\"Paul\"", "\"clinician_prefix\":\"DR\"",
            "\"clinician_specialty\":\"G15_10/SM36\"",
        ] {
            #expect(after.contains(key), "\(key) in \(after)")
        }
    }

    @Test func everyKindOfChangeIsWrittenInVersion2() {
        let kinds = Set(Self.everyChange.map(\.kind))
        #expect(kinds.count == 20, "one change at least of each of the 20 kinds")
    }

    @Test(arguments: everyChange) func aChangeReadsBackAsWritten(_ change: Change) throws {
        let payload = try EventPayload.encode(change)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        #expect(object["type"] as? String == change.kind && object["v"] as? Int == 2)
        #expect(try EventPayload.decode(payload) == change)
        #expect(!payload.contains("_0") && !payload.contains("\"\(Self.legacyName(change))\""))
        // One naming convention: every key lower case, words joined by `_`.
        for key in Self.keys(payload) {
            #expect(key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(key) in \(payload)")
        }
        // The same change, the same bytes.
        #expect(try EventPayload.encode(change) == payload)
    }

    @Test(arguments: everyChange) func theLegacyShapeStillReads(_ change: Change) throws {
        let legacy = String(decoding: try AccordJSON.encoder().encode(change), as: UTF8.self)
        #expect(legacy.hasPrefix("{\"\(Self.legacyName(change))\":"))
        #expect(try EventPayload.decode(legacy) == change)
    }

    @Test(arguments: [
        (
            Change.preferenceAdded(text: "Rester autonome", importance: 5),
            #"{"importance":5,"text":"Rester autonome","type":"preference-added","v":2}"#
        ),
        (.sessionClosed, #"{"type":"session-closed","v":2}"#),
        (.noteAdded(text: "a/b \"c\""), #"{"text":"a/b \"c\"","type":"note-added","v":2}"#),
        (
            .optionAdded(kind: .clinicalTrial, label: "Essai", benefits: [], harms: ["Visites"], trialID: "NCT00000000", origin: nil),
            #"{"benefits":[],"harms":["Visites"],"kind":"clinical-trial","label":"Essai","trial_id":"NCT00000000","type":"option-added","v":2}"#
        ),
        (
            .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1"), EntryID("P2")]),
            #"{"option":1,"outcome":"agreed","taken_by":["P1","P2"],"type":"decision-recorded","v":2}"#
        ),
        (
            .decisionRecorded(outcome: .deferred(nextContact: CalendarDate("2026-03-16")!), takenBy: []),
            #"{"next_contact":"2026-03-16","outcome":"deferred","taken_by":[],"type":"decision-recorded","v":2}"#
        ),
        (.decisionRecorded(outcome: .declined, takenBy: []), #"{"outcome":"declined","taken_by":[],"type":"decision-recorded","v":2}"#),
        (.entryWithdrawn(entry: EntryID("M2")), #"{"entry":"M2","type":"entry-withdrawn","v":2}"#),
        (.phaseStarted(.decision), #"{"phase":"decision","type":"phase-started","v":2}"#),
        (.researchObjection(objects: true), #"{"type":"research-objection-recorded","v":2}"#),
        (.researchObjection(objects: false), #"{"type":"research-objection-withdrawn","v":2}"#),
        (
            .identityStatusChanged(IdentityStatusChange(status: .qualified, justification: .insi, ins: "158056912345606")),
            #"{"ins":"158056912345606","justification":"insi","status":"qualified","type":"identity-status-changed","v":2}"#
        ),
        (
            .sessionStarted(Samples.start()),
            #"{"clinician_id":"810123456781","clinician_name":"Dr Hélène Roussel","condition":{"text":"Adénocarcinome localisé"},"#
                + #""patient":{"birth_date":"1958-05-17","birth_family_name":"MARCHAND-D'ESTE","birth_given_names":"LUC JEAN-BAPTISTE","#
                + #""birthplace_code":"69123","first_birth_given_name":"LUC","ins":"158056912345606","ins_oid":"1.2.250.1.213.1.4.10","#
                + #""sex":"M"},"patient_present":true,"topic":"Prise en charge d'un cancer localisé","type":"session-started","v":2}"#
        ),
        (
            .documentIssued(
                DocumentIssue(
                    profile: "cda-fr", version: 1, idRoot: "2.999.1", documentID: "2.999.1.1.1.1", replaces: nil,
                    documentTime: Samples.instant, sha256: "00", recordSequence: 9, centreSequence: nil)),
            #"{"document_id":"2.999.1.1.1.1","document_time":"2026-03-02T09:30:00Z","id_root":"2.999.1","profile":"cda-fr","#
                + #""record_sequence":9,"sha256":"00","type":"document-issued","v":2,"version":1}"#
        ),
    ])
    func exactBytes(_ change: Change, _ expected: String) throws {
        #expect(try EventPayload.encode(change) == expected)
        #expect(try EventPayload.decode(expected) == change)
    }

    @Test func theLegacyShapesOfTheDocumentationRead() throws {
        #expect(
            try EventPayload.decode(#"{"preferenceAdded":{"importance":5,"text":"Rester autonome"}}"#)
                == .preferenceAdded(text: "Rester autonome", importance: 5))
        #expect(
            try EventPayload.decode(#"{"decisionRecorded":{"outcome":{"agreed":{"option":1}},"takenBy":["P1","P2"]}}"#)
                == .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1"), EntryID("P2")]))
        #expect(try EventPayload.decode(#"{"sessionClosed":{}}"#) == .sessionClosed)
        #expect(try EventPayload.decode(#"{"phaseStarted":{"_0":"team"}}"#) == .phaseStarted(.team))
    }

    @Test(arguments: [
        #"{"type":"session-closed","v":3}"#, #"{"type":"session-ended","v":2}"#, #"{"text":"x","type":"note-added"}"#,
        #"{"type":"decision-recorded","outcome":"maybe","taken_by":[],"v":2}"#, #"{"noteAdded":{}}"#, "[]", "",
    ])
    func anUnreadablePayloadIsRefused(_ payload: String) {
        #expect(throws: DecodingError.self) { try EventPayload.decode(payload) }
    }

    // MARK: - Helpers

    /// The case name of the synthesized (legacy) coding: `option-added` → `optionAdded`.
    static func legacyName(_ change: Change) -> String {
        // One case, two kinds (recorded, withdrawn).
        if case .researchObjection = change { return "researchObjection" }
        let words = change.kind.split(separator: "-")
        return String(words[0]) + words.dropFirst().map(\.capitalized).joined()
    }

    /// Every object key of a JSON text.
    static func keys(_ json: String) -> [String] {
        func walk(_ value: Any) -> [String] {
            if let object = value as? [String: Any] { return object.keys + object.values.flatMap(walk) }
            if let array = value as? [Any] { return array.flatMap(walk) }
            return []
        }
        return walk((try? JSONSerialization.jsonObject(with: Data(json.utf8))) ?? [:])
    }
}
