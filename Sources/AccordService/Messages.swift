import AccordCore
import Foundation

/// The words Accord shows a person, in French or English: one catalogue per language, keyed by
/// stable message ids, with `{name}` placeholders.
///
/// French is the default: Accord's users are French clinicians and their patients. `accord run`
/// picks the language from `ACCORD_LANG` (``fromEnvironment(_:)``); the web interface will pick
/// it from the browser's `Accept-Language` (``language(acceptLanguage:)``). Every string of one
/// screen comes from one `Messages`, so no screen mixes languages.
///
/// ```swift
/// let messages = Messages(.french)
/// messages(.startStarted, ["session": "S1"])  // "Session S1 commencée."
/// ```
///
/// Typed commands (`skip`, `-`, `quit`, `exit`, `q`) and answer codes (`treatment`,
/// `deferred YYYY-MM-DD`, …) are the same in every language, so scripted answers work in both;
/// the catalogues name them as they are typed. Errors from the shared validation
/// (``AccordCore/AccordError`` thrown by `FieldRules` and the store) are not in the catalogues:
/// they are shown as they are, in English.
///
/// The catalogues are Swift dictionaries (`Messages+French.swift`, `Messages+English.swift`)
/// rather than SwiftPM resource files: on Linux `Bundle.module` stops the process with a fatal
/// error when the `Accord_AccordService.resources` folder is not beside the executable or at the
/// build folder's absolute path, so an `accord` copied or installed alone would crash on its
/// first prompt (see ``AuditReport``'s page template for the same choice). A dictionary compiled
/// into the module works wherever `accord` runs, and a reviewer reads the two files side by side.
public struct Messages: Sendable {
    /// A language Accord speaks.
    public enum Language: String, Sendable, CaseIterable {
        /// French, the default.
        case french = "fr"
        /// English.
        case english = "en"
    }

    /// The language of every string this value gives.
    public let language: Language

    /// The messages of `language`.
    public init(_ language: Language) {
        self.language = language
    }

    // MARK: - Choosing the language

    /// The variable that chooses the language of `accord run`.
    public static let environmentVariable = "ACCORD_LANG"

    /// The messages in the language `ACCORD_LANG` names in `environment` (French when it is unset
    /// or empty).
    /// - Throws: ``AccordCore/AccordError`` (`invalidInput`, field `ACCORD_LANG`) for a value
    ///   that is not `fr` or `en`, alone or as a locale (`fr_FR.UTF-8`, `en-GB`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessEnvironment.all) throws -> Messages {
        Messages(try language(environmentValue: environment[environmentVariable]))
    }

    /// The language an `ACCORD_LANG` value names: `fr` or `en` (any case), alone or followed by
    /// `_`, `-`, `.` or `@` and the rest of a locale name (`fr_FR.UTF-8`, `en-GB`); French for
    /// `nil` or an empty value.
    /// - Throws: ``AccordCore/AccordError`` (`invalidInput`, field `ACCORD_LANG`) for any other
    ///   value; the message does not repeat it.
    public static func language(environmentValue value: String?) throws -> Language {
        let text = (value ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .french }
        let code = String(text.prefix(2)).lowercased()
        let rest = text.dropFirst(2)
        guard let language = Language(rawValue: code), rest.isEmpty || "_-.@".contains(rest.first!) else {
            throw AccordError.invalid(
                environmentVariable, "is not a language Accord speaks",
                accepted: "fr or en, alone or as a locale such as fr_FR.UTF-8 or en_GB (French when unset)")
        }
        return language
    }

    /// The language to answer a browser with, from its `Accept-Language` header: the supported
    /// language with the highest quality value (`q`, 0 to 1, 1 when absent), the first listed on
    /// a tie; a range matches by its primary subtag (`fr-CA` is French), `*` matches French;
    /// `q=0` refuses a language. French when the header is absent, unreadable or names neither
    /// language.
    ///
    /// `"en-GB,en;q=0.9,fr;q=0.8"` gives English; `"de, fr;q=0.5"` gives French.
    /// - Parameter fallback: the language when the header names neither (French by default;
    ///   the web server gives the one `ACCORD_LANG` names).
    public static func language(acceptLanguage header: String?, fallback: Language = .french) -> Language {
        var best: (language: Language, quality: Double)?
        for entry in (header ?? "").split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let range = parts.first, !range.isEmpty else { continue }
            var quality = 1.0
            var readable = true
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
                if let value = Double(pair[1]), (0...1).contains(value) { quality = value } else { readable = false }
            }
            guard readable, quality > 0 else { continue }
            let primary = range.split(separator: "-").first.map { $0.lowercased() } ?? ""
            let language = primary == "*" ? Language.french : Language(rawValue: primary)
            guard let language else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? fallback
    }

    // MARK: - Looking up

    /// The message `key` in this language, its `{name}` placeholders replaced by `values`.
    ///
    /// Every placeholder of the message must have a value and every value a placeholder; a
    /// mismatch (or a key missing from the catalogue) is a programming error: it stops a debug
    /// build (so a test fails) and shows the message unfilled in a release build.
    public func callAsFunction(_ key: Key, _ values: [String: String] = [:]) -> String {
        guard let template = Self.catalogue(language)[key] else {
            assertionFailure("message \(key.rawValue) is missing from the \(language.rawValue) catalogue")
            return key.rawValue
        }
        do {
            return try Self.fill(template, values)
        } catch {
            assertionFailure("message \(key.rawValue) (\(language.rawValue)): \(error)")
            return template
        }
    }

    /// The catalogue of `language`: every ``Key`` and its message.
    public static func catalogue(_ language: Language) -> [Key: String] {
        switch language {
        case .french: french
        case .english: english
        }
    }

    /// The placeholder names of `template`, in order of first appearance (`{session}` gives
    /// `session`). A placeholder is a name of ASCII letters between braces.
    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        for piece in pieces(template) {
            if case .placeholder(let name) = piece, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `template` with each `{name}` replaced by `values[name]`.
    /// - Throws: ``PlaceholderMismatch`` when a placeholder has no value or a value no placeholder.
    public static func fill(_ template: String, _ values: [String: String]) throws -> String {
        let names = placeholders(in: template)
        let missing = names.filter { values[$0] == nil }
        let unused = values.keys.filter { !names.contains($0) }.sorted()
        guard missing.isEmpty && unused.isEmpty else { throw PlaceholderMismatch(missing: missing, unused: unused) }
        return pieces(template).map { piece in
            switch piece {
            case .text(let text): text
            case .placeholder(let name): values[name]!
            }
        }.joined()
    }

    /// A message filled with the wrong values: placeholders without a value, values without a
    /// placeholder (names only, never the values).
    public struct PlaceholderMismatch: Error, Sendable, Equatable, CustomStringConvertible {
        /// Placeholders of the message that were given no value.
        public var missing: [String]
        /// Values given for placeholders the message does not have.
        public var unused: [String]

        /// One sentence naming the placeholders.
        public var description: String {
            "placeholders without a value: [\(missing.joined(separator: ", "))]; values without a placeholder: [\(unused.joined(separator: ", "))]"
        }
    }

    enum Piece {
        case text(String)
        case placeholder(String)
    }

    /// `template` cut into text and `{name}` placeholders (a brace not around a name is text).
    static func pieces(_ template: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), close > afterOpen,
                rest[afterOpen..<close].allSatisfy({ $0.isASCII && $0.isLetter })
            {
                if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
                pieces.append(.placeholder(String(rest[afterOpen..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                pieces.append(.text(String(rest[...open])))
                rest = rest[afterOpen...]
            }
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}
