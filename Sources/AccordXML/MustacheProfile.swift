import AccordCore
import Foundation
import Mustache

/// A custom export profile: a folder `Exports/NAME/` holding `profile.yaml` and Mustache
/// templates that write a centre's own XML format.
///
/// ```yaml
/// # Exports/centre-simple/profile.yaml
/// format: centre-simple/1                  # the format's name, given to templates as {{format}}
/// template: consultation.xml.mustache      # the root template, in this folder
/// file_name: "{{session}}-v{{version}}.xml"  # {{session}}, {{version}}, {{profile}}
/// schema: centre-simple.xsd                # optional: relative to this folder, or $ACCORD_SCHEMAS/…
/// ```
///
/// Every `*.mustache` file of the folder is a template; the others are partials named after
/// their file without `.mustache` (`{{> option}}` for `option.mustache`).
///
/// **Escaping cannot be forgotten.** Every template is rendered with Accord's XML content type:
/// `{{name}}` escapes `&`, `<`, `>`, `"` and `'` (so a value is safe in text and in an attribute
/// in either quotes) and removes the characters XML 1.0 forbids. Tags that would bypass it —
/// `{{{name}}}`, `{{& name}}`, pragmas `{{% …}}` and delimiter changes `{{= … =}}` — are refused
/// when the profile is loaded. The context's values are sanitised as well.
///
/// A rendered document must be well-formed XML; when the profile names a schema, it must also
/// be valid against it, or nothing is written.
public struct MustacheProfile: Sendable {
    /// The profile's name: its folder's name.
    public var name: String
    /// The profile's folder.
    public var folder: URL
    /// The format's name (`format:`).
    public var format: String
    /// The root template's file name (`template:`).
    public var template: String
    /// The root template of research exports (`pseudonymised_template:`), checked against the
    /// keys of a pseudonymised record when the profile loads; `nil`: ``template``, when it
    /// names only such keys (else ``pseudonymisedProblem`` says which it names).
    public var pseudonymisedTemplate: String?
    /// Why ``template`` cannot render a pseudonymised record (the first key it names that such
    /// a record does not hold), when the profile names no ``pseudonymisedTemplate``; `nil`
    /// when it can. ``checkPseudonymisable()`` throws it.
    public var pseudonymisedProblem: AccordError?
    /// The file-name pattern (`file_name:`).
    public var fileNamePattern: String
    /// The schema as `profile.yaml` names it (`schema:`), or `nil`.
    public var schema: String?

    let library: MustacheLibrary
    let fileNameTemplate: MustacheTemplate

    /// The name of Accord's XML content type in swift-mustache's (process-wide) registry.
    static let contentTypeName = "ACCORD_XML"
    /// Registers the content type once per process.
    private static let registration: Void = {
        MustacheContentTypes.register(XMLContentType(), named: contentTypeName)
    }()

    /// Loads the profile in `folder`.
    ///
    /// - Throws: `AccordError` (`io`) when `profile.yaml` or a template cannot be read;
    ///   (`invalidInput`) when `profile.yaml` lacks a key or holds an unknown one, a template
    ///   does not parse, uses a tag that bypasses escaping, includes a partial that is not in
    ///   the folder, names a key the context does not hold (``checkKeys(sources:root:profile:settingsFile:)``),
    ///   or the root template is missing.
    public static func load(from folder: URL) throws -> MustacheProfile {
        _ = registration
        let name = folder.lastPathComponent
        let settingsURL = folder.appendingPathComponent("profile.yaml")
        guard let text = try? String(contentsOf: settingsURL, encoding: .utf8) else {
            throw AccordError(.io, "the export profile \(name) has no readable profile.yaml in \(folder.path).", field: "--profile")
        }
        let settings = try parseSettings(text, profile: name)
        func required(_ key: String) throws -> String {
            guard let value = settings[key], !value.isEmpty else {
                throw AccordError(
                    .invalidInput, "the profile.yaml of export profile \(name) has no \(key); add `\(key): …` (see Exports/README.md).",
                    field: "--profile")
            }
            return value
        }
        let format = try required("format")
        let template = try required("template")
        let pattern = try required("file_name")

        var library = MustacheLibrary()
        var sources: [(file: String, source: String)] = []
        let files =
            (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil))?
            .filter { $0.pathExtension == "mustache" }.sorted { $0.lastPathComponent < $1.lastPathComponent } ?? []
        for file in files {
            guard let source = try? String(contentsOf: file, encoding: .utf8) else {
                throw AccordError(.io, "the template \(file.lastPathComponent) of export profile \(name) cannot be read as UTF-8 text.")
            }
            try lint(source, file: file.lastPathComponent, profile: name)
            sources.append((file.lastPathComponent, source))
            do {
                // Every template (root and partials: swift-mustache resets the content type in a
                // partial) starts with the XML content type.
                library.register(
                    try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentTypeName)}}" + source), named: file.lastPathComponent)
                library.register(
                    try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentTypeName)}}" + source),
                    named: String(file.lastPathComponent.dropLast(".mustache".count)))
            } catch {
                throw AccordError(
                    .invalidInput,
                    "the template \(file.lastPathComponent) of export profile \(name) does not parse as Mustache (\(Self.describe(error))); check its tags."
                )
            }
        }
        // A partial (`{{> name}}`) or a parent (`{{< name}}`) that is not a template of the
        // folder would render as nothing: a part of the record silently left out.
        for (file, source) in sources {
            for match in source.matches(of: #/\{\{\s*([<>])\s*([^}]*?)\s*\}\}/#) {
                let partial = String(match.output.2)
                guard library.getTemplate(named: partial) == nil else { continue }
                let line = source[..<match.range.lowerBound].count(where: { $0 == "\n" }) + 1
                throw AccordError(
                    .invalidInput,
                    "the template \(file) of export profile \(name) includes a partial that is not a *.mustache file of its folder near line \(line) ({{\(match.output.1) …}}); add the partial's file to the profile's folder, or remove the tag.",
                    field: "--profile")
            }
        }
        guard library.getTemplate(named: template) != nil else {
            throw AccordError(
                .invalidInput,
                "the root template \(template) that profile.yaml of export profile \(name) names is not a *.mustache file of \(folder.path).",
                field: "--profile")
        }
        // A key the context never holds would render as nothing: a part of the record silently
        // left out (or, inside a section, a value of an enclosing context of the same name).
        try checkKeys(
            sources: Dictionary(sources.map { ($0.file, $0.source) }, uniquingKeysWith: { first, _ in first }), root: template,
            profile: name, settingsFile: settingsURL.path)
        try lint(pattern, file: "profile.yaml (file_name)", profile: name)
        // One file per session and version: both must be in the name, and nothing else than
        // the four names a file name can use (an unknown one would give an empty part).
        let tags = Set(
            pattern.matches(of: #/\{\{\s*([^}]*?)\s*\}\}/#).map { String($0.output.1) })
        let unknown = tags.subtracting(["session", "version", "profile", "format"])
        guard tags.contains("session"), tags.contains("version"), unknown.isEmpty else {
            throw AccordError(
                .invalidInput,
                "the file_name of export profile \(name) must hold {{session}} and {{version}} (so that each document has its own file) and no other tag than {{profile}} and {{format}}; e.g. \"{{session}}-v{{version}}.xml\".",
                field: "--profile")
        }
        let fileNameTemplate: MustacheTemplate
        do {
            fileNameTemplate = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + pattern)
        } catch {
            throw AccordError(
                .invalidInput, "the file_name of export profile \(name) does not parse as Mustache; e.g. \"{{session}}-v{{version}}.xml\".")
        }
        // Research exports see only the pseudonymised record: their root template may name
        // only its keys (a dedicated template is checked now; the main one when it serves).
        var pseudonymisedProblem: AccordError?
        let pseudonymisedTemplate = settings["pseudonymised_template"].flatMap { $0.isEmpty ? nil : $0 }
        let keySources = Dictionary(sources.map { ($0.file, $0.source) }, uniquingKeysWith: { first, _ in first })
        if let pseudonymisedTemplate {
            guard library.getTemplate(named: pseudonymisedTemplate) != nil else {
                throw AccordError(
                    .invalidInput,
                    "the pseudonymised_template \(pseudonymisedTemplate) that profile.yaml of export profile \(name) names is not a *.mustache file of \(folder.path).",
                    field: "--profile")
            }
            try checkKeys(
                sources: keySources, root: pseudonymisedTemplate, profile: name, settingsFile: settingsURL.path, pseudonymised: true)
        } else {
            do {
                try checkKeys(sources: keySources, root: template, profile: name, settingsFile: settingsURL.path, pseudonymised: true)
            } catch let error as AccordError {
                pseudonymisedProblem = error
            }
        }
        return MustacheProfile(
            name: name, folder: folder, format: format, template: template, pseudonymisedTemplate: pseudonymisedTemplate,
            pseudonymisedProblem: pseudonymisedProblem, fileNamePattern: pattern, schema: settings["schema"],
            library: library, fileNameTemplate: fileNameTemplate)
    }

    // MARK: - Finding profiles

    /// The environment variable naming the folder of export profiles.
    public static let environmentVariable = "ACCORD_EXPORTS"

    /// The folders searched for a profile, in order: `ACCORD_EXPORTS`; the first `Exports`
    /// folder found walking up from the running executable (the installation's, or the
    /// package's from `.build/debug/accord`); `./Exports`.
    public static func searchFolders(environment: [String: String] = ProcessEnvironment.all) -> [URL] {
        var folders: [URL] = []
        if let path = environment[environmentVariable], !path.isEmpty { folders.append(URL(fileURLWithPath: path, isDirectory: true)) }
        let installed = Installation.folder(named: "Exports") { candidate in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder) && isFolder.boolValue
        }
        if let installed { folders.append(installed) }
        folders.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Exports", isDirectory: true))
        return folders
    }

    /// Finds and loads the profile `name` in ``searchFolders(environment:)``.
    /// - Throws: `AccordError` (`notFound`) naming the folders searched; what ``load(from:)`` throws.
    public static func named(
        _ name: String, environment: [String: String] = ProcessEnvironment.all
    ) throws
        -> MustacheProfile
    {
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw AccordError.invalid(
                "--profile", "is not a profile name",
                accepted: "cda-fr, fhir-r4 or the name of a folder of Exports/ (letters, digits, . _ -)")
        }
        let folders = searchFolders(environment: environment)
        for folder in folders {
            let candidate = folder.appendingPathComponent(name, isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("profile.yaml").path) {
                return try load(from: candidate)
            }
        }
        throw AccordError(
            .notFound,
            "no export profile is named \(name): no \(name)/profile.yaml in \(folders.map(\.path).joined(separator: ", ")); "
                + "expected cda-fr, fhir-r4, or a custom profile folder (set \(environmentVariable) to the folder holding it).",
            field: "--profile")
    }

    // MARK: - Schema

    /// The schema file the profile names: relative to its folder, or `$ACCORD_SCHEMAS/…` in the
    /// official schemas folder; `nil` when it names none, or names an official one and no
    /// schemas folder is given (the export is then checked for well-formedness only).
    public func schemaURL(schemas: SchemaLocator?) -> URL? {
        guard let schema else { return nil }
        for prefix in ["$ACCORD_SCHEMAS/", "${ACCORD_SCHEMAS}/"] where schema.hasPrefix(prefix) {
            return schemas.map { $0.folder.appendingPathComponent(String(schema.dropFirst(prefix.count))) }
        }
        return schema.hasPrefix("/") ? URL(fileURLWithPath: schema) : folder.appendingPathComponent(schema)
    }

    /// Compiles the profile's schema (see ``schemaURL(schemas:)``), or `nil`.
    /// - Throws: `AccordError` (`io`) when the file is missing; (`invalidInput`) when it does not compile.
    public func compiledSchema(schemas: SchemaLocator?) throws -> XMLSchema? {
        try schemaFile(schemas: schemas).map { try XMLSchema(contentsOf: $0) }
    }

    /// The profile's schema file (see ``schemaURL(schemas:)``), checked to be there, not
    /// compiled; `nil` when the profile names none.
    /// - Throws: `AccordError` (`io`) when the file is missing.
    public func schemaFile(schemas: SchemaLocator?) throws -> URL? {
        guard let url = schemaURL(schemas: schemas) else { return nil }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AccordError(
                .io,
                "the schema \(schema ?? "") that export profile \(name) names is missing (\(url.path)); fix profile.yaml or the schemas folder.",
                field: "--profile")
        }
        return url
    }

    // MARK: - Rendering

    /// The file name of a version, from the `file_name` pattern.
    /// - Throws: `AccordError` (`invalidInput`) when the pattern gives an empty name, a path or a hidden file.
    public func fileName(session: SessionID, version: Int, pseudonymised: Bool = false) throws -> String {
        let name = fileNameTemplate.render(["session": session.description, "version": version, "profile": self.name, "format": format])
        guard !name.isEmpty, !name.hasPrefix("."), name.range(of: #"^[A-Za-z0-9._+-]+$"#, options: .regularExpression) != nil else {
            throw AccordError(
                .invalidInput,
                "the file_name of export profile \(self.name) gives a name that is empty, hidden or not a plain file name; use letters, digits, . _ - and {{session}}, {{version}}.",
                field: "--profile")
        }
        return pseudonymised ? ExportProfile.pseudonymisedName(name) : name
    }

    /// Renders the document of `input`.
    ///
    /// Deterministic: the bytes depend on `input` and `pseudonymised` only.
    /// - Parameters:
    ///   - input: the consultation (already pseudonymised when `pseudonymised`), centre, export time, version.
    ///   - pseudonymised: sets the context's `pseudonymised` flag and leaves identifying fields out.
    public func document(_ input: CDAExportInput, pseudonymised: Bool = false) -> Data {
        let context = Self.context(input, profile: self, pseudonymised: pseudonymised)
        let root = pseudonymised ? pseudonymisedTemplate ?? template : template
        return Data((library.render(context, withTemplate: root) ?? "").utf8)
    }

    /// Refuses a research export with a profile whose templates name a key a pseudonymised
    /// record does not hold (``pseudonymisedProblem``).
    /// - Throws: `AccordError` (`invalidInput`, field `--profile`) naming the template, the line
    ///   and the key.
    public func checkPseudonymisable() throws {
        if let pseudonymisedProblem { throw pseudonymisedProblem }
    }

    /// Renders, checks and writes the document atomically (mode 0600) into `directory`.
    ///
    /// - Returns: the file written, its size and how it was checked.
    /// - Throws: `AccordError` (`invalidDocument`) when the document is not well-formed or
    ///   fails the schema (with its first messages): nothing is written; (`io`).
    public func write(_ input: CDAExportInput, pseudonymised: Bool = false, to directory: URL, schema: XMLSchema?) throws -> ExportOutcome {
        let session = input.consultation.id
        return try ExportFile.checkAndWrite(
            document(input, pseudonymised: pseudonymised),
            named: try fileName(session: session, version: input.version, pseudonymised: pseudonymised), in: directory, schema: schema,
            what: "the document for session \(session) (profile \(name))", hint: " Fix the profile's templates.")
    }

    // MARK: - profile.yaml and linting

    static let knownKeys: Set<String> = ["format", "template", "pseudonymised_template", "file_name", "schema", "description"]

    /// Parses the flat `key: value` subset of YAML that `profile.yaml` uses (comments with `#`,
    /// values optionally in single or double quotes).
    static func parseSettings(_ text: String, profile: String) throws -> [String: String] {
        var settings: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw).trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw AccordError(
                    .invalidInput, "line \(index + 1) of profile.yaml of export profile \(profile) is not `key: value`.", field: "--profile"
                )
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            line = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            var value: String
            if let quote = line.first, quote == "\"" || quote == "'", let end = line.dropFirst().firstIndex(of: quote) {
                value = String(line[line.index(after: line.startIndex)..<end])
            } else {
                if let hash = line.range(of: " #") { line = String(line[..<hash.lowerBound]) }
                value = line.trimmingCharacters(in: .whitespaces)
            }
            value = value.trimmingCharacters(in: .whitespaces)
            guard knownKeys.contains(key) else {
                throw AccordError(
                    .invalidInput,
                    "profile.yaml of export profile \(profile) has an unknown key \(key) at line \(index + 1); expected \(knownKeys.sorted().joined(separator: ", ")).",
                    field: "--profile")
            }
            settings[key] = value
        }
        return settings
    }

    /// `line N: KIND` for a Mustache parse error: the line and a fixed description of the
    /// fault, never the template's text (swift-mustache's error holds the offending line).
    static func describe(_ error: any Error) -> String {
        guard let parserError = error as? MustacheTemplate.ParserError else { return "a template that cannot be parsed" }
        let kind: String
        switch parserError.error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: kind = "a section closed {{/…}} with another name than it was opened with"
        case .unfinishedName: kind = "a tag that is not closed or a name that is not valid"
        case .expectedSectionEnd: kind = "a section {{#…}} or {{^…}} that is not closed"
        case .invalidSetDelimiter: kind = "a delimiter change that is not valid"
        case .transformAppliedToInheritanceSection: kind = "a transform applied to an inherited section"
        case .illegalTokenInsideInheritSection: kind = "a tag that is not allowed inside an inherited partial"
        case .textInsideInheritSection: kind = "text inside an inherited partial"
        case .invalidConfigVariableSyntax: kind = "a pragma {{% …}} that is not valid"
        case .unrecognisedConfigVariable: kind = "a pragma {{% …}} that is not known"
        case nil: kind = "a template that cannot be parsed"
        }
        return "line \(parserError.context.lineNumber): \(kind)"
    }

    /// Refuses tags that would write a value unescaped or change how values are escaped.
    static func lint(_ source: String, file: String, profile: String) throws {
        let forbidden = [
            ("{{{", "a triple mustache {{{…}}}"), ("{{&", "an unescaped tag {{& …}}"), ("{{%", "a pragma {{% …}}"),
            ("{{=", "a delimiter change {{= … =}}"),
        ]
        let compact = source.replacingOccurrences(of: "{{ ", with: "{{").replacingOccurrences(of: "{{ ", with: "{{")
        for (tag, words) in forbidden {
            if let range = compact.range(of: tag) {
                let line = compact[..<range.lowerBound].count(where: { $0 == "\n" }) + 1
                throw AccordError(
                    .invalidInput,
                    "the template \(file) of export profile \(profile) uses \(words) near line \(line); every value must be escaped: write {{name}}.",
                    field: "--profile")
            }
        }
    }
}

/// swift-mustache content type that escapes values for XML text and attributes.
struct XMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MustacheProfile.escaped(text) }
}

extension MustacheProfile {
    /// A value as XML text or attribute content: the characters XML 1.0 forbids removed, then
    /// `&`, `<`, `>`, `"`, `'` escaped, and carriage returns kept as `&#13;`.
    ///
    /// ```swift
    /// MustacheProfile.escaped("a & \"b\"\u{1}")  // "a &amp; &quot;b&quot;"
    /// ```
    public static func escaped(_ text: String) -> String {
        let clean = XMLText.sanitized(text)
        guard clean.unicodeScalars.contains(where: { "&<>\"'\r".unicodeScalars.contains($0) }) else { return clean }
        var result = ""
        result.reserveCapacity(clean.utf8.count + 16)
        for scalar in clean.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\r": result += "&#13;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
