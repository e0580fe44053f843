import AccordCore
import AccordTestSupport
import Foundation
import Testing

/// The fold keeps, per entry, what each amendment did, when, by whom and why (issue 15).
@Suite struct AmendmentFoldTests {
    static let other = "810987654323"

    /// The events of a session closed at its 6th event, then the `after` changes (with their
    /// reasons), each by another author, an hour apart.
    static func consultation(_ after: [(Change, String?)]) throws -> Consultation {
        let before: [Change] = [
            .sessionStarted(Samples.start()),
            .optionAdded(kind: .treatment, label: "Chirurgie", benefits: [], harms: [], trialID: nil, origin: nil),
            .noteAdded(text: "n1"),
            .entryWithdrawn(entry: EntryID("N1")),
            .decisionRecorded(outcome: .agreed(option: 1), takenBy: [EntryID("P1")]),
            .sessionClosed,
        ]
        var events = Samples.events(before)
        for (index, (change, reason)) in after.enumerated() {
            let number = before.count + index + 1
            events.append(
                RecordedEvent(
                    sequence: Int64(number), sessionID: SessionID(number: 1), sessionSequence: number,
                    recordedAt: Samples.instant.addingTimeInterval(Double(number) * 3600), author: other, reason: reason, change: change))
        }
        return try Consultation(events: events)
    }

    @Test func amendmentsAfterClosingAreKeptPerEntry() throws {
        let consultation = try Self.consultation([
            (.optionAdded(kind: .noTreatment, label: "Abstention", benefits: [], harms: [], trialID: nil, origin: nil), "oubli"),
            (.decisionRecorded(outcome: .agreed(option: 2), takenBy: [EntryID("P1")]), "le patient a changé d'avis"),
            (.entryWithdrawn(entry: EntryID("O1")), "saisie erronée"),
            (.identityCorrected(IdentityCorrection(usedGivenName: "Luc")), "pièce d'identité vue"),
            (
                .instrumentRecorded(
                    instrument: .sdmQ9, version: "2010", respondent: .patient, answers: [.value(5)],
                    score: InstrumentScore(
                        instrument: "sdm-q-9", version: "2010", score: nil, subscores: [:], flags: [], complete: false, confirmed: true)),
                nil
            ),
        ])
        #expect(consultation.amendmentCount == 4)
        #expect(
            consultation.amendments.map { "\($0.entry?.rawValue ?? "-") \($0.kind.rawValue) \($0.reason)" } == [
                "O2 added oubli", "D2 added le patient a changé d'avis", "D1 replaced le patient a changé d'avis",
                "O1 withdrawn saisie erronée", "P1 corrected pièce d'identité vue",
            ])
        let replaced = try #require(consultation.amendments(of: EntryID("D1")).first)
        #expect(replaced.replacedBy == EntryID("D2"))
        #expect(replaced.author == Self.other)
        #expect(replaced.recordedAt == Samples.instant.addingTimeInterval(8 * 3600))
        #expect(replaced.change == "decision-recorded")
        #expect(replaced.sessionSequence == 8)
        // Withdrawn while the session was open: a correction while recording, not an amendment.
        #expect(consultation.withdrawalAfterClosing(of: EntryID("N1")) == nil)
        #expect(consultation.withdrawalAfterClosing(of: EntryID("O1"))?.reason == "saisie erronée")
        // Instruments after closing are follow-ups, not amendments.
        #expect(consultation.instruments.first?.followUp == true)
        #expect(consultation.amendments(of: EntryID("I1")).isEmpty)
    }

    @Test func aSessionNeverAmendedHasNoAmendments() throws {
        let consultation = try Self.consultation([])
        #expect(consultation.amendments.isEmpty)
        #expect(consultation.amendmentCount == 0)
    }
}
