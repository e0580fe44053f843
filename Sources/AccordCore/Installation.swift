import Foundation

/// Where the running `accord` is installed, to find the folders shipped beside it
/// (`Templates/`, `Exports/`).
public enum Installation {
    /// The running executable's folder, symbolic links resolved: from the operating system
    /// (`Bundle.main.executableURL`, `/proc/self/exe` on Linux), so that it is right however
    /// `accord` was started (through `PATH`, a link, a relative path); `nil` if unknown.
    public static var executableFolder: URL? {
        let executable =
            Bundle.main.executableURL
            ?? CommandLine.arguments.first.flatMap { $0.contains("/") ? URL(fileURLWithPath: $0) : nil }
        return executable?.resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The first folder named `name` that satisfies `accepts`, walking up from the executable's
    /// folder (which finds the package's folder from `.build/release/accord`); `nil` if none.
    public static func folder(named name: String, accepts: (URL) -> Bool) -> URL? {
        guard var url = executableFolder else { return nil }
        while url.path != "/" && !url.path.isEmpty {
            let candidate = url.appendingPathComponent(name, isDirectory: true)
            if accepts(candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }
}
