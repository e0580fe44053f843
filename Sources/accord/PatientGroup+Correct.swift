import ArgumentParser

/// `accord patient`: the patient's identity in a session, and their research objection.
struct PatientGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient",
        abstract:
            "Correct the patient's identity in a session, change its status (RNIV), or record the patient's objection to research re-use.",
        subcommands: [PatientCorrectCommand.self, PatientStatusCommand.self, PatientResearchObjectionCommand.self])
}
