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
    ///   - title: the page's title (also its first heading).
    ///   - context: the template's values.
    ///   - header: the signed-in clinician's name and CSRF token for the sign-out form, or `nil`.
    func render(_ name: String, title: String, context: [String: Any], header: (name: String, csrf: String)?) -> String {
        var values = context
        values["title"] = title
        let body = library.render(values, withTemplate: name) ?? ""
        var layout: [String: Any] = ["title": title, "product": WebStrings.product, "body": body]
        if let header {
            layout["user"] = [
                "name": header.name, "csrf": header.csrf, "signedInAs": WebStrings.signedInAs, "signOut": WebStrings.signOutButton,
            ]
        }
        return library.render(layout, withTemplate: "layout") ?? ""
    }

    static let templates: [String: String] = [
        "layout": """
        <!DOCTYPE html>
        <html lang="fr">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — {{product}}</title>
        <link rel="stylesheet" href="/style.css">
        </head>
        <body>
        <header>
        <p class="product">{{product}}</p>
        {{#user}}<form method="post" action="/deconnexion" class="signout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span>{{signedInAs}} {{name}}</span>
        <button type="submit">{{signOut}}</button>
        </form>{{/user}}
        </header>
        <main>
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
        <label for="id">{{idLabel}}</label>
        <input id="id" name="id" autocomplete="username" required>
        <label for="password">{{passwordLabel}}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">{{signIn}}</button>
        </form>
        """,
        "sessions": """
        <h1>{{title}}</h1>
        {{#hasSessions}}<table>
        <thead><tr><th scope="col">{{columnNumber}}</th><th scope="col">{{columnStart}}</th><th scope="col">{{columnTopic}}</th></tr></thead>
        <tbody>
        {{#sessions}}<tr><td>S{{number}}</td><td>{{start}}</td><td>{{topic}}</td></tr>
        {{/sessions}}</tbody>
        </table>{{/hasSessions}}
        {{^hasSessions}}<p>{{noSessions}}</p>{{/hasSessions}}
        """,
        "message": """
        <h1>{{title}}</h1>
        <p>{{message}}</p>
        <p><a href="/">{{backHome}}</a></p>
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
        :focus-visible { outline: 3px solid #d35400; outline-offset: 2px; }
        .message { padding: 0.5rem; border-left: 4px solid #a30000; background: #fdecea; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #ccc; }

        """
}
