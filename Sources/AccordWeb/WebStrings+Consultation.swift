extension WebStrings {
    // The consultation page, its forms, amendments and history.

    static let consultationFrench: [String: String] = [:]

    static let consultationEnglish: [String: String] = [:]
}
