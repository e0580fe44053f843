import AccordTestSupport
import Foundation
import Testing

@testable import AccordCore

/// The one-pass writer of version 2 payloads writes the bytes `JSONEncoder` writes (they are
/// the chain's input), or leaves the change to it.
@Suite struct EventPayloadWriterTests {
    /// The kinds left to `JSONEncoder` whole.
    static let kindsLeftToJSONEncoder: Set<String> = ["centre-settings-changed", "identity-corrected", "identity-status-changed"]

    /// Every ASCII character, then letters and marks outside ASCII, U+2028 and U+2029, a
    /// byte-order mark, an emoji.
    static let everyCharacter: String = {
        var text = ""
        for byte in UInt8(0)..<0x80 { text.unicodeScalars.append(Unicode.Scalar(byte)) }
        return text + "é « » \u{85}\u{2028}\u{2029}\u{FEFF}😀 ΑΒΓ 手術"
    }()

    /// Each kind the writer knows, with every optional value given and left out.
    static func changes(_ text: String) -> [Change] {
        let details = PersonDetails(familyName: text, givenName: "Zoé", prefix: "Dr", specialty: "SM26", relationship: "MERE")
        return [
            .participantAdded(role: .relative, name: text, id: nil, function: nil),
            .participantAdded(role: .professional, name: "x", id: text, function: text, details: details),
            .participantAdded(role: .patient, name: text, id: nil, function: nil, details: PersonDetails(givenName: text)),
            .optionAdded(kind: .treatment, label: text, benefits: [], harms: [], trialID: nil, origin: nil),
            .optionAdded(kind: .clinicalTrial, label: "/", benefits: [text, ""], harms: [text], trialID: text, origin: text),
            .preferenceAdded(text: text, importance: nil),
            .preferenceAdded(text: text, importance: Int.min),
            .preferenceAdded(text: "", importance: Int.max),
            .decisionRecorded(outcome: .agreed(option: 3), takenBy: [EntryID("P1"), EntryID("P12")]),
            .decisionRecorded(outcome: .deferred(nextContact: CalendarDate("2026-04-01")!), takenBy: [], answeredBy: EntryID("P2")),
            .decisionRecorded(outcome: .declined, takenBy: [EntryID("P1")]),
            .noteAdded(text: text),
            .sessionClosed,
            .entryWithdrawn(entry: EntryID("O2")),
            .phaseStarted(.option),
            .decisionAidGiven(name: text, version: nil),
            .decisionAidGiven(name: text, version: text),
            .understandingChecked(method: nil),
            .understandingChecked(method: text),
            .reflectionOffered(until: nil),
            .reflectionOffered(until: CalendarDate("2026-03-09")!),
            .trialDiscussed(eligibility: .eligible, offered: true, answer: nil),
            .trialDiscussed(eligibility: .notEligible, offered: false, answer: .declined),
            .researchObjection(objects: true),
            .researchObjection(objects: false),
            .sessionStarted(start(text, everyValue: false)),
            .sessionStarted(start(text, everyValue: true)),
            .instrumentRecorded(
                instrument: .collaborate, version: text, respondent: .patient, answers: [], score: score(text, nil), answeredBy: nil),
            .instrumentRecorded(
                instrument: .dcs16, version: "2", respondent: .observer, answers: [.value(-3), .missing, .yes, .no, .letter("E")],
                score: score(text, 37.5, subscores: ["values": 0, "informed": 100, "uncertainty": 8.333333333333334]),
                answeredBy: EntryID("P3")),
            .documentIssued(
                DocumentIssue(
                    profile: "cda-fr", version: 1, idRoot: "1.2.250.1.999.1", documentID: text, replaces: nil,
                    documentTime: Date(timeIntervalSince1970: 1_772_443_800), sha256: String(repeating: "ab", count: 32),
                    recordSequence: 12, centreSequence: nil)),
            .documentIssued(
                DocumentIssue(
                    profile: text, version: Int.max, idRoot: text, documentID: "a/b", replaces: text,
                    documentTime: Date(timeIntervalSince1970: -86_400), sha256: text, recordSequence: 0,
                    centreSequence: Int64.min, idBranch: text)),
        ]
    }

    /// A session's start whose every text is `text`, with each optional value left out or
    /// given (`everyValue`).
    static func start(_ text: String, everyValue: Bool) -> SessionStart {
        let patient = INSIdentity(
            ins: everyValue ? text : nil, insOID: everyValue ? text : nil, birthFamilyName: text, birthGivenNames: text,
            firstBirthGivenName: text, birthDate: CalendarDate("1958-05-17")!, sex: .female, birthplaceCode: text,
            usedFamilyName: everyValue ? text : nil, usedGivenName: everyValue ? text : nil)
        var start = SessionStart(patient: patient, patientPresent: !everyValue, clinicianID: text, clinicianName: text, topic: text)
        guard everyValue else { return start }
        start.identityStatus = .qualified
        start.ipp = InstanceIdentifier(root: text, extension_: text)
        start.clinicianFunction = text
        start.clinicianDetails = PersonDetails(familyName: text, givenName: text, prefix: text, specialty: text)
        start.organisationFINESS = text
        start.organisationName = text
        start.facility = CodedValue(code: text, displayName: text, codeSystem: text)
        start.condition = Condition(
            text: text, code: text, codeSystem: text, origin: text, morphology: CodedValue(code: text, displayName: text, codeSystem: text))
        start.rcp = RCPReference(
            documentID: InstanceIdentifier(root: text), setID: InstanceIdentifier(root: text, extension_: text),
            meetingDate: CalendarDate("2026-02-20"), trialProposed: false, flags: RCPReportFlag.allCases)
        start.template = text
        start.requiredElements = RecordElement.allCases
        start.surveillanceNotReasonable = text
        return start
    }

    /// An instrument's score named `text`, with `total` (none: `nil`).
    static func score(_ text: String, _ total: Double?, subscores: [String: Double] = [:]) -> InstrumentScore {
        InstrumentScore(
            instrument: text, version: text, score: total, subscores: subscores, flags: total == nil ? [] : [text, "active"],
            complete: total != nil, confirmed: total == nil)
    }

    /// Scores are written as `JSONEncoder` writes a `Double` (whole numbers without `.0`, the
    /// shortest digits that read back, exponents as Swift writes them); a score that is not
    /// finite is left to `JSONEncoder`, which refuses it.
    @Test func scoresAreWrittenInTheBytesOfJSONEncoder() throws {
        let totals: [Double] = [
            0, -0.0, 1, 4, 9, 100, 64.44444444444444, 88.9, 1.0 / 3, 2.0 / 3 * 100, 55.55555555555556, 0.1, 1e-7, 1.5e-300,
            123_456_789_012_345_680, 1e16, 1e22, -2.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .ulpOfOne,
        ]
        for total in totals {
            let change = Change.instrumentRecorded(
                instrument: .sdmQ9, version: "2010", respondent: .patient, answers: [.value(1)],
                score: Self.score("sdm-q-9", total, subscores: ["a": total, "b": -total]))
            #expect(EventPayload.Writer.payload(change) == (try EventPayload.encodeWithJSONEncoder(change)), "\(total)")
        }
        for total in [Double.nan, .infinity, -.infinity] {
            let change = Change.instrumentRecorded(
                instrument: .sdmQ9, version: "2010", respondent: .patient, answers: [], score: Self.score("x", total))
            #expect(EventPayload.Writer.payload(change) == nil)
            #expect(throws: EncodingError.self) { try EventPayload.encode(change) }
        }
    }

    @Test func everyKindIsWrittenInTheBytesOfJSONEncoder() throws {
        var written = 0
        for change in EventPayloadTests.everyChange + Self.changes(Self.everyCharacter) + Self.changes("") {
            let expected = try EventPayload.encodeWithJSONEncoder(change)
            if let fast = EventPayload.Writer.payload(change) {
                #expect(fast == expected, "\(change.kind)")
                written += 1
            } else {
                #expect(Self.kindsLeftToJSONEncoder.contains(change.kind), "\(change.kind) left to JSONEncoder")
            }
            #expect(try EventPayload.encode(change) == expected)
        }
        #expect(written >= 60)
        // Every kind of change is either written or left, by name.
        let kinds = Set((EventPayloadTests.everyChange + Self.changes("")).map(\.kind))
        #expect(kinds.subtracting(Self.kindsLeftToJSONEncoder).count == 17, "\(kinds.sorted())")
    }

    /// Integers are written digit by digit: every count of digits, either side of each power
    /// of ten, both signs and both ends of `Int`, as `JSONEncoder` writes them.
    @Test func integersAreWrittenInTheBytesOfJSONEncoder() throws {
        var values = [0, 1, -1, Int.min, Int.max, Int.min + 1]
        var power = 1
        for _ in 1...18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        }
        for value in values {
            let change = Change.preferenceAdded(text: "x", importance: value)
            let payload = try #require(EventPayload.Writer.payload(change))
            #expect(payload == (try EventPayload.encodeWithJSONEncoder(change)))
            #expect(payload.contains("\"importance\":\(value),"), "\(payload)")
        }
    }

    @Test func randomTextsAreWrittenInTheBytesOfJSONEncoder() throws {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let scalars = Array(Self.everyCharacter.unicodeScalars)
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<next(12) { text.unicodeScalars.append(scalars[next(scalars.count)]) }
            for change in Self.changes(text) {
                #expect(EventPayload.Writer.payload(change) == (try EventPayload.encodeWithJSONEncoder(change)), "\(change.kind)")
            }
        }
    }
}
