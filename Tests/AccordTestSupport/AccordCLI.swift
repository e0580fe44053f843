import Foundation

/// Runs the built `accord` binary as a user would, for end-to-end tests.
public struct AccordCLI: Sendable {
    /// What one run printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The database every run of this instance uses.
    public let database: URL
    /// The scratch folder of this instance (removed by ``cleanUp()``).
    public let folder: URL
    /// Extra environment (ACCORD_NOW is fixed to 2026-03-02T09:30:00Z unless overridden).
    public var environment: [String: String]

    /// A fresh scratch folder with its own database.
    public init(environment: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("accord.sqlite")
        self.environment = ["ACCORD_NOW": "2026-03-02T09:30:00Z", "ACCORD_KEY_FILE": folder.appendingPathComponent("chain.key").path]
            .merging(environment) { $1 }
    }

    /// The repository's root folder.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

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

    /// Runs `accord ARGS` with the database given through `ACCORD_DB`. With
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

    /// Removes the scratch folder.
    public func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}
