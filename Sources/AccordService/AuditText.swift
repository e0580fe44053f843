import Foundation

/// Text forms shared by the audit outputs.
public enum AuditText {
    /// A number with at most two decimals, without trailing zeros (`50`, `33.3`, `7.25`).
    public static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// RFC 4180 CSV: a header line, then one line per row; fields with `,`, `"`, a line feed or
    /// a carriage return quoted, each `"` inside doubled.
    ///
    /// Looked for byte by byte, not character by character: CR LF is one character, equal to
    /// neither `"\n"` nor `"\r"`, and a `,` or `"` followed by a combining mark is one
    /// character with it, so a comparison of characters missed them (the field was left
    /// unquoted and split its row or its columns).
    public static func csv(_ header: [String], _ rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
            let scalars = text.unicodeScalars
            var quoted = "\""
            var run = scalars.startIndex
            for index in scalars.indices where scalars[index] == "\"" {
                let next = scalars.index(after: index)
                quoted += String(scalars[run..<next])
                quoted += "\""
                run = next
            }
            quoted += String(scalars[run...])
            quoted += "\""
            return quoted
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
    }

    /// A table with columns padded to their widest cell, a header and a rule; each line without
    /// its trailing white space.
    ///
    /// Widths are counted in characters (grapheme clusters) and cells padded with spaces to
    /// them, so a cell is never cut: an emoji or a letter with a combining accent counts as one.
    /// A row longer than the header keeps its extra cells unpadded.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { line += "  " }
                line += cell
                if index < widths.count { line += String(repeating: " ", count: widths[index] - cell.count) }
            }
            return withoutTrailingWhiteSpace(line)
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }

    /// `text` without the white space at its end: tab, line feed, form feed, carriage return
    /// and the Unicode separators (general categories Zs, Zl, Zp), what ICU's `\s` matches.
    /// (The regular expression `\s+$` it replaces also removed white space before a last
    /// U+000B or U+0085; `audit sql` shows those two as codes, so no table ends with one.)
    static func withoutTrailingWhiteSpace(_ text: String) -> String {
        func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x20: true
            case 0..<0x80: false
            default:
                switch scalar.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator: true
                default: false
                }
            }
        }
        let scalars = text.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, isWhiteSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return end == scalars.endIndex ? text : String(scalars[..<end])
    }
}
