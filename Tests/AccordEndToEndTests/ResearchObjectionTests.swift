import AccordCore
import AccordService
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `accord patient research-objection`: the patient's objection to the re-use of their data
/// for research (issue 16, point 6), run with the built binary.
@Suite struct ResearchObjectionEndToEndTests {
    /// Imports the sample consultation (closed) at `now`; with `otherPatient`, for the invented
    /// Corsican patient instead (another INS on the test OID).
    static func importSample(_ cli: AccordCLI, at now: String, otherPatient: Bool = false) throws {
        var text = BatchExportTests.sampleText
        if otherPatient {
            for (from, to) in [
                ("158056912345606", "283042A00401797"), ("MARCHAND-D'ESTE", "D'ARTAGNAN-LE-GALL"),
                ("LUC JEAN-BAPTISTE", "MARIE-CLAIRE ANNE LOUISE"), ("1958-05-17", "1983-04-09"), ("sex: M", "sex: F"),
                ("\"69123\"", "\"2A004\""),
            ] {
                #expect(text.contains(from))
                text = text.replacingOccurrences(of: from, with: to)
            }
        }
        let file = cli.folder.appendingPathComponent("consultation-\(UUID().uuidString).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "import", file.path], environment: ["ACCORD_NOW": now])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func researchKey(_ cli: AccordCLI) throws -> URL {
        let key = cli.folder.appendingPathComponent("research.key")
        try Data((0..<32).map { UInt8(($0 * 7) % 256) }).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        return key
    }

    static func pseudonymisedBatch(_ cli: AccordCLI, key: URL, out: URL) throws -> AccordCLI.Result {
        try cli.run(
            ["export", "--all", "--example-centre", "--pseudonymise", "--pseudonym-key", key.path, "--out", out.path],
            environment: BatchExportTests.environment())
    }

    @Test func anObjectionKeepsEverySessionOfThePatientOutOfPseudonymisedExports() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        // S1 and S2: the same INS; S3: another patient.
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        try Self.importSample(cli, at: "2026-01-11T10:00:00Z")
        try Self.importSample(cli, at: "2026-01-12T10:00:00Z", otherPatient: true)
        let objected = try cli.run(["patient", "research-objection", "S1", "--reason", "Dit en consultation le 2 mars"])
        #expect(objected.status == 0, "\(objected.stderr)")
        #expect(
            objected.stderr
                == "The patient's objection to research re-use is recorded in session S1 (event 34, S1#12). Pseudonymised exports leave out the patient's sessions.\n"
        )
        #expect(objected.stdout == "")

        let key = try Self.researchKey(cli)
        let out = cli.folder.appendingPathComponent("research")
        let run = try Self.pseudonymisedBatch(cli, key: key, out: out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("1 document written, 0 already in \(out.path), 2 left out at the patient's research objection.\n"))
        #expect(!run.stderr.contains("S1") && !run.stderr.contains("S2"), "never which")
        #expect(try BatchExportTests.documents(out).count == 1)
        let manifest = try #require(try BatchExportTests.manifests(out).first)
        var expected = ExportManifest.Summary(written: 1, alreadyPresent: 0, failed: 0)
        expected.objected = 2
        #expect(manifest.summary == expected)
        #expect(manifest.documents.count == 1)
        #expect(!manifest.documents.contains { ["S1", "S2"].contains($0.session) })
        let manifestFile = try #require(try ExportFolder.manifests(in: out).first)
        #expect(try String(contentsOf: manifestFile, encoding: .utf8).contains(#""left_out_by_objection":2"#))

        // `session show` says the patient objects, in S2 too; the other patient's session does not.
        let shown = try cli.run(["session", "show", "S2"])
        #expect(
            shown.stdout.contains(
                "\n  objects to the re-use of their data for research (recorded in another session of the patient): left out of pseudonymised exports\n"
            ))
        #expect(
            try cli.run(["session", "show", "S1"]).stdout.contains(
                "objects to the re-use of their data for research (recorded in this session)"))
        #expect(!(try cli.run(["session", "show", "S3"]).stdout.contains("research")))
        let json =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["session", "show", "S2", "--json"]).stdout.utf8)) as? [String: Any]
        #expect(json?["research_objection"] as? Bool == true)
        let other =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["session", "show", "S3", "--json"]).stdout.utf8)) as? [String: Any]
        #expect(other?["id"] as? String == "S3" && other?["research_objection"] == nil)
        // `session history` lists the event with its reason, not as an amendment.
        let history = try cli.run(["session", "history", "S1"]).stdout.split(separator: "\n")
        #expect(
            history.last
                == "34\tS1#12\t2026-03-02T09:30:00Z\t810123456781\tresearch-objection-recorded\tthe patient objects to the re-use of their data for research\treason: Dit en consultation le 2 mars"
        )
        #expect(try cli.run(["verify"]).status == 0)

        // A second objection of the same patient, in another session, is refused.
        let twice = try cli.run(["patient", "research-objection", "S2", "--reason", "Redit"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("the patient of session S2 already objects to research re-use"))
        // Withdrawn in another session of the patient (S2): the patient's sessions come back.
        let withdrawn = try cli.run(["patient", "research-objection", "S2", "--withdraw", "--reason", "Retire son opposition par courrier"])
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
        #expect(withdrawn.stderr == "The withdrawal of the patient's research objection is recorded in session S2 (event 36, S2#12).\n")
        #expect(!(try cli.run(["session", "show", "S1"]).stdout.contains("research")))
        #expect(!(try cli.run(["session", "show", "S2"]).stdout.contains("research")))
        let again = try Self.pseudonymisedBatch(cli, key: key, out: out)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("2 documents written, 1 already in \(out.path).\n"))
        #expect(try BatchExportTests.documents(out).count == 3)
        let manifests = try BatchExportTests.manifests(out)
        #expect(manifests.count == 2)
        #expect(manifests.contains { $0.summary == ExportManifest.Summary(written: 2, alreadyPresent: 1, failed: 0) })
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func aSinglePseudonymisedExportIsRefusedAndTheIdentifiedDocumentStaysTheSame() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        let identified = cli.folder.appendingPathComponent("identified")
        let first = try cli.run(
            ["export", "--all", "--example-centre", "--out", identified.path], environment: BatchExportTests.environment())
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("1 document written, 0 already in \(identified.path).\n"))
        let document = identified.appendingPathComponent("S1-v1.cda.xml")
        let bytes = try Data(contentsOf: document)

        // On the closed S1, with its reason: not an amendment.
        let objected = try cli.run(["patient", "research-objection", "S1", "--reason", "Dit au téléphone"])
        #expect(objected.status == 0, "\(objected.stderr)")
        #expect(!objected.stderr.contains("amendment"))

        let key = try Self.researchKey(cli)
        let research = cli.folder.appendingPathComponent("research")
        let refused = try cli.run(
            ["export", "S1", "--pseudonymise", "--pseudonym-key", key.path, "--out", research.path],
            environment: BatchExportTests.environment())
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasSuffix(
                "accord: error: the patient of session S1 objected to the re-use of their data for research, so no pseudonymised document of their sessions is written (nothing was exported); the objection is withdrawn with `accord patient research-objection S1 --withdraw --reason \"why\"` (in any session of the patient).\n"
            ), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: research.path))

        // The identified document is unaffected: the same version, the same bytes.
        let again = try cli.run(["export", "S1", "--out", identified.path], environment: BatchExportTests.environment())
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try BatchExportTests.documents(identified) == ["S1-v1.cda.xml"])
        #expect(try Data(contentsOf: document) == bytes)
        let batch = try cli.run(
            ["export", "--all", "--example-centre", "--out", identified.path], environment: BatchExportTests.environment())
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stderr.contains("0 documents written, 1 already in \(identified.path).\n"))
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func aMissingReasonOrASecondObjectionIsRefusedAndRecordsNothing() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        func eventCount() throws -> Int { try cli.run(["session", "history", "S1"]).stdout.split(separator: "\n").count }
        let before = try eventCount()

        let noReason = try cli.run(["patient", "research-objection", "S1"])
        #expect(noReason.status == 1)
        #expect(
            noReason.stderr
                == "accord: error: --reason: is missing for the patient's research objection; expected --reason \"why\" (for instance how and when the patient said so).\n"
        )
        let noWithdrawal = try cli.run(["patient", "research-objection", "S1", "--withdraw", "--reason", "Dit"])
        #expect(noWithdrawal.status == 1)
        #expect(
            noWithdrawal.stderr
                == "accord: error: the patient of session S1 has no research objection to withdraw; to record one, run `accord patient research-objection S1 --reason \"why\"`.\n"
        )
        #expect(try eventCount() == before)

        #expect(try cli.run(["patient", "research-objection", "S1", "--reason", "Dit"]).status == 0)
        let twice = try cli.run(["patient", "research-objection", "S1", "--reason", "Redit"])
        #expect(twice.status == 1)
        #expect(
            twice.stderr
                == "accord: error: the patient of session S1 already objects to research re-use (recorded in this or another of their sessions); to withdraw the objection, run `accord patient research-objection S1 --withdraw --reason \"why\"`.\n"
        )
        let unknown = try cli.run(["patient", "research-objection", "S9", "--reason", "Dit"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no session S9 in this database"))
        #expect(try eventCount() == before + 1)
    }
}
