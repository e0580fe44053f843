import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import Testing

/// The use-case scenarios every ``AccordStore/EventStore`` must pass, written against the
/// protocol only, so that each implementation (SQLite today, PostgreSQL next) runs the same
/// ones:
///
/// ```swift
/// @Test(arguments: EventStoreContract.scenarios)
/// func keepsTheContract(_ scenario: EventStoreContract.Scenario) throws {
///     try scenario.run(try MyStore.empty(clock: .fixed(at: Samples.instant)))
/// }
/// ```
///
/// Each scenario takes an empty store whose clock reads ``AccordTestSupport/Samples/instant``
/// (2026-03-02T09:30:00Z) and whose chain key is at hand, and checks what the store returns
/// with exact expectations.
public enum EventStoreContract {
    /// One scenario: a name for the test's report and what it does with a store.
    public struct Scenario: Sendable, CustomTestStringConvertible {
        /// What the scenario shows, in words.
        public var name: String
        /// Runs it on an empty store.
        public var run: @Sendable (any EventStore) throws -> Void

        public var testDescription: String { name }
    }

    /// Every scenario, in order.
    public static let scenarios: [Scenario] = [
        Scenario(name: "start, record, close, read and verify", run: startRecordCloseReadVerify),
        Scenario(name: "a closed session changes only by amendment", run: amendment),
        Scenario(name: "an import is one transaction", run: importIsOneTransaction),
        Scenario(name: "a bulk import records each consultation whole or not at all", run: bulkImport),
        Scenario(name: "centre settings are events", run: centreSettings),
        Scenario(name: "issued documents are events", run: issuedDocuments),
        Scenario(name: "the current issued versions", run: currentIssuedVersions),
        Scenario(name: "the session list and the batch selection", run: sessionListAndBatch),
        Scenario(name: "identity vigilance", run: identityVigilance),
        Scenario(name: "participation audit", run: participation),
        Scenario(name: "the patients who object to research re-use", run: researchObjections),
        Scenario(name: "the research objections read the key only when there are some", run: researchObjectionsKey),
    ]

    /// A treatment option (`option-added`), option 1 of a session that holds no other.
    public static let option = Change.optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil)

    // MARK: - Scenarios

    static func startRecordCloseReadVerify(_ store: any EventStore) throws {
        #expect(try store.chainHead() == nil)
        let id = try store.startSession(Samples.start(), author: nil)
        #expect(id == SessionID(number: 1))
        _ = try store.record(option, in: id, author: nil, reason: nil, precondition: nil)
        _ = try store.record(
            .preferenceAdded(text: "Rester autonome", importance: 5), in: id, author: "810123456781", reason: nil, precondition: nil)
        _ = try store.record(
            .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")]), in: id, author: nil, reason: nil, precondition: nil)
        let closed = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil)
        #expect(closed.status == .closed && closed.closedAt == Samples.instant)

        let read = try store.consultation(id)
        #expect(read == closed)
        let checked = try store.consultationCheckedAgainstChain(id)
        #expect(checked.checked && checked.consultation == closed)

        let events = try store.events(of: id)
        #expect(events.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(events.map(\.sessionSequence) == [1, 2, 3, 4, 5])
        #expect(events.allSatisfy { $0.recordedAt == Samples.instant && $0.author == Samples.clinicianID && $0.reason == nil })
        #expect(
            events.map(\.change.kind) == ["session-started", "option-added", "preference-added", "decision-recorded", "session-closed"])

        // The log as stored, in order: gapless, each chained, the instants in UTC.
        var log: [EventRecord] = []
        try store.readLog(from: 1) { log.append($0) }
        #expect(log.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(log.map(\.sessionNumber) == [1, 1, 1, 1, 1])
        #expect(log.allSatisfy { $0.recordedAt == "2026-03-02T09:30:00Z" })
        #expect(log.allSatisfy { $0.chain.count == 64 && $0.chain.allSatisfy { $0.isHexDigit && !$0.isUppercase } })
        #expect(Set(log.map(\.chain)).count == 5)
        #expect(try log.map { try $0.recordedEvent() } == events)
        #expect(try log.map { try EventPayload.decode($0.payload) } == events.map(\.change))
        var tail: [Int64] = []
        try store.readLog(from: 4) { tail.append($0.sequence) }
        #expect(tail == [4, 5])

        let head = ChainHead(sequence: 5, hash: log[4].chain)
        #expect(try store.chainHead() == head)
        let verification = try store.verify(head: nil)
        #expect(verification.eventCount == 5 && verification.head == head)
        #expect(verification.firstBreak == nil && verification.issuedDocumentCount == 0)
        #expect(try store.verify(head: ChainHead(sequence: 2, hash: log[1].chain)).firstBreak == nil)
        let rewritten = try store.verify(head: ChainHead(sequence: 2, hash: String(repeating: "0", count: 64)))
        #expect(rewritten.firstBreak?.sequence == 2)
        #expect(rewritten.firstBreak?.problem == "its chain value differs from the recorded head: the log was rewritten")
    }

    static func amendment(_ store: any EventStore) throws {
        let id = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil)
        #expect(
            throws: AccordError(
                .conflict,
                "session S1 is closed: a change to it is an amendment; repeat the command with --reason \"why\" to record it as one.")
        ) {
            _ = try store.record(.noteAdded(text: "oubli"), in: id, author: nil, reason: nil, precondition: nil)
        }
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            _ = try store.record(.noteAdded(text: "oubli"), in: id, author: nil, reason: "forgotten") { _ in throw Refused() }
        }
        #expect(try store.events(of: id).count == 2, "nothing was recorded")
        let amended = try store.record(.noteAdded(text: "oubli"), in: id, author: nil, reason: "forgotten", precondition: nil)
        #expect(amended.status == .closed && amended.lastSessionSequence == 3)
        #expect(try store.events(of: id).last?.reason == "forgotten")
        #expect(try store.verify(head: nil).firstBreak == nil)
        #expect(throws: AccordError(.notFound, "no session S9 in this database; `accord session list` shows the sessions it holds.")) {
            _ = try store.record(.noteAdded(text: "x"), in: SessionID(number: 9), author: nil, reason: nil, precondition: nil)
        }
    }

    static func importIsOneTransaction(_ store: any EventStore) throws {
        let refused: [Change] = [option, .decisionRecorded(outcome: .agreed(option: 4), takenBy: [])]
        #expect(throws: AccordError.self) { try store.importConsultation(start: Samples.start(), changes: refused, author: nil) }
        #expect(try store.sessions(matching: SessionQuery()).isEmpty)
        #expect(try store.chainHead() == nil, "nothing was appended")
        let id = try store.importConsultation(start: Samples.start(), changes: [option, .sessionClosed], author: nil)
        #expect(id == SessionID(number: 1))
        #expect(try store.consultation(id).status == .closed)
        #expect(try store.events(of: id).map(\.sessionSequence) == [1, 2, 3])
    }

    static func bulkImport(_ store: any EventStore) throws {
        let refused = ConsultationImport(
            start: Samples.start(), changes: [option, .decisionRecorded(outcome: .agreed(option: 4), takenBy: [])])
        let closed = ConsultationImport(start: Samples.start(), changes: [option, .sessionClosed])
        let results = try store.importConsultations(
            [closed, refused, ConsultationImport(start: Samples.start(), changes: [])], author: nil)
        #expect(results.count == 3)
        #expect(try results[0].get() == SessionID(number: 1))
        #expect(try results[2].get() == SessionID(number: 2))
        guard case .failure(let error) = results[1] else {
            Issue.record("a consultation deciding for an option it does not have was recorded")
            return
        }
        #expect(throws: error) { try store.importConsultation(start: refused.start, changes: refused.changes, author: nil) }
        #expect(try store.consultation(SessionID(number: 1)).status == .closed)
        #expect(try store.events(of: SessionID(number: 2)).map(\.sequence) == [4])
        #expect(try store.verify(head: nil).eventCount == 4)
        #expect(try store.verify(head: nil).firstBreak == nil)
        #expect(try store.importConsultations([], author: nil).isEmpty)
    }

    static func centreSettings(_ store: any EventStore) throws {
        #expect(try store.centreSettings() == nil)
        #expect(try store.centreSettingsWithSequence() == nil)
        var settings = CentreSettings.example
        settings.oidRoot = "1.2.250.1.999.42"
        try store.setCentreSettings(settings, author: "os:test")
        _ = try store.startSession(Samples.start(), author: nil)
        var renamed = settings
        renamed.name = "Centre renommé"
        try store.setCentreSettings(renamed, author: "os:test")
        #expect(try store.centreSettings() == renamed)
        let current = try #require(try store.centreSettingsWithSequence())
        #expect(current.settings == renamed && current.sequence == 3)
        #expect(try store.centreSettings(atSequence: 1) == settings)
        #expect(
            throws: AccordError(
                .conflict, "event 2, the centre settings of an issued document, is not a change of centre settings; run `accord verify`.")
        ) {
            try store.centreSettings(atSequence: 2)
        }
        var log: [EventRecord] = []
        try store.readLog(from: 1) { log.append($0) }
        #expect(log.map(\.sessionNumber) == [nil, 1, nil])
        #expect(log.map(\.sessionSequence) == [nil, 1, nil])
        #expect(try store.verify(head: nil).firstBreak == nil)
    }

    static func issuedDocuments(_ store: any EventStore) throws {
        let id = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil)
        let closed = try store.consultation(id)
        #expect(
            try store.documentVersion(for: closed, profile: "cda-fr") == DocumentVersion(version: 1, replaces: nil, alreadyExported: false))
        let issue = DocumentIssue(
            profile: "cda-fr", version: 1, idRoot: "1.2.250.1.999.7", documentID: "1.2.250.1.999.7.1.1.1", replaces: nil,
            documentTime: Samples.instant, sha256: String(repeating: "a", count: 64), recordSequence: 2, centreSequence: nil)
        #expect(try store.recordIssues([PendingIssue(issue: issue, session: id, checked: closed)], author: nil) == [true])
        #expect(try store.recordIssue(issue, session: id, author: nil) == false, "the same issue again records nothing")
        let issued = try store.consultation(id)
        #expect(issued.issuedDocuments == [issue])
        #expect(
            try store.documentVersion(for: issued, profile: "cda-fr")
                == DocumentVersion(version: 1, replaces: nil, alreadyExported: true, issued: issue, idRoot: "1.2.250.1.999.7"))
        var other = issue
        other.sha256 = String(repeating: "b", count: 64)
        #expect(
            throws: AccordError(
                .conflict,
                "version 1 of session S1's document was issued meanwhile by another export with other content; export again (nothing was recorded)."
            )
        ) {
            try store.recordIssue(other, session: id, author: nil)
        }
        let verification = try store.verify(head: nil)
        #expect(verification.firstBreak == nil && verification.eventCount == 3 && verification.issuedDocumentCount == 1)
    }

    /// The issued version of each session that is still current (what a batch export skips
    /// without reading the session): the last issue of the profile while the record has not
    /// changed since; an issue of another profile is no change.
    static func currentIssuedVersions(_ store: any EventStore) throws {
        func closedSession() throws -> SessionID { try Self.closedSession(store) }
        func issue(_ id: SessionID, profile: String, version: Int) throws { try Self.issue(store, id, profile: profile, version: version) }
        let (s1, s2, s3, _) = (try closedSession(), try closedSession(), try closedSession(), try closedSession())
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [:])
        try issue(s1, profile: "cda-fr", version: 1)
        try issue(s2, profile: "cda-fr", version: 1)
        try issue(s3, profile: "fhir-r4", version: 1)
        try issue(s1, profile: "fhir-r4", version: 1)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [s1: 1, s2: 1])
        #expect(try store.currentIssuedVersions(profile: "fhir-r4", closedFrom: nil, through: nil) == [s1: 1, s3: 1])
        _ = try store.record(.noteAdded(text: "late"), in: s2, author: nil, reason: "forgotten", precondition: nil)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [s1: 1])
        try issue(s2, profile: "cda-fr", version: 2)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [s1: 1, s2: 2])
        #expect(try store.currentIssuedVersions(profile: "cda-fr+pseudonymised", closedFrom: nil, through: nil) == [:])
        let day = CalendarDate("2026-03-02")!
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: day, through: day) == [s1: 1, s2: 2])
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: CalendarDate("2026-03-03")!, through: nil) == [:])
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: CalendarDate("2026-03-01")!) == [:])
    }

    /// A session started and closed in `store` (the sample start).
    public static func closedSession(_ store: any EventStore) throws -> SessionID {
        let id = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil)
        return id
    }

    /// Records version `version` of `profile`'s document for session `id` as the session is now
    /// (ids under the example root `1.2.250.1.999.7`; branch 1 for `cda-fr`, 3 for the others).
    public static func issue(_ store: any EventStore, _ id: SessionID, profile: String, version: Int) throws {
        let branch = profile == "cda-fr" ? "1" : "3"
        let issue = DocumentIssue(
            profile: profile, version: version, idRoot: "1.2.250.1.999.7", documentID: "1.2.250.1.999.7.\(branch).\(id.number).\(version)",
            replaces: version > 1 ? "1.2.250.1.999.7.\(branch).\(id.number).\(version - 1)" : nil, documentTime: Samples.instant,
            sha256: String(repeating: "a", count: 64), recordSequence: try store.consultation(id).lastSessionSequence,
            centreSequence: nil, idBranch: branch)
        #expect(try store.recordIssue(issue, session: id, author: nil))
    }

    static func sessionListAndBatch(_ store: any EventStore) throws {
        let first = try store.startSession(Samples.start(), author: nil)
        let second = try store.startSession(Samples.start(Samples.corsicanIdentity), author: nil)
        let third = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(.sessionClosed, in: first, author: nil, reason: nil, precondition: nil)
        _ = try store.record(.sessionClosed, in: third, author: nil, reason: nil, precondition: nil)

        let all = try store.sessions(matching: SessionQuery())
        #expect(all.map(\.id) == [third, second, first])
        #expect(all.map(\.status) == ["closed", "open", "closed"])
        #expect(all.map(\.eventCount) == [2, 1, 2])
        #expect(all.map(\.closedAt) == ["2026-03-02T09:30:00Z", nil, "2026-03-02T09:30:00Z"])
        #expect(all[1].patientINS == "283042A00401797" && all[1].birthFamilyName == "D'ARTAGNAN-LE-GALL")
        #expect(all[1].firstGivenName == "MARIE-CLAIRE" && all[1].birthDate == "1983-04-09" && all[1].clinicianID == Samples.clinicianID)
        #expect(try store.sessions(matching: SessionQuery(ins: "158056912345606")).map(\.id) == [third, first])
        #expect(try store.sessions(matching: SessionQuery(limit: 1)).map(\.id) == [third])
        let day = CalendarDate("2026-03-02")!
        #expect(try store.sessions(matching: SessionQuery(from: day, to: day)).count == 3)
        #expect(try store.sessions(matching: SessionQuery(to: CalendarDate("2026-03-01")!)).isEmpty)
        #expect(try store.sessions(matching: SessionQuery(clinicianID: "899999999999")).isEmpty)
        // By name: the start of the birth family name (and of the first given name), without
        // case or accents, newest first, bounded.
        #expect(
            try store.sessions(ofPatientNamed: " marchand-d’", givenName: nil, limit: 5).isEmpty,
            "a typographic apostrophe is another character")
        #expect(try store.sessions(ofPatientNamed: "Marchand-d'", givenName: nil, limit: 5).map(\.id) == [third, first])
        #expect(try store.sessions(ofPatientNamed: "marchand", givenName: nil, limit: 1).map(\.id) == [third])
        #expect(try store.sessions(ofPatientNamed: "d'Ártagnan", givenName: "marie-clairé", limit: 5).map(\.id) == [second])
        #expect(try store.sessions(ofPatientNamed: "d'artagnan", givenName: "anne", limit: 5).isEmpty)
        #expect(try store.sessions(ofPatientNamed: "  ", givenName: nil, limit: 5).isEmpty)
        #expect(try store.sessions(ofPatientNamed: "artagnan", givenName: nil, limit: 5).isEmpty, "the start of the name only")

        #expect(try store.closedSessionCount(closedFrom: nil, through: nil) == 2)
        #expect(try store.closedSessionCount(closedFrom: CalendarDate("2026-03-03")!, through: nil) == 0)
        #expect(try store.closedSessions(closedFrom: day, through: day, after: nil, limit: 10) == [first, third])
        #expect(try store.closedSessions(closedFrom: nil, through: nil, after: first, limit: 10) == [third])
        #expect(try store.closedSessions(closedFrom: nil, through: nil, after: nil, limit: 1) == [first])
        try store.sealSessionsRecordedBefore()
        #expect(try store.verify(head: nil).firstBreak == nil)
    }

    static func identityVigilance(_ store: any EventStore) throws {
        let first = try store.startSession(Samples.start(), author: nil)
        var other = Samples.identity
        other.birthDate = CalendarDate("1958-05-18")!
        let second = try store.startSession(Samples.start(other), author: nil)
        #expect(try store.identityDiscrepancies(of: second) == [IdentityDiscrepancy(session: first, traits: ["birth date"])])
        #expect(try store.identityDiscrepancies(of: first) == [IdentityDiscrepancy(session: second, traits: ["birth date"])])
        #expect(throws: AccordError(.notFound, "no session S3 in this database; `accord session list` shows the sessions it holds.")) {
            try store.identityDiscrepancies(of: SessionID(number: 3))
        }
        // Read together (a bulk import's batch): each session's, in the order asked.
        let birthDate = { (session: SessionID) in [IdentityDiscrepancy(session: session, traits: ["birth date"])] }
        #expect(try store.identityDiscrepancies(of: [second, first, second]) == [birthDate(first), birthDate(second), birthDate(first)])
        #expect(try store.identityDiscrepancies(of: [SessionID]()).isEmpty)
        #expect(throws: AccordError(.notFound, "no session S3 in this database; `accord session list` shows the sessions it holds.")) {
            try store.identityDiscrepancies(of: [first, SessionID(number: 3)])
        }
    }

    static func participation(_ store: any EventStore) throws {
        let id = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(.preferenceAdded(text: "Rester autonome", importance: 5), in: id, author: nil, reason: nil, precondition: nil)
        _ = try store.startSession(Samples.start(), author: nil)
        _ = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil)
        let report = try store.participation(from: nil, to: nil, by: .month, suppression: false)
        #expect(report.rows.map(\.group) == ["2026-03"])
        #expect(report.rows.map(\.sessions) == [1], "the open session is not counted")
        #expect(report.rows.map(\.preferencesRecordedPercent) == [100])
        let suppressed = try store.participation(from: nil, to: nil, by: .month, suppression: true)
        #expect(suppressed.rows.map(\.suppressed) == [true])
        #expect(try store.participation(from: CalendarDate("2026-04-01")!, to: nil, by: .month, suppression: false).rows.isEmpty)
    }

    static func researchObjections(_ store: any EventStore) throws {
        let ins = "1.2.250.1.213.1.4.10/158056912345606"
        let ipp = "IPP/1.2.250.1.999.7.2/IPP-77"
        var withIPP = Samples.start()
        withIPP.ipp = InstanceIdentifier(root: "1.2.250.1.999.7.2", extension_: "IPP-77")
        var ippOnly = withIPP
        ippOnly.patient.ins = nil
        ippOnly.patient.insOID = nil
        var neither = ippOnly
        neither.ipp = nil
        // S1: INS and IPP; S2: the same INS; S3: the same IPP; S4: another patient; S5: neither.
        let s1 = try store.importConsultation(start: withIPP, changes: [option, .sessionClosed], author: nil)
        let s2 = try store.importConsultation(start: Samples.start(), changes: [.sessionClosed], author: nil)
        let s3 = try store.importConsultation(start: ippOnly, changes: [], author: nil)
        let s4 = try store.importConsultation(start: Samples.start(Samples.corsicanIdentity), changes: [.sessionClosed], author: nil)
        let s5 = try store.importConsultation(start: neither, changes: [], author: nil)
        #expect(try store.researchObjections() == [])
        let audit = try store.participation(from: nil, to: nil, by: .clinician, suppression: false)

        // Without a reason: refused, nothing recorded.
        #expect(throws: AccordError.self) {
            _ = try store.record(.researchObjection(objects: true), in: s1, author: nil, reason: nil, precondition: nil)
        }
        #expect(try store.events(of: s1).count == 3)
        // On the closed S1: the INS and the IPP object; not a change of the record.
        let objected = try store.record(
            .researchObjection(objects: true), in: s1, author: nil, reason: "Dit en consultation", precondition: nil)
        #expect(objected.researchObjection && objected.lastSessionSequence == 3 && objected.amendmentCount == 0)
        #expect(try store.events(of: s1).last?.change.kind == "research-objection-recorded")
        let objecting = try store.researchObjections()
        #expect(objecting == [ins, ipp])
        let keptOut = try [s1, s2, s3, s4, s5].filter { try store.consultation($0).patientObjectsToResearch(objectingKeys: objecting) }
        #expect(keptOut == [s1, s2, s3], "by the INS (S2) and by the IPP (S3)")
        // The audit ignores the event.
        #expect(try store.participation(from: nil, to: nil, by: .clinician, suppression: false) == audit)

        // Objected again on S2, then withdrawn there: the latest event of the patient decides.
        _ = try store.record(.researchObjection(objects: true), in: s2, author: nil, reason: "Redit", precondition: nil)
        #expect(try store.researchObjections() == [ins, ipp])
        _ = try store.record(.researchObjection(objects: false), in: s2, author: nil, reason: "Retire son opposition", precondition: nil)
        #expect(try store.researchObjections() == [], "withdrawn on another session of the same INS")
        #expect(try store.consultation(s1).researchObjection, "S1's own event still objects")
        // Objected again on the IPP-only S3: every key of the patient (S1 links the IPP to the INS).
        _ = try store.record(.researchObjection(objects: true), in: s3, author: nil, reason: "Par courrier", precondition: nil)
        #expect(try store.researchObjections() == [ins, ipp])
        // A session known by neither identifier is its own patient.
        _ = try store.record(.researchObjection(objects: true), in: s5, author: nil, reason: "Dit", precondition: nil)
        #expect(try store.researchObjections() == [ins, ipp, "session/S5"])
        #expect(try !store.consultation(s4).patientObjectsToResearch(objectingKeys: store.researchObjections()))
        #expect(try store.verify(head: nil).firstBreak == nil)
    }

    /// Where no objection is recorded, none is found without the chain key (a `session show`
    /// need not read it); where one is, its session is checked with the key, and a key file
    /// that cannot be used (here a folder in its place) is an error.
    static func researchObjectionsKey(_ store: any EventStore) throws {
        let id = try store.importConsultation(start: Samples.start(), changes: [.sessionClosed], author: nil)
        let key = store.keyURL
        let kept = key.appendingPathExtension("kept")
        func withFolderForKey(_ body: () throws -> Void) throws {
            try FileManager.default.moveItem(at: key, to: kept)
            try FileManager.default.createDirectory(at: key, withIntermediateDirectories: false)
            defer {
                try? FileManager.default.removeItem(at: key)
                try? FileManager.default.moveItem(at: kept, to: key)
            }
            try body()
        }
        try withFolderForKey {
            let objecting = try store.researchObjections()
            #expect(objecting == [])
        }
        _ = try store.record(.researchObjection(objects: true), in: id, author: nil, reason: "Dit", precondition: nil)
        try withFolderForKey {
            #expect(throws: AccordError.self) { try store.researchObjections() }
        }
        #expect(try store.researchObjections() == ["1.2.250.1.213.1.4.10/158056912345606"])
    }
}
