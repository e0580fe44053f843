import AccordCore
import Crypto
import Foundation

/// Exports a consultation as a FHIR R4 document Bundle in XML (profile `fhir-r4`).
///
/// The Bundle (type `document`) starts with a Composition whose sections mirror the CDA
/// export's, followed by the resources they reference: Patient, Practitioner and
/// PractitionerRole, RelatedPerson, Organization, Encounter, Condition, CarePlan (one
/// proposal per option, the agreed plan), Goal (what matters to the patient),
/// QuestionnaireResponse (instruments) and Provenance. `Exports/fhir-r4/README.md` maps every
/// element.
///
/// It takes the same input as the CDA export (``CDAExportInput``), and its ids derive from the
/// same values on its own id branch (``branch``, `3`; AccordCore's `DocumentIDs`), so that a FHIR
/// document never shares an id with the CDA document of the same version: the Bundle identifier
/// is `urn:oid:<centre root>.3.<session>.<version>`, the Composition identifier the set id
/// `urn:oid:<centre root>.3.<session>`; a version issued before the branches keeps branch `1`. Each entry's `fullUrl` is a name-based UUID
/// (``resourceUUID(session:version:centre:resource:)``), so the same input gives the same bytes.
public enum FHIRExporter {
    /// The id branch of `fhir-r4` documents (AccordCore's `DocumentIDs`): `3`.
    public static let branch = DocumentIDs.branch(profile: "fhir-r4")
    /// The FHIR namespace of every element of the document.
    public static let namespace = "http://hl7.org/fhir"
    /// The XHTML namespace of narrative `div` elements.
    public static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"
    /// Accord's local code system as a FHIR system URI (the CDA export's
    /// ``CDAExporter/localCodeSystem``, on Accord's own arc `2.25.283297555832327549653822455234110437042`).
    public static let localSystem = "urn:oid:\(CDAExporter.localCodeSystem)"
    /// The file name of a version: `<session id>-v<version>.fhir.xml`, e.g. `S1-v1.fhir.xml`;
    /// pseudonymised, `S1-v1.pseudonymised.fhir.xml` (``ExportProfile/pseudonymisedName(_:)``).
    public static func fileName(session: SessionID, version: Int, pseudonymised: Bool = false) -> String {
        let name = ExportProfile.fileName(session: session, version: version, extension: ".fhir.xml")
        return pseudonymised ? ExportProfile.pseudonymisedName(name) : name
    }

    /// The deterministic UUID of one resource of one document version.
    ///
    /// A name-based UUID computed with SHA-256, so an RFC 9562 version 8 UUID (version 5 is
    /// reserved for SHA-1; RFC 9562 §5.8 and its appendix B.2 give SHA-256 name-based UUIDs as
    /// version 8): the first 16 bytes of SHA-256(`accord/<centre OID root>/<session>/<version>/<resource>`)
    /// with the version nibble (the high 4 bits of byte 6) set to `1000` and the variant bits
    /// (the high 2 bits of byte 8) set to `10`. Never random: the same
    /// session, version and resource always give the same UUID; another centre, session,
    /// version or resource gives another.
    ///
    /// ```swift
    /// FHIRExporter.resourceUUID(session: SessionID(number: 1), version: 1, centre: centre, resource: "Patient")
    /// // "xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx", lower case
    /// ```
    /// - Parameters:
    ///   - session: the session.
    ///   - version: the document version, from 1.
    ///   - centre: the centre's settings (its OID root).
    ///   - resource: the resource's name in the document (`Patient`, `CarePlan/O1`, …).
    /// - Returns: the UUID in lower case, 36 characters.
    public static func resourceUUID(session: SessionID, version: Int, centre: CentreSettings, resource: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("accord/\(centre.oidRoot)/\(session)/\(version)/\(resource)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.lowercase(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    /// Builds the document.
    ///
    /// Deterministic: the bytes depend on `input` only (no current time, no random ids, no
    /// dictionary order). UTF-8 without byte-order mark; free text is sanitized by
    /// ``XMLWriter`` (characters XML 1.0 forbids removed) and escaped.
    /// - Parameter input: the consultation, centre, export instant and version.
    /// - Returns: the FHIR R4 document Bundle in XML.
    public static func document(_ input: CDAExportInput) -> Data {
        var builder = FHIRBuilder(input: input)
        return builder.build()
    }

    /// Builds the document, checks it and writes it atomically into `directory`.
    ///
    /// With a schema, the document must validate; without one it must be well-formed and the
    /// outcome says ``ExportOutcome/Validation/notValidated``. The file is first written to a
    /// temporary file (mode 0600, synced) in the same folder, then renamed to
    /// ``fileName(session:version:pseudonymised:)``; when a check fails nothing is left behind.
    ///
    /// - Parameters:
    ///   - input: what to export.
    ///   - pseudonymised: whether `input` was pseudonymised (its file name then says so).
    ///   - directory: the output folder (created when missing).
    ///   - schema: the compiled FHIR schema (`fhir-r4/fhir-single.xsd`, ``SchemaLocator/fhir()``), or `nil`.
    /// - Returns: the file written, its size and how it was checked.
    /// - Throws: `AccordError` (`invalidDocument`) when the document fails schema validation
    ///   (with the first schema messages) or is not well-formed; (`io`) when the folder or file
    ///   cannot be written.
    public static func write(
        _ input: CDAExportInput, pseudonymised: Bool = false, to directory: URL, schema: XMLSchema?
    ) throws -> ExportOutcome {
        try ExportFile.checkAndWrite(
            document(input), named: fileName(session: input.consultation.id, version: input.version, pseudonymised: pseudonymised),
            in: directory, schema: schema,
            what: "the FHIR document for session \(input.consultation.id)")
    }
}
