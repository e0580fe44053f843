import AccordCore
import Crypto
import Foundation

/// The secret key of the event chain's HMAC-SHA256, kept outside the database.
///
/// Someone holding only the database file cannot recompute the chain, so `accord verify`
/// finds their edits, deletions and reorderings. The key is 32 random bytes in a file of mode
/// 0600, created on the first write to a new database. Its place: `--key-file`, else the
/// environment variable `ACCORD_KEY_FILE`, else
/// `$XDG_CONFIG_HOME/accord/keys/DATABASE-ID.key` (`~/.config/…` when `XDG_CONFIG_HOME` is
/// unset), `DATABASE-ID` being the random id the database records at creation.
public struct ChainKey: Sendable {
    let key: SymmetricKey
    /// This key's HMAC-SHA256 with its pads hashed once (``ChainMAC``): every link, seal and
    /// pseudonym of a process is computed with it.
    package let mac: ChainMAC

    /// A key of the given bytes (32 for a chain key), for tests and key files read elsewhere.
    package init(key: SymmetricKey) {
        self.key = key
        self.mac = ChainMAC(key: key)
    }

    /// The environment variable naming the key file.
    public static let environmentVariable = "ACCORD_KEY_FILE"

    /// The default key file of a database.
    /// - Parameters:
    ///   - databaseID: the id the database records at creation.
    ///   - environment: the process environment (`XDG_CONFIG_HOME`, `HOME`).
    public static func defaultLocation(databaseID: String, environment: [String: String] = ProcessEnvironment.all) -> URL {
        let config =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return config.appendingPathComponent("accord/keys/\(databaseID).key")
    }

    /// Reads the key at `url`; `nil` when the file does not exist.
    /// - Throws: `AccordError` (`io`) when the file exists but is not a 32-byte key, or when
    ///   every user of the machine may read or write it (its group may: a key shared by the
    ///   users of one database).
    package static func load(_ url: URL) throws -> ChainKey? {
        let path = url.path
        // What the name leads to (a link followed): nothing there, no key.
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        // The name itself (a link not followed), with two system calls rather than
        // FileManager's attribute dictionary (a tenth of a cold `session show`).
        var own = stat()
        let named = lstat(path, &own) == 0
        if named, own.st_mode & S_IFMT == S_IFLNK {
            throw AccordError(
                .io,
                "the chain key file is a symbolic link; Accord reads its key only from a regular file: give the file's own path with --key-file or \(ChainKey.environmentVariable)."
            )
        }
        if info.st_mode & S_IFMT != S_IFREG {
            throw AccordError(
                .io,
                "the chain key file given by --key-file or \(environmentVariable) is a folder or a device, not a file; give the path of the 32-byte key file (it is created when missing)."
            )
        }
        let owner: UInt32? = named ? own.st_uid : nil
        let permissions: Int? = named ? Int(own.st_mode & 0o7777) : nil
        // A key another user owns is used only when it is shared through a group (mode 0640),
        // never one planted by another user for this one.
        if let owner, owner != geteuid(), owner != 0, let mode = permissions, mode & 0o040 == 0 {
            throw AccordError(
                .io,
                "the chain key file belongs to another user and is not shared through a group; use your own key file, or one its owner shares with mode 640 and a common group."
            )
        }
        if let mode = permissions, mode & 0o007 != 0 {
            throw AccordError(
                .io,
                "the chain key file can be used by every user of this machine (mode \(String(mode & 0o777, radix: 8))); restrict it with chmod 600 (or 640 for a group of users sharing the database) and check that it was not copied."
            )
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw AccordError(
                .io,
                "the chain key file is unreadable or not a 32-byte key; restore it from its backup (\(ChainKey.environmentVariable) names its place)."
            )
        }
        return ChainKey(key: SymmetricKey(data: data))
    }

    /// Creates a new random key at `url` (mode 0600, folders 0700), refusing to overwrite one.
    ///
    /// The key is written through ``SafeFile``: a synced temporary file of unpredictable name,
    /// linked to its name only if nothing holds it; a link at that name is refused, never
    /// followed.
    /// - Throws: `AccordError` (`io`) when the file cannot be created, already exists, or its
    ///   name is a symbolic link.
    package static func create(_ url: URL) throws -> ChainKey {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AccordError(
                .io, "cannot create the folder of the chain key file; set \(ChainKey.environmentVariable) to a writable place.")
        }
        let key = SymmetricKey(size: .bits256)
        let created = try SafeFile.create(
            key.withUnsafeBytes { Data($0) }, named: url.lastPathComponent, in: folder, role: "the chain key's folder")
        guard created else {
            throw AccordError(
                .io,
                "the chain key file \(url.lastPathComponent) appeared while Accord was creating it; run the command again (it will use that key)."
            )
        }
        return ChainKey(key: key)
    }

    /// The chain value of one event: HMAC-SHA256 over its canonical content and the previous
    /// event's chain value, in lowercase hexadecimal.
    package func link(_ content: EventContent, previous: String) -> String {
        content.withCanonical(previous: previous) { mac.authenticationCode($0) }.withUnsafeBytes { Hex.lowercase($0) }
    }

    /// Whether `chain` is ``link(_:previous:)`` of `content`, compared without writing the
    /// link in hexadecimal.
    package func linkHolds(_ content: EventContent, previous: String, chain: String) -> Bool {
        let code = content.withCanonical(previous: previous) { mac.authenticationCode($0) }
        var chain = chain
        return chain.withUTF8 { text in code.withUnsafeBytes { Hex.isLowercase(text, of: $0) } }
    }
}

/// The stored fields of an event that the chain covers.
package struct EventContent: Equatable {
    package var sequence: Int64
    package var sessionNumber: Int64?
    package var sessionSequence: Int?
    package var recordedAt: String
    package var author: String
    package var kind: String
    package var payload: String
    package var reason: String?

    /// Length-prefixed fields (`-` for a missing one), so that no two contents share a form.
    func canonical(previous: String) -> String {
        withCanonical(previous: previous) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of ``canonical(previous:)``, written once by
    /// ``EventBatch/Writer`` (the writer of the whole-chain check) into room made for the most
    /// they can take, on the stack when it is small (each event's link is computed when it is
    /// recorded and when its session is checked before an export).
    func withCanonical<Result>(previous: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var recordedAt = recordedAt
        var author = author
        var kind = kind
        var payload = payload
        var previous = previous
        /// A text's bytes as the writer takes them (`nil` pointer: no value).
        func raw(_ text: UnsafeBufferPointer<UInt8>) -> EventBatch.RawText {
            EventBatch.RawText(pointer: text.baseAddress, count: text.count)
        }
        return recordedAt.withUTF8 { recordedAt in
            author.withUTF8 { author in
                kind.withUTF8 { kind in
                    payload.withUTF8 { payload in
                        previous.withUTF8 { previous in
                            func write(reason: UnsafeBufferPointer<UInt8>?) -> Result {
                                // The prefix (15 bytes); the three numbers' fields (`LL:`, a sign
                                // and 19 digits, `;`: at most 24 bytes each); the six texts' fields
                                // (their length's digits, `:` and `;`: 22 bytes counted) and their
                                // bytes.
                                let capacity =
                                    15 + 3 * 24 + 6 * 22 + recordedAt.count + author.count + kind.count + payload.count
                                    + (reason?.count ?? 0) + previous.count
                                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                                    var out = EventBatch.Writer(base: buffer.baseAddress!, at: 0)
                                    out.literal("accord-event-1;")
                                    out.number(sequence)
                                    out.number(sessionNumber)
                                    out.number(sessionSequence.map(Int64.init))
                                    _ = out.text(raw(recordedAt))
                                    _ = out.text(raw(author))
                                    _ = out.text(raw(kind))
                                    _ = out.text(raw(payload))
                                    if let reason { _ = out.text(raw(reason)) } else { out.literal("-;") }
                                    _ = out.text(raw(previous))
                                    return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: out.at))
                                }
                            }
                            guard var reason else { return write(reason: nil) }
                            return reason.withUTF8 { write(reason: $0) }
                        }
                    }
                }
            }
        }
    }
}

extension ChainKey {
    /// The seal of a session's events: an HMAC-SHA256 over the session number, how many events
    /// it has, and the sequence and chain value of its last one (64 lowercase hex characters).
    ///
    /// Kept in `session_seal` and rewritten with each event of the session, it proves that a
    /// session's events are complete: removing its last event (or any) no longer matches the
    /// seal, and someone without the key cannot write a new one.
    package func seal(session number: Int64, eventCount: Int, lastSequence: Int64, lastChain: String) -> String {
        seal("accord-seal-1;\(number)", eventCount: eventCount, lastSequence: lastSequence, lastChain: lastChain)
    }

    /// The seal of the centre settings' events (kept in `metadata` as `centre_seal`): how many
    /// there are and the sequence and chain value of the last one, so that the settings an
    /// export uses are proved current.
    package func centreSeal(eventCount: Int, lastSequence: Int64, lastChain: String) -> String {
        seal("accord-centre-seal-1", eventCount: eventCount, lastSequence: lastSequence, lastChain: lastChain)
    }

    private func seal(_ subject: String, eventCount: Int, lastSequence: Int64, lastChain: String) -> String {
        var text = "\(subject);\(eventCount);\(lastSequence);\(lastChain);"
        return text.withUTF8 { mac.authenticationCode(UnsafeRawBufferPointer($0)) }.withUnsafeBytes { Hex.lowercase($0) }
    }

    /// Whether `tag` is the seal of session `number` (``seal(session:eventCount:lastSequence:lastChain:)``),
    /// compared without writing the seal in hexadecimal; `mac` is this key's (``mac``).
    /// - Parameters:
    ///   - tag: the stored seal's UTF-8 bytes (64 lowercase hex characters when whole).
    ///   - lastChain: the UTF-8 bytes of the chain value of the session's last event.
    package static func sealMatches(
        _ tag: UnsafeBufferPointer<UInt8>, mac: ChainMAC, session number: Int64, eventCount: Int, lastSequence: Int64,
        lastChain: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        var text: [UInt8] = []
        text.reserveCapacity(64 + lastChain.count)
        text.append(contentsOf: "accord-seal-1;".utf8)
        text.append(contentsOf: String(number).utf8)
        text.append(UInt8(ascii: ";"))
        text.append(contentsOf: String(eventCount).utf8)
        text.append(UInt8(ascii: ";"))
        text.append(contentsOf: String(lastSequence).utf8)
        text.append(UInt8(ascii: ";"))
        text.append(contentsOf: lastChain)
        text.append(UInt8(ascii: ";"))
        let code = text.withUnsafeBytes { mac.authenticationCode($0) }
        return code.withUnsafeBytes { Hex.isLowercase(tag, of: $0) }
    }
}

/// HMAC-SHA256 (RFC 2104) under one key, its two padded key blocks hashed once: each code then
/// costs the hashing of the message and of one 32-byte digest, with no generic dispatch.
///
/// Gives exactly the bytes of `HMAC<SHA256>.authenticationCode(for:using:)`.
package struct ChainMAC: Sendable {
    /// SHA-256 after the key XOR 0x36 (64 bytes, the key padded with zeros).
    private let inner: SHA256
    /// SHA-256 after the key XOR 0x5c.
    private let outer: SHA256

    /// Hashes the padded blocks of `key` (a key longer than 64 bytes is hashed first, as HMAC does).
    package init(key: SymmetricKey) {
        var block = [UInt8](repeating: 0, count: 64)
        key.withUnsafeBytes { bytes in
            if bytes.count > 64 {
                SHA256.hash(data: bytes).withUnsafeBytes { block.replaceSubrange(0..<$0.count, with: $0) }
            } else {
                block.replaceSubrange(0..<bytes.count, with: bytes)
            }
        }
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    /// The HMAC-SHA256 of `message` (32 bytes).
    package func authenticationCode(_ message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var hasher = inner
        hasher.update(bufferPointer: message)
        return finish(hasher)
    }

    /// The HMAC-SHA256 of `first` followed by `second` (32 bytes).
    package func authenticationCode(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> SHA256.Digest {
        var hasher = inner
        hasher.update(bufferPointer: first)
        hasher.update(bufferPointer: second)
        return finish(hasher)
    }

    private func finish(_ hasher: SHA256) -> SHA256.Digest {
        let digest = hasher.finalize()
        var outer = self.outer
        digest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}

extension Hex {
    /// Whether `text` is the lowercase hexadecimal of `bytes` (two characters per byte).
    package static func isLowercase(_ text: UnsafeBufferPointer<UInt8>, of bytes: UnsafeRawBufferPointer) -> Bool {
        guard text.count == bytes.count * 2 else { return false }
        var differs: UInt8 = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            differs |= text[2 * index] ^ digit(byte >> 4)
            differs |= text[2 * index + 1] ^ digit(byte & 0x0f)
        }
        return differs == 0
    }
}

extension ChainKey {
    /// Checks this key against the log's last events (newest first, up to 3) before anything is
    /// written with it: a wrong key would chain new events that `verify` then reports as broken.
    /// - Throws: `AccordError` (`conflict`) when the key proves the event before the last but
    ///   not the last (the last event was changed); (`io`) when it proves neither (another
    ///   database's key, or the chain was changed).
    package func checkAgainst(lastEvents rows: [EventRecord]) throws {
        func links(_ index: Int) -> Bool {
            let previous = rows.count > index + 1 ? rows[index + 1].chain : ""
            return link(rows[index].content, previous: previous) == rows[index].chain
        }
        guard let last = rows.first, !links(0) else { return }
        if rows.count > 1 && links(1) {
            throw AccordError(
                .conflict,
                "the last event of the log (\(last.sequence)) does not match the event chain: the database was changed outside Accord; run `accord verify` (nothing was recorded)."
            )
        }
        throw AccordError(
            .io,
            "the chain key file does not match this database's event chain (another database's key, or the chain was changed); "
                + "give the right key with --key-file or ACCORD_KEY_FILE, and run `accord verify` (nothing was recorded).")
    }
}
