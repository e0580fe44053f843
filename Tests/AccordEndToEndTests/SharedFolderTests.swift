import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// A co-user of a group-writable folder plants symbolic links at the names Accord is about to
/// write (document, signature, manifest, lock, report, key, database): each command refuses
/// with exit status 74 naming the file, the link's target is untouched, and no temporary file
/// is left behind. Run with the built binary.
@Suite(.sqliteOnly("the database's folder shared between users: file modes and links of the SQLite file, its WAL and key"))
struct SharedFolderTests {
    static let schemas = ProcessInfo.processInfo.environment["ACCORD_SCHEMAS"].flatMap { $0.isEmpty ? nil : $0 }

    /// A CLI whose folder holds the sample consultation (S1, closed), a group-writable folder
    /// `shared` (mode 2770) and the co-user's victim file `victim.txt` (mode 0644) outside it.
    struct Scene {
        var cli: AccordCLI
        let shared: URL
        let victim: URL
        let victimText = "the co-user's own file\n"

        init(importing: Bool = true, keyFile: URL? = nil) throws {
            cli = try AccordCLI()
            if let keyFile { cli.environment["ACCORD_KEY_FILE"] = keyFile.path }
            if let schemas = SharedFolderTests.schemas { cli.environment["ACCORD_SCHEMAS"] = schemas }
            shared = cli.folder.appendingPathComponent("shared")
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o2770])
            victim = cli.folder.appendingPathComponent("victim.txt")
            try Data(victimText.utf8).write(to: victim)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: victim.path)
            if importing {
                let result = try cli.run(["session", "import", Samples.sampleConsultationFile.path])
                #expect(result.status == 0, "\(result.stderr)")
            }
        }

        /// Plants `shared/NAME` as a link to `target` (the victim unless said otherwise).
        func plant(_ name: String, to target: URL? = nil) throws {
            try FileManager.default.createSymbolicLink(
                atPath: shared.appendingPathComponent(name).path, withDestinationPath: (target ?? victim).path)
        }

        /// The names the shared folder holds, sorted.
        func names() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: shared.path).sorted()
        }

        /// The command exited 74 with an error naming `name` as a link; the victim is as it was,
        /// the link is still a link, and the folder holds exactly `left` (no temporary file).
        func expectRefused(
            _ result: AccordCLI.Result, naming name: String, left: [String], sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            #expect(result.status == 74, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(
                result.stderr.contains("accord: error: \(name) in ")
                    && result.stderr.contains(" is a symbolic link; Accord does not write through links"),
                "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(try String(contentsOf: victim, encoding: .utf8) == victimText, sourceLocation: sourceLocation)
            #expect(
                try FileManager.default.attributesOfItem(atPath: victim.path)[.posixPermissions] as? Int == 0o644,
                sourceLocation: sourceLocation)
            #expect(
                (try? FileManager.default.destinationOfSymbolicLink(atPath: shared.appendingPathComponent(name).path)) != nil,
                "\(name) is no longer a link", sourceLocation: sourceLocation)
            #expect(try names() == left.sorted(), sourceLocation: sourceLocation)
        }

        /// A throwaway RSA key and self-signed certificate made with the openssl command.
        func keyAndCertificate() throws -> (key: String, certificate: String) {
            let made = try #require(try SigningKey.make(in: cli.folder))
            return (made.key.path, made.certificate.path)
        }
    }

    @Test func aLinkAtTheDocumentsNameIsRefused() throws {
        let scene = try Scene()
        defer { scene.cli.cleanUp() }
        try scene.plant("S1-v1.cda.xml")
        let result = try scene.cli.run(["export", "S1", "--out", scene.shared.path])
        try scene.expectRefused(result, naming: "S1-v1.cda.xml", left: ["S1-v1.cda.xml"])
        // Nothing was recorded as exported: once the link is removed, the same version is written.
        try FileManager.default.removeItem(at: scene.shared.appendingPathComponent("S1-v1.cda.xml"))
        let again = try scene.cli.run(["export", "S1", "--out", scene.shared.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try scene.names() == ["S1-v1.cda.xml"])
    }

    @Test func aLinkAtTheSignaturesNameIsRefused() throws {
        let scene = try Scene()
        defer { scene.cli.cleanUp() }
        let signing = try scene.keyAndCertificate()
        try scene.plant("S1-v1.cda.xml.sig")
        let result = try scene.cli.run(["export", "S1", "--out", scene.shared.path, "--sign", signing.key, "--cert", signing.certificate])
        // The document was written before its signature was refused.
        try scene.expectRefused(result, naming: "S1-v1.cda.xml.sig", left: ["S1-v1.cda.xml", "S1-v1.cda.xml.sig"])
    }

    @Test func aLinkAtTheManifestsNameIsRefused() throws {
        let scene = try Scene()
        defer { scene.cli.cleanUp() }
        // The co-user links the run's manifest name (predictable from the start time) to a file
        // of his that reads as a manifest, so that the run gets as far as writing its own.
        let first = try scene.cli.run([
            "export", "--all", "--example-centre", "--out", scene.cli.folder.appendingPathComponent("first").path,
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let manifest = "manifest-20260302T093000Z.json"
        let text = try String(contentsOf: scene.cli.folder.appendingPathComponent("first/\(manifest)"), encoding: .utf8)
        try Data(text.utf8).write(to: scene.victim)
        try scene.plant(manifest)
        let result = try scene.cli.run(["export", "--all", "--example-centre", "--out", scene.shared.path])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("\(manifest) in the output folder is a symbolic link"), "\(result.stderr)")
        #expect(try String(contentsOf: scene.victim, encoding: .utf8) == text)
        #expect(try scene.names() == [".accord-export.lock", "S1-v1.cda.xml", manifest])
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: scene.shared.appendingPathComponent(manifest).path)) != nil)
    }

    @Test func aLinkAtTheLocksNameIsRefused() throws {
        let scene = try Scene()
        defer { scene.cli.cleanUp() }
        try scene.plant(".accord-export.lock")
        let result = try scene.cli.run(["export", "--all", "--example-centre", "--out", scene.shared.path])
        try scene.expectRefused(result, naming: ".accord-export.lock", left: [".accord-export.lock"])
    }

    @Test func aLinkAtTheReportsNameIsRefused() throws {
        let scene = try Scene()
        defer { scene.cli.cleanUp() }
        try scene.plant("report.html")
        let result = try scene.cli.run(["audit", "report", "--out", scene.shared.appendingPathComponent("report.html").path])
        try scene.expectRefused(result, naming: "report.html", left: ["report.html"])
    }

    /// A link at the key file's name, to a place the co-user can read, would hand him the key:
    /// it is refused, and the key is not created there.
    @Test func aLinkAtTheKeyFilesNameIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("accord-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scene = try Scene(importing: false, keyFile: root.appendingPathComponent("shared-keys/chain.key"))
        defer { scene.cli.cleanUp() }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("shared-keys"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o2770])
        let loot = scene.cli.folder.appendingPathComponent("loot.key")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("shared-keys/chain.key").path, withDestinationPath: loot.path)
        let result = try scene.cli.run(["session", "import", Samples.sampleConsultationFile.path])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("accord: error: chain.key in the chain key's folder is a symbolic link"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: loot.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("shared-keys").path) == ["chain.key"])
        // Nothing was recorded.
        #expect(try scene.cli.run(["session", "show", "S1"]).status == 1)
    }

    @Test func aLinkAtTheDatabasesNameIsRefused() throws {
        let scene = try Scene(importing: false)
        defer { scene.cli.cleanUp() }
        let loot = scene.cli.folder.appendingPathComponent("loot.sqlite")
        try scene.plant("accord.sqlite", to: loot)
        let result = try scene.cli.run(
            ["session", "import", Samples.sampleConsultationFile.path, "--db", scene.shared.appendingPathComponent("accord.sqlite").path])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("accord: error: accord.sqlite in the database's folder is a symbolic link"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: loot.path))
        #expect(try scene.names() == ["accord.sqlite"])
    }

    /// The user's own `--out` may go through a linked folder: only the last component is guarded.
    @Test func anOutputFolderReachedThroughALinkIsFine() throws {
        let scene = try Scene()
        defer { scene.cli.cleanUp() }
        let linked = scene.cli.folder.appendingPathComponent("linked")
        try FileManager.default.createSymbolicLink(atPath: linked.path, withDestinationPath: scene.shared.path)
        let result = try scene.cli.run(["export", "--all", "--example-centre", "--out", linked.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scene.names() == [".accord-export.lock", "S1-v1.cda.xml", "manifest-20260302T093000Z.json"])
        for name in try scene.names() {
            let mode = try FileManager.default.attributesOfItem(atPath: scene.shared.appendingPathComponent(name).path)[.posixPermissions]
            #expect(mode as? Int == 0o600, "\(name)")
        }
    }
}
