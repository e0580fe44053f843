import AccordCore
import Foundation

extension MustacheProfile {
    /// The values a custom profile's templates see. Stable: keys are only ever added.
    ///
    /// Every string is sanitised (characters XML 1.0 forbids removed). Absent values are null
    /// rather than empty, so `{{#patient.ipp}}…{{/patient.ipp}}` writes nothing when there is
    /// no IPP, and `{{#options}}{{trial_id}}{{/options}}` writes nothing for an option without a
    /// trial id (never a `trial_id` of an enclosing context): every key of
    /// ``keySchema`` is present in its dictionary, null when absent. A template naming a key
    /// outside this list is refused when the profile loads. Withdrawn entries are left out. Instants are RFC 3339 UTC (`2026-03-02T09:30:00Z`),
    /// calendar dates `YYYY-MM-DD`.
    ///
    /// ```text
    /// format, profile, session, session_number, version, replaces, exported_at, pseudonymised
    /// document_id {root}                       (id of this version, ROOT.4.P.N.V: the profile's own id branch)
    /// title, example                           (the document's title; example: true with the example centre settings)
    /// centre {name, finess, oid_root, address}
    /// patient {ins, ins_oid, ipp {root, extension}, birth_family_name, birth_given_names,
    ///          first_birth_given_name, used_family_name, used_given_name, birth_date,
    ///          birth_year, sex, sex_label, birthplace_code, present}
    /// clinician {id, name, function, family_name, given_name, prefix, specialty, specialty_label}
    /// place {finess, name, facility_code, facility_display_name, facility_code_system, is_centre}
    ///                                          (where the consultation took place, with its own JDV_J02 code)
    /// topic, template, condition {text, code, code_system, morphology {code, display_name, code_system}}
    /// rcp {document_root, document_extension, meeting_date, trial_proposed, flags [{flag, text}]}
    /// started_at, closed_at, amendment_count
    /// participants [{entry, role, role_label, name, id, function, present, family_name, given_name,
    ///                prefix, specialty, specialty_label, relationship, relationship_label}]
    ///                (P1 patient, P2 clinician, …; codes of JDV_J01 / JDV_J11 with their display names)
    /// options [{number, entry, kind, kind_label, label, trial_id, origin, agreed, benefits [text], harms [text]}]
    /// preferences [{entry, text, importance}]
    /// decision {entry, outcome, agreed, deferred, declined, agreed_option, agreed_label,
    ///           next_contact, recorded_at, taken_by [{entry}], answered_by {entry}}
    /// process {understanding_checked, reflection_offered, reflection_until, trial_eligibility,
    ///          trial_offered, trial_answer, decision_aids [{name, version}]}
    /// phases [{phase, started_at}]
    /// instruments [{entry, instrument, version, respondent, score, recorded_at, follow_up}]
    /// notes [{entry, text}]
    /// amendments [{entry, subject, kind, added, corrected, withdrawn, replaced, replaced_by,
    ///              change, recorded_at, recorded_at_paris, author, author_label, reason,
    ///              line, annotation}]
    /// ```
    ///
    /// `amendments` lists every change made after the session was closed, in order
    /// (``Amendment``, ``DocumentAmendment``): `kind` is `added`, `corrected`, `withdrawn` or
    /// `replaced` (with the matching boolean true), `recorded_at` is UTC, `recorded_at_paris`
    /// the same instant in words in Paris time (`3 décembre 2026 à 10:15 (heure de Paris)`),
    /// `author` the IdNat_PS, `line` the sentence of the "Modifications après la consultation"
    /// section and `annotation` the one shown beside the entry. Each item of `options`,
    /// `preferences`, `notes` and `decision` also has its own `amendments` (same keys) when it
    /// has any. The lists above still leave withdrawn entries out; an entry withdrawn after
    /// closing appears in `amendments` and, marked withdrawn, in `sections`.
    ///
    /// `patient.ins` and `patient.ins_oid` are there only for a qualified identity (INS
    /// referential); `patient.identity_status` (`provisional`, `recovered`, `validated`,
    /// `qualified`) only when a status was recorded.
    ///
    /// Pseudonymised (`pseudonymised` true): the values are the pseudonymised record itself
    /// (AccordService's `Consultation.pseudonymised(key:templateTitles:documentRoot:)`), and the
    /// keys of ``absentWhenPseudonymised`` are not in the context at all (``pseudonymisedKeySchema``):
    /// `patient.ins` is the pseudonym, `session` the session's pseudonym, instants the shifted
    /// days at 00:00:00Z, professionals' ids pseudonyms, and `notes` holds only the
    /// pseudonymisation notice.
    public static func context(_ input: CDAExportInput, profile: MustacheProfile, pseudonymised: Bool) -> [String: Any] {
        let consultation = input.consultation
        let start = consultation.start
        let identity = start.patient
        var context: [String: Any] = [
            "format": profile.format, "profile": profile.name, "session": consultation.id.description,
            "session_number": Int(consultation.id.number), "version": input.version, "exported_at": UTCInstant.format(input.exportedAt),
            "pseudonymised": pseudonymised, "topic": start.topic, "started_at": UTCInstant.format(consultation.startedAt),
            "amendment_count": consultation.amendmentCount,
            "document_id": [
                "root": CDAExporter.documentID(
                    session: consultation.id, version: input.version, centre: input.centre,
                    branch: input.idBranch ?? DocumentIDs.branch(profile: profile.name)
                ).root
            ],
            "title": ConsultationDocument.title(centre: input.centre), "example": input.centre.isExample,
            "centre": [
                "name": input.centre.name, "finess": input.centre.finess, "oid_root": input.centre.oidRoot, "address": input.centre.address,
            ],
        ]
        if let replaced = input.version > 1 ? input.version - 1 : nil, input.replacedDocumentID != nil { context["replaces"] = replaced }
        if let closed = consultation.closedAt { context["closed_at"] = UTCInstant.format(closed) }
        if let template = start.template { context["template"] = template }

        var patient: [String: Any] = [
            "birth_year": identity.birthDate.year, "sex": identity.sex.rawValue, "sex_label": identity.sex.frenchDisplayName,
            "present": consultation.patient.present,
        ]
        // The INS only for a qualified identity (or the pseudonym standing for it).
        if let ins = start.documentINS {
            patient["ins"] = ins.extension_
            patient["ins_oid"] = ins.root
        }
        if let status = start.identityStatus { patient["identity_status"] = status.rawValue }
        if let ipp = start.ipp { patient["ipp"] = compact(["root": ipp.root, "extension": ipp.extension_]) }
        if !pseudonymised {
            patient["birth_family_name"] = identity.birthFamilyName
            patient["birth_given_names"] = identity.birthGivenNames
            patient["first_birth_given_name"] = identity.firstBirthGivenName
            patient["birth_date"] = identity.birthDate.description
            patient["birthplace_code"] = identity.birthplaceCode
            if let used = identity.usedFamilyName { patient["used_family_name"] = used }
            if let used = identity.usedGivenName { patient["used_given_name"] = used }
        }
        context["patient"] = patient
        context["clinician"] = compact(
            [
                "id": start.clinicianID, "name": pseudonymised ? nil : start.clinicianName, "function": start.clinicianFunction,
            ].merging(Self.personValues(start.clinicianDetails, pseudonymised: pseudonymised)) { $1 })
        if let condition = start.condition {
            var value = compact(["text": condition.text, "code": condition.code, "code_system": condition.codeSystem])
            if let morphology = condition.morphology {
                value["morphology"] = [
                    "code": morphology.code, "display_name": morphology.displayName, "code_system": morphology.codeSystem,
                ]
            }
            context["condition"] = value
        }
        if let rcp = start.rcp {
            var value = compact([
                "document_root": rcp.documentID.root, "document_extension": rcp.documentID.extension_,
                "meeting_date": rcp.meetingDate?.description,
            ])
            if let proposed = rcp.trialProposed { value["trial_proposed"] = proposed }
            if let flags = rcp.flags, !flags.isEmpty {
                value["flags"] = flags.map { ["flag": $0.rawValue, "text": $0.frenchText] }
            }
            context["rcp"] = value
        }
        let place = start.place(centre: input.centre)
        context["place"] = compact([
            "finess": place.finess, "name": place.name, "facility_code": place.facility.code,
            "facility_display_name": place.facility.displayName, "facility_code_system": place.facility.codeSystem,
        ]).merging(["is_centre": place.isCentre]) { $1 }

        context["participants"] = consultation.participants.filter { !$0.withdrawn }.map { participant -> [String: Any] in
            var value = compact(
                [
                    "entry": participant.entry.rawValue, "role": participant.role.rawValue, "role_label": participant.role.frenchLabel,
                    "name": pseudonymised ? nil : participant.name, "id": participant.id, "function": participant.function,
                ].merging(Self.personValues(participant.details ?? PersonDetails(), pseudonymised: pseudonymised)) { $1 })
            value["present"] = participant.present
            return value
        }

        let decision = consultation.decision
        var agreedNumber: Int?
        if let decision, case .agreed(let number) = decision.outcome { agreedNumber = number }
        context["options"] = consultation.options.filter { !$0.withdrawn }.map { option -> [String: Any] in
            var value = compact([
                "entry": option.entry.rawValue, "kind": option.kind.rawValue, "kind_label": option.kind.frenchLabel, "label": option.label,
                "trial_id": option.trialID, "origin": option.origin,
            ])
            value["number"] = option.number
            value["agreed"] = option.number == agreedNumber
            value["benefits"] = option.benefits.map(XMLText.sanitized)
            value["harms"] = option.harms.map(XMLText.sanitized)
            return value
        }
        context["preferences"] = consultation.preferences.filter { !$0.withdrawn }.map { preference -> [String: Any] in
            var value: [String: Any] = ["entry": preference.entry.rawValue]
            if !pseudonymised { value["text"] = XMLText.sanitized(preference.text) }
            if let importance = preference.importance { value["importance"] = importance }
            return value
        }
        if let decision {
            var value: [String: Any] = [
                "entry": decision.entry.rawValue, "outcome": decision.outcome.name, "recorded_at": UTCInstant.format(decision.recordedAt),
                "taken_by": decision.takenBy.map { ["entry": $0.rawValue] },
            ]
            if let answeredBy = decision.answeredBy { value["answered_by"] = ["entry": answeredBy.rawValue] }
            switch decision.outcome {
            case .agreed(let number):
                value["agreed"] = true
                value["agreed_option"] = number
                if let option = consultation.options.first(where: { $0.number == number }) {
                    value["agreed_label"] = XMLText.sanitized(option.label)
                }
            case .deferred(let next):
                value["deferred"] = true
                value["next_contact"] = next.description
            case .declined:
                value["declined"] = true
            }
            context["decision"] = value
        }

        let process = consultation.process
        var processValue = compact([
            "understanding_checked": process.understandingChecked, "reflection_until": process.reflectionUntil?.description,
            "trial_eligibility": process.trialEligibility?.rawValue, "trial_answer": process.trialAnswer?.rawValue,
        ])
        processValue["reflection_offered"] = process.reflectionOffered
        if let offered = process.trialOffered { processValue["trial_offered"] = offered }
        processValue["decision_aids"] = process.decisionAids.filter { !$0.withdrawn }.map {
            compact(["name": $0.name, "version": $0.version])
        }
        context["process"] = processValue
        context["phases"] = consultation.phases.map { ["phase": $0.phase.rawValue, "started_at": UTCInstant.format($0.startedAt)] }
        context["instruments"] = consultation.instruments.filter { !$0.withdrawn }.map { response -> [String: Any] in
            var value: [String: Any] = [
                "entry": response.entry.rawValue, "instrument": response.score.instrument, "version": response.version,
                "respondent": response.respondent.rawValue, "recorded_at": UTCInstant.format(response.recordedAt),
                "follow_up": response.followUp,
            ]
            if let score = response.score.formatted { value["score"] = score }
            return value
        }
        let document = ConsultationDocument(consultation)
        context["sections"] = document.sections.map(sectionContext)
        context["notes"] = consultation.notes.filter { !$0.withdrawn }.map {
            ["entry": $0.entry.rawValue, "text": XMLText.sanitized($0.text)]
        }
        addAmendments(document.amendments, of: consultation, to: &context)
        // Every key of the schema the record does not hold is an explicit null, so that an
        // item without a value never shows an enclosing context's value of the same name.
        return nullFilled(sanitised(context), shape: keySchema(pseudonymised: pseudonymised)) as! [String: Any]
    }

    /// The amendments of the document under `amendments`, and each entry's own under the
    /// `amendments` key of its item in `options`, `preferences`, `notes` and `decision`
    /// (left out when it has none: a session never amended has the context it had before).
    private static func addAmendments(_ amendments: [DocumentAmendment], of consultation: Consultation, to context: inout [String: Any]) {
        guard !amendments.isEmpty else { return }
        func value(_ item: DocumentAmendment) -> [String: Any] {
            let amendment = item.amendment
            var value = compact([
                "entry": amendment.entry?.rawValue, "replaced_by": amendment.replacedBy?.rawValue, "reason": amendment.reason,
            ])
            value.merge(
                [
                    "subject": item.subject, "kind": amendment.kind.rawValue, "change": amendment.change,
                    "recorded_at": UTCInstant.format(amendment.recordedAt),
                    "recorded_at_paris": FrenchNarrative.instant(amendment.recordedAt, consultation), "author": amendment.author,
                    "author_label": item.authorLabel, "line": item.line, "annotation": item.annotation,
                    "added": amendment.kind == .added, "corrected": amendment.kind == .corrected,
                    "withdrawn": amendment.kind == .withdrawn, "replaced": amendment.kind == .replaced,
                ]
            ) { $1 }
            return value
        }
        context["amendments"] = amendments.map(value)
        func attach(_ key: String, _ item: [String: Any]) -> [String: Any] {
            guard let entry = item["entry"] as? String else { return item }
            let own = amendments.filter { $0.amendment.entry?.rawValue == entry }
            guard !own.isEmpty else { return item }
            var item = item
            item["amendments"] = own.map(value)
            return item
        }
        for key in ["options", "preferences", "notes"] {
            if let items = context[key] as? [[String: Any]] { context[key] = items.map { attach(key, $0) } }
        }
        if let decision = context["decision"] as? [String: Any] { context["decision"] = attach("decision", decision) }
    }

    /// One section of the document model (``ConsultationDocument``): `kind`, `title`,
    /// `code`, `code_display`, `code_system` (`loinc` or `local`) and `blocks`, each either
    /// `{paragraph}`, `{items[].{text,details[]}, ordered}` or `{participants_table: true}`
    /// (the `participants` key has its rows).
    private static func sectionContext(_ section: DocumentSection) -> [String: Any] {
        var value: [String: Any] = ["kind": section.kind.rawValue, "title": section.title]
        switch section.code {
        case .loinc(let code, let display): value.merge(["code": code, "code_display": display, "code_system": "loinc"]) { $1 }
        case .local(let code, let display): value.merge(["code": code, "code_display": display, "code_system": "local"]) { $1 }
        }
        value["blocks"] = section.blocks.compactMap { block -> [String: Any]? in
            switch block {
            case .participantsTable: return ["participants_table": true]
            case .paragraph(let spans): return compact(["paragraph": spans.plainText]).isEmpty ? nil : ["paragraph": spans.plainText]
            case .fhirParagraph: return nil
            case .list(let items, let ordered):
                return [
                    "ordered": ordered,
                    "items": items.map { item -> [String: Any] in
                        ["text": item.line.text, "details": item.details.filter { !XMLText.sanitized($0).isEmpty }]
                    },
                ]
            }
        }
        return value
    }

    /// A dictionary without its `nil` values, nor those left empty once the characters XML
    /// forbids are removed: a template's `{{#key}}attribute="{{key}}"{{/key}}` never writes an
    /// empty attribute.
    private static func compact(_ values: [String: String?]) -> [String: Any] {
        values.compactMapValues { value in value.flatMap { XMLText.sanitized($0).isEmpty ? nil : $0 } }
    }

    /// Removes the characters XML 1.0 forbids from every string, however deep.
    private static func sanitised(_ value: Any) -> Any {
        switch value {
        case let text as String: XMLText.sanitized(text)
        case let dictionary as [String: Any]: dictionary.mapValues(sanitised)
        case let array as [Any]: array.map(sanitised)
        default: value
        }
    }

    /// A person's name parts (left out when pseudonymised) and codes with their display names.
    static func personValues(_ details: PersonDetails, pseudonymised: Bool) -> [String: String?] {
        [
            "family_name": pseudonymised ? nil : details.familyName, "given_name": pseudonymised ? nil : details.givenName,
            "prefix": pseudonymised ? nil : details.prefix, "specialty": details.specialty,
            "specialty_label": details.specialtyCode?.displayName, "relationship": details.relationship,
            "relationship_label": details.relationshipCode?.displayName,
        ]
    }

}
