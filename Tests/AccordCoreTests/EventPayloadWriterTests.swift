import AccordTestSupport
import Foundation
import Testing

@testable import AccordCore

/// The one-pass writer of version 2 payloads writes the bytes `JSONEncoder` writes (they are
/// the chain's input), or leaves the change to it.
@Suite struct EventPayloadWriterTests {
    /// The kinds left to `JSONEncoder` whole.
    static let kindsLeftToJSONEncoder: Set<String> = [
        "session-started", "centre-settings-changed", "instrument-recorded", "identity-corrected", "identity-status-changed",
    ]

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
        #expect(written >= 50)
        // Every kind of change is either written or left, by name.
        let kinds = Set((EventPayloadTests.everyChange + Self.changes("")).map(\.kind))
        #expect(kinds.subtracting(Self.kindsLeftToJSONEncoder).count == 15, "\(kinds.sorted())")
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
