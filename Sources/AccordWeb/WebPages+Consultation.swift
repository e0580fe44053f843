extension WebPages {
    /// The consultation page, its forms, amendments and history: templates by name.
    static let consultationTemplates: [String: String] = [:]
}
