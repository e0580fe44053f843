import AccordStoreTestSupport
import AccordTestSupport
import Foundation
import Testing

/// What a command-line tool of the ecosystem is expected to offer: `--version`, shell
/// completion scripts, the help dump that manual pages are made from, and one line on standard
/// error per failure.
@Suite struct ToolHabitsTests {
    // MARK: - Version

    @Test func versionPrintsOneLineOnStandardOutput() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["--version"])
        #expect(result.status == 0)
        // `Accord.version` in Sources/accord/Accord.swift.
        #expect(result.stdout == "accord 0.9.0\n")
        #expect(result.stderr == "")
    }

    @Test func aDecisionAidsVersionIsStillTheAidsVersion() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "start"] + CommandLineHabitsTests.patient + ["--topic", "Choix"]).status == 0)
        let result = try cli.run(["process", "aid", "S1", "--name", "Aide", "--version", "2.1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("accord 0.9.0"))
        #expect(try cli.run(["session", "show", "S1", "--json"]).stdout.contains("\"2.1\""))
    }

    // MARK: - Shell completion

    @Test(arguments: [
        ("bash", "#!/bin/bash", "complete -o filenames -F _accord accord"),
        ("zsh", "#compdef accord", "fi"),
        ("fish", "function __accord_should_offer_completions_for_flags_or_options -a expected_commands", nil),
    ])
    func completionScriptsArePrintedForEachShell(_ shell: String, _ firstLine: String, _ lastLine: String?) throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.first.map(String.init) == firstLine)
        if let lastLine { #expect(lines.last.map(String.init) == lastLine) }
        #expect(result.stdout.contains("session"))
    }

    @Test func theBashCompletionCompletesCommandsAndValues() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        // Bash completes a line as it would at a prompt: COMP_WORDS and the word being typed.
        let script = #"""
            bash -c 'source <("$ACCORD_BIN" --generate-completion-script bash)
            complete_line() {
                COMP_LINE="$1"; read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_POINT=${#COMP_LINE}; COMPREPLY=()
                _accord accord "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
                echo "${COMPREPLY[*]}"
            }
            complete_line "accord ses"
            complete_line "accord session st"
            complete_line "accord participant add S1 --role "
            complete_line "accord audit participation --by m"'
            """#
        let result = try cli.run(["__shell__", script])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "session\nstart\npatient relative trusted-person carer interpreter professional\nmonth\n")
    }

    @Test func anUnknownShellIsAUsageErrorThatEchoesNothing() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["--generate-completion-script", "MARCHAND"])
        #expect(result.status == 64)
        #expect(
            result.stderr.hasPrefix(
                "Error: Can't generate completion scripts for the shell given.\nPlease use --generate-completion-script=<shell> with one of:\n    zsh bash fish\n"
            ), "\(result.stderr)")
        #expect(!result.stderr.contains("MARCHAND"))
        #expect(result.stdout == "")
    }

    // MARK: - Manual pages

    /// `swift package generate-manual` reads this dump of every command's help.
    @Test func theHelpDumpForManualPagesIsJSON() throws {
        let cli = try AccordCLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["--experimental-dump-help"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let command = try #require(object["command"] as? [String: Any])
        #expect(command["commandName"] as? String == "accord")
        let subcommands = try #require(command["subcommands"] as? [[String: Any]]).compactMap { $0["commandName"] as? String }
        #expect(
            subcommands == [
                "session", "participant", "option", "preference", "decision", "note", "phase", "process", "instrument", "template",
                "entry", "centre", "export", "verify", "run", "rcp", "audit", "verify-export", "patient", "codes", "user", "serve",
                "db", "help",
            ])
    }

    // MARK: - One line per failure

    /// An export that stops on a file it may not replace says so once: the library logs the
    /// stop at `info` level only, the tool prints the error.
    @Test func anExportThatStopsPrintsOneErrorLine() throws {
        let cli = try AccordCLI(environment: ["ACCORD_SCHEMAS": ""])
        defer { cli.cleanUp() }
        #expect(try cli.run(["session", "import", Samples.sampleConsultationFile.path]).status == 0)
        let out = cli.folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("S1-v1.cda.xml"), withIntermediateDirectories: true)
        let result = try cli.run(["export", "--all", "--example-centre", "--out", out.path])
        #expect(result.status == 74)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                accord: warning: no centre settings yet: the document uses example values on the 2.999 OID arc; set them with `accord centre set`.
                accord: warning: not validated against a schema (set ACCORD_SCHEMAS or --schemas); checked for well-formedness only.
                accord: error: S1-v1.cda.xml in the output folder is not a regular file; Accord does not write through links: remove it, or write into a folder only you can write (S1-v1.cda.xml was not written).

                """)
        // With ACCORD_LOG_LEVEL=info the library's line about the stop shows too.
        let verbose = try cli.run(["export", "--all", "--example-centre", "--out", out.path], environment: ["ACCORD_LOG_LEVEL": "info"])
        #expect(verbose.status == 74)
        #expect(verbose.stderr.contains(" info accord: manifest=manifest-20260302T093000Z-2.json [AccordService] export run stopped\n"))
    }
}
