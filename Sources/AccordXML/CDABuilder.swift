import AccordCore
import Foundation

/// Writes one CDA document for ``CDAExporter``. Element order follows the CDA R2 schema
/// (POCD_MT000040); the header follows the ANS "structuration minimale".
struct CDABuilder {
    let input: CDAExportInput
    let writer = XMLWriter()

    private var consultation: Consultation { input.consultation }
    private var centre: CentreSettings { input.centre }
    private var setID: InstanceIdentifier { CDAExporter.setID(session: consultation.id, centre: centre) }

    /// The FINESS of the organisation where the consultation took place.
    private var organisationFINESS: String { consultation.start.organisationFINESS ?? centre.finess }

    private static let loinc = "2.16.840.1.113883.6.1"

    init(input: CDAExportInput) { self.input = input }

    mutating func build() -> Data {
        writer.startDocument()
        writer.startElement("ClinicalDocument")
        writer.attribute("xmlns", "urn:hl7-org:v3")
        writer.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        header()
        body()
        writer.endElement()
        return writer.finish()
    }

    // MARK: - Small helpers

    /// An instance identifier; an extension left empty once cleaned is left out (never `extension=""`).
    private func ii(_ identifier: InstanceIdentifier, as name: String = "id") {
        var attributes = [("root", identifier.root)]
        if let value = identifier.extension_, !XMLText.sanitized(value).isEmpty { attributes.append(("extension", value)) }
        writer.element(name, attributes: attributes)
    }

    private func coded(_ name: String, _ value: CodedValue) {
        writer.element(name, attributes: [("code", value.code), ("displayName", value.displayName), ("codeSystem", value.codeSystem)])
    }

    private func local(_ name: String, code: String, displayName: String) {
        writer.element(
            name,
            attributes: [
                ("code", code), ("displayName", displayName), ("codeSystem", CDAExporter.localCodeSystem),
                ("codeSystemName", CDAExporter.localCodeSystemName),
            ])
    }

    private func time(_ name: String, _ date: Date) {
        writer.element(name, attributes: [("value", UTCInstant.hl7(date))])
    }

    /// An interval of UTC instants. A session that closes in the second it starts (a whole
    /// consultation imported at once) gets `low` only: the HL7 datatype rules (dtr1-6-IVL_TS)
    /// refuse `high` equal to `low`.
    private func interval(_ name: String, low: Date, high: Date?) {
        writer.startElement(name)
        time("low", low)
        if let high, UTCInstant.hl7(high) != UTCInstant.hl7(low) { time("high", high) }
        writer.endElement()
    }

    /// `<name><family>…</family></name>` for a name recorded as one free-text string.
    private func personName(_ text: String) {
        writer.startElement("name")
        writer.element("family", text: text)
        writer.endElement()
    }

    private func organisation(_ name: String, finess: String, withPracticeSetting: Bool) {
        writer.startElement(name)
        ii(InstanceIdentifier(root: KnownOID.idNatStruct, extension_: "1" + finess))
        if finess == centre.finess { writer.element("name", text: centre.name) }
        if withPracticeSetting { coded("standardIndustryClassCode", centre.practiceSetting) }
        writer.endElement()
    }

    /// An `assignedAuthor`/`assignedEntity` body for the clinician (P2).
    private func clinicianEntity() {
        ii(InstanceIdentifier(root: KnownOID.idNatPS, extension_: consultation.start.clinicianID))
        writer.startElement("assignedPerson")
        personName(consultation.clinician.name)
        writer.endElement()
        organisation("representedOrganization", finess: organisationFINESS, withPracticeSetting: true)
    }

    // MARK: - Header

    private func header() {
        writer.element("realmCode", attributes: [("code", "FR")])
        writer.element("typeId", attributes: [("root", "2.16.840.1.113883.1.3"), ("extension", "POCD_HD000040")])
        writer.element("templateId", attributes: [("root", "2.16.840.1.113883.2.8.2.1")])
        writer.element("templateId", attributes: [("root", "1.2.250.1.213.1.1.1.1")])
        ii(CDAExporter.contentModelTemplateID, as: "templateId")
        ii(CDAExporter.documentID(session: consultation.id, version: input.version, centre: centre))
        writer.element(
            "code",
            attributes: [
                ("code", "11488-4"), ("codeSystem", Self.loinc), ("codeSystemName", "LOINC"),
                ("displayName", "CR ou fiche de consultation ou de visite"),
            ])
        writer.element("title", text: ConsultationDocument.title)
        time("effectiveTime", input.exportedAt)
        writer.element(
            "confidentialityCode",
            attributes: [("code", "N"), ("codeSystem", "2.16.840.1.113883.5.25"), ("displayName", "Normal")])
        writer.element("languageCode", attributes: [("code", "fr-FR")])
        ii(setID, as: "setId")
        writer.element("versionNumber", attributes: [("value", String(input.version))])
        recordTarget()
        author()
        informants()
        custodian()
        legalAuthenticator()
        participants()
        documentationOf()
        if let replaced = input.replacedDocumentID {
            writer.startElement("relatedDocument")
            writer.attribute("typeCode", "RPLC")
            writer.startElement("parentDocument")
            ii(replaced)
            writer.endElement()
            writer.endElement()
        }
        componentOf()
    }

    private func recordTarget() {
        let identity = consultation.start.patient
        writer.startElement("recordTarget")
        writer.startElement("patientRole")
        // The INS only for a qualified identity (INS referential); the IPP always when known.
        if let ins = consultation.start.documentINS { ii(ins) }
        if let ipp = consultation.start.ipp { ii(ipp) }
        writer.startElement("patient")
        writer.attribute("classCode", "PSN")
        writer.startElement("name")
        writer.element("family", attributes: [("qualifier", "BR")], text: identity.birthFamilyName)
        writer.element("given", text: identity.birthGivenNames)
        writer.element("given", attributes: [("qualifier", "BR")], text: identity.firstBirthGivenName)
        if let used = identity.usedFamilyName { writer.element("family", attributes: [("qualifier", "CL")], text: used) }
        if let used = identity.usedGivenName { writer.element("given", attributes: [("qualifier", "CL")], text: used) }
        writer.endElement()
        writer.element(
            "administrativeGenderCode",
            attributes: [
                ("code", identity.sex.rawValue), ("displayName", identity.sex.frenchDisplayName),
                ("codeSystem", "2.16.840.1.113883.5.1"),
            ])
        writer.element("birthTime", attributes: [("value", identity.birthDate.hl7)])
        writer.startElement("birthplace")
        writer.startElement("place")
        writer.startElement("addr")
        writer.element("county", text: identity.birthplaceCode)
        writer.endElement()
        writer.endElement()
        writer.endElement()
        writer.endElement()  // patient
        writer.endElement()  // patientRole
        writer.endElement()  // recordTarget
    }

    private func author() {
        writer.startElement("author")
        time("time", consultation.lastChangedAt)
        writer.startElement("assignedAuthor")
        clinicianEntity()
        writer.endElement()
        writer.endElement()
    }

    /// Trusted persons (`NOK`) and carers (`CAREGIVER`) as header informants, as the ANS
    /// examples carry the trusted person; other relatives and interpreters stay in the body.
    private func informants() {
        for participant in consultation.participants where !participant.withdrawn {
            let classCode: String
            switch participant.role {
            case .trustedPerson: classCode = "NOK"
            case .carer: classCode = "CAREGIVER"
            default: continue
            }
            writer.startElement("informant")
            writer.startElement("relatedEntity")
            writer.attribute("classCode", classCode)
            writer.startElement("relatedPerson")
            personName(participant.name)
            writer.endElement()
            writer.endElement()
            writer.endElement()
        }
    }

    private func custodian() {
        writer.startElement("custodian")
        writer.startElement("assignedCustodian")
        writer.startElement("representedCustodianOrganization")
        ii(InstanceIdentifier(root: KnownOID.idNatStruct, extension_: "1" + centre.finess))
        writer.element("name", text: centre.name)
        writer.startElement("addr")
        writer.element("streetAddressLine", text: centre.address)
        writer.endElement()
        writer.endElement()
        writer.endElement()
        writer.endElement()
    }

    private func legalAuthenticator() {
        writer.startElement("legalAuthenticator")
        time("time", input.exportedAt)
        writer.element("signatureCode", attributes: [("code", "S")])
        writer.startElement("assignedEntity")
        clinicianEntity()
        writer.endElement()
        writer.endElement()
    }

    /// Other professionals who took part, as header participants (`PRF`, `PROV`).
    private func participants() {
        for participant in consultation.participants.dropFirst(2)
        where !participant.withdrawn && participant.role == .professional {
            writer.startElement("participant")
            writer.attribute("typeCode", "PRF")
            interval("time", low: consultation.startedAt, high: consultation.closedAt)
            writer.startElement("associatedEntity")
            writer.attribute("classCode", "PROV")
            if let id = participant.id { ii(InstanceIdentifier(root: KnownOID.idNatPS, extension_: id)) }
            writer.startElement("associatedPerson")
            personName(participant.name)
            writer.endElement()
            writer.endElement()
            writer.endElement()
        }
    }

    private func documentationOf() {
        writer.startElement("documentationOf")
        writer.startElement("serviceEvent")
        writer.attribute("classCode", "ACT")
        interval("effectiveTime", low: consultation.startedAt, high: consultation.closedAt)
        writer.startElement("performer")
        writer.attribute("typeCode", "PRF")
        writer.startElement("assignedEntity")
        clinicianEntity()
        writer.endElement()
        writer.endElement()
        writer.endElement()
        writer.endElement()
    }

    private func componentOf() {
        writer.startElement("componentOf")
        writer.startElement("encompassingEncounter")
        writer.element(
            "code",
            attributes: [
                ("code", "EXTERNE"), ("displayName", "Acte et consultation externe (établissement)"),
                ("codeSystem", "1.2.250.1.213.1.1.4.2.291"),
            ])
        interval("effectiveTime", low: consultation.startedAt, high: consultation.closedAt)
        writer.startElement("location")
        writer.startElement("healthCareFacility")
        ii(InstanceIdentifier(root: KnownOID.idNatStruct, extension_: "1" + organisationFINESS))
        coded("code", centre.facility)
        writer.endElement()
        writer.endElement()
        writer.endElement()
        writer.endElement()
    }

    // MARK: - Body

    private func body() {
        writer.startElement("component")
        writer.startElement("structuredBody")
        for section in ConsultationDocument(consultation).sections { self.section(section) }
        writer.endElement()
        writer.endElement()
    }

    /// One `component/section` of the document model: code, title, the narrative in `text`,
    /// then the section's entries.
    private func section(_ section: DocumentSection) {
        writer.startElement("component")
        writer.startElement("section")
        switch section.code {
        case .loinc(let code, let display):
            writer.element(
                "code", attributes: [("code", code), ("displayName", display), ("codeSystem", Self.loinc), ("codeSystemName", "LOINC")])
        case .local(let code, let display):
            local("code", code: code, displayName: display)
        }
        writer.element("title", text: section.title)
        writer.startElement("text")
        for block in section.blocks { narrativeBlock(block) }
        writer.endElement()
        entries(of: section.kind)
        writer.endElement()
        writer.endElement()
    }

    /// A narrative block in the CDA narrative: anchored spans as `content ID="…"` (what the
    /// entries' `text/reference` point at), lists as `list` (`listType="ordered"` when
    /// numbered), sub-items as a nested `list`.
    private func narrativeBlock(_ block: NarrativeBlock) {
        switch block {
        case .participantsTable:
            writer.participantsTable(consultation)
        case .paragraph(let spans):
            if spans.contains(where: { $0.anchor != nil }) {
                writer.mixedElement("paragraph") { self.spans(spans) }
            } else {
                writer.element("paragraph", text: spans.plainText)
            }
        case .fhirParagraph:
            break
        case .list(let items, let ordered):
            writer.startElement("list")
            if ordered { writer.attribute("listType", "ordered") }
            for item in items {
                if item.line.anchor == nil && item.details.isEmpty {
                    writer.element("item", text: item.line.text)
                    continue
                }
                writer.startElement("item")
                spans([item.line])
                if !item.details.isEmpty {
                    writer.startElement("list")
                    for detail in item.details { writer.element("item", text: detail) }
                    writer.endElement()
                }
                writer.endElement()
            }
            writer.endElement()
        }
    }

    private func spans(_ spans: [NarrativeSpan]) {
        for span in spans {
            if let anchor = span.anchor {
                writer.element("content", attributes: [("ID", anchor)], text: span.text)
            } else {
                writer.text(span.text)
            }
        }
    }

    /// The structured entries of a section: the RCP report cited, the options proposed, the
    /// decision and the next contact.
    private func entries(of kind: DocumentSection.Kind) {
        switch kind {
        case .topic:
            if let rcp = consultation.start.rcp { rcpReference(rcp) }
        case .options:
            for option in consultation.options where !option.withdrawn {
                writer.startElement("entry")
                optionAct(option, reference: true)
                writer.endElement()
            }
        case .decision:
            if let decision = consultation.decision { decisionEntry(decision) }
        case .nextSteps:
            if case .deferred(let next)? = consultation.decision?.outcome { nextContactEntry(next) }
        case .participants, .condition, .preferences, .process, .instruments, .notes:
            break
        }
    }

    private func rcpReference(_ rcp: RCPReference) {
        writer.startElement("entry")
        writer.startElement("act")
        writer.attribute("classCode", "ACT")
        writer.attribute("moodCode", "EVN")
        local("code", code: "rcp-report-cited", displayName: "Fiche RCP à l'origine de la consultation")
        writer.startElement("text")
        writer.element("reference", attributes: [("value", "#rcp-report")])
        writer.endElement()
        writer.startElement("reference")
        writer.attribute("typeCode", "REFR")
        writer.startElement("externalDocument")
        writer.attribute("classCode", "DOC")
        writer.attribute("moodCode", "EVN")
        ii(rcp.documentID)
        writer.element(
            "code",
            attributes: [
                ("code", "34794-8"), ("displayName", "CR de réunion de concertation pluridisciplinaire"),
                ("codeSystem", Self.loinc), ("codeSystemName", "LOINC"),
            ])
        if let setID = rcp.setID { ii(setID, as: "setId") }
        writer.endElement()
        writer.endElement()
        writer.endElement()
        writer.endElement()
    }

    private func decisionEntry(_ decision: Decision) {
        writer.startElement("entry")
        writer.startElement("act")
        writer.attribute("classCode", "ACT")
        writer.attribute("moodCode", "EVN")
        ii(InstanceIdentifier(root: setID.root, extension_: decision.entry.rawValue))
        switch decision.outcome {
        case .agreed: local("code", code: "decision-agreed", displayName: "Décision partagée : option retenue")
        case .deferred: local("code", code: "decision-deferred", displayName: "Décision différée")
        case .declined: local("code", code: "decision-declined", displayName: "Options déclinées par le patient")
        }
        writer.startElement("text")
        writer.element("reference", attributes: [("value", "#decision")])
        writer.endElement()
        writer.element("statusCode", attributes: [("code", "completed")])
        time("effectiveTime", decision.recordedAt)
        if case .agreed(let number) = decision.outcome, let option = consultation.options.first(where: { $0.number == number }) {
            writer.startElement("entryRelationship")
            writer.attribute("typeCode", "REFR")
            optionAct(option, reference: false)
            writer.endElement()
        }
        writer.endElement()
        writer.endElement()
    }

    private func nextContactEntry(_ next: CalendarDate) {
        writer.startElement("entry")
        writer.startElement("encounter")
        writer.attribute("classCode", "ENC")
        writer.attribute("moodCode", "APT")
        local("code", code: "next-contact", displayName: "Prochain contact après temps de réflexion")
        writer.startElement("text")
        writer.element("reference", attributes: [("value", "#next-contact")])
        writer.endElement()
        writer.element("effectiveTime", attributes: [("value", next.hl7)])
        writer.endElement()
        writer.endElement()
    }

    /// An option as `act moodCode="PRP"`: id `<setId root>` / `O<n>`, code from the local system.
    private func optionAct(_ option: ConsultationOption, reference: Bool) {
        writer.startElement("act")
        writer.attribute("classCode", "ACT")
        writer.attribute("moodCode", "PRP")
        ii(InstanceIdentifier(root: setID.root, extension_: option.entry.rawValue))
        local("code", code: "option-\(option.kind.rawValue)", displayName: option.kind.frenchLabel)
        if reference {
            writer.startElement("text")
            writer.element("reference", attributes: [("value", "#option-\(option.number)")])
            writer.endElement()
        }
        writer.endElement()
    }
}
