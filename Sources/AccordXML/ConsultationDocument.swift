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
/// notes (when any), changes after the consultation (when the session was amended).
///
/// Amendments (changes with a reason after the session was closed, ``Amendment``) are never
/// shown as if said during the consultation: an option, preference, decision or note added,
/// withdrawn or replaced after closing carries a line saying so in its section
/// (``DocumentAmendment/annotation``), and the last section, "Modifications après la
/// consultation", lists every amendment in order (participants, the patient's identity and the
/// process elements included). Entries withdrawn while the session was open (corrections made
/// while recording) are left out; entries withdrawn after closing stay, marked withdrawn with
/// when, by whom and why.
public struct ConsultationDocument: Sendable, Hashable {
    /// The document's title: `Consultation de décision médicale partagée`.
    public static let title = "Consultation de décision médicale partagée"

    /// The title of a document exported with `centre`'s settings: ``title``, followed, for
    /// example settings (root on the `2.999` example arc, such as AccordCore's
    /// `CentreSettings.example`), by ` — EXEMPLE (paramètres du centre d'exemple, sans valeur
    /// médicale)`, so that no one takes it for a real record.
    public static func title(centre: CentreSettings) -> String {
        centre.isExample ? title + exampleSuffix : title
    }

    /// What the title of an example document ends with.
    public static let exampleSuffix = " — EXEMPLE (paramètres du centre d'exemple, sans valeur médicale)"

    /// The sections, in order.
    public var sections: [DocumentSection]
    /// The amendments, in the order they were recorded, as the documents word them (empty
    /// for a session never amended).
    public var amendments: [DocumentAmendment]

    /// Builds the document of `consultation` (entries withdrawn while the session was open
    /// left out, those withdrawn after closing marked withdrawn).
    public init(_ consultation: Consultation) {
        sections = DocumentSection.Kind.allCases.compactMap { DocumentSection.make($0, consultation) }
        amendments = consultation.amendments.map { DocumentAmendment($0, consultation) }
    }

    /// Whether an entry appears in the documents: not withdrawn, or withdrawn after closing
    /// (then marked withdrawn).
    static func shows(_ entry: EntryID, withdrawn: Bool, in consultation: Consultation) -> Bool {
        !withdrawn || consultation.withdrawalAfterClosing(of: entry) != nil
    }
}

/// One amendment as the documents show it: the ``Amendment`` with its author named and its
/// sentence in French, times in Paris local time (``annotation``, ``line``); coded renderings
/// use ``amendment``'s UTC instant and IdNat_PS.
public struct DocumentAmendment: Sendable, Hashable {
    /// The amendment.
    public var amendment: Amendment
    /// Its author: `Name (IdNat_PS 8…)` when the author is a professional participant of the
    /// session, else `IdNat_PS 8…`.
    public var authorLabel: String
    /// What it concerns: `Option O3`, `Préférence M2`, `Note N2`, `Décision D1`, `Participant P4`,
    /// `Identité du patient (P1)`, `Aide à la décision A2`, `Questionnaire I3`, or for a change
    /// without entry id the process element (`Compréhension vérifiée`…).
    public var subject: String
    /// The sentence without its subject, from its verb: `ajoutée après la consultation le 3
    /// décembre 2026 à 10:15 (heure de Paris) par IdNat_PS 801234567897, motif : appel reçu`
    /// (the participle agrees with the subject: `Participant P5 : ajouté …`).
    public var sentence: String

    /// The line shown in the entry's own section: the sentence with a capital and a stop.
    public var annotation: String { sentence.prefix(1).uppercased() + sentence.dropFirst() + "." }
    /// The line of the "Modifications après la consultation" section: `Option O3 : ajoutée …`.
    public var line: String { "\(subject) : \(sentence)." }

    /// Words `amendment` of `consultation`.
    public init(_ amendment: Amendment, _ consultation: Consultation) {
        self.amendment = amendment
        let author = amendment.author
        if let participant = consultation.participants.first(where: { $0.role == .professional && $0.id == author }) {
            authorLabel = "\(participant.name) (\(FrenchNarrative.professionalID(author, consultation)))"
        } else {
            authorLabel = FrenchNarrative.professionalID(author, consultation)
        }
        let subject = Self.subject(amendment)
        self.subject = subject
        // The participle agrees with the subject: masculine for a participant, a questionnaire,
        // the reflection time, the trial and the process; feminine otherwise.
        let masculine = ["Participant ", "Questionnaire ", "Temps de réflexion", "Essai clinique", "Déroulement"].contains {
            subject.hasPrefix($0)
        }
        let ending = masculine ? "é" : "ée"
        let verb: String
        switch amendment.kind {
        case .added: verb = (amendment.entry == nil ? "enregistr" : "ajout") + ending
        case .corrected: verb = "corrig" + ending
        case .withdrawn: verb = "retir" + ending
        case .replaced: verb = "remplacée" + (amendment.replacedBy.map { " par la décision \($0)" } ?? "")
        }
        sentence =
            "\(verb) après la consultation le \(FrenchNarrative.instant(amendment.recordedAt, consultation)) par \(authorLabel), motif : \(amendment.reason)"
    }

    static func subject(_ amendment: Amendment) -> String {
        guard let entry = amendment.entry else {
            switch amendment.change {
            case "phase-started": return "Phase de la décision partagée"
            case "understanding-checked": return "Compréhension vérifiée"
            case "reflection-offered": return "Temps de réflexion"
            case "trial-discussed": return "Essai clinique"
            default: return "Déroulement"
            }
        }
        if entry.rawValue == "P1" { return "Identité du patient (P1)" }
        let names = [
            "P": "Participant", "O": "Option", "M": "Préférence", "D": "Décision", "N": "Note", "A": "Aide à la décision",
            "I": "Questionnaire",
        ]
        return "\(names[String(entry.rawValue.prefix(1))] ?? "Entrée") \(entry)"
    }
}

/// One section of a ``ConsultationDocument``.
public struct DocumentSection: Sendable, Hashable {
    /// Which part of the record a section shows (renderers add their entries by kind).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case participants, topic, condition, options, preferences, decision, process, instruments, nextSteps, notes, amendments
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
    /// The templateIds a CDA rendering gives the section (`section/templateId/@root`, in
    /// order), when the section follows a CI-SIS or IHE section model; empty otherwise.
    public var templateIDs: [String] = []
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
        func section(_ code: Code, _ title: String, _ blocks: [NarrativeBlock], templateIDs: [String] = []) -> DocumentSection {
            DocumentSection(kind: kind, code: code, title: title, blocks: blocks, templateIDs: templateIDs)
        }
        func paragraph(_ text: String) -> NarrativeBlock { .paragraph([.text(text)]) }
        let start = consultation.start
        switch kind {
        case .participants:
            // No LOINC section code for the people present at a consultation (none in the ANS
            // examples, whose participants are in the header): local code.
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
                // What the report says that limits its proposal (RCPReportFlag: FRCP status,
                // quorum, complete file, second-opinion request), as the report says it.
                for flag in rcp.flags ?? [] {
                    blocks.append(paragraph("Avertissement sur la fiche RCP : \(flag.frenchText)."))
                }
            }
            // LOINC 29299-5 "Reason for visit" (HL7 C-CDA Reason for Visit section,
            // 2.16.840.1.113883.10.20.22.2.12): the decision to make is why the consultation
            // takes place. (The FRCP's 42349-1 "Raison de la recommandation" is the RCP's own.)
            return section(.loinc(code: "29299-5", display: "Motif de la consultation"), "Décision à prendre", blocks)
        case .condition:
            guard let condition = start.condition else { return nil }
            var line = condition.text
            if let code = condition.code { line += condition.codeSystem == FieldRules.icd10OID ? " (CIM-10 \(code))" : " (code \(code))" }
            // LOINC 72135-7, as the FRCP's section "Diagnostic du cancer" (ANS example
            // CANCER-FRCP_2022.01_Transversale.xml, title TUMEUR).
            var blocks = [paragraph(line)]
            if let morphology = condition.morphology {
                // ICD-O-3 morphology read from the RCP report (JDV_Morphologie_CISIS).
                blocks.append(paragraph("Morphologie (CIM-O-3 \(morphology.code)) : \(morphology.displayName)."))
            }
            return section(.loinc(code: "72135-7", display: "Diagnostic du cancer"), "Diagnostic", blocks)
        case .options:
            let options = consultation.options.filter { ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation) }
            let blocks: [NarrativeBlock] =
                options.isEmpty
                ? [paragraph("Aucune option enregistrée.")]
                : [
                    .list(
                        options.map {
                            NarrativeItem(
                                .anchored("option-\($0.number)", Self.optionLine($0) + ($0.withdrawn ? " (retirée)" : "")),
                                details: Self.optionDetails($0) + Self.annotations($0.entry, consultation))
                        },
                        ordered: true)
                ]
            // Local: LOINC has no section for the options weighed with the patient (the FRCP
            // puts its proposals in 18776-5 "Plan de soins", used here for the next steps).
            return section(.local(code: "section-options", display: "Options discutées"), "Options discutées", blocks)
        case .preferences:
            let preferences = consultation.preferences.filter {
                ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation)
            }
            let blocks: [NarrativeBlock] =
                preferences.isEmpty
                ? [paragraph("Aucune préférence enregistrée.")]
                : [
                    .list(
                        preferences.map {
                            NarrativeItem(
                                .text($0.text + ($0.importance.map { " (importance \($0)/5)" } ?? "") + ($0.withdrawn ? " (retirée)" : "")),
                                details: Self.annotations($0.entry, consultation))
                        },
                        ordered: false)
                ]
            // Local: no LOINC section code found for what matters to the patient in a decision
            // (LOINC's goals-and-preferences codes are observation codes, not sections).
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
                blocks.append(paragraph("Enregistrée le \(FrenchNarrative.instant(decision.recordedAt, consultation))."))
                blocks += Self.annotations(decision.entry, consultation).map(paragraph)
            } else {
                blocks.append(paragraph("Aucune décision enregistrée."))
            }
            // Local: no LOINC section code for a shared decision's outcome.
            // Decisions replaced or withdrawn after closing stay, marked, with their amendments.
            for earlier in Self.earlierDecisions(consultation) {
                let state = earlier.withdrawn ? "retirée" : "remplacée"
                blocks.append(
                    .paragraph([
                        .text("Décision \(earlier.entry) (\(state)) : "),
                        .anchored("decision-\(earlier.entry)", Self.decisionSummary(earlier, consultation)), .text("."),
                    ]))
                blocks += Self.annotations(earlier.entry, consultation).map(paragraph)
            }
            return section(.local(code: "section-decision", display: "Décision"), "Décision", blocks)
        case .process:
            let items = FrenchNarrative.processLines(consultation)
            guard !items.isEmpty else { return nil }
            // Local: no LOINC section code for the steps of shared decision-making.
            return section(
                .local(code: "section-process", display: "Déroulement de la décision partagée"), "Déroulement de la décision partagée",
                [.list(items.map { NarrativeItem(.text($0)) }, ordered: false)])
        case .instruments:
            let responses = consultation.instruments.filter {
                ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation)
            }
            guard !responses.isEmpty else { return nil }
            // Local: LOINC has no section code for SDM instruments (nor codes for them).
            return section(
                .local(code: "section-instruments", display: "Questionnaires de décision partagée"), "Questionnaires",
                [
                    .list(
                        responses.map {
                            NarrativeItem(
                                .text($0.narrativeLine(in: consultation) + ($0.withdrawn ? " (retiré)" : "")),
                                details: Self.annotations($0.entry, consultation))
                        }, ordered: false)
                ])
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
            // LOINC 18776-5 "Plan de soins", as in the FRCP and PPS (ANS examples
            // CANCER-FRCP_2022.01_*.xml, CANCER-PPS_2022.01_*.xml).
            return section(.loinc(code: "18776-5", display: "Plan de soins"), "Suite de la prise en charge", [block])
        case .notes:
            let notes = consultation.notes.filter { ConsultationDocument.shows($0.entry, withdrawn: $0.withdrawn, in: consultation) }
            guard !notes.isEmpty else { return nil }
            // The CI-SIS section FR-Commentaire-non-code: LOINC 55112-7 with templateIds
            // 2.16.840.1.113883.10.12.201 (HL7), 1.3.6.1.4.1.19376.1.4.1.2.16 (IHE) and
            // 1.2.250.1.213.1.1.2.73 (CI-SIS), as in the ANS
            // examples CANCER-FRCP_2022.01_*.xml and the schematrons S_CommentaireNonCodee*.sch.
            return section(
                .loinc(code: "55112-7", display: "Commentaire"), "Notes",
                notes.flatMap { note in
                    [paragraph(note.withdrawn ? "Note \(note.entry) (retirée) : \(note.text)" : note.text)]
                        + Self.annotations(note.entry, consultation).map(paragraph)
                },
                templateIDs: DocumentSection.commentTemplateIDs)
        case .amendments:
            guard !consultation.amendments.isEmpty else { return nil }
            let lines = consultation.amendments.map { DocumentAmendment($0, consultation) }
            return section(
                .local(code: "section-amendments", display: "Modifications après la consultation"), "Modifications après la consultation",
                [.list(lines.map { NarrativeItem(.text($0.line)) }, ordered: false)])
        }
    }

    /// The annotations of an entry's amendments, one line each (none when it has none).
    static func annotations(_ entry: EntryID, _ consultation: Consultation) -> [String] {
        consultation.amendments(of: entry).map { DocumentAmendment($0, consultation).annotation }
    }

    /// The decisions that are not the current one and appear in the documents: replaced by a
    /// decision recorded after closing, or withdrawn after closing.
    static func earlierDecisions(_ consultation: Consultation) -> [Decision] {
        let current = consultation.decision?.entry
        return consultation.decisions.filter { decision in
            decision.entry != current
                && consultation.amendments(of: decision.entry).contains { $0.kind == .replaced || $0.kind == .withdrawn }
        }
    }

    /// The templateIds of the CI-SIS section FR-Commentaire-non-code (LOINC 55112-7): HL7 CDA
    /// section 2.16.840.1.113883.10.12.201 (the parent the IHE schematron S_documentSummary.sch
    /// requires), IHE 1.3.6.1.4.1.19376.1.4.1.2.16, then CI-SIS 1.2.250.1.213.1.1.2.73, as in the
    /// ANS example CANCER-FRCP_2022.01_Transversale.xml (section "COMMENTAIRES / PRÉCISIONS SUR LE PATIENT").
    public static let commentTemplateIDs = ["2.16.840.1.113883.10.12.201", "1.3.6.1.4.1.19376.1.4.1.2.16", "1.2.250.1.213.1.1.2.73"]

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
