import AccordCore
import AccordService
import ArgumentParser
import Foundation

/// `accord db`: setting up a PostgreSQL database and copying a record between SQLite and
/// PostgreSQL.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Set up a PostgreSQL database, or copy a record between an SQLite file and PostgreSQL.",
        subcommands: [Initialise.self, Copy.self])

    struct Initialise: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the Accord database, its schema and the roles accord_writer and accord_auditor on a PostgreSQL server.",
            discussion: """
                Run it as the server's administrator (a role that may create databases and roles). Running it again \
                on an Accord database changes nothing. The URL's password is never printed.
                """)

        @Option(
            help: ArgumentHelp(
                "The administrator's URL of the database to create, postgres://ADMIN@HOST[:PORT]/DATABASE.", valueName: "url"))
        var admin: String

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Where the chain key file will be (env ACCORD_KEY_FILE; default ~/.config/accord/keys/DATABASE-ID.key).",
                valueName: "path"))
        var keyFile: String?

        func run() throws {
            let done = try AccordService.initialiseDatabase(adminURL: admin, keyFile: keyFile, logger: Accord.logger)
            if done.createdSchema {
                print(
                    "Created \(done.createdDatabase ? "the database, " : "")the Accord schema and the roles accord_writer and accord_auditor in \(done.location)."
                )
            } else {
                print("\(done.location) is already an Accord database; nothing was changed.")
            }
            print("database id \(done.databaseID)")
            print(
                """
                Next steps:
                  1. Create the application's login role: CREATE ROLE app LOGIN PASSWORD '…' IN ROLE accord_writer;
                  2. Create an auditor's login role: CREATE ROLE auditor LOGIN PASSWORD '…' IN ROLE accord_auditor;
                  3. Give accord the application's URL: --db or ACCORD_DB=postgres://app@HOST/DATABASE
                  4. The chain key file is created by the first recording at \(done.keyFile.path) (or ACCORD_KEY_FILE), \
                on the host that records; copy it to every host that records or verifies, and back it up apart from \
                the database: without it the chain cannot be verified.
                """)
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy a whole record from an SQLite file to a PostgreSQL database, or back to a new SQLite file.",
            discussion: """
                The event log is copied as it is, with the database id (the same key file serves both), the \
                sessions' seals, the issued document versions, the web accounts (`accord user`) and the web access \
                log (its numbers and order kept); the summaries are rebuilt from the events. Sign-ins, sign-in \
                failure counters and patient's screens are transient and not copied: clinicians sign in again and \
                hand screens over again. The destination must be empty: a database made by `accord db init` with no \
                event, web account or access read, or an SQLite file that does not exist yet. All of it is one \
                transaction: a failed copy leaves nothing half-written. Then both chains are verified and their heads \
                printed; they must be the same.
                """)

        @Option(help: ArgumentHelp("The record to copy: an SQLite file or a postgres:// URL.", valueName: "path-or-url"))
        var from: String

        @Option(help: ArgumentHelp("Where to copy it: a postgres:// URL or a new SQLite file.", valueName: "path-or-url"))
        var to: String

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The source's chain key file (env ACCORD_KEY_FILE; default ~/.config/accord/keys/DATABASE-ID.key).",
                valueName: "path"))
        var keyFile: String?

        func run() throws {
            let started = Date()
            let copy = try AccordService.copyDatabase(
                from: from, to: to, keyFile: keyFile, clock: try AccordClock.fromEnvironment(), logger: Accord.logger)
            let empty = "0:" + String(repeating: "0", count: 64)
            Terminal.message(
                "Copied \(copy.eventCount) event\(copy.eventCount == 1 ? "" : "s") in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; both chains verify."
            )
            print("source head \(copy.sourceHead?.description ?? empty)")
            print("copy head \(copy.destinationHead?.description ?? empty)")
        }
    }
}
