import AccordCore
import AccordService
import ArgumentParser
import Foundation

/// `accord rcp …`: reading tumour board (RCP) reports without touching the database.
struct RCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rcp",
        abstract: "Read tumour board (RCP) reports (CI-SIS FRCP documents).",
        discussion:
            "`accord session start --from-rcp FILE` starts a session from a report; `accord rcp show FILE` shows what it would take.",
        subcommands: [Show.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show what a session started from an RCP report would hold, without writing anything.",
            discussion: "Warnings about identifiers in the report go to standard error.")

        @Argument(help: ArgumentHelp("The RCP report (CDA R2 XML).", valueName: "file"))
        var file: String

        @Flag(help: "Print the report as JSON (sorted keys, every key present).")
        var json = false

        func run() throws {
            let report = try RCPReportFile.read(path: file)
            for warning in report.warnings { Terminal.warning(warning) }
            if json {
                try Terminal.printJSON(report)
            } else {
                print(RCPReportText.render(report), terminator: "")
            }
        }
    }
}

/// Reading an RCP report file and showing it.
enum RCPReportText {
    /// The text form of `accord rcp show`.
    static func render(_ report: RCPReport) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        func identifier(_ id: InstanceIdentifier) -> String { id.root + (id.extension_.map { " / \($0)" } ?? "") }
        line("RCP report: \(identifier(report.documentID))" + (report.setID.map { " (set \(identifier($0)))" } ?? ""))
        if let title = report.title { line("Title:      \(title)") }
        line("Meeting:    " + (report.meetingDate.map(\.description) ?? "not stated"))
        let p = report.patient
        line()
        line("Patient (INS \(p.ins ?? "none"), OID \(p.insOID ?? "none"))")
        line("  birth family name:      \(p.birthFamilyName)")
        line("  birth given names:      \(p.birthGivenNames)")
        line("  first birth given name: \(p.firstBirthGivenName)")
        if let used = p.usedFamilyName { line("  used family name:       \(used)") }
        if let used = p.usedGivenName { line("  used given name:        \(used)") }
        line("  sex:                    \(p.sex.rawValue)")
        line("  birth date:             \(p.birthDate)")
        line("  birthplace (COG):       \(p.birthplaceCode)")
        line("  IPP:                    " + (report.ipp.map { "\($0.extension_ ?? "") (root \($0.root))" } ?? "none"))
        line()
        line(
            "Organisation FINESS: "
                + (report.organisationFINESS.map { "\($0) (from the \(report.organisationSource?.rawValue ?? "report")'s organisation)" }
                    ?? "none (the centre's is used)"))
        if let name = report.organisationName { line("  name:                   \(name)") }
        line("  facility (JDV_J02):     " + (report.facility.map { "\($0.code) \($0.displayName)" } ?? "none for this organisation"))
        if let trusted = report.trustedPerson {
            line("Trusted person:      \(trusted.name)" + (trusted.relationship.map { " (\($0))" } ?? ""))
        }
        if let condition = report.condition {
            line("Condition:  \(condition.text)" + (condition.code.map { " [\($0)]" } ?? ""))
            if let morphology = condition.morphology { line("  morphology (ICD-O-3):   \(morphology.code) \(morphology.displayName)") }
        } else {
            line("Condition:  none in the report")
        }
        line()
        line("Options, in order:" + (report.options.isEmpty ? " none proposed" : ""))
        for (index, option) in report.options.enumerated() {
            let intention = option.intention.map { $0 == 1 ? " (intention 1, first line)" : " (intention \($0), alternative)" } ?? ""
            line("  \(index + 1)  \(option.kind.rawValue): \(option.label)\(intention)")
        }
        line("Surveillance proposed:    \(report.surveillanceProposed ? "yes" : "no")")
        line("Clinical trial proposed:  " + (report.trialProposed.map { $0 ? "yes" : "no" } ?? "not stated"))
        if !report.warnings.isEmpty { line("Warnings:   \(report.warnings.count) (on standard error)") }
        return out
    }
}
