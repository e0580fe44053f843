import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// `session start --identity-status`, `accord patient status`, and what the exports carry for a
/// non-qualified identity (RNIV, INS referential).
@Suite struct IdentityStatusCLITests {
    static let traits = [
        "--family-name", "MARCHAND-D'ESTE", "--given-names", "LUC JEAN-BAPTISTE", "--birth-date", "1958-05-17", "--sex", "M",
        "--birthplace", "69123",
    ]
    static let clinician = ["--clinician-id", "801234567897", "--clinician-name", "Dr Test", "--topic", "Traitement adjuvant"]
    static let ins = "158056912345606"

    func start(_ cli: AccordCLI, _ options: [String]) throws -> AccordCLI.Result {
        try cli.run(["session", "start"] + Self.traits + Self.clinician + options)
    }

    @Test func anIdentityWithoutINSTravelsByItsIPPUntilQualified() throws {
        var cli = try AccordCLI()
        defer { cli.cleanUp() }
        let started = try start(cli, ["--ipp", "IPP-7"])
        #expect(started.status == 0 && started.stdout == "S1\n", "\(started.stderr)")
        let show = try cli.run(["session", "show", "S1"]).stdout
        #expect(show.contains("Patient (no INS) — identity provisional (implied)\n"), "\(show)")
        #expect(try cli.run(["session", "close", "S1"]).status == 0)
        let out = cli.folder.appendingPathComponent("out").path
        let v1 = try cli.run(["export", "S1", "--out", out])
        #expect(v1.status == 0, "\(v1.stderr)")
        let first = try XMLDocumentReader(data: Data(contentsOf: URL(fileURLWithPath: out + "/S1-v1.cda.xml")))
        #expect(try first.strings(xpath: "//hl7:recordTarget/hl7:patientRole/hl7:id/@extension") == ["IPP-7"])

        cli.environment["ACCORD_NOW"] = "2026-03-02T10:00:00Z"
        let noJustification = try cli.run(["patient", "status", "S1", "--set", "qualified", "--ins", Self.ins, "--reason", "INSi"])
        #expect(
            noJustification.status == 1
                && noJustification.stderr
                    == "accord: error: --justification: is missing; expected document (an identity document was checked) or insi (the INSi teleservice returned the identity).\n"
        )
        let noINS = try cli.run(["patient", "status", "S1", "--set", "recovered", "--justification", "insi", "--reason", "INSi"])
        #expect(
            noINS.stderr
                == "accord: error: --ins: is missing: the identity holds no INS and a recovered identity has the one INSi returned; expected --ins with the INS (and --ins-oid for a test identity).\n"
        )
        let noReason = try cli.run(["patient", "status", "S1", "--set", "validated", "--justification", "document"])
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"))

        let qualified = try cli.run([
            "patient", "status", "S1", "--set", "qualified", "--justification", "insi", "--ins", Self.ins, "--ins-oid",
            KnownOID.insNIRTest, "--reason", "identité qualifiée par INSi et carte d'identité",
        ])
        #expect(qualified.status == 0, "\(qualified.stderr)")
        #expect(
            qualified.stderr
                == "The patient's identity in session S1 is now qualified, with the INS returned by INSi. (amendment)\nRe-export S1 (cda-fr version 1 was issued with the earlier identity).\n"
        )
        let history = try cli.run(["session", "history", "S1"]).stdout.split(separator: "\n")
        #expect(
            history.last?.hasSuffix(
                "\tidentity-status-changed\tidentity status: qualified (justified by insi), INS recorded\tamendment: identité qualifiée par INSi et carte d'identité"
            ) == true, "\(history)")
        #expect(try cli.run(["session", "list", "--ins", Self.ins]).stdout.hasPrefix("S1\t"))

        let v2 = try cli.run(["export", "S1", "--out", out])
        #expect(v2.status == 0 && v2.stdout.hasSuffix("S1-v2.cda.xml\n"), "\(v2.stderr)")
        let second = try XMLDocumentReader(data: Data(contentsOf: URL(fileURLWithPath: out + "/S1-v2.cda.xml")))
        #expect(try second.strings(xpath: "//hl7:recordTarget/hl7:patientRole/hl7:id/@root") == [KnownOID.insNIRTest, "2.999.1.2"])
        #expect(try second.string(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument/@typeCode") == "RPLC")
        let fhir = try cli.run(["export", "S1", "--profile", "fhir-r4", "--out", out])
        #expect(fhir.status == 0, "\(fhir.stderr)")
        let bundle = try String(contentsOfFile: out + "/S1-v1.fhir.xml", encoding: .utf8)
        #expect(bundle.contains("<code value=\"QUAL\"/>") && bundle.contains("<value value=\"\(Self.ins)\"/>"))
    }

    @Test func aDocumentWithNeitherAQualifiedINSNorAnIPPIsRefused() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(
            try start(cli, ["--patient-ins", Self.ins, "--ins-oid", KnownOID.insNIRTest, "--identity-status", "recovered"]).status == 0)
        #expect(try start(cli, ["--patient-ins", Self.ins, "--ins-oid", KnownOID.insNIRTest]).status == 0)
        for session in ["S1", "S2"] { #expect(try cli.run(["session", "close", session]).status == 0) }
        let out = cli.folder.appendingPathComponent("out").path
        let refused = try cli.run(["export", "S1", "--out", out])
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(
            refused.stderr.hasSuffix(
                "accord: error: session S1 cannot be exported: the patient's identity is recovered, so its INS may not travel in a document (only a qualified identity's may), and no IPP is recorded; record the IPP (`accord patient correct S1 --ipp … --reason …`) or qualify the identity (`accord patient status S1 --set qualified …`).\n"
            ), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/S1-v1.cda.xml"))

        // A batch writes the others, lists the refused session in its manifest and exits 1.
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", out])
        #expect(batch.status == 1, "\(batch.stderr)")
        #expect(batch.stdout.hasSuffix("S2-v1.cda.xml\n"))
        #expect(batch.stderr.contains("1 document written, 0 already in \(out), 1 refused (no identifier a document may carry)."))
        let manifests = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix("manifest") }
        let manifest = try String(contentsOfFile: out + "/" + #require(manifests.first), encoding: .utf8)
        #expect(manifest.contains("\"result\":\"refused\"") && manifest.contains("\"refused\":1,"), "\(manifest)")

        // Once the IPP is recorded, the document names the patient by it alone.
        #expect(try cli.run(["patient", "correct", "S1", "--ipp", "IPP-9", "--reason", "IPP retrouvé"]).status == 0)
        let written = try cli.run(["export", "S1", "--out", out])
        #expect(written.status == 0, "\(written.stderr)")
        let document = try String(contentsOfFile: out + "/S1-v1.cda.xml", encoding: .utf8)
        #expect(!document.contains(Self.ins) && document.contains("extension=\"IPP-9\""))
    }

    /// A batch with a refused session and a session whose events were altered ends with one
    /// error naming both (it named only the altered one), and exits 1.
    @Test func aBatchsErrorNamesRefusedAndDamagedSessionsAlike() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(
            try start(cli, ["--patient-ins", Self.ins, "--ins-oid", KnownOID.insNIRTest, "--identity-status", "recovered"]).status == 0)
        for _ in 0..<2 { #expect(try start(cli, ["--patient-ins", Self.ins, "--ins-oid", KnownOID.insNIRTest]).status == 0) }
        for session in ["S1", "S2", "S3"] { #expect(try cli.run(["session", "close", session]).status == 0) }
        try cli.tamper("UPDATE event SET author = '810000000000' WHERE session_number = 3 AND session_seq = 1")
        let out = cli.folder.appendingPathComponent("out").path
        let batch = try cli.run(["export", "--all", "--example-centre", "--out", out])
        #expect(batch.status == 1, "\(batch.stderr)")
        #expect(batch.stdout.hasSuffix("S2-v1.cda.xml\n"))
        #expect(
            batch.stderr.contains(
                "1 document written, 0 already in \(out), 1 left out (events not matching the chain), 1 refused (no identifier a document may carry)."
            ), "\(batch.stderr)")
        // The altered session's own line says it was left out, not that nothing was exported.
        #expect(
            batch.stderr.contains(
                "accord: error: session S3 does not match the event chain (event 3 does not match the event chain): the database was changed outside Accord; run `accord verify` (this session was left out of the run).\n"
            ), "\(batch.stderr)")
        #expect(!batch.stderr.contains("nothing was recorded or exported"), "\(batch.stderr)")
        #expect(
            batch.stderr.hasSuffix(
                "accord: error: 1 session was left out because its events do not match the event chain; run `accord verify`. "
                    + "1 session was refused: a document may name the patient by a qualified identity's INS or by the IPP, and it has neither; the messages above say how to mend each.\n"
            ), "\(batch.stderr)")
    }

    @Test func identityVigilanceComparesWithTheOtherSessionsAsCorrected() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let ins = ["--patient-ins", Self.ins, "--ins-oid", KnownOID.insNIRTest]
        #expect(try start(cli, ins).status == 0)
        #expect(try cli.run(["patient", "correct", "S1", "--birth-date", "1958-05-18", "--reason", "erreur de saisie"]).status == 0)
        // The corrected traits match: no warning.
        let corrected = try cli.run(
            ["session", "start"] + Self.traits.map { $0 == "1958-05-17" ? "1958-05-18" : $0 } + Self.clinician + ins)
        #expect(corrected.status == 0 && corrected.stderr.isEmpty, "\(corrected.stderr)")
        // The traits before the correction differ from both sessions now.
        let earlier = try start(cli, ins)
        #expect(earlier.status == 0)
        #expect(
            earlier.stderr
                == "accord: warning: the same INS is recorded in session S1 with other identity traits (birth date); check the patient's identity (identity vigilance) before going on.\naccord: warning: the same INS is recorded in session S2 with other identity traits (birth date); check the patient's identity (identity vigilance) before going on.\n"
        )
    }

    @Test func startRefusesAStatusItCannotHold() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (
                ["--identity-status", "qualified"],
                "accord: error: --identity-status: is qualified, a status the INSi teleservice gives with the INS, but no INS is given; expected --patient-ins with the INS, or provisional or validated for an identity without INS.\n"
            ),
            (
                ["--identity-status", "sure"],
                "accord: error: --identity-status: is not an identity status; expected provisional, recovered, validated or qualified (or PROV, RECUP, VALI, QUAL).\n"
            ),
            (
                ["--ins-oid", KnownOID.insNIRTest],
                "accord: error: --ins-oid: is given without --patient-ins; expected --patient-ins with the INS, or no --ins-oid.\n"
            ),
        ]
        for (options, expected) in cases {
            let refused = try start(cli, options)
            #expect(refused.status == 1 && refused.stderr == expected, "\(options): \(refused.stderr)")
        }
        #expect(
            try cli.run(["session", "list"]).stderr
                == "No sessions yet; start one with `accord session start` or `accord session import`.\n",
            "a refused start records nothing")
        let validated = try start(cli, ["--identity-status", "VALI", "--ipp", "IPP-1"])
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(try cli.run(["session", "show", "S1"]).stdout.contains("Patient (no INS) — identity validated\n"))
        let recovered = try start(cli, ["--patient-ins", Self.ins, "--ins-oid", KnownOID.insNIRTest, "--identity-status", "recovered"])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(
            try cli.run(["session", "show", "S2"]).stdout.contains(
                "Patient (INS \(Self.ins), OID \(KnownOID.insNIRTest)) — identity recovered, the INS stays out of documents\n"))
    }
}
