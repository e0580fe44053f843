import AccordCore
import AccordService
import ArgumentParser
import Foundation
import Logging

@main
struct Accord: ParsableCommand {
    /// Accord's version (semantic versioning), the one place it is written: `accord --version`
    /// prints `accord` and this. Raise it in the commit that makes a release.
    static let version = "0.9.0"

    /// The one logger of the tool, handed to the libraries (which never print): log lines go to
    /// standard error at `ACCORD_LOG_LEVEL` (default `warning`, so a failure shows once, as the
    /// `accord: error:` line). First used after ``main()`` bootstraps logging.
    static let logger = Logger(label: "accord")

    static let configuration = CommandConfiguration(
        commandName: "accord",
        abstract: "Record shared decision-making consultations and export them as XML documents.",
        discussion: """
            Every change is an event appended to the database; nothing is overwritten. \
            Instants are UTC; set ACCORD_NOW (RFC 3339, e.g. 2026-03-02T09:30:00Z) to fix the clock.
            """,
        version: "accord \(version)",
        subcommands: [
            SessionCommand.self, ParticipantCommand.self, OptionCommand.self, PreferenceCommand.self,
            DecisionCommand.self, NoteCommand.self, PhaseCommand.self, ProcessCommand.self, InstrumentCommand.self, TemplateCommand.self,
            EntryCommand.self, CentreCommand.self, ExportCommand.self, VerifyCommand.self, RunCommand.self,
            RCPCommand.self, AuditCommand.self, VerifyExportCommand.self, PatientGroup.self, CodesCommand.self, UserCommand.self,
            ServeCommand.self, DatabaseCommand.self,
        ]
    )

    static func main() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessEnvironment.value("ACCORD_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }
        if let repeated = repeatedOption(in: Array(CommandLine.arguments.dropFirst())) {
            Terminal.error("\(repeated) is given twice; give it once (only one of the values would be kept).")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            if let reading = ReadingCommandLine(Array(CommandLine.arguments.dropFirst())) {
                try reading.run()
                return
            }
            // Many files (`session import ./*.yaml`) are not given to the parser: see FileOperands.
            let (parsed, laterFiles) = FileOperands.split(Array(CommandLine.arguments.dropFirst()))
            var command = FileOperands.appending(laterFiles, to: try parseAsRoot(parsed))
            try command.run()
        } catch let error as AccordError {
            Terminal.error(error.description)
            Foundation.exit(Terminal.exitCode(for: error))
        } catch {
            // Help and version requests, then usage errors with any value typed redacted.
            guard exitCode(for: error) != .success else { exit(withError: error) }
            let arguments = Array(CommandLine.arguments.dropFirst())
            let message = redactingValues(in: rewrittenUsageMessage(for: error, arguments: arguments) ?? fullMessage(for: error))
            if !message.isEmpty { Terminal.message(message) }
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }

    /// Options that may be given more than once (each value kept).
    static let repeatableOptions: Set<String> = ["--benefit", "--harm", "--by"]

    /// The first option given twice that keeps one value only (argument parsing would keep the
    /// last silently: a note typed as `--text A --text B` would lose A).
    static func repeatedOption(in arguments: [String]) -> String? {
        var seen: Set<String> = []
        for name in typedOptionNames(in: arguments) where !repeatableOptions.contains(name) {
            if !seen.insert(name).inserted { return name }
        }
        return nil
    }

    /// A usage error's message without the values that were typed: a value in the wrong place
    /// may be a name, an INS or free text, which Accord never echoes. Option names (`'--db'`)
    /// and placeholders (`'<session>'`) stay. `arguments` are the command line's; every line of
    /// a multi-line argument is also taken out wherever it appears.
    static func redactingValues(in message: String, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
        var text = message
        for (pattern, replacement) in [
            (#"(?s)The value '.*?' is invalid for '"#, "The value given is invalid for '"),
            (#"(?s)(\d+ )?[Uu]nexpected arguments?:? .*?(?=\n(Usage|Help):|\z)"#, "unexpected arguments (not shown)" + quoteHint),
            (#"(?s)does not take any value, but '.*?' was specified"#, "does not take any value, but one was given"),
            (#"(?s)Unknown option '-[^-].*?'(?=\n|\z)"#, "Unknown option (not shown)"),
            (#"(?s)Can't generate completion scripts for '.*?'\."#, "Can't generate completion scripts for the shell given."),
        ] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        for argument in arguments where argument.contains("\n") || argument.contains("\r") {
            for line in argument.split(whereSeparator: \.isNewline) where line.trimmingCharacters(in: .whitespaces).count >= 2 {
                text = text.replacingOccurrences(of: String(line), with: "(not shown)")
            }
        }
        return text
    }
}

/// Options every command that touches the database shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The database file or postgres:// URL (env ACCORD_DB; default ./accord.sqlite).", valueName: "path-or-url"))
    var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "IdNat_PS of who records the change (env ACCORD_AUTHOR; default: the session's clinician).", valueName: "idnat-ps"))
    var author: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The event chain's key file (env ACCORD_KEY_FILE; default ~/.config/accord/keys/DATABASE-ID.key).", valueName: "path"))
    var keyFile: String?

    /// The options above, each followed by a value (``FileOperands`` keeps each with its value).
    static let valueOptionNames: Set<String> = ["--db", "--author", "--key-file"]

    /// Where the database and its key are, as given.
    var location: StoreLocation { StoreLocation(db: db, keyFile: keyFile) }

    /// The database path: `--db`, then `ACCORD_DB`, then `accord.sqlite` here.
    var path: String { location.path }

    /// The author: `--author`, then `ACCORD_AUTHOR`, checked as an IdNat_PS; `nil` when unset.
    func recordingAuthor() throws -> String? {
        guard let author = author ?? ProcessEnvironment.nonEmpty("ACCORD_AUTHOR") else {
            return nil
        }
        try FieldRules.idNatPS(author, self.author != nil ? "--author" : "ACCORD_AUTHOR")
        return author
    }

    /// Opens the database of a command that only reads, read-only (no write lock, no byte
    /// changed, no key created: a user who may only read the database can use it): a missing
    /// file is an error (a mistyped `--db` would otherwise create an empty database and show
    /// nothing).
    func openExistingStore() throws -> AccordService { try location.openExisting() }

    func openStore() throws -> AccordService {
        try AccordService.open(path: path, clock: try AccordClock.fromEnvironment(), keyFile: keyFile, logger: Accord.logger)
    }
}

/// The database and key file options of a command (``StoreOptions``' `--db` and `--key-file`),
/// apart from argument parsing, so that a reading command parsed without it opens its store the
/// same way.
struct StoreLocation {
    /// `--db`, when given.
    var db: String?
    /// `--key-file`, when given.
    var keyFile: String?

    /// The database path: `--db`, then `ACCORD_DB`, then `accord.sqlite` here.
    var path: String {
        db ?? ProcessEnvironment.nonEmpty("ACCORD_DB") ?? AccordService.defaultDatabasePath
    }

    /// Opens the database of a command that only reads, read-only: see
    /// ``StoreOptions/openExistingStore()``.
    func openExisting() throws -> AccordService {
        try AccordService.openReadOnly(
            path: path, clock: try AccordClock.fromEnvironment(), keyFile: keyFile, logger: Accord.logger,
            notice: { Terminal.message("accord: note: \($0)") })
    }
}

/// Parses a session id argument.
struct SessionArgument: ExpressibleByArgument {
    let id: SessionID

    init?(argument: String) {
        guard let id = SessionID(argument) else { return nil }
        self.id = id
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension SessionArgument: CustomStringConvertible {
    var description: String { id.description }
}

enum Terminal {
    /// Writes a line to standard error, its control characters shown as codes
    /// (``visible(_:oneLine:)``, line feeds and tabs kept): a message may quote a value read
    /// from a file or a folder (a manifest's profile, a file's name), which must not act on the
    /// terminal.
    static func message(_ text: String) { writeToStandardError(visible(text) + "\n") }

    /// Writes `text` to standard error; where it cannot go (standard error closed, or a full
    /// device) it is dropped and the command goes on to its exit status (`FileHandle.write(_:)`
    /// stopped the process with "Illegal instruction" instead).
    static func writeToStandardError(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    /// `text` safe for a terminal: control characters other than newline and tab, and the
    /// bidirectional overrides, are shown as `\u{…}` instead of acting on the terminal;
    /// `oneLine` shows newline, tab and the Unicode line and paragraph separators so too (a
    /// file name inside a message cannot start a line of its own).
    static func visible(_ text: String, oneLine: Bool = false) -> String {
        TerminalText.visible(text, keeping: oneLine ? [] : .lines)
    }

    /// Prints `value` on standard output as pretty JSON with sorted keys and UTC instants.
    static func printJSON(_ value: some Encodable) throws {
        print(String(decoding: try AccordJSON.encoder(pretty: true).encode(value), as: UTF8.self))
    }

    static func error(_ text: String) {
        message("accord: error: \(text)")
    }

    static func warning(_ text: String) {
        message("accord: warning: \(text)")
    }

    /// Warns when a FINESS number recorded under `field` fails its check key (kept: some real
    /// numbers fail it); nothing for `nil` or a number that passes.
    static func finessWarning(_ finess: String?, field: String) {
        if let warning = finess.flatMap(IdentifierCheck.finessKeyWarning) { Terminal.warning("\(field): \(warning).") }
    }

    /// Prints each warning of a use case.
    static func warnings(_ warnings: [String]) {
        for warning in warnings { Terminal.warning(warning) }
    }

    /// Exit statuses: 1 bad input or state, 3 a document failed validation, 74 input/output,
    /// 75 busy (try again).
    static func exitCode(for error: AccordError) -> Int32 {
        switch error.code {
        case .invalidInput, .notFound, .conflict: 1
        case .invalidDocument: 3
        case .io: 74
        case .busy: 75
        }
    }
}
