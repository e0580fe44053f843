import AccordCore
import Foundation

extension FHIRBuilder {
    // MARK: - Composition

    /// The Composition, first entry of the document: header values as in the CDA export,
    /// then one section per part of the record, each with a code, a title, a narrative and
    /// references to the resources that hold it.
    func composition() {
        let title = ConsultationDocument.title(centre: centre)
        entry("Composition", type: "Composition") {
            value("language", "fr-FR")
            narrative(paragraphs: [
                "\(title) du \(FrenchNarrative.instant(consultation.startedAt, consultation)), session \(consultation.id), version \(input.version)."
            ])
            writer.element("identifier") {
                value("system", Self.uriSystem)
                value("value", "urn:oid:\(setID.root)")
            }
            code("status", consultation.amendmentCount > 0 ? FHIRCompositionStatus.amended : .final)
            concept(
                "type", codings: [(Self.loinc, "11488-4", "Consult note")], text: "CR ou fiche de consultation ou de visite")
            reference("subject", to: "Patient")
            reference("encounter", to: "Encounter")
            value("date", dateTime(input.exportedAt))
            reference("author", to: "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            value("title", title)
            value("confidentiality", "N")
            writer.element("attester") {
                value("mode", "legal")
                value("time", dateTime(input.exportedAt))
                reference("party", to: "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            }
            reference("custodian", to: "Organization/centre")
            if let replaced = input.replacedDocumentID {
                writer.element("relatesTo") {
                    value("code", "replaces")
                    let parts = Self.identifierParts(replaced)
                    writer.element("targetIdentifier") {
                        value("system", parts.system)
                        value("value", parts.value)
                    }
                }
            }
            for section in ConsultationDocument(consultation).sections { self.section(section) }
        }
    }

    /// One `section` of the document model: title, code (LOINC or local), the narrative, then
    /// references to the resources that hold the section's content.
    private func section(_ section: DocumentSection) {
        writer.element("section") {
            value("title", section.title)
            switch section.code {
            case .loinc(let code, let display): concept("code", codings: [(Self.loinc, code, display)])
            case .local(let code, let display): localConcept("code", code: code, display: display)
            }
            narrative {
                for block in section.blocks { narrativeBlock(block) }
            }
            for resource in entries(of: section.kind) { reference("entry", to: resource) }
        }
    }

    /// A narrative block as XHTML: paragraphs cleaned (a dash when empty), lists as `ul`/`ol`
    /// (an option's line as a paragraph of its item, its details as a list).
    private func narrativeBlock(_ block: NarrativeBlock) {
        switch block {
        case .participantsTable:
            writer.participantsTable(consultation)
        case .paragraph(let spans):
            writer.element("p", text: Self.clean(spans.plainText) ?? "—")
        case .fhirParagraph(let text):
            writer.element("p", text: Self.clean(text) ?? "—")
        case .list(let items, let ordered):
            if items.contains(where: { !$0.details.isEmpty }) || ordered {
                writer.element(ordered ? "ol" : "ul") {
                    for item in items {
                        writer.element("li") {
                            writer.element("p", text: item.line.text)
                            if !item.details.isEmpty { list(item.details) }
                        }
                    }
                }
            } else {
                list(items.map(\.line.text), ordered: ordered)
            }
        }
    }

    /// The resources a section's `entry` points at.
    private func entries(of kind: DocumentSection.Kind) -> [String] {
        switch kind {
        case .participants:
            ["Patient"] + professionals.filter(\.hasRole).map { "PractitionerRole/\($0.key)" }
                + relatedPersons.map { "RelatedPerson/\($0.entry.rawValue)" }
        case .topic: ["Encounter"]
        case .condition: ["Condition"]
        case .options: activeOptions.map { "CarePlan/\($0.entry.rawValue)" }
        case .preferences: activePreferences.map { "Goal/\($0.entry.rawValue)" }
        case .decision: (decisionPlan.map { [$0] } ?? []) + earlierPlans.map { "CarePlan/\($0.entry)" }
        case .nextSteps: decisionPlan.map { [$0] } ?? []
        case .instruments:
            activeInstruments.flatMap { ["QuestionnaireResponse/\($0.entry.rawValue)"] + Self.observationNames($0) }
        case .process, .notes, .amendments: []
        }
    }

    static func optionLine(_ option: ConsultationOption) -> String { DocumentSection.optionLine(option) }

    static func optionDetails(_ option: ConsultationOption) -> [String] { DocumentSection.optionDetails(option) }

    static func preferenceLine(_ preference: Preference) -> String {
        preference.text + (preference.importance.map { " (importance \($0)/5)" } ?? "")
    }

    /// The decision in one sentence, as the document words it.
    func decisionSummary(_ decision: Decision) -> String { DocumentSection.decisionSummary(decision, consultation) }
}
