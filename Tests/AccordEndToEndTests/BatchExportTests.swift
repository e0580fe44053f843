import AccordCore
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordXML
import Foundation
import Testing

/// `accord export --all|--since|--until`: batch export with a manifest per run, run with the
/// built binary.
@Suite struct BatchExportTests {
    static let schemas = ProcessInfo.processInfo.environment["ACCORD_SCHEMAS"].flatMap { $0.isEmpty ? nil : $0 }
    static let sampleText = try! String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)

    /// Imports the sample consultation at `now` (closed then, unless `closed` is false), with
    /// another topic when given.
    static func importSample(_ cli: AccordCLI, at now: String, closed: Bool = true, topic: String? = nil) throws {
        var text = sampleText
        if !closed { text = text.replacingOccurrences(of: "closed: true", with: "closed: false") }
        if let topic {
            text = text.replacingOccurrences(
                of: "topic: \"Prise en charge d'un cancer de la prostate localisé à faible risque\"", with: "topic: \"\(topic)\"")
        }
        let file = cli.folder.appendingPathComponent("consultation-\(UUID().uuidString).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "import", file.path], environment: ["ACCORD_NOW": now])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// S1 closed 2026-01-10, S2 closed 2026-02-15, S3 open, S4 closed 2026-03-01.
    static func fourSessions(_ cli: AccordCLI, topicOfS2: String? = nil) throws {
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        try Self.importSample(cli, at: "2026-02-15T23:59:59Z", topic: topicOfS2)
        try Self.importSample(cli, at: "2026-02-20T08:00:00Z", closed: false)
        try Self.importSample(cli, at: "2026-03-01T00:00:00Z")
    }

    /// Example documents never go to a record system by mistake (issue 15, part 4).
    @Test func aBatchWithTheExampleCentreSettingsNeedsExampleCentre() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        let out = cli.folder.appendingPathComponent("out")
        for range in [["--all"], ["--since", "2026-01-01"]] {
            let refused = try cli.run(["export"] + range + ["--out", out.path], environment: Self.environment())
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(
                refused.stderr
                    == "accord: error: --example-centre: the centre's settings are the example ones (none recorded yet), so a batch would write example documents that no record system may take (nothing was exported); expected the centre's settings made with `accord centre set`, or --example-centre to write example documents on purpose.\n",
                "the refusal comes alone, without the example settings' warning")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        let allowed = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("accord: warning: no centre settings yet: the document uses example values"))
        let document = try String(contentsOf: out.appendingPathComponent("S1-v1.cda.xml"), encoding: .utf8)
        #expect(
            document.contains(
                "<title>Consultation de décision médicale partagée — EXEMPLE (paramètres du centre d'exemple, sans valeur médicale)</title>"
            ))
        // The centre's own settings: no flag needed, no example title.
        let set = try cli.run([
            "centre", "set", "--oid-root", "1.2.250.1.999.7", "--finess", "750712184", "--name", "Centre test", "--address", "1 rue X",
            "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        try Self.importSample(cli, at: "2026-01-11T10:00:00Z")
        let real = cli.folder.appendingPathComponent("real")
        let batch = try cli.run(["export", "--all", "--out", real.path], environment: Self.environment())
        #expect(batch.status == 0, "\(batch.stderr)")
        let issued = try String(contentsOf: real.appendingPathComponent("S2-v1.cda.xml"), encoding: .utf8)
        #expect(issued.contains("<title>Consultation de décision médicale partagée</title>"))
    }

    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["ACCORD_NOW": "2026-03-02T09:30:00Z"]
        if let schemas { environment["ACCORD_SCHEMAS"] = schemas }
        return environment.merging(extra) { $1 }
    }

    static func manifests(_ folder: URL) throws -> [ExportManifest] {
        try ExportFolder.manifests(in: folder).map(ExportManifest.read)
    }

    static func documents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("manifest-") && !$0.hasPrefix(".") }
            .sorted()
    }

    /// SHA-256 by `sha256sum`, independently of Accord.
    static func sha256(_ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }

    @Test func allExportsTheClosedSessionsOnceAndTheManifestProvesWhat() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.fourSessions(cli)
        let out = cli.folder.appendingPathComponent("out")
        let first = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Self.documents(out) == ["S1-v1.cda.xml", "S2-v1.cda.xml", "S4-v1.cda.xml"])
        #expect(
            first.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent }
                == ["S1-v1.cda.xml", "S2-v1.cda.xml", "S4-v1.cda.xml"])
        #expect(first.stderr.contains("3 documents written, 0 already in \(out.path)."))
        #expect(!first.stderr.contains("\r"), "no progress bar when standard error is not a terminal")

        let manifests = try Self.manifests(out)
        try #require(manifests.count == 1)
        let manifest = manifests[0]
        #expect(manifest.format == "accord-export-manifest/1")
        #expect(manifest.profile == "cda-fr")
        #expect(manifest.selection.all == true)
        #expect(manifest.summary == ExportManifest.Summary(written: 3, alreadyPresent: 0, failed: 0))
        let head = try cli.run(["verify"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(
            of: "head ", with: "")
        // Each document's issue is an event: the run's head is the one before them; the entries'
        // the one after their group's issues (one group here), the head after the run.
        #expect(manifest.chainHead.flatMap { ChainHead($0)?.sequence } == ChainHead(head).map { $0.sequence - 3 })
        #expect(manifest.documents.map(\.session) == ["S1", "S2", "S4"])
        #expect(manifest.documents.allSatisfy { $0.chainHead == head })
        for entry in manifest.documents {
            let file = out.appendingPathComponent(try #require(entry.file))
            #expect(entry.sha256 == (try Self.sha256(file)))
            #expect(entry.size == (try Data(contentsOf: file)).count)
            #expect(entry.version == 1 && entry.replaces == nil)
            #expect(entry.exportedAt == "2026-03-02T09:30:00Z")
            if let schemas = Self.schemas {
                #expect(
                    entry.validation
                        == .init(
                            result: "valid", schema: URL(fileURLWithPath: schemas).appendingPathComponent("cda-fr/CDA_extended.xsd").path))
            } else {
                #expect(entry.validation == .init(result: "not-validated"))
            }
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        #expect(try cli.run(["verify", "--head", try #require(manifest.chainHead)]).status == 0)

        // Again into the same folder: nothing new.
        let again = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(again.status == 0)
        #expect(again.stdout == "")
        #expect(again.stderr.contains("0 documents written, 3 already in \(out.path)."))
        #expect(try Self.manifests(out).count == 1)

        // --force writes them again (same events, same time: same bytes).
        let before = try Data(contentsOf: out.appendingPathComponent("S2-v1.cda.xml"))
        let forced = try cli.run(["export", "--all", "--example-centre", "--force", "--out", out.path], environment: Self.environment())
        #expect(forced.status == 0)
        #expect(forced.stderr.contains("3 documents written, 0 already in"))
        #expect(try Self.manifests(out).count == 2)
        #expect(try Data(contentsOf: out.appendingPathComponent("S2-v1.cda.xml")) == before)

        // Another folder gets everything.
        let other = cli.folder.appendingPathComponent("other")
        let elsewhere = try cli.run(["export", "--all", "--example-centre", "--out", other.path], environment: Self.environment())
        #expect(elsewhere.status == 0)
        #expect(try Self.documents(other) == ["S1-v1.cda.xml", "S2-v1.cda.xml", "S4-v1.cda.xml"])
    }

    /// A run skips a session whose issued version the folder holds with its manifest's size,
    /// without reading its events; a file deleted, or edited to another size, is written again
    /// with the bytes first issued (and a session changed since gets its next version).
    @Test func aFileDeletedOrEditedInTheFolderIsWrittenAgainWithItsBytes() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.fourSessions(cli)
        let out = cli.folder.appendingPathComponent("out")
        let first = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(first.status == 0, "\(first.stderr)")
        let s1 = out.appendingPathComponent("S1-v1.cda.xml")
        let s2 = out.appendingPathComponent("S2-v1.cda.xml")
        let s1Bytes = try Data(contentsOf: s1)
        let s2Bytes = try Data(contentsOf: s2)
        try FileManager.default.removeItem(at: s1)
        try (s2Bytes + Data("<!-- edited -->".utf8)).write(to: s2)
        let again = try cli.run(
            ["export", "--all", "--example-centre", "--out", out.path],
            environment: Self.environment(["ACCORD_NOW": "2026-03-05T10:00:00Z"]))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(
            again.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent } == [
                "S1-v1.cda.xml", "S2-v1.cda.xml",
            ])
        #expect(again.stderr.contains("2 documents written, 1 already in \(out.path)."), "\(again.stderr)")
        #expect(try Data(contentsOf: s1) == s1Bytes)
        #expect(try Data(contentsOf: s2) == s2Bytes)
        let latest = try #require(try Self.manifests(out).last)
        #expect(latest.documents.map(\.file) == ["S1-v1.cda.xml", "S2-v1.cda.xml"])
        #expect(latest.summary == ExportManifest.Summary(written: 2, alreadyPresent: 1, failed: 0))
        // An edit of the same size is not seen by a run (verify-export finds it).
        var same = s2Bytes
        same[same.count - 2] = UInt8(ascii: " ")
        try same.write(to: s2)
        let third = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stdout == "")
        #expect(third.stderr.contains("0 documents written, 3 already in \(out.path)."), "\(third.stderr)")
        // A session changed since its issue is read and gets its next version.
        let amended = try cli.run(["note", "add", "S4", "--text", "Rappel du patient.", "--reason", "appel reçu"])
        #expect(amended.status == 0, "\(amended.stderr)")
        let fourth = try cli.run(
            ["export", "--all", "--example-centre", "--out", out.path],
            environment: Self.environment(["ACCORD_NOW": "2026-03-06T10:00:00Z"]))
        #expect(fourth.status == 0, "\(fourth.stderr)")
        #expect(fourth.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent } == ["S4-v2.cda.xml"])
        #expect(fourth.stderr.contains("1 document written, 2 already in \(out.path)."), "\(fourth.stderr)")
        /// A run stops on what stands at S1's name (`what` it is), says so, and does not count it.
        func expectStopped(_ what: String) throws {
            let run = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
            #expect(run.status == 74, "\(run.stderr)")
            #expect(
                run.stderr.contains("accord: error: S1-v1.cda.xml in the output folder is \(what); Accord does not write through links"),
                "\(run.stderr)")
            #expect(!run.stderr.contains("already in"), "\(run.stderr)")
        }
        // A folder in a document's place is not the document: the run says so, writes nothing there.
        try FileManager.default.removeItem(at: s1)
        try FileManager.default.createDirectory(at: s1, withIntermediateDirectories: false)
        try expectStopped("not a regular file")
        // Nor is a link to a file of the document's size and bytes (it could name any file).
        try FileManager.default.removeItem(at: s1)
        let elsewhere = cli.folder.appendingPathComponent("elsewhere.xml")
        try s1Bytes.write(to: elsewhere)
        try FileManager.default.createSymbolicLink(at: s1, withDestinationURL: elsewhere)
        try expectStopped("a symbolic link")
        #expect(try Data(contentsOf: elsewhere) == s1Bytes)
    }

    /// A manifest's profile is quoted in the refusal of a folder of another kind of documents,
    /// its control characters shown as codes: a planted manifest cannot act on the terminal.
    @Test func aManifestsProfileIsQuotedAsCodes() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.fourSessions(cli)
        let out = cli.folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let manifest =
            #"{"format":"accord-export-manifest/1","profile":"a\u001b[31mb\u0007\u202e","pseudonymised":false,"selection":{},"documents":[]}"#
        try Data(manifest.utf8).write(to: out.appendingPathComponent("manifest-20260301T101500Z.json"))
        let run = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(run.status == 1, "\(run.stderr)")
        #expect(
            run.stderr.contains(#"already holds documents of profile a\u{1b}[31mb\u{7}\u{202e}; export profile cda-fr"#), "\(run.stderr)")
        #expect(!run.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
    }

    @Test func afterAnAmendmentARunWritesOnlyTheNewVersion() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        try Self.importSample(cli, at: "2026-01-11T10:00:00Z")
        let out = cli.folder.appendingPathComponent("out")
        #expect(try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment()).status == 0)
        let amended = try cli.run(["note", "add", "S1", "--text", "Rappel du patient.", "--reason", "appel reçu"])
        #expect(amended.status == 0, "\(amended.stderr)")
        let second = try cli.run(
            ["export", "--all", "--example-centre", "--out", out.path],
            environment: Self.environment(["ACCORD_NOW": "2026-03-03T09:00:00Z"]))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("/S1-v2.cda.xml"))
        #expect(second.stderr.contains("1 document written, 1 already in"))
        #expect(try Self.documents(out) == ["S1-v1.cda.xml", "S1-v2.cda.xml", "S2-v1.cda.xml"])
        let latest = try #require(try Self.manifests(out).last)
        #expect(latest.documents.map(\.file) == ["S1-v2.cda.xml"])
        #expect(latest.documents[0].version == 2 && latest.documents[0].replaces == 1)
        let v1 = try XMLDocumentReader(data: Data(contentsOf: out.appendingPathComponent("S1-v1.cda.xml")))
        let v2 = try XMLDocumentReader(data: Data(contentsOf: out.appendingPathComponent("S1-v2.cda.xml")))
        #expect(try v2.string(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument/@typeCode") == "RPLC")
        #expect(
            try v2.string(xpath: "/hl7:ClinicalDocument/hl7:relatedDocument/hl7:parentDocument/hl7:id/@root")
                == v1.string(xpath: "/hl7:ClinicalDocument/hl7:id/@root"))
    }

    @Test(arguments: [
        (["--since", "2026-02-01", "--until", "2026-02-28"], ["S2-v1.cda.xml"]),
        (["--since", "2026-02-15"], ["S2-v1.cda.xml", "S4-v1.cda.xml"]),
        (["--until", "2026-01-10"], ["S1-v1.cda.xml"]),
        (["--since", "2026-03-01", "--until", "2026-03-01"], ["S4-v1.cda.xml"]),
        (["--since", "2026-04-01"], []),
    ])
    func sinceAndUntilSelectByClosingDay(range: [String], expected: [String]) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.fourSessions(cli)
        let out = cli.folder.appendingPathComponent("out")
        let result = try cli.run(["export"] + range + ["--example-centre", "--out", out.path], environment: Self.environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try? Self.documents(out)) ?? [] == expected)
        if let manifest = try Self.manifests(out).first {
            #expect(manifest.selection.since == range.firstIndex(of: "--since").map { range[$0 + 1] })
        }
    }

    @Test func aDocumentFailingItsSchemaIsReportedAndTheOthersWritten() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.fourSessions(cli, topicOfS2: "Sujet refusé par le schéma !")
        // A custom profile whose schema refuses a topic holding "!".
        let profiles = cli.folder.appendingPathComponent("profiles")
        let profile = profiles.appendingPathComponent("strict")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        try """
        format: strict/1
        template: doc.mustache
        file_name: "{{session}}-v{{version}}.strict.xml"
        schema: strict.xsd
        """.write(to: profile.appendingPathComponent("profile.yaml"), atomically: true, encoding: .utf8)
        try "<doc session=\"{{session}}\"><topic>{{topic}}</topic></doc>\n".write(
            to: profile.appendingPathComponent("doc.mustache"), atomically: true, encoding: .utf8)
        try """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="doc"><xs:complexType><xs:sequence>
            <xs:element name="topic"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[^!]*"/></xs:restriction></xs:simpleType></xs:element>
          </xs:sequence><xs:attribute name="session" type="xs:string"/></xs:complexType></xs:element>
        </xs:schema>
        """.write(to: profile.appendingPathComponent("strict.xsd"), atomically: true, encoding: .utf8)
        let out = cli.folder.appendingPathComponent("out")
        let result = try cli.run(
            ["export", "--all", "--example-centre", "--profile", "strict", "--out", out.path],
            environment: Self.environment(["ACCORD_EXPORTS": profiles.path]))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "accord: error: S2 version 1 was not written: the document for session S2 (profile strict) failed schema validation: line 1:"
            ))
        #expect(result.stderr.contains("[facet 'pattern']"))
        #expect(result.stderr.contains("2 documents written, 0 already in \(out.path), 1 failed validation."))
        #expect(
            result.stderr.hasSuffix(
                "accord: error: 1 document failed validation and was not written; the messages above and the manifest say why.\n"))
        #expect(try Self.documents(out) == ["S1-v1.strict.xml", "S4-v1.strict.xml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".tmp") } == [])
        let manifest = try #require(try Self.manifests(out).first)
        #expect(manifest.summary == ExportManifest.Summary(written: 2, alreadyPresent: 0, failed: 1))
        let failed = try #require(manifest.documents.first { $0.session == "S2" })
        #expect(failed.file == nil && failed.sha256 == nil)
        #expect(failed.validation.result == "failed")
        #expect(failed.validation.message?.contains("failed schema validation") == true)
        #expect(manifest.documents.first { $0.session == "S1" }?.validation.result == "valid")
        // The failed session is tried again next time; the others are already there.
        let again = try cli.run(
            ["export", "--all", "--example-centre", "--profile", "strict", "--out", out.path],
            environment: Self.environment(["ACCORD_EXPORTS": profiles.path]))
        #expect(again.status == 3)
        #expect(again.stderr.contains("0 documents written, 2 already in \(out.path), 1 failed validation."))
    }

    /// A chain key file that Accord refuses (readable by every user) stops an export with the
    /// key's own error, as it stops a change: the documents are not written unchecked.
    @Test func aRefusedChainKeyStopsTheExport() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        let key = cli.folder.appendingPathComponent("chain.key")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let out = cli.folder.appendingPathComponent("out")
        for arguments in [["export", "--all", "--example-centre", "--out", out.path], ["export", "S1", "--out", out.path]] {
            let result = try cli.run(arguments, environment: Self.environment())
            #expect(result.status == 74, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("the chain key file can be used by every user of this machine (mode 644)"), "\(result.stderr)")
            #expect(!result.stderr.contains("not checked against the chain"), "\(result.stderr)")
            #expect((try? Self.documents(out)) ?? [] == [], "nothing written unchecked")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        let checked = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(try Self.documents(out) == ["S1-v1.cda.xml"])
    }

    /// Without the chain key no document can be issued: the export says so once, exits 74 and
    /// makes nothing, no folder, no lock, no manifest of an interrupted run.
    @Test func aMissingChainKeyStopsTheExportBeforeTheFolderIsMade() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        let key = cli.folder.appendingPathComponent("chain.key")
        let kept = cli.folder.appendingPathComponent("chain.key.kept")
        try FileManager.default.moveItem(at: key, to: kept)
        let out = cli.folder.appendingPathComponent("out")
        for arguments in [["export", "--all", "--example-centre", "--out", out.path], ["export", "S1", "--out", out.path]] {
            let result = try cli.run(arguments, environment: Self.environment())
            #expect(result.status == 74, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("the chain key of this database is missing"), "\(result.stderr)")
            #expect(result.stderr.contains("(nothing was exported)"), "\(result.stderr)")
            #expect(!result.stderr.contains("not checked against the chain"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(arguments)")
        }
        try FileManager.default.moveItem(at: kept, to: key)
        let exported = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: Self.environment())
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try Self.documents(out) == ["S1-v1.cda.xml"])
    }

    @Test func thePseudonymisedBatchHoldsNoIdentityAndValidates() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        try Self.importSample(cli, at: "2026-01-11T10:00:00Z")
        let key = cli.folder.appendingPathComponent("research.key")
        try Data((0..<32).map { UInt8(($0 * 7) % 256) }).write(to: key)
        // A key other users can read is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let open = try cli.run(
            [
                "export", "--all", "--example-centre", "--pseudonymise", "--pseudonym-key", key.path, "--out",
                cli.folder.appendingPathComponent("open").path,
            ],
            environment: Self.environment())
        #expect(open.status == 1)
        #expect(open.stderr.contains("can be read by other users (mode 644); expected mode 0600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        // Files are named by the sessions' keyed pseudonyms (S + 18 digits), never S1, S2.
        let research = try PseudonymKey(bytes: Data((0..<32).map { UInt8(($0 * 7) % 256) }))
        let (s1, s2) = (research.sessionPseudonym(SessionID(number: 1)), research.sessionPseudonym(SessionID(number: 2)))
        let out = cli.folder.appendingPathComponent("research")
        for profile in ["cda-fr", "centre-simple"] {
            let folder = out.appendingPathComponent(profile)
            let result = try cli.run(
                [
                    "export", "--all", "--example-centre", "--profile", profile, "--pseudonymise", "--pseudonym-key", key.path, "--out",
                    folder.path,
                ],
                environment: Self.environment())
            #expect(result.status == 0, "\(result.stderr)")
            let files = try Self.documents(folder)
            let suffix = profile == "cda-fr" ? "cda.xml" : "centre-simple.xml"
            #expect(files == ["\(s1)-v1.pseudonymised.\(suffix)", "\(s2)-v1.pseudonymised.\(suffix)"].sorted())
            // The manifest: one per run, named apart, no instant, no chain head, no session number.
            let manifestNames = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("manifest-") }
            #expect(manifestNames == ["manifest-pseudonymised-1.json"])
            let manifestText = try String(contentsOf: folder.appendingPathComponent("manifest-pseudonymised-1.json"), encoding: .utf8)
            for key in ["started_at", "finished_at", "exported_at", "chain_head", "\"S1\"", "\"S2\"", "2026-"] {
                #expect(!manifestText.contains(key), "\(key) in the pseudonymised manifest")
            }
            for file in files {
                let data = try Data(contentsOf: folder.appendingPathComponent(file))
                let text = String(decoding: data, as: UTF8.self)
                for identifying in [
                    "158056912345606", "MARCHAND", "LUC", "JEAN-BAPTISTE", "1958-05-17", "19580517", "69123", "Roussel", "Hélène",
                    "Benali", "Anne", "médecin traitant",
                ] {
                    #expect(!text.contains(identifying), "\(identifying) in \(profile)/\(file)")
                }
                if profile == "cda-fr", let schemas = Self.schemas {
                    #expect(try SchemaLocator(folder: schemas).cda().validate(data) == [])
                }
            }
            #expect(try Self.manifests(folder).first?.pseudonymised == true)
        }
        // Same key, same pseudonym in both sessions' documents (same patient).
        let first = try XMLDocumentReader(data: Data(contentsOf: out.appendingPathComponent("cda-fr/\(s1)-v1.pseudonymised.cda.xml")))
        let second = try XMLDocumentReader(data: Data(contentsOf: out.appendingPathComponent("cda-fr/\(s2)-v1.pseudonymised.cda.xml")))
        let pseudonym = try first.string(xpath: "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id[1]/@extension")
        #expect(pseudonym?.count == 64)
        #expect(try second.string(xpath: "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id[1]/@extension") == pseudonym)
        // Identified documents do not go into a pseudonymised folder.
        let mixed = try cli.run(
            ["export", "--all", "--example-centre", "--out", out.appendingPathComponent("cda-fr").path], environment: Self.environment())
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("already holds documents of profile cda-fr+pseudonymised"))
        // Nor one at a time, and no document made with another key (two pseudonyms for one patient).
        let one = try cli.run(["export", "S1", "--out", out.appendingPathComponent("cda-fr").path], environment: Self.environment())
        #expect(one.status == 1)
        #expect(one.stderr.contains("already holds documents of profile cda-fr+pseudonymised"))
        let keyID = try #require(try Self.manifests(out.appendingPathComponent("cda-fr")).first?.pseudonymKeyID)
        #expect(keyID.count == 16 && keyID.allSatisfy(\.isHexDigit))
        let otherKey = cli.folder.appendingPathComponent("other.key")
        try Data((0..<32).map { UInt8(($0 * 11) % 256) }).write(to: otherKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: otherKey.path)
        for arguments in [["--all", "--example-centre"], ["S1"]] {
            let otherRun = try cli.run(
                ["export"] + arguments + [
                    "--pseudonymise", "--pseudonym-key", otherKey.path, "--out", out.appendingPathComponent("cda-fr").path,
                ],
                environment: Self.environment())
            #expect(otherRun.status == 1, "\(arguments)")
            #expect(otherRun.stderr.contains("holds documents pseudonymised with another key"), "\(arguments)")
        }
        // One document at a time, the names differ: an identified export never replaces a
        // pseudonymised one (nor the other way round).
        let single = out.appendingPathComponent("single")
        for arguments in [["--pseudonymise", "--pseudonym-key", key.path], [], ["--pseudonymise", "--pseudonym-key", key.path]] {
            let result = try cli.run(["export", "S1", "--out", single.path] + arguments, environment: Self.environment())
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try Self.documents(single) == ["S1-v1.cda.xml", "\(s1)-v1.pseudonymised.cda.xml"])
        let kept = try String(contentsOf: single.appendingPathComponent("\(s1)-v1.pseudonymised.cda.xml"), encoding: .utf8)
        #expect(!kept.contains("MARCHAND"))
        // A short key is refused, and never shown.
        try Data("short".utf8).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        let short = try cli.run(
            [
                "export", "--all", "--example-centre", "--pseudonymise", "--pseudonym-key", key.path, "--out",
                cli.folder.appendingPathComponent("x").path,
            ],
            environment: Self.environment())
        #expect(short.status == 1)
        #expect(short.stderr.contains("holds 5 bytes, fewer than the 32 required"))
        #expect(!short.stderr.contains("short\n") && !short.stdout.contains("short"))
        let missing = try cli.run(["export", "--all", "--example-centre", "--pseudonymise", "--out", "x"], environment: Self.environment())
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--pseudonymise needs --pseudonym-key FILE"))
    }

    @Test func theSingleSessionFormTakesACustomProfile() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try Self.importSample(cli, at: "2026-01-10T10:00:00Z")
        let out = cli.folder.appendingPathComponent("out")
        let result = try cli.run(["export", "S1", "--profile", "centre-simple", "--out", out.path], environment: Self.environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("validated against"))
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("/S1-v1.centre-simple.xml"))
        let both = try cli.run(["export", "S1", "--all", "--out", out.path])
        #expect(both.status != 0)
        #expect(both.stderr.contains("Give either a session id or --all/--since/--until, not both."))
    }

    /// A batch killed while it writes leaves whole documents only: no document's temporary
    /// file, and each file holds the bytes a complete run writes (a group's files are written
    /// unnamed, synced, and only then named; where the file system has no unnamed files, a
    /// killed run may leave a hidden temporary file, never a part of a document at its name).
    @Test(.sqliteOnly("what a killed batch leaves in its folder does not depend on the store"))
    func aKilledBatchLeavesWholeDocumentsOnly() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let generated = try cli.run(["audit", "generate", "--experimental", "--sessions", "600", "--seed", "7"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let out = cli.folder.appendingPathComponent("out")
        let export = Process()
        export.executableURL = AccordCLI.binary
        export.arguments = ["export", "--all", "--example-centre", "--profile", "cda-fr", "--out", out.path]
        var environment = ProcessInfo.processInfo.environment.merging(cli.environment) { $1 }
        environment["ACCORD_DB"] = cli.database.path
        export.environment = environment
        export.standardOutput = FileHandle.nullDevice
        export.standardError = FileHandle.nullDevice
        try export.run()
        // Killed once it has written its first group of documents and some of the next.
        let deadline = Date().addingTimeInterval(120)
        while export.isRunning, Date() < deadline, ((try? Self.documents(out).count) ?? 0) < 100 { usleep(1_000) }
        kill(export.processIdentifier, SIGKILL)
        export.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(left.filter { $0.hasPrefix(".S") } == [], "a document's temporary file is left")
        let written = try Self.documents(out)
        #expect(written.count >= 64)

        // A second run finishes the folder; a third writes every document into a new one.
        let finished = try cli.run(
            ["export", "--all", "--example-centre", "--profile", "cda-fr", "--out", out.path], environment: Self.environment())
        #expect(finished.status == 0, "\(finished.stderr)")
        let again = cli.folder.appendingPathComponent("again")
        let whole = try cli.run(
            ["export", "--all", "--example-centre", "--profile", "cda-fr", "--out", again.path], environment: Self.environment())
        #expect(whole.status == 0, "\(whole.stderr)")
        let all = try Self.documents(again)
        #expect(all.count > written.count)
        #expect(try Self.documents(out) == all)
        for name in written {
            #expect(
                try Data(contentsOf: out.appendingPathComponent(name)) == Data(contentsOf: again.appendingPathComponent(name)),
                "\(name) is not the whole document")
        }
    }
}
