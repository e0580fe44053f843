import AccordCore
import Foundation

/// Invented test identities and consultations on the INS test OID (1.2.250.1.213.1.4.10).
public enum Samples {
    /// 2026-03-02T09:30:00Z.
    public static let instant = UTCInstant.parse("2026-03-02T09:30:00Z")!

    /// A patient born in Lyon, INS valid on the test OID.
    public static let identity = INSIdentity(
        ins: "158056912345606", insOID: KnownOID.insNIRTest, birthFamilyName: "MARCHAND-D'ESTE",
        birthGivenNames: "LUC JEAN-BAPTISTE", birthDate: CalendarDate("1958-05-17")!, sex: .male, birthplaceCode: "69123")

    /// A patient born in Corsica (2A), with an apostrophe, hyphens and several given names.
    public static let corsicanIdentity = INSIdentity(
        ins: "283042A00401797", insOID: KnownOID.insNIRTest, birthFamilyName: "D'ARTAGNAN-LE-GALL",
        birthGivenNames: "MARIE-CLAIRE ANNE LOUISE", birthDate: CalendarDate("1983-04-09")!, sex: .female, birthplaceCode: "2A004")

    /// IdNat_PS (8 + RPPS) of an invented clinician; its Luhn key is valid.
    public static let clinicianID = "810123456781"

    /// A session start with the Lyon patient.
    public static func start(_ identity: INSIdentity = identity) -> SessionStart {
        SessionStart(
            patient: identity, clinicianID: clinicianID, clinicianName: "Dr Hélène Roussel", topic: "Prise en charge d'un cancer localisé",
            condition: Condition(text: "Adénocarcinome localisé"))
    }

    /// Wraps changes into recorded events of session `S1`, one second apart from ``instant``.
    public static func events(_ changes: [Change], session: SessionID = SessionID(number: 1)) -> [RecordedEvent] {
        changes.enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: session, sessionSequence: index + 1,
                recordedAt: instant.addingTimeInterval(Double(index)), author: clinicianID, change: change)
        }
    }

    /// The repository's root folder.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The path of the repository's sample consultation file.
    public static var sampleConsultationFile: URL {
        packageRoot.appendingPathComponent("Examples/consultation.yaml")
    }
}
