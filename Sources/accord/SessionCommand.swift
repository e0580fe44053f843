import AccordCore
import AccordService
import ArgumentParser
import Foundation

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Start, show, list, check, close, import consultation sessions, and show their history.",
        subcommands: [Start.self, Show.self, List.self, Check.self, Close.self, Import.self, History.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start a consultation session; prints only the new session id.",
            discussion: """
                The patient is entry P1, the clinician entry P2. Test identities use --ins-oid 1.2.250.1.213.1.4.10. \
                An INS given without --identity-status is taken as qualified (the centre's identity server qualified it \
                before it reached Accord); an identity without INS is provisional. Documents carry the INS only for a \
                qualified identity, the IPP otherwise (`accord patient status` changes the status). \
                With --from-rcp the patient, IPP, diagnosis and the board's options come from an RCP report (FRCP) \
                and are recorded in one transaction; the patient options are then refused.
                """)

        @OptionGroup var store: StoreOptions

        @Option(
            help: ArgumentHelp("Start from an RCP report (FRCP, CDA XML): patient, diagnosis, options.", valueName: "file"))
        var fromRcp: String?

        @Option(help: ArgumentHelp("Start from a decision template: its options are added (see `accord template list`).", valueName: "id"))
        var template: String?

        @Option(
            help: ArgumentHelp(
                "The patient's INS (15 characters: NIR and key), as the INSi teleservice returned it; without it the identity is provisional.",
                valueName: "ins"))
        var patientIns: String?

        @Option(
            help: ArgumentHelp(
                "The identity's status (RNIV): provisional, recovered, validated or qualified (default: qualified with --patient-ins, else provisional).",
                valueName: "status"))
        var identityStatus: String?

        @Option(
            help: ArgumentHelp(
                "OID of the INS (default: production INS-NIR 1.2.250.1.213.1.4.8; tests: 1.2.250.1.213.1.4.10).", valueName: "oid"))
        var insOid: String?

        @Option(help: ArgumentHelp("Birth family name, as the INS holds it.", valueName: "name"))
        var familyName: String?

        @Option(help: ArgumentHelp("Birth given names, in order, separated by spaces.", valueName: "names"))
        var givenNames: String?

        @Option(help: ArgumentHelp("First birth given name (default: the first of --given-names).", valueName: "name"))
        var firstGivenName: String?

        @Option(help: ArgumentHelp("Family name used in daily life, when it differs.", valueName: "name"))
        var usedFamilyName: String?

        @Option(help: ArgumentHelp("Given name used in daily life, when it differs.", valueName: "name"))
        var usedGivenName: String?

        @Option(help: ArgumentHelp("Birth date, YYYY-MM-DD.", valueName: "date"))
        var birthDate: String?

        @Option(help: ArgumentHelp("Administrative sex: F, M or U.", valueName: "sex"))
        var sex: String?

        @Option(help: ArgumentHelp("Birth place as its INSEE COG code (e.g. 75056, 2A004, 99134).", valueName: "cog"))
        var birthplace: String?

        @Option(help: ArgumentHelp("The patient's IPP in the centre.", valueName: "ipp"))
        var ipp: String?

        @Option(help: ArgumentHelp("OID of the IPP domain (default: the centre's OID root + .2).", valueName: "oid"))
        var ippRoot: String?

        @Flag(help: "The patient does not attend the consultation.")
        var patientAbsent = false

        @Option(help: ArgumentHelp("IdNat_PS of the clinician leading the consultation (8 + RPPS); required.", valueName: "idnat-ps"))
        var clinicianId: String?

        @Option(
            help: ArgumentHelp(
                "The clinician's name as one text; required unless --clinician-family-name is given.", valueName: "name"))
        var clinicianName: String?

        @Option(
            help: ArgumentHelp(
                "The clinician's family name (CDA name/family, FHIR HumanName.family); with it --clinician-name may be left out.",
                valueName: "name"))
        var clinicianFamilyName: String?

        @Option(help: ArgumentHelp("The clinician's given name (CDA name/given, FHIR HumanName.given).", valueName: "name"))
        var clinicianGivenName: String?

        @Option(
            help: ArgumentHelp(
                "The clinician's civility M or MME (CI-SIS J245, CDA name/prefix) or a title of J246 such as DR or PR (CDA name/suffix).",
                valueName: "prefix"))
        var clinicianPrefix: String?

        @Option(
            help: ArgumentHelp(
                "The clinician's profession or specialty: a code of the CI-SIS value set J01, e.g. G15_10/SM36 (oncologie médicale); `accord codes list J01` lists them.",
                valueName: "code"))
        var clinicianSpecialty: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("The clinician's function or specialty, in words.", valueName: "text"))
        var clinicianFunction: String?

        /// The clinician's name in parts and specialty as typed.
        private var clinicianDetails: PersonDetails {
            PersonDetails(
                familyName: clinicianFamilyName, givenName: clinicianGivenName, prefix: PersonDetails.prefixCode(clinicianPrefix),
                specialty: clinicianSpecialty)
        }

        /// `--clinician-name`, or the name in parts as one line (`Dr Claire MARTIN`).
        private var clinicianNameText: String? { clinicianName ?? clinicianDetails.nameLine }

        @Option(
            help: ArgumentHelp(
                "FINESS where the consultation takes place: the centre's or a site declared with `accord centre site add` (default: the centre's; with --from-rcp, the report's organisation).",
                valueName: "finess"))
        var organisationFiness: String?

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("The decision to make (with --from-rcp, default: after the RCP of its date).", valueName: "text"))
        var topic: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("The diagnosis the decision is about.", valueName: "text"))
        var condition: String?

        @Option(
            help: ArgumentHelp(
                "A code for the diagnosis (ICD-10 unless --condition-code-system says otherwise, e.g. C50.4).", valueName: "code"))
        var conditionCode: String?

        @Option(
            help: ArgumentHelp(
                "The code system of --condition-code: an OID, or CIM-10/ICD-10, ICD-O-3, LOINC, SNOMED-CT or their URIs (default: ICD-10).",
                valueName: "system"))
        var conditionCodeSystem: String?

        /// Names every missing option in one message: the clinician's, and without --from-rcp
        /// the patient's and the topic (which a template may give).
        func validate() throws {
            var required: [(String, String?)] = [
                ("--clinician-id <idnat-ps>", clinicianId),
                ("--clinician-name <name>", clinicianNameText),
            ]
            if fromRcp == nil {
                required += [
                    ("--family-name <name>", familyName), ("--given-names <names>", givenNames),
                    ("--birth-date <date>", birthDate), ("--sex <sex>", sex), ("--birthplace <cog>", birthplace),
                ]
                if template == nil { required.append(("--topic <text>", topic)) }
            }
            let missing = required.filter { $0.1 == nil }.map { "'\($0.0)'" }
            guard missing.isEmpty else {
                throw ValidationError(
                    "Missing expected argument\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))"
                        + (fromRcp == nil ? " (the patient's may come from an RCP report instead: --from-rcp <file>)" : "") + ".")
            }
        }

        func run() throws {
            guard let clinicianId, let clinicianName = clinicianNameText else { return }
            let decisionTemplate = try template.map { try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template($0) }
            if let fromRcp {
                return try startFromRCP(fromRcp, template: decisionTemplate, clinicianID: clinicianId, clinicianName: clinicianName)
            }
            var typed = TypedSessionStart(clinicianID: clinicianId, clinicianName: clinicianName)
            typed.patientINS = patientIns
            typed.identityStatus = identityStatus
            typed.insOID = insOid
            typed.familyName = familyName
            typed.givenNames = givenNames
            typed.firstGivenName = firstGivenName
            typed.usedFamilyName = usedFamilyName
            typed.usedGivenName = usedGivenName
            typed.birthDate = birthDate
            typed.sex = sex
            typed.birthplace = birthplace
            typed.ipp = ipp
            typed.ippRoot = ippRoot
            typed.patientPresent = !patientAbsent
            typed.clinicianDetails = clinicianDetails
            typed.clinicianFunction = clinicianFunction
            typed.organisationFINESS = organisationFiness
            typed.topic = topic
            typed.condition = condition
            typed.conditionCode = conditionCode
            typed.conditionCodeSystem = conditionCodeSystem
            typed.template = decisionTemplate
            // The database is opened once the typed values passed their checks (as before).
            var opened: AccordService?
            let (start, changes) = try typed.sessionStart(defaultIPPRoot: {
                let database = try store.openStore()
                opened = database
                return (try database.centreSettings() ?? .example).oidRoot + ".2"
            })
            let database = try opened ?? store.openStore()
            let started = try database.start(start, changes: changes, author: try store.recordingAuthor())
            Terminal.warnings(started.warnings)
            print(started.id)
        }

        /// `--from-rcp`: the session and the board's options in one transaction (`RCPReport`).
        private func startFromRCP(_ file: String, template: DecisionTemplate?, clinicianID: String, clinicianName: String) throws {
            let patientOptions: [(String, Bool)] = [
                ("--patient-ins", patientIns != nil), ("--ins-oid", insOid != nil), ("--identity-status", identityStatus != nil),
                ("--family-name", familyName != nil),
                ("--given-names", givenNames != nil), ("--first-given-name", firstGivenName != nil),
                ("--used-family-name", usedFamilyName != nil), ("--used-given-name", usedGivenName != nil),
                ("--birth-date", birthDate != nil), ("--sex", sex != nil), ("--birthplace", birthplace != nil), ("--ipp", ipp != nil),
                ("--ipp-root", ippRoot != nil), ("--condition", condition != nil), ("--condition-code", conditionCode != nil),
                ("--condition-code-system", conditionCodeSystem != nil),
            ]
            if let given = patientOptions.first(where: { $0.1 }) {
                throw AccordError.invalid(
                    given.0, "cannot be combined with --from-rcp, which takes the patient, IPP and diagnosis from the report",
                    accepted: "either --from-rcp FILE or the patient options, not both")
            }
            let report = try RCPReportFile.read(path: file, field: "--from-rcp")
            let started = try store.openStore().startFromRCP(
                report,
                AccordService.RCPStart(
                    clinicianID: clinicianID, clinicianName: clinicianName, clinicianFunction: clinicianFunction, topic: topic,
                    organisationFINESS: organisationFiness, patientPresent: !patientAbsent, template: template,
                    clinicianDetails: clinicianDetails.orNil),
                author: try store.recordingAuthor(), ownFields: Self.ownOptions)
            Terminal.warnings(started.warnings)
            print(started.id)
        }

        /// Options still typed with --from-rcp: errors about them keep their option name.
        private static let ownOptions: Set<String> = [
            "--clinician-id", "--clinician-name", "--clinician-function", "--topic", "--organisation-finess", "--author",
            "--clinician-family-name", "--clinician-given-name", "--clinician-prefix", "--clinician-specialty",
        ]
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a session: its participants, options, preferences, decision and notes with their entry ids.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The session id (e.g. S1).", valueName: "session"))
        var session: SessionArgument

        @Flag(help: "Print the session as JSON.")
        var json = false

        func run() throws { try Self.show(session.id, json: json, from: try store.openExistingStore()) }

        /// Prints the session, as text or JSON, from `service`.
        static func show(_ session: SessionID, json: Bool, from service: AccordService) throws {
            let consultation = try service.consultation(session)
            // Whether the patient objects is decided over all their sessions; `nil`: it could
            // not be read (a session with an objection event does not prove whole).
            let objects = try? service.patientObjectsToResearch(consultation)
            if json {
                try Terminal.printJSON(Shown(consultation: consultation, patientObjectsToResearch: objects))
            } else {
                print(
                    Terminal.visible(ConsultationText.render(consultation, patientObjectsToResearch: objects)), terminator: "")
            }
        }

        /// The JSON of `session show`: the consultation's, with `research_objection` (`true`, or
        /// `null` when it could not be read) only when the patient objects, so that the JSON of
        /// other sessions keeps its bytes.
        struct Shown: Encodable {
            let consultation: Consultation
            let patientObjectsToResearch: Bool?

            enum Key: String, CodingKey { case researchObjection = "research_objection" }

            func encode(to encoder: any Encoder) throws {
                try consultation.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                switch patientObjectsToResearch {
                case true?: try container.encode(true, forKey: .researchObjection)
                case nil: try container.encodeNil(forKey: .researchObjection)
                case false?: break
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the sessions, newest first: the 50 most recent, or those of a patient, a clinician or a period.",
            discussion: """
                Each line: session, start (UTC), status, events, topic, and the patient's birth family name, first \
                given name and birth date. Filters combine; --from and --to are UTC days, both included.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("Only the sessions of the patient with this INS.", valueName: "ins"))
        var ins: String?

        @Option(help: ArgumentHelp("Only the sessions of the patient with this IPP.", valueName: "ipp"))
        var ipp: String?

        @Option(help: ArgumentHelp("Only the sessions started by this clinician (IdNat_PS).", valueName: "idnat-ps"))
        var clinician: String?

        @Option(help: ArgumentHelp("Only the sessions started on this day or later, YYYY-MM-DD.", valueName: "date"))
        var from: String?

        @Option(help: ArgumentHelp("Only the sessions started on this day or earlier, YYYY-MM-DD.", valueName: "date"))
        var to: String?

        @Option(help: ArgumentHelp("The most sessions listed, newest first (default 50).", valueName: "n"))
        var limit: Int?

        @Flag(help: "List every session selected, however many.")
        var all = false

        @Flag(help: "Print the list as JSON.")
        var json = false

        static let defaultLimit = 50

        func run() throws {
            if all && limit != nil {
                throw AccordError.invalid("--limit", "cannot be combined with --all", accepted: "either --limit N or --all")
            }
            if let limit, limit < 1 {
                throw AccordError.invalid("--limit", "is not a positive number", accepted: "a whole number of sessions from 1")
            }
            var query = SessionQuery()
            if let ins {
                let upper = ins.uppercased()
                try FieldRules.insNumber(upper, "--ins")
                query.ins = upper
            }
            if let ipp {
                try FieldRules.localIdentifier(ipp, "--ipp")
                query.ipp = ipp
            }
            if let clinician {
                try FieldRules.idNatPS(clinician, "--clinician")
                query.clinicianID = clinician
            }
            query.from = try from.map { try Self.day($0, "--from") }
            query.to = try to.map { try Self.day($0, "--to") }
            if let from = query.from, let to = query.to, to < from {
                throw AccordError.invalid("--to", "is before --from", accepted: "a day on or after --from")
            }
            let shown = all ? nil : (limit ?? Self.defaultLimit)
            // One more than shown, to say when more sessions were left out.
            query.limit = shown.map { $0 + 1 }
            var sessions = try store.openExistingStore().sessions(matching: query)
            let more = shown.map { sessions.count > $0 } ?? false
            if let shown, more { sessions.removeLast(sessions.count - shown) }
            if json {
                try Terminal.printJSON(sessions)
            } else if sessions.isEmpty {
                let filtered = ins != nil || ipp != nil || clinician != nil || from != nil || to != nil
                Terminal.message(
                    filtered
                        ? "No session matches."
                        : "No sessions yet; start one with `accord session start` or `accord session import`.")
                return
            } else {
                for summary in sessions { print(Self.line(summary)) }
            }
            if let shown, more {
                Terminal.message("The \(shown) most recent sessions are listed; give --limit N or --all for more.")
            }
        }

        /// One session's line: tab-separated fields, each shown on one line (a line break or tab
        /// inside a recorded value, which the field rules refuse but an older or altered
        /// database may hold, is shown as a code and cannot split the line or its columns).
        static func line(_ summary: SessionSummary) -> String {
            let closed = summary.closedAt.map { "closed \($0)" } ?? "open"
            let patient = [summary.birthFamilyName, summary.firstGivenName, summary.birthDate.map { "born \($0)" }]
                .compactMap { $0 }.joined(separator: " ")
            return [summary.id.description, summary.startedAt, closed, "\(summary.eventCount) events", summary.topic, patient]
                .map { Terminal.visible($0, oneLine: true) }.joined(separator: "\t")
        }

        static func day(_ text: String, _ field: String) throws -> CalendarDate {
            guard let date = CalendarDate(text) else {
                throw AccordError.invalid(field, "is not a calendar date", accepted: "a date as YYYY-MM-DD")
            }
            return date
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Close a session; later changes are amendments. Prints what the record still misses.",
            discussion: "The completeness (% of the required elements present) is stored with the session.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Flag(help: "Refuse to close a record that misses a required element.")
        var requireComplete = false

        func run() throws {
            let consultation: Consultation
            do {
                consultation = try store.openStore().close(
                    session.id, author: try store.recordingAuthor(), requireComplete: requireComplete)
            } catch let incomplete as IncompleteRecord {
                for element in incomplete.missing { Terminal.message("missing: \(element.rawValue) — \(element.englishDescription)") }
                throw incomplete.error
            }
            let completeness = consultation.completeness
            for element in completeness.missing { Terminal.message("missing: \(element.rawValue) — \(element.englishDescription)") }
            Terminal.message("Closed session \(session.id); completeness \(completeness.percent) %.")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "List the elements the record still misses, one line each starting `missing:`.",
            discussion: """
                First, one line starting `rcp:` per warning kept from the RCP report the session was started from \
                (a draft, quorum not reached or not known, incomplete file, second-opinion RCP requested). \
                The elements come from the session's template, or by default the elements of a complete \
                SDM record (participants, topic, options, surveillance or no treatment, benefits and harms, \
                what matters, preferred role, decision aid, understanding, decision, reflection and next \
                contact, trial offer, instruments). Exit status 0 either way.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
        var session: SessionArgument

        @Flag(help: "Print missing, present and completeness (%) as JSON.")
        var json = false

        /// The JSON of `session check`: the completeness's keys and `rcp_warnings`.
        struct Output: Encodable {
            let completeness: Completeness
            let rcpWarnings: [String]

            enum CodingKeys: String, CodingKey { case rcpWarnings = "rcp_warnings" }

            func encode(to encoder: any Encoder) throws {
                try completeness.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(rcpWarnings, forKey: .rcpWarnings)
            }
        }

        func run() throws {
            let consultation = try store.openExistingStore().consultation(session.id)
            let completeness = consultation.completeness
            // What the RCP report said that limits its proposal (kept with the session).
            let rcpWarnings = consultation.start.rcp?.warnings ?? []
            if json {
                try Terminal.printJSON(Output(completeness: completeness, rcpWarnings: rcpWarnings))
                return
            }
            for warning in rcpWarnings { print("rcp: \(warning)") }
            for element in completeness.missing { print("missing: \(element.rawValue) — \(element.englishDescription)") }
            Terminal.message(
                "Completeness \(completeness.percent) % (\(completeness.present.count) of \(completeness.present.count + completeness.missing.count) elements)."
            )
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Record whole consultations from YAML files, each in full or not at all; prints one session id per file.",
            discussion: """
                The file format (format: accord-consultation/1) is described in the README; Examples/consultation.yaml is a sample.

                With several files, each is recorded whole or refused whole: a refused file is reported on standard error by its place and name, the others are recorded, and the exit status is 1. The ids of the recorded files are printed in the files' order as soon as each batch is committed (one transaction per batch: 500 files on SQLite, 50 on PostgreSQL); the warnings and refusals of a batch follow on standard error. A run whose files are all refused creates no database.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The consultation files (YAML).", valueName: "file"))
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one consultation file (YAML).") }
        }

        func run() throws {
            // The files are read before the database is opened until one of them can be
            // recorded: a run whose files are all refused creates no database and no chain key,
            // and says so in the words of a run on a database (at most one file read twice).
            let today = CalendarDate(utcDayOf: try AccordClock.fromEnvironment().now())
            var refusedFirst: [AccordError] = []
            for path in files {
                do {
                    _ = try AccordService.readConsultationFile(at: path, today: today)
                    break
                } catch let error as AccordError {
                    refusedFirst.append(error)
                }
            }
            if refusedFirst.count == files.count {
                if files.count == 1 { throw refusedFirst[0] }
                for (index, error) in refusedFirst.enumerated() {
                    Terminal.error("\(Self.name(index, files[index])): \(error.description)")
                }
                Terminal.message("accord: 0 of \(files.count) files recorded, \(files.count) refused.")
                throw ExitCode(1)
            }
            let service = try store.openStore()
            let author = try store.recordingAuthor()
            if files.count == 1 {
                let started = try service.importConsultationFile(at: files[0], author: author)
                Terminal.warnings(started.warnings)
                print(started.id)
                return
            }
            var place = 0
            var refused = 0
            var recorded = 0
            do {
                try service.importConsultationFiles(at: files, author: author) { ids in
                    // The ids first, as soon as their batch is committed.
                    for id in ids { print(id) }
                    fflush(nil)
                } recorded: { outcomes in
                    for file in outcomes {
                        let name = Self.name(place, file.path)
                        place += 1
                        switch file.outcome {
                        case .success(let started):
                            Terminal.warnings(started.warnings.map { "\(name): \($0)" })
                            recorded += 1
                        case .failure(let error):
                            Terminal.error("\(name): \(error.description)")
                            refused += 1
                        }
                    }
                }
            } catch let error as AccordError {
                // The error, then the count: the last line says what was recorded.
                Terminal.error(error.description)
                Terminal.message(
                    "accord: \(recorded) of \(files.count) files recorded, \(refused) refused; the other \(files.count - recorded - refused) were not recorded."
                )
                throw ExitCode(Terminal.exitCode(for: error))
            }
            if refused > 0 {
                Terminal.message("accord: \(recorded) of \(files.count) files recorded, \(refused) refused.")
                throw ExitCode(1)
            }
        }

        /// How a message names the file at `index` (from 0) of the command line: `file 2 (PATH)`.
        static func name(_ index: Int, _ path: String) -> String {
            "file \(index + 1) (\(Terminal.visible(path, oneLine: true)))"
        }
    }
}
