import AccordCore
import Foundation

/// Writes one FHIR R4 document Bundle in XML for ``FHIRExporter``.
///
/// Element order follows the R4 resource definitions (the schema `fhir-single.xsd` enforces
/// it); every primitive is an element with a `value` attribute, and a value that is empty
/// once sanitized and trimmed is left out rather than written empty. The Composition and its
/// sections are in `FHIRBuilder+Composition.swift`, the other resources in
/// `FHIRBuilder+Resources.swift`.
struct FHIRBuilder {
    let input: CDAExportInput
    let writer = XMLWriter()

    var consultation: Consultation { input.consultation }

    /// A FHIR `dateTime`: the UTC instant (`2026-03-02T09:30:00Z`); in a pseudonymised document
    /// its day alone (`2026-03-02`: no time of day). `instant` elements (`Bundle.timestamp`,
    /// `Provenance.recorded`) keep the full form, at 00:00:00Z when pseudonymised.
    func dateTime(_ date: Date) -> String {
        consultation.isPseudonymised ? CalendarDate(utcDayOf: date).description : UTCInstant.format(date)
    }
    var centre: CentreSettings { input.centre }
    /// The set's id branch: the one it was issued under, else `fhir-r4`'s (`3`).
    var branch: String { input.idBranch ?? FHIRExporter.branch }
    var setID: InstanceIdentifier { CDAExporter.setID(session: consultation.id, centre: centre, branch: branch) }

    /// The FINESS of the organisation where the consultation took place.
    var siteFINESS: String { place.finess }
    /// The organisation where the consultation took place, with its own facility code.
    var place: ConsultationPlace { consultation.start.place(centre: centre) }
    /// The Organization resource of the place of the consultation: the centre's unless another
    /// FINESS was recorded.
    var siteOrganization: String { siteFINESS == centre.finess ? "Organization/centre" : "Organization/site" }

    static let loinc = "http://loinc.org"
    static let uriSystem = "urn:ietf:rfc:3986"
    static let frCoreIdentifierType = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
    /// The FR Core version followed: the one the FSH sources of Interop-Sante/hl7.fhir.fr.core
    /// give (`sushi-config.yaml`, `version: 2.2.0-ballot`), as for the identity-reliability
    /// extension and the RNIV status codes.
    static let frCoreVersion = "2.2.0-ballot"

    /// The versioned canonical of an FR Core profile, e.g.
    /// `https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient|2.2.0-ballot`.
    static func frCoreProfile(_ id: String) -> String {
        "https://hl7.fr/ig/fhir/core/StructureDefinition/\(id)|\(frCoreVersion)"
    }
    static let v2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203"
    static let participationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
    static let icd10OID = "2.16.840.1.113883.6.3"

    /// A health professional in the document: the clinician (`P2`), another professional
    /// participant, or an author of events who is neither (Practitioner only, no role).
    struct Professional {
        /// The name of its resources: `P2`, `P4`, … for participants, `A1`, … for other authors.
        var key: String
        var idNatPS: String?
        var name: String?
        var function: String?
        /// Whether it has a PractitionerRole (participants do; other authors do not).
        var hasRole: Bool
        /// The name in parts and the specialty (JDV_J01), when recorded.
        var details: PersonDetails? = nil
    }

    /// The clinician first, then the other professional participants, then the authors of
    /// events who are not participants.
    let professionals: [Professional]
    /// Relatives, trusted persons, carers and interpreters (not withdrawn).
    let relatedPersons: [Participant]
    /// Options shown: not withdrawn, or withdrawn after closing (then `entered-in-error`).
    let activeOptions: [ConsultationOption]
    /// Preferences shown: not withdrawn, or withdrawn after closing (then `entered-in-error`).
    let activePreferences: [Preference]
    /// Instrument responses shown: not withdrawn, or withdrawn after closing (then
    /// `entered-in-error`).
    let activeInstruments: [InstrumentResponse]

    init(input: CDAExportInput) {
        self.input = input
        let consultation = input.consultation
        var professionals = [
            Professional(
                key: consultation.clinician.entry.rawValue, idNatPS: consultation.start.clinicianID, name: consultation.clinician.name,
                function: consultation.clinician.function, hasRole: true, details: consultation.clinician.details)
        ]
        for participant in consultation.participants.dropFirst(2) where !participant.withdrawn && participant.role == .professional {
            professionals.append(
                Professional(
                    key: participant.entry.rawValue, idNatPS: participant.id, name: participant.name, function: participant.function,
                    hasRole: true, details: participant.details))
        }
        for (index, author) in consultation.authors.enumerated() where !professionals.contains(where: { $0.idNatPS == author }) {
            professionals.append(Professional(key: "A\(index + 1)", idNatPS: author, name: nil, function: nil, hasRole: false))
        }
        self.professionals = professionals
        let relatedRoles: Set<ParticipantRole> = [.relative, .trustedPerson, .carer, .interpreter]
        relatedPersons = consultation.participants.filter { !$0.withdrawn && relatedRoles.contains($0.role) }
        activeOptions = consultation.options.filter { ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation) }
        activePreferences = consultation.preferences.filter {
            ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation)
        }
        activeInstruments = consultation.instruments.filter {
            ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation)
        }
    }

    /// Decisions replaced or withdrawn after closing that had a plan (agreed or deferred), each
    /// kept as `CarePlan/D<n>`.
    var earlierPlans: [Decision] {
        DocumentSection.earlierDecisions(consultation).filter {
            if case .declined = $0.outcome { return false }
            return true
        }
    }

    /// The resource name of the current decision's CarePlan, when the decision gives one
    /// (agreed: the plan; deferred: the plan on hold; declined or none: no plan).
    var decisionPlan: String? {
        switch consultation.decision?.outcome {
        case .agreed?, .deferred?: "CarePlan/decision"
        case .declined?, nil: nil
        }
    }

    mutating func build() -> Data {
        writer.startDocument()
        writer.element("Bundle") {
            writer.attribute("xmlns", FHIRExporter.namespace)
            value("id", uuid("Bundle"))
            writer.element("identifier") {
                value("system", Self.uriSystem)
                value(
                    "value",
                    "urn:oid:"
                        + CDAExporter.documentID(session: consultation.id, version: input.version, centre: centre, branch: branch).root)
            }
            value("type", "document")
            value("timestamp", UTCInstant.format(input.exportedAt))
            composition()
            patient()
            for professional in professionals { practitioner(professional) }
            for professional in professionals where professional.hasRole { practitionerRole(professional) }
            centreOrganization()
            if siteOrganization != "Organization/centre" { siteOrganizationResource() }
            for participant in relatedPersons { relatedPerson(participant) }
            encounter()
            if let condition = consultation.start.condition { conditionResource(condition) }
            for option in activeOptions { proposal(option) }
            if decisionPlan != nil, let decision = consultation.decision { plan(decision) }
            for earlier in earlierPlans { plan(earlier, resource: "CarePlan/\(earlier.entry)") }
            for preference in activePreferences { goal(preference) }
            for response in activeInstruments {
                questionnaireResponse(response)
                instrumentObservations(response)
            }
            provenance()
            for (index, amendment) in consultation.amendments.enumerated() {
                amendmentProvenance(DocumentAmendment(amendment, consultation), number: index + 1)
            }
        }
        return writer.finish()
    }

    // MARK: - Names and references

    /// The UUID of a resource of this document (see ``FHIRExporter/resourceUUID(session:version:centre:resource:)``).
    func uuid(_ resource: String) -> String {
        FHIRExporter.resourceUUID(session: consultation.id, version: input.version, centre: centre, resource: resource)
    }

    /// The `fullUrl` of a resource, and what references to it hold: `urn:uuid:…`.
    func url(_ resource: String) -> String { "urn:uuid:" + uuid(resource) }

    /// The resource name of a participant, or `nil` for an unknown or withdrawn one.
    func resourceName(of entry: EntryID) -> String? {
        guard let participant = consultation.participants.first(where: { $0.entry == entry }), !participant.withdrawn else { return nil }
        switch participant.role {
        case .patient: return "Patient"
        case .professional:
            return professionals.contains { $0.key == entry.rawValue && $0.hasRole } ? "PractitionerRole/\(entry.rawValue)" : nil
        case .relative, .trustedPerson, .carer, .interpreter: return "RelatedPerson/\(entry.rawValue)"
        }
    }

    // MARK: - Small writers

    /// Free text as FHIR accepts it: sanitized, without leading or trailing white space;
    /// `nil` when nothing is left (FHIR refuses empty values).
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let clean = XMLText.sanitized(text).trimmingCharacters(in: .whitespacesAndNewlines)
        return clean.isEmpty ? nil : clean
    }

    /// `<name value="…"/>`, left out when the value is `nil` or empty once cleaned.
    func value(_ name: String, _ text: String?) {
        guard let clean = Self.clean(text) else { return }
        writer.element(name, attributes: [("value", clean)])
    }

    /// Opens one Bundle entry: `fullUrl`, `resource`, the resource element and its `id`, then
    /// `meta.profile` for each profile claimed; `body` writes the rest of the resource.
    func entry(_ resource: String, type: String, profiles: [String] = [], _ body: () -> Void) {
        writer.element("entry") {
            value("fullUrl", url(resource))
            writer.element("resource") {
                writer.element(type) {
                    value("id", uuid(resource))
                    if !profiles.isEmpty {
                        writer.element("meta") {
                            for profile in profiles { value("profile", profile) }
                        }
                    }
                    body()
                }
            }
        }
    }

    /// A literal reference to a resource of the Bundle, with an optional display.
    func reference(_ element: String, to resource: String, display: String? = nil) {
        writer.element(element) {
            value("reference", url(resource))
            value("display", display)
        }
    }

    /// `<element><coding>…</coding>…<text/></element>`; nothing when both are empty.
    func concept(_ element: String, codings: [(system: String, code: String, display: String?)] = [], text: String? = nil) {
        guard !codings.isEmpty || Self.clean(text) != nil else { return }
        writer.element(element) {
            for coding in codings {
                writer.element("coding") {
                    value("system", coding.system)
                    value("code", coding.code)
                    value("display", coding.display)
                }
            }
            value("text", text)
        }
    }

    /// A code of Accord's local code system (the CDA export's `2.25.283297555832327549653822455234110437042.2`).
    func localConcept(_ element: String, code: String, display: String, text: String? = nil) {
        concept(element, codings: [(FHIRExporter.localSystem, code, display)], text: text)
    }

    /// An Identifier with optional use and type.
    func identifier(
        use: String? = nil, type: (system: String, code: String, display: String)? = nil, system: String, value identifierValue: String
    ) {
        writer.element("identifier") {
            value("use", use)
            if let type { concept("type", codings: [(type.system, type.code, type.display)]) }
            value("system", system)
            value("value", identifierValue)
        }
    }

    /// An HL7 v3 instance identifier as a FHIR Identifier: system `urn:oid:<root>` and value
    /// the extension; for a root alone, system `urn:ietf:rfc:3986` and value `urn:oid:<root>`.
    static func identifierParts(_ id: InstanceIdentifier) -> (system: String, value: String) {
        if let ext = id.extension_, clean(ext) != nil { return ("urn:oid:\(id.root)", ext) }
        return (uriSystem, "urn:oid:\(id.root)")
    }

    /// An entry of the session (option, preference, decision, instrument) identified as in the
    /// CDA export: system `urn:oid:<setId root>`, value the entry id (`O1`, `M1`, `D1`, `I1`).
    func entryIdentifier(_ entry: EntryID) {
        identifier(system: "urn:oid:\(setID.root)", value: entry.rawValue)
    }

    /// The resource's narrative: `text` with status `generated` and an XHTML `div`; `content`
    /// writes the XHTML inside the `div` (it must write some text).
    func narrative(_ content: () -> Void) {
        writer.element("text") {
            code("status", FHIRNarrativeStatus.generated)
            writer.element("div") {
                writer.attribute("xmlns", FHIRExporter.xhtmlNamespace)
                content()
            }
        }
    }

    /// A narrative of paragraphs (empty ones left out; a dash when all are empty).
    func narrative(paragraphs: [String?]) {
        narrative {
            let lines = paragraphs.compactMap(Self.clean)
            for line in lines.isEmpty ? ["—"] : lines { writer.element("p", text: line) }
        }
    }

    /// A list `ul` (or `ol`) of items, empty ones left out; a dash paragraph when all are.
    func list(_ items: [String], ordered: Bool = false) {
        let lines = items.compactMap(Self.clean)
        guard !lines.isEmpty else {
            writer.element("p", text: "—")
            return
        }
        writer.element(ordered ? "ol" : "ul") {
            for line in lines { writer.element("li", text: line) }
        }
    }

}
