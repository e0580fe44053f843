import AccordCore
import AccordXML
import Crypto
import Foundation

/// The secret key of pseudonymised exports: patient identifiers become HMAC-SHA256 pseudonyms
/// under it.
///
/// The key is the bytes of a file (at least 32 of them), kept outside the database and the
/// export folder: the same key gives the same pseudonym for the same patient, run after run,
/// so a research team can link a patient's consultations without learning who the patient is.
/// Whoever holds the key and an identifier can recompute its pseudonym: keep the key as secret
/// as the record. Create one with `head -c 32 /dev/urandom > research.key`.
///
/// The key never appears in messages, logs or documents (`description` is redacted).
public struct PseudonymKey: Sendable, CustomStringConvertible {
    /// The smallest key accepted, in bytes (the HMAC-SHA256 block-size guidance: 256 bits).
    public static let minimumByteCount = 32
    /// The command-line option naming the key file.
    public static let option = "--pseudonym-key"

    private let key: SymmetricKey

    /// A key from bytes.
    /// - Throws: `AccordError` (`invalidInput`) when fewer than ``minimumByteCount`` bytes are given.
    public init(bytes: Data) throws {
        guard bytes.count >= Self.minimumByteCount else {
            throw AccordError(
                .invalidInput,
                "the pseudonymisation key holds \(bytes.count) bytes, fewer than the \(Self.minimumByteCount) required; "
                    + "create a key file with `(umask 077; head -c 32 /dev/urandom > FILE)` and keep it apart from the database.",
                field: Self.option)
        }
        key = SymmetricKey(data: bytes)
    }

    /// Reads the key from a file (its bytes, as they are).
    /// - Throws: `AccordError` (`io`) when the file is missing or unreadable, (`invalidInput`)
    ///   when it holds fewer than 32 bytes. The message never shows the file's content.
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AccordError(
                .io,
                "the pseudonymisation key file \(url.path) does not exist; create one with `(umask 077; head -c 32 /dev/urandom > FILE)`, "
                    + "keep it apart from the database, and use the same file for every research export.",
                field: Self.option)
        }
        // A key readable by others is no secret: refuse it, as ssh does for private keys.
        if let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw AccordError(
                .invalidInput,
                "the pseudonymisation key file \(url.path) can be read by other users (mode \(String(mode, radix: 8))); "
                    + "expected mode 0600: run `chmod 600` on it.",
                field: Self.option)
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw AccordError(.io, "the pseudonymisation key file \(url.path) cannot be read; check its permissions.", field: Self.option)
        }
        try self.init(bytes: bytes)
    }

    /// A short public fingerprint of the key (16 hexadecimal digits of HMAC-SHA256 under the key
    /// of a fixed text), written in manifests so that one folder never mixes documents made
    /// with two keys (the same patient would have two pseudonyms). It reveals nothing of the key.
    public var keyID: String {
        String(pseudonym("key-id", domain: "ACCORD-PSEUDONYM-KEY").prefix(16))
    }

    /// The pseudonym of a value: HMAC-SHA256 under the key of `domain` + `:` + `value`, as 64
    /// lowercase hexadecimal characters. The domain (`INS`, `IPP`, `RCP`) keeps pseudonyms of
    /// different identifiers apart.
    public func pseudonym(_ value: String, domain: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("\(domain):\(value)".utf8), using: key)
        return code.withUnsafeBytes { Hex.lowercase($0) }
    }

    /// How many days (1–365) every date of a patient is shifted back: derived from the key
    /// and the patient (``AccordCore/Consultation/researchPatientKey``), so intervals are kept
    /// and re-exports agree. Never 0: a pseudonymised date is never the real one.
    public func dateShift(forPatient identity: String) -> Int {
        let code = HMAC<SHA256>.authenticationCode(for: Data("DATE-SHIFT:\(identity)".utf8), using: key)
        let value = code.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Int(value % 365) + 1
    }

    /// The keyed pseudonym of a session: `S` followed by 18 digits (from 10^17), so that it is
    /// never a real session id (those have at most 9 digits); stable for the same key and
    /// session. A pseudonymised document's file name, document id, set id, entry ids and
    /// resource UUIDs all derive from it instead of the session number.
    public func sessionPseudonym(_ session: SessionID) -> SessionID {
        let code = HMAC<SHA256>.authenticationCode(for: Data("SESSION:\(session.number)".utf8), using: key)
        let value = code.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return SessionID(number: 100_000_000_000_000_000 + Int64(value % 900_000_000_000_000_000))
    }

    /// The keyed pseudonym of a professional's IdNat_PS (domain `PS`, apart from the patients'
    /// `INS`/`IPP` domains): 32 lowercase hexadecimal characters (128 bits), stable across
    /// exports with the same key, written under the centre's ``Pseudonymisation/professionalArc``
    /// (never under the IdNat_PS OID).
    public func professionalPseudonym(_ idNatPS: String) -> String {
        String(pseudonym(idNatPS, domain: "PS").prefix(32))
    }

    /// Redacted: a key is never printed.
    public var description: String { "PseudonymKey(redacted)" }
}

/// What a pseudonymised export keeps and what it replaces.
public enum Pseudonymisation {
    /// The OID under which pseudonyms are issued (AccordCore's `KnownOID.accordPseudonym`, on
    /// Accord's own arc like its other OIDs, which no centre root may share): pseudonymised INS
    /// and IPP carry it as their root, so that no system takes a pseudonym for a real INS.
    public static let pseudonymOID = KnownOID.accordPseudonym
    /// The placeholder birth family name.
    public static let familyName = "PSEUDONYME"
    /// The placeholder given name.
    public static let givenName = "X"
    /// The placeholder name of a professional.
    public static let professionalName = "PROFESSIONNEL"
    /// The placeholder name of a relative, carer or interpreter.
    public static let participantName = "PARTICIPANT"
    /// The INSEE code of an unknown birth place (INS rule).
    public static let unknownBirthplace = "99999"
    /// The sub-arc of the centre's OID root under which pseudonymised documents take their ids
    /// (`ROOT.9.1.SESSION.VERSION`), so that they never share an id with the identified document.
    public static let documentArc = "9"
    /// The arc under a pseudonymised document's root (`ROOT.9`) of professionals' pseudonyms:
    /// `ROOT.9.7` (``PseudonymKey/professionalPseudonym(_:)`` as the extension).
    public static let professionalArc = "7"
    /// The arc under a pseudonymised document's root (`ROOT.9`) of RCP report id pseudonyms:
    /// `ROOT.9.8`.
    public static let rcpReportArc = "8"
    /// What a pseudonymised document says in place of an amendment's reason (free text).
    public static let reasonRemoved = "retiré (pseudonymisation)"
    /// What a pseudonymised document says in place of a text typed by a person (a preference,
    /// a diagnosis without code).
    public static let textRemoved = "[texte retiré (pseudonymisation)]"
    /// The label of an option typed by the clinician (or read from an RCP report) in a
    /// pseudonymised document: its kind and number stay beside it.
    public static let typedLabelRemoved = "libellé saisi retiré (pseudonymisation)"
    /// The topic of a session started without a decision template.
    public static let noTemplate = "Sans modèle de décision"

    /// The note every pseudonymised document carries in place of the free-text notes.
    public static let notice =
        "Document pseudonymisé pour la recherche : INS, IPP, identifiants des professionnels, numéro de session "
        + "et identifiants de la fiche RCP remplacés par des pseudonymes HMAC-SHA256 ; noms, lieu de naissance et "
        + "textes saisis retirés ; date de naissance réduite à l'année ; dates décalées d'un même nombre de jours "
        + "pour le patient, sans heure."

    /// The topic of a pseudonymised document: `Modèle de décision ID@VERSION : TITLE` (the
    /// title when the centre's catalogue holds the template), else ``noTemplate``.
    public static func topic(template reference: String?, titles: [String: String]) -> String {
        guard let reference else { return noTemplate }
        let id = String(reference.split(separator: "@").first ?? Substring(reference))
        guard let title = titles[reference] ?? titles[id] else { return "Modèle de décision \(reference)" }
        return "Modèle de décision \(reference) : \(title)"
    }

    /// The centre settings a pseudonymised document is built with: ids under `ROOT.9`; the
    /// instruments' Questionnaire canonical URLs stay the centre's own (its FHIR base, else
    /// `urn:oid:ROOT.6…`, not `ROOT.9.6…`).
    public static func centre(_ centre: CentreSettings) -> CentreSettings {
        var copy = centre
        copy.fhirBase = centre.fhirBase ?? "urn:oid:\(centre.oidRoot).\(DocumentIDs.questionnaireBranch)"
        copy.oidRoot = "\(centre.oidRoot).\(documentArc)"
        return copy
    }
}

extension Consultation {
    /// The consultation as a research export shows it: nothing in it leads back to the patient
    /// without the key (issue of the research exports; `Exports/README.md` has the table of
    /// every field).
    ///
    /// - The session id becomes ``PseudonymKey/sessionPseudonym(_:)`` (so do the document's
    ///   ids, file name and entry-id roots, which derive from it).
    /// - INS and IPP become HMAC-SHA256 pseudonyms under `key` (root
    ///   ``Pseudonymisation/pseudonymOID``), from the INS whenever one is recorded (whatever the
    ///   identity's status), else from the IPP; the RCP report's ids become pseudonyms too
    ///   (``Pseudonymisation/rcpReportArc``, completed with the document's root by the builders).
    /// - Birth names become `PSEUDONYME` / `X`, used names are dropped, the birth place becomes
    ///   `99999` (unknown), the birth date is reduced to 1 January of the birth year.
    /// - Professionals' IdNat_PS (clinician, participants, amendments' and events' authors)
    ///   become ``PseudonymKey/professionalPseudonym(_:)``; every name is replaced
    ///   (`PROFESSIONNEL`, `PARTICIPANT`); name parts, functions and relatives' identifiers are
    ///   dropped; coded civilities, titles, specialties and relationships stay.
    /// - No text typed by a person stays: the topic becomes the template's reference and title
    ///   (``Pseudonymisation/topic(template:titles:)``); an option keeps its kind and origin,
    ///   and its label, benefits and harms only when they came from a decision template (its
    ///   text, with sources), else the label is ``Pseudonymisation/typedLabelRemoved`` and there
    ///   are no benefits or harms;
    ///   trial ids are dropped; preferences keep their importance only; the diagnosis keeps its
    ///   code; decision aids are named by their entry; the understanding method becomes
    ///   `checked`; notes are left out (one note, ``Pseudonymisation/notice``, says the document
    ///   is pseudonymised); amendments keep their kind, entry and author pseudonym, their reason
    ///   becomes ``Pseudonymisation/reasonRemoved`` (those of notes are left out).
    /// - Every date is shifted back by the patient's ``PseudonymKey/dateShift(forPatient:)``
    ///   and every instant reduced to its (shifted) UTC day at 00:00:00Z: intervals in days are
    ///   kept, no time of day remains.
    ///
    /// - Parameters:
    ///   - key: the research key.
    ///   - templateTitles: the French titles of the centre's decision templates, by reference
    ///     (`ID@VERSION`) or id, for the topic.
    ///   - documentRoot: the pseudonymised document's id root (`ROOT.9`), under which the RCP
    ///     report's pseudonyms are written (`ROOT.9.8`); `nil`: Accord's pseudonym OID.
    public func pseudonymised(key: PseudonymKey, templateTitles: [String: String] = [:], documentRoot: String? = nil) -> Consultation {
        var copy = self
        copy.isPseudonymised = true
        copy.id = key.sessionPseudonym(id)
        let identity = start.patient
        let birthYear = CalendarDate(String(format: "%04d-01-01", identity.birthDate.year)) ?? identity.birthDate
        let patientKey = researchPatientKey
        func professional(_ id: String) -> String { key.professionalPseudonym(id) }

        // The start: patient, clinician, topic, diagnosis, RCP report.
        copy.start.patient = INSIdentity(
            ins: key.pseudonym(patientKey, domain: "INS"), insOID: Pseudonymisation.pseudonymOID,
            birthFamilyName: Pseudonymisation.familyName, birthGivenNames: Pseudonymisation.givenName,
            firstBirthGivenName: Pseudonymisation.givenName, birthDate: birthYear, sex: identity.sex,
            birthplaceCode: Pseudonymisation.unknownBirthplace)
        copy.start.ipp = start.ipp.map {
            InstanceIdentifier(
                root: Pseudonymisation.pseudonymOID, extension_: key.pseudonym("\($0.root)/\($0.extension_ ?? "")", domain: "IPP"))
        }
        // The pseudonym stands for the patient whatever the identity's status: no status travels.
        copy.start.identityStatus = nil
        copy.start.clinicianID = professional(start.clinicianID)
        copy.start.clinicianName = Pseudonymisation.professionalName
        copy.start.clinicianFunction = nil
        copy.start.clinicianFamilyName = nil
        copy.start.clinicianGivenName = nil
        copy.start.topic = Pseudonymisation.topic(template: start.template, titles: templateTitles)
        if let condition = start.condition {
            copy.start.condition?.text = condition.code ?? Pseudonymisation.textRemoved
        }
        if let rcp = start.rcp {
            func hidden(_ id: InstanceIdentifier) -> InstanceIdentifier {
                InstanceIdentifier(
                    root: documentRoot.map { "\($0).\(Pseudonymisation.rcpReportArc)" } ?? Pseudonymisation.pseudonymOID,
                    extension_: key.pseudonym("\(id.root)/\(id.extension_ ?? "")", domain: "RCP"))
            }
            copy.start.rcp?.documentID = hidden(rcp.documentID)
            copy.start.rcp?.setID = rcp.setID.map(hidden)
        }

        // The people.
        for index in copy.participants.indices {
            var participant = copy.participants[index]
            switch participant.role {
            case .patient:
                participant.name = "\(Pseudonymisation.familyName) \(Pseudonymisation.givenName)"
            case .professional:
                participant.name = Pseudonymisation.professionalName
                participant.id = participant.id.map(professional)
            case .relative, .trustedPerson, .carer, .interpreter:
                participant.name = Pseudonymisation.participantName
                participant.id = nil
            }
            participant.function = nil
            participant.details?.familyName = nil
            participant.details?.givenName = nil
            participant.details = participant.details?.orNil
            copy.participants[index] = participant
        }
        copy.authors = authors.map(professional)

        // No text typed by a person.
        for index in copy.options.indices {
            let option = copy.options[index]
            if case .template = EntryOrigin(option.origin) {
                // The template's own text, with its sources.
            } else {
                copy.options[index].label = Pseudonymisation.typedLabelRemoved
                copy.options[index].benefits = []
                copy.options[index].harms = []
            }
            copy.options[index].trialID = nil
        }
        for index in copy.preferences.indices { copy.preferences[index].text = Pseudonymisation.textRemoved }
        for index in copy.process.decisionAids.indices {
            copy.process.decisionAids[index].name = "Aide à la décision \(copy.process.decisionAids[index].entry)"
            copy.process.decisionAids[index].version = nil
        }
        if copy.process.understandingChecked != nil { copy.process.understandingChecked = "checked" }
        copy.notes = [Note(entry: EntryID(prefix: "N", number: 1), text: Pseudonymisation.notice)]
        // Amendments keep what, when and by whom (pseudonymised); their reasons are free text,
        // and the notes they concern are gone.
        copy.amendments = amendments.filter { !($0.entry?.rawValue.hasPrefix("N") ?? false) }.map {
            var amendment = $0
            amendment.reason = Pseudonymisation.reasonRemoved
            amendment.author = professional(amendment.author)
            return amendment
        }
        // What only the record keeps.
        copy.issuedDocuments = []
        copy.lastEventSequence = 0
        copy.shiftDates(back: key.dateShift(forPatient: patientKey), toDays: true)
        return copy
    }
}

extension Consultation {
    /// Moves every date of the consultation back by `days` (instants by whole days; calendar
    /// dates by days), keeping every interval; with `toDays`, instants become their shifted
    /// UTC day at 00:00:00Z (no time of day).
    mutating func shiftDates(back days: Int, toDays: Bool = false) {
        let seconds = TimeInterval(days * 86_400)
        func instant(_ date: Date) -> Date {
            let shifted = date.addingTimeInterval(-seconds)
            return toDays ? Date(timeIntervalSince1970: (shifted.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400) : shifted
        }
        func day(_ date: CalendarDate) -> CalendarDate {
            var components = DateComponents(year: date.year, month: date.month, day: date.day)
            components.timeZone = TimeZone(identifier: "UTC")
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            guard let start = calendar.date(from: components) else { return date }
            return CalendarDate(utcDayOf: start.addingTimeInterval(-seconds))
        }
        startedAt = instant(startedAt)
        closedAt = closedAt.map(instant)
        lastChangedAt = instant(lastChangedAt)
        for index in decisions.indices {
            decisions[index].recordedAt = instant(decisions[index].recordedAt)
            if case .deferred(let next) = decisions[index].outcome { decisions[index].outcome = .deferred(nextContact: day(next)) }
        }
        for index in phases.indices { phases[index].startedAt = instant(phases[index].startedAt) }
        for index in instruments.indices { instruments[index].recordedAt = instant(instruments[index].recordedAt) }
        for index in amendments.indices { amendments[index].recordedAt = instant(amendments[index].recordedAt) }
        process.reflectionUntil = process.reflectionUntil.map(day)
        if let meeting = start.rcp?.meetingDate { start.rcp?.meetingDate = day(meeting) }
    }
}

/// A research export's pseudonymisation: the key, and the French titles of the centre's
/// decision templates (the topic of a pseudonymised document names its template).
public struct ResearchPseudonymisation: DocumentPseudonymiser {
    /// The research key.
    public var key: PseudonymKey
    /// The templates' French titles, by reference (`ID@VERSION`) and by id.
    public var templateTitles: [String: String]

    /// The pseudonymisation under `key`, the topics titled from `templates` (none: the
    /// template's reference alone).
    public init(key: PseudonymKey, templates: TemplateCatalogue? = nil) {
        self.key = key
        var titles: [String: String] = [:]
        for template in templates?.templates ?? [] {
            titles[template.reference] = template.title.fr
            titles[template.id] = titles[template.id] ?? template.title.fr
        }
        templateTitles = titles
    }

    /// The consultation pseudonymised (`Consultation.pseudonymised(key:templateTitles:documentRoot:)`).
    public func pseudonymised(_ consultation: Consultation, documentRoot: String) -> Consultation {
        consultation.pseudonymised(key: key, templateTitles: templateTitles, documentRoot: documentRoot)
    }

    /// The session's keyed pseudonym (``PseudonymKey/sessionPseudonym(_:)``).
    public func session(_ session: SessionID) -> SessionID { key.sessionPseudonym(session) }

    /// The centre with its ids under `ROOT.9` (``Pseudonymisation/centre(_:)``).
    public func documentCentre(_ centre: CentreSettings) -> CentreSettings { Pseudonymisation.centre(centre) }
}

extension PseudonymKey: DocumentPseudonymiser {
    /// The consultation pseudonymised under this key, topics untitled (``ResearchPseudonymisation``).
    public func pseudonymised(_ consultation: Consultation, documentRoot: String) -> Consultation {
        consultation.pseudonymised(key: self, documentRoot: documentRoot)
    }

    /// The session's keyed pseudonym (``sessionPseudonym(_:)``).
    public func session(_ session: SessionID) -> SessionID { sessionPseudonym(session) }

    /// The centre with its ids under `ROOT.9` (``Pseudonymisation/centre(_:)``).
    public func documentCentre(_ centre: CentreSettings) -> CentreSettings { Pseudonymisation.centre(centre) }
}
