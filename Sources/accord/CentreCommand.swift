import AccordCore
import AccordService
import ArgumentParser
import Foundation

struct CentreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "centre",
        abstract: "The centre's settings: custodian of every document and root of its ids.",
        subcommands: [Set.self, Show.self, Codes.self, Site.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the centre's settings (recorded as an event; earlier settings stay in the log).",
            discussion:
                "Every option is required; run `accord centre codes` for the JDV_J02 and JDV_J04 codes. The sites declared with `accord centre site add` stay declared."
        )

        @OptionGroup var store: StoreOptions

        @Option(
            help: ArgumentHelp(
                "The centre's OID root (CDA document ids ROOT.1.SESSION.VERSION, FHIR ROOT.3…, custom profiles ROOT.4.N…; IPPs ROOT.2). It may not contain or lie under Accord's own arc 2.25.283297555832327549653822455234110437042.",
                valueName: "oid"))
        var oidRoot: String

        @Option(help: ArgumentHelp("The centre's FINESS number.", valueName: "finess"))
        var finess: String

        @Option(parsing: .unconditional, help: ArgumentHelp("The centre's name.", valueName: "text"))
        var name: String

        @Option(parsing: .unconditional, help: ArgumentHelp("The centre's postal address, one line.", valueName: "text"))
        var address: String

        @Option(help: ArgumentHelp("Type of facility, a code from JDV_J02 (e.g. SA36, Centre anti-cancer).", valueName: "code"))
        var facilityCode: String

        @Option(help: ArgumentHelp("Practice setting, a code from JDV_J04 (e.g. ETABLISSEMENT).", valueName: "code"))
        var practiceSetting: String

        @Option(
            help: ArgumentHelp(
                "The https base URL of the centre's FHIR resources: the instruments' Questionnaire canonical URLs are BASE/Questionnaire/ID (without it, urn:oid:ROOT.6.N). Not under example.org.",
                valueName: "url"))
        var fhirBase: String?

        func run() throws {
            guard let facility = FrenchValueSets.facility(code: facilityCode.uppercased()) else {
                throw AccordError.invalid(
                    "--facility-code", "is not in value set JDV_J02",
                    accepted: "a JDV_J02 code such as SA36 (Centre anti-cancer); `accord centre codes` lists them")
            }
            guard let setting = FrenchValueSets.practiceSetting(code: practiceSetting.uppercased()) else {
                throw AccordError.invalid(
                    "--practice-setting", "is not in value set JDV_J04",
                    accepted: "a JDV_J04 code such as ETABLISSEMENT; `accord centre codes` lists them")
            }
            var settings = CentreSettings(
                oidRoot: oidRoot, finess: finess.uppercased(), name: name, address: address, facility: facility, practiceSetting: setting,
                fhirBase: fhirBase)
            let author = try store.recordingAuthor() ?? "os:" + (ProcessEnvironment.value("USER") ?? "unknown")
            let service = try store.openStore()
            // The declared sites stay declared (a site is never dropped by new settings).
            settings.sites = try service.centreSettings()?.sites
            try service.setCentreSettings(settings, author: author)
            Terminal.finessWarning(settings.finess, field: "--finess")
            if settings.isExample {
                Terminal.warning("the OID root is on the 2.999 example arc; documents exported with it are examples.")
            }
            Terminal.message("Centre settings recorded.")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the centre's current settings.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print the settings as JSON.")
        var json = false

        func run() throws {
            let stored = AccordService.databaseMayExist(at: store.path) ? try store.openExistingStore().centreSettings() : nil
            let settings = stored ?? .example
            if stored == nil {
                Terminal.warning("no centre settings yet: exports use these example values; set them with `accord centre set`.")
            }
            if json {
                try Terminal.printJSON(settings)
                return
            }
            print("OID root:         \(settings.oidRoot)")
            print("FINESS:           \(settings.finess)")
            print("Name:             \(settings.name)")
            print("Address:          \(settings.address)")
            print("Facility (J02):   \(settings.facility.code) \(settings.facility.displayName)")
            print("Practice (J04):   \(settings.practiceSetting.code) \(settings.practiceSetting.displayName)")
            print("FHIR base:        \(settings.fhirBase ?? "none (Questionnaire canonical URLs: urn:oid:\(settings.oidRoot).6.N)")")
            let sites = settings.sites ?? []
            print("Sites:            " + (sites.isEmpty ? "none declared" : "\(sites.count)"))
            for site in sites {
                print("  FINESS \(site.finess)  \(site.facility.code) \(site.facility.displayName)  \(site.name)")
            }
        }
    }

    struct Site: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "site",
            abstract: "The centre's own sites, where its consultations may take place.", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Declare one of the centre's sites (recorded as a centre-settings event, covered by the centre seal).",
                discussion: """
                    A session held at the site names it with `session start --organisation-finess` (or the consultation \
                    file's organisation_finess); its documents then carry the site's FINESS, name and facility code \
                    (componentOf/encompassingEncounter/location/healthCareFacility in CDA, the Encounter's serviceProvider \
                    Organization in FHIR). The centre's settings must be set first; `accord centre show` lists the sites.
                    """)

            @OptionGroup var store: StoreOptions

            @Option(help: ArgumentHelp("The site's FINESS number (9 characters; a wrong Luhn key is a warning).", valueName: "finess"))
            var finess: String

            @Option(
                help: ArgumentHelp(
                    "The site's type of facility, a code from JDV_J02 (e.g. SA01); `accord centre codes` lists them.", valueName: "code"))
            var facilityCode: String

            @Option(parsing: .unconditional, help: ArgumentHelp("The site's name.", valueName: "text"))
            var name: String

            func run() throws {
                guard let facility = FrenchValueSets.facility(code: facilityCode.uppercased()) else {
                    throw AccordError.invalid(
                        "--facility-code", "is not in value set JDV_J02",
                        accepted: "a JDV_J02 code such as SA01 (Etablissement public de santé); `accord centre codes` lists them")
                }
                let author = try store.recordingAuthor() ?? "os:" + (ProcessEnvironment.value("USER") ?? "unknown")
                let site = CentreSite(finess: finess.uppercased(), name: name, facility: facility)
                _ = try store.openStore().addCentreSite(site, author: author)
                Terminal.finessWarning(site.finess, field: "--finess")
                Terminal.message("Site FINESS \(site.finess) declared.")
            }
        }
    }

    struct Codes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "codes",
            abstract: "List the codes of value sets JDV_J02 (facility) and JDV_J04 (practice setting).")

        func run() throws {
            print("JDV_J02 healthcareFacilityTypeCode (--facility-code):")
            for value in FrenchValueSets.facilityTypes { print("  \(value.code)\t\(value.displayName)") }
            print("JDV_J04 practiceSettingCode (--practice-setting):")
            for value in FrenchValueSets.practiceSettings { print("  \(value.code)\t\(value.displayName)") }
        }
    }
}
