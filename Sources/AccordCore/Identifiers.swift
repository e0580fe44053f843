import Foundation

/// Well-known OIDs of French health identifiers (ANS, see `standards/RECORD.md`).
public enum KnownOID {
    /// INS-NIR, production identities.
    public static let insNIR = "1.2.250.1.213.1.4.8"
    /// INS-NIA, temporary identities.
    public static let insNIA = "1.2.250.1.213.1.4.9"
    /// INS-NIR test identities (every official example uses it).
    public static let insNIRTest = "1.2.250.1.213.1.4.10"
    /// INS-NIR demonstration identities.
    public static let insNIRDemo = "1.2.250.1.213.1.4.11"
    /// IdNat_PS, the national identifier of a health professional.
    public static let idNatPS = "1.2.250.1.71.4.2.1"
    /// IdNat_Struct, the national identifier of an organisation.
    public static let idNatStruct = "1.2.250.1.71.4.2.2"
    /// The arc reserved for examples; settings on it are example values.
    public static let exampleArc = "2.999"
    /// Accord's own arc: the product's OIDs (content-model templateId, local code system) sit
    /// under it, apart from every id a centre issues. A UUID-derived OID (arc `2.25`, ITU-T X.667
    /// / ISO/IEC 9834-8: unique without registration; UUID d5211fe5-73e0-42b0-8251-6de3570436b2),
    /// not on the `2.999` example arc, which marks examples; a centre root equal to it, above it or under it is refused
    /// (``CentreSettings/validate()``), so that no document, IPP or set id can equal one of
    /// the product's OIDs.
    public static let accordArc = "2.25.283297555832327549653822455234110437042"
    /// The content model's templateId root (the third header templateId of a `cda-fr` document).
    public static let accordContentModel = "2.25.283297555832327549653822455234110437042.1"
    /// Accord's local code system (section and entry codes no standard code fits).
    public static let accordLocalCodeSystem = "2.25.283297555832327549653822455234110437042.2"
    /// The root of the pseudonyms a research export gives in place of INS and IPP (was
    /// `2.999.1.1.3`, under the example centre's root, before Accord's own arc).
    public static let accordPseudonym = "2.25.283297555832327549653822455234110437042.3"
    /// The four OIDs a patient INS may carry: production INS-NIR, INS-NIA, test, demonstration.
    public static let insOIDs = [insNIR, insNIA, insNIRTest, insNIRDemo]
}

/// Checks of French identifiers. Each check returns a problem description (without the value)
/// or `nil` when the identifier passes.
public enum IdentifierCheck {
    /// Checks an INS-NIR: 13 characters (digits, with `2A`/`2B` at positions 6–7 for Corsica)
    /// followed by a 2-digit key equal to 97 − (NIR mod 97), with 2A → 19 and 2B → 18 for
    /// the computation.
    ///
    /// Source: `standards/RECORD.md` (INS-NIR key rule, INSEE).
    public static func insNIR(_ value: String) -> String? {
        // Fifteen ASCII digits (every NIR but a Corsican one): the same checks on the bytes,
        // without the characters' grapheme walk.
        if let number = asciiDigits(value.utf8.prefix(13)), value.utf8.count == 15, let keyValue = asciiDigits(value.utf8.suffix(2)) {
            return 97 - number % 97 == keyValue ? nil : "has a wrong key (97 − NIR mod 97)"
        }
        let chars = Array(value.uppercased())
        guard chars.count == 15 else { return "must be 15 characters (13-character NIR and 2-digit key)" }
        var body = String(chars[0..<13])
        let key = String(chars[13..<15])
        let department = String(chars[5..<7])
        if department == "2A" {
            body.replaceSubrange(body.index(body.startIndex, offsetBy: 5)..<body.index(body.startIndex, offsetBy: 7), with: "19")
        } else if department == "2B" {
            body.replaceSubrange(body.index(body.startIndex, offsetBy: 5)..<body.index(body.startIndex, offsetBy: 7), with: "18")
        }
        guard body.allSatisfy({ $0.isASCII && $0.isNumber }), key.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return "must hold digits only (2A or 2B allowed for a Corsican birth place)" }
        guard let number = UInt64(body), let keyValue = UInt64(key) else { return "is not a number" }
        guard 97 - number % 97 == keyValue else { return "has a wrong key (97 − NIR mod 97)" }
        return nil
    }

    /// Checks the shape of an INS-NIA (a temporary number, shaped like a NIR: 13 characters and
    /// a 2-digit key, digits only but for `2A`/`2B` in the department); its key is not checked.
    /// - Returns: what is wrong, or `nil`.
    public static func insNIA(_ value: String) -> String? {
        let chars = Array(value.uppercased())
        guard chars.count == 15 else { return "must be 15 characters (13-character number and 2-digit key)" }
        let digits = chars.enumerated().allSatisfy { index, char in
            (char.isASCII && char.isNumber) || (index == 6 && (char == "A" || char == "B") && chars[5] == "2")
        }
        return digits ? nil : "must hold digits only (2A or 2B allowed for a Corsican birth place)"
    }

    /// The sex the NIR encodes in its first digit: `1` male, `2` female (also 7/8 for
    /// temporary numbers); `nil` for other digits.
    public static func sexEncoded(inNIR value: String) -> Sex? {
        switch value.first {
        case "1", "3", "7": return .male
        case "2", "4", "8": return .female
        default: return nil
        }
    }

    /// Checks the Luhn key of a digit string (RPPS: 11 digits, the last a Luhn check digit).
    public static func luhn(_ digits: String) -> Bool {
        // Every character an ASCII digit is every byte one.
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        var sum = 0
        for (index, byte) in digits.utf8.reversed().enumerated() {
            var digit = Int(byte - 0x30)
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }

    /// Checks an IdNat_PS: a prefix digit then the number. Prefix `8` must be followed by an
    /// 11-digit RPPS that passes its Luhn key; prefix `0` by an ADELI number (9 digits, `2A` or
    /// `2B` as the department for Corsica); prefix `3` by a FINESS number (shape of
    /// ``finess(_:)``), an optional `/` and the local id the organisation assigns (1 to 20
    /// letters or digits). Any other prefix is refused, unless `otherPrefixes` is true: an
    /// identifier read from a document may carry another prefix a structure assigns (`1…`,
    /// `4…` in the ANS examples), then 1 to 30 letters, digits or `/`.
    ///
    /// Source: `standards/RECORD.md` (IdNat_PS, RPPS), ANS "Annuaire Santé" IdNat_PS.
    public static func idNatPS(_ value: String, otherPrefixes: Bool = false) -> String? {
        // 8 and eleven ASCII digits (an RPPS, the usual case): the Luhn key alone is left to check.
        if value.utf8.count == 12, value.utf8.first == UInt8(ascii: "8"), asciiDigits(value.utf8) != nil {
            return luhn(String(value.dropFirst())) ? nil : "has an RPPS number whose Luhn check digit is wrong"
        }
        guard let prefix = value.first, prefix.isASCII, prefix.isNumber else {
            return "must start with its prefix digit (8 + RPPS, 0 + ADELI, 3 + FINESS)"
        }
        let rest = String(value.dropFirst())
        switch prefix {
        case "8":
            guard rest.count == 11, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return "must be 8 followed by the 11-digit RPPS number"
            }
            guard luhn(rest) else { return "has an RPPS number whose Luhn check digit is wrong" }
        case "0":
            let upper = rest.uppercased()
            let department = upper.prefix(2)
            guard upper.count == 9, department == "2A" || department == "2B" || department.allSatisfy({ $0.isASCII && $0.isNumber }),
                upper.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber })
            else {
                return "must be 0 followed by the 9-character ADELI number"
            }
        case "3":
            let finessPart = String(rest.prefix(9))
            var local = rest.dropFirst(9)
            if local.first == "/" { local = local.dropFirst() }
            guard finess(finessPart) == nil, (1...20).contains(local.count),
                local.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) })
            else {
                return "must be 3 followed by the 9-character FINESS number, '/' and the local id (1 to 20 letters or digits)"
            }
        default:
            guard otherPrefixes else { return "must start with 8 (RPPS), 0 (ADELI) or 3 (FINESS and local id)" }
            guard (1...30).contains(rest.count), rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "/") })
            else { return "must be its prefix digit followed by 1 to 30 letters, digits or '/'" }
        }
        return nil
    }

    /// Checks a FINESS number's shape: 9 characters, digits, with `2A`/`2B` as the department
    /// for Corsica. The check key is not enforced here (some real and official numbers fail
    /// it): see ``finessKeyWarning(_:)``.
    public static func finess(_ value: String) -> String? {
        if value.utf8.count == 9, asciiDigits(value.utf8) != nil { return nil }
        let chars = Array(value.uppercased())
        guard chars.count == 9 else { return "must be 9 characters" }
        let department = String(chars[0..<2])
        let rest = chars[2...]
        let departmentOK = department == "2A" || department == "2B" || department.allSatisfy({ $0.isASCII && $0.isNumber })
        guard departmentOK, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return "must hold digits only (2A or 2B allowed as the department)"
        }
        return nil
    }

    /// A warning when a FINESS number of the right shape fails its check key (the Luhn key
    /// of its 9 digits; Corsican numbers, with 2A/2B, are not checked); `nil` when it passes.
    /// The warning names the rule, never the number.
    public static func finessKeyWarning(_ value: String) -> String? {
        guard finess(value) == nil, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return luhn(value) ? nil : "the FINESS number's check key (Luhn) is wrong; kept — check the number"
    }

    /// The number written by `bytes` when each is an ASCII digit (at most 19 of them: within
    /// `UInt64`), else `nil` (also for none).
    static func asciiDigits(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var number: UInt64 = 0
        for byte in bytes {
            guard (0x30...0x39).contains(byte) else { return nil }
            number = number * 10 + UInt64(byte - 0x30)
        }
        return number
    }

    /// Checks an OID: dot-separated arcs of digits without leading zeros, at least two arcs,
    /// first arc 0, 1 or 2, at most 64 characters.
    public static func oid(_ value: String) -> String? {
        // Read as bytes: an OID is ASCII digits and dots only, so its bytes are its characters
        // (the text was split into arcs, each read as characters).
        let utf8 = value.utf8
        guard utf8.count <= 64 else { return "is not an OID" }
        var (arcs, arcLength, arcFirst, firstArc) = (1, 0, UInt8(0), UInt8(0))
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                // An arc is not empty, and begins with 0 only when it is 0.
                guard arcLength > 0, arcFirst != UInt8(ascii: "0") || arcLength == 1 else { return "is not an OID" }
                if arcs == 1 { firstArc = arcLength == 1 ? arcFirst : 0 }
                (arcs, arcLength) = (arcs + 1, 0)
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return "is not an OID" }
                if arcLength == 0 { arcFirst = byte }
                arcLength += 1
            }
        }
        guard arcs >= 2, arcLength > 0, arcFirst != UInt8(ascii: "0") || arcLength == 1,
            (UInt8(ascii: "0")...UInt8(ascii: "2")).contains(firstArc)
        else { return "is not an OID" }
        return nil
    }
}
