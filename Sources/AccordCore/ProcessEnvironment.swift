#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One variable of the process environment, read where it is needed.
///
/// `ProcessInfo.processInfo.environment` makes a dictionary of every variable at each use
/// (about a twentieth of a cold `session show`'s instructions for the four it read); this reads
/// one. The process's environment is not changed while Accord runs.
public enum ProcessEnvironment {
    /// The value of `name`, as set (possibly empty); `nil` when it is unset.
    public static func value(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The value of `name`; `nil` when it is unset or empty (Accord's variables treat an empty
    /// value as unset).
    public static func nonEmpty(_ name: String) -> String? {
        guard let value = value(name), !value.isEmpty else { return nil }
        return value
    }
}
