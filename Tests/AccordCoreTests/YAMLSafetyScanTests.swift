import Foundation
import Testing

@testable import AccordCore

/// The quick checks made before the scans of a consultation file give what the scans give:
/// the anchor and alias check's filter (``ConsultationFile/mayHoldAnchorOrAlias(_:)``) before
/// libyaml's scanner, the search for line breaks only YAML sees by their bytes, and a trial
/// registry id read as bytes.
@Suite struct YAMLSafetyScanTests {
    /// SplitMix64: the same texts at every run, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// `count` texts of 0–`length` pieces drawn from `pieces`.
    static func texts(_ pieces: [String], count: Int, length: Int, seed: UInt64) -> [String] {
        var generator = SplitMix(state: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...length, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
    }

    /// Everything the scan reads (indicators, quotes, comments, block scalars, flow brackets,
    /// tags, every line break it counts) beside words, letters outside ASCII and the bytes
    /// of NEL, LS and PS.
    static let yamlPieces = [
        " ", "  ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "&", "*", "&a", "*a", "!", "!!str ",
        ":", ": ", ",", "-", "- ", "?", "? ", "[", "]", "{", "}", "\"", "'", "\\", "#", " #", "|", ">", "a", "mot", "é", "’", "\u{A0}",
        ".", "...", "---", "--- ", "%YAML 1.1\n", "|2", "\u{FEFF}", "x.",
    ]

    /// The filter never hides an anchor or alias that libyaml's scanner finds: with the filter
    /// or without it, the check gives the same line.
    @Test func theAnchorFilterNeverHidesWhatTheScanFinds() {
        var (found, filtered) = (0, 0)
        for text in Self.texts(Self.yamlPieces, count: 200_000, length: 12, seed: 19) {
            var bytes = text
            let mayHold = bytes.withUTF8(ConsultationFile.mayHoldAnchorOrAlias)
            let scanned = ConsultationFile.scanForAnchorOrAlias(text)
            #expect(ConsultationFile.firstAnchorOrAlias(in: text) == scanned, "\(text.debugDescription)")
            if scanned != nil { found += 1 }
            if !mayHold && text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }) { filtered += 1 }
        }
        // Both sides drawn often: anchors the scan finds, and texts with & or * the filter settles.
        #expect(found > 3_000)
        #expect(filtered > 3_000)
    }

    @Test(arguments: [
        ("notes:\n  - \"Le patient en reparlera avec son médecin traitant & sa famille.\"\n", false),
        ("topic: Risque * 2 & plus\n", false),
        ("a: b &c\n", false),
        ("a:&b\n", true),
        ("a: &b c\n", true),
        ("- *a\n", true),
        ("[x,&a]\n", true),
        ("a: !t x &b\n", true),
        ("é&a\n", true),
        ("&a\n", true),
    ])
    func theAnchorFilterLeavesToTheScanWhatMayBeginANode(_ text: String, _ mayHold: Bool) {
        var bytes = text
        #expect(bytes.withUTF8(ConsultationFile.mayHoldAnchorOrAlias) == mayHold)
    }

    @Test func lineBreaksOnlyYAMLSeesAreFoundByTheirBytes() {
        let pieces = [
            "a", "\n", "é", "\u{85}", "\u{A0}", "\u{AB}", "\u{C2}", "\u{2028}", "\u{2029}", "\u{2019}", "\u{2026}", "\u{20AC}", "\u{2000}",
            "\u{E200}", "😀",
        ]
        var held = 0
        for text in Self.texts(pieces, count: 20_000, length: 8, seed: 2028) {
            var bytes = text
            let expected = text.unicodeScalars.contains { [0x85, 0x2028, 0x2029].contains($0.value) }
            #expect(bytes.withUTF8(ConsultationFile.holdsYAMLOnlyLineBreak) == expected, "\(text.debugDescription)")
            #expect((ConsultationFile.firstYAMLOnlyLineBreak(in: text) != nil) == expected, "\(text.debugDescription)")
            if expected { held += 1 }
        }
        #expect(held > 5_000)
        // Each lead byte at the very end, without the bytes that would follow it.
        for bytes: [UInt8] in [
            [0x61, 0xC2], [0xE2], [0xE2, 0x80], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xE2, 0x80, 0xAA],
        ] {
            let expected =
                bytes.count > 1
                && (bytes.suffix(2) == [0xC2, 0x85] || bytes.suffix(3) == [0xE2, 0x80, 0xA8] || bytes.suffix(3) == [0xE2, 0x80, 0xA9])
            #expect(bytes.withUnsafeBufferPointer(ConsultationFile.holdsYAMLOnlyLineBreak) == expected, "\(bytes)")
        }
    }

    /// The check of a trial registry id before it read bytes, over characters.
    static func trialIDAcceptedByCharacters(_ value: String) -> Bool {
        let ok =
            value.count >= 3 && value.count <= 40 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_/.".contains($0)) }
        let upper = value.uppercased()
        return ok && (!upper.hasPrefix("NCT") || (upper.count == 11 && upper.dropFirst(3).allSatisfy { $0.isNumber }))
    }

    @Test func aTrialIDReadAsBytesIsAcceptedAsWhenReadAsCharacters() {
        let pieces = [
            "N", "n", "C", "c", "T", "t", "NCT", "nct", "0", "1", "9", "01234567", "A", "z", "-", "_", "/", ".", " ", "\r\n", "é", "٣", "Ⅻ",
            "@", "`", "[", "{", "\u{7F}", "\u{0}", "2024-512345-12-00",
        ]
        var accepted = 0
        let texts =
            Self.texts(pieces, count: 30_000, length: 6, seed: 1_234_567) + ["NCT01234567", "nct01234567", "NCT0123456", "NCT012345678"]
        for text in texts {
            let expected = Self.trialIDAcceptedByCharacters(text)
            #expect(((try? FieldRules.trialID(text)) != nil) == expected, "\(text.debugDescription)")
            if expected { accepted += 1 }
        }
        #expect(accepted > 3_000)
        #expect((try? FieldRules.trialID("NCT01234567")) != nil)
        #expect((try? FieldRules.trialID("NCT0123456A")) == nil)
    }
}
