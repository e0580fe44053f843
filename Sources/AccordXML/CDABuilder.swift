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
        writer.element("title", text: "Consultation de décision médicale partagée")
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
        participantsSection()
        topicSection()
        if let condition = consultation.start.condition { conditionSection(condition) }
        optionsSection()
        preferencesSection()
        decisionSection()
        processSection()
        instrumentsSection()
        nextStepsSection()
        notesSection()
        writer.endElement()
        writer.endElement()
    }

    /// Opens `component/section` with its code and title and calls `content` for the rest.
    private func section(loinc: (String, String)? = nil, local localCode: (String, String)? = nil, title: String, _ content: () -> Void) {
        writer.startElement("component")
        writer.startElement("section")
        if let (code, display) = loinc {
            writer.element(
                "code", attributes: [("code", code), ("displayName", display), ("codeSystem", Self.loinc), ("codeSystemName", "LOINC")])
        } else if let (code, display) = localCode {
            local("code", code: code, displayName: display)
        }
        writer.element("title", text: title)
        content()
        writer.endElement()
        writer.endElement()
    }

    private func participantsSection() {
        section(local: ("section-participants", "Participants à la consultation"), title: "Participants") {
            writer.startElement("text")
            writer.participantsTable(consultation)
            writer.endElement()
        }
    }

    private func topicSection() {
        let start = consultation.start
        section(local: ("section-topic", "Décision à prendre"), title: "Décision à prendre") {
            writer.startElement("text")
            writer.element("paragraph", text: start.topic)
            if let template = start.template { writer.element("paragraph", text: "Modèle de décision : \(template)") }
            if let rcp = start.rcp {
                writer.mixedElement("paragraph") {
                    writer.text("Séance issue de la fiche de réunion de concertation pluridisciplinaire ")
                    writer.element(
                        "content", attributes: [("ID", "rcp-report")],
                        text: rcp.documentID.root + (rcp.documentID.extension_.map { " / \($0)" } ?? ""))
                    if let date = rcp.meetingDate { writer.text(" du \(FrenchNarrative.date(date))") }
                    writer.text(".")
                }
                if let trial = rcp.trialProposed {
                    writer.element("paragraph", text: "Essai clinique proposé par la RCP : \(trial ? "oui" : "non").")
                }
            }
            writer.endElement()
            if let rcp = start.rcp {
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
        }
    }

    private func conditionSection(_ condition: Condition) {
        section(loinc: ("72135-7", "Diagnostic du cancer"), title: "Diagnostic") {
            writer.startElement("text")
            var line = condition.text
            if let code = condition.code {
                line += condition.codeSystem == "2.16.840.1.113883.6.3" ? " (CIM-10 \(code))" : " (code \(code))"
            }
            writer.element("paragraph", text: line)
            writer.endElement()
        }
    }

    private var activeOptions: [ConsultationOption] { consultation.options.filter { !$0.withdrawn } }

    private func optionsSection() {
        section(local: ("section-options", "Options discutées"), title: "Options discutées") {
            writer.startElement("text")
            if activeOptions.isEmpty {
                writer.element("paragraph", text: "Aucune option enregistrée.")
            } else {
                writer.startElement("list")
                writer.attribute("listType", "ordered")
                for option in activeOptions {
                    writer.startElement("item")
                    writer.startElement("content")
                    writer.attribute("ID", "option-\(option.number)")
                    writer.text("Option \(option.number) — \(option.kind.frenchLabel) : \(option.label)")
                    writer.endElement()
                    var details: [String] = []
                    details += option.benefits.map { "Bénéfice : \($0)" }
                    details += option.harms.map { "Risque ou inconvénient : \($0)" }
                    if let trial = option.trialID { details.append("Essai clinique, identifiant de registre : \(trial)") }
                    if let origin = option.origin { details.append("Origine : \(origin)") }
                    if !details.isEmpty {
                        writer.startElement("list")
                        for detail in details { writer.element("item", text: detail) }
                        writer.endElement()
                    }
                    writer.endElement()
                }
                writer.endElement()
            }
            writer.endElement()
            for option in activeOptions {
                writer.startElement("entry")
                optionAct(option, reference: true)
                writer.endElement()
            }
        }
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

    private func preferencesSection() {
        let preferences = consultation.preferences.filter { !$0.withdrawn }
        section(local: ("section-preferences", "Ce qui compte pour le patient"), title: "Ce qui compte pour le patient") {
            writer.startElement("text")
            if preferences.isEmpty {
                writer.element("paragraph", text: "Aucune préférence enregistrée.")
            } else {
                writer.startElement("list")
                for preference in preferences {
                    let importance = preference.importance.map { " (importance \($0)/5)" } ?? ""
                    writer.element("item", text: preference.text + importance)
                }
                writer.endElement()
            }
            writer.endElement()
        }
    }

    private func participantLabel(_ entry: EntryID) -> String {
        guard let participant = consultation.participants.first(where: { $0.entry == entry }) else { return entry.rawValue }
        return "\(participant.name) (\(participant.role.frenchLabel.lowercased()))"
    }

    private func decisionSection() {
        let decision = consultation.decision
        section(local: ("section-decision", "Décision"), title: "Décision") {
            writer.startElement("text")
            guard let decision else {
                writer.element("paragraph", text: "Aucune décision enregistrée.")
                writer.endElement()
                return
            }
            let summary: String
            switch decision.outcome {
            case .agreed(let number):
                let label = consultation.options.first { $0.number == number }.map { "\($0.kind.frenchLabel) : \($0.label)" } ?? ""
                summary = "Option retenue : option \(number) — \(label)"
            case .deferred(let next):
                summary = "Décision différée : temps de réflexion, prochain contact le \(FrenchNarrative.date(next))"
            case .declined:
                summary = "Le patient a décliné les options proposées"
            }
            writer.mixedElement("paragraph") {
                writer.element("content", attributes: [("ID", "decision")], text: summary)
                writer.text(".")
            }
            if !decision.takenBy.isEmpty {
                writer.element(
                    "paragraph", text: "Décision prise par : " + decision.takenBy.map(participantLabel).joined(separator: ", ") + ".")
            }
            writer.element("paragraph", text: "Enregistrée le \(FrenchNarrative.instant(decision.recordedAt)).")
            writer.endElement()

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
    }

    private func nextStepsSection() {
        let decision = consultation.decision
        section(loinc: ("18776-5", "Plan de soins"), title: "Suite de la prise en charge") {
            writer.startElement("text")
            switch decision?.outcome {
            case .agreed(let number)?:
                let label = consultation.options.first { $0.number == number }?.label ?? ""
                writer.element("paragraph", text: "Mise en œuvre de l'option retenue (option \(number) : \(label)).")
            case .deferred(let next)?:
                writer.mixedElement("paragraph") {
                    writer.element(
                        "content", attributes: [("ID", "next-contact")], text: "Prochain contact prévu le \(FrenchNarrative.date(next))")
                    writer.text(" : le patient fera connaître sa décision après un temps de réflexion.")
                }
            case .declined?:
                writer.element(
                    "paragraph", text: "Aucun des traitements proposés ne sera engagé ; le suivi est à organiser avec le patient.")
            case nil:
                writer.element("paragraph", text: "Aucune suite enregistrée.")
            }
            writer.endElement()
            if case .deferred(let next)? = decision?.outcome {
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
        }
    }

    /// The three-talk phases and the process elements, when any was recorded.
    private func processSection() {
        let items = FrenchNarrative.processLines(consultation)
        guard !items.isEmpty else { return }
        section(local: ("section-process", "Déroulement de la décision partagée"), title: "Déroulement de la décision partagée") {
            writer.startElement("text")
            writer.startElement("list")
            for item in items { writer.element("item", text: item) }
            writer.endElement()
            writer.endElement()
        }
    }

    /// Instrument responses with their scores, as recorded (raw answers stay in the record).
    private func instrumentsSection() {
        let responses = consultation.instruments.filter { !$0.withdrawn }
        guard !responses.isEmpty else { return }
        section(local: ("section-instruments", "Questionnaires de décision partagée"), title: "Questionnaires") {
            writer.startElement("text")
            writer.startElement("list")
            for response in responses {
                writer.element("item", text: response.narrativeLine)
            }
            writer.endElement()
            writer.endElement()
        }
    }

    private func notesSection() {
        let notes = consultation.notes.filter { !$0.withdrawn }
        guard !notes.isEmpty else { return }
        section(loinc: ("48767-8", "Commentaire"), title: "Notes") {
            writer.startElement("text")
            for note in notes { writer.element("paragraph", text: note.text) }
            writer.endElement()
        }
    }
}
