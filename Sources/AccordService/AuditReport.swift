import AccordCore
import Foundation
import Mustache

/// The participation audit as one self-contained HTML page (`accord audit report`).
///
/// No external resources: the CSS is inline and the charts are inline SVG, so the page opens
/// offline, can be mailed, and prints on A4. It holds the participation table and one bar
/// chart per month for the patient-present, preferences-recorded and deferred percentages.
/// Like every audit output it holds no name, INS, birth date or free text.
///
/// The page is rendered from a Mustache template (`pageTemplate`, in `AuditReport+Template.swift`) with Accord's HTML content
/// type, so every value is escaped by ``escape(_:)``: the template holds no unescaped tag.
public enum AuditReport {
    /// The page.
    ///
    /// - Parameters:
    ///   - table: the participation rows to show as a table (grouped as the user asked).
    ///   - months: the same period grouped by month, for the charts.
    ///   - generatedAt: when the report was made (UTC instant).
    /// - Returns: the HTML document, UTF-8.
    public static func html(table: ParticipationReport, months: ParticipationReport, generatedAt: Date) -> String {
        template.render(page(table: table, months: months, generatedAt: generatedAt))
    }

    // MARK: - The template and its content type

    /// The name the HTML content type is registered under (the registry is process-global).
    static let contentTypeName = "ACCORD_HTML"

    /// The parsed template, after registering the content type it names.
    static let template: MustacheTemplate = {
        MustacheContentTypes.register(HTMLText(), named: contentTypeName)
        do {
            return try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentTypeName)}}" + pageTemplate)
        } catch {
            // The template is a constant of this module, rendered by the tests.
            preconditionFailure("the participation report's template does not parse: \(error)")
        }
    }()

    /// Mustache's escaping for the page: ``AuditReport/escape(_:)``.
    struct HTMLText: MustacheContentType {
        func escapeText(_ text: String) -> String { AuditReport.escape(text) }
    }

    // MARK: - The template's context

    /// What the template shows; every value is text, escaped when rendered.
    struct Page {
        var period: String
        var grouping: String
        var generatedAt: String
        var suppression: Bool
        var minimumSessions: String
        var suppressedLabel: String
        var noSuppressionStatement: String
        var headers: [String]
        var columnCount: String
        var rows: [Row]
        var charts: [Chart]
    }

    /// One row of the table.
    struct Row {
        var suppressed: Bool
        var cells: [String]
    }

    /// One bar chart: its size, its scale's ticks and its bars (SVG user units).
    struct Chart {
        var title: String
        var svgWidth: String
        var svgHeight: String
        var left: String
        var right: String
        var axisY: String
        var ticks: [Tick]
        var bars: [Bar]
    }

    /// A line of the scale (0, 50, 100 %).
    struct Tick {
        var y: String
        var labelX: String
        var labelY: String
        var tick: String
    }

    /// One month: a bar with its value, or (suppressed or no figure) a grey label.
    struct Bar {
        var hasBar: Bool
        var x: String
        var barY: String
        var barWidth: String
        var barHeight: String
        var centre: String
        var valueY: String
        var value: String
        var groupY: String
        var group: String
    }

    static func page(table: ParticipationReport, months: ParticipationReport, generatedAt: Date) -> Page {
        let period: String
        switch (table.from, table.to) {
        case (nil, nil): period = "every closing day"
        case (let from?, nil): period = "closing days from \(from)"
        case (nil, let to?): period = "closing days up to \(to)"
        case (let from?, let to?): period = "closing days \(from) to \(to)"
        }
        return Page(
            period: period, grouping: table.grouping.rawValue, generatedAt: UTCInstant.format(generatedAt),
            suppression: table.suppression, minimumSessions: String(ParticipationRow.minimumSessions),
            suppressedLabel: "<\(ParticipationRow.minimumSessions)", noSuppressionStatement: ParticipationReport.noSuppressionStatement,
            headers: headers, columnCount: String(headers.count), rows: rows(table),
            charts: [
                chart("Patient present (%)", months) { $0.patientPresentPercent },
                chart("Preferences recorded (%)", months) { $0.preferencesRecordedPercent },
                chart("Decision deferred (%)", months) { $0.deferredPercent },
            ])
    }

    static let headers = [
        "Group", "Sessions", "Patient present %", "Relative present %", "Preferences recorded %", "Surveillance / no treatment discussed %",
        "Trial offered %", "Preferred role A/B/C/D/E", "Role concordance %", "CollaboRATE top score %", "CollaboRATE mean (0–9)",
        "SDM-Q-9 mean (0–100)", "OPTION-5 mean (0–100)", "SURE positive %", "Deferred %", "Median days RCP → decision",
        "Completeness mean %",
    ]

    /// The table's rows: the text cells without the `suppressed` column, role counts as
    /// `A/B/C/D/E`, `–` for no figure.
    static func rows(_ report: ParticipationReport) -> [Row] {
        zip(report.rows, report.cells).map { row, cells in
            var shown = Array(cells.prefix(headers.count))
            if let counts = row.preferredRoleCounts {
                shown[7] = ParticipationRow.roleLetters.map { String(counts[$0] ?? 0) }.joined(separator: "/")
            }
            return Row(suppressed: row.suppressed, cells: shown.map { $0.isEmpty ? "–" : $0 })
        }
    }

    /// A bar chart of one percentage per month (0–100 scale); suppressed or missing months show a label, no bar.
    static func chart(_ title: String, _ report: ParticipationReport, _ value: (ParticipationRow) -> Double?) -> Chart {
        let barWidth = 36.0
        let gap = 14.0
        let height = 180.0
        let top = 20.0
        let left = 34.0
        let width = left + Double(max(report.rows.count, 1)) * (barWidth + gap) + gap
        let ticks = [0, 50, 100].map { tick in
            let y = top + height * (1 - Double(tick) / 100)
            return Tick(y: "\(y)", labelX: "\(left - 4)", labelY: "\(y + 4)", tick: String(tick))
        }
        let bars = report.rows.enumerated().map { index, row in
            let x = left + gap + Double(index) * (barWidth + gap)
            let centre = x + barWidth / 2
            var bar = Bar(
                hasBar: false, x: "\(x)", barY: "", barWidth: "\(barWidth)", barHeight: "", centre: "\(centre)",
                valueY: "\(top + height - 4)", value: row.suppressed ? "<\(ParticipationRow.minimumSessions)" : "n/a",
                groupY: "\(top + height + 16)", group: row.group)
            if let percent = value(row) {
                let barHeight = height * percent / 100
                bar.hasBar = true
                (bar.barY, bar.barHeight) = ("\(top + height - barHeight)", "\(barHeight)")
                (bar.valueY, bar.value) = ("\(top + height - barHeight - 4)", AuditText.number(percent))
            }
            return bar
        }
        return Chart(
            title: title, svgWidth: String(Int(width)), svgHeight: String(Int(height + top + 40)), left: "\(left)", right: "\(width)",
            axisY: "\(top + height)", ticks: ticks, bars: bars)
    }

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
