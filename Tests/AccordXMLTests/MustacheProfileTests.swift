import AccordCore
import AccordXML
import Foundation
import Testing

/// The example custom profile `Exports/centre-simple/` and the rules every custom profile follows.
@Suite struct MustacheProfileTests {
    static let profileFolder = CDAFixtures.packageRoot.appendingPathComponent("Exports/centre-simple", isDirectory: true)

    static func profile() throws -> MustacheProfile { try MustacheProfile.load(from: profileFolder) }

    /// The fixture consultation with a value holding `&`, `<`, `"`, `'` and U+0001 in text
    /// (the note, a preference) and in attributes (an option label, a participant's name).
    static let tricky = "A & B <c> \"d\" l'e\u{1}f"

    static func trickyInput() throws -> CDAExportInput {
        var input = try CDAFixtures.input()
        input.consultation.options[0].label = tricky
        input.consultation.participants[2].name = tricky
        input.consultation.preferences[0].text = tricky
        input.consultation.notes = [Note(entry: EntryID("N1"), text: tricky)]
        return input
    }

    @Test func theExampleConsultationValidatesAgainstTheProfileSchema() throws {
        let profile = try Self.profile()
        #expect(profile.format == "centre-simple/1")
        let schema = try #require(try profile.compiledSchema(schemas: nil))
        let data = profile.document(try CDAFixtures.input())
        #expect(schema.validate(data) == [])
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try profile.write(try CDAFixtures.input(), to: folder, schema: schema)
        #expect(outcome.url.lastPathComponent == "S1-v1.centre-simple.xml")
        #expect(outcome.validation == .valid(schema: schema.url.path))
        #expect(try Data(contentsOf: outcome.url) == data)
        let mode = try FileManager.default.attributesOfItem(atPath: outcome.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let reader = try XMLDocumentReader(data: data)
        #expect(try reader.count(xpath: "//*[local-name()='option']") == 3)
        #expect(try reader.string(xpath: "/*/*[local-name()='patient']/@ins") == CDAFixtures.identity.ins)
    }

    @Test func theCheckedInExampleIsTheOneTheFixtureGives() throws {
        let data = try Self.profile().document(try CDAFixtures.input())
        let example = Self.profileFolder.appendingPathComponent("example.xml")
        if ProcessInfo.processInfo.environment["ACCORD_UPDATE_EXAMPLES"] == "1" { try data.write(to: example) }
        #expect(try Data(contentsOf: example) == data, "Exports/centre-simple/example.xml is stale; rerun with ACCORD_UPDATE_EXAMPLES=1")
    }

    @Test func valuesAreEscapedInTextAndAttributesAndControlCharactersRemoved() throws {
        let profile = try Self.profile()
        let data = profile.document(try Self.trickyInput())
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\u{1}"))
        #expect(!text.contains("A & B"))
        #expect(text.contains("label=\"A &amp; B &lt;c&gt; &quot;d&quot; l&apos;ef\""))
        #expect(text.contains(">A &amp; B &lt;c&gt; &quot;d&quot; l&apos;ef</note>"))
        let reader = try XMLDocumentReader(data: data)
        let expected = "A & B <c> \"d\" l'ef"
        #expect(try reader.string(xpath: "//*[local-name()='option'][1]/@label") == expected)
        #expect(try reader.string(xpath: "//*[local-name()='participant'][3]/@name") == expected)
        #expect(try reader.string(xpath: "//*[local-name()='preference'][1]") == expected)
        #expect(try reader.string(xpath: "//*[local-name()='note'][1]") == expected)
        #expect(try #require(try profile.compiledSchema(schemas: nil)).validate(data) == [])
    }

    @Test(arguments: [
        ("<a>{{{topic}}}</a>", "triple mustache"), ("<a>{{& topic}}</a>", "unescaped tag"), ("<a>{{%CONTENT_TYPE: TEXT}}</a>", "pragma"),
        ("{{=<% %>=}}<a><%topic%></a>", "delimiter change"),
    ])
    func tagsThatBypassEscapingAreRefused(template: String, words: String) throws {
        let folder = try Self.customProfile(template: template)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(error.message.contains(words), "\(error.message)")
        #expect(error.message.contains("every value must be escaped"))
    }

    @Test(arguments: [
        ("<a>\n{{#options}}DUPONTEL\n</a>", "line 3: a section {{#…}} or {{^…}} that is not closed"),
        ("<a>\n\n{{#options}}DUPONTEL{{/notes}}</a>", "line 3: a section closed {{/…}} with another name than it was opened with"),
        ("<a>{{DUPONTEL</a>", "line 1: a tag that is not closed or a name that is not valid"),
    ])
    func aTemplateThatDoesNotParseIsNamedByLineAndKind(template: String, kind: String) throws {
        let folder = try Self.customProfile(template: template)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(error.message.contains("does not parse as Mustache (\(kind)); check its tags."), "\(error.message)")
        #expect(!error.message.contains("DUPONTEL"))
    }

    @Test(arguments: [
        ("<a>{{topic}}\n{{> nosuch}}</a>", ">", 2), ("<a>\n\n{{>../../etc/passwd}}</a>", ">", 3),
        ("{{< base}}{{$title}}x{{/title}}{{/base}}", "<", 1),
    ])
    func aPartialThatIsNotInTheFolderIsRefusedWhenTheProfileLoads(template: String, sigil: String, line: Int) throws {
        let folder = try Self.customProfile(template: template)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(
            error.description
                == "--profile: the template doc.mustache of export profile tiny includes a partial that is not a *.mustache file of its folder near line \(line) ({{\(sigil) …}}); add the partial's file to the profile's folder, or remove the tag."
        )
    }

    /// A key the context never holds would render as nothing (issue 15, part 9).
    @Test(arguments: [
        ("<a>{{topic}}\n{{nosuch}}</a>", "nosuch", 2),
        ("<a>{{#options}}{{labell}}{{/options}}</a>", "labell", 1),
        ("<a>\n{{#patient.ipp}}{{rot}}{{/patient.ipp}}</a>", "rot", 2),
        ("<a>{{patient.ipp.rot}}</a>", "patient.ipp.rot", 1),
        ("<a>{{label}}</a>", "label", 1),
        ("<a>{{#options}}{{/options}}{{trial_id}}</a>", "trial_id", 1),
        ("<a>{{^decision}}{{#taken_by}}{{/taken_by}}{{/decision}}</a>", "taken_by", 1),
        ("<a>{{count(optoins)}}</a>", "optoins", 1),
    ])
    func aKeyTheContextDoesNotHoldIsRefusedWhenTheProfileLoads(template: String, key: String, line: Int) throws {
        let folder = try Self.customProfile(template: template)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(
            error.description
                == "--profile: the template doc.mustache of export profile tiny (\(folder.appendingPathComponent("profile.yaml").path)) names the key \(key) near line \(line), which the record's context does not hold there; use a key listed in Exports/README.md (inside a section, its own keys and those around it), or remove the tag."
        )
    }

    @Test func keysAreResolvedInTheirSectionsAndTheSectionsAroundThem() throws {
        let template = """
            <a>{{! a comment names {{nothing}} }}{{#options}}{{label}}{{topic}}{{#benefits}}{{.}}{{label}}{{/benefits}}{{/options}}\
            {{count(options)}}{{#decision}}{{#taken_by}}{{entry}}{{outcome}}{{/taken_by}}{{/decision}}{{#patient.ipp}}{{root}}{{/patient.ipp}}\
            {{#sections}}{{#blocks}}{{#items}}{{text}}{{#details}}{{.}}{{/details}}{{/items}}{{/blocks}}{{/sections}}{{document_id.root}}</a>
            """
        let folder = try Self.customProfile(template: template)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        _ = try MustacheProfile.load(from: folder)
    }

    /// A partial is read in the scope of the tag that includes it.
    @Test func aPartialsKeysAreResolvedWhereItIsIncluded() throws {
        let folder = try Self.customProfile(template: "<a>{{#options}}{{> opt}}{{/options}}</a>")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try "<o n=\"{{number}}\">{{label}}</o>".write(to: folder.appendingPathComponent("opt.mustache"), atomically: true, encoding: .utf8)
        _ = try MustacheProfile.load(from: folder)
        try "<a>{{> opt}}</a>".write(to: folder.appendingPathComponent("doc.mustache"), atomically: true, encoding: .utf8)
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(error.message.contains("the template opt.mustache of export profile tiny"), "\(error.message)")
        #expect(error.message.contains("names the key number near line 1"), "\(error.message)")
    }

    /// Mustache looks a name up the context stack: without an explicit null in the item, an
    /// absent value would show the enclosing context's value of the same name (issue 15, part 9).
    @Test func anAbsentValueRendersAsNothingNeverAsAnEnclosingValue() throws {
        let folder = try Self.customProfile(
            template: """
                <a>{{#process.decision_aids}}[{{name}}/{{version}}]{{/process.decision_aids}}\
                {{#clinician}}{{#participants}}({{entry}}:{{function}}){{/participants}}{{/clinician}}\
                {{#options}}<{{trial_id}}>{{/options}}{{#decision}}{{#taken_by}}{{next_contact}}{{/taken_by}}{{/decision}}</a>
                """)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let profile = try MustacheProfile.load(from: folder)
        var changes = CDAFixtures.changes()
        changes.insert(.decisionAidGiven(name: "Aide sans version", version: nil), at: changes.count - 1)
        let events = changes.enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: CDAFixtures.startInstant.addingTimeInterval(Double(index) * 180), author: CDAFixtures.clinicianID,
                change: change)
        }
        var input = try CDAFixtures.input(version: 2)
        input.consultation = try Consultation(events: events)
        let text = String(decoding: profile.document(input), as: UTF8.self)
        // Not the document's version 2, not the clinician's function, not another option's trial id.
        #expect(text.contains("[Aide sans version/]"), "\(text)")
        let clinicianFunction = try #require(input.consultation.start.clinicianFunction)
        #expect(text.contains("(P3:)"), "\(text)")
        #expect(!text.contains("(P3:\(clinicianFunction))"))
        #expect(text.contains("<><NCT01234567><>"), "\(text)")
    }

    @Test func aPartialOfTheFolderIsFound() throws {
        // centre-simple's root template includes its option partial.
        let profile = try Self.profile()
        #expect(profile.name == "centre-simple")
    }

    @Test func aDocumentThatIsNotWellFormedIsNotWritten() throws {
        let folder = try Self.customProfile(template: "<a>{{topic}}</b>")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let profile = try MustacheProfile.load(from: folder)
        let out = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let error = try #require(throws: AccordError.self) { try profile.write(try CDAFixtures.input(), to: out, schema: nil) }
        #expect(error.code == .invalidDocument)
        #expect(error.message.contains("not well-formed"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == [])
    }

    @Test func profilesAreFoundInAccordExportsAndUnknownNamesListTheFolders() throws {
        let folder = try Self.customProfile(template: "<a>{{topic}}</a>")
        let root = folder.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try ExportProfile.named("tiny", environment: ["ACCORD_EXPORTS": root.path])
        guard case .custom(let profile) = found.kind else { Issue.record("not a custom profile"); return }
        #expect(try profile.fileName(session: SessionID(number: 4), version: 2) == "S4-v2.xml")
        let error = try #require(throws: AccordError.self) {
            try ExportProfile.named("nowhere", environment: ["ACCORD_EXPORTS": root.path])
        }
        #expect(error.code == .notFound)
        #expect(error.message.contains(root.path))
    }

    @Test func profileYAMLWithAnUnknownKeyIsRefused() throws {
        let folder = try Self.customProfile(template: "<a/>", extra: "shcema: x.xsd\n")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(error.message.contains("unknown key shcema"))
    }

    /// A file name must tell sessions and versions apart, with known tags only: a batch would
    /// otherwise write every document into one file.
    @Test(arguments: ["fixed.xml", "{{session}}.xml", "{{session}}-v{{version}}-{{patient.birth_family_name}}.xml"])
    func fileNamesMustHoldTheSessionAndVersion(_ pattern: String) throws {
        let folder = try Self.customProfile(template: "<a/>", fileName: pattern)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let error = try #require(throws: AccordError.self) { try MustacheProfile.load(from: folder) }
        #expect(error.message.contains("must hold {{session}} and {{version}}"))
        let fine = try Self.customProfile(template: "<a/>", fileName: "{{profile}}-{{session}}.v{{ version }}.xml")
        defer { try? FileManager.default.removeItem(at: fine.deletingLastPathComponent()) }
        #expect(try MustacheProfile.load(from: fine).fileName(session: SessionID(number: 3), version: 2) == "tiny-S3.v2.xml")
    }

    /// A profile `tiny` in a fresh folder: `ROOT/tiny/profile.yaml` + `doc.mustache`.
    static func customProfile(template: String, extra: String = "", fileName: String = "{{session}}-v{{version}}.xml") throws -> URL {
        let folder = try CDAFixtures.temporaryFolder().appendingPathComponent("tiny", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "format: tiny/1\ntemplate: doc.mustache\nfile_name: \"\(fileName)\"\n\(extra)".write(
            to: folder.appendingPathComponent("profile.yaml"), atomically: true, encoding: .utf8)
        try template.write(to: folder.appendingPathComponent("doc.mustache"), atomically: true, encoding: .utf8)
        return folder
    }
}
