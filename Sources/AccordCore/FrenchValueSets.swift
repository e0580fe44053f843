// Generated from the ANS value sets JDV_J02 and JDV_J04 (CI-SIS, public reference data).
// Regenerate from shared/ans/jeuxDeValeurs when the ANS publishes a new version.

/// The French CI-SIS value sets that centre settings draw from.
public enum FrenchValueSets {
    /// JDV_J02 (healthcareFacilityTypeCode), value set OID 1.2.250.1.213.1.1.5.466, ANS version of 20241213.
    public static let facilityTypes: [CodedValue] = [
        CodedValue(code: "EXP_PATIENT", displayName: "Expression personnelle du patient", codeSystem: "1.2.250.1.213.1.1.4.6"),
        CodedValue(code: "SNR", displayName: "Service numérique référencé", codeSystem: "1.2.250.1.213.1.1.4.6"),
        CodedValue(code: "SA01", displayName: "Etablissement public de santé", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA02", displayName: "Hôpital militaire du Service de santé des armées", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA03", displayName: "Etablissement privé PSPH", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA04", displayName: "Etablissement privé non PSPH", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA05", displayName: "Centre de santé", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA06", displayName: "Autre structure du Service de santé des armées", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA07", displayName: "Cabinet individuel", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA08", displayName: "Cabinet de groupe", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA09", displayName: "Exercice en société", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA10", displayName: "Transporteur sanitaire", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA12", displayName: "Etablissement de soins et prévention", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA13", displayName: "Prévention et soins en entreprise", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA14", displayName: "Etablissements scolaires, universitaires et de formation hors champ FINESS",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA15", displayName: "PMI et Planification familiale", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA16", displayName: "Etablissement pour personnes handicapées", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA17", displayName: "Etablissement pour personnes âgées", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA18", displayName: "Etablissement aide à la famille", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA19", displayName: "Etablissements FINESS de formation aux professions sanitaires et sociales",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA20", displayName: "Etablissement pour la protection de l'enfance", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA21", displayName: "Etablissement d'hébergement et de réadaptation", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA22", displayName: "Recherche", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA23", displayName: "Assurance privée", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA24", displayName: "Organisme de sécurité sociale", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA25", displayName: "Laboratoire de biologie médicale", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA26", displayName: "Ministère ou Service déconcentré", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA27", displayName: "Collectivité territoriale", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA28", displayName: "Association ou organisme humanitaire", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA29", displayName: "Laboratoire d'analyses et de biologie médicale", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA30", displayName: "Autre établissement sanitaire", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA31", displayName: "Répartition et Distribution de médicaments et dispositifs médicaux",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA32", displayName: "Fabrication, Exploitation et Importation de médicaments et dispositifs médicaux",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA33", displayName: "Pharmacie d'officine", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA34", displayName: "Centre de dialyse", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA35", displayName: "Para-pharmacie", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA36", displayName: "Centre anti-cancer", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA37", displayName: "Centre de transfusion sanguine", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA38", displayName: "Pharmacie minière", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA39", displayName: "Pharmacie mutualiste", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA40", displayName: "Secteur privé, praticien hospitalier temps plein", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA41", displayName: "Autre établissement du domaine social ou médico-social", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA42", displayName: "Appareillage médical", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA43", displayName: "Secteur non défini", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA44", displayName: "Recrutement ou Gestion RH", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA45", displayName: "Communication, Marketing, Consulting, Média", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA46",
            displayName: "Fabrication, Exploitation, Importation, Répartition, Distribution médicaments et dispositifs médicaux",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA47", displayName: "Incendie et secours", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA48", displayName: "Entreprise industrielle et tertiaire hors industrie pharmaceutique",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA49", displayName: "Entité Outre-Mer", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA50", displayName: "Permanence des soins ambulatoires hors cabinet", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA51", displayName: "Structure de coopération avec autorisation de soins", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA52", displayName: "Maison de santé ou Pôle de santé", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA53", displayName: "Siège administratif d'un établissement de santé", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA54", displayName: "Centre de dépistage et de prévention", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA55", displayName: "Laboratoire pharmaceutique préparant et délivrant des allergènes", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA56", displayName: "Propharmacie", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA57", displayName: "Structure de coopération avec mission de coordination de soins", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA58", displayName: "Entreprise de taxis", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA59", displayName: "Laboratoire de biologie médicale hors catégorie standard", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA60", displayName: "Centres médicaux SNCF", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA61", displayName: "Structure Dispensatrice à domicile d'Oxygène à usage médical", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(
            code: "SA63", displayName: "Communauté professionnelle territoriale de santé et équipe de soins spécialisés",
            codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA64", displayName: "Société de téléconsultation", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA65", displayName: "Antenne de pharmacie", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA66", displayName: "Services de Prévention et de Santé au Travail (SPST)", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA67", displayName: "Maisons médicales de garde (MMG)", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA68", displayName: "Services départementaux d'incendie et de secours", codeSystem: "1.2.250.1.71.4.2.4"),
        CodedValue(code: "SA69", displayName: "Maisons de naissance", codeSystem: "1.2.250.1.71.4.2.4"),
    ]

    /// JDV_J04 (practiceSettingCode), value set OID 1.2.250.1.213.1.1.5.467, ANS version of 20240927.
    public static let practiceSettings: [CodedValue] = [
        CodedValue(code: "EXP_PATIENT", displayName: "Expression personnelle du patient", codeSystem: "1.2.250.1.213.1.1.4.6"),
        CodedValue(code: "SNR", displayName: "Service numérique référencé", codeSystem: "1.2.250.1.213.1.1.4.6"),
        CodedValue(code: "AMBULATOIRE", displayName: "Ambulatoire", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "AMO", displayName: "Organisme d'assurance maladie obligatoire", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "DEPISTAGE", displayName: "Dépistage", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "ESSMS", displayName: "Etablissement ou Service Social ou Médico-Social", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "ETABLISSEMENT", displayName: "Etablissement de santé", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "HAD", displayName: "Hospitalisation à domicile", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "MAD", displayName: "Maintien à domicile", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "PALLIATIF", displayName: "Soins palliatifs", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "SAD", displayName: "Soins à domicile", codeSystem: "1.2.250.1.213.1.1.4.9"),
        CodedValue(code: "SAMU_SMUR", displayName: "SAMU/SMUR", codeSystem: "1.2.250.1.213.1.1.4.9"),
    ]

    /// The JDV_J02 entry with this code, or `nil`.
    public static func facility(code: String) -> CodedValue? { facilityTypes.first { $0.code == code } }

    /// The JDV_J04 entry with this code, or `nil`.
    public static func practiceSetting(code: String) -> CodedValue? { practiceSettings.first { $0.code == code } }
}
