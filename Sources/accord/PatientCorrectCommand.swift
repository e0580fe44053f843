import AccordCore
import AccordService
import ArgumentParser
import Foundation

/// `accord patient correct S …`: corrects the patient's identity traits in one session by an
/// event, with a reason, and says which issued documents carry the earlier identity.
struct PatientCorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct the patient's identity traits in a session (open or closed), with a reason.",
        discussion: """
            Only the traits given (and different from those recorded) are corrected, by one event; each is checked \
            as by `session start`, and the corrected identity as a whole. The exports then show the corrected \
            traits: a closed session's next export is a new version, which replaces the earlier one.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
    var session: SessionArgument

    @Option(help: ArgumentHelp("Birth family name, as the INS holds it.", valueName: "name"))
    var familyName: String?

    @Option(help: ArgumentHelp("Birth given names, in order, separated by spaces.", valueName: "names"))
    var givenNames: String?

    @Option(
        help: ArgumentHelp(
            "First birth given name (default with --given-names: its first, when the recorded one was the first).",
            valueName: "name"))
    var firstGivenName: String?

    @Option(help: ArgumentHelp("Birth date, YYYY-MM-DD.", valueName: "date"))
    var birthDate: String?

    @Option(help: ArgumentHelp("Administrative sex: F, M or U.", valueName: "sex"))
    var sex: String?

    @Option(help: ArgumentHelp("Birth place as its INSEE COG code (e.g. 75056, 2A004, 99134).", valueName: "cog"))
    var birthplace: String?

    @Option(help: ArgumentHelp("Family name used in daily life.", valueName: "name"))
    var usedFamilyName: String?

    @Option(help: ArgumentHelp("Given name used in daily life.", valueName: "name"))
    var usedGivenName: String?

    @Option(help: ArgumentHelp("The patient's IPP in the centre.", valueName: "ipp"))
    var ipp: String?

    @Option(help: ArgumentHelp("OID of the IPP domain (default: the session's, else the centre's OID root + .2).", valueName: "oid"))
    var ippRoot: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Why the identity is corrected; required.", valueName: "text"))
    var reason: String

    func run() throws {
        let birth = try birthDate.map { text in
            guard let date = CalendarDate(text) else {
                throw AccordError.invalid("--birth-date", "is not a calendar date", accepted: "a date as YYYY-MM-DD")
            }
            return date
        }
        let sexValue = try sex.map { text in
            guard let value = Sex(argument: text) else {
                throw AccordError.invalid("--sex", "is not an administrative sex", accepted: "F, M or U")
            }
            return value
        }
        let update = try store.openStore().correctIdentity(
            IdentityCorrectionRequest(
                familyName: familyName, givenNames: givenNames, firstGivenName: firstGivenName, birthDate: birth, sex: sexValue,
                birthplace: birthplace, usedFamilyName: usedFamilyName, usedGivenName: usedGivenName, ipp: ipp, ippRoot: ippRoot),
            in: session.id, author: try store.recordingAuthor(), reason: reason)
        Terminal.message(
            "Corrected the patient's identity in session \(session.id): \(update.traits.joined(separator: ", "))."
                + (update.consultation.status == .closed ? " (amendment)" : ""))
        Terminal.warnings(update.warnings)
        if let reexport = update.reexportNotice { Terminal.message(reexport) }
    }
}
