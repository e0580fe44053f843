import AccordCore
import AccordStore
import AccordXML
import ArgumentParser
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a closed session as an XML document for the record system.",
        discussion: """
            The document is validated against the official schema in --schemas or ACCORD_SCHEMAS \
            (cda-fr: DIR/cda-fr/CDA_extended.xsd) and written only when valid. Without schemas it is \
            checked for well-formedness only, and the command says so. Set ACCORD_NOW to fix the \
            document time: the same events at the same time give the same bytes.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The session id.", valueName: "session"))
    var session: SessionArgument

    @Option(help: ArgumentHelp("The export profile: cda-fr.", valueName: "profile"))
    var profile: String = "cda-fr"

    @Option(help: ArgumentHelp("The folder to write into (created when missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Folder of the official schemas (default: env ACCORD_SCHEMAS).", valueName: "dir"))
    var schemas: String?

    func run() throws {
        guard profile == "cda-fr" else {
            throw AccordError.invalid("--profile", "is not a known export profile", accepted: "cda-fr")
        }
        let database = try store.openStore()
        let consultation = try database.consultation(session.id)
        guard consultation.status == .closed else {
            throw AccordError(
                .conflict, "session \(session.id) is still open; close it with `accord session close \(session.id)` before exporting.")
        }
        let stored = try database.centreSettings()
        if stored == nil {
            Terminal.warning(
                "no centre settings yet: the document uses example values on the 2.999 OID arc; set them with `accord centre set`.")
        }
        let schemaFolder = schemas ?? ProcessInfo.processInfo.environment["ACCORD_SCHEMAS"].flatMap { $0.isEmpty ? nil : $0 }
        let schema = try schemaFolder.map { try SchemaLocator(folder: $0, option: schemas != nil ? "--schemas" : "ACCORD_SCHEMAS").cda() }
        let centre = stored ?? .example
        let version = try database.documentVersion(for: consultation, profile: profile)
        let exportedAt = try AccordClock.fromEnvironment().now()
        let input = CDAExportInput(
            consultation: consultation, centre: centre, exportedAt: exportedAt, version: version.version,
            replacedDocumentID: version.replaces.map { CDAExporter.documentID(session: consultation.id, version: $0, centre: centre) })
        let outcome = try CDAExporter.write(input, to: URL(fileURLWithPath: out, isDirectory: true), schema: schema)
        try database.recordExport(of: consultation, profile: profile, version: version, at: exportedAt)
        if let replaced = version.replaces {
            Terminal.message("Version \(version.version) of the document replaces version \(replaced) (the session changed since).")
        }
        switch outcome.validation {
        case .valid(let schemaPath):
            Terminal.message("Wrote \(outcome.byteCount) bytes, validated against \(schemaPath).")
        case .notValidated:
            Terminal.warning("not validated against a schema (set ACCORD_SCHEMAS or --schemas); checked for well-formedness only.")
        }
        print(outcome.path)
    }
}
