import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import GRDB
import Testing

/// Tampering with the database behind Accord's back, with plain SQL, as someone holding only
/// the database file could.
@Suite final class ChainVerificationTests {
    /// The suite's scratch folder, removed with the suite.
    let scratch: ScratchFolder
    var folder: URL { scratch.url }
    let path: String
    let keyFile: String

    init() throws {
        scratch = try ScratchFolder("accord-chain")
        path = scratch.url.appendingPathComponent("accord.sqlite").path
        keyFile = scratch.url.appendingPathComponent("keys/chain.key").path
    }

    func store() throws -> ConsultationStore {
        try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: keyFile)
    }

    /// Two sessions, interleaved: 8 events in all.
    func populate() throws -> ConsultationStore {
        let store = try store()
        let first = try store.startSession(Samples.start())
        let second = try store.startSession(Samples.start(Samples.corsicanIdentity))
        try store.record(.noteAdded(text: "one"), in: first)
        try store.record(.noteAdded(text: "two"), in: second)
        try store.record(.optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil), in: first)
        try store.record(.decisionRecorded(outcome: .agreed(option: 1), takenBy: []), in: first)
        try store.record(.sessionClosed, in: first)
        try store.record(.noteAdded(text: "three"), in: first, reason: "added after the consultation")
        return store
    }

    /// Runs SQL on the file with a plain connection, triggers dropped first.
    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS event_no_update; DROP TRIGGER IF EXISTS event_no_delete;")
            try db.execute(sql: sql)
        }
    }

    @Test func aWholeChainVerifies() throws {
        let store = try populate()
        let result = try store.verify()
        #expect(result.eventCount == 8)
        #expect(result.firstBreak == nil)
        #expect(result.head?.sequence == 8)
        #expect(result.head?.hash.count == 64)
        #expect(try store.verify(head: result.head).firstBreak == nil)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func anEditedPayloadIsFound() throws {
        let store = try populate()
        try tamper("UPDATE event SET payload = replace(payload, 'two', 'TWO') WHERE seq = 4")
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == 4)
        #expect(broken.problem == "its chain value does not match its content: the event was edited, or moved from elsewhere in the log")
        try? FileManager.default.removeItem(at: folder)
    }

    /// Without running `verify`: a session whose events were edited is neither changed nor
    /// exported; the other session is untouched and goes on.
    @Test func anEditedSessionIsNeitherChangedNorExported() throws {
        let store = try populate()
        try tamper("UPDATE event SET payload = replace(payload, 'two', 'TWO') WHERE seq = 4")
        let message =
            "session S2 does not match the event chain (event 4 does not match the event chain): the database was changed outside Accord; run `accord verify` (nothing was recorded or exported)."
        #expect(throws: AccordError(.conflict, message)) { try store.record(.noteAdded(text: "four"), in: SessionID(number: 2)) }
        #expect(throws: AccordError(.conflict, message)) { try store.consultationCheckedAgainstChain(SessionID(number: 2)) }
        #expect(try store.consultationCheckedAgainstChain(SessionID(number: 1)).checked)
        // An event before the session's first one deleted: its link is broken too.
        let other = try populate()
        try tamper("DELETE FROM event WHERE seq = 2")
        #expect(throws: AccordError.self) { try other.consultationCheckedAgainstChain(SessionID(number: 1)) }
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func anEditedAuthorTimeOrReasonIsFound() throws {
        for sql in [
            "UPDATE event SET author = '801234567897' WHERE seq = 3",
            "UPDATE event SET recorded_at = '2026-03-01T09:30:00Z' WHERE seq = 3",
            "UPDATE event SET reason = NULL WHERE seq = 8",
        ] {
            let store = try populate()
            try tamper(sql)
            let broken = try #require(try store.verify().firstBreak, "\(sql)")
            #expect(broken.sequence == (sql.contains("seq = 8") ? 8 : 3))
            try FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// Values Accord never writes, whose link still matches because a read converts or cuts
    /// them back to what was chained: bytes after a NUL, a number stored as a real or a text,
    /// a text stored as a BLOB. Each is a break at its event.
    @Test(arguments: [
        "payload = payload || char(0) || 'added after the chain'",
        "session_seq = session_seq + 0.7",
        "session_seq = session_seq || 'x'",
        "payload = CAST(payload AS BLOB)",
        "author = CAST(author AS BLOB)",
    ])
    func aValueAccordNeverWritesIsFound(change: String) throws {
        let store = try populate()
        try tamper("UPDATE event SET \(change) WHERE seq = 4")
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == 4)
        #expect(
            broken.problem
                == "it holds a value Accord never writes (a NUL byte, invalid UTF-8, or a number or text stored as another type): the event was changed outside Accord"
        )
        // Without `verify`: the session is neither changed nor exported; the other goes on.
        let message =
            "session S2 does not match the event chain (event 4 holds a value Accord never writes): the database was changed outside Accord; run `accord verify` (nothing was recorded or exported)."
        #expect(throws: AccordError(.conflict, message)) { try store.record(.noteAdded(text: "four"), in: SessionID(number: 2)) }
        #expect(throws: AccordError(.conflict, message)) { try store.consultationCheckedAgainstChain(SessionID(number: 2)) }
        #expect(try store.consultationCheckedAgainstChain(SessionID(number: 1)).checked)
        try? FileManager.default.removeItem(at: folder)
    }

    /// A seal whose count or tag a read would convert back to the sealed values (a count stored
    /// as a real or a text, bytes after a NUL in the tag) is a break at the session's last event.
    @Test(arguments: [
        "event_count = event_count + 0.25",
        "event_count = event_count || 'x'",
        "last_seq = last_seq || 'x'",
        "tag = tag || char(0) || 'x'",
        "tag = CAST(tag AS BLOB)",
    ])
    func aSealStoredOtherwiseIsFound(change: String) throws {
        let store = try populate()
        #expect(try store.verify().firstBreak == nil)
        try tamper("UPDATE session_seal SET \(change) WHERE session_number = 2")
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == 4)
        #expect(
            broken.problem == "session S2's events do not match its seal: its last event (4) was removed, or the seal was changed")
        let message =
            "session S2 does not match the event chain (its seal holds a value Accord never writes): the database was changed outside Accord; run `accord verify` (nothing was recorded or exported)."
        #expect(throws: AccordError(.conflict, message)) { try store.consultationCheckedAgainstChain(SessionID(number: 2)) }
        #expect(try store.consultationCheckedAgainstChain(SessionID(number: 1)).checked)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aDeletedEventIsFound() throws {
        let store = try populate()
        try tamper("DELETE FROM event WHERE seq = 5")
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == 5)
        #expect(broken.problem == "events 5…5 are missing (removed)")
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aDeletedEventRenumberedIsFound() throws {
        let store = try populate()
        try tamper("DELETE FROM event WHERE seq = 5; UPDATE event SET seq = seq - 1 WHERE seq > 5")
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == 5)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func swappedEventsAreFound() throws {
        let store = try populate()
        // Swap the contents of events 3 and 4 (both notes, one per session) with their chain values.
        try tamper(
            """
            UPDATE event SET seq = -3 WHERE seq = 3;
            UPDATE event SET seq = 3 WHERE seq = 4;
            UPDATE event SET seq = 4 WHERE seq = -3;
            """)
        let broken = try #require(try store.verify().firstBreak)
        #expect(broken.sequence == 3)
        try? FileManager.default.removeItem(at: folder)
    }

    /// A database from before issued documents were recorded: its exported versions count (the
    /// next export issues the version after them), only for the sessions it held then.
    @Test func versionsExportedBeforeIssuesWereRecordedCountForTheirSessionsOnly() throws {
        _ = try populate()
        try tamper(
            """
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v4:%';
            DROP TABLE session_seal; DROP INDEX event_session_closed;
            DELETE FROM metadata WHERE key IN ('sessions_sealed', 'legacy_versions_through');
            INSERT INTO document_version VALUES (1, 'cda-fr', 2, 5, '2026-03-02T09:30:00Z');
            """)
        let store = try store()
        let first = try store.consultation(SessionID(number: 1))
        let version = try store.documentVersion(for: first, profile: "cda-fr")
        #expect(version == DocumentVersion(version: 3, replaces: 2, alreadyExported: false), "the record changed since version 2")
        // A row written for a session started afterwards is not Accord's: ignored.
        let third = try store.startSession(Samples.start())
        try store.record(.sessionClosed, in: third)
        try tamper("INSERT INTO document_version VALUES (3, 'cda-fr', 7, 2, '2026-03-02T09:30:00Z')")
        #expect(try store.documentVersion(for: store.consultation(third), profile: "cda-fr").version == 1)
        // The sessions recorded before seals are sealed by the first change, after a whole-chain check.
        try store.record(.noteAdded(text: "four"), in: SessionID(number: 2))
        #expect(try store.verify().firstBreak == nil)
    }

    @Test func truncationIsFoundOnlyAgainstARecordedHead() throws {
        let store = try populate()
        let head = try #require(try store.verify().head)
        try tamper("DELETE FROM event WHERE seq >= 7")
        // The seals of the sessions whose last events went find it.
        #expect(try store.verify().firstBreak?.problem.contains("do not match its seal") == true)
        // Without a recorded head, removing the last events and their sessions' seals cannot be seen.
        try tamper("DELETE FROM session_seal")
        #expect(try store.verify().firstBreak == nil)
        let broken = try #require(try store.verify(head: head).firstBreak)
        #expect(broken.sequence == 8)
        #expect(broken.problem == "the recorded head's event is gone: events up to it were removed (the log was truncated)")
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aRewrittenLogDiffersFromTheRecordedHead() throws {
        let store = try populate()
        let head = try #require(try store.verify().head)
        try tamper("UPDATE event SET chain = '\(String(repeating: "0", count: 64))' WHERE seq = 8")
        let broken = try #require(try store.verify(head: head).firstBreak)
        #expect(broken.sequence == 8)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aMissingKeyStopsWritesAndVerification() throws {
        let store = try populate()
        try FileManager.default.removeItem(atPath: keyFile)
        #expect(
            throws: AccordError(
                .io,
                "the chain key of this database is missing; restore the key file from its backup, or set ACCORD_KEY_FILE to its place (nothing was recorded)."
            )
        ) {
            try store.record(.noteAdded(text: "x"), in: SessionID(number: 2))
        }
        #expect(throws: AccordError.self) { try store.verify() }
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aWrongKeyIsRefusedBeforeWriting() throws {
        let store = try populate()
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: keyFile))
        #expect(
            throws: AccordError(
                .io,
                "the chain key file does not match this database's event chain (another database's key, or the chain was changed); "
                    + "give the right key with --key-file or ACCORD_KEY_FILE, and run `accord verify` (nothing was recorded).")
        ) {
            try store.record(.noteAdded(text: "x"), in: SessionID(number: 2))
        }
        #expect(try store.events(of: SessionID(number: 2)).count == 2)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func filesArePrivate() throws {
        let store = try populate()
        withExtendedLifetime(store) {
            // The store is open, so its write-ahead log exists beside the database.
            for file in [path, keyFile, path + "-wal"] {
                let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file)")
            }
        }
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aDatabaseFromANewerAccordIsRefused() throws {
        _ = try populate()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        #expect(
            throws: AccordError(
                .io,
                "the database was written by a newer version of Accord; open it with that version (this one will not migrate it downwards)."
            )
        ) {
            try store()
        }
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite struct AmendmentTests {
    @Test func closedSessionsChangeOnlyWithAReason() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let id = try store.startSession(Samples.start())
        try store.record(.optionAdded(kind: .treatment, label: "A", benefits: [], harms: [], trialID: nil, origin: nil), in: id)
        try store.record(.optionAdded(kind: .activeSurveillance, label: "B", benefits: [], harms: [], trialID: nil, origin: nil), in: id)
        try store.record(.decisionRecorded(outcome: .agreed(option: 1), takenBy: []), in: id)
        try store.record(.sessionClosed, in: id)
        #expect(
            throws: AccordError(
                .conflict,
                "session S1 is closed: a change to it is an amendment; repeat the command with --reason \"why\" to record it as one.")
        ) {
            try store.record(.noteAdded(text: "x"), in: id)
        }
        #expect(
            throws: AccordError.invalid(
                "--reason", "is empty", accepted: "text on one line of at most 2000 characters, without control characters")
        ) {
            try store.record(.noteAdded(text: "x"), in: id, reason: "  ")
        }
        // A correction: withdraw option 2, add it again as option 3; numbers are not reused.
        try store.record(.entryWithdrawn(entry: EntryID("O2")), in: id, reason: "wrong kind")
        var consultation = try store.record(
            .optionAdded(kind: .noTreatment, label: "B", benefits: [], harms: [], trialID: nil, origin: nil), in: id, reason: "wrong kind")
        #expect(consultation.options.map(\.number) == [1, 2, 3])
        #expect(consultation.options.map(\.withdrawn) == [false, true, false])
        #expect(consultation.amendmentCount == 2)
        #expect(throws: AccordError(.conflict, "option 1 is the agreed option of decision D1; withdraw D1 first.", field: "ENTRY")) {
            try store.record(.entryWithdrawn(entry: EntryID("O1")), in: id, reason: "r")
        }
        #expect(throws: AccordError(.conflict, "entry O2 of session S1 is already withdrawn.", field: "ENTRY")) {
            try store.record(.entryWithdrawn(entry: EntryID("O2")), in: id, reason: "r")
        }
        consultation = try store.record(.decisionRecorded(outcome: .agreed(option: 3), takenBy: []), in: id, reason: "patient changed mind")
        #expect(consultation.decision?.outcome == .agreed(option: 3))
        let events = try store.events(of: id)
        #expect(events.map(\.reason) == [nil, nil, nil, nil, nil, "wrong kind", "wrong kind", "patient changed mind"])
    }

    @Test func documentVersionsFollowIssuedDocuments() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let id = try store.startSession(Samples.start())
        try store.record(.sessionClosed, in: id)
        var consultation = try store.consultation(id)
        let first = try store.documentVersion(for: consultation, profile: "cda-fr")
        #expect(first == DocumentVersion(version: 1, replaces: nil, alreadyExported: false))
        func issue(_ version: Int, replaces: String?, sha: Character) -> DocumentIssue {
            DocumentIssue(
                profile: "cda-fr", version: version, idRoot: "1.2.250.1.999.7", documentID: "1.2.250.1.999.7.1.1.\(version)",
                replaces: replaces, documentTime: Samples.instant, sha256: String(repeating: sha, count: 64),
                recordSequence: try! store.consultation(id).lastSessionSequence, centreSequence: nil)
        }
        let one = issue(1, replaces: nil, sha: "a")
        #expect(try store.recordIssue(one, session: id))
        #expect(try !store.recordIssue(one, session: id), "the same issue again records nothing")
        consultation = try store.consultation(id)
        #expect(consultation.issuedDocuments == [one])
        #expect(consultation.lastSessionSequence == 2, "an issued document is not a change of the record")
        let again = try store.documentVersion(for: consultation, profile: "cda-fr")
        #expect(again == DocumentVersion(version: 1, replaces: nil, alreadyExported: true, issued: one, idRoot: "1.2.250.1.999.7"))
        // Another export issuing version 1 with other bytes is refused.
        var other = one
        other.sha256 = String(repeating: "b", count: 64)
        #expect(throws: AccordError.self) { try store.recordIssue(other, session: id) }

        consultation = try store.record(.noteAdded(text: "late"), in: id, reason: "forgotten")
        let second = try store.documentVersion(for: consultation, profile: "cda-fr")
        #expect(
            second
                == DocumentVersion(
                    version: 2, replaces: 1, alreadyExported: false, idRoot: "1.2.250.1.999.7", replacedDocumentID: "1.2.250.1.999.7.1.1.1")
        )
        #expect(try store.recordIssue(issue(2, replaces: one.documentID, sha: "c"), session: id))
        #expect(try store.documentVersion(for: store.consultation(id), profile: "cda-fr").alreadyExported)
        #expect(try store.documentVersion(for: store.consultation(id), profile: "fhir-r4").version == 1)

        // The versions come from the events: the cache table emptied changes nothing.
        try store.executeForTesting("DELETE FROM document_version")
        #expect(try store.documentVersion(for: store.consultation(id), profile: "cda-fr").version == 2)
        let verification = try store.verify()
        #expect(verification.firstBreak == nil && verification.issuedDocumentCount == 2)
    }
}

/// Ids that never collide (issue 15, part 4): documents issued before each profile had its own
/// id branch may share an id across profiles (counted by verify); later ones may not.
@Suite struct DocumentIDBranchVerificationTests {
    @Test func legacySharedIDsAreCountedAndNewOnesRefused() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let id = try store.startSession(Samples.start())
        try store.record(.sessionClosed, in: id)
        let sequence = try store.consultation(id).lastSessionSequence
        func issue(_ profile: String, _ documentID: String, sha: Character, branch: String?) -> DocumentIssue {
            DocumentIssue(
                profile: profile, version: 1, idRoot: "1.2.250.1.999.7", documentID: documentID, replaces: nil,
                documentTime: Samples.instant,
                sha256: String(repeating: sha, count: 64), recordSequence: sequence, centreSequence: nil, idBranch: branch)
        }
        // Before the branches: CDA and FHIR version 1 both ROOT.1.S.1, with different bytes.
        #expect(try store.recordIssue(issue("cda-fr", "1.2.250.1.999.7.1.1.1", sha: "a", branch: nil), session: id))
        #expect(try store.recordIssue(issue("fhir-r4", "1.2.250.1.999.7.1.1.1", sha: "b", branch: nil), session: id))
        var verification = try store.verify()
        #expect(verification.firstBreak == nil)
        #expect(verification.issuedDocumentCount == 2)
        #expect(verification.legacySharedIDCount == 1)
        // Under the branches, an id another profile issued is refused.
        let error = try #require(throws: AccordError.self) {
            try store.recordIssue(issue("centre-simple", "1.2.250.1.999.7.1.1.1", sha: "c", branch: "1"), session: id)
        }
        #expect(
            error.message
                == "version 1 of session S1's centre-simple document would carry an id another export profile issued before; export again (nothing was recorded)."
        )
        #expect(try store.recordIssue(issue("centre-simple", "1.2.250.1.999.7.4.40.1.1", sha: "c", branch: "4.40"), session: id))
        verification = try store.verify()
        #expect(verification.firstBreak == nil && verification.issuedDocumentCount == 3 && verification.legacySharedIDCount == 1)
    }
}

@Suite struct ChainKeyModeTests {
    @Test func aKeyEveryUserCanReadIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-keymode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, key) = (folder.appendingPathComponent("a.sqlite").path, folder.appendingPathComponent("k.key").path)
        let store = try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        let id = try store.startSession(Samples.start())
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        #expect(
            throws: AccordError(
                .io,
                "the chain key file can be used by every user of this machine (mode 644); restrict it with chmod 600 (or 640 for a group of users sharing the database) and check that it was not copied."
            )
        ) { try store.record(.noteAdded(text: "x"), in: id) }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
        try store.record(.noteAdded(text: "x"), in: id)
    }
}
