import Foundation

/// The rule of every kind of value a user types, in one place: free text, names, codes, code
/// systems, identifiers and dates.
///
/// Every entry point (the command line, the consultation file, the guided session, an RCP
/// report) goes through ``Change/validate(today:)``, which calls these rules, so a value is
/// checked the same way wherever it comes from. Each rule throws an `AccordError`
/// (`invalidInput`) naming the field (an option such as `--label`; the consultation file
/// renames it to its key) and never the value:
///
/// ```swift
/// try FieldRules.text("\u{1}\u{1F}", "--label")
/// // --label: is made only of control or invisible characters; expected text.
/// ```
///
/// The rules and their sources are listed in the README, section "Checks and errors".
public enum FieldRules {
    // MARK: - Free text

    /// The limits of a kind of free text: grapheme clusters (characters as a person sees
    /// them), UTF-8 bytes, and whether line feeds and tabs are allowed.
    public struct TextLimits: Sendable, Hashable {
        /// The most characters (grapheme clusters).
        public var characters: Int
        /// The most UTF-8 bytes (four per character), so that a flood of combining marks on
        /// one letter is refused.
        public var bytes: Int
        /// Whether line feeds and tabs are allowed (notes, preferences, benefits, harms).
        public var multiline: Bool

        /// One line of at most `characters` characters (and four times as many bytes).
        public static func line(_ characters: Int = 2_000) -> TextLimits {
            TextLimits(characters: characters, bytes: characters * 4, multiline: false)
        }

        /// Several lines (line feeds and tabs allowed) of at most `characters` characters.
        public static func lines(_ characters: Int = 2_000) -> TextLimits {
            TextLimits(characters: characters, bytes: characters * 4, multiline: true)
        }
    }

    /// The most Unicode scalars one character (grapheme cluster) may hold: a letter and 30
    /// combining marks, the Stream-Safe Text Format's limit (UAX #15).
    public static let scalarsPerCharacter = 31

    /// Checks free text: not empty or blank once ignorable characters are removed (white
    /// space, zero-width and other format characters, default-ignorable code points), no
    /// control character (C0, C1, DEL; line feed and tab only in multi-line text), no
    /// bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069), no noncharacter, no
    /// U+FFFD (what decoding bytes that are not UTF-8 leaves), within the limits.
    ///
    /// - Parameters:
    ///   - value: the text as typed.
    ///   - field: the option or key named in the error.
    ///   - limits: the kind of text (one line by default, 2,000 characters).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`, never the value.
    public static func text(_ value: String, _ field: String, _ limits: TextLimits = .line()) throws {
        if let problem = textProblem(value, limits) {
            throw AccordError.invalid(field, problem, accepted: textAccepted(limits))
        }
    }

    /// ``text(_:_:_:)`` for an optional value: `nil` passes.
    public static func optionalText(_ value: String?, _ field: String, _ limits: TextLimits = .line()) throws {
        if let value { try text(value, field, limits) }
    }

    /// What free text must be, for the error message.
    static func textAccepted(_ limits: TextLimits) -> String {
        (limits.multiline ? "text (line feeds and tabs allowed)" : "text on one line")
            + " of at most \(limits.characters) characters, without control characters"
    }

    /// The problem with a free text, or `nil` when it passes (see ``text(_:_:_:)``).
    public static func textProblem(_ value: String, _ limits: TextLimits) -> String? {
        // One walk over the scalars (there were three). The Unicode properties are looked up
        // only while the text has shown nothing visible, and never for ASCII, whose white space
        // is U+0009–U+000D and the space, and whose invisible characters are the controls and
        // the space (no ASCII character is a format character or default-ignorable). The
        // three walks with lookups took about 2 % of a bulk recording's CPU (perf).
        var (onlyWhitespace, onlyInvisible, nonASCII, firstProblem) = (true, true, 0, String?.none)
        for scalar in value.unicodeScalars {
            let code = scalar.value
            if code < 0x80 {
                if onlyWhitespace, code != 0x20, !(0x09...0x0D).contains(code) { onlyWhitespace = false }
                if onlyInvisible, code > 0x20, code != 0x7F { onlyInvisible = false }
            } else {
                nonASCII += 1
                if onlyWhitespace, !scalar.properties.isWhitespace { onlyWhitespace = false }
                if onlyInvisible, !isIgnorable(scalar) { onlyInvisible = false }
            }
            if firstProblem == nil { firstProblem = scalarProblem(scalar, multiline: limits.multiline) }
        }
        if onlyWhitespace { return "is empty" }
        if onlyInvisible { return "is made only of control or invisible characters" }
        if let firstProblem { return firstProblem }
        // A text has no more characters than UTF-8 bytes, and an ASCII character has at most
        // two scalars (CR LF): the grapheme walks below only run when they may find something.
        if value.utf8.count > limits.characters, value.count > limits.characters {
            return "is longer than \(limits.characters) characters"
        }
        if value.utf8.count > limits.bytes { return "is longer than \(limits.bytes) bytes in UTF-8" }
        // A character holds at most one ASCII scalar (CR LF apart, which is two and nothing
        // else): no ASCII scalar extends a character, joins one or is prepended. One with more
        // scalars than allowed therefore holds at least `scalarsPerCharacter` outside ASCII,
        // and the grapheme walk (about 4 % of a bulk import's instructions, callgrind) runs
        // only when there are that many.
        if nonASCII >= scalarsPerCharacter, value.contains(where: { $0.unicodeScalars.count > scalarsPerCharacter }) {
            return "holds a character with more than \(scalarsPerCharacter - 1) combining marks"
        }
        return nil
    }

    /// Why `scalar` cannot stand in free text, or `nil`.
    static func scalarProblem(_ scalar: Unicode.Scalar, multiline: Bool) -> String? {
        switch scalar.value {
        case 0x0A, 0x09:
            return multiline ? nil : "holds a line break or tab, which this field cannot hold"
        case 0x2028, 0x2029:
            return multiline ? nil : "holds a line break or tab, which this field cannot hold"
        case 0x00...0x1F, 0x7F...0x9F:
            return "holds a control character"
        case 0x202A...0x202E, 0x2066...0x2069:
            return "holds a bidirectional override or isolate character"
        case 0xFFFD:
            return "holds bytes that are not UTF-8 text (or the replacement character U+FFFD)"
        default:
            // The 66 noncharacters (Unicode §23.7): U+FDD0–U+FDEF and the last two code points
            // of every plane (what `properties.isNoncharacterCodePoint` says, without its lookup).
            return (0xFDD0...0xFDEF).contains(scalar.value) || scalar.value & 0xFFFE == 0xFFFE ? "holds a Unicode noncharacter" : nil
        }
    }

    /// White space, controls, format characters and default-ignorable code points: what a
    /// reader does not see.
    static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return properties.isWhitespace || properties.isDefaultIgnorableCodePoint || scalar == "\u{2800}"
        }
    }

    /// `CharacterSet.letters`, made once (the property builds the set at each read).
    private static let letters = CharacterSet.letters

    /// INS names (birth names, names used in daily life): free text of at most 100
    /// characters made of letters, spaces, apostrophes and hyphens.
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func name(_ value: String, _ field: String) throws {
        try text(value, field, .line(100))
        let allowed = value.unicodeScalars.allSatisfy {
            letters.contains($0) || $0 == " " || $0 == "'" || $0 == "-" || $0 == "’"
        }
        if !allowed {
            throw AccordError.invalid(
                field, "holds characters a civil-status name cannot hold", accepted: "letters, spaces, apostrophes and hyphens")
        }
    }

    /// What an INS birth name may hold, for the error message.
    public static let insNameAccepted =
        "the INS form: capital letters A to Z without accents, spaces, hyphens and apostrophes, beginning with a letter"

    /// The problem with an INS birth trait (birth family name, birth given names, first birth
    /// given name), or `nil`: the INS referential's form, capital letters `A`–`Z` without
    /// diacritics, space, hyphen and apostrophe, beginning and ending with a letter, at most
    /// 100 characters (`MARCHAND-D'ESTE`, `LUC JEAN-BAPTISTE`).
    public static func insNameProblem(_ value: String) -> String? {
        if value.isEmpty || value.allSatisfy({ $0 == " " }) { return "is empty" }
        if value.count > 100 { return "is longer than 100 characters" }
        let scalars = Array(value.unicodeScalars)
        let isLetter: (Unicode.Scalar) -> Bool = { ("A"..."Z").contains($0) }
        guard scalars.allSatisfy({ isLetter($0) || $0 == " " || $0 == "-" || $0 == "'" }) else {
            return "holds characters the INS form of a birth name cannot hold"
        }
        guard isLetter(scalars.first!), isLetter(scalars.last!) else {
            return "does not begin and end with a letter"
        }
        return nil
    }

    /// Checks an INS birth trait (see ``insNameProblem(_:)``).
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming `field`, never the value.
    public static func insName(_ value: String, _ field: String) throws {
        if let problem = insNameProblem(value) { throw AccordError.invalid(field, problem, accepted: insNameAccepted) }
    }

    /// Checks that the first birth given name is the first of the list of birth given names.
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming `field` (the first given name's option).
    public static func firstGivenName(_ first: String, of list: String, _ field: String) throws {
        guard list.split(separator: " ").first.map(String.init) == first else {
            throw AccordError.invalid(
                field, "is not the first of the birth given names", accepted: "the first name of the list of birth given names")
        }
    }

    // MARK: - Local identifiers and codes

    /// Checks an identifier a centre assigns (an IPP, a relative's id): 1 to `maximum`
    /// printable characters (letters, marks, digits, punctuation, symbols, inner spaces), no
    /// line break, control, format or invisible character, no space at either end.
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func localIdentifier(_ value: String, _ field: String, maximum: Int = 64) throws {
        let accepted = "1 to \(maximum) printable characters, without line breaks or control characters"
        if let problem = textProblem(value, .line(maximum)) { throw AccordError.invalid(field, problem, accepted: accepted) }
        if value.unicodeScalars.contains(where: { !isPrintable($0) }) {
            throw AccordError.invalid(field, "holds a character that is not printable", accepted: accepted)
        }
        if value.first!.isWhitespace || value.last!.isWhitespace {
            throw AccordError.invalid(field, "starts or ends with a space", accepted: accepted)
        }
    }

    /// Checks a code (the FHIR `code` datatype, a CDA `code` attribute): 1 to 64 printable
    /// characters and no white space at all (FHIR forbids leading, trailing and repeated
    /// white space; Accord refuses any, so the code is the same in every reader).
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func code(_ value: String, _ field: String) throws {
        let accepted = "a code of 1 to 64 printable characters without spaces, such as C50.4"
        if let problem = textProblem(value, .line(64)) { throw AccordError.invalid(field, problem, accepted: accepted) }
        if value.unicodeScalars.contains(where: { $0.properties.isWhitespace || !isPrintable($0) }) {
            throw AccordError.invalid(field, "holds white space or a character that is not printable", accepted: accepted)
        }
    }

    /// Letters, marks, numbers, punctuation, symbols and the plain space.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: false
        case .spaceSeparator: scalar == " "
        default: !(0x202A...0x202E).contains(scalar.value) && !(0x2066...0x2069).contains(scalar.value) && scalar != "\u{FFFD}"
        }
    }

    // MARK: - Code systems

    /// A code system Accord knows by name: its OID (written in CDA `codeSystem`), its FHIR
    /// URI (written in FHIR `Coding.system`) and the names it may be given by.
    public struct CodeSystem: Sendable, Hashable {
        /// The OID, as CDA writes it.
        public let oid: String
        /// The canonical URI, as FHIR writes it.
        public let uri: String
        /// The names accepted for it (compared without case).
        public let names: [String]
    }

    /// The code systems known by name (HL7 terminology: the OIDs and FHIR URIs of ICD-10,
    /// ICD-O-3, LOINC and SNOMED CT).
    public static let codeSystems: [CodeSystem] = [
        CodeSystem(oid: "2.16.840.1.113883.6.3", uri: "http://hl7.org/fhir/sid/icd-10", names: ["CIM-10", "ICD-10"]),
        CodeSystem(
            oid: "2.16.840.1.113883.6.43.1", uri: "http://terminology.hl7.org/CodeSystem/icd-o-3", names: ["CIM-O-3", "ICD-O-3"]),
        CodeSystem(oid: "2.16.840.1.113883.6.1", uri: "http://loinc.org", names: ["LOINC"]),
        CodeSystem(oid: "2.16.840.1.113883.6.96", uri: "http://snomed.info/sct", names: ["SNOMED-CT", "SNOMED CT", "SNOMEDCT"]),
    ]

    /// The OID of ICD-10, the code system of a code given without one.
    public static let icd10OID = "2.16.840.1.113883.6.3"

    /// Reads a code system given as an OID, `urn:oid:` and an OID, a known name (`CIM-10`,
    /// `ICD-10`, `LOINC`, `SNOMED-CT`, …) or a known URI (`http://loinc.org`, …), and returns
    /// its OID, the form Accord stores.
    ///
    /// ```swift
    /// try FieldRules.codeSystemOID("CIM-10", "--condition-code-system")  // "2.16.840.1.113883.6.3"
    /// ```
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming `field` for anything else (an empty
    ///   value, `ICD 10`, an unknown URI).
    public static func codeSystemOID(_ value: String, _ field: String) throws -> String {
        let accepted =
            "an OID such as 2.16.840.1.113883.6.3, or one of CIM-10, ICD-10, ICD-O-3, LOINC, SNOMED-CT or their URIs (http://hl7.org/fhir/sid/icd-10, http://loinc.org, http://snomed.info/sct)"
        if let problem = textProblem(value, .line(200)) { throw AccordError.invalid(field, problem, accepted: accepted) }
        let bare = value.hasPrefix("urn:oid:") ? String(value.dropFirst(8)) : value
        if IdentifierCheck.oid(bare) == nil { return bare }
        if let known = codeSystems.first(where: { system in
            system.uri == value || system.names.contains { $0.caseInsensitiveCompare(value) == .orderedSame }
        }) {
            return known.oid
        }
        throw AccordError.invalid(field, "is neither an OID nor a code system Accord knows by name", accepted: accepted)
    }

    /// The FHIR `Coding.system` of a code system stored as an OID: the URI of a known system,
    /// else `urn:oid:` and the OID.
    public static func fhirSystem(forOID oid: String) -> String {
        codeSystems.first { $0.oid == oid }?.uri ?? "urn:oid:\(oid)"
    }

    // MARK: - Identifiers

    /// Checks an IdNat_PS typed by a user (``IdentifierCheck/idNatPS(_:otherPrefixes:)``
    /// without other prefixes).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func idNatPS(_ value: String, _ field: String) throws {
        if let problem = IdentifierCheck.idNatPS(value) {
            throw AccordError.invalid(
                field, "the IdNat_PS \(problem)",
                accepted:
                    "8 + an 11-digit RPPS with a valid Luhn key (e.g. 801234567897), 0 + a 9-character ADELI number, or 3 + FINESS/local id"
            )
        }
    }

    /// Checks an INS OID: one of the four INS OIDs (INS-NIR production `.8`, INS-NIA `.9`,
    /// test `.10`, demonstration `.11` under `1.2.250.1.213.1.4`).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func insOID(_ value: String, _ field: String) throws {
        guard KnownOID.insOIDs.contains(value) else {
            throw AccordError.invalid(
                field, "is not an INS OID",
                accepted:
                    "1.2.250.1.213.1.4.8 (INS-NIR), 1.2.250.1.213.1.4.9 (INS-NIA), 1.2.250.1.213.1.4.10 (test) or 1.2.250.1.213.1.4.11 (demonstration)"
            )
        }
    }

    /// Checks an OID (``IdentifierCheck/oid(_:)``); `what` names it in the error (`the IPP root`).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func oid(_ value: String, _ field: String, what: String) throws {
        if let problem = IdentifierCheck.oid(value) {
            throw AccordError.invalid(field, "\(what) \(problem)", accepted: "an OID such as 1.2.250.1.999.1")
        }
    }

    /// Checks a FINESS number's shape (refused when wrong); its check key is only warned
    /// about (``IdentifierCheck/finessKeyWarning(_:)``).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func finess(_ value: String, _ field: String) throws {
        if let problem = IdentifierCheck.finess(value) {
            throw AccordError.invalid(field, "the FINESS number \(problem)", accepted: "9 characters such as 750712184")
        }
    }

    // MARK: - Dates

    /// The earliest birth date accepted.
    public static let earliestBirthDate = CalendarDate("1900-01-01")!

    /// Checks a birth date: from 1900-01-01 and not after `today` (the UTC day of the
    /// recording instant).
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func birthDate(_ date: CalendarDate, _ field: String, today: CalendarDate) throws {
        let accepted = "the birth date as YYYY-MM-DD, from 1900-01-01 and not after today"
        if date > today { throw AccordError.invalid(field, "is in the future", accepted: accepted) }
        if date < earliestBirthDate { throw AccordError.invalid(field, "is before 1900", accepted: accepted) }
    }

    /// Checks a date that must not lie in the past (a next contact, the end of a reflection
    /// time): not before `today`, the UTC day of the recording instant.
    /// - Throws: `AccordError` (`invalidInput`) naming `field`.
    public static func notPast(_ date: CalendarDate, _ field: String, today: CalendarDate) throws {
        if date < today { throw AccordError.invalid(field, "is in the past", accepted: "today or a later date as YYYY-MM-DD") }
    }
}
