import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// Issue 15, parts 3, 6 (people) and 8: names in parts, J01 specialties and J11 relationships
/// in the documents, FR Core profiles on the FHIR people, and an absent patient's answers only
/// through `--answered-by`.
@Suite struct PeopleAndPresenceTests {
    /// `session start` for a test INS with the clinician named in parts; `absent` adds
    /// `--patient-absent`.
    static func start(_ cli: AccordCLI, absent: Bool = false, extra: [String] = []) throws -> AccordCLI.Result {
        try cli.run(
            [
                "session", "start", "--patient-ins", "283042A00401797", "--ins-oid", "1.2.250.1.213.1.4.10", "--identity-status",
                "qualified", "--family-name", "LEMOINE", "--given-names", "CLAIRE ANNE", "--birth-date", "1983-04-09", "--sex", "F",
                "--birthplace", "75056", "--ipp", "IPP-1", "--clinician-id", "810123456781", "--topic", "Traitement d'un cancer du sein",
            ] + (absent ? ["--patient-absent"] : []) + extra)
    }

    static let clinicianInParts = [
        "--clinician-family-name", "Roussel", "--clinician-given-name", "Hélène", "--clinician-prefix", "Dr", "--clinician-specialty",
        "G15_10/SM36", "--clinician-function", "oncologue médicale",
    ]

    /// Exports `session` in `profile` (validated when the schemas are available) and reads it.
    static func export(_ cli: AccordCLI, _ profile: String) throws -> (XMLDocumentReader, Data) {
        var arguments = ["export", "S1", "--profile", profile, "--out", cli.folder.appendingPathComponent("out-\(profile)").path]
        if let schemasFolder { arguments += ["--schemas", schemasFolder] }
        let export = try cli.run(arguments)
        #expect(export.status == 0, "\(export.stderr)")
        if schemasFolder != nil { #expect(export.stderr.contains("validated against"), "\(export.stderr)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: export.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        return (try XMLDocumentReader(data: data), data)
    }

    /// `f:Name` steps of FHIR XPaths as namespace-independent steps.
    static func f(_ xpath: String) -> String {
        xpath.replacingOccurrences(
            of: #"f:([A-Za-z][A-Za-z0-9]*)"#, with: "*[local-name()='$1' and namespace-uri()='http://hl7.org/fhir']",
            options: .regularExpression)
    }

    @Test func namesInPartsSpecialtiesAndRelationshipsGoIntoCDAAndFHIR() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let started = try Self.start(cli, extra: Self.clinicianInParts)
        #expect(started.status == 0, "\(started.stderr)")
        for step in [
            [
                "participant", "add", "S1", "--role", "trusted-person", "--family-name", "Martin", "--given-name", "Paul", "--prefix",
                "M", "--relationship", "SIGOTHR",
            ],
            ["participant", "add", "S1", "--role", "relative", "--name", "Zoé Martin", "--relationship", "DAUC"],
            [
                "participant", "add", "S1", "--role", "professional", "--id", "810123456799", "--name", "Luc Durand", "--specialty",
                "G15_60",
            ],
            ["option", "add", "S1", "--kind", "treatment", "--label", "Chirurgie"],
            ["decision", "record", "S1", "--agreed", "1", "--by", "P1", "P2"],
            ["session", "close", "S1"],
        ] {
            let result = try cli.run(step)
            #expect(result.status == 0, "\(step): \(result.stderr)")
        }
        let (cda, cdaData) = try Self.export(cli, "cda-fr")
        let author = "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor"
        #expect(try cda.string(xpath: "\(author)/hl7:code/@code") == "G15_10/SM36")
        #expect(try cda.string(xpath: "\(author)/hl7:code/@codeSystem") == "1.2.250.1.213.1.1.4.5")
        #expect(try cda.string(xpath: "\(author)/hl7:code/@displayName") == "Médecin - Oncologie, opt médicale (SM)")
        #expect(try cda.string(xpath: "\(author)/hl7:assignedPerson/hl7:name/hl7:family") == "Roussel")
        #expect(try cda.string(xpath: "\(author)/hl7:assignedPerson/hl7:name/hl7:given") == "Hélène")
        // DR is a J246 title: CI-SIS wants it in suffix (ANS examples: <suffix>DR</suffix>).
        #expect(try cda.string(xpath: "\(author)/hl7:assignedPerson/hl7:name/hl7:suffix") == "DR")
        #expect(try cda.count(xpath: "\(author)/hl7:assignedPerson/hl7:name/hl7:prefix") == 0)
        #expect(
            try cda.string(
                xpath: "/hl7:ClinicalDocument/hl7:documentationOf/hl7:serviceEvent/hl7:performer/hl7:assignedEntity/hl7:code/@code")
                == "G15_10/SM36")
        let trusted = "/hl7:ClinicalDocument/hl7:informant/hl7:relatedEntity[@classCode='NOK']"
        #expect(try cda.string(xpath: "\(trusted)/hl7:code/@code") == "SIGOTHR")
        #expect(try cda.string(xpath: "\(trusted)/hl7:code/@codeSystem") == "2.16.840.1.113883.5.111")
        #expect(try cda.string(xpath: "\(trusted)/hl7:relatedPerson/hl7:name/hl7:prefix") == "M")
        let relative = "/hl7:ClinicalDocument/hl7:informant/hl7:relatedEntity[@classCode='CON']"
        #expect(try cda.string(xpath: "\(relative)/hl7:code/@code") == "DAUC")
        #expect(try cda.string(xpath: "\(relative)/hl7:relatedPerson/hl7:name/hl7:family") == "Zoé Martin")
        let other = "/hl7:ClinicalDocument/hl7:participant/hl7:associatedEntity"
        #expect(try cda.string(xpath: "\(other)/hl7:code/@code") == "G15_60")
        // The function in words stays, with the coded specialty, in the participants table.
        let cells = try cda.strings(xpath: "//hl7:section//hl7:td/text()")
        #expect(cells.contains("oncologue médicale — Médecin - Oncologie, opt médicale (SM)"), "\(cells)")
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        try cdaData.write(to: cdaOutput.appendingPathComponent("e2e-people.cda.xml"))

        let (fhir, _) = try Self.export(cli, "fhir-r4")
        let practitioner = Self.f("//f:Practitioner[f:identifier/f:value/@value='810123456781']")
        #expect(try fhir.string(xpath: Self.f("\(practitioner)/f:name/f:family/@value")) == "Roussel")
        #expect(try fhir.string(xpath: Self.f("\(practitioner)/f:name/f:given/@value")) == "Hélène")
        #expect(try fhir.string(xpath: Self.f("\(practitioner)/f:name/f:suffix/@value")) == "DR")
        #expect(
            try fhir.string(xpath: Self.f("\(practitioner)/f:meta/f:profile/@value"))
                == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-practitioner|2.2.0-ballot")
        // A one-field name is the name's text.
        #expect(
            try fhir.string(xpath: Self.f("//f:Practitioner[f:identifier/f:value/@value='810123456799']/f:name/f:text/@value"))
                == "Luc Durand")
        #expect(try fhir.strings(xpath: Self.f("//f:PractitionerRole/f:code/f:coding/f:code/@value")).contains("G15_10/SM36"))
        let relation = try fhir.strings(xpath: Self.f("//f:RelatedPerson/f:relationship/f:coding/f:code/@value"))
        #expect(relation.contains("SIGOTHR") && relation.contains("DAUC"), "\(relation)")
        // FR Core Patient: profiles, identifier types, one official given name, the birth list.
        let patient = Self.f("//f:Patient")
        #expect(
            try fhir.strings(xpath: Self.f("\(patient)/f:meta/f:profile/@value")) == [
                "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient|2.2.0-ballot",
                "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-ins|2.2.0-ballot",
            ])
        #expect(
            try fhir.strings(xpath: Self.f("\(patient)/f:identifier/f:type/f:coding/f:code/@value")) == ["INS-NIR-TEST", "PI"])
        #expect(try fhir.string(xpath: Self.f("\(patient)/f:identifier[1]/f:system/@value")) == "urn:oid:1.2.250.1.213.1.4.10")
        let official = Self.f("\(patient)/f:name[f:use/@value='official']")
        #expect(try fhir.strings(xpath: Self.f("\(official)/f:given/@value")) == ["CLAIRE"])
        #expect(
            try fhir.string(
                xpath: Self.f(
                    "\(official)/f:extension[@url='https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name']/f:valueString/@value"
                )) == "CLAIRE ANNE")
        #expect(
            try fhir.string(
                xpath: Self.f(
                    "\(patient)/f:extension[@url='http://hl7.org/fhir/StructureDefinition/patient-birthPlace']//f:extension[@url='https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code']/f:valueCoding/f:code/@value"
                )) == "75056")
        // FR Core Organization: idNatSt and FINESS slices.
        let organization = Self.f("//f:Organization[1]")
        #expect(try fhir.strings(xpath: Self.f("\(organization)/f:identifier/f:type/f:coding/f:code/@value")) == ["IDNST", "FINEG"])
        #expect(
            try fhir.strings(xpath: Self.f("\(organization)/f:identifier/f:system/@value")) == [
                "urn:oid:1.2.250.1.71.4.2.2", "https://finess.esante.gouv.fr",
            ])
    }

    @Test func unknownCodesAreRefusedNamingTheOptionAndWhereTheCodesAreListed() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let refused = try Self.start(cli, extra: ["--clinician-name", "Dr Roussel", "--clinician-specialty", "ONCO"])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains(
                "--clinician-specialty: is not a code of the CI-SIS value set J01 (professions and specialties); expected a J01 code such as G15_10/SM36 (médecin, oncologie médicale), as `accord codes list J01` lists them."
            ), "\(refused.stderr)")
        #expect(try cli.run(["session", "list"]).stdout.contains("S1") == false, "nothing recorded")
        let prefix = try Self.start(cli, extra: ["--clinician-family-name", "Roussel", "--clinician-prefix", "Docteure"])
        #expect(prefix.status != 0 && prefix.stderr.contains("--clinician-prefix: is not a civility"), "\(prefix.stderr)")
        #expect(try Self.start(cli, extra: ["--clinician-name", "Dr Roussel"]).status == 0)
        let relation = try cli.run(["participant", "add", "S1", "--role", "relative", "--name", "Zoé", "--relationship", "sister"])
        #expect(relation.status != 0)
        #expect(
            relation.stderr.contains("--relationship: is not a code of the CI-SIS value set J11 (relation to the patient)")
                && relation.stderr.contains("`accord codes list J11`"), "\(relation.stderr)")
        #expect(!relation.stderr.contains("Zoé"), "the name is never echoed")
        let listed = try cli.run(["codes", "list", "J11"])
        #expect(listed.status == 0 && listed.stdout.contains("SIGOTHR\tConjoint\t2.16.840.1.113883.5.111"))
    }

    @Test func anAbsentPatientAnswersOnlyThroughAnsweredBy() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try Self.start(cli, absent: true, extra: ["--clinician-name", "Dr Roussel"]).status == 0)
        for step in [
            ["participant", "add", "S1", "--role", "trusted-person", "--name", "Paul Martin"],
            ["option", "add", "S1", "--kind", "treatment", "--label", "Chirurgie"],
        ] {
            #expect(try cli.run(step).status == 0)
        }
        let agreed = try cli.run(["decision", "record", "S1", "--agreed", "1", "--by", "P1", "P2"])
        #expect(agreed.status != 0)
        #expect(
            agreed.stderr.contains(
                "--by: the patient (P1) is recorded as absent from session S1 and cannot be recorded as agreeing to a decision; give --answered-by"
            ), "\(agreed.stderr)")
        let answered = try cli.run(["instrument", "record", "S1", "--instrument", "sure", "--answers", "yes,yes,yes,yes"])
        #expect(answered.status != 0)
        #expect(
            answered.stderr.contains("--respondent: the patient (P1) is recorded as absent from session S1"), "\(answered.stderr)")
        let unknown = try cli.run(["decision", "record", "S1", "--agreed", "1", "--by", "P1", "--answered-by", "P9"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--answered-by: session S1 has no participant P9"), "\(unknown.stderr)")
        let notPatient = try cli.run(["decision", "record", "S1", "--agreed", "1", "--by", "P2", "--answered-by", "P3"])
        #expect(notPatient.status != 0 && notPatient.stderr.contains("--answered-by: is given while the patient (P1)"))
        #expect(
            try cli.run(["decision", "record", "S1", "--agreed", "1", "--by", "P1", "P2", "--answered-by", "P3"]).status == 0)
        #expect(
            try cli.run(["instrument", "record", "S1", "--instrument", "sure", "--answers", "yes,yes,yes,yes", "--answered-by", "P3"])
                .status == 0)
        // The one who answered cannot be withdrawn under the decision.
        #expect(try cli.run(["entry", "withdraw", "S1", "P3", "--reason", "erreur"]).status != 0)
        #expect(try cli.run(["session", "close", "S1"]).status == 0)

        let (cda, cdaData) = try Self.export(cli, "cda-fr")
        let texts = try cda.strings(xpath: "//hl7:section//hl7:text//text()")
        #expect(texts.contains("Réponse donnée pour le patient, absent, par : Paul Martin (personne de confiance)."), "\(texts)")
        #expect(texts.contains { $0.contains("réponses données pour le patient par Paul Martin (personne de confiance)") })
        #expect(
            try cda.string(xpath: "//hl7:entry/hl7:act[hl7:code/@code='decision-agreed']/hl7:informant/hl7:relatedEntity/@classCode")
                == "NOK")
        try FileManager.default.createDirectory(at: cdaOutput, withIntermediateDirectories: true)
        try cdaData.write(to: cdaOutput.appendingPathComponent("e2e-answered-by.cda.xml"))

        let (fhir, _) = try Self.export(cli, "fhir-r4")
        let related = try #require(try fhir.string(xpath: Self.f("//f:entry[f:resource/f:RelatedPerson]/f:fullUrl/@value")))
        #expect(try fhir.string(xpath: Self.f("//f:QuestionnaireResponse/f:source/f:reference/@value")) == related)
        #expect(try fhir.string(xpath: Self.f("//f:QuestionnaireResponse/f:author/f:reference/@value")) == related)
        #expect(
            try fhir.strings(xpath: Self.f("//f:CarePlan[f:intent/@value='plan']/f:contributor/f:reference/@value")).contains(related))
    }

    /// The consultation file takes the same keys: names in parts, codes, `answered_by`.
    @Test func theConsultationFileTakesNamePartsCodesAndAnsweredBy() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        var text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "  present: true", with: "  present: false")
        text = text.replacingOccurrences(
            of: "  name: \"Dr Hélène Roussel\"",
            with: "  family_name: \"Roussel\"\n  given_name: \"Hélène\"\n  prefix: \"dr\"\n  specialty: \"G15_10/SM37\"")
        text = text.replacingOccurrences(
            of: "    name: \"Anne Marchand\"", with: "    family_name: \"Marchand\"\n    given_name: \"Anne\"\n    relationship: \"WIFE\"")
        #expect(text.contains("family_name: \"Roussel\"") && text.contains("relationship: \"WIFE\""), "the sample file changed")
        func importing(_ content: String) throws -> AccordCLI.Result {
            let file = cli.folder.appendingPathComponent("consultation-\(UUID().uuidString).yaml")
            try content.write(to: file, atomically: true, encoding: .utf8)
            return try cli.run(["session", "import", file.path])
        }
        let absent = try importing(text)
        #expect(absent.status != 0)
        #expect(
            absent.stderr.contains("decision.by: the patient (P1) is recorded as absent") && absent.stderr.contains("decision.answered_by"),
            "\(absent.stderr)")
        let answered = text.replacingOccurrences(of: "  by: [P1, P2, P3]", with: "  by: [P1, P2, P3]\n  answered_by: P3")
        #expect(answered != text, "the sample's decision changed")
        let badCode = try importing(answered.replacingOccurrences(of: "relationship: \"WIFE\"", with: "relationship: \"EPOUSE\""))
        #expect(badCode.status != 0)
        #expect(badCode.stderr.contains("participants[1].relationship: is not a code of the CI-SIS value set J11"), "\(badCode.stderr)")
        let imported = try importing(answered)
        #expect(imported.status == 0, "\(imported.stderr)")
        let (cda, _) = try Self.export(cli, "cda-fr")
        let author = "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor"
        #expect(try cda.string(xpath: "\(author)/hl7:code/@code") == "G15_10/SM37")
        #expect(try cda.string(xpath: "\(author)/hl7:assignedPerson/hl7:name/hl7:family") == "Roussel")
        #expect(try cda.string(xpath: "\(author)/hl7:assignedPerson/hl7:name/hl7:suffix") == "DR")
        #expect(
            try cda.string(xpath: "/hl7:ClinicalDocument/hl7:informant/hl7:relatedEntity[@classCode='NOK']/hl7:code/@code") == "WIFE")
    }

}
