import AccordCore
import AccordTestSupport
import Foundation
import Testing

/// The place of a consultation (issue 15, part 2) and what an RCP report says (part 7) in the
/// stored events: new optional keys, left out when absent so earlier events keep their bytes.
@Suite struct PlacePayloadTests {
    static let site = CentreSite(finess: "690000880", name: "Site de Lyon-Sud", facility: FrenchValueSets.facility(code: "SA01")!)

    @Test func newSessionStartKeysAreWrittenAndReadBack() throws {
        var start = Samples.start()
        #expect(!(try EventPayload.encode(.sessionStarted(start))).contains("facility"), "absent: left out")
        start.organisationFINESS = "490000049"
        start.organisationName = "Centre Hospitalier d'Angers"
        start.facility = FrenchValueSets.facility(code: "SA01")
        start.condition = Condition(
            text: "Tumeur", code: "C50.2", codeSystem: "2.16.840.1.113883.6.3", origin: "rcp",
            morphology: CodedValue(code: "8000/3", displayName: "Tumeur maligne, SAI", codeSystem: "2.16.840.1.113883.6.43.1"))
        start.rcp = RCPReference(documentID: InstanceIdentifier(root: "1.2.3"), flags: [.draft, .quorumNotReached])
        let payload = try EventPayload.encode(.sessionStarted(start))
        #expect(
            payload.contains(
                #""facility":{"code":"SA01","code_system":"1.2.250.1.71.4.2.4","display_name":"Etablissement public de santé"}"#))
        #expect(payload.contains(#""organisation_name":"Centre Hospitalier d'Angers""#))
        #expect(payload.contains(#""flags":["draft","quorum-not-reached"]"#))
        #expect(
            payload.contains(
                #""morphology":{"code":"8000/3","code_system":"2.16.840.1.113883.6.43.1","display_name":"Tumeur maligne, SAI"}"#))
        #expect(try EventPayload.decode(payload) == .sessionStarted(start))
        try Change.sessionStarted(start).validate(today: CalendarDate("2026-03-02")!)
    }

    @Test func sitesAreCentreSettingsAndLeftOutWhenNone() throws {
        var settings = CentreSettings.example
        #expect(!(try EventPayload.encode(.centreSettingsChanged(settings))).contains("sites"))
        settings.sites = [Self.site]
        let payload = try EventPayload.encode(.centreSettingsChanged(settings))
        #expect(payload.contains(#""sites":[{"facility":{"code":"SA01""#))
        #expect(try EventPayload.decode(payload) == .centreSettingsChanged(settings))
        try settings.validate()
        settings.sites = [Self.site, Self.site]
        #expect(
            throws: AccordError.invalid(
                "--finess", "names the centre or a site already declared",
                accepted: "the FINESS of another of the centre's sites (`accord centre show` lists those declared)")
        ) { try settings.validate() }
    }

    @Test func aFacilityCodeOutsideJ02IsRefused() {
        var start = Samples.start()
        start.organisationFINESS = "490000049"
        start.facility = CodedValue(code: "ZZ", displayName: "x", codeSystem: "1.2.250.1.71.4.2.4")
        #expect(
            throws: AccordError.invalid(
                "--organisation-finess", "names an organisation whose facility code is not in value set JDV_J02",
                accepted: "an organisation with a JDV_J02 facility code such as SA01")
        ) { try Change.sessionStarted(start).validate(today: CalendarDate("2026-03-02")!) }
    }

    @Test func thePlaceKeepsEachFacilityCodeWithItsOrganisation() {
        var centre = CentreSettings.example
        centre.sites = [Self.site]
        var start = Samples.start()
        #expect(
            start.place(centre: centre)
                == ConsultationPlace(finess: "999999999", name: centre.name, facility: centre.facility, isCentre: true))
        start.organisationFINESS = "690000880"
        #expect(start.place(centre: centre).facility.code == "SA01", "a declared site's code, even recorded before it was kept")
        start.organisationFINESS = "490000049"
        start.organisationName = "Centre Hospitalier d'Angers"
        start.facility = FrenchValueSets.facility(code: "SA01")
        #expect(
            start.place(centre: centre)
                == ConsultationPlace(finess: "490000049", name: "Centre Hospitalier d'Angers", facility: start.facility!, isCentre: false))
        start.facility = nil
        start.organisationName = nil
        #expect(start.place(centre: centre).facility == centre.facility, "a FINESS recorded alone, as before: the centre's code")
    }
}
