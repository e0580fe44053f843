import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `accord session import FILE…`: many consultation files in one run.
@Suite struct BulkImportCommandTests {
    @Test func eachFileIsRecordedWholeOrReportedByItsPlaceAndName() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let good = Samples.sampleConsultationFile.path
        let bad = cli.folder.appendingPathComponent("sans-patient.yaml")
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        try text.replacingOccurrences(of: "\npatient:", with: "\npatient_x:").write(to: bad, atomically: true, encoding: .utf8)
        let missing = cli.folder.appendingPathComponent("absent.yaml").path
        let result = try cli.run(["session", "import", good, bad.path, good, missing])
        #expect(result.status == 1)
        #expect(result.stdout == "S1\nS2\n", "one id per recorded file, in order")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("accord: error: file 2 (\(bad.path)): in the consultation file, ") == true)
        #expect(
            lines.dropFirst().first
                == "accord: error: file 4 (\(missing)): cannot read the consultation file at the path given; check that it exists and is readable."
        )
        #expect(lines.last == "accord: 2 of 4 files recorded, 2 refused.")
        #expect(!result.stderr.contains("MARCHAND"), "no value of the files is echoed")
        let verify = try cli.run(["verify"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("head 22:"), "\(verify.stdout)")

        // All recorded: exit 0; one file alone keeps the single-file messages.
        let again = try cli.run(["session", "import", good, good])
        #expect(again.status == 0 && again.stdout == "S3\nS4\n" && again.stderr.isEmpty, "\(again.stderr)")
        let alone = try cli.run(["session", "import", bad.path])
        #expect(alone.status == 1 && alone.stdout.isEmpty)
        #expect(
            alone.stderr.hasPrefix("accord: error: in the consultation file, the consultation file: has an unknown key patient_x at line"))
        #expect(try cli.run(["session", "import"]).status == 64)

        // A file name cannot start a line of its own on standard error.
        let tricky = cli.folder.appendingPathComponent("x\naccord: 9 of 9 files recorded, 0 refused.\n.yaml")
        try "format: x\n".write(to: tricky, atomically: true, encoding: .utf8)
        let shown = try cli.run(["session", "import", tricky.path, good])
        #expect(shown.status == 1 && shown.stdout == "S5\n", "\(shown.stderr)")
        #expect(shown.stderr.split(separator: "\n").count == 2, "\(shown.stderr)")
        #expect(shown.stderr.contains("x\\u{a}accord: 9 of 9 files recorded, 0 refused.\\u{a}.yaml): "), "\(shown.stderr)")
    }

    /// The write system calls of the command `arguments` (the `syscw` of /proc/PID/io, counted
    /// by the kernel), with the number of events it recorded; `nil` when the command failed.
    static func writeCalls(_ cli: AccordCLI, _ arguments: String) throws -> (calls: Int, events: Int)? {
        let run = try cli.run(["__shell__", "\"$ACCORD_BIN\" \(arguments) > /dev/null || exit 3; grep '^syscw:' /proc/$$/io"])
        guard run.status == 0, let calls = Int(run.stdout.dropFirst("syscw:".count).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            Issue.record("status \(run.status) (3: the command failed), output \(run.stdout), errors \(run.stderr)")
            return nil
        }
        let head = try cli.run(["verify"]).stdout
        // `head N: …`: the events recorded, the chain verified.
        guard let events = Int(head.dropFirst("head ".count).prefix { $0.isNumber }) else { return nil }
        return (calls, events)
    }

    /// Recording in bulk writes the database's pages, not a copy of each page each consultation
    /// changes: SQLite's sub-journal of each consultation's savepoint, past 64 KiB a temporary
    /// file written page by page, stays in memory for the bulk transaction. Before, 300
    /// consultations (3,300 events, 459 pages) took 18,186 write calls and 2,000 generated
    /// sessions (17,832 events) 34,872; now 1,530 and 9,952: fewer than one per event.
    @Test(
        .sqliteOnly("SQLite's sub-journals"),
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/io"), "the kernel counts each process's write calls"))
    func recordingInBulkWritesFewerTimesThanItRecordsEvents() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        try FileManager.default.copyItem(at: Samples.sampleConsultationFile, to: cli.folder.appendingPathComponent("c.yaml"))
        let imported = try #require(try Self.writeCalls(cli, "session import" + String(repeating: " c.yaml", count: 300)))
        #expect(imported.events == 3_300)
        #expect(imported.calls < imported.events, "\(imported.calls) write calls for \(imported.events) events")

        let generating = try AccordCLI()
        defer { generating.cleanUp() }
        let generated = try #require(try Self.writeCalls(generating, "audit generate --experimental --sessions 2000 --seed 42"))
        #expect(generated.events > 15_000)
        #expect(generated.calls < generated.events, "\(generated.calls) write calls for \(generated.events) events")
    }

    /// A file over the size limit is refused by its size (`stat`), before anything reads it:
    /// a sparse file of 4 GiB, which reading would take 4 GiB of memory for, is refused at once,
    /// alone and among other files.
    @Test func aFileOverTheSizeLimitIsRefusedUnread() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let huge = cli.folder.appendingPathComponent("huge.yaml")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 4 << 30)
        try handle.close()
        let message =
            "the consultation file is 4294967296 bytes, larger than the limit of 1048576 bytes; expected one consultation in YAML."
        let alone = try cli.run(["session", "import", huge.path])
        #expect(alone.status == 1 && alone.stderr == "accord: error: \(message)\n", "\(alone.stderr)")
        let among = try cli.run(["session", "import", Samples.sampleConsultationFile.path, huge.path])
        #expect(among.status == 1 && among.stdout == "S1\n")
        #expect(among.stderr.hasPrefix("accord: error: file 2 (\(huge.path)): \(message)\n"), "\(among.stderr)")
    }

    /// One refused file creates no database and no chain key: it is read before the database
    /// is opened, with the same message.
    @Test(.sqliteOnly("whether the SQLite file is created"))
    func aRefusedFileCreatesNoDatabase() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let bad = cli.folder.appendingPathComponent("sans-patient.yaml")
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        try text.replacingOccurrences(of: "\npatient:", with: "\npatient_x:").write(to: bad, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "import", bad.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("accord: error: in the consultation file, "), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.database.path), "no database made for a refused file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.folder.path) == ["sans-patient.yaml"])
        // The same file among others is refused with the same message, after the database is opened.
        let among = try cli.run(["session", "import", Samples.sampleConsultationFile.path, bad.path])
        #expect(among.status == 1)
        #expect(among.stdout == "S1\n")
        #expect(
            among.stderr.contains("accord: error: file 2 (\(bad.path)): " + result.stderr.dropFirst("accord: error: ".count).dropLast()))
    }

    /// Several files all refused create no database either, with the messages and the exit
    /// status of the same run on a database.
    @Test(.sqliteOnly("whether the SQLite file is created"))
    func filesAllRefusedCreateNoDatabase() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        let bad = cli.folder.appendingPathComponent("sans-patient.yaml")
        try text.replacingOccurrences(of: "\npatient:", with: "\npatient_x:").write(to: bad, atomically: true, encoding: .utf8)
        let missing = cli.folder.appendingPathComponent("absent.yaml").path
        let run = ["session", "import", bad.path, missing, bad.path]
        let without = try cli.run(run)
        #expect(without.status == 1 && without.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cli.database.path), "no database made for refused files")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.folder.path) == ["sans-patient.yaml"])
        let lines = without.stderr.split(separator: "\n")
        #expect(lines.count == 4, "\(without.stderr)")
        #expect(lines.first?.hasPrefix("accord: error: file 1 (\(bad.path)): in the consultation file, ") == true, "\(without.stderr)")
        #expect(lines.dropFirst().first?.hasPrefix("accord: error: file 2 (\(missing)): cannot read") == true, "\(without.stderr)")
        #expect(lines.last == "accord: 0 of 3 files recorded, 3 refused.")
        // The same files on a database: the same words, and the database unchanged.
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).stdout == "S1\n")
        let with = try cli.run(run)
        #expect(with.status == 1 && with.stdout.isEmpty)
        #expect(with.stderr == without.stderr)
        #expect(try cli.run(["session", "list"]).stdout.components(separatedBy: "\n").filter { $0.contains("S2") }.isEmpty)
    }

    /// A name typed where a participant id is expected is refused without being echoed; the
    /// identity-vigilance warning goes to the later file of the same INS only, as when the files
    /// are imported one by one.
    @Test func refusalsEchoNoNameAndWarningsLookOnlyBackwards() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        let named = cli.folder.appendingPathComponent("named.yaml")
        try text.replacingOccurrences(of: "by: [P1, P2, P3]", with: "by: [P1, \"Anne Marchand\"]").write(
            to: named, atomically: true, encoding: .utf8)
        let otherDate = cli.folder.appendingPathComponent("other-date.yaml")
        try text.replacingOccurrences(of: "birth_date: 1958-05-17", with: "birth_date: 1958-05-18").write(
            to: otherDate, atomically: true, encoding: .utf8)
        let result = try cli.run(["session", "import", named.path, Samples.sampleConsultationFile.path, otherDate.path])
        #expect(result.status == 1 && result.stdout == "S1\nS2\n", "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "accord: error: file 1 (\(named.path)): in the consultation file, decision.by: the consultation has no participant of that id (it is not of the form P2); expected participant ids such as P1, P2, P3, P4.",
            "\(result.stderr)")
        #expect(!result.stderr.localizedCaseInsensitiveContains("Anne Marchand"))
        let warnings = lines.filter { $0.contains("the same INS is recorded in session") }
        #expect(warnings.count == 1, "\(result.stderr)")
        #expect(warnings.first?.hasPrefix("accord: warning: file 3 (\(otherDate.path)): the same INS is recorded in session S1 ") == true)
    }

    /// Files typed among the options, and after `--`, are all recorded in the order typed, with
    /// every value option of `session import` between them (the argument parser is given the
    /// first file only; the others are handed to the command: FileOperands).
    @Test func filesAmongOptionsAreRecordedInTheOrderTyped() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        // The options that take a value, as the command's help lists them: each one is typed
        // among the files below (a new one needs a place here and in FileOperands).
        let help = try cli.run(["session", "import", "--help"])
        let valueOptions = Set(
            help.stdout.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard words.count >= 2, words[0].hasPrefix("--"), words[1].hasPrefix("<") else { return nil }
                return String(words[0])
            })
        #expect(valueOptions == ["--db", "--author", "--key-file"], "\(help.stdout)")

        let good = Samples.sampleConsultationFile.path
        let dashed = cli.folder.appendingPathComponent("-dashed.yaml")
        try FileManager.default.copyItem(at: Samples.sampleConsultationFile, to: dashed)
        let other = cli.folder.appendingPathComponent("other.sqlite").path
        var arguments = ["session", "import"]
        for index in 1...300 {
            arguments.append(good)
            switch index {
            case 100: arguments += ["--db", other]
            case 150: arguments += ["--author=810095173265"]
            case 200: arguments += ["--key-file", cli.folder.appendingPathComponent("other.key").path]
            default: break
            }
        }
        arguments += ["--", dashed.path]
        let result = try cli.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (1...301).map { "S\($0)\n" }.joined())
        // Into the database and with the author typed among the files.
        let verify = try cli.run(["verify", "--db", other, "--key-file", cli.folder.appendingPathComponent("other.key").path])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("head \(301 * 11):"), "\(verify.stdout)")
        let history = try cli.run(
            ["session", "history", "S301", "--db", other, "--key-file", cli.folder.appendingPathComponent("other.key").path])
        #expect(history.stdout.contains("810095173265"), "\(history.stdout)")

        // What the parser refuses is still refused: an option without its value after the files,
        // an unknown option among them.
        let missing = try cli.run(["session", "import", good, good, "--db"])
        #expect(missing.status == 64 && missing.stderr.contains("Missing value for '--db <path-or-url>'"), "\(missing.stderr)")
        let unknown = try cli.run(["session", "import", good, "--bogus", good])
        #expect(unknown.status == 64 && unknown.stderr.contains("Unknown option '--bogus'"), "\(unknown.stderr)")
        // `--author=` with nothing after `=` takes the next word as its value, as the parser reads it.
        let emptyEquals = try cli.run(["session", "import", good, "--author=", "810095173265", good])
        #expect(emptyEquals.status == 0 && emptyEquals.stdout == "S1\nS2\n", "\(emptyEquals.stderr)")
        let authored = try cli.run(["session", "history", "S2"])
        #expect(authored.stdout.contains("810095173265"), "\(authored.stdout)")
    }
}
