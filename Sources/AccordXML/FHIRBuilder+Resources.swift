import AccordCore
import Foundation

extension FHIRBuilder {
    // MARK: - People and organisations

    /// The fr-core identifier type (code system `fr-core-cs-v2-0203`, FR Core 2.2.0-ballot) of an INS
    /// by its OID: `.8` INS-NIR, `.9` INS-NIA, `.10` INS-NIR-TEST, `.11` INS-NIR-DEMO.
    static func insIdentifierType(oid: String) -> (system: String, code: String, display: String)? {
        switch oid {
        case KnownOID.accordPseudonym: nil  // a research pseudonym is no INS
        case KnownOID.insNIA: (frCoreIdentifierType, "INS-NIA", "NIR temporaire")
        case KnownOID.insNIRTest: (frCoreIdentifierType, "INS-NIR-TEST", "NIR TEST")
        case KnownOID.insNIRDemo: (frCoreIdentifierType, "INS-NIR-DEMO", "NIR DEMO")
        default: (frCoreIdentifierType, "INS-NIR", "NIR définitif")
        }
    }

    /// The patient with the INS identity traits, per FR Core 2.2.0-ballot (`fr-core-patient`,
    /// and `fr-core-patient-ins` for a qualified INS with a recorded status): INS identifier
    /// (slice INS-NIR/-NIA/-TEST/-DEMO), IPP (slice PI), the birth name (`official`: birth
    /// family name, the first birth given name as the one `given`, the list of birth given
    /// names in extension `fr-core-patient-birth-list-given-name`), used names (`usual`),
    /// gender, birth date and birth place (`patient-birthPlace` extension: COG code as
    /// `Address.district`, as the CDA export puts it in `addr/county`, and as the INSEE code of
    /// extension `fr-core-address-insee-code`).
    func patient() {
        let identity = consultation.start.patient
        var profiles = [Self.frCoreProfile("fr-core-patient")]
        if consultation.start.documentINS != nil, consultation.start.identityStatus != nil, Self.clean(identity.birthplaceCode) != nil {
            profiles.append(Self.frCoreProfile("fr-core-patient-ins"))
        }
        entry("Patient", type: "Patient", profiles: profiles) {
            narrative(paragraphs: [
                "\(identity.birthGivenNames) \(identity.birthFamilyName)"
                    + (identity.usedFamilyName.map { " (nom utilisé : \($0))" } ?? ""),
                consultation.isPseudonymised
                    ? "Sexe : \(identity.sex.frenchDisplayName). Né(e) en \(identity.birthDate.year), lieu de naissance retiré."
                    : "Sexe : \(identity.sex.frenchDisplayName). Né(e) le \(FrenchNarrative.date(identity.birthDate)), lieu de naissance (code COG) \(identity.birthplaceCode).",
                Self.patientIdentifiers(consultation.start),
            ])
            if let birthplace = Self.clean(identity.birthplaceCode) {
                writer.element("extension") {
                    writer.attribute("url", "http://hl7.org/fhir/StructureDefinition/patient-birthPlace")
                    writer.element("valueAddress") {
                        writer.element("extension") {
                            writer.attribute("url", Self.inseeCodeURL)
                            writer.element("valueCoding") {
                                value("system", Self.inseeCodeSystem)
                                value("code", birthplace)
                            }
                        }
                        value("district", birthplace)
                    }
                }
            }
            if let status = consultation.start.identityStatus { identityReliability(status) }
            if let ins = consultation.start.documentINS, let number = ins.extension_ {
                identifier(
                    use: "official", type: Self.insIdentifierType(oid: ins.root), system: "urn:oid:\(ins.root)", value: number)
            }
            if let ipp = consultation.start.ipp {
                let parts = Self.identifierParts(ipp)
                identifier(
                    use: "usual", type: (Self.v2IdentifierType, "PI", "Patient internal identifier"), system: parts.system,
                    value: parts.value)
            }
            writer.element("name") {
                if Self.clean(identity.birthGivenNames) != nil {
                    writer.element("extension") {
                        writer.attribute("url", Self.birthListGivenNameURL)
                        value("valueString", identity.birthGivenNames)
                    }
                }
                value("use", "official")
                value("family", identity.birthFamilyName)
                value("given", identity.firstBirthGivenName)
            }
            if Self.clean(identity.usedFamilyName) != nil || Self.clean(identity.usedGivenName) != nil {
                writer.element("name") {
                    value("use", "usual")
                    value("family", identity.usedFamilyName)
                    value("given", identity.usedGivenName)
                }
            }
            let gender: String
            switch identity.sex {
            case .female: gender = "female"
            case .male: gender = "male"
            case .unknown: gender = "unknown"
            }
            value("gender", gender)
            // A pseudonymised birth date is its year alone (FHIR `date` allows `YYYY`).
            value(
                "birthDate", consultation.isPseudonymised ? String(format: "%04d", identity.birthDate.year) : identity.birthDate.description
            )
        }
    }

    /// The identity's status as the French core profile's `fr-core-identity-reliability`
    /// extension carries it: sub-extension `identityStatus` coded in
    /// `https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status` (FR Core 2.2.0,
    /// RNIV codes PROV, RECUP, VALI, QUAL). Written only when a status was recorded.
    func identityReliability(_ status: IdentityStatus) {
        writer.element("extension") {
            writer.attribute("url", Self.identityReliabilityURL)
            writer.element("extension") {
                writer.attribute("url", "identityStatus")
                writer.element("valueCoding") {
                    value("system", Self.identityStatusSystem)
                    value("code", status.code)
                    value("display", status.frenchDisplayName)
                }
            }
        }
    }

    /// The narrative's identifiers line: `INS …, IPP …` for a qualified identity, `IPP …`
    /// for another, `nil` with neither.
    static func patientIdentifiers(_ start: SessionStart) -> String? {
        let pseudonymised = start.documentINS?.root == KnownOID.accordPseudonym
        let ipp = start.ipp?.extension_.map { pseudonymised ? "pseudonyme de l'IPP \($0)" : "IPP \($0)" }
        guard let ins = start.documentINS?.extension_ else { return ipp }
        return (pseudonymised ? "pseudonyme du patient \(ins)" : "INS \(ins)") + (ipp.map { ", \($0)" } ?? "")
    }

    static let identityReliabilityURL = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability"
    /// FR Core extension `fr-core-patient-birth-list-given-name` (valueString: the birth given
    /// names, space-separated, as the INS gives them).
    static let birthListGivenNameURL = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-birth-list-given-name"
    /// FR Core extension `fr-core-address-insee-code` (valueCoding from FRCoreValueSetINSEECode).
    static let inseeCodeURL = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code"
    /// The code system FRCoreValueSetINSEECode includes (TRE_R13 CommuneOM).
    static let inseeCodeSystem = "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM"
    static let identityStatusSystem = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status"

    /// A professional per FR Core `fr-core-practitioner`: identified by IdNat_PS (slice
    /// idNatPs: type `IDNPS`, system `urn:oid:1.2.250.1.71.4.2.1`), named in parts when the
    /// name was recorded in parts, else as typed (`HumanName.text`).
    func practitioner(_ professional: Professional) {
        entry("Practitioner/\(professional.key)", type: "Practitioner", profiles: [Self.frCoreProfile("fr-core-practitioner")]) {
            narrative(paragraphs: [
                professional.name ?? "Auteur d'entrées de la session",
                professional.idNatPS.map { FrenchNarrative.professionalID($0, consultation) },
                professional.function,
            ])
            if let id = professional.idNatPS {
                // A pseudonym is no IdNat_PS: no IDNPS type.
                identifier(
                    use: "official",
                    type: consultation.isPseudonymised
                        ? nil : (Self.frCoreIdentifierType, "IDNPS", "Identifiant National de Professionnel de Santé"),
                    system: "urn:oid:\(input.professionalIDRoot)", value: id)
            }
            humanName(professional.name, professional.details)
        }
    }

    /// A `name` in parts (`family`, `given`, `prefix` a J245 civility, `suffix` a J246 title
    /// such as `DR`, as FR Core's Practitioner binds `suffix` to the RASS civilités d'exercice)
    /// when recorded in parts, else the one-field name as `text`; nothing when both are empty.
    func humanName(_ text: String?, _ details: PersonDetails?) {
        if let details, details.hasNameParts {
            writer.element("name") {
                value("family", details.familyName)
                value("given", details.givenName)
                if !details.prefixIsTitle { value("prefix", details.prefix) }
                if details.prefixIsTitle { value("suffix", details.prefix) }
            }
        } else if let name = Self.clean(text) {
            writer.element("name") {
                value("text", name)
            }
        }
    }

    /// A professional's role in the consultation, per FR Core `fr-core-practitioner-role`: the
    /// Practitioner, the organisation where the consultation took place, and `code` with the
    /// JDV_J01 profession or specialty (`urn:oid:` of its code system, display from the value
    /// set; `code` is bound *preferred*, while `specialty` is bound *required* to a RASS value
    /// set J01 codes are not in) and the function in words as its text.
    func practitionerRole(_ professional: Professional) {
        entry(
            "PractitionerRole/\(professional.key)", type: "PractitionerRole", profiles: [Self.frCoreProfile("fr-core-practitioner-role")]
        ) {
            narrative(paragraphs: [
                (professional.name ?? "Professionnel de santé") + (professional.function.map { ", \($0)" } ?? ""),
                "FINESS \(siteFINESS)",
            ])
            reference("practitioner", to: "Practitioner/\(professional.key)", display: Self.clean(professional.name))
            reference("organization", to: siteOrganization)
            let specialty = professional.details?.specialtyCode
            concept(
                "code", codings: specialty.map { [("urn:oid:\($0.codeSystem)", $0.code, $0.displayName)] } ?? [],
                text: professional.function ?? specialty?.displayName)
        }
    }

    /// An organisation's identifiers per FR Core `fr-core-organization`: slice idNatSt (type
    /// `IDNST`, system `urn:oid:1.2.250.1.71.4.2.2`, `1` + FINESS) and slice finess (type
    /// `FINEG`, FINESS of a geographical entity, system `https://finess.esante.gouv.fr`).
    func organizationIdentifiers(finess: String) {
        identifier(
            use: "official",
            type: (Self.frCoreIdentifierType, "IDNST", "Identification nationale de structure définie par l’ANS dans le CI_SIS"),
            system: "urn:oid:\(KnownOID.idNatStruct)", value: "1" + finess)
        identifier(
            type: (Self.frCoreIdentifierType, "FINEG", "FINESS d'entité géographique"), system: "https://finess.esante.gouv.fr",
            value: finess)
    }

    /// The centre, custodian of the document: IdNat_Struct `1` + FINESS, facility type
    /// (JDV_J02), name and address.
    func centreOrganization() {
        entry("Organization/centre", type: "Organization", profiles: [Self.frCoreProfile("fr-core-organization")]) {
            narrative(paragraphs: [centre.name, centre.address, "FINESS \(centre.finess)"])
            organizationIdentifiers(finess: centre.finess)
            concept(
                "type", codings: [("urn:oid:\(centre.facility.codeSystem)", centre.facility.code, centre.facility.displayName)])
            value("name", centre.name)
            if Self.clean(centre.address) != nil {
                writer.element("address") {
                    value("text", centre.address)
                }
            }
        }
    }

    /// The organisation where the consultation took place, when it is not the centre: its
    /// IdNat_Struct id, and when known its own facility type (JDV_J02: a declared site's, or
    /// the RCP report's `healthCareFacility/code`) and name.
    func siteOrganizationResource() {
        let place = self.place
        let known = place.name != nil || consultation.start.facility != nil || centre.organisation(finess: place.finess) != nil
        entry("Organization/site", type: "Organization", profiles: [Self.frCoreProfile("fr-core-organization")]) {
            narrative(paragraphs: [
                "Lieu de la consultation : " + (place.name.map { "\($0), " } ?? "") + "établissement FINESS \(siteFINESS)"
            ])
            organizationIdentifiers(finess: siteFINESS)
            if known {
                concept("type", codings: [("urn:oid:\(place.facility.codeSystem)", place.facility.code, place.facility.displayName)])
            }
            value("name", place.name)
        }
    }

    /// A relative, trusted person, carer or interpreter. Relationship: `NOK` (trusted person)
    /// and `CAREGIVER` (carer) from v3 RoleClass, as the CDA export's informants; `FAMMEMB`
    /// from v3 RoleCode for another relative; text only for an interpreter; then the JDV_J11
    /// relationship when recorded (v3 RoleCode for its `2.16.840.1.113883.5.111` codes, else
    /// `urn:oid:` of its code system; display from the value set). Name in parts when
    /// recorded in parts, else as typed (`text`).
    func relatedPerson(_ participant: Participant) {
        entry("RelatedPerson/\(participant.entry.rawValue)", type: "RelatedPerson") {
            narrative(paragraphs: [
                "\(participant.name) (\(participant.role.frenchLabel.lowercased()))" + (participant.function.map { ", \($0)" } ?? "")
            ])
            reference("patient", to: "Patient")
            let roleClass = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
            let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
            let relation: [(system: String, code: String, display: String?)] =
                participant.details?.relationshipCode.map {
                    [($0.codeSystem == "2.16.840.1.113883.5.111" ? roleCode : "urn:oid:\($0.codeSystem)", $0.code, $0.displayName)]
                } ?? []
            switch participant.role {
            case .trustedPerson:
                concept("relationship", codings: [(roleClass, "NOK", "next of kin")] + relation, text: participant.role.frenchLabel)
            case .carer:
                concept("relationship", codings: [(roleClass, "CAREGIVER", "caregiver")] + relation, text: participant.role.frenchLabel)
            case .relative:
                concept(
                    "relationship", codings: relation.isEmpty ? [(roleCode, "FAMMEMB", "family member")] : relation,
                    text: participant.role.frenchLabel)
            default:
                concept("relationship", codings: relation, text: participant.function ?? participant.role.frenchLabel)
            }
            humanName(participant.name, participant.details)
        }
    }

    // MARK: - The consultation

    /// The consultation: ambulatory (v3 ActCode `AMB`), finished when closed, its participants
    /// (clinician `PPRF`, other professionals `SPRF`, interpreter `TRANS`, relatives `PART`).
    func encounter() {
        entry("Encounter", type: "Encounter") {
            narrative(paragraphs: [
                "Consultation de décision médicale partagée, session \(consultation.id).",
                "Début : \(FrenchNarrative.instant(consultation.startedAt, consultation))"
                    + (consultation.closedAt.map { ", fin : \(FrenchNarrative.instant($0, consultation))" } ?? " (en cours)") + ".",
            ])
            code("status", consultation.status == .closed ? FHIREncounterStatus.finished : .inProgress)
            writer.element("class") {
                value("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode")
                value("code", "AMB")
                value("display", "ambulatory")
            }
            concept(
                "type",
                codings: [("urn:oid:1.2.250.1.213.1.1.4.2.291", "EXTERNE", "Acte et consultation externe (établissement)")],
                text: "Consultation de décision médicale partagée")
            reference("subject", to: "Patient")
            // Participants added after closing did not take part in the encounter as recorded
            // (their resources stay, with the amendment's Provenance).
            for (index, professional) in professionals.enumerated()
            where professional.hasRole && !consultation.wasAddedAfterClosing(EntryID(professional.key)) {
                participant(
                    type: index == 0 ? ("PPRF", "primary performer") : ("SPRF", "secondary performer"),
                    resource: "PractitionerRole/\(professional.key)")
            }
            for person in relatedPersons where !consultation.wasAddedAfterClosing(person.entry) {
                participant(
                    type: person.role == .interpreter ? ("TRANS", "Translator") : ("PART", "Participation"),
                    resource: "RelatedPerson/\(person.entry.rawValue)")
            }
            writer.element("period") {
                value("start", dateTime(consultation.startedAt))
                value("end", consultation.closedAt.map(dateTime))
            }
            if consultation.start.condition != nil { reference("reasonReference", to: "Condition") }
            reference("serviceProvider", to: siteOrganization)
        }
    }

    private func participant(type: (String, String), resource: String) {
        writer.element("participant") {
            concept("type", codings: [(Self.participationType, type.0, type.1)])
            reference("individual", to: resource)
        }
    }

    /// The diagnosis: its words as `code.text`, its code as ICD-10
    /// (`http://hl7.org/fhir/sid/icd-10`) or `urn:oid:<system>`. The morphology an RCP report
    /// codes (ICD-O-3) is the extension `histology-morphology-behavior` of HL7 mCODE
    /// (`http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior`,
    /// a CodeableConcept; R4 Condition has no element of its own for it), system
    /// ICD-O-3 (`http://terminology.hl7.org/CodeSystem/icd-o-3`, the report's `2.16.840.1.113883.6.43.1`).
    static let morphologyExtension = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"

    func conditionResource(_ condition: Condition) {
        entry("Condition", type: "Condition") {
            var line = condition.text
            if let code = condition.code { line += " (\(code))" }
            var paragraphs = [line]
            if let morphology = condition.morphology {
                paragraphs.append("Morphologie (CIM-O-3 \(morphology.code)) : \(morphology.displayName)")
            }
            narrative(paragraphs: paragraphs)
            if let morphology = condition.morphology {
                writer.element("extension", attributes: [("url", Self.morphologyExtension)]) {
                    concept(
                        "valueCodeableConcept",
                        codings: [(FieldRules.fhirSystem(forOID: morphology.codeSystem), morphology.code, morphology.displayName)])
                }
            }
            var codings: [(system: String, code: String, display: String?)] = []
            if let code = Self.clean(condition.code), let system = Self.clean(condition.codeSystem) {
                codings.append((FieldRules.fhirSystem(forOID: system), code, nil))
            }
            concept("code", codings: codings, text: condition.text)
            reference("subject", to: "Patient")
            reference("encounter", to: "Encounter")
        }
    }

    // MARK: - Options and decision

    /// An option as a CarePlan `intent=proposal`, status `active` (the proposal stands as it
    /// was made; `intent` says it is not a decision). Benefits, harms, trial id and origin
    /// are notes; an option from the RCP report cites it in `supportingInfo` by identifier.
    func proposal(_ option: ConsultationOption) {
        entry("CarePlan/\(option.entry.rawValue)", type: "CarePlan") {
            narrative {
                writer.element("p", text: Self.clean(Self.optionLine(option)) ?? "—")
                let details = Self.optionDetails(option)
                if !details.isEmpty { list(details) }
            }
            entryIdentifier(option.entry)
            code("status", option.withdrawn ? FHIRRequestStatus.enteredInError : .active)
            code("intent", FHIRCarePlanIntent.proposal)
            localConcept("category", code: "option-\(option.kind.rawValue)", display: option.kind.frenchLabel)
            value("title", option.label)
            value("description", Self.optionLine(option))
            reference("subject", to: "Patient")
            reference("encounter", to: "Encounter")
            if let added = consultation.addition(of: option.entry) {
                value("created", dateTime(added.recordedAt))
                reference("author", to: authorResource(added.author))
            } else {
                reference("author", to: "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            }
            if consultation.start.condition != nil { reference("addresses", to: "Condition") }
            if EntryOrigin(option.origin) == .rcp, let rcp = consultation.start.rcp {
                writer.element("supportingInfo") {
                    value("type", "DocumentReference")
                    let parts = Self.identifierParts(rcp.documentID)
                    writer.element("identifier") {
                        value("system", parts.system)
                        value("value", parts.value)
                    }
                    value("display", "Fiche de réunion de concertation pluridisciplinaire")
                }
            }
            for detail in Self.optionDetails(option) { note(detail) }
        }
    }

    private func note(_ text: String) {
        guard let clean = Self.clean(text) else { return }
        writer.element("note") {
            value("text", clean)
        }
    }

    /// The decision's CarePlan `intent=plan`: for an agreed option, status `active`, based on
    /// that option's proposal; for a deferral, status `on-hold` with one activity, the next
    /// contact (an appointment scheduled on that day). The participants who took the decision
    /// are its contributors; what matters to the patient its goals.
    ///
    /// A decision replaced or withdrawn after closing keeps its CarePlan, `CarePlan/D<n>`
    /// (``earlierPlans``): status `revoked` when replaced, `entered-in-error` when withdrawn;
    /// the plan that replaced it says so in `replaces`.
    func plan(_ decision: Decision, resource: String = "CarePlan/decision") {
        entry(resource, type: "CarePlan") {
            narrative(
                paragraphs: [
                    (resource == "CarePlan/decision"
                        ? "" : "Décision \(decision.entry) (\(decision.withdrawn ? "retirée" : "remplacée")) : ")
                        + decisionSummary(decision) + ".", "Enregistrée le \(FrenchNarrative.instant(decision.recordedAt, consultation)).",
                ] + DocumentSection.annotations(decision.entry, consultation))
            entryIdentifier(decision.entry)
            var option: ConsultationOption?
            if case .agreed(let number) = decision.outcome {
                option = consultation.options.first { $0.number == number }
                if let option { reference("basedOn", to: "CarePlan/\(option.entry.rawValue)") }
            }
            for earlier in earlierPlans
            where consultation.amendments(of: earlier.entry).contains(where: { $0.replacedBy == decision.entry }) {
                reference("replaces", to: "CarePlan/\(earlier.entry)")
            }
            let amendedStatus: FHIRRequestStatus? =
                resource == "CarePlan/decision" ? nil : decision.withdrawn ? .enteredInError : .revoked
            switch decision.outcome {
            case .agreed:
                code("status", amendedStatus ?? FHIRRequestStatus.active)
                code("intent", FHIRCarePlanIntent.plan)
                localConcept("category", code: "decision-agreed", display: "Décision partagée : option retenue")
                value("title", option?.label ?? "Option retenue")
            case .deferred:
                code("status", amendedStatus ?? FHIRRequestStatus.onHold)
                code("intent", FHIRCarePlanIntent.plan)
                localConcept("category", code: "decision-deferred", display: "Décision différée")
                value("title", "Décision différée")
            case .declined:
                code("status", FHIRRequestStatus.revoked)
                code("intent", FHIRCarePlanIntent.plan)
            }
            value("description", decisionSummary(decision))
            reference("subject", to: "Patient")
            reference("encounter", to: "Encounter")
            value("created", dateTime(decision.recordedAt))
            reference(
                "author",
                to: consultation.addition(of: decision.entry).map { authorResource($0.author) }
                    ?? "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            for entry in decision.takenBy + [decision.answeredBy].compactMap({ $0 }).filter({ !decision.takenBy.contains($0) }) {
                if let resource = resourceName(of: entry) { reference("contributor", to: resource) }
            }
            if consultation.start.condition != nil { reference("addresses", to: "Condition") }
            for preference in activePreferences where !preference.withdrawn {
                reference("goal", to: "Goal/\(preference.entry.rawValue)")
            }
            if case .deferred(let next) = decision.outcome {
                writer.element("activity") {
                    writer.element("detail") {
                        value("kind", "Appointment")
                        localConcept("code", code: "next-contact", display: "Prochain contact après temps de réflexion")
                        code("status", amendedStatus == nil ? FHIRCarePlanActivityStatus.scheduled : .cancelled)
                        writer.element("scheduledPeriod") {
                            value("start", next.description)
                        }
                        value(
                            "description",
                            "Prochain contact prévu le \(FrenchNarrative.date(next)) : le patient fera connaître sa décision après un temps de réflexion."
                        )
                    }
                }
            }
        }
    }

    // MARK: - Preferences and instruments

    /// What matters to the patient as a Goal: `lifecycleStatus` proposed, expressed by the
    /// patient; importance 4–5 → high, 3 → medium, 1–2 → low priority (goal-priority).
    func goal(_ preference: Preference) {
        entry("Goal/\(preference.entry.rawValue)", type: "Goal") {
            narrative(paragraphs: [Self.preferenceLine(preference)])
            entryIdentifier(preference.entry)
            code("lifecycleStatus", preference.withdrawn ? FHIRGoalLifecycleStatus.enteredInError : .proposed)
            if let importance = preference.importance {
                let priority: (String, String) =
                    switch importance {
                    case 4...: ("high-priority", "High Priority")
                    case 3: ("medium-priority", "Medium Priority")
                    default: ("low-priority", "Low Priority")
                    }
                concept(
                    "priority", codings: [("http://terminology.hl7.org/CodeSystem/goal-priority", priority.0, priority.1)],
                    text: "Importance \(importance)/5")
            }
            concept("description", text: Self.clean(preference.text) ?? "—")
            reference("subject", to: "Patient")
            reference("expressedBy", to: "Patient")
        }
    }

    /// An instrument response: `questionnaire` = the instrument's versioned canonical
    /// (``FHIRQuestionnaire/versionedCanonical(_:version:centre:)``), status `completed` (every
    /// item answered) or `in-progress`; exactly the items of its Questionnaire that were
    /// answered (`linkId` = item number, as in ``FHIRQuestionnaire``; whole numbers as
    /// `valueInteger`, yes/no as `valueBoolean`, a Control Preferences Scale letter as
    /// `valueString`); unanswered items are left out. Scores and flags are not items: they are
    /// Observations derived from it (``instrumentObservations(_:)``).
    func questionnaireResponse(_ response: InstrumentResponse) {
        entry("QuestionnaireResponse/\(response.entry.rawValue)", type: "QuestionnaireResponse") {
            narrative(paragraphs: [response.narrativeLine(in: consultation), "Réponses : \(InstrumentAnswer.text(response.answers))"])
            entryIdentifier(response.entry)
            value(
                "questionnaire", FHIRQuestionnaire.versionedCanonical(response.instrument, version: response.version, centre: centre))
            code(
                "status",
                response.withdrawn
                    ? FHIRQuestionnaireResponseStatus.enteredInError : response.score.complete ? .completed : .inProgress)
            reference("subject", to: "Patient")
            reference("encounter", to: "Encounter")
            value("authored", dateTime(response.recordedAt))
            switch response.respondent {
            case .patient:
                // Someone who answered for the patient is the author and the source (part 8).
                let answerer = response.answeredBy.flatMap(resourceName(of:)) ?? "Patient"
                reference("author", to: answerer)
                reference("source", to: answerer)
            case .clinician:
                reference("author", to: "PractitionerRole/\(consultation.clinician.entry.rawValue)")
            case .observer:
                break
            }
            for (index, answer) in response.answers.enumerated() {
                let element: (String, String)
                switch answer {
                case .value(let number): element = ("valueInteger", String(number))
                case .yes: element = ("valueBoolean", "true")
                case .no: element = ("valueBoolean", "false")
                case .letter(let letter): element = ("valueString", letter)
                case .missing: continue
                }
                item(linkId: FHIRQuestionnaire.linkID(item: index + 1), text: nil, answers: [element])
            }
        }
    }

    /// The resource names of a response's Observations, in order: its score, its subscores
    /// (by name), its flags (in the order the scoring gives them).
    static func observationNames(_ response: InstrumentResponse) -> [String] {
        let entry = response.entry.rawValue
        var names: [String] = []
        if response.score.formatted != nil { names.append("Observation/\(entry)-score") }
        for name in response.score.subscores.keys.sorted() where response.score.formattedSubscore(name) != nil {
            names.append("Observation/\(entry)-score-\(name)")
        }
        for flag in response.score.flags { names.append("Observation/\(entry)-flag-\(flag)") }
        return names
    }

    /// A response's score, subscores and flags as Observations (category `survey`), each
    /// `derivedFrom` the QuestionnaireResponse, dated when the answers were recorded: a score as
    /// `valueQuantity` (the printed precision, no unit), coded `score-<instrument>` (a subscore
    /// `score-<instrument>-<name>`) in Accord's local code system (no LOINC code exists for these
    /// instruments' scores); a flag (e.g. `decisional-conflict`) as `valueCodeableConcept` in the
    /// local code system, coded `flag-<instrument>`.
    func instrumentObservations(_ response: InstrumentResponse) {
        let instrument = response.instrument.instrument
        let id = response.instrument.rawValue
        func observation(_ name: String, code coded: String, display: String, narrative line: String, value writeValue: () -> Void) {
            entry(name, type: "Observation") {
                narrative(paragraphs: [line])
                code("status", FHIRObservationStatus.final)
                concept(
                    "category",
                    codings: [("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")])
                localConcept("code", code: coded, display: display)
                reference("subject", to: "Patient")
                reference("encounter", to: "Encounter")
                value("effectiveDateTime", dateTime(response.recordedAt))
                writeValue()
                reference("derivedFrom", to: "QuestionnaireResponse/\(response.entry.rawValue)")
            }
        }
        let key = response.entry.rawValue
        if let score = response.score.formatted {
            observation(
                "Observation/\(key)-score", code: "score-\(id)", display: "Score \(instrument.name)",
                narrative: "Score \(instrument.name) (\(instrument.scoreRange)) : \(score)."
            ) {
                writer.element("valueQuantity") { value("value", score) }
            }
        }
        for name in response.score.subscores.keys.sorted() {
            guard let score = response.score.formattedSubscore(name) else { continue }
            observation(
                "Observation/\(key)-score-\(name)", code: "score-\(id)-\(name)", display: "Sous-score \(name) \(instrument.name)",
                narrative: "Sous-score \(name) de \(instrument.name) : \(score)."
            ) {
                writer.element("valueQuantity") { value("value", score) }
            }
        }
        for flag in response.score.flags {
            observation(
                "Observation/\(key)-flag-\(flag)", code: "flag-\(id)", display: "Interprétation \(instrument.name)",
                narrative: "Interprétation de \(instrument.name) : \(flag)."
            ) {
                localConcept("valueCodeableConcept", code: flag, display: flag)
            }
        }
    }

    private func item(linkId: String, text: String?, answers: [(String, String)]) {
        writer.element("item") {
            value("linkId", linkId)
            value("text", text)
            for (element, answer) in answers {
                writer.element("answer") {
                    value(element, answer)
                }
            }
        }
    }

    // MARK: - Provenance

    /// Who recorded the consultation: one agent (type `author`) per author of its events, each
    /// a Practitioner; target the Composition; recorded at the export instant.
    func provenance() {
        entry("Provenance", type: "Provenance") {
            narrative(paragraphs: [
                "Document établi le \(FrenchNarrative.instant(input.exportedAt, consultation)) à partir des entrées de la session \(consultation.id), enregistrées du \(FrenchNarrative.instant(consultation.startedAt, consultation)) au \(FrenchNarrative.instant(consultation.lastChangedAt, consultation)).",
                "Auteurs des entrées : "
                    + consultation.authors.map { FrenchNarrative.professionalID($0, consultation) }.joined(separator: ", ") + ".",
            ])
            reference("target", to: "Composition")
            writer.element("occurredPeriod") {
                value("start", dateTime(consultation.startedAt))
                value("end", dateTime(consultation.lastChangedAt))
            }
            value("recorded", UTCInstant.format(input.exportedAt))
            for author in consultation.authors {
                guard let professional = professionals.first(where: { $0.idNatPS == author }) else { continue }
                writer.element("agent") {
                    concept(
                        "type", codings: [("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")])
                    reference("who", to: "Practitioner/\(professional.key)")
                }
            }
        }
    }
}

// MARK: - Amendments

extension FHIRBuilder {

    /// The resource standing for the author (IdNat_PS) of an event: the PractitionerRole of a
    /// professional participant, else the Practitioner made for that author.
    func authorResource(_ idNatPS: String) -> String {
        guard let professional = professionals.first(where: { $0.idNatPS == idNatPS }) else {
            return "PractitionerRole/\(consultation.clinician.entry.rawValue)"
        }
        return professional.hasRole ? "PractitionerRole/\(professional.key)" : "Practitioner/\(professional.key)"
    }

    /// The resources of the Bundle that hold an amended entry: the option's or decision's
    /// CarePlan, the preference's Goal, the Patient for the identity, a participant's
    /// PractitionerRole or RelatedPerson, an instrument's QuestionnaireResponse; the
    /// Composition for what only the narrative holds (notes, decision aids, process, a
    /// replaced decision, a withdrawn participant).
    func amendmentTargets(_ amendment: Amendment) -> [String] {
        guard let entry = amendment.entry else { return ["Composition"] }
        switch String(entry.rawValue.prefix(1)) {
        case "O" where activeOptions.contains(where: { $0.entry == entry }): return ["CarePlan/\(entry)"]
        case "M" where activePreferences.contains(where: { $0.entry == entry }): return ["Goal/\(entry)"]
        case "D" where consultation.decision?.entry == entry && decisionPlan != nil: return ["CarePlan/decision"]
        case "D" where earlierPlans.contains(where: { $0.entry == entry }): return ["CarePlan/\(entry)"]
        case "I" where activeInstruments.contains(where: { $0.entry == entry }): return ["QuestionnaireResponse/\(entry)"]
        case "P": return [resourceName(of: entry)].compactMap { $0 }.ifEmpty(["Composition"])
        default: return ["Composition"]
        }
    }

    /// One Provenance per amendment (`Provenance/amendment-N`, in the order recorded): target
    /// the resource(s) of the amended entry (``amendmentTargets(_:)``), `recorded` the
    /// amendment's UTC instant, `reason` its reason as text, `activity` from
    /// v3-DataOperation (`CREATE` added, `UPDATE` corrected or replaced, `NULLIFY` withdrawn;
    /// the R4 ProvenanceActivityType value set includes it), one agent of type `author` whose
    /// `who` is the author's Practitioner (every author of an event has one). Its narrative is
    /// the line of the "Modifications après la consultation" section (Paris local time).
    func amendmentProvenance(_ amendment: DocumentAmendment, number: Int) {
        let change = amendment.amendment
        entry("Provenance/amendment-\(number)", type: "Provenance") {
            narrative(paragraphs: [amendment.line])
            for target in amendmentTargets(change) { reference("target", to: target) }
            value("recorded", UTCInstant.format(change.recordedAt))
            concept("reason", text: change.reason)
            let activity: (String, String) =
                switch change.kind {
                case .added: ("CREATE", "create")
                case .corrected, .replaced: ("UPDATE", "revise")
                case .withdrawn: ("NULLIFY", "nullify")
                }
            concept("activity", codings: [("http://terminology.hl7.org/CodeSystem/v3-DataOperation", activity.0, activity.1)])
            writer.element("agent") {
                concept("type", codings: [("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")])
                if let professional = professionals.first(where: { $0.idNatPS == change.author }) {
                    reference("who", to: "Practitioner/\(professional.key)", display: amendment.authorLabel)
                } else {
                    writer.element("who") {
                        identifier(system: "urn:oid:\(input.professionalIDRoot)", value: change.author)
                        value("display", amendment.authorLabel)
                    }
                }
            }
        }
    }
}

extension Array {
    fileprivate func ifEmpty(_ fallback: [Element]) -> [Element] { isEmpty ? fallback : self }
}
