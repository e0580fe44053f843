import AccordCore
import AccordService
import Foundation
import Testing

@testable import AccordXML

/// What the documents carry for each identity status (RNIV): the INS only for a qualified
/// identity, the IPP otherwise; the French core profile's identity-reliability extension when a
/// status was recorded.
@Suite("identity status in the documents")
struct IdentityStatusExportTests {
    static let patientRole = "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole"
    static let patient = "/f:Bundle/f:entry/f:resource/f:Patient"

    /// The example consultation with the identity's status set to `status` (and the IPP
    /// removed when `ipp` is false).
    static func input(status: IdentityStatus?, ipp: Bool = true) throws -> CDAExportInput {
        var input = try FHIRFixtures.input()
        input.consultation.start.identityStatus = status
        if !ipp { input.consultation.start.ipp = nil }
        return input
    }

    /// (status, whether the INS travels, the extension's code or `nil` for none)
    static let statuses: [(IdentityStatus?, Bool, String?)] = [
        (nil, true, nil), (.provisional, false, "PROV"), (.recovered, false, "RECUP"), (.validated, false, "VALI"),
        (.qualified, true, "QUAL"),
    ]

    @Test("the CDA names the patient by INS only when the identity is qualified, always by IPP", arguments: statuses)
    func cdaIdentifiers(status: IdentityStatus?, insTravels: Bool, code: String?) throws {
        let reader = try XMLDocumentReader(data: CDAExporter.document(try Self.input(status: status)))
        let roots = try reader.strings(xpath: "\(Self.patientRole)/hl7:id/@root")
        #expect(roots == (insTravels ? [KnownOID.insNIRTest, "2.999.1.2"] : ["2.999.1.2"]))
        #expect(try reader.string(xpath: "\(Self.patientRole)/hl7:id[@root='2.999.1.2']/@extension") == "IPP-000123")
        let ins = try reader.count(xpath: "//*[@extension='175062A00412377']")
        #expect(ins == (insTravels ? 1 : 0), "the INS appears \(ins) times")
        // The participants' table names the patient by the identifier the header carries.
        let cell = try reader.string(xpath: "//hl7:td[text()='P1']/following-sibling::hl7:td[4]")
        #expect(cell == (insTravels ? "INS 175062A00412377" : "IPP IPP-000123"))
    }

    @Test("the FHIR Patient carries the INS only when qualified, and the status when one was recorded", arguments: statuses)
    func fhirPatient(status: IdentityStatus?, insTravels: Bool, code: String?) throws {
        let data = FHIRExporter.document(try Self.input(status: status))
        let reader = try FHIRReader(data)
        let systems = try reader.strings("\(Self.patient)/f:identifier/f:system/@value")
        #expect(systems == (insTravels ? ["urn:oid:\(KnownOID.insNIRTest)", "urn:oid:2.999.1.2"] : ["urn:oid:2.999.1.2"]))
        #expect(String(decoding: data, as: UTF8.self).contains("175062A00412377") == insTravels)
        let reliability = "\(Self.patient)/f:extension[@url='https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability']"
        #expect(try reader.count(reliability) == (code == nil ? 0 : 1))
        if let code {
            let coding = "\(reliability)/f:extension[@url='identityStatus']/f:valueCoding"
            #expect(try reader.string("\(coding)/f:system/@value") == "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status")
            #expect(try reader.string("\(coding)/f:code/@value") == code)
            #expect(try reader.string("\(coding)/f:display/@value") == status?.frenchDisplayName)
        }
        let narrative = try reader.strings("\(Self.patient)/f:text/xhtml:div/xhtml:p")
        #expect(narrative.last == (insTravels ? "INS 175062A00412377, IPP IPP-000123" : "IPP IPP-000123"))
    }

    @Test("a document without a status is byte for byte the one written before statuses existed")
    func noStatusUnchanged() throws {
        let before = try FHIRFixtures.input()
        #expect(before.consultation.start.identityStatus == nil)
        #expect(try FHIRExporter.document(Self.input(status: nil)) == FHIRExporter.document(before))
        #expect(try CDAExporter.document(Self.input(status: nil)) == CDAExporter.document(before))
        // A qualified status given explicitly changes only the FHIR extension.
        let cda = CDAExporter.document(try Self.input(status: .qualified))
        #expect(cda == CDAExporter.document(before))
    }

    @Test(
        "a non-qualified identity without IPP is refused by the export, naming the session",
        arguments: [
            IdentityStatus.provisional, .recovered, .validated,
        ])
    func refusedWithoutIPP(status: IdentityStatus) throws {
        let consultation = try Self.input(status: status, ipp: false).consultation
        let error = try #require(throws: AccordError.self) { try consultation.checkPatientIdentifiable() }
        #expect(error.code == .conflict)
        #expect(
            error.message
                == "session S1 cannot be exported: the patient's identity is \(status.rawValue), so its INS may not travel in a document (only a qualified identity's may), and no IPP is recorded; record the IPP (`accord patient correct S1 --ipp … --reason …`) or qualify the identity (`accord patient status S1 --set qualified …`)."
        )
        #expect(!error.message.contains("175062A00412377"))
        try Self.input(status: .qualified, ipp: false).consultation.checkPatientIdentifiable()
    }

    @Test("a pseudonymised document carries the pseudonym whatever the status, and no status")
    func pseudonymised() throws {
        let key = try PseudonymKey(bytes: Data((0..<32).map { UInt8($0) }))
        let qualified = try Self.input(status: .qualified).consultation.pseudonymised(key: key)
        let provisional = try Self.input(status: .provisional).consultation.pseudonymised(key: key)
        #expect(provisional.start.identityStatus == nil && provisional.start.documentINS != nil)
        #expect(provisional.start.patient.ins == qualified.start.patient.ins, "the same patient, the same pseudonym")
        // Without INS the pseudonym comes from the IPP, and differs from the INS's.
        var withoutINS = try Self.input(status: .provisional).consultation
        withoutINS.start.patient.ins = nil
        withoutINS.start.patient.insOID = nil
        let fromIPP = withoutINS.pseudonymised(key: key)
        #expect(fromIPP.start.patient.ins != nil && fromIPP.start.patient.ins != qualified.start.patient.ins)
        #expect(fromIPP.start.patient.ins == withoutINS.pseudonymised(key: key).start.patient.ins)
    }
}

/// The documents of each status validate against the official schemas.
@Suite(
    "identity status documents against the schemas (ACCORD_SCHEMAS)",
    .enabled(if: CDAFixtures.schemasAvailable, "ACCORD_SCHEMAS is not set: skipping schema validation"))
struct IdentityStatusSchemaTests {
    @Test(arguments: [IdentityStatus.provisional, .qualified])
    func validates(status: IdentityStatus) throws {
        let locator = try #require(CDAFixtures.schemaLocator)
        let input = try IdentityStatusExportTests.input(status: status)
        #expect(try #require(try locator.fhir()).validate(FHIRExporter.document(input)) == [])
        #expect(try #require(try locator.cda()).validate(CDAExporter.document(input)) == [])
    }
}
