import AccordCore
import Foundation

/// The instruments as FHIR R4 Questionnaire resources (`Exports/fhir-r4/questionnaires/<id>.xml`),
/// generated from AccordCore's catalogue (`Instrument.all`) so that they always match it, and
/// the canonical URLs the exported QuestionnaireResponses name.
///
/// Items carry `linkId` `1`…`n` (the item numbers the answers are stored by) and short labels
/// of Accord's own (`Item 3 (0–5)`): the instruments' item wording is licensed by their owners
/// and never shipped (`standards/INSTRUMENTS.md`). Scale items are `integer` with the
/// `minValue`/`maxValue` extensions, yes/no items `boolean`, the Control Preferences Scale's
/// letter a `choice` of `A`–`E` (`valueString`). Scores and flags are not items: the FHIR export
/// gives them as Observations derived from the QuestionnaireResponse.
///
/// Canonical URL: `<fhir base>/Questionnaire/<instrument id>` when the centre sets a FHIR base
/// (AccordCore's `CentreSettings.fhirBase`, never under example.org); else
/// `urn:oid:<centre OID root>.6.<instrument number>` (AccordCore's `DocumentIDs.questionnaireBranch`).
/// A response names it with its version: `<canonical>|<version>`.
public enum FHIRQuestionnaire {
    /// The HL7 extensions of an integer item's bounds.
    static let minValueExtension = "http://hl7.org/fhir/StructureDefinition/minValue"
    static let maxValueExtension = "http://hl7.org/fhir/StructureDefinition/maxValue"

    /// The instrument's number under `ROOT.6`: its position in `InstrumentID.allCases`, from 1.
    public static func number(_ instrument: InstrumentID) -> Int {
        (InstrumentID.allCases.firstIndex(of: instrument) ?? 0) + 1
    }

    /// The canonical URL of an instrument's Questionnaire (without version): under the centre's
    /// FHIR base when it sets one, else `urn:oid:<root>.6.<number>`.
    /// - Parameters:
    ///   - instrument: the instrument.
    ///   - centre: the centre's settings (its FHIR base, else its OID root).
    public static func canonical(_ instrument: InstrumentID, centre: CentreSettings) -> String {
        let base = centre.fhirBase ?? "urn:oid:\(centre.oidRoot).\(DocumentIDs.questionnaireBranch)"
        // A `urn:oid:` base (the default, or the one a pseudonymised document keeps from the
        // centre's own root) names each instrument by its number.
        if base.hasPrefix("urn:oid:") { return "\(base).\(number(instrument))" }
        return "\(base)/Questionnaire/\(instrument.rawValue)"
    }

    /// The versioned canonical a QuestionnaireResponse names: `<canonical>|<version>` (the
    /// version percent-encoded where it is not URL-safe).
    public static func versionedCanonical(_ instrument: InstrumentID, version: String, centre: CentreSettings) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let escaped = version.addingPercentEncoding(withAllowedCharacters: allowed) ?? version
        return "\(canonical(instrument, centre: centre))|\(escaped)"
    }

    /// The `linkId` of item `number` (from 1): `"1"`, `"2"`, …
    public static func linkID(item number: Int) -> String { String(number) }

    /// The file name of an instrument's Questionnaire: `<instrument id>.xml`.
    public static func fileName(_ instrument: InstrumentID) -> String { "\(instrument.rawValue).xml" }

    /// A short label of Accord's own for item `number`: `Item 3 (0–5)`.
    static func label(item number: Int, of instrument: Instrument) -> String {
        "Item \(number) (\(instrument.answerDescription))"
    }

    /// The Questionnaire of `instrument`, in XML (deterministic: no date, no random id).
    /// - Parameters:
    ///   - instrument: the catalogue's definition.
    ///   - centre: the centre's settings (canonical URL, publisher; example settings make the
    ///     resource `experimental`).
    /// - Returns: the resource, UTF-8 without byte-order mark.
    public static func document(_ instrument: Instrument, centre: CentreSettings) -> Data {
        let writer = XMLWriter()
        func value(_ name: String, _ text: String) { writer.element(name, attributes: [("value", text)]) }
        writer.startDocument()
        writer.element("Questionnaire") {
            writer.attribute("xmlns", FHIRExporter.namespace)
            value("id", instrument.id.rawValue)
            value("language", "fr-FR")
            writer.element("text") {
                value("status", "generated")
                writer.element("div") {
                    writer.attribute("xmlns", FHIRExporter.xhtmlNamespace)
                    writer.element(
                        "p",
                        text:
                            "\(instrument.name), version \(instrument.version) : \(instrument.itemCount) item(s), réponses \(instrument.answerDescription)."
                    )
                    writer.element(
                        "p",
                        text:
                            "Libellés d'Accord ; le texte des items appartient aux auteurs de l'instrument et n'est pas reproduit. Source : \(instrument.source)."
                    )
                }
            }
            value("url", canonical(instrument.id, centre: centre))
            value("version", instrument.version)
            value("name", computableName(instrument.id))
            value("title", "\(instrument.name) (réponses par numéro d'item)")
            value("status", "active")
            value("experimental", centre.isExample ? "true" : "false")
            value("subjectType", "Patient")
            value("publisher", centre.name)
            value(
                "description",
                "Réponses aux \(instrument.itemCount) item(s) de \(instrument.name) (version \(instrument.version) des règles de score), par numéro d'item. Score : \(instrument.scoreRange). Règle : \(instrument.rule)"
            )
            for number in 1...instrument.itemCount {
                writer.element("item") {
                    if case .scale(let range) = instrument.answerKind {
                        for (url, bound) in [(minValueExtension, range.lowerBound), (maxValueExtension, range.upperBound)] {
                            writer.element("extension") {
                                writer.attribute("url", url)
                                value("valueInteger", String(bound))
                            }
                        }
                    }
                    value("linkId", linkID(item: number))
                    value("text", label(item: number, of: instrument))
                    switch instrument.answerKind {
                    case .scale: value("type", "integer")
                    case .yesNo: value("type", "boolean")
                    case .letters(let letters):
                        value("type", "choice")
                        for letter in letters {
                            writer.element("answerOption") { value("valueString", letter) }
                        }
                    }
                }
            }
        }
        return writer.finish()
    }

    /// `SDMQ9`, `DCS16`: the id without its punctuation, in capitals (FHIR `name`, a
    /// computer-friendly name).
    static func computableName(_ id: InstrumentID) -> String {
        id.rawValue.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    /// Writes every instrument's Questionnaire into `directory` (``fileName(_:)``), each checked
    /// against `schema` when one is given (well-formedness otherwise), atomically.
    /// - Returns: the files written, in catalogue order.
    /// - Throws: `AccordError` (`invalidDocument`) when one fails its check (none after it is
    ///   written), (`io`).
    public static func writeAll(centre: CentreSettings, to directory: URL, schema: XMLSchema?) throws -> [URL] {
        try Instrument.all.map { instrument in
            try ExportFile.checkAndWrite(
                document(instrument, centre: centre), named: fileName(instrument.id), in: directory, schema: schema,
                what: "the Questionnaire of \(instrument.name)"
            ).url
        }
    }
}
