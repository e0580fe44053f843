import Foundation
import Yams

extension DecisionTemplate {
    // MARK: - Public entry points

    /// Parses the YAML text of a decision template.
    ///
    /// - Parameters:
    ///   - text: The YAML text (format in `Templates/README.md`).
    ///   - file: The file name to show in problems.
    /// - Returns: The template. Warnings (such as a missing surveillance option) do not stop it.
    /// - Throws: ``TemplateLintError`` holding every problem found when there is at least one
    ///   error.
    public static func parse(_ text: String, file: String) throws -> DecisionTemplate {
        var linter = TemplateLinter(file: file)
        let template = linter.read(text)
        guard let template, !linter.problems.contains(where: { $0.severity == .error }) else {
            throw TemplateLintError(problems: linter.problems)
        }
        return template
    }

    /// Checks the YAML text of a decision template and returns every problem found, errors
    /// and warnings, in file order; `[]` when the template is fine.
    ///
    /// - Parameters:
    ///   - text: The YAML text.
    ///   - file: The file name to show in problems.
    public static func lint(_ text: String, file: String) -> [TemplateProblem] {
        var linter = TemplateLinter(file: file)
        _ = linter.read(text)
        return linter.problems
    }

    /// The keys a template file may hold at its top level.
    static let topLevelKeys = [
        "id", "version", "title", "decision", "condition", "surveillance_not_reasonable", "options", "required_elements",
        "instruments", "sources",
    ]
}

// MARK: - Linter

/// Reads a template node by node, collecting every problem instead of stopping at the first.
private struct TemplateLinter {
    let file: String
    private(set) var problems: [TemplateProblem] = []

    init(file: String) { self.file = file }

    mutating func problem(_ line: Int, _ field: String, _ message: String, severity: TemplateProblem.Severity = .error) {
        problems.append(TemplateProblem(file: file, line: line, field: field, message: message, severity: severity))
    }

    // MARK: Document

    mutating func read(_ text: String) -> DecisionTemplate? {
        if let (line, name, remedy) = ConsultationFile.firstYAMLOnlyLineBreak(in: text) {
            problem(
                line, "yaml",
                "holds \(name), which YAML reads as a line break and would change the text around it; \(remedy)."
            )
            return nil
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                problem(
                    1, "yaml", "the file is empty; expected a YAML mapping with id, version, title, decision, options, required_elements.")
                return nil
            }
            root = node
        } catch let error as YamlError {
            let (line, reason) = Self.describe(error)
            problem(line, "yaml", "is not valid YAML (\(reason)); fix the syntax at this line.")
            return nil
        } catch {
            problem(1, "yaml", "is not valid YAML; fix the syntax.")
            return nil
        }
        guard let top = mapping(root, "") else { return nil }
        checkKeys(top, "", allowed: DecisionTemplate.topLevelKeys)

        let id = requiredString(top, "id")
        if let id, !Self.isKebabCase(id.value) {
            problem(
                id.line, "id",
                "is not kebab-case; expected lower-case letters and digits joined by single hyphens (early-breast-cancer-surgery).")
        }
        let version = requiredString(top, "version")
        if let version, version.value.range(of: #"^[0-9]{4}\.[0-9]+$"#, options: .regularExpression) == nil {
            problem(version.line, "version", "is not a template version; expected a year, a dot and a revision number (2026.1).")
        }
        var title: DecisionTemplate.LocalizedText?
        if let node = required(top, "title"), let titleMap = mapping(node, "title") {
            checkKeys(titleMap, "title", allowed: ["fr", "en"])
            let fr = requiredString(titleMap, "fr", in: "title")
            let en = requiredString(titleMap, "en", in: "title")
            if let fr, let en { title = .init(fr: fr.value, en: en.value) }
        }
        let decision = requiredString(top, "decision")
        let condition = optionalString(top, "condition")
        let notReasonable = optionalString(top, "surveillance_not_reasonable")

        let sources = readSources(top)
        let sourceIDs = definedSourceIDs(top)
        let options = readOptions(top, sourceIDs: sourceIDs)
        let elements = readElements(top)
        let instruments = readInstruments(top)

        if let options, !options.contains(where: { $0.kind == .activeSurveillance || $0.kind == .noTreatment }), notReasonable == nil {
            problem(
                line(of: "options", in: top), "options",
                "has no active-surveillance or no-treatment option; add one, or say why neither is reasonable in surveillance_not_reasonable.",
                severity: .warning)
        }

        guard let id, let version, let title, let decision, let options, let elements else { return nil }
        return DecisionTemplate(
            id: id.value, version: version.value, title: title, decision: decision.value, condition: condition?.value,
            surveillanceNotReasonable: notReasonable?.value, options: options, requiredElements: elements,
            instruments: instruments, sources: sources)
    }

    // MARK: Sections

    mutating func readSources(_ top: Node.Mapping) -> [DecisionTemplate.Source] {
        guard let list = optionalSequence(top, "sources") else { return [] }
        var sources: [DecisionTemplate.Source] = []
        var seen: Set<String> = []
        for (index, node) in list.enumerated() {
            let path = "sources[\(index + 1)]"
            guard let map = mapping(node, path) else { continue }
            checkKeys(map, path, allowed: ["id", "title", "year", "url"])
            let id = requiredString(map, "id", in: path)
            let title = requiredString(map, "title", in: path)
            let yearText = requiredString(map, "year", in: path)
            let url = requiredString(map, "url", in: path)
            var year: Int?
            if let yearText {
                if let value = Int(yearText.value), (1900...2100).contains(value) {
                    year = value
                } else {
                    problem(yearText.line, "\(path).year", "is not a year of publication; expected a four-digit year (2019).")
                }
            }
            if let url, url.value.range(of: #"^https?://[^\s]+$"#, options: .regularExpression) == nil {
                problem(url.line, "\(path).url", "is not a public address; expected an http or https URL.")
            }
            if let id {
                if !seen.insert(id.value).inserted {
                    problem(id.line, "\(path).id", "repeats the source id \(id.value); give each source its own id.")
                }
            }
            if let id, let title, let year, let url {
                sources.append(.init(id: id.value, title: title.value, year: year, url: url.value))
            }
        }
        return sources
    }

    /// The ids of every source entry, complete or not, so that an incomplete source is
    /// reported once (on the source) and not again on every entry citing it.
    func definedSourceIDs(_ top: Node.Mapping) -> Set<String> {
        guard let node = present(top, "sources"), case .sequence(let list) = node else { return [] }
        return Set(
            list.compactMap { item -> String? in
                guard case .mapping(let map) = item else { return nil }
                return map["id"]?.string
            })
    }

    mutating func readOptions(_ top: Node.Mapping, sourceIDs: Set<String>) -> [DecisionTemplate.Option]? {
        guard let node = required(top, "options") else { return nil }
        guard let list = sequence(node, "options") else { return nil }
        var options: [DecisionTemplate.Option] = []
        var labels: [String: Int] = [:]
        var complete = true
        for (index, item) in list.enumerated() {
            let path = "options[\(index + 1)]"
            guard let map = mapping(item, path) else {
                complete = false
                continue
            }
            checkKeys(map, path, allowed: ["kind", "label", "benefits", "harms"])
            var kind: OptionKind?
            if let kindText = requiredString(map, "kind", in: path) {
                kind = OptionKind(rawValue: kindText.value)
                if kind == nil {
                    problem(
                        kindText.line, "\(path).kind",
                        "is not an option kind; expected one of \(OptionKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
            }
            let label = requiredString(map, "label", in: path)
            if let label {
                let key = label.value.lowercased().trimmingCharacters(in: .whitespaces)
                if let first = labels[key] {
                    problem(label.line, "\(path).label", "repeats the label of options[\(first)]; give each option its own label.")
                } else {
                    labels[key] = index + 1
                }
            }
            let benefits = readOutcomes(map, "benefits", in: path, sourceIDs: sourceIDs)
            let harms = readOutcomes(map, "harms", in: path, sourceIDs: sourceIDs)
            if let kind, let label {
                options.append(.init(kind: kind, label: label.value, benefits: benefits, harms: harms))
            } else {
                complete = false
            }
        }
        if list.count < 2 {
            problem(
                line(of: "options", in: top), "options",
                "holds \(list.count) option\(list.count == 1 ? "" : "s"); a decision needs at least two reasonable options.")
        }
        return complete ? options : nil
    }

    mutating func readOutcomes(
        _ map: Node.Mapping, _ key: String, in parent: String, sourceIDs: Set<String>
    ) -> [DecisionTemplate.Outcome] {
        guard let list = optionalSequence(map, key, in: parent) else { return [] }
        var outcomes: [DecisionTemplate.Outcome] = []
        for (index, node) in list.enumerated() {
            let path = "\(parent).\(key)[\(index + 1)]"
            guard let entry = mapping(node, path) else { continue }
            checkKeys(entry, path, allowed: ["text", "figure", "source"])
            let text = requiredString(entry, "text", in: path)
            let figure = optionalString(entry, "figure", in: path)
            let source = optionalString(entry, "source", in: path)
            if let source, !sourceIDs.contains(source.value) {
                problem(
                    source.line, "\(path).source",
                    "cites \(source.value), which the template's sources do not define; add it to sources with title, year and url.")
            }
            if let figure, source == nil {
                problem(
                    figure.line, "\(path).figure",
                    "has no source; cite the guideline or study the figure is copied from (source: ID), or remove the figure.")
            }
            if let text, source == nil, Self.holdsFigure(text.value) {
                problem(
                    text.line, "\(path).text",
                    "states a figure without a source; add source: ID, or say it in words without the figure.")
            }
            if let text {
                outcomes.append(.init(text: text.value, figure: figure?.value, source: source?.value))
            }
        }
        return outcomes
    }

    mutating func readElements(_ top: Node.Mapping) -> [RecordElement]? {
        guard let node = required(top, "required_elements"), let list = sequence(node, "required_elements") else { return nil }
        var elements: [RecordElement] = []
        for (index, item) in list.enumerated() {
            let path = "required_elements[\(index + 1)]"
            guard let name = scalar(item, path) else { continue }
            guard let element = RecordElement(rawValue: name) else {
                problem(
                    item.mark?.line ?? 1, path,
                    "is not a record element; expected one of \(RecordElement.allCases.map(\.rawValue).joined(separator: ", ")).")
                continue
            }
            if elements.contains(element) {
                problem(item.mark?.line ?? 1, path, "repeats \(name); list each element once.")
            } else {
                elements.append(element)
            }
        }
        return elements
    }

    mutating func readInstruments(_ top: Node.Mapping) -> [String] {
        guard let list = optionalSequence(top, "instruments") else { return [] }
        var instruments: [String] = []
        for (index, item) in list.enumerated() {
            let path = "instruments[\(index + 1)]"
            guard let name = scalar(item, path) else { continue }
            guard DecisionTemplate.knownInstruments.contains(name) else {
                problem(
                    item.mark?.line ?? 1, path,
                    "is not a known instrument; expected one of \(DecisionTemplate.knownInstruments.joined(separator: ", ")).")
                continue
            }
            if !instruments.contains(name) { instruments.append(name) }
        }
        return instruments
    }

    // MARK: Typed access

    struct Located {
        let value: String
        let line: Int
    }

    func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    func line(of key: String, in map: Node.Mapping) -> Int {
        for (name, value) in map where name.string == key { return name.mark?.line ?? value.mark?.line ?? 1 }
        return 1
    }

    /// The line of the mapping itself: its first key's line, since libyaml marks a block
    /// mapping where its first key starts.
    func line(of map: Node.Mapping) -> Int {
        map.first?.key.mark?.line ?? 1
    }

    mutating func checkKeys(_ map: Node.Mapping, _ path: String, allowed: [String]) {
        for (key, _) in map {
            let name = key.string ?? "?"
            if !allowed.contains(name) {
                problem(
                    key.mark?.line ?? 1, join(path, name),
                    "is not a known key; expected only \(allowed.joined(separator: ", ")).")
            }
        }
    }

    mutating func mapping(_ node: Node, _ path: String) -> Node.Mapping? {
        guard case .mapping(let map) = node else {
            problem(node.mark?.line ?? 1, path.isEmpty ? "template" : path, "is not a mapping; expected keys and values (key: value).")
            return nil
        }
        return map
    }

    mutating func sequence(_ node: Node, _ path: String) -> Node.Sequence? {
        guard case .sequence(let list) = node else {
            problem(node.mark?.line ?? 1, path, "is not a list; expected a YAML list (- item).")
            return nil
        }
        return list
    }

    mutating func scalar(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node.mark?.line ?? 1, path, "is not a single value; expected text.")
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, node.null == nil || scalar.style != .plain else {
            problem(node.mark?.line ?? 1, path, "is empty; expected text.")
            return nil
        }
        return text
    }

    func present(_ map: Node.Mapping, _ key: String) -> Node? {
        guard let node = map[key] else { return nil }
        if case .scalar(let scalar) = node, node.null != nil, scalar.style == .plain { return nil }
        return node
    }

    mutating func required(_ map: Node.Mapping, _ key: String, in parent: String = "") -> Node? {
        guard let node = present(map, key) else {
            problem(line(of: map), join(parent, key), "is missing; add this key.")
            return nil
        }
        return node
    }

    mutating func requiredString(_ map: Node.Mapping, _ key: String, in parent: String = "") -> Located? {
        guard let node = required(map, key, in: parent), let text = scalar(node, join(parent, key)) else { return nil }
        return Located(value: text, line: node.mark?.line ?? 1)
    }

    mutating func optionalString(_ map: Node.Mapping, _ key: String, in parent: String = "") -> Located? {
        guard let node = present(map, key), let text = scalar(node, join(parent, key)) else { return nil }
        return Located(value: text, line: node.mark?.line ?? 1)
    }

    mutating func optionalSequence(_ map: Node.Mapping, _ key: String, in parent: String = "") -> Node.Sequence? {
        guard let node = present(map, key) else { return nil }
        return sequence(node, join(parent, key))
    }

    // MARK: Rules

    static func isKebabCase(_ text: String) -> Bool {
        text.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) != nil
    }

    /// Whether a text states a figure that needs a source: a percentage (`30 %`, `4,5%`),
    /// a frequency (`1 sur 10`, `1 in 10`, `1,5 pour 1 000`, `3 out of 100`) or a number
    /// of per-cent words (`30 pour cent`, `30 percent`).
    static func holdsFigure(_ text: String) -> Bool {
        let patterns = [
            #"[0-9]\s*%"#,
            #"[0-9]\s*(pour\s*cent|per\s*cent|percent)"#,
            #"[0-9]\s+(sur|in|pour|out\s+of)\s+[0-9]"#,
        ]
        return patterns.contains { text.range(of: $0, options: [.regularExpression, .caseInsensitive]) != nil }
    }

    static func describe(_ error: YamlError) -> (line: Int, reason: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return (mark.line, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, "duplicated key \(duplicates.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return (1, problem)
        default:
            return (1, "syntax error")
        }
    }
}
