import AccordCore
import AccordTestSupport
import Foundation
import Testing

@Suite struct ConsultationFileTests {
    @Test func sampleFileParses() throws {
        let text = try String(contentsOf: Samples.sampleConsultationFile, encoding: .utf8)
        let file = try ConsultationFile.parse(text)
        #expect(file.start.patient.ins == "158056912345606")
        #expect(file.start.patient.insOID == KnownOID.insNIRTest)
        #expect(file.start.patient.birthFamilyName == "MARCHAND-D'ESTE")
        #expect(file.start.patient.firstBirthGivenName == "LUC")
        #expect(file.start.condition?.code == "C61")
        #expect(
            file.changes.map(\.kind) == [
                "participant-added", "participant-added", "option-added", "option-added", "option-added",
                "preference-added", "preference-added", "decision-recorded", "note-added", "session-closed",
            ])
        let consultation = try Consultation(events: Samples.events([.sessionStarted(file.start)] + file.changes))
        #expect(consultation.decision?.outcome == .agreed(option: 1))
        #expect(consultation.options[2].trialID == "NCT00000000")
    }

    static let minimal = """
        format: accord-consultation/1
        patient: {ins: "158056912345606", ins_oid: 1.2.250.1.213.1.4.10, birth_family_name: "A", birth_given_names: "B", birth_date: 1958-05-17, sex: M, birthplace: "69123"}
        clinician: {id: "810123456781", name: "Dr C"}
        topic: "t"

        """

    @Test func minimalFileParses() throws {
        let file = try ConsultationFile.parse(Self.minimal)
        #expect(file.changes.isEmpty)
        #expect(file.start.patientPresent)
    }

    @Test(arguments: [
        (
            minimal + "preferances: []\n",
            "the consultation file: has an unknown key preferances at line 5; expected only these keys: clinician, closed, condition, decision, format, notes, options, organisation_finess, participants, patient, preferences, topic."
        ),
        (
            minimal + "Marchand Luc: []\n",  // not shaped like a key: not echoed
            "the consultation file: has an unknown key at line 5; expected only these keys: clinician, closed, condition, decision, format, notes, options, organisation_finess, participants, patient, preferences, topic."
        ),
        (
            minimal + "options:\n  - {kind: surgery, label: x}\n",
            "options[1].kind: is not an option kind; expected treatment, active-surveillance, no-treatment, clinical-trial, supportive-care."
        ),
        (
            minimal + "preferences:\n  - {text: x, importance: 9}\n",
            "preferences[1].importance: is out of range; expected a whole number from 1 (a little) to 5 (above all)."
        ),
        (
            minimal + "decision: {agreed: 1, declined: true}\n",
            "decision: must hold exactly one of agreed, deferred, declined; expected agreed: OPTION-NUMBER, or deferred: true with next_contact: YYYY-MM-DD, or declined: true."
        ),
        (
            minimal + "decision: {deferred: true, next_contact: 2026-02-30}\n",
            "decision.next_contact: is not a calendar date; expected a date as YYYY-MM-DD."
        ),
        (
            "format: accord-consultation/1\ntopic: [\n",
            "the consultation file is not valid YAML (line 3); expected a YAML mapping with format: accord-consultation/1."
        ),
        ("format: other/2\n", "format: is not a known consultation file format; expected accord-consultation/1."),
        ("format: accord-consultation/1\n", "patient: is missing (mapping at line 1); expected a value for this key."),
    ])
    func malformedFilesNameTheKey(_ text: String, _ message: String) {
        #expect(throws: AccordError.self) { try ConsultationFile.parse(text) }
        do {
            _ = try ConsultationFile.parse(text)
        } catch let error as AccordError {
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
