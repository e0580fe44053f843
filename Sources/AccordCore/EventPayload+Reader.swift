import Foundation

extension EventPayload {
    /// A one-pass reader of the version 2 payloads Accord writes, for ``decode(_:)``: most of a
    /// consultation's events (participants, options, what matters, decisions, notes, phases,
    /// instruments, the session's start…) are read from their bytes without `JSONDecoder`'s
    /// map and keyed containers, which cost about a tenth of a batch export's CPU.
    ///
    /// It answers only what `JSONDecoder` answers for the same text, and nothing when unsure:
    /// it returns `nil` (and ``decode(_:)`` reads the payload with `JSONDecoder`, whose result
    /// or error then stands) for any payload that is not a version 2 object of one of the kinds
    /// it reads, a key it does not read for that kind (`JSONDecoder` ignores them), a key given
    /// twice or written with an escape, a number with a fraction or an exponent, `-0`, an
    /// integer past `Int`, a value of another JSON type than the field's, a `\u` escape of a
    /// surrogate, a control character in a string, an entry id not written in capitals, or
    /// anything after the object. Nested values of their own type (an instrument's score, a
    /// condition, an RCP, an IPP, a facility) are decoded by `JSONDecoder` from their bytes.
    /// Issued documents are read too (their time by ``UTCInstant/parse(_:)``, as the decoder's
    /// date strategy reads it): `verify` checks every issue's id and version, and decoding them
    /// with `JSONDecoder` took two fifths of its CPU on a database whose 97,000 closed sessions
    /// were exported. Centre settings and identity changes are left to `JSONDecoder`.
    struct Reader {
        /// Why a payload is left to `JSONDecoder`.
        struct Unread: Error {}

        /// A value of the payload's object (a nested object or array of other values is
        /// kept as the range of its bytes).
        enum Value {
            case string(String)
            case integer(Int)
            case bool(Bool)
            case null
            case strings([String])
            case nested
        }

        /// One member of an object: its key, its value, and its value's bytes.
        struct Member {
            let key: String
            let value: Value
            let range: Range<Int>
        }

        private let bytes: UnsafeBufferPointer<UInt8>
        private var index = 0

        fileprivate init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The change `payload` holds, or `nil` when it is left to `JSONDecoder` (see the type).
        static func change(_ payload: String, decoder: JSONDecoder) -> Change? {
            var text = payload
            return text.withUTF8 { bytes in
                var reader = Reader(bytes)
                guard let members = try? reader.object(depth: 0), (try? reader.end()) != nil else { return nil }
                var fields = Fields(members: members, bytes: bytes, decoder: decoder)
                guard let change = try? fields.change(), fields.allRead else { return nil }
                return change
            }
        }

        // MARK: - JSON

        private mutating func end() throws {
            skipSpace()
            guard index == bytes.count else { throw Unread() }
        }

        private mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        private mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { throw Unread() }
            index += 1
        }

        private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        /// The members of the object at `index`, its values read when scalar or arrays of
        /// strings, skipped (and checked) when nested deeper.
        mutating func object(depth: Int) throws -> [Member] {
            var members: [Member] = []
            try forEachMember { reader, key in
                let start = reader.index
                let value = try reader.value(depth: depth)
                members.append(Member(key: key, value: value, range: start..<reader.index))
            }
            for (offset, member) in members.enumerated() where members[(offset + 1)...].contains(where: { $0.key == member.key }) {
                throw Unread()
            }
            return members
        }

        /// Walks the object at `index`: `read` is called with each member's key (not escaped),
        /// the reader at its value, which `read` reads.
        private mutating func forEachMember(_ read: (inout Reader, String) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw Unread() }
                let key = try string(allowEscapes: false)
                try expect(UInt8(ascii: ":"))
                skipSpace()
                try read(&self, key)
                skipSpace()
                guard let next = peek() else { throw Unread() }
                index += 1
                if next == UInt8(ascii: "}") { return }
                guard next == UInt8(ascii: ",") else { throw Unread() }
            }
        }

        private mutating func value(depth: Int) throws -> Value {
            guard let byte = peek() else { throw Unread() }
            switch byte {
            case UInt8(ascii: "\""): return .string(try string(allowEscapes: true))
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "["):
                if let strings = try stringArray() { return .strings(strings) }
                try skipNested(depth: depth + 1)
                return .nested
            case UInt8(ascii: "{"):
                try skipNested(depth: depth + 1)
                return .nested
            default: return .integer(try integer())
            }
        }

        /// An ``InstrumentScore`` object: its seven keys (`score` may be absent or null) once
        /// each, numbers without an exponent or a sign (what `JSONEncoder` writes for a score
        /// of 0–100), subscores without a key given twice. Anything else (another key, which
        /// `JSONDecoder` would ignore; an exponent; an escaped key) is left to `JSONDecoder`.
        mutating func instrumentScore() throws -> InstrumentScore {
            var instrument: String?
            var version: String?
            var total: Double??
            var subscores: [String: Double]?
            var flags: [String]?
            var complete: Bool?
            var confirmed: Bool?
            try forEachMember { reader, key in
                switch key {
                case "instrument" where instrument == nil: instrument = try reader.stringValue()
                case "version" where version == nil: version = try reader.stringValue()
                case "score" where total == nil:
                    if reader.peek() == UInt8(ascii: "n") {
                        try reader.literal("null")
                        total = .some(nil)
                    } else {
                        total = try reader.number()
                    }
                case "subscores" where subscores == nil: subscores = try reader.numbers()
                case "flags" where flags == nil:
                    guard reader.peek() == UInt8(ascii: "["), let values = try reader.stringArray() else { throw Unread() }
                    flags = values
                case "complete" where complete == nil: complete = try reader.boolValue()
                case "confirmed" where confirmed == nil: confirmed = try reader.boolValue()
                default: throw Unread()
                }
            }
            guard let instrument, let version, let subscores, let flags, let complete, let confirmed else { throw Unread() }
            var score = InstrumentScore(
                instrument: instrument, version: version, score: total ?? nil, subscores: subscores, complete: complete,
                confirmed: confirmed)
            score.flags = flags  // as written, not sorted again (as `Decodable` reads them)
            return score
        }

        private mutating func stringValue() throws -> String {
            guard peek() == UInt8(ascii: "\"") else { throw Unread() }
            return try string(allowEscapes: true)
        }

        private mutating func boolValue() throws -> Bool {
            switch peek() {
            case UInt8(ascii: "t"): try literal("true"); return true
            case UInt8(ascii: "f"): try literal("false"); return false
            default: throw Unread()
            }
        }

        /// A number `0`, `12` or `64.44444444444444`: digits without a sign, a leading zero
        /// before other digits or an exponent, read as `JSONDecoder` reads it (both round the
        /// decimal to the nearest `Double`).
        private mutating func number() throws -> Double {
            let start = index
            while let byte = peek(), (0x30...0x39).contains(byte) { index += 1 }
            let integerDigits = index - start
            guard integerDigits > 0, !(integerDigits > 1 && bytes[start] == 0x30) else { throw Unread() }
            if peek() == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while let byte = peek(), (0x30...0x39).contains(byte) { index += 1 }
                guard index > fractionStart else { throw Unread() }
            }
            if let next = peek(), next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { throw Unread() }
            guard index - start <= 40,
                let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)), value.isFinite
            else { throw Unread() }
            return value
        }

        /// An object of numbers by key, no key given twice.
        private mutating func numbers() throws -> [String: Double] {
            var values: [String: Double] = [:]
            try forEachMember { reader, key in
                guard values.updateValue(try reader.number(), forKey: key) == nil else { throw Unread() }
            }
            return values
        }

        private mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Unread() }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Unread() }
            index += count
        }

        /// An integer without fraction or exponent, not `-0`, within `Int`.
        private mutating func integer() throws -> Int {
            var negative = false
            if peek() == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            let start = index
            var value = 0
            while let byte = peek(), (0x30...0x39).contains(byte) {
                let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) =
                    negative ? times.subtractingReportingOverflow(Int(byte - 0x30)) : times.addingReportingOverflow(Int(byte - 0x30))
                guard !overflowTimes, !overflowSum else { throw Unread() }
                value = sum
                index += 1
            }
            let digits = index - start
            guard digits > 0, !(digits > 1 && bytes[start] == 0x30), !(negative && value == 0) else { throw Unread() }
            if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { throw Unread() }
            return value
        }

        /// A JSON string at `index` (the payload is valid UTF-8: it is a `String`).
        private mutating func string(allowEscapes: Bool) throws -> String {
            index += 1  // the opening quote
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    guard allowEscapes else { throw Unread() }
                    return try escapedString(from: start)
                }
                guard byte >= 0x20 else { throw Unread() }
                index += 1
            }
            throw Unread()
        }

        private mutating func escapedString(from start: Int) throws -> String {
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escape = peek() else { throw Unread() }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                            let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16),
                            bytes[index..<(index + 4)].allSatisfy({ Self.isHex($0) }), let scalar = Unicode.Scalar(code)
                        else { throw Unread() }  // a surrogate is no scalar
                        index += 4
                        out.append(contentsOf: String(Character(scalar)).utf8)
                    default: throw Unread()
                    }
                default:
                    guard byte >= 0x20 else { throw Unread() }
                    out.append(byte)
                }
            }
            throw Unread()
        }

        private static func isHex(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }

        /// An array of strings only, or `nil` (the index back at the `[`) when it holds another value.
        private mutating func stringArray() throws -> [String]? {
            let start = index
            index += 1
            var strings: [String] = []
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return strings
            }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else {
                    index = start
                    return nil
                }
                strings.append(try string(allowEscapes: true))
                skipSpace()
                guard let next = peek() else { throw Unread() }
                index += 1
                if next == UInt8(ascii: "]") { return strings }
                guard next == UInt8(ascii: ",") else { throw Unread() }
            }
        }

        /// Skips a nested array or object (its bytes are decoded by `JSONDecoder` if read),
        /// checking strings, literals and brackets; at most 64 levels.
        private mutating func skipNested(depth: Int) throws {
            guard depth <= 64, let open = peek() else { throw Unread() }
            let close = open == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            index += 1
            skipSpace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipSpace()
                if open == UInt8(ascii: "{") {
                    guard peek() == UInt8(ascii: "\"") else { throw Unread() }
                    _ = try string(allowEscapes: true)
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                }
                guard let byte = peek() else { throw Unread() }
                switch byte {
                case UInt8(ascii: "\""): _ = try string(allowEscapes: true)
                case UInt8(ascii: "["), UInt8(ascii: "{"): try skipNested(depth: depth + 1)
                case UInt8(ascii: "t"): try literal("true")
                case UInt8(ascii: "f"): try literal("false")
                case UInt8(ascii: "n"): try literal("null")
                default:
                    // Any JSON number (JSONDecoder checks it if the value is read).
                    let start = index
                    while let next = peek(), (0x30...0x39).contains(next) || [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(next) { index += 1 }
                    guard index > start else { throw Unread() }
                }
                skipSpace()
                guard let next = peek() else { throw Unread() }
                index += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw Unread() }
            }
        }
    }
}

extension EventPayload.Reader {
    /// The members of one object, each read at most once; ``allRead`` tells whether every
    /// member was (a member no field reads is left to `JSONDecoder`, which ignores it).
    fileprivate struct Fields {
        let members: [Member]
        let bytes: UnsafeBufferPointer<UInt8>
        let decoder: JSONDecoder
        private var read: UInt64 = 0

        init(members: [Member], bytes: UnsafeBufferPointer<UInt8>, decoder: JSONDecoder) {
            self.members = members
            self.bytes = bytes
            self.decoder = decoder
        }

        var allRead: Bool { members.count <= 64 && read == (members.count == 64 ? .max : (1 << UInt64(members.count)) - 1) }

        private mutating func member(_ key: String) -> Member? {
            guard let offset = members.firstIndex(where: { $0.key == key }), offset < 64 else { return nil }
            read |= 1 << UInt64(offset)
            return members[offset]
        }

        mutating func string(_ key: String) throws -> String {
            guard case .string(let text) = member(key)?.value else { throw Unread() }
            return text
        }

        mutating func optionalString(_ key: String) throws -> String? {
            switch member(key)?.value {
            case nil, .null: return nil
            case .string(let text): return text
            default: throw Unread()
            }
        }

        mutating func optionalInteger(_ key: String) throws -> Int? {
            switch member(key)?.value {
            case nil, .null: return nil
            case .integer(let value): return value
            default: throw Unread()
            }
        }

        mutating func integer(_ key: String) throws -> Int {
            guard let value = try optionalInteger(key) else { throw Unread() }
            return value
        }

        mutating func bool(_ key: String) throws -> Bool {
            guard case .bool(let value) = member(key)?.value else { throw Unread() }
            return value
        }

        mutating func strings(_ key: String) throws -> [String] {
            guard case .strings(let values) = member(key)?.value else { throw Unread() }
            return values
        }

        mutating func optionalStrings(_ key: String) throws -> [String]? {
            switch member(key)?.value {
            case nil, .null: return nil
            case .strings(let values): return values
            default: throw Unread()
            }
        }

        /// A value of a `String` raw-value enum (their `Decodable` is synthesized).
        mutating func value<T: RawRepresentable>(_ key: String, as type: T.Type) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try string(key)) else { throw Unread() }
            return value
        }

        mutating func optionalValue<T: RawRepresentable>(_ key: String, as type: T.Type) throws -> T? where T.RawValue == String {
            guard let text = try optionalString(key) else { return nil }
            guard let value = T(rawValue: text) else { throw Unread() }
            return value
        }

        /// An entry id as its `Decodable` reads it (the text kept as written): only ids already
        /// in capitals, which ``EntryID/init(_:)`` keeps as they are.
        static func entry(_ text: String) throws -> EntryID {
            let id = EntryID(text)
            guard id.rawValue == text else { throw Unread() }
            return id
        }

        mutating func optionalEntry(_ key: String) throws -> EntryID? { try optionalString(key).map(Self.entry) }

        mutating func date(_ key: String) throws -> CalendarDate {
            guard let date = CalendarDate(try string(key)) else { throw Unread() }
            return date
        }

        mutating func optionalDate(_ key: String) throws -> CalendarDate? {
            guard let text = try optionalString(key) else { return nil }
            guard let date = CalendarDate(text) else { throw Unread() }
            return date
        }

        /// A nested value of its own type, decoded by `JSONDecoder` from its bytes.
        mutating func optionalNested<T: Decodable>(_ key: String, as type: T.Type) throws -> T? {
            guard let member = member(key) else { return nil }
            if case .null = member.value { return nil }
            return try decoder.decode(T.self, from: Data(UnsafeBufferPointer(rebasing: bytes[member.range])))
        }

        /// An instrument's score object, read from its bytes as its synthesized `Decodable`
        /// reads it (its flags kept in their order); ``Reader/instrumentScore()`` says when it
        /// is left to `JSONDecoder`.
        mutating func instrumentScore(_ key: String) throws -> InstrumentScore {
            guard let member = member(key), case .nested = member.value else { throw Unread() }
            var reader = EventPayload.Reader(UnsafeBufferPointer(rebasing: bytes[member.range]))
            let score = try reader.instrumentScore()
            try reader.end()
            return score
        }

        mutating func nested<T: Decodable>(_ key: String, as type: T.Type) throws -> T {
            guard let value = try optionalNested(key, as: type) else { throw Unread() }
            return value
        }

        // MARK: - Changes

        /// The change these members hold, as ``EventPayload``'s `Versioned` decodes it.
        mutating func change() throws -> Change {
            guard try integer("v") == EventPayload.version else { throw Unread() }
            switch try string("type") {
            case "participant-added":
                return .participantAdded(
                    role: try value("role", as: ParticipantRole.self), name: try string("name"), id: try optionalString("id"),
                    function: try optionalString("function"),
                    details: PersonDetails(
                        familyName: try optionalString("family_name"), givenName: try optionalString("given_name"),
                        prefix: try optionalString("prefix"), specialty: try optionalString("specialty"),
                        relationship: try optionalString("relationship")
                    ).orNil)
            case "option-added":
                return .optionAdded(
                    kind: try value("kind", as: OptionKind.self), label: try string("label"), benefits: try strings("benefits"),
                    harms: try strings("harms"), trialID: try optionalString("trial_id"), origin: try optionalString("origin"))
            case "preference-added":
                return .preferenceAdded(text: try string("text"), importance: try optionalInteger("importance"))
            case "decision-recorded":
                let outcome: DecisionOutcome
                switch try string("outcome") {
                case "agreed": outcome = .agreed(option: try integer("option"))
                case "deferred": outcome = .deferred(nextContact: try date("next_contact"))
                case "declined": outcome = .declined
                default: throw Unread()
                }
                return .decisionRecorded(
                    outcome: outcome, takenBy: try strings("taken_by").map(Self.entry), answeredBy: try optionalEntry("answered_by"))
            case "note-added":
                return .noteAdded(text: try string("text"))
            case "session-closed":
                return .sessionClosed
            case "entry-withdrawn":
                return .entryWithdrawn(entry: try Self.entry(try string("entry")))
            case "phase-started":
                return .phaseStarted(try value("phase", as: Phase.self))
            case "decision-aid-given":
                return .decisionAidGiven(name: try string("name"), version: try optionalString("version"))
            case "understanding-checked":
                return .understandingChecked(method: try optionalString("method"))
            case "reflection-offered":
                return .reflectionOffered(until: try optionalDate("until"))
            case "trial-discussed":
                return .trialDiscussed(
                    eligibility: try value("eligibility", as: TrialEligibility.self), offered: try bool("offered"),
                    answer: try optionalValue("answer", as: TrialAnswer.self))
            case "instrument-recorded":
                let answers = try strings("answers").map { token in
                    guard let answer = InstrumentAnswer(token: token) else { throw Unread() }
                    return answer
                }
                return .instrumentRecorded(
                    instrument: try value("instrument", as: InstrumentID.self), version: try string("version"),
                    respondent: try value("respondent", as: Respondent.self), answers: answers,
                    score: try instrumentScore("score"), answeredBy: try optionalEntry("answered_by"))
            case "session-started":
                return .sessionStarted(try start())
            case "research-objection-recorded":
                return .researchObjection(objects: true)
            case "research-objection-withdrawn":
                return .researchObjection(objects: false)
            case "document-issued":
                return .documentIssued(try documentIssue())
            default:
                throw Unread()
            }
        }

        /// A ``DocumentIssue`` as its synthesized `Decodable` reads it (absent or `null`
        /// optional members are `nil`).
        private mutating func documentIssue() throws -> DocumentIssue {
            guard let documentTime = UTCInstant.parse(try string("document_time")) else { throw Unread() }
            let centreSequence = try optionalInteger("centre_sequence").map(Int64.init)
            return DocumentIssue(
                profile: try string("profile"), version: try integer("version"), idRoot: try string("id_root"),
                documentID: try string("document_id"), replaces: try optionalString("replaces"), documentTime: documentTime,
                sha256: try string("sha256"), recordSequence: try integer("record_sequence"), centreSequence: centreSequence,
                idBranch: try optionalString("id_branch"))
        }

        private mutating func start() throws -> SessionStart {
            guard let patient = member("patient"), case .nested = patient.value, bytes[patient.range.lowerBound] == UInt8(ascii: "{") else {
                throw Unread()
            }
            var reader = EventPayload.Reader(UnsafeBufferPointer(rebasing: bytes[patient.range]))
            var p = Fields(
                members: try reader.object(depth: 1), bytes: UnsafeBufferPointer(rebasing: bytes[patient.range]), decoder: decoder)
            let identity = INSIdentity(
                ins: try p.optionalString("ins"), insOID: try p.optionalString("ins_oid"),
                birthFamilyName: try p.string("birth_family_name"),
                birthGivenNames: try p.string("birth_given_names"), firstBirthGivenName: try p.string("first_birth_given_name"),
                birthDate: try p.date("birth_date"), sex: try p.value("sex", as: Sex.self), birthplaceCode: try p.string("birthplace_code"),
                usedFamilyName: try p.optionalString("used_family_name"), usedGivenName: try p.optionalString("used_given_name"))
            guard p.allRead else { throw Unread() }
            var start = SessionStart(
                patient: identity, identityStatus: try optionalValue("identity_status", as: IdentityStatus.self),
                ipp: try optionalNested("ipp", as: InstanceIdentifier.self), patientPresent: try bool("patient_present"),
                clinicianID: try string("clinician_id"), clinicianName: try string("clinician_name"),
                clinicianFunction: try optionalString("clinician_function"), organisationFINESS: try optionalString("organisation_finess"),
                topic: try string("topic"), condition: try optionalNested("condition", as: Condition.self),
                rcp: try optionalNested("rcp", as: RCPReference.self), template: try optionalString("template"))
            start.requiredElements = try optionalStrings("required_elements")?.map { name in
                guard let element = RecordElement(rawValue: name) else { throw Unread() }
                return element
            }
            start.surveillanceNotReasonable = try optionalString("surveillance_not_reasonable")
            start.organisationName = try optionalString("organisation_name")
            start.facility = try optionalNested("facility", as: CodedValue.self)
            start.clinicianFamilyName = try optionalString("clinician_family_name")
            start.clinicianGivenName = try optionalString("clinician_given_name")
            start.clinicianPrefix = try optionalString("clinician_prefix")
            start.clinicianSpecialty = try optionalString("clinician_specialty")
            return start
        }
    }
}
