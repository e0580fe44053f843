import Foundation

extension ExportManifest {
    /// What ``ExportFolder`` needs of a manifest: its profile, pseudonymisation and key, and
    /// each document's file, size and check result, read in one pass over the file's bytes
    /// (``ManifestJSONReader``).
    ///
    /// A folder of 100,000 documents has a 35 MB manifest; `JSONDecoder` took about 0.8 s to
    /// read it, a quarter of an export run that had nothing to write. The whole text is still
    /// checked to be JSON (RFC 8259). A manifest is refused as one that is not, when:
    /// - it is not JSON in UTF-8 (a byte order mark at its start is skipped; a text in UTF-16
    ///   or UTF-32 is refused), or holds more than one value, or nests deeper than 64 levels;
    /// - a key every manifest has (`format`, `profile`, `pseudonymised`, `selection`,
    ///   `documents`) or every entry has (`session`, `version`, `validation` with its `result`)
    ///   is missing;
    /// - one of the values read here has another type: `profile` and `result` strings,
    ///   `pseudonymised` a boolean, `pseudonym_key_id` and `file` a string or `null`, `size` an
    ///   integer (written without fraction or exponent, as Accord writes it) or `null`,
    ///   `documents` an array of objects, `validation` an object;
    /// - one of the keys read here appears twice in its object.
    ///
    /// A value of any type under a key not read here (`sha256`, `chain_head`…) is accepted, as
    /// ``ExportManifest/read(_:)`` would not.
    struct Holdings {
        var profile: String
        var pseudonymised: Bool
        var pseudonymKeyID: String?
        var documents: [Document]

        struct Document {
            var file: String?
            var size: Int?
            var result: String
        }

        /// Reads a manifest file's holdings.
        /// - Throws: `AccordError` (`io`) when it cannot be read or is not a manifest (the
        ///   message of ``ExportManifest/read(_:)``).
        ///
        /// The file is mapped rather than copied: a 35 MB manifest read into memory cost about
        /// 0.1 s of the kernel's zeroing and copying, a sixth of a run that had nothing to write.
        /// A manifest is placed whole by a rename and never rewritten, so what is mapped does not
        /// change under the reader; were another program to shorten the file while it is read,
        /// the process would stop with a bus error, before the run has written anything.
        static func read(_ url: URL) throws -> Holdings {
            // Without waiting: opening a FIFO planted under a manifest's name waits for a writer.
            let file = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard file >= 0 else { throw ExportManifest.unreadable(url) }
            defer { close(file) }
            var status = stat()
            guard fstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { throw ExportManifest.unreadable(url) }
            let size = Int(status.st_size)
            // An empty file is not JSON; `mmap` refuses a length of 0.
            guard size > 0 else { throw ExportManifest.unreadable(url) }
            guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file, 0), mapped != MAP_FAILED else {
                throw ExportManifest.unreadable(url)
            }
            defer { munmap(mapped, size) }
            do {
                var reader = ManifestJSONReader(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size))
                return try reader.holdings()
            } catch {
                throw ExportManifest.unreadable(url)
            }
        }
    }
}

/// A strict reader of JSON text (RFC 8259) over UTF-8 bytes, for ``ExportManifest/Holdings``:
/// it reads the values the holdings need and checks the grammar of every other value without
/// building it (strings' escapes and UTF-8 included).
struct ManifestJSONReader {
    /// The text is not JSON, or not a manifest's holdings.
    struct Invalid: Error {}

    /// How deep arrays and objects may nest, counted from the manifest's members (a manifest
    /// nests three levels; a bound keeps the reader's recursion within any thread's stack).
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// A reader of `bytes`, past a UTF-8 byte order mark at their start (which RFC 8259 lets a
    /// parser ignore, and which an editor may add when it saves the file).
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// The keys of a manifest read here, numbered by their place.
    private static let manifestKeys: [StaticString] = ["format", "selection", "profile", "pseudonymised", "pseudonym_key_id", "documents"]
    /// The keys of an entry of `documents` read here, numbered by their place.
    private static let entryKeys: [StaticString] = ["session", "version", "file", "size", "validation"]
    /// The key of an entry's `validation` read here.
    private static let validationKeys: [StaticString] = ["result"]

    /// The holdings of the manifest that is the whole text.
    mutating func holdings() throws -> ExportManifest.Holdings {
        var profile: String?
        var pseudonymised: Bool?
        var pseudonymKeyID: String?
        var documents: [ExportManifest.Holdings.Document]?
        var seen = Seen()
        try readObject { reader, key in
            let number = key.number(among: Self.manifestKeys)
            if let number { try seen.once(number) }
            switch number {
            case 2: profile = try reader.readString()
            case 3: pseudonymised = try reader.readBool()
            case 4: pseudonymKeyID = try reader.readOptionalString()
            case 5:
                var entries: [ExportManifest.Holdings.Document] = []
                try reader.readArray { reader in entries.append(try reader.document()) }
                documents = entries
            default: try reader.skipValue(depth: 1)
            }
        }
        skipSpace()
        guard index == bytes.count, seen.has(0), seen.has(1), let profile, let pseudonymised, let documents else { throw Invalid() }
        return ExportManifest.Holdings(profile: profile, pseudonymised: pseudonymised, pseudonymKeyID: pseudonymKeyID, documents: documents)
    }

    /// One entry of `documents`.
    private mutating func document() throws -> ExportManifest.Holdings.Document {
        var file: String?
        var size: Int?
        var result: String?
        var seen = Seen()
        try readObject { reader, key in
            let number = key.number(among: Self.entryKeys)
            if let number { try seen.once(number) }
            switch number {
            case 2: file = try reader.readOptionalString()
            case 3: size = try reader.readOptionalInteger()
            case 4:
                var resultSeen = Seen()
                try reader.readObject { reader, key in
                    if key.number(among: Self.validationKeys) != nil {
                        try resultSeen.once(0)
                        result = try reader.readString()
                    } else {
                        try reader.skipValue(depth: 4)
                    }
                }
            default: try reader.skipValue(depth: 3)
            }
        }
        guard seen.has(0), seen.has(1), let result else { throw Invalid() }
        return ExportManifest.Holdings.Document(file: file, size: size, result: result)
    }

    /// An object's key as it reads: the bytes between its quotes, or, when it holds an
    /// escape, its bytes unescaped.
    private struct Key {
        var raw: UnsafeBufferPointer<UInt8>
        var unescaped: [UInt8]?

        /// The place of the key among `names`, `nil` when it is none of them.
        func number(among names: [StaticString]) -> Int? {
            if let unescaped {
                return unescaped.withUnsafeBufferPointer { bytes in names.firstIndex { Self.equal(bytes, $0) } }
            }
            return names.firstIndex { Self.equal(raw, $0) }
        }

        /// The first byte is compared before `memcmp` is called: keys of the same length
        /// (`session` and `version`, `file` and `size`) differ there.
        private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            guard !bytes.isEmpty, let base = bytes.baseAddress else { return true }
            return base[0] == name.utf8Start[0] && memcmp(base, name.utf8Start, bytes.count) == 0
        }
    }

    /// The keys of one object met so far, by number.
    private struct Seen {
        private var bits: UInt32 = 0
        /// Notes key `number`. - Throws: `Invalid` when it was met already.
        mutating func once(_ number: Int) throws {
            guard bits & (1 << number) == 0 else { throw Invalid() }
            bits |= 1 << number
        }
        func has(_ number: Int) -> Bool { bits & (1 << number) != 0 }
    }

    // MARK: - Structure

    @inline(__always) private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next byte that is not white space, not consumed.
    @inline(__always) private mutating func peek() throws -> UInt8 {
        skipSpace()
        guard index < bytes.count else { throw Invalid() }
        return bytes[index]
    }

    @inline(__always) private mutating func consume(_ byte: UInt8) throws {
        guard try peek() == byte else { throw Invalid() }
        index += 1
    }

    /// Reads the object that starts here, calling `body` with each key; `body` reads the value.
    private mutating func readObject(_ body: (inout ManifestJSONReader, Key) throws -> Void) throws {
        try consume(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw Invalid() }
            let start = index + 1
            let unescaped = try scanString(unescaping: true)
            let key = Key(raw: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), unescaped: unescaped)
            try consume(UInt8(ascii: ":"))
            try body(&self, key)
            let next = try peek()
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { return }
            throw Invalid()
        }
    }

    /// Reads the array that starts here, calling `body` for each element; `body` reads it.
    private mutating func readArray(_ body: (inout ManifestJSONReader) throws -> Void) throws {
        try consume(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try body(&self)
            let next = try peek()
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { return }
            throw Invalid()
        }
    }

    /// Checks the value that starts here, nested `depth` levels deep, and moves past it.
    private mutating func skipValue(depth: Int) throws {
        guard depth <= Self.maximumDepth else { throw Invalid() }
        switch try peek() {
        case UInt8(ascii: "{"): try readObject { reader, _ in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try readArray { reader in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try scanString(unescaping: false)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try scanNumber()
        }
    }

    // MARK: - Values

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Invalid() }
        index += count
    }

    private mutating func readBool() throws -> Bool {
        if try peek() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// `nil` for `null`.
    private mutating func readOptionalString() throws -> String? {
        if try peek() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        return try readString()
    }

    /// `nil` for `null`.
    private mutating func readOptionalInteger() throws -> Int? {
        if try peek() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        let (start, isInteger) = try scanNumber()
        guard isInteger else { throw Invalid() }
        var value = 0
        var negative = false
        var position = start
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        while position < index {
            let digit = Int(bytes[position] &- UInt8(ascii: "0"))
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflowTimes, !overflowSum else { throw Invalid() }
            value = sum
            position += 1
        }
        return value
    }

    /// Moves past the number that starts here (`-? int frac? exp?`).
    /// - Returns: where it starts, and whether it has neither fraction nor exponent.
    private mutating func scanNumber() throws -> (start: Int, isInteger: Bool) {
        _ = try peek()
        let start = index
        func digits(_ reader: inout ManifestJSONReader) throws {
            let first = reader.index
            while reader.index < reader.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index]) {
                reader.index += 1
            }
            guard reader.index > first else { throw Invalid() }
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw Invalid() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits(&self)
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            try digits(&self)
            isInteger = false
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try digits(&self)
            isInteger = false
        }
        return (start, isInteger)
    }

    private mutating func readString() throws -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw Invalid() }
        let start = index + 1
        if let unescaped = try scanString(unescaping: true) { return String(decoding: unescaped, as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
    }

    /// Moves past the string whose opening quote is here, checking its escapes and its UTF-8
    /// (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF).
    /// - Returns: when `unescaping` and the string holds an escape, its bytes as they read;
    ///   otherwise `nil` (the bytes between the quotes are then the string's).
    private mutating func scanString(unescaping: Bool) throws -> [UInt8]? {
        index += 1
        var pieceStart = index
        var unescaped: [UInt8]?
        while index < bytes.count {
            index = Self.plainRunEnd(bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                unescaped?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pieceStart..<index]))
                index += 1
                return unescaped
            case UInt8(ascii: "\\"):
                if unescaping {
                    unescaped = (unescaped ?? []) + UnsafeBufferPointer(rebasing: bytes[pieceStart..<index])
                }
                index += 1
                guard index < bytes.count else { throw Invalid() }
                let code = bytes[index]
                index += 1
                var scalar: UInt32
                switch code {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalar = UInt32(code)
                case UInt8(ascii: "b"): scalar = 0x08
                case UInt8(ascii: "f"): scalar = 0x0C
                case UInt8(ascii: "n"): scalar = 0x0A
                case UInt8(ascii: "r"): scalar = 0x0D
                case UInt8(ascii: "t"): scalar = 0x09
                case UInt8(ascii: "u"):
                    scalar = try hexQuad()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low one.
                        try literal("\\u")
                        let low = try hexQuad()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Invalid() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw Invalid()
                    }
                default: throw Invalid()
                }
                if unescaping, let character = Unicode.Scalar(scalar) {
                    UTF8.encode(character) { unescaped?.append($0) }
                }
                pieceStart = index
            case 0x00..<0x20:
                throw Invalid()
            case 0x20..<0x80:
                index += 1
            default:
                try scanUTF8Sequence()
            }
        }
        throw Invalid()
    }

    /// Where the run of bytes from `start` that a string holds as they are (printable ASCII
    /// other than `"` and `\`: most of a manifest) ends: eight bytes are looked at a time, and
    /// in the first group that holds another byte, the first such byte is found from the
    /// group's mask (a byte at a time only for the last seven bytes of the buffer).
    ///
    /// Each test below sets the high bit of a byte that matches it, and may set it in bytes
    /// *after* one that matches (a borrow carries upwards only), never before: the lowest bit
    /// set is the first byte to stop at.
    static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// The high bit of each byte of `word` that is 0 (and maybe of bytes after one).
        @inline(__always) func zeros(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
        while index + 8 <= count {
            // Little-endian, so that the lowest bits are the first byte.
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            // A byte at or above 0x80, below 0x20, or equal to `"` or `\`.
            let stops =
                (word & highs) | ((word &- ones &* 0x20) & ~word & highs) | zeros(word ^ (ones &* 0x22))
                | zeros(word ^ (ones &* 0x5C))
            if stops != 0 { return index + stops.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte < 0x20 || byte >= 0x80 || byte == 0x22 || byte == 0x5C { break }
            index += 1
        }
        return index
    }

    /// Four hexadecimal digits.
    private mutating func hexQuad() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Moves past one well-formed multi-byte UTF-8 sequence (RFC 3629, table 3-7 of Unicode).
    private mutating func scanUTF8Sequence() throws {
        let lead = bytes[index]
        let count: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 1
        case 0xE0: count = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 2
        case 0xED: count = 2; high = 0x9F
        case 0xF0: count = 3; low = 0x90
        case 0xF1...0xF3: count = 3
        case 0xF4: count = 3; high = 0x8F
        default: throw Invalid()
        }
        guard index + count < bytes.count else { throw Invalid() }
        guard (low...high).contains(bytes[index + 1]) else { throw Invalid() }
        for offset in stride(from: 2, through: count, by: 1) where !(0x80...0xBF).contains(bytes[index + offset]) {
            throw Invalid()
        }
        index += count + 1
    }
}
