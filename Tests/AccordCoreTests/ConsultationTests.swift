import AccordCore
import AccordTestSupport
import Foundation
import Testing

@Suite struct ConsultationTests {
    let options: [Change] = [
        .optionAdded(kind: .activeSurveillance, label: "Surveillance", benefits: [], harms: [], trialID: nil, origin: nil),
        .optionAdded(kind: .treatment, label: "Chirurgie", benefits: ["b"], harms: ["h"], trialID: nil, origin: nil),
    ]

    @Test func foldNumbersEntriesInOrder() throws {
        let consultation = try Consultation(
            events: Samples.events(
                [
                    .sessionStarted(Samples.start()),
                    .participantAdded(role: .trustedPerson, name: "A", id: nil, function: nil),
                ] + options + [
                    .preferenceAdded(text: "continence", importance: 5),
                    .decisionRecorded(outcome: .agreed(option: 2), takenBy: [EntryID("p1"), EntryID("P3")]),
                    .noteAdded(text: "n"),
                    .sessionClosed,
                ]))
        #expect(consultation.participants.map(\.entry.rawValue) == ["P1", "P2", "P3"])
        #expect(consultation.participants.map(\.role) == [.patient, .professional, .trustedPerson])
        #expect(consultation.options.map(\.number) == [1, 2])
        #expect(consultation.options.map(\.entry.rawValue) == ["O1", "O2"])
        #expect(consultation.preferences.first?.entry == EntryID("M1"))
        #expect(consultation.decision?.outcome == .agreed(option: 2))
        #expect(consultation.decision?.takenBy == [EntryID("P1"), EntryID("P3")])
        #expect(consultation.status == .closed)
        #expect(consultation.closedAt == Samples.instant.addingTimeInterval(7))
        #expect(consultation.lastSessionSequence == 8)
    }

    @Test func decisionNamingAMissingOptionIsRefused() throws {
        let consultation = try Consultation(events: Samples.events([.sessionStarted(Samples.start())] + options))
        #expect(
            throws: AccordError(
                .notFound, "session S1 has no option 3; expected one of 1, 2 as `session show` lists them.", field: "--agreed")
        ) {
            try consultation.check(.decisionRecorded(outcome: .agreed(option: 3), takenBy: []))
        }
        #expect(throws: AccordError.self) {
            try consultation.check(.decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P9")]))
        }
        try consultation.check(.decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P2")]))
    }

    @Test func closedSessionRefusesChangesAndASecondClose() throws {
        let consultation = try Consultation(events: Samples.events([.sessionStarted(Samples.start()), .sessionClosed]))
        #expect(throws: AccordError(.conflict, "session S1 is already closed.")) { try consultation.check(.sessionClosed) }
        #expect(throws: AccordError.self) { try consultation.check(.noteAdded(text: "late")) }
    }

    @Test func patientJoiningMarksP1Present() throws {
        var start = Samples.start()
        start.patientPresent = false
        var consultation = try Consultation(events: Samples.events([.sessionStarted(start)]))
        #expect(!consultation.patient.present)
        try consultation.check(.participantAdded(role: .patient, name: "", id: nil, function: nil))
        consultation.apply(
            Samples.events([.sessionStarted(start), .participantAdded(role: .patient, name: "", id: nil, function: nil)])[1])
        #expect(consultation.patient.present)
        #expect(consultation.participants.count == 2)
        #expect(throws: AccordError.self) { try consultation.check(.participantAdded(role: .patient, name: "", id: nil, function: nil)) }
    }

    @Test func fieldChecksNameTheOptionAndNeverTheValue() throws {
        var start = Samples.start()
        start.patient.ins = "158056912345699"
        let today = CalendarDate("2026-03-02")!
        do {
            try Change.sessionStarted(start).validate(today: today)
            Issue.record("a wrong INS key was accepted")
        } catch let error as AccordError {
            #expect(error.field == "--patient-ins")
            #expect(
                error.description
                    == "--patient-ins: the INS-NIR has a wrong key (97 − NIR mod 97); expected 13 characters and a 2-digit key equal to 97 − (NIR mod 97), 2A/2B counted as 19/18."
            )
            #expect(!error.description.contains("158056912345699"))
        }
        start = Samples.start()
        start.clinicianID = "810123456782"
        #expect(
            throws: AccordError.invalid(
                "--clinician-id", "the IdNat_PS has an RPPS number whose Luhn check digit is wrong",
                accepted:
                    "8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id"
            )
        ) {
            try Change.sessionStarted(start).validate(today: today)
        }
        start = Samples.start()
        start.patient.birthDate = CalendarDate("2027-01-01")!
        #expect(
            throws: AccordError.invalid(
                "--birth-date", "is in the future", accepted: "the birth date as YYYY-MM-DD, from 1900-01-01 and not after today")
        ) {
            try Change.sessionStarted(start).validate(today: today)
        }
        #expect(
            throws: AccordError.invalid("--importance", "is out of range", accepted: "a whole number from 1 (a little) to 5 (above all)")
        ) {
            try Change.preferenceAdded(text: "x", importance: 6).validate(today: today)
        }
        #expect(
            throws: AccordError.invalid(
                "--trial-id", "is not a trial registry id", accepted: "a registry id such as NCT01234567 or 2024-512345-12-00")
        ) {
            try Change.optionAdded(kind: .clinicalTrial, label: "x", benefits: [], harms: [], trialID: "NCT123", origin: nil).validate(
                today: today)
        }
    }

    @Test func eventsRoundTripThroughJSON() throws {
        let events = Samples.events([
            .sessionStarted(Samples.start(Samples.corsicanIdentity)),
            .decisionRecorded(outcome: .deferred(nextContact: CalendarDate("2026-03-20")!), takenBy: [EntryID("P1")]),
        ])
        let data = try AccordJSON.encoder().encode(events)
        let decoded = try AccordJSON.decoder().decode([RecordedEvent].self, from: data)
        #expect(decoded == events)
        #expect(String(decoding: data, as: UTF8.self).contains("\"recordedAt\":\"2026-03-02T09:30:00Z\""))
    }
}
