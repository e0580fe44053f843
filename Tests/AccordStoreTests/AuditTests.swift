import AccordCore
import AccordService
import AccordStore
import AccordTestSupport
import Foundation
import Testing

/// A small hand-made dataset whose figures are worked out by hand below.
///
/// Clinician X (`810123456781`): sessions 1–6 closed (1–3 in January, 4–6 in February) and
/// session 14 open (excluded). Clinician Y (`810203040505`): sessions 7–11 closed (7–8 in
/// January, 9–11 in February). Clinician Z (`810305070905`): sessions 12 (January) and 13
/// (February), too few: suppressed.
enum AuditDataset {
    static let x = Samples.clinicianID
    static let y = "810203040505"
    static let z = "810305070905"

    struct Spec {
        var clinician: String
        var day: String
        var present = true
        var surveillanceNotReasonable = false
        var rcpDaysBefore: Int?
        var changes: [Change] = []
        var close = true
    }

    static func option(_ kind: OptionKind) -> Change {
        .optionAdded(
            kind: kind, label: "Libellé libre \(kind.rawValue)", benefits: ["bénéfice"], harms: ["risque"], trialID: nil, origin: nil)
    }

    /// `answeredBy`: who answered for an absent patient (issue 15, part 8).
    static func instrument(_ id: InstrumentID, _ answers: String, answeredBy: String? = nil) -> Change {
        let definition = id.instrument
        let parsed = try! definition.parseAnswers(answers)
        return .instrumentRecorded(
            instrument: id, version: definition.version, respondent: definition.defaultRespondent, answers: parsed,
            score: try! definition.score(parsed), answeredBy: answeredBy.map(EntryID.init))
    }

    static let preference = Change.preferenceAdded(text: "Rester autonome chez moi", importance: 5)
    static let agreed = Change.decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")])
    static let deferred = Change.decisionRecorded(outcome: .deferred(nextContact: CalendarDate("2026-06-01")!), takenBy: [EntryID("P1")])
    static let declined = Change.decisionRecorded(outcome: .declined, takenBy: [EntryID("P1")])

    static let specs: [Spec] = [
        // 1 (X, Jan): present, trusted person, 1 preference, surveillance discussed, trial offered (process),
        // CPS C/C, SDM-Q-9 100, OPTION-5 100, SURE 4 (negative), agreed, RCP 10 days before.
        Spec(
            clinician: x, day: "2026-01-05", rcpDaysBefore: 10,
            changes: [
                .participantAdded(role: .trustedPerson, name: "Jeanne Témoin", id: nil, function: nil), option(.treatment),
                option(.activeSurveillance), preference, .trialDiscussed(eligibility: .eligible, offered: true, answer: .declined),
                instrument(.cpsPreferred, "C"), instrument(.sdmQ9, "5,5,5,5,5,5,5,5,5"), instrument(.option5, "4,4,4,4,4"),
                instrument(.sure, "yes,yes,yes,yes"), agreed, instrument(.cpsExperienced, "C"),
            ]),
        // 2 (X, Jan): present, one option, CPS A/B (concordant), SDM-Q-9 0, OPTION-5 50, SURE 3 (positive),
        // deferred, RCP 20 days before.
        Spec(
            clinician: x, day: "2026-01-06", rcpDaysBefore: 20,
            changes: [
                option(.treatment), instrument(.cpsPreferred, "A"), instrument(.sdmQ9, "0,0,0,0,0,0,0,0,0"),
                instrument(.option5, "2,2,2,2,2"), instrument(.sure, "yes,yes,yes,no"), deferred, instrument(.cpsExperienced, "B"),
            ]),
        // 3 (X, Jan): absent, carer, 2 preferences, surveillance not reasonable (template), trial option,
        // CPS D/C (discordant), agreed, no RCP.
        Spec(
            clinician: x, day: "2026-01-07", present: false, surveillanceNotReasonable: true,
            changes: [
                .participantAdded(role: .carer, name: "Paul Aidant", id: nil, function: nil), option(.treatment), option(.clinicalTrial),
                preference, .preferenceAdded(text: "Voir mes petits-enfants", importance: nil),
                instrument(.cpsPreferred, "D", answeredBy: "P3"),
                .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")], answeredBy: EntryID("P3")),
                instrument(.cpsExperienced, "C", answeredBy: "P3"),
            ]),
        // 4 (X, Feb): present, 1 preference, no-treatment option, CPS C (no experienced), SDM-Q-9 60, deferred, RCP 5 days.
        Spec(
            clinician: x, day: "2026-02-03", rcpDaysBefore: 5,
            changes: [
                option(.treatment), option(.noTreatment), preference, instrument(.cpsPreferred, "C"),
                instrument(.sdmQ9, "3,3,3,3,3,3,3,3,3"), deferred,
            ]),
        // 5 (X, Feb): present, relative, surveillance option withdrawn (not discussed), trial recorded as not
        // offered, declined, RCP 7 days.
        Spec(
            clinician: x, day: "2026-02-04", rcpDaysBefore: 7,
            changes: [
                .participantAdded(role: .relative, name: "Luc Proche", id: nil, function: nil), option(.treatment),
                option(.activeSurveillance), .entryWithdrawn(entry: EntryID("O2")),
                .trialDiscussed(eligibility: .notEligible, offered: false, answer: nil), declined,
            ]),
        // 6 (X, Feb): absent at the start, then arrives; 1 preference, trial option, CPS E/E, SURE 4, no decision.
        Spec(
            clinician: x, day: "2026-02-05", present: false,
            changes: [
                .participantAdded(role: .patient, name: "", id: nil, function: nil), option(.treatment), option(.clinicalTrial), preference,
                instrument(.cpsPreferred, "E"), instrument(.sure, "yes,yes,yes,yes"), instrument(.cpsExperienced, "E"),
            ]),
        // 7 (Y, Jan): present, 1 preference, surveillance, CPS C/C, SDM-Q-9 80, agreed, RCP 14 days.
        Spec(
            clinician: y, day: "2026-01-12", rcpDaysBefore: 14,
            changes: [
                option(.treatment), option(.activeSurveillance), preference, instrument(.cpsPreferred, "C"),
                instrument(.sdmQ9, "4,4,4,4,4,4,4,4,4"), agreed, instrument(.cpsExperienced, "C"),
            ]),
        // 8 (Y, Jan): present, relative, 1 preference, surveillance, CPS B/D (discordant), SURE 2 (positive), agreed, RCP 30 days.
        Spec(
            clinician: y, day: "2026-01-13", rcpDaysBefore: 30,
            changes: [
                .participantAdded(role: .relative, name: "Anne Proche", id: nil, function: nil), option(.treatment),
                option(.activeSurveillance), preference, instrument(.cpsPreferred, "B"), instrument(.sure, "yes,no,yes,no"), agreed,
                instrument(.cpsExperienced, "D"),
            ]),
        // 9 (Y, Feb): absent (a relative answers for the patient), trial offered (process), SDM-Q-9 60, deferred, no RCP.
        Spec(
            clinician: y, day: "2026-02-10", present: false,
            changes: [
                .participantAdded(role: .relative, name: "Paul Proche", id: nil, function: nil),
                option(.treatment), .trialDiscussed(eligibility: .eligible, offered: true, answer: .undecided),
                instrument(.sdmQ9, "3,3,3,3,3,3,3,3,3", answeredBy: "P3"),
                .decisionRecorded(
                    outcome: .deferred(nextContact: CalendarDate("2026-06-01")!), takenBy: [EntryID("P1")], answeredBy: EntryID("P3")),
            ]),
        // 10 (Y, Feb): present, CPS C only, agreed, RCP 3 days.
        Spec(
            clinician: y, day: "2026-02-11", rcpDaysBefore: 3,
            changes: [option(.treatment), instrument(.cpsPreferred, "C"), agreed]),
        // 11 (Y, Feb): present, 1 preference, surveillance discussed but not reasonable (excluded), SURE 4, no decision.
        Spec(
            clinician: y, day: "2026-02-12", surveillanceNotReasonable: true,
            changes: [option(.treatment), option(.activeSurveillance), preference, instrument(.sure, "yes,yes,yes,yes")]),
        // 12 (Z, Jan) and 13 (Z, Feb): present, one option, agreed.
        Spec(clinician: z, day: "2026-01-20", changes: [option(.treatment), agreed]),
        Spec(clinician: z, day: "2026-02-20", changes: [option(.treatment), agreed]),
        // 14 (X, Jan): open, every figure favourable: excluded.
        Spec(
            clinician: x, day: "2026-01-21", rcpDaysBefore: 1,
            changes: [option(.treatment), option(.activeSurveillance), preference, instrument(.cpsPreferred, "C"), deferred],
            close: false),
    ]

    /// An empty store in a database file of its own (in a temporary folder to remove).
    static func fileStore() throws -> (ConsultationStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try ConsultationStore.open(
            path: folder.appendingPathComponent("a.sqlite").path, clock: .fixed(at: Samples.instant),
            keyFile: folder.appendingPathComponent("k.key").path)
        return (store, folder)
    }

    /// Records the dataset; returns the session ids in order.
    @discardableResult
    static func record(into store: ConsultationStore) throws -> [SessionID] {
        try specs.map { spec in
            let instant = UTCInstant.parse(spec.day + "T10:00:00Z")!
            let dayStore = store.withClock(.fixed(at: instant))
            var start = Samples.start()
            start.clinicianID = spec.clinician
            start.patientPresent = spec.present
            if spec.surveillanceNotReasonable {
                start.template = "adjuvant-chemotherapy@1.0"
                start.surveillanceNotReasonable = "not reasonable after surgery"
            }
            if let days = spec.rcpDaysBefore {
                start.rcp = RCPReference(
                    documentID: InstanceIdentifier(root: "1.2.250.1.999.7", extension_: "rcp-\(spec.day)"),
                    meetingDate: CalendarDate(utcDayOf: instant.addingTimeInterval(-Double(days) * 86_400)))
            }
            let id = try dayStore.startSession(start)
            for change in spec.changes { try dayStore.record(change, in: id) }
            if spec.close { try dayStore.record(.sessionClosed, in: id) }
            return id
        }
    }
}

@Suite struct AuditParticipationTests {
    let store: ConsultationStore

    init() throws {
        store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try AuditDataset.record(into: store)
    }

    @Test func completenessOfTheDatasetIsAsWorkedOut() throws {
        // 13 elements (12 when surveillance does not apply), rounded down:
        // S1 10/13 = 76, S2 7/13 = 53, S3 9/12 = 75, S4 10/13 = 76, S5 5/13 = 38, S6 8/13 = 61,
        // S7 9/13 = 69, S8 9/13 = 69, S9 7/13 = 53, S10 6/13 = 46, S11 6/12 = 50.
        let expected = [76, 53, 75, 76, 38, 61, 69, 69, 53, 46, 50]
        for (index, percent) in expected.enumerated() {
            #expect(try store.consultation(SessionID(number: Int64(index + 1))).completeness.percent == percent, "S\(index + 1)")
        }
    }

    @Test func figuresByClinician() throws {
        let report = try store.participation(by: .clinician)
        #expect(report.rows.map(\.group) == [AuditDataset.x, AuditDataset.y, AuditDataset.z])
        let x = report.rows[0]
        // X: sessions 1–6 (14 is open: excluded).
        #expect(x.sessions == 6)
        #expect(x.patientPresentPercent == 83.3)  // 1, 2, 4, 5, 6 (6 arrived later) = 5/6
        #expect(x.relativePresentPercent == 50)  // 1 trusted person, 3 carer, 5 relative = 3/6
        #expect(x.preferencesRecordedPercent == 66.7)  // 1, 3, 4, 6 = 4/6
        #expect(x.surveillanceOrNoTreatmentDiscussedPercent == 40)  // applicable 1, 2, 4, 5, 6; discussed 1, 4 (5 withdrawn) = 2/5
        #expect(x.trialOfferedPercent == 50)  // 1 (process), 3 and 6 (trial option); 5 recorded as not offered = 3/6
        #expect(x.preferredRoleCounts == ["A": 1, "B": 0, "C": 2, "D": 1, "E": 1])  // 2: A; 1, 4: C; 3: D; 6: E
        #expect(x.roleConcordancePercent == 75)  // both roles in 1 (C/C), 2 (A/B), 3 (D/C ✗), 6 (E/E) = 3/4
        #expect(x.collaborateTopScorePercent == nil)  // no CollaboRATE
        #expect(x.collaborateMean == nil)
        #expect(x.sdmQ9Mean == 53.3)  // (100 + 0 + 60) / 3
        #expect(x.option5Mean == 75)  // (100 + 50) / 2
        #expect(x.surePositivePercent == 33.3)  // SURE in 1 (4), 2 (3 ✓), 6 (4) = 1/3
        #expect(x.deferredPercent == 33.3)  // 2, 4 = 2/6
        #expect(x.medianDaysRCPToDecision == 8.5)  // 1: 10, 2: 20, 4: 5, 5: 7 → 5, 7, 10, 20 → (7 + 10) / 2
        #expect(x.completenessMeanPercent == 63.2)  // (76 + 53 + 75 + 76 + 38 + 61) / 6 = 379 / 6
        #expect(!x.suppressed)

        let y = report.rows[1]
        #expect(y.sessions == 5)
        #expect(y.patientPresentPercent == 80)  // 7, 8, 10, 11 = 4/5
        #expect(y.relativePresentPercent == 40)  // 8, 9 = 2/5
        #expect(y.preferencesRecordedPercent == 60)  // 7, 8, 11 = 3/5
        #expect(y.surveillanceOrNoTreatmentDiscussedPercent == 50)  // applicable 7–10; discussed 7, 8 (11 excluded) = 2/4
        #expect(y.trialOfferedPercent == 20)  // 9 = 1/5
        #expect(y.preferredRoleCounts == ["A": 0, "B": 1, "C": 2, "D": 0, "E": 0])
        #expect(y.roleConcordancePercent == 50)  // 7 C/C ✓, 8 B/D ✗ = 1/2
        #expect(y.sdmQ9Mean == 70)  // (80 + 60) / 2
        #expect(y.option5Mean == nil)
        #expect(y.surePositivePercent == 50)  // 8 (2 ✓), 11 (4) = 1/2
        #expect(y.deferredPercent == 20)  // 9 = 1/5
        #expect(y.medianDaysRCPToDecision == 14)  // 3, 14, 30
        #expect(y.completenessMeanPercent == 57.4)  // (69 + 69 + 53 + 46 + 50) / 5 = 287 / 5

        // Z: 2 sessions, suppressed: no figure at all.
        let z = report.rows[2]
        #expect(z.suppressed)
        #expect(z.sessions == nil)
        #expect(z.patientPresentPercent == nil && z.completenessMeanPercent == nil && z.preferredRoleCounts == nil)
    }

    @Test func figuresByMonthAndPeriod() throws {
        let months = try store.participation(by: .month)
        #expect(months.rows.map(\.group) == ["2026-01", "2026-02"])
        // January: 1, 2, 3, 7, 8, 12 (14 open); February: 4, 5, 6, 9, 10, 11, 13.
        #expect(months.rows.map(\.sessions) == [6, 7])
        #expect(months.rows[0].patientPresentPercent == 83.3)  // all but 3 = 5/6
        #expect(months.rows[1].patientPresentPercent == 85.7)  // all but 9 = 6/7
        #expect(months.rows[0].deferredPercent == 16.7)  // 2 = 1/6
        #expect(months.rows[1].deferredPercent == 28.6)  // 4, 9 = 2/7

        // January only, by clinician: X 3, Y 2, Z 1 — all suppressed.
        let january = try store.participation(from: CalendarDate("2026-01-01"), to: CalendarDate("2026-01-31"), by: .clinician)
        #expect(january.rows.allSatisfy { $0.suppressed })
        // Without suppression: X in January is 1, 2, 3: present 2/3.
        let open = try store.participation(
            from: CalendarDate("2026-01-01"), to: CalendarDate("2026-01-31"), by: .clinician, suppression: false)
        #expect(open.rows.map(\.sessions) == [3, 2, 1])
        #expect(open.rows[0].patientPresentPercent == 66.7)
        #expect(!open.suppression)
        // The last day is included: 2026-01-05 alone holds session 1.
        let oneDay = try store.participation(
            from: CalendarDate("2026-01-05"), to: CalendarDate("2026-01-05"), by: .topic, suppression: false)
        #expect(oneDay.rows.map(\.sessions) == [1])
    }

    @Test func topicGroupsAreTemplateIdsNeverTheTypedTopic() throws {
        let topics = try store.participation(by: .topic, suppression: false)
        // 3 and 11 carry the template `adjuvant-chemotherapy@1.0`; the other 11 closed sessions none.
        #expect(topics.rows.map(\.group) == ["adjuvant-chemotherapy", "no-template"])
        #expect(topics.rows.map(\.sessions) == [2, 11])
        // The organisation: none given and no centre settings → `centre`.
        #expect(try store.participation(by: .organisation).rows.map(\.group) == ["centre"])
    }

    @Test func jsonHasExactlyTheKeys() throws {
        let json = try store.participation(by: .clinician).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["rows"])
        let rows = try #require(object["rows"] as? [[String: Any]])
        for row in rows { #expect(Set(row.keys) == Set(ParticipationReport.columns)) }
        #expect(rows[2]["sessions"] is NSNull)
        #expect(rows[2]["suppressed"] as? Bool == true)
    }
}

@Suite struct AuditCollaboRATETests {
    /// Topic A: 25 sessions with a complete CollaboRATE (10 at the top); topic B: 24 complete and one
    /// incomplete (dropped).
    @Test func groupScoreNeedsTwentyFiveCompleteEncounters() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        var scores: [InstrumentScore] = []
        func add(_ template: String, _ answers: String) throws {
            var start = Samples.start()
            start.template = template
            let change = AuditDataset.instrument(.collaborate, answers)
            if case .instrumentRecorded(_, _, _, _, let score, _) = change, template.hasPrefix("a@") { scores.append(score) }
            _ = try store.importConsultation(start: start, changes: [change, .sessionClosed])
        }
        // A: 10 × (9,9,9) mean 9 top; 15 × (6,7,8) mean 7 → top 10/25 = 40 %, mean (90 + 105) / 25 = 7.8.
        for _ in 0..<10 { try add("a@1", "9,9,9") }
        for _ in 0..<15 { try add("a@1", "6,7,8") }
        // B: 24 × (9,9,9), 1 × (9,9,-) dropped → 24 complete: no group score.
        for _ in 0..<24 { try add("b@1", "9,9,9") }
        try add("b@1", "9,9,-")
        let rows = try store.participation(by: .topic).rows
        #expect(rows.map(\.group) == ["a", "b"])
        #expect(rows[0].collaborateTopScorePercent == 40)
        #expect(rows[0].collaborateMean == 7.8)
        #expect(rows[1].sessions == 25)
        #expect(rows[1].collaborateTopScorePercent == nil)
        #expect(rows[1].collaborateMean == nil)
        // The same as the instrument's own group rule.
        let summary = CollaboRATEGroup.summary(scores)
        #expect(summary.topScorePercent == rows[0].collaborateTopScorePercent)
        #expect(summary.meanOfMeans == rows[0].collaborateMean)
    }
}

@Suite struct AuditViewsTests {
    @Test func viewsHoldPseudonymsAndNoFreeText() throws {
        let (store, folder) = try AuditDataset.fileStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AuditDataset.record(into: store)
        let path = try #require(store.databasePath)

        let sessions = try AuditSQL.run("SELECT * FROM audit_sessions ORDER BY session_number", path: path)
        #expect(sessions.rows.count == 14)
        let pseudonyms = Set(sessions.rows.map { $0[sessions.columns.firstIndex(of: "patient_pseudonym")!] })
        #expect(pseudonyms.count == 1)  // the same patient everywhere
        guard case .text(let pseudonym) = pseudonyms.first! else { Issue.record("no pseudonym"); return }
        #expect(pseudonym.count == 64 && pseudonym.allSatisfy(\.isHexDigit))

        let options = try AuditSQL.run("SELECT * FROM audit_options WHERE session_number = 5", path: path)
        #expect(options.columns == ["session_number", "option_number", "kind", "origin_kind"])
        #expect(options.rows == [[.integer(5), .integer(1), .text("treatment"), .text("typed")]])  // O2 withdrawn

        let instruments = try AuditSQL.run(
            "SELECT instrument, score, flags, complete, follow_up, recorded_month FROM audit_instruments WHERE session_number = 2 ORDER BY entry_number",
            path: path)
        #expect(instruments.rows.count == 5)
        #expect(instruments.rows[3] == [.text("sure"), .real(3), .text("decisional-conflict"), .integer(1), .integer(0), .text("2026-01")])

        let everything = Leaks.withoutDigests(
            [sessions, options, instruments, try AuditSQL.run("SELECT * FROM audit_instruments", path: path)]
                .map { $0.csv() + $0.table() + ((try? $0.json()) ?? "") }.joined())
        for secret in [
            "MARCHAND", "LUC", "158056912345606", "1958", "Roussel", "Hélène", "Libellé", "bénéfice", "Rester autonome", "Jeanne",
            "Prise en charge", "Adénocarcinome",
        ] {
            #expect(!everything.contains(secret), "\(secret) leaked")
        }
    }

    @Test(arguments: [
        ("DELETE FROM audit_session", "DELETE"),
        ("UPDATE audit_session SET closed = 0", "UPDATE"),
        ("INSERT INTO audit_option VALUES (1, 9, 'treatment', 'typed')", "INSERT"),
        ("SELECT payload FROM event", "reading the table event directly"),
        ("SELECT * FROM audit_session", "reading the table audit_session directly"),
        ("SELECT name FROM sqlite_master", "reading the table sqlite_master directly"),
        ("SELECT COUNT(*) FROM audit_session", "reading the table audit_session directly"),
        ("ATTACH DATABASE '/tmp/x.sqlite' AS x", "ATTACH"),
        ("PRAGMA table_info(event)", "PRAGMA"),
        ("SELECT 1; DELETE FROM event", "more than one statement"),
        ("SELECT * FROM audit_sessions s JOIN session t ON t.number = s.session_number", "reading the table session directly"),
        ("SELECT SUM(sessions) FROM audit_cell", "reading the table audit_cell directly"),
    ])
    func refusals(query: String, what: String) throws {
        let (store, folder) = try AuditDataset.fileStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.importConsultation(start: Samples.start(), changes: [.sessionClosed])
        #expect(
            throws: AccordError(
                .invalidInput,
                "audit sql reads only the audit views audit_sessions, audit_options, audit_instruments; \(what) is not allowed.",
                field: "QUERY")
        ) {
            try AuditSQL.run(query, path: store.databasePath!)
        }
        #expect(
            try AuditSQL.run("SELECT COUNT(*) AS n FROM audit_sessions WHERE closed = 1", path: store.databasePath!).rows == [[.integer(1)]]
        )
        #expect(try AuditSQL.run("SELECT COUNT(*) FROM audit_sessions", path: store.databasePath!).rows == [[.integer(1)]])
    }
}

@Suite struct AuditSQLLimitsTests {
    @Test func bigValuesAndBigResultsAreRefused() throws {
        let (store, folder) = try AuditDataset.fileStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        for _ in 0..<3 { _ = try store.importConsultation(start: Samples.start(), changes: [.sessionClosed]) }
        let path = try #require(store.databasePath)
        #expect(throws: AccordError(.invalidInput, "the query failed: string or blob too big.", field: "QUERY")) {
            try AuditSQL.run("SELECT length(\(AuditSQLSandboxTests.repeatedX(levels: 6))) FROM audit_sessions", path: path)
        }
        #expect(
            try AuditSQL.run("SELECT length(\(AuditSQLSandboxTests.repeatedX(levels: 3))) FROM audit_sessions LIMIT 1", path: path).rows
                == [[.integer(6000)]])
        #expect(
            throws: AccordError(
                .invalidInput, "the result has more than 2 rows or 200 MB; aggregate (GROUP BY) or narrow it (WHERE, LIMIT).",
                field: "QUERY")
        ) {
            try AuditSQL.run("SELECT session_number FROM audit_sessions", path: path, maximumRows: 2)
        }
        #expect(try AuditSQL.run("SELECT session_number FROM audit_sessions LIMIT 2", path: path, maximumRows: 2).rows.count == 2)
        // The whole result's size is capped too (a join of big values would fill the memory).
        #expect(
            throws: AccordError(
                .invalidInput, "the result has more than 2000000 rows or 1 MB; aggregate (GROUP BY) or narrow it (WHERE, LIMIT).",
                field: "QUERY")
        ) {
            try AuditSQL.run(
                "SELECT \(AuditSQLSandboxTests.repeatedX(levels: 5)) FROM audit_sessions a, audit_sessions b", path: path,
                maximumBytes: 1_000_000)
        }
    }

    @Test func valuesAreShownInFullAndJoinsKeepEveryColumn() throws {
        let (store, folder) = try AuditDataset.fileStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try store.importConsultation(start: Samples.start(), changes: [AuditDataset.option(.treatment), .sessionClosed])
        let path = try #require(store.databasePath)
        let values = try AuditSQL.run(
            "SELECT 1.0/3 AS third, x'00414243' AS b, 0.004 AS small, 'a' || char(27) || '[2J' AS e -- note", path: path)
        #expect(values.csv() == "third,b,small,e\n0.3333333333333333,x'00414243',0.004,a\u{1b}[2J")
        #expect(values.table().contains("a\\u{1b}[2J"))  // the escape is shown, not sent to the terminal
        let joined = try AuditSQL.run(
            "SELECT s.session_number, o.session_number FROM audit_sessions s JOIN audit_options o USING (session_number)", path: path)
        #expect(try joined.json().contains("\"session_number\" : 1,\n      \"session_number:2\" : 1"))
    }
}

@Suite struct AuditSyntheticTests {
    @Test func generatorIsDeterministicAndRefusesRealData() throws {
        var first = SyntheticSessions(seed: 7)
        var second = SyntheticSessions(seed: 7)
        for index in 0..<20 {
            let a = first.next(index: index, of: 20)
            let b = second.next(index: index, of: 20)
            #expect(a.start == b.start && a.changes.map(\.change) == b.changes.map(\.change))
            #expect(a.start.patient.insOID == KnownOID.insNIRTest)
        }

        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try store.generateSyntheticSessions(count: 300, seed: 3, batchSize: 100)
        #expect(try store.sessions().count == 300)
        let topics = try store.participation(by: .topic)
        #expect(topics.rows.map(\.group) == ["synthetic"])
        #expect((topics.rows[0].sessions ?? 0) > 250)  // about 97 % are closed
        // The chain holds: every event appended through the log.
        #expect(try store.verify().firstBreak == nil)

        let real = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        _ = try real.importConsultation(start: Samples.start(), changes: [])
        #expect(throws: AccordError.self) { try real.generateSyntheticSessions(count: 1, seed: 1) }
        #expect(try real.sessions().count == 1)
        // A real session whose template happens to be called `synthetic` is still real.
        let disguised = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        var start = Samples.start()
        start.template = "synthetic@2"
        _ = try disguised.startSession(start)
        #expect(throws: AccordError.self) { try disguised.generateSyntheticSessions(count: 1, seed: 1) }
        #expect(try disguised.sessions().count == 1)
        // And no real session goes into a database of synthetic sessions.
        #expect(
            throws: AccordError(
                .conflict,
                "this database holds synthetic sessions (accord audit generate); record real sessions in another database (--db or ACCORD_DB)."
            )
        ) { try store.startSession(Samples.start()) }
        #expect(throws: AccordError.self) { try store.importConsultation(start: Samples.start(), changes: []) }
        #expect(try store.sessions().count == 300)
    }
}
