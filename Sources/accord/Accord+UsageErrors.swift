import ArgumentParser
import Foundation

extension Accord {
    // MARK: - Values that begin with "-"

    /// Options whose value is free text, answers or a number read by its own rule: they take
    /// the next argument whatever it looks like (`parsing: .unconditional`), so `--text "-5 kg"`,
    /// `--answers -,4,5` and `--importance -1` reach their own checks.
    static let unconditionalOptions: Set<String> = [
        "--text", "--label", "--benefit", "--harm", "--reason", "--name", "--function", "--address", "--version", "--method",
        "--clinician-function", "--topic", "--condition", "--answers", "--agreed", "--importance",
    ]

    /// The option names typed on the command line (`--name` of `--name=value` too), up to
    /// `--`, without the values of ``unconditionalOptions`` (a text may read `--label`).
    static func typedOptionNames(in arguments: [String]) -> [String] {
        var names: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            guard argument.hasPrefix("--"), argument.count > 2 else { continue }
            let name = String(argument.split(separator: "=", maxSplits: 1)[0])
            names.append(name)
            if unconditionalOptions.contains(name) && !argument.contains("=") { index += 1 }
        }
        return names
    }

    // MARK: - Usage errors said in full

    /// A usage error's message, rewritten so that it names every missing option at once,
    /// suggests the nearest command for a mistyped one, and says to quote a value with spaces;
    /// `nil` when ArgumentParser's own message (redacted) says it best. Nothing typed is shown.
    static func rewrittenUsageMessage(for error: Error, arguments: [String]) -> String? {
        // A shell name that ArgumentParser does not know is no command: its own message says so.
        if arguments.contains(where: { $0.hasPrefix("--generate-completion-script") }) { return nil }
        let message = fullMessage(for: error)
        let path = commandPath(in: arguments)
        let leaf = path.last ?? Accord.self
        let usage = message.range(of: "\nUsage: ").map { String(message[$0.lowerBound...]) } ?? ""
        if !leaf.configuration.subcommands.isEmpty,
            let word = arguments.dropFirst(path.count - 1).first(where: { !$0.hasPrefix("-") })
        {
            let names = leaf.configuration.subcommands.map { $0._commandName } + ["help"]
            if !names.contains(word) {
                let command = (["accord"] + path.dropFirst().map { $0._commandName }).joined(separator: " ")
                let suggestion = nearest(to: word, among: names).map { "; did you mean `\($0)`?" } ?? "."
                return "Error: \(command) has no such command (not shown)\(suggestion) The commands are: "
                    + names.joined(separator: ", ") + "." + usage
            }
        }
        if message.hasPrefix("Error: Missing expected argument") {
            let missing = missingArguments(of: path, arguments: arguments, firstMissing: message)
            if missing.count > 1 {
                return "Error: Missing expected arguments "
                    + missing.map { "'\($0)'" }.joined(separator: ", ") + "; give each of them." + usage
            }
        }
        return nil
    }

    /// The hint added to an error about unexpected arguments.
    static let quoteHint = "; a value with spaces is one argument: quote it, e.g. --text \"two words\""

    /// The commands named on the command line, from the root: `[Accord, SessionCommand, Start]`.
    static func commandPath(in arguments: [String]) -> [ParsableCommand.Type] {
        var path: [ParsableCommand.Type] = [Accord.self]
        for argument in arguments {
            if argument.hasPrefix("-") { break }
            guard let next = path.last!.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(next)
        }
        return path
    }

    /// Every required option and argument of the command at `path` missing from `arguments`,
    /// as its usage shows it (`--label <text>`), in the order of the command's definition.
    /// `firstMissing` is ArgumentParser's message, which names the first one.
    static func missingArguments(of path: [ParsableCommand.Type], arguments: [String], firstMissing: String) -> [String] {
        let names = path.dropFirst().map { $0._commandName }
        var definition: [[String: Any]] = []
        do {
            _ = try parseAsRoot(names + ["--experimental-dump-help"])
        } catch {
            let json = fullMessage(for: error)
            if let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                let command = object["command"] as? [String: Any], let arguments = command["arguments"] as? [[String: Any]]
            {
                definition = arguments
            }
        }
        let typed = Set(typedOptionNames(in: arguments))
        var missing: [String] = []
        for argument in definition where (argument["isOptional"] as? Bool) == false {
            let valueName = (argument["valueName"] as? String) ?? "value"
            switch argument["kind"] as? String {
            case "option":
                let longNames = ((argument["names"] as? [[String: Any]]) ?? []).compactMap { name in
                    (name["kind"] as? String) == "long" ? "--" + ((name["name"] as? String) ?? "") : nil
                }
                if let name = longNames.first, typed.isDisjoint(with: longNames) { missing.append("\(name) <\(valueName)>") }
            case "positional":
                if firstMissing.contains("'<\(valueName)>'") { missing.append("<\(valueName)>") }
            default:
                break
            }
        }
        return missing
    }

    /// The name in `names` nearest to `word` (at most two edits away, or one `word` begins),
    /// or `nil`.
    static func nearest(to word: String, among names: [String]) -> String? {
        let typed = Array(word.lowercased())
        let scored = names.map { name -> (String, Int) in
            let candidate = Array(name)
            var previous = Array(0...candidate.count)
            for (i, character) in typed.enumerated() {
                var current = [i + 1] + Array(repeating: 0, count: candidate.count)
                for (j, other) in candidate.enumerated() {
                    current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (character == other ? 0 : 1))
                }
                previous = current
            }
            return (name, name.hasPrefix(word.lowercased()) && !word.isEmpty ? 0 : previous[candidate.count])
        }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= min(2, max(1, typed.count / 2)) else { return nil }
        return best.0
    }
}
