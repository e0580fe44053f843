import AccordCore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

@Suite struct AuditTests {
    static let secondClinician = "810203040505"

    /// S1–S5 by the first clinician (closed; S1–S3 with the patient present, S1 and S2 with a
    /// preference, S4 deferred), S6 by the second (closed, suppressed), S7 open.
    func prepared() throws -> AccordCLI {
        let cli = try AccordCLI(environment: ["ACCORD_NOW": "2026-03-02T09:30:00Z"])
        func run(_ arguments: [String]) throws {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        for number in 1...7 {
            var start = BadInputTests.start
            if number == 6 { start[start.firstIndex(of: "810123456781")!] = Self.secondClinician }
            if number >= 4 && number != 6 { start.append("--patient-absent") }
            try run(start)
            let session = "S\(number)"
            try run([
                "option", "add", session, "--kind", "treatment", "--label", "Prostatectomie radicale", "--benefit", "Guérison probable",
            ])
            try run(["option", "add", session, "--kind", "active-surveillance", "--label", "Surveillance active"])
            if number <= 2 { try run(["preference", "add", session, "--text", "Garder ma continence urinaire"]) }
            try run(["participant", "add", session, "--role", "trusted-person", "--name", "Jeanne Confiance-Secrète"])
            try run(["note", "add", session, "--text", "Note libre très confidentielle"])
            // An absent patient answers through the trusted person (P3; issue 15, part 8).
            let answeredBy = number >= 4 && number != 6 ? ["--answered-by", "P3"] : []
            try run(["instrument", "record", session, "--instrument", "cps-preferred", "--answers", "C"] + answeredBy)
            if number == 4 {
                try run(["decision", "record", session, "--deferred", "--next-contact", "2026-04-01", "--by", "P1"] + answeredBy)
            } else {
                try run(["decision", "record", session, "--agreed", "1", "--by", "P1"] + answeredBy)
            }
            if number != 7 { try run(["session", "close", session]) }
        }
        return cli
    }

    /// What the sessions hold that no audit output may show.
    static let secrets = [
        "MARCHAND", "LUC", "JEAN-BAPTISTE", "158056912345606", "1958-05-17", "69123", "Roussel", "Hélène", "Prostatectomie",
        "Guérison", "Garder ma continence", "Jeanne", "Confiance-Secrète", "Note libre", "Cancer de la prostate",
    ]

    static func expectNoSecrets(_ text: String, _ what: String) {
        let text = Leaks.withoutDigests(text)
        for secret in secrets { #expect(!text.contains(secret), "\(what) shows \(secret)") }
    }

    @Test func participationJSONCSVAndSuppression() throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        let json = try cli.run(["audit", "participation", "--by", "clinician", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["rows"])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        let keys: Set<String> = [
            "group", "sessions", "patient_present_pct", "relative_present_pct", "preferences_recorded_pct",
            "surveillance_or_no_treatment_discussed_pct", "trial_offered_pct", "preferred_role_counts", "role_concordance_pct",
            "collaborate_top_score_pct", "collaborate_mean", "sdm_q9_mean", "option5_mean", "sure_positive_pct", "deferred_pct",
            "median_days_rcp_to_decision", "completeness_mean_pct", "suppressed",
        ]
        for row in rows { #expect(Set(row.keys) == keys) }
        // First clinician: S1–S5 closed (S7 open excluded): present S1–S3 = 3/5 = 60 %, preferences S1–S2 = 2/5 = 40 %,
        // deferred S4 = 1/5 = 20 %, surveillance discussed 5/5, relative 5/5, role C × 5.
        let first = rows[0]
        #expect(first["group"] as? String == "810123456781")
        #expect(first["sessions"] as? Int == 5)
        #expect(first["patient_present_pct"] as? Double == 60)
        #expect(first["preferences_recorded_pct"] as? Double == 40)
        #expect(first["deferred_pct"] as? Double == 20)
        #expect(first["surveillance_or_no_treatment_discussed_pct"] as? Double == 100)
        #expect(first["relative_present_pct"] as? Double == 100)
        #expect(first["preferred_role_counts"] as? [String: Int] == ["A": 0, "B": 0, "C": 5, "D": 0, "E": 0])
        #expect(first["collaborate_mean"] is NSNull)
        #expect(first["suppressed"] as? Bool == false)
        // Second clinician: one session, suppressed.
        #expect(rows[1]["sessions"] is NSNull)
        #expect(rows[1]["suppressed"] as? Bool == true)
        #expect(rows[1]["patient_present_pct"] is NSNull)

        let csv = try cli.run(["audit", "participation", "--by", "clinician", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("group,sessions,patient_present_pct,"))
        #expect(lines[1].hasPrefix("810123456781,5,60,100,40,100,0,A=0 B=0 C=5 D=0 E=0,"))
        #expect(lines[2].hasPrefix("810203040505,<5,,,"))
        #expect(!csv.stdout.contains("suppression is off"))

        let table = try cli.run(["audit", "participation", "--by", "month"])
        #expect(table.stdout.contains("2026-03"))
        #expect(!table.stdout.contains("suppression is off"))

        // --no-suppression: the output says so, in every format.
        let openJSON = try cli.run(["audit", "participation", "--format", "json", "--no-suppression"])
        let open = try #require(try JSONSerialization.jsonObject(with: Data(openJSON.stdout.utf8)) as? [String: Any])
        #expect(open["suppression"] as? Bool == false)
        #expect(((open["rows"] as? [[String: Any]])?[1]["sessions"] as? Int) == 1)
        #expect(try cli.run(["audit", "participation", "--format", "csv", "--no-suppression"]).stdout.hasPrefix("# suppression is off"))
        #expect(try cli.run(["audit", "participation", "--no-suppression"]).stdout.contains("suppression is off (--no-suppression)"))

        // Dates filter the closing day: every session closed on 2026-03-02.
        let before = try cli.run(["audit", "participation", "--to", "2026-03-01", "--format", "json"])
        #expect(before.stdout.contains("\"rows\" : [\n\n  ]") || before.stdout.contains("\"rows\" : []"))
        let bad = try cli.run(["audit", "participation", "--from", "2026-13-01"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--from is not a calendar date"))

        for output in [json.stdout, csv.stdout, table.stdout, openJSON.stdout] { Self.expectNoSecrets(output, "participation") }
    }

    @Test func sqlReadsOnlyTheViews() throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        let good = try cli.run([
            "audit", "sql", "SELECT clinician_idnat_ps, COUNT(*) AS n FROM audit_sessions WHERE closed = 1 GROUP BY 1 ORDER BY 1",
            "--format", "csv",
        ])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout == "clinician_idnat_ps,n\n810123456781,5\n810203040505,1\n")
        let json = try cli.run(["audit", "sql", "SELECT kind, origin_kind FROM audit_options WHERE session_number = 1", "--format", "json"])
        #expect(json.stdout.contains("\"kind\" : \"active-surveillance\""))

        let refusals = [
            ("DELETE FROM audit_session", "DELETE"), ("UPDATE audit_session SET closed = 0", "UPDATE"),
            ("INSERT INTO event (seq) VALUES (99)", "INSERT"), ("SELECT payload FROM event", "reading the table event directly"),
            ("SELECT topic FROM session", "reading the table session directly"),
            ("ATTACH DATABASE 'x.sqlite' AS x", "ATTACH"), ("PRAGMA table_info(event)", "PRAGMA"),
        ]
        for (query, what) in refusals {
            let result = try cli.run(["audit", "sql", query])
            #expect(result.status == 1, "\(query)")
            #expect(
                result.stderr
                    == "accord: error: QUERY: audit sql reads only the audit views audit_sessions, audit_options, audit_instruments; \(what) is not allowed.\n"
            )
        }
        // Only the listed functions: fts3_tokenizer (pointer leak, tokenizer registration) and printf (one call
        // can outrun the time limit) are refused by name, without echoing the query's literals.
        for (query, name) in [
            ("SELECT fts3_tokenizer('simple')", "fts3_tokenizer"),
            ("SELECT fts3_tokenizer('simple', x'4141414141414141')", "fts3_tokenizer"),
            ("SELECT printf('%.*c', 2147483647, 'Jeanne')", "printf"),
        ] {
            let result = try cli.run(["audit", "sql", query])
            #expect(result.status == 1, "\(query)")
            #expect(
                result.stderr
                    == "accord: error: QUERY: audit sql allows only core scalar, aggregate, date and time and JSON functions (listed in docs/AUDIT.md); the function \(name) is not allowed.\n"
            )
        }
        // Core functions both backends share run on either (checked as on SQLite, then run in the
        // database's own dialect: README, "PostgreSQL: the commands").
        let common = try cli.run([
            "audit", "sql",
            "SELECT count(*) AS n, round(avg(patient_present), 2) AS present, substr(min(closed_at), 1, 7) AS month FROM audit_sessions WHERE closed = 1",
            "--format", "csv",
        ])
        #expect(common.status == 0, "\(common.stderr)")
        #expect(common.stdout == "n,present,month\n6,0.67,2026-03\n", "\(common.stdout)")
        if cli.backend == .sqlite {
            let functions = try cli.run([
                "audit", "sql",
                "SELECT count(*), round(avg(patient_present), 2), strftime('%Y-%m', min(closed_at)), json_extract('{\"a\": 7}', '$.a') FROM audit_sessions WHERE closed = 1",
                "--format", "csv",
            ])
            #expect(functions.status == 0, "\(functions.stderr)")
            #expect(functions.stdout.hasSuffix("\n6,0.67,2026-03,7\n"), "\(functions.stdout)")
            // The table shows each cell whole (an emoji, a letter and its combining accent: the
            // binary before showed U+FFFD and dropped the accent) and a control as its code.
            let table = try cli.run([
                "audit", "sql",
                "SELECT char(128077) AS x, 'e' || char(769) AS y, 'a' || char(27) || '[2J' AS z FROM audit_sessions LIMIT 1",
            ])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(Array(table.stdout.unicodeScalars) == Array("x  y  z\n-  -  ----------\n👍  e\u{301}  a\\u{1b}[2J\n".unicodeScalars))
            // A value holding CR LF is quoted in CSV (CR LF is one character, and the check was
            // by character: the row was split).
            let crlf = try cli.run([
                "audit", "sql", "SELECT 'a' || char(13, 10) || 'b' AS x, 'c' AS y FROM audit_sessions LIMIT 1", "--format", "csv",
            ])
            #expect(crlf.status == 0 && crlf.stdout == "x,y\n\"a\r\nb\",c\n", "\(crlf.stdout)")
        }
        // Nothing was deleted.
        #expect(try cli.run(["audit", "sql", "SELECT COUNT(*) AS n FROM audit_sessions", "--format", "csv"]).stdout == "n\n7\n")
        let everything = try cli.run(["audit", "sql", "SELECT * FROM audit_sessions, audit_options, audit_instruments", "--format", "json"])
        Self.expectNoSecrets(everything.stdout, "audit sql")
    }

    @Test func reportIsOneSelfContainedPage() throws {
        let cli = try prepared()
        defer { cli.cleanUp() }
        // A folder that does not exist yet is made; the page is private like the exports (0600).
        let out = cli.folder.appendingPathComponent("reports/2026-03/report.html")
        let result = try cli.run(["audit", "report", "--from", "2026-03-01", "--to", "2026-03-31", "--out", out.path, "--by", "clinician"])
        #expect(result.status == 0, "\(result.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        // The first clinician's row: 5 sessions, present 60, relative 100, preferences 40.
        #expect(html.contains("<tr><td>810123456781</td><td>5</td><td>60</td><td>100</td><td>40</td>"))
        #expect(html.contains("<tr class=\"suppressed\"><td>810203040505</td><td>&lt;5</td>"))
        // The month chart: March 2026, 6 closed sessions: present 3/6 = 50, preferences 2/6 = 33.3, deferred 1/6 = 16.7.
        #expect(html.contains(">2026-03</text>"))
        #expect(html.contains(">50</text>") && html.contains(">33.3</text>") && html.contains(">16.7</text>"))
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))
        #expect(!html.contains("<link") && !html.contains("<script") && !html.contains("src="))
        Self.expectNoSecrets(html, "report")
    }

    /// Audit commands only read: a mistyped --db is refused, never created empty.
    @Test func aMissingDatabaseIsRefusedNotCreated() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let typo = cli.folder.appendingPathComponent("typo.sqlite").path
        for arguments in [
            ["audit", "participation"], ["audit", "sql", "SELECT COUNT(*) FROM audit_sessions"],
            ["audit", "report", "--out", cli.folder.appendingPathComponent("r.html").path], ["audit", "access"],
        ] {
            let result = try cli.run(arguments + ["--db", typo])
            #expect(result.status == 1, "\(arguments)")
            #expect(
                result.stderr
                    == "accord: error: no database at the path given by --db or ACCORD_DB (default ./accord.sqlite); check the path.\n")
            #expect(!FileManager.default.fileExists(atPath: typo))
        }
    }
}
