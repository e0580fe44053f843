/// Text rules shared by everything that writes XML.
public enum XMLText {
    /// Removes the characters XML 1.0 forbids: U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
    /// U+FFFE and U+FFFF.
    ///
    /// Tab, line feed and carriage return are kept; so is everything else, emoji included.
    /// Swift strings cannot hold lone surrogates, so there is nothing to do for them. Escaping
    /// of `&`, `<`, `>` and quotes is the writer's job, not this function's.
    ///
    /// ```swift
    /// XMLText.sanitized("a\u{1}b\tc")  // "ab\tc"
    /// ```
    ///
    /// - Parameter s: any text (free text typed by a user, pasted from a word processor…).
    /// - Returns: `s` without the forbidden characters.
    public static func sanitized(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isForbidden) else { return s }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: s.unicodeScalars.lazy.filter { !isForbidden($0) })
        return String(scalars)
    }

    /// Whether XML 1.0 forbids `scalar` in a document.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F: true
        case 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}
