/// The id of a consultation session: `S` followed by its number in the database (`S12`).
///
/// The number also appears in document ids (`OIDROOT.1.12`), which is why it is numeric.
public struct SessionID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The session's number, from 1.
    public let number: Int64

    public init(number: Int64) { self.number = number }

    /// Parses `S12`, `s12` or `12` (at most 9 digits: longer numbers are more likely an INS or
    /// an RPPS typed in the wrong place than a session); `nil` otherwise.
    public init?(_ text: String) {
        let digits = text.first == "S" || text.first == "s" ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int64(digits), number > 0
        else { return nil }
        self.number = number
    }

    /// `S` + number.
    public var description: String { "S" + String(number) }

    public static func < (lhs: SessionID, rhs: SessionID) -> Bool { lhs.number < rhs.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SessionID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a session id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
