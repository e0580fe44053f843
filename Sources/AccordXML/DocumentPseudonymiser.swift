import AccordCore

/// How a research export hides the patient: the consultation and the centre as a
/// pseudonymised document shows them. AccordService's `PseudonymKey` is the one Accord uses
/// (HMAC-SHA256 pseudonyms, dates shifted per patient, ids under the centre's `ROOT.9`); the
/// renderers only ever see what it returns.
public protocol DocumentPseudonymiser: Sendable {
    /// The consultation as the document shows it (no name, identifier or free text of the
    /// patient).
    func pseudonymised(_ consultation: Consultation) -> Consultation
    /// The centre as the document names it (ids under another arc, so that a pseudonymised
    /// document never shares an id with an identified one).
    func documentCentre(_ centre: CentreSettings) -> CentreSettings
}
