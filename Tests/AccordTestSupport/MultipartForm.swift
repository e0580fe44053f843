import Foundation

/// A `multipart/form-data` body, as a browser sends a form with one file: the text fields in
/// name order, then the file (as `text/xml`). The web tests in process and the ones against
/// `accord serve` upload with it.
public enum MultipartForm {
    /// The boundary between the parts (fixed: a body is the same from run to run).
    public static let boundary = "accordTestBoundary7MA4YWxkTrZu0gW"

    /// The `Content-Type` of the bodies.
    public static let contentType = "multipart/form-data; boundary=\(boundary)"

    /// The body of `fields` and of `file`: its form field, its file name and its bytes.
    public static func body(fields: [String: String], file: (field: String, name: String, data: Data)) -> Data {
        var body = Data()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: text/xml\r\n\r\n"
                    .utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }
}
