import Foundation

extension WebPages {
    /// The consultation page, its forms, amendments and history: templates by name.
    ///
    /// `consultation`: the session along the three talks (Elwyn et al., BMJ 2017), one column,
    /// each form small, errors in a `role="alert"` block on their form; `consultationHistory`:
    /// the session's events in order.
    static let consultationTemplates: [String: String] = [
        "consultation": """
        <h1>{{title}}</h1>
        <p class="consultation-topic">{{t.consultationTopicLabel}} {{topic}}</p>
        <p>{{t.consultationStartedLabel}} {{started}} ({{t.consultationParisTime}}) · <a href="/sessions/{{id}}/historique">{{t.consultationHistoryLink}}</a></p>
        {{#closed}}<p class="consultation-closed" role="status">{{t.consultationClosedNotice}} {{closedAt}} ({{t.consultationParisTime}}). {{t.consultationClosedAmend}}</p>
        {{#closingError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{closingError}}</p></div>{{/closingError}}{{/closed}}
        <nav aria-label="{{t.consultationSections}}" class="consultation-sections"><ul>
        <li><a href="#echange-equipe">{{t.consultationTeamTalk}}</a></li>
        <li><a href="#echange-options">{{t.consultationOptionTalk}}</a></li>
        <li><a href="#echange-decision">{{t.consultationDecisionTalk}}</a></li>
        <li><a href="#entrees">{{t.consultationEntries}}</a></li>
        <li><a href="#completude">{{t.consultationCompleteness}}</a></li>
        </ul></nav>
        {{#hasPhases}}<p>{{t.consultationPhasesLabel}}</p>
        <ul class="consultation-phases">{{#phases}}<li>{{label}}, {{when}}</li>{{/phases}}</ul>{{/hasPhases}}

        <section id="echange-equipe" aria-labelledby="titre-equipe">
        <h2 id="titre-equipe">{{t.consultationTeamTalk}}</h2>
        \(phaseForm("team"))
        <h3>{{t.consultationParticipants}}</h3>
        <table>
        <thead><tr><th scope="col">{{t.consultationColumnEntry}}</th><th scope="col">{{t.consultationColumnRole}}</th><th scope="col">{{t.consultationColumnName}}</th></tr></thead>
        <tbody>
        {{#participants}}<tr{{#withdrawn}} class="withdrawn"{{/withdrawn}}><td>{{entry}}</td><td>{{role}}{{#function}} — {{function}}{{/function}}</td><td>{{name}}{{#absent}} ({{t.consultationAbsent}}){{/absent}}{{#withdrawn}} ({{t.consultationWithdrawn}}){{/withdrawn}}</td></tr>
        {{/participants}}</tbody>
        </table>
        <form method="post" action="/sessions/{{id}}/participants" class="consultation-form">
        <h4>{{t.consultationAddParticipant}}</h4>
        {{#participantError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{participantError}}</p></div>{{/participantError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="participant-role">{{t.consultationRoleLabel}}</label>
        <select id="participant-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roles}}</select>
        <label for="participant-prefix">{{t.consultationPrefixLabel}}</label>
        <input id="participant-prefix" name="prefix" value="{{fParticipant.prefix}}">
        <label for="participant-family">{{t.consultationFamilyNameLabel}}</label>
        <input id="participant-family" name="family_name" value="{{fParticipant.family_name}}">
        <label for="participant-given">{{t.consultationGivenNameLabel}}</label>
        <input id="participant-given" name="given_name" value="{{fParticipant.given_name}}">
        <label for="participant-name">{{t.consultationNameLabel}}</label>
        <input id="participant-name" name="name" value="{{fParticipant.name}}">
        <label for="participant-relationship">{{t.consultationRelationshipLabel}}</label>
        <input id="participant-relationship" name="relationship" value="{{fParticipant.relationship}}">
        <label for="participant-specialty">{{t.consultationSpecialtyLabel}}</label>
        <input id="participant-specialty" name="specialty" value="{{fParticipant.specialty}}">
        <label for="participant-function">{{t.consultationFunctionLabel}}</label>
        <input id="participant-function" name="function" value="{{fParticipant.function}}">
        <label for="participant-id">{{t.consultationIDLabel}}</label>
        <input id="participant-id" name="id" value="{{fParticipant.id}}">
        \(reasonField("participant", "fParticipant"))
        <button type="submit">{{t.consultationAddParticipant}}</button>
        </form>
        <h3>{{t.consultationWhatMatters}}</h3>
        {{#hasPreferences}}<ul>{{#preferences}}<li{{#withdrawn}} class="withdrawn"{{/withdrawn}}>{{entry}} — {{text}}{{#importance}} ({{t.consultationImportance}} {{importance}}/5){{/importance}}{{#withdrawn}} ({{t.consultationWithdrawn}}){{/withdrawn}}</li>{{/preferences}}</ul>{{/hasPreferences}}
        <form method="post" action="/sessions/{{id}}/preferences" class="consultation-form">
        <h4>{{t.consultationAddPreference}}</h4>
        {{#preferenceError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{preferenceError}}</p></div>{{/preferenceError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="preference-text">{{t.consultationPreferenceLabel}}</label>
        <textarea id="preference-text" name="text" rows="3">{{fPreference.text}}</textarea>
        <label for="preference-importance">{{t.consultationImportanceLabel}}</label>
        <input id="preference-importance" name="importance" inputmode="numeric" value="{{fPreference.importance}}">
        \(reasonField("preference", "fPreference"))
        <button type="submit">{{t.consultationAddPreference}}</button>
        </form>
        </section>

        <section id="echange-options" aria-labelledby="titre-options">
        <h2 id="titre-options">{{t.consultationOptionTalk}}</h2>
        \(phaseForm("option"))
        <h3>{{t.consultationOptions}}</h3>
        {{#options}}<article class="consultation-option{{#withdrawn}} withdrawn{{/withdrawn}}">
        <h4>{{entry}} — {{label}}{{#withdrawn}} ({{t.consultationWithdrawn}}){{/withdrawn}}</h4>
        <p>{{kind}}{{#trialID}} — {{t.consultationTrialIDLabel}} {{trialID}}{{/trialID}}</p>
        {{#hasBenefits}}<h5>{{t.consultationBenefits}}</h5><ul>{{#benefits}}<li>{{.}}</li>{{/benefits}}</ul>{{/hasBenefits}}
        {{#hasHarms}}<h5>{{t.consultationHarms}}</h5><ul>{{#harms}}<li>{{.}}</li>{{/harms}}</ul>{{/hasHarms}}
        </article>
        {{/options}}
        <form method="post" action="/sessions/{{id}}/options" class="consultation-form">
        <h4>{{t.consultationAddOption}}</h4>
        {{#optionError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{optionError}}</p></div>{{/optionError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="option-kind">{{t.consultationKindLabel}}</label>
        <select id="option-kind" name="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select>
        <label for="option-label">{{t.consultationLabelLabel}}</label>
        <input id="option-label" name="label" value="{{fOption.label}}">
        <label for="option-benefits">{{t.consultationBenefitsLabel}}</label>
        <textarea id="option-benefits" name="benefits" rows="3">{{fOption.benefits}}</textarea>
        <label for="option-harms">{{t.consultationHarmsLabel}}</label>
        <textarea id="option-harms" name="harms" rows="3">{{fOption.harms}}</textarea>
        <label for="option-trial">{{t.consultationTrialIDLabel}}</label>
        <input id="option-trial" name="trial_id" value="{{fOption.trial_id}}">
        \(reasonField("option", "fOption"))
        <button type="submit">{{t.consultationAddOption}}</button>
        </form>
        <h3>{{t.consultationAids}}</h3>
        {{#hasAids}}<ul>{{#aids}}<li{{#withdrawn}} class="withdrawn"{{/withdrawn}}>{{entry}} — {{name}}{{#version}} ({{version}}){{/version}}{{#withdrawn}} ({{t.consultationWithdrawn}}){{/withdrawn}}</li>{{/aids}}</ul>{{/hasAids}}
        <form method="post" action="/sessions/{{id}}/aides" class="consultation-form">
        <h4>{{t.consultationAddAid}}</h4>
        {{#aidError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{aidError}}</p></div>{{/aidError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="aid-name">{{t.consultationAidNameLabel}}</label>
        <input id="aid-name" name="name" value="{{fAid.name}}">
        <label for="aid-version">{{t.consultationAidVersionLabel}}</label>
        <input id="aid-version" name="version" value="{{fAid.version}}">
        \(reasonField("aid", "fAid"))
        <button type="submit">{{t.consultationAddAid}}</button>
        </form>
        <h3>{{t.consultationTrial}}</h3>
        {{#trial}}<p>{{t.consultationEligibilityLabel}} {{eligibility}} · {{t.consultationOfferedLabel}} {{offered}}{{#answer}} · {{t.consultationAnswerLabel}} {{answer}}{{/answer}}</p>{{/trial}}
        <form method="post" action="/sessions/{{id}}/essai" class="consultation-form">
        {{#trialError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{trialError}}</p></div>{{/trialError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="trial-eligibility">{{t.consultationEligibilityLabel}}</label>
        <select id="trial-eligibility" name="eligibility">{{#eligibilities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/eligibilities}}</select>
        <label for="trial-offered">{{t.consultationOfferedLabel}}</label>
        <select id="trial-offered" name="offered">{{#offeredChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/offeredChoices}}</select>
        <label for="trial-answer">{{t.consultationAnswerLabel}}</label>
        <select id="trial-answer" name="answer"><option value="">{{t.consultationNoAnswer}}</option>{{#answers}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/answers}}</select>
        \(reasonField("trial", "fTrial"))
        <button type="submit">{{t.consultationRecordTrial}}</button>
        </form>
        </section>

        <section id="echange-decision" aria-labelledby="titre-decision">
        <h2 id="titre-decision">{{t.consultationDecisionTalk}}</h2>
        \(phaseForm("decision"))
        <h3>{{t.consultationUnderstanding}}</h3>
        {{#understanding}}<p>{{t.consultationUnderstandingDone}} {{understanding}}</p>{{/understanding}}
        <form method="post" action="/sessions/{{id}}/comprehension" class="consultation-form">
        {{#understandingError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{understandingError}}</p></div>{{/understandingError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="understanding-method">{{t.consultationMethodLabel}}</label>
        <input id="understanding-method" name="method" value="{{fUnderstanding.method}}">
        \(reasonField("understanding", "fUnderstanding"))
        <button type="submit">{{t.consultationRecordUnderstanding}}</button>
        </form>
        <h3>{{t.consultationReflection}}</h3>
        {{#reflection}}<p>{{t.consultationReflectionDone}} {{reflection}}</p>{{/reflection}}
        <form method="post" action="/sessions/{{id}}/reflexion" class="consultation-form">
        {{#reflectionError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{reflectionError}}</p></div>{{/reflectionError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="reflection-until">{{t.consultationUntilLabel}}</label>
        <input id="reflection-until" name="until" type="date" value="{{fReflection.until}}">
        \(reasonField("reflection", "fReflection"))
        <button type="submit">{{t.consultationRecordReflection}}</button>
        </form>
        <h3>{{t.consultationDecision}}</h3>
        {{#decision}}<p class="consultation-decision">{{decision}}</p>{{/decision}}
        <form method="post" action="/sessions/{{id}}/decision" class="consultation-form">
        {{#decisionError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{decisionError}}</p></div>{{/decisionError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <fieldset><legend>{{t.consultationOutcomeLegend}}</legend>
        <span class="consultation-choice"><input type="radio" id="decision-agreed" name="outcome" value="agreed"{{#outcomeAgreed}} checked{{/outcomeAgreed}}><label for="decision-agreed">{{t.consultationOutcomeAgreed}}</label></span>
        <label for="decision-option">{{t.consultationAgreedLabel}}</label>
        <select id="decision-option" name="agreed"><option value="">—</option>{{#agreedOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/agreedOptions}}</select>
        <span class="consultation-choice"><input type="radio" id="decision-deferred" name="outcome" value="deferred"{{#outcomeDeferred}} checked{{/outcomeDeferred}}><label for="decision-deferred">{{t.consultationOutcomeDeferred}}</label></span>
        <label for="decision-next">{{t.consultationNextContactLabel}}</label>
        <input id="decision-next" name="next_contact" type="date" value="{{fDecision.next_contact}}">
        <span class="consultation-choice"><input type="radio" id="decision-declined" name="outcome" value="declined"{{#outcomeDeclined}} checked{{/outcomeDeclined}}><label for="decision-declined">{{t.consultationOutcomeDeclined}}</label></span>
        </fieldset>
        <fieldset><legend>{{t.consultationTakenByLegend}}</legend>
        {{#byChoices}}<span class="consultation-choice"><input type="checkbox" id="decision-by-{{entry}}" name="by-{{entry}}" value="on"{{#checked}} checked{{/checked}}><label for="decision-by-{{entry}}">{{entry}} — {{name}}</label></span>
        {{/byChoices}}</fieldset>
        <label for="decision-answered">{{t.consultationAnsweredByLabel}}</label>
        <select id="decision-answered" name="answered_by"><option value="">—</option>{{#answeredByChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/answeredByChoices}}</select>
        \(reasonField("decision", "fDecision"))
        <button type="submit">{{t.consultationRecordDecision}}</button>
        </form>
        </section>

        <section id="notes" aria-labelledby="titre-notes">
        <h2 id="titre-notes">{{t.consultationNotes}}</h2>
        {{#hasNotes}}<ul>{{#notes}}<li{{#withdrawn}} class="withdrawn"{{/withdrawn}}>{{entry}} — {{text}}{{#withdrawn}} ({{t.consultationWithdrawn}}){{/withdrawn}}</li>{{/notes}}</ul>{{/hasNotes}}
        <form method="post" action="/sessions/{{id}}/notes" class="consultation-form">
        {{#noteError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{noteError}}</p></div>{{/noteError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="note-text">{{t.consultationNoteLabel}}</label>
        <textarea id="note-text" name="text" rows="4">{{fNote.text}}</textarea>
        \(reasonField("note", "fNote"))
        <button type="submit">{{t.consultationAddNote}}</button>
        </form>
        </section>

        <section id="ecran-patient" aria-labelledby="titre-ecran-patient">
        <h2 id="titre-ecran-patient">{{t.consultationPatientScreen}}</h2>
        <p>{{t.consultationPatientScreenHelp}}</p>
        <form method="post" action="/sessions/{{id}}/ecran-patient" class="consultation-phase">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <button type="submit">{{t.consultationPatientScreenButton}}</button>
        </form>
        </section>

        {{#hasInstruments}}<section id="questionnaires" aria-labelledby="titre-questionnaires">
        <h2 id="titre-questionnaires">{{t.consultationInstruments}}</h2>
        <ul>{{#instruments}}<li{{#withdrawn}} class="withdrawn"{{/withdrawn}}>{{entry}} — {{instrument}} {{version}} ({{when}}, {{t.consultationParisTime}}){{#score}} — {{t.consultationScore}} {{score}}{{/score}}{{^score}}{{^scoreless}} — {{t.consultationNoScore}}{{/scoreless}}{{/score}}{{#flags}} ({{flags}}){{/flags}}{{#withdrawn}} ({{t.consultationWithdrawn}}){{/withdrawn}}</li>{{/instruments}}</ul>
        </section>{{/hasInstruments}}

        <section id="entrees" aria-labelledby="titre-entrees">
        <h2 id="titre-entrees">{{t.consultationEntries}}</h2>
        <table>
        <thead><tr><th scope="col">{{t.consultationColumnEntry}}</th><th scope="col">{{t.consultationColumnKind}}</th><th scope="col">{{t.consultationColumnContent}}</th><th scope="col">{{t.consultationColumnState}}</th></tr></thead>
        <tbody>
        {{#entries}}<tr><td>{{entry}}</td><td>{{kind}}</td><td>{{text}}</td><td>{{#withdrawn}}{{t.consultationWithdrawn}}{{/withdrawn}}{{^withdrawn}}{{t.consultationActive}}{{/withdrawn}}</td></tr>
        {{/entries}}</tbody>
        </table>
        <form method="post" action="/sessions/{{id}}/retrait" class="consultation-form">
        <h3>{{t.consultationWithdrawEntry}}</h3>
        {{#withdrawalError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{withdrawalError}}</p></div>{{/withdrawalError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <label for="withdrawal-entry">{{t.consultationEntryLabel}}</label>
        <select id="withdrawal-entry" name="entry">{{#withdrawable}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/withdrawable}}</select>
        <label for="withdrawal-reason">{{t.consultationWithdrawReasonLabel}}</label>
        <input id="withdrawal-reason" name="reason" value="{{fWithdrawal.reason}}">
        <button type="submit">{{t.consultationWithdrawEntry}}</button>
        </form>
        </section>

        <section id="completude" aria-labelledby="titre-completude">
        <h2 id="titre-completude">{{t.consultationCompleteness}}</h2>
        <p>{{completenessSummary}}</p>
        {{#hasMissing}}<p>{{t.consultationMissing}}</p><ul>{{#missing}}<li>{{label}}</li>{{/missing}}</ul>{{/hasMissing}}
        </section>

        {{#hasAmendments}}<section id="amendements" aria-labelledby="titre-amendements">
        <h2 id="titre-amendements">{{t.consultationAmendments}}</h2>
        <table>
        <thead><tr><th scope="col">{{t.consultationColumnWhen}}</th><th scope="col">{{t.consultationColumnAuthor}}</th><th scope="col">{{t.consultationColumnEntry}}</th><th scope="col">{{t.consultationColumnChange}}</th><th scope="col">{{t.consultationColumnReason}}</th></tr></thead>
        <tbody>
        {{#amendments}}<tr><td>{{when}}</td><td>{{author}}</td><td>{{entry}}</td><td>{{change}}</td><td>{{reason}}</td></tr>
        {{/amendments}}</tbody>
        </table>
        </section>{{/hasAmendments}}

        {{^closed}}<section id="cloture" aria-labelledby="titre-cloture">
        <h2 id="titre-cloture">{{t.consultationClose}}</h2>
        <form method="post" action="/sessions/{{id}}/cloture" class="consultation-form">
        {{#closingError}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{closingError}}</p></div>{{/closingError}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <span class="consultation-choice"><input type="checkbox" id="closing-complete" name="require_complete" value="on"{{#requireCompleteChecked}} checked{{/requireCompleteChecked}}><label for="closing-complete">{{t.consultationRequireComplete}}</label></span>
        <button type="submit">{{t.consultationClose}}</button>
        </form>
        </section>{{/closed}}
        """,
        "consultationHistory": """
        <h1>{{title}}</h1>
        <p><a href="/sessions/{{id}}">{{t.consultationBackToSession}}</a></p>
        <table>
        <thead><tr><th scope="col">{{t.consultationColumnNumber}}</th><th scope="col">{{t.consultationColumnKind}}</th><th scope="col">{{t.consultationColumnWhen}}</th><th scope="col">{{t.consultationColumnAuthor}}</th><th scope="col">{{t.consultationColumnReason}}</th></tr></thead>
        <tbody>
        {{#events}}<tr><td>{{number}}</td><td>{{kind}}</td><td>{{when}}</td><td>{{author}}</td><td>{{#amendment}}{{t.consultationAmendmentReason}} {{amendment}}{{/amendment}}{{#reason}}{{reason}}{{/reason}}</td></tr>
        {{/events}}</tbody>
        </table>
        """,
    ]

    /// The “this talk begins” form of a section (phase `team`, `option` or `decision`).
    private static func phaseForm(_ phase: String) -> String {
        """
        <form method="post" action="/sessions/{{id}}/phases" class="consultation-phase">
        {{#phaseError\(phase.capitalized)}}<div class="message" role="alert"><p>{{t.consultationRefused}}</p><p lang="en">{{phaseError\(phase.capitalized)}}</p></div>{{/phaseError\(phase.capitalized)}}
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
        <input type="hidden" name="phase" value="\(phase)">
        {{#closed}}<label for="phase-\(phase)-reason">{{t.consultationReasonLabel}}</label>
        <input id="phase-\(phase)-reason" name="reason" required>{{/closed}}
        <button type="submit">{{t.consultationPhaseStart}}</button>
        </form>
        """
    }

    /// The amendment's reason, shown once the session is closed (`form`: the form's name,
    /// `values`: the values typed into it).
    private static func reasonField(_ form: String, _ values: String) -> String {
        """
        {{#closed}}<label for="\(form)-reason">{{t.consultationReasonLabel}}</label>
        <input id="\(form)-reason" name="reason" required value="{{\(values).reason}}">{{/closed}}
        """
    }
}
