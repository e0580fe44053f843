import AccordCore
import AccordTestSupport
import Foundation
import Testing

@testable import AccordStore

/// The migrations are literal SQL frozen as they shipped; the application's projections must
/// still fit the tables they made (a change of a projection needs a new migration).
@Suite struct FrozenMigrationTests {
    func freshStore() throws -> (ConsultationStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-frozen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try ConsultationStore.open(
            path: folder.appendingPathComponent("a.sqlite").path, clock: .fixed(at: Samples.instant),
            keyFile: folder.appendingPathComponent("k.key").path)
        return (store, folder)
    }

    @Test func theAuditCellsHoldAColumnPerMeasure() throws {
        let (store, folder) = try freshStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            try store.columnsForTesting("audit_cell")
                == ["dimension", "grain", "period", "group_value"] + AuditCells.measures.map(\.column))
        #expect(
            try store.columnsForTesting("audit_cell_days") == ["dimension", "grain", "period", "group_value", "days", "sessions"])
    }

    @Test func theSessionSummaryHoldsThePatientColumnsTheRecorderWrites() throws {
        let (store, folder) = try freshStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let columns = try store.columnsForTesting("session")
        let patient = SessionSummaryProjection.patientColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Array(columns.suffix(patient.count)) == patient)
        #expect(
            try store.columnsForTesting("audit_session").prefix(4)
                == ["session_number", "event_count", "patient_pseudonym", "clinician_idnat_ps"])
    }
}
