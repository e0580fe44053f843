import ArgumentParser

/// The file operands of the commands that take many files (`session import FILE…`,
/// `template lint FILE…`), handed to the command after argument parsing rather than through it.
///
/// swift-argument-parser (1.8.2) copies a repeating argument's values and their positions at
/// each value it parses, so parsing N files costs N² copies: 5,000 files took 0.75 s, 10,000
/// 3.1 s, 20,000 14 s (a centre's history imported with `./*.yaml`). Here the parser sees the
/// options and the first file only; the other files are appended to the parsed command, in
/// the order typed. What the parser checks and reports (an unknown option, a missing value,
/// `--help`) is unchanged: every option and its value stay on the line it parses.
enum FileOperands {
    /// The commands whose trailing files are taken out: their path after `accord`, and the
    /// options they take that are followed by a value (``StoreOptions``' for `session import`;
    /// none for `template lint`). A value option missing here would have its value taken for a
    /// file, and the parser would then refuse the option for its missing value.
    static let commands: [(path: [String], valueOptions: Set<String>)] = [
        (["session", "import"], StoreOptions.valueOptionNames),
        (["template", "lint"], []),
    ]

    /// Splits `arguments` (the command line after `accord`) into what the parser is given and
    /// the files it is not: for a command of ``commands``, every file operand after the first
    /// one; otherwise nothing is taken out.
    ///
    /// A file operand is a word that is neither an option (`-x`, `--name`, `--name=value`) nor
    /// the value of an option of `valueOptions` (the word after `--name`, or after `--name=`
    /// with nothing after `=`, as the parser reads it); after `--` every word is a file.
    /// Options keep their place.
    static func split(_ arguments: [String]) -> (parsed: [String], later: [String]) {
        guard
            let command = commands.first(where: { arguments.count > $0.path.count && Array(arguments.prefix($0.path.count)) == $0.path })
        else { return (arguments, []) }
        var parsed = command.path
        var later: [String] = []
        var sawFile = false
        var afterTerminator = false
        var index = command.path.count
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            let isFile = afterTerminator || !(word.hasPrefix("-") && word.count > 1)
            if !isFile {
                parsed.append(word)
                if word == "--" {
                    afterTerminator = true
                } else if command.valueOptions.contains(word)
                    || (word.hasSuffix("=") && command.valueOptions.contains(String(word.dropLast()))),
                    index < arguments.count
                {
                    // `--db PATH`: the next word is the option's value, whatever it looks like;
                    // `--db= PATH` too (the parser reads an empty `=` value so).
                    parsed.append(arguments[index])
                    index += 1
                }
            } else if sawFile {
                later.append(word)
            } else {
                parsed.append(word)
                sawFile = true
            }
        }
        return (parsed, later)
    }

    /// `command` with `files` appended to its file operands (the files ``split(_:)`` took out).
    static func appending(_ files: [String], to command: any ParsableCommand) -> any ParsableCommand {
        guard !files.isEmpty else { return command }
        if var command = command as? SessionCommand.Import {
            command.files += files
            return command
        }
        if var command = command as? TemplateCommand.Lint {
            command.files += files
            return command
        }
        return command
    }
}
