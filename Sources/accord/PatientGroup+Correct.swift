import ArgumentParser

/// `accord patient`: the patient's identity in a session.
struct PatientGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient", abstract: "Correct the patient's identity in a session, or change its status (RNIV).",
        subcommands: [PatientCorrectCommand.self, PatientStatusCommand.self])
}
