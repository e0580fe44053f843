import AccordCore

/// How a research export hides the patient: the consultation and the centre as a
/// pseudonymised document shows them. AccordService's `ResearchPseudonymisation` is the one
/// Accord uses (HMAC-SHA256 pseudonyms, dates shifted per patient and reduced to days, no text
/// typed by a person, ids under the centre's `ROOT.9`); the renderers only ever see what it
/// returns.
public protocol DocumentPseudonymiser: Sendable {
    /// The consultation as the document shows it (no name, identifier, free text, real date or
    /// time of day; its `id` the session's pseudonym, ``session(_:)``; `isPseudonymised` true).
    /// - Parameter documentRoot: the document's id root (`ROOT.9`), under which identifiers
    ///   that are pseudonymised into the centre's arc are written.
    func pseudonymised(_ consultation: Consultation, documentRoot: String) -> Consultation
    /// The keyed pseudonym standing for a session in file names and ids.
    func session(_ session: SessionID) -> SessionID
    /// The centre as the document names it (ids under another arc, so that a pseudonymised
    /// document never shares an id with an identified one).
    func documentCentre(_ centre: CentreSettings) -> CentreSettings
}
