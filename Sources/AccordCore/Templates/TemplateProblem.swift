/// One problem found in a decision template file.
///
/// `description` reads `FILE:LINE: FIELD: MESSAGE` (a warning reads
/// `FILE:LINE: FIELD: warning: MESSAGE`), the form editors and CI logs recognise.
/// `field` is a key path with 1-based list positions, as in consultation files:
/// `options[2].benefits[1].source` is the source of the first benefit of the second option.
public struct TemplateProblem: Sendable, Hashable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The template is refused.
        case error
        /// The template loads, but a reviewer should look (e.g. no surveillance option).
        case warning
    }

    /// The file name as given to the linter.
    public var file: String
    /// The 1-based line the problem is on (the line of the key, value or enclosing mapping).
    public var line: Int
    /// The key path (`options[2].kind`), or `yaml` for a syntax error.
    public var field: String
    /// What is wrong and what is accepted, in one sentence.
    public var message: String
    /// Error or warning.
    public var severity: Severity

    public init(file: String, line: Int, field: String, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        self.severity = severity
    }

    public var description: String {
        "\(file):\(line): \(field): " + (severity == .warning ? "warning: " : "") + message
    }
}

/// The problems that stopped a template from parsing: every error found, not only the first.
public struct TemplateLintError: Error, Sendable, CustomStringConvertible {
    /// All problems found, errors and warnings, in file order.
    public var problems: [TemplateProblem]

    public init(problems: [TemplateProblem]) {
        self.problems = problems
    }

    /// One problem per line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
