import AccordCore
import Foundation
import Testing

@testable import AccordXML

@Suite("FHIR R4 export (fhir-r4)")
struct FHIRExporterTests {
    private let entry = "/f:Bundle/f:entry"

    private func read(_ input: CDAExportInput, keep name: String) throws -> (Data, FHIRReader) {
        let data = FHIRExporter.document(input)
        FHIRFixtures.keep(data, as: name)
        return (data, try FHIRReader(data))
    }

    @Test("the Bundle is a document with the CDA document id, the export instant and the Composition first")
    func bundle() throws {
        let (data, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        #expect(Array(data.prefix(3)) != [0xEF, 0xBB, 0xBF])
        #expect(try reader.string("/f:Bundle/f:type/@value") == "document")
        #expect(try reader.string("/f:Bundle/f:identifier/f:system/@value") == "urn:ietf:rfc:3986")
        #expect(try reader.string("/f:Bundle/f:identifier/f:value/@value") == "urn:oid:2.999.1.3.1.1")
        #expect(try reader.string("/f:Bundle/f:timestamp/@value") == "2026-03-02T10:15:00Z")
        #expect(try reader.string("local-name(\(entry)[1]/f:resource/*)") == "Composition")
        #expect(try reader.count("\(entry)/f:resource/f:Composition") == 1)

        let composition = "\(entry)[1]/f:resource/f:Composition"
        #expect(try reader.string("\(composition)/f:status/@value") == "final")
        #expect(try reader.string("\(composition)/f:type/f:coding/f:system/@value") == "http://loinc.org")
        #expect(try reader.string("\(composition)/f:type/f:coding/f:code/@value") == "11488-4")
        #expect(try reader.string("\(composition)/f:identifier/f:value/@value") == "urn:oid:2.999.1.3.1")
        #expect(try reader.string("\(composition)/f:date/@value") == "2026-03-02T10:15:00Z")
        #expect(try reader.string("\(composition)/f:attester/f:mode/@value") == "legal")
        #expect(try reader.count("\(composition)/f:relatesTo") == 0)

        // Subject, encounter, author, attester and custodian point at the right resources.
        func target(_ path: String) throws -> String? {
            let url = try reader.string("\(composition)/\(path)/f:reference/@value") ?? ""
            return try reader.string("local-name(\(entry)[f:fullUrl/@value='\(url)']/f:resource/*)")
        }
        #expect(try target("f:subject") == "Patient")
        #expect(try target("f:encounter") == "Encounter")
        #expect(try target("f:author") == "PractitionerRole")
        #expect(try target("f:attester/f:party") == "PractitionerRole")
        #expect(try target("f:custodian") == "Organization")
        let custodian = try reader.string("\(composition)/f:custodian/f:reference/@value") ?? ""
        #expect(
            try reader.string("\(entry)[f:fullUrl/@value='\(custodian)']/f:resource/f:Organization/f:identifier/f:value/@value")
                == "12A0000014")

        let sections = try reader.strings("\(composition)/f:section/f:code/f:coding/f:code/@value")
        #expect(
            sections == [
                "section-participants", "29299-5", "72135-7", "section-options", "section-preferences", "section-decision",
                "section-process", "section-instruments", "18776-5", "55112-7",
            ])
        #expect(try reader.count("\(composition)/f:section[not(f:title) or not(f:text) or not(f:code)]") == 0)
    }

    @Test("fullUrls are deterministic name-based UUIDs, ids match them and every reference resolves")
    func references() throws {
        let (_, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        let urls = try reader.strings("\(entry)/f:fullUrl/@value")
        #expect(Set(urls).count == urls.count)
        let pattern = #"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#
        #expect(urls.allSatisfy { $0.range(of: pattern, options: .regularExpression) != nil })
        let ids = try reader.strings("\(entry)/f:resource/*/f:id/@value")
        #expect(ids.map { "urn:uuid:\($0)" } == urls)
        #expect(
            urls[0]
                == "urn:uuid:"
                + FHIRExporter.resourceUUID(session: SessionID(number: 1), version: 1, centre: CDAFixtures.centre, resource: "Composition"))
        let references = try reader.strings("//f:reference/@value")
        #expect(!references.isEmpty)
        #expect(references.allSatisfy(urls.contains))
        // Every resource but the Provenance is referenced (the Composition by the Provenance).
        #expect(Set(urls).subtracting(references) == [urls[urls.count - 1]])
        #expect(try reader.string("local-name(\(entry)[last()]/f:resource/*)") == "Provenance")

        let v2 = FHIRExporter.resourceUUID(session: SessionID(number: 1), version: 2, centre: CDAFixtures.centre, resource: "Composition")
        #expect("urn:uuid:\(v2)" != urls[0])
    }

    @Test(
        "the INS identifier type follows the INS OID",
        arguments: [
            (KnownOID.insNIR, "INS-NIR"), (KnownOID.insNIA, "INS-NIA"), (KnownOID.insNIRTest, "INS-NIR-TEST"),
            (KnownOID.insNIRDemo, "INS-NIR-DEMO"),
        ])
    func insIdentifierType(_ oid: String, _ code: String) throws {
        var consultation = try FHIRFixtures.consultation()
        consultation.start.patient.insOID = oid
        let input = CDAExportInput(
            consultation: consultation, centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant, version: 1,
            replacedDocumentID: nil)
        let (_, reader) = try read(input, keep: "ins-type-\(code)")
        let ins = "\(entry)/f:resource/f:Patient/f:identifier[f:system/@value='urn:oid:\(oid)']"
        #expect(try reader.string("\(ins)/f:type/f:coding/f:code/@value") == code)
        #expect(
            try reader.string("\(ins)/f:type/f:coding/f:system/@value") == "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203")
    }

    @Test("the Patient carries the INS identity traits exactly")
    func patient() throws {
        let (_, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        let patient = "\(entry)/f:resource/f:Patient"
        #expect(try reader.count(patient) == 1)
        let ins = "\(patient)/f:identifier[f:system/@value='urn:oid:1.2.250.1.213.1.4.10']"
        #expect(try reader.string("\(ins)/f:value/@value") == "175062A00412377")
        #expect(try reader.string("\(ins)/f:use/@value") == "official")
        #expect(try reader.string("\(ins)/f:type/f:coding/f:code/@value") == "INS-NIR-TEST")
        #expect(try reader.string("\(patient)/f:identifier[f:system/@value='urn:oid:2.999.1.2']/f:value/@value") == "IPP-000123")
        let official = "\(patient)/f:name[f:use/@value='official']"
        #expect(try reader.string("\(official)/f:family/@value") == "D'ARTAGNAN-LE-GALL")
        // FR Core: one given name (the first birth given name), the list in the name's extension.
        #expect(try reader.strings("\(official)/f:given/@value") == ["JEAN-PIERRE"])
        #expect(
            try reader.string(
                "\(official)/f:extension[@url='https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name']/f:valueString/@value"
            ) == "JEAN-PIERRE MARIE")
        #expect(
            try reader.strings("\(patient)/f:meta/f:profile/@value").first
                == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient|2.2.0-ballot")
        let usual = "\(patient)/f:name[f:use/@value='usual']"
        #expect(try reader.string("\(usual)/f:family/@value") == "LE GALL")
        #expect(try reader.strings("\(usual)/f:given/@value") == ["JEAN-PIERRE"])
        #expect(try reader.string("\(patient)/f:gender/@value") == "male")
        #expect(try reader.string("\(patient)/f:birthDate/@value") == "1975-06-14")
        let birthPlace = "\(patient)/f:extension[@url='http://hl7.org/fhir/StructureDefinition/patient-birthPlace']"
        #expect(try reader.string("\(birthPlace)/f:valueAddress/f:district/@value") == "2A004")

        let practitioners = "\(entry)/f:resource/f:Practitioner/f:identifier[f:system/@value='urn:oid:1.2.250.1.71.4.2.1']/f:value/@value"
        #expect(try reader.strings(practitioners) == ["801234567897", "810123456781"])
        #expect(try reader.count("\(entry)/f:resource/f:PractitionerRole") == 2)
        #expect(
            try reader.strings("\(entry)/f:resource/f:RelatedPerson/f:relationship/f:coding/f:code/@value") == ["NOK", "CAREGIVER"])
        #expect(try reader.count("\(entry)/f:resource/f:RelatedPerson") == 3)
        #expect(try reader.string("\(entry)/f:resource/f:Encounter/f:status/@value") == "finished")
        #expect(try reader.string("\(entry)/f:resource/f:Encounter/f:class/f:code/@value") == "AMB")
        #expect(try reader.string("\(entry)/f:resource/f:Encounter/f:period/f:start/@value") == "2026-03-02T09:30:00Z")
        let condition = "\(entry)/f:resource/f:Condition/f:code"
        #expect(try reader.string("\(condition)/f:coding/f:system/@value") == "http://hl7.org/fhir/sid/icd-10")
        #expect(try reader.string("\(condition)/f:coding/f:code/@value") == "C61")
        #expect(try reader.string("\(condition)/f:text/@value") == "Adénocarcinome de la prostate, score de Gleason 7")
    }

    @Test("one proposal per option and the agreed plan based on its proposal")
    func agreedPlan() throws {
        let (_, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        let plans = "\(entry)/f:resource/f:CarePlan"
        #expect(try reader.count(plans) == 3 + 1)
        #expect(try reader.strings("\(plans)/f:intent/@value") == ["proposal", "proposal", "proposal", "plan"])
        #expect(try reader.strings("\(plans)/f:status/@value") == ["active", "active", "active", "active"])
        let proposal = try reader.string("\(entry)[f:resource/f:CarePlan/f:identifier/f:value/@value='O1']/f:fullUrl/@value")
        #expect(proposal != nil)
        #expect(try reader.string("\(plans)[f:intent/@value='plan']/f:basedOn/f:reference/@value") == proposal)
        #expect(
            try reader.string("\(plans)[f:intent/@value='plan']/f:title/@value")
                == "Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>")
        #expect(try reader.count("\(plans)[f:intent/@value='plan']/f:contributor") == 2)
        #expect(try reader.count("\(plans)[f:intent/@value='plan']/f:goal") == 2)
        #expect(
            try reader.strings("\(plans)[f:identifier/f:value/@value='O2']/f:note/f:text/@value").contains(
                "Essai clinique, identifiant de registre : NCT01234567"))
        #expect(try reader.count("\(plans)[f:intent/@value='proposal']/f:supportingInfo/f:identifier") == 2)

        let goals = "\(entry)/f:resource/f:Goal"
        #expect(try reader.strings("\(goals)/f:lifecycleStatus/@value") == ["proposed", "proposed"])
        #expect(try reader.strings("\(goals)/f:priority/f:coding/f:code/@value") == ["high-priority", "medium-priority"])
        #expect(
            try reader.strings("\(goals)/f:description/f:text/@value") == [
                "Pouvoir continuer à travailler", "Éviter les troubles urinaires",
            ])
    }

    @Test("a deferral is the plan on hold with the next contact scheduled")
    func deferred() throws {
        let input = try FHIRFixtures.input(decision: .deferred(nextContact: CalendarDate("2026-03-16")!))
        let (_, reader) = try read(input, keep: "deferred")
        let plans = "\(entry)/f:resource/f:CarePlan"
        #expect(try reader.count(plans) == 3 + 1)
        let plan = "\(plans)[f:intent/@value='plan']"
        #expect(try reader.string("\(plan)/f:status/@value") == "on-hold")
        #expect(try reader.count("\(plan)/f:basedOn") == 0)
        #expect(try reader.string("\(plan)/f:activity/f:detail/f:status/@value") == "scheduled")
        #expect(try reader.string("\(plan)/f:activity/f:detail/f:scheduledPeriod/f:start/@value") == "2026-03-16")
    }

    @Test("a declined decision gives no plan and the decision section says so")
    func declined() throws {
        let (_, reader) = try read(try FHIRFixtures.input(decision: .declined), keep: "declined")
        #expect(try reader.count("\(entry)/f:resource/f:CarePlan") == 3)
        #expect(try reader.count("\(entry)/f:resource/f:CarePlan[f:intent/@value='plan']") == 0)
        let section = "\(entry)/f:resource/f:Composition/f:section[f:code/f:coding/f:code/@value='section-decision']"
        #expect(try reader.count("\(section)/f:entry") == 0)
        #expect(try reader.string("\(section)/f:text/xhtml:div/xhtml:p[1]") == "Le patient a décliné les options proposées.")
    }

    @Test("instruments become QuestionnaireResponses holding their Questionnaire's items, scores and flags Observations derived from them")
    func instruments() throws {
        let (_, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        let responses = "\(entry)/f:resource/f:QuestionnaireResponse"
        #expect(try reader.count(responses) == 4)
        // No FHIR base in the fixture's settings: urn:oid:ROOT.6.N, N the instrument's number.
        #expect(
            try reader.strings("\(responses)/f:questionnaire/@value") == [
                "urn:oid:2.999.1.6.10|1997", "urn:oid:2.999.1.6.4|2010", "urn:oid:2.999.1.6.1|2010", "urn:oid:2.999.1.6.8|2010-statement",
            ])
        #expect(try reader.strings("\(responses)/f:status/@value") == ["completed", "completed", "completed", "in-progress"])
        let cps = "\(responses)[f:identifier/f:value/@value='I1']"
        #expect(try reader.string("\(cps)/f:item[f:linkId/@value='1']/f:answer/f:valueString/@value") == "C")
        let sdm = "\(responses)[f:identifier/f:value/@value='I2']"
        #expect(try reader.strings("\(sdm)/f:item/f:answer/f:valueInteger/@value") == ["5", "4", "4", "3", "5", "4", "4", "5", "3"])
        let sure = "\(responses)[f:identifier/f:value/@value='I3']"
        #expect(try reader.strings("\(sure)/f:item/f:answer/f:valueBoolean/@value") == ["true", "true", "false", "true"])
        let dcs = "\(responses)[f:identifier/f:value/@value='I4']"
        #expect(try reader.count("\(dcs)/f:item[f:linkId/@value='5']") == 0)
        #expect(try reader.count("\(dcs)/f:item[f:linkId/@value='6']") == 1)
        // Only the items of their Questionnaire: the same linkIds, no score or flag item.
        let consultation = try FHIRFixtures.consultation()
        for (index, response) in consultation.instruments.enumerated() {
            let questionnaire = try FHIRReader(FHIRQuestionnaire.document(response.instrument.instrument, centre: CDAFixtures.centre))
            let allowed = Set(try questionnaire.strings("/f:Questionnaire/f:item/f:linkId/@value"))
            let linkIDs = try reader.strings("(\(responses))[\(index + 1)]/f:item/f:linkId/@value")
            #expect(!linkIDs.isEmpty && Set(linkIDs).isSubset(of: allowed), "\(response.instrument): \(linkIDs)")
            let canonical = try reader.string("(\(responses))[\(index + 1)]/f:questionnaire/@value")
            #expect(canonical?.split(separator: "|").first.map(String.init) == (try questionnaire.string("/f:Questionnaire/f:url/@value")))
        }
        // Scores and flags: Observations derived from the response.
        let observations = "\(entry)/f:resource/f:Observation"
        let sdmResponseURL = try #require(
            try reader.string("\(entry)[f:resource/f:QuestionnaireResponse/f:identifier/f:value/@value='I2']/f:fullUrl/@value"))
        let sdmScore = "\(observations)[f:code/f:coding/f:code/@value='score-sdm-q-9']"
        #expect(try reader.string("\(sdmScore)/f:valueQuantity/f:value/@value") == consultation.instruments[1].score.formatted)
        #expect(try reader.string("\(sdmScore)/f:derivedFrom/f:reference/@value") == sdmResponseURL)
        #expect(try reader.string("\(sdmScore)/f:category/f:coding/f:code/@value") == "survey")
        #expect(
            try reader.string("\(sdmScore)/f:code/f:coding/f:system/@value") == "urn:oid:2.25.283297555832327549653822455234110437042.2")
        #expect(try reader.string("\(observations)[f:code/f:coding/f:code/@value='score-sure']/f:valueQuantity/f:value/@value") == "3")
        #expect(
            try reader.string("\(observations)[f:code/f:coding/f:code/@value='flag-sure']/f:valueCodeableConcept/f:coding/f:code/@value")
                == InstrumentScore.decisionalConflictFlag)
        #expect(
            try reader.string(
                "\(observations)[f:code/f:coding/f:code/@value='flag-cps-preferred']/f:valueCodeableConcept/f:coding/f:code/@value")
                == InstrumentScore.collaborativeFlag)
        // Every Observation is derived from a QuestionnaireResponse of the Bundle and listed in
        // the instruments section.
        let responseURLs = Set(try reader.strings("\(entry)[f:resource/f:QuestionnaireResponse]/f:fullUrl/@value"))
        let derived = try reader.strings("\(observations)/f:derivedFrom/f:reference/@value")
        #expect(!derived.isEmpty && derived.allSatisfy(responseURLs.contains))
        let observationURLs = try reader.strings("\(entry)[f:resource/f:Observation]/f:fullUrl/@value")
        let sectionRefs = Set(
            try reader.strings("//f:Composition/f:section[f:code/f:coding/f:code/@value='section-instruments']/f:entry/f:reference/@value"))
        #expect(observationURLs.allSatisfy(sectionRefs.contains))
    }

    @Test("every narrative has an XHTML div, and no element or attribute is empty")
    func narratives() throws {
        let (_, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        let narratives = try reader.count("//f:text[f:status]")
        let resources = try reader.count("\(entry)/f:resource/*")
        let sections = try reader.count("//f:section")
        #expect(narratives == resources + sections)
        #expect(try reader.count("//f:text[f:status][not(xhtml:div)]") == 0)
        #expect(try reader.count("//f:text[f:status]/xhtml:div[normalize-space(.)='']") == 0)
        #expect(try reader.count("//*[local-name()='div'][namespace-uri()!='http://www.w3.org/1999/xhtml']") == 0)
        #expect(try reader.count("//@*[normalize-space(.)='']") == 0)
        #expect(try reader.count("//*[namespace-uri()='http://hl7.org/fhir'][not(@*) and not(*)]") == 0)
        let ids = try reader.strings("//f:id/@value")
        #expect(ids.allSatisfy { $0.range(of: #"^[A-Za-z0-9\-\.]{1,64}$"#, options: .regularExpression) != nil })
    }

    @Test("free text is escaped, control characters are removed and emoji survive")
    func freeText() throws {
        let (data, reader) = try read(try FHIRFixtures.input(), keep: "agreed")
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\u{1}"))
        #expect(text.contains("🙂"))
        #expect(text.contains("sœur &amp; de son aidant"))
        #expect(text.contains("&lt;avant&gt;") || text.contains("&lt;avant>"))
        #expect(text.contains("Radiothérapie &quot;hypofractionnée&quot; &amp; hormonothérapie &lt;6 mois&gt;"))
        let note = try reader.string(
            "\(entry)/f:resource/f:Composition/f:section[f:code/f:coding/f:code/@value='55112-7']/f:text/xhtml:div/xhtml:p")
        #expect(note == XMLText.sanitized(CDAFixtures.trickyNote))
        #expect(note?.contains("\"du temps\" <avant>") == true)
    }

    @Test("the same input gives the same bytes")
    func deterministic() throws {
        let first = FHIRExporter.document(try FHIRFixtures.input())
        let second = FHIRExporter.document(try FHIRFixtures.input())
        #expect(first == second)
        #expect(FHIRExporter.fileName(session: SessionID(number: 1), version: 1) == "S1-v1.fhir.xml")
    }

    @Test("a replacing version points at the version it replaces")
    func replacing() throws {
        let v1 = CDAExporter.documentID(session: SessionID(number: 1), version: 1, centre: CDAFixtures.centre, branch: FHIRExporter.branch)
        let (_, reader) = try read(try FHIRFixtures.input(version: 2, replacing: v1), keep: "replacing")
        let composition = "\(entry)[1]/f:resource/f:Composition"
        #expect(try reader.string("/f:Bundle/f:identifier/f:value/@value") == "urn:oid:2.999.1.3.1.2")
        #expect(try reader.string("\(composition)/f:identifier/f:value/@value") == "urn:oid:2.999.1.3.1")
        #expect(try reader.string("\(composition)/f:relatesTo/f:code/@value") == "replaces")
        #expect(try reader.string("\(composition)/f:relatesTo/f:targetIdentifier/f:value/@value") == "urn:oid:2.999.1.3.1.1")
    }

    /// RFC 9562: a name-based UUID from SHA-256 is version 8 (version 5 is SHA-1): the high
    /// nibble of octet 6 is 1000, the high two bits of octet 8 are 10.
    @Test("resource UUIDs carry the RFC 9562 version 8 and variant bits")
    func uuidBits() throws {
        for resource in ["Bundle", "Composition", "Patient", "QuestionnaireResponse/I1"] {
            let uuid = FHIRExporter.resourceUUID(session: SessionID(number: 7), version: 3, centre: CDAFixtures.centre, resource: resource)
            let hex = Array(uuid.replacingOccurrences(of: "-", with: ""))
            #expect(hex.count == 32)
            let octet6 = try #require(UInt8(String(hex[12...13]), radix: 16))
            let octet8 = try #require(UInt8(String(hex[16...17]), radix: 16))
            #expect(octet6 >> 4 == 0b1000, "\(uuid)")
            #expect(octet8 >> 6 == 0b10, "\(uuid)")
        }
    }

    /// The CDA and FHIR documents of one session version never share an id (issue 15, part 4).
    @Test("the FHIR document ids are on their own branch, apart from the CDA ones")
    func idsApartFromCDA() throws {
        let input = try FHIRFixtures.input()
        let (_, reader) = try read(input, keep: "ids")
        let cda = try XMLDocumentReader(data: CDAExporter.document(input))
        let fhirID = try reader.string("/f:Bundle/f:identifier/f:value/@value")
        let cdaID = try cda.string(xpath: "/hl7:ClinicalDocument/hl7:id/@root")
        #expect(fhirID == "urn:oid:2.999.1.3.1.1")
        #expect(cdaID == "2.999.1.1.1.1")
        #expect(fhirID != "urn:oid:\(cdaID)")
    }

    @Test("write without a schema checks well-formedness and says it did not validate")
    func writeWithoutSchema() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try FHIRExporter.write(try FHIRFixtures.input(), to: folder, schema: nil)
        #expect(outcome.validation == .notValidated)
        #expect(outcome.url.lastPathComponent == "S1-v1.fhir.xml")
        #expect(try Data(contentsOf: outcome.url) == FHIRExporter.document(try FHIRFixtures.input()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["S1-v1.fhir.xml"])
        let mode = try FileManager.default.attributesOfItem(atPath: outcome.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("an empty free-text value is left out, not written empty")
    func emptyValues() throws {
        var input = try FHIRFixtures.input()
        input.consultation.notes.append(Note(entry: EntryID("N9"), text: "\u{1}\u{2}  "))
        input.consultation.options[0].label = "\u{7}"
        let data = FHIRExporter.document(input)
        FHIRFixtures.keep(data, as: "empty-values")
        let reader = try FHIRReader(data)
        #expect(try reader.count("//@*[normalize-space(.)='']") == 0)
        #expect(try reader.count("\(entry)/f:resource/f:CarePlan[f:identifier/f:value/@value='O1']/f:title") == 0)
        if let schema = try FHIRSchemaTests.schema() { #expect(schema.validate(data) == []) }
    }
}

/// Validation against the official HL7 FHIR R4 schema. Skipped, with this reason shown, when
/// `ACCORD_SCHEMAS` is unset.
@Suite(
    "FHIR export against the HL7 R4 schema (ACCORD_SCHEMAS)",
    .enabled(if: CDAFixtures.schemasAvailable, "ACCORD_SCHEMAS is not set: skipping validation against fhir-r4/fhir-single.xsd"))
struct FHIRSchemaTests {
    /// The compiled FHIR schema, or `nil` when `ACCORD_SCHEMAS` is unset.
    static func schema() throws -> XMLSchema? { try CDAFixtures.schemaLocator?.fhir() }

    static let variants: [(String, DecisionOutcome, Int)] = [
        ("agreed", .agreed(option: 1), 1),
        ("replacing", .agreed(option: 1), 2),
        ("deferred", .deferred(nextContact: CalendarDate("2026-03-16")!), 1),
        ("declined", .declined, 1),
    ]

    @Test("the example documents validate and are written to .build/fhir-out", arguments: variants)
    func validates(name: String, decision: DecisionOutcome, version: Int) throws {
        let schema = try #require(try Self.schema())
        let replaced =
            version > 1 ? CDAExporter.documentID(session: SessionID(number: 1), version: version - 1, centre: CDAFixtures.centre) : nil
        let input = try FHIRFixtures.input(decision: decision, version: version, replacing: replaced)
        #expect(schema.validate(FHIRExporter.document(input)) == [])

        let folder = FHIRFixtures.outputFolder.appendingPathComponent(name, isDirectory: true)
        try? FileManager.default.removeItem(at: folder)
        let outcome = try FHIRExporter.write(input, to: folder, schema: schema)
        #expect(outcome.validation == .valid(schema: schema.url.path))
        let flat = FHIRFixtures.outputFolder.appendingPathComponent("\(name)-\(outcome.url.lastPathComponent)")
        try? FileManager.default.removeItem(at: flat)
        try FileManager.default.copyItem(at: outcome.url, to: flat)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("the CDA test consultation (no instruments, no process) validates too")
    func minimal() throws {
        let schema = try #require(try Self.schema())
        let data = FHIRExporter.document(try CDAFixtures.input())
        FHIRFixtures.keep(data, as: "cda-consultation")
        #expect(schema.validate(data) == [])
    }

    @Test("the checked-in example document is the one the test consultation gives")
    func example() throws {
        let data = FHIRExporter.document(try FHIRFixtures.input())
        let example = CDAFixtures.packageRoot.appendingPathComponent("Exports/fhir-r4/example.fhir.xml")
        if ProcessInfo.processInfo.environment["ACCORD_UPDATE_EXAMPLES"] == "1" {
            try FileManager.default.createDirectory(at: example.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: example)
        }
        let stored = try Data(contentsOf: example)
        #expect(stored == data, "Exports/fhir-r4/example.fhir.xml is stale; rerun with ACCORD_UPDATE_EXAMPLES=1")
        #expect(try #require(try Self.schema()).validate(stored) == [])
    }
}
