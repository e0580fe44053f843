import AccordCore
import Foundation

extension FHIRBuilder {
    // MARK: - Composition

    /// The Composition, first entry of the document: header values as in the CDA export,
    /// then one section per part of the record, each with a code, a title, a narrative and
    /// references to the resources that hold it.
    func composition() {
        let title = "Consultation de décision médicale partagée"
        entry("Composition", type: "Composition") {
            value("language", "fr-FR")
            narrative(paragraphs: [
                "\(title) du \(FrenchNarrative.instant(consultation.startedAt)), session \(consultation.id), version \(input.version)."
            ])
            writer.startElement("identifier")
            value("system", Self.uriSystem)
            value("value", "urn:oid:\(setID.root)")
            writer.endElement()
            value("status", "final")
            concept(
                "type", codings: [(Self.loinc, "11488-4", "Consult note")], text: "CR ou fiche de consultation ou de visite")
            reference("subject", to: "Patient")
            reference("encounter", to: "Encounter")
            value("date", UTCInstant.format(input.exportedAt))
            reference("author", to: "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            value("title", title)
            value("confidentiality", "N")
            writer.startElement("attester")
            value("mode", "legal")
            value("time", UTCInstant.format(input.exportedAt))
            reference("party", to: "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            writer.endElement()
            reference("custodian", to: "Organization/centre")
            if let replaced = input.replacedDocumentID {
                writer.startElement("relatesTo")
                value("code", "replaces")
                let parts = Self.identifierParts(replaced)
                writer.startElement("targetIdentifier")
                value("system", parts.system)
                value("value", parts.value)
                writer.endElement()
                writer.endElement()
            }
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
        }
    }

    /// One `section`: title, code (LOINC or local), narrative written by `content`, then
    /// references to `entries`.
    private func section(
        loinc: (String, String)? = nil, local: (String, String)? = nil, title: String, entries: [String] = [],
        _ content: () -> Void
    ) {
        writer.startElement("section")
        value("title", title)
        if let (code, display) = loinc {
            concept("code", codings: [(Self.loinc, code, display)])
        } else if let (code, display) = local {
            localConcept("code", code: code, display: display)
        }
        narrative(content)
        for resource in entries { reference("entry", to: resource) }
        writer.endElement()
    }

    private func paragraph(_ text: String) {
        writer.element("p", text: Self.clean(text) ?? "—")
    }

    private func participantsSection() {
        var entries = ["Patient"]
        entries += professionals.filter(\.hasRole).map { "PractitionerRole/\($0.key)" }
        entries += relatedPersons.map { "RelatedPerson/\($0.entry.rawValue)" }
        section(local: ("section-participants", "Participants à la consultation"), title: "Participants", entries: entries) {
            writer.participantsTable(consultation)
        }
    }

    private func topicSection() {
        let start = consultation.start
        section(local: ("section-topic", "Décision à prendre"), title: "Décision à prendre", entries: ["Encounter"]) {
            paragraph(start.topic)
            if let template = start.template { paragraph("Modèle de décision : \(template)") }
            if let rcp = start.rcp {
                let id = rcp.documentID.root + (rcp.documentID.extension_.map { " / \($0)" } ?? "")
                paragraph(
                    "Séance issue de la fiche de réunion de concertation pluridisciplinaire \(id)"
                        + (rcp.meetingDate.map { " du \(FrenchNarrative.date($0))" } ?? "") + ".")
                if let trial = rcp.trialProposed { paragraph("Essai clinique proposé par la RCP : \(trial ? "oui" : "non").") }
            }
        }
    }

    private func conditionSection(_ condition: Condition) {
        section(loinc: ("72135-7", "Diagnostic du cancer"), title: "Diagnostic", entries: ["Condition"]) {
            var line = condition.text
            if let code = condition.code { line += condition.codeSystem == Self.icd10OID ? " (CIM-10 \(code))" : " (code \(code))" }
            paragraph(line)
        }
    }

    private func optionsSection() {
        let entries = activeOptions.map { "CarePlan/\($0.entry.rawValue)" }
        section(local: ("section-options", "Options discutées"), title: "Options discutées", entries: entries) {
            guard !activeOptions.isEmpty else {
                paragraph("Aucune option enregistrée.")
                return
            }
            writer.startElement("ol")
            for option in activeOptions {
                writer.startElement("li")
                writer.element("p", text: Self.optionLine(option))
                let details = Self.optionDetails(option)
                if !details.isEmpty { list(details) }
                writer.endElement()
            }
            writer.endElement()
        }
    }

    static func optionLine(_ option: ConsultationOption) -> String {
        "Option \(option.number) — \(option.kind.frenchLabel) : \(option.label)"
    }

    static func optionDetails(_ option: ConsultationOption) -> [String] {
        var details: [String] = []
        details += option.benefits.map { "Bénéfice : \($0)" }
        details += option.harms.map { "Risque ou inconvénient : \($0)" }
        if let trial = option.trialID { details.append("Essai clinique, identifiant de registre : \(trial)") }
        if let origin = option.origin { details.append("Origine : \(origin)") }
        return details
    }

    static func preferenceLine(_ preference: Preference) -> String {
        preference.text + (preference.importance.map { " (importance \($0)/5)" } ?? "")
    }

    private func preferencesSection() {
        let entries = activePreferences.map { "Goal/\($0.entry.rawValue)" }
        section(
            local: ("section-preferences", "Ce qui compte pour le patient"), title: "Ce qui compte pour le patient", entries: entries
        ) {
            if activePreferences.isEmpty {
                paragraph("Aucune préférence enregistrée.")
            } else {
                list(activePreferences.map(Self.preferenceLine))
            }
        }
    }

    /// The decision in one sentence, as the CDA export words it.
    func decisionSummary(_ decision: Decision) -> String {
        switch decision.outcome {
        case .agreed(let number):
            let label = consultation.options.first { $0.number == number }.map { "\($0.kind.frenchLabel) : \($0.label)" } ?? ""
            return "Option retenue : option \(number) — \(label)"
        case .deferred(let next):
            return "Décision différée : temps de réflexion, prochain contact le \(FrenchNarrative.date(next))"
        case .declined:
            return "Le patient a décliné les options proposées"
        }
    }

    private func participantLabel(_ entry: EntryID) -> String {
        guard let participant = consultation.participants.first(where: { $0.entry == entry }) else { return entry.rawValue }
        return "\(participant.name) (\(participant.role.frenchLabel.lowercased()))"
    }

    private func decisionSection() {
        let decision = consultation.decision
        section(local: ("section-decision", "Décision"), title: "Décision", entries: decisionPlan.map { [$0] } ?? []) {
            guard let decision else {
                paragraph("Aucune décision enregistrée.")
                return
            }
            paragraph(decisionSummary(decision) + ".")
            if case .declined = decision.outcome {
                paragraph("Aucun plan de soins n'est établi : aucune des options proposées n'est retenue.")
            }
            if !decision.takenBy.isEmpty {
                paragraph("Décision prise par : " + decision.takenBy.map(participantLabel).joined(separator: ", ") + ".")
            }
            paragraph("Enregistrée le \(FrenchNarrative.instant(decision.recordedAt)).")
        }
    }

    private func nextStepsSection() {
        let decision = consultation.decision
        section(loinc: ("18776-5", "Plan de soins"), title: "Suite de la prise en charge", entries: decisionPlan.map { [$0] } ?? []) {
            switch decision?.outcome {
            case .agreed(let number)?:
                let label = consultation.options.first { $0.number == number }?.label ?? ""
                paragraph("Mise en œuvre de l'option retenue (option \(number) : \(label)).")
            case .deferred(let next)?:
                paragraph(
                    "Prochain contact prévu le \(FrenchNarrative.date(next)) : le patient fera connaître sa décision après un temps de réflexion."
                )
            case .declined?:
                paragraph("Aucun des traitements proposés ne sera engagé ; le suivi est à organiser avec le patient.")
            case nil:
                paragraph("Aucune suite enregistrée.")
            }
        }
    }

    /// The three-talk phases and the process elements, when any was recorded.
    private func processSection() {
        let items = FrenchNarrative.processLines(consultation)
        guard !items.isEmpty else { return }
        section(local: ("section-process", "Déroulement de la décision partagée"), title: "Déroulement de la décision partagée") {
            list(items)
        }
    }

    private func instrumentsSection() {
        guard !activeInstruments.isEmpty else { return }
        let entries = activeInstruments.map { "QuestionnaireResponse/\($0.entry.rawValue)" }
        section(local: ("section-instruments", "Questionnaires de décision partagée"), title: "Questionnaires", entries: entries) {
            list(activeInstruments.map(\.narrativeLine))
        }
    }

    private func notesSection() {
        let notes = consultation.notes.filter { !$0.withdrawn }
        guard !notes.isEmpty else { return }
        section(loinc: ("48767-8", "Commentaire"), title: "Notes") {
            for note in notes { paragraph(note.text) }
        }
    }
}
