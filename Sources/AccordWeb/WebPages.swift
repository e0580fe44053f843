import Foundation
import Mustache

/// The pages of the web interface: Mustache templates (HTML escaped by default), rendered on
/// the server, and the one style sheet. No script, no inline style, no external resource, so
/// that the Content-Security-Policy `default-src 'self'` holds.
struct WebPages: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in Self.templates {
            // The templates are constants of this file: a parse failure is a programming error.
            do { try library.register(text, named: name) } catch { preconditionFailure("template \(name) does not parse") }
        }
        self.library = library
    }

    /// Renders the template `name` with `context`, inside the page layout.
    /// - Parameters:
    ///   - name: one of ``templates``' keys.
    ///   - title: the page's title (also its first heading), in `strings`' language.
    ///   - context: the template's values; the templates also see `t` (the strings' table,
    ///     `{{t.key}}`) and `lang` (`fr`, `en`).
    ///   - header: the signed-in clinician's name and CSRF token for the sign-out form, or `nil`.
    ///   - strings: the language of the page.
    ///   - layout: the template around the page (`layout`; the patient's screen has its own).
    func render(
        _ name: String, title: String, context: [String: Any], header: (name: String, csrf: String)?, strings: WebStrings,
        layout layoutName: String = "layout"
    ) -> String {
        var values = context
        values["title"] = title
        values["t"] = strings.table
        values["lang"] = strings.language.rawValue
        let body = library.render(values, withTemplate: name) ?? ""
        var layout: [String: Any] = ["title": title, "t": strings.table, "lang": strings.language.rawValue, "body": body]
        if let header { layout["user"] = ["name": header.name, "csrf": header.csrf] }
        if let bodyClass = context["bodyClass"] { layout["bodyClass"] = bodyClass }
        return library.render(layout, withTemplate: layoutName) ?? ""
    }

    /// Every template: the core ones and each group of pages' (``WebPages/patientsTemplates``,
    /// ``WebPages/consultationTemplates``, ``WebPages/patientScreenTemplates``,
    /// ``WebPages/accessTemplates``); a name given twice is a programming error.
    static let templates: [String: String] = [
        coreTemplates, patientsTemplates, consultationTemplates, patientScreenTemplates, accessTemplates,
    ]
    .reduce(into: [:]) { all, part in
        all.merge(part) { first, _ in
            assertionFailure("a web template name is given twice")
            return first
        }
    }

    static let coreTemplates: [String: String] = [
        "layout": """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — {{t.product}}</title>
        <link rel="stylesheet" href="/style.css">
        </head>
        <body{{#bodyClass}} class="{{bodyClass}}"{{/bodyClass}}>
        <a class="skip" href="#contenu">{{t.skipToContent}}</a>
        <header>
        <p class="product">{{t.product}}</p>
        {{#user}}<nav aria-label="{{t.navigation}}"><a href="/sessions">{{t.sessionsTitle}}</a></nav>
        <form method="post" action="/deconnexion" class="signout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span>{{t.signedInAs}} {{name}}</span>
        <button type="submit">{{t.signOutButton}}</button>
        </form>{{/user}}
        </header>
        <main id="contenu">
        {{{body}}}
        </main>
        </body>
        </html>

        """,
        "signin": """
        <h1>{{title}}</h1>
        {{#message}}<p class="message" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="/connexion" class="signin">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="id">{{t.idLabel}}</label>
        <input id="id" name="id" autocomplete="username" required>
        <label for="password">{{t.passwordLabel}}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">{{t.signInButton}}</button>
        </form>
        """,
        "sessions": """
        <h1>{{title}}</h1>
        {{#hasSessions}}<table>
        <thead><tr><th scope="col">{{t.columnNumber}}</th><th scope="col">{{t.columnStart}}</th><th scope="col">{{t.columnTopic}}</th></tr></thead>
        <tbody>
        {{#sessions}}<tr><td><a href="/sessions/S{{number}}">S{{number}}</a></td><td>{{start}}</td><td>{{topic}}</td></tr>
        {{/sessions}}</tbody>
        </table>{{/hasSessions}}
        {{^hasSessions}}<p>{{t.noSessions}}</p>{{/hasSessions}}
        """,
        "message": """
        <h1>{{title}}</h1>
        <p>{{message}}</p>
        <p><a href="/">{{t.backHome}}</a></p>
        """,
    ]

    /// The style sheet served at `/style.css`: large enough type for a tablet, visible focus.
    static let styleSheet = """
        :root { font-family: system-ui, sans-serif; font-size: 112.5%; color: #1a1a1a; background: #fff; }
        body { margin: 0; line-height: 1.5; }
        header { display: flex; justify-content: space-between; align-items: center; gap: 1rem;
          padding: 0.5rem 1rem; background: #123c69; color: #fff; }
        header .product { font-weight: bold; margin: 0; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        form.signin { display: grid; gap: 0.5rem; max-width: 24rem; }
        input, button { font: inherit; padding: 0.5rem; }
        button { background: #123c69; color: #fff; border: 2px solid #fff; border-radius: 0.25rem; cursor: pointer; }
        form.signin button { border-color: #123c69; }
        header nav a { color: #fff; }
        .skip { position: absolute; left: -100rem; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; color: #123c69; padding: 0.5rem; z-index: 1; }
        :focus-visible { outline: 3px solid #d35400; outline-offset: 2px; }
        .message { padding: 0.5rem; border-left: 4px solid #a30000; background: #fdecea; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #ccc; }
        /* patients */
        .patients-actions { display: flex; flex-wrap: wrap; gap: 1rem; }
        .patients-actions a { font-weight: bold; color: #123c69; }
        form.patients-form { display: grid; gap: 0.5rem; max-width: 40rem; }
        form.patients-form fieldset { display: grid; gap: 0.5rem; border: 1px solid #767676; padding: 1rem; }
        form.patients-form legend { font-weight: bold; }
        form.patients-form label code { color: #4a4a4a; font-size: 0.85em; }
        form.patients-form select { font: inherit; padding: 0.5rem; }
        form.patients-form button { border-color: #123c69; justify-self: start; }
        form.patients-form .patients-check { display: flex; align-items: center; gap: 0.5rem; }
        form.patients-form .patients-check input { width: 1.5rem; height: 1.5rem; }
        .patients-warnings { padding: 0.5rem 1rem; border-left: 4px solid #8a5300; background: #fff4e0; }
        .patients-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
        .patients-facts dt { font-weight: bold; }
        .patients-facts dd { margin: 0; }
        @media (max-width: 40rem) { .patients-facts { grid-template-columns: 1fr; } }
        /* end patients */
        /* consultation */
        main section { margin: 2rem 0; padding-top: 0.5rem; border-top: 3px solid #123c69; }
        .consultation-sections ul { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; padding: 0; list-style: none; }
        .consultation-sections a { color: #123c69; }
        form.consultation-form { display: grid; gap: 0.4rem; max-width: 36rem; margin: 1rem 0; padding: 1rem;
          border: 1px solid #8a8a8a; border-radius: 0.25rem; background: #f5f7fa; }
        form.consultation-form h3, form.consultation-form h4 { margin: 0; }
        form.consultation-form button, form.consultation-phase button { border-color: #123c69; justify-self: start; }
        form.consultation-phase { margin: 0.5rem 0 1rem; }
        select, textarea { font: inherit; padding: 0.5rem; }
        fieldset { border: 1px solid #8a8a8a; display: grid; gap: 0.4rem; }
        input[type="radio"], input[type="checkbox"] { width: 1.5rem; height: 1.5rem; }
        .consultation-option { border-left: 4px solid #123c69; padding: 0 1rem; margin: 1rem 0; }
        .withdrawn { color: #595959; text-decoration: line-through; }
        .consultation-closed { padding: 0.5rem; border-left: 4px solid #123c69; background: #e8eef6; font-weight: bold; }
        .consultation-decision { font-weight: bold; }
        .consultation-choice { display: flex; align-items: center; gap: 0.5rem; }
        /* end consultation */
        /* patientScreen */
        .patient-screen-code { font-size: 2rem; font-weight: bold; letter-spacing: 0.2em; font-family: ui-monospace, monospace; }
        .patient-screen-handover dd { margin: 0 0 1rem 0; word-break: break-all; }
        body.patient-screen { font-size: 125%; }
        body.patient-screen main { max-width: 80rem; min-height: 100vh; }
        .patient-screen-nav { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; padding: 0.5rem 0; border-bottom: 2px solid #123c69; }
        .patient-screen-nav a { color: #123c69; font-weight: bold; padding: 0.25rem 0; }
        .patient-screen-grid { overflow-x: auto; }
        .patient-screen-grid table { table-layout: fixed; min-width: 40rem; }
        .patient-screen-grid th[scope="col"] { background: #e8eef5; vertical-align: top; }
        .patient-screen-grid th[scope="row"] { width: 12rem; vertical-align: top; }
        .patient-screen-grid td { vertical-align: top; }
        .patient-screen-kind { display: block; font-size: 0.85em; color: #1f3f60; }
        .patient-screen-form { display: grid; gap: 0.75rem; max-width: 48rem; }
        .patient-screen-form textarea, .patient-screen-form select { font: inherit; padding: 0.5rem; }
        .patient-screen-form button { border-color: #123c69; justify-self: start; padding: 0.75rem 1.5rem; }
        .patient-screen-item { border: 1px solid #767676; border-radius: 0.25rem; margin: 0; padding: 0.75rem; }
        .patient-screen-item legend { font-weight: bold; padding: 0 0.25rem; }
        .patient-screen-choice { display: inline-flex; align-items: center; gap: 0.25rem; margin: 0.25rem 1rem 0.25rem 0; }
        .patient-screen-choice input { width: 1.5rem; height: 1.5rem; }
        .patient-screen-note { padding: 0.5rem; border-left: 4px solid #123c69; background: #eef3f8; }
        .patient-screen-done { color: #1e5e2a; font-weight: bold; }
        .patient-screen-list li { margin: 0.5rem 0; }
        @media print {
          body.patient-screen { font-size: 12pt; }
          .patient-screen-nav, .patient-screen-print, .skip { display: none; }
          body.patient-screen main { max-width: none; min-height: 0; padding: 0; }
          a { color: #000; text-decoration: none; }
        }
        /* end patientScreen */

        """
}
