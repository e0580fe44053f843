import AccordCore
import Foundation
import Testing

@Suite struct IdentifierCheckTests {
    @Test(arguments: ["158056912345606", "283042A00401797", "279035121518989"])
    func validINSNIRPasses(_ ins: String) {
        #expect(IdentifierCheck.insNIR(ins) == nil)
    }

    @Test func wrongKeyIsRefusedWithoutEchoingTheNumber() throws {
        let problem = try #require(IdentifierCheck.insNIR("158056912345607"))
        #expect(problem == "has a wrong key (97 − NIR mod 97)")
        #expect(!problem.contains("1580569"))
    }

    @Test func corsicanDepartmentsUseTheirSubstitutes() {
        // 2A → 19 and 2B → 18 for the key computation.
        #expect(IdentifierCheck.insNIR("283042A00401797") == nil)
        #expect(IdentifierCheck.insNIR("283042B00401797") != nil)
        let key2B = 97 - (2_830_418_004_017 % 97)
        #expect(IdentifierCheck.insNIR("283042B004017" + String(format: "%02d", key2B)) == nil)
    }

    @Test(arguments: [
        ("15805691234560", "must be 15 characters (13-character NIR and 2-digit key)"),
        ("1580569X2345606", "must hold digits only (2A or 2B allowed for a Corsican birth place)"),
    ])
    func malformedINS(_ ins: String, _ expected: String) {
        #expect(IdentifierCheck.insNIR(ins) == expected)
    }

    @Test func rppsLuhn() {
        #expect(IdentifierCheck.luhn("01234567897"))
        #expect(!IdentifierCheck.luhn("01234567898"))
    }

    @Test func idNatPS() {
        #expect(IdentifierCheck.idNatPS("801234567897") == nil)
        #expect(IdentifierCheck.idNatPS("801234567898") == "has an RPPS number whose Luhn check digit is wrong")
        #expect(IdentifierCheck.idNatPS("01234567897") == "must be 0 followed by the 9-character ADELI number")
        #expect(IdentifierCheck.idNatPS("8012345678") == "must be 8 followed by the 11-digit RPPS number")
        #expect(IdentifierCheck.idNatPS("MULLER") == "must start with its prefix digit (8 + RPPS, 0 + ADELI, 3 + FINESS)")
        #expect(IdentifierCheck.idNatPS("10B0000063") == "must start with 8 (RPPS), 0 (ADELI) or 3 (FINESS and local id)")
        #expect(IdentifierCheck.idNatPS("10B0000063", otherPrefixes: true) == nil, "read from a document")
    }

    @Test func finessAndOID() {
        #expect(IdentifierCheck.finess("750712184") == nil)
        #expect(IdentifierCheck.finess("2A0000013") == nil)
        #expect(IdentifierCheck.finess("75071218") == "must be 9 characters")
        #expect(IdentifierCheck.oid("1.2.250.1.213.1.4.10") == nil)
        #expect(IdentifierCheck.oid("1.2.250.01") == "is not an OID")
        #expect(IdentifierCheck.oid("3.1") == "is not an OID")
        #expect(IdentifierCheck.oid("1") == "is not an OID")
    }

    /// An OID is read as bytes; it says what the rule on characters said (the text split at
    /// dots into arcs, kept here as the reference): every text of up to four characters of
    /// digits and dots, and random texts with other numbers, letters, marks and 64-character
    /// edges.
    @Test func anOIDIsReadFromItsBytesAsFromItsCharacters() {
        func reference(_ value: String) -> String? {
            let arcs = value.split(separator: ".", omittingEmptySubsequences: false)
            guard value.count <= 64, arcs.count >= 2,
                arcs.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } && ($0 == "0" || $0.first != "0") }),
                ["0", "1", "2"].contains(arcs[0])
            else { return "is not an OID" }
            return nil
        }
        let small = Array("0123.")
        var texts = [""]
        for length in 1...4 {
            texts += (0..<Int(pow(Double(small.count), Double(length)))).map { number in
                String((0..<length).map { small[number / Int(pow(Double(small.count), Double($0))) % small.count] })
            }
        }
        let alphabet = Array("0129...a \u{0663}\u{FF11}\u{301}")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            texts.append(String((0..<Int.random(in: 1...9, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        let long = "1.2." + String(repeating: "9", count: 60)
        texts += [long, String(long.dropLast()), long + "9", "2.25.\(UInt64.max)", "1.2.250.1.213.1.4.10", "0.0", "00.1", "1.\u{0663}"]
        var passed = 0
        for text in texts {
            let expected = reference(text)
            #expect(IdentifierCheck.oid(text) == expected, "\(text.unicodeScalars.map(\.value))")
            if expected == nil { passed += 1 }
        }
        #expect(passed > 100, "\(passed) OIDs")
    }

    @Test func crossCheckWarnsOnMismatchedTraits() {
        var identity = INSIdentity(
            ins: "158056912345606", insOID: KnownOID.insNIRTest, birthFamilyName: "X", birthGivenNames: "Y",
            birthDate: CalendarDate("1958-05-17")!, sex: .male, birthplaceCode: "69123")
        #expect(IdentityCrossCheck.warnings(identity).isEmpty)
        identity.sex = .female
        identity.birthplaceCode = "75056"
        #expect(
            IdentityCrossCheck.warnings(identity) == [
                "the INS encodes a sex other than --sex; check the identity traits.",
                "the INS encodes a birth department that --birthplace is not in; check the identity traits.",
            ])
    }
    /// The checks read a value of ASCII digits from its bytes, and any other from its
    /// characters: both ways give the same answers, and a digit carrying a combining mark
    /// (one character, not a digit) is refused as before.
    @Test func digitsReadAsBytesGiveTheAnswersOfTheRule() {
        var state: UInt64 = 19
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        for _ in 0..<2_000 {
            let body = (0..<13).map { _ in String(next(10)) }.joined()
            let key = 97 - UInt64(body)! % 97
            let nir = body + (key < 10 ? "0" : "") + String(key)
            #expect(IdentifierCheck.insNIR(nir) == nil, "\(nir)")
            let wrong = body + String(format: "%02d", (key + 1 + next(95)) % 100)
            #expect(IdentifierCheck.insNIR(wrong) == "has a wrong key (97 − NIR mod 97)")
            // The Luhn key, digit by digit from the right, every second one doubled.
            let rpps = (0..<11).map { _ in String(next(10)) }.joined()
            var sum = 0
            for (index, digit) in rpps.reversed().enumerated() {
                let value = Int(String(digit))!
                sum += index % 2 == 1 ? (value * 2 > 9 ? value * 2 - 9 : value * 2) : value
            }
            #expect(IdentifierCheck.luhn(rpps) == (sum % 10 == 0))
            #expect((IdentifierCheck.idNatPS("8" + rpps) == nil) == (sum % 10 == 0))
            #expect(IdentifierCheck.finess(String(rpps.prefix(9))) == nil)
        }
        #expect(IdentifierCheck.insNIR("15805691234560\u{301}6") != nil)
        #expect(IdentifierCheck.insNIR("1580569123456\u{FF10}6") != nil)
        #expect(!IdentifierCheck.luhn("80123456789\u{301}7"))
        #expect(!IdentifierCheck.luhn(""))
        #expect(IdentifierCheck.idNatPS("8\u{301}01234567897") == "must start with its prefix digit (8 + RPPS, 0 + ADELI, 3 + FINESS)")
        #expect(IdentifierCheck.idNatPS("801234567897") == nil)
        #expect(IdentifierCheck.idNatPS("801234567890") == "has an RPPS number whose Luhn check digit is wrong")
        #expect(IdentifierCheck.finess("75071218\u{301}4") != nil)
        #expect(IdentifierCheck.finess("2A0000017") == nil)
        #expect(IdentifierCheck.insNIR("283042A00401797") == nil)
    }
}

@Suite struct INSTraitTests {
    /// Invented NIR 2 60 07 20 004 123 (key 72): department 20, Corsica before 1976.
    static func corsican(born date: String, birthplace: String = "2A004") -> INSIdentity {
        INSIdentity(
            ins: "260072000412372", insOID: KnownOID.insNIRTest, birthFamilyName: "CASANOVA", birthGivenNames: "MARIE",
            birthDate: CalendarDate(date)!, sex: .female, birthplaceCode: birthplace)
    }

    @Test func corsicaBefore1976MatchesDepartment20() {
        #expect(IdentityCrossCheck.warnings(Self.corsican(born: "1960-07-03")).isEmpty)
        #expect(IdentityCrossCheck.warnings(Self.corsican(born: "1960-07-03", birthplace: "2B033")).isEmpty)
    }

    @Test func department20AfterThe1976SplitIsWarned() {
        var identity = Self.corsican(born: "1960-07-03")
        identity.birthDate = CalendarDate("1980-07-03")!
        #expect(
            IdentityCrossCheck.warnings(identity).contains(
                "the INS encodes a birth department that --birthplace is not in; check the identity traits."))
    }

    @Test func department20DoesNotMatchAnotherDepartment() {
        #expect(
            IdentityCrossCheck.warnings(Self.corsican(born: "1960-07-03", birthplace: "69123")).contains(
                "the INS encodes a birth department that --birthplace is not in; check the identity traits."))
    }

    @Test(arguments: ["MARCHAND-D'ESTE", "LUC JEAN-BAPTISTE", "D'ARTAGNAN-LE-GALL", "O", "MARIE CLAIRE"])
    func insNamesInTheINSFormPass(_ name: String) {
        #expect(FieldRules.insNameProblem(name) == nil)
    }

    @Test(
        arguments: [
            ("Marchand", "holds characters the INS form of a birth name cannot hold"),
            ("HÉLÈNE", "holds characters the INS form of a birth name cannot hold"),
            ("MARCHAND’ESTE", "holds characters the INS form of a birth name cannot hold"),
            ("MARCHAND2", "holds characters the INS form of a birth name cannot hold"),
            ("-MARCHAND", "does not begin and end with a letter"),
            ("MARCHAND ", "does not begin and end with a letter"),
            ("", "is empty"),
            (String(repeating: "A", count: 101), "is longer than 100 characters"),
        ])
    func insNamesInAnotherFormAreRefused(_ name: String, _ problem: String) throws {
        #expect(FieldRules.insNameProblem(name) == problem)
        do {
            try FieldRules.insName(name, "--family-name")
            Issue.record("accepted")
        } catch let error as AccordError {
            #expect(error.field == "--family-name")
            #expect(error.message == "\(problem); expected \(FieldRules.insNameAccepted).")
        }
    }

    @Test func theFirstGivenNameMustBeTheFirstOfTheList() throws {
        try FieldRules.firstGivenName("LUC", of: "LUC JEAN-BAPTISTE", "--first-given-name")
        #expect(throws: AccordError.self) {
            try FieldRules.firstGivenName("JEAN-BAPTISTE", of: "LUC JEAN-BAPTISTE", "--first-given-name")
        }
    }
}

@Suite struct TimeTests {
    @Test func calendarDates() {
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-2-01") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("1958-05-17")?.hl7 == "19580517")
    }

    /// A date is read from its ten bytes; it reads what the rule on characters read (the text
    /// split at `-` into 4, 2 and 2 ASCII digits, then the calendar's check), kept here as the
    /// reference: random dates, real or not, with dashes, digits, other numbers, spaces and
    /// marks put in, replaced or taken out.
    @Test func aDateIsReadFromItsBytesAsFromItsCharacters() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func reference(_ text: String) -> [Int]? {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
            else { return nil }
            guard y >= 1, (1...12).contains(m), (1...31).contains(d) else { return nil }
            var components = DateComponents(year: y, month: m, day: d)
            components.timeZone = TimeZone(identifier: "UTC")
            let valid = y >= 1583 ? d <= CalendarDate.daysIn(month: m, year: y) : components.isValidDate(in: calendar)
            return valid ? [y, m, d] : nil
        }
        let alphabet = Array("0000111229--- +\u{0663}\u{FF11}\u{301}\r\n")
        var generator = SystemRandomNumberGenerator()
        var texts = ["2026-03-02", "0001-01-01", "9999-12-31", "2026-03-0\u{0663}", "2026-03-02\u{301}", "2026-03-0\r\n", "+026-03-02"]
        for _ in 0..<20_000 {
            // A date of years 1 to 2100, months 0 to 13, days 0 to 32, then up to two changes:
            // a character replaced, inserted or removed.
            let (year, month, day) = (Int.random(in: 1...2100), Int.random(in: 0...13), Int.random(in: 0...32))
            var characters = Array(String(format: "%04d-%02d-%02d", year, month, day))
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                let index = Int.random(in: 0..<characters.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: characters[index] = alphabet.randomElement(using: &generator)!
                case 1: characters.insert(alphabet.randomElement(using: &generator)!, at: index)
                default: characters.remove(at: index)
                }
            }
            texts.append(String(characters))
        }
        var read = 0
        for text in texts {
            let expected = reference(text)
            #expect(CalendarDate(text).map { [$0.year, $0.month, $0.day] } == expected, "\(text.unicodeScalars.map(\.value))")
            if expected != nil { read += 1 }
        }
        #expect(read > 4_000, "\(read) dates read")
    }

    @Test func utcInstants() throws {
        let instant = try #require(UTCInstant.parse("2026-03-02T09:30:00Z"))
        #expect(UTCInstant.format(instant) == "2026-03-02T09:30:00Z")
        #expect(UTCInstant.hl7(instant) == "20260302093000+0000")
        #expect(UTCInstant.parse("2026-03-02T09:30:00+01:00") == nil)
        #expect(UTCInstant.parse("2026-03-02 09:30:00Z") == nil)
        #expect(UTCInstant.parse("2026-03-02T09:30:00.250Z").map(UTCInstant.format) == "2026-03-02T09:30:00Z")
    }

    @Test func clockFromEnvironment() throws {
        let clock = try AccordClock.fromEnvironment(["ACCORD_NOW": "2026-03-02T09:30:00Z"])
        #expect(UTCInstant.format(clock.now()) == "2026-03-02T09:30:00Z")
        #expect(
            throws: AccordError.invalid(
                "ACCORD_NOW", "is not an RFC 3339 UTC instant", accepted: "a UTC instant such as 2026-03-02T09:30:00Z")
        ) {
            try AccordClock.fromEnvironment(["ACCORD_NOW": "yesterday"])
        }
    }

}
