import AccordStoreTestSupport
import Foundation
import Testing

/// `session show SESSION` with only `--json`, `--db` and `--key-file` is read without the
/// argument parser (a cold start costs half as much); every other form goes through it. Both
/// must print the same bytes, end the same way, and leave help and usage errors to the parser.
@Suite struct SessionShowParsingTests {
    /// A database holding S1 (open, one option) and S2 (closed), as the habits suite makes it.
    func prepared() throws -> AccordCLI { try CommandLineHabitsTests().prepared() }

    /// Each pair: a command line read without the parser, and one the parser reads (`--db=`,
    /// or `--` before the session) meaning the same.
    static func pairs(database: String, keyFile: String) -> [([String], [String])] {
        var pairs: [([String], [String])] = []
        for session in ["S1", "S2", "S9"] {
            for json in [[], ["--json"]] {
                pairs.append((["session", "show", session] + json, ["session", "show"] + json + ["--", session]))
                pairs.append(
                    (["session", "show", "--db", database, session] + json, ["session", "show", "--db=\(database)", session] + json))
            }
        }
        pairs.append((["session", "show", "S1", "--key-file", keyFile], ["session", "show", "--key-file=\(keyFile)", "S1"]))
        pairs.append(
            (
                ["session", "show", "--db", "/nonexistent/accord.sqlite", "S1"],
                ["session", "show", "--db=/nonexistent/accord.sqlite", "S1"]
            ))
        return pairs
    }

    @Test func bothWaysPrintTheSameAndEndTheSame() throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        // A key file of another database (showing a session reads no key).
        let other = try AccordCLI(backend: .sqlite)
        defer { other.cleanUp() }
        #expect(try other.run(["session", "start"] + CommandLineHabitsTests.patient + ["--topic", "Choix"]).status == 0)
        let otherKey = try #require(other.environment["ACCORD_KEY_FILE"])
        var shown = 0
        for (quick, parsed) in Self.pairs(database: cli.databaseLocation, keyFile: otherKey) {
            let quickResult = try cli.run(quick)
            let parsedResult = try cli.run(parsed)
            #expect(quickResult.status == parsedResult.status, "\(quick)")
            #expect(quickResult.stdout == parsedResult.stdout, "\(quick)")
            #expect(quickResult.stderr == parsedResult.stderr, "\(quick)")
            if quickResult.status == 0 { shown += 1 }
        }
        // S1 and S2, as text and JSON, with and without --db, and with another key file; the
        // unknown session and the missing database are refused.
        #expect(shown == 9)
        #expect(try cli.run(["session", "show", "S2"]).stdout.contains("closed"))
        #expect(try cli.run(["session", "show", "S9"]).stderr.contains("S9"))
    }

    @Test func helpAndUsageErrorsStayTheParsers() throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        let help = try cli.run(["session", "show", "S1", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: accord session show"))
        let twoSessions = try cli.run(["session", "show", "S1", "S2"])
        #expect(twoSessions.status == 64)
        #expect(twoSessions.stdout.isEmpty)
        let twice = try cli.run(["session", "show", "S1", "--json", "--json"])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("--json is given twice"))
        let unknownOption = try cli.run(["session", "show", "S1", "--jsn"])
        #expect(unknownOption.status == 64)
        #expect(unknownOption.stderr.contains("--json"))
    }
}

/// The environment is read as the C library reads it, by every command alike: a variable
/// given twice (possible with `execve`) counts by its first value.
@Suite struct EnvironmentReadingTests {
    /// Runs the binary with exactly `environment` (entries `NAME=value`, in order), its output
    /// dropped; returns its exit status.
    func status(_ arguments: [String], environment: [String]) throws -> Int32 {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let binary = AccordCLI.binary.path
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, envp)
        try #require(spawned == 0)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xff
    }

    @Test func aVariableGivenTwiceCountsByItsFirstValue() throws {
        let cli = try CommandLineHabitsTests().prepared()
        defer { cli.cleanUp() }
        let base = ["ACCORD_NOW=2026-03-02T09:30:00Z", "ACCORD_KEY_FILE=\(cli.environment["ACCORD_KEY_FILE"] ?? "")"]
        let database = "ACCORD_DB=\(cli.databaseLocation)"
        let missing = "ACCORD_DB=\(cli.folder.path)/missing/accord.sqlite"
        // `session show S1` is read without the argument parser, the others through it.
        for arguments in [["session", "show", "S1"], ["session", "show", "--", "S1"], ["session", "list"]] {
            #expect(try status(arguments, environment: base + [database, missing]) == 0, "\(arguments)")
            #expect(try status(arguments, environment: base + [missing, database]) == 1, "\(arguments)")
        }
    }
}

/// A message that cannot be written (standard error closed, or a full device) is dropped; the
/// command ends with its own exit status.
@Suite struct ClosedStandardErrorTests {
    @Test func anErrorWithStandardErrorClosedEndsWithItsStatus() throws {
        let cli = try CommandLineHabitsTests().prepared()
        defer { cli.cleanUp() }
        // S9 is unknown: exit 1 with a message on standard error, on both paths and for a
        // usage error (64).
        let script = """
            "$ACCORD_BIN" session show S9 2>&-; echo "rc=$?"
            "$ACCORD_BIN" session show -- S9 2>/dev/full; echo "rc=$?"
            "$ACCORD_BIN" session show S1 --bogus 2>&-; echo "rc=$?"
            "$ACCORD_BIN" session show S1 >&-; echo "rc=$?"
            """
        let result = try cli.run(["__shell__", script])
        #expect(result.stdout == "rc=1\nrc=1\nrc=64\nrc=0\n")
    }
}
