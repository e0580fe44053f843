import AccordCore
import ArgumentParser
import Foundation

/// `accord codes list J01`: the codes an option drawn from a CI-SIS value set accepts, as
/// Accord holds them (generated from the ANS files by `Scripts/generate-people-value-sets.py`).
struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes", abstract: "List the codes of the CI-SIS value sets options draw from.", subcommands: [List.self])

    /// The value sets `codes list` knows, by their short name.
    static let valueSets: [(name: String, title: String, oid: String, codes: [CodedValue], options: String)] = [
        (
            "J01", "JDV_J01 XdsAuthorSpecialty (professions and specialties)", FrenchValueSets.authorSpecialtiesValueSetOID,
            FrenchValueSets.authorSpecialties, "--clinician-specialty, participant add --specialty"
        ),
        (
            "J11", "JDV_J11 RelationPatient (relation to the patient)", FrenchValueSets.patientRelationsValueSetOID,
            FrenchValueSets.patientRelations, "participant add --relationship"
        ),
        ("J245", "JDV_J245 Civilite", FrenchValueSets.civilitiesValueSetOID, FrenchValueSets.civilities, "--clinician-prefix, --prefix"),
        ("J246", "JDV_J246 Titre", FrenchValueSets.titlesValueSetOID, FrenchValueSets.titles, "--clinician-prefix, --prefix"),
    ]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List a value set's codes: code, display name, code system OID (tab-separated).",
            discussion: "Value sets: J01 (professions and specialties), J11 (relation to the patient), J245 (civilité), J246 (titre).")

        @Argument(help: ArgumentHelp("The value set: J01, J11, J245 or J246.", valueName: "value-set"))
        var valueSet: String

        @Option(help: ArgumentHelp("Only the codes whose code or display name contains this text.", valueName: "text"))
        var search: String?

        func run() throws {
            guard let set = CodesCommand.valueSets.first(where: { $0.name.caseInsensitiveCompare(valueSet) == .orderedSame }) else {
                throw AccordError.invalid(
                    "value-set", "is not a value set Accord holds", accepted: CodesCommand.valueSets.map(\.name).joined(separator: ", "))
            }
            print("# \(set.title), OID \(set.oid); used by \(set.options)")
            for code in set.codes {
                if let search, !code.code.localizedCaseInsensitiveContains(search),
                    !code.displayName.localizedCaseInsensitiveContains(search)
                {
                    continue
                }
                print("\(code.code)\t\(code.displayName)\t\(code.codeSystem)")
            }
        }
    }
}
