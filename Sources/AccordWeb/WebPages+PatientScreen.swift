extension WebPages {
    /// The patient's screen and its instruments: templates by name.
    static let patientScreenTemplates: [String: String] = [:]
}
