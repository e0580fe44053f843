/// Every visible string of the web interface, in French, in one place: the catalogue of
/// another branch (issue 17, point 4) will take them over key by key.
///
/// No string holds a person's name, identifier or free text; the pages insert those through
/// their templates, escaped.
public enum WebStrings {
    /// The product's name, in every title.
    public static let product = "Accord"
    /// The sign-in page's title and heading.
    public static let signInTitle = "Connexion"
    /// The label of the identifier field.
    public static let idLabel = "Identifiant national (IdNat_PS)"
    /// The label of the password field.
    public static let passwordLabel = "Mot de passe"
    /// The sign-in button.
    public static let signInButton = "Se connecter"
    /// The sign-out button.
    public static let signOutButton = "Se déconnecter"
    /// Before the signed-in clinician's name.
    public static let signedInAs = "Connecté :"
    /// A failed sign-in: never says whether the identifier has an account.
    public static let signInFailed = "Identifiant ou mot de passe incorrect."
    /// A locked-out identifier (whether it has an account or not).
    public static let lockedOut = "Trop de tentatives échouées : la connexion est bloquée pendant 15 minutes. Réessayez plus tard."
    /// A sign-in ended by the idle timeout or signed out.
    public static let signedOut = "Vous êtes déconnecté."
    /// The page of today's sessions: title and heading.
    public static let sessionsTitle = "Consultations du jour"
    /// No session today.
    public static let noSessions = "Aucune consultation aujourd’hui."
    /// The column of session numbers.
    public static let columnNumber = "N°"
    /// The column of start instants.
    public static let columnStart = "Début (UTC)"
    /// The column of topics.
    public static let columnTopic = "Thème"
    /// A POST without its form's CSRF token, or with a wrong one.
    public static let forbiddenTitle = "Requête refusée"
    /// What to do about a refused POST.
    public static let forbidden =
        "Le formulaire a expiré ou ne vient pas de cette application ; rien n’a été enregistré. Rechargez la page et recommencez."
    /// An unknown page.
    public static let notFoundTitle = "Page introuvable"
    /// What to do about an unknown page.
    public static let notFound = "Cette page n’existe pas."
    /// A failure of the server.
    public static let serverErrorTitle = "Erreur du serveur"
    /// What to do about a failure of the server.
    public static let serverError = "Le serveur n’a pas pu répondre ; rien n’a été enregistré. Réessayez dans un instant."
    /// A link back to the start.
    public static let backHome = "Retour à l’accueil"
}
