import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import Testing

/// `ConsultationStore.currentIssuedVersions(profile:closedFrom:through:)`: the issued version
/// of each session that is still current, read without folding the sessions.
@Suite struct CurrentIssuedVersionsTests {
    let store: ConsultationStore

    init() throws {
        store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
    }

    /// A closed session.
    func closedSession() throws -> SessionID {
        let id = try store.startSession(Samples.start())
        try store.record(.sessionClosed, in: id)
        return id
    }

    /// Records version `version` of `profile` for the session as it is now.
    func issue(_ id: SessionID, profile: String, version: Int) throws {
        let branch = profile == "cda-fr" ? "1" : "3"
        let issue = DocumentIssue(
            profile: profile, version: version, idRoot: "1.2.250.1.999.7",
            documentID: "1.2.250.1.999.7.\(branch).\(id.number).\(version)",
            replaces: version > 1 ? "1.2.250.1.999.7.\(branch).\(id.number).\(version - 1)" : nil, documentTime: Samples.instant,
            sha256: String(repeating: "a", count: 64), recordSequence: try store.consultation(id).lastSessionSequence, centreSequence: nil,
            idBranch: branch)
        #expect(try store.recordIssue(issue, session: id))
    }

    @Test func theLastIssueOfTheProfileCountsWhileTheRecordIsUnchanged() throws {
        let s1 = try closedSession()
        let s2 = try closedSession()
        let s3 = try closedSession()
        _ = try closedSession()
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [:])

        try issue(s1, profile: "cda-fr", version: 1)
        try issue(s2, profile: "cda-fr", version: 1)
        try issue(s3, profile: "fhir-r4", version: 1)
        // An issue of another profile after it is no change of S1's record.
        try issue(s1, profile: "fhir-r4", version: 1)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [s1: 1, s2: 1])
        #expect(try store.currentIssuedVersions(profile: "fhir-r4", closedFrom: nil, through: nil) == [s1: 1, s3: 1])

        // S2 changed since its issue: no current version until the next one is issued.
        try store.record(.noteAdded(text: "late"), in: s2, reason: "forgotten")
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [s1: 1])
        try issue(s2, profile: "cda-fr", version: 2)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [s1: 1, s2: 2])
        #expect(try store.currentIssuedVersions(profile: "cda-fr+pseudonymised", closedFrom: nil, through: nil) == [:])
    }

    @Test func theClosingDaysBoundTheSessions() throws {
        let s1 = try closedSession()
        try issue(s1, profile: "cda-fr", version: 1)
        let day = CalendarDate(utcDayOf: Samples.instant)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: day, through: day) == [s1: 1])
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: CalendarDate("2099-01-01"), through: nil) == [:])
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: CalendarDate("2000-01-01")) == [:])
    }

    /// An issue row Accord never writes (added behind its back) neither stops the read nor
    /// makes its session current: a payload that is not JSON is not seen (the old query failed
    /// on it), and a last issue holding a version or a record sequence as text leaves its
    /// session out, so that an export reads and checks that session's events.
    @Test func anIssueRowAccordNeverWritesMakesNoSessionCurrent() throws {
        let sessions = try (0..<4).map { _ in try closedSession() }
        for id in sessions { try issue(id, profile: "cda-fr", version: 1) }
        func insertIssue(_ id: SessionID, payload: String) throws {
            try store.executeForTesting(
                """
                INSERT INTO event (seq, session_number, session_seq, recorded_at, author, kind, payload, reason, chain)
                VALUES ((SELECT MAX(seq) + 1 FROM event), \(id.number),
                    (SELECT MAX(session_seq) + 1 FROM event WHERE session_number = \(id.number)),
                    '2026-03-02T09:30:00Z', '810000000001', 'document-issued', '\(payload)', NULL, 'x')
                """)
        }
        func recordSequence(_ id: SessionID) throws -> Int { try store.consultation(id).lastSessionSequence }
        try insertIssue(sessions[0], payload: "not JSON")
        try insertIssue(sessions[1], payload: #"{"profile":"cda-fr","version":"2","record_sequence":\#(try recordSequence(sessions[1]))}"#)
        try insertIssue(sessions[2], payload: #"{"profile":"cda-fr","version":2,"record_sequence":"\#(try recordSequence(sessions[2]))"}"#)
        #expect(try store.currentIssuedVersions(profile: "cda-fr", closedFrom: nil, through: nil) == [sessions[0]: 1, sessions[3]: 1])
    }
}
