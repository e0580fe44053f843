/// One item's answer, as the instrument's scoring uses it.
///
/// Written and stored as a short token: a whole number (`5`), `yes`, `no`, a capital letter
/// (`C`), or `-` for an item left unanswered. Answers are not personal data; they are kept raw
/// with the instrument's id and version so a score can be recomputed if a rule changes.
public enum InstrumentAnswer: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A point on the item's scale (SDM-Q-9 0–5, OPTION 0–4, CollaboRATE 0–9 or 0–4, DCS 0–4, DRS 1–5).
    case value(Int)
    /// Yes (SURE).
    case yes
    /// No (SURE).
    case no
    /// A capital letter (Control Preferences Scale, `A`–`E`).
    case letter(String)
    /// The item was not answered (`-`); the instrument's missing-item rule applies.
    case missing

    /// Reads a stored token (`5`, `yes`, `no`, `C`, `-`); `nil` when it is none of these.
    ///
    /// This does not check the answer against an instrument: see ``Instrument/parseAnswers(_:)``.
    public init?(token: String) {
        switch token {
        case "-": self = .missing
        case "yes": self = .yes
        case "no": self = .no
        default:
            if let number = Int(token) {
                self = .value(number)
            } else if token.count == 1, let character = token.first, character.isASCII, character.isUppercase {
                self = .letter(token)
            } else {
                return nil
            }
        }
    }

    /// The token: `5`, `yes`, `no`, `C` or `-`.
    public var description: String {
        switch self {
        case .value(let number): String(number)
        case .yes: "yes"
        case .no: "no"
        case .letter(let letter): letter
        case .missing: "-"
        }
    }

    /// The answers as `--answers` takes them: tokens separated by commas (`5,4,-,3`).
    public static func text(_ answers: [InstrumentAnswer]) -> String {
        answers.map(\.description).joined(separator: ",")
    }

    public init(from decoder: any Decoder) throws {
        let token = try decoder.singleValueContainer().decode(String.self)
        guard let answer = InstrumentAnswer(token: token) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an instrument answer (a whole number, yes, no, a letter or -)")
            )
        }
        self = answer
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
