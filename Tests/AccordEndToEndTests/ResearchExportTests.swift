import AccordCore
import AccordService
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// Research exports through the command line: the profile sees only the pseudonymised record,
/// and the document does not depend on when it was exported.
@Suite struct ResearchExportTests {
    static func researchKey(_ cli: AccordCLI) throws -> URL {
        let key = cli.folder.appendingPathComponent("research.key")
        try Data((0..<32).map { UInt8(($0 * 13) % 256) }).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        return key
    }

    @Test func aProfileNamingAnIdentifyingKeyIsRefusedBeforeAnythingIsWritten() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try BatchExportTests.importSample(cli, at: "2026-01-10T10:00:00Z")
        let profiles = cli.folder.appendingPathComponent("profiles")
        let tiny = profiles.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: tiny, withIntermediateDirectories: true)
        try "format: tiny/1\ntemplate: doc.mustache\nfile_name: \"{{session}}-v{{version}}.xml\"\n".write(
            to: tiny.appendingPathComponent("profile.yaml"), atomically: true, encoding: .utf8)
        try "<doc s=\"{{session}}\">\n{{#participants}}<p>{{name}}</p>{{/participants}}</doc>".write(
            to: tiny.appendingPathComponent("doc.mustache"), atomically: true, encoding: .utf8)
        let out = cli.folder.appendingPathComponent("research")
        for arguments in [["--all", "--example-centre"], ["S1"]] {
            let result = try cli.run(
                ["export"] + arguments + [
                    "--profile", "tiny", "--pseudonymise", "--pseudonym-key", try Self.researchKey(cli).path, "--out", out.path,
                ],
                environment: BatchExportTests.environment(["ACCORD_EXPORTS": profiles.path]))
            #expect(result.status == 1, "\(arguments)")
            #expect(
                result.stderr.contains(
                    "names the key name near line 2, which a pseudonymised record does not hold, so the profile cannot write research exports"
                ),
                "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
        }
        // The identified export with the same profile still works.
        let identified = try cli.run(
            ["export", "S1", "--profile", "tiny", "--out", cli.folder.appendingPathComponent("identified").path],
            environment: BatchExportTests.environment(["ACCORD_EXPORTS": profiles.path]))
        #expect(identified.status == 0, "\(identified.stderr)")
    }

    @Test(arguments: ["cda-fr", "fhir-r4"])
    func aResearchDocumentDoesNotDependOnWhenItIsExported(profile: String) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try BatchExportTests.importSample(cli, at: "2026-01-10T10:00:00Z")
        let key = try Self.researchKey(cli)
        var bytes: [Data] = []
        for (now, folder) in [("2026-02-17T15:42:09Z", "first"), ("2026-06-23T08:07:51Z", "second")] {
            let out = cli.folder.appendingPathComponent(folder)
            let result = try cli.run(
                ["export", "S1", "--profile", profile, "--pseudonymise", "--pseudonym-key", key.path, "--out", out.path],
                environment: BatchExportTests.environment(["ACCORD_NOW": now]))
            #expect(result.status == 0, "\(result.stderr)")
            let files = try BatchExportTests.documents(out)
            #expect(files.count == 1)
            let data = try Data(contentsOf: out.appendingPathComponent(try #require(files.first)))
            let text = String(decoding: data, as: UTF8.self)
            for real in ["2026-02-17", "20260217", "2026-06-23", "20260623", "2026-01-10", "20260110", "10 janvier 2026", "15:42", "10:00"]
            {
                #expect(!text.contains(real), "\(real) in the research document")
            }
            bytes.append(data)
        }
        #expect(bytes[0] == bytes[1], "the same record and key give the same bytes, whatever the export instant")
    }

    @Test func aBoundedResearchRunsManifestGivesNeitherItsPeriodNorAnyInstant() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try BatchExportTests.importSample(cli, at: "2026-01-10T10:00:00Z")
        let out = cli.folder.appendingPathComponent("research")
        let result = try cli.run(
            [
                "export", "--since", "2026-01-01", "--until", "2026-01-31", "--example-centre", "--pseudonymise", "--pseudonym-key",
                try Self.researchKey(cli).path, "--out", out.path,
            ],
            environment: BatchExportTests.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: out.appendingPathComponent("manifest-pseudonymised-1.json"), encoding: .utf8)
        #expect(text.contains("\"selection\":{}"))
        #expect(!text.contains("2026-"), "no real day or instant in \(text)")
        let manifest = try ExportManifest.read(out.appendingPathComponent("manifest-pseudonymised-1.json"))
        #expect(manifest.startedAt == nil && manifest.chainHead == nil && manifest.finishedAt == nil)
        #expect(manifest.documents.count == 1 && manifest.documents[0].exportedAt == nil && manifest.documents[0].chainHead == nil)
        #expect(manifest.documents[0].session.count == 19)
    }

    @Test func eachResearchKeyHasItsOwnVersionsAndNoRunRevealsAnother() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try BatchExportTests.importSample(cli, at: "2026-01-10T10:00:00Z")
        try BatchExportTests.importSample(cli, at: "2026-01-11T10:00:00Z")
        let first = try Self.researchKey(cli)
        let second = cli.folder.appendingPathComponent("second.key")
        try Data((0..<32).map { UInt8(($0 * 29 + 3) % 256) }).write(to: second)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: second.path)
        func run(_ key: URL, _ folder: String) throws -> AccordCLI.Result {
            try cli.run(
                [
                    "export", "--all", "--example-centre", "--pseudonymise", "--pseudonym-key", key.path, "--out",
                    cli.folder.appendingPathComponent(folder).path,
                ], environment: BatchExportTests.environment())
        }
        #expect(try run(first, "team-a").status == 0)
        let b = try run(second, "team-b")
        #expect(b.status == 0, "\(b.stderr)")
        // The second team's documents start at version 1; the first team's are not issued again.
        #expect(try BatchExportTests.documents(cli.folder.appendingPathComponent("team-b")).allSatisfy { $0.contains("-v1.") })
        let again = try run(first, "team-a")
        #expect(again.status == 0)
        #expect(again.stderr.contains("0 documents written, 2 already in"), "\(again.stderr)")
        #expect(!again.stderr.contains("cannot be rebuilt"))
    }

    @Test func theManifestAndTheFilesDoNotGiveTheOrderOfTheSessions() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        for day in 10...14 { try BatchExportTests.importSample(cli, at: "2026-01-\(day)T10:00:00Z") }
        let out = cli.folder.appendingPathComponent("research")
        let result = try cli.run(
            [
                "export", "--all", "--example-centre", "--pseudonymise", "--pseudonym-key", try Self.researchKey(cli).path, "--out",
                out.path,
            ],
            environment: BatchExportTests.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try ExportManifest.read(out.appendingPathComponent("manifest-pseudonymised-1.json"))
        let sessions = manifest.documents.map(\.session)
        #expect(sessions.count == 5 && sessions == sessions.sorted(), "listed by pseudonym, not by session number")
        // Each file's modification time is its document's own (shifted) day, at midnight UTC.
        for file in try BatchExportTests.documents(out) {
            let modified = try #require(
                try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(file).path)[.modificationDate] as? Date)
            #expect(UTCInstant.format(modified).hasSuffix("T00:00:00Z"), "\(file)")
            #expect(!UTCInstant.format(modified).hasPrefix("2026-03-02"), "not the export day")
        }
    }

    @Test func signingAResearchExportWarnsThatTheCertificateTravelsWithIt() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try BatchExportTests.importSample(cli, at: "2026-01-10T10:00:00Z")
        let (key, certificate) = try #require(try SigningKey.make(in: cli.folder))
        let out = cli.folder.appendingPathComponent("research")
        let result = try cli.run(
            [
                "export", "S1", "--pseudonymise", "--pseudonym-key", try Self.researchKey(cli).path, "--out", out.path, "--sign", key.path,
                "--cert", certificate.path,
            ], environment: BatchExportTests.environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "accord: warning: each signature embeds the signing certificate, whose subject travels with the research documents: sign them with the organisation's certificate, never a person's"
            ))
        let signature = try #require(try BatchExportTests.documents(out).first { $0.hasSuffix(".sig") })
        let modified = try #require(
            try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(signature).path)[.modificationDate] as? Date)
        #expect(UTCInstant.format(modified).hasSuffix("T00:00:00Z"))
    }
}
