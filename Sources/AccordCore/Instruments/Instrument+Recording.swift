extension Instrument {
    /// The change that records this instrument's answers, as `accord instrument record` and the
    /// patient's screen record them: the answers read by ``parseAnswers(_:)``, scored by
    /// ``score(_:)``, with this version.
    ///
    /// - Parameters:
    ///   - answers: the answers as `--answers` takes them (`5,4,-,3`).
    ///   - respondent: who answered; `nil`: ``defaultRespondent``.
    ///   - answeredBy: the participant who answered for an absent patient, or `nil`.
    /// - Returns: an `instrumentRecorded` change.
    /// - Throws: `AccordError` (`invalidInput`) on `--answers`, as ``parseAnswers(_:)``, or as
    ///   ``score(_:)`` throws.
    public func recordedChange(answers: String, respondent: Respondent?, answeredBy: EntryID? = nil) throws -> Change {
        let parsed = try parseAnswers(answers)
        let score = try score(parsed)
        return .instrumentRecorded(
            instrument: id, version: version, respondent: respondent ?? defaultRespondent, answers: parsed, score: score,
            answeredBy: answeredBy)
    }
}
