extension WebPages {
    /// Finding a patient's sessions and starting a session: templates by name.
    static let patientsTemplates: [String: String] = [:]
}
