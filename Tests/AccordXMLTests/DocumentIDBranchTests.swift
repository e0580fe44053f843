import AccordCore
import AccordXML
import Foundation
import Testing

/// How an export picks its ids (issue 15, part 4): a version already issued keeps the ids it
/// was issued with; a new one takes its profile's branch, never an id issued before.
@Suite struct DocumentIDBranchTests {
    /// The CDA fixture consultation with `issues` recorded after it closed.
    static func consultation(issuing issues: [DocumentIssue], noteAfter: Bool = false) throws -> Consultation {
        var changes = CDAFixtures.changes()
        changes += issues.map { Change.documentIssued($0) }
        let events = changes.enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: CDAFixtures.startInstant.addingTimeInterval(Double(index) * 60), author: CDAFixtures.clinicianID, change: change
            )
        }
        var consultation = try Consultation(events: events)
        if noteAfter {
            let note = RecordedEvent(
                sequence: Int64(events.count + 1), sessionID: SessionID(number: 1), sessionSequence: events.count + 1,
                recordedAt: CDAFixtures.startInstant.addingTimeInterval(Double(events.count) * 60), author: CDAFixtures.clinicianID,
                reason: "oubli", change: .noteAdded(text: "ajout"))
            consultation.apply(note)
        }
        return consultation
    }

    /// A document issued before the branches, as Accord recorded it then (no `id_branch`).
    static func legacyIssue(_ profile: String, version: Int = 1, recordSequence: Int) -> DocumentIssue {
        DocumentIssue(
            profile: profile, version: version, idRoot: "2.999.1", documentID: "2.999.1.1.1.\(version)", replaces: nil,
            documentTime: CDAFixtures.exportInstant, sha256: String(repeating: "f", count: 64), recordSequence: recordSequence,
            centreSequence: nil)
    }

    static func prepare(_ profile: String, _ consultation: Consultation) throws -> PreparedDocument {
        try ExportProfile.named(profile).prepare(
            consultation, version: DocumentVersion.of(consultation, profile: profile), versionKey: profile,
            centre: ExportCentre(settings: CDAFixtures.centre, sequence: nil), centreAt: { _ in CDAFixtures.centre },
            now: CDAFixtures.exportInstant.addingTimeInterval(3600), pseudonymKey: nil, schema: nil)
    }

    @Test func aFirstCDAVersionWhoseLegacyIDAFHIRDocumentTookGoesToTheFallbackBranch() throws {
        let closedAt = CDAFixtures.changes().count
        let consultation = try Self.consultation(issuing: [Self.legacyIssue("fhir-r4", recordSequence: closedAt)])
        let prepared = try Self.prepare("cda-fr", consultation)
        let issue = try #require(prepared.issue)
        #expect(issue.documentID == "2.999.1.5.1.1")
        #expect(issue.idBranch == "5")
        let reader = try XMLDocumentReader(data: prepared.data)
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:id/@root") == "2.999.1.5.1.1")
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:setId/@root") == "2.999.1.5.1")
    }

    @Test func theNextFHIRVersionOfALegacySetTakesBranch3AndReplacesTheIDIssued() throws {
        let closedAt = CDAFixtures.changes().count
        let consultation = try Self.consultation(
            issuing: [Self.legacyIssue("cda-fr", recordSequence: closedAt), Self.legacyIssue("fhir-r4", recordSequence: closedAt)],
            noteAfter: true)
        let fhir = try #require(try Self.prepare("fhir-r4", consultation).issue)
        #expect(fhir.version == 2)
        #expect(fhir.documentID == "2.999.1.3.1.2")
        #expect(fhir.replaces == "2.999.1.1.1.1")
        #expect(fhir.idBranch == "3")
        // The CDA set goes on under branch 1: its version 2 was never issued by anyone.
        let cda = try #require(try Self.prepare("cda-fr", consultation).issue)
        #expect(cda.documentID == "2.999.1.1.1.2")
        #expect(cda.idBranch == "1")
    }

    @Test func aCustomProfileHasItsOwnBranch() throws {
        let profile = try ExportProfile.named(
            "centre-simple", environment: ["ACCORD_EXPORTS": CDAFixtures.packageRoot.appendingPathComponent("Exports").path])
        let prepared = try profile.prepare(
            try CDAFixtures.consultation(), version: DocumentVersion(version: 1, replaces: nil, alreadyExported: false),
            versionKey: "centre-simple", centre: ExportCentre(settings: CDAFixtures.centre, sequence: nil),
            centreAt: { _ in CDAFixtures.centre },
            now: CDAFixtures.exportInstant, pseudonymKey: nil, schema: nil)
        let issue = try #require(prepared.issue)
        #expect(issue.documentID == "2.999.1.4.\(DocumentIDs.customProfileNumber("centre-simple")).1.1")
    }
}
