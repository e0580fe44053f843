import AccordCore
import AccordStore
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
        let database = try store.openStore()
        let before = try database.consultation(session.id)
        var ippIdentifier: InstanceIdentifier?
        if ipp != nil || ippRoot != nil {
            guard let extension_ = ipp ?? before.start.ipp?.extension_ else {
                throw AccordError.invalid(
                    "--ipp-root", "is given for a session without an IPP", accepted: "--ipp with the IPP, and --ipp-root if needed")
            }
            let root = try ippRoot ?? before.start.ipp?.root ?? ((database.centreSettings() ?? .example).oidRoot + ".2")
            ippIdentifier = InstanceIdentifier(root: root, extension_: extension_)
        }
        var first = firstGivenName
        let recorded = before.start.patient
        if let givenNames, first == nil, recorded.firstBirthGivenName == Self.firstWord(recorded.birthGivenNames) {
            first = Self.firstWord(givenNames)
        }
        let correction = IdentityCorrection(
            birthFamilyName: familyName, birthGivenNames: givenNames, firstBirthGivenName: first, birthDate: birth, sex: sexValue,
            birthplaceCode: birthplace?.uppercased(), usedFamilyName: usedFamilyName, usedGivenName: usedGivenName,
            ipp: ippIdentifier
        ).keepingChanges(from: before.start)
        let after = try database.record(
            .identityCorrected(correction), in: session.id, author: try store.recordingAuthor(), reason: reason)
        Terminal.message(
            "Corrected the patient's identity in session \(session.id): \(correction.traitNames.joined(separator: ", "))."
                + (after.status == .closed ? " (amendment)" : ""))
        Terminal.identityWarnings(database, session: session.id, identity: after.start.patient)
        if let reexport = Self.reexportNotice(after) { Terminal.message(reexport) }
    }

    static func firstWord(_ names: String) -> String {
        String(names.split(separator: " ").first ?? Substring(names))
    }

    /// Which issued documents carry the earlier identity: the last version of each profile.
    static func reexportNotice(_ consultation: Consultation) -> String? {
        var latest: [(profile: String, version: Int)] = []
        for issue in consultation.issuedDocuments {
            if let index = latest.firstIndex(where: { $0.profile == issue.profile }) {
                latest[index].version = max(latest[index].version, issue.version)
            } else {
                latest.append((issue.profile, issue.version))
            }
        }
        guard !latest.isEmpty else { return nil }
        let documents = latest.map { "\($0.profile) version \($0.version)" }.joined(separator: ", ")
        return "Re-export \(consultation.id) (\(documents) \(latest.count == 1 ? "was" : "were") issued with the earlier identity)."
    }
}
