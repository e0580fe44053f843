extension WebStrings {
    // The patient's screen and its instruments.

    static let patientScreenFrench: [String: String] = [:]

    static let patientScreenEnglish: [String: String] = [:]
}
