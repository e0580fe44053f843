import Foundation

/// A calendar date without time or zone (birth date, next contact), as `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Year, 1–9999.
    public let year: Int
    /// Month, 1–12.
    public let month: Int
    /// Day of month, 1–31 (checked against the month).
    public let day: Int

    /// Parses `YYYY-MM-DD`; `nil` when malformed or not a real date (2026-02-30).
    public init?(_ text: String) {
        // `YYYY-MM-DD` in ASCII digits is ten bytes, read as bytes (the text was split and each
        // part read as characters).
        let utf8 = text.utf8
        guard utf8.count == 10 else { return nil }
        var (y, m, d) = (0, 0, 0)
        for (index, byte) in utf8.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch index {
            case 0..<4: y = y * 10 + digit
            case 5..<7: m = m * 10 + digit
            default: d = d * 10 + digit
            }
        }
        guard y >= 1, (1...12).contains(m), (1...31).contains(d) else { return nil }
        if y >= 1583 {
            // The Gregorian calendar's own months (Foundation's calendar agrees from 1583 on).
            guard d <= Self.daysIn(month: m, year: y) else { return nil }
        } else {
            // Before, Foundation's Gregorian calendar is Julian (1500-02-29 is a date).
            var components = DateComponents(year: y, month: m, day: d)
            components.timeZone = TimeZone(identifier: "UTC")
            guard components.isValidDate(in: UTCInstant.utcCalendar) else { return nil }
        }
        (year, month, day) = (y, m, d)
    }

    /// The UTC calendar date of `instant`.
    public init(utcDayOf instant: Date) {
        let c = UTCInstant.fields(instant)
        (year, month, day) = (c.year, c.month, c.day)
    }

    /// The number of days of `month` (1–12) in `year` (Gregorian: February has 29 days in years
    /// divisible by 4, except centuries not divisible by 400).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String { Self.digits(year, 4) + "-" + Self.digits(month, 2) + "-" + Self.digits(day, 2) }

    /// HL7 TS form, `YYYYMMDD`.
    public var hl7: String { Self.digits(year, 4) + Self.digits(month, 2) + Self.digits(day, 2) }

    /// `value` (0 or more) in decimal, zeros before it up to `width` digits (as `%0*d`).
    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.utf8.count >= width ? text : String(repeating: "0", count: width - text.utf8.count) + text
    }

    /// The day's first instant in UTC (`YYYY-MM-DDT00:00:00Z`).
    public var startInstant: Date {
        // Days from 1970-01-01 by the civil-from-days inverse (proleptic Gregorian calendar).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Date(timeIntervalSince1970: TimeInterval((era * 146_097 + dayOfEra - 719_468) * 86_400))
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
