import AccordCore
import AccordService
import AccordWeb
import ArgumentParser
import Foundation

extension AuditGrouping: ExpressibleByArgument {}

/// `table`, `csv` or `json`.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Measure how patients took part, on pseudonymised data (participation figures, read-only SQL, HTML report).",
        discussion: """
            Audit outputs hold no names, INS, birth dates or free text: patients appear as pseudonyms, topics as \
            template ids; `audit access` counts the web's reads of records by clinician (IdNat_PS) and session. \
            Figures and their definitions: docs/AUDIT.md.
            """,
        subcommands: [Participation.self, SQL.self, Report.self, Access.self, Generate.self])

    /// The period options shared by `participation` and `report`.
    struct Period: ParsableArguments {
        @Option(help: ArgumentHelp("First closing day included (UTC), YYYY-MM-DD.", valueName: "date"))
        var from: String?

        @Option(help: ArgumentHelp("Last closing day included (UTC), YYYY-MM-DD.", valueName: "date"))
        var to: String?

        var fromDate: CalendarDate? { from.flatMap(CalendarDate.init) }
        var toDate: CalendarDate? { to.flatMap(CalendarDate.init) }

        func validate() throws {
            for (option, value) in [("--from", from), ("--to", to)] {
                if let value, CalendarDate(value) == nil {
                    throw ValidationError("\(option) is not a calendar date; expected a date as YYYY-MM-DD.")
                }
            }
            if let fromDate, let toDate, toDate < fromDate {
                throw ValidationError("--to is before --from; expected a period whose last day is on or after its first.")
            }
        }
    }

    struct Participation: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "participation",
            abstract: "Participation figures of closed sessions, one row per group.",
            discussion: """
                Only closed sessions count; --from/--to filter their closing day (UTC, inclusive). Groups of fewer \
                than 5 sessions are suppressed (no figures; sessions shown as <5) unless --no-suppression is given, \
                which the output then states.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var period: Period

        @Option(help: ArgumentHelp("Group by clinician, topic, month or organisation.", valueName: "grouping"))
        var by: AuditGrouping = .clinician

        @Option(help: ArgumentHelp("table, csv or json.", valueName: "format"))
        var format: AuditFormat = .table

        @Flag(help: "Show groups of fewer than 5 sessions (the output says so; do not share it).")
        var noSuppression = false

        func run() throws {
            let report = try store.openExistingStore().participation(
                from: period.fromDate, to: period.toDate, by: by, suppression: !noSuppression)
            switch format {
            case .table: print(report.table())
            case .csv: print(report.csv())
            case .json: print(try report.json())
            }
        }
    }

    struct SQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql",
            abstract: "Run one read-only SELECT over the audit views audit_sessions, audit_options, audit_instruments.",
            discussion: """
                The query runs on a separate read-only connection; anything but reading the three views with the \
                listed functions (writes, other tables, ATTACH, PRAGMA, printf…) is refused, and it is stopped after \
                30 s. Columns, functions and limits: docs/AUDIT.md.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The SELECT statement.", valueName: "query"))
        var query: String

        @Option(help: ArgumentHelp("table, csv or json.", valueName: "format"))
        var format: AuditFormat = .table

        func run() throws {
            let result = try store.openExistingStore().auditQuery(query)
            switch format {
            case .table: print(result.table())
            case .csv: print(result.csv())
            case .json: print(try result.json())
            }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the participation audit as one self-contained HTML page (table and charts by month).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var period: Period

        @Option(help: ArgumentHelp("Group the table by clinician, topic, month or organisation.", valueName: "grouping"))
        var by: AuditGrouping = .month

        @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
        var out: String

        @Flag(help: "Show groups of fewer than 5 sessions (the page says so; do not share it).")
        var noSuppression = false

        func run() throws {
            let groups = try store.openExistingStore().writeParticipationReport(
                from: period.fromDate, to: period.toDate, by: by, suppression: !noSuppression, to: URL(fileURLWithPath: out))
            Terminal.message("Wrote the participation report (\(groups) groups).")
        }
    }

    struct Access: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "access",
            abstract: "Count the reads of patients' records through the web interface, by clinician and by session.",
            discussion: """
                Every page of `accord serve` that shows a patient's record, and the list of today's sessions (once \
                for each session listed), is logged in the access log (table web_access, append-only, outside the \
                event chain); command-line reads are not logged. --since/--until filter the day of the read (UTC, \
                inclusive). The database is opened read-only.
                """)

        @OptionGroup var database: WebDatabaseOptions

        @Option(help: ArgumentHelp("First day of reads included (UTC), YYYY-MM-DD.", valueName: "date"))
        var since: String?

        @Option(help: ArgumentHelp("Last day of reads included (UTC), YYYY-MM-DD.", valueName: "date"))
        var until: String?

        @Option(help: ArgumentHelp("Only the reads of this session (S12).", valueName: "session"))
        var session: SessionArgument?

        @Option(help: ArgumentHelp("Only the reads by this clinician's IdNat_PS.", valueName: "idnat-ps"))
        var by: String?

        @Flag(help: "Print JSON instead of the aligned tables.")
        var json = false

        func validate() throws {
            for (option, value) in [("--since", since), ("--until", until)] {
                if let value, CalendarDate(value) == nil {
                    throw ValidationError("\(option) is not a calendar date; expected a date as YYYY-MM-DD.")
                }
            }
            if let first = since.flatMap(CalendarDate.init), let last = until.flatMap(CalendarDate.init), last < first {
                throw ValidationError("--until is before --since; expected a period whose last day is on or after its first.")
            }
            if let by {
                do { try FieldRules.idNatPS(by, "--by") } catch let error as AccordError { throw ValidationError(error.description) }
            }
        }

        func run() throws {
            let audit = try WebAccessAudit.openReadOnly(
                path: database.path, clock: try AccordClock.fromEnvironment(), keyFile: database.keyFile, logger: Accord.logger,
                notice: { Terminal.message("accord: note: \($0)") })
            let report = try audit.report(
                since: since.flatMap(CalendarDate.init), until: until.flatMap(CalendarDate.init), session: session?.id, by: by)
            print(json ? try report.json() : report.table())
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Generate synthetic sessions into an empty or synthetic-only database (experimental, for benchmarks).",
            shouldDisplay: false)

        @OptionGroup var store: StoreOptions

        @Flag(help: "Required: this command is experimental.")
        var experimental = false

        @Option(help: ArgumentHelp("How many sessions.", valueName: "n"))
        var sessions: Int

        @Option(help: ArgumentHelp("The generator's seed.", valueName: "seed"))
        var seed: UInt64 = 1

        func validate() throws {
            guard experimental else { throw ValidationError("audit generate is experimental; add --experimental.") }
            guard sessions > 0 else { throw ValidationError("--sessions must be a positive number of sessions.") }
        }

        func run() throws {
            try store.openStore().generateSyntheticSessions(count: sessions, seed: seed) { written in
                Terminal.message("\(written) synthetic sessions written")
            }
        }
    }
}
