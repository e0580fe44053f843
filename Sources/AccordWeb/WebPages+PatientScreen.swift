extension WebPages {
    /// The patient's screen and its instruments: templates by name.
    ///
    /// `patientScreenLayout` is the patient's own layout: large type, no clinician header and no
    /// link outside `/patient`.
    static let patientScreenTemplates: [String: String] = [
        "patientScreenHandOver": """
        <h1>{{title}}</h1>
        <p>{{t.patientScreenHandOverIntro}} {{session}}.</p>
        <dl class="patient-screen-handover">
        <dt>{{t.patientScreenLinkLabel}}</dt>
        <dd><a href="{{link}}">{{link}}</a></dd>
        <dt>{{t.patientScreenShortCodeLabel}}</dt>
        <dd class="patient-screen-code">{{shortCode}}</dd>
        </dl>
        <p>{{t.patientScreenShortCodeHelp}}</p>
        <p>{{t.patientScreenValidFor}} {{hours}} {{t.patientScreenHours}} ({{t.patientScreenUntil}} {{until}}, {{t.patientScreenParisTime}}).</p>
        <form method="post" action="/sessions/{{session}}/ecran-patient/fin">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{t.patientScreenEndButton}}</button>
        </form>
        """,
        "patientScreenLayout": """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <link rel="stylesheet" href="/style.css">
        </head>
        <body class="patient-screen">
        <main id="contenu">
        {{{body}}}
        </main>
        </body>
        </html>

        """,
        "patientScreenNav": """
        <nav class="patient-screen-nav" aria-label="{{t.patientScreenNavLabel}}">
        <a href="/patient/options">{{t.patientScreenOptionsTitle}}</a>
        <a href="/patient/ce-qui-compte">{{t.patientScreenPreferenceTitle}}</a>
        <a href="/patient/questionnaires">{{t.patientScreenQuestionnairesTitle}}</a>
        <a href="/patient/resume">{{t.patientScreenSummaryTitle}}</a>
        </nav>
        """,
        "patientScreenCode": """
        <h1>{{title}}</h1>
        {{#message}}<p class="message" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="/patient" class="patient-screen-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="code">{{t.patientScreenCodeLabel}}</label>
        <input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required>
        <button type="submit">{{t.patientScreenCodeButton}}</button>
        </form>
        """,
        "patientScreenMessage": """
        <h1>{{title}}</h1>
        <p>{{message}}</p>
        """,
        "patientScreenOptions": """
        {{> patientScreenNav}}
        <h1>{{title}}</h1>
        <p>{{t.patientScreenOptionsIntro}}</p>
        {{#hasOptions}}<div class="patient-screen-grid">
        <table>
        <thead><tr><td></td>{{#options}}<th scope="col"><span class="patient-screen-kind">{{kind}}</span> {{label}}</th>{{/options}}</tr></thead>
        <tbody>
        <tr><th scope="row">{{t.patientScreenBenefits}}</th>{{#options}}<td>{{#hasBenefits}}<ul>{{#benefits}}<li>{{.}}</li>{{/benefits}}</ul>{{/hasBenefits}}{{^hasBenefits}}{{t.patientScreenNoneNoted}}{{/hasBenefits}}</td>{{/options}}</tr>
        <tr><th scope="row">{{t.patientScreenHarms}}</th>{{#options}}<td>{{#hasHarms}}<ul>{{#harms}}<li>{{.}}</li>{{/harms}}</ul>{{/hasHarms}}{{^hasHarms}}{{t.patientScreenNoneNoted}}{{/hasHarms}}</td>{{/options}}</tr>
        </tbody>
        </table>
        </div>
        <p>{{t.patientScreenSourcesNote}}</p>{{/hasOptions}}
        {{^hasOptions}}<p>{{t.patientScreenNoOptions}}</p>{{/hasOptions}}
        """,
        "patientScreenPreference": """
        {{> patientScreenNav}}
        <h1>{{title}}</h1>
        <p>{{t.patientScreenPreferenceIntro}}</p>
        {{#message}}<p class="message" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="/patient/ce-qui-compte" class="patient-screen-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="once" value="{{once}}">
        <label for="text">{{t.patientScreenPreferenceLabel}}</label>
        <textarea id="text" name="text" rows="4" required>{{text}}</textarea>
        <label for="importance">{{t.patientScreenImportanceLabel}}</label>
        <select id="importance" name="importance">
        <option value=""{{#noImportance}} selected{{/noImportance}}>{{t.patientScreenImportanceNone}}</option>
        {{#levels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}} — {{label}}</option>
        {{/levels}}</select>
        <button type="submit">{{t.patientScreenSave}}</button>
        </form>
        {{#hasNoted}}<h2>{{t.patientScreenNotedTitle}}</h2>
        <ul class="patient-screen-noted">
        {{#noted}}<li>{{text}}</li>
        {{/noted}}</ul>{{/hasNoted}}
        """,
        "patientScreenQuestionnaires": """
        {{> patientScreenNav}}
        <h1>{{title}}</h1>
        <p>{{t.patientScreenQuestionnairesIntro}}</p>
        <ul class="patient-screen-list">
        {{#instruments}}<li><a href="/patient/questionnaires/{{id}}">{{name}}</a>{{#answered}} <span class="patient-screen-done">{{t.patientScreenAnswered}}</span>{{/answered}}</li>
        {{/instruments}}</ul>
        """,
        "patientScreenQuestionnaire": """
        {{> patientScreenNav}}
        <h1>{{title}}</h1>
        {{#noWording}}<p class="patient-screen-note">{{t.patientScreenNoWording}}</p>{{/noWording}}
        <p>{{scale}}</p>
        {{#message}}<p class="message" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="/patient/questionnaires/{{id}}" class="patient-screen-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="once" value="{{once}}">
        {{#items}}<fieldset class="patient-screen-item">
        <legend>{{text}}</legend>
        {{#choices}}<span class="patient-screen-choice"><input type="radio" id="item{{item}}-{{value}}" name="item{{item}}" value="{{value}}"{{#checked}} checked{{/checked}}><label for="item{{item}}-{{value}}">{{label}}</label></span>
        {{/choices}}</fieldset>
        {{/items}}<button type="submit">{{t.patientScreenSave}}</button>
        </form>
        """,
        "patientScreenSummary": """
        {{> patientScreenNav}}
        <h1>{{title}}</h1>
        <p>{{t.patientScreenSummaryDay}} {{day}}. {{t.patientScreenSummaryTopic}} {{topic}}</p>
        <h2>{{t.patientScreenOptionsTitle}}</h2>
        {{#hasOptions}}<ul>
        {{#options}}<li>{{kind}} — {{label}}</li>
        {{/options}}</ul>{{/hasOptions}}
        {{^hasOptions}}<p>{{t.patientScreenNoOptions}}</p>{{/hasOptions}}
        <h2>{{t.patientScreenPreferenceTitle}}</h2>
        {{#hasPreferences}}<ul>
        {{#preferences}}<li>{{text}}</li>
        {{/preferences}}</ul>{{/hasPreferences}}
        {{^hasPreferences}}<p>{{t.patientScreenNothingYet}}</p>{{/hasPreferences}}
        <h2>{{t.patientScreenQuestionnairesTitle}}</h2>
        {{#hasQuestionnaires}}<ul>
        {{#questionnaires}}<li>{{name}}</li>
        {{/questionnaires}}</ul>{{/hasQuestionnaires}}
        {{^hasQuestionnaires}}<p>{{t.patientScreenNothingYet}}</p>{{/hasQuestionnaires}}
        <p class="patient-screen-print">{{t.patientScreenPrintHint}}</p>
        <p>{{t.patientScreenSummaryClosing}}</p>
        """,
    ]
}
