import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// Crashes and concurrent writers, through the built binary.
@Suite(.serialized, .bothBackendsItself) struct DurabilityTests {
    /// Starts `script` under `sh`. Foundation starts a child as the leader of its own process
    /// group, so `kill(-pid, SIGKILL)` kills the shell and the `accord` it is running at once.
    func startShell(_ script: String, _ cli: AccordCLI) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["ACCORD_DB"] = cli.database.path
        environment.removeValue(forKey: "ACCORD_AUTHOR")
        environment["ACCORD_BIN"] = AccordCLI.binary.path
        for (key, value) in cli.environment { environment[key] = value }
        process.environment = environment
        process.currentDirectoryURL = cli.folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Rounds of killing writers: fewer on PostgreSQL, whose commands each connect to the
    /// server; `ACCORD_CRASH_ROUNDS` sets more for a long run outside CI.
    static func rounds(_ backend: TestBackend) -> Int {
        ProcessInfo.processInfo.environment["ACCORD_CRASH_ROUNDS"].flatMap(Int.init) ?? (backend == .sqlite ? 20 : 8)
    }

    @Test(arguments: TestBackend.available)
    func killedWritersLoseNothingThatWasReported(_ backend: TestBackend) throws {
        var cli = try AccordCLI()
        let database = try backend.prepare(&cli)
        defer {
            cli.cleanUp()
            database.drop()
        }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let start = try cli.run(BadInputTests.start)
        #expect(start.stdout == "S2\n")
        let reported = cli.folder.appendingPathComponent("reported.txt")
        var totalReported = 0
        for round in 0..<Self.rounds(backend) {
            // Notes on the open session S2, amendments on the closed S1, each reported after success.
            func script(_ writer: Int) -> String {
                """
                i=0
                while [ $i -lt 400 ]; do
                  i=$((i+1))
                  "$ACCORD_BIN" note add S2 --text "r\(round)w\(writer)-$i" 2>/dev/null && echo "S2 r\(round)w\(writer)-$i" >> "\(reported.path)"
                  "$ACCORD_BIN" note add S1 --text "a\(round)w\(writer)-$i" --reason "late note" 2>/dev/null && echo "S1 a\(round)w\(writer)-$i" >> "\(reported.path)"
                done
                """
            }
            let before = lines(reported).count
            // Two writer processes at once on PostgreSQL (two hosts), one on SQLite.
            let shells = try (0..<(backend == .sqlite ? 1 : 2)).map { writer in
                try startShell(script(writer), cli)
            }
            for shell in shells {
                #expect(getpgid(shell.processIdentifier) == shell.processIdentifier, "the shell leads its own process group")
            }
            // Wait for a writer to report a success, then kill them at a varying moment of their work.
            let deadline = Date().addingTimeInterval(30)
            while lines(reported).count == before && Date() < deadline { usleep(10_000) }
            usleep(UInt32((round * 37_000) % 150_000))
            for shell in shells {
                kill(-shell.processIdentifier, SIGKILL)
                shell.waitUntilExit()
                #expect(shell.terminationReason == .uncaughtSignal)
            }
            let verify = try cli.run(["verify"])
            #expect(verify.status == 0, "round \(round): \(verify.stderr)")
            #expect(verify.stdout.hasPrefix("head "))
        }
        let events = try cli.run(["session", "history", "S2", "--json"])
        let s2 = try AccordJSON.decoder().decode([RecordedEvent].self, from: Data(events.stdout.utf8))
        let s1 = try AccordJSON.decoder().decode(
            [RecordedEvent].self, from: Data(try cli.run(["session", "history", "S1", "--json"]).stdout.utf8))
        func texts(_ events: [RecordedEvent]) -> Set<String> {
            Set(events.compactMap { if case .noteAdded(let text) = $0.change { return text } else { return nil } })
        }
        let recorded = texts(s1).union(texts(s2))
        for line in lines(reported) {
            totalReported += 1
            let text = String(line.split(separator: " ")[1])
            #expect(recorded.contains(text), "reported \(line) but it is not in the database")
        }
        #expect(totalReported >= Self.rounds(backend), "each writer reported a success before being killed")
        #expect(s2.map { $0.sessionSequence! } == Array(1...s2.count), "gapless session sequence")
        #expect(s1.map { $0.sessionSequence! } == Array(1...s1.count), "gapless session sequence")
    }

    @Test(arguments: TestBackend.available)
    func concurrentWritersLoseAndDuplicateNothing(_ backend: TestBackend) throws {
        var cli = try AccordCLI()
        let database = try backend.prepare(&cli)
        defer {
            cli.cleanUp()
            database.drop()
        }
        var sessions: [String] = []
        for _ in 0..<5 {
            sessions.append(try cli.run(BadInputTests.start).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(sessions == ["S1", "S2", "S3", "S4", "S5"])
        let commands = backend == .sqlite ? 250 : 60
        // Four writers on S1…S4, and two more both on S5 (on PostgreSQL, two more on S1 and S2:
        // eight writers, as several hosts would be).
        let targets = ["S1", "S2", "S3", "S4", "S5", "S5"] + (backend == .sqlite ? [] : ["S1", "S2"])
        var shells: [Process] = []
        for (index, session) in targets.enumerated() {
            let failures = cli.folder.appendingPathComponent("failures-\(index).txt")
            let script = """
                i=0
                while [ $i -lt \(commands) ]; do
                  i=$((i+1))
                  message=$("$ACCORD_BIN" note add \(session) --text "w\(index)-$i" 2>&1) || echo "exit $? $message" >> "\(failures.path)"
                done
                """
            shells.append(try startShell(script, cli))
        }
        for shell in shells { shell.waitUntilExit() }
        for index in targets.indices {
            let failures = lines(cli.folder.appendingPathComponent("failures-\(index).txt"))
            // At this load nothing should fail; a failure may only be the busy message.
            for line in failures {
                #expect(line.hasPrefix("exit 75 accord: error: the database is busy, try again"), "writer \(index): \(line)")
            }
        }
        for session in sessions {
            let writers = targets.filter { $0 == session }.count
            let history = try cli.run(["session", "history", session, "--json"])
            let events = try AccordJSON.decoder().decode([RecordedEvent].self, from: Data(history.stdout.utf8))
            let notes = events.compactMap { event -> String? in
                if case .noteAdded(let text) = event.change { return text } else { return nil }
            }
            #expect(Set(notes).count == notes.count, "no duplicate in \(session)")
            let failed = targets.indices.filter { targets[$0] == session }.map {
                lines(cli.folder.appendingPathComponent("failures-\($0).txt")).count
            }
            .reduce(0, +)
            #expect(notes.count == commands * writers - failed, "every note of \(session) whose command succeeded is there")
            #expect(events.map { $0.sessionSequence! } == Array(1...events.count), "gapless sequence in \(session)")
        }
        let failedInAll = targets.indices.map { lines(cli.folder.appendingPathComponent("failures-\($0).txt")).count }.reduce(0, +)
        let verify = try cli.run(["verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.hasPrefix("head \(5 + commands * targets.count - failedInAll):"))
    }
}
