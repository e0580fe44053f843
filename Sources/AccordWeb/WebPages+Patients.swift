extension WebPages {
    /// Finding a patient's sessions and starting a session: templates by name.
    ///
    /// - `patientsSearch`: the search form (`v`: what was typed) and its results.
    /// - `patientsNew`: the form of `accord session start` (`v`, the choices, `message`).
    /// - `patientsStarted`: a session just started and its warnings (English sentences of
    ///   Accord's, marked `lang="en"`).
    /// - `patientsRCPUpload`, `patientsRCPPreview`: an RCP report's upload, then what will be
    ///   recorded and the confirmation form.
    static let patientsTemplates: [String: String] = [
        "patientsSearch": """
        <h1>{{title}}</h1>
        <p class="patients-actions"><a href="/sessions/nouvelle">{{t.patientsNewLink}}</a> <a href="/sessions/nouvelle/rcp">{{t.patientsRCPLink}}</a></p>
        {{#message}}<div class="message" role="alert"><p>{{t.patientsRefused}}</p><p lang="en">{{message}}</p></div>{{/message}}
        {{#notice}}<p class="message" role="alert">{{notice}}</p>{{/notice}}
        <form method="get" action="/patients" class="patients-form">
        <p>{{t.patientsSearchHelp}}</p>
        <label for="ins">{{t.patientsINSLabel}}</label>
        <input id="ins" name="ins" value="{{v.ins}}" autocomplete="off" maxlength="15">
        <label for="ipp">{{t.patientsIPPLabel}}</label>
        <input id="ipp" name="ipp" value="{{v.ipp}}" autocomplete="off">
        <label for="nom">{{t.patientsFamilyNameSearchLabel}}</label>
        <input id="nom" name="nom" value="{{v.nom}}" autocomplete="off">
        <label for="prenom">{{t.patientsGivenNameSearchLabel}}</label>
        <input id="prenom" name="prenom" value="{{v.prenom}}" autocomplete="off">
        <label for="date">{{t.patientsDateLabel}}</label>
        <input id="date" name="date" type="date" value="{{v.date}}">
        <button type="submit">{{t.patientsSearchButton}}</button>
        </form>
        {{#searched}}<h2>{{t.patientsResultsTitle}}</h2>
        <p>{{t.patientsLimitNote}}</p>
        {{#more}}<p class="patients-more">{{t.patientsMore}}</p>{{/more}}
        {{#hasResults}}<table>
        <thead><tr><th scope="col">{{t.patientsColumnSession}}</th><th scope="col">{{t.patientsColumnStart}}</th><th scope="col">{{t.patientsColumnStatus}}</th><th scope="col">{{t.patientsColumnTopic}}</th><th scope="col">{{t.patientsColumnPatient}}</th><th scope="col">{{t.patientsColumnBirthDate}}</th></tr></thead>
        <tbody>
        {{#results}}<tr><td><a href="/sessions/{{id}}">{{id}}</a></td><td>{{start}}</td><td>{{status}}</td><td>{{topic}}</td><td>{{patient}}</td><td>{{birthDate}}</td></tr>
        {{/results}}</tbody>
        </table>{{/hasResults}}
        {{^hasResults}}<p>{{t.patientsNoResults}}</p>{{/hasResults}}{{/searched}}
        """,
        "patientsNew": """
        <h1>{{title}}</h1>
        <p class="patients-actions"><a href="/patients">{{t.patientsTitle}}</a> <a href="/sessions/nouvelle/rcp">{{t.patientsRCPLink}}</a></p>
        {{#message}}<div class="message" role="alert"><p>{{t.patientsRefusedNothingRecorded}}</p><p lang="en">{{message}}</p></div>{{/message}}
        <form method="post" action="/sessions/nouvelle" class="patients-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="once" value="{{once}}">
        <p>{{t.patientsNewHelp}}</p>
        <fieldset><legend>{{t.patientsIdentityLegend}}</legend>
        <label for="ins">{{t.patientsINSLabel}} <code>--patient-ins</code></label>
        <input id="ins" name="ins" value="{{v.ins}}" autocomplete="off" maxlength="15">
        <label for="oidIns">{{t.patientsOIDLabel}} <code>--ins-oid</code></label>
        <select id="oidIns" name="oidIns">{{#oids}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/oids}}</select>
        <label for="statut">{{t.patientsIdentityStatusLabel}} <code>--identity-status</code></label>
        <select id="statut" name="statut">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
        <label for="nom">{{t.patientsFamilyNameLabel}} <code>--family-name</code></label>
        <input id="nom" name="nom" value="{{v.nom}}" autocomplete="off" required>
        <label for="prenoms">{{t.patientsGivenNamesLabel}} <code>--given-names</code></label>
        <input id="prenoms" name="prenoms" value="{{v.prenoms}}" autocomplete="off" required>
        <label for="premierPrenom">{{t.patientsFirstGivenNameLabel}} <code>--first-given-name</code></label>
        <input id="premierPrenom" name="premierPrenom" value="{{v.premierPrenom}}" autocomplete="off">
        <label for="nomUsage">{{t.patientsUsedFamilyNameLabel}} <code>--used-family-name</code></label>
        <input id="nomUsage" name="nomUsage" value="{{v.nomUsage}}" autocomplete="off">
        <label for="prenomUsage">{{t.patientsUsedGivenNameLabel}} <code>--used-given-name</code></label>
        <input id="prenomUsage" name="prenomUsage" value="{{v.prenomUsage}}" autocomplete="off">
        <label for="naissance">{{t.patientsBirthDateLabel}} <code>--birth-date</code></label>
        <input id="naissance" name="naissance" value="{{v.naissance}}" autocomplete="off" placeholder="AAAA-MM-JJ" required>
        <label for="sexe">{{t.patientsSexLabel}} <code>--sex</code></label>
        <select id="sexe" name="sexe" required>{{#sexes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/sexes}}</select>
        <label for="lieuNaissance">{{t.patientsBirthplaceLabel}} <code>--birthplace</code></label>
        <input id="lieuNaissance" name="lieuNaissance" value="{{v.lieuNaissance}}" autocomplete="off" maxlength="5" required>
        <label for="ipp">{{t.patientsIPPLabel}} <code>--ipp</code></label>
        <input id="ipp" name="ipp" value="{{v.ipp}}" autocomplete="off">
        </fieldset>
        <fieldset><legend>{{t.patientsConsultationLegend}}</legend>
        <label for="theme">{{t.patientsTopicLabel}} <code>--topic</code></label>
        <input id="theme" name="theme" value="{{v.theme}}" autocomplete="off">
        <label for="modele">{{t.patientsTemplateLabel}} <code>--template</code></label>
        <select id="modele" name="modele">{{#templates}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/templates}}</select>
        <label for="diagnostic">{{t.patientsConditionLabel}} <code>--condition</code></label>
        <input id="diagnostic" name="diagnostic" value="{{v.diagnostic}}" autocomplete="off">
        <label for="codeDiagnostic">{{t.patientsConditionCodeLabel}} <code>--condition-code</code></label>
        <input id="codeDiagnostic" name="codeDiagnostic" value="{{v.codeDiagnostic}}" autocomplete="off">
        <label for="systemeCode">{{t.patientsConditionCodeSystemLabel}} <code>--condition-code-system</code></label>
        <input id="systemeCode" name="systemeCode" value="{{v.systemeCode}}" autocomplete="off">
        <label for="finess">{{t.patientsFinessLabel}} <code>--organisation-finess</code></label>
        <input id="finess" name="finess" value="{{v.finess}}" autocomplete="off" maxlength="9">
        <label for="fonction">{{t.patientsFunctionLabel}} <code>--clinician-function</code></label>
        <input id="fonction" name="fonction" value="{{v.fonction}}" autocomplete="off">
        <p class="patients-check"><input id="absent" name="absent" type="checkbox" value="1"{{#absent}} checked{{/absent}}> <label for="absent">{{t.patientsAbsentLabel}}</label></p>
        </fieldset>
        <button type="submit">{{t.patientsStartButton}}</button>
        </form>
        """,
        "patientsStarted": """
        <h1>{{title}}</h1>
        <p>{{t.patientsStartedIntro}} <a href="/sessions/{{id}}">{{id}}</a></p>
        <div class="patients-warnings" role="alert"><h2>{{t.patientsWarningsTitle}}</h2>
        <ul lang="en">{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul></div>
        <p><a href="/sessions/{{id}}">{{t.patientsOpenSession}}</a></p>
        """,
        "patientsRCPUpload": """
        <h1>{{title}}</h1>
        {{#message}}<div class="message" role="alert"><p>{{t.patientsRefusedNothingRecorded}}</p><p lang="en">{{message}}</p></div>{{/message}}
        {{#notice}}<p class="message" role="alert">{{notice}}</p>{{/notice}}
        <form method="post" action="/sessions/nouvelle/rcp" enctype="multipart/form-data" class="patients-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p>{{t.patientsRCPHelp}}</p>
        <label for="rapport">{{t.patientsRCPFileLabel}}</label>
        <input id="rapport" name="rapport" type="file" accept=".xml" required>
        <button type="submit">{{t.patientsRCPPreviewButton}}</button>
        </form>
        """,
        "patientsRCPPreview": """
        <h1>{{title}}</h1>
        {{#message}}<div class="message" role="alert"><p>{{t.patientsRefusedNothingRecorded}}</p><p lang="en">{{message}}</p></div>{{/message}}
        <p>{{t.patientsRCPPreviewIntro}}</p>
        <h2>{{t.patientsIdentityLegend}}</h2>
        <dl class="patients-facts">
        <dt>{{t.patientsFamilyNameLabel}}</dt><dd>{{familyName}}</dd>
        <dt>{{t.patientsGivenNamesLabel}}</dt><dd>{{givenNames}}</dd>
        <dt>{{t.patientsBirthDateLabel}}</dt><dd>{{birthDate}}</dd>
        <dt>{{t.patientsSexLabel}}</dt><dd>{{sex}}</dd>
        <dt>{{t.patientsBirthplaceLabel}}</dt><dd>{{birthplace}}</dd>
        <dt>{{t.patientsINSLabel}}</dt><dd>{{ins}}</dd>
        <dt>{{t.patientsIPPLabel}}</dt><dd>{{ipp}}</dd>
        </dl>
        <h2>{{t.patientsRCPBoardTitle}}</h2>
        <dl class="patients-facts">
        <dt>{{t.patientsRCPMeetingDate}}</dt><dd>{{meetingDate}}</dd>
        <dt>{{t.patientsFinessLabel}}</dt><dd>{{finess}}</dd>
        <dt>{{t.patientsConditionLabel}}</dt><dd>{{condition}}</dd>
        <dt>{{t.patientsConditionCodeLabel}}</dt><dd>{{conditionCode}}</dd>
        </dl>
        <h3>{{t.patientsRCPOptions}}</h3>
        <ol>{{#options}}<li>{{label}} <code>{{kind}}</code></li>{{/options}}</ol>
        {{#hasWarnings}}<div class="patients-warnings" role="alert"><h3>{{t.patientsRCPWarnings}}</h3>
        <ul lang="en">{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul></div>{{/hasWarnings}}
        <form method="post" action="/sessions/nouvelle/rcp/confirmation" class="patients-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="once" value="{{once}}">
        <input type="hidden" name="rapport" value="{{report}}">
        <input type="hidden" name="sceau" value="{{seal}}">
        <label for="theme">{{t.patientsTopicLabel}} <code>--topic</code></label>
        <input id="theme" name="theme" value="{{v.theme}}" placeholder="{{defaultTopic}}" autocomplete="off">
        <label for="modele">{{t.patientsTemplateLabel}} <code>--template</code></label>
        <select id="modele" name="modele">{{#templates}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/templates}}</select>
        <label for="finess">{{t.patientsFinessLabel}} <code>--organisation-finess</code></label>
        <input id="finess" name="finess" value="{{v.finess}}" autocomplete="off" maxlength="9">
        <label for="fonction">{{t.patientsFunctionLabel}} <code>--clinician-function</code></label>
        <input id="fonction" name="fonction" value="{{v.fonction}}" autocomplete="off">
        <p class="patients-check"><input id="absent" name="absent" type="checkbox" value="1"{{#absent}} checked{{/absent}}> <label for="absent">{{t.patientsAbsentLabel}}</label></p>
        <button type="submit">{{t.patientsRCPConfirmButton}}</button>
        </form>
        <p><a href="/sessions/nouvelle/rcp">{{t.patientsRCPOther}}</a></p>
        """,
    ]
}
