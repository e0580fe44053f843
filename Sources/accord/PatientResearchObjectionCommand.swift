import AccordCore
import AccordService
import ArgumentParser
import Foundation

/// `accord patient research-objection S --reason "…"` (or `--withdraw --reason "…"`): records
/// the patient's objection to the re-use of their data for research, or its withdrawal, by an
/// event in one session.
struct PatientResearchObjectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "research-objection",
        abstract: "Record that the patient objects to the re-use of their data for research, or withdraw it, with a reason.",
        discussion: """
            French rules give the patient the right to object to the re-use of their data for research. The \
            objection is an event of the session, open or closed, with its reason; it is not a change of the \
            record (no amendment, no new document version). While the patient objects, every session of the \
            patient (same INS, or same IPP) is left out of pseudonymised exports, which count them without \
            saying which; identified exports are unaffected. Per patient, the latest objection or withdrawal \
            decides. --withdraw withdraws the objection the session records.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
    var session: SessionArgument

    @Flag(help: "Withdraw the objection the session records.")
    var withdraw = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Why: how and when the patient said so; required.", valueName: "text"))
    var reason: String?

    func run() throws {
        let update = try store.openStore().recordResearchObjection(
            objects: !withdraw, in: session.id, author: try store.recordingAuthor(), reason: reason)
        let what =
            withdraw
            ? "The withdrawal of the patient's research objection" : "The patient's objection to research re-use"
        var line = "\(what) is recorded in session \(session.id) (event \(update.eventSequence), \(session.id)#\(update.sessionSequence))."
        if withdraw && update.patientObjects {
            line += " An objection recorded in another session of the patient still stands."
        } else if !withdraw {
            line += " Pseudonymised exports leave out the patient's sessions."
        }
        Terminal.message(line)
    }
}
