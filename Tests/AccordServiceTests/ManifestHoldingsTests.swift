import AccordCore
import Foundation
import Testing

@testable import AccordService

/// `ExportManifest.Holdings`, read from a manifest's bytes by `ManifestJSONReader`: the same
/// values as the whole manifest decoded by `JSONDecoder`, and every text that is not JSON, or
/// not a manifest's holdings, refused.
@Suite struct ManifestHoldingsTests {
    /// What the holdings hold, comparable.
    struct Read: Equatable {
        var profile: String
        var pseudonymised: Bool
        var pseudonymKeyID: String?
        var documents: [String]
    }

    func holdings(_ bytes: [UInt8]) throws -> Read {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-holdings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("manifest-20260302T093000Z.json")
        try Data(bytes).write(to: url)
        let read = try ExportManifest.Holdings.read(url)
        return Read(
            profile: read.profile, pseudonymised: read.pseudonymised, pseudonymKeyID: read.pseudonymKeyID,
            documents: read.documents.map { "\($0.file ?? "-") \($0.size.map(String.init) ?? "-") \($0.result)" })
    }

    /// The same, from the whole manifest decoded by `JSONDecoder`.
    func decoded(_ text: String) throws -> Read {
        let manifest = try AccordJSON.decoder().decode(ExportManifest.self, from: Data(text.utf8))
        return Read(
            profile: manifest.profile, pseudonymised: manifest.pseudonymised, pseudonymKeyID: manifest.pseudonymKeyID,
            documents: manifest.documents.map { "\($0.file ?? "-") \($0.size.map(String.init) ?? "-") \($0.validation.result)" })
    }

    static let head = #""format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{"all":true}"#

    @Test(arguments: [
        // As Accord writes it.
        #"{"chain_head":"11:3f","#
            + head
            + #","started_at":"2026-03-02T09:30:00Z","documents":["# + "\n "
            + #"{"chain_head":"11:3f","exported_at":"2026-03-02T09:30:00Z","file":"S1-v1.cda.xml","session":"S1","sha256":"9a","size":18234,"validation":{"result":"valid","schema":"/s/CDA_extended.xsd"},"version":1},"#
            + "\n "
            + #"{"chain_head":"11:3f","exported_at":"2026-03-02T09:30:00Z","session":"S3","version":1,"validation":{"message":"line 12: \"x\"","result":"failed"}}"#
            + "\n" + #"],"finished_at":"2026-03-02T09:30:00Z","summary":{"already_present":0,"failed":1,"written":1}}"# + "\n",
        // White space everywhere JSON allows it, keys in another order, nulls.
        " \r\n\t{ \"documents\" : [ { \"version\" : 2 , \"validation\" : { \"result\" : \"valid\" } , \"session\" : \"S2\" , \"size\" : null , \"file\" : null } ] ,"
            + #" "pseudonym_key_id" : null , "#
            + head + " } \n",
        // Escapes in keys and values, a pair of surrogates, UTF-8, an integer written -0.
        "{" + head
            + #","pseudonym_key_id":"k\u00e9y\ud83d\ude00","documents":[{"\u0066ile":"S1\u002dv1\/x.xml","s\u0069ze":-0,"session":"S1","version":1,"validation":{"res\u0075lt":"vali\u0064"}},"#
            + #"{"file":"Sé-v1.cda.xml","size":12,"session":"S2","version":1,"validation":{"result":"valid"}}]}"#,
        // Values of any type under keys not read, nested.
        "{" + head + #","x":[1,-2.5e+3,0.0,1E-2,true,false,null,{"a":[[],{}]},"\"\\\/\b\f\n\r\t"],"documents":[]}"#,
        // A pseudonymised manifest.
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":true,"pseudonym_key_id":"ab12","selection":{},"documents":[{"file":"P-v1.pseudonymised.cda.xml","session":"P","size":3,"version":1,"validation":{"result":"not-validated"}}]}"#,
    ])
    func aManifestReadsAsJSONDecoderReadsIt(text: String) throws {
        #expect(try holdings(Array(text.utf8)) == decoded(text))
    }

    /// Texts refused: not JSON (RFC 8259), or not a manifest's holdings.
    @Test(arguments: [
        "",
        "[]",
        "{" + head + #","documents":[]} x"#,
        "{" + head + #","documents":[]}{}"#,
        "{" + head + #","documents":[],}"#,
        "{" + head + #","documents":[1,]}"#,
        "{" + head + #" "documents":[]}"#,
        "{" + head + #","documents":[]"#,
        "{" + head + #","documents":[],"x":tru}"#,
        "{" + head + #","documents":[],"x":nul}"#,
        "{" + head + #","documents":[],"x":01}"#,
        "{" + head + #","documents":[],"x":1.}"#,
        "{" + head + #","documents":[],"x":.5}"#,
        "{" + head + #","documents":[],"x":-}"#,
        "{" + head + #","documents":[],"x":1e}"#,
        "{" + head + #","documents":[],"x":+1}"#,
        "{" + head + #","documents":[],"x":"a\x"}"#,
        "{" + head + #","documents":[],"x":"\u12"}"#,
        "{" + head + #","documents":[],"x":"\ud800"}"#,
        "{" + head + #","documents":[],"x":"\udc00\ud800"}"#,
        "{" + head + #","documents":[],"x":"\ud800\u0041"}"#,
        "{" + head + ",\"documents\":[],\"x\":\"a\tb\"}",
        "{" + head + ",\"documents\":[],\"x\":\"a\u{0}b\"}",
        "{" + head + #","documents":[],"x":'a'}"#,
        "{" + head + #","documents":[],"profile":"cda-fr"}"#,
        "{" + head + #","documents":[],"pseudonym_key_id":1}"#,
        "{" + head + #","documents":{}}"#,
        "{" + head + #","documents":[[]]}"#,
        "{" + head
            + #","documents":[{"file":"S1-v1.cda.xml","file":"S2-v1.cda.xml","session":"S1","version":1,"validation":{"result":"valid"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"validation":{"result":"valid","result":"failed"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"validation":"valid"}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"validation":{"result":null}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"validation":{}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1}]}"#,
        "{" + head + #","documents":[{"version":1,"validation":{"result":"valid"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","validation":{"result":"valid"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"file":7,"validation":{"result":"valid"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"size":"5","validation":{"result":"valid"}}]}"#,
        // An integer is read as Accord writes it: no fraction, no exponent, within 64 bits.
        "{" + head + #","documents":[{"session":"S1","version":1,"size":5.0,"validation":{"result":"valid"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"size":5e0,"validation":{"result":"valid"}}]}"#,
        "{" + head + #","documents":[{"session":"S1","version":1,"size":9223372036854775808,"validation":{"result":"valid"}}]}"#,
        #"{"profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"documents":[]}"#,
        #"{"format":"accord-export-manifest/1","pseudonymised":false,"selection":{},"documents":[]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","selection":{},"documents":[]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{}}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":"no","selection":{},"documents":[]}"#,
        "{" + head + #","documents":[],"x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
    ])
    func aTextThatIsNotAManifestIsRefused(text: String) throws {
        #expect(throws: AccordError.self) { try holdings(Array(text.utf8)) }
    }

    /// Bytes that are not UTF-8 (RFC 3629) in a string: a lone continuation byte, an overlong
    /// form, a surrogate, a code point above U+10FFFF, a sequence cut short.
    @Test(arguments: [
        [0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xC3],
    ])
    func bytesThatAreNotUTF8AreRefused(bytes: [UInt8]) throws {
        let text = "{" + Self.head + #","documents":[{"file":"S"#
        let rest = #"-v1.cda.xml","session":"S1","version":1,"validation":{"result":"valid"}}]}"#
        #expect(try holdings(Array(text.utf8) + [0xC3, 0xA9] + Array(rest.utf8)).documents == ["Sé-v1.cda.xml - valid"])
        #expect(throws: AccordError.self) { try holdings(Array(text.utf8) + bytes + Array(rest.utf8)) }
    }

    /// A UTF-8 byte order mark at the start (an editor may add one) is skipped, as
    /// `JSONDecoder` skips it; a manifest in UTF-16 is refused (RFC 8259 asks for UTF-8).
    @Test func aByteOrderMarkIsSkippedAndUTF16Refused() throws {
        let text =
            "{" + Self.head
            + #","documents":[{"file":"S1-v1.cda.xml","session":"S1","size":5,"version":1,"validation":{"result":"valid"}}]}"#
        #expect(try holdings([0xEF, 0xBB, 0xBF] + Array(text.utf8)) == decoded(text))
        #expect(throws: AccordError.self) { try holdings([0xEF, 0xBB] + Array(text.utf8)) }
        #expect(throws: AccordError.self) {
            try holdings([0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        }
    }

    /// Arrays and objects nested as deep as ``ManifestJSONReader/maximumDepth`` under a member
    /// of the manifest are read, not one level more.
    @Test func nestingIsReadToItsLimit() throws {
        func text(_ depth: Int) -> [UInt8] {
            Array(
                ("{" + Self.head + #","documents":[],"x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                    + "}").utf8)
        }
        #expect(try holdings(text(ManifestJSONReader.maximumDepth)).documents == [])
        #expect(throws: AccordError.self) { try holdings(text(ManifestJSONReader.maximumDepth + 1)) }
    }

    /// The run of bytes a string holds as they are, found eight bytes at a time, ends where a
    /// byte at a time ends it, from any start, for buffers holding every byte value (a
    /// mutation that let `\` through, or bytes at 0x80 and above, made this fail).
    @Test func thePlainRunEndsWhereAByteAtATimeEndsIt() {
        var generator = SystemRandomNumberGenerator()
        let special: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...48, using: &generator)
            let bytes: [UInt8] = (0..<count).map { _ in
                // Mostly plain bytes, so that runs are long; now and then any byte.
                Int.random(in: 0..<8, using: &generator) == 0
                    ? (Bool.random(using: &generator)
                        ? special.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator))
                    : UInt8.random(in: 0x23...0x5B, using: &generator)
            }
            let start = Int.random(in: 0...count, using: &generator)
            var expected = start
            while expected < count, bytes[expected] >= 0x20, bytes[expected] < 0x80, bytes[expected] != 0x22, bytes[expected] != 0x5C {
                expected += 1
            }
            bytes.withUnsafeBufferPointer { buffer in
                #expect(ManifestJSONReader.plainRunEnd(buffer, from: start) == expected, "\(bytes) from \(start)")
            }
        }
    }

    /// Every byte value at every place of two eight-byte groups and the bytes after them, read
    /// from every start: the run ends at the first byte a string does not hold as it is, as a
    /// byte at a time finds it (a mutation that took the group's highest such byte, or
    /// counted bits rather than bytes, made this fail).
    @Test func theFirstByteToStopAtIsFoundInItsGroup() {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 19)
        for place in bytes.indices {
            for value in UInt8.min...UInt8.max {
                bytes[place] = value
                // A second stop after the first, which must not be the one found.
                bytes[(place + 3) % bytes.count] = UInt8(ascii: "\"")
                for start in 0...bytes.count {
                    var expected = start
                    while expected < bytes.count, (0x20..<0x80).contains(bytes[expected]), bytes[expected] != 0x22,
                        bytes[expected] != 0x5C
                    {
                        expected += 1
                    }
                    let found = bytes.withUnsafeBufferPointer { ManifestJSONReader.plainRunEnd($0, from: start) }
                    if found != expected {
                        Issue.record("byte \(value) at \(place), from \(start): \(found) instead of \(expected)")
                        return
                    }
                }
                bytes[(place + 3) % bytes.count] = UInt8(ascii: "a")
            }
            bytes[place] = UInt8(ascii: "a")
        }
    }

    /// A string's escape, control character, non-ASCII letter or quote read at each place of
    /// an eight-byte group, as `JSONDecoder` reads it (or refused, as it refuses it).
    @Test func aStringsSpecialBytesAreReadAtEveryPlace() throws {
        for place in 0..<20 {
            let before = String(repeating: "a", count: place)
            let after = String(repeating: "b", count: 19 - place)
            for (middle, valid) in [
                (#"\""#, true), (#"\\"#, true), (#"\u00e9"#, true), ("é", true), ("\u{7F}", true), ("\t", false), ("\u{1F}", false),
            ] {
                let text =
                    "{" + Self.head + #","documents":[{"file":""# + before + middle + after
                    + #"","session":"S1","size":5,"version":1,"validation":{"result":"valid"}}]}"#
                if valid {
                    #expect(try holdings(Array(text.utf8)) == decoded(text), "\(middle) at \(place)")
                } else {
                    #expect(throws: AccordError.self, "\(middle) at \(place)") { try holdings(Array(text.utf8)) }
                }
            }
        }
    }

    /// A folder, an empty file or a FIFO under a manifest's name is refused as a manifest that
    /// cannot be read (the file is mapped, and none can be); the FIFO at once, not after
    /// waiting for a writer (a helper found a first version waiting forever).
    @Test func aFolderAnEmptyFileOrAFIFOIsNotAManifest() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("accord-holdings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("manifest-20260302T093000Z.json")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let error = try #require(throws: AccordError.self) { try ExportManifest.Holdings.read(folder) }
        #expect(error.message.hasPrefix("the manifest manifest-20260302T093000Z.json in"))
        let empty = scratch.appendingPathComponent("manifest-20260302T093001Z.json")
        try Data().write(to: empty)
        #expect(throws: AccordError.self) { try ExportManifest.Holdings.read(empty) }
        let fifo = scratch.appendingPathComponent("manifest-20260302T093002Z.json")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        // Read on a thread of its own: a reader that waits for a writer is given one after ten
        // seconds, so that the test fails instead of waiting forever.
        final class Outcome: @unchecked Sendable { var refused = false }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread {
            outcome.refused = (try? ExportManifest.Holdings.read(fifo)) == nil
            done.signal()
        }.start()
        if done.wait(timeout: .now() + 10) == .timedOut {
            Issue.record("reading a FIFO named as a manifest waited for a writer")
            close(open(fifo.path, O_WRONLY))
            done.wait()
        }
        #expect(outcome.refused)
    }
}
