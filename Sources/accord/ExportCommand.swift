import AccordCore
import AccordService
import ArgumentParser
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export closed sessions as XML documents for the record system.",
        discussion: """
            `accord export SESSION --out DIR` writes one closed session's document. \
            `accord export --all|--since DATE [--until DATE] --out DIR` writes every closed session \
            (closed on those UTC days, inclusive) that DIR does not hold yet — and the next version \
            of a session amended since — then a manifest DIR/manifest-<instant>.json listing each \
            document with its SHA-256, size, validation and the event chain's head; --force writes \
            them again. Profiles: cda-fr, fhir-r4, or a custom profile folder (ACCORD_EXPORTS, the \
            installation's Exports/, ./Exports). Documents are validated against the official schema \
            in --schemas or ACCORD_SCHEMAS (or the custom profile's schema) and written only when \
            valid; without a schema they are checked for well-formedness only, and the command says \
            so. A batch in which a document fails validation writes the others and exits with status 3. \
            --pseudonymise --pseudonym-key FILE replaces the patient's identifiers by HMAC-SHA256 \
            pseudonyms and removes names, birth place and notes (see Exports/README.md). Set \
            ACCORD_NOW to fix the document time: the same events at the same time give the same bytes. \
            With the example centre settings (no `accord centre set` yet) a document's title says it is \
            an example, and a batch is refused unless --example-centre is given.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id (or use --all / --since).", valueName: "session"))
    var session: SessionArgument?

    @Flag(help: "Export every closed session the output folder does not hold yet.")
    var all = false

    @Option(help: ArgumentHelp("Export sessions closed on or after this UTC day.", valueName: "yyyy-mm-dd"))
    var since: String?

    @Option(help: ArgumentHelp("Export sessions closed on or before this UTC day.", valueName: "yyyy-mm-dd"))
    var until: String?

    @Option(help: ArgumentHelp("The export profile: cda-fr, fhir-r4 or a custom profile's name.", valueName: "profile"))
    var profile: String = "cda-fr"

    @Option(help: ArgumentHelp("The folder to write into (created when missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Folder of the official schemas (default: env ACCORD_SCHEMAS).", valueName: "dir"))
    var schemas: String?

    @Flag(
        help: ArgumentHelp(
            "Allow a batch (--all/--since/--until) with the example centre settings (none recorded, or an OID root on the 2.999 example arc); their documents say in their title that they are examples."
        ))
    var exampleCentre = false

    @Flag(help: "Write again the documents the output folder already holds.")
    var force = false

    @Flag(help: "Pseudonymise the documents for research (needs --pseudonym-key).")
    var pseudonymise = false

    @Option(
        help: ArgumentHelp(
            "The pseudonymisation key file (32 bytes or more; keep it apart from the database).", valueName: "file"))
    var pseudonymKey: String?

    @Option(
        help: ArgumentHelp(
            "Sign each document with this PEM RSA private key: writes NAME.xml.sig beside it (with --cert).", valueName: "key.pem"))
    var sign: String?

    @Option(help: ArgumentHelp("The PEM X.509 certificate of the --sign key, included in the signature.", valueName: "cert.pem"))
    var cert: String?

    func validate() throws {
        if (sign == nil) != (cert == nil) {
            throw ValidationError("--sign and --cert go together: give both to sign, or neither.")
        }
        let batch = all || since != nil || until != nil
        if session != nil && batch {
            throw ValidationError("Give either a session id or --all/--since/--until, not both.")
        }
        if session == nil && !batch {
            throw ValidationError("Missing a session id, --all, or --since DATE.")
        }
        if all && (since != nil || until != nil) {
            throw ValidationError("--all exports every closed session; drop it to use --since/--until.")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, CalendarDate(value) == nil {
                throw ValidationError("\(name) is not a calendar date; expected YYYY-MM-DD, e.g. 2026-01-31.")
            }
        }
        if let since, let until, let first = CalendarDate(since), let last = CalendarDate(until), last < first {
            throw ValidationError("--until is before --since; expected --since DATE --until LATER-DATE.")
        }
        if pseudonymise && pseudonymKey == nil {
            throw ValidationError("--pseudonymise needs --pseudonym-key FILE, the secret key of the pseudonyms.")
        }
        if !pseudonymise && pseudonymKey != nil {
            throw ValidationError("--pseudonym-key is used only with --pseudonymise.")
        }
    }

    func run() throws {
        let selection: ExportRequest.Selection =
            session.map { .session($0.id) } ?? .closed(from: since.flatMap(CalendarDate.init), through: until.flatMap(CalendarDate.init))
        var request = ExportRequest(
            selection: selection, profile: profile, folder: out, schemas: schemas, force: force, pseudonymKeyFile: pseudonymKey,
            signingKey: sign, certificate: cert)
        request.allowsExampleCentre = exampleCentre
        var progress = ProgressBar(enabled: isatty(2) == 1)
        // The sessions are counted only for a progress bar that is drawn.
        request.countsSessions = progress.enabled
        defer { progress.clear() }
        try store.openStore().export(request, author: try store.recordingAuthor()) { event in
            switch event {
            case .started(let total):
                progress.total = total ?? 0
            case .written(let path):
                progress.clear()
                // Unbuffered, beside the progress bar; a closed standard output drops it (the
                // documents are written all the same).
                try? FileHandle.standardOutput.write(contentsOf: Data((path + "\n").utf8))
                progress.advance()
            case .alreadyPresent:
                progress.advance()
            case .sessionError(let message):
                progress.clear()
                Terminal.error(message)
                progress.advance()
            case .notice(let message):
                progress.clear()
                Terminal.message(message)
            case .warning(let message):
                progress.clear()
                Terminal.warning(message)
            }
        }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
struct ProgressBar {
    let enabled: Bool
    var total = 0
    var done = 0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func advance() {
        done += 1
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        Terminal.writeToStandardError("\r[\(bar)] \(done)/\(total)")
        drawn = true
    }

    mutating func clear() {
        guard enabled, drawn else { return }
        Terminal.writeToStandardError("\r\u{1B}[K")
        drawn = false
    }
}
