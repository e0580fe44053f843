import Foundation

extension Instrument {
    /// Reads `--answers`: one answer per item, in item order, separated by commas.
    ///
    /// Numbers for scales (`5,4,5,3,4,4,5,5,4`), `yes`/`no` for SURE (`oui`/`non` and any case
    /// accepted), a letter for the Control Preferences Scale (`C` or `c`), `-` for an item left
    /// unanswered. Spaces around answers are ignored.
    ///
    /// - Parameter text: the value of `--answers`.
    /// - Returns: exactly ``itemCount`` answers, each in the item's range or `.missing`.
    /// - Throws: `AccordError` (`invalidInput`) on `--answers`, naming the item number at fault
    ///   (never its value) and saying how many answers of which kind are expected.
    public func parseAnswers(_ text: String) throws -> [InstrumentAnswer] {
        let tokens = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if tokens == [""] { throw answersError("is empty") }
        guard tokens.count == itemCount else { throw answersError(countProblem(tokens.count)) }
        return try tokens.enumerated().map { index, token in
            let item = index + 1
            if token.isEmpty { throw answersError("item \(item) is empty (write - for an unanswered item)") }
            if token == "-" { return .missing }
            let answer: InstrumentAnswer
            switch answerKind {
            case .scale:
                guard let number = Int(token) else { throw answersError("item \(item) is not a whole number") }
                answer = .value(number)
            case .yesNo:
                switch token.lowercased() {
                case "yes", "oui": answer = .yes
                case "no", "non": answer = .no
                default: throw answersError("item \(item) is not yes or no")
                }
            case .letters:
                answer = .letter(token.uppercased())
            }
            try check(answer, item: item)
            return answer
        }
    }

    /// Checks a list of answers against the instrument: the count and each answer's kind and range.
    ///
    /// - Throws: `AccordError` (`invalidInput`) on `--answers`, as ``parseAnswers(_:)``.
    public func validate(_ answers: [InstrumentAnswer]) throws {
        guard answers.count == itemCount else { throw answersError(countProblem(answers.count)) }
        for (index, answer) in answers.enumerated() {
            try check(answer, item: index + 1)
        }
    }

    // MARK: - Checks

    private func check(_ answer: InstrumentAnswer, item: Int) throws {
        switch (answerKind, answer) {
        case (_, .missing):
            return
        case (.scale(let range), .value(let number)):
            if !range.contains(number) { throw answersError("item \(item) is out of range") }
        case (.scale, _):
            throw answersError("item \(item) is not a whole number")
        case (.yesNo, .yes), (.yesNo, .no):
            return
        case (.yesNo, _):
            throw answersError("item \(item) is not yes or no")
        case (.letters(let letters), .letter(let letter)):
            if !letters.contains(letter) { throw answersError("item \(item) is not an accepted letter") }
        case (.letters, _):
            throw answersError("item \(item) is not an accepted letter")
        }
    }

    private func countProblem(_ count: Int) -> String {
        "has \(count) answer\(count == 1 ? "" : "s")"
    }

    /// What `--answers` takes for this instrument, e.g. `9 answers for sdm-q-9, each a whole
    /// number from 0 to 5, separated by commas, with - for an unanswered item`.
    public var acceptedAnswers: String {
        let each: String
        switch answerKind {
        case .scale(let range): each = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .yesNo: each = "yes or no"
        case .letters(let letters): each = "a letter from \(letters.first ?? "") to \(letters.last ?? "")"
        }
        if itemCount == 1 { return "1 answer for \(id.rawValue), \(each), or - if unanswered" }
        return "\(itemCount) answers for \(id.rawValue), each \(each), separated by commas, with - for an unanswered item"
    }

    private func answersError(_ problem: String) -> AccordError {
        AccordError.invalid("--answers", problem, accepted: acceptedAnswers)
    }
}
