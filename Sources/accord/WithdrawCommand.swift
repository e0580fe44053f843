import AccordCore
import AccordService
import ArgumentParser
import Foundation

struct EntryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entry", abstract: "Withdraw an entry (it stays in the record, marked withdrawn).", subcommands: [Withdraw.self])

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Withdraw an entry by the id `session show` prints (P3, O2, M1, D1, N1, A1, I1…).",
            discussion: """
                The entry is kept and marked withdrawn; an option keeps its number. A correction is a \
                withdrawal plus a new entry. The reason is always required. An entry withdrawn while the \
                session is open is left out of the documents; one withdrawn after it was closed (an \
                amendment) stays in every document issued afterwards, marked withdrawn with the date, \
                the author and the reason.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Argument(help: ArgumentHelp("The entry id, e.g. O2.", valueName: "entry"))
        var entry: String

        @Option(parsing: .unconditional, help: ArgumentHelp("Why the entry is withdrawn.", valueName: "text"))
        var reason: String

        func run() throws {
            let id = try EntryID(typed: entry)
            let consultation = try store.openStore().record(
                .entryWithdrawn(entry: id), in: session.id, author: try store.recordingAuthor(), reason: reason)
            Terminal.message("Withdrew \(id) in session \(session)" + (consultation.status == .closed ? " (amendment)." : "."))
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the event chain and report the first broken link; prints the chain head as `head SEQ:HASH`.",
        discussion: """
            Finds edits, removals and reorderings of events made behind Accord's back by someone \
            without the chain key. With --head (a head recorded earlier, e.g. in an export manifest) \
            it also proves that no event up to that head was removed since. Exit status 0 when the \
            chain is whole, 2 when it is broken.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("A head recorded earlier, SEQ:HASH.", valueName: "seq:hash"))
    var head: String?

    func run() throws {
        var expected: ChainHead?
        if let head {
            guard let parsed = ChainHead(head) else {
                throw AccordError.invalid(
                    "--head", "is not a chain head",
                    accepted: "SEQ:HASH, a sequence number and 64 lowercase hexadecimal characters, as `accord verify` prints it")
            }
            expected = parsed
        }
        let result = try store.openExistingStore().verify(head: expected)
        if let broken = result.firstBreak {
            // No head is printed for a broken chain: it must not be recorded as a good one.
            let key = broken.sequence == 1 ? " (or the key file is not this database's: check --key-file or ACCORD_KEY_FILE)" : ""
            Terminal.error("the event chain is broken at event \(broken.sequence): \(broken.problem)\(key).")
            throw ExitCode(2)
        }
        Terminal.message(
            "The event chain is whole: \(result.eventCount) events checked"
                + (expected.map { ", including the recorded head \($0.sequence)" } ?? "")
                + "; \(result.issuedDocumentCount) document version\(result.issuedDocumentCount == 1 ? "" : "s") issued, each id with one content."
        )
        if result.legacySharedIDCount > 0 {
            Terminal.message(
                "\(result.legacySharedIDCount) document\(result.legacySharedIDCount == 1 ? " was" : "s were") issued, before each export profile had its own id branch, with the id of another profile's document of the same session and version (one id, two formats); they keep their ids, and their next versions get their profile's own."
            )
        }
        print("head \(result.head.map(\.description) ?? "0:" + String(repeating: "0", count: 64))")
    }
}
