import AccordCore
import AccordXML
import Foundation

/// The manifest of one export run: what was written into the folder, with digests, how each
/// document was checked, and the event chain's head, so that a records team can prove what
/// was sent and `accord verify --head` can prove the log was not rewritten since.
///
/// Each run writes its own file, `DIR/manifest-<UTC instant>.json` (`manifest-20260302T093000Z.json`,
/// then `…-2.json` for a second run in the same second), and never rewrites an earlier one. A
/// pseudonymised run's manifest holds no instant and no chain head (nor does any of its
/// entries), names sessions by their pseudonyms, and is named `manifest-pseudonymised-N.json`
/// (N from 1, the first free number).
/// The folder's manifests together say what it holds.
///
/// The file is written as the run goes (``ManifestWriter``), from three `Codable` parts encoded
/// by ``AccordJSON``'s encoder (sorted keys): the ``Header`` (every key but the documents and
/// the tail's), one ``Entry`` per line in `documents`, then the ``Tail`` (`finished_at`,
/// `interrupted`, `summary`). It reads back as one object (``read(_:)``):
///
/// ```json
/// {"chain_head":"11:3f…","finished_at":"2026-03-02T09:30:00Z","format":"accord-export-manifest/1",
///  "profile":"cda-fr","pseudonymised":false,"selection":{"all":true},"started_at":"2026-03-02T09:30:00Z",
///  "documents":[
///   {"chain_head":"11:3f…","exported_at":"2026-03-02T09:30:00Z","file":"S1-v1.cda.xml","session":"S1",
///    "sha256":"9a…","size":18234,"validation":{"result":"valid","schema":"/…/CDA_extended.xsd"},"version":1},
///   {"chain_head":"11:3f…","exported_at":"2026-03-02T09:30:00Z","session":"S3","version":1,
///    "validation":{"message":"line 12: …","result":"failed"}}
///  ],
///  "summary":{"already_present":0,"failed":1,"written":1}}
/// ```
public struct ExportManifest: Sendable, Hashable, Codable {
    /// The format name of manifests, `accord-export-manifest/1`.
    public static let formatName = "accord-export-manifest/1"

    /// Which sessions a run selected.
    public struct Selection: Sendable, Hashable, Codable {
        /// Every closed session.
        public var all: Bool?
        /// Closed on or after this day (UTC), `YYYY-MM-DD`.
        public var since: String?
        /// Closed on or before this day (UTC), `YYYY-MM-DD`.
        public var until: String?
        /// One session (`accord export SESSION`).
        public var session: String?

        public init(all: Bool? = nil, since: String? = nil, until: String? = nil, session: String? = nil) {
            self.all = all
            self.since = since
            self.until = until
            self.session = session
        }
    }

    /// How a document was checked.
    public struct Validation: Sendable, Hashable, Codable {
        /// `valid`, `not-validated` (well-formed, no schema given), `failed`, `damaged` (the
        /// session's events do not match the event chain: nothing was exported; the entry's
        /// version is then 0), or `refused` (the document could name the patient by neither a
        /// qualified identity's INS nor an IPP: nothing was exported; version 0).
        public var result: String
        /// The schema file, for `valid`.
        public var schema: String?
        /// The checks' message, for `failed` (schema messages never quote values).
        public var message: String?

        public init(result: String, schema: String? = nil, message: String? = nil) {
            self.result = result
            self.schema = schema
            self.message = message
        }

        /// From an exporter's outcome.
        public init(_ validation: ExportOutcome.Validation) {
            switch validation {
            case .valid(let schema): self.init(result: "valid", schema: schema)
            case .notValidated: self.init(result: "not-validated")
            }
        }
    }

    /// One document of the run.
    public struct Entry: Sendable, Hashable, Codable {
        /// The file name in the folder; `nil` when the document failed and was not written.
        public var file: String?
        /// The session id (`S12`).
        public var session: String
        /// The document version.
        public var version: Int
        /// The version it replaces (header `relatedDocument` RPLC), if any.
        public var replaces: Int?
        /// SHA-256 of the file, 64 lowercase hexadecimal characters.
        public var sha256: String?
        /// The file's size in bytes.
        public var size: Int?
        /// How it was checked.
        public var validation: Validation
        /// The export instant (UTC, RFC 3339), the document's own time; `nil` in a
        /// pseudonymised run's manifest (which holds no instant).
        public var exportedAt: String?
        /// The event chain's head when the document was exported, `SEQ:HASH`; `nil` in a
        /// pseudonymised run's manifest.
        public var chainHead: String?
        /// The detached signature's file name, when the document was signed.
        public var signature: String?

        public init(
            file: String?, session: String, version: Int, replaces: Int?, sha256: String?, size: Int?, validation: Validation,
            exportedAt: String?, chainHead: String?, signature: String? = nil
        ) {
            self.file = file
            self.session = session
            self.version = version
            self.replaces = replaces
            self.sha256 = sha256
            self.size = size
            self.validation = validation
            self.exportedAt = exportedAt
            self.chainHead = chainHead
            self.signature = signature
        }

        enum CodingKeys: String, CodingKey {
            case file, session, version, replaces, sha256, size, validation, exportedAt = "exported_at", chainHead = "chain_head", signature
        }
    }

    /// The run's counts.
    public struct Summary: Sendable, Hashable, Codable {
        /// Documents written by this run.
        public var written: Int
        /// Documents the folder already held (not written again).
        public var alreadyPresent: Int
        /// Documents that failed their checks (not written).
        public var failed: Int
        /// Sessions left out because their events do not match the event chain (not exported;
        /// `accord verify` says where the log was changed).
        public var damaged: Int
        /// Sessions refused because a document could name the patient by neither a qualified
        /// identity's INS nor an IPP (written to the manifest only when there are some).
        public var refused: Int
        /// Sessions a pseudonymised run left out because their patient objects to the re-use of
        /// their data for research (`left_out_by_objection`, written only when there are some;
        /// the manifest never says which).
        public var objected = 0

        public init(written: Int = 0, alreadyPresent: Int = 0, failed: Int = 0, damaged: Int = 0, refused: Int = 0) {
            self.written = written
            self.alreadyPresent = alreadyPresent
            self.failed = failed
            self.damaged = damaged
            self.refused = refused
        }

        /// Decodes a summary; manifests written before `damaged` existed count 0.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            written = try container.decode(Int.self, forKey: .written)
            alreadyPresent = try container.decode(Int.self, forKey: .alreadyPresent)
            failed = try container.decode(Int.self, forKey: .failed)
            damaged = try container.decodeIfPresent(Int.self, forKey: .damaged) ?? 0
            refused = try container.decodeIfPresent(Int.self, forKey: .refused) ?? 0
            objected = try container.decodeIfPresent(Int.self, forKey: .objected) ?? 0
        }

        /// Encodes the counts; `refused` only when some session was refused, so a run without
        /// one writes the manifest it wrote before identity statuses; `left_out_by_objection`
        /// likewise.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(written, forKey: .written)
            try container.encode(alreadyPresent, forKey: .alreadyPresent)
            try container.encode(failed, forKey: .failed)
            try container.encode(damaged, forKey: .damaged)
            if refused > 0 { try container.encode(refused, forKey: .refused) }
            if objected > 0 { try container.encode(objected, forKey: .objected) }
        }

        enum CodingKeys: String, CodingKey {
            case written, alreadyPresent = "already_present", failed, damaged, refused, objected = "left_out_by_objection"
        }
    }

    /// `accord-export-manifest/1`.
    public var format: String
    /// The profile (`cda-fr`, `fhir-r4`, a custom profile's name).
    public var profile: String
    /// Whether the documents are pseudonymised.
    public var pseudonymised: Bool
    /// The pseudonymisation key's fingerprint (``PseudonymKey/keyID``), for pseudonymised runs.
    public var pseudonymKeyID: String? = nil
    /// What the run selected.
    public var selection: Selection
    /// When the run started (UTC); `nil` for a pseudonymised run (its manifest holds no
    /// instant).
    public var startedAt: String?
    /// The event chain's head when the run started, `SEQ:HASH`; `nil` for a pseudonymised run.
    public var chainHead: String?
    /// The run's documents, in the order they were exported.
    public var documents: [Entry]
    /// The counts.
    public var summary: Summary?
    /// When the run finished (UTC).
    public var finishedAt: String?
    /// Why the run stopped early, when it did (the documents listed were written).
    public var interrupted: String?

    enum CodingKeys: String, CodingKey {
        case format, profile, pseudonymised, pseudonymKeyID = "pseudonym_key_id", selection, startedAt = "started_at"
        case chainHead = "chain_head", documents, summary
        case finishedAt = "finished_at", interrupted
    }

    /// What a manifest says before its documents: the run's format, profile, pseudonymisation,
    /// selection, start and chain head (keys sorted, as in the manifest).
    public struct Header: Sendable, Hashable, Encodable {
        /// The manifest whose opening keys these are (its documents and tail are left out).
        public var manifest: ExportManifest

        /// The opening keys of `manifest`.
        public init(_ manifest: ExportManifest) { self.manifest = manifest }

        /// Encodes the keys of ``ExportManifest`` before `documents`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(manifest.format, forKey: .format)
            try container.encode(manifest.profile, forKey: .profile)
            try container.encode(manifest.pseudonymised, forKey: .pseudonymised)
            try container.encodeIfPresent(manifest.pseudonymKeyID, forKey: .pseudonymKeyID)
            try container.encode(manifest.selection, forKey: .selection)
            try container.encodeIfPresent(manifest.startedAt, forKey: .startedAt)
            try container.encodeIfPresent(manifest.chainHead, forKey: .chainHead)
        }
    }

    /// What closes a manifest after its documents: when the run finished, why it stopped early
    /// when it did, and its counts.
    public struct Tail: Sendable, Hashable, Encodable {
        /// When the run finished (UTC, RFC 3339); `nil` for a pseudonymised run.
        public var finishedAt: String?
        /// Why the run stopped early, when it did.
        public var interrupted: String?
        /// The counts.
        public var summary: Summary

        /// A tail; `finishedAt` a UTC instant, or `nil` (a pseudonymised run).
        public init(finishedAt: Date?, interrupted: String?, summary: Summary) {
            self.finishedAt = finishedAt.map(UTCInstant.format)
            self.interrupted = interrupted
            self.summary = summary
        }

        enum CodingKeys: String, CodingKey {
            case finishedAt = "finished_at", interrupted, summary
        }
    }

    /// Reads a manifest file.
    /// - Throws: `AccordError` (`io`) when it cannot be read or is not a manifest.
    public static func read(_ url: URL) throws -> ExportManifest {
        do {
            return try AccordJSON.decoder().decode(ExportManifest.self, from: Data(contentsOf: url))
        } catch {
            throw unreadable(url)
        }
    }
}

extension ExportManifest {
    /// The error of a manifest that cannot be read as one.
    static func unreadable(_ url: URL) -> AccordError {
        AccordError(
            .io,
            "the manifest \(url.lastPathComponent) in \(url.deletingLastPathComponent().path) cannot be read as an export manifest; move it away or restore it.",
            field: "--out")
    }
}

/// What an output folder already holds, according to its manifests.
public struct ExportFolder: Sendable {
    /// The folder.
    public let url: URL
    /// The documents the manifests list as written and that are still in the folder with the
    /// size their manifest gives (a file edited to another size is not held: a run writes it
    /// again, with the bytes issued).
    public private(set) var files: Set<String> = []
    /// The profiles (with `+pseudonymised`) of the folder's runs.
    public private(set) var profiles: Set<String> = []
    /// The fingerprints of the pseudonymisation keys of the folder's runs.
    public private(set) var pseudonymKeyIDs: Set<String> = []

    /// Reads every `manifest-*.json` of `url` (one at a time); an absent folder holds nothing.
    /// - Throws: `AccordError` (`io`) when a manifest cannot be read.
    public init(_ url: URL) throws {
        self.url = url
        // Each file is looked up from the folder, opened once (a `URL` per file, or a path
        // walked from the root per file, costs more than the lookup itself).
        let manifests = try ExportFolder.manifests(in: url)
        if manifests.isEmpty { return }
        let folder = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else {
            throw AccordError(.io, "cannot read the folder \(url.path): \(String(cString: strerror(errno))).", field: "--out")
        }
        defer { close(folder) }
        for manifestURL in manifests {
            let manifest = try ExportManifest.Holdings.read(manifestURL)
            profiles.insert(manifest.pseudonymised ? "\(manifest.profile)+pseudonymised" : manifest.profile)
            if let keyID = manifest.pseudonymKeyID { pseudonymKeyIDs.insert(keyID) }
            // Room for twice the names: a set filled to its limit (three quarters) probes about
            // 2.4 names for each lookup, half-filled about 1.3 (each probe a comparison of names).
            files.reserveCapacity(2 * (files.count + manifest.documents.count))
            for entry in manifest.documents {
                guard let file = entry.file, entry.result != "failed" else { continue }
                // Inserted first, so that the name is hashed once for a file the folder holds
                // (most of them); taken out again when the folder does not hold it.
                guard files.insert(file).inserted else { continue }
                var status = stat()
                // A folder, a device or a link at the file's name is not the document Accord
                // wrote (a link is not followed: it could name any file of the listed size).
                // (`withCString` passes the name's own bytes; a `String` argument is copied into
                // a new array of C characters at each call.)
                if file.withCString({ fstatat(folder, $0, &status, AT_SYMLINK_NOFOLLOW) }) == 0, status.st_mode & S_IFMT == S_IFREG,
                    entry.size.map({ Int(status.st_size) == $0 }) ?? true
                {
                    continue
                }
                files.remove(file)
            }
        }
    }

    /// Refuses to add documents of profile `versionKey` (`cda-fr`, `cda-fr+pseudonymised`…), made
    /// with the pseudonymisation key `keyID` when pseudonymised, to a folder whose runs made
    /// another kind, or used another key.
    /// - Throws: `AccordError` (`conflict`) naming the profile or saying the key differs.
    public func checkAccepts(versionKey: String, pseudonymKeyID keyID: String?) throws {
        // The kind of documents (`cda-fr+pseudonymised`), whatever the research key.
        let kind = versionKey.split(separator: "@", maxSplits: 1).first.map(String.init) ?? versionKey
        // The first other profile in order, so that the message is the same at each run.
        if let other = profiles.sorted().first(where: { $0 != kind }) {
            throw AccordError(
                .conflict,
                "the folder \(url.path) already holds documents of profile \(other); export profile \(kind) into another folder.",
                field: "--out")
        }
        if let keyID, pseudonymKeyIDs.contains(where: { $0 != keyID }) {
            throw AccordError(
                .conflict,
                "the folder \(url.path) holds documents pseudonymised with another key (a patient would have two pseudonyms there); export into another folder, or use that key.",
                field: "--out")
        }
    }

    /// Whether the folder holds `file` (listed in a manifest and present with its listed size).
    public func holds(_ file: String) -> Bool { files.contains(file) }

    /// The manifest files of a folder, oldest first; none when it cannot be read.
    ///
    /// The folder is read with `readdir(3)`, a name made only for the entries that start with
    /// `manifest-`: a folder of 100,000 documents took 60 ms to list as strings.
    public static func manifests(in url: URL) throws -> [URL] {
        guard let folder = opendir(url.path) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 0
        while let entry = readdir(folder) {
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
            guard strncmp(name, "manifest-", 9) == 0 else { continue }
            let text = String(cString: name)
            if text.hasSuffix(".json") { names.append(text) }
        }
        return names.sorted().map { url.appendingPathComponent($0) }
    }
}

/// Writes one run's manifest as the run goes: a hidden temporary file of unpredictable name in
/// the output folder (``PendingFile``), one line per document, written about 64 KB at a time
/// (memory stays flat), placed as
/// `manifest-<instant>.json` when the run finishes, never over an existing name nor a link.
///
/// Every part is `JSONEncoder` output; the writer only joins them into one object: the
/// ``ExportManifest/Header`` without its closing brace, `,"documents":[`, each
/// ``ExportManifest/Entry`` on its own line, `]`, then the ``ExportManifest/Tail``'s keys.
final class ManifestWriter {
    private let file: PendingFile
    /// Whether `file` is still pending (neither placed nor discarded).
    private var pending = true
    private let folder: URL
    private let startedAt: Date
    /// Whether the manifest is a pseudonymised run's: named `manifest-pseudonymised-N.json`,
    /// with no instant.
    private let pseudonymised: Bool
    private var first = true
    /// Whether no document has been listed yet (nor held for a pseudonymised run's order).
    var listsNoDocument: Bool { first && held.isEmpty }
    private let encoder = AccordJSON.encoder()
    /// A pseudonymised run's entries, held until the run finishes and then written in the
    /// order of the sessions' pseudonyms: the order sessions are exported in is their number's,
    /// which a research manifest must not give back (about 300 bytes per document in memory).
    private var held: [ExportManifest.Entry] = []
    /// Entry lines not written to `file` yet: written once they reach ``bufferSize`` bytes, and
    /// when the run finishes. The file stays a hidden temporary file until then, removed when a
    /// run stops on an error (a killed run leaves it, never a manifest under its name).
    private var buffer = Data()
    /// How many bytes of entry lines are gathered per write (about 200 entries).
    static let bufferSize = 64 << 10

    /// Starts a manifest in `folder` (created when missing).
    /// - Throws: `AccordError` (`io`) when the folder or the temporary file cannot be created.
    init(folder: URL, header: ExportManifest) throws {
        self.folder = folder
        self.startedAt = header.startedAt.flatMap(UTCInstant.parse) ?? Date()
        self.pseudonymised = header.pseudonymised
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw AccordError(.io, "cannot write the manifest into \(folder.path): \(error.localizedDescription)", field: "--out")
        }
        file = try PendingFile(for: "manifest", in: folder, role: "the output folder")
        // The header's keys, then the document list, streamed.
        let opening = try encoder.encode(ExportManifest.Header(header))
        try write(opening.dropLast() + Data(#","documents":["#.utf8))
    }

    deinit {
        // A run that stopped before finishing or discarding its manifest leaves no temporary file.
        discard()
    }

    /// Appends one document's entry.
    func append(_ entry: ExportManifest.Entry) throws {
        if pseudonymised {
            held.append(entry)
            return
        }
        try list(entry)
    }

    /// Adds `entry`'s line to the document list.
    private func list(_ entry: ExportManifest.Entry) throws {
        buffer.append(contentsOf: ((first ? "\n" : ",\n") + " ").utf8)
        buffer.append(try encoder.encode(entry))
        first = false
        if buffer.count >= Self.bufferSize { try writeBuffer() }
    }

    /// Closes the document list, adds the summary, syncs the manifest and places it under the
    /// first free name, `manifest-<instant>.json`, then `…-2.json`… (a pseudonymised run's:
    /// `manifest-pseudonymised-1.json`, `-2`…, and no `finished_at`).
    /// - Returns: the manifest's final URL.
    /// - Throws: `AccordError` (`io`) when it cannot be written, or when a name it would take is
    ///   a link (refused, not followed; the manifest is then removed).
    func finish(summary: ExportManifest.Summary, finishedAt: Date, interrupted: String?) throws -> URL {
        if pseudonymised {
            let entries = held.sorted { ($0.session, $0.version, $0.file ?? "") < ($1.session, $1.version, $1.file ?? "") }
            held = []
            for entry in entries { try list(entry) }
        }
        // The list closed, then the tail's keys.
        let tail = try encoder.encode(
            ExportManifest.Tail(finishedAt: pseudonymised ? nil : finishedAt, interrupted: interrupted, summary: summary))
        buffer.append(contentsOf: "\n],".utf8)
        buffer.append(tail.dropFirst())
        buffer.append(contentsOf: "\n".utf8)
        try writeBuffer()
        let stamp =
            pseudonymised
            ? "pseudonymised" : UTCInstant.format(startedAt).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        var counter = 1
        var name = pseudonymised ? "manifest-\(stamp)-1.json" : "manifest-\(stamp).json"
        do {
            while try !file.place(as: name, replacing: false) {
                counter += 1
                name = "manifest-\(stamp)-\(counter).json"
            }
        } catch {
            pending = false  // `place` discarded it
            throw error
        }
        pending = false
        return folder.appendingPathComponent(name)
    }

    /// Removes the unfinished manifest (a run that wrote nothing).
    func discard() {
        guard pending else { return }
        pending = false
        file.discard()
    }

    /// Writes the gathered lines.
    private func writeBuffer() throws {
        try write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func write(_ data: Data) throws {
        guard pending else {
            throw AccordError(.io, "the manifest in \(folder.path) was already closed.", field: "--out")
        }
        do {
            try file.write(data)
        } catch {
            discard()
            throw error
        }
    }
}
