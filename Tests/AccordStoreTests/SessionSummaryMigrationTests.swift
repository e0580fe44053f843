import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import GRDB
import Testing

@Suite final class SessionSummaryMigrationTests {
    /// The suite's scratch folder, removed with the suite.
    let scratch: ScratchFolder
    var folder: URL { scratch.url }
    let path: String
    let key: String

    init() throws {
        scratch = try ScratchFolder("accord-summary")
        (path, key) = (scratch.url.appendingPathComponent("a.sqlite").path, scratch.url.appendingPathComponent("k.key").path)
    }

    /// A store in a file of the scratch folder, which plain SQL can open beside it.
    func fileStore() throws -> ConsultationStore {
        try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
    }

    @Test func aDatabaseFromBeforeV5GetsItsPatientColumnsFilled() throws {
        let store = try fileStore()
        var corsican = Samples.start(Samples.corsicanIdentity)
        corsican.ipp = InstanceIdentifier(root: "1.2.250.1.999.1.2", extension_: "IPP-2")
        _ = try store.startSession(Samples.start())
        _ = try store.startSession(corsican)
        // As a database written before migration v5 was: start events in the payload shape of
        // that time, no patient columns, no indexes.
        func legacy(_ start: SessionStart) throws -> String {
            String(decoding: try AccordJSON.encoder().encode(Change.sessionStarted(start)), as: UTF8.self)
                .replacingOccurrences(of: "'", with: "''")
        }
        try store.executeForTesting(
            """
            DROP TRIGGER event_no_update;
            UPDATE event SET payload = '\(try legacy(Samples.start()))' WHERE session_number = 1 AND session_seq = 1;
            UPDATE event SET payload = '\(try legacy(corsican))' WHERE session_number = 2 AND session_seq = 1;
            DROP INDEX session_patient_ins; DROP INDEX session_ipp; DROP INDEX session_clinician; DROP INDEX session_started_at;
            ALTER TABLE session DROP COLUMN patient_ins; ALTER TABLE session DROP COLUMN ipp; ALTER TABLE session DROP COLUMN ipp_root;
            ALTER TABLE session DROP COLUMN clinician_id; ALTER TABLE session DROP COLUMN birth_family_name;
            ALTER TABLE session DROP COLUMN first_given_name; ALTER TABLE session DROP COLUMN birth_date;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v5:%'
            """)
        // A command that only reads, run by a user who may write the database, brings its schema
        // up to date once, then reads.
        let migrated = try ConsultationStore.openReadOnly(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        let sessions = try migrated.sessions()
        #expect(sessions.map(\.id.description) == ["S2", "S1"])
        #expect(sessions[0].patientINS == "283042A00401797")
        #expect(sessions[0].ipp == InstanceIdentifier(root: "1.2.250.1.999.1.2", extension_: "IPP-2"))
        #expect(sessions[0].birthFamilyName == "D'ARTAGNAN-LE-GALL" && sessions[0].firstGivenName == "MARIE-CLAIRE")
        #expect(sessions[0].birthDate == "1983-04-09" && sessions[0].clinicianID == Samples.clinicianID)
        #expect(sessions[1].patientINS == "158056912345606" && sessions[1].ipp == nil && sessions[1].birthFamilyName == "MARCHAND-D'ESTE")
        #expect(try migrated.sessions(matching: SessionQuery(ipp: "IPP-2")).map(\.number) == [2])
        #expect(try migrated.sessions(matching: SessionQuery(ins: "158056912345606", limit: 5)).map(\.number) == [1])
    }

    @Test func aCorrectionKeepsTheSummaryUpToDate() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let id = try store.startSession(Samples.start())
        try store.record(.sessionClosed, in: id)
        let correction = IdentityCorrection(birthFamilyName: "MARCHAND", birthDate: CalendarDate("1958-05-18")!)
        #expect(throws: AccordError.self) { try store.record(.identityCorrected(correction), in: id) }
        let consultation = try store.record(.identityCorrected(correction), in: id, reason: "erreur de saisie")
        #expect(consultation.start.patient.birthFamilyName == "MARCHAND")
        #expect(consultation.patient.name == "MARCHAND LUC JEAN-BAPTISTE")
        #expect(consultation.lastSessionSequence == 3)
        let summary = try #require(try store.sessions().first)
        #expect(summary.birthFamilyName == "MARCHAND" && summary.birthDate == "1958-05-18" && summary.eventCount == 3)
        // The corrected identity as a whole is checked: a birth date after today is refused.
        let future = IdentityCorrection(birthDate: CalendarDate("2030-01-01")!)
        #expect(throws: AccordError.self) { try store.record(.identityCorrected(future), in: id, reason: "x") }
        // A correction that changes nothing is refused.
        #expect(throws: AccordError.self) { try store.record(.identityCorrected(IdentityCorrection()), in: id, reason: "x") }
    }
    /// An issued document changes only its row's event count; a row changed or deleted behind
    /// Accord's back is written whole again from the events.
    @Test func anIssueRestoresATamperedSummaryFromTheEvents() throws {
        let store = try fileStore()
        var sessions: [SessionID] = []
        for start in [Samples.start(), Samples.start(Samples.corsicanIdentity), Samples.start()] {
            let id = try store.startSession(start)
            try store.record(.sessionClosed, in: id)
            sessions.append(id)
        }
        // As someone holding only the file would, without Accord's foreign key checks.
        var plain = Configuration()
        plain.foreignKeysEnabled = false
        let raw = try DatabaseQueue(path: path, configuration: plain)
        func rows() throws -> [[String: DatabaseValue]] {
            try raw.read { try Row.fetchAll($0, sql: "SELECT * FROM session ORDER BY number") }.map { row in
                Dictionary(uniqueKeysWithValues: zip(row.columnNames, row.databaseValues))
            }
        }
        var expected = try rows()
        #expect(expected.count == 3 && expected.allSatisfy { $0["event_count"] == 2.databaseValue })
        for index in expected.indices { expected[index]["event_count"] = 3.databaseValue }
        try raw.write { db in
            try db.execute(sql: "UPDATE session SET topic = 'x', patient_ins = NULL WHERE number = 1")
            try db.execute(sql: "DELETE FROM session WHERE number = 2")
        }
        let pending = try sessions.enumerated().map { index, id in
            PendingIssue(
                issue: DocumentIssue(
                    profile: "cda-fr", version: 1, idRoot: "1.2.250.1.999.7", documentID: "1.2.250.1.999.7.1.\(index + 1).1", replaces: nil,
                    documentTime: Samples.instant, sha256: String(repeating: "a", count: 64), recordSequence: 2 * index + 2,
                    centreSequence: nil),
                session: id, checked: try store.consultation(id))
        }
        #expect(try store.recordIssues(pending) == [true, true, true])
        #expect(try rows() == expected)
        #expect(try store.verify(head: nil).firstBreak == nil)
    }
}
