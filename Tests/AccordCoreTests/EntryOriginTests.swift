import AccordCore
import Testing

@Suite struct EntryOriginTests {
    @Test(arguments: [
        ("rcp", EntryOrigin.rcp, "rcp"), ("template:adjuvant-prostate@1", .template("adjuvant-prostate@1"), "template"),
        ("patient", .patient, "patient"), ("saisie", .typed, "typed"),
    ])
    func anOriginIsReadFromTheStoredText(stored: String, origin: EntryOrigin, kind: String) {
        #expect(EntryOrigin(stored) == origin)
        #expect(origin.kindName == kind)
        #expect(origin == .typed || origin.stored == stored, "what is known is stored as it was read")
    }

    @Test func noOriginIsTyped() {
        #expect(EntryOrigin(nil) == .typed && EntryOrigin.typed.stored == nil)
    }
}
