import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// The same consultation recorded through the command line on SQLite and on PostgreSQL, at
/// the same instant and with the same key file, gives the same chain head, the same screens and
/// the same exported bytes.
@Suite(.enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason), .bothBackendsItself)
struct BackendParityTests {
    /// What one backend gave: each command's output, and the exported files by name.
    struct Outcome {
        var outputs: [String] = []
        var files: [String: Data] = [:]
    }

    func run(on backend: TestBackend, key: URL) throws -> Outcome {
        var cli = try AccordCLI(environment: ["ACCORD_KEY_FILE": key.path])
        let database = try backend.prepare(&cli)
        defer {
            cli.cleanUp()
            database.drop()
        }
        var outcome = Outcome()
        let out = cli.folder.appendingPathComponent("out")
        for arguments in [
            ["session", "import", Samples.sampleConsultationFile.path],
            ["session", "show", "S1"],
            ["session", "history", "S1", "--json"],
            ["session", "list"],
            ["export", "S1", "--profile", "cda-fr", "--out", out.path],
            ["export", "S1", "--profile", "fhir-r4", "--out", out.path],
            ["export", "S1", "--profile", "cda-fr", "--out", out.path],
            ["verify"],
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(backend) \(arguments.joined(separator: " ")): \(result.stderr)")
            outcome.outputs.append(result.stdout.replacingOccurrences(of: out.path, with: "OUT"))
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            outcome.files[name] = try Data(contentsOf: out.appendingPathComponent(name))
        }
        return outcome
    }

    @Test func theSameConsultationGivesTheSameHeadScreensAndBytes() throws {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("accord-parity-\(UUID().uuidString).key")
        defer { try? FileManager.default.removeItem(at: key) }
        let sqlite = try run(on: .sqlite, key: key)
        let postgres = try run(on: .postgres, key: key)
        #expect(sqlite.outputs.count == 8 && sqlite.outputs[0] == "S1\n")
        #expect(sqlite.outputs.last?.hasPrefix("head ") == true)
        for (index, (a, b)) in zip(sqlite.outputs, postgres.outputs).enumerated() {
            #expect(a == b, "command \(index) printed differently")
        }
        #expect(sqlite.files.keys.sorted() == postgres.files.keys.sorted())
        #expect(sqlite.files.keys.contains { $0.hasSuffix(".xml") })
        for (name, bytes) in sqlite.files { #expect(postgres.files[name] == bytes, "\(name) differs") }
    }
}
