import AccordService
import Foundation
import HTTPTypes
import Testing

@testable import AccordWeb

@Suite struct WebStringsTests {
    @Test func theFrenchAndEnglishCataloguesHaveTheSameKeysAndNoEmptyText() {
        #expect(Set(WebStrings.french.keys) == Set(WebStrings.english.keys))
        #expect(WebStrings.french.values.allSatisfy { !$0.isEmpty })
        #expect(WebStrings.english.values.allSatisfy { !$0.isEmpty })
    }

    @Test func everyStringATemplateNamesIsInBothCatalogues() throws {
        let pattern = try Regex(#"\{\{[#^/]?t\.([A-Za-z0-9]+)\}\}"#)
        var named = Set<String>()
        for (_, template) in WebPages.templates {
            for match in template.matches(of: pattern) { named.insert(String(match.output[1].substring ?? "")) }
        }
        #expect(named.contains("signInButton"))
        #expect(named.subtracting(WebStrings.french.keys).isEmpty, "missing in French: \(named.subtracting(WebStrings.french.keys))")
        #expect(named.subtracting(WebStrings.english.keys).isEmpty)
    }

    @Test func thePageSpeaksTheBrowsersLanguageElseTheServersOne() async throws {
        let site = try WebTestSite()
        defer { site.cleanUp() }
        try await site.test { client in
            let english = try await client.execute(uri: "/connexion", method: .get, headers: [.acceptLanguage: "en-GB,en;q=0.9,fr;q=0.5"])
            #expect(english.text.contains("<html lang=\"en\">"))
            #expect(english.text.contains("<h1>Sign in</h1>"))
            #expect(!english.text.contains("Mot de passe"))
            let french = try await client.execute(uri: "/connexion", method: .get, headers: [.acceptLanguage: "fr-FR"])
            #expect(french.text.contains("<h1>Connexion</h1>"))
            let none = try await client.execute(uri: "/connexion", method: .get, headers: [.acceptLanguage: "de"])
            #expect(none.text.contains("<html lang=\"fr\">"))
            let missing = try await client.execute(uri: "/nowhere", method: .get, headers: [.acceptLanguage: "en"])
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("This page does not exist."))
        }
        let englishSite = try WebTestSite(settings: WebSettings(language: .english))
        defer { englishSite.cleanUp() }
        try await englishSite.test { client in
            let page = try await client.execute(uri: "/connexion", method: .get, headers: [.acceptLanguage: "de"])
            #expect(page.text.contains("<h1>Sign in</h1>"))
        }
    }
}
