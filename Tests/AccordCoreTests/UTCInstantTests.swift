import AccordCore
import Foundation
import Testing

@Suite struct UTCInstantTests {
    /// The formatting by integer arithmetic agrees with Foundation's Gregorian calendar.
    @Test func formattingAgreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var state: UInt64 = 42
        var instants: [Double] = [0, 59, 86_399, 86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399 /* 2100-02-28T23:59:59 */]
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(Double(state >> 11).truncatingRemainder(dividingBy: 4_102_444_800).rounded(.down))  // 1970–2100
        }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(UTCInstant.format(date) == expected)
            #expect(UTCInstant.hl7(date) == expected.filter(\.isNumber) + "+0000")
            #expect(UTCInstant.parse(expected) == date)
            #expect(CalendarDate(utcDayOf: date).description == String(expected.prefix(10)))
        }
        #expect(UTCInstant.format(Date(timeIntervalSince1970: 1_772_443_800.9)) == "2026-03-02T09:30:00Z")  // whole seconds
    }

    /// The digits written in place are Foundation's ISO 8601 text, and the instants outside
    /// 1970–9999 are left to Foundation (HL7 writes a year past 9999 whole).
    @Test func formattingAgreesWithFoundationsStyle() {
        let style = Date.ISO8601FormatStyle()
        var state: UInt64 = 7
        var instants: [Double] = [0, 0.999, -0.5, -1, -2_208_988_800, 253_402_300_799.75, 253_402_300_800, 253_402_387_199]
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(Double(state >> 11).truncatingRemainder(dividingBy: 253_402_300_800) + Double(state & 0xff) / 256)
        }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCInstant.format(date) == style.format(Date(timeIntervalSince1970: seconds.rounded(.down))))
        }
        #expect(UTCInstant.format(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
        #expect(UTCInstant.hl7(Date(timeIntervalSince1970: 253_402_300_799)) == "99991231235959+0000")
        #expect(UTCInstant.hl7(Date(timeIntervalSince1970: 253_402_300_800)) == "100000101000000+0000")
        #expect(UTCInstant.hl7(Date(timeIntervalSince1970: -1)) == "19691231235959+0000")
    }

    /// From 1970 on an instant is computed from its fields; it is the instant Foundation's
    /// parse gives (and the format back checks), and refused where Foundation's is: every month
    /// from 0 to 13, every day from 0 to 32, each hour, minute and second at its edges, over
    /// leap and common years of three centuries.
    @Test func parsingByArithmeticAgreesWithFoundation() {
        var compared = 0
        for year in [1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    for (hour, minute, second) in [(0, 0, 0), (23, 59, 59), (24, 0, 0), (12, 60, 0), (12, 0, 60), (9, 30, 7)] {
                        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute, second)
                        #expect(UTCInstant.parse(text) == UTCInstant.foundationParse(Array(text.utf8)), "\(text)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 8 * 14 * 33 * 6)
        #expect(UTCInstant.parse("2024-02-29T23:59:59Z") == Date(timeIntervalSince1970: 1_709_251_199))
        #expect(UTCInstant.parse("9999-12-31T23:59:59Z") == Date(timeIntervalSince1970: 253_402_300_799))
    }

    /// A date is read by the month's length from 1583 on: the dates Foundation's Gregorian
    /// calendar takes (and written back as `%04d-%02d-%02d` and `%04d%02d%02d` wrote them),
    /// every day 0–32 of every month of 1583–2500 and of a few later years; before 1583 the
    /// calendar itself decides (Julian: 1500-02-29 is a date).
    @Test func calendarDatesAgreeWithFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for year in Array(1583...2500) + [4000, 9999] {
            for month in 1...12 {
                for day in 0...32 {
                    let text = String(format: "%04d-%02d-%02d", year, month, day)
                    var components = DateComponents(year: year, month: month, day: day)
                    components.timeZone = TimeZone(identifier: "UTC")
                    let valid = day >= 1 && components.isValidDate(in: calendar)
                    let date = CalendarDate(text)
                    #expect((date != nil) == valid, "\(text)")
                    if let date {
                        #expect(date.description == text)
                        #expect(date.hl7 == String(format: "%04d%02d%02d", year, month, day))
                    }
                }
            }
        }
        #expect(CalendarDate("1500-02-29") != nil)
        #expect(CalendarDate("0001-01-01")?.description == "0001-01-01")
        #expect(CalendarDate("2026-02-29") == nil)
    }

    @Test func daysInMonth() {
        #expect(CalendarDate.daysIn(month: 2, year: 2024) == 29)
        #expect(CalendarDate.daysIn(month: 2, year: 2026) == 28)
        #expect(CalendarDate.daysIn(month: 2, year: 2000) == 29)
        #expect(CalendarDate.daysIn(month: 2, year: 2100) == 28)
        #expect((1...12).map { CalendarDate.daysIn(month: $0, year: 2026) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    }
}

@Suite struct UTCInstantParsingTests {
    @Test(arguments: [
        ("2026-03-02T09:30:00Z", "2026-03-02T09:30:00Z"), ("2026-03-02t09:30:00z", "2026-03-02T09:30:00Z"),
        ("2026-03-02T09:30:00+00:00", "2026-03-02T09:30:00Z"), ("2026-03-02T09:30:00-00:00", "2026-03-02T09:30:00Z"),
        ("2026-03-02T09:30:00.999Z", "2026-03-02T09:30:00Z"), ("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"),
        ("1950-01-01T00:00:00Z", "1950-01-01T00:00:00Z"),
    ])
    func anInstantIsReadToTheSecond(_ text: String, _ formatted: String) throws {
        #expect(UTCInstant.format(try #require(UTCInstant.parse(text))) == formatted)
    }

    @Test(arguments: [
        "", "2026-03-02", "2026-03-02T09:30:00", "2026-03-02 09:30:00Z", "2026-03-02T09:30:00+01:00", "2026-03-02T09:30:00.Z",
        "2026-03-02T09:30Z", "2026-02-30T09:30:00Z", "2026-02-29T09:30:00Z", "2026-13-01T09:30:00Z", "2026-03-02T24:00:00Z",
        "2026-03-02T09:60:00Z", "2026-03-02T23:59:60Z", "2026-03-02T09:30:00ZZ", "+2026-03-02T09:30:00Z", "2026-03-02T09:30:0٠Z",
    ])
    func aTextThatIsNoUTCInstantIsRefused(_ text: String) {
        #expect(UTCInstant.parse(text) == nil)
    }
}
