extension Messages {
    /// The French catalogue, the default: every ``Key`` and its message.
    ///
    /// Typed commands (`skip`, `quit`) and answer codes (`treatment`, `deferred AAAA-MM-JJ`) are
    /// quoted as they are typed, with their French meaning beside them where it helps.
    static let french: [Key: String] = [
        // MARK: - The guided session (`accord run`)
        .runWelcome:
            "Accord — consultation guidée. Tapez « skip » pour passer une question, « quit » pour arrêter (ce qui est saisi est conservé).",
        .runNeeded: "  Cette réponse est nécessaire pour continuer (tapez quit pour arrêter).",
        .runNotRecorded: "  Non enregistré : {error}",
        .runSessionClosed: "la session {session} est close ; modifiez-la avec les commandes de modification et --reason.",
        .runContinuing: "Reprise de la session {session}.",
        .runStopped:
            "Arrêt. La session {session} garde tout ce qui a été enregistré (une saisie laissée à moitié n'est pas enregistrée) ; reprenez avec `accord run --session {session}`.",
        .runAnswersEnded: "les réponses se sont arrêtées avant qu'une session puisse commencer ; rien n'a été enregistré.",
        .runStoppedBeforeStart: "Arrêt avant le début d'une session ; rien n'a été enregistré.",

        // MARK: The patient and the clinician
        .startClinicianID: "IdNat_PS du clinicien (8 + RPPS) :",
        .startClinicianName: "Nom du clinicien :",
        .startTemplate: "Modèle {reference} : {title}.",
        .startTopic: "Décision à prendre :",
        .startTopicWithDefault: "Décision à prendre [Entrée : {topic}] :",
        .startINS: "INS du patient (15 caractères) [Entrée : aucun, identité provisoire] :",
        .startINSOID: "OID de l'INS [Entrée : 1.2.250.1.213.1.4.8 en production ; les tests utilisent 1.2.250.1.213.1.4.10] :",
        .startFamilyName: "Nom de naissance (forme INS, ex. MARTIN-D'ESTE) :",
        .startGivenNames: "Prénoms de naissance, dans l'ordre :",
        .startBirthDate: "Date de naissance (AAAA-MM-JJ) :",
        .startSex: "Sexe (F, M, U) :",
        .startBirthplace: "Lieu de naissance (code officiel géographique INSEE) :",
        .startIdentityStatus:
            "Statut de l'identité : provisional (PROV), recovered (RECUP), validated (VALI), qualified (QUAL) [Entrée : {status}] :",
        .startIPP: "IPP du patient dans le centre [Entrée : aucun] :",
        .startDiagnosis: "Diagnostic (ou skip) :",
        .startPatientPresent: "Le patient est-il présent ? (oui/non) [Entrée : oui] :",
        .startNotStarted: "  Non commencée : {error}",
        .startNothingRecorded: "  Rien n'a été enregistré ; relancez `accord run`.",
        .startStarted: "Session {session} commencée.",

        // MARK: Team talk
        .teamHeading: "\n— Le choix : une décision est à prendre, et nous la prenons ensemble.",
        .teamRole:
            "Qui d'autre participe ? Rôle (relative : proche, trusted-person : personne de confiance, carer : aidant, interpreter : interprète, professional : professionnel) ou Entrée pour continuer :",
        .teamName: "  Nom :",
        .teamIdNatPS: "  IdNat_PS :",
        .teamAdded: "  Ajouté : {entry}.",
        .teamPreferredRole: "Rôle que le patient souhaite dans la décision (lettre A à E de la Control Preferences Scale), ou skip :",
        .instrumentAnsweredFor: "  Le patient est absent : qui a répondu pour lui (identifiant de participant, ex. P3) ?",
        .instrumentRecorded: "  Enregistré : {entry} — {summary}",

        // MARK: Option talk
        .optionHeading: "\n— Les options : chacune, avec ses bénéfices et ses risques.",
        .optionSoFar: "  Options déjà saisies : {options}",
        .optionKind:
            "Ajouter une option ? Type (treatment : traitement, active-surveillance : surveillance active, no-treatment : abstention, clinical-trial : essai clinique, supportive-care : soins de support) ou Entrée pour continuer :",
        .optionLabel: "  Libellé :",
        .optionBenefit: "  Bénéfice (Entrée quand c'est fini) :",
        .optionHarm: "  Risque ou inconvénient (Entrée quand c'est fini) :",
        .optionTrialID: "  Identifiant de l'essai dans son registre (ex. NCT01234567, ou skip) :",
        .optionAdded: "  Option {number} ajoutée.",

        // MARK: Decision talk
        .decisionHeading: "\n— La décision : ce qui compte pour le patient, puis la décision.",
        .decisionWhatMatters: "Qu'est-ce qui compte pour le patient ? (Entrée quand c'est fini) :",
        .decisionImportance: "  Importance de 1 à 5 (Entrée : non précisée) :",
        .decisionPreferenceAdded: "  Ajouté : {entry}.",
        .decisionAid: "Aide à la décision remise ? Son nom (Entrée : aucune) :",
        .decisionAidVersion: "  Sa version ou son édition (Entrée : inconnue) :",
        .decisionUnderstanding: "La compréhension a-t-elle été vérifiée ? Comment (ex. reformulation), ou skip :",
        .decisionTrialOffered: "Un essai clinique a-t-il été proposé ? (oui/non, ou skip) :",
        .decisionTrialEligibility:
            "  Éligibilité (eligible : éligible, not-eligible : non éligible, unknown : inconnue) [Entrée : unknown] :",
        .decisionTrialAnswer:
            "  Réponse du patient (accepted : acceptée, declined : refusée, undecided : pas encore décidée, ou skip) :",
        .decisionOptions: "  Options : {options}",
        .decisionNoOptions: "  Options : aucune",
        .decisionOutcome:
            "Décision : un numéro d'option, « deferred AAAA-MM-JJ » (différée), « declined » (refusée), ou skip :",
        .decisionTakenBy: "  Prise par (identifiants des participants, ex. P1 P2) [Entrée : P1 P2] :",
        .decisionRecorded: "  Enregistrée : {entry}.",
        .decisionNote: "Note (Entrée quand c'est fini) :",
        .decisionInstrument: "Enregistrer un questionnaire ? Son identifiant (voir `accord instrument list`), ou Entrée pour continuer :",
        .decisionInstrumentAnswers: "  Réponses ({count} × {answers}, séparées par des virgules, - si sans réponse) :",
        .decisionYesNoAnswers: "oui/non",

        // MARK: Closing
        .finishMissing: "manquant : {element} — {description}",
        .finishCompleteness: "Complétude {percent} %.",
        .finishClose: "Clore la session {session} maintenant ? (oui/non) [Entrée : non] :",
        .finishClosed: "Session {session} close.",
        .finishStaysOpen:
            "La session {session} reste ouverte ; reprenez avec `accord run --session {session}` ou les commandes de modification.",

        // MARK: Refused answers
        .refusedBirthDate: "date de naissance : n'est pas une date du calendrier ; attendu AAAA-MM-JJ.",
        .refusedSex: "sexe : n'est pas un sexe administratif ; attendu F, M ou U.",
        .refusedIdentityStatus:
            "statut de l'identité : n'est pas un statut d'identité ; attendu provisional, recovered, validated ou qualified (ou PROV, RECUP, VALI, QUAL).",
        .refusedIdentityStatusWithoutINS:
            "statut de l'identité : {status} est un statut que le téléservice INSi donne avec l'INS, mais aucun INS n'a été saisi ; attendu provisional ou validated pour une identité sans INS.",
        .refusedRole: "rôle : n'est pas un rôle de participant ; attendu relative, trusted-person, carer, interpreter ou professional.",
        .refusedPreferredRole:
            "rôle : n'est pas une lettre de la Control Preferences Scale ; attendu une lettre de A (je décide) à E (le médecin décide).",
        .refusedOptionKind:
            "type : n'est pas un type d'option ; attendu treatment, active-surveillance, no-treatment, clinical-trial ou supportive-care.",
        .refusedImportance: "importance : est hors limites ; attendu un nombre entier de 1 à 5.",
        .refusedEligibility: "éligibilité : n'est pas reconnue ; attendu eligible, not-eligible ou unknown.",
        .refusedTrialAnswer: "réponse : n'est pas reconnue ; attendu accepted, declined ou undecided.",
        .refusedYesNo: "réponse : n'est ni oui ni non ; attendu oui ou non (ou yes, no).",
        .refusedOutcome:
            "décision : n'est pas comprise ; attendu un numéro d'option, « deferred AAAA-MM-JJ » ou « declined ».",
    ]
}
