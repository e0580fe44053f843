extension AuditReport {
    /// The page's Mustache template (rendered with Accord's HTML content type: every `{{name}}`
    /// is escaped by ``AuditReport/escape(_:)``).
    ///
    /// It is kept here as a Swift string rather than as a SwiftPM resource file: on Linux,
    /// `Bundle.module` looks for the `Accord_AccordService.resources` folder beside the
    /// executable, then at the absolute path of the build folder, and stops the process with a
    /// fatal error when neither exists, so an `accord` copied or installed without that folder
    /// would crash on `accord audit report`. A string compiled into the module renders wherever
    /// `accord` runs.
    ///
    /// The context is ``AuditReport/Page``. The CSS is inline and the charts are inline SVG: the
    /// page needs no other file.
    static let pageTemplate = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Accord participation audit, {{period}}</title>
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
        <p class="meta">Closed sessions, {{period}}; grouped by {{grouping}}.</p>
        <p class="meta">Generated {{generatedAt}} by Accord. Patients are pseudonymised; no names, INS, birth dates or free text.</p>
        {{#suppression}}
        <p class="meta">Groups of fewer than {{minimumSessions}} sessions are suppressed (shown as {{suppressedLabel}}, no figures).</p>
        {{/suppression}}
        {{^suppression}}
        <p class="warning">{{noSuppressionStatement}}</p>
        {{/suppression}}
        <h2>Participation by {{grouping}}</h2>
        <table>
        <thead><tr>{{#headers}}<th>{{.}}</th>{{/headers}}</tr></thead>
        <tbody>
        {{^rows}}
        <tr><td colspan="{{columnCount}}">No closed session in this period.</td></tr>
        {{/rows}}
        {{#rows}}
        <tr{{#suppressed}} class="suppressed"{{/suppressed}}>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody>
        </table>
        <h2>By month of closing</h2>
        <div class="charts">
        {{#charts}}
        <figure><figcaption>{{title}}</figcaption>
        <svg xmlns="http://www.w3.org/2000/svg" width="{{svgWidth}}" height="{{svgHeight}}" role="img" aria-label="{{title}}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">
        {{#ticks}}
        <line x1="{{left}}" y1="{{y}}" x2="{{right}}" y2="{{y}}" stroke="#ccc"/><text x="{{labelX}}" y="{{labelY}}" text-anchor="end" fill="#555">{{tick}}</text>
        {{/ticks}}
        {{#bars}}
        {{#hasBar}}<rect x="{{x}}" y="{{barY}}" width="{{barWidth}}" height="{{barHeight}}" fill="#2f6f9f"/><text x="{{centre}}" y="{{valueY}}" text-anchor="middle">{{value}}</text>{{/hasBar}}{{^hasBar}}<text x="{{centre}}" y="{{valueY}}" text-anchor="middle" fill="#777">{{value}}</text>{{/hasBar}}
        <text x="{{centre}}" y="{{groupY}}" text-anchor="middle">{{group}}</text>
        {{/bars}}
        <line x1="{{left}}" y1="{{axisY}}" x2="{{right}}" y2="{{axisY}}" stroke="#333"/>
        </svg></figure>
        {{/charts}}
        </div>
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
        </body>
        </html>

        """
}
