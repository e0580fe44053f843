import AccordCore
import Foundation

/// Writes one CDA document for ``CDAExporter``. Element order follows the CDA R2 schema
/// (POCD_MT000040); the header follows the ANS "structuration minimale".
struct CDABuilder {
    let input: CDAExportInput
    let writer = XMLWriter()

    private var consultation: Consultation { input.consultation }
    private var centre: CentreSettings { input.centre }
    /// The set's id branch: the one it was issued under, else `cda-fr`'s (`1`).
    private var branch: String { input.idBranch ?? CDAExporter.branch }
    private var setID: InstanceIdentifier { CDAExporter.setID(session: consultation.id, centre: centre, branch: branch) }

    /// The organisation where the consultation took place, with its own facility code.
    private var place: ConsultationPlace { consultation.start.place(centre: centre) }
    /// The FINESS of the organisation where the consultation took place.
    private var organisationFINESS: String { place.finess }

    private static let loinc = "2.16.840.1.113883.6.1"

    init(input: CDAExportInput) { self.input = input }

    mutating func build() -> Data {
        writer.startDocument()
        writer.element("ClinicalDocument") {
            writer.attribute("xmlns", "urn:hl7-org:v3")
            writer.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
            header()
            body()
        }
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

    /// A UTC instant (`20260302093000+0000`); in a pseudonymised document its day alone
    /// (`20260302`: no time of day).
    private func time(_ name: String, _ date: Date) {
        writer.element(name, attributes: [("value", hl7(date))])
    }

    private func hl7(_ date: Date) -> String {
        consultation.isPseudonymised ? CalendarDate(utcDayOf: date).hl7 : UTCInstant.hl7(date)
    }

    /// A professional's id: the IdNat_PS (`1.2.250.1.71.4.2.1`); in a pseudonymised document
    /// its pseudonym under the document root's professional arc (`ROOT.9.7`), never the IdNat_PS OID.
    private func professionalID(_ id: String) -> InstanceIdentifier {
        InstanceIdentifier(root: input.professionalIDRoot, extension_: id)
    }

    /// An interval of UTC instants. A session that closes in the second it starts (a whole
    /// consultation imported at once) gets `low` only: the HL7 datatype rules (dtr1-6-IVL_TS)
    /// refuse `high` equal to `low`.
    private func interval(_ name: String, low: Date, high: Date?) {
        writer.element(name) {
            time("low", low)
            if let high, hl7(high) != hl7(low) { time("high", high) }
        }
    }

    /// A person's name: in parts when it was recorded in parts (`prefix` a J245 civility,
    /// `given`, `family`, `suffix` a J246 title such as `DR`, as in the ANS examples), else the
    /// one-field name as typed in `family`, as before: the CI-SIS rules (CI-SISAuthor,
    /// CI-SISLegalAuthenticator, CI-SISParticipant, CI-SISRelatedEntity) want a `family`
    /// element in every person's name and the HL7 rule dtr1-1.2-EN forbids text beside parts,
    /// so the name's text alone (`<name>Dr Hélène Roussel</name>`) would fail the checker.
    private func personName(_ text: String, _ details: PersonDetails?) {
        writer.element("name") {
            if let details, details.hasNameParts {
                if let prefix = details.prefix, !details.prefixIsTitle { writer.element("prefix", text: prefix) }
                if let given = details.givenName { writer.element("given", text: given) }
                writer.element("family", text: details.familyName)
                if let title = details.prefix, details.prefixIsTitle { writer.element("suffix", text: title) }
            } else {
                writer.element("family", text: text)
            }
        }
    }

    /// `code` of a professional's entity: the JDV_J01 profession or specialty (code system OID
    /// and displayName from the value set), when recorded.
    private func specialtyCode(_ details: PersonDetails?) {
        if let specialty = details?.specialtyCode { coded("code", specialty) }
    }

    /// A participant as an entry-level `informant`: a professional as `assignedEntity`
    /// (IdNat_PS, J01 code, name), anyone else as `relatedEntity` (class as in the header's
    /// informants, J11 code, name).
    private func entryInformant(_ participant: Participant) {
        writer.element("informant") {
            if participant.role == .professional, let id = participant.id {
                writer.element("assignedEntity") {
                    ii(professionalID(id))
                    specialtyCode(participant.details)
                    writer.element("assignedPerson") {
                        personName(participant.name, participant.details)
                    }
                }
            } else {
                writer.element("relatedEntity") {
                    writer.attribute("classCode", Self.relatedClassCode(participant.role) ?? "CON")
                    if let relation = participant.details?.relationshipCode { coded("code", relation) }
                    writer.element("relatedPerson") {
                        personName(participant.name, participant.details)
                    }
                }
            }
        }
    }

    /// The class of a relative in an informant, among those the CI-SIS rule
    /// CI-SISRelatedEntity accepts: `NOK` trusted person, `CAREGIVER` carer, `CON`
    /// (informateur) another relative; `nil` for other roles.
    static func relatedClassCode(_ role: ParticipantRole) -> String? {
        switch role {
        case .trustedPerson: "NOK"
        case .carer: "CAREGIVER"
        case .relative: "CON"
        default: nil
        }
    }

    private func organisation(_ name: String, finess: String, withPracticeSetting: Bool) {
        writer.element(name) {
            ii(InstanceIdentifier(root: KnownOID.idNatStruct, extension_: "1" + finess))
            if finess == centre.finess {
                writer.element("name", text: centre.name)
            } else if finess == place.finess, let name = place.name {
                writer.element("name", text: name)
            }
            if withPracticeSetting { coded("standardIndustryClassCode", centre.practiceSetting) }
        }
    }

    /// An `assignedAuthor`/`assignedEntity` body for the clinician (P2).
    private func clinicianEntity() {
        ii(professionalID(consultation.start.clinicianID))
        specialtyCode(consultation.clinician.details)
        writer.element("assignedPerson") {
            personName(consultation.clinician.name, consultation.clinician.details)
        }
        organisation("representedOrganization", finess: organisationFINESS, withPracticeSetting: true)
    }

    // MARK: - Header

    private func header() {
        writer.element("realmCode", attributes: [("code", "FR")])
        writer.element("typeId", attributes: [("root", "2.16.840.1.113883.1.3"), ("extension", "POCD_HD000040")])
        writer.element("templateId", attributes: [("root", "2.16.840.1.113883.2.8.2.1")])
        writer.element("templateId", attributes: [("root", "1.2.250.1.213.1.1.1.1")])
        ii(CDAExporter.contentModelTemplateID, as: "templateId")
        ii(CDAExporter.documentID(session: consultation.id, version: input.version, centre: centre, branch: branch))
        writer.element(
            "code",
            attributes: [
                ("code", "11488-4"), ("codeSystem", Self.loinc), ("codeSystemName", "LOINC"),
                ("displayName", "CR ou fiche de consultation ou de visite"),
            ])
        writer.element("title", text: ConsultationDocument.title(centre: centre))
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
            writer.element("relatedDocument") {
                writer.attribute("typeCode", "RPLC")
                writer.element("parentDocument") {
                    ii(replaced)
                }
            }
        }
        componentOf()
    }

    private func recordTarget() {
        let identity = consultation.start.patient
        writer.element("recordTarget") {
            writer.element("patientRole") {
                // The INS only for a qualified identity (INS referential); the IPP always when known.
                if let ins = consultation.start.documentINS { ii(ins) }
                if let ipp = consultation.start.ipp { ii(ipp) }
                writer.element("patient") {
                    writer.attribute("classCode", "PSN")
                    writer.element("name") {
                        writer.element("family", attributes: [("qualifier", "BR")], text: identity.birthFamilyName)
                        writer.element("given", text: identity.birthGivenNames)
                        writer.element("given", attributes: [("qualifier", "BR")], text: identity.firstBirthGivenName)
                        if let used = identity.usedFamilyName { writer.element("family", attributes: [("qualifier", "CL")], text: used) }
                        if let used = identity.usedGivenName { writer.element("given", attributes: [("qualifier", "CL")], text: used) }
                    }
                    writer.element(
                        "administrativeGenderCode",
                        attributes: [
                            ("code", identity.sex.rawValue), ("displayName", identity.sex.frenchDisplayName),
                            ("codeSystem", "2.16.840.1.113883.5.1"),
                        ])
                    writer.element("birthTime", attributes: [("value", identity.birthDate.hl7)])
                    writer.element("birthplace") {
                        writer.element("place") {
                            writer.element("addr") {
                                writer.element("county", text: identity.birthplaceCode)
                            }
                        }
                    }
                }
            }
        }
    }

    private func author() {
        writer.element("author") {
            time("time", consultation.lastChangedAt)
            writer.element("assignedAuthor") {
                clinicianEntity()
            }
        }
    }

    /// Trusted persons (`NOK`) and carers (`CAREGIVER`) as header informants, as the ANS
    /// examples carry the trusted person, and relatives recorded with a relationship (`CON`);
    /// the relationship, when recorded, is the `relatedEntity/code` (JDV_J11, code system and
    /// displayName from the value set). Other relatives and interpreters stay in the body.
    private func informants() {
        for participant in consultation.participants where !participant.withdrawn {
            guard let classCode = Self.relatedClassCode(participant.role) else { continue }
            let relation = participant.details?.relationshipCode
            if participant.role == .relative && relation == nil { continue }
            writer.element("informant") {
                writer.element("relatedEntity") {
                    writer.attribute("classCode", classCode)
                    if let relation { coded("code", relation) }
                    writer.element("relatedPerson") {
                        personName(participant.name, participant.details)
                    }
                }
            }
        }
    }

    private func custodian() {
        writer.element("custodian") {
            writer.element("assignedCustodian") {
                writer.element("representedCustodianOrganization") {
                    ii(InstanceIdentifier(root: KnownOID.idNatStruct, extension_: "1" + centre.finess))
                    writer.element("name", text: centre.name)
                    writer.element("addr") {
                        writer.element("streetAddressLine", text: centre.address)
                    }
                }
            }
        }
    }

    private func legalAuthenticator() {
        writer.element("legalAuthenticator") {
            time("time", input.exportedAt)
            writer.element("signatureCode", attributes: [("code", "S")])
            writer.element("assignedEntity") {
                clinicianEntity()
            }
        }
    }

    /// Other professionals who took part, as header participants (`PRF`, `PROV`) over the
    /// consultation's time; one added after closing did not take part in it as recorded and is
    /// shown in the participants table and the amendments section only.
    private func participants() {
        for participant in consultation.participants.dropFirst(2)
        where !participant.withdrawn && participant.role == .professional && !consultation.wasAddedAfterClosing(participant.entry) {
            writer.element("participant") {
                writer.attribute("typeCode", "PRF")
                interval("time", low: consultation.startedAt, high: consultation.closedAt)
                writer.element("associatedEntity") {
                    writer.attribute("classCode", "PROV")
                    if let id = participant.id { ii(professionalID(id)) }
                    specialtyCode(participant.details)
                    writer.element("associatedPerson") {
                        personName(participant.name, participant.details)
                    }
                }
            }
        }
    }

    private func documentationOf() {
        writer.element("documentationOf") {
            writer.element("serviceEvent") {
                writer.attribute("classCode", "ACT")
                interval("effectiveTime", low: consultation.startedAt, high: consultation.closedAt)
                writer.element("performer") {
                    writer.attribute("typeCode", "PRF")
                    writer.element("assignedEntity") {
                        clinicianEntity()
                    }
                }
            }
        }
    }

    private func componentOf() {
        writer.element("componentOf") {
            writer.element("encompassingEncounter") {
                writer.element(
                    "code",
                    attributes: [
                        ("code", "EXTERNE"), ("displayName", "Acte et consultation externe (établissement)"),
                        ("codeSystem", "1.2.250.1.213.1.1.4.2.291"),
                    ])
                interval("effectiveTime", low: consultation.startedAt, high: consultation.closedAt)
                writer.element("location") {
                    writer.element("healthCareFacility") {
                        let place = self.place
                        ii(InstanceIdentifier(root: KnownOID.idNatStruct, extension_: "1" + place.finess))
                        // The facility code of the organisation the id names (JDV_J02).
                        coded("code", place.facility)
                        if !place.isCentre, let name = place.name {
                            writer.element("location") {
                                writer.element("name", text: name)
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Body

    private func body() {
        writer.element("component") {
            writer.element("structuredBody") {
                for section in ConsultationDocument(consultation).sections { self.section(section) }
            }
        }
    }

    /// One `component/section` of the document model: code, title, the narrative in `text`,
    /// then the section's entries.
    private func section(_ section: DocumentSection) {
        writer.element("component") {
            writer.element("section") {
                for root in section.templateIDs { writer.element("templateId", attributes: [("root", root)]) }
                switch section.code {
                case .loinc(let code, let display):
                    writer.element(
                        "code",
                        attributes: [("code", code), ("displayName", display), ("codeSystem", Self.loinc), ("codeSystemName", "LOINC")])
                case .local(let code, let display):
                    local("code", code: code, displayName: display)
                }
                writer.element("title", text: section.title)
                writer.element("text") {
                    for block in section.blocks { narrativeBlock(block) }
                }
                entries(of: section.kind)
            }
        }
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
            writer.element("list") {
                if ordered { writer.attribute("listType", "ordered") }
                for item in items {
                    if item.line.anchor == nil && item.details.isEmpty {
                        writer.element("item", text: item.line.text)
                        continue
                    }
                    writer.element("item") {
                        // A line with details: its text in a `content` (unanchored when it has no
                        // id), so that the indenting writer adds no white space to it.
                        if item.line.anchor == nil { writer.element("content", text: item.line.text) } else { spans([item.line]) }
                        if !item.details.isEmpty {
                            writer.element("list") {
                                for detail in item.details { writer.element("item", text: detail) }
                            }
                        }
                    }
                }
            }
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
            for option in consultation.options
            where ConsultationDocument.shows(option.entry, withdrawn: option.withdrawn, in: consultation) {
                writer.element("entry") {
                    optionAct(option, reference: true)
                }
            }
        case .decision:
            if let decision = consultation.decision { decisionEntry(decision) }
            for earlier in DocumentSection.earlierDecisions(consultation) { decisionEntry(earlier, anchor: "decision-\(earlier.entry)") }
        case .nextSteps:
            if case .deferred(let next)? = consultation.decision?.outcome { nextContactEntry(next) }
        case .participants, .condition, .preferences, .process, .instruments, .notes, .amendments:
            break
        }
    }

    private func rcpReference(_ rcp: RCPReference) {
        writer.element("entry") {
            writer.element("act") {
                writer.attribute("classCode", "ACT")
                writer.attribute("moodCode", "EVN")
                local("code", code: "rcp-report-cited", displayName: "Fiche RCP à l'origine de la consultation")
                writer.element("text") {
                    writer.element("reference", attributes: [("value", "#rcp-report")])
                }
                writer.element("reference") {
                    writer.attribute("typeCode", "REFR")
                    writer.element("externalDocument") {
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
                    }
                }
            }
        }
    }

    /// The `author` of each amendment of an entry (none for an entry never amended): `time` the
    /// amendment's UTC instant, `assignedAuthor/id` its author's IdNat_PS (root
    /// 1.2.250.1.71.4.2.1), with the name when the author is a professional participant
    /// (CDA R2 `author` 0..* on an act, after `statusCode`/`effectiveTime`).
    private func amendmentAuthors(_ entry: EntryID) {
        for amendment in consultation.amendments(of: entry) {
            writer.element("author") {
                time("time", amendment.recordedAt)
                writer.element("assignedAuthor") {
                    ii(professionalID(amendment.author))
                    if let author = consultation.participants.first(where: { $0.role == .professional && $0.id == amendment.author }) {
                        writer.element("assignedPerson") {
                            personName(author.name, author.details)
                        }
                    }
                }
            }
        }
    }

    /// The HL7 ActStatus of an entry shown after an amendment: `nullified` for an entry
    /// withdrawn after closing (recorded in error), `obsolete` for a decision replaced by a
    /// later one; `nil` otherwise.
    private func amendedStatus(_ entry: EntryID, withdrawn: Bool) -> String? {
        if withdrawn { return "nullified" }
        return consultation.amendments(of: entry).contains { $0.kind == .replaced } ? "obsolete" : nil
    }

    private func decisionEntry(_ decision: Decision, anchor: String = "decision") {
        writer.element("entry") {
            writer.element("act") {
                writer.attribute("classCode", "ACT")
                writer.attribute("moodCode", "EVN")
                ii(InstanceIdentifier(root: setID.root, extension_: decision.entry.rawValue))
                switch decision.outcome {
                case .agreed: local("code", code: "decision-agreed", displayName: "Décision partagée : option retenue")
                case .deferred: local("code", code: "decision-deferred", displayName: "Décision différée")
                case .declined: local("code", code: "decision-declined", displayName: "Options déclinées par le patient")
                }
                writer.element("text") {
                    writer.element("reference", attributes: [("value", "#\(anchor)")])
                }
                writer.element(
                    "statusCode", attributes: [("code", amendedStatus(decision.entry, withdrawn: decision.withdrawn) ?? "completed")])
                time("effectiveTime", decision.recordedAt)
                amendmentAuthors(decision.entry)
                // Who answered for an absent patient (issue 15, part 8).
                if let entry = decision.answeredBy, let answerer = consultation.participants.first(where: { $0.entry == entry }) {
                    entryInformant(answerer)
                }
                if case .agreed(let number) = decision.outcome, let option = consultation.options.first(where: { $0.number == number }) {
                    writer.element("entryRelationship") {
                        writer.attribute("typeCode", "REFR")
                        optionAct(option, reference: false)
                    }
                }
            }
        }
    }

    private func nextContactEntry(_ next: CalendarDate) {
        writer.element("entry") {
            writer.element("encounter") {
                writer.attribute("classCode", "ENC")
                writer.attribute("moodCode", "APT")
                local("code", code: "next-contact", displayName: "Prochain contact après temps de réflexion")
                writer.element("text") {
                    writer.element("reference", attributes: [("value", "#next-contact")])
                }
                writer.element("effectiveTime", attributes: [("value", next.hl7)])
            }
        }
    }

    /// An option as `act moodCode="PRP"`: id `<setId root>` / `O<n>`, code from the local system.
    /// The entry of the options section also carries, for an option withdrawn after closing,
    /// `statusCode nullified`, and the `author` of each of its amendments.
    private func optionAct(_ option: ConsultationOption, reference: Bool) {
        writer.element("act") {
            writer.attribute("classCode", "ACT")
            writer.attribute("moodCode", "PRP")
            ii(InstanceIdentifier(root: setID.root, extension_: option.entry.rawValue))
            local("code", code: "option-\(option.kind.rawValue)", displayName: option.kind.frenchLabel)
            if reference {
                writer.element("text") {
                    writer.element("reference", attributes: [("value", "#option-\(option.number)")])
                }
                if option.withdrawn { writer.element("statusCode", attributes: [("code", "nullified")]) }
                amendmentAuthors(option.entry)
            }
        }
    }
}
