import Foundation

/// The decision templates of a folder (`Templates/`), parsed and sorted by id.
public struct TemplateCatalogue: Sendable {
    /// The templates, sorted by id.
    public var templates: [DecisionTemplate]

    public init(templates: [DecisionTemplate]) {
        self.templates = templates.sorted { $0.id < $1.id }
    }

    /// Loads every `*.yaml` file of a folder.
    ///
    /// - Parameter folder: The folder holding the templates (not searched recursively).
    /// - Returns: The catalogue.
    /// - Throws: `AccordError` (`io`) when the folder cannot be read; ``TemplateLintError``
    ///   holding the problems of every file that fails to parse; `AccordError`
    ///   (`invalidInput`) when two files share an id.
    public static func load(from folder: URL) throws -> TemplateCatalogue {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "yaml" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw AccordError(
                .io, "the templates folder \(folder.path) cannot be read; set ACCORD_TEMPLATES to the folder holding the *.yaml templates.",
                field: "ACCORD_TEMPLATES")
        }
        var templates: [DecisionTemplate] = []
        var problems: [TemplateProblem] = []
        for file in files {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw AccordError(
                    .io, "the template file \(file.lastPathComponent) cannot be read as UTF-8 text.", field: "ACCORD_TEMPLATES")
            }
            do {
                templates.append(try DecisionTemplate.parse(text, file: file.lastPathComponent))
            } catch let error as TemplateLintError {
                problems += error.problems
            }
        }
        guard problems.filter({ $0.severity == .error }).isEmpty else { throw TemplateLintError(problems: problems) }
        var seen: Set<String> = []
        for template in templates where !seen.insert(template.id).inserted {
            throw AccordError(
                .invalidInput, "two template files share the id \(template.id); give each template its own id.", field: "ACCORD_TEMPLATES")
        }
        return TemplateCatalogue(templates: templates)
    }

    /// The template with this id.
    ///
    /// - Throws: `AccordError` (`notFound`, field `--template`) listing the known ids.
    public func template(_ id: String) throws -> DecisionTemplate {
        guard let template = templates.first(where: { $0.id == id }) else {
            let known = templates.isEmpty ? "none (the templates folder is empty)" : templates.map(\.id).joined(separator: ", ")
            throw AccordError(.notFound, "no decision template has this id; known templates: \(known).", field: "--template")
        }
        return template
    }

    /// The folder templates are read from when none is given.
    ///
    /// In order: the `ACCORD_TEMPLATES` environment variable; else the first folder named
    /// `Templates` holding a `*.yaml` file found by walking up from the running executable
    /// (symbolic links resolved), which finds the package's folder from `.build/debug/accord`;
    /// else `./Templates`.
    public static func defaultFolder() -> URL {
        let environment = ProcessEnvironment.all
        if let path = environment["ACCORD_TEMPLATES"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        if let installed = Installation.folder(named: "Templates", accepts: holdsTemplates) { return installed }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent("Templates", isDirectory: true)
    }

    private static func holdsTemplates(_ folder: URL) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
        return names.contains { $0.hasSuffix(".yaml") }
    }
}
