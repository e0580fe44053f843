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
            ] + issues.map(Change.documentIssued)
        return changes.map { try! EventPayload.encode($0) }
    }()

    /// Issued documents with and without each optional member (a replaced version, the
    /// example centre settings, a document issued before the id branches), an escaped profile
    /// and the largest sequences.
    static let issues: [DocumentIssue] = [
        DocumentIssue(
            profile: "cda-fr", version: 1, idRoot: "2.999.1", documentID: "2.999.1.1.12.1", replaces: nil,
            documentTime: Date(timeIntervalSince1970: 1_772_443_800), sha256: String(repeating: "ab", count: 32),
            recordSequence: 12, centreSequence: nil, idBranch: "1"),
        DocumentIssue(
            profile: "fhir-r4", version: 3, idRoot: "1.2.250.1.999", documentID: "1.2.250.1.999.3.7.3",
            replaces: "1.2.250.1.999.3.7.2", documentTime: Date(timeIntervalSince1970: 0), sha256: String(repeating: "0", count: 64),
            recordSequence: 9_223_372_036_854_775_807, centreSequence: 9_223_372_036_854_775_807, idBranch: "3"),
        DocumentIssue(
            profile: "cda-fr+pseudonymised@k\"é", version: 2, idRoot: "2.999", documentID: "2.999.1.4.2", replaces: "2.999.1.4.1",
            documentTime: Date(timeIntervalSince1970: 4_102_444_799), sha256: "f", recordSequence: 0, centreSequence: 41),
    ]

    /// The kinds the reader leaves to `JSONDecoder` whole.
    static let kindsLeftToJSONDecoder: Set<String> = [
        "centre-settings-changed", "identity-corrected", "identity-status-changed",
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
        // Issued documents: a time the decoder's strategy refuses, a fraction, a version as
        // text, a key no field reads, a sequence past Int64.
        #"{"document_id":"1","document_time":"2026-03-02 09:30","id_root":"1","profile":"p","record_sequence":1,"sha256":"a","type":"document-issued","v":2,"version":1}"#,
        #"{"document_id":"1","document_time":"2026-03-02T09:30:00Z","id_root":"1","profile":"p","record_sequence":1.5,"sha256":"a","type":"document-issued","v":2,"version":1}"#,
        #"{"document_id":"1","document_time":"2026-03-02T09:30:00Z","id_root":"1","profile":"p","record_sequence":1,"sha256":"a","type":"document-issued","v":2,"version":"1"}"#,
        #"{"document_id":"1","document_time":"2026-03-02T09:30:00Z","id_root":"1","profile":"p","record_sequence":1,"sha256":"a","signed":true,"type":"document-issued","v":2,"version":1}"#,
        #"{"centre_sequence":9223372036854775808,"document_id":"1","document_time":"2026-03-02T09:30:00Z","id_root":"1","profile":"p","record_sequence":1,"sha256":"a","type":"document-issued","v":2,"version":1}"#,
    ])
    func aPayloadTheReaderIsUnsureOfIsLeftToJSONDecoder(_ payload: String) {
        #expect(EventPayload.Reader.change(payload, decoder: AccordJSON.decoder()) == nil)
        Self.expectDecodeAgreesWithJSONDecoder(payload)
    }

    /// Issued documents written by hand, optional members absent or `null`, escapes in their
    /// texts: read by the reader, as `JSONDecoder` reads them.
    @Test(arguments: [
        #"{"document_id":"1","document_time":"2026-03-02T09:30:00Z","id_root":"1","profile":"p","record_sequence":1,"sha256":"a","type":"document-issued","v":2,"version":1}"#,
        #"{"centre_sequence":null,"document_id":"1","document_time":"2026-03-02T09:30:00Z","id_branch":null,"id_root":"1","profile":"p","record_sequence":1,"replaces":null,"sha256":"a","type":"document-issued","v":2,"version":1}"#,
        #"{ "v" : 2 , "type" : "document-issued" , "profile" : "p\u00e9\/x" , "version" : 7 , "id_root" : "1" , "document_id" : "1.7" , "document_time" : "1970-01-01T00:00:00Z" , "sha256" : "" , "record_sequence" : -3 , "centre_sequence" : 0 }"#,
    ])
    func issuedDocumentsAreReadAsJSONDecoderReadsThem(_ payload: String) throws {
        let fast = try #require(EventPayload.Reader.change(payload, decoder: AccordJSON.decoder()))
        #expect(fast == (try EventPayload.decodeWithJSONDecoder(payload)))
    }

    /// Instrument scores as `JSONEncoder` writes them (totals and subscores of 0–100 with
    /// fractions of every length, integers, none; flags in any order) are read by the reader,
    /// as `JSONDecoder` reads them.
    @Test func instrumentScoresAreReadAsJSONDecoderReadsThem() throws {
        var state: UInt64 = 23
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func value() -> Double {
            switch next(5) {
            case 0: Double(next(101))
            case 1: Double(next(1_000_001)) / 10_000
            case 2: 100 * Double(next(9) + 1) / Double(next(9) + 1) / 10
            case 3: Double(bitPattern: UInt64(next(1 << 30)) << 22 | 0x4000_0000_0000_0000).truncatingRemainder(dividingBy: 100)
            default: 64.44444444444444
            }
        }
        var read = 0
        for _ in 0..<3_000 {
            var subscores: [String: Double] = [:]
            for name in ["informed", "values", "support", "uncertainty", "effective"].prefix(next(6)) { subscores[name] = value() }
            var score = InstrumentScore(
                instrument: "dcs-16", version: "2010", score: next(4) == 0 ? nil : value(), subscores: subscores,
                complete: next(2) == 0, confirmed: next(2) == 0)
            var shuffle = Self.Shuffle(next)
            score.flags = ["top-score", "active", "decisional-conflict"].shuffled(using: &shuffle)
            let change = Change.instrumentRecorded(
                instrument: .dcs16, version: "2010", respondent: .patient, answers: [.value(next(5))], score: score)
            let payload = try EventPayload.encode(change)
            let fast = try #require(EventPayload.Reader.change(payload, decoder: AccordJSON.decoder()), "\(payload)")
            #expect(fast == (try EventPayload.decodeWithJSONDecoder(payload)), "\(payload)")
            read += 1
        }
        #expect(read == 3_000)
    }

    /// Random draws for `shuffled(using:)` from the tests' own generator.
    struct Shuffle: RandomNumberGenerator {
        let draw: (Int) -> Int
        init(_ draw: @escaping (Int) -> Int) { self.draw = draw }
        mutating func next() -> UInt64 { UInt64(draw(1 << 30)) << 34 | UInt64(draw(1 << 30)) << 4 }
    }

    /// Score objects the reader leaves to `JSONDecoder`, which then decides.
    @Test(arguments: [
        #""score":1e2"#, #""score":-5"#, #""score":05"#, #""score":1."#, #""score":"5""#, #""extra":1,"score":5"#,
        #""score":5,"score":6"#, #""subscores":{"a":1,"a":2},"score":5"#, #""subscores":{"a":true},"score":5"#,
        #""flags":[1],"score":5"#, #""complete":null,"score":5"#,
    ])
    func aScoreTheReaderIsUnsureOfIsLeftToJSONDecoder(_ member: String) {
        let base = #"{"complete":true,"confirmed":true,"flags":[],"instrument":"sure","subscores":{},"version":"2010","score":4}"#
        var object = base
        for key in ["\"score\":4", "\"complete\":true", "\"flags\":[]", "\"subscores\":{}"] where member.contains(key.prefix(8)) {
            object = object.replacingOccurrences(of: "," + key, with: "").replacingOccurrences(of: key + ",", with: "")
        }
        object = object.replacingOccurrences(
            of: "{", with: "{" + member + ",", options: [], range: object.startIndex..<object.index(after: object.startIndex))
        let payload =
            #"{"answers":["yes"],"instrument":"sure","respondent":"patient","score":"# + object
            + #","type":"instrument-recorded","v":2,"version":"2010"}"#
        #expect(EventPayload.Reader.change(payload, decoder: AccordJSON.decoder()) == nil, "\(payload)")
        Self.expectDecodeAgreesWithJSONDecoder(payload)
    }

    /// `EventPayload.decode` reads `payload` as `JSONDecoder` does, or refuses it as it does.
    static func expectDecodeAgreesWithJSONDecoder(_ payload: String) {
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
