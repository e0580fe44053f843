import AccordCore
import AccordService
import AccordWeb
import ArgumentParser
import Foundation

/// The database options of the web commands (`user`, `serve`): no `--author`, as accounts are
/// not recorded in the event chain.
struct WebDatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database file or postgres:// URL (env ACCORD_DB; default ./accord.sqlite).", valueName: "path"))
    var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The event chain's key file (env ACCORD_KEY_FILE; default ~/.config/accord/keys/DATABASE-ID.key).", valueName: "path"))
    var keyFile: String?

    /// The database path: `--db`, then `ACCORD_DB`, then `accord.sqlite` here.
    var path: String { StoreLocation(db: db, keyFile: keyFile).path }

    func openUsers() throws -> WebUsers {
        try WebUsers.open(path: path, clock: try AccordClock.fromEnvironment(), keyFile: keyFile, logger: Accord.logger)
    }

    /// Opens an existing database read-only (a mistyped `--db` is an error, not a new database).
    func openUsersToRead() throws -> WebUsers {
        try WebUsers.openReadOnly(path: path, clock: try AccordClock.fromEnvironment(), keyFile: keyFile, logger: Accord.logger)
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Clinicians' accounts of the web interface (`accord serve`).",
        discussion: "Accounts are kept in the database beside the record, outside its event chain; passwords only as bcrypt hashes.",
        subcommands: [Add.self, Disable.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an account; its password is read from standard input.",
            discussion: """
                The password is read from standard input (one line; a terminal does not show it): \
                \(WebPasswords.minimumLength) to \(WebPasswords.maximumBytes) characters (UTF-8 bytes). \
                It is never printed or logged. Example: accord user add --id 801234567897 --name "Dr A. Exemple" --password-stdin < password.txt
                """)

        @OptionGroup var database: WebDatabaseOptions

        @Option(help: ArgumentHelp("The clinician's IdNat_PS (8 + RPPS, 0 + ADELI, 3 + FINESS/local id).", valueName: "idnat-ps"))
        var id: String

        @Option(parsing: .unconditional, help: ArgumentHelp("The name shown on the pages, one line.", valueName: "text"))
        var name: String

        @Flag(help: "Read the password from standard input (the only way to give it: a command line is seen by other users).")
        var passwordStdin = false

        func validate() throws {
            guard passwordStdin else {
                throw ValidationError(
                    "--password-stdin is required: the password is read from standard input, never from the command line.")
            }
        }

        func run() throws {
            try FieldRules.idNatPS(id, "--id")
            try FieldRules.text(name, "--name", .line(200))
            let password = try PasswordInput.read()
            try WebPasswords.check(password)
            try database.openUsers().add(idnatPS: id, name: name, password: password)
            print("Account added and enabled; the clinician signs in with it on `accord serve`.")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable",
            abstract: "Disable an account: it can no longer sign in, and its open sign-ins end.")

        @OptionGroup var database: WebDatabaseOptions

        @Argument(help: ArgumentHelp("The account's IdNat_PS.", valueName: "idnat-ps"))
        var idnatPS: String

        func run() throws {
            try database.openUsers().disable(idnatPS: idnatPS)
            print("Account disabled; its sign-ins ended.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the accounts: IdNat_PS, status, creation (UTC), name.")

        @OptionGroup var database: WebDatabaseOptions

        func run() throws {
            let accounts = try database.openUsersToRead().list()
            if accounts.isEmpty {
                Terminal.message("No account yet; `accord user add` creates one.")
                return
            }
            for account in accounts {
                let status = account.disabled ? "disabled" : "enabled"
                print("\(account.idnatPS)\t\(status)\t\(account.createdAt)\t\(Terminal.visible(account.name))")
            }
        }
    }
}

/// Reads a password from standard input without showing it.
enum PasswordInput {
    /// The first line of standard input (without its line ending); a terminal's echo is turned
    /// off while it is typed.
    /// - Throws: `AccordError` (`invalidInput`) naming `password` when standard input is empty.
    static func read() throws -> String {
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if terminal {
            Terminal.message("Password (not shown):")
            tcgetattr(STDIN_FILENO, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if terminal {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                Terminal.message("")
            }
        }
        var bytes: [UInt8] = []
        while bytes.count <= 4096 {
            var byte: UInt8 = 0
            guard Foundation.read(STDIN_FILENO, &byte, 1) == 1, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else {
            throw AccordError.invalid(
                "password", "is empty (nothing was read from standard input)",
                accepted: "the password on standard input, e.g. --password-stdin < password.txt")
        }
        guard let password = String(validating: bytes, as: UTF8.self) else {
            throw AccordError.invalid("password", "is not UTF-8 text", accepted: "the password as UTF-8 text on standard input")
        }
        return password
    }
}
