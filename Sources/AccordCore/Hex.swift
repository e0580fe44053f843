/// Lowercase hexadecimal text of bytes (hash values, HMAC chain links, pseudonyms).
public enum Hex {
    /// The bytes as lowercase hexadecimal, two characters per byte (`[0x0f, 0xa0]` → `0fa0`).
    ///
    /// A collection that keeps its bytes together is written in one pass into the string's
    /// own storage (``lowercase(_:)-(UnsafeRawBufferPointer)``); hashes and MACs, whose
    /// iterators copy their bytes first, are given as their `withUnsafeBytes` buffer.
    public static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let text = bytes.withContiguousStorageIfAvailable({ lowercase(UnsafeRawBufferPointer($0)) }) { return text }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            utf8.append(digit(byte >> 4))
            utf8.append(digit(byte & 0x0f))
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The bytes as lowercase hexadecimal, two characters per byte (`[0x0f, 0xa0]` → `0fa0`).
    public static func lowercase(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 &* index] = digit(byte >> 4)
                text[2 &* index &+ 1] = digit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    /// The lowercase hex digit of `nibble` (0…15).
    @inline(__always)
    @inlinable package static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &- 10 &+ nibble
    }
}
