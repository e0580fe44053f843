import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// Issue 16, point 7: a pseudonymised export holds nothing that leads back to the patient.
///
/// One session fills every stored field of the record with a distinct marker (free texts
/// `MKQX01`…, names, identifiers, real instants at odd times of day on distinct days), then
/// is exported pseudonymised in every profile, as a batch and alone, signed. Every file written
/// (documents, signatures, manifests, and their names) is searched for the markers. The first
/// test keeps the field table of `Exports/README.md` ("Pseudonymised exports (research)") in
/// step with the model: a field added to the record must be classified there, and filled here.
@Suite(.serialized) struct PseudonymisedLeakTests {
    @Test func everyStoredFieldIsClassifiedAndFilled() throws {
        let fixture = try LeakFixture.record()
        defer { fixture.cli.cleanUp() }
        let fields = LeakFieldPaths.leaves(of: try fixture.consultation())
        let table = try LeakFieldTable.read()

        let unclassified = fields.keys.filter { table.rows[$0] == nil }.sorted()
        #expect(
            unclassified.isEmpty,
            "a field added to the record must be classified in Exports/README.md (section \"Pseudonymised exports (research)\"); no row for: \(unclassified.joined(separator: ", "))"
        )
        let stale = table.rows.keys.filter { fields[$0] == nil }.sorted()
        #expect(
            stale.isEmpty,
            "Exports/README.md classifies fields the record no longer has (or the fixture no longer fills; see LeakFixture): \(stale.joined(separator: ", "))"
        )
        #expect(table.duplicates.isEmpty, "Exports/README.md classifies these fields twice: \(table.duplicates.joined(separator: ", "))")
        let badWords = table.rows.filter { !LeakFieldTable.treatments.contains($0.value) }.map { "\($0.key) (\($0.value))" }.sorted()
        #expect(
            badWords.isEmpty,
            "rows whose treatment is not one of \(LeakFieldTable.treatments.sorted().joined(separator: ", ")): \(badWords.joined(separator: ", "))"
        )
        let unfilled = fields.filter { !$0.value && LeakFixture.cannotBeFilled[$0.key] == nil }.keys.sorted()
        #expect(
            unfilled.isEmpty,
            "the fixture leaves these fields empty (nil or an empty array), so the leak test does not cover them: \(unfilled.joined(separator: ", ")); fill them in LeakFixture.record(), or list them in LeakFixture.cannotBeFilled with the reason"
        )
        // The fixture really fills what it says it cannot fill: the list must not go stale.
        let fillable = LeakFixture.cannotBeFilled.keys.filter { fields[$0] == true }.sorted()
        #expect(fillable.isEmpty, "LeakFixture.cannotBeFilled lists fields the fixture fills: \(fillable.joined(separator: ", "))")
    }

    @Test func pseudonymisedExportsHoldNothingThatLeadsBackToThePatient() throws {
        let fixture = try LeakFixture.record()
        defer { fixture.cli.cleanUp() }
        let written = try fixture.exportPseudonymised()
        #expect(!written.isEmpty, "the pseudonymised exports wrote no file")
        let needles = try fixture.needles()
        var files = 0
        for file in written {
            files += 1
            let findings = LeakScanner.scan(file: file, relativeTo: fixture.pseudonymisedFolder, needles: needles, fixture: fixture)
            if !findings.isEmpty {
                let relative = file.path.replacingOccurrences(of: fixture.pseudonymisedFolder.path + "/", with: "")
                Issue.record("\(relative) leads back to the patient:\n  - \(findings.joined(separator: "\n  - "))")
            }
        }
        // Every profile, batch and single export, each document with its detached signature.
        #expect(files >= 3 * 2 * 2 + 3, "expected documents, signatures and manifests of 3 profiles, found \(files) files")
    }
}

// MARK: - The record

/// One session recorded through the CLI with a distinct marker in every field, and what it is
/// compared with.
struct LeakFixture {
    /// Fields no single session can fill, with the reason (none today).
    static let cannotBeFilled: [String: String] = [:]

    /// The session's real id: twelve other sessions are started first, so that `S13` (and the
    /// arc `.13` of a document id) is distinctive.
    static let session = "S13"
    static let sessionNumber = "13"
    /// The centre's OID root (identified document ids live under it).
    static let centreRoot = "1.2.250.1.999.7"

    /// Free texts typed in the session, each a distinct token, with the field it fills.
    static let typedTexts: [(marker: String, field: String)] = [
        ("MKQX01", "start.clinicianName"), ("MKQX02", "start.clinicianFunction"), ("MKQX03", "start.topic"),
        ("MKQX04", "participants[].name (relative)"), ("MKQX05", "participants[].function (relative)"),
        ("MKQX06", "participants[].name (professional)"), ("MKQX07", "participants[].function (professional)"),
        ("MKQX08", "participants[].name (carer)"), ("MKQX09", "participants[].name (interpreter)"),
        ("MKQX10", "options[].label (typed)"), ("MKQX11", "options[].benefits[] (typed)"), ("MKQX12", "options[].harms[] (typed)"),
        ("MKQX13", "options[].label (typed)"), ("MKQX14", "options[].benefits[] (typed)"), ("MKQX15", "options[].harms[] (typed)"),
        ("MKQX16", "preferences[].text"), ("MKQX17", "process.decisionAids[].name"), ("MKQX18", "process.decisionAids[].version"),
        ("MKQX19", "process.understandingChecked"), ("MKQX20", "notes[].text"), ("MKQX21", "options[].label (added after closing)"),
        ("MKQX22", "options[].benefits[] (added after closing)"), ("MKQX23", "amendments[].reason"),
        ("MKQX24", "amendments[].reason"), ("MKQX25", "amendments[].reason"), ("MKQX26", "amendments[].reason"),
        ("MKQXFAMA", "start.clinicianFamilyName"), ("MKQXGIVA", "start.clinicianGivenName"),
        ("MKQXFAMB", "participants[].details.familyName (relative)"), ("MKQXGIVB", "participants[].details.givenName (relative)"),
        ("MKQXFAMC", "participants[].details.familyName (professional)"),
        ("MKQXGIVC", "participants[].details.givenName (professional)"),
    ]

    /// The report's names, replaced in a copy of the fixture by invented tokens.
    static let reportNames: [(original: String, marker: String, field: String)] = [
        ("D'ALEMBERT-NOEL", "QUORVADELLE", "start.patient.birthFamilyName"),
        ("D'ALEMBERT", "VRAXHOLMIER", "start.patient.usedFamilyName"),
        ("HELENE FRANCOISE-AGATHE MARIE", "ZYMBELINE OKSANDRA", "start.patient.birthGivenNames"),
        (">HELENE<", ">ZYMBELINE<", "start.patient.firstBirthGivenName"),
        (">LENA<", ">PELWYNETTE<", "start.patient.usedGivenName"),
        ("NESSI", "TRESKOVAR", "participants[].name (trusted person, from the report)"),
        ("Sophie", "Elwyndra", "participants[].name (trusted person, from the report)"),
    ]

    /// Identifiers, each distinct and valid, with the field they fill.
    static let identifiers: [(value: String, field: String)] = [
        ("262012A00412302", "start.patient.ins (from the report, OID 1.2.250.1.213.1.4.10)"),
        ("1234567890121", "start.ipp.extension (from the report)"),
        ("1.2.3.4.567.8.9.10", "start.ipp.root (from the report)"),
        ("2A004", "start.patient.birthplaceCode (from the report)"),
        // IdNat_PS (8 + RPPS), and the RPPS alone.
        ("810047319586", "start.clinicianID (IdNat_PS)"), ("10047319586", "start.clinicianID (its RPPS alone)"),
        ("810062847198", "participants[].id (professional, IdNat_PS)"), ("10062847198", "participants[].id (professional, its RPPS alone)"),
        ("810095173265", "amendments[].author, authors[] (IdNat_PS)"), ("10095173265", "amendments[].author, authors[] (its RPPS alone)"),
        ("MKQXREL0577", "participants[].id (relative)"),
        ("NCT04829417", "options[].trialID"),
        ("1.2.250.1.213.1.1.1.8.2022.2.1", "start.rcp.documentID (the report's id)"),
        ("1.2.250.1.213.1.1.1.8.2022.2", "start.rcp.setID (the report's setId)"),
    ]

    /// Free texts of the report kept in the record (the condition as read, an option label).
    /// The report's other option labels (`Radiothérapie`, `Surveillance seule`) are common words
    /// that fixed texts also hold; they are not searched.
    static let reportTexts: [(text: String, field: String)] = [
        ("Tumeur maligne du quadrant supéro-interne du sein (droit) — Tumeur maligne, SAI", "start.condition.text (from the report)"),
        ("Autre traitement XYZ, puis chimiothérapie conventionnelle", "options[].label (from the report)"),
    ]

    /// Every real instant of the session, at distinctive times of day on distinct days.
    static let instants: [String: String] = [
        "centre": "2026-03-02T08:05:11Z", "start": "2026-03-03T09:17:43Z", "relative": "2026-03-03T09:21:07Z",
        "professional": "2026-03-03T09:23:19Z", "carer": "2026-03-03T09:24:29Z", "interpreter": "2026-03-03T09:25:37Z",
        "team": "2026-03-03T09:26:41Z", "optionTalk": "2026-03-03T09:31:53Z", "trialOption": "2026-03-03T09:33:02Z",
        "supportOption": "2026-03-03T09:34:14Z", "preference": "2026-03-03T09:36:26Z", "aid": "2026-03-03T09:38:38Z",
        "understanding": "2026-03-03T09:41:49Z", "reflection": "2026-03-03T09:43:58Z", "trial": "2026-03-03T09:45:06Z",
        "note": "2026-03-03T09:47:15Z", "decisionTalk": "2026-03-03T09:48:27Z", "deferred": "2026-03-03T09:49:33Z",
        "sdmq9": "2026-03-03T09:51:45Z", "cpsPreferred": "2026-03-03T09:52:51Z", "close": "2026-03-03T09:55:59Z",
        "identifiedV1": "2026-03-03T10:02:13Z", "amendOption": "2026-03-05T14:52:31Z", "amendDecision": "2026-03-05T14:54:37Z",
        "withdrawNote": "2026-03-05T14:57:42Z", "collaborate": "2026-03-06T16:08:19Z", "cpsExperienced": "2026-03-06T16:11:23Z",
        "identityStatus": "2026-03-06T16:13:29Z", "identifiedV2": "2026-03-07T11:24:53Z", "pseudonymisedAll": "2026-03-09T17:36:47Z",
        "pseudonymisedOne": "2026-03-09T17:39:12Z",
    ]
    /// Calendar dates recorded (reflection time, next contact, the report's meeting and the birth).
    static let calendarDates: [(date: String, field: String)] = [
        ("2026-03-17", "process.reflectionUntil"), ("2026-03-24", "decisions[].outcome.deferred.nextContact"),
        ("2019-02-18", "start.rcp.meetingDate (from the report)"), ("1962-01-15", "start.patient.birthDate (from the report)"),
    ]

    let cli: AccordCLI
    var report: URL { cli.folder.appendingPathComponent("frcp-markers.xml") }
    var pseudonymisedFolder: URL { cli.folder.appendingPathComponent("pseudonymised") }
    var identifiedFolder: URL { cli.folder.appendingPathComponent("identified") }
    var researchKey: URL { cli.folder.appendingPathComponent("research.key") }

    /// Records the session (and twelve others first), closes it, exports it identified (v1),
    /// amends it, records follow-ups, and exports it identified again in every profile.
    static func record() throws -> LeakFixture {
        let cli = try AccordCLI(environment: [
            "ACCORD_SCHEMAS": schemasFolder ?? RCPImportTests.shared.appendingPathComponent("schemas").path,
            "ACCORD_EXPORTS": AccordCLI.packageRoot.appendingPathComponent("Exports").path,
        ])
        let fixture = LeakFixture(cli: cli)
        var source = try String(
            contentsOf: RCPImportTests.url("fixtures/FRCP-corse-essai.xml"), encoding: .utf8)
        for name in reportNames {
            #expect(source.contains(name.original), "the RCP fixture no longer holds \(name.field)")
            source = source.replacingOccurrences(of: name.original, with: name.marker)
        }
        try source.write(to: fixture.report, atomically: true, encoding: .utf8)

        func run(_ at: String, _ arguments: [String]) throws {
            let result = try cli.run(arguments, environment: ["ACCORD_NOW": instants[at]!])
            #expect(result.status == 0, "\(arguments.prefix(3).joined(separator: " ")) failed: \(result.stderr)")
        }
        let s = session
        try run(
            "centre",
            [
                "centre", "set", "--oid-root", centreRoot, "--finess", "750712184", "--name", "Centre test", "--address", "1 rue X",
                "--facility-code", "SA36", "--practice-setting", "ETABLISSEMENT",
            ])
        for _ in 1..<13 {
            try run(
                "centre",
                ["session", "start", "--from-rcp", fixture.report.path, "--clinician-id", "810123456781", "--clinician-name", "Dr Autre"])
        }
        let start = try cli.run(
            [
                "session", "start", "--from-rcp", fixture.report.path, "--template", "early-breast-cancer-surgery", "--patient-absent",
                "--clinician-id", "810047319586", "--clinician-name", "Dr MKQX01", "--clinician-family-name", "MKQXFAMA",
                "--clinician-given-name", "MKQXGIVA", "--clinician-prefix", "DR", "--clinician-specialty", "G15_10/SM36",
                "--clinician-function", "MKQX02 fonction", "--topic", "MKQX03 sujet",
            ], environment: ["ACCORD_NOW": instants["start"]!])
        #expect(start.stdout == "\(s)\n", "session start: \(start.stderr)")
        try run(
            "relative",
            [
                "participant", "add", s, "--role", "relative", "--name", "MKQX04 proche", "--id", "MKQXREL0577", "--family-name",
                "MKQXFAMB",
                "--given-name", "MKQXGIVB", "--prefix", "MME", "--relationship", "SIGOTHR", "--function", "MKQX05 lien",
            ])
        try run(
            "professional",
            [
                "participant", "add", s, "--role", "professional", "--name", "Dr MKQX06", "--id", "810062847198", "--family-name",
                "MKQXFAMC", "--given-name", "MKQXGIVC", "--prefix", "PR", "--specialty", "G15_10/SM36", "--function", "MKQX07 fonction",
            ])
        try run("carer", ["participant", "add", s, "--role", "carer", "--name", "MKQX08 aidant"])
        try run("interpreter", ["participant", "add", s, "--role", "interpreter", "--name", "MKQX09 interprete"])
        try run("team", ["phase", s, "team"])
        try run("optionTalk", ["phase", s, "option"])
        try run(
            "trialOption",
            [
                "option", "add", s, "--kind", "clinical-trial", "--label", "MKQX10 essai", "--benefit", "MKQX11 benefice", "--harm",
                "MKQX12 risque", "--trial-id", "NCT04829417",
            ])
        try run(
            "supportOption",
            [
                "option", "add", s, "--kind", "supportive-care", "--label", "MKQX13 soins", "--benefit", "MKQX14 benefice", "--harm",
                "MKQX15 risque",
            ])
        try run("preference", ["preference", "add", s, "--text", "MKQX16 preference", "--importance", "4"])
        try run("aid", ["process", "aid", s, "--name", "MKQX17 aide", "--version", "MKQX18 edition"])
        try run("understanding", ["process", "understanding", s, "--method", "MKQX19 methode"])
        try run("reflection", ["process", "reflection", s, "--until", "2026-03-17"])
        try run("trial", ["process", "trial", s, "--eligibility", "eligible", "--offered", "yes", "--answer", "undecided"])
        try run("note", ["note", "add", s, "--text", "MKQX20 note"])
        try run("decisionTalk", ["phase", s, "decision"])
        // The patient is absent: the trusted person of the report (P3) answers for them.
        try run(
            "deferred", ["decision", "record", s, "--deferred", "--next-contact", "2026-03-24", "--by", "P1", "P2", "--answered-by", "P3"])
        try run("sdmq9", ["instrument", "record", s, "--instrument", "sdm-q-9", "--answers", "5,4,5,3,4,5,5,4,5", "--answered-by", "P3"])
        try run("cpsPreferred", ["instrument", "record", s, "--instrument", "cps-preferred", "--answers", "C", "--answered-by", "P3"])
        try run("close", ["session", "close", s])
        try run("identifiedV1", ["export", s, "--out", fixture.identifiedFolder.appendingPathComponent("v1").path])
        try run(
            "amendOption",
            [
                "option", "add", s, "--kind", "treatment", "--label", "MKQX21 ajout", "--benefit", "MKQX22 benefice", "--reason",
                "MKQX23 raison", "--author", "810095173265",
            ])
        try run(
            "amendDecision",
            ["decision", "record", s, "--agreed", "5", "--by", "P1", "P2", "--answered-by", "P3", "--reason", "MKQX24 raison"])
        try run("withdrawNote", ["entry", "withdraw", s, "N1", "--reason", "MKQX25 raison"])
        try run("collaborate", ["instrument", "record", s, "--instrument", "collaborate", "--answers", "9,8,9", "--answered-by", "P3"])
        try run("cpsExperienced", ["instrument", "record", s, "--instrument", "cps-experienced", "--answers", "B", "--answered-by", "P3"])
        try run(
            "identityStatus", ["patient", "status", s, "--set", "provisional", "--reason", "MKQX26 raison", "--author", "810095173265"])
        for profile in ["cda-fr", "fhir-r4", "centre-simple"] {
            try run(
                "identifiedV2",
                ["export", "--all", "--profile", profile, "--out", fixture.identifiedFolder.appendingPathComponent(profile).path])
        }
        return fixture
    }

    /// The session as the store folds it (every stored field, issued documents included).
    func consultation() throws -> Consultation {
        let store = try cli.openStore(clock: .fixed(at: Date()), readOnly: true)
        return try store.consultation(SessionID(Self.session)!)
    }

    /// Exports the session pseudonymised in every profile, as a batch (with its manifest) and
    /// alone, signed, validated; returns every file written.
    func exportPseudonymised() throws -> [URL] {
        try Data((0..<32).map { UInt8(($0 * 11 + 5) % 256) }).write(to: researchKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: researchKey.path)
        let signing = try #require(try SigningKey.make(in: cli.folder), "openssl could not make a signing key")
        let common = [
            "--pseudonymise", "--pseudonym-key", researchKey.path, "--sign", signing.key.path, "--cert", signing.certificate.path,
        ]
        for profile in ["cda-fr", "fhir-r4", "centre-simple"] {
            let batch = try cli.run(
                ["export", "--all", "--profile", profile, "--out", pseudonymisedFolder.appendingPathComponent("all-\(profile)").path]
                    + common,
                environment: ["ACCORD_NOW": Self.instants["pseudonymisedAll"]!])
            #expect(batch.status == 0, "pseudonymised export --all --profile \(profile) failed: \(batch.stderr)")
            let single = try cli.run(
                ["export", Self.session, "--profile", profile, "--out", pseudonymisedFolder.appendingPathComponent("one-\(profile)").path]
                    + common, environment: ["ACCORD_NOW": Self.instants["pseudonymisedOne"]!])
            #expect(single.status == 0, "pseudonymised export \(Self.session) --profile \(profile) failed: \(single.stderr)")
        }
        let enumerator = FileManager.default.enumerator(at: pseudonymisedFolder, includingPropertiesForKeys: [.isRegularFileKey])
        return (enumerator?.allObjects as? [URL] ?? []).filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
        .sorted { $0.path < $1.path }
    }

    /// What must not appear, with what it is.
    func needles() throws -> [LeakNeedle] {
        var needles: [LeakNeedle] = []
        for (marker, field) in Self.typedTexts { needles.append(LeakNeedle(marker, "free text of \(field)")) }
        for name in Self.reportNames {
            for part in name.marker.trimmingCharacters(in: CharacterSet(charactersIn: "<>")).split(separator: " ") {
                needles.append(LeakNeedle(String(part), "name in \(name.field)"))
            }
        }
        for (value, field) in Self.identifiers { needles.append(LeakNeedle(value, "identifier \(field)", boundedDigits: true)) }
        for (text, field) in Self.reportTexts {
            needles.append(LeakNeedle(text, "free text of \(field)"))
            let escaped = LeakXMLText.escaped(text)
            if escaped != text { needles.append(LeakNeedle(escaped, "free text of \(field) (XML-escaped)")) }
        }
        for (date, field) in Self.calendarDates {
            for spelling in LeakDateSpellings.all(date) {
                needles.append(LeakNeedle(spelling, "the real date of \(field)", boundedDigits: true))
            }
        }
        var days: [String: [String]] = [:]
        for (name, instant) in Self.instants { days[String(instant.prefix(10)), default: []].append(name) }
        for (day, names) in days {
            for spelling in LeakDateSpellings.all(day) {
                needles.append(LeakNeedle(spelling, "the real day of \(names.sorted().joined(separator: ", "))", boundedDigits: true))
            }
        }
        // Every text of a field the table says is removed or pseudonymised, so that a field
        // classified later is searched too. Short texts and texts a kept or replaced field also
        // holds (a name that is also a code's display, a template's label) are left out.
        let table = try LeakFieldTable.read()
        let texts = LeakFieldPaths.texts(of: try consultation())
        let shown = Set(texts.filter { ["kept", "replaced", "generalised"].contains(table.rows[$0.key] ?? "") }.flatMap(\.value))
        // A value the markers above already search (`MKQX02 fonction` holds `MKQX02`) is not
        // searched twice.
        let searched = needles.map(\.value)
        var derived: [String: [String]] = [:]
        for (path, values) in texts {
            guard let treatment = table.rows[path], treatment == "removed" || treatment == "pseudonymised" else { continue }
            for value in Set(values)
            where value.count >= 6 && !shown.contains(where: { $0.contains(value) }) && !searched.contains(where: { value.contains($0) }) {
                derived[value, default: []].append("\(path) (\(treatment))")
            }
        }
        for (value, paths) in derived {
            needles.append(
                LeakNeedle(value, "the value of \(paths.sorted().joined(separator: ", ")) in Exports/README.md", boundedDigits: true))
        }
        // The identified documents' ids and setIds (every OID under the centre's root), their
        // FHIR resource UUIDs, and the event chain's heads of the identified manifests.
        for file in try Self.files(in: identifiedFolder) {
            let text = try String(contentsOf: file, encoding: .utf8)
            let name = file.lastPathComponent
            // Only the ids of this session (with its number as an arc): the ids of fixed
            // things under the centre's root (its questionnaires, `ROOT.6.N`) are no leak.
            let ids = LeakRegex.matches(
                #"(?<![0-9.])"# + NSRegularExpression.escapedPattern(for: Self.centreRoot) + #"(\.[0-9]+)+"#, in: text)
            for oid in Set(ids) where oid.dropFirst(Self.centreRoot.count).split(separator: ".").contains(Substring(Self.sessionNumber)) {
                needles.append(LeakNeedle(oid, "identified id \(oid) (from \(name))", boundedDigits: true))
            }
            if name.hasSuffix(".fhir.xml") {
                for uuid in Set(LeakRegex.matches(#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, in: text)) {
                    needles.append(LeakNeedle(uuid, "a UUID of the identified FHIR document \(name)"))
                }
            }
            if name.hasPrefix("manifest-") {
                for head in Set(LeakRegex.matches(#"(?<="chain_head":")[0-9]+:[0-9a-f]{64}"#, in: text)) {
                    needles.append(
                        LeakNeedle(String(head.split(separator: ":")[1]), "the event chain head \(head.prefix(12))… (from \(name))"))
                }
            }
        }
        return needles
    }

    static func files(in folder: URL) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects as? [URL] ?? []).filter { !$0.hasDirectoryPath }
    }
}

// MARK: - Searching

/// A value that must not appear in a pseudonymised export.
struct LeakNeedle {
    var value: String
    var what: String
    /// Not found inside a longer run of digits (identifiers, dates).
    var boundedDigits = false

    init(_ value: String, _ what: String, boundedDigits: Bool = false) {
        self.value = value
        self.what = what
        self.boundedDigits = boundedDigits
    }
}

enum LeakScanner {
    /// Everything in `file` (and its name) that leads back to the patient, one line each with
    /// about 60 characters of context.
    static func scan(file: URL, relativeTo folder: URL, needles: [LeakNeedle], fixture: LeakFixture) -> [String] {
        var findings: [String] = []
        let name = file.lastPathComponent
        guard let raw = try? String(contentsOf: file, encoding: .utf8) else { return ["cannot be read as UTF-8"] }
        // Base64 blobs of a signature (digest, signature value, certificate) are not text.
        let text = LeakRegex.replacing(
            #"(<ds:(SignatureValue|DigestValue|X509Certificate)[^>]*>)[^<]*(</ds:)"#, in: raw, with: "$1…$3")
        let session = #"(?<![A-Za-z0-9])S"# + LeakFixture.sessionNumber + #"(?![0-9])"#
        if !LeakRegex.matches(session, in: name).isEmpty { findings.append("its name holds the real session id \(LeakFixture.session)") }
        for needle in needles where name.contains(needle.value) { findings.append("its name holds \(needle.what)") }

        for needle in needles {
            let pattern =
                needle.boundedDigits
                ? #"(?<![0-9])"# + NSRegularExpression.escapedPattern(for: needle.value) + #"(?![0-9])"#
                : NSRegularExpression.escapedPattern(for: needle.value)
            if let finding = LeakRegex.first(pattern, in: text, what: "\(needle.what) «\(needle.value)»") { findings.append(finding) }
        }
        if let finding = LeakRegex.first(session, in: text, what: "the real session id \(LeakFixture.session)") { findings.append(finding) }
        // A document id, setId or entry id under the centre's root with the real session number as an arc.
        let arc =
            NSRegularExpression.escapedPattern(for: LeakFixture.centreRoot) + #"(\.[0-9]+)*\."# + LeakFixture.sessionNumber
            + #"(?![0-9])"#
        if let finding = LeakRegex.first(arc, in: text, what: "an id with the real session number as an arc") { findings.append(finding) }

        // Times of day other than midnight, in every spelling the exports use.
        let times: [(pattern: String, what: String)] = [
            (#"T(?!00:00(:00)?)[0-9]{2}:[0-9]{2}(:[0-9]{2})?"#, "a time of day (ISO 8601)"),
            (#"(?<![0-9])[0-9]{8}(?!000000)[0-9]{6}(?![0-9])"#, "a time of day (CDA TS)"),
            (#" à (?!00:00)[0-9]{2}:[0-9]{2}"#, "a time of day (narrative)"),
            (#"(?<![0-9])(?!00h00)[0-9]{2}h[0-9]{2}"#, "a time of day (narrative)"),
        ]
        for time in times {
            for finding in LeakRegex.all(time.pattern, in: text, what: time.what) { findings.append(finding) }
        }

        if name.hasPrefix("manifest") {
            if LeakRegex.matches(#"^manifest-pseudonymised-[0-9]+\.json$"#, in: name).isEmpty {
                findings.append("the manifest of a pseudonymised run is named manifest-pseudonymised-N.json, not \(name)")
            }
            for key in ["started_at", "finished_at", "exported_at", "chain_head"] where text.contains("\"\(key)\"") {
                findings.append(
                    LeakRegex.first(NSRegularExpression.escapedPattern(for: "\"\(key)\""), in: text, what: "the key \(key)") ?? key)
            }
        }
        return findings
    }
}

/// The spellings of a calendar date the exports use: `2026-03-03`, `20260303`, `03/03/2026`,
/// `3 mars 2026` (`1er mars 2026` on the first).
enum LeakDateSpellings {
    static let months = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]

    static func all(_ iso: String) -> [String] {
        let parts = iso.split(separator: "-").map(String.init)
        let (year, month, day) = (parts[0], parts[1], parts[2])
        let dayNumber = Int(day)!
        let french = "\(dayNumber == 1 ? "1er" : String(dayNumber)) \(months[Int(month)! - 1]) \(year)"
        return [iso, year + month + day, "\(day)/\(month)/\(year)", french]
    }
}

enum LeakXMLText {
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&apos;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

enum LeakRegex {
    static func matches(_ pattern: String, in text: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    static func replacing(_ pattern: String, in text: String, with template: String) -> String {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    /// The first match, as "WHAT: «match» (N times) at …context…".
    static func first(_ pattern: String, in text: String, what: String) -> String? {
        let expression = try! NSRegularExpression(pattern: pattern)
        let found = expression.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard let match = found.first, let range = Range(match.range, in: text) else { return nil }
        return "\(what)\(found.count > 1 ? " (\(found.count) times)" : "") at \(context(range, in: text))"
    }

    /// Every distinct match, each with its first context.
    static func all(_ pattern: String, in text: String, what: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        var seen: [String: (range: Range<String.Index>, count: Int)] = [:]
        var order: [String] = []
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            let value = String(text[range])
            if let known = seen[value] {
                seen[value] = (known.range, known.count + 1)
            } else {
                seen[value] = (range, 1)
                order.append(value)
            }
        }
        return order.map { value in
            let (range, count) = seen[value]!
            return "\(what) «\(value)»\(count > 1 ? " (\(count) times)" : "") at \(context(range, in: text))"
        }
    }

    /// About 60 characters around `range`, on one line.
    static func context(_ range: Range<String.Index>, in text: String) -> String {
        let before = text.index(range.lowerBound, offsetBy: -25, limitedBy: text.startIndex) ?? text.startIndex
        let after = text.index(range.upperBound, offsetBy: 25, limitedBy: text.endIndex) ?? text.endIndex
        let line = String(text[before..<after]).replacingOccurrences(of: "\n", with: "⏎")
        return "…\(line)…"
    }
}

// MARK: - The model's fields

/// The leaf field paths of a value, found with `Mirror`: structs are followed by property,
/// arrays by `[]`, optionals through their value, enums with associated values by
/// `case.label` (the enum's own path stays a leaf: its case). Strings, numbers, booleans,
/// dates, calendar dates, `RawRepresentable` enums and identifier types are leaves.
enum LeakFieldPaths {
    /// Each leaf path, and whether the value filled it (non-nil, non-empty array) somewhere.
    static func leaves(of value: Any) -> [String: Bool] {
        var found: [String: Bool] = [:]
        var kinds: Set<String> = []
        var texts: [String: [String]] = [:]
        walk(value, path: "", found: &found, kinds: &kinds, texts: &texts)
        // A nil optional struct (or an empty array) is a leaf only when no element fills it.
        return found.filter { entry in
            kinds.contains(entry.key) || !found.keys.contains { $0.hasPrefix(entry.key + ".") || $0.hasPrefix(entry.key + "[]") }
        }
    }

    /// The texts (strings, and an identifier's extension or root) each leaf path holds.
    static func texts(of value: Any) -> [String: [String]] {
        var found: [String: Bool] = [:]
        var kinds: Set<String> = []
        var texts: [String: [String]] = [:]
        walk(value, path: "", found: &found, kinds: &kinds, texts: &texts)
        return texts
    }

    private static func isLeaf(_ value: Any) -> Bool {
        switch value {
        case is String, is Bool, is Int, is Int64, is Double, is Date, is CalendarDate, is SessionID, is EntryID, is InstanceIdentifier,
            is CodedValue, is InstrumentScore:
            return true
        case is any RawRepresentable:
            return true
        default:
            return false
        }
    }

    private static func mark(_ path: String, _ filled: Bool, _ found: inout [String: Bool]) {
        found[path] = (found[path] ?? false) || filled
    }

    private static func walk(
        _ value: Any, path: String, found: inout [String: Bool], kinds: inout Set<String>, texts: inout [String: [String]]
    ) {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            if let wrapped = mirror.children.first?.value {
                walk(wrapped, path: path, found: &found, kinds: &kinds, texts: &texts)
            } else {
                mark(path, false, &found)
            }
            return
        }
        if isLeaf(value) {
            mark(path, true, &found)
            switch value {
            case let text as String: texts[path, default: []].append(text)
            case let id as InstanceIdentifier: texts[path, default: []].append(id.extension_ ?? id.root)
            default: break
            }
            return
        }
        switch mirror.displayStyle {
        case .collection?, .set?:
            if mirror.children.isEmpty { mark(path + "[]", false, &found) }
            for child in mirror.children { walk(child.value, path: path + "[]", found: &found, kinds: &kinds, texts: &texts) }
        case .dictionary?:
            mark(path, !mirror.children.isEmpty, &found)
        case .enum?:
            mark(path, true, &found)
            kinds.insert(path)
            guard let payload = mirror.children.first, let caseName = payload.label else { return }
            let casePath = path + "." + caseName
            let inner = Mirror(reflecting: payload.value)
            if inner.displayStyle == .tuple {
                for (index, element) in inner.children.enumerated() {
                    let label = element.label.map { $0.hasPrefix(".") ? String(index) : $0 } ?? String(index)
                    walk(element.value, path: casePath + "." + label, found: &found, kinds: &kinds, texts: &texts)
                }
            } else if let label = singlePayloadLabel(value, caseName: caseName) {
                walk(payload.value, path: casePath + "." + label, found: &found, kinds: &kinds, texts: &texts)
            } else {
                walk(payload.value, path: casePath, found: &found, kinds: &kinds, texts: &texts)
            }
        default:
            for child in mirror.children {
                guard let label = child.label else { continue }
                walk(child.value, path: path.isEmpty ? label : path + "." + label, found: &found, kinds: &kinds, texts: &texts)
            }
        }
    }

    /// The label of a case's single associated value (`agreed(option: 2)` → `option`), read
    /// from its default description; `nil` when unlabelled or described otherwise.
    private static func singlePayloadLabel(_ value: Any, caseName: String) -> String? {
        let description = String(describing: value)
        guard description.hasPrefix(caseName + "("), let colon = description.firstIndex(of: ":") else { return nil }
        let label = description[description.index(description.startIndex, offsetBy: caseName.count + 1)..<colon]
        return label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !label.isEmpty ? String(label) : nil
    }
}

/// The field table of `Exports/README.md`, section "Pseudonymised exports (research)".
struct LeakFieldTable {
    /// The treatments a row may name.
    static let treatments: Set<String> = [
        "kept", "pseudonymised", "shifted", "generalised", "replaced", "removed", "not exported",
    ]

    var rows: [String: String] = [:]
    var duplicates: [String] = []

    static func read() throws -> LeakFieldTable {
        let readme = AccordCLI.packageRoot.appendingPathComponent("Exports/README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(
            text.components(separatedBy: "## Pseudonymised exports (research)").dropFirst().first?.components(separatedBy: "\n## ").first,
            "Exports/README.md has no section \"Pseudonymised exports (research)\"")
        var table = LeakFieldTable()
        var inTable = false
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| field | in a pseudonymised export | why |") {
                inTable = true
                continue
            }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, !cells[1].hasPrefix("---") else { continue }
            let path = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let treatment = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "*"))
            if table.rows[path] != nil { table.duplicates.append(path) }
            table.rows[path] = treatment
        }
        #expect(!table.rows.isEmpty, "Exports/README.md has no table headed | field | in a pseudonymised export | why |")
        return table
    }
}
