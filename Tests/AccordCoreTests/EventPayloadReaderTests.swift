import AccordTestSupport
import Foundation
import Testing

@testable import AccordCore

/// The one-pass reader of version 2 payloads answers what `JSONDecoder` answers, or leaves
/// the payload to it.
@Suite struct EventPayloadReaderTests {
    /// Every kind of change (``EventPayloadTests/everyChange``) and texts with every escape
    /// the encoder writes (quote, backslash, line breaks, a control character, accents, an
    /// emoji, a slash).
    static let payloads: [String] = {
        let texts = ["Dit « ça \"suffit\" »\\ puis\nligne\r\tfin", "\u{1}\u{1F}\u{7F}é😀/</script>", ""]
        let changes =
            EventPayloadTests.everyChange + texts.map { Change.noteAdded(text: $0) }
            + texts.map { Change.preferenceAdded(text: $0, importance: 3) }
            + [
                .optionAdded(kind: .treatment, label: texts[0], benefits: texts, harms: [texts[1]], trialID: nil, origin: nil),
                .decisionRecorded(outcome: .agreed(option: 9_223_372_036_854_775_807), takenBy: [EntryID("P10")]),
                .preferenceAdded(text: "x", importance: -9_223_372_036_854_775_807 - 1),
            ]
        return changes.map { try! EventPayload.encode($0) }
    }()

    /// The kinds the reader leaves to `JSONDecoder` whole.
    static let kindsLeftToJSONDecoder: Set<String> = [
        "document-issued", "centre-settings-changed", "identity-corrected", "identity-status-changed",
    ]

    @Test func everyPayloadWrittenIsReadAsJSONDecoderReadsIt() throws {
        var read = 0
        for payload in Self.payloads {
            let expected = try EventPayload.decodeWithJSONDecoder(payload)
            let fast = EventPayload.Reader.change(payload, decoder: AccordJSON.decoder())
            if Self.kindsLeftToJSONDecoder.contains(expected.kind) {
                #expect(fast == nil, "\(expected.kind)")
            } else {
                #expect(fast == expected, "\(payload)")
                read += 1
            }
            #expect(try EventPayload.decode(payload) == expected)
        }
        #expect(read >= 30)
    }

    /// Texts the reader leaves to `JSONDecoder`, which then decides (reads, or refuses).
    @Test(arguments: [
        #"{"text":"a","type":"note-added","v":2,"text":"b"}"#,  // a key twice
        #"{"text":"a","type":"note-added","v":2,"extra":1}"#,  // a key no field reads
        #"{"te\u0078t":"a","type":"note-added","v":2}"#,  // an escaped key
        #"{"importance":5.0,"text":"a","type":"preference-added","v":2}"#,
        #"{"importance":5e0,"text":"a","type":"preference-added","v":2}"#,
        #"{"importance":-0,"text":"a","type":"preference-added","v":2}"#,
        #"{"importance":05,"text":"a","type":"preference-added","v":2}"#,
        #"{"importance":99999999999999999999,"text":"a","type":"preference-added","v":2}"#,
        #"{"text":"\ud83d\ude00","type":"note-added","v":2}"#,  // a surrogate pair
        #"{"text":"a","type":"note-added","v":2} x"#,
        #"{"text":"a","type":"note-added","v":3}"#,
        #"{"noteAdded":{"text":"a"}}"#,  // the legacy shape
        #"{"entry":"m2","type":"entry-withdrawn","v":2}"#,  // an id not in capitals, kept as written
        #"{"text":null,"type":"note-added","v":2}"#,
        #"{"offered":1,"eligibility":"eligible","type":"trial-discussed","v":2}"#,
        #"{"phase":"Team","type":"phase-started","v":2}"#,
        "{\"text\":\"a\tb\",\"type\":\"note-added\",\"v\":2}",  // a raw tab
    ])
    func aPayloadTheReaderIsUnsureOfIsLeftToJSONDecoder(_ payload: String) {
        #expect(EventPayload.Reader.change(payload, decoder: AccordJSON.decoder()) == nil)
        let expected = Result { try EventPayload.decodeWithJSONDecoder(payload) }
        let answered = Result { try EventPayload.decode(payload) }
        switch (expected, answered) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure, .failure): break
        default: Issue.record("decode and JSONDecoder disagree on \(payload)")
        }
    }

    /// Random changes to every payload (bytes taken out, doubled, replaced by JSON's own
    /// characters, spaces put in): whatever the reader reads, `JSONDecoder` reads the same.
    @Test func aChangedPayloadIsReadAsJSONDecoderReadsItOrLeftToIt() throws {
        let decoder = AccordJSON.decoder()
        var state: UInt64 = 19
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array(#" {}[]:,"\-0123456789.eEtrufalsn/ubx"#.utf8) + [0x0A, 0x09, 0x00, 0xC3, 0xA9]
        var readByBoth = 0
        var spaced = 0
        for payload in Self.payloads {
            for round in 0..<400 {
                var bytes = Array(payload.utf8)
                for _ in 0...(round % 3) {
                    let at = next(bytes.count + 1)
                    switch next(4) {
                    case 0 where at < bytes.count: bytes.remove(at: at)
                    case 1 where at < bytes.count: bytes.insert(bytes[at], at: at)
                    case 2 where at < bytes.count: bytes[at] = alphabet[next(alphabet.count)]
                    default: bytes.insert([0x20, 0x0A, 0x0D, 0x09][next(4)], at: at)
                    }
                }
                guard let text = String(validating: bytes, as: UTF8.self) else { continue }
                guard let fast = EventPayload.Reader.change(text, decoder: decoder) else { continue }
                let expected = try #require(try? EventPayload.decodeWithJSONDecoder(text), "read by the reader only: \(text)")
                #expect(fast == expected, "\(text)")
                readByBoth += 1
                if bytes.count > payload.utf8.count, text.filter({ !$0.isWhitespace }) == payload.filter({ !$0.isWhitespace }) {
                    spaced += 1
                }
            }
        }
        #expect(readByBoth > 1_000)
        #expect(spaced > 100)
    }
}
