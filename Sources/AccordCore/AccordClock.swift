import Foundation

/// The one clock every recorded instant comes from.
///
/// In production it reads the system time. Tests and reproducible exports fix it with the
/// environment variable `ACCORD_NOW`, an RFC 3339 UTC instant such as `2026-03-02T09:30:00Z`.
/// Timeouts (the database busy timeout) do not go through this clock.
public struct AccordClock: Sendable {
    private let fixed: Date?

    /// The system clock.
    public static let system = AccordClock(fixed: nil)

    /// A clock that always answers `instant`.
    public static func fixed(at instant: Date) -> AccordClock { AccordClock(fixed: instant) }

    private init(fixed: Date?) { self.fixed = fixed }

    /// How far ahead of the system clock a fixed instant may lie: 5 minutes (seconds).
    public static let futureTolerance: TimeInterval = 300

    /// Reads `ACCORD_NOW` from the process environment; the system clock when it is unset or
    /// empty. See ``fromEnvironment(_:systemNow:)``.
    /// - Throws: `AccordError` (`invalidInput`), as ``fromEnvironment(_:systemNow:)``.
    public static func fromEnvironment(systemNow: Date = Date()) throws -> AccordClock {
        try fromValue(ProcessEnvironment.value("ACCORD_NOW"), systemNow: systemNow)
    }

    /// Reads `ACCORD_NOW` from `environment`; the system clock when it is unset or empty.
    ///
    /// A fixed instant may lie in the past, never in the future: one more than
    /// ``futureTolerance`` (5 minutes) ahead of the system clock is refused, so that a wrong
    /// `ACCORD_NOW` cannot date events after every later real change (which would then be
    /// refused as going back in time).
    ///
    /// - Parameters:
    ///   - environment: the process environment, where `ACCORD_NOW` is read.
    ///   - systemNow: the system clock's reading (a parameter for tests).
    /// - Throws: `AccordError` (`invalidInput`) when `ACCORD_NOW` is not an RFC 3339 UTC
    ///   instant, or lies more than 5 minutes ahead of the system clock.
    public static func fromEnvironment(
        _ environment: [String: String], systemNow: Date = Date()
    ) throws -> AccordClock {
        try fromValue(environment["ACCORD_NOW"], systemNow: systemNow)
    }

    /// The clock `ACCORD_NOW` set to `text` gives (the system clock when `nil` or empty).
    private static func fromValue(_ text: String?, systemNow: Date) throws -> AccordClock {
        guard let text, !text.isEmpty else { return .system }
        guard let instant = UTCInstant.parse(text) else {
            throw AccordError.invalid(
                "ACCORD_NOW", "is not an RFC 3339 UTC instant",
                accepted: "a UTC instant such as 2026-03-02T09:30:00Z")
        }
        if instant.timeIntervalSince(systemNow) > futureTolerance {
            throw AccordError.invalid(
                "ACCORD_NOW", "lies more than 5 minutes ahead of the system clock (\(UTCInstant.format(systemNow)))",
                accepted:
                    "an instant at most 5 minutes ahead of the system clock (a fixed instant may lie in the past, never in the future)")
        }
        return .fixed(at: instant)
    }

    /// The current instant, truncated to whole seconds (the precision of the record).
    public func now() -> Date {
        let instant = fixed ?? Date()
        return Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down))
    }
}

/// Formatting and parsing of UTC instants as the record stores them (`2026-03-02T09:30:00Z`).
///
/// Formatting from 1970 to 9999 computes the fields by integer arithmetic and writes their
/// digits straight into the string's storage; Foundation's `Date.ISO8601FormatStyle` (435 ns
/// an instant, measured faster than integer arithmetic with string appends, 756 ns) formats
/// the other instants. Writing the digits in place also spares a short command setting up
/// Foundation's style, about 0.4 ms of a cold `session show`. Parsing checks the
/// text's shape, then, from 1970 on, computes the instant from its digits (days from the
/// civil date, checked against the month's length): 327 ns an instant, against 1,214 ns for
/// Foundation's style alone and 1,734 ns for the shape checks with Foundation's parse and the
/// format back that it used before (each event's instant is parsed when its session is read:
/// about 1.5 % of a batch export's CPU). Before 1970 it still parses with Foundation.
public enum UTCInstant {
    /// Foundation's ISO 8601 style: UTC, whole seconds, `Z` (`2026-03-02T09:30:00Z`).
    private static let style = Date.ISO8601FormatStyle()

    /// Formats `date` as an RFC 3339 UTC instant with whole seconds (rounded down), e.g.
    /// `2026-03-02T09:30:00Z`.
    public static func format(_ date: Date) -> String {
        guard date.timeIntervalSince1970 >= 0, date.timeIntervalSince1970 < fastPathEnd else {
            return style.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
        }
        return digits(fields(date), separated: true, zone: "Z")
    }

    /// Formats `date` as an HL7 TS in UTC, e.g. `20260302093000+0000`.
    public static func hl7(_ date: Date) -> String {
        digits(fields(date), separated: false, zone: "+0000")
    }

    /// The first instant (the year 10000) that ``format(_:)`` leaves to Foundation, as it does
    /// every instant before 1970.
    private static let fastPathEnd: Double = 253_402_300_800

    /// Year (4 digits), month, day, hour, minute and second (2 digits each), then `zone`:
    /// `YYYY-MM-DDTHH:MM:SS` when `separated`, else `YYYYMMDDHHMMSS`. Written straight into the
    /// string's storage (this runs for every recorded event and several times per exported
    /// document); a year outside 0…9999 is written whole, with as many digits as it has.
    private static func digits(
        _ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int), separated: Bool, zone: StaticString
    ) -> String {
        guard (0...9999).contains(c.year) else {
            let rest = digits((0, c.month, c.day, c.hour, c.minute, c.second), separated: separated, zone: zone)
            return String(c.year) + rest.dropFirst(4)
        }
        let length = (separated ? 19 : 14) + zone.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: length) { text in
            var at = 0
            func put(_ bytes: StaticString) {
                bytes.withUTF8Buffer { bytes in
                    for byte in bytes {
                        text[at] = byte
                        at += 1
                    }
                }
            }
            func two(_ value: Int, then separator: StaticString) {
                text[at] = UInt8(truncatingIfNeeded: 48 + value / 10)
                text[at + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
                at += 2
                if separated { put(separator) }
            }
            two(c.year / 100, then: "")
            two(c.year % 100, then: "-")
            two(c.month, then: "-")
            two(c.day, then: "T")
            two(c.hour, then: ":")
            two(c.minute, then: ":")
            two(c.second, then: "")
            put(zone)
            return at
        }
    }

    /// The UTC calendar fields of `date`, whole seconds (rounded down).
    ///
    /// From 1970 on, integer arithmetic (Howard Hinnant's `civil_from_days`, proleptic
    /// Gregorian); before, Foundation's Gregorian calendar. Both agree on every instant after
    /// 1582-10-15; the fast path only exists because this runs once per recorded event.
    static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds >= 0, seconds < 253_402_300_800 else {
            let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            return (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        }
        let total = Int(seconds)
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

    /// Parses an RFC 3339 instant in UTC (`Z` or `+00:00`, `T` and `Z` in either case), with
    /// optional fractional seconds, which are dropped (instants are kept to the second).
    /// - Returns: the instant, or `nil` when `text` is not such an instant, or names no real
    ///   one (`2026-02-30T…`, `24:00:00`, a leap second).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        for (index, byte) in bytes[0..<19].enumerated() {
            let expected: UInt8? =
                switch index {
                case 4, 7: UInt8(ascii: "-")
                case 13, 16: UInt8(ascii: ":")
                case 10: byte == UInt8(ascii: "t") ? byte : UInt8(ascii: "T")
                default: nil
                }
            if let expected { guard byte == expected else { return nil } } else if !(48...57).contains(byte) { return nil }
        }
        var zone = bytes[19...]
        if zone.first == UInt8(ascii: ".") {
            let fraction = zone.dropFirst().prefix { (48...57).contains($0) }
            guard !fraction.isEmpty else { return nil }
            zone = zone.dropFirst(1 + fraction.count)
        }
        guard ["Z", "z", "+00:00", "-00:00"].contains(where: { zone.elementsEqual($0.utf8) }) else { return nil }
        func number(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) } }
        let year = number(0..<4)
        guard year >= 1970 else { return foundationParse(bytes) }
        return instant(
            year: year, month: number(5..<7), day: number(8..<10), hour: number(11..<13), minute: number(14..<16), second: number(17..<19))
    }

    /// The instant of these UTC fields from 1970 on (Howard Hinnant's `days_from_civil`,
    /// proleptic Gregorian, the inverse of ``fields(_:)``), or `nil` when they name no real
    /// instant: a day the month does not have, an hour past 23, a minute or second past 59.
    static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), day >= 1, hour <= 23, minute <= 59, second <= 59 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31)
        guard day <= monthDays else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// The instant of a text whose shape was checked (`YYYY-MM-DDTHH:MM:SS…`), parsed by
    /// Foundation: the canonical text, rejected when it formats back differently (Foundation
    /// rolls 2026-02-30 over into March). Kept for years before 1970, where Foundation's
    /// Gregorian calendar turns Julian before 1582.
    package static func foundationParse(_ bytes: [UInt8]) -> Date? {
        let canonical = String(decoding: bytes[0..<10], as: UTF8.self) + "T" + String(decoding: bytes[11..<19], as: UTF8.self) + "Z"
        guard let date = try? style.parse(canonical), style.format(date) == canonical else { return nil }
        return date
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
