import AccordCore
import AccordStore
import Foundation

/// What became of one consultation file of a bulk import
/// (``AccordService/importConsultationFiles(at:author:batchSize:committed:recorded:)``).
public struct ConsultationFileImport: Sendable {
    /// The file, as given.
    public var path: String
    /// The new session with its warnings; or why the file was refused (nothing of it recorded).
    public var outcome: Result<StartedSession, AccordError>
}

extension AccordService {
    /// Records consultation files (YAML, AccordCore's `ConsultationFile`) in bulk: each file
    /// whole or not at all, a refused file leaving the others recorded; one transaction per
    /// batch of `batchSize` files (``AccordStore/EventStore/importConsultations(_:author:)``),
    /// the sessions numbered in the files' order. The files of the next batch are read and
    /// parsed on a second thread while a batch is written.
    ///
    /// A file is refused, with the error naming its key (`patient.ins`) and line, when it
    /// cannot be read (`io`), is not UTF-8 or not a valid consultation (`invalidInput`), or its
    /// changes do not fit (`conflict`, `notFound`), exactly as
    /// ``importConsultationFile(at:author:)`` refuses it alone.
    ///
    /// - Parameters:
    ///   - paths: the files, in order.
    ///   - author: who records (IdNat_PS), or `nil`: each session's clinician.
    ///   - batchSize: how many files one transaction records (at least 1); `nil`: the store's
    ///     ``AccordStore/EventStore/importBatchSize`` (500 on SQLite, 50 on PostgreSQL).
    ///   - committed: called right after each batch is committed, with the new sessions' ids
    ///     in the files' order, before anything else is read (a caller that prints them loses
    ///     none if it is stopped afterwards).
    ///   - recorded: then called with the batch's outcomes in order, warnings included (the
    ///     identity comparisons read the database); what either throws stops the import (the
    ///     batches before are recorded).
    /// - Throws: `AccordError` (`busy`, `io`) when a batch cannot be recorded: the batches
    ///   reported before are recorded, nothing of that batch or after it is; an error other
    ///   than `AccordError` met reading a file, likewise.
    public func importConsultationFiles(
        at paths: [String], author: String?, batchSize: Int? = nil, committed: ([SessionID]) throws -> Void = { _ in },
        recorded: ([ConsultationFileImport]) throws -> Void
    ) throws {
        let size = max(1, batchSize ?? store.importBatchSize)
        let batches = stride(from: 0, to: paths.count, by: size).map { Array(paths[$0..<min(paths.count, $0 + size)]) }
        guard let first = batches.first else { return }
        // Each batch's files are read and parsed on another thread while the batch before is
        // written, against the centre's settings as they are when that batch is reached.
        var next = ParsingJob(first, centre: try store.centreSettings() ?? .example, service: self)
        for index in batches.indices {
            var parsed = try next.finish()
            if index + 1 < batches.count {
                next = ParsingJob(batches[index + 1], centre: try store.centreSettings() ?? .example, service: self)
            }
            let results = try store.importConsultations(parsed.files.map(\.consultation), author: author)
            try committed(results.compactMap { try? $0.get() })
            // The identity warnings of the batch's new sessions, read at once.
            let newSessions = zip(parsed.files, results).compactMap { item, result in
                (try? result.get()).map { (id: $0, identity: item.file.start.patient) }
            }
            var newSessionWarnings = identityWarnings(newSessions, earlierOnly: true).makeIterator()
            for (item, result) in zip(parsed.files, results) {
                switch result {
                case .success(let id):
                    parsed.outcomes[item.index] = .success(
                        StartedSession(
                            id: id,
                            warnings: Self.finessWarnings(item.file.start.organisationFINESS, field: "organisation_finess")
                                + (newSessionWarnings.next() ?? [])))
                case .failure(let error) where error.field != nil:
                    parsed.outcomes[item.index] = .failure(
                        AccordError(error.code, "in the consultation file, \(ConsultationFile.renamingOptions(error).description)"))
                case .failure(let error):
                    parsed.outcomes[item.index] = .failure(error)
                }
            }
            try recorded(zip(batches[index], parsed.outcomes).map { ConsultationFileImport(path: $0, outcome: $1!) })
        }
    }

    /// One batch of consultation files, read and parsed: the outcome of each file refused so
    /// far (`nil`: parsed), and the parsed ones with their place in the batch.
    private struct ParsedBatch: Sendable {
        var outcomes: [Result<StartedSession, AccordError>?] = []
        var files: [(index: Int, file: ConsultationFile, consultation: ConsultationImport)] = []
    }

    /// Reads and parses a batch of consultation files on a global dispatch queue while the
    /// caller goes on (writing the batch before); nothing is written.
    private final class ParsingJob: @unchecked Sendable {
        // Written by the job before `group` is left, read by the caller after waiting on it.
        private var parsed: Result<ParsedBatch, any Error> = .success(ParsedBatch())
        private let group = DispatchGroup()

        init(_ paths: [String], centre: CentreSettings, service: AccordService) {
            DispatchQueue.global().async(group: group) { [self] in
                parsed = Result { try service.parse(paths, centre: centre) }
            }
        }

        /// Waits for the batch. - Throws: what reading a file threw other than `AccordError`.
        func finish() throws -> ParsedBatch {
            group.wait()
            return try parsed.get()
        }
    }

    /// Reads and parses each file, placing its session at `centre`; a file refused is kept
    /// as its outcome.
    private func parse(_ paths: [String], centre: CentreSettings) throws -> ParsedBatch {
        var batch = ParsedBatch()
        for (index, path) in paths.enumerated() {
            do {
                let file = try readConsultationFile(at: path)
                var start = file.start
                do {
                    try placeAtCentre(&start, field: "--organisation-finess", centre: centre)
                } catch let error as AccordError where error.field != nil {
                    throw AccordError(error.code, "in the consultation file, \(ConsultationFile.renamingOptions(error).description)")
                }
                batch.files.append((index, file, ConsultationImport(start: start, changes: file.changes)))
                batch.outcomes.append(nil)
            } catch let error as AccordError {
                batch.outcomes.append(.failure(error))
            }
        }
        return batch
    }

    /// Reads and parses one consultation file, as of this service's clock.
    private func readConsultationFile(at path: String) throws -> ConsultationFile {
        try Self.readConsultationFile(at: path, today: CalendarDate(utcDayOf: clock.now()))
    }

    /// Reads and parses one consultation file without a database: what refuses a file before
    /// any database is opened (`accord session import` with one file checks it first, so
    /// that a refused file creates no database).
    /// - Parameters:
    ///   - path: the file.
    ///   - today: the UTC day dates in the file are checked against (none in the future).
    /// - Returns: the file's session start and changes, not yet placed at the centre.
    /// - Throws: `AccordError` (`invalidInput`) naming the file's key and line, or saying it
    ///   is too large or not UTF-8; (`io`) when it cannot be read.
    public static func readConsultationFile(at path: String, today: CalendarDate) throws -> ConsultationFile {
        // The size from `stat` alone: `FileManager.attributesOfItem` also looks up the owner's
        // and group's names (it read /etc/passwd and /etc/group for each file of a bulk import).
        var status = stat()
        if stat(path, &status) == 0, case let size = Int(status.st_size), size > ConsultationFile.maximumSize {
            throw AccordError(
                .invalidInput,
                "the consultation file is \(size) bytes, larger than the limit of \(ConsultationFile.maximumSize) bytes; expected one consultation in YAML."
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AccordError(.io, "cannot read the consultation file at the path given; check that it exists and is readable.")
        }
        // Validated by the standard library (Foundation's conversion cost 4 % of a bulk
        // import's instructions), a byte-order mark dropped as Foundation drops it.
        let utf8 = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw AccordError(.invalidInput, "the consultation file is not UTF-8 text; expected a YAML file in UTF-8.")
        }
        do {
            return try ConsultationFile.parse(text, today: today)
        } catch let error as AccordError {
            throw AccordError(error.code, "in the consultation file, \(error.description)")
        }
    }
}
