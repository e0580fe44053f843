import AccordCore
import AccordXML
import Foundation

/// The CDA test consultation (``CDAFixtures``) with the three-talk phases, a decision aid and
/// four instruments added before it closes, exported in the FHIR tests and as
/// `Exports/fhir-r4/example.fhir.xml`.
enum FHIRFixtures {
    /// The instruments recorded: the preferred role (CPS letter), a complete SDM-Q-9, a SURE
    /// test, and a Decisional Conflict Scale with item 5 unanswered (incomplete).
    static func instrumentChanges() throws -> [Change] {
        let responses: [(InstrumentID, Respondent, [InstrumentAnswer])] = [
            (.cpsPreferred, .patient, [.letter("C")]),
            (.sdmQ9, .patient, [5, 4, 4, 3, 5, 4, 4, 5, 3].map { .value($0) }),
            (.sure, .patient, [.yes, .yes, .no, .yes]),
            (.dcs16, .patient, (1...16).map { $0 == 5 ? .missing : .value($0 % 5) }),
        ]
        return try responses.map { id, respondent, answers in
            let instrument = id.instrument
            return .instrumentRecorded(
                instrument: id, version: instrument.version, respondent: respondent, answers: answers,
                score: try instrument.score(answers))
        }
    }

    /// The changes of the FHIR example session.
    static func changes(decision: DecisionOutcome = .agreed(option: 1)) throws -> [Change] {
        var changes = CDAFixtures.changes(decision: decision)
        let close = changes.removeLast()
        changes.insert(contentsOf: [.phaseStarted(.team), .phaseStarted(.option)], at: 5)
        changes += [.phaseStarted(.decision), .decisionAidGiven(name: "Fiche d'aide à la décision \"prostate\"", version: "2025")]
        changes += try instrumentChanges()
        changes.append(close)
        return changes
    }

    static func consultation(decision: DecisionOutcome = .agreed(option: 1)) throws -> Consultation {
        let events = try changes(decision: decision).enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: CDAFixtures.startInstant.addingTimeInterval(Double(index) * 120), author: CDAFixtures.clinicianID,
                change: change)
        }
        return try Consultation(events: events)
    }

    static func input(
        decision: DecisionOutcome = .agreed(option: 1), version: Int = 1, replacing: InstanceIdentifier? = nil
    ) throws -> CDAExportInput {
        CDAExportInput(
            consultation: try consultation(decision: decision), centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant,
            version: version, replacedDocumentID: replacing)
    }

    /// `.build/fhir-out/`, where each tested document is written for inspection.
    static var outputFolder: URL { CDAFixtures.packageRoot.appendingPathComponent(".build/fhir-out", isDirectory: true) }

    /// Writes `data` as `.build/fhir-out/<name>.fhir.xml`.
    static func keep(_ data: Data, as name: String) {
        try? FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        try? data.write(to: outputFolder.appendingPathComponent("\(name).fhir.xml"))
    }
}

/// XPath over a FHIR document with the prefix `f` for `http://hl7.org/fhir`.
///
/// ``XMLDocumentReader`` registers `hl7`, `xsi`, `xhtml` and `sdtc` only; until it registers
/// `f`, each `f:Name` step is rewritten as `*[local-name()='Name' and namespace-uri()='http://hl7.org/fhir']`.
struct FHIRReader {
    let reader: XMLDocumentReader

    init(_ data: Data) throws { reader = try XMLDocumentReader(data: data) }

    static func expand(_ xpath: String) -> String {
        xpath.replacingOccurrences(
            of: #"(?<![A-Za-z0-9_:.-])f:([A-Za-z][A-Za-z0-9]*)"#,
            with: "*[local-name()='$1' and namespace-uri()='http://hl7.org/fhir']", options: .regularExpression)
    }

    func strings(_ xpath: String) throws -> [String] { try reader.strings(xpath: Self.expand(xpath)) }
    func string(_ xpath: String) throws -> String? { try reader.string(xpath: Self.expand(xpath)) }
    func count(_ xpath: String) throws -> Int { try reader.count(xpath: Self.expand(xpath)) }
}
