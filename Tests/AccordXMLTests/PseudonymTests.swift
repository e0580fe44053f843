import AccordCore
import AccordService
import AccordXML
import Foundation
import Testing

/// Pseudonymised exports: stable HMAC pseudonyms, nothing identifying left in the bytes.
@Suite struct PseudonymTests {
    static let key = try! PseudonymKey(bytes: Data((0..<32).map { UInt8($0) }))
    static let otherKey = try! PseudonymKey(bytes: Data((0..<32).map { UInt8(255 - $0) }))

    /// Texts of the fixture that identify someone, or are free-text notes.
    static let identifying = [
        CDAFixtures.identity.ins!, "D'ARTAGNAN", "D&apos;ARTAGNAN", "ARTAGNAN", "JEAN-PIERRE", "LE GALL", "1975-06-14", "19750614", "2A004",
        "IPP-000123", "ROUSSEL", "LEFÈVRE", "MARTINETTI", "ROSSI", "Hélène", "sa sœur", "du temps", "1.2.250.1.213.1.1.1.8.2022.2.1",
    ]

    @Test func theSameKeyGivesTheSamePseudonymAndAnotherKeyAnother() throws {
        let consultation = try CDAFixtures.consultation()
        let first = consultation.pseudonymised(key: Self.key)
        let again = consultation.pseudonymised(key: try PseudonymKey(bytes: Data((0..<32).map { UInt8($0) })))
        let other = consultation.pseudonymised(key: Self.otherKey)
        #expect(first.start.patient.ins == again.start.patient.ins)
        #expect(first.start.patient.ins != other.start.patient.ins)
        #expect(first.start.patient.ins?.count == 64 && first.start.patient.ins?.allSatisfy(\.isHexDigit) == true)
        #expect(first.start.patient.ins != consultation.start.patient.ins)
        #expect(first.start.patient.insOID == Pseudonymisation.pseudonymOID)
        #expect(first.start.ipp?.extension_ != first.start.patient.ins, "INS and IPP pseudonyms are kept apart")
        #expect(first.start.patient.birthDate == CalendarDate("1975-01-01"))
        #expect(first.notes.map(\.text) == [Pseudonymisation.notice])
        #expect(first.start.patient.sex == consultation.start.patient.sex)
        // Options keep their kind and origin; text typed by a person (or read from the RCP
        // report) is removed, and the trial id with it.
        #expect(first.options.map(\.kind) == consultation.options.map(\.kind))
        #expect(first.options.map(\.origin) == consultation.options.map(\.origin))
        #expect(first.options.map(\.label) == Array(repeating: Pseudonymisation.typedLabelRemoved, count: 3))
        #expect(first.options.allSatisfy { $0.benefits.isEmpty && $0.harms.isEmpty && $0.trialID == nil })
        // The session is named by its keyed pseudonym: S + 18 digits, never a session number.
        #expect(first.id == again.id && first.id != other.id)
        #expect(first.id.description.count == 19 && first.id.number >= 100_000_000_000_000_000)
        #expect(first.id == Self.key.sessionPseudonym(consultation.id))
        // Professionals are pseudonymised in their own domain.
        #expect(first.start.clinicianID == Self.key.professionalPseudonym(consultation.start.clinicianID))
        #expect(first.start.clinicianID.count == 32 && first.start.clinicianID != consultation.start.clinicianID)
        #expect(first.participants.filter { $0.role == .professional }.allSatisfy { $0.id != nil && $0.function == nil })
        #expect(first.start.topic == Pseudonymisation.noTemplate)
    }

    @Test func aTemplateOptionKeepsTheTemplateTextAndTheTopicNamesTheTemplate() throws {
        var consultation = try CDAFixtures.consultation()
        consultation.start.template = "localised-prostate-cancer@1"
        consultation.options[2].origin = EntryOrigin.template("localised-prostate-cancer@1").stored
        let shown = consultation.pseudonymised(
            key: Self.key, templateTitles: ["localised-prostate-cancer": "Cancer de la prostate localisé"])
        #expect(shown.start.topic == "Modèle de décision localised-prostate-cancer@1 : Cancer de la prostate localisé")
        #expect(shown.options[2].label == consultation.options[2].label)
        #expect(shown.options[2].benefits == consultation.options[2].benefits)
        #expect(shown.options[0].label == Pseudonymisation.typedLabelRemoved)
        #expect(Pseudonymisation.topic(template: "other@2", titles: [:]) == "Modèle de décision other@2")
    }

    @Test func aShortOrMissingKeyIsRefusedWithoutShowingIt() throws {
        let short = try #require(throws: AccordError.self) { try PseudonymKey(bytes: Data("secret-too-short".utf8)) }
        #expect(short.message.contains("16 bytes, fewer than the 32 required"))
        #expect(!short.message.contains("secret-too-short"))
        let missing = try #require(throws: AccordError.self) {
            try PseudonymKey(contentsOf: URL(fileURLWithPath: "/nonexistent/research.key"))
        }
        #expect(missing.code == .io)
        #expect(missing.message.contains("does not exist"))
        #expect("\(Self.key)" == "PseudonymKey(redacted)")
    }

    @Test func theCDADocumentHoldsNothingIdentifyingAndSaysItIsPseudonymised() throws {
        let profile = try ExportProfile.named("cda-fr")
        let input = profile.input(
            consultation: try CDAFixtures.consultation(), centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant, version: 1,
            replacing: nil, pseudonymKey: Self.key)
        let data = CDAExporter.document(input)
        let text = String(decoding: data, as: UTF8.self)
        for value in Self.identifying { #expect(!text.contains(value), "\(value) appears in the pseudonymised CDA") }
        #expect(text.contains("Document pseudonymisé pour la recherche"))
        #expect(text.contains(try #require(input.consultation.start.patient.ins)))
        let reader = try XMLDocumentReader(data: data)
        let pseudonym = Self.key.sessionPseudonym(SessionID(number: 1)).number
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:id/@root") == "2.999.1.9.1.\(pseudonym).1", "ids under ROOT.9")
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:setId/@root") == "2.999.1.9.1.\(pseudonym)")
        // No time of day, no IdNat_PS: dates alone, professionals under ROOT.9.7.
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:effectiveTime/@value")?.count == 8)
        #expect(try reader.string(xpath: "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor/hl7:id/@root") == "2.999.1.9.7")
        #expect(!text.contains(KnownOID.idNatPS))
        #expect(!text.contains("heure de Paris"))
        if let schemas = CDAFixtures.schemaLocator {
            #expect(try schemas.cda().validate(data) == [])
        }
    }

    @Test func theCustomProfileDocumentHoldsNothingIdentifyingAndSetsItsFlag() throws {
        let profile = try ExportProfile.named(
            "centre-simple", environment: ["ACCORD_EXPORTS": CDAFixtures.packageRoot.appendingPathComponent("Exports").path])
        guard case .custom(let custom) = profile.kind else { Issue.record("not custom"); return }
        let input = profile.input(
            consultation: try CDAFixtures.consultation(), centre: CDAFixtures.centre, exportedAt: CDAFixtures.exportInstant, version: 1,
            replacing: nil, pseudonymKey: Self.key)
        let data = custom.document(input, pseudonymised: true)
        let text = String(decoding: data, as: UTF8.self)
        for value in Self.identifying + ["PSEUDONYME", "PROFESSIONNEL"] {
            #expect(!text.contains(value), "\(value) appears in the pseudonymised document")
        }
        #expect(text.contains("pseudonymised=\"true\""))
        #expect(text.contains("birthYear=\"1975\""))
        #expect(try #require(try custom.compiledSchema(schemas: nil)).validate(data) == [])
    }

    @Test func patientDatesShiftBackTogetherAndAgreeAcrossExports() throws {
        let consultation = try CDAFixtures.consultation(decision: .deferred(nextContact: CalendarDate("2026-03-16")!))
        let days = Self.key.dateShift(forPatient: "\(consultation.start.patient.insOID!)/\(consultation.start.patient.ins!)")
        #expect((1...365).contains(days), "never 0: a pseudonymised date is never the real one")
        #expect(days == Self.key.dateShift(forPatient: consultation.researchPatientKey))
        let shifted = consultation.pseudonymised(key: Self.key)
        let seconds = TimeInterval(days * 86_400)
        // Every instant is the shifted UTC day at 00:00:00Z: no time of day.
        func day(_ date: Date) -> Date { CalendarDate(utcDayOf: date.addingTimeInterval(-seconds)).startInstant }
        #expect(shifted.startedAt == day(consultation.startedAt))
        #expect(shifted.closedAt == consultation.closedAt.map(day))
        #expect(UTCInstant.format(shifted.lastChangedAt).hasSuffix("T00:00:00Z"))
        // Intervals in days are kept (from the RCP meeting to the decision).
        let meeting = try #require(consultation.start.rcp?.meetingDate)
        let shiftedMeeting = try #require(shifted.start.rcp?.meetingDate)
        #expect(
            shifted.decision!.recordedAt.timeIntervalSince(shiftedMeeting.startInstant)
                == CalendarDate(utcDayOf: consultation.decision!.recordedAt).startInstant.timeIntervalSince(meeting.startInstant))
        guard case .deferred(let next) = shifted.decision!.outcome else {
            Issue.record("the deferral was lost")
            return
        }
        let original = UTCInstant.parse("2026-03-16T00:00:00Z")!
        #expect(next == CalendarDate(utcDayOf: original.addingTimeInterval(-seconds)))
        #expect(shifted.start.patient.birthDate.month == 1 && shifted.start.patient.birthDate.day == 1)
        #expect(shifted.start.patient.birthDate.year == consultation.start.patient.birthDate.year)
    }
}
