import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import Testing

@Suite struct ConsultationStoreTests {
    let store: ConsultationStore

    init() throws {
        store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
    }

    @Test func recordsAndDerivesTheSession() throws {
        let id = try store.startSession(Samples.start())
        #expect(id == SessionID(number: 1))
        try store.record(.optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil), in: id)
        try store.record(.decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")]), in: id)
        try store.record(.sessionClosed, in: id)
        let consultation = try store.consultation(id)
        #expect(consultation.status == .closed)
        #expect(consultation.decision?.outcome == .agreed(option: 1))
        let events = try store.events(of: id)
        #expect(events.map(\.sessionSequence) == [1, 2, 3, 4])
        #expect(events.map(\.sequence) == [1, 2, 3, 4])
        #expect(events.allSatisfy { $0.recordedAt == Samples.instant && $0.author == Samples.clinicianID })
        let summary = try #require(try store.sessions().first)
        #expect(summary.status == "closed")
        #expect(summary.eventCount == 4)
        #expect(summary.closedAt == "2026-03-02T09:30:00Z")
    }

    @Test func refusedChangesWriteNothing() throws {
        let id = try store.startSession(Samples.start())
        #expect(throws: AccordError.self) {
            try store.record(.decisionRecorded(outcome: .agreed(option: 1), takenBy: []), in: id)
        }
        #expect(throws: AccordError(.notFound, "no session S9 in this database; `accord session list` shows the sessions it holds.")) {
            try store.record(.noteAdded(text: "x"), in: SessionID(number: 9))
        }
        try store.record(.sessionClosed, in: id)
        #expect(throws: AccordError(.conflict, "session S1 is already closed.")) { try store.record(.sessionClosed, in: id) }
        #expect(try store.events(of: id).count == 2)
    }

    @Test func importIsOneTransaction() throws {
        let changes: [Change] = [
            .optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil),
            .noteAdded(text: "n"),
            .decisionRecorded(outcome: .agreed(option: 4), takenBy: []),
        ]
        #expect(throws: AccordError.self) { try store.importConsultation(start: Samples.start(), changes: changes) }
        #expect(try store.sessions().isEmpty)
        let id = try store.importConsultation(start: Samples.start(), changes: Array(changes.prefix(2)) + [.sessionClosed])
        #expect(try store.consultation(id).status == .closed)
        #expect(id == SessionID(number: 1))
    }

    @Test func centreSettingsAreEvents() throws {
        #expect(try store.centreSettings() == nil)
        var settings = CentreSettings.example
        settings.oidRoot = "1.2.250.1.999.42"
        try store.setCentreSettings(settings, author: "os:test")
        settings.name = "Centre renommé"
        try store.setCentreSettings(settings, author: "os:test")
        #expect(try store.centreSettings()?.name == "Centre renommé")
        settings.facility = CodedValue(code: "XX", displayName: "x", codeSystem: "1.2")
        #expect(
            throws: AccordError.invalid(
                "--facility-code", "is not in value set JDV_J02", accepted: "a JDV_J02 code such as SA36 (Centre anti-cancer) or SA01")
        ) {
            try store.setCentreSettings(settings, author: "os:test")
        }
    }
}

@Suite struct StoreFileTests {
    @Test func eventsCannotBeUpdatedOrDeleted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.sqlite").path
        // The key beside the database (not in the home folder: tests leave nothing behind).
        let store = try ConsultationStore.open(
            path: path, clock: .fixed(at: Samples.instant), keyFile: folder.appendingPathComponent("k.key").path)
        _ = try store.startSession(Samples.start())
        #expect(throws: (any Error).self) { try store.executeForTesting("UPDATE event SET author = 'x'") }
        #expect(throws: (any Error).self) { try store.executeForTesting("DELETE FROM event") }
        #expect(try store.events(of: SessionID(number: 1)).first?.author == Samples.clinicianID)
        #expect(try store.journalModeForTesting() == "wal")
    }
}

@Suite struct IdentityVigilanceTests {
    @Test func anINSWithOtherTraitsInAnotherSessionIsFound() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let first = try store.startSession(Samples.start())
        #expect(try store.identityDiscrepancies(of: first) == [])
        // The same identity again (with a name used in daily life, not an INS trait; birth
        // names in lower case are refused at recording, as the INS form is upper case): nothing
        // to report.
        var same = Samples.start()
        same.patient.usedFamilyName = "Marchand"
        let second = try store.startSession(same)
        #expect(try store.identityDiscrepancies(of: second) == [])
        // Another birth date and sex behind the same INS.
        var other = Samples.start()
        other.patient.birthDate = CalendarDate("1958-05-18")!
        other.patient.sex = .female
        let third = try store.startSession(other)
        let found = try store.identityDiscrepancies(of: third)
        #expect(
            found == [
                IdentityDiscrepancy(session: first, traits: ["birth date", "sex"]),
                IdentityDiscrepancy(session: second, traits: ["birth date", "sex"]),
            ])
        #expect(
            found[0].warning
                == "the same INS is recorded in session S1 with other identity traits (birth date, sex); check the patient's identity (identity vigilance) before going on."
        )
        // Another patient: not compared.
        let corsican = try store.startSession(Samples.start(Samples.corsicanIdentity))
        #expect(try store.identityDiscrepancies(of: corsican) == [])
    }
}

@Suite struct ClockOrderTests {
    @Test func changesBeforeTheSessionsLastChangeAreRefused() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let id = try store.startSession(Samples.start())
        try store.record(.noteAdded(text: "à l'heure"), in: id)
        let before = store.withClock(.fixed(at: Samples.instant.addingTimeInterval(-3600)))
        #expect(
            throws: AccordError(
                .conflict,
                "the clock reads an instant before the last change of session S1 (\(UTCInstant.format(Samples.instant))); check the system clock or ACCORD_NOW (nothing was recorded)."
            )
        ) { try before.record(.sessionClosed, in: id) }
        #expect(try store.consultation(id).status == .open)
        // A clock set back by less than a minute is tolerated.
        let slightly = store.withClock(.fixed(at: Samples.instant.addingTimeInterval(-30)))
        try slightly.record(.sessionClosed, in: id)
        #expect(try store.consultation(id).status == .closed)
    }
}
