import AccordCore
import Crypto
import Testing

@testable import AccordStore

/// The chain value of an event, pinned to figures computed outside Accord (Python's `hmac`
/// over the canonical text written by hand), so that a faster way of computing it cannot
/// change the links of the databases already recorded.
@Suite struct ChainLinkTests {
    let key = ChainKey(key: SymmetricKey(data: (1...32).map { UInt8($0) }))
    let previous = String(repeating: "ab", count: 32)

    func content(reason: String?) -> EventContent {
        EventContent(
            sequence: 42, sessionNumber: 7, sessionSequence: 3, recordedAt: "2026-03-02T09:30:00Z", author: "dr-é",
            kind: "option-added", payload: #"{"label":"Chirurgie d'Aïcha"}"#, reason: reason)
    }

    @Test func theCanonicalTextCountsBytesNotCharacters() {
        #expect(
            content(reason: nil).canonical(previous: previous)
                == #"accord-event-1;2:42;1:7;1:3;20:2026-03-02T09:30:00Z;5:dr-é;12:option-added;30:{"label":"Chirurgie d'Aïcha"};-;64:"#
                + previous + ";")
    }

    @Test(arguments: [
        (nil, "9137087451ef7532064b92a3731d5753019dd0a737aa5cb45812ea20b922f4ab"),
        ("ajouté après la consultation", "842602a795234baaca2a574865ce9e80d05321debdbed076e484ec06c53347d4"),
    ])
    func theLinkIsTheHMACOfTheCanonicalText(reason: String?, expected: String) {
        #expect(key.link(content(reason: reason), previous: previous) == expected)
        #expect(key.linkHolds(content(reason: reason), previous: previous, chain: expected))
    }

    @Test func anEventOutsideSessionsWithoutPreviousLink() {
        let settings = EventContent(
            sequence: 1, sessionNumber: nil, sessionSequence: nil, recordedAt: "2026-03-02T09:30:00Z", author: "system",
            kind: "centre-set", payload: "{}", reason: nil)
        #expect(settings.canonical(previous: "") == "accord-event-1;1:1;-;-;20:2026-03-02T09:30:00Z;6:system;10:centre-set;2:{};-;0:;")
        #expect(key.link(settings, previous: "") == "3059b294e227aa29ca8edbc6f2df9304756a71d187823b30ae0849a4af93a369")
    }

    /// The canonical text as the chain's definition reads: `LENGTH:VALUE;` for each field, the
    /// length in UTF-8 bytes, `-;` for a missing one. Written here with `String`, the way
    /// Accord first wrote it, as the reference for the byte writer recording uses.
    static func reference(_ content: EventContent, previous: String) -> String {
        func field(_ value: String?) -> String { value.map { "\($0.utf8.count):\($0);" } ?? "-;" }
        return "accord-event-1;" + field(String(content.sequence)) + field(content.sessionNumber.map { String($0) })
            + field(content.sessionSequence.map { String($0) }) + field(content.recordedAt) + field(content.author)
            + field(content.kind) + field(content.payload) + field(content.reason) + field(previous)
    }

    @Test func anEmptyReasonIsAnEmptyFieldNotAMissingOne() {
        #expect(
            content(reason: "").canonical(previous: "")
                == #"accord-event-1;2:42;1:7;1:3;20:2026-03-02T09:30:00Z;5:dr-é;12:option-added;30:{"label":"Chirurgie d'Aïcha"};0:;0:;"#)
    }

    @Test func theCanonicalBytesAreTheReferenceTextForRandomContents() {
        var random = SystemRandomNumberGenerator()
        // Precomposed and decomposed accents are equal as `String`s: the bytes are compared.
        let pieces = [
            "", "a", "\u{E9}", "e\u{301}", "\u{1F469}\u{200D}\u{1F52C}", ";", ":", "-", "0", "{\"k\":\"v\"}", " ", "\n", "Aïcha", "2A004",
            "\u{10FFFF}",
        ]
        func text() -> String { (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() }
        let numbers: [Int64] = [0, 1, 9, 10, 99, 100, -1, -10, Int64.max, Int64.min, 123_456_789]
        for _ in 0..<5_000 {
            let content = EventContent(
                sequence: Bool.random(using: &random)
                    ? numbers.randomElement(using: &random)! : Int64.random(in: 1...999_999, using: &random),
                sessionNumber: Bool.random(using: &random) ? nil : numbers.randomElement(using: &random)!,
                sessionSequence: Bool.random(using: &random) ? nil : Int.random(in: -5...100_000, using: &random),
                recordedAt: text(), author: text(), kind: text(),
                payload: text() + String(repeating: "x", count: Int.random(in: 0...300, using: &random)),
                reason: Bool.random(using: &random) ? nil : text())
            let previous = Bool.random(using: &random) ? "" : text()
            let bytes = content.withCanonical(previous: previous) { Array($0) }
            #expect(bytes == Array(Self.reference(content, previous: previous).utf8), "\(content)")
        }
    }

    @Test func aLinkDifferingInOneCharacterOrInCaseDoesNotHold() {
        let expected = "9137087451ef7532064b92a3731d5753019dd0a737aa5cb45812ea20b922f4ab"
        for wrong in [
            "9137087451ef7532064b92a3731d5753019dd0a737aa5cb45812ea20b922f4ac", expected.uppercased(), String(expected.dropLast()),
            expected + "0", "",
        ] {
            #expect(!key.linkHolds(content(reason: nil), previous: previous, chain: wrong))
        }
    }

    @Test func hexOfRawBytesAndOfSequences() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xa0, 0xff, 0x10]
        #expect(bytes.withUnsafeBytes { Hex.lowercase($0) } == "000fa0ff10")
        #expect(Hex.lowercase(bytes) == "000fa0ff10")
        #expect(Hex.lowercase(bytes.lazy.map { $0 }) == "000fa0ff10")
        #expect(Hex.lowercase([UInt8]()) == "")
        #expect(
            SHA256.hash(data: Array("abc".utf8)).withUnsafeBytes { Hex.lowercase($0) }
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
