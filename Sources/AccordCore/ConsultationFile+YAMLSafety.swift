import Foundation
import Yams

extension ConsultationFile {
    // MARK: - Bounded work

    /// The largest consultation file read, in bytes (1 MiB; a whole consultation takes a few
    /// kilobytes).
    public static let maximumSize = 1024 * 1024

    /// The line of the first YAML anchor (`&name`) or alias (`*name`) in `text`, or `nil`.
    ///
    /// A consultation file has no need for either, and an alias makes a few hundred bytes
    /// stand for billions of nodes ("billion laughs"), so files holding one are refused before
    /// any YAML is composed. The scan follows enough of YAML to skip quoted values, block
    /// scalars (`|`, `>`) and comments; an `&` or `*` that begins a plain value on a
    /// continuation line is also taken for one (quote such a value).
    ///
    /// - Parameter text: the file's text.
    /// - Returns: the 1-based line of the first anchor or alias, `nil` when there is none.
    static func firstAnchorOrAlias(in text: String) -> Int? {
        // Every anchor starts with `&` and every alias with `*`: a file holding neither byte
        // (most files) has none, and needs no scan.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }) else { return nil }
        var quote: Unicode.Scalar?
        var blockIndent: Int?
        var flowDepth = 0
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            let indent = scalars.prefix(while: { $0 == " " }).count
            if let parent = blockIndent {
                if scalars.allSatisfy({ $0 == " " || $0 == "\t" }) || indent > parent { continue }
                blockIndent = nil
            }
            var nodeStart = quote == nil
            var index = 0
            scan: while index < scalars.count {
                let character = scalars[index]
                let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
                let nextEndsToken = next == nil || next == " " || next == "\t"
                index += 1
                if let open = quote {
                    if open == "\"" && character == "\\" {
                        index += 1
                    } else if character == open {
                        if open == "'" && next == "'" {
                            index += 1
                        } else {
                            quote = nil
                        }
                    }
                    continue
                }
                if character == " " || character == "\t" { continue }
                if character == "#" && (index == 1 || scalars[index - 2] == " " || scalars[index - 2] == "\t") { break scan }
                if nodeStart {
                    switch character {
                    case "&", "*":
                        return lineNumber
                    case "\"", "'":
                        quote = character
                        nodeStart = false
                    case "|", ">":
                        blockIndent = indent
                        break scan
                    case "-", "?", ":":
                        if !nextEndsToken { nodeStart = false }
                    case "[", "{":
                        flowDepth += 1
                    case "]", "}":
                        flowDepth = max(0, flowDepth - 1)
                        nodeStart = false
                    case "," where flowDepth > 0:
                        break
                    case "!":
                        while index < scalars.count && scalars[index] != " " { index += 1 }
                    default:
                        nodeStart = false
                    }
                } else if character == ":" && (nextEndsToken || (flowDepth > 0 && (next == "," || next == "]" || next == "}"))) {
                    nodeStart = true
                } else if flowDepth > 0 && character == "," {
                    nodeStart = true
                } else if flowDepth > 0 && (character == "]" || character == "}") {
                    flowDepth -= 1
                }
            }
        }
        return nil
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
