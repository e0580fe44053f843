import AccordCore
import AccordTestSupport
import Foundation
import Testing

/// The patient's objection to the re-use of their data for research (issue 16, point 6): its
/// fold, its checks and which patients object.
@Suite struct ResearchObjectionTests {
    static let closedWithIssue: [Change] = [
        .sessionStarted(Samples.start()),
        .noteAdded(text: "n"),
        .sessionClosed,
        .documentIssued(
            DocumentIssue(
                profile: "cda-fr", version: 1, idRoot: "2.999.1", documentID: "2.999.1.1.1.1", replaces: nil,
                documentTime: Samples.instant, sha256: "00", recordSequence: 3, centreSequence: nil)),
    ]

    /// Events with reasons (`nil` for the first ones).
    static func events(_ changes: [Change], reasons: [Int: String]) -> [RecordedEvent] {
        Samples.events(changes).enumerated().map { index, event in
            var event = event
            event.reason = reasons[index]
            return event
        }
    }

    @Test func anObjectionAfterClosingIsNotAChangeOfTheRecord() throws {
        let before = try Consultation(events: Self.events(Self.closedWithIssue, reasons: [:]))
        #expect(before.researchObjection == false)
        let changes = Self.closedWithIssue + [.researchObjection(objects: true)]
        let after = try Consultation(events: Self.events(changes, reasons: [4: "Dit au téléphone"]))
        #expect(after.researchObjection == true)
        // Not a change of the consultation's content: no new document version, no amendment.
        #expect(after.lastSessionSequence == 3 && before.lastSessionSequence == 3)
        #expect(after.lastChangedAt == before.lastChangedAt)
        #expect(after.amendmentCount == 0 && after.amendments.isEmpty)
        #expect(after.authors == before.authors)
        #expect(after.eventCount == 5 && after.lastEventSequence == 5)
        let version = DocumentVersion.of(after, profile: "cda-fr")
        #expect(version.version == 1 && version.alreadyExported)
        // Its encoded form (`session show --json`) is that of the session before.
        #expect(try AccordJSON.encoder().encode(after) == AccordJSON.encoder().encode(before))
        // The latest event of the session wins.
        let withdrawn = try Consultation(
            events: Self.events(changes + [.researchObjection(objects: false)], reasons: [4: "a", 5: "b"]))
        #expect(withdrawn.researchObjection == false)
        #expect(withdrawn.lastSessionSequence == 3 && withdrawn.eventCount == 6)
    }

    @Test func anObjectionNeedsAReasonOpenOrClosed() throws {
        let open = try Consultation(events: Samples.events([.sessionStarted(Samples.start())]))
        let closed = try Consultation(events: Self.events(Self.closedWithIssue, reasons: [:]))
        for consultation in [open, closed] {
            for reason in [nil, "", "  "] {
                #expect(
                    throws: AccordError.invalid(
                        "--reason", "is missing for the patient's research objection",
                        accepted: "--reason \"why\" (for instance how and when the patient said so)")
                ) { try consultation.check(.researchObjection(objects: true), reason: reason) }
            }
            try consultation.check(.researchObjection(objects: true), reason: "Dit en consultation")
        }
        #expect(
            throws: AccordError.invalid(
                "--reason", "is missing for the withdrawal of the research objection",
                accepted: "--reason \"why\" (for instance how and when the patient said so)")
        ) { try open.check(.researchObjection(objects: false), reason: nil) }
    }

    @Test func theSessionChecksOnlyTheReasonThePatientsStateIsDecidedOverTheirSessions() throws {
        // Objecting twice, or withdrawing in a session that holds no objection, is decided by
        // the service over all of the patient's sessions (a withdrawal may come in S2 of an
        // objection recorded in S1): the session's own check asks only for the reason.
        let start: [Change] = [.sessionStarted(Samples.start())]
        let none = try Consultation(events: Samples.events(start))
        try none.check(.researchObjection(objects: false), reason: "r")
        let objecting = try Consultation(events: Self.events(start + [.researchObjection(objects: true)], reasons: [1: "r"]))
        #expect(objecting.researchObjection)
        try objecting.check(.researchObjection(objects: true), reason: "r")
        try objecting.check(.researchObjection(objects: false), reason: "r")
        let withdrawn = try Consultation(
            events: Self.events(
                start + [.researchObjection(objects: true), .researchObjection(objects: false)], reasons: [1: "r", 2: "r"]))
        try withdrawn.check(.researchObjection(objects: true), reason: "r")
    }

    @Test func thePatientIsKnownByTheINSAndTheIPPOrElseBySession() throws {
        var start = Samples.start()
        start.ipp = InstanceIdentifier(root: "1.2.250.1.999.7.2", extension_: "IPP-77")
        let both = try Consultation(events: Samples.events([.sessionStarted(start)], session: SessionID(number: 4)))
        #expect(both.researchIdentifierKeys == ["1.2.250.1.213.1.4.10/158056912345606", "IPP/1.2.250.1.999.7.2/IPP-77"])
        #expect(both.researchPatientKey == both.researchIdentifierKeys[0])
        start.patient.ins = nil
        start.patient.insOID = nil
        let ippOnly = try Consultation(events: Samples.events([.sessionStarted(start)], session: SessionID(number: 4)))
        #expect(ippOnly.researchIdentifierKeys == ["IPP/1.2.250.1.999.7.2/IPP-77"])
        start.ipp = nil
        let neither = try Consultation(events: Samples.events([.sessionStarted(start)], session: SessionID(number: 4)))
        #expect(neither.researchIdentifierKeys == ["session/S4"])
        #expect(neither.patientObjectsToResearch(objectingKeys: ["session/S4"]))
        #expect(!neither.patientObjectsToResearch(objectingKeys: ["session/S5", "IPP/1.2.250.1.999.7.2/IPP-77"]))
    }

    static let ins = "1.2.250.1.213.1.4.10/158056912345606"
    static let ipp = "IPP/1.2.250.1.999.7.2/IPP-77"
    static let other = "1.2.250.1.213.1.4.10/283042A00401797"

    @Test func perPatientTheLatestEventDecides() {
        typealias Latest = ResearchObjections.Latest
        #expect(ResearchObjections.objectingKeys([]) == [])
        // An objection: every key of the patient.
        #expect(
            ResearchObjections.objectingKeys([Latest(sequence: 10, objects: true, keys: [Self.ins, Self.ipp])]) == [Self.ins, Self.ipp])
        // Withdrawn later in another session of the same INS: no objection.
        #expect(
            ResearchObjections.objectingKeys([
                Latest(sequence: 10, objects: true, keys: [Self.ins, Self.ipp]), Latest(sequence: 20, objects: false, keys: [Self.ins]),
            ]) == [])
        // Withdrawn earlier: the objection stands, for the keys of both sessions.
        #expect(
            ResearchObjections.objectingKeys([
                Latest(sequence: 20, objects: true, keys: [Self.ins]), Latest(sequence: 10, objects: false, keys: [Self.ins, Self.ipp]),
            ]) == [Self.ins, Self.ipp])
        // Linked through a third session: S1 by the IPP, S3 by the INS.
        #expect(
            ResearchObjections.objectingKeys([
                Latest(sequence: 5, objects: true, keys: [Self.ipp]), Latest(sequence: 7, objects: true, keys: [Self.ins, Self.ipp]),
                Latest(sequence: 9, objects: false, keys: [Self.ins]),
            ]) == [])
        // Another patient is not touched.
        #expect(
            ResearchObjections.objectingKeys([
                Latest(sequence: 10, objects: true, keys: [Self.other]), Latest(sequence: 20, objects: false, keys: [Self.ins]),
            ]) == [Self.other])
    }
}
