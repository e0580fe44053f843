#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment, read the way the C library reads it: Accord's one way to read it.
///
/// ``value(_:)`` reads one variable with `getenv` (`ProcessInfo.processInfo.environment` made
/// a dictionary of every variable at each use: about a twentieth of a cold `session show`'s
/// instructions for the four it read). ``all`` gives the same answers for every name: where a
/// name is given twice (possible with `execve`) the first one counts, as for `getenv`, and a
/// value is whatever follows the first `=` byte (Foundation's dictionary kept the last one,
/// and dropped a variable whose value begins with a combining mark). The process's environment
/// is not changed while Accord runs.
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

    /// Every variable, by name, as ``value(_:)`` reads each (the first of a name given twice).
    public static var all: [String: String] {
        var variables: [String: String] = [:]
        let start: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var pointer = start else { return variables }
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(decoding: text.utf8[..<equals], as: UTF8.self)
                if variables[name] == nil {
                    variables[name] = String(decoding: text.utf8[text.utf8.index(after: equals)...], as: UTF8.self)
                }
            }
            pointer += 1
        }
        return variables
    }
}
