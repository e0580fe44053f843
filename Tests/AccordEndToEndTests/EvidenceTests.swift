import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// What Accord exports or lets change is decided by the verified events alone: an attacker
/// holding the database but not the key, derived tables deleted, issued documents, a wrong
/// clock, read-only users. Each test drives the built binary.
@Suite(.serialized) struct EvidenceTests {
    /// The sample consultation (closed) as S1, then an open session S2 whose events follow S1's in
    /// the log.
    func twoSessions() throws -> AccordCLI {
        let cli = try AccordCLI()
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).stdout == "S1\n")
        #expect(try cli.run(BadInputTests.start).stdout == "S2\n")
        #expect(try cli.run(["note", "add", "S2", "--text", "suite"]).status == 0)
        return cli
    }

    /// ``twoSessions()``, then an open session S3 whose events follow S2's.
    func threeSessions() throws -> AccordCLI {
        let cli = try twoSessions()
        #expect(try cli.run(BadInputTests.start).stdout == "S3\n")
        return cli
    }

    /// Plays the attacker: raw SQL on the database, its append-only guards off first (on either
    /// backend, ``AccordCLI/tamper(_:)``).
    func tamper(_ cli: AccordCLI, _ sql: String) throws {
        try cli.tamper(sql)
    }

    func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    // MARK: - 1. Exports and changes decide from verified events only

    @Test(arguments: [
        (
            "the last event of S1 removed while S2's events follow it",
            "DELETE FROM event WHERE seq = (SELECT MAX(seq) FROM event WHERE session_number = 1)"
        ),
        ("an event from the middle of S1 removed", "DELETE FROM event WHERE session_number = 1 AND session_seq = 3"),
        ("an event of S1 edited", "UPDATE event SET author = '810000000000' WHERE session_number = 1 AND session_seq = 2"),
        (
            "the last event of S1 moved to S2",
            "UPDATE event SET session_number = 2, session_seq = 99 WHERE seq = (SELECT MAX(seq) FROM event WHERE session_number = 1)"
        ),
        (
            "S1's seal deleted with its last event",
            "DELETE FROM session_seal WHERE session_number = 1; DELETE FROM event WHERE seq = (SELECT MAX(seq) FROM event WHERE session_number = 1)"
        ),
    ])
    func aSessionWhoseEventsAreIncompleteIsNeitherExportedNorChanged(_ attack: String, _ sql: String) throws {
        let cli = try threeSessions()
        defer { cli.cleanUp() }
        try tamper(cli, sql)
        let export = try cli.run(["export", "S1", "--out", "out"])
        #expect(export.status == 1, "\(attack): \(export.stderr)")
        #expect(
            export.stderr.contains("session S1 does not match the event chain") && export.stderr.contains("accord verify"),
            "\(export.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("out/S1-v1.cda.xml").path))
        let change = try cli.run(["note", "add", "S1", "--text", "x", "--reason", "late"])
        #expect(change.status == 1 && change.stderr.contains("session S1 does not match the event chain"), "\(attack): \(change.stderr)")
        #expect(try cli.run(["verify"]).status == 2, "\(attack)")
        // A session none of whose events neighbours the changed ones is untouched and still changes
        // (S2's first event links to S1's last one, so S2 is refused too where that one went).
        #expect(try cli.run(["note", "add", "S3", "--text", "encore"]).status == 0)
    }

    @Test func sessionsRecordedBeforeSealsAreSealedAfterAWholeChainCheck() throws {
        let cli = try threeSessions()
        defer { cli.cleanUp() }
        // A database from before seals: none, and no mark that every session is sealed.
        try tamper(cli, "DELETE FROM session_seal; DELETE FROM metadata WHERE key = 'sessions_sealed'")
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", "batch"])
        #expect(batch.status == 0 && batch.stdout.hasSuffix("batch/S1-v1.cda.xml\n"), "\(batch.stderr)")
        #expect(try cli.run(["note", "add", "S2", "--text", "encore"]).status == 0)
        // Sealed now: S1's last event removed is found by its seal alone.
        try tamper(cli, "DELETE FROM event WHERE seq = (SELECT MAX(seq) FROM event WHERE session_number = 1)")
        let export = try cli.run(["export", "S1", "--out", "again"])
        #expect(export.status == 1 && export.stderr.contains("do not match its seal"), "\(export.stderr)")
    }

    @Test(arguments: [
        (
            "the last centre settings edited",
            "UPDATE event SET payload = replace(payload, 'Centre exemple', 'Centre pirate') WHERE seq = (SELECT MAX(seq) FROM event WHERE kind = 'centre-settings-changed')"
        ),
        (
            "the last centre settings removed",
            "DELETE FROM event WHERE seq = (SELECT MAX(seq) FROM event WHERE kind = 'centre-settings-changed')"
        ),
    ])
    func centreSettingsThatDoNotMatchTheChainAreNeverExported(_ attack: String, _ sql: String) throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        for root in ["1.2.250.1.999.7", "1.2.250.1.999.8"] {
            let set = try cli.run([
                "centre", "set", "--oid-root", root, "--finess", "690000880", "--name", "Centre exemple",
                "--address", "28 rue Laennec, 69008 LYON", "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
            ])
            #expect(set.status == 0, "\(set.stderr)")
        }
        #expect(try cli.run(["export", "S1", "--out", "a"]).status == 0)
        #expect(try cli.run(["session", "close", "S2"]).status == 0)
        try tamper(cli, sql)
        let single = try cli.run(["export", "S2", "--out", "b"])
        #expect(
            single.status == 1 && single.stderr.contains("centre settings") && single.stderr.contains("does not match the event chain")
                || single.stderr.contains("do not match the event chain"), "\(attack): \(single.stderr)")
        #expect(single.stderr.contains("run `accord verify`"))
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", "c"])
        #expect(batch.status == 1 && batch.stdout.isEmpty, "\(attack): \(batch.stderr)")
        #expect(try cli.run(["verify"]).status == 2)
    }

    /// A summary row altered to hold a line feed, a tab and an escape sequence in its topic (the
    /// field rules refuse them) cannot split `session list`'s line or its columns, nor act on the
    /// terminal: each is shown as its code.
    @Test func anAlteredTopicCannotSplitTheSessionList() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        try tamper(cli, "UPDATE session SET topic = 'a\nb\tc\u{1B}[2J' WHERE number = 1")
        let list = try cli.run(["session", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines.last == "", "\(list.stdout)")
        let first = try #require(lines.first { $0.hasPrefix("S1\t") })
        let fields = first.split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == 6, "\(first)")
        #expect(fields.count == 6 && fields[4] == "a\\u{a}b\\u{9}c\\u{1b}[2J", "\(first)")
    }

    @Test func flippedSummaryRowsDecideNothing() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        // The summary says S1 is open and S2 closed: the events say otherwise.
        try tamper(
            cli,
            "UPDATE session SET status = 'open', closed_at = NULL WHERE number = 1; UPDATE session SET status = 'closed', closed_at = '2026-03-02T09:30:00Z' WHERE number = 2"
        )
        let one = try cli.run(["export", "S1", "--out", "one"])
        #expect(one.status == 0, "\(one.stderr)")
        let open = try cli.run(["export", "S2", "--out", "one"])
        #expect(open.status == 1 && open.stderr.contains("session S2 is still open"), "\(open.stderr)")
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", "batch"])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.hasSuffix("batch/S1-v1.cda.xml\n") && !batch.stdout.contains("S2"), "\(batch.stdout)")
        // The next change rewrites the summary from the events.
        #expect(try cli.run(["note", "add", "S1", "--text", "x", "--reason", "late"]).status == 0)
        let list = try cli.run(["session", "list"])
        #expect(list.stdout.contains("S1") && list.status == 0)
    }

    @Test func aBatchLeavesOutADamagedSessionByIdAndExportsTheOthers() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).stdout == "S3\n")
        #expect(try cli.run(["note", "add", "S2", "--text", "after S3"]).status == 0)
        try tamper(cli, "DELETE FROM event WHERE seq = (SELECT MAX(seq) FROM event WHERE session_number = 1)")
        // S1 lost its closing event: the summary still says closed, so the batch selects it, checks
        // it and leaves it out.
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", "batch"])
        #expect(batch.status == 1, "\(batch.stderr)")
        #expect(batch.stdout == cli.folder.appendingPathComponent("batch/S3-v1.cda.xml").path + "\n")
        #expect(batch.stderr.contains("session S1 does not match the event chain"))
        #expect(batch.stderr.contains("1 document written, 0 already in batch, 1 left out"), "\(batch.stderr)")
        let manifests = try FileManager.default.contentsOfDirectory(atPath: cli.folder.appendingPathComponent("batch").path)
            .filter { $0.hasPrefix("manifest-") }
        let manifestData = try bytes(cli.folder.appendingPathComponent("batch/\(try #require(manifests.first))"))
        let manifest = try JSONSerialization.jsonObject(with: manifestData) as! [String: Any]
        let documents = manifest["documents"] as! [[String: Any]]
        #expect(documents.count == 2)
        #expect(
            documents[0]["session"] as? String == "S1" && (documents[0]["validation"] as? [String: Any])?["result"] as? String == "damaged")
        #expect((manifest["summary"] as? [String: Any])?["damaged"] as? Int == 1)
    }

    // MARK: - 2. Issued documents are evidence

    @Test func derivedTablesDeletedGiveTheSameVersionsIdsAndBytes() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        #expect(try cli.run(["export", "S1", "--out", "a"]).status == 0)
        #expect(try cli.run(["note", "add", "S1", "--text", "appel", "--reason", "appel reçu"]).status == 0)
        let second = try cli.run(["export", "S1", "--out", "b"])
        #expect(second.status == 0 && second.stdout.hasSuffix("b/S1-v2.cda.xml\n"), "\(second.stderr)")
        let issued = try bytes(cli.folder.appendingPathComponent("b/S1-v2.cda.xml"))

        try tamper(cli, "DELETE FROM document_version; DELETE FROM session;")
        // Later, at another instant: the version issued is written again byte for byte.
        let later = ["ACCORD_NOW": "2026-03-09T08:00:00Z"]
        let again = try cli.run(["export", "S1", "--out", "c"], environment: later)
        #expect(again.status == 0 && again.stdout.hasSuffix("c/S1-v2.cda.xml\n"), "\(again.stderr)")
        #expect(try bytes(cli.folder.appendingPathComponent("c/S1-v2.cda.xml")) == issued)
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", "d"], environment: later)
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(try bytes(cli.folder.appendingPathComponent("d/S1-v2.cda.xml")) == issued)
        // A new session does not take a number the deleted summary rows held.
        #expect(try cli.run(BadInputTests.start, environment: later).stdout == "S3\n")

        let verify = try cli.run(["verify"])
        #expect(verify.status == 0 && verify.stderr.contains("2 document versions issued, each id with one content"), "\(verify.stderr)")
        let history = try cli.run(["session", "history", "S1"])
        #expect(history.stdout.contains("document issued: cda-fr version 2, id 2.999.1.1.1.2"), "\(history.stdout)")
    }

    @Test func aReexportKeepsItsDocumentTimeWhateverTheClock() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        #expect(try cli.run(["export", "S1", "--out", "a", "--profile", "fhir-r4"]).status == 0)
        let later = try cli.run(
            ["export", "S1", "--out", "b", "--profile", "fhir-r4"], environment: ["ACCORD_NOW": "2026-04-01T12:00:00Z"])
        #expect(later.status == 0, "\(later.stderr)")
        let first = try bytes(cli.folder.appendingPathComponent("a/S1-v1.fhir.xml"))
        #expect(try bytes(cli.folder.appendingPathComponent("b/S1-v1.fhir.xml")) == first)
        #expect(String(decoding: first, as: UTF8.self).contains("2026-03-02T09:30:00Z"))
        // The same session in a second profile shares its ids (one document in two formats).
        #expect(try cli.run(["export", "S1", "--out", "c"]).status == 0)
        let verify = try cli.run(["verify"])
        #expect(verify.status == 0 && verify.stderr.contains("2 document versions issued"), "\(verify.stderr)")
    }

    @Test func aNewOIDRootKeepsTheSetsIdsAsIssued() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        func centre(_ root: String) throws -> AccordCLI.Result {
            try cli.run([
                "centre", "set", "--oid-root", root, "--finess", "690000880", "--name", "Centre exemple",
                "--address", "28 rue Laennec, 69008 LYON", "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
            ])
        }
        #expect(try centre("1.2.250.1.999.7").status == 0)
        #expect(try cli.run(["export", "S1", "--out", "a"]).status == 0)
        #expect(try centre("1.2.250.1.999.8").status == 0)
        // Unchanged: the same bytes as issued, under the first root and the first settings.
        #expect(try cli.run(["export", "S1", "--out", "b"]).status == 0)
        #expect(
            try bytes(cli.folder.appendingPathComponent("b/S1-v1.cda.xml")) == bytes(cli.folder.appendingPathComponent("a/S1-v1.cda.xml")))
        #expect(try cli.run(["note", "add", "S1", "--text", "appel", "--reason", "appel reçu"]).status == 0)
        #expect(try cli.run(["export", "S1", "--out", "c"]).status == 0)
        let document = String(decoding: try bytes(cli.folder.appendingPathComponent("c/S1-v2.cda.xml")), as: UTF8.self)
        #expect(document.contains("<id root=\"1.2.250.1.999.7.1.1.2\"/>"))
        #expect(document.contains("<setId root=\"1.2.250.1.999.7.1.1\"/>"))
        #expect(document.contains("<id root=\"1.2.250.1.999.7.1.1.1\"/>"), "the replaced id is the one issued")
        #expect(!document.contains("1.2.250.1.999.8.1.1"))
        // A session first exported after the change takes the new root.
        #expect(try cli.run(["session", "close", "S2"]).status == 0)
        #expect(try cli.run(["export", "S2", "--out", "c"]).status == 0)
        #expect(
            String(decoding: try bytes(cli.folder.appendingPathComponent("c/S2-v1.cda.xml")), as: UTF8.self).contains(
                "<setId root=\"1.2.250.1.999.8.1.2\"/>"))
    }

    // MARK: - 5. A wrong clock cannot lock a session

    @Test func aFutureInstantIsRefusedAndAFutureEventIsCorrectedWithAReason() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        let future = UTCInstant.format(Date().addingTimeInterval(3600))
        let refused = try cli.run(["note", "add", "S2", "--text", "x"], environment: ["ACCORD_NOW": future])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("ACCORD_NOW: lies more than 5 minutes ahead of the system clock"), "\(refused.stderr)")
        // A session whose last event lies in the future (recorded before this rule).
        let store = try cli.openStore(clock: .fixed(at: UTCInstant.parse("2099-01-01T00:00:00Z")!))
        _ = try store.record(.noteAdded(text: "horloge fausse"), in: SessionID(number: 2), author: nil, reason: nil, precondition: nil)
        let locked = try cli.run(["option", "add", "S2", "--kind", "treatment", "--label", "A"])
        #expect(
            locked.status == 1 && locked.stderr.contains("is dated in the future") && locked.stderr.contains("--reason"), "\(locked.stderr)"
        )
        let corrected = try cli.run(["option", "add", "S2", "--kind", "treatment", "--label", "A", "--reason", "horloge du poste fausse"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try cli.run(["session", "close", "S2"]).status == 0)
        #expect(try cli.run(["export", "S2", "--out", "out"]).status == 0)
    }

    // MARK: - 4. Read-only use

    /// Runs the binary as `nobody` (root only: permissions do not bind root).
    func runAsNobody(_ cli: AccordCLI, _ arguments: [String]) throws -> AccordCLI.Result {
        try cli.run(
            [
                "__shell__",
                "exec setpriv --reuid=65534 --regid=65534 --groups=65534 \"$ACCORD_BIN\" "
                    + arguments.map { "'\($0)'" }.joined(separator: " "),
            ])
    }

    @Test(
        .enabled(if: getuid() == 0, "needs root to play a user who may only read"),
        .sqliteOnly("file permissions and bytes of the SQLite file; PostgreSQL's read-only users are accord_auditor's"))
    func aUserWhoMayOnlyReadVerifiesAndAuditsWithoutChangingAByte() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        #expect(try cli.run(["export", "S1", "--out", "out"]).status == 0)
        let key = cli.environment["ACCORD_KEY_FILE"]!
        chmod(cli.folder.path, 0o755)
        chown(key, 0, 65534)
        chmod(key, 0o640)
        chmod(cli.database.path, 0o644)
        let before = try bytes(cli.database)
        for command in [
            ["verify"], ["session", "show", "S1"], ["session", "list"], ["session", "history", "S1"], ["session", "check", "S1"],
            ["audit", "participation", "--no-suppression"], ["audit", "sql", "SELECT count(*) FROM audit_sessions"], ["centre", "show"],
        ] {
            let result = try runAsNobody(cli, command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let verify = try runAsNobody(cli, ["verify"])
        #expect(verify.stderr.contains("read as an unchanging copy"), "\(verify.stderr)")
        #expect(try bytes(cli.database) == before, "no byte of the database changed")
        #expect(!FileManager.default.fileExists(atPath: cli.database.path + "-wal"))
        let write = try runAsNobody(cli, ["note", "add", "S2", "--text", "x"])
        #expect(write.status == 74, "\(write.stderr)")
        #expect(write.stderr.contains(cli.database.path) && write.stderr.contains("cannot be opened for writing"), "\(write.stderr)")
        // The owner's read commands change no byte either.
        for command in [["verify"], ["session", "show", "S1"], ["session", "list"]] {
            #expect(try cli.run(command).status == 0)
        }
        #expect(try bytes(cli.database) == before)
    }

    @Test func aLastEventChangedIsNamedNotBlamedOnTheKey() throws {
        let cli = try threeSessions()
        defer { cli.cleanUp() }
        try tamper(cli, "UPDATE event SET reason = 'x' WHERE seq = (SELECT MAX(seq) FROM event)")
        let change = try cli.run(["note", "add", "S1", "--text", "x", "--reason", "late"])
        #expect(change.status == 1, "\(change.stderr)")
        #expect(change.stderr.contains("the last event of the log (") && change.stderr.contains("run `accord verify`"), "\(change.stderr)")
    }

    @Test func aKeyFileReachedThroughALinkOrPlantedByAnotherUserIsRefused() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        let key = cli.environment["ACCORD_KEY_FILE"]!
        let link = cli.folder.appendingPathComponent("link.key").path
        #expect(symlink(key, link) == 0)
        let linked = try cli.run(["verify"], environment: ["ACCORD_KEY_FILE": link])
        #expect(linked.status == 74 && linked.stderr.contains("the chain key file is a symbolic link"), "\(linked.stderr)")
        if getuid() == 0 {
            // Another user's key, not shared through a group, is not this user's to use.
            #expect(chown(key, 65534, 65534) == 0)
            let planted = try cli.run(["note", "add", "S2", "--text", "x"])
            #expect(planted.status == 74 && planted.stderr.contains("belongs to another user"), "\(planted.stderr)")
        }
    }

    // MARK: - 7. Durable as README says

    @Test(.sqliteOnly("PRAGMA synchronous of the SQLite writer"))
    func theWriterSyncsEveryCommit() throws {
        let cli = try twoSessions()
        defer { cli.cleanUp() }
        let store = try ConsultationStore.open(path: cli.database.path, clock: .system, keyFile: cli.environment["ACCORD_KEY_FILE"])
        #expect(try store.writerSynchronousForTesting() == 2, "PRAGMA synchronous = FULL")
    }
}
