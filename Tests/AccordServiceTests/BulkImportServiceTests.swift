import AccordCore
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `importConsultationFiles`: many consultation files, one transaction per batch, each file
/// whole or refused whole, outcomes in the files' order.
@Suite struct BulkImportServiceTests {
    @Test(arguments: TestBackend.available)
    func batchesKeepTheFilesOrderAndRefuseOnlyTheBadFile(backend: TestBackend) throws {
        let (service, folder, done) = try AccordServiceTests().service(backend)
        defer { done() }
        let good = Samples.sampleConsultationFile.path
        let bad = folder.appendingPathComponent("bad.yaml")
        try "format: accord-consultation/1\ntopic: [\n".write(to: bad, atomically: true, encoding: .utf8)
        let missing = folder.appendingPathComponent("missing.yaml").path
        var batches: [[ConsultationFileImport]] = []
        var calls: [String] = []
        try service.importConsultationFiles(at: [good, bad.path, good, missing, good], author: nil, batchSize: 2) { ids in
            calls.append("committed " + ids.map(\.description).joined(separator: " "))
        } recorded: { outcomes in
            calls.append("recorded \(outcomes.count)")
            batches.append(outcomes)
        }
        #expect(
            calls == ["committed S1", "recorded 2", "committed S2", "recorded 2", "committed S3", "recorded 1"],
            "each batch's ids as soon as it is committed, then its outcomes")
        #expect(batches.map(\.count) == [2, 2, 1], "one call per committed batch of 2 files")
        let outcomes = batches.flatMap { $0 }
        #expect(outcomes.map(\.path) == [good, bad.path, good, missing, good])
        #expect(outcomes.map { try? $0.outcome.get().id } == [SessionID(number: 1), nil, SessionID(number: 2), nil, SessionID(number: 3)])
        guard case .failure(let unreadable) = outcomes[3].outcome, case .failure(let malformed) = outcomes[1].outcome else {
            Issue.record("a bad or missing file was recorded")
            return
        }
        #expect(
            unreadable == AccordError(.io, "cannot read the consultation file at the path given; check that it exists and is readable."))
        #expect(malformed.code == .invalidInput && malformed.message.hasPrefix("in the consultation file, "))
        #expect(throws: malformed) { try service.importConsultationFile(at: bad.path, author: nil) }
        #expect(try service.sessions(matching: SessionQuery()).map(\.eventCount) == [11, 11, 11])
        let verification = try service.verify()
        #expect(verification.firstBreak == nil && verification.eventCount == 33)
    }
}

/// A consultation file's bytes: UTF-8, with or without a byte-order mark; anything else is
/// refused, saying so.
@Suite struct ConsultationFileBytesTests {
    @Test func aByteOrderMarkIsDroppedAndOtherBytesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try Data(contentsOf: Samples.sampleConsultationFile)
        let today = CalendarDate("2026-03-02")!
        func read(_ bytes: Data) throws -> ConsultationFile {
            let file = folder.appendingPathComponent("c.yaml")
            try bytes.write(to: file)
            return try AccordService.readConsultationFile(at: file.path, today: today)
        }
        let plain = try read(text)
        let marked = try read(Data([0xEF, 0xBB, 0xBF]) + text)
        #expect(marked.start == plain.start && marked.changes == plain.changes)
        #expect(plain.start.patient.birthFamilyName == "MARCHAND-D'ESTE")
        let notUTF8 = AccordError(.invalidInput, "the consultation file is not UTF-8 text; expected a YAML file in UTF-8.")
        // Latin-1, a lone surrogate, a cut sequence, a UTF-16 mark.
        for bytes in [
            text + Data([0xE9]), text + Data([0xED, 0xA0, 0x80]), text + Data([0xC3]), Data([0xFF, 0xFE]) + text,
        ] {
            #expect(throws: notUTF8) { try read(bytes) }
        }
    }
}

/// How many files one transaction of a bulk import holds, by backend.
@Suite struct ImportBatchSizeTests {
    /// The store's batch size when none is given: 500 files on SQLite; 50 on PostgreSQL, where
    /// each file is a few round trips to the server (500 files at ten statements each held the
    /// append lock about five seconds, the busy timeout of a clinician recording meanwhile).
    @Test(arguments: TestBackend.available)
    func theStoreChoosesTheBatchSize(backend: TestBackend) throws {
        let (service, _, done) = try AccordServiceTests().service(backend)
        defer { done() }
        var committed: [Int] = []
        let files = Array(repeating: Samples.sampleConsultationFile.path, count: 120)
        try service.importConsultationFiles(at: files, author: nil) {
            committed.append($0.count)
        } recorded: { _ in
        }
        #expect(committed == (backend == .postgres ? [50, 50, 20] : [120]))
        #expect(try service.sessions(matching: SessionQuery()).count == 120)
    }
}
