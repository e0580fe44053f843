/// Text made safe to print on a terminal: a recorded value, a file name or a query's cell cannot
/// move the cursor, clear the screen or reorder what follows it.
///
/// ```swift
/// TerminalText.visible("a\u{1B}[2J b\tc")                          // "a\\u{1b}[2J b\tc"
/// TerminalText.visible("a\nb", keeping: [])                         // "a\\u{a}b"
/// ```
public enum TerminalText {
    /// Characters that a caller lets through as they are; every other control character is
    /// shown as a code.
    public struct Kept: OptionSet, Sendable {
        /// One bit per kind of character kept (see the options below).
        public let rawValue: UInt8
        /// The options whose bits are set in `rawValue`.
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Line feed (U+000A).
        public static let lineFeed = Kept(rawValue: 1 << 0)
        /// Tab (U+0009).
        public static let tab = Kept(rawValue: 1 << 1)
        /// The Unicode line and paragraph separators (U+2028, U+2029).
        public static let lineSeparators = Kept(rawValue: 1 << 2)
        /// What a multi-line text keeps: line feeds, tabs and the Unicode separators.
        public static let lines: Kept = [.lineFeed, .tab, .lineSeparators]
    }

    /// `text` with each control character not in `kept` shown as `\u{…}` (its code point in
    /// lowercase hexadecimal): C0 controls (U+0000–U+001F), DEL (U+007F), C1 controls
    /// (U+0080–U+009F), the bidirectional marks, embeddings, overrides and isolates (U+061C,
    /// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and the line and paragraph separators
    /// (U+2028, U+2029). Everything else is kept, scalar for scalar.
    ///
    /// A text with nothing to show as a code, nearly every one, is returned as it is; the
    /// others are copied in runs between the codes.
    public static func visible(_ text: String, keeping kept: Kept = .lines) -> String {
        let keepsLineFeed = kept.contains(.lineFeed), keepsTab = kept.contains(.tab)
        let keepsSeparators = kept.contains(.lineSeparators)
        func shownAsCode(_ value: UInt32) -> Bool {
            if value < 0x20 { return !((value == 0x0A && keepsLineFeed) || (value == 0x09 && keepsTab)) }
            if value < 0x7F { return false }
            return value <= 0x9F || value == 0x061C || value == 0x200E || value == 0x200F
                || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
                || (!keepsSeparators && (value == 0x2028 || value == 0x2029))
        }
        let scalars = text.unicodeScalars
        guard scalars.contains(where: { shownAsCode($0.value) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var run = scalars.startIndex
        for index in scalars.indices where shownAsCode(scalars[index].value) {
            out += String(scalars[run..<index])
            out += "\\u{" + String(scalars[index].value, radix: 16) + "}"
            run = scalars.index(after: index)
        }
        out += String(scalars[run...])
        return out
    }
}
