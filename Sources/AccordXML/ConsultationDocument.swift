import AccordCore
import Foundation

/// The document a consultation becomes, built once from the record and rendered by each
/// profile: its title and its sections, in order, with their codes, titles and narrative in
/// French. The CDA builder (`cda-fr`) and the FHIR builder (`fhir-r4`) render this model, and
/// custom Mustache profiles receive it under the key `sections`; each adds the structured
/// entries of its own format.
///
/// Order of the sections: participants, topic, diagnosis (when recorded), options, what matters
/// to the patient, decision, process (when recorded), instruments (when any), next steps,
/// notes (when any).
public struct ConsultationDocument: Sendable, Hashable {
    /// The document's title: `Consultation de décision médicale partagée`.
    public static let title = "Consultation de décision médicale partagée"

    /// The sections, in order.
    public var sections: [DocumentSection]

    /// Builds the document of `consultation` (withdrawn entries left out).
    public init(_ consultation: Consultation) {
        sections = DocumentSection.Kind.allCases.compactMap { DocumentSection.make($0, consultation) }
    }
}

/// One section of a ``ConsultationDocument``.
public struct DocumentSection: Sendable, Hashable {
    /// Which part of the record a section shows (renderers add their entries by kind).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case participants, topic, condition, options, preferences, decision, process, instruments, nextSteps, notes
    }

    /// A section's code: LOINC where one fits, else a code of the local code system
    /// (`CDAExporter.localCodeSystem`).
    public enum Code: Sendable, Hashable {
        /// A LOINC code and its display name.
        case loinc(code: String, display: String)
        /// A local code and its display name.
        case local(code: String, display: String)
    }

    /// What part of the record the section shows.
    public var kind: Kind
    /// Its code.
    public var code: Code
    /// Its title.
    public var title: String
    /// Its narrative, in order.
    public var blocks: [NarrativeBlock]
}

/// A block of a section's narrative.
public enum NarrativeBlock: Sendable, Hashable {
    /// The table of participants (entry, role, name, function, identifier, present).
    case participantsTable
    /// A paragraph made of spans.
    case paragraph([NarrativeSpan])
    /// A paragraph only the FHIR rendering carries (what its resources leave unsaid).
    case fhirParagraph(String)
    /// A list; ordered lists are numbered.
    case list([NarrativeItem], ordered: Bool)
}

/// A run of text in a paragraph or an item; an anchored run carries an id that CDA entries
/// point at (`content ID="…"`), which a rendering without entries may ignore.
public struct NarrativeSpan: Sendable, Hashable {
    /// The text.
    public var text: String
    /// The anchor (`option-1`, `decision`, `rcp-report`, `next-contact`), or `nil`.
    public var anchor: String?

    /// A plain run of text.
    public static func text(_ text: String) -> NarrativeSpan { NarrativeSpan(text: text, anchor: nil) }
    /// A run of text with an anchor.
    public static func anchored(_ anchor: String, _ text: String) -> NarrativeSpan { NarrativeSpan(text: text, anchor: anchor) }
}

/// An item of a list: its line, then sub-items (an option's benefits and harms).
public struct NarrativeItem: Sendable, Hashable {
    /// The item's line.
    public var line: NarrativeSpan
    /// Sub-items, in order.
    public var details: [String]

    public init(_ line: NarrativeSpan, details: [String] = []) {
        self.line = line
        self.details = details
    }
}

extension [NarrativeSpan] {
    /// The spans' text, joined.
    var plainText: String { map(\.text).joined() }
}

extension DocumentSection {
    /// The section of `kind`, or `nil` when the record holds nothing for an optional one.
    static func make(_ kind: Kind, _ consultation: Consultation) -> DocumentSection? {
        func section(_ code: Code, _ title: String, _ blocks: [NarrativeBlock]) -> DocumentSection {
            DocumentSection(kind: kind, code: code, title: title, blocks: blocks)
        }
        func paragraph(_ text: String) -> NarrativeBlock { .paragraph([.text(text)]) }
        let start = consultation.start
        switch kind {
        case .participants:
            return section(
                .local(code: "section-participants", display: "Participants à la consultation"), "Participants", [.participantsTable])
        case .topic:
            var blocks = [paragraph(start.topic)]
            if let template = start.template { blocks.append(paragraph("Modèle de décision : \(template)")) }
            if let rcp = start.rcp {
                blocks.append(
                    .paragraph(
                        [
                            .text("Séance issue de la fiche de réunion de concertation pluridisciplinaire "),
                            .anchored("rcp-report", rcp.documentID.root + (rcp.documentID.extension_.map { " / \($0)" } ?? "")),
                        ] + (rcp.meetingDate.map { [.text(" du \(FrenchNarrative.date($0))")] } ?? []) + [.text(".")]))
                if let trial = rcp.trialProposed {
                    blocks.append(paragraph("Essai clinique proposé par la RCP : \(trial ? "oui" : "non")."))
                }
            }
            return section(.local(code: "section-topic", display: "Décision à prendre"), "Décision à prendre", blocks)
        case .condition:
            guard let condition = start.condition else { return nil }
            var line = condition.text
            if let code = condition.code { line += condition.codeSystem == FieldRules.icd10OID ? " (CIM-10 \(code))" : " (code \(code))" }
            return section(.loinc(code: "72135-7", display: "Diagnostic du cancer"), "Diagnostic", [paragraph(line)])
        case .options:
            let options = consultation.options.filter { !$0.withdrawn }
            let blocks: [NarrativeBlock] =
                options.isEmpty
                ? [paragraph("Aucune option enregistrée.")]
                : [
                    .list(
                        options.map {
                            NarrativeItem(.anchored("option-\($0.number)", Self.optionLine($0)), details: Self.optionDetails($0))
                        },
                        ordered: true)
                ]
            return section(.local(code: "section-options", display: "Options discutées"), "Options discutées", blocks)
        case .preferences:
            let preferences = consultation.preferences.filter { !$0.withdrawn }
            let blocks: [NarrativeBlock] =
                preferences.isEmpty
                ? [paragraph("Aucune préférence enregistrée.")]
                : [
                    .list(
                        preferences.map { NarrativeItem(.text($0.text + ($0.importance.map { " (importance \($0)/5)" } ?? ""))) },
                        ordered: false)
                ]
            return section(
                .local(code: "section-preferences", display: "Ce qui compte pour le patient"), "Ce qui compte pour le patient", blocks)
        case .decision:
            var blocks: [NarrativeBlock] = []
            if let decision = consultation.decision {
                blocks.append(.paragraph([.anchored("decision", Self.decisionSummary(decision, consultation)), .text(".")]))
                if case .declined = decision.outcome {
                    blocks.append(.fhirParagraph("Aucun plan de soins n'est établi : aucune des options proposées n'est retenue."))
                }
                if !decision.takenBy.isEmpty {
                    let names = decision.takenBy.map { Self.participantLabel($0, consultation) }.joined(separator: ", ")
                    blocks.append(paragraph("Décision prise par : \(names)."))
                }
                if let answeredBy = decision.answeredBy {
                    blocks.append(
                        paragraph(
                            "Réponse donnée pour le patient\(consultation.patient.present ? "" : ", absent,") par : "
                                + "\(Self.participantLabel(answeredBy, consultation))."))
                }
                blocks.append(paragraph("Enregistrée le \(FrenchNarrative.instant(decision.recordedAt))."))
            } else {
                blocks.append(paragraph("Aucune décision enregistrée."))
            }
            return section(.local(code: "section-decision", display: "Décision"), "Décision", blocks)
        case .process:
            let items = FrenchNarrative.processLines(consultation)
            guard !items.isEmpty else { return nil }
            return section(
                .local(code: "section-process", display: "Déroulement de la décision partagée"), "Déroulement de la décision partagée",
                [.list(items.map { NarrativeItem(.text($0)) }, ordered: false)])
        case .instruments:
            let responses = consultation.instruments.filter { !$0.withdrawn }
            guard !responses.isEmpty else { return nil }
            return section(
                .local(code: "section-instruments", display: "Questionnaires de décision partagée"), "Questionnaires",
                [.list(responses.map { NarrativeItem(.text($0.narrativeLine(in: consultation))) }, ordered: false)])
        case .nextSteps:
            let block: NarrativeBlock
            switch consultation.decision?.outcome {
            case .agreed(let number)?:
                let label = consultation.options.first { $0.number == number }?.label ?? ""
                block = paragraph("Mise en œuvre de l'option retenue (option \(number) : \(label)).")
            case .deferred(let next)?:
                block = .paragraph([
                    .anchored("next-contact", "Prochain contact prévu le \(FrenchNarrative.date(next))"),
                    .text(" : le patient fera connaître sa décision après un temps de réflexion."),
                ])
            case .declined?:
                block = paragraph("Aucun des traitements proposés ne sera engagé ; le suivi est à organiser avec le patient.")
            case nil:
                block = paragraph("Aucune suite enregistrée.")
            }
            return section(.loinc(code: "18776-5", display: "Plan de soins"), "Suite de la prise en charge", [block])
        case .notes:
            let notes = consultation.notes.filter { !$0.withdrawn }
            guard !notes.isEmpty else { return nil }
            return section(.loinc(code: "48767-8", display: "Commentaire"), "Notes", notes.map { paragraph($0.text) })
        }
    }

    /// `Option 1 — Traitement : label`.
    static func optionLine(_ option: ConsultationOption) -> String {
        "Option \(option.number) — \(option.kind.frenchLabel) : \(option.label)"
    }

    /// An option's benefits, harms, trial and origin, one line each.
    static func optionDetails(_ option: ConsultationOption) -> [String] {
        var details: [String] = []
        details += option.benefits.map { "Bénéfice : \($0)" }
        details += option.harms.map { "Risque ou inconvénient : \($0)" }
        if let trial = option.trialID { details.append("Essai clinique, identifiant de registre : \(trial)") }
        if let origin = option.origin { details.append("Origine : \(origin)") }
        return details
    }

    /// The decision in one sentence (without its final stop).
    static func decisionSummary(_ decision: Decision, _ consultation: Consultation) -> String {
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

    /// `Name (role)` of a participant, or the entry id when unknown.
    static func participantLabel(_ entry: EntryID, _ consultation: Consultation) -> String {
        guard let participant = consultation.participants.first(where: { $0.entry == entry }) else { return entry.rawValue }
        return "\(participant.name) (\(participant.role.frenchLabel.lowercased()))"
    }
}
