import AccordCore
import AccordService
import ArgumentParser
import Foundation

extension Respondent: ExpressibleByArgument {}

struct InstrumentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instrument",
        abstract: "Record SDM instruments (SURE, CollaboRATE, SDM-Q-9, OPTION, DCS, Decision Regret, Control Preferences).",
        subcommands: [Record.self, List.self, Questionnaires.self])

    struct Questionnaires: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "questionnaires",
            abstract: "Write the instruments as FHIR R4 Questionnaire resources (one <id>.xml each).",
            discussion: """
                Items carry linkIds 1…n and short labels of Accord's own, never the instruments' item \
                wording. Canonical URLs are BASE/Questionnaire/ID under the centre's FHIR base \
                (`accord centre set --fhir-base`), else urn:oid:ROOT.6.N under its OID root; the exported \
                QuestionnaireResponses name the same. Validated against fhir-r4/fhir-single.xsd in \
                --schemas or ACCORD_SCHEMAS.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("The folder to write into (created when missing).", valueName: "dir"))
        var out: String

        @Option(help: ArgumentHelp("Folder of the official schemas (default: env ACCORD_SCHEMAS).", valueName: "dir"))
        var schemas: String?

        func run() throws {
            let centre = AccordService.databaseMayExist(at: store.path) ? try store.openExistingStore().centreSettings() : nil
            let result = try AccordService.writeQuestionnaires(centre: centre, folder: out, schemas: schemas)
            if result.example {
                Terminal.warning("no centre settings yet: the Questionnaires use the example OID root and are marked experimental.")
            }
            if !result.validated {
                Terminal.warning("not validated against a schema (set ACCORD_SCHEMAS or --schemas); checked for well-formedness only.")
            }
            for file in result.files { print(file.path) }
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record an instrument's answers; prints the score computed by its published rule.",
            discussion: """
                Answers are the item values the scoring uses, separated by commas: SDM-Q-9 0–5, OPTION \
                0–4, CollaboRATE 0–9 (collaborate-5: 0–4), DCS 0–4, DRS 1–5, SURE yes/no, the Control \
                Preferences Scale one letter A–E; - marks an unanswered item. Answers may be added after \
                the session is closed, as follow-ups without a reason.
                """)

        @OptionGroup var store: StoreOptions

        @OptionGroup var amendment: ReasonOption

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Option(help: ArgumentHelp("The instrument id (see `accord instrument list`).", valueName: "id"))
        var instrument: String

        @Option(parsing: .unconditional, help: ArgumentHelp("The answers, comma-separated, e.g. 5,4,5,3,4,5,5,4,5.", valueName: "answers"))
        var answers: String

        @Option(help: ArgumentHelp("patient, clinician or observer (default: the instrument's own).", valueName: "who"))
        var respondent: Respondent?

        @Option(
            help: ArgumentHelp(
                "The participant who answered for the patient (entry id such as P3), when the respondent is an absent patient.",
                valueName: "entry"))
        var answeredBy: String?

        @Flag(help: "Print the result as JSON: instrument, version, score, subscores, flags.")
        var json = false

        func run() throws {
            if let answeredBy, !answeredBy.uppercased().hasPrefix("P") {
                throw AccordError.invalid(
                    "--answered-by", "names an entry that is not a participant",
                    accepted: "a participant id such as P3, as `session show` lists it")
            }
            let definition = try Instrument.named(instrument)
            let change = try definition.recordedChange(answers: answers, respondent: respondent, answeredBy: answeredBy.map(EntryID.init))
            guard case .instrumentRecorded(_, _, _, _, let score, _) = change else { return }
            let consultation = try store.openStore().record(
                change, in: session.id, author: try store.recordingAuthor(), reason: amendment.reason)
            let response = consultation.instruments.last!
            Terminal.message(
                "Recorded \(response.entry) (\(definition.id.rawValue) \(definition.version)) in session \(session)"
                    + (response.followUp ? " as a follow-up." : ".")
                    + (!score.complete && score.score == nil
                        ? " Not every item was answered: no score (see `accord instrument list` for the rule on missing items)."
                        : score.confirmed ? "" : " Its scoring rule is unconfirmed (see `accord instrument list`)."))
            if json {
                print(String(decoding: try AccordJSON.encoder().encode(InstrumentResult(score)), as: UTF8.self))
            } else {
                print(InstrumentResult.text(score))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the instruments: items, answers, score range, rule and source.")

        @Flag(help: "Print the list as JSON.")
        var json = false

        func run() throws {
            if json {
                let rows = Instrument.all.map {
                    InstrumentRow(
                        id: $0.id.rawValue, version: $0.version, name: $0.name, items: $0.itemCount, answers: $0.answerDescription,
                        range: $0.scoreRange,
                        rule: $0.rule, confirmed: $0.confirmed, unconfirmed: $0.unconfirmed, source: $0.source)
                }
                try Terminal.printJSON(rows)
                return
            }
            for instrument in Instrument.all {
                print("\(instrument.id.rawValue) (\(instrument.name), version \(instrument.version))")
                print(
                    "  \(instrument.itemCount) items, answers \(instrument.answerDescription), score \(instrument.scoreRange); answered by the \(instrument.defaultRespondent.rawValue)"
                )
                print("  rule: \(instrument.rule)")
                for rule in instrument.unconfirmed { print("  unconfirmed: \(rule)") }
                print("  source: \(instrument.source)")
            }
        }
    }
}

/// The `--json` shape of `instrument record`.
struct InstrumentResult: Encodable {
    var instrument: String
    var version: String
    var score: Double?
    var subscores: [String: Double]
    var flags: [String]
    var complete: Bool
    var confirmed: Bool

    init(_ score: InstrumentScore) {
        (instrument, version, self.score, subscores, flags) = (score.instrument, score.version, score.score, score.subscores, score.flags)
        (complete, confirmed) = (score.complete, score.confirmed)
    }

    /// One line: the score (or why there is none), subscores and flags.
    static func text(_ score: InstrumentScore) -> String { score.summaryLine }
}

struct InstrumentRow: Encodable {
    var id, version, name: String
    var items: Int
    var answers, range, rule: String
    var confirmed: Bool
    var unconfirmed: [String]
    var source: String
}
