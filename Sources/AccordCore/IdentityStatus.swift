import Foundation

/// The confidence status of the patient's identity, one of the four of the national identity
/// vigilance referential (RNIV 1, *Principes communs*, requirement EXI SI 07: every health
/// information system gives each stored identity one of four exclusive statuses).
///
/// Two independent checks make the status: whether the traits (and the INS) were retrieved
/// from the national INSi teleservice, and whether they were checked against a high-trust
/// identity document. Only a **qualified** identity may carry its INS in documents exchanged
/// (INS referential, ANS); the others travel with the centre's local identifier (IPP).
public enum IdentityStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Neither retrieved from INSi nor checked against an identity document (`PROV`).
    case provisional
    /// Retrieved from INSi, not yet checked against an identity document (`RECUP`).
    case recovered
    /// Checked against an identity document, not retrieved from INSi (`VALI`).
    case validated
    /// Retrieved from INSi and checked against an identity document (`QUAL`).
    case qualified

    /// Parses the English word (`provisional`…) or the RNIV code (`PROV`, `RECUP`, `VALI`,
    /// `QUAL`), in any case.
    public init?(argument: String) {
        let text = argument.lowercased()
        guard let status = Self.allCases.first(where: { $0.rawValue == text || $0.code.lowercased() == text }) else { return nil }
        self = status
    }

    /// The code of the French core FHIR profile's code system
    /// `https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status` (RNIV codes).
    public var code: String {
        switch self {
        case .provisional: "PROV"
        case .recovered: "RECUP"
        case .validated: "VALI"
        case .qualified: "QUAL"
        }
    }

    /// The French display of ``code`` (`Identité qualifiée`…).
    public var frenchDisplayName: String {
        switch self {
        case .provisional: "Identité provisoire"
        case .recovered: "Identité récupérée"
        case .validated: "Identité validée"
        case .qualified: "Identité qualifiée"
        }
    }

    /// Whether the INSi teleservice returned the identity (recovered, qualified): such an
    /// identity holds its INS.
    public var retrievedFromINSi: Bool { self == .recovered || self == .qualified }

    /// The accepted values, for error messages.
    public static let accepted = "provisional, recovered, validated or qualified (or PROV, RECUP, VALI, QUAL)"

    /// The status of an identity recorded without one: an INS given alone was qualified by the
    /// centre's identity server before it reached Accord, so it is `qualified`; an identity
    /// without INS is `provisional`.
    public static func implied(hasINS: Bool) -> IdentityStatus { hasINS ? .qualified : .provisional }
}

/// What justifies a change of the identity's status (RNIV): an identity document checked
/// (high-trust document such as an identity card or passport) or the INSi teleservice's answer.
public enum IdentityJustification: String, Sendable, Hashable, Codable, CaseIterable {
    /// A high-trust identity document was checked against the traits.
    case document
    /// The INSi teleservice returned the identity (its INS and traits).
    case insi

    /// The accepted values, for error messages.
    public static let accepted = "document (an identity document was checked) or insi (the INSi teleservice returned the identity)"
}

/// A change of the identity's status in one session (``Change/identityStatusChanged(_:)``),
/// always with a reason; with the INS the INSi teleservice returned when the identity had none.
public struct IdentityStatusChange: Sendable, Hashable, Codable {
    /// The new status.
    public var status: IdentityStatus
    /// What justifies it; `nil` for a return to `provisional` (a doubt), and only then.
    public var justification: IdentityJustification?
    /// The INS returned by INSi, for an identity recorded without one.
    public var ins: String?
    /// The OID of ``ins``.
    public var insOID: String?

    public init(status: IdentityStatus, justification: IdentityJustification?, ins: String? = nil, insOID: String? = nil) {
        self.status = status
        self.justification = justification
        self.ins = ins
        self.insOID = insOID
    }

    enum CodingKeys: String, CodingKey {
        case status, justification, ins, insOID = "ins_oid"
    }

    /// The session start with the new status (and INS) in place.
    public func applied(to start: SessionStart) -> SessionStart {
        var start = start
        start.identityStatus = status
        if let ins {
            start.patient.ins = ins
            start.patient.insOID = insOID ?? KnownOID.insNIR
        }
        return start
    }

    /// Checks the values alone (the INS by its OID's rule).
    /// - Throws: `AccordError` (`invalidInput`) naming the `accord patient status` option.
    func validate() throws {
        if let insOID {
            try FieldRules.insOID(insOID, "--ins-oid")
            if ins == nil {
                throw AccordError.invalid("--ins-oid", "is given without --ins", accepted: "--ins with the INS the INSi service returned")
            }
        }
        if let ins { try FieldRules.insNumber(ins, "--ins", oid: insOID ?? KnownOID.insNIR) }
    }
}

extension SessionStart {
    /// The identity's status: the one recorded, else the one implied by the INS
    /// (``IdentityStatus/implied(hasINS:)``).
    public var effectiveIdentityStatus: IdentityStatus {
        identityStatus ?? .implied(hasINS: patient.ins != nil)
    }

    /// The INS a document may carry: only a qualified identity's (INS referential); `nil`
    /// otherwise.
    public var documentINS: InstanceIdentifier? {
        guard effectiveIdentityStatus == .qualified, let ins = patient.ins else { return nil }
        return InstanceIdentifier(root: patient.insOID ?? KnownOID.insNIR, extension_: ins)
    }

    /// How the narrative of a document names the patient: `INS …` for a qualified identity,
    /// else `IPP …`, else nothing.
    public var patientIdentifierText: String {
        // A research export's pseudonyms are never called an INS or an IPP.
        let pseudonymised = documentINS?.root == KnownOID.accordPseudonym
        if let ins = documentINS?.extension_ { return pseudonymised ? "pseudonyme du patient \(ins)" : "INS \(ins)" }
        return ipp?.extension_.map { pseudonymised ? "pseudonyme de l'IPP \($0)" : "IPP \($0)" } ?? ""
    }

    /// Checks the status against the identity: a recovered or qualified identity came from
    /// INSi with its INS.
    /// - Throws: `AccordError` (`invalidInput`) naming `--identity-status`.
    func validateIdentityStatus() throws {
        if let status = identityStatus, status.retrievedFromINSi, patient.ins == nil {
            throw AccordError.invalid(
                "--identity-status", "is \(status.rawValue), a status the INSi teleservice gives with the INS, but no INS is given",
                accepted: "--patient-ins with the INS, or provisional or validated for an identity without INS")
        }
    }
}

extension Consultation {
    /// Checks a change of the identity's status against the session (RNIV: the status is made
    /// of two independent checks, the INSi teleservice's answer and an identity document):
    /// - the status must differ from the current one;
    /// - any identity may return to `provisional` (a doubt), without a justification;
    /// - a `provisional` identity becomes `recovered` by `insi`, `validated` by `document`, or
    ///   `qualified` by either (the check that completes it);
    /// - a `recovered` identity becomes `qualified` by `document`, a `validated` one by `insi`;
    ///   one check does not undo the other (recovered ↔ validated), and a qualified identity
    ///   only returns to provisional;
    /// - `recovered` and `qualified` need the INS (given with `--ins` when the identity has
    ///   none); `--ins` is refused when the identity already holds one, and for the statuses
    ///   that do not come from INSi.
    /// - Throws: `AccordError` (`invalidInput`) naming the option; (`conflict`) when the status
    ///   is already the one recorded or the move is not one of these.
    public func checkStatusChange(_ change: IdentityStatusChange) throws {
        let current = start.effectiveIdentityStatus
        if change.status == current {
            throw AccordError(
                .conflict, "the patient's identity in session \(id) is already \(current.rawValue) (nothing was recorded).", field: "--set")
        }
        let needed: IdentityJustification?
        switch (current, change.status) {
        case (_, .provisional):
            // A return to provisional is a doubt: no check justifies it.
            if change.justification != nil {
                throw AccordError.invalid(
                    "--justification", "is given for a return to provisional, which no check justifies (it records a doubt)",
                    accepted: "no --justification, and the doubt in --reason")
            }
            needed = nil
        case (.provisional, .recovered), (.validated, .qualified): needed = .insi
        case (.provisional, .validated), (.recovered, .qualified): needed = .document
        case (.provisional, .qualified):
            guard change.justification != nil else {
                throw AccordError.invalid("--justification", "is missing", accepted: IdentityJustification.accepted)
            }
            needed = nil
        default:
            throw AccordError(
                .conflict,
                "the patient's identity in session \(id) is \(current.rawValue) and cannot become \(change.status.rawValue): "
                    + (current == .qualified
                        ? "a qualified identity only returns to provisional"
                        : "the other check (\(current == .recovered ? "an identity document" : "the INSi teleservice")) makes it qualified")
                    + " (nothing was recorded).",
                field: "--set")
        }
        if let needed, change.justification != needed {
            let why: String
            switch needed {
            case .insi: why = "insi (the INSi teleservice returned the identity)"
            case .document: why = "document (an identity document was checked)"
            }
            throw AccordError.invalid(
                "--justification",
                change.justification == nil
                    ? "is missing" : "does not justify a \(current.rawValue) identity becoming \(change.status.rawValue)",
                accepted: why)
        }
        if change.ins != nil {
            if start.patient.ins != nil {
                throw AccordError.invalid(
                    "--ins", "is given for an identity that already holds an INS",
                    accepted: "no --ins: the status applies to the recorded INS (another INS is another patient's)")
            }
            if !change.status.retrievedFromINSi {
                throw AccordError.invalid(
                    "--ins", "is given with a status that does not come from INSi",
                    accepted: "--ins only with --set recovered or qualified")
            }
        } else if change.status.retrievedFromINSi && start.patient.ins == nil {
            throw AccordError.invalid(
                "--ins", "is missing: the identity holds no INS and a \(change.status.rawValue) identity has the one INSi returned",
                accepted: "--ins with the INS (and --ins-oid for a test identity)")
        }
    }

    /// Checks that an identified document may name the patient: a qualified identity by its
    /// INS, any other by its IPP (with its root). With neither the document is refused.
    /// - Throws: `AccordError` (`conflict`) naming the session and what would make it
    ///   exportable.
    public func checkPatientIdentifiable() throws {
        if start.documentINS != nil || start.ipp != nil { return }
        let status = start.effectiveIdentityStatus
        let why =
            start.patient.ins == nil
            ? "the patient's identity (\(status.rawValue)) holds no INS and no IPP is recorded, so no document can name the patient"
            : "the patient's identity is \(status.rawValue), so its INS may not travel in a document (only a qualified identity's may), and no IPP is recorded"
        throw AccordError(
            .conflict,
            "session \(id) cannot be exported: \(why); record the IPP (`accord patient correct \(id) --ipp … --reason …`) or qualify the identity (`accord patient status \(id) --set qualified …`)."
        )
    }
}
