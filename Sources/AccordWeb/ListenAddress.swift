import AccordCore
import Foundation

/// Where `accord serve` listens: a host (an IPv4 or IPv6 address, or a name) and a TCP port.
///
/// Written `HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `0.0.0.0:8443`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host, without brackets (`127.0.0.1`, `::1`, `localhost`).
    public let host: String
    /// The TCP port, 1–65535.
    public let port: Int

    /// The default: loopback, port 8080.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 8080)

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `HOST:PORT`.
    /// - Throws: `AccordError` (`invalidInput`) naming `--listen` when the text is not a host
    ///   and a port from 1 to 65535.
    public init(parsing text: String) throws {
        let accepted = "HOST:PORT, such as 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8443 (port 1 to 65535)"
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw AccordError.invalid("--listen", "has an IPv6 address without its closing bracket and port", accepted: accepted)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw AccordError.invalid("--listen", "has no port (or an IPv6 address without brackets)", accepted: accepted)
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "%") })
        else {
            throw AccordError.invalid("--listen", "has an empty or malformed host", accepted: accepted)
        }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65535).contains(port) else {
            throw AccordError.invalid("--listen", "has a port that is not a number from 1 to 65535", accepted: accepted)
        }
        self.host = String(host)
        self.port = port
    }

    /// Whether the host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`): only this
    /// machine can reach it.
    public var isLoopback: Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "::1" || lower == "0:0:0:0:0:0:0:1" { return true }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `HOST:PORT`, IPv6 hosts in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The certificate and private key of `accord serve --tls-cert --tls-key` (PEM files).
public struct TLSFiles: Sendable, Hashable {
    /// The certificate chain (PEM), the server's certificate first.
    public var certificate: String
    /// The private key (PEM).
    public var key: String

    /// The two files.
    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }

    /// Checks the options of `accord serve`: both TLS files or neither, and TLS whenever the
    /// address is not loopback (anyone on the network could otherwise read the pages and the
    /// passwords).
    ///
    /// - Returns: the TLS files, or `nil` for plain HTTP on loopback.
    /// - Throws: `AccordError` (`invalidInput`) naming `--tls-cert`, `--tls-key` or `--listen`.
    public static func check(listen: ListenAddress, certificate: String?, key: String?) throws -> TLSFiles? {
        switch (certificate, key) {
        case (let certificate?, let key?):
            return TLSFiles(certificate: certificate, key: key)
        case (.some, nil):
            throw AccordError.invalid(
                "--tls-key", "is missing while --tls-cert is given", accepted: "both --tls-cert and --tls-key, or neither")
        case (nil, .some):
            throw AccordError.invalid(
                "--tls-cert", "is missing while --tls-key is given", accepted: "both --tls-cert and --tls-key, or neither")
        case (nil, nil):
            guard listen.isLoopback else {
                throw AccordError.invalid(
                    "--listen", "is not a loopback address, and plain HTTP would cross the network unencrypted",
                    accepted: "--tls-cert and --tls-key (PEM files) with this address, or a loopback address (127.0.0.1, ::1, localhost)")
            }
            return nil
        }
    }
}
