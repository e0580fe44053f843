import CFileSync
import Foundation
import Testing

@testable import AccordCore

/// ``SafeFile`` in a folder a co-user may write: links planted at the target name or at a
/// temporary name are never followed nor replaced.
@Suite struct SafeFileTests {
    /// A fresh group-writable folder (as a shared export folder is), and a victim file outside it
    /// that planted links point to.
    struct SharedFolder {
        let root: URL
        let folder: URL
        let victim: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("accord-safefile-\(UUID().uuidString)")
            folder = root.appendingPathComponent("shared")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o2770])
            victim = root.appendingPathComponent("victim.txt")
            try Data("precious content\n".utf8).write(to: victim)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: victim.path)
        }

        /// Plants a symbolic link named `name` in the shared folder, pointing to `target` (the victim).
        func plant(_ name: String, to target: URL? = nil) throws {
            try FileManager.default.createSymbolicLink(
                atPath: folder.appendingPathComponent(name).path, withDestinationPath: (target ?? victim).path)
        }

        /// The victim is unchanged: same bytes, same mode.
        func expectVictimUntouched(sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(try String(contentsOf: victim, encoding: .utf8) == "precious content\n", sourceLocation: sourceLocation)
            let mode = try FileManager.default.attributesOfItem(atPath: victim.path)[.posixPermissions] as? Int
            #expect(mode == 0o644, sourceLocation: sourceLocation)
        }

        /// The names in the shared folder, sorted.
        func names() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        }

        func isLink(_ name: String) -> Bool {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent(name).path)) != nil
        }

        func cleanUp() { try? FileManager.default.removeItem(at: root) }
    }

    // MARK: - Writing

    @Test func writesAPrivateFileAndLeavesNoTemporaryFile() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let url = try SafeFile.write(Data("<doc/>".utf8), named: "S1-v1.cda.xml", in: shared.folder, role: "the output folder")
        #expect(try Data(contentsOf: url) == Data("<doc/>".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int == 0o600)
        // A second write replaces the regular file.
        try SafeFile.write(Data("<doc2/>".utf8), named: "S1-v1.cda.xml", in: shared.folder, role: "the output folder")
        #expect(try Data(contentsOf: url) == Data("<doc2/>".utf8))
        #expect(try shared.names() == ["S1-v1.cda.xml"])
    }

    @Test func modeIsExactWhateverTheUmask() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let url = try SafeFile.write(Data([1, 2, 3]), named: "chain.key", in: shared.folder, mode: 0o640, role: "the key's folder")
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int == 0o640)
    }

    @Test(arguments: [true, false])
    func aLinkAtTheTargetNameIsRefusedNotFollowed(dangling: Bool) throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let target = dangling ? shared.root.appendingPathComponent("loot") : shared.victim
        try shared.plant("S1-v1.cda.xml.sig", to: target)
        #expect {
            try SafeFile.write(Data("signature".utf8), named: "S1-v1.cda.xml.sig", in: shared.folder, role: "the output folder")
        } throws: { error in
            let error = error as? AccordError
            return error?.code == .io
                && error?.message.hasPrefix(
                    "S1-v1.cda.xml.sig in the output folder is a symbolic link; Accord does not write through links") == true
        }
        try shared.expectVictimUntouched()
        #expect(!FileManager.default.fileExists(atPath: shared.root.appendingPathComponent("loot").path))
        // The link is still there, and nothing else: no temporary file.
        #expect(shared.isLink("S1-v1.cda.xml.sig"))
        #expect(try shared.names() == ["S1-v1.cda.xml.sig"])
    }

    @Test func aFolderAtTheTargetNameIsRefused() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        try FileManager.default.createDirectory(at: shared.folder.appendingPathComponent("report.html"), withIntermediateDirectories: false)
        #expect {
            try SafeFile.write(Data("x".utf8), named: "report.html", in: shared.folder, role: "the report's folder")
        } throws: { error in
            (error as? AccordError)?.message.hasPrefix("report.html in the report's folder is not a regular file") == true
        }
        #expect(try shared.names() == ["report.html"])
    }

    // MARK: - Groups of files

    /// Writes S1, S2 and S3 as one group `by` the ways given, expecting it to stop with an
    /// error whose message starts with `prefix`.
    func expectGroupOfThreeStops(
        in shared: SharedFolder, by ways: SafeFile.GroupWriting, saying prefix: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let files = (1...3).map { (name: "S\($0)-v1.cda.xml", data: Data("<doc/>".utf8)) }
        #expect(sourceLocation: sourceLocation) {
            try SafeFile.writeAll(files, in: shared.folder, mode: 0o600, role: "the output folder", by: ways)
        } throws: { error in
            (error as? AccordError)?.message.hasPrefix(prefix) == true
        }
    }

    /// A group's files are all written and synced before the first one takes its name: unnamed
    /// (Linux `O_TMPFILE`: nothing in the folder names them), or under their temporary names
    /// where the file system has no unnamed files. Then each is in place with its bytes and exact
    /// mode (whatever the umask), an earlier file replaced, and nothing else is left.
    @Test(arguments: [true, false])
    func aGroupIsWrittenWholeBeforeAnyFileTakesItsName(unnamedFiles: Bool) throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        try Data("first run".utf8).write(to: shared.folder.appendingPathComponent("S2-v1.cda.xml"))
        let files = (1...3).map { (name: "S\($0)-v1.cda.xml", data: Data("<doc n=\"\($0)\"/>".utf8)) }
        var seen: [Data] = []
        var namesBefore: [String] = []
        var unnamedCount = 0
        var ways = SafeFile.GroupWriting()
        ways.unnamedFiles = unnamedFiles
        ways.beforePlacing = { pending in
            namesBefore = (try? shared.names()) ?? []
            for file in pending {
                switch file {
                case .unnamed(let descriptor):
                    unnamedCount += 1
                    // Opened again through /proc for reading (the group's descriptor only writes).
                    seen.append((try? Data(contentsOf: URL(fileURLWithPath: "/proc/self/fd/\(descriptor)"))) ?? Data())
                case .named(let named):
                    // The folder is opened once for the group, and closed by the group, not by a file.
                    #expect(!named.ownsFolder)
                    #expect(named.temporaryName.hasPrefix(".S") && named.temporaryName.hasSuffix(".tmp"))
                    seen.append((try? Data(contentsOf: named.folder.appendingPathComponent(named.temporaryName))) ?? Data())
                }
            }
        }
        let urls = try SafeFile.writeAll(files, in: shared.folder, mode: 0o660, role: "the output folder", by: ways)
        #expect(seen == files.map(\.data))
        if unnamedFiles {
            // Before the links: the earlier S2 alone; the three files whole, named by nothing.
            #expect(unnamedCount == 3)
            #expect(namesBefore == ["S2-v1.cda.xml"])
        } else {
            // Before the renames: the earlier S2 and the three temporary files.
            #expect(unnamedCount == 0)
            #expect(namesBefore.count == 4 && namesBefore.filter { $0.hasSuffix(".cda.xml") } == ["S2-v1.cda.xml"])
        }
        // After: the three files, in place, with their bytes and their exact mode.
        #expect(urls.map(\.lastPathComponent) == files.map(\.name))
        #expect(try shared.names() == files.map(\.name))
        for (url, file) in zip(urls, files) {
            #expect(try Data(contentsOf: url) == file.data)
            #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int == 0o660)
        }
        #expect(try SafeFile.writeAll([], in: shared.folder, role: "the output folder").isEmpty)
    }

    /// A link at one name of a group stops the group there: the files before it are in place,
    /// the link is neither followed nor replaced, the files after it are not written, and nothing
    /// else is left. So does a folder at a name.
    @Test(arguments: [true, false])
    func aLinkInAGroupStopsItAtThatFile(unnamedFiles: Bool) throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        try shared.plant("S2-v1.cda.xml")
        try FileManager.default.createDirectory(
            at: shared.folder.appendingPathComponent("S4-v1.cda.xml"), withIntermediateDirectories: false)
        var ways = SafeFile.GroupWriting()
        ways.unnamedFiles = unnamedFiles
        expectGroupOfThreeStops(in: shared, by: ways, saying: "S2-v1.cda.xml in the output folder is a symbolic link")
        try shared.expectVictimUntouched()
        #expect(shared.isLink("S2-v1.cda.xml"))
        #expect(try shared.names() == ["S1-v1.cda.xml", "S2-v1.cda.xml", "S4-v1.cda.xml"])

        let fourth = [(name: "S4-v1.cda.xml", data: Data("<doc/>".utf8))]
        #expect {
            try SafeFile.writeAll(fourth, in: shared.folder, mode: 0o600, role: "the output folder", by: ways)
        } throws: { error in
            (error as? AccordError)?.message.hasPrefix("S4-v1.cda.xml in the output folder is not a regular file") == true
        }
        #expect(try shared.names() == ["S1-v1.cda.xml", "S2-v1.cda.xml", "S4-v1.cda.xml"])
    }

    /// A name that is not one path component is refused before anything of the group is
    /// written (a name through a subfolder would otherwise be found out only when placed).
    @Test(arguments: ["no-such-folder/S2-v1.cda.xml", "", ".", "..", "S2\u{0}.xml"])
    func aGroupWithANameThatIsNotAFileNamePlacesNone(name: String) throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let files = [("S1-v1.cda.xml", Data("<doc/>".utf8)), (name, Data("<doc/>".utf8))]
        #expect {
            try SafeFile.writeAll(files.map { (name: $0.0, data: $0.1) }, in: shared.folder, role: "the output folder")
        } throws: { error in
            (error as? AccordError)?.message
                == "\(name) is not a file name for the output folder: a name is one path component, without \"/\" (nothing was written)."
        }
        #expect(try shared.names().isEmpty)
    }

    /// A regular file at a name is replaced through a temporary name; a link planted at the
    /// temporary name drawn is never written through nor replaced: another name is drawn.
    @Test func aLinkAtTheTemporaryNameOfAReplacedFileIsNeverUsed() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        try Data("first run".utf8).write(to: shared.folder.appendingPathComponent("S1-v1.cda.xml"))
        let planted = ".S1-v1.cda.xml.0000000000000001.tmp"
        try shared.plant(planted)
        var drawn: [String] = []
        var ways = SafeFile.GroupWriting()
        ways.temporaryNames = { name in
            drawn.append(drawn.isEmpty ? planted : SafeFile.temporaryName(for: name))
            return drawn.last!
        }
        let files = [(name: "S1-v1.cda.xml", data: Data("<doc/>".utf8))]
        _ = try SafeFile.writeAll(files, in: shared.folder, mode: 0o600, role: "the output folder", by: ways)
        #expect(drawn.count == 2)
        try shared.expectVictimUntouched()
        #expect(shared.isLink(planted))
        #expect(try shared.names() == [planted, "S1-v1.cda.xml"])
        #expect(try Data(contentsOf: shared.folder.appendingPathComponent("S1-v1.cda.xml")) == Data("<doc/>".utf8))
    }

    /// Where an unnamed file cannot be linked (no /proc, a file system that refuses the link),
    /// its bytes are written again under a temporary name, synced, and renamed: the group is
    /// still placed whole, an earlier file replaced, nothing left over.
    @Test(arguments: [ENOENT, EPERM, EXDEV])
    func whereTheLinkIsRefusedTheFilesAreWrittenAgainUnderTemporaryNames(code: Int32) throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        try Data("first run".utf8).write(to: shared.folder.appendingPathComponent("S2-v1.cda.xml"))
        var links = 0
        var ways = SafeFile.GroupWriting()
        ways.linkUnnamed = { _, _, _ in
            links += 1
            errno = code
            return -1
        }
        let files = (1...3).map { (name: "S\($0)-v1.cda.xml", data: Data("<doc n=\"\($0)\"/>".utf8)) }
        let urls = try SafeFile.writeAll(files, in: shared.folder, mode: 0o600, role: "the output folder", by: ways)
        #expect(links == 3)
        #expect(try shared.names() == files.map(\.name))
        for (url, file) in zip(urls, files) { #expect(try Data(contentsOf: url) == file.data) }
    }

    /// When the link is refused and the file cannot be written again either, the group stops
    /// at that file: the files before it are in place, nothing else is left.
    @Test func aFileThatCanBeNeitherLinkedNorWrittenAgainStopsTheGroup() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let planted = ".S2-v1.cda.xml.0000000000000001.tmp"
        try shared.plant(planted)
        var ways = SafeFile.GroupWriting()
        ways.linkUnnamed = { descriptor, folder, name in
            if name == "S2-v1.cda.xml" {
                errno = EPERM
                return -1
            }
            return accord_link_unnamed(descriptor, folder, name)
        }
        // Every temporary name drawn for S2 is taken by a link.
        ways.temporaryNames = { name in name == "S2-v1.cda.xml" ? planted : SafeFile.temporaryName(for: name) }
        expectGroupOfThreeStops(
            in: shared, by: ways, saying: "cannot create a temporary file for S2-v1.cda.xml in the output folder")
        try shared.expectVictimUntouched()
        #expect(try shared.names() == [planted, "S1-v1.cda.xml"])
    }

    // MARK: - Creating without replacing

    @Test func createKeepsAnExistingFileAndRefusesALink() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        #expect(try SafeFile.create(Data("first".utf8), named: "accord.sqlite", in: shared.folder, role: "the database's folder"))
        #expect(!(try SafeFile.create(Data("second".utf8), named: "accord.sqlite", in: shared.folder, role: "the database's folder")))
        #expect(try String(contentsOf: shared.folder.appendingPathComponent("accord.sqlite"), encoding: .utf8) == "first")
        #expect(try shared.names() == ["accord.sqlite"])

        try shared.plant("chain.key", to: shared.root.appendingPathComponent("attacker.key"))
        #expect {
            try SafeFile.create(Data(count: 32), named: "chain.key", in: shared.folder, role: "the chain key's folder")
        } throws: { error in
            (error as? AccordError)?.message.hasPrefix("chain.key in the chain key's folder is a symbolic link") == true
        }
        #expect(!FileManager.default.fileExists(atPath: shared.root.appendingPathComponent("attacker.key").path))
        #expect(try shared.names() == ["accord.sqlite", "chain.key"])
    }

    /// A write that fails names the file written for, never its random temporary name: the
    /// same failure gives the same message (and the same manifest) from run to run.
    @Test func aFailedWriteNamesTheFileNotItsTemporaryName() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let pending = try PendingFile(for: "S1-v1.cda.xml", in: shared.folder, role: "the output folder")
        #expect(pending.temporaryName.hasPrefix(".S1-v1.cda.xml.") && pending.temporaryName.hasSuffix(".tmp"))
        close(pending.descriptor)  // every write now fails (EBADF)
        #expect {
            try pending.write(Data("<x/>".utf8))
        } throws: { error in
            (error as? AccordError)?.message
                == "cannot write S1-v1.cda.xml in the output folder (Bad file descriptor); check the folder's free space."
        }
        unlinkat(pending.folderDescriptor, pending.temporaryName, 0)
        close(pending.folderDescriptor)
    }

    @Test func aPendingFileTakesTheFirstFreeName() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        try Data("earlier run".utf8).write(to: shared.folder.appendingPathComponent("manifest-1.json"))
        let pending = try PendingFile(for: "manifest", in: shared.folder, role: "the output folder")
        try pending.write(Data("{".utf8))
        try pending.write(Data("}".utf8))
        #expect(!(try pending.place(as: "manifest-1.json", replacing: false)))
        #expect(try pending.place(as: "manifest-2.json", replacing: false))
        #expect(try shared.names() == ["manifest-1.json", "manifest-2.json"])
        #expect(try String(contentsOf: shared.folder.appendingPathComponent("manifest-2.json"), encoding: .utf8) == "{}")
    }

    // MARK: - Temporary names

    @Test func temporaryNamesAreUnpredictable() {
        let names = (0..<1000).map { _ in SafeFile.temporaryName(for: "S1-v1.cda.xml") }
        #expect(Set(names).count == names.count)
        for name in names.prefix(20) {
            // `.NAME.` + 16 hexadecimal digits (64 random bits) + `.tmp`.
            #expect(name.hasPrefix(".S1-v1.cda.xml.") && name.hasSuffix(".tmp"))
            let random = name.dropFirst(".S1-v1.cda.xml.".count).dropLast(".tmp".count)
            #expect(random.count == 16 && random.allSatisfy(\.isHexDigit))
        }
        // Each of the 64 bits varies across names (none is fixed, as a pid or a counter would be).
        let values = names.map { UInt64($0.dropFirst(".S1-v1.cda.xml.".count).dropLast(".tmp".count), radix: 16)! }
        let varying = values.reduce(UInt64(0)) { $0 | ($1 ^ values[0]) }
        #expect(varying == UInt64.max)
    }

    @Test func aLongNameStillGivesAValidTemporaryName() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let name = String(repeating: "é", count: 120) + ".xml"  // 244 bytes
        try SafeFile.write(Data("x".utf8), named: name, in: shared.folder, role: "the output folder")
        #expect(try shared.names() == [name])
    }

    /// A link planted at the temporary name the primitive draws is never opened (O_EXCL |
    /// O_NOFOLLOW): another name is drawn, and the victim stays as it was.
    @Test func aLinkAtATemporaryNameIsNeverOpened() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let planted = ".S1-v1.cda.xml.0000000000000001.tmp"
        try shared.plant(planted)
        var drawn: [String] = []
        let pending = try PendingFile(
            for: "S1-v1.cda.xml", in: shared.folder, mode: 0o600, role: "the output folder",
            temporaryNames: { name in
                drawn.append(drawn.isEmpty ? planted : SafeFile.temporaryName(for: name))
                return drawn.last!
            })
        #expect(drawn.count == 2 && pending.temporaryName == drawn[1])
        try pending.write(Data("identified document".utf8))
        #expect(try pending.place(as: "S1-v1.cda.xml", replacing: true))
        try shared.expectVictimUntouched()
        #expect(shared.isLink(planted))
        #expect(try shared.names() == [planted, "S1-v1.cda.xml"])
    }

    /// When every name drawn is taken, the primitive gives up with an error; it never writes
    /// through the links.
    @Test func linksAtEveryTemporaryNameAreAnErrorNotAWrite() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let planted = ".S1-v1.cda.xml.0000000000000001.tmp"
        try shared.plant(planted)
        #expect {
            try PendingFile(
                for: "S1-v1.cda.xml", in: shared.folder, mode: 0o600, role: "the output folder", temporaryNames: { _ in planted })
        } throws: { error in
            let error = error as? AccordError
            return error?.code == .io
                && error?.message.hasPrefix("cannot create a temporary file for S1-v1.cda.xml in the output folder") == true
        }
        try shared.expectVictimUntouched()
        #expect(try shared.names() == [planted])
    }

    // MARK: - Locks

    @Test func aLockIsCreatedOnceAndALinkIsRefused() throws {
        let shared = try SharedFolder()
        defer { shared.cleanUp() }
        let descriptor = try SafeFile.openLock(named: ".accord-export.lock", in: shared.folder, role: "the output folder")
        close(descriptor)
        let again = try SafeFile.openLock(named: ".accord-export.lock", in: shared.folder, role: "the output folder")
        close(again)
        #expect(try shared.names() == [".accord-export.lock"])

        let other = try SharedFolder()
        defer { other.cleanUp() }
        try other.plant(".accord-export.lock")
        #expect {
            try SafeFile.openLock(named: ".accord-export.lock", in: other.folder, role: "the output folder")
        } throws: { error in
            let error = error as? AccordError
            return error?.code == .io && error?.message.hasPrefix(".accord-export.lock in the output folder is a symbolic link") == true
        }
        try other.expectVictimUntouched()
    }
}
