import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import Testing

/// The pre-aggregated cells must always equal the sums over the session rows, whatever the
/// period, the grouping and the changes made since.
@Suite struct AuditCellsTests {
    static let days: [String?] = [nil, "2026-01-01", "2026-01-06", "2026-01-31", "2026-02-01", "2026-02-04", "2026-02-28", "2026-03-15"]

    func expectCellsMatchSessions(_ store: ConsultationStore, _ comment: String) throws {
        var compared = 0
        for grouping in AuditGrouping.allCases {
            for from in Self.days {
                for to in Self.days {
                    let (first, last) = (from.flatMap(CalendarDate.init), to.flatMap(CalendarDate.init))
                    if let first, let last, last < first { continue }
                    let both = try store.participationTotalsBothWays(from: first, to: last, by: grouping)
                    #expect(both.cells == both.sessions, "\(comment): \(grouping) \(from ?? "…") to \(to ?? "…")")
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 43)
    }

    @Test func cellsEqualTheSessionRowsAfterEveryKindOfChange() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let ids = try AuditDataset.record(into: store)
        try expectCellsMatchSessions(store, "dataset")
        // Sanity: the cells hold the dataset's figures (X: 6 closed sessions, median 8.5 days).
        let x = try #require(try store.participationTotalsBothWays(by: .clinician).cells.first)
        #expect(x.group == AuditDataset.x && x.sessions == 6 && x.daysRCPToDecision == [5: 1, 7: 1, 10: 1, 20: 1])

        // Amendments to closed sessions: a withdrawn preference, a new decision, a follow-up
        // instrument (no reason needed), a withdrawn option.
        let later = store.withClock(.fixed(at: UTCInstant.parse("2026-03-10T08:00:00Z")!))
        try later.record(.entryWithdrawn(entry: EntryID("M1")), in: ids[0], reason: "recorded for the wrong patient")
        try later.record(AuditDataset.deferred, in: ids[0], reason: "the patient asked for more time")
        try later.record(AuditDataset.instrument(.collaborate, "9,9,9"), in: ids[1])
        try later.record(.entryWithdrawn(entry: EntryID("O2")), in: ids[3], reason: "typed twice")
        try expectCellsMatchSessions(store, "after amendments")
        let amended = try #require(try store.participationTotalsBothWays(by: .clinician).cells.first)
        #expect(amended.sessions == 6 && amended.deferred == 3 && amended.collaborateEncounters == 1)
        #expect(amended.collaborateNinths == 81)  // one CollaboRATE mean of 9 = 81 ninths

        // The centre's FINESS given later: sessions without their own move group when next refreshed.
        var settings = CentreSettings.example
        settings.finess = "750000001"
        try later.setCentreSettings(settings, author: "os:test")
        try later.record(AuditDataset.instrument(.sure, "yes,yes,yes,yes"), in: ids[2])
        try expectCellsMatchSessions(store, "after a centre change")
        let organisations = try store.participationTotalsBothWays(by: .organisation).cells
        #expect(organisations.map(\.group) == ["750000001", "centre"])
        #expect(organisations.map(\.sessions) == [1, 12])

        // An open session closed late: it counts from its closing day.
        try later.record(.sessionClosed, in: ids[13])
        try expectCellsMatchSessions(store, "after a late closing")
        #expect(try store.participationTotalsBothWays(by: .month).cells.map(\.group) == ["2026-01", "2026-02", "2026-03"])
    }

    @Test func cellsEqualTheSessionRowsOnSyntheticSessions() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try store.generateSyntheticSessions(count: 400, seed: 11, batchSize: 150)
        for (from, to) in [
            ("2025-01-01", "2025-12-31"), ("2025-02-14", "2025-02-14"), ("2025-03-31", "2025-11-01"), ("2025-06-15", "2025-07-14"),
        ] {
            for grouping in AuditGrouping.allCases {
                let both = try store.participationTotalsBothWays(from: CalendarDate(from), to: CalendarDate(to), by: grouping)
                #expect(both.cells == both.sessions, "\(grouping) \(from) to \(to)")
                #expect(!both.cells.isEmpty)
            }
        }
    }

    /// Sessions recorded whole are added to the cells from their facts, in Swift: each
    /// measure gives there what its SQL gives on the session's row.
    @Test func eachMeasureGivesInSwiftWhatItsSQLGives() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try AuditDataset.record(into: store)
        let synthetic = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try synthetic.generateSyntheticSessions(count: 300, seed: 5)
        var compared = 0
        for rows in [try store.measuresBothWays(), try synthetic.measuresBothWays()] {
            for row in rows {
                #expect(row.facts == row.sql, "session \(row.session)")
                compared += 1
            }
        }
        #expect(compared >= 314)
        // The datasets hold each kind of value: scores in ninths, roles, deferrals.
        let sums = (try synthetic.measuresBothWays()).reduce(into: [Int64](repeating: 0, count: AuditCells.measures.count)) {
            for index in $0.indices { $0[index] += $1.sql[index] }
        }
        #expect(sums.allSatisfy { $0 > 0 }, "\(zip(AuditCells.measures.map(\.column), sums).filter { $0.1 == 0 })")
    }

    /// Consultations refused in a batch leave nothing in the cells; the next one takes the
    /// refused one's session number and its place in them.
    @Test func aRefusedConsultationLeavesTheCellsAsTheRowsSay() throws {
        let store = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        let option = Change.optionAdded(kind: .treatment, label: "Surveillance", benefits: [], harms: [], trialID: nil, origin: nil)
        let refused = ConsultationImport(
            start: Samples.start(), changes: [option, .decisionRecorded(outcome: .agreed(option: 4), takenBy: [])])
        let closed = ConsultationImport(start: Samples.start(), changes: [option, .sessionClosed])
        let results = try store.importConsultations([closed, refused, closed, refused], author: nil)
        #expect(results.map { (try? $0.get())?.number } == [1, nil, 2, nil])
        try expectCellsMatchSessions(store, "after refused consultations")
        #expect(try store.participationTotalsBothWays(by: .clinician).cells.map(\.sessions) == [2])
        let synthetic = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try synthetic.generateSyntheticSessions(count: 40, seed: 3, batchSize: 7)
        try expectCellsMatchSessions(synthetic, "synthetic, in batches of 7")
    }

    @Test func aDatabaseFromBeforeTheCellsIsMigrated() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-cells-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, key) = (folder.appendingPathComponent("a.sqlite").path, folder.appendingPathComponent("k.key").path)
        let store = try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        try AuditDataset.record(into: store)
        let before = try store.participation(by: .clinician, suppression: false)
        // As a database written before migration v3 was: no cells.
        try store.executeForTesting(
            """
            DROP TABLE audit_cell; DROP TABLE audit_cell_days; DROP INDEX audit_session_patient;
            DELETE FROM metadata WHERE key = 'audit_summary_complete'; DELETE FROM grdb_migrations WHERE identifier = 'v3: audit cells'
            """)
        let reopened = try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        #expect(try reopened.participation(by: .clinician, suppression: false) == before)
        try expectCellsMatchSessions(reopened, "migrated")

        // As a database written before migration v2: sessions and no summaries at all. The
        // first audit command summarises them (it needs the chain key) and the figures are back.
        try reopened.executeForTesting(
            """
            DROP VIEW audit_sessions; DROP VIEW audit_options; DROP VIEW audit_instruments;
            DROP TABLE audit_cell; DROP TABLE audit_cell_days; DROP TABLE audit_session; DROP TABLE audit_option;
            DROP TABLE audit_instrument; DELETE FROM metadata WHERE key = 'audit_summary_complete';
            DELETE FROM grdb_migrations WHERE identifier IN ('v2: audit summary', 'v3: audit cells')
            """)
        let old = try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant), keyFile: key)
        #expect(try old.participationTotalsBothWays(by: .clinician).sessions == [])
        #expect(try old.participation(by: .clinician, suppression: false) == before)
        try expectCellsMatchSessions(old, "summarised")
    }

    @Test(
        arguments: [
            // (from, to) → spans (grain lower upper)
            (nil, nil, ["month 0000-00 9999-99"]),
            ("2026-01-01", "2026-01-31", ["month 2026-01 2026-01"]),
            ("2026-01-05", "2026-01-05", ["day 2026-01-05 2026-01-05"]),
            ("2026-02-01", "2026-02-27", ["day 2026-02-01 2026-02-27"]),
            ("2024-02-01", "2024-02-29", ["month 2024-02 2024-02"]),  // leap year: the whole month
            ("2026-01-15", "2026-03-10", ["day 2026-01-15 2026-01-31", "day 2026-03-01 2026-03-10", "month 2026-02 2026-02"]),
            ("2026-01-15", "2026-02-10", ["day 2026-01-15 2026-01-31", "day 2026-02-01 2026-02-10"]),
            ("2025-12-02", nil, ["day 2025-12-02 2025-12-31", "month 2026-01 9999-99"]),
            (nil, "2026-01-30", ["day 2026-01-01 2026-01-30", "month 0000-00 2025-12"]),
            ("2026-04-01", "2026-06-30", ["month 2026-04 2026-06"]),
        ] as [(String?, String?, [String])])
    func periodsAreCoveredOnce(from: String?, to: String?, expected: [String]) {
        let spans = PeriodSpan.spans(from: from.flatMap(CalendarDate.init), to: to.flatMap(CalendarDate.init))
        #expect(spans.map { "\($0.grain) \($0.lower) \($0.upper)" } == expected)
    }
}

@Suite struct AuditRoundingTests {
    @Test func ratiosAreRoundedExactlyHalfAwayFromZero() {
        #expect(ParticipationRow.ratio(107, 40, decimals: 2) == 2.68)  // 2.675: 2.67 in binary floating point
        #expect(ParticipationRow.ratio(1, 3, decimals: 1) == 0.3)
        #expect(ParticipationRow.ratio(2, 3, decimals: 1) == 0.7)
        #expect(ParticipationRow.ratio(-5, 2, decimals: 0) == -3)
        #expect(ParticipationRow.ratio(1, 0, decimals: 1) == nil)
        #expect(ParticipationRow.percent(1, of: 16) == 6.3)  // 6.25
        #expect(ParticipationRow.percent(1, of: 2000) == 0.1)  // 0.05
        #expect(ParticipationRow.percent(5, of: 6) == 83.3)
    }

    @Test func medianOfADistribution() {
        #expect(ParticipationRow.median([:]) == nil)
        #expect(ParticipationRow.median([4: 1]) == 4)
        #expect(ParticipationRow.median([5: 1, 7: 1, 10: 1, 20: 1]) == 8.5)
        #expect(ParticipationRow.median([3: 2, 9: 1]) == 3)
        #expect(ParticipationRow.median([3: 2, 9: 2]) == 6)
        #expect(ParticipationRow.median([1: 1, 2: 0, 8: 1]) == 4.5)
    }

    @Test func scoresAreWholeNinths() throws {
        // Every score the audit sums is a whole number of ninths of a point (AuditGroupTotals).
        for answers in ["0,0,0", "1,0,0", "9,9,8", "5,6,7"] {
            let score = try #require(
                try InstrumentID.collaborate.instrument.score(InstrumentID.collaborate.instrument.parseAnswers(answers)).score)
            #expect(abs(score * 9 - (score * 9).rounded()) < 1e-9, "CollaboRATE \(answers)")
        }
        for answers in ["1,0,0,0,0,0,0,0,0", "5,5,5,5,5,5,5,5,4", "2,3,1,0,4,5,1,2,3"] {
            let score = try #require(try InstrumentID.sdmQ9.instrument.score(InstrumentID.sdmQ9.instrument.parseAnswers(answers)).score)
            #expect(abs(score * 9 - (score * 9).rounded()) < 1e-9, "SDM-Q-9 \(answers)")
        }
        #expect(AuditGroupTotals.ninths(100.0 / 45 * 7) == 140)  // SDM-Q-9 sum 7 = 15.56 points = 140 ninths
    }
}
