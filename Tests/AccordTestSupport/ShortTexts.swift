/// Every text of a few Unicode scalars drawn from a chosen set: the texts a rule over scalars is
/// checked on exhaustively, rather than on a random sample.
public enum ShortTexts {
    /// The empty text, then every text of 1, 2… up to `length` scalars of `scalars`, in order
    /// (for `n` scalars, 1 + n + n² + … + nˡ texts).
    public static func all(of scalars: [UInt32], upTo length: Int) -> [String] {
        var texts = [""]
        var shorter = [""]
        for _ in 0..<length {
            shorter = shorter.flatMap { text in scalars.map { text + String(Unicode.Scalar($0)!) } }
            texts += shorter
        }
        return texts
    }
}
