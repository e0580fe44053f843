import Foundation
import Yams

/// The wording of instruments' items, supplied by the centre under the owners' licence.
///
/// Item wording belongs to the instruments' owners: Accord never ships it. A centre that holds
/// a licence writes it into a YAML file that `accord serve` reads once at start from the
/// environment variable `ACCORD_INSTRUMENT_WORDING`; the patient's screen then shows each
/// item's text. Without the file, items show their number and a short label of Accord's own.
///
/// The file: instrument id (as `accord instrument list` names it) → version of the
/// instrument (as Accord scores it) → language (`fr`, `en`) → item number (1…items) → text.
///
/// ```yaml
/// sdm-q-9:
///   "2010":
///     fr:
///       1: "Texte de l’item 1"
///       2: "Texte de l’item 2"
///     en:
///       1: "Item 1 text"
/// ```
///
/// An item or language left out falls back to the short label. No anchor or alias; at most
/// 1 MiB; each text one line of 1 to 1000 characters.
public struct InstrumentWording: Sendable, Hashable {
    /// Text by instrument, version, language code (`fr`, `en`) and item number (from 1).
    public let texts: [InstrumentID: [String: [String: [Int: String]]]]

    /// Wording from already-checked texts (tests).
    public init(texts: [InstrumentID: [String: [String: [Int: String]]]]) { self.texts = texts }

    /// The text of item `item` of `instrument` in `language` (`fr`, `en`), or `nil`.
    public func text(of instrument: Instrument, item: Int, language: String) -> String? {
        texts[instrument.id]?[instrument.version]?[language]?[item]
    }

    /// The name of the environment variable that gives the file: `ACCORD_INSTRUMENT_WORDING`.
    public static let environmentVariable = "ACCORD_INSTRUMENT_WORDING"

    /// Reads and checks the wording file at `path`.
    ///
    /// - Throws: `AccordError` (`io`) naming `ACCORD_INSTRUMENT_WORDING` when the file cannot
    ///   be read; (`invalidInput`) naming it when the file is not of the shape above (an unknown
    ///   instrument or language, a version Accord does not score, an item out of range, a text
    ///   that is not one line of 1 to 1000 characters). Messages never quote the file's texts.
    public static func load(path: String) throws -> InstrumentWording {
        let field = environmentVariable
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AccordError(.io, "the instrument wording file cannot be read; give the path of a readable YAML file.", field: field)
        }
        let shape = "a YAML mapping: instrument id → version → fr or en → item number → text"
        guard data.count <= 1024 * 1024, let text = String(data: data, encoding: .utf8) else {
            throw AccordError.invalid(field, "is larger than 1 MiB or not UTF-8", accepted: shape)
        }
        if let line = ConsultationFile.firstAnchorOrAlias(in: text) {
            throw AccordError.invalid(field, "uses a YAML anchor or alias at line \(line)", accepted: shape + ", every value written out")
        }
        if let (line, name, _) = ConsultationFile.firstYAMLOnlyLineBreak(in: text) {
            throw AccordError.invalid(
                field, "holds \(name) at line \(line), which YAML reads as a line break and would change the text around it",
                accepted: shape + ", lines ending with line feeds")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw AccordError.invalid(field, "is not valid YAML", accepted: shape)
        }
        guard let root else { return InstrumentWording(texts: [:]) }
        guard let instruments = root.mapping else { throw AccordError.invalid(field, "is not a mapping", accepted: shape) }
        var texts: [InstrumentID: [String: [String: [Int: String]]]] = [:]
        for (idNode, versionsNode) in instruments {
            guard let id = idNode.string.flatMap(InstrumentID.init(rawValue:)) else {
                throw AccordError.invalid(
                    field, "names an instrument Accord does not know",
                    accepted: "instrument ids among " + InstrumentID.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let instrument = id.instrument
            guard let versions = versionsNode.mapping else {
                throw AccordError.invalid(field, "gives \(id.rawValue) no mapping of versions", accepted: shape)
            }
            for (versionNode, languagesNode) in versions {
                guard let version = versionNode.string, version == instrument.version else {
                    throw AccordError.invalid(
                        field, "gives \(id.rawValue) a version Accord does not score",
                        accepted: "version \(instrument.version) for \(id.rawValue) (quote it: \"\(instrument.version)\")")
                }
                guard let languages = languagesNode.mapping else {
                    throw AccordError.invalid(field, "gives \(id.rawValue) \(version) no mapping of languages", accepted: shape)
                }
                for (languageNode, itemsNode) in languages {
                    guard let language = languageNode.string, ["fr", "en"].contains(language) else {
                        throw AccordError.invalid(field, "names a language other than fr or en under \(id.rawValue)", accepted: shape)
                    }
                    guard let items = itemsNode.mapping else {
                        throw AccordError.invalid(field, "gives \(id.rawValue) \(language) no mapping of items", accepted: shape)
                    }
                    for (itemNode, textNode) in items {
                        guard let item = itemNode.string.flatMap({ Int($0) }), (1...instrument.itemCount).contains(item) else {
                            throw AccordError.invalid(
                                field, "gives \(id.rawValue) \(language) an item number out of range",
                                accepted: "item numbers 1 to \(instrument.itemCount)")
                        }
                        guard let wording = textNode.string, !wording.trimmingCharacters(in: .whitespaces).isEmpty,
                            wording.count <= 1000, !wording.contains(where: \.isNewline)
                        else {
                            throw AccordError.invalid(
                                field, "gives item \(item) of \(id.rawValue) \(language) an empty, multi-line or too long text",
                                accepted: "one line of 1 to 1000 characters")
                        }
                        texts[id, default: [:]][version, default: [:]][language, default: [:]][item] = wording
                    }
                }
            }
        }
        return InstrumentWording(texts: texts)
    }
}
