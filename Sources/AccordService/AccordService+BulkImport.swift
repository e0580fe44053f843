import AccordCore
import AccordStore
import Foundation

/// What became of one consultation file of a bulk import
/// (``AccordService/importConsultationFiles(at:author:batchSize:recorded:)``).
public struct ConsultationFileImport: Sendable {
    /// The file, as given.
    public var path: String
    /// The new session with its warnings; or why the file was refused (nothing of it recorded).
    public var outcome: Result<StartedSession, AccordError>
}

extension AccordService {
    /// How many consultation files one transaction of a bulk import records: a few hundred
    /// milliseconds of the write lock at most, so that clinicians recording meanwhile wait
    /// less than their busy timeout.
    public static let importBatchSize = 500

    /// Records consultation files (YAML, AccordCore's `ConsultationFile`) in bulk: each file
    /// whole or not at all, a refused file leaving the others recorded; one transaction per
    /// batch of `batchSize` files (``AccordStore/EventStore/importConsultations(_:author:)``),
    /// the sessions numbered in the files' order.
    ///
    /// A file is refused, with the error naming its key (`patient.ins`) and line, when it
    /// cannot be read (`io`), is not UTF-8 or not a valid consultation (`invalidInput`), or its
    /// changes do not fit (`conflict`, `notFound`), exactly as
    /// ``importConsultationFile(at:author:)`` refuses it alone.
    ///
    /// - Parameters:
    ///   - paths: the files, in order.
    ///   - author: who records (IdNat_PS), or `nil`: each session's clinician.
    ///   - batchSize: how many files one transaction records (at least 1).
    ///   - recorded: called after each batch is committed, with its files' outcomes in order;
    ///     what it throws stops the import (the batches before are recorded).
    /// - Throws: `AccordError` (`busy`, `io`) when a batch cannot be recorded: the batches
    ///   reported before are recorded, nothing of that batch or after it is.
    public func importConsultationFiles(
        at paths: [String], author: String?, batchSize: Int = AccordService.importBatchSize,
        recorded: ([ConsultationFileImport]) throws -> Void
    ) throws {
        var first = 0
        while first < paths.count {
            let batch = Array(paths[first..<min(paths.count, first + max(1, batchSize))])
            first += batch.count
            let centre = try store.centreSettings()
            var outcomes: [Result<StartedSession, AccordError>?] = []
            var parsed: [(index: Int, file: ConsultationFile, consultation: ConsultationImport)] = []
            for (index, path) in batch.enumerated() {
                do {
                    let file = try readConsultationFile(at: path)
                    var start = file.start
                    do {
                        try placeAtCentre(&start, field: "--organisation-finess", centre: centre ?? .example)
                    } catch let error as AccordError where error.field != nil {
                        throw AccordError(error.code, "in the consultation file, \(ConsultationFile.renamingOptions(error).description)")
                    }
                    parsed.append((index, file, ConsultationImport(start: start, changes: file.changes)))
                    outcomes.append(nil)
                } catch let error as AccordError {
                    outcomes.append(.failure(error))
                }
            }
            let results = try store.importConsultations(parsed.map(\.consultation), author: author)
            for (item, result) in zip(parsed, results) {
                switch result {
                case .success(let id):
                    outcomes[item.index] = .success(
                        StartedSession(
                            id: id,
                            warnings: Self.finessWarnings(item.file.start.organisationFINESS, field: "organisation_finess")
                                + identityWarnings(session: id, identity: item.file.start.patient)))
                case .failure(let error) where error.field != nil:
                    outcomes[item.index] = .failure(
                        AccordError(error.code, "in the consultation file, \(ConsultationFile.renamingOptions(error).description)"))
                case .failure(let error):
                    outcomes[item.index] = .failure(error)
                }
            }
            try recorded(zip(batch, outcomes).map { ConsultationFileImport(path: $0, outcome: $1!) })
        }
    }

    /// Reads and parses one consultation file.
    /// - Throws: `AccordError` (`invalidInput`) naming the file's key and line, or saying it
    ///   is too large or not UTF-8; (`io`) when it cannot be read.
    private func readConsultationFile(at path: String) throws -> ConsultationFile {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > ConsultationFile.maximumSize {
            throw AccordError(
                .invalidInput,
                "the consultation file is \(size) bytes, larger than the limit of \(ConsultationFile.maximumSize) bytes; expected one consultation in YAML."
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AccordError(.io, "cannot read the consultation file at the path given; check that it exists and is readable.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AccordError(.invalidInput, "the consultation file is not UTF-8 text; expected a YAML file in UTF-8.")
        }
        do {
            return try ConsultationFile.parse(text, today: CalendarDate(utcDayOf: clock.now()))
        } catch let error as AccordError {
            throw AccordError(error.code, "in the consultation file, \(error.description)")
        }
    }
}
