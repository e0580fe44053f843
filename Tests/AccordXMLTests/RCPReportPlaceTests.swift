import AccordCore
import Foundation
import Testing

@testable import AccordXML

/// Issue 15, parts 2 and 7, as the reader sees the reports: the organisation with its facility
/// code, the flags, the trusted person and the morphology, read from the ANS FRCP examples and
/// the fixture, and from variants of the fixture edited in memory.
@Suite struct RCPReportPlaceTests {
    typealias F = RCPReportFixtures

    func variant(_ edits: [(String, String)]) throws -> RCPReport {
        var text = try String(contentsOf: F.corsica, encoding: .utf8)
        for (from, to) in edits {
            try #require(text.contains(from), "\(from) in the fixture")
            text = text.replacingOccurrences(of: from, with: to)
        }
        return try RCPReport.read(Data(text.utf8))
    }

    @Test(arguments: [F.appareil, F.transversale, F.corsica])
    func everyReportGivesItsFlagsTrustedPersonAndMorphology(_ url: URL) throws {
        let report = try RCPReport.read(Data(contentsOf: url))
        #expect(report.flags == [.draft, .secondOpinionRequested])
        #expect(report.trustedPerson == RCPReport.TrustedPerson(name: "Sophie NESSI", relationship: "Soeur"))
        #expect(report.condition?.morphology?.code == "8000/3")
        #expect(report.condition?.morphology?.codeSystem == "2.16.840.1.113883.6.43.1")
        #expect(report.facility == FrenchValueSets.facility(code: "SA01"))
        #expect(report.organisationName == "Centre Hospitalier d'Angers")
        let (start, _) = report.sessionStart(clinicianID: "810123456781", clinicianName: "Dr R", topic: nil)
        #expect(start.facility == report.facility && start.organisationFINESS == report.organisationFINESS)
        #expect(start.rcp?.warnings == [RCPReportFlag.draft.warning, RCPReportFlag.secondOpinionRequested.warning])
    }

    @Test func aFacilityCodeOutsideJ02IsNotTaken() throws {
        let report = try variant([
            (
                "code=\"SA01\" displayName=\"Etablissement public de santé\" codeSystem=\"1.2.250.1.71.4.2.4\"",
                "code=\"ZZ99\" codeSystem=\"1.2.250.1.71.4.2.4\""
            )
        ])
        #expect(report.facility == nil)
        #expect(report.organisationSource == .author, "without a facility code the author's organisation is taken")
        #expect(
            report.warnings.contains(
                "componentOf/encompassingEncounter/location/healthCareFacility/code: is not in value set JDV_J02 (healthcareFacilityTypeCode); not taken."
            ))
        let (start, _) = report.sessionStart(clinicianID: "810123456781", clinicianName: "Dr R", topic: nil)
        #expect(start.facility == nil && start.organisationName == nil)
    }

    @Test func aFacilityWithoutItsOwnIdGivesItsCodeToTheAuthorsOrganisation() throws {
        let report = try variant([
            ("<id root=\"1.2.250.1.71.4.2.2\" extension=\"1490000049\" />\n          <code code=\"SA01\"", "<code code=\"SA04\"")
        ])
        #expect(report.organisationSource == .author)
        #expect(report.organisationFINESS == "490000049")
        #expect(report.facility == FrenchValueSets.facility(code: "SA04"))
    }

    @Test func quorumAndFileStatusVariants() throws {
        #expect(try variant([("code=\"ORG-126\"", "code=\"ORG-133\"")]).flags == [.draft, .quorumNotReached, .secondOpinionRequested])
        #expect(try variant([("code=\"ORG-126\"", "code=\"GEN-010\"")]).flags == [.draft, .quorumUnknown, .secondOpinionRequested])
        let final = try variant([("code=\"385651009\"", "code=\"9571008\""), ("code=\"ORG-120\"", "code=\"ORG-999\"")])
        #expect(final.flags == [])
        #expect(final.sessionStart(clinicianID: "810123456781", clinicianName: "Dr R", topic: nil).start.rcp?.flags == nil)
    }

    @Test func anIncompleteFileIsFlagged() throws {
        var text = try String(contentsOf: F.corsica, encoding: .utf8)
        let code = try #require(text.range(of: "code=\"GEN-100\""))
        let value = try #require(text.range(of: "value=\"true\"", range: code.upperBound..<text.endIndex))
        text.replaceSubrange(value, with: "value=\"false\"")
        #expect(try RCPReport.read(Data(text.utf8)).flags == [.draft, .fileIncomplete, .secondOpinionRequested])
    }

    /// A custom profile sees the same place, morphology and flags as CDA and FHIR.
    @Test func aCustomProfileSeesThePlaceMorphologyAndFlags() throws {
        let report = try RCPReport.read(Data(contentsOf: F.transversale))
        let (start, changes) = report.sessionStart(clinicianID: "810123456781", clinicianName: "Dr R", topic: nil)
        let events = ([Change.sessionStarted(start)] + changes).enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: CDAFixtures.startInstant, author: "810123456781", change: change)
        }
        let input = CDAExportInput(
            consultation: try Consultation(events: events), centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant)
        let context = MustacheProfile.context(input, profile: try MustacheProfileTests.profile(), pseudonymised: false)
        let place = try #require(context["place"] as? [String: Any])
        #expect(place["finess"] as? String == "490000049")
        #expect(place["facility_code"] as? String == "SA01")
        #expect(place["name"] as? String == "Centre Hospitalier d'Angers")
        #expect(place["is_centre"] as? Bool == false)
        let morphology = (context["condition"] as? [String: Any])?["morphology"] as? [String: Any]
        #expect(morphology?["code"] as? String == "8000/3")
        let flags = ((context["rcp"] as? [String: Any])?["flags"] as? [[String: Any]])?.compactMap { $0["flag"] as? String }
        #expect(flags == ["draft", "second-opinion-requested"])
    }

    @Test func noTrustedPersonWithoutANOKInformant() throws {
        let report = try variant([("<relatedEntity classCode=\"NOK\">", "<relatedEntity classCode=\"ECON\">")])
        #expect(report.trustedPerson == nil)
        let (_, changes) = report.sessionStart(clinicianID: "810123456781", clinicianName: "Dr R", topic: nil)
        #expect(!changes.contains { if case .participantAdded = $0 { true } else { false } })
    }
}
