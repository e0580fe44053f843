import AccordCore
import AccordXML
import Foundation

/// An invented consultation on the INS test OID, exported in tests and as
/// `Exports/cda-fr/example.cda.xml`.
enum CDAFixtures {
    /// 2026-03-02T09:30:00Z, when the session starts.
    static let startInstant = UTCInstant.parse("2026-03-02T09:30:00Z")!
    /// 2026-03-02T10:15:00Z, the export instant (the fixed clock).
    static let exportInstant = UTCInstant.parse("2026-03-02T10:15:00Z")!

    /// Born in Corsica (COG 2A004): birth name with an apostrophe and hyphens, several given
    /// names. NIR 1 75 06 2A 004 123, key 97 − (1750619004123 mod 97) = 77.
    static let identity = INSIdentity(
        ins: "175062A00412377", insOID: KnownOID.insNIRTest, birthFamilyName: "D'ARTAGNAN-LE-GALL",
        birthGivenNames: "JEAN-PIERRE MARIE", birthDate: CalendarDate("1975-06-14")!, sex: .male, birthplaceCode: "2A004",
        usedFamilyName: "LE GALL", usedGivenName: "JEAN-PIERRE")

    /// IdNat_PS: 8 + RPPS 01234567897 (Luhn key valid).
    static let clinicianID = "801234567897"

    /// A note with characters that must be escaped, a control character (U+0001) that must be
    /// removed and an emoji that must survive.
    static let trickyNote = "Patient accompagné de sa sœur & de son aidant ; souhaite \"du temps\" <avant> de signer\u{1} 🙂"

    /// The report the session was started from.
    static let rcp = RCPReference(
        documentID: InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2.1"),
        setID: InstanceIdentifier(root: "1.2.250.1.213.1.1.1.8.2022.2"), meetingDate: CalendarDate("2026-02-24"), trialProposed: true)

    static let centre = CentreSettings(
        oidRoot: "2.999.1", finess: "2A0000014", name: "Centre de lutte contre le cancer d'exemple (Ajaccio)",
        address: "1 avenue de l'Exemple, 20000 AJACCIO", facility: FrenchValueSets.facility(code: "SA36")!,
        practiceSetting: FrenchValueSets.practiceSetting(code: "ETABLISSEMENT")!)

    static func start() -> SessionStart {
        SessionStart(
            patient: identity, ipp: InstanceIdentifier(root: "2.999.1.2", extension_: "IPP-000123"), clinicianID: clinicianID,
            clinicianName: "Dr Hélène ROUSSEL-DUPRÉ", clinicianFunction: "oncologue médicale",
            topic: "Choix du traitement après chirurgie d'un cancer de la prostate localisé",
            condition: Condition(
                text: "Adénocarcinome de la prostate, score de Gleason 7", code: "C61", codeSystem: "2.16.840.1.113883.6.3", origin: "rcp"),
            rcp: rcp)
    }

    /// The changes of the example session; `decision` is the decision recorded.
    static func changes(decision: DecisionOutcome = .agreed(option: 1)) -> [Change] {
        [
            .sessionStarted(start()),
            .participantAdded(role: .trustedPerson, name: "Anne D'ARTAGNAN", id: nil, function: nil),
            .participantAdded(role: .carer, name: "Paul MARTINETTI", id: nil, function: nil),
            .participantAdded(role: .professional, name: "Dr Marc LEFÈVRE", id: "810123456781", function: "radiothérapeute"),
            .participantAdded(role: .interpreter, name: "Maria ROSSI", id: nil, function: "interprète en italien"),
            .optionAdded(
                kind: .treatment, label: "Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>",
                benefits: ["Contrôle local de la maladie"], harms: ["Fatigue pendant le traitement", "Troubles urinaires transitoires"],
                trialID: nil, origin: "rcp"),
            .optionAdded(
                kind: .clinicalTrial, label: "Essai de désescalade thérapeutique", benefits: ["Accès à un traitement en évaluation"],
                harms: ["Visites de suivi plus fréquentes"], trialID: "NCT01234567", origin: "rcp"),
            .optionAdded(
                kind: .activeSurveillance, label: "Surveillance active", benefits: ["Pas d'effet indésirable immédiat"], harms: [],
                trialID: nil, origin: nil),
            .preferenceAdded(text: "Pouvoir continuer à travailler", importance: 5),
            .preferenceAdded(text: "Éviter les troubles urinaires", importance: 3),
            .decisionRecorded(outcome: decision, takenBy: [EntryID("P1"), EntryID("P2")]),
            .noteAdded(text: trickyNote),
            .sessionClosed,
        ]
    }

    static func consultation(decision: DecisionOutcome = .agreed(option: 1)) throws -> Consultation {
        let events = changes(decision: decision).enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: startInstant.addingTimeInterval(Double(index) * 180), author: clinicianID, change: change)
        }
        return try Consultation(events: events)
    }

    static func input(
        decision: DecisionOutcome = .agreed(option: 1), version: Int = 1, replacing: InstanceIdentifier? = nil
    ) throws -> CDAExportInput {
        CDAExportInput(
            consultation: try consultation(decision: decision), centre: centre, exportedAt: exportInstant, version: version,
            replacedDocumentID: replacing)
    }

    // MARK: - Paths

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `.build/cda-out/`, where CI runs cisis-check on the produced documents.
    static var outputFolder: URL { packageRoot.appendingPathComponent(".build/cda-out", isDirectory: true) }

    /// The schemas folder from `ACCORD_SCHEMAS`, or `nil`.
    static var schemaLocator: SchemaLocator? { SchemaLocator.locate(option: nil) }

    /// Whether `ACCORD_SCHEMAS` is set: schema tests are skipped otherwise.
    static var schemasAvailable: Bool { schemaLocator != nil }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("accord-xml-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
