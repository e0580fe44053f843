import Foundation

/// Looking for personal data in what Accord prints or exports.
public enum Leaks {
    /// `text` without its runs of 32 or more hexadecimal digits (pseudonyms, digests, chain
    /// values): made under a key drawn for each run, their digits can hold a secret's digits by
    /// chance ("121958fa…" holds "1958"), which is not a leak.
    public static func withoutDigests(_ text: String) -> String {
        text.replacingOccurrences(of: "[0-9a-fA-F]{32,}", with: "", options: .regularExpression)
    }
}
