extension WebPages {
    /// The access log's pages: templates by name.
    static let accessTemplates: [String: String] = [:]
}
