extension WebStrings {
    // Finding a patient's sessions and starting a session.

    static let patientsFrench: [String: String] = [:]

    static let patientsEnglish: [String: String] = [:]
}
