import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// Several commands started at once on a database file that does not exist yet: each creates
/// or migrates it beside the others, and every one of them records.
@Suite(.sqliteOnly("a new SQLite file created and migrated by several processes at once"))
struct FirstUseTests {
    /// Eight imports started together on a new file, three times: every import exits 0 with
    /// its own session, and the chain holds all their events. (Before, a process could start
    /// a schema migration another had just committed and fail with "the database failed".)
    @Test func eightCommandsStartedAtOnceOnANewDatabaseAllRecord() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let example = AccordCLI.packageRoot.appendingPathComponent("Examples/consultation.yaml").path
        let eventsPerImport = 11
        for round in 1...3 {
            let database = cli.folder.appendingPathComponent("new-\(round).sqlite").path
            let key = cli.folder.appendingPathComponent("new-\(round).key").path
            // Eight processes started together (not through `sh … & wait`: a shell started by
            // the test runner inherits its blocked signals and never sees its children end).
            let imports = try (1...8).map { _ in
                try Self.start(["session", "import", example], environment: ["ACCORD_DB": database, "ACCORD_KEY_FILE": key], cli)
            }
            for process in imports { process.waitUntilExit() }
            #expect(imports.map(\.terminationStatus) == Array(repeating: 0, count: 8), "round \(round)")
            let verified = try cli.run(["verify"], environment: ["ACCORD_DB": database, "ACCORD_KEY_FILE": key])
            #expect(verified.status == 0, "round \(round): \(verified.stderr)")
            #expect(verified.stdout.hasPrefix("head \(8 * eventsPerImport):"), "round \(round): \(verified.stdout)")
            let listed = try cli.run(["session", "list"], environment: ["ACCORD_DB": database, "ACCORD_KEY_FILE": key])
            #expect(listed.stdout.split(separator: "\n").filter { $0.hasPrefix("S") }.count == 8, "\(listed.stdout)")
        }
    }

    /// Starts `accord ARGUMENTS` with `cli`'s environment and `environment`, its output discarded.
    static func start(_ arguments: [String], environment: [String: String], _ cli: AccordCLI) throws -> Process {
        let process = Process()
        process.executableURL = AccordCLI.binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "ACCORD_AUTHOR")
        for (name, value) in cli.environment.merging(environment, uniquingKeysWith: { $1 }) { merged[name] = value }
        process.environment = merged
        process.currentDirectoryURL = cli.folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
