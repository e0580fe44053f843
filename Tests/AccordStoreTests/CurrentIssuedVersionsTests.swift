import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `ConsultationStore.currentIssuedVersions(profile:closedFrom:through:)` where SQLite differs
/// from the store contract's scenario "the current issued versions" (which runs on both
/// backends): rows added outside Accord.
@Suite struct CurrentIssuedVersionsTests {
    let store: ConsultationStore

    init() throws {
        store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
    }

    func closedSession() throws -> SessionID { try EventStoreContract.closedSession(store) }

    func issue(_ id: SessionID, profile: String, version: Int) throws {
        try EventStoreContract.issue(store, id, profile: profile, version: version)
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
