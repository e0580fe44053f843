import AccordCore
import AccordPostgres
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// The PostgreSQL audit gives the same participation report as the SQLite one for the same
/// changes at the same instants, and its cells are always the sums of its session rows.
@Suite(.enabled(if: PostgresTestDatabase.enabled, PostgresTestDatabase.skipReason))
struct PostgresAuditTests {
    /// Records the audit dataset (closed, deferred, with instruments, one left open), then
    /// amendments to closed sessions, a centre FINESS given later and a late closing, each
    /// change at its own instant; `at` gives the store whose clock reads an instant.
    static func record(_ at: (Date) -> any EventStore) throws {
        var ids: [SessionID] = []
        for spec in AuditDataset.specs {
            let instant = UTCInstant.parse(spec.day + "T10:00:00Z")!
            let store = at(instant)
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
            let id = try store.startSession(start, author: nil)
            for change in spec.changes { _ = try store.record(change, in: id, author: nil, reason: nil, precondition: nil) }
            if spec.close { _ = try store.record(.sessionClosed, in: id, author: nil, reason: nil, precondition: nil) }
            ids.append(id)
        }
        let later = at(UTCInstant.parse("2026-03-10T08:00:00Z")!)
        func amend(_ change: Change, _ id: SessionID, _ reason: String?) throws {
            _ = try later.record(change, in: id, author: nil, reason: reason, precondition: nil)
        }
        try amend(.entryWithdrawn(entry: EntryID("M1")), ids[0], "recorded for the wrong patient")
        try amend(AuditDataset.deferred, ids[0], "the patient asked for more time")
        try amend(AuditDataset.instrument(.collaborate, "9,9,9"), ids[1], nil)
        try amend(.entryWithdrawn(entry: EntryID("O2")), ids[3], "typed twice")
        var settings = CentreSettings.example
        settings.finess = "750000001"
        try later.setCentreSettings(settings, author: "os:test")
        try amend(AuditDataset.instrument(.sure, "yes,yes,yes,yes"), ids[2], nil)
        try amend(.sessionClosed, ids[13], nil)
    }

    @Test func theReportAndTheCellsAreTheSQLiteOnes() throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("accord-pg-\(UUID().uuidString).key")
        defer { try? FileManager.default.removeItem(at: key) }
        let postgres = try PostgresEventStore.open(url: database.url, clock: .fixed(at: Samples.instant), keyFile: key.path)
        let sqlite = try ConsultationStore.inMemory(clock: .fixed(at: Samples.instant))
        try Self.record { postgres.withClock(.fixed(at: $0)) }
        try Self.record { sqlite.withClock(.fixed(at: $0)) }

        var compared = 0
        for grouping in AuditGrouping.allCases {
            for from in AuditCellsTests.days {
                for to in AuditCellsTests.days {
                    let (first, last) = (from.flatMap(CalendarDate.init), to.flatMap(CalendarDate.init))
                    if let first, let last, last < first { continue }
                    let period = "\(grouping) \(from ?? "…") to \(to ?? "…")"
                    let report = try postgres.participation(from: first, to: last, by: grouping, suppression: false)
                    #expect(report == (try sqlite.participation(from: first, to: last, by: grouping, suppression: false)), "\(period)")
                    let both = try postgres.participationTotalsBothWays(from: first, to: last, by: grouping)
                    #expect(both.cells == both.sessions, "\(period)")
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 43)
        // Sanity: the figures are the dataset's after its changes (S14, X's, closed late and deferred).
        let x = try #require(try postgres.participationTotalsBothWays(by: .clinician).cells.first)
        #expect(x.group == AuditDataset.x && x.sessions == 7 && x.deferred == 4 && x.collaborateNinths == 81)
        let organisations = try postgres.participation(from: nil, to: nil, by: .organisation, suppression: false)
        #expect(organisations.rows.map(\.group) == ["750000001", "centre"])
        #expect(organisations.rows.map(\.sessions) == [2, 12], "S3 and S14, refreshed after the FINESS was given")
        #expect(try postgres.verify(head: nil).firstBreak == nil)
    }

    /// `db copy` rebuilds the audit rows of a copied log in bulk and fills the cells at once:
    /// the same report as the source's (by organisation, every row takes the latest FINESS,
    /// as SQLite's back-fill does), and cells that are the sums of the rows.
    @Test func aCopiedLogHasTheSourcesReportAndCellsThatAreTheRowsSums() throws {
        let database = try PostgresTestDatabase.make()
        defer { database.drop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-pgcopy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (file, key) = (folder.appendingPathComponent("a.sqlite").path, folder.appendingPathComponent("k.key").path)
        let sqlite = try ConsultationStore.open(path: file, clock: .fixed(at: Samples.instant), keyFile: key)
        try Self.record { sqlite.withClock(.fixed(at: $0)) }
        let copied = try AccordService.copyDatabase(from: file, to: database.url, keyFile: key, clock: .fixed(at: Samples.instant))
        #expect(copied.destinationHead == copied.sourceHead)
        let postgres = try PostgresEventStore.open(url: database.url, clock: .fixed(at: Samples.instant), keyFile: key)
        for grouping in AuditGrouping.allCases {
            for (from, to) in [(nil, nil), ("2026-03-02", "2026-03-09"), ("2026-03-10", nil)] as [(String?, String?)] {
                let (first, last) = (from.flatMap(CalendarDate.init), to.flatMap(CalendarDate.init))
                let both = try postgres.participationTotalsBothWays(from: first, to: last, by: grouping)
                #expect(both.cells == both.sessions, "\(grouping) \(from ?? "…")")
                guard grouping != .organisation else { continue }
                let report = try postgres.participation(from: first, to: last, by: grouping, suppression: false)
                #expect(report == (try sqlite.participation(from: first, to: last, by: grouping, suppression: false)), "\(grouping)")
            }
        }
        let organisations = try postgres.participation(from: nil, to: nil, by: .organisation, suppression: false)
        #expect(organisations.rows.map(\.group) == ["750000001"] && organisations.rows.map(\.sessions) == [14])
    }
}
