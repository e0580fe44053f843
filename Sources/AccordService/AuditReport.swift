import Foundation

/// The participation audit as one self-contained HTML page (`accord audit report`).
///
/// No external resources: the CSS is inline and the charts are inline SVG, so the page opens
/// offline, can be mailed, and prints on A4. It holds the participation table and one bar
/// chart per month for the patient-present, preferences-recorded and deferred percentages.
/// Like every audit output it holds no name, INS, birth date or free text.
public enum AuditReport {
    /// The page.
    ///
    /// - Parameters:
    ///   - table: the participation rows to show as a table (grouped as the user asked).
    ///   - months: the same period grouped by month, for the charts.
    ///   - generatedAt: when the report was made (UTC instant).
    /// - Returns: the HTML document, UTF-8.
    public static func html(table: ParticipationReport, months: ParticipationReport, generatedAt: Date) -> String {
        let period: String
        switch (table.from, table.to) {
        case (nil, nil): period = "every closing day"
        case (let from?, nil): period = "closing days from \(from)"
        case (nil, let to?): period = "closing days up to \(to)"
        case (let from?, let to?): period = "closing days \(from) to \(to)"
        }
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Accord participation audit, \(escape(period))</title>
            <style>
            body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1a1a1a; margin: 2em; max-width: 1400px; }
            h1 { font-size: 1.5em; margin-bottom: 0.2em; }
            h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
            p.meta { color: #444; margin: 0.2em 0; }
            p.warning { background: #fde8e8; border: 1px solid #c0392b; padding: 0.5em; font-weight: bold; }
            table { border-collapse: collapse; font-size: 0.72em; margin-top: 0.6em; width: 100%; table-layout: auto; }
            th, td { border: 1px solid #bbb; padding: 0.2em 0.3em; text-align: right; }
            th { background: #eef2f6; vertical-align: bottom; font-weight: 600; }
            td:first-child, th:first-child { text-align: left; }
            td:first-child { white-space: nowrap; }
            tr.suppressed td { color: #777; font-style: italic; }
            .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
            figure { margin: 0; }
            figcaption { font-size: 0.9em; font-weight: bold; margin-bottom: 0.3em; }
            dl { font-size: 0.85em; } dt { font-weight: bold; margin-top: 0.4em; } dd { margin-left: 1.5em; }
            @page { size: A4 landscape; margin: 1cm; }
            @media print { body { margin: 0; max-width: none; } table { font-size: 7pt; } h2 { page-break-after: avoid; } table, figure { page-break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>Participation audit</h1>
            <p class="meta">Closed sessions, \(escape(period)); grouped by \(table.grouping.rawValue).</p>
            <p class="meta">Generated \(UTCInstant.format(generatedAt)) by Accord. Patients are pseudonymised; no names, INS, birth dates or free text.</p>

            """
        if !table.suppression {
            html += "<p class=\"warning\">\(escape(ParticipationReport.noSuppressionStatement))</p>\n"
        } else {
            html +=
                "<p class=\"meta\">Groups of fewer than \(ParticipationRow.minimumSessions) sessions are suppressed (shown as &lt;5, no figures).</p>\n"
        }
        html += "<h2>Participation by \(table.grouping.rawValue)</h2>\n"
        html += participationTable(table)
        html += "<h2>By month of closing</h2>\n<div class=\"charts\">\n"
        html += chart("Patient present (%)", months) { $0.patientPresentPercent }
        html += chart("Preferences recorded (%)", months) { $0.preferencesRecordedPercent }
        html += chart("Decision deferred (%)", months) { $0.deferredPercent }
        html += "</div>\n"
        html += definitions
        html += "</body>\n</html>\n"
        return html
    }

    static let headers = [
        "Group", "Sessions", "Patient present %", "Relative present %", "Preferences recorded %", "Surveillance / no treatment discussed %",
        "Trial offered %", "Preferred role A/B/C/D/E", "Role concordance %", "CollaboRATE top score %", "CollaboRATE mean (0–9)",
        "SDM-Q-9 mean (0–100)", "OPTION-5 mean (0–100)", "SURE positive %", "Deferred %", "Median days RCP → decision",
        "Completeness mean %",
    ]

    static func participationTable(_ report: ParticipationReport) -> String {
        var html = "<table>\n<thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        if report.rows.isEmpty {
            html += "<tr><td colspan=\"\(headers.count)\">No closed session in this period.</td></tr>\n"
        }
        for (row, cells) in zip(report.rows, report.cells) {
            var shown = Array(cells.prefix(17))
            if let counts = row.preferredRoleCounts {
                shown[7] = ParticipationRow.roleLetters.map { String(counts[$0] ?? 0) }.joined(separator: "/")
            }
            shown = shown.map { $0.isEmpty ? "–" : $0 }
            html += "<tr\(row.suppressed ? " class=\"suppressed\"" : "")>" + shown.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// A bar chart of one percentage per month (0–100 scale); suppressed or missing months show a label, no bar.
    static func chart(_ title: String, _ report: ParticipationReport, _ value: (ParticipationRow) -> Double?) -> String {
        let barWidth = 36.0
        let gap = 14.0
        let height = 180.0
        let top = 20.0
        let left = 34.0
        let width = left + Double(max(report.rows.count, 1)) * (barWidth + gap) + gap
        var svg = """
            <figure><figcaption>\(escape(title))</figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height + top + 40))" role="img" aria-label="\(escape(title))" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">

            """
        for tick in [0, 50, 100] {
            let y = top + height * (1 - Double(tick) / 100)
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width)\" y2=\"\(y)\" stroke=\"#ccc\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(y + 4)\" text-anchor=\"end\" fill=\"#555\">\(tick)</text>\n"
        }
        for (index, row) in report.rows.enumerated() {
            let x = left + gap + Double(index) * (barWidth + gap)
            let centre = x + barWidth / 2
            if let percent = value(row) {
                let barHeight = height * percent / 100
                svg += "<rect x=\"\(x)\" y=\"\(top + height - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"#2f6f9f\"/>"
                svg +=
                    "<text x=\"\(centre)\" y=\"\(top + height - barHeight - 4)\" text-anchor=\"middle\">\(AuditText.number(percent))</text>\n"
            } else {
                let label = row.suppressed ? "&lt;5" : "n/a"
                svg += "<text x=\"\(centre)\" y=\"\(top + height - 4)\" text-anchor=\"middle\" fill=\"#777\">\(label)</text>\n"
            }
            svg += "<text x=\"\(centre)\" y=\"\(top + height + 16)\" text-anchor=\"middle\">\(escape(row.group))</text>\n"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(top + height)\" x2=\"\(width)\" y2=\"\(top + height)\" stroke=\"#333\"/>\n</svg></figure>\n"
        return svg
    }

    static let definitions = """
        <h2>Definitions</h2>
        <dl>
        <dt>Sessions</dt><dd>Closed sessions whose closing day (UTC) is in the period.</dd>
        <dt>Patient / relative present, preferences recorded, trial offered, deferred</dt><dd>Share of the group's sessions: the patient attended; a relative, trusted person or carer took part; at least one preference (what matters) recorded; a clinical-trial option or a trial offer recorded; the current decision is a deferral.</dd>
        <dt>Surveillance / no treatment discussed</dt><dd>Among sessions where it applies (the template does not say it is unreasonable): an active-surveillance or no-treatment option was discussed.</dd>
        <dt>Role concordance</dt><dd>Among sessions with both Control Preferences Scale roles: preferred and experienced roles in the same group (A–B active, C collaborative, D–E passive).</dd>
        <dt>CollaboRATE</dt><dd>Last complete 10-point response per session; top score % and mean of encounter means, given only with 25 or more complete encounters.</dd>
        <dt>SDM-Q-9, OPTION-5, SURE</dt><dd>Last scored response per session: mean score (0–100); SURE positive screen (3 or fewer) among sessions with a SURE.</dd>
        <dt>Median days RCP → decision</dt><dd>Among sessions started from an RCP report with a meeting date and holding a decision: days from the meeting to the UTC day the decision was recorded.</dd>
        <dt>Completeness</dt><dd>Mean of the sessions' completeness (share of the template's required elements present).</dd>
        </dl>

        """

    /// Escapes `& < > " '` for HTML text and attributes, and drops control characters.
    public static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
