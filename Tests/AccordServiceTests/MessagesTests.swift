import AccordCore
import AccordService
import Testing

/// The French and English catalogues, the choice of language and the filling of placeholders.
@Suite struct MessagesTests {
    @Test func bothCataloguesHaveEveryKeyAndTheSamePlaceholders() {
        let french = Messages.catalogue(.french)
        let english = Messages.catalogue(.english)
        #expect(Set(french.keys) == Set(Messages.Key.allCases))
        #expect(Set(english.keys) == Set(Messages.Key.allCases))
        for key in Messages.Key.allCases {
            let frenchNames = Set(Messages.placeholders(in: french[key] ?? ""))
            let englishNames = Set(Messages.placeholders(in: english[key] ?? ""))
            #expect(frenchNames == englishNames, "\(key.rawValue): fr \(frenchNames.sorted()), en \(englishNames.sorted())")
            #expect(french[key] != english[key], "\(key.rawValue) is not translated")
            #expect(french[key]?.isEmpty == false && english[key]?.isEmpty == false, "\(key.rawValue) is empty")
        }
    }

    @Test func idsAreUniqueAndDotted() {
        let ids = Messages.Key.allCases.map(\.rawValue)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.split(separator: ".").count == 2, "\(id)")
        }
    }

    @Test func placeholdersAreFilledAndCheckedBothWays() throws {
        #expect(Messages.placeholders(in: "Session {session} stays open; `accord run --session {session}`") == ["session"])
        #expect(Messages.placeholders(in: "{a} { b} {} {c1} {d}") == ["a", "d"])
        #expect(try Messages.fill("A {x} and {y}.", ["x": "1", "y": "2"]) == "A 1 and 2.")
        #expect(try Messages.fill("No braces here { }.", [:]) == "No braces here { }.")
        let missing = #expect(throws: Messages.PlaceholderMismatch.self) { try Messages.fill("{x} {y}", ["x": "1"]) }
        #expect(missing?.missing == ["y"] && missing?.unused == [])
        let unused = #expect(throws: Messages.PlaceholderMismatch.self) { try Messages.fill("{x}", ["x": "1", "z": "secret"]) }
        #expect(unused?.missing == [] && unused?.unused == ["z"])
        #expect(
            unused?.description == "placeholders without a value: []; values without a placeholder: [z]",
            "names only, never the values")
    }

    @Test func aMessageIsSaidInItsLanguage() {
        #expect(Messages(.french)(.startStarted, ["session": "S1"]) == "Session S1 commencée.")
        #expect(Messages(.english)(.startStarted, ["session": "S1"]) == "Session S1 started.")
        #expect(Messages(.french)(.finishCompleteness, ["percent": "85"]) == "Complétude 85 %.")
    }

    @Test(
        arguments: [
            (nil, Messages.Language.french), ("", .french), ("fr", .french), ("en", .english), ("EN", .english),
            ("fr_FR.UTF-8", .french), ("en_GB.UTF-8", .english), ("en-US", .english), ("fr_FR@euro", .french), (" en ", .english),
        ] as [(String?, Messages.Language)])
    func accordLangChoosesTheLanguage(value: String?, language: Messages.Language) throws {
        #expect(try Messages.language(environmentValue: value) == language)
        let environment = value.map { ["ACCORD_LANG": $0] } ?? [:]
        #expect(try Messages.fromEnvironment(environment).language == language)
    }

    @Test(arguments: ["de", "de_DE.UTF-8", "french", "english", "C", "C.UTF-8", "f", "e n"])
    func anUnknownAccordLangIsRefused(value: String) {
        #expect(
            throws: AccordError.invalid(
                "ACCORD_LANG", "is not a language Accord speaks",
                accepted: "fr or en, alone or as a locale such as fr_FR.UTF-8 or en_GB (French when unset)")
        ) { try Messages.language(environmentValue: value) }
    }

    @Test(
        arguments: [
            (nil, Messages.Language.french),
            ("", .french),
            ("en-GB,en;q=0.9,fr;q=0.8", .english),
            ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", .french),
            ("de, fr;q=0.5, en;q=0.4", .french),
            ("de, en;q=0.5, fr;q=0.4", .english),
            ("en;q=0.5, fr;q=0.5", .english),
            ("fr;q=0, en;q=0.1", .english),
            ("en;q=0", .french),
            ("de-DE, es", .french),
            ("*", .french),
            ("en;q=0.2, *;q=0.9", .french),
            ("EN-us", .english),
            ("en;q=abc, fr;q=0.1", .french),
            ("en;q=1.5, fr;q=0.1", .french),
            ("fr-CA;q=0.3, en ; q = 0.6", .english),
            (",,;q=1,en", .english),
        ] as [(String?, Messages.Language)])
    func acceptLanguageChoosesByQuality(header: String?, language: Messages.Language) {
        #expect(Messages.language(acceptLanguage: header) == language)
    }
}
