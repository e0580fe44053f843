import AccordTestSupport
import Foundation

/// Runs the built `accord` binary as a user would, for end-to-end tests.
///
/// Each instance has its own scratch folder and its own database on the backend the run
/// chose (``TestBackend/current``, `ACCORD_TEST_BACKEND`): an SQLite file in the folder, or a
/// fresh PostgreSQL database (``PostgresTestDatabase``, used through the writer role), given
/// to every command as `ACCORD_DB`. ``cleanUp()`` removes both.
///
/// It lives here rather than in AccordTestSupport because making a PostgreSQL database needs
/// AccordPostgres, which AccordTestSupport (AccordCore only, for every test target) must not
/// depend on; only the end-to-end tests use it.
public struct AccordCLI: Sendable {
    /// What one run printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The SQLite file of this instance (in ``folder``): the database of every run on the
    /// SQLite backend. On PostgreSQL nothing writes it; a test that opens or inspects it is
    /// about SQLite only (``Testing/Trait/sqliteOnly(_:)``).
    public let database: URL
    /// The PostgreSQL database of this instance on the PostgreSQL backend (dropped by
    /// ``cleanUp()``), else `nil`.
    public let postgres: PostgresTestDatabase?
    /// The scratch folder of this instance (removed by ``cleanUp()``).
    public let folder: URL
    /// Extra environment (ACCORD_NOW is fixed to 2026-03-02T09:30:00Z unless overridden;
    /// ACCORD_DB is the PostgreSQL database's writer URL on that backend).
    public var environment: [String: String]

    /// A fresh scratch folder with its own database on `backend`.
    /// - Throws: when the folder cannot be made, or the PostgreSQL database cannot (no server
    ///   given, or the server fails).
    public init(environment: [String: String] = [:], backend: TestBackend = .current) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("accord.sqlite")
        var base = ["ACCORD_NOW": "2026-03-02T09:30:00Z", "ACCORD_KEY_FILE": folder.appendingPathComponent("chain.key").path]
        switch backend {
        case .sqlite:
            postgres = nil
        case .postgres:
            do {
                let made = try PostgresTestDatabase.make()
                postgres = made
                base["ACCORD_DB"] = made.url
            } catch {
                try? FileManager.default.removeItem(at: folder)
                throw error
            }
        }
        self.environment = base.merging(environment) { $1 }
    }

    /// The backend of this instance's own database.
    public var backend: TestBackend { postgres == nil ? .sqlite : .postgres }

    /// What every run gets as `ACCORD_DB`: the PostgreSQL writer URL, else the SQLite path.
    public var databaseLocation: String { environment["ACCORD_DB"] ?? database.path }

    /// The repository's root folder.
    public static var packageRoot: URL { Samples.packageRoot }

    /// The built binary: `ACCORD_BINARY`, else `accord` beside the test bundle, else `.build/debug/accord`.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ACCORD_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let beside = Bundle.main.bundleURL.appendingPathComponent("accord")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            let candidate = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("accord")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/accord")
    }

    /// Runs `accord ARGS` with this instance's database given through `ACCORD_DB`. With
    /// `["__shell__", SCRIPT]` it runs `sh -c SCRIPT` instead, with `ACCORD_BIN` set to the
    /// binary (for redirections such as scripted standard input).
    @discardableResult
    public func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        if arguments.first == "__shell__" {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", arguments[1]]
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["ACCORD_DB"] = database.path
        env["ACCORD_BIN"] = Self.binary.path
        env.removeValue(forKey: "ACCORD_AUTHOR")
        // `accord run` speaks French unless a test sets ACCORD_LANG itself.
        env.removeValue(forKey: "ACCORD_LANG")
        for (key, value) in environment.merging(extra, uniquingKeysWith: { $1 }) { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = folder
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Removes the scratch folder and drops the PostgreSQL database.
    public func cleanUp() {
        postgres?.drop()
        try? FileManager.default.removeItem(at: folder)
    }
}
