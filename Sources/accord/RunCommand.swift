import AccordCore
import AccordService
import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Walk through a consultation in the terminal, phase by phase, recording each answer as it is given.",
        discussion: """
            Asks for the patient and the clinician (or reads them from --from-rcp), then goes through \
            team talk, option talk and decision talk. Type "skip" to pass a question, "quit" to stop: \
            everything entered so far is already recorded. Reads answers line by line from standard \
            input, so it can also be scripted.

            It speaks French unless ACCORD_LANG says otherwise: ACCORD_LANG=en for English (fr, en, \
            or a locale such as fr_FR.UTF-8). The typed commands and answer codes are the same in \
            both languages, and yes/no questions take o/oui/y/yes and n/non/no in both.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Start from an RCP report (CI-SIS FRCP) instead of typing the patient.", valueName: "file"))
    var fromRcp: String?

    @Option(help: ArgumentHelp("Start from a decision template (its options are added).", valueName: "id"))
    var template: String?

    @Option(help: ArgumentHelp("Continue an open session instead of starting one.", valueName: "session"))
    var session: SessionArgument?

    func run() throws {
        // The language is read first: a wrong ACCORD_LANG stops before anything is asked.
        let messages = try Messages.fromEnvironment()
        var guide = GuidedSession(
            service: try store.openStore(), prompter: TerminalPrompter(), author: try store.recordingAuthor(), messages: messages)
        try guide.run(fromRCP: fromRcp, templateID: template, session: session?.id)
    }
}

/// The terminal as a guided session's prompter: questions and answers on standard output and
/// input, warnings on standard error.
struct TerminalPrompter: GuidedPrompter {
    func say(_ text: String) {
        print(text)
        fflush(nil)
    }

    func ask(_ prompt: String) -> String? {
        print(prompt + " ", terminator: "")
        fflush(nil)
        return readLine(strippingNewline: true)
    }

    func warn(_ text: String) {
        Terminal.warning(text)
    }
}
