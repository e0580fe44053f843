import AccordService
import Foundation

/// Every visible string of the web interface in one language: the French catalogue or the
/// English one, chosen per request (``WebServer`` takes the browser's `Accept-Language`, then
/// `ACCORD_LANG`, then French), so that no page mixes languages.
///
/// Each language's catalogue is one dictionary from key to text, put together from the parts
/// each group of pages declares beside its routes (``frenchParts``, ``englishParts``); the two
/// catalogues have the same keys (tested), and templates name a string as `{{t.key}}`.
///
/// No string holds a person's name, identifier or free text; the pages insert those through
/// their templates, escaped.
public struct WebStrings: Sendable {
    /// The language of every string.
    public let language: Messages.Language
    /// Key → text, in ``language``.
    public let table: [String: String]

    /// The strings of `language`.
    public init(_ language: Messages.Language) {
        self.language = language
        self.table = language == .french ? Self.french : Self.english
    }

    /// The text of `key`; a key missing from the catalogue is a programming error (it stops a
    /// debug build, so that a test fails) and shows the key itself in a release build.
    public subscript(_ key: String) -> String {
        guard let text = table[key] else {
            assertionFailure("web string \(key) is missing from the \(language.rawValue) catalogue")
            return key
        }
        return text
    }

    /// The French catalogue: every part merged (a key given twice is a programming error).
    public static let french = merged(frenchParts)
    /// The English catalogue.
    public static let english = merged(englishParts)

    /// The French parts, one per group of pages.
    static let frenchParts: [[String: String]] = [coreFrench, patientsFrench, consultationFrench, patientScreenFrench, accessFrench]
    /// The English parts, in the same order.
    static let englishParts: [[String: String]] = [
        coreEnglish, patientsEnglish, consultationEnglish, patientScreenEnglish, accessEnglish,
    ]

    static func merged(_ parts: [[String: String]]) -> [String: String] {
        parts.reduce(into: [:]) { catalogue, part in
            catalogue.merge(part) { first, _ in
                assertionFailure("a web string key is given twice")
                return first
            }
        }
    }

    // MARK: - Sign-in, layout, errors

    static let coreFrench: [String: String] = [
        "product": "Accord",
        "signInTitle": "Connexion",
        "idLabel": "Identifiant national (IdNat_PS)",
        "passwordLabel": "Mot de passe",
        "signInButton": "Se connecter",
        "signOutButton": "Se déconnecter",
        "signedInAs": "Connecté :",
        "signInFailed": "Identifiant ou mot de passe incorrect.",
        "lockedOut": "Trop de tentatives échouées : la connexion est bloquée pendant 15 minutes. Réessayez plus tard.",
        "signedOut": "Vous êtes déconnecté.",
        "sessionsTitle": "Consultations du jour",
        "noSessions": "Aucune consultation aujourd’hui.",
        "columnNumber": "N°",
        "columnStart": "Début (UTC)",
        "columnTopic": "Thème",
        "forbiddenTitle": "Requête refusée",
        "forbidden":
            "Le formulaire a expiré ou ne vient pas de cette application ; rien n’a été enregistré. Rechargez la page et recommencez.",
        "notFoundTitle": "Page introuvable",
        "notFound": "Cette page n’existe pas.",
        "serverErrorTitle": "Erreur du serveur",
        "serverError": "Le serveur n’a pas pu répondre ; rien n’a été enregistré. Réessayez dans un instant.",
        "backHome": "Retour à l’accueil",
        "tooLargeTitle": "Formulaire trop long",
        "tooLarge": "Le formulaire envoyé dépasse 512 Kio ; rien n’a été enregistré. Raccourcissez le texte et recommencez.",
        "skipToContent": "Aller au contenu",
        "navigation": "Navigation principale",
    ]

    static let coreEnglish: [String: String] = [
        "product": "Accord",
        "signInTitle": "Sign in",
        "idLabel": "National identifier (IdNat_PS)",
        "passwordLabel": "Password",
        "signInButton": "Sign in",
        "signOutButton": "Sign out",
        "signedInAs": "Signed in:",
        "signInFailed": "Wrong identifier or password.",
        "lockedOut": "Too many failed attempts: signing in is blocked for 15 minutes. Try again later.",
        "signedOut": "You are signed out.",
        "sessionsTitle": "Today’s consultations",
        "noSessions": "No consultation today.",
        "columnNumber": "No.",
        "columnStart": "Start (UTC)",
        "columnTopic": "Topic",
        "forbiddenTitle": "Request refused",
        "forbidden":
            "The form has expired or does not come from this application; nothing was recorded. Reload the page and try again.",
        "notFoundTitle": "Page not found",
        "notFound": "This page does not exist.",
        "serverErrorTitle": "Server error",
        "serverError": "The server could not answer; nothing was recorded. Try again in a moment.",
        "backHome": "Back to the start",
        "tooLargeTitle": "Form too long",
        "tooLarge": "The form sent is larger than 512 KiB; nothing was recorded. Shorten the text and try again.",
        "skipToContent": "Skip to content",
        "navigation": "Main navigation",
    ]
}
