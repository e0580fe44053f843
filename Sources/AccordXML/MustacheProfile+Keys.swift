import AccordCore
import Foundation

/// The shape of a key of a custom profile's context (``MustacheProfile/context(_:profile:pseudonymised:)``).
indirect enum ContextKey: Sendable {
    /// A text, number or boolean.
    case value
    /// A dictionary with these keys.
    case object([String: ContextKey])
    /// A list of items of this shape.
    case list(ContextKey)
    /// A key a pseudonymised record does not hold: null in its context (so that Mustache's
    /// lookup stops there, never reaching a key of the same name around it), and refused in a
    /// template that renders research exports.
    case absent

    /// The shape with the key at `path` marked ``absent`` (through lists: `participants.name`
    /// marks `name` in the participants' items).
    func removing(_ path: [Substring]) -> ContextKey {
        guard let first = path.first else { return self }
        switch self {
        case .value, .absent: return self
        case .list(let item): return .list(item.removing(path))
        case .object(var keys):
            if path.count == 1 {
                keys[String(first)] = .absent
            } else if let child = keys[String(first)] {
                keys[String(first)] = child.removing(Array(path.dropFirst()))
            }
            return .object(keys)
        }
    }
}

extension MustacheProfile {
    /// Every key the context may hold, however deep: a template that names another is refused
    /// when the profile loads (``checkKeys(sources:root:profile:settingsFile:)``), and every
    /// key of this schema a record does not hold is present as a null value in its dictionary
    /// (``nullFilled(_:shape:)``), so that Mustache's lookup stops there instead of finding a
    /// value of the same name in an enclosing context. Keep it in step with the context.
    static let keySchema: ContextKey = .object([
        "amendments": .list(amendment),
        "format": .value, "profile": .value, "session": .value, "session_number": .value, "version": .value,
        "replaces": .value, "exported_at": .value, "pseudonymised": .value, "topic": .value, "template": .value,
        "started_at": .value, "closed_at": .value, "amendment_count": .value, "title": .value, "example": .value,
        "document_id": .object(["root": .value]),
        "centre": .object(["name": .value, "finess": .value, "oid_root": .value, "address": .value]),
        "patient": .object([
            "ins": .value, "ins_oid": .value, "identity_status": .value, "ipp": .object(["root": .value, "extension": .value]),
            "birth_family_name": .value, "birth_given_names": .value, "first_birth_given_name": .value,
            "used_family_name": .value, "used_given_name": .value, "birth_date": .value, "birth_year": .value, "sex": .value,
            "sex_label": .value, "birthplace_code": .value, "present": .value,
        ]),
        "clinician": .object(["id": .value, "name": .value, "function": .value]),
        "place": .object([
            "finess": .value, "name": .value, "facility_code": .value, "facility_display_name": .value,
            "facility_code_system": .value, "is_centre": .value,
        ]),
        "condition": .object([
            "text": .value, "code": .value, "code_system": .value,
            "morphology": .object(["code": .value, "display_name": .value, "code_system": .value]),
        ]),
        "rcp": .object([
            "document_root": .value, "document_extension": .value, "meeting_date": .value, "trial_proposed": .value,
            "flags": .list(.object(["flag": .value, "text": .value])),
        ]),
        "participants": .list(
            .object([
                "entry": .value, "role": .value, "role_label": .value, "name": .value, "id": .value, "function": .value,
                "present": .value,
            ])),
        "options": .list(
            .object([
                "number": .value, "entry": .value, "kind": .value, "kind_label": .value, "label": .value, "trial_id": .value,
                "origin": .value, "agreed": .value, "benefits": .list(.value), "harms": .list(.value),
                "amendments": .list(amendment),
            ])),
        "preferences": .list(.object(["entry": .value, "text": .value, "importance": .value, "amendments": .list(amendment)])),
        "decision": .object([
            "entry": .value, "outcome": .value, "agreed": .value, "deferred": .value, "declined": .value, "agreed_option": .value,
            "agreed_label": .value, "next_contact": .value, "recorded_at": .value, "taken_by": .list(.object(["entry": .value])),
            "amendments": .list(amendment),
        ]),
        "process": .object([
            "understanding_checked": .value, "reflection_offered": .value, "reflection_until": .value,
            "trial_eligibility": .value, "trial_offered": .value, "trial_answer": .value,
            "decision_aids": .list(.object(["name": .value, "version": .value])),
        ]),
        "phases": .list(.object(["phase": .value, "started_at": .value])),
        "instruments": .list(
            .object([
                "entry": .value, "instrument": .value, "version": .value, "respondent": .value, "score": .value,
                "recorded_at": .value, "follow_up": .value,
            ])),
        "sections": .list(
            .object([
                "kind": .value, "title": .value, "code": .value, "code_display": .value, "code_system": .value,
                "blocks": .list(
                    .object([
                        "participants_table": .value, "paragraph": .value, "ordered": .value,
                        "items": .list(.object(["text": .value, "details": .list(.value)])),
                    ])),
            ])),
        "notes": .list(.object(["entry": .value, "text": .value, "amendments": .list(amendment)])),
    ])

    /// The keys a pseudonymised record does not hold (dotted paths, through lists): the
    /// patient's names, birth date, birth place and identity status, professionals' names and
    /// functions, trial ids, decision-aid versions and the preferences' text. A profile run with
    /// `--pseudonymise` is checked against ``pseudonymisedKeySchema`` (``keySchema`` without
    /// them), so that no template can reach an identifying value.
    static let absentWhenPseudonymised = [
        "patient.birth_family_name", "patient.birth_given_names", "patient.first_birth_given_name", "patient.used_family_name",
        "patient.used_given_name", "patient.birth_date", "patient.birthplace_code", "patient.identity_status", "clinician.name",
        "clinician.function", "participants.name", "participants.function", "options.trial_id", "process.decision_aids.version",
        "preferences.text",
    ]

    /// The keys of a pseudonymised record's context: ``keySchema`` with
    /// ``absentWhenPseudonymised`` marked absent (null in the context, refused in templates).
    static let pseudonymisedKeySchema: ContextKey = absentWhenPseudonymised.reduce(keySchema) { $0.removing($1.split(separator: ".")) }

    /// The schema of the context: ``pseudonymisedKeySchema`` or ``keySchema``.
    static func keySchema(pseudonymised: Bool) -> ContextKey { pseudonymised ? pseudonymisedKeySchema : keySchema }

    /// One amendment of the record (`amendments`, and under each amended entry).
    static let amendment: ContextKey = .object([
        "entry": .value, "replaced_by": .value, "reason": .value, "subject": .value, "kind": .value, "change": .value,
        "recorded_at": .value, "recorded_at_paris": .value, "author": .value, "author_label": .value, "line": .value,
        "annotation": .value, "added": .value, "corrected": .value, "withdrawn": .value, "replaced": .value,
    ])

    /// `value` with every key of `shape` it lacks present as `NSNull` (which swift-mustache
    /// renders as nothing, as a false section, and at which its lookup stops), in every
    /// dictionary however deep, list items included.
    static func nullFilled(_ value: Any, shape: ContextKey) -> Any {
        switch (shape, value) {
        case (.object(let keys), let dictionary as [String: Any]):
            var filled = dictionary
            for (key, child) in keys {
                if let present = dictionary[key] { filled[key] = nullFilled(present, shape: child) } else { filled[key] = NSNull() }
            }
            return filled
        case (.list(let item), let array as [Any]):
            return array.map { nullFilled($0, shape: item) }
        default:
            return value
        }
    }

    // MARK: - Checking templates

    /// Refuses a template that names a key the context never holds, in the scope where it is
    /// named: the root template is read with the context's keys, a section `{{#key}}` opens the
    /// keys of its dictionary or of its list's items (the enclosing keys stay visible, as
    /// Mustache looks names up the context stack), a partial is read in the scope of its
    /// `{{> partial}}` tag. A template no other includes is not read (it is never rendered).
    ///
    /// - Parameters:
    ///   - sources: every template of the profile, by file name (`consultation.xml.mustache`).
    ///   - root: the root template's file name.
    ///   - profile: the profile's name.
    ///   - settingsFile: the profile's `profile.yaml`, as messages name it.
    /// - Throws: `AccordError` (`invalidInput`, field `--profile`) naming the profile file, the
    ///   template file, the line and the key (a key name, never a value of the record).
    ///   - pseudonymised: check against the pseudonymised record's keys (``pseudonymisedKeySchema``).
    static func checkKeys(
        sources: [String: String], root: String, profile: String, settingsFile: String, pseudonymised: Bool = false
    ) throws {
        guard case .object(let rootKeys) = keySchema(pseudonymised: pseudonymised) else { return }
        var scanner = KeyScanner(sources: sources, profile: profile, settingsFile: settingsFile)
        try scanner.scan(file: root, scopes: [rootKeys], depth: 0)
    }
}

/// Walks a template's tags against ``MustacheProfile/keySchema`` (see
/// ``MustacheProfile/checkKeys(sources:root:profile:settingsFile:)``). Delimiters are always
/// `{{ }}`: a delimiter change is refused before (``MustacheProfile/lint(_:file:profile:)``).
private struct KeyScanner {
    let sources: [String: String]
    let profile: String
    let settingsFile: String

    init(sources: [String: String], profile: String, settingsFile: String) {
        self.sources = sources
        self.profile = profile
        self.settingsFile = settingsFile
    }

    /// The template named `name` (file name, or partial name without `.mustache`).
    private func source(named name: String) -> (file: String, text: String)? {
        if let text = sources[name] { return (name, text) }
        if let text = sources[name + ".mustache"] { return (name + ".mustache", text) }
        return nil
    }

    mutating func scan(file name: String, scopes: [[String: ContextKey]], depth: Int) throws {
        guard depth < 16, let (file, text) = source(named: name) else { return }
        // The scopes: nil for a section that opens no keys (inverted, block, parent).
        var frames: [[String: ContextKey]?] = []
        func visible() -> [[String: ContextKey]] { scopes + frames.compactMap { $0 } }
        for match in text.matches(of: #/\{\{\s*([#^/!>$<&]?)\s*([\s\S]*?)\s*\}\}/#) {
            let sigil = String(match.output.1)
            let tag = String(match.output.2)
            let line = text[..<match.range.lowerBound].count(where: { $0 == "\n" }) + 1
            switch sigil {
            case "!":
                continue
            case "/":
                if !frames.isEmpty { frames.removeLast() }
            case ">":
                try scan(file: tag, scopes: visible(), depth: depth + 1)
            case "<":
                frames.append(nil)
                try scan(file: tag, scopes: visible(), depth: depth + 1)
            case "$":
                frames.append(nil)
            case "#", "^":
                let shape = try resolve(tag, in: visible(), file: file, line: line)
                if sigil == "^" {
                    frames.append(nil)
                } else {
                    switch shape {
                    case .object(let keys)?: frames.append(keys)
                    case .list(.object(let keys))?: frames.append(keys)
                    default: frames.append([:])
                    }
                }
            default:
                _ = try resolve(tag, in: visible(), file: file, line: line)
            }
        }
    }

    /// The shape `tag` names, looked up the scopes from the innermost; `nil` for `.` or a
    /// transform on the sequence (`first()`).
    /// - Throws: `AccordError` when no scope holds it.
    private func resolve(_ tag: String, in scopes: [[String: ContextKey]], file: String, line: Int) throws -> ContextKey? {
        var name = tag
        // Transforms: `count(options)`, `reversed(sorted(x))`.
        while let open = name.firstIndex(of: "("), name.hasSuffix(")") {
            name = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
        }
        if name.isEmpty || name == "." { return nil }
        let onlyInnermost = name.hasPrefix(".")
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        let candidates = onlyInnermost ? Array(scopes.suffix(1)) : scopes.reversed()
        guard var shape = candidates.lazy.compactMap({ $0[first] }).first else { throw unknown(name, file: file, line: line) }
        for part in parts.dropFirst() {
            guard case .object(let keys) = shape, let child = keys[part] else { throw unknown(name, file: file, line: line) }
            shape = child
        }
        if case .absent = shape { throw absentWhenPseudonymised(name, file: file, line: line) }
        return shape
    }

    private func absentWhenPseudonymised(_ key: String, file: String, line: Int) -> AccordError {
        AccordError(
            .invalidInput,
            "the template \(file) of export profile \(profile) (\(settingsFile)) names the key \(key) near line \(line), which a pseudonymised record does not hold, so the profile cannot write research exports; name in profile.yaml a `pseudonymised_template:` that uses only the keys of a pseudonymised record (Exports/README.md lists them), or remove the tag.",
            field: "--profile")
    }

    private func unknown(_ key: String, file: String, line: Int) -> AccordError {
        AccordError(
            .invalidInput,
            "the template \(file) of export profile \(profile) (\(settingsFile)) names the key \(key) near line \(line), which the record's context does not hold there; use a key listed in Exports/README.md (inside a section, its own keys and those around it), or remove the tag.",
            field: "--profile")
    }
}
