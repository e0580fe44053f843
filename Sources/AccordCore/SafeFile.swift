import CFileSync
import Foundation

/// Creates files safely in folders that other users may write (a shared export folder, `/tmp`).
///
/// Accord's one file-creation primitive: documents, signatures, manifests, reports, keys, locks
/// and the database file are all created through it. AccordCore otherwise holds no file code;
/// this small primitive lives here because both AccordStore and AccordXML create files.
///
/// - A file is written under an unpredictable temporary name in its own folder,
///   `.NAME.<16 random hexadecimal digits>.tmp` (64 random bits), created with
///   `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600: whatever is planted at that name, a link
///   included, is never opened (another name is drawn).
/// - The data is written and synced to disk, the file is renamed to its name, then the folder
///   itself is synced.
/// - A name held by a symbolic link (or by anything but a regular file) is refused: the link is
///   neither followed nor replaced, the temporary file is removed, and an ``AccordError``
///   (`io`) names the file.
/// - A group of files (``writeAll(_:in:mode:role:)``, a batch export's documents) is written on
///   Linux as unnamed files of the folder (`O_TMPFILE`), synced together, then each linked under
///   its name (a link never replaces anything; a regular file at the name is replaced through a
///   temporary name, as above): no temporary name is made for a new file, so a crash leaves no
///   temporary file of one behind.
///
/// Only the last component is guarded: the folder itself may be reached through links (a user's
/// `--out` path may go through a linked folder).
///
/// ```swift
/// let url = try SafeFile.write(data, named: "S1-v1.cda.xml", in: folder, role: "the output folder")
/// ```
public enum SafeFile {
    /// How many temporary names are drawn before giving up (each one is 64 random bits: a clash
    /// means that someone plants names, or that the folder is full of leftovers).
    static let attempts = 16

    // MARK: - Whole files

    /// Writes `data` as `folder/name`: a new temporary file (mode `mode`, synced), renamed over
    /// `name`; an earlier regular file of that name is replaced, never a link.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - name: the file's name in `folder` (one path component).
    ///   - folder: an existing folder; it may be reached through links.
    ///   - mode: the file's permissions, 0600 unless said otherwise.
    ///   - role: how messages name the folder, e.g. "the output folder".
    ///   - syncFolder: whether to sync the folder after the rename (a caller writing many files
    ///     may sync it once, with ``syncFolder(_:)``).
    /// - Returns: the file's URL.
    /// - Throws: ``AccordError`` (`io`) naming the file when `name` is a symbolic link or not a
    ///   regular file, or when the file cannot be written; nothing is left behind.
    @discardableResult
    public static func write(
        _ data: Data, named name: String, in folder: URL, mode: mode_t = 0o600, role: String, syncFolder: Bool = true
    ) throws -> URL {
        let pending = try written(data, for: name, in: folder, mode: mode, role: role)
        _ = try pending.place(as: name, replacing: true, syncFolder: syncFolder)
        return folder.appendingPathComponent(name, isDirectory: false)
    }

    /// ``write(_:named:in:mode:role:syncFolder:)`` into a folder created when missing (an
    /// export's or a report's output folder).
    ///
    /// - Parameter what: how messages name the file's content (e.g. "the document for session S1").
    /// - Throws: ``AccordError`` (`io`, field `--out`) when the folder cannot be created; then as
    ///   ``write(_:named:in:mode:role:syncFolder:)``.
    @discardableResult
    public static func writeCreatingFolder(
        _ data: Data, named name: String, in folder: URL, what: String, role: String = "the output folder", syncFolder: Bool = true
    ) throws -> URL {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw AccordError(.io, "could not write \(what) into \(folder.path): \(error.localizedDescription)", field: "--out")
        }
        return try write(data, named: name, in: folder, role: role, syncFolder: syncFolder)
    }

    /// Creates `folder/name` holding `data` only when nothing holds that name yet: a new
    /// temporary file (mode `mode`, synced), linked to its name without replacing anything.
    ///
    /// - Parameters: as for ``write(_:named:in:mode:role:)``.
    /// - Returns: `true` when the file was created; `false` when a regular file already holds
    ///   the name (it is left as it is, and nothing else is left behind).
    /// - Throws: ``AccordError`` (`io`) naming the file when `name` is a symbolic link or not a
    ///   regular file, or when the file cannot be written; nothing is left behind.
    public static func create(_ data: Data, named name: String, in folder: URL, mode: mode_t = 0o600, role: String) throws -> Bool {
        let pending = try written(data, for: name, in: folder, mode: mode, role: role)
        // `place` discards the file itself when it throws.
        let created = try pending.place(as: name, replacing: false)
        if !created { pending.discard() }
        return created
    }

    /// A new temporary file for `name` holding `data`, synced; removed when writing fails.
    private static func written(_ data: Data, for name: String, in folder: URL, mode: mode_t, role: String) throws -> PendingFile {
        let pending = try PendingFile(for: name, in: folder, mode: mode, role: role)
        do {
            try pending.write(data)
        } catch {
            pending.discard()
            throw error
        }
        return pending
    }

    // MARK: - Groups of files

    /// Writes `files` into `folder` as one group (a batch export's documents): each file
    /// written without a name; then the data of all of them synced to disk at once; then each
    /// given its name, in order; then the folder synced once.
    ///
    /// On Linux each file is an unnamed file of the folder (`O_TMPFILE`), linked under its name
    /// once its data is on disk: nothing in the folder names it before, and a crash before leaves
    /// nothing behind. Where the file system has no unnamed files, each file is written under its
    /// own temporary name, by the rules of ``write(_:named:in:mode:role:syncFolder:)``.
    ///
    /// A crash leaves each name holding its earlier file or the whole new one, as when the files
    /// are written one by one, for one sync instead of one per file. A name held by a regular
    /// file is replaced atomically (the new file is linked under a temporary name, then renamed
    /// over it). The sync is `syncfs(2)` of the folder's filesystem on Linux (which also writes
    /// other programs' pending data of that filesystem, and reports a writeback error of it
    /// since Linux 5.8); elsewhere, or when the system has no `syncfs`, each file is synced with
    /// `fsync`.
    ///
    /// The folder is opened once for the group, and each file holds one descriptor until it is
    /// placed: a group is tens of files, not thousands.
    ///
    /// - Parameters:
    ///   - files: each file's name in `folder` (one path component) and bytes, in the order they
    ///     are placed.
    ///   - folder: an existing folder; it may be reached through links.
    ///   - mode: the files' permissions, 0600 unless said otherwise.
    ///   - role: how messages name the folder, e.g. "the output folder".
    /// - Returns: the files' URLs, in order.
    /// - Throws: ``AccordError`` (`io`) naming the file:
    ///   - when a name is not one path component (empty, `.`, `..`, or holding `/`), a file
    ///     cannot be written or the data cannot be synced: no file of the group is placed, and
    ///     nothing of it is left;
    ///   - when a name is held by a symbolic link or by anything but a regular file, or a file
    ///     cannot be moved to its name: the files before it are in place (the folder synced),
    ///     and neither it nor those after it (nothing of them is left).
    public static func writeAll(_ files: [(name: String, data: Data)], in folder: URL, mode: mode_t = 0o600, role: String) throws -> [URL] {
        try writeAll(files, in: folder, mode: mode, role: role, by: GroupWriting())
    }

    /// How ``writeAll(_:in:mode:role:)`` writes a group: the system's ways, or those a test puts
    /// in their place.
    struct GroupWriting {
        /// Whether files are written unnamed where the system can (else under temporary names,
        /// as on a file system without unnamed files).
        var unnamedFiles = true
        /// Draws a temporary name for a name.
        var temporaryNames: (String) -> String = SafeFile.temporaryName(for:)
        /// Links an unnamed file (its descriptor) under a name in a folder (its descriptor):
        /// 0, or -1 with `errno` set, as `accord_link_unnamed`.
        var linkUnnamed: (Int32, Int32, String) -> Int32 = { accord_link_unnamed($0, $1, $2) }
        /// Called with the written and synced files before any is given its name.
        var beforePlacing: ([GroupFile]) -> Void = { _ in }
    }

    /// A file of a group, written, waiting for its name.
    enum GroupFile {
        /// An unnamed file (Linux `O_TMPFILE`), open for writing: nothing in the folder names it
        /// until it is linked under its name; closed unnamed, it is gone.
        case unnamed(descriptor: Int32)
        /// A file under its own temporary name (a file system without unnamed files).
        case named(PendingFile)

        /// The file, open for writing.
        var descriptor: Int32 {
            switch self {
            case .unnamed(let descriptor): descriptor
            case .named(let file): file.descriptor
            }
        }

        /// Closes the file, removing a named one's temporary file (a failed or abandoned group).
        func discard() {
            switch self {
            case .unnamed(let descriptor): close(descriptor)
            case .named(let file): file.discard()
            }
        }
    }

    /// ``writeAll(_:in:mode:role:)``, written `by` the ways given.
    static func writeAll(
        _ files: [(name: String, data: Data)], in folder: URL, mode: mode_t, role: String, by ways: GroupWriting
    ) throws -> [URL] {
        guard let first = files.first else { return [] }
        for file in files { try checkFileName(file.name, role: role) }
        // The folder is opened once for the group: each file is created and named through this
        // descriptor (one path lookup for the group, not one per file).
        let folderDescriptor = try PendingFile.openFolder(folder, toWrite: first.name, role: role)
        defer { close(folderDescriptor) }
        var pending: [GroupFile] = []
        pending.reserveCapacity(files.count)
        var unnamed = ways.unnamedFiles
        do {
            for file in files {
                let written: GroupFile
                let descriptor = unnamed ? accord_open_unnamed(folderDescriptor, UInt32(mode)) : -1
                if descriptor >= 0 {
                    // The mode exactly, whatever the umask.
                    fchmod(descriptor, mode)
                    written = .unnamed(descriptor: descriptor)
                } else {
                    // No unnamed files here: named ones from now on (their own failure, if any,
                    // says why).
                    unnamed = false
                    written = .named(
                        try PendingFile(
                            for: file.name, in: folder, openAs: folderDescriptor, ownsFolder: false, mode: mode, role: role,
                            temporaryNames: ways.temporaryNames))
                }
                pending.append(written)
                if let code = PendingFile.write(file.data, to: written.descriptor) {
                    throw failure("cannot write \(file.name) in \(role)", code: code, advice: "check the folder's free space")
                }
            }
            try syncData(of: pending.map(\.descriptor), names: files.map(\.name), role: role)
        } catch {
            for file in pending { file.discard() }
            throw error
        }
        ways.beforePlacing(pending)
        var urls: [URL] = []
        urls.reserveCapacity(files.count)
        for (index, file) in pending.enumerated() {
            do {
                try place(
                    file, as: files[index].name, data: files[index].data, in: folder, openAs: folderDescriptor, mode: mode, role: role,
                    by: ways)
            } catch {
                // `place` discarded this file; the ones after it are never placed.
                for later in pending[(index + 1)...] { later.discard() }
                if index > 0 { fsync(folderDescriptor) }
                throw error
            }
            // `isDirectory: false`: without it, Foundation asks the file system whether the
            // path is a folder (one `stat` per file).
            urls.append(folder.appendingPathComponent(files[index].name, isDirectory: false))
        }
        fsync(folderDescriptor)
        return urls
    }

    /// Gives a group's written and synced `file` its `name` in the folder open as
    /// `folderDescriptor`, and closes it. An unnamed file is linked under `name` when the name is
    /// free; a regular file at `name` is replaced atomically (the file is linked under a
    /// temporary name, then renamed over it); anything else at `name` is refused. Where the file
    /// cannot be linked (no `/proc`, a file system that refuses the link), `data` is written
    /// again under a temporary name.
    /// - Throws: ``AccordError`` (`io`) naming the file; nothing of the file is then left.
    private static func place(
        _ file: GroupFile, as name: String, data: Data, in folder: URL, openAs folderDescriptor: Int32, mode: mode_t, role: String,
        by ways: GroupWriting
    ) throws {
        let descriptor: Int32
        switch file {
        case .named(let pending):
            _ = try pending.place(as: name, replacing: true, syncFolder: false, synced: true)
            return
        case .unnamed(let unnamed):
            descriptor = unnamed
        }
        defer { close(descriptor) }
        // A link never replaces anything: EEXIST when something holds the name.
        if ways.linkUnnamed(descriptor, folderDescriptor, name) == 0 { return }
        var code = errno
        if code != EEXIST {
            // The file system or the system refuses the link (no /proc, a file system that takes
            // unnamed files but not their links): the bytes are written again under a temporary
            // name, whose own failure, if any, says why.
            let again = try PendingFile(
                for: name, in: folder, openAs: folderDescriptor, ownsFolder: false, mode: mode, role: role,
                temporaryNames: ways.temporaryNames)
            if let failed = PendingFile.write(data, to: again.descriptor) {
                again.discard()
                throw failure("cannot write \(name) in \(role)", code: failed, advice: "check the folder's free space")
            }
            _ = try again.place(as: name, replacing: true, syncFolder: false, synced: false)
            return
        }
        if let link = PendingFile.holder(of: name, in: folderDescriptor) { throw refusal(name, role: role, link: link) }
        // A regular file holds the name: the new one takes a temporary name, then replaces it.
        for _ in 0..<attempts {
            let temporary = ways.temporaryNames(name)
            if ways.linkUnnamed(descriptor, folderDescriptor, temporary) == 0 {
                if renameat(folderDescriptor, temporary, folderDescriptor, name) == 0 { return }
                code = errno
                unlinkat(folderDescriptor, temporary, 0)
                break
            }
            code = errno
            // Something holds that temporary name (a planted link, a leftover): draw another.
            if code != EEXIST { break }
        }
        throw failure("could not move \(name) into place in \(role)", code: code, advice: "check the folder's permissions and free space")
    }

    /// Syncs the written data of the files open as `descriptors` to disk: one `syncfs` of their
    /// filesystem where the system has it, else one `fsync` per file.
    private static func syncData(of descriptors: [Int32], names: [String], role: String) throws {
        guard let first = descriptors.first else { return }
        if accord_sync_filesystem(first) == 0 { return }
        let code = errno
        if code != ENOSYS {
            throw failure(
                "cannot write \(names[0]) and the \(descriptors.count - 1) file(s) after it in \(role)", code: code,
                advice: "check the folder's free space")
        }
        for (index, descriptor) in descriptors.enumerated() where fsync(descriptor) != 0 {
            throw failure("cannot write \(names[index]) in \(role)", code: errno, advice: "check the folder's free space")
        }
    }

    /// Refuses a name that is not one path component: empty, `.`, `..`, or holding `/` or NUL.
    /// - Throws: ``AccordError`` (`io`) naming it.
    static func checkFileName(_ name: String, role: String) throws {
        let bytes = name.utf8
        guard !bytes.isEmpty, name != ".", name != "..", !bytes.contains(UInt8(ascii: "/")), !bytes.contains(0) else {
            throw AccordError(
                .io, "\(name) is not a file name for \(role): a name is one path component, without \"/\" (nothing was written).")
        }
    }

    /// Syncs a folder's entries to disk (after renames made with `syncFolder: false`).
    public static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    // MARK: - Locks

    /// Opens the lock file `folder/name` for reading and writing, creating it (mode 0600) when
    /// missing, without ever following a link at that name.
    ///
    /// - Returns: the open descriptor (close-on-exec); the caller locks it (`flock`) and closes it.
    /// - Throws: ``AccordError`` (`io`) naming the file when it is a symbolic link or not a
    ///   regular file, or cannot be opened.
    public static func openLock(named name: String, in folder: URL, role: String) throws -> Int32 {
        let descriptor = open(
            folder.appendingPathComponent(name).path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP { throw refusal(name, role: role, link: true) }
            throw failure("cannot create the lock file \(name) in \(role)", code: code, advice: "check the folder's permissions")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw refusal(name, role: role, link: false)
        }
        return descriptor
    }

    // MARK: - Names and messages

    /// A new unpredictable temporary name for `name`: `.NAME.<16 random hexadecimal digits>.tmp`
    /// (64 bits from the system's secure random source). A long `name` is shortened so that the
    /// temporary name stays a valid file name.
    public static func temporaryName(for name: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = withUnsafeBytes(of: generator.next() as UInt64) { Hex.lowercase($0) }
        let stem = name.utf8.count > 200 ? String(decoding: Array(name.utf8.prefix(200)), as: UTF8.self) : name
        return ".\(stem).\(random).tmp"
    }

    /// The refusal of a name held by a link (or by something that is not a regular file).
    static func refusal(_ name: String, role: String, link: Bool) -> AccordError {
        AccordError(
            .io,
            "\(name) in \(role) is \(link ? "a symbolic link" : "not a regular file"); Accord does not write through links: remove it, or write into a folder only you can write (\(name) was not written)."
        )
    }

    /// A system call's failure: `what` (naming the file), the system's reason and what to check.
    static func failure(_ what: String, code: Int32, advice: String) -> AccordError {
        AccordError(.io, "\(what) (\(String(cString: strerror(code)))); \(advice).")
    }
}

/// A file being written under a temporary name in its folder, until it is placed under its
/// name (``place(as:replacing:syncFolder:)``) or discarded (``discard()``).
///
/// Made by ``SafeFile``'s rules: the temporary name is unpredictable and created exclusively
/// (`O_CREAT | O_EXCL | O_NOFOLLOW`), and placing it never follows nor replaces a link. Write
/// it as often as needed (a manifest is streamed), then place or discard it exactly once.
public struct PendingFile: Sendable {
    /// The folder the file is written in.
    public let folder: URL
    /// The temporary name of the file in `folder`.
    public let temporaryName: String
    /// The name the file is written for: what messages name (its temporary name is random,
    /// so a message naming it would differ from run to run).
    public let name: String
    /// How messages name the folder ("the output folder").
    let role: String
    /// The folder, open for `openat`, `renameat` and its own `fsync`.
    let folderDescriptor: Int32
    /// Whether this file closes `folderDescriptor` (a group's files share the group's).
    let ownsFolder: Bool
    /// The temporary file, open for writing.
    let descriptor: Int32

    /// Creates a new temporary file for `name` in `folder`, with mode `mode`.
    /// - Parameters:
    ///   - name: the name the file will be placed under (its temporary name derives from it).
    ///   - folder: an existing folder; it may be reached through links.
    ///   - mode: the file's permissions, 0600 unless said otherwise.
    ///   - role: how messages name the folder, e.g. "the output folder".
    /// - Throws: ``AccordError`` (`io`) when the folder cannot be opened or no temporary file can
    ///   be created in it.
    public init(for name: String, in folder: URL, mode: mode_t = 0o600, role: String) throws {
        try self.init(for: name, in: folder, mode: mode, role: role, temporaryNames: SafeFile.temporaryName(for:))
    }

    /// As the public initialiser, drawing temporary names from `temporaryNames` (tests plant
    /// links at the names it gives).
    init(for name: String, in folder: URL, mode: mode_t, role: String, temporaryNames: (String) -> String) throws {
        let folderDescriptor = try Self.openFolder(folder, toWrite: name, role: role)
        try self.init(
            for: name, in: folder, openAs: folderDescriptor, ownsFolder: true, mode: mode, role: role, temporaryNames: temporaryNames)
    }

    /// Opens `folder` for `openat`, `renameat` and `fsync`.
    /// - Throws: ``AccordError`` (`io`) naming `name` when it cannot be opened.
    static func openFolder(_ folder: URL, toWrite name: String, role: String) throws -> Int32 {
        let folderDescriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderDescriptor >= 0 else {
            throw SafeFile.failure(
                "cannot open \(role) to write \(name) in it", code: errno, advice: "check that it exists and that you may write in it")
        }
        return folderDescriptor
    }

    /// A new temporary file for `name` in the folder open as `folderDescriptor`. With
    /// `ownsFolder`, the file closes the descriptor when placed or discarded (and here, when it
    /// throws); without, the caller closes it after every file of its group is done.
    init(
        for name: String, in folder: URL, openAs folderDescriptor: Int32, ownsFolder: Bool, mode: mode_t, role: String,
        temporaryNames: (String) -> String
    ) throws {
        var lastError = EEXIST
        for _ in 0..<SafeFile.attempts {
            let candidate = temporaryNames(name)
            let descriptor = openat(folderDescriptor, candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if descriptor >= 0 {
                // The mode exactly, whatever the umask.
                fchmod(descriptor, mode)
                self.folder = folder
                self.temporaryName = candidate
                self.name = name
                self.role = role
                self.folderDescriptor = folderDescriptor
                self.ownsFolder = ownsFolder
                self.descriptor = descriptor
                return
            }
            lastError = errno
            // Something holds that name (a planted link, a leftover): draw another one.
            if lastError != EEXIST { break }
        }
        if ownsFolder { close(folderDescriptor) }
        throw SafeFile.failure(
            "cannot create a temporary file for \(name) in \(role)", code: lastError,
            advice: "check the folder's permissions and free space")
    }

    /// Appends `data` to the file.
    /// - Throws: ``AccordError`` (`io`) when it cannot be written (a full disk…); the caller
    ///   then discards the file.
    public func write(_ data: Data) throws {
        if let failed = Self.write(data, to: descriptor) {
            throw SafeFile.failure("cannot write \(name) in \(role)", code: failed, advice: "check the folder's free space")
        }
    }

    /// Writes all of `data` to the file open as `descriptor`.
    /// - Returns: `nil`, or the system's error code when it could not be written.
    static func write(_ data: Data, to descriptor: Int32) -> Int32? {
        data.withUnsafeBytes { bytes -> Int32? in
            guard var base = bytes.baseAddress else { return nil }
            var left = bytes.count
            while left > 0 {
                let count = Foundation.write(descriptor, base, left)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return count < 0 ? errno : EIO }
                base += count
                left -= count
            }
            return nil
        }
    }

    /// Syncs the file, moves it to `name` in its folder and syncs the folder.
    ///
    /// A symbolic link (or anything but a regular file) at `name` is never followed nor
    /// replaced: the file is discarded and the call throws. With `replacing`, a regular file of
    /// that name is replaced atomically; without it, the file is placed only if the name is free.
    ///
    /// - Returns: `true` when the file was placed (the pending file is then finished); `false`
    ///   when `replacing` is off and a regular file holds `name` (the pending file stays open:
    ///   place it under another name, or discard it).
    /// - Throws: ``AccordError`` (`io`) naming the file when `name` is a link or not a regular
    ///   file, or when the file cannot be synced or moved; the file is then discarded.
    public func place(as name: String, replacing: Bool, syncFolder: Bool = true) throws -> Bool {
        try place(as: name, replacing: replacing, syncFolder: syncFolder, synced: false)
    }

    /// ``place(as:replacing:syncFolder:)``; `synced`: the file's data is already on disk (a
    /// group synced at once by ``SafeFile/writeAll(_:in:mode:role:)``), so it is not synced again.
    func place(as name: String, replacing: Bool, syncFolder: Bool, synced: Bool) throws -> Bool {
        guard synced || fsync(descriptor) == 0 else {
            let code = errno
            discard()
            throw SafeFile.failure("cannot write \(name) in \(role)", code: code, advice: "check the folder's free space")
        }
        if let link = heldByOtherThanAFile(name) {
            discard()
            throw SafeFile.refusal(name, role: role, link: link)
        }
        if replacing {
            guard renameat(folderDescriptor, temporaryName, folderDescriptor, name) == 0 else {
                let code = errno
                discard()
                throw SafeFile.failure("could not move \(name) into place in \(role)", code: code, advice: "check the folder's permissions")
            }
        } else {
            // A hard link never replaces anything: EEXIST when the name was taken meanwhile.
            guard linkat(folderDescriptor, temporaryName, folderDescriptor, name, 0) == 0 else {
                let code = errno
                if code == EEXIST {
                    if let link = heldByOtherThanAFile(name) {
                        discard()
                        throw SafeFile.refusal(name, role: role, link: link)
                    }
                    return false
                }
                discard()
                throw SafeFile.failure("could not move \(name) into place in \(role)", code: code, advice: "check the folder's permissions")
            }
            unlinkat(folderDescriptor, temporaryName, 0)
        }
        close(descriptor)
        if syncFolder { fsync(folderDescriptor) }
        if ownsFolder { close(folderDescriptor) }
        return true
    }

    /// Removes the temporary file and closes it (a failed or abandoned write).
    public func discard() {
        close(descriptor)
        unlinkat(folderDescriptor, temporaryName, 0)
        if ownsFolder { close(folderDescriptor) }
    }

    /// Whether `name` is held by a link (`true`), by something else that is not a regular file
    /// (`false`), or is free or a regular file (`nil`). Links are not followed.
    private func heldByOtherThanAFile(_ name: String) -> Bool? {
        Self.holder(of: name, in: folderDescriptor)
    }

    /// Whether `name` in the folder open as `folderDescriptor` is held by a link (`true`), by
    /// something else that is not a regular file (`false`), or is free or a regular file
    /// (`nil`). Links are not followed.
    static func holder(of name: String, in folderDescriptor: Int32) -> Bool? {
        var status = stat()
        guard fstatat(folderDescriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: return true
        default: return false
        }
    }
}
