extension WebStrings {
    // The access log's pages.

    static let accessFrench: [String: String] = [:]

    static let accessEnglish: [String: String] = [:]
}
