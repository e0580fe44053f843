import Foundation
import Yams

/// A whole consultation described in a YAML file, for `accord session import`.
///
/// The format (`format: accord-consultation/1`) is documented in the README. Every key is
/// checked: an unknown key, a missing one or a value of the wrong shape is refused with the
/// key's path and line, never with the value. A text key keeps the characters typed (a plain
/// `Null`, `~`, `no` or `01053` is that text, never YAML's null, false or a number); anchors
/// and aliases are refused, and so is a file over ``maximumSize`` bytes.
///
/// ```yaml
/// format: accord-consultation/1
/// patient: {ins: "…", ins_oid: 1.2.250.1.213.1.4.10, identity_status: qualified, birth_family_name: …,
///           birth_given_names: …,
///           birth_date: 1961-04-12, sex: F, birthplace: "75056", present: true}
/// clinician: {id: "801234567897", name: …}
/// topic: …
/// options: [{kind: treatment, label: …, benefits: [...], harms: [...]}]
/// decision: {agreed: 1, by: [P1, P2]}
/// closed: true
/// ```
public struct ConsultationFile: Sendable {
    /// What starts the session.
    public var start: SessionStart
    /// The changes after the start, in order (participants, options, preferences, decision,
    /// notes, then the closing when `closed: true`).
    public var changes: [Change]

    /// The format tag a file must carry.
    public static let formatTag = "accord-consultation/1"

    /// The YAML tags resolved in a consultation file: none. Every text key takes its
    /// characters as typed and numbers are read from them. Truth values are read by Yams'
    /// `Bool` constructor from the scalar's text (`true`, `yes`, `on`, `false`, `no`, `off`, in
    /// any case) unless its tag, as loaded, is `str` (quoted, or `!!str`): a text, refused.
    /// Yams resolves the tag of each mapping key when it looks for keys given twice, and each
    /// rule it tries is a regular expression: with the truth values' rule, that was about 4 %
    /// of a bulk import's CPU (perf). Keys are compared as texts (`true:` and `"true":` are the
    /// same key, refused as given twice; neither is a key of the format).
    ///
    /// A value's tag must never be resolved (by `Node.tag`, `==`, hashing or
    /// `Node.Mapping`'s subscript): with no rules it would become `str` and the value
    /// unreadable as a truth value. ``NodeReader`` looks values up by their key's text.
    static let resolver = Resolver.basic

    /// Parses the YAML text of a consultation file, checking each entry by the rules every
    /// entry point shares (``Change/validate(today:)``); the session start is checked when
    /// it is recorded.
    ///
    /// - Parameters:
    ///   - text: the file's text.
    ///   - today: the UTC day of the recording instant (a next contact may not lie before it).
    /// - Throws: `AccordError` (`invalidInput`) naming the key path (`options[2].kind`) and
    ///   line of the first problem; for a file that is not valid YAML, the line and a fixed
    ///   description of the fault (never the file's text); for a file holding an anchor or an
    ///   alias, a line break only YAML sees (``firstYAMLOnlyLineBreak(in:)``), or larger than
    ///   ``maximumSize``, before any YAML is read.
    public static func parse(_ text: String, today: CalendarDate = CalendarDate(utcDayOf: Date())) throws -> ConsultationFile {
        guard text.utf8.count <= maximumSize else {
            throw AccordError(
                .invalidInput,
                "the consultation file is \(text.utf8.count) bytes, larger than the limit of \(maximumSize) bytes; expected one consultation in YAML."
            )
        }
        if let line = firstAnchorOrAlias(in: text) {
            throw AccordError(
                .invalidInput,
                "the consultation file uses a YAML anchor or alias (&name, *name) at line \(line); write each value out in full (quote a text that begins with & or *)."
            )
        }
        if let (line, name, remedy) = firstYAMLOnlyLineBreak(in: text) {
            throw AccordError(
                .invalidInput,
                "line \(line) holds \(name), which YAML reads as a line break and would change the text around it (nothing was recorded); \(remedy)."
            )
        }
        let root: Node
        do {
            // UTF-8 named: Yams' default encoding reads the whole environment for each file,
            // and prints to standard output when YAMS_DEFAULT_ENCODING is set.
            guard let node = try Yams.compose(yaml: text, Self.resolver, .default, .utf8) else {
                throw AccordError(.invalidInput, "the consultation file is empty; expected a YAML mapping with format: \(formatTag).")
            }
            root = node
        } catch let error as AccordError {
            throw error
        } catch let error as YamlError {
            throw AccordError(
                .invalidInput,
                "the consultation file is not valid YAML (\(Self.describe(error, in: text))); expected a YAML mapping with format: \(formatTag)."
            )
        } catch {
            throw AccordError(.invalidInput, "the consultation file is not valid YAML; expected a YAML mapping with format: \(formatTag).")
        }
        let reader = try NodeReader(root, path: "")
        try reader.allowOnly([
            "format", "patient", "clinician", "organisation_finess", "topic", "condition", "participants", "options", "preferences",
            "decision", "notes", "closed",
        ])
        guard try reader.string("format") == formatTag else {
            throw AccordError.invalid("format", "is not a known consultation file format", accepted: formatTag)
        }

        let patient = try reader.mapping("patient")
        try patient.allowOnly([
            "ins", "ins_oid", "identity_status", "birth_family_name", "birth_given_names", "first_birth_given_name", "birth_date", "sex",
            "birthplace",
            "used_family_name", "used_given_name", "ipp", "ipp_root", "present",
        ])
        let clinician = try reader.mapping("clinician")
        try clinician.allowOnly(["id", "name", "function", "family_name", "given_name", "prefix", "specialty"])
        let clinicianDetails = PersonDetails(
            familyName: try clinician.optionalString("family_name"), givenName: try clinician.optionalString("given_name"),
            prefix: PersonDetails.prefixCode(try clinician.optionalString("prefix")), specialty: try clinician.optionalString("specialty"))
        let ins = try patient.optionalString("ins")?.uppercased()
        let identity = INSIdentity(
            ins: ins, insOID: try patient.optionalString("ins_oid") ?? ins.map { _ in KnownOID.insNIR },
            birthFamilyName: try patient.string("birth_family_name"), birthGivenNames: try patient.string("birth_given_names"),
            firstBirthGivenName: try patient.optionalString("first_birth_given_name"), birthDate: try patient.date("birth_date"),
            sex: try patient.sex("sex"), birthplaceCode: try patient.string("birthplace").uppercased(),
            usedFamilyName: try patient.optionalString("used_family_name"), usedGivenName: try patient.optionalString("used_given_name"))
        var ipp: InstanceIdentifier?
        if let value = try patient.optionalString("ipp") {
            guard let root = try patient.optionalString("ipp_root") else {
                throw AccordError.invalid(
                    "patient.ipp_root", "is missing while patient.ipp is given", accepted: "the OID of the centre's IPP domain")
            }
            ipp = InstanceIdentifier(root: root, extension_: value)
        }
        var condition: Condition?
        if reader.hasText("condition") {
            if let text = try? reader.string("condition") {
                condition = Condition(text: text)
            } else {
                let node = try reader.mapping("condition")
                try node.allowOnly(["text", "code", "code_system"])
                let code = try node.optionalString("code")
                // Stored as an OID (names and URIs are turned into theirs); ICD-10 when only a code is given.
                let system = try node.optionalString("code_system").map { try FieldRules.codeSystemOID($0, node.path("code_system")) }
                if system != nil && code == nil {
                    throw AccordError.invalid(
                        node.path("code_system"), "is given without condition.code", accepted: "a code_system only with its code")
                }
                condition = Condition(
                    text: try node.string("text"), code: code, codeSystem: system ?? code.map { _ in FieldRules.icd10OID })
            }
        }
        // `name` may be left out when the name is given in parts (`family_name`).
        let clinicianName =
            clinicianDetails.familyName != nil && !clinician.has("name")
            ? clinicianDetails.nameLine ?? "" : try clinician.string("name")
        var start = SessionStart(
            patient: identity, identityStatus: try patient.identityStatus("identity_status"), ipp: ipp,
            patientPresent: try patient.optionalBool("present") ?? true,
            clinicianID: try clinician.string("id"), clinicianName: clinicianName,
            clinicianFunction: try clinician.optionalString("function"),
            organisationFINESS: try reader.optionalString("organisation_finess"),
            topic: try reader.string("topic"), condition: condition)
        start.clinicianDetails = clinicianDetails

        var changes: [Change] = []
        for var item in try reader.list("participants") {
            try item.allowOnly(["role", "name", "id", "function", "family_name", "given_name", "prefix", "specialty", "relationship"])
            let roleText = try item.string("role")
            guard let role = ParticipantRole(rawValue: roleText) else {
                throw AccordError.invalid(
                    item.path("role"), "is not a participant role",
                    accepted: ParticipantRole.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let details = PersonDetails(
                familyName: try item.optionalString("family_name"), givenName: try item.optionalString("given_name"),
                prefix: PersonDetails.prefixCode(try item.optionalString("prefix")), specialty: try item.optionalString("specialty"),
                relationship: try item.optionalString("relationship"))
            changes.append(
                .participantAdded(
                    role: role, name: try item.optionalString("name") ?? details.nameLine ?? "", id: try item.optionalString("id"),
                    function: try item.optionalString("function"), details: details.orNil))
            item.fieldNames = [
                "--name": "name", "--id": "id", "--function": "function", "--role": "role", "--family-name": "family_name",
                "--given-name": "given_name", "--prefix": "prefix", "--specialty": "specialty", "--relationship": "relationship",
            ]
            try item.check(changes.last!, today: today)
        }
        for var item in try reader.list("options") {
            try item.allowOnly(["kind", "label", "benefits", "harms", "trial_id"])
            let kindText = try item.string("kind")
            guard let kind = OptionKind(rawValue: kindText) else {
                throw AccordError.invalid(
                    item.path("kind"), "is not an option kind", accepted: OptionKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            changes.append(
                .optionAdded(
                    kind: kind, label: try item.string("label"), benefits: try item.strings("benefits"), harms: try item.strings("harms"),
                    trialID: try item.optionalString("trial_id"), origin: nil))
            item.fieldNames = ["--label": "label", "--benefit": "benefits", "--harm": "harms", "--trial-id": "trial_id"]
            try item.check(changes.last!, today: today)
        }
        for var item in try reader.list("preferences") {
            try item.allowOnly(["text", "importance"])
            changes.append(.preferenceAdded(text: try item.string("text"), importance: try item.optionalInt("importance")))
            item.fieldNames = ["--text": "text", "--importance": "importance"]
            try item.check(changes.last!, today: today)
        }
        if reader.has("decision") {
            var decision = try reader.mapping("decision")
            try decision.allowOnly(["agreed", "deferred", "declined", "next_contact", "by", "answered_by"])
            let chosen = ["agreed", "deferred", "declined"].filter { decision.has($0) }
            guard chosen.count == 1 else {
                throw AccordError.invalid(
                    "decision", "must hold exactly one of agreed, deferred, declined",
                    accepted: "agreed: OPTION-NUMBER, or deferred: true with next_contact: YYYY-MM-DD, or declined: true")
            }
            let outcome: DecisionOutcome
            switch chosen[0] {
            case "agreed":
                outcome = .agreed(option: try decision.int("agreed"))
            case "deferred":
                guard try decision.bool("deferred") else {
                    throw AccordError.invalid("decision.deferred", "is false", accepted: "true, with next_contact")
                }
                outcome = .deferred(nextContact: try decision.date("next_contact"))
            default:
                guard try decision.bool("declined") else { throw AccordError.invalid("decision.declined", "is false", accepted: "true") }
                outcome = .declined
            }
            changes.append(
                .decisionRecorded(
                    outcome: outcome, takenBy: try decision.strings("by").map(EntryID.init),
                    answeredBy: try decision.optionalString("answered_by").map(EntryID.init)))
            decision.fieldNames = ["--by": "by", "--agreed": "agreed", "--next-contact": "next_contact", "--answered-by": "answered_by"]
            try decision.check(changes.last!, today: today)
        }
        for (index, note) in try reader.strings("notes").enumerated() {
            let change = Change.noteAdded(text: note)
            do { try change.validate(today: today) } catch let error as AccordError {
                throw error.renamingField("notes[\(index)]")
            }
            changes.append(change)
        }
        if try reader.optionalBool("closed") ?? false { changes.append(.sessionClosed) }
        return ConsultationFile(start: start, changes: changes)
    }

    /// The same error about the file: its field and the options its message names are given as
    /// the file's key paths (`--patient-ins` → `patient.ins`).
    public static func renamingOptions(_ error: AccordError) -> AccordError {
        var message = error.message
        for option in optionKeys.keys.sorted(by: { $0.count > $1.count }) where message.contains(option) {
            message = message.replacingOccurrences(of: option, with: optionKeys[option]!)
        }
        return AccordError(error.code, message, field: keyPath(forOption: error.field))
    }

    /// Maps a field named as a command-line option to the file's key path.
    public static func keyPath(forOption option: String?) -> String? {
        guard let option else { return nil }
        return optionKeys[option] ?? option
    }

    /// The file's key path of each command-line option a check may name.
    static let optionKeys = [
        "--patient-ins": "patient.ins", "--ins-oid": "patient.ins_oid", "--identity-status": "patient.identity_status",
        "--family-name": "patient.birth_family_name",
        "--given-names": "patient.birth_given_names", "--first-given-name": "patient.first_birth_given_name",
        "--birth-date": "patient.birth_date", "--birthplace": "patient.birthplace", "--used-family-name": "patient.used_family_name",
        "--used-given-name": "patient.used_given_name", "--ipp": "patient.ipp", "--ipp-root": "patient.ipp_root",
        "--clinician-id": "clinician.id",
        "--clinician-name": "clinician.name", "--clinician-function": "clinician.function",
        "--clinician-family-name": "clinician.family_name", "--clinician-given-name": "clinician.given_name",
        "--clinician-prefix": "clinician.prefix", "--clinician-specialty": "clinician.specialty",
        "--organisation-finess": "organisation_finess", "--topic": "topic", "--condition": "condition",
        "--condition-code": "condition.code", "--condition-code-system": "condition.code_system", "--agreed": "decision.agreed",
        "--by": "decision.by", "--next-contact": "decision.next_contact", "--answered-by": "decision.answered_by",
    ]
}

/// Reads typed values out of a YAML mapping, naming the key path in every error.
private struct NodeReader {
    let mapping: Node.Mapping
    /// The values by their key's text (a key given twice is refused): looked up without Yams
    /// comparing whole nodes, as `Node.Mapping`'s subscript does.
    let values: [String: Node]
    let prefix: String
    let line: Int
    var fieldNames: [String: String] = [:]

    init(_ node: Node, path: String) throws {
        guard case .mapping(let mapping) = node else {
            throw AccordError.invalid(
                path.isEmpty ? "the consultation file" : path, "is not a mapping", accepted: "a YAML mapping of keys to values")
        }
        self.mapping = mapping
        var values: [String: Node] = [:]
        values.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            // Yams refuses a key given twice when both nodes are equal; the same text under
            // two tags (`closed:` and `!!bool closed:`) is two nodes for it, one key here.
            guard values.updateValue(value, forKey: name) == nil else {
                throw AccordError.invalid(
                    path.isEmpty ? "the consultation file" : path,
                    "gives the key" + (NodeKey.shown(name).map { " \($0)" } ?? "") + " more than once (line \(key.mark?.line ?? 0))",
                    accepted: "each key once in a mapping")
            }
        }
        self.values = values
        self.prefix = path
        self.line = node.mark?.line ?? 0
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    func has(_ key: String) -> Bool {
        guard let node = values[key] else { return false }
        return node.null == nil
    }

    /// Whether `key` holds text: only an empty plain value (`key:`) is none. A plain `Null`,
    /// `~`, `no` or `01053` is the text typed (a surname may be Null), never YAML's null,
    /// false or a number.
    func hasText(_ key: String) -> Bool {
        guard let node = values[key] else { return false }
        if case .scalar(let scalar) = node { return !(scalar.style == .plain && scalar.string.isEmpty) }
        return node.null == nil
    }

    func node(_ key: String, text: Bool = false) throws -> Node {
        guard let node = values[key], text ? hasText(key) : node.null == nil else {
            throw AccordError.invalid(
                path(key), "is missing" + (line > 0 ? " (mapping at line \(line))" : ""), accepted: "a value for this key")
        }
        return node
    }

    func allowOnly(_ keys: Set<String>) throws {
        // Every key a text (a key given twice was refused when the keys were read) and a known
        // one: the keys read once already say so, without walking the mapping's nodes again.
        if values.count == mapping.count, values.keys.allSatisfy(keys.contains) { return }
        for (key, _) in mapping {
            guard let name = key.string, keys.contains(name) else {
                let line = key.mark?.line ?? 0
                // A key is named when it looks like one (it cannot then be a name or free text).
                let shown = key.string.flatMap(NodeKey.shown)
                throw AccordError.invalid(
                    prefix.isEmpty ? "the consultation file" : prefix,
                    "has an unknown key" + (shown.map { " \($0)" } ?? "") + " at line \(line)",
                    accepted: "only these keys: \(keys.sorted().joined(separator: ", "))")
            }
        }
    }

    /// The text of `key` exactly as typed: a plain scalar's own characters, whatever YAML type
    /// they would resolve to.
    func string(_ key: String) throws -> String {
        let node = try node(key, text: true)
        guard case .scalar(let scalar) = node else {
            throw AccordError.invalid(path(key), "is not a single value (line \(node.mark?.line ?? 0))", accepted: "text")
        }
        return scalar.string
    }

    func optionalString(_ key: String) throws -> String? { hasText(key) ? try string(key) : nil }

    func int(_ key: String) throws -> Int {
        guard let value = Int(try string(key)) else {
            throw AccordError.invalid(path(key), "is not a whole number", accepted: "a whole number")
        }
        return value
    }

    func optionalInt(_ key: String) throws -> Int? { has(key) ? try int(key) : nil }

    func bool(_ key: String) throws -> Bool {
        guard let value = try node(key).bool else {
            throw AccordError.invalid(path(key), "is not true or false", accepted: "true or false")
        }
        return value
    }

    func optionalBool(_ key: String) throws -> Bool? { has(key) ? try bool(key) : nil }

    func date(_ key: String) throws -> CalendarDate {
        guard let date = CalendarDate(try string(key)) else {
            throw AccordError.invalid(path(key), "is not a calendar date", accepted: "a date as YYYY-MM-DD")
        }
        return date
    }

    func sex(_ key: String) throws -> Sex {
        guard let sex = Sex(argument: try string(key)) else {
            throw AccordError.invalid(path(key), "is not an administrative sex", accepted: "F, M or U")
        }
        return sex
    }

    func identityStatus(_ key: String) throws -> IdentityStatus? {
        guard let text = try optionalString(key) else { return nil }
        guard let status = IdentityStatus(argument: text) else {
            throw AccordError.invalid(path(key), "is not an identity status", accepted: IdentityStatus.accepted)
        }
        return status
    }

    func mapping(_ key: String) throws -> NodeReader { try NodeReader(try node(key), path: path(key)) }

    func sequence(_ key: String) throws -> [Node] {
        guard has(key) else { return [] }
        guard case .sequence(let sequence) = try node(key) else {
            throw AccordError.invalid(path(key), "is not a list", accepted: "a YAML list (- item)")
        }
        return Array(sequence)
    }

    func list(_ key: String) throws -> [NodeReader] {
        try sequence(key).enumerated().map { index, node in try NodeReader(node, path: "\(path(key))[\(index + 1)]") }
    }

    func strings(_ key: String) throws -> [String] {
        try sequence(key).enumerated().map { index, node in
            guard case .scalar(let scalar) = node else {
                throw AccordError.invalid("\(path(key))[\(index + 1)]", "is not a single value", accepted: "text")
            }
            return scalar.string
        }
    }

    /// Validates a change read from this mapping, naming this file's keys in the error.
    func check(_ change: Change, today: CalendarDate) throws {
        do {
            try change.validate(today: today)
        } catch let error as AccordError {
            let key = error.field.flatMap { fieldNames[$0] }
            throw error.renamingField(key.map(path) ?? prefix)
        }
    }
}
