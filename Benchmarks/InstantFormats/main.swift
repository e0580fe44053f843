import AccordCore
import Foundation

// Times the formatting and parsing of the instants the record stores
// (`2026-03-02T09:30:00Z`), one million of each, fastest of 3 runs: the hand-written code
// Accord used before (`HandWritten`, kept here as it was), Foundation's
// `Date.ISO8601FormatStyle` alone, and `UTCInstant` as it is now (Foundation's style with
// Accord's shape checks). Release build: `swift run -c release instant-benchmark [COUNT]`.

let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
let start = Date(timeIntervalSince1970: 1_772_443_800)  // 2026-03-02T09:30:00Z
let instants = (0..<count).map { start.addingTimeInterval(Double($0 * 37)) }
let style = Date.ISO8601FormatStyle()

/// The instant formatting and parsing of Accord before Foundation's (integer arithmetic and
/// string appends; a regular expression and `Calendar.date(from:)`).
enum HandWritten {
    static func format(_ date: Date) -> String {
        let c = fields(date)
        var text = ""
        text.reserveCapacity(24)
        let separators = ["-", "-", "T", ":", ":", "Z"]
        for (index, (value, width)) in [(c.year, 4), (c.month, 2), (c.day, 2), (c.hour, 2), (c.minute, 2), (c.second, 2)].enumerated() {
            let digits = String(value)
            if digits.count < width { text.append(String(repeating: "0", count: width - digits.count)) }
            text.append(digits)
            text.append(separators[index])
        }
        return text
    }

    static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, inDay) = total.quotientAndRemainder(dividingBy: 86_400)
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, inDay / 3600, inDay % 3600 / 60, inDay % 60)
    }

    static func parse(_ text: String) -> Date? {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|\+00:00|-00:00)$"#
        guard let match = text.range(of: pattern, options: .regularExpression), match == text.startIndex..<text.endIndex
        else { return nil }
        let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(6).compactMap { Int($0) }
        guard digits.count == 6 else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (digits[0], digits[1], digits[2])
        (components.hour, components.minute, components.second) = (digits[3], digits[4], digits[5])
        guard components.isValidDate(in: calendar), digits[3] < 24, digits[4] < 60, digits[5] < 60,
            let date = calendar.date(from: components)
        else { return nil }
        return date
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// Runs `body` 3 times and prints the fastest, in nanoseconds per instant.
func time(_ label: String, _ body: () -> Int) {
    var best = Double.infinity
    var check = 0
    for _ in 0..<3 {
        let elapsed = ContinuousClock().measure { check &+= body() }
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    print("\(label)\t\(String(format: "%.0f", best / Double(count) * 1e9)) ns\t(check \(check % 10))")
}

// The same text and the same instants from all three.
let texts = instants.map(HandWritten.format)
for (instant, text) in zip(instants.prefix(10_000), texts) {
    precondition(style.format(instant) == text && UTCInstant.format(instant) == text)
    precondition(try! style.parse(text) == instant && UTCInstant.parse(text) == instant && HandWritten.parse(text) == instant)
}

print("\(count) instants, fastest of 3 runs, per instant:")
time("format, hand-written") { instants.reduce(0) { $0 &+ HandWritten.format($1).utf8.count } }
time("format, Date.ISO8601FormatStyle") { instants.reduce(0) { $0 &+ style.format($1).utf8.count } }
time("format, UTCInstant.format") { instants.reduce(0) { $0 &+ UTCInstant.format($1).utf8.count } }
time("parse, hand-written") { texts.reduce(0) { $0 &+ Int(HandWritten.parse($1)!.timeIntervalSince1970) } }
time("parse, Date.ISO8601FormatStyle") { texts.reduce(0) { $0 &+ Int(try! style.parse($1).timeIntervalSince1970) } }
time("parse, UTCInstant.parse") { texts.reduce(0) { $0 &+ Int(UTCInstant.parse($1)!.timeIntervalSince1970) } }
