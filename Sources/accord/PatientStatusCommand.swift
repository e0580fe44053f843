import AccordCore
import AccordService
import ArgumentParser
import Foundation

/// `accord patient status S --set STATUS --justification document|insi --reason "…"`: changes
/// the identity's status (RNIV) in one session by an event.
struct PatientStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Change the status of the patient's identity in a session (RNIV), with a justification and a reason.",
        discussion: """
            The statuses of the national identity vigilance referential (RNIV): provisional, recovered (returned by \
            the INSi teleservice), validated (checked against an identity document) and qualified (both). A recovered \
            identity is justified by insi, a validated one by document, a qualified one by the check that completes \
            it; a return to provisional (a doubt) needs no justification. For an identity recorded without INS, give \
            the INS that INSi returned with --ins. Documents carry the INS only for a qualified identity, the IPP \
            otherwise: a closed session's next export is a new version.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
    var session: SessionArgument

    @Option(help: ArgumentHelp("The new status: provisional, recovered, validated or qualified.", valueName: "status"))
    var set: String

    @Option(help: ArgumentHelp("What justifies it: document or insi.", valueName: "justification"))
    var justification: String?

    @Option(help: ArgumentHelp("The INS returned by INSi, for an identity recorded without INS.", valueName: "ins"))
    var ins: String?

    @Option(
        help: ArgumentHelp(
            "OID of --ins (default: production INS-NIR 1.2.250.1.213.1.4.8; tests: 1.2.250.1.213.1.4.10).", valueName: "oid"))
    var insOid: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Why the status changes; required.", valueName: "text"))
    var reason: String

    func run() throws {
        guard let status = IdentityStatus(argument: set) else {
            throw AccordError.invalid("--set", "is not an identity status", accepted: IdentityStatus.accepted)
        }
        let justified = try justification.map { text in
            guard let value = IdentityJustification(rawValue: text.lowercased()) else {
                throw AccordError.invalid("--justification", "is not a justification", accepted: IdentityJustification.accepted)
            }
            return value
        }
        let change = IdentityStatusChange(status: status, justification: justified, ins: ins?.uppercased(), insOID: insOid)
        let update = try store.openStore().changeIdentityStatus(
            change, in: session.id, author: try store.recordingAuthor(), reason: reason)
        Terminal.message(
            "The patient's identity in session \(session.id) is now \(status.rawValue)"
                + (change.ins != nil ? ", with the INS returned by INSi" : "") + "."
                + (update.consultation.status == .closed ? " (amendment)" : ""))
        Terminal.warnings(update.warnings)
        if let reexport = update.reexportNotice { Terminal.message(reexport) }
    }
}
