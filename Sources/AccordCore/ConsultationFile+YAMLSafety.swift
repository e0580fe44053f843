// libyaml, which Yams composes with: its scanner alone finds anchors and aliases.
internal import CYaml
import Foundation
import Yams

extension ConsultationFile {
    // MARK: - Bounded work

    /// The largest consultation file read, in bytes (1 MiB; a whole consultation takes a few
    /// kilobytes).
    public static let maximumSize = 1024 * 1024

    /// The first line break YAML reads where a text editor shows none, in `text`: the next
    /// line (U+0085), the line separator (U+2028) or the paragraph separator (U+2029), with
    /// its 1-based line as an editor counts lines (``editorLine(ofScalar:in:)``) and what to
    /// write instead; `nil` when there is none.
    ///
    /// libyaml takes each of them for a line break (YAML 1.1), so a text holding one comes
    /// back changed (the indentation after it dropped, a NEL turned into a line feed): a file
    /// holding one is refused, since nothing recorded may differ from what was written.
    /// (Pasted from a word processor, a line separator is a manual line break.)
    public static func firstYAMLOnlyLineBreak(in text: String) -> (line: Int, name: String, remedy: String)? {
        // Found by their bytes first: most texts hold none, and their lines need no counting.
        var bytes = text
        guard bytes.withUTF8(holdsYAMLOnlyLineBreak) else { return nil }
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            let (name, remedy): (String, String)
            switch scalar.value {
            case 0x85: (name, remedy) = ("a next-line character (U+0085)", "replace it with a line break, or remove it")
            case 0x2028:
                (name, remedy) = (
                    "a line separator (U+2028)", "replace it with a line break, or write it as the escape \\u2028 inside double quotes"
                )
            case 0x2029:
                (name, remedy) = (
                    "a paragraph separator (U+2029)",
                    "replace it with a line break, or write it as the escape \\u2029 inside double quotes"
                )
            default: continue
            }
            return (editorLine(ofScalar: offset, in: text), name, remedy)
        }
        return nil
    }

    /// Whether `bytes` hold a next line (C2 85 in UTF-8), a line separator (E2 80 A8) or a
    /// paragraph separator (E2 80 A9). `memchr` finds each lead byte; French text holds a
    /// few (a no-break space is C2 A0, an apostrophe ’ is E2 80 99), so each one found is
    /// checked with the bytes after it.
    static func holdsYAMLOnlyLineBreak(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        return firstIndex(of: 0xC2, in: bytes, where: { $0 + 1 < count && bytes[$0 + 1] == 0x85 }) != nil
            || firstIndex(of: 0xE2, in: bytes, where: { $0 + 2 < count && bytes[$0 + 1] == 0x80 && bytes[$0 + 2] | 1 == 0xA9 }) != nil
    }

    /// The first index of `byte` in `bytes` that satisfies `test`, found with `memchr`; `nil`
    /// when there is none.
    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, where test: (Int) -> Bool) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var start = 0
        while start < bytes.count, let found = memchr(base + start, Int32(byte), bytes.count - start) {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if test(index) { return index }
            start = index + 1
        }
        return nil
    }

    /// Whether an `&` or `*` of `bytes` may begin an anchor or alias token of libyaml's
    /// scanner. The scanner takes one only where a token may begin, that is past spaces and
    /// tabs after the end of another token: the start of the text or of a line (a byte below
    /// 0x20, or the last byte of a NEL, LS or PS, which is not ASCII); an indicator
    /// (`: , - ? [ ] { }`), a quoted scalar's closing quote, or a document end (`...`); a tag
    /// (`!…`); or an earlier anchor or alias, itself at such a place. After the last character
    /// of a plain scalar, an `&` or `*` is part of it ("traitant & famille"). So in a text
    /// without `!`, a text whose every `&` and `*` follows anything else holds none, and needs
    /// no scan. Bytes outside ASCII are taken for a line's end, which only sends more texts to
    /// the scan.
    static func mayHoldAnchorOrAlias(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let (ampersand, star) = (UInt8(ascii: "&"), UInt8(ascii: "*"))
        // A tag may stand before the node: every `&` and `*` is then left to the scan.
        if memchr(base, Int32(UInt8(ascii: "!")), bytes.count) != nil {
            return memchr(base, Int32(ampersand), bytes.count) != nil || memchr(base, Int32(star), bytes.count) != nil
        }
        func beginsNode(_ index: Int) -> Bool {
            var before = index - 1
            while before >= 0, bytes[before] == UInt8(ascii: " ") || bytes[before] == UInt8(ascii: "\t") { before -= 1 }
            guard before >= 0 else { return true }
            switch bytes[before] {
            case 0..<0x20, 0x80...: return true
            case UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "."):
                return true
            default: return false
            }
        }
        return firstIndex(of: ampersand, in: bytes, where: beginsNode) != nil || firstIndex(of: star, in: bytes, where: beginsNode) != nil
    }

    /// The line of the first YAML anchor (`&name`) or alias (`*name`) in `text`, or `nil`.
    ///
    /// A consultation file has no need for either, and an alias makes a few hundred bytes
    /// stand for billions of nodes ("billion laughs"), so files holding one are refused before
    /// any YAML is composed. They are found by libyaml's own scanner (the one Yams composes
    /// with), run over the text's tokens only, so that no text can hide one from the check and
    /// be composed with it. A text the scanner cannot read to its end is left to the YAML reading
    /// that follows, which refuses it at the same place (no anchor or alias after that place is
    /// ever composed).
    ///
    /// - Parameter text: the file's text.
    /// - Returns: the 1-based line of the first anchor or alias, as an editor counts lines (line
    ///   feeds, carriage returns, CR LF, and the line breaks YAML also reads: NEL, LS, PS),
    ///   `nil` when there is none.
    static func firstAnchorOrAlias(in text: String) -> Int? {
        var bytes = text
        // Most files hold no `&` or `*` where a token may begin, and need no scan.
        guard bytes.withUTF8(mayHoldAnchorOrAlias) else { return nil }
        return scanForAnchorOrAlias(text)
    }

    /// The line of the first anchor or alias token of libyaml's scanner in `text` (see
    /// ``firstAnchorOrAlias(in:)``), over every token, without the filter.
    static func scanForAnchorOrAlias(_ text: String) -> Int? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { bytes -> Int? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var token = yaml_token_t()
            while yaml_parser_scan(&parser, &token) == 1 {
                defer { yaml_token_delete(&token) }
                switch token.type {
                case YAML_ANCHOR_TOKEN, YAML_ALIAS_TOKEN:
                    // libyaml's marks count scalars, a byte order mark included (the encoding
                    // is given, so the scanner skips the mark as a character).
                    return editorLine(ofScalar: token.start_mark.index, in: text)
                case YAML_STREAM_END_TOKEN:
                    return nil
                default:
                    continue
                }
            }
            return nil
        }
    }

    /// The 1-based line, as an editor counts lines (`Character.isNewline`: LF, VT, FF, CR,
    /// CR LF, NEL, LS, PS), of the Unicode scalar at `offset` (counted from 0) of `text`.
    static func editorLine(ofScalar offset: Int, in text: String) -> Int {
        var line = 1
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars.prefix(offset) {
            switch scalar.value {
            case 0x0A: if previous != "\r" { line += 1 }
            case 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: line += 1
            default: break
            }
            previous = scalar
        }
        return line
    }

    // MARK: - YAML errors

    /// `line N: KIND` for a YAML error: the line and a fixed description of the fault, never
    /// the file's text (Yams's own description quotes the offending line).
    static func describe(_ error: YamlError, in text: String) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _):
            return "line \(mark.line): "
                + (knownProblems[problem] ?? "a character that cannot begin a YAML value (quote the value; indent with spaces, not tabs)")
        case .parser(_, let problem, let mark, _):
            return "line \(mark.line): "
                + (knownProblems[problem] ?? "a structure that is not valid YAML (an indentation, a key or a bracket)")
        case .composer(_, let problem, let mark, _):
            return "line \(mark.line): " + (knownProblems[problem] ?? "a document that cannot be composed")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first.flatMap { NodeKey.shown($0) }.map { "the key \($0)" } ?? "a key"
            return "line \(context.mark.line): \(key) is given more than once in the same mapping"
        case .reader(_, let offset, _, _):
            let line = offset.map { offset in text.utf8.prefix(offset).count(where: { $0 == UInt8(ascii: "\n") }) + 1 }
            return (line.map { "line \($0): " } ?? "") + "a character that YAML does not accept (a control character)"
        default:
            return "a document that is not valid YAML"
        }
    }

    /// libyaml's problems (fixed sentences of its own, never the input) and what Accord says
    /// of each.
    private static let knownProblems: [String: String] = [
        "mapping values are not allowed in this context": "a colon and a space inside a plain value (quote the value)",
        "found character that cannot start any token":
            "a character that cannot begin a YAML value (quote the value; indent with spaces, not tabs)",
        "did not find expected key": "a line whose indentation does not fit its mapping",
        "did not find expected ',' or ']'": "a list in brackets [ … ] that is not closed",
        "did not find expected ',' or '}'": "a mapping in braces { … } that is not closed",
        "did not find expected node content": "a value that is missing (or a bracket left open)",
        "found unexpected end of stream": "the file ends inside a quoted value",
        "found unknown escape character": "an unknown escape sequence (\\) in a double-quoted value",
        "found invalid Unicode character escape code":
            "an escape \\u or \\U in a double-quoted value that is not a character (a surrogate such as \\ud83d: write the character itself, or \\U0001F600)",
        "did not find expected hexdecimal number": "an escape \\x, \\u or \\U in a double-quoted value without its hexadecimal digits",
        "found a tab character that violates indentation": "a tab used for indentation (indent with spaces)",
        "found a tab character where an indentation space is expected": "a tab used for indentation (indent with spaces)",
        "could not find expected ':'": "a key without its colon",
        "block sequence entries are not allowed in this context": "a list item (- ) where a value was expected",
        "did not find expected '-' indicator": "a list item whose indentation does not fit its list",
        "found undefined alias": "an alias (*name), which a consultation file does not accept",
        "but found another document": "a second YAML document (---); a consultation file holds one",
        "found unexpected document indicator": "a document marker (--- or ...) inside a value (quote the value)",
    ]
}

/// How a mapping key may be shown in a message.
enum NodeKey {
    /// `key` when it looks like a key of the format (it cannot then be a name or free text),
    /// else `nil`.
    static func shown(_ key: String) -> String? {
        key.range(of: #"^[a-z][a-z0-9_]{0,39}$"#, options: .regularExpression) != nil ? key : nil
    }
}
