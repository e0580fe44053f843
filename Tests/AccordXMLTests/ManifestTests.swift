import AccordCore
import AccordService
import AccordXML
import Foundation
import InMemoryLogging
import Logging
import Testing

/// ``BatchExport`` over an in-memory source: paging, manifest streaming, folder contents.
@Suite struct ManifestTests {
    /// Closed sessions S1…Sn (the fixture consultation), versions kept per session and profile.
    final class FakeSource: ExportSource {
        var count: Int
        var issued: [String: DocumentIssue] = [:]
        var consultationsRead = 0
        var pagesRead = 0
        var countsRead = 0
        /// Thrown by ``recordIssues(_:)`` when set (a store that fails mid-run).
        var recordingFailure: AccordError?

        init(count: Int) { self.count = count }

        func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
            countsRead += 1
            return count
        }

        func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
            pagesRead += 1
            let first = (after?.number ?? 0) + 1
            guard first <= Int64(count) else { return [] }
            return (first...min(Int64(count), first + Int64(limit) - 1)).map(SessionID.init(number:))
        }

        /// The session numbers of each ``consultations(_:)`` call, in order.
        var groupsRead: [[Int64]] = []

        func consultations(_ ids: [SessionID]) throws -> [Result<Consultation, AccordError>] {
            groupsRead.append(ids.map(\.number))
            return try ids.map { .success(try consultation($0)) }
        }

        /// Whether it answers the current issued versions (every session unchanged since its
        /// issue), as a store does; otherwise none, and a run reads every session.
        var answersIssuedVersions = false

        func currentIssuedVersions(profile: String, closedFrom: CalendarDate?, through: CalendarDate?) throws -> [SessionID: Int] {
            guard answersIssuedVersions else { return [:] }
            var versions: [SessionID: Int] = [:]
            for (key, issue) in issued where key.hasSuffix("/" + profile) {
                versions[SessionID(number: Int64(key.dropFirst().prefix { $0 != "/" })!)] = issue.version
            }
            return versions
        }

        func consultation(_ id: SessionID) throws -> Consultation {
            consultationsRead += 1
            var consultation = try CDAFixtures.consultation()
            consultation.id = id
            return consultation
        }

        func exportVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
            guard let issue = issued["\(consultation.id)/\(profile)"] else {
                return DocumentVersion(version: 1, replaces: nil, alreadyExported: false)
            }
            return DocumentVersion(version: issue.version, replaces: nil, alreadyExported: true, issued: issue, idRoot: issue.idRoot)
        }

        func centreSettings(atSequence sequence: Int64) throws -> CentreSettings { CDAFixtures.centre }

        func recordIssues(_ issues: [(issue: DocumentIssue, consultation: Consultation)]) throws {
            if let recordingFailure { throw recordingFailure }
            for (issue, consultation) in issues { issued["\(consultation.id)/\(issue.profile)"] = issue }
        }

        func chainHead() throws -> String? { "42:" + String(repeating: "ab", count: 32) }

        /// The identifier keys of objecting patients it answers, and how often it was asked.
        var objecting: Set<String> = []
        var objectionsRead = 0

        func researchObjections() throws -> Set<String> {
            objectionsRead += 1
            return objecting
        }
    }

    /// A pseudonymised run asks once which patients object and leaves their sessions out: no
    /// document, no manifest entry, no event, only the count; an identified run does not ask.
    @Test func aPseudonymisedRunLeavesOutTheSessionsOfAnObjectingPatient() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = FakeSource(count: 5)
        // Every session of the fake source is of the fixture's patient.
        source.objecting = Set(try CDAFixtures.consultation().researchIdentifierKeys)
        var batch = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: folder, exportedAt: CDAFixtures.exportInstant, centre: CDAFixtures.centre)
        batch.centreSequence = 1
        batch.pageSize = 2
        batch.clock = .fixed(at: CDAFixtures.exportInstant)
        batch.pseudonymKey = try PseudonymKey(bytes: Data((0..<32).map { UInt8($0) }))
        var events: [String] = []
        let result = try batch.run(source: source) { event in
            if case .started(let total) = event { events.append("started \(total ?? -1)") } else { events.append("\(event)") }
        }
        #expect(events == ["started 5"])
        #expect(source.objectionsRead == 1)
        var expected = ExportManifest.Summary()
        expected.objected = 5
        #expect(result.summary == expected)
        let url = try #require(result.manifest)
        let manifest = try ExportManifest.read(url)
        #expect(manifest.documents.isEmpty)
        #expect(manifest.summary == expected)
        let bytes = try String(contentsOf: url, encoding: .utf8)
        #expect(bytes.contains(#""summary":{"already_present":0,"damaged":0,"failed":0,"left_out_by_objection":5,"written":0}"#))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") } == [url.lastPathComponent])
        // Alone, such a session is refused, and nothing is written.
        let alone = folder.appendingPathComponent("alone")
        var single = batch
        single.folder = alone
        single.only = SessionID(number: 2)
        single.writesManifest = false
        single.force = true
        let error = try #require(throws: AccordError.self) { try single.run(source: source) }
        #expect(error.code == .conflict)
        #expect(error.message.hasPrefix("the patient of session S2 objected to the re-use of their data for research"))
        #expect(!FileManager.default.fileExists(atPath: alone.path))
        #expect(source.objectionsRead == 2)
        // An identified run does not ask, and writes every document.
        let identified = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: identified) }
        var plain = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: identified, exportedAt: CDAFixtures.exportInstant,
            centre: CDAFixtures.centre)
        plain.centreSequence = 1
        plain.clock = .fixed(at: CDAFixtures.exportInstant)
        #expect(try plain.run(source: source).summary == ExportManifest.Summary(written: 5, alreadyPresent: 0, failed: 0))
        #expect(source.objectionsRead == 2)
    }

    @Test func aRunReadsPageByPageAndItsManifestListsEveryDocument() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = FakeSource(count: 7)
        var batch = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: folder, exportedAt: CDAFixtures.exportInstant, centre: CDAFixtures.centre)
        batch.centreSequence = 1
        batch.pageSize = 3
        batch.clock = .fixed(at: CDAFixtures.exportInstant)
        var events: [String] = []
        let result = try batch.run(source: source) { event in
            switch event {
            case .started(let total): events.append("started \(total ?? -1)")
            case .written(let entry, _, _): events.append("written \(entry.session)")
            case .alreadyPresent(let session, _): events.append("present \(session)")
            case .failed(let session, _, _): events.append("failed \(session)")
            case .damaged(let session, _): events.append("damaged \(session)")
            case .refused(let session, _): events.append("refused \(session)")
            case .reissued(let session, _, _): events.append("reissued \(session)")
            }
        }
        #expect(events == ["started 7"] + (1...7).map { "written S\($0)" })
        #expect(source.pagesRead == 4, "3 + 3 + 1, then an empty page")
        #expect(source.consultationsRead == 7)
        #expect(result.summary == ExportManifest.Summary(written: 7, alreadyPresent: 0, failed: 0))
        let url = try #require(result.manifest)
        #expect(url.lastPathComponent == "manifest-20260302T101500Z.json")
        let manifest = try ExportManifest.read(url)
        #expect(manifest.documents.count == 7)
        #expect(manifest.finishedAt == "2026-03-02T10:15:00Z")
        #expect(manifest.documents.allSatisfy { $0.validation.result == "not-validated" && $0.sha256?.count == 64 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") } == [])

        let contents = try ExportFolder(folder)
        #expect(contents.files.count == 7 && contents.holds("S7-v1.cda.xml"))
        #expect(contents.profiles == ["cda-fr"])
        // A document removed from the folder is not "held" any more: the next run writes it.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("S3-v1.cda.xml"))
        let next = try batch.run(source: source)
        #expect(next.summary == ExportManifest.Summary(written: 1, alreadyPresent: 6, failed: 0))
        #expect(next.manifest?.lastPathComponent == "manifest-20260302T101500Z-2.json")
        #expect(source.countsRead == 2)
        // A run not asked to count the sessions (a command that draws no progress bar) does
        // not, and says so.
        var uncounted = batch
        uncounted.countsSessions = false
        var started: [Int?] = []
        let again = try uncounted.run(source: source) { event in
            if case .started(let total) = event { started.append(total) }
        }
        #expect(started == [nil])
        #expect(source.countsRead == 2)
        #expect(again.summary == ExportManifest.Summary(written: 0, alreadyPresent: 7, failed: 0))
    }

    /// A run that stops throws the error and logs one line at `info` level, nothing at
    /// `warning` or above: the tool prints the error once, on its own.
    @Test func aRunThatStopsThrowsAndLogsAtInfoLevelOnly() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = FakeSource(count: 2)
        let failure = AccordError(.io, "the database's disk is full.")
        source.recordingFailure = failure
        var batch = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: folder, exportedAt: CDAFixtures.exportInstant, centre: CDAFixtures.centre)
        batch.clock = .fixed(at: CDAFixtures.exportInstant)
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        let logger = Logger(label: "test", factory: { [handler] _ in handler })

        let error = try #require(throws: AccordError.self) { try batch.run(source: source, logger: logger) }
        #expect(error == failure)
        #expect(
            handler.entries == [
                InMemoryLogHandler.Entry(
                    level: .info, message: "export run stopped", metadata: ["manifest": "manifest-20260302T101500Z.json"])
            ])
        let manifest = try ExportManifest.read(folder.appendingPathComponent("manifest-20260302T101500Z.json"))
        #expect(manifest.interrupted == "the database's disk is full.")
        #expect(manifest.documents.isEmpty)
    }

    @Test func aRunThatWritesNothingLeavesNoManifest() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let batch = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: folder, exportedAt: CDAFixtures.exportInstant, centre: CDAFixtures.centre)
        let result = try batch.run(source: FakeSource(count: 0))
        #expect(result.manifest == nil)
        #expect(try ExportFolder.manifests(in: folder) == [])
    }
}

/// The manifest's bytes, line by line: the header, one line per document, the tail.
@Suite struct ManifestBytesTests {
    /// A source that fails on its second session, after the first.
    final class FailingSource: ExportSource {
        let inner = ManifestTests.FakeSource(count: 2)

        func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int { 2 }
        func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
            try inner.closedSessions(closedFrom: closedFrom, through: through, after: after, limit: limit)
        }
        func consultation(_ id: SessionID) throws -> Consultation {
            if id.number == 2 { throw AccordError(.io, "the disk \"/x\" is full") }
            return try inner.consultation(id)
        }
        func exportVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
            try inner.exportVersion(for: consultation, profile: profile)
        }
        func centreSettings(atSequence sequence: Int64) throws -> CentreSettings { CDAFixtures.centre }
        func recordIssues(_ issues: [(issue: DocumentIssue, consultation: Consultation)]) throws { try inner.recordIssues(issues) }
        func chainHead() throws -> String? { try inner.chainHead() }
        func researchObjections() throws -> Set<String> { [] }
    }

    func batch(_ folder: URL) throws -> BatchExport {
        var batch = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: folder, exportedAt: CDAFixtures.exportInstant, centre: CDAFixtures.centre)
        batch.centreSequence = 1
        batch.pageSize = 1
        batch.clock = .fixed(at: CDAFixtures.exportInstant)
        return batch
    }

    static let head = String(repeating: "ab", count: 32)

    @Test func aRunsManifestIsItsHeaderOneLinePerDocumentAndItsTail() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try batch(folder).run(source: ManifestTests.FakeSource(count: 2))
        let text = try String(contentsOf: try #require(result.manifest), encoding: .utf8)
        let entry = { (session: String, sha256: String) in
            #"{"chain_head":"42:\#(Self.head)","exported_at":"2026-03-02T10:15:00Z","file":"\#(session)-v1.cda.xml","session":"\#(session)","#
                + #""sha256":"\#(sha256)","size":16411,"validation":{"result":"not-validated"},"version":1}"#
        }
        #expect(
            text
                == #"{"chain_head":"42:\#(Self.head)","format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"#
                + #""selection":{"all":true},"started_at":"2026-03-02T10:15:00Z","documents":["# + "\n "
                + entry("S1", "29ff3a90a8356b14e211882a89363f222ca71b143b57c114a07ac0e8095b62e7") + ",\n "
                + entry("S2", "e93bc43455dc7cc255147c620f1030ebca64e9c0159b6258e876f5e7bb9c55cc") + "\n"
                + #"],"finished_at":"2026-03-02T10:15:00Z","summary":{"already_present":0,"damaged":0,"failed":0,"written":2}}"# + "\n")
    }

    /// A folder holds the files its manifests list as written that are there with their
    /// listed size; not a failed document's, one of another size, one missing, or a folder at
    /// the file's name.
    /// Session ids come in pages; the sessions of a page whose documents the folder does not
    /// hold are read `readGroupSize` at a time, in the page's order, and the others not at all.
    @Test func aPagesSessionsToReadAreReadInGroups() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = ManifestTests.FakeSource(count: 7)
        source.answersIssuedVersions = true
        var batch = BatchExport(
            profile: try ExportProfile.named("cda-fr"), folder: folder, exportedAt: CDAFixtures.exportInstant, centre: CDAFixtures.centre)
        batch.centreSequence = 1
        batch.clock = .fixed(at: CDAFixtures.exportInstant)
        batch.pageSize = 5
        batch.readGroupSize = 2
        let first = try batch.run(source: source)
        #expect(first.summary == ExportManifest.Summary(written: 7, alreadyPresent: 0, failed: 0))
        #expect(source.groupsRead == [[1, 2], [3, 4], [5], [6, 7]])

        for number in [2, 3, 4, 6] { try FileManager.default.removeItem(at: folder.appendingPathComponent("S\(number)-v1.cda.xml")) }
        source.groupsRead = []
        var outcomes: [String] = []
        let again = try batch.run(source: source) { event in
            switch event {
            case .written(let entry, _, _): outcomes.append("written \(entry.session)")
            case .alreadyPresent(let session, _): outcomes.append("present \(session)")
            default: break
            }
        }
        #expect(source.groupsRead == [[2, 3], [4], [6]])
        #expect(outcomes == ["present S1", "written S2", "written S3", "written S4", "present S5", "written S6", "present S7"])
        #expect(again.summary == ExportManifest.Summary(written: 4, alreadyPresent: 3, failed: 0))
    }

    @Test func aFolderHoldsTheListedFilesPresentWithTheirSize() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, size) in [("S1-v1.cda.xml", 5), ("S2-v1.cda.xml", 5), ("S3-v1.cda.xml", 4), ("S5-v2.cda.xml", 5)] {
            try Data(repeating: 0x41, count: size).write(to: folder.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("S6-v1.cda.xml"), withIntermediateDirectories: false)
        // A link at S8's name to a file of its listed size, outside the folder.
        let outside = folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent)-outside.xml")
        try Data(repeating: 0x41, count: 5).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("S8-v1.cda.xml"), withDestinationURL: outside)
        func entry(_ session: String, file: String?, size: Int?, result: String) -> String {
            let file = file.map { #""file":"\#($0)","# } ?? ""
            let size = size.map { #""size":\#($0),"# } ?? ""
            return #"{\#(file)"session":"\#(session)",\#(size)"validation":{"result":"\#(result)"},"version":1}"#
        }
        let documents = [
            entry("S1", file: "S1-v1.cda.xml", size: 5, result: "valid"),
            entry("S2", file: "S2-v1.cda.xml", size: nil, result: "not-validated"),
            entry("S3", file: "S3-v1.cda.xml", size: 5, result: "valid"),
            entry("S4", file: "S4-v1.cda.xml", size: 5, result: "valid"),
            entry("S5", file: "S5-v2.cda.xml", size: 5, result: "failed"),
            entry("S6", file: "S6-v1.cda.xml", size: nil, result: "valid"),
            entry("S7", file: nil, size: nil, result: "damaged"),
            entry("S8", file: "S8-v1.cda.xml", size: 5, result: "valid"),
        ]
        let manifest =
            #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{"all":true},"documents":[\#n"#
            + documents.joined(separator: ",\n") + "\n]}"
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("manifest-20260302T101500Z.json"))
        let held = try ExportFolder(folder)
        #expect(held.files == ["S1-v1.cda.xml", "S2-v1.cda.xml"])
        #expect(held.profiles == ["cda-fr"])

        // A later run's manifest: a file is held when one of its listings gives its size,
        // whatever the others say (S3, listed at another size first; S1, at another size
        // now), and a file still missing is not held (S4).
        let later = [
            entry("S3", file: "S3-v1.cda.xml", size: 9, result: "valid"),
            entry("S3", file: "S3-v1.cda.xml", size: 4, result: "valid"),
            entry("S1", file: "S1-v1.cda.xml", size: 9, result: "valid"),
            entry("S4", file: "S4-v1.cda.xml", size: nil, result: "valid"),
        ]
        let laterManifest =
            #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{"all":true},"documents":[\#n"#
            + later.joined(separator: ",\n") + "\n]}"
        try Data(laterManifest.utf8).write(to: folder.appendingPathComponent("manifest-20260302T111500Z.json"))
        #expect(try ExportFolder(folder).files == ["S1-v1.cda.xml", "S2-v1.cda.xml", "S3-v1.cda.xml"])
    }

    /// A folder whose runs made other kinds of documents refuses a run, naming the first of
    /// them in order (the same at each run, whatever the order of a set).
    @Test func aFolderOfOtherProfilesNamesTheFirstInOrder() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (number, profile) in ["fff", "bbb", "eee", "ccc", "ddd", "ggg"].enumerated() {
            let manifest =
                #"{"format":"accord-export-manifest/1","profile":"\#(profile)","pseudonymised":false,"selection":{},"documents":[]}"#
            try Data(manifest.utf8).write(to: folder.appendingPathComponent("manifest-2026030\(number)T101500Z.json"))
        }
        let held = try ExportFolder(folder)
        for _ in 0..<3 {
            #expect(throws: AccordError.self) { try held.checkAccepts(versionKey: "cda-fr", pseudonymKeyID: nil) }
            do {
                try held.checkAccepts(versionKey: "cda-fr", pseudonymKeyID: nil)
            } catch let error as AccordError {
                #expect(error.message.contains("already holds documents of profile bbb;"), "\(error.message)")
            }
        }
    }

    /// A manifest that is not one (not JSON, a key every manifest or entry has missing, a value
    /// of another type) stops the run with the same message, naming the file.
    @Test(arguments: [
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[{"file":"S1-v1.cda.xml""#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[{"file":"S1-v1.cda.xml","version":1,"validation":{"result":"valid"}}]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[{"file":"S1-v1.cda.xml","session":"S1","validation":{"result":"valid"}}]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[{"file":"S1-v1.cda.xml","session":"S1","version":1}]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[{"file":"S1-v1.cda.xml","session":"S1","size":"5","version":1,"validation":{"result":"valid"}}]}"#,
        #"{"profile":"cda-fr","pseudonymised":false,"selection":{},"documents":[]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"documents":[]}"#,
        #"{"format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":"no","selection":{},"documents":[]}"#,
    ])
    func aManifestThatIsNotOneIsRefused(text: String) throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(text.utf8).write(to: folder.appendingPathComponent("manifest-20260302T101500Z.json"))
        #expect(
            throws: AccordError(
                .io,
                "the manifest manifest-20260302T101500Z.json in \(folder.path) cannot be read as an export manifest; move it away or restore it.",
                field: "--out")
        ) { try ExportFolder(folder) }
        // The whole reading refuses it too.
        #expect(throws: AccordError.self) { try ExportManifest.read(folder.appendingPathComponent("manifest-20260302T101500Z.json")) }
    }

    /// A run stopped by a session it cannot read writes what came before it first (S1, built
    /// and waiting in its issue group), lists it, and says why it stopped.
    @Test func anInterruptedRunsManifestSaysWhy() throws {
        let folder = try CDAFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: AccordError.self) { try batch(folder).run(source: FailingSource()) }
        let url = try #require(try ExportFolder.manifests(in: folder).first)
        #expect(
            try String(contentsOf: url, encoding: .utf8)
                == #"{"chain_head":"42:\#(Self.head)","format":"accord-export-manifest/1","profile":"cda-fr","pseudonymised":false,"#
                + #""selection":{"all":true},"started_at":"2026-03-02T10:15:00Z","documents":["# + "\n "
                + #"{"chain_head":"42:\#(Self.head)","exported_at":"2026-03-02T10:15:00Z","file":"S1-v1.cda.xml","session":"S1","#
                + #""sha256":"29ff3a90a8356b14e211882a89363f222ca71b143b57c114a07ac0e8095b62e7","size":16411,"#
                + #""validation":{"result":"not-validated"},"version":1}"# + "\n"
                + #"],"finished_at":"2026-03-02T10:15:00Z","interrupted":"the disk \"/x\" is full","#
                + #""summary":{"already_present":0,"damaged":0,"failed":0,"written":1}}"# + "\n")
        #expect(try ExportFolder(folder).files == ["S1-v1.cda.xml"])
    }
}
