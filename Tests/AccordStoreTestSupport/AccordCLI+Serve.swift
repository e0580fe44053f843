import Foundation

extension AccordCLI {
    /// `accord serve --listen 127.0.0.1:PORT` plus `arguments`, on this scratch database, started
    /// and waited for (up to 10 s) until it says where it serves.
    /// - Parameter wrapper: a command that runs the binary (its path and arguments follow the
    ///   wrapper's own), for example one that hides a file from it; none by default.
    /// - Returns: the running process (terminate it) and what it printed on standard error by then.
    public func startServer(
        port: Int, _ arguments: [String] = [], wrapper: [String] = []
    ) async throws -> (
        process: Process, stderr: String
    ) {
        let process = Process()
        let command = wrapper + [Self.binary.path, "serve", "--listen", "127.0.0.1:\(port)"] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in self.environment { environment[key] = value }
        // This instance's database: its SQLite file, or its PostgreSQL database on that pass.
        environment["ACCORD_DB"] = databaseLocation
        process.environment = environment
        let errors = folder.appendingPathComponent("serve.err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var stderr = ""
        for _ in 0..<100 where !stderr.contains("serving on") {
            try await Task.sleep(for: .milliseconds(100))
            stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        }
        return (process, stderr)
    }
}
