import AccordCore
import ArgumentParser
import Foundation

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Decision templates: list, show, lint.",
        discussion: "Templates are read from ACCORD_TEMPLATES, else the Templates folder of the installation.",
        subcommands: [List.self, Show.self, Lint.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the decision templates.")

        func run() throws {
            for template in try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).templates {
                print("\(template.id)\t\(template.version)\t\(template.title.fr) / \(template.title.en)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a template: its decision, options, required elements, instruments and sources.")

        @Argument(help: ArgumentHelp("The template id.", valueName: "id"))
        var id: String

        func run() throws {
            let template = try TemplateCatalogue.load(from: TemplateCatalogue.defaultFolder()).template(id)
            print("\(template.id) \(template.version): \(template.title.fr) / \(template.title.en)")
            print("Decision: \(template.decision)")
            if let condition = template.condition { print("Condition: \(condition)") }
            print("Options:")
            for (index, option) in template.options.enumerated() {
                print("  \(index + 1). \(option.kind.rawValue): \(option.label)")
                for benefit in option.benefits { print("       + \(benefit.narrative(in: template))") }
                for harm in option.harms { print("       − \(harm.narrative(in: template))") }
            }
            if let reason = template.surveillanceNotReasonable { print("Surveillance not reasonable: \(reason)") }
            print("Required elements: " + template.requiredElements.map(\.rawValue).joined(separator: ", "))
            if !template.instruments.isEmpty { print("Suggested instruments: " + template.instruments.joined(separator: ", ")) }
            if !template.sources.isEmpty {
                print("Sources:")
                for source in template.sources { print("  [\(source.id)] \(source.title), \(source.year), \(source.url)") }
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check template files; prints FILE:LINE: FIELD: MESSAGE for each problem, exit status 1 when any is an error.")

        @Argument(help: ArgumentHelp("The template files (YAML).", valueName: "file"))
        var files: [String]

        func run() throws {
            var errors = 0
            for file in files {
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    throw AccordError(.io, "cannot read a template file at the path given; check that it exists and is UTF-8 text.")
                }
                let problems = DecisionTemplate.lint(text, file: file)
                for problem in problems { print(problem) }
                errors += problems.filter { $0.severity == .error }.count
                if problems.isEmpty { Terminal.message("\(file): no problem found.") }
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }
}
