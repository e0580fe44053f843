/// An element that a complete shared-decision-making record holds.
///
/// The vocabulary follows `standards/INSTRUMENTS.md`, section "What a complete SDM record
/// holds" (a synthesis of the PRSB SDM standard, NICE NG197, the BMJ Open 2019 review of
/// 40 SDM models and the US CMS requirements). Its numbering maps onto these cases:
///
/// | INSTRUMENTS.md | element |
/// |---|---|
/// | 1. encounter, date and time, everyone present | ``participants`` |
/// | 2. decision topic, more than one reasonable option | ``topic`` |
/// | 3. each option discussed | ``options`` |
/// | 3. … including no treatment / active surveillance where reasonable | ``surveillanceOrNoTreatment`` |
/// | 3. … whether a clinical trial was offered, eligible, declined | ``trialOffer`` |
/// | 4. per option: benefits, harms, absolute risks, time frame, uncertainty, source | ``benefitsAndHarms`` |
/// | 5. what matters to the patient | ``whatMatters`` |
/// | 6. preferred and experienced role | ``preferredRole`` |
/// | 7. decision aids given (name, version) | ``decisionAid`` |
/// | 8. understanding checked | ``understandingChecked`` |
/// | 9. outcome: decided / deferred / declined, option chosen, who decided | ``decision`` |
/// | 10. time for reflection offered, next contact | ``reflectionAndNextContact`` |
/// | 11. instrument answers and scores with versions | ``instruments`` |
///
/// Item 12 (author and time of every entry) is not in the vocabulary: every event carries
/// its author and instant, so a record cannot lack it.
public enum RecordElement: String, Sendable, Hashable, Codable, CaseIterable {
    /// Item 1: the encounter and everyone present (patient, relatives, professionals).
    case participants
    /// Item 2: the decision to make, and that more than one reasonable option exists.
    case topic
    /// Item 3: each option discussed.
    case options
    /// Item 3: no treatment or active surveillance discussed where reasonable.
    case surveillanceOrNoTreatment = "surveillance-or-no-treatment"
    /// Item 4: benefits and harms of each option, with figures and their source where known.
    case benefitsAndHarms = "benefits-and-harms"
    /// Item 5: what matters to the patient (goals, values, concerns).
    case whatMatters = "what-matters"
    /// Item 6: the role the patient wants (Control Preferences Scale), preferred and experienced.
    case preferredRole = "preferred-role"
    /// Item 7: decision aids given, with name and version.
    case decisionAid = "decision-aid"
    /// Item 8: the patient's understanding was checked.
    case understandingChecked = "understanding-checked"
    /// Item 9: the outcome (agreed option, deferred, declined) and who took it.
    case decision
    /// Item 10: time for reflection offered and the next contact.
    case reflectionAndNextContact = "reflection-and-next-contact"
    /// Item 3: whether a clinical trial was offered, the patient's eligibility and answer.
    case trialOffer = "trial-offer"
    /// Item 11: instrument answers and scores, with instrument versions.
    case instruments

    /// The item number in INSTRUMENTS.md, section "What a complete SDM record holds".
    public var standardItem: Int {
        switch self {
        case .participants: 1
        case .topic: 2
        case .options, .surveillanceOrNoTreatment, .trialOffer: 3
        case .benefitsAndHarms: 4
        case .whatMatters: 5
        case .preferredRole: 6
        case .decisionAid: 7
        case .understandingChecked: 8
        case .decision: 9
        case .reflectionAndNextContact: 10
        case .instruments: 11
        }
    }

    /// A one-line French description, for narratives and completeness reports.
    public var frenchDescription: String {
        switch self {
        case .participants: "Personnes présentes (patient, proches, professionnels)"
        case .topic: "Décision à prendre et existence de plusieurs options raisonnables"
        case .options: "Options discutées"
        case .surveillanceOrNoTreatment: "Surveillance ou abstention thérapeutique discutée lorsqu'elle est raisonnable"
        case .benefitsAndHarms: "Bénéfices et risques de chaque option, avec leur source"
        case .whatMatters: "Ce qui compte pour le patient (objectifs, valeurs, inquiétudes)"
        case .preferredRole: "Rôle souhaité puis vécu par le patient dans la décision"
        case .decisionAid: "Outils d'aide à la décision remis (nom, version)"
        case .understandingChecked: "Compréhension vérifiée"
        case .decision: "Issue : option retenue, décision différée ou refusée, et qui a décidé"
        case .reflectionAndNextContact: "Délai de réflexion proposé et prochain contact"
        case .trialOffer: "Essai clinique proposé, éligibilité et réponse du patient"
        case .instruments: "Réponses et scores des questionnaires, avec leur version"
        }
    }

    /// A one-line English description.
    public var englishDescription: String {
        switch self {
        case .participants: "Everyone present (patient, relatives, professionals)"
        case .topic: "The decision to make, and that more than one reasonable option exists"
        case .options: "The options discussed"
        case .surveillanceOrNoTreatment: "Surveillance or no treatment discussed where reasonable"
        case .benefitsAndHarms: "Benefits and harms of each option, with their source"
        case .whatMatters: "What matters to the patient (goals, values, concerns)"
        case .preferredRole: "The role the patient wants, then the role experienced"
        case .decisionAid: "Decision aids given (name, version)"
        case .understandingChecked: "Understanding checked"
        case .decision: "Outcome: agreed option, deferred or declined, and who decided"
        case .reflectionAndNextContact: "Time for reflection offered and next contact"
        case .trialOffer: "Clinical trial offered, eligibility and the patient's answer"
        case .instruments: "Instrument answers and scores, with their versions"
        }
    }
}
