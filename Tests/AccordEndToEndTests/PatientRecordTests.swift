import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// `session list` by patient, clinician and period, and `patient correct`.
@Suite struct PatientRecordTests {
    static let lyon = [
        "--patient-ins", "158056912345606", "--ins-oid", "1.2.250.1.213.1.4.10", "--family-name", "MARCHAND-D'ESTE",
        "--given-names", "LUC JEAN-BAPTISTE", "--birth-date", "1958-05-17", "--sex", "M", "--birthplace", "69123",
    ]
    static let corsica = [
        "--patient-ins", "283042A00401797", "--ins-oid", "1.2.250.1.213.1.4.10", "--family-name", "D'ARTAGNAN-LE-GALL",
        "--given-names", "MARIE-CLAIRE ANNE LOUISE", "--birth-date", "1983-04-09", "--sex", "F", "--birthplace", "2A004",
    ]

    /// S1 (Lyon patient, IPP-1, first clinician, 2 March), S2 (Corsican patient, IPP-2, second
    /// clinician, 5 March), S3 (Lyon patient, second clinician, 9 March, closed).
    func threeSessions() throws -> AccordCLI {
        let cli = try AccordCLI()
        let starts: [([String], String, String, String)] = [
            (Self.lyon, "IPP-1", "810123456781", "2026-03-02T09:30:00Z"),
            (Self.corsica, "IPP-2", "801234567897", "2026-03-05T10:00:00Z"),
            (Self.lyon, "IPP-1", "801234567897", "2026-03-09T08:00:00Z"),
        ]
        for (patient, ipp, clinician, instant) in starts {
            let started = try cli.run(
                ["session", "start"] + patient + [
                    "--ipp", ipp, "--clinician-id", clinician, "--clinician-name", "Dr Test", "--topic", "Traitement adjuvant",
                ], environment: ["ACCORD_NOW": instant])
            #expect(started.status == 0, "\(started.stderr)")
        }
        #expect(try cli.run(["session", "close", "S3"], environment: ["ACCORD_NOW": "2026-03-09T08:30:00Z"]).status == 0)
        return cli
    }

    static let s1 = "S1\t2026-03-02T09:30:00Z\topen\t1 events\tTraitement adjuvant\tMARCHAND-D'ESTE LUC born 1958-05-17\n"
    static let s2 = "S2\t2026-03-05T10:00:00Z\topen\t1 events\tTraitement adjuvant\tD'ARTAGNAN-LE-GALL MARIE-CLAIRE born 1983-04-09\n"
    static let s3 =
        "S3\t2026-03-09T08:00:00Z\tclosed 2026-03-09T08:30:00Z\t2 events\tTraitement adjuvant\tMARCHAND-D'ESTE LUC born 1958-05-17\n"

    @Test func listFindsAPatientsSessionsByINSIPPClinicianAndPeriod() throws {
        let cli = try threeSessions()
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            ([], Self.s3 + Self.s2 + Self.s1),
            (["--ins", "158056912345606"], Self.s3 + Self.s1),
            (["--ins", "283042a00401797"], Self.s2),  // upper-cased: 2a → 2A
            (["--ipp", "IPP-2"], Self.s2),
            (["--ipp", "IPP-1", "--clinician", "801234567897"], Self.s3),
            (["--clinician", "801234567897"], Self.s3 + Self.s2),
            (["--from", "2026-03-05"], Self.s3 + Self.s2),
            (["--to", "2026-03-05"], Self.s2 + Self.s1),
            (["--from", "2026-03-03", "--to", "2026-03-08"], Self.s2),
            (["--all"], Self.s3 + Self.s2 + Self.s1),
            (["--limit", "3"], Self.s3 + Self.s2 + Self.s1),
        ]
        for (options, expected) in cases {
            let list = try cli.run(["session", "list"] + options)
            #expect(list.status == 0 && list.stdout == expected && list.stderr.isEmpty, "\(options): \(list.stdout)\(list.stderr)")
        }
        let limited = try cli.run(["session", "list", "--limit", "2"])
        #expect(limited.stdout == Self.s3 + Self.s2)
        #expect(limited.stderr == "The 2 most recent sessions are listed; give --limit N or --all for more.\n")
        let none = try cli.run(["session", "list", "--ipp", "IPP-9"])
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr == "No session matches.\n")
    }

    @Test func listAsJSONUsesTheKeysOfSessionShow() throws {
        let cli = try threeSessions()
        defer { cli.cleanUp() }
        let list = try cli.run(["session", "list", "--ins", "283042A00401797", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let expected = """
            [
              {
                "clinician_id" : "801234567897",
                "event_count" : 1,
                "id" : "S2",
                "ipp" : {
                  "extension" : "IPP-2",
                  "root" : "2.999.1.2"
                },
                "number" : 2,
                "patient" : {
                  "birthDate" : "1983-04-09",
                  "birthFamilyName" : "D'ARTAGNAN-LE-GALL",
                  "firstBirthGivenName" : "MARIE-CLAIRE",
                  "ins" : "283042A00401797"
                },
                "started_at" : "2026-03-05T10:00:00Z",
                "status" : "open",
                "topic" : "Traitement adjuvant"
              }
            ]

            """
        #expect(list.stdout == expected, "\(list.stdout)")
        let show =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["session", "show", "S2", "--json"]).stdout.utf8)) as? [String: Any]
        let start = show?["start"] as? [String: Any]
        #expect(start?["clinician_id"] as? String == "801234567897")
        #expect((start?["patient"] as? [String: Any])?["firstBirthGivenName"] as? String == "MARIE-CLAIRE")
        #expect(show?["id"] as? String == "S2" && show?["started_at"] as? String == "2026-03-05T10:00:00Z")
    }

    @Test func listRefusesABadFilterNamingItsOption() throws {
        let cli = try threeSessions()
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (
                ["--ins", "158056912345607"],
                "accord: error: --ins: the INS-NIR has a wrong key (97 − NIR mod 97); expected 13 characters and a 2-digit key equal to 97 − (NIR mod 97), 2A/2B counted as 19/18.\n"
            ),
            (["--from", "2026-02-30"], "accord: error: --from: is not a calendar date; expected a date as YYYY-MM-DD.\n"),
            (["--limit", "0"], "accord: error: --limit: is not a positive number; expected a whole number of sessions from 1.\n"),
            (["--limit", "5", "--all"], "accord: error: --limit: cannot be combined with --all; expected either --limit N or --all.\n"),
        ]
        for (options, expected) in cases {
            let list = try cli.run(["session", "list"] + options)
            #expect(list.status == 1 && list.stderr == expected && list.stdout.isEmpty, "\(options): \(list.stderr)")
        }
        #expect(try cli.run(["session", "list", "--clinician", "81234"]).stderr.hasPrefix("accord: error: --clinician: the IdNat_PS "))
    }

    @Test func correctTheIdentityOfAClosedSessionAndExportANewVersion() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let out = cli.folder.appendingPathComponent("out").path
        let v1 = try cli.run(["export", "S1", "--out", out])
        #expect(v1.status == 0, "\(v1.stderr)")
        let fhir = try cli.run(["export", "S1", "--profile", "fhir-r4", "--out", out])
        #expect(fhir.status == 0, "\(fhir.stderr)")

        let noReason = try cli.run(["patient", "correct", "S1", "--family-name", "MARCHAND"])
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        let refusals: [([String], String)] = [
            (["--birth-date", "1958-13-01"], "accord: error: --birth-date: is not a calendar date; expected a date as YYYY-MM-DD.\n"),
            (
                ["--birth-date", "2027-01-01"],
                "accord: error: --birth-date: is in the future; expected the birth date as YYYY-MM-DD, from 1900-01-01 and not after today.\n"
            ),
            (
                ["--birthplace", "6912"],
                "accord: error: --birthplace: is not an INSEE COG code (it has 4 characters, not 5); expected the 5-character COG code of the birth place: department and commune (2A/2B for Corsica, 971–978 overseas), or 99 and the country code abroad (99999 unknown).\n"
            ),
            (
                ["--family-name", "MARCHAND2"],
                "accord: error: --family-name: holds characters the INS form of a birth name cannot hold; expected the INS form: capital letters A to Z without accents, spaces, hyphens and apostrophes, beginning with a letter.\n"
            ),
            (["--sex", "X"], "accord: error: --sex: is not an administrative sex; expected F, M or U.\n"),
            (
                ["--family-name", "MARCHAND-D'ESTE"],
                "accord: error: the correction changes no trait of the patient's identity in session S1: every value given is already recorded (nothing was recorded).\n"
            ),
        ]
        for (options, expected) in refusals {
            let refused = try cli.run(["patient", "correct", "S1"] + options + ["--reason", "erreur"])
            #expect(refused.status == 1 && refused.stderr == expected, "\(options): \(refused.stderr)")
        }

        let corrected = try cli.run([
            "patient", "correct", "S1", "--family-name", "MARCHAND", "--birth-date", "1958-05-18", "--reason", "erreur de saisie",
        ])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(
            corrected.stderr
                == "Corrected the patient's identity in session S1: birth family name, birth date. (amendment)\nRe-export S1 (cda-fr version 1, fhir-r4 version 1 were issued with the earlier identity).\n"
        )
        let show =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["session", "show", "S1", "--json"]).stdout.utf8)) as? [String: Any]
        let patient = (show?["start"] as? [String: Any])?["patient"] as? [String: Any]
        #expect(patient?["birthFamilyName"] as? String == "MARCHAND")
        #expect(patient?["birthDate"] as? String == "1958-05-18")
        #expect(patient?["birthGivenNames"] as? String == "LUC JEAN-BAPTISTE")

        let history = try cli.run(["session", "history", "S1"]).stdout.split(separator: "\n")
        let last = try #require(history.last)
        #expect(
            last.hasSuffix("\tidentity-corrected\tpatient identity corrected: birth family name, birth date\tamendment: erreur de saisie"),
            "\(last)")
        #expect(!last.contains("1958-05-18") && !last.contains("MARCHAND\t"))
        #expect(try cli.run(["session", "list", "--ins", "158056912345606"]).stdout.hasSuffix("\tMARCHAND LUC born 1958-05-18\n"))

        let v2 = try cli.run(["export", "S1", "--out", out])
        #expect(v2.status == 0, "\(v2.stderr)")
        let v2Path = URL(fileURLWithPath: v2.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(v2Path.lastPathComponent == "S1-v2.cda.xml")
        let document = try XMLDocumentReader(data: try Data(contentsOf: v2Path))
        #expect(try document.string(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument/@typeCode") == "RPLC")
        #expect(try document.string(xpath: "/hl7:ClinicalDocument/hl7:versionNumber/@value") == "2")
        #expect(try document.string(xpath: "//hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:birthTime/@value") == "19580518")
        #expect(try document.count(xpath: "//hl7:recordTarget//hl7:family[text()='MARCHAND']") >= 1)

        // Once re-exported, a second correction names the new version.
        let again = try cli.run(["patient", "correct", "S1", "--used-given-name", "Jean", "--reason", "nom d'usage"])
        #expect(
            again.stderr.hasSuffix("Re-export S1 (cda-fr version 2, fhir-r4 version 1 were issued with the earlier identity).\n"),
            "\(again.stderr)")
    }

    @Test func correctAnOpenSessionsIPPAndGivenNames() throws {
        var cli = try threeSessions()
        defer { cli.cleanUp() }
        cli.environment["ACCORD_NOW"] = "2026-03-10T09:00:00Z"
        let corrected = try cli.run([
            "patient", "correct", "S2", "--given-names", "MARIE ANNE", "--ipp", "IPP-22", "--reason", "dossier fusionné",
        ])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(corrected.stderr == "Corrected the patient's identity in session S2: birth given names, first given name, IPP.\n")
        #expect(try cli.run(["session", "list", "--ipp", "IPP-2"]).stdout.isEmpty)
        #expect(
            try cli.run(["session", "list", "--ipp", "IPP-22"]).stdout
                == "S2\t2026-03-05T10:00:00Z\topen\t2 events\tTraitement adjuvant\tD'ARTAGNAN-LE-GALL MARIE born 1983-04-09\n")
        let refused = try cli.run(["patient", "correct", "S2", "--ipp-root", "1.2.x", "--reason", "r"])
        #expect(refused.status == 1 && refused.stderr.hasPrefix("accord: error: --ipp-root: the IPP root "), "\(refused.stderr)")
    }
}
