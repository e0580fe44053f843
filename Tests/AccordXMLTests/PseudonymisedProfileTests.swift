import AccordCore
import AccordService
import AccordXML
import Foundation
import Testing

/// Custom profiles in research exports see only the pseudonymised record: its keys, its values.
@Suite struct PseudonymisedProfileTests {
    static let key = try! PseudonymKey(bytes: Data((0..<32).map { UInt8($0) }))

    @Test func aTemplateNamingAnIdentifyingKeyLoadsButCannotWriteResearchExports() throws {
        let folder = try MustacheProfileTests.customProfile(template: "<a>{{session}}\n{{patient.birth_family_name}}</a>")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        // Identified exports still work with it.
        let profile = try MustacheProfile.load(from: folder)
        let error = try #require(throws: AccordError.self) { try profile.checkPseudonymisable() }
        #expect(error.code == .invalidInput && error.field == "--profile")
        #expect(
            error.message
                == "the template doc.mustache of export profile tiny (\(folder.appendingPathComponent("profile.yaml").path)) names the key patient.birth_family_name near line 2, which a pseudonymised record does not hold, so the profile cannot write research exports; name in profile.yaml a `pseudonymised_template:` that uses only the keys of a pseudonymised record (Exports/README.md lists them), or remove the tag."
        )
        let named = try ExportProfile.named("tiny", environment: ["ACCORD_EXPORTS": folder.deletingLastPathComponent().path])
        #expect(throws: AccordError.self) { try named.checkPseudonymisable() }
    }

    @Test(arguments: [
        "participants.name", "participants.function", "options.trial_id", "preferences.text", "process.decision_aids.version",
        "clinician.function", "patient.birth_date", "patient.identity_status",
    ])
    func everyKeyAbsentFromThePseudonymisedRecordIsRefused(path: String) throws {
        let parts = path.split(separator: ".").map(String.init)
        // `{{#participants}}{{name}}{{/participants}}`, or the dotted key at the top.
        let template =
            ["participants", "options", "preferences"].contains(parts[0])
            ? "<a>{{#\(parts[0])}}{{\(parts[1])}}{{/\(parts[0])}}</a>"
            : parts[0] == "process"
                ? "<a>{{#process.decision_aids}}{{version}}{{/process.decision_aids}}</a>" : "<a>{{\(path)}}</a>"
        let folder = try MustacheProfileTests.customProfile(template: template)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let profile = try MustacheProfile.load(from: folder)
        let error = try #require(throws: AccordError.self) { try profile.checkPseudonymisable() }
        #expect(error.message.contains("which a pseudonymised record does not hold"))
    }

    @Test func aPseudonymisedTemplateIsCheckedWhenTheProfileLoads() throws {
        let folder = try MustacheProfileTests.customProfile(
            template: "<a>{{patient.birth_family_name}}</a>", extra: "pseudonymised_template: research.mustache\n")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        // Missing file.
        let missing = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(missing.message.contains("the pseudonymised_template research.mustache that profile.yaml of export profile tiny names"))
        // Naming an absent key: refused at load, whatever the run.
        try "<r>{{#participants}}{{name}}{{/participants}}</r>".write(
            to: folder.appendingPathComponent("research.mustache"), atomically: true, encoding: .utf8)
        let absent = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(absent.message.contains("names the key name near line 1, which a pseudonymised record does not hold"))
        // Fine: research exports render it, identified ones the main template.
        try "<r s=\"{{session}}\">{{#participants}}{{role}} {{/participants}}</r>".write(
            to: folder.appendingPathComponent("research.mustache"), atomically: true, encoding: .utf8)
        let profile = try MustacheProfile.load(from: folder)
        try profile.checkPseudonymisable()
        let exportProfile = try ExportProfile.named("tiny", environment: ["ACCORD_EXPORTS": folder.deletingLastPathComponent().path])
        let input = exportProfile.input(
            consultation: try CDAFixtures.consultation(), centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant, version: 1,
            replacing: nil, pseudonymKey: Self.key)
        let research = String(decoding: profile.document(input, pseudonymised: true), as: UTF8.self)
        #expect(
            research
                == "<r s=\"\(Self.key.sessionPseudonym(SessionID(number: 1)))\">patient professional trusted-person carer professional interpreter </r>"
        )
        let identified = String(
            decoding: profile.document(try CDAFixtures.input(), pseudonymised: false), as: UTF8.self)
        #expect(identified == "<a>D&apos;ARTAGNAN-LE-GALL</a>")
    }

    @Test func centreSimpleWritesItsResearchTemplateAndItValidates() throws {
        let profile = try MustacheProfileTests.profile()
        #expect(profile.pseudonymisedTemplate == "research.xml.mustache")
        try profile.checkPseudonymisable()
        let exportProfile = try ExportProfile.named(
            "centre-simple", environment: ["ACCORD_EXPORTS": CDAFixtures.packageRoot.appendingPathComponent("Exports").path])
        let input = exportProfile.input(
            consultation: try CDAFixtures.consultation(), centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant, version: 1,
            replacing: nil, pseudonymKey: Self.key)
        let data = profile.document(input, pseudonymised: true)
        #expect(try #require(try profile.compiledSchema(schemas: nil)).validate(data) == [])
        let reader = try XMLDocumentReader(data: data)
        #expect(try reader.string(xpath: "/*/@session") == Self.key.sessionPseudonym(SessionID(number: 1)).description)
        #expect(try reader.count(xpath: "//*[local-name()='birthFamilyName' or local-name()='birthDate']") == 0)
        #expect(try reader.count(xpath: "//*[local-name()='option'][@trialId]") == 0)
        #expect(try reader.count(xpath: "//*[local-name()='participant'][@name or @function]") == 0)
        #expect(
            try reader.string(xpath: "/*/*[local-name()='clinician']/@idNatPS") == Self.key.professionalPseudonym(CDAFixtures.clinicianID))
        #expect(try reader.string(xpath: "/*/@exportedAt")?.hasSuffix("T00:00:00Z") == true)
    }
}
