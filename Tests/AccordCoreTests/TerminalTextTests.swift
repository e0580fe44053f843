import AccordCore
import AccordTestSupport
import Testing

@Suite struct TerminalTextTests {
    /// Each kind of character shown as a code, in the three uses: a multi-line text (`session
    /// show`), one line (a file name in a message), and a cell of `audit sql`.
    @Test func eachControlIsShownAsItsCode() {
        let text =
            "a\u{0}b\u{1B}[2J\tc\nd\r\u{7F}\u{85}\u{9F}\u{A0}é\u{61C}\u{200E}\u{200F}\u{202A}\u{202E}\u{2066}\u{2069}\u{2028}\u{2029}\u{202F}\u{206A}"
        #expect(
            TerminalText.visible(text)
                == "a\\u{0}b\\u{1b}[2J\tc\nd\\u{d}\\u{7f}\\u{85}\\u{9f}\u{A0}é\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{202e}\\u{2066}\\u{2069}\u{2028}\u{2029}\u{202F}\u{206A}"
        )
        #expect(
            TerminalText.visible(text, keeping: [])
                == "a\\u{0}b\\u{1b}[2J\\u{9}c\\u{a}d\\u{d}\\u{7f}\\u{85}\\u{9f}\u{A0}é\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{202e}\\u{2066}\\u{2069}\\u{2028}\\u{2029}\u{202F}\u{206A}"
        )
        #expect(
            TerminalText.visible(text, keeping: [.tab, .lineSeparators])
                == "a\\u{0}b\\u{1b}[2J\tc\\u{a}d\\u{d}\\u{7f}\\u{85}\\u{9f}\u{A0}é\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{202e}\\u{2066}\\u{2069}\u{2028}\u{2029}\u{202F}\u{206A}"
        )
        // A code at either end, and codes side by side.
        #expect(TerminalText.visible("\u{7}\u{7}x\u{1B}") == "\\u{7}\\u{7}x\\u{1b}")
        #expect(TerminalText.visible("\u{1B}") == "\\u{1b}")
    }

    /// A text with nothing to show as a code comes back as it is, scalar for scalar: combining
    /// marks, emoji sequences and a combining mark after a code are not normalised or joined.
    @Test func textWithoutControlsIsUnchanged() {
        for text in ["", "Décision partagée — « surveillance »", "e\u{301}", "👩🏽‍⚕️ 🇫🇷", "a\nb\tc", "\u{2028}"] {
            #expect(Array(TerminalText.visible(text).unicodeScalars) == Array(text.unicodeScalars))
        }
        #expect(Array(TerminalText.visible("\u{7}\u{301}e").unicodeScalars) == Array("\\u{7}\u{301}e".unicodeScalars))
        #expect(Array(TerminalText.visible("\r\n", keeping: .lines).unicodeScalars) == Array("\\u{d}\n".unicodeScalars))
    }

    /// Against the rule written scalar by scalar (the form it had before it copied runs), on
    /// every text of up to three characters drawn from those that matter (27,931 texts): the
    /// same scalars in every mode.
    @Test func agreesWithTheRuleScalarByScalar() {
        func reference(_ text: String, _ kept: TerminalText.Kept) -> [Unicode.Scalar] {
            var out: [Unicode.Scalar] = []
            for scalar in text.unicodeScalars {
                let v = scalar.value
                let shown =
                    (v < 0x20 && !((v == 0x0A && kept.contains(.lineFeed)) || (v == 0x09 && kept.contains(.tab))))
                    || (0x7F...0x9F).contains(v) || v == 0x61C || v == 0x200E || v == 0x200F
                    || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                    || (!kept.contains(.lineSeparators) && (v == 0x2028 || v == 0x2029))
                if shown {
                    out += "\\u{\(String(v, radix: 16))}".unicodeScalars
                } else {
                    out.append(scalar)
                }
            }
            return out
        }
        let pool: [UInt32] = [
            0x0, 0x9, 0xA, 0xD, 0x1B, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xE9, 0x301, 0x61C, 0x200D, 0x200E,
            0x200F, 0x2028, 0x2029, 0x202A, 0x202E, 0x202F, 0x2066, 0x2069, 0xFE0F, 0x1F1EB, 0x1F3FD, 0x1F469,
        ]
        let texts = ShortTexts.all(of: pool, upTo: 3)
        #expect(texts.count == 27_931)
        for text in texts {
            for kept: TerminalText.Kept in [.lines, [], [.tab, .lineSeparators], [.lineFeed]] {
                #expect(
                    Array(TerminalText.visible(text, keeping: kept).unicodeScalars) == reference(text, kept),
                    "\(Array(text.unicodeScalars))")
            }
        }
    }
}
