import AccordCore
import Foundation
import Testing

@Suite struct DecisionTemplateTests {
    /// The repository's `Templates/` folder.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates", isDirectory: true)

    static var shippedFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    // MARK: - Shipped templates

    @Test func atLeastFourTemplatesShip() {
        #expect(Self.shippedFiles.count >= 4)
    }

    @Test(arguments: shippedFiles) func shippedTemplateLintsClean(_ name: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        #expect(DecisionTemplate.lint(text, file: name).map(\.description) == [])
        let template = try DecisionTemplate.parse(text, file: name)
        #expect(name == "\(template.id).yaml")
        #expect(template.reference == "\(template.id)@\(template.version)")
        #expect(template.options.count >= 2)
        #expect(!template.title.fr.isEmpty && !template.title.en.isEmpty)
        // Every figure has a source that the template defines, with a public address.
        for outcome in template.options.flatMap({ $0.benefits + $0.harms }) where outcome.figure != nil {
            let source = try #require(outcome.source.flatMap(template.source))
            #expect(source.url.hasPrefix("https://"))
        }
    }

    @Test func catalogueLoadsSortedByID() throws {
        let catalogue = try TemplateCatalogue.load(from: Self.folder)
        let ids = catalogue.templates.map(\.id)
        #expect(ids == ids.sorted())
        #expect(
            Set(ids).isSuperset(of: [
                "adjuvant-chemotherapy", "clinical-trial-entry", "early-breast-cancer-surgery", "localised-prostate-cancer",
            ]))
        let prostate = try catalogue.template("localised-prostate-cancer")
        #expect(prostate.reference == "localised-prostate-cancer@2026.1")
        #expect(prostate.options.map(\.kind) == [.activeSurveillance, .treatment, .treatment])
        #expect(prostate.requiredElements.contains(.surveillanceOrNoTreatment))
    }

    @Test func unknownTemplateIsNotFound() throws {
        let catalogue = try TemplateCatalogue.load(from: Self.folder)
        let error = try #require(throws: AccordError.self) { try catalogue.template("nope") }
        #expect(error.code == .notFound)
        #expect(
            error.description
                == "--template: no decision template has this id; known templates: adjuvant-chemotherapy, clinical-trial-entry, early-breast-cancer-surgery, localised-prostate-cancer."
        )
    }

    @Test func emptyCatalogueSaysSo() throws {
        let error = try #require(throws: AccordError.self) { try TemplateCatalogue(templates: []).template("nope") }
        #expect(error.description == "--template: no decision template has this id; known templates: none (the templates folder is empty).")
    }

    @Test func recordElementsFollowTheStandard() {
        #expect(RecordElement.allCases.count == 13)
        #expect(RecordElement(rawValue: "reflection-and-next-contact")?.standardItem == 10)
        #expect(RecordElement.allCases.allSatisfy { !$0.frenchDescription.isEmpty && !$0.englishDescription.isEmpty })
    }

    // MARK: - Broken templates

    /// A small valid template; each broken variant changes one line of it.
    static let valid = """
        id: test-template
        version: "2026.1"
        title: {fr: Essai, en: Test}
        decision: Quelle option ?
        options:
          - kind: treatment
            label: A
            benefits:
              - text: Mieux
                figure: "10 %"
                source: s1
          - kind: no-treatment
            label: B
        required_elements: [participants, topic]
        instruments: [sure]
        sources:
          - {id: s1, title: T, year: 2020, url: "https://example.org/t"}

        """

    static func replacing(_ old: String, with new: String) -> String {
        precondition(valid.contains(old))
        return valid.replacingOccurrences(of: old, with: new)
    }

    @Test func validTemplateParses() throws {
        #expect(DecisionTemplate.lint(Self.valid, file: "t.yaml") == [])
        let template = try DecisionTemplate.parse(Self.valid, file: "t.yaml")
        #expect(template.reference == "test-template@2026.1")
        #expect(template.options[0].benefits[0] == .init(text: "Mieux", figure: "10 %", source: "s1"))
        #expect(template.options[0].benefits[0].narrative(in: template) == "Mieux (10 %) [T, 2020, https://example.org/t]")
        #expect(template.requiredElements == [.participants, .topic])
        #expect(template.instruments == ["sure"])
    }

    @Test(arguments: [
        (  // bad YAML syntax
            replacing("    label: A\n", with: "    label: [A\n"),
            ["t.yaml:8: yaml: is not valid YAML (did not find expected ',' or ']'); fix the syntax at this line."]
        ),
        (  // unknown key
            replacing("    label: B\n", with: "    label: B\n    colour: red\n"),
            ["t.yaml:14: options[2].colour: is not a known key; expected only kind, label, benefits, harms."]
        ),
        (  // bad kind
            replacing("  - kind: no-treatment\n", with: "  - kind: watchful-waiting\n"),
            [
                "t.yaml:12: options[2].kind: is not an option kind; expected one of treatment, active-surveillance, no-treatment, clinical-trial, supportive-care."
            ]
        ),
        (  // figure without source
            replacing("        source: s1\n", with: ""),
            [
                "t.yaml:10: options[1].benefits[1].figure: has no source; cite the guideline or study the figure is copied from (source: ID), or remove the figure."
            ]
        ),
        (  // undefined source id
            replacing("        source: s1\n", with: "        source: s2\n"),
            [
                "t.yaml:11: options[1].benefits[1].source: cites s2, which the template's sources do not define; add it to sources with title, year and url."
            ]
        ),
        (  // percentage in text without source
            replacing(
                "      - text: Mieux\n        figure: \"10 %\"\n        source: s1\n", with: "      - text: Mieux dans 30 % des cas\n"),
            [
                "t.yaml:9: options[1].benefits[1].text: states a figure without a source; add source: ID, or say it in words without the figure."
            ]
        ),
        (  // frequency in words without source
            replacing("      - text: Mieux\n        figure: \"10 %\"\n        source: s1\n", with: "      - text: Mieux pour 1 sur 10\n"),
            [
                "t.yaml:9: options[1].benefits[1].text: states a figure without a source; add source: ID, or say it in words without the figure."
            ]
        ),
        (  // unknown record element
            replacing("[participants, topic]", with: "[participants, consent]"),
            [
                "t.yaml:14: required_elements[2]: is not a record element; expected one of participants, topic, options, surveillance-or-no-treatment, benefits-and-harms, what-matters, preferred-role, decision-aid, understanding-checked, decision, reflection-and-next-contact, trial-offer, instruments."
            ]
        ),
        (  // unknown instrument
            replacing("instruments: [sure]", with: "instruments: [sure, eq-5d]"),
            [
                "t.yaml:15: instruments[2]: is not a known instrument; expected one of \(DecisionTemplate.knownInstruments.joined(separator: ", "))."
            ]
        ),
        (  // single option
            replacing("  - kind: no-treatment\n    label: B\n", with: ""),
            [
                "t.yaml:5: options: holds 1 option; a decision needs at least two reasonable options.",
                "t.yaml:5: options: warning: has no active-surveillance or no-treatment option; add one, or say why neither is reasonable in surveillance_not_reasonable.",
            ]
        ),
        (  // duplicate labels, id not kebab-case, bad version
            replacing("    label: B\n", with: "    label: a\n").replacingOccurrences(of: "id: test-template", with: "id: Test_Template")
                .replacingOccurrences(of: "\"2026.1\"", with: "v1"),
            [
                "t.yaml:1: id: is not kebab-case; expected lower-case letters and digits joined by single hyphens (early-breast-cancer-surgery).",
                "t.yaml:2: version: is not a template version; expected a year, a dot and a revision number (2026.1).",
                "t.yaml:13: options[2].label: repeats the label of options[1]; give each option its own label.",
            ]
        ),
        (  // missing key, source without year and url, wrong type
            replacing("decision: Quelle option ?\n", with: "").replacingOccurrences(
                of: ", year: 2020, url: \"https://example.org/t\"", with: ""
            )
            .replacingOccurrences(of: "instruments: [sure]", with: "instruments: sure"),
            [
                "t.yaml:1: decision: is missing; add this key.",
                "t.yaml:16: sources[1].year: is missing; add this key.",
                "t.yaml:16: sources[1].url: is missing; add this key.",
                "t.yaml:14: instruments: is not a list; expected a YAML list (- item).",
            ]
        ),
    ])
    func brokenTemplateGivesExactProblems(_ text: String, _ expected: [String]) throws {
        #expect(DecisionTemplate.lint(text, file: "t.yaml").map(\.description) == expected)
        let errors = expected.filter { !$0.contains(": warning: ") }
        let error = try #require(throws: TemplateLintError.self) { try DecisionTemplate.parse(text, file: "t.yaml") }
        #expect(error.problems.filter { $0.severity == .error }.map(\.description) == errors)
    }

    @Test func missingSurveillanceIsOnlyAWarning() throws {
        let text = Self.replacing("  - kind: no-treatment\n", with: "  - kind: treatment\n")
        let problems = DecisionTemplate.lint(text, file: "t.yaml")
        #expect(problems.map(\.severity) == [.warning])
        #expect(problems.first?.line == 5 && problems.first?.field == "options")
        _ = try DecisionTemplate.parse(text, file: "t.yaml")
        let explained = text.replacingOccurrences(
            of: "decision: Quelle option ?\n", with: "decision: Quelle option ?\nsurveillance_not_reasonable: parce que\n")
        #expect(DecisionTemplate.lint(explained, file: "t.yaml") == [])
    }

    @Test func textFigureDetection() {
        let flagged = ["30 %", "4,5%", "1 sur 10", "1 in 10", "1,5 pour 1 000", "3 out of 100", "30 pour cent"]
        let fine = ["suivi médian de 10 ans", "stades T1–2", "plusieurs semaines", "IC à vérifier"]
        for text in flagged {
            #expect(
                DecisionTemplate.lint(
                    Self.replacing("text: Mieux\n        figure: \"10 %\"\n        source: s1\n", with: "text: \"\(text)\"\n"),
                    file: "t.yaml"
                ).count == 1, "\(text)")
        }
        for text in fine {
            #expect(
                DecisionTemplate.lint(
                    Self.replacing("text: Mieux\n        figure: \"10 %\"\n        source: s1\n", with: "text: \"\(text)\"\n"),
                    file: "t.yaml") == [], "\(text)")
        }
    }
}
