import AccordCore
import AccordStore
import AccordTestSupport
import Foundation
import GRDB
import Testing

/// A database written before payload version 2 (``LegacyDatabase``): verified before and
/// after, folded as before, new events written in version 2 beside the legacy ones.
@Suite struct LegacyPayloadTests {
    let folder: URL
    let path: String
    let keyFile: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("accord.sqlite").path
        keyFile = folder.appendingPathComponent("keys/chain.key")
        try ConsultationStore.tamperForTesting(path: path, try LegacyDatabase.sql())
        try LegacyDatabase.writeKey(to: keyFile)
    }

    func store() throws -> ConsultationStore {
        try ConsultationStore.open(path: path, clock: .fixed(at: Samples.instant.addingTimeInterval(3600)), keyFile: keyFile.path)
    }

    /// The payloads, by sequence.
    func payloads() throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT payload FROM event ORDER BY seq") }
    }

    @Test func aLegacyDatabaseVerifiesFoldsAsBeforeAndTakesVersion2Events() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store()
        let legacy = try payloads()
        #expect(legacy.count == 34)
        #expect(legacy.allSatisfy { !$0.contains("\"v\":") && $0.hasPrefix("{\"") })
        #expect(legacy.filter { $0.contains("\"_0\":") }.count == 8)

        // Verified before any new event: the old head, every link, the issued document.
        let before = try store.verify()
        #expect(before.firstBreak == nil)
        #expect(before.eventCount == 34 && before.issuedDocumentCount == 1)
        #expect(before.head?.description == LegacyDatabase.head)

        // Each session folds to the consultation the old Accord showed (`session show --json`,
        // byte for byte).
        for number in 1...3 {
            let id = SessionID(number: Int64(number))
            let consultation = try store.consultation(id)
            let json = String(decoding: try AccordJSON.encoder(pretty: true).encode(consultation), as: UTF8.self) + "\n"
            #expect(json == (try LegacyDatabase.shownJSON("\(id)")))
        }

        // New events, in version 2, beside the legacy ones.
        try store.record(.noteAdded(text: "Rappel à J+15"), in: SessionID(number: 2))
        try store.record(.sessionClosed, in: SessionID(number: 2))
        let s1 = try store.record(.noteAdded(text: "Courrier envoyé"), in: SessionID(number: 1), reason: "après la consultation")
        let correction = IdentityCorrection(usedGivenName: "Luc")
        let s3 = try store.record(.identityCorrected(correction), in: SessionID(number: 3), reason: "nom d'usage")
        let after = try payloads()
        #expect(Array(after.prefix(34)) == legacy)
        #expect(
            Array(after.dropFirst(34)) == [
                #"{"text":"Rappel à J+15","type":"note-added","v":2}"#, #"{"type":"session-closed","v":2}"#,
                #"{"text":"Courrier envoyé","type":"note-added","v":2}"#,
                #"{"type":"identity-corrected","used_given_name":"Luc","v":2}"#,
            ])
        #expect(s1.notes.map(\.text) == ["Souhaite en parler à son médecin traitant", "Appel reçu", "Courrier envoyé"])
        #expect(s3.start.patient.usedGivenName == "Luc")

        // Verified after, through the old head too; a fresh store reads both shapes.
        let verified = try store.verify(head: before.head)
        #expect(verified.firstBreak == nil && verified.eventCount == 38 && verified.head?.sequence == 38)
        let reopened = try ConsultationStore.openReadOnly(path: path, clock: .fixed(at: Samples.instant), keyFile: keyFile.path)
        #expect(try reopened.consultation(SessionID(number: 2)).status == .closed)
        #expect(try reopened.events(of: SessionID(number: 1)).map(\.change.kind).suffix(2) == ["identity-corrected", "note-added"])
    }
}
