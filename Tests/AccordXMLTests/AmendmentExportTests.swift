import AccordCore
import AccordService
import Foundation
import Testing

@testable import AccordXML

/// Amendments in the documents (issue 15, part 1): the CDA test consultation, closed, then a
/// decision replaced, the patient's identity corrected and a preference withdrawn, each with a
/// reason, by an author who is not a participant.
@Suite struct AmendmentExportTests {
    static let author = "810987654323"

    static func input(version: Int = 2) throws -> CDAExportInput {
        let changes = CDAFixtures.changes()
        var events = changes.enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: CDAFixtures.startInstant.addingTimeInterval(Double(index) * 180), author: CDAFixtures.clinicianID,
                change: change)
        }
        let amendments: [(Change, String, String)] = [
            (.decisionRecorded(outcome: .agreed(option: 3), takenBy: [EntryID("P1")]), "2026-03-09T14:00:00Z", "rappel du patient"),
            (.identityCorrected(IdentityCorrection(usedGivenName: "JEAN")), "2026-03-10T08:30:00Z", "pièce d'identité vue"),
            (.entryWithdrawn(entry: EntryID("M2")), "2026-03-10T08:31:00Z", "saisie erronée"),
        ]
        for (change, instant, reason) in amendments {
            let number = events.count + 1
            events.append(
                RecordedEvent(
                    sequence: Int64(number), sessionID: SessionID(number: 1), sessionSequence: number,
                    recordedAt: UTCInstant.parse(instant)!, author: author, reason: reason, change: change))
        }
        return CDAExportInput(
            consultation: try Consultation(events: events), centre: CDAFixtures.centre,
            exportedAt: UTCInstant.parse("2026-03-11T09:00:00Z")!, version: version,
            replacedDocumentID: InstanceIdentifier(root: "2.999.1.1.1.1"))
    }

    @Test func theCDADocumentMarksTheReplacedDecisionAndValidates() throws {
        let input = try Self.input()
        let data = CDAExporter.document(input)
        try? FileManager.default.createDirectory(at: CDAFixtures.outputFolder, withIntermediateDirectories: true)
        try? data.write(to: CDAFixtures.outputFolder.appendingPathComponent("amended.cda.xml"))
        let reader = try XMLDocumentReader(data: data)
        let decision = "//hl7:section[hl7:code/@code='section-decision']"
        #expect(try reader.strings(xpath: "\(decision)/hl7:entry/hl7:act/hl7:id/@extension") == ["D2", "D1"])
        #expect(try reader.strings(xpath: "\(decision)/hl7:entry/hl7:act/hl7:statusCode/@code") == ["completed", "obsolete"])
        #expect(try reader.string(xpath: "\(decision)/hl7:entry[2]/hl7:act/hl7:text/hl7:reference/@value") == "#decision-D1")
        #expect(try reader.count(xpath: "\(decision)/hl7:text//hl7:content[@ID='decision-D1']") == 1)
        #expect(
            try reader.strings(xpath: "\(decision)/hl7:entry/hl7:act/hl7:author/hl7:time/@value") == [
                "20260309140000+0000", "20260309140000+0000",
            ])
        #expect(
            try reader.strings(xpath: "\(decision)/hl7:entry/hl7:act/hl7:author/hl7:assignedAuthor/hl7:id/@extension") == [
                Self.author, Self.author,
            ])
        #expect(
            Array(try reader.strings(xpath: "\(decision)/hl7:text/hl7:paragraph").suffix(3)) == [
                "Ajoutée après la consultation le 9 mars 2026 à 15:00 (heure de Paris) par IdNat_PS 810987654323, motif : rappel du patient.",
                "Décision D1 (remplacée) : Option retenue : option 1 — Traitement : Radiothérapie \"hypofractionnée\" & hormonothérapie <6 mois>.",
                "Remplacée par la décision D2 après la consultation le 9 mars 2026 à 15:00 (heure de Paris) par IdNat_PS 810987654323, motif : rappel du patient.",
            ])
        #expect(
            try reader.strings(xpath: "//hl7:section[hl7:code/@code='section-amendments']/hl7:text/hl7:list/hl7:item") == [
                "Décision D2 : ajoutée après la consultation le 9 mars 2026 à 15:00 (heure de Paris) par IdNat_PS 810987654323, motif : rappel du patient.",
                "Décision D1 : remplacée par la décision D2 après la consultation le 9 mars 2026 à 15:00 (heure de Paris) par IdNat_PS 810987654323, motif : rappel du patient.",
                "Identité du patient (P1) : corrigée après la consultation le 10 mars 2026 à 09:30 (heure de Paris) par IdNat_PS 810987654323, motif : pièce d'identité vue.",
                "Préférence M2 : retirée après la consultation le 10 mars 2026 à 09:31 (heure de Paris) par IdNat_PS 810987654323, motif : saisie erronée.",
            ])
        if let schema = try CDAFixtures.schemaLocator?.cda() { #expect(schema.validate(data) == []) }
    }

    @Test func theFHIRDocumentIsAmendedWithAProvenancePerAmendment() throws {
        let data = FHIRExporter.document(try Self.input())
        let reader = try FHIRReader(data)
        #expect(try reader.string("//f:Composition/f:status/@value") == "amended")
        #expect(try reader.count("//f:Provenance") == 5)
        #expect(
            try reader.strings("//f:Provenance[f:activity]/f:activity/f:coding/f:code/@value") == ["CREATE", "UPDATE", "UPDATE", "NULLIFY"])
        // The withdrawn preference stays, entered in error; the new decision is authored by the
        // Practitioner of its author (not a participant).
        #expect(try reader.strings("//f:Goal/f:lifecycleStatus/@value") == ["proposed", "entered-in-error"])
        let author = try #require(try reader.string("//f:CarePlan[f:identifier/f:value/@value='D2']/f:author/f:reference/@value"))
        #expect(try reader.count("/f:Bundle/f:entry[f:fullUrl/@value='\(author)']/f:resource/f:Practitioner") == 1)
        #expect(
            try reader.strings("//f:CarePlan[f:intent/@value='plan']/f:created/@value") == ["2026-03-09T14:00:00Z", "2026-03-02T10:00:00Z"])
        // The replaced decision keeps its CarePlan, revoked; the new one replaces it.
        #expect(try reader.strings("//f:CarePlan[f:intent/@value='plan']/f:identifier/f:value/@value") == ["D2", "D1"])
        #expect(try reader.strings("//f:CarePlan[f:intent/@value='plan']/f:status/@value") == ["active", "revoked"])
        let replaced = try #require(
            try reader.string("/f:Bundle/f:entry[f:resource/f:CarePlan/f:identifier/f:value/@value='D1']/f:fullUrl/@value"))
        #expect(try reader.strings("//f:CarePlan[f:identifier/f:value/@value='D2']/f:replaces/f:reference/@value") == [replaced])
        #expect(
            try reader.strings("//f:Provenance[f:activity/f:coding/f:code/@value='UPDATE']/f:target/f:reference/@value").first == replaced)
        if let schema = try FHIRSchemaTests.schema() { #expect(schema.validate(data) == []) }
    }

    @Test func theMustacheContextCarriesTheAmendments() throws {
        let context = MustacheProfile.context(try Self.input(), profile: try MustacheProfileTests.profile(), pseudonymised: false)
        let amendments = try #require(context["amendments"] as? [[String: Any]])
        #expect(amendments.map { $0["kind"] as? String } == ["added", "replaced", "corrected", "withdrawn"])
        #expect(amendments[1]["replaced_by"] as? String == "D2")
        #expect(amendments[1]["recorded_at"] as? String == "2026-03-09T14:00:00Z")
        #expect(amendments[1]["recorded_at_paris"] as? String == "9 mars 2026 à 15:00 (heure de Paris)")
        #expect(amendments[3]["reason"] as? String == "saisie erronée")
        let decision = try #require(context["decision"] as? [String: Any])
        #expect((decision["amendments"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["added"])
    }

    @Test func theCentreSimpleProfileWritesOneAmendmentElementEachAndValidates() throws {
        let profile = try MustacheProfileTests.profile()
        let data = profile.document(try Self.input())
        let reader = try XMLDocumentReader(data: data)
        #expect(try reader.strings(xpath: "/*/*[local-name()='amendment']/@kind") == ["added", "replaced", "corrected", "withdrawn"])
        #expect(try reader.strings(xpath: "/*/*[local-name()='amendment']/@entry") == ["D2", "D1", "P1", "M2"])
        #expect(
            try reader.string(xpath: "/*/*[local-name()='amendment'][4]")
                == "Préférence M2 : retirée après la consultation le 10 mars 2026 à 09:31 (heure de Paris) par IdNat_PS 810987654323, motif : saisie erronée."
        )
        let schema = try #require(try profile.compiledSchema(schemas: nil))
        #expect(schema.validate(data) == [])
    }

    @Test func aPseudonymisedExportKeepsWhenAndByWhomButNotTheReasons() throws {
        var input = try Self.input()
        let original = input.consultation
        let key = try PseudonymKey(bytes: Data((0..<32).map { UInt8($0) }))
        input.consultation = original.pseudonymised(key: key)
        let days = key.dateShift(forPatient: original.researchPatientKey)
        #expect(input.consultation.amendments.map(\.reason) == Array(repeating: Pseudonymisation.reasonRemoved, count: 4))
        // When: the shifted day, no time of day (09, 09, 10, 10 March before the shift).
        #expect(
            input.consultation.amendments.map { CalendarDate(utcDayOf: $0.recordedAt.addingTimeInterval(TimeInterval(days * 86_400))) }
                == original.amendments.map { CalendarDate(utcDayOf: $0.recordedAt) })
        #expect(input.consultation.amendments.allSatisfy { UTCInstant.format($0.recordedAt).hasSuffix("T00:00:00Z") })
        // By whom: the professional's pseudonym, never the IdNat_PS.
        #expect(input.consultation.amendments.map(\.author) == original.amendments.map { key.professionalPseudonym($0.author) })
        #expect(!original.amendments.map(\.author).contains(key.professionalPseudonym("810987654323")))
        for data in [CDAExporter.document(input), FHIRExporter.document(input)] {
            let text = String(decoding: data, as: UTF8.self)
            for reason in ["rappel du patient", "pièce d&apos;identité vue", "pièce d'identité vue", "saisie erronée"] {
                #expect(!text.contains(reason))
            }
            #expect(text.contains("motif : retiré (pseudonymisation)"))
            #expect(!text.contains("810987654323"))
            #expect(!text.contains("heure de Paris"))
            #expect(text.contains("par pseudonyme \(key.professionalPseudonym("810987654323")), motif"))
        }
    }

    @Test func withoutAmendmentsTheContextAndDocumentsAreAsBefore() throws {
        let input = try CDAFixtures.input()
        #expect(MustacheProfile.context(input, profile: try MustacheProfileTests.profile(), pseudonymised: false)["amendments"] is NSNull)
        #expect(ConsultationDocument(input.consultation).amendments.isEmpty)
        #expect(try FHIRReader(FHIRExporter.document(input)).string("//f:Composition/f:status/@value") == "final")
    }

    @Test func anInstrumentResponseWithdrawnAfterClosingIsEnteredInError() throws {
        var events = try FHIRFixtures.changes().enumerated().map { index, change in
            RecordedEvent(
                sequence: Int64(index + 1), sessionID: SessionID(number: 1), sessionSequence: index + 1,
                recordedAt: CDAFixtures.startInstant.addingTimeInterval(Double(index) * 120), author: CDAFixtures.clinicianID,
                change: change)
        }
        events.append(
            RecordedEvent(
                sequence: Int64(events.count + 1), sessionID: SessionID(number: 1), sessionSequence: events.count + 1,
                recordedAt: UTCInstant.parse("2026-03-12T10:00:00Z")!, author: Self.author, reason: "mauvais patient",
                change: .entryWithdrawn(entry: EntryID("I2"))))
        let input = CDAExportInput(
            consultation: try Consultation(events: events), centre: CDAFixtures.centre,
            exportedAt: UTCInstant.parse("2026-03-12T11:00:00Z")!, version: 2)
        let data = FHIRExporter.document(input)
        let reader = try FHIRReader(data)
        #expect(
            try reader.strings("//f:QuestionnaireResponse/f:status/@value") == [
                "completed", "entered-in-error", "completed", "in-progress",
            ])
        let lines = try reader.strings("//f:Composition/f:section[f:title/@value='Questionnaires']/f:text/*/*/*[local-name()='li']")
        #expect(lines.count == 4)
        if let schema = try FHIRSchemaTests.schema() { #expect(schema.validate(data) == []) }
        let cda = try XMLDocumentReader(data: CDAExporter.document(input))
        #expect(
            try cda.strings(xpath: "//hl7:section[hl7:code/@code='section-instruments']/hl7:text/hl7:list/hl7:item[2]/hl7:list/hl7:item")
                == [
                    "Retiré après la consultation le 12 mars 2026 à 11:00 (heure de Paris) par IdNat_PS 810987654323, motif : mauvais patient."
                ])
        #expect(
            try cda.string(xpath: "//hl7:section[hl7:code/@code='section-instruments']/hl7:text/hl7:list/hl7:item[2]/hl7:content")?
                .hasSuffix(" (retiré)") == true)
    }

    @Test func theParticipleAgreesWithWhatWasAmended() throws {
        let consultation = try Self.input().consultation
        func line(_ entry: String?, _ kind: Amendment.Kind, _ change: String) -> String {
            DocumentAmendment(
                Amendment(
                    entry: entry.map { EntryID($0) }, kind: kind, change: change, recordedAt: UTCInstant.parse("2026-07-01T10:05:00Z")!,
                    author: CDAFixtures.clinicianID, reason: "oubli", sessionSequence: 30), consultation
            ).line
        }
        let when =
            "après la consultation le 1er juillet 2026 à 12:05 (heure de Paris) par Dr Hélène ROUSSEL-DUPRÉ (IdNat_PS 801234567897), motif : oubli."
        #expect(line("P6", .added, "participant-added") == "Participant P6 : ajouté \(when)")
        #expect(line("I1", .withdrawn, "entry-withdrawn") == "Questionnaire I1 : retiré \(when)")
        #expect(line("A1", .added, "decision-aid-given") == "Aide à la décision A1 : ajoutée \(when)")
        #expect(line(nil, .added, "reflection-offered") == "Temps de réflexion : enregistré \(when)")
        #expect(line(nil, .added, "understanding-checked") == "Compréhension vérifiée : enregistrée \(when)")
    }

    @Test(
        "narrative times are Paris local time, named, across the summer-time changes",
        arguments: [
            ("2026-03-29T00:59:00Z", "29 mars 2026 à 01:59 (heure de Paris)"),
            ("2026-03-29T01:00:00Z", "29 mars 2026 à 03:00 (heure de Paris)"),
            ("2026-10-25T00:59:00Z", "25 octobre 2026 à 02:59 (heure de Paris)"),
            ("2026-10-25T01:00:00Z", "25 octobre 2026 à 02:00 (heure de Paris)"),
            ("2026-11-01T09:00:00Z", "1er novembre 2026 à 10:00 (heure de Paris)"),
            ("2026-12-31T23:30:00Z", "1er janvier 2027 à 00:30 (heure de Paris)"),
        ])
    func parisTime(utc: String, words: String) throws {
        let date = try #require(UTCInstant.parse(utc))
        #expect(FrenchNarrative.parisInstant(date) == words)
        // The EU rule the formatter falls back on agrees with the time-zone database.
        #expect(FrenchNarrative.parisOffsetByEURule(date) == FrenchNarrative.paris?.secondsFromGMT(for: date))
        #expect(FrenchNarrative.parisInstantByCalendar(date) == words)
    }

    @Test("narrative times by arithmetic are those of Foundation's calendar in Paris's zone, from 1970 on")
    func parisTimeByArithmetic() throws {
        var instants: [Date] = []
        // Every quarter of an hour for a day and a half around each change of the clocks (the
        // last Sundays of March and October), 1970 to 2040, and around the first instant.
        for year in 1970...2040 {
            for month in [3, 10] {
                let first = try #require(UTCInstant.parse("\(year)-\(month < 10 ? "0" : "")\(month)-24T00:00:00Z"))
                for quarter in 0..<(8 * 24 * 4) { instants.append(first.addingTimeInterval(Double(quarter * 900))) }
            }
        }
        for second in [0, 1, 3599, 3600, 86_399] { instants.append(Date(timeIntervalSince1970: Double(second))) }
        instants.append(Date(timeIntervalSince1970: -3600))
        var state: UInt64 = 5
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(Date(timeIntervalSince1970: Double(state >> 33 % 4_102_444_800) + Double(state & 0xFF) / 256))
        }
        for date in instants {
            #expect(FrenchNarrative.parisInstant(date) == FrenchNarrative.parisInstantByCalendar(date), "\(date.timeIntervalSince1970)")
        }
        #expect(FrenchNarrative.date(CalendarDate("0987-03-04")!) == "04/03/0987")
        #expect(FrenchNarrative.date(CalendarDate("2026-12-31")!) == "31/12/2026")
    }
}
