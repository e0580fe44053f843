import AccordTestSupport
import Foundation
import Testing

@testable import AccordService

/// The plain-text table of `accord audit sql` and of the participation and access reports.
@Suite struct AuditTextTests {
    /// Widths are counted in characters and every cell is shown whole. Padding by UTF-16 units
    /// (`padding(toLength:)`, before) cut the widest cell of a column when it held an emoji
    /// (shown as U+FFFD) or a letter with a combining accent (the accent dropped).
    @Test func cellsAreNeverCutAndColumnsAlign() {
        let text = AuditText.table(["a", "topic", "n"], [["👍", "Décision", "1"], ["e\u{301}", "x\t", "22"], ["ab", "", ""]])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
        let expected = [
            "a   topic     n", "--  --------  --", "👍   Décision  1", "e\u{301}   x\t        22", "ab",
        ].map { Array($0.unicodeScalars) }
        #expect(lines == expected)
        // The widest cell of its column, one character and two UTF-16 units.
        let narrow = AuditText.table(["x"], [["👍"], ["e\u{301}"]])
        #expect(Array(narrow.unicodeScalars) == Array("x\n-\n👍\ne\u{301}".unicodeScalars))
    }

    /// A field holding a comma, a quote, a line feed or a carriage return is quoted, its quotes
    /// doubled, whatever follows them: CR LF (one character) and a comma or a quote followed by
    /// a combining mark (one character with it) were left unquoted and split the row or the
    /// columns.
    @Test func csvQuotesEveryFieldThatNeedsIt() {
        let csv = AuditText.csv(
            ["x", "y"], [["a\r\nb", "c"], [",\u{301}", "\"\u{301}"], ["plain", "é"], ["a\"b\"", "\r"]])
        #expect(
            Array(csv.unicodeScalars)
                == Array("x,y\n\"a\r\nb\",c\n\",\u{301}\",\"\"\"\u{301}\"\nplain,é\n\"a\"\"b\"\"\",\"\r\"".unicodeScalars))
    }

    /// The end of each line loses what ICU's `\s+$` matched there, and nothing else: checked
    /// on every text of up to three characters drawn from white space and its neighbours.
    @Test func trailingWhiteSpaceIsWhatTheRegularExpressionRemoved() {
        let pool: [UInt32] = [
            0x09, 0x0A, 0x0C, 0x0D, 0x20, 0x41, 0xA0, 0xE9, 0x301, 0x1680, 0x2000, 0x200B, 0x2028, 0x2029, 0x202F, 0x3000,
            0xFEFF, 0x1F44D,
        ]
        let texts = ShortTexts.all(of: pool, upTo: 3)
        #expect(texts.count == 6_175)
        for text in texts {
            let expected = text.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            #expect(
                Array(AuditText.withoutTrailingWhiteSpace(text).unicodeScalars) == Array(expected.unicodeScalars),
                "\(Array(text.unicodeScalars))")
        }
    }
}
