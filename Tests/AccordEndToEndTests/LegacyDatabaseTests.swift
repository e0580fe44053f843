import AccordCore
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// `accord` on a database written before payload version 2 (``LegacyDatabase``).
@Suite struct LegacyDatabaseTests {
    @Test(.sqliteOnly("a legacy SQLite file written before payload version 2, upgraded on open"))
    func aDatabaseWrittenBeforeIsVerifiedShownAndAmendedAsBefore() throws {
        let cli = try AccordCLI(environment: ["ACCORD_NOW": "2026-03-02T10:30:00Z"])
        defer { cli.cleanUp() }
        try ConsultationStore.tamperForTesting(path: cli.database.path, try LegacyDatabase.sql())
        try LegacyDatabase.writeKey(to: cli.folder.appendingPathComponent("chain.key"))

        let verify = try cli.run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stderr == "The event chain is whole: 34 events checked; 1 document version issued, each id with one content.\n")
        #expect(verify.stdout == "head \(LegacyDatabase.head)\n")
        for session in ["S1", "S2", "S3"] {
            #expect(try cli.run(["session", "show", session, "--json"]).stdout == (try LegacyDatabase.shownJSON(session)))
        }

        #expect(try cli.run(["note", "add", "S2", "--text", "Rappel à J+15"]).status == 0)
        #expect(try cli.run(["note", "add", "S1", "--text", "Courrier envoyé", "--reason", "après la consultation"]).status == 0)
        let again = try cli.run(["verify", "--head", LegacyDatabase.head])
        #expect(again.status == 0)
        #expect(
            again.stderr
                == "The event chain is whole: 36 events checked, including the recorded head 34; 1 document version issued, each id with one content.\n"
        )
        let history = try cli.run(["session", "history", "S1"])
        #expect(
            history.stdout.hasSuffix(
                "36\tS1#22\t2026-03-02T10:30:00Z\t810123456781\tnote-added\tadded N3: Courrier envoyé\tamendment: après la consultation\n"))
    }
}
