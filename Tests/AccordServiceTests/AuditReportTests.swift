import AccordCore
import AccordService
import Foundation
import Testing

/// The HTML participation report (`accord audit report`), rendered from its Mustache template.
@Suite struct AuditReportTests {
    static let generatedAt = UTCInstant.parse("2026-03-02T09:30:00Z")!

    /// January: 6 sessions, 3 with the patient present, all with preferences, 2 preferring role
    /// C, completeness 50 % each; February: 2 sessions (suppressed).
    static func months(suppression: Bool = true, group: String = "2026-01") -> ParticipationReport {
        var january = AuditGroupTotals(group: group)
        january.sessions = 6
        january.patientPresent = 3
        january.preferencesRecorded = 6
        january.preferredRoles = ["C": 2]
        january.completenessSum = 300
        var february = AuditGroupTotals(group: "2026-02")
        february.sessions = 2
        february.patientPresent = 2
        return ParticipationReport(
            rows: [ParticipationRow(january, suppression: suppression), ParticipationRow(february, suppression: suppression)],
            suppression: suppression, grouping: .month, from: CalendarDate("2026-01-01"), to: CalendarDate("2026-02-28"))
    }

    static func html(_ report: ParticipationReport) -> String {
        AuditReport.html(table: report, months: report, generatedAt: generatedAt)
    }

    @Test func tableShowsEachGroupsCellsAndSuppressedGroupsWithoutFigures() {
        let html = Self.html(Self.months())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"))
        #expect(html.contains("<title>Accord participation audit, closing days 2026-01-01 to 2026-02-28</title>"))
        #expect(html.contains("<p class=\"meta\">Closed sessions, closing days 2026-01-01 to 2026-02-28; grouped by month.</p>"))
        #expect(html.contains("<p class=\"meta\">Generated 2026-03-02T09:30:00Z by Accord."))
        #expect(
            html.contains(
                "<thead><tr><th>Group</th><th>Sessions</th><th>Patient present %</th><th>Relative present %</th><th>Preferences recorded %</th>"
            ))
        #expect(
            html.contains(
                "<tr><td>2026-01</td><td>6</td><td>50</td><td>0</td><td>100</td><td>–</td><td>0</td><td>0/0/2/0/0</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>0</td><td>–</td><td>50</td></tr>\n"
            ))
        #expect(
            html.contains(
                "<tr class=\"suppressed\"><td>2026-02</td><td>&lt;5</td>" + String(repeating: "<td>–</td>", count: 15) + "</tr>\n"))
        #expect(html.hasSuffix("</dl>\n</body>\n</html>\n"))
        #expect(!html.contains("{{") && !html.contains("}}"))
    }

    @Test func suppressionNoticeOrWarning() {
        let suppressed = Self.html(Self.months())
        #expect(
            suppressed.contains(
                "<p class=\"meta\">Groups of fewer than 5 sessions are suppressed (shown as &lt;5, no figures).</p>\n<h2>Participation by month</h2>\n"
            ))
        #expect(!suppressed.contains("class=\"warning\""))
        let open = Self.html(Self.months(suppression: false))
        #expect(
            open.contains(
                "<p class=\"warning\">suppression is off (--no-suppression): groups of fewer than 5 sessions are shown; do not share this output.</p>\n<h2>"
            ))
        #expect(!open.contains("are suppressed (shown as"))
        #expect(open.contains("<tr><td>2026-02</td><td>2</td><td>100</td>"))
    }

    @Test func chartsHaveOneBarPerMonthWithAFigure() {
        let html = Self.html(Self.months())
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(html.components(separatedBy: "<rect ").count - 1 == 3)  // January in each chart; February suppressed
        // Patient present: 50 % of 180 units.
        #expect(
            html.contains(
                "<figure><figcaption>Patient present (%)</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"148\" height=\"240\" role=\"img\" aria-label=\"Patient present (%)\""
            ))
        #expect(
            html.contains(
                "<rect x=\"48.0\" y=\"110.0\" width=\"36.0\" height=\"90.0\" fill=\"#2f6f9f\"/><text x=\"66.0\" y=\"106.0\" text-anchor=\"middle\">50</text>\n<text x=\"66.0\" y=\"216.0\" text-anchor=\"middle\">2026-01</text>\n"
            ))
        #expect(
            html.contains(
                "<text x=\"116.0\" y=\"196.0\" text-anchor=\"middle\" fill=\"#777\">&lt;5</text>\n<text x=\"116.0\" y=\"216.0\" text-anchor=\"middle\">2026-02</text>\n"
            ))
        #expect(
            html.contains(
                "<line x1=\"34.0\" y1=\"110.0\" x2=\"148.0\" y2=\"110.0\" stroke=\"#ccc\"/><text x=\"30.0\" y=\"114.0\" text-anchor=\"end\" fill=\"#555\">50</text>\n"
            ))
        // No month: the empty table's line, charts without bars.
        let empty = ParticipationReport(rows: [], suppression: true, grouping: .clinician, from: nil, to: nil)
        let none = Self.html(empty)
        #expect(none.contains("<tbody>\n<tr><td colspan=\"17\">No closed session in this period.</td></tr>\n</tbody>"))
        #expect(none.contains("<title>Accord participation audit, every closing day</title>"))
        #expect(!none.contains("<rect "))
    }

    @Test func hostileGroupNamesAreEscapedAndControlCharactersDropped() {
        let hostile = "<script>alert(\"x\")</script>&'\u{7}"
        let html = Self.html(Self.months(group: hostile))
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        #expect(html.contains("<tr><td>\(escaped)</td><td>6</td>"))
        #expect(html.contains("text-anchor=\"middle\">\(escaped)</text>\n"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("\u{7}"))
    }
}
