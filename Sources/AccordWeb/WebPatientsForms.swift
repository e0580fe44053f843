import AccordCore
import Crypto
import Foundation

// MARK: - Paris time

/// Instants shown to people: Paris time (Europe/Paris, CET/CEST), named as such on the pages.
enum WebParisTime {
    static let zone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// `2026-03-02 10:30` for the UTC instant `2026-03-02T09:30:00Z` (RFC 3339); the text
    /// unchanged when it is no such instant.
    static func text(_ utcInstant: String) -> String {
        guard let date = UTCInstant.parse(utcInstant) else { return utcInstant }
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// The Paris calendar day of a UTC instant (RFC 3339).
    static func day(_ utcInstant: String) -> CalendarDate? {
        guard let date = UTCInstant.parse(utcInstant) else { return nil }
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0))
    }
}

// MARK: - multipart/form-data

/// The parts of a `multipart/form-data` body (RFC 7578), read strictly: CRLF line ends, one
/// `Content-Disposition: form-data; name="…"` per part, no nested multipart. Enough for the
/// RCP report's upload form (a file and the CSRF token) without a further package.
struct WebMultipartForm {
    /// One part: its field name, file name when it is a file, and bytes.
    struct Part {
        var name: String
        var filename: String?
        var data: Data
    }

    /// The parts, in body order.
    var parts: [Part]

    /// The boundary a `Content-Type: multipart/form-data; boundary=…` header names, or `nil`.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let items = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard items.first?.lowercased() == "multipart/form-data" else { return nil }
        for item in items.dropFirst() where item.lowercased().hasPrefix("boundary=") {
            var value = String(item.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }

    /// Reads `body`; `nil` when it is not a well-formed multipart body with this boundary.
    init?(body: Data, boundary: String) {
        let delimiter = Data("--\(boundary)".utf8)
        let crlf = Data("\r\n".utf8)
        guard var cursor = body.range(of: delimiter)?.upperBound else { return nil }
        var parts: [Part] = []
        while true {
            // After a delimiter: `--` ends the body, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard body[cursor...].starts(with: crlf) else { return nil }
            cursor += 2
            guard let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.endIndex) else { return nil }
            guard let headers = String(data: body[cursor..<headerEnd.lowerBound], encoding: .utf8) else { return nil }
            guard let next = body.range(of: crlf + delimiter, in: headerEnd.upperBound..<body.endIndex) else { return nil }
            var name: String?
            var filename: String?
            for line in headers.components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2, pair[0].lowercased() == "content-disposition" else { continue }
                let items = pair[1].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard items.first?.lowercased() == "form-data" else { return nil }
                for item in items.dropFirst() {
                    let field = item.split(separator: "=", maxSplits: 1)
                    guard field.count == 2 else { continue }
                    var value = String(field[1])
                    if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                    switch field[0].lowercased() {
                    case "name": name = value
                    case "filename": filename = value
                    default: break
                    }
                }
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, data: Data(body[headerEnd.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        self.parts = parts
    }

    /// The text of the first part named `name` (UTF-8), or `nil`.
    func field(_ name: String) -> String? {
        parts.first { $0.name == name }.flatMap { String(data: $0.data, encoding: .utf8) }
    }

    /// The first part named `name`, or `nil`.
    func part(_ name: String) -> Part? { parts.first { $0.name == name } }
}

// MARK: - The RCP report between preview and confirmation

/// The uploaded RCP report kept in the preview page's confirmation form, so that nothing is
/// stored on the server between the two: base64 in a hidden field with an HMAC-SHA256 keyed
/// by the sign-in's CSRF token, so that only the sign-in that previewed a report can confirm
/// it, unchanged (the report is read and checked again at confirmation in any case).
enum WebRCPSeal {
    /// The HMAC of `report` for the sign-in whose CSRF token is `key`, base64.
    static func seal(_ report: Data, key: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: report, using: SymmetricKey(data: Data(key.utf8)))).base64EncodedString()
    }

    /// Whether `seal` is the HMAC of `report` for `key` (compared in constant time).
    static func fits(_ report: Data, seal: String, key: String) -> Bool {
        guard let code = Data(base64Encoded: seal) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: report, using: SymmetricKey(data: Data(key.utf8)))
    }
}
