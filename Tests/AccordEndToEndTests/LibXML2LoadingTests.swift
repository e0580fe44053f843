import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// libxml2 (with ICU, liblzma and zlib) is loaded when a command first needs XML, not at every
/// start: a command that makes no XML runs without it, and one that writes, reads or validates
/// XML loads it and works. The dynamic loader says which files it loads (`LD_DEBUG=files`).
@Suite struct LibXML2LoadingTests {
    /// Whether the run loaded libxml2, from the loader's own report on standard error.
    static func loadedLibXML2(_ result: AccordCLI.Result) -> Bool {
        result.stderr.contains("file=libxml2.so.2")
    }

    /// Runs `arguments` with the loader reporting the files it loads.
    static func traced(_ cli: AccordCLI, _ arguments: [String]) throws -> AccordCLI.Result {
        try cli.run(arguments, environment: ["LD_DEBUG": "files"])
    }

    @Test func commandsThatMakeNoXMLStartWithoutIt() throws {
        let cli = try CommandLineHabitsTests().prepared()
        defer { cli.cleanUp() }
        // The loader does report what it loads: the C library, every time.
        let version = try Self.traced(cli, ["--version"])
        let reported = version.stderr.contains("file=libc.so.6")
        #expect(version.status == 0)
        #expect(reported)
        for arguments in [
            ["--version"], ["session", "show", "S1"], ["session", "show", "S2", "--json"],
            ["option", "add", "S1", "--kind", "treatment", "--label", "Radiothérapie"], ["session", "list"],
        ] {
            let result = try Self.traced(cli, arguments)
            let loaded = Self.loadedLibXML2(result)
            #expect(result.status == 0, "\(arguments)")
            #expect(!loaded, "\(arguments) loaded libxml2")
        }
    }

    @Test func commandsThatMakeXMLLoadItAndWork() throws {
        let schemas = BatchExportTests.schemas
        let cli = try CommandLineHabitsTests().prepared()
        defer { cli.cleanUp() }
        // Writing a document (checked against the ANS schema when ACCORD_SCHEMAS is set).
        let out = cli.folder.appendingPathComponent("out").path
        let exported = try Self.traced(cli, ["export", "S2", "--out", out] + (schemas.map { ["--schemas", $0] } ?? []))
        let exportLoaded = Self.loadedLibXML2(exported)
        #expect(exported.status == 0)
        #expect(exportLoaded)
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        let file = try #require(names.first { $0.hasSuffix(".cda.xml") })
        #expect(try String(contentsOfFile: out + "/" + file, encoding: .utf8).contains("<ClinicalDocument"))
        // Reading an RCP report (the ANS example): parsed through libxml2.
        let report = RCPImportTests.url(RCPImportTests.reports[0]).path
        let shown = try Self.traced(cli, ["rcp", "show", report, "--json"])
        let showLoaded = Self.loadedLibXML2(shown)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("Radiothérapie"))
        #expect(showLoaded)
    }

    /// Whether this run may hide a file from one process (a private mount namespace: root).
    static let canHideFiles: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "true"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: "/lib/x86_64-linux-gnu/libxml2.so.2")
    }()

    /// Without libxml2, a command that makes no XML still works, and one that would make XML
    /// says which library is missing and how to install it, ends with status 74 and records and
    /// writes nothing: no folder, no lock, no manifest, into a new folder or one that exists.
    @Test(.enabled(if: canHideFiles, "needs a private mount namespace (unshare -m, as root) and Debian's libxml2"))
    func withoutLibXML2NothingIsHalfDone() throws {
        let cli = try CommandLineHabitsTests().prepared()
        defer { cli.cleanUp() }
        // libxml2 is replaced by an empty file for the commands of this shell only.
        func hidden(_ command: String) throws -> AccordCLI.Result {
            try cli.run([
                "__shell__",
                "unshare -m sh -c 'mount --bind /dev/null \"$(readlink -f /lib/x86_64-linux-gnu/libxml2.so.2)\" && exec \"$ACCORD_BIN\" \(command)'",
            ])
        }
        func refused(_ result: AccordCLI.Result) -> Bool {
            result.status == 74 && result.stderr.contains("accord: error: libxml2 could not be loaded (")
                && result.stderr.contains("install it (Debian: apt-get install libxml2).")
        }
        let shown = try hidden("session show S2")
        #expect(shown.status == 0)
        #expect(shown.stdout.hasPrefix("Session S2 — closed"))
        let report = RCPImportTests.url(RCPImportTests.reports[0]).path
        #expect(refused(try hidden("rcp show \(report)")))
        let folder = cli.folder.appendingPathComponent("out")
        #expect(refused(try hidden("export S2 --out out")))
        #expect(refused(try hidden("export --all --example-centre --out out")))
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        // Into a folder that exists (and holds a file of its own): nothing is added to it.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: folder.appendingPathComponent("note.txt"))
        #expect(refused(try hidden("export --all --example-centre --out out")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["note.txt"])
        // No issue was recorded: S2 has still never been exported, and exports as version 1.
        let history = try cli.run(["session", "history", "S2"])
        #expect(history.status == 0)
        #expect(!history.stdout.contains("document-issued"))
        let after = try cli.run(["export", "--all", "--example-centre", "--out", "out"])
        #expect(after.status == 0)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(written.contains("S2-v1.cda.xml"))
        #expect(!written.contains { $0.hasPrefix(".manifest.") && $0.hasSuffix(".tmp") })
    }

    /// Without libxml2, `accord serve` answers an RCP upload with the message, records nothing,
    /// and goes on serving (a first version ended the whole server on the first upload).
    @Test(.enabled(if: canHideFiles, "needs a private mount namespace (unshare -m, as root) and Debian's libxml2"))
    func withoutLibXML2TheServerGoesOn() async throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try WebUserCommandTests().add(cli).status == 0)
        let port = Int.random(in: 20_000...40_000)
        let hiding = [
            "/usr/bin/unshare", "-m", "sh", "-c",
            #"mount --bind /dev/null "$(readlink -f /lib/x86_64-linux-gnu/libxml2.so.2)" && exec "$0" "$@""#,
        ]
        let (process, _) = try await cli.startServer(port: port, wrapper: hiding)
        defer { if process.isRunning { process.terminate() } }
        let client = NoRedirectClient(base: "http://127.0.0.1:\(port)")
        let form = try await client.send("/connexion")
        let formCookie = try #require(form.cookie("accord_csrf"))
        let signedIn = try await client.send(
            "/connexion", method: "POST", cookies: ["accord_csrf": formCookie],
            fields: ["csrf": try #require(form.csrfField), "id": Samples.clinicianID, "password": WebUserCommandTests.password])
        #expect(signedIn.status == 303)
        let session = try #require(signedIn.cookie("accord_session"))
        let upload = try await client.send("/sessions/nouvelle/rcp", cookies: ["accord_session": session])
        #expect(upload.status == 200)
        let report = try Data(contentsOf: RCPImportTests.url(RCPImportTests.reports[0]))
        let answer = try await client.send(
            "/sessions/nouvelle/rcp", method: "POST", cookies: ["accord_session": session],
            fields: ["csrf": try #require(upload.csrfField)], file: ("rapport", "fiche.xml", report))
        #expect(answer.status == 422)
        #expect(answer.body.contains("libxml2 could not be loaded ("))
        #expect(answer.body.contains("Rien n’a été enregistré"))
        // Still serving, and nothing was recorded.
        let sessions = try await client.send("/sessions", cookies: ["accord_session": session])
        #expect(sessions.status == 200)
        #expect(process.isRunning)
        process.terminate()
        process.waitUntilExit()
        #expect(try cli.run(["session", "list"]).stdout == "")
    }
}
