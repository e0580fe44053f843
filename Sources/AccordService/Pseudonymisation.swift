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
        return Hex.lowercase(code)
    }

    /// How many days (0–364) every date of a patient is shifted back: derived from the key
    /// and the patient, so intervals are kept and re-exports agree.
    public func dateShift(forPatient identity: String) -> Int {
        let code = HMAC<SHA256>.authenticationCode(for: Data("DATE-SHIFT:\(identity)".utf8), using: key)
        let value = code.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Int(value % 365)
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
    /// What a pseudonymised document says in place of an amendment's reason (free text).
    public static let reasonRemoved = "retiré (pseudonymisation)"

    /// The note every pseudonymised document carries in place of the free-text notes.
    public static let notice =
        "Document pseudonymisé pour la recherche : INS et IPP remplacés par des pseudonymes HMAC-SHA256, "
        + "noms, lieu de naissance et notes libres retirés, date de naissance réduite à l'année (1er janvier), "
        + "dates de prise en charge décalées d'un même nombre de jours."

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
    /// The consultation with the patient's identity replaced, for research exports.
    ///
    /// - INS and IPP become HMAC-SHA256 pseudonyms under `key` (root
    ///   ``Pseudonymisation/pseudonymOID``), stable for the same key; the RCP report's ids too.
    /// - Birth names become `PSEUDONYME` / `X`, used names are dropped, the birth place becomes
    ///   `99999` (unknown), the birth date is reduced to 1 January of the birth year.
    /// - Every participant's name is replaced (`PROFESSIONNEL`, `PARTICIPANT`), and relatives'
    ///   optional identifiers dropped; professionals keep their IdNat_PS (a public directory
    ///   identifier, needed to audit by clinician).
    /// - Free-text notes are left out; one note, ``Pseudonymisation/notice``, says that the
    ///   document is pseudonymised.
    /// - Amendments keep their kind, instant (shifted as the other dates) and author; their
    ///   reasons (free text) become ``Pseudonymisation/reasonRemoved``, and those of notes
    ///   are left out.
    ///
    /// Sex, topic, condition, options, preferences, decision, process and instruments stay.
    public func pseudonymised(key: PseudonymKey) -> Consultation {
        var copy = self
        let identity = start.patient
        let birthYear = CalendarDate(String(format: "%04d-01-01", identity.birthDate.year)) ?? identity.birthDate
        let patientKey = researchPatientKey
        copy.start.patient = INSIdentity(
            ins: key.pseudonym(patientKey, domain: "INS"), insOID: Pseudonymisation.pseudonymOID,
            birthFamilyName: Pseudonymisation.familyName, birthGivenNames: Pseudonymisation.givenName,
            firstBirthGivenName: Pseudonymisation.givenName, birthDate: birthYear, sex: identity.sex,
            birthplaceCode: Pseudonymisation.unknownBirthplace)
        copy.start.ipp = start.ipp.map {
            InstanceIdentifier(
                root: Pseudonymisation.pseudonymOID, extension_: key.pseudonym("\($0.root)/\($0.extension_ ?? "")", domain: "IPP"))
        }
        copy.start.clinicianName = Pseudonymisation.professionalName
        if let rcp = start.rcp {
            func hidden(_ id: InstanceIdentifier) -> InstanceIdentifier {
                InstanceIdentifier(
                    root: Pseudonymisation.pseudonymOID, extension_: key.pseudonym("\(id.root)/\(id.extension_ ?? "")", domain: "RCP"))
            }
            copy.start.rcp = RCPReference(
                documentID: hidden(rcp.documentID), setID: rcp.setID.map(hidden), meetingDate: rcp.meetingDate,
                trialProposed: rcp.trialProposed)
        }
        for index in copy.participants.indices {
            switch copy.participants[index].role {
            case .patient:
                copy.participants[index].name = "\(Pseudonymisation.familyName) \(Pseudonymisation.givenName)"
            case .professional:
                copy.participants[index].name = Pseudonymisation.professionalName
            case .relative, .trustedPerson, .carer, .interpreter:
                copy.participants[index].name = Pseudonymisation.participantName
                copy.participants[index].id = nil
            }
        }
        copy.notes = [Note(entry: EntryID(prefix: "N", number: 1), text: Pseudonymisation.notice)]
        // Amendments keep when and by whom; their reasons are free text, and the notes they
        // concern are gone.
        copy.amendments = amendments.filter { !($0.entry?.rawValue.hasPrefix("N") ?? false) }.map {
            var amendment = $0
            amendment.reason = Pseudonymisation.reasonRemoved
            return amendment
        }
        // The pseudonym stands for the patient whatever the identity's status: no status travels.
        copy.start.identityStatus = nil
        copy.shiftDates(back: key.dateShift(forPatient: patientKey))
        return copy
    }
}

extension Consultation {
    /// Moves every date of the consultation back by `days` (instants by whole days; calendar
    /// dates by days), keeping every interval.
    mutating func shiftDates(back days: Int) {
        guard days > 0 else { return }
        let seconds = TimeInterval(days * 86_400)
        func instant(_ date: Date) -> Date { date.addingTimeInterval(-seconds) }
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

extension PseudonymKey: DocumentPseudonymiser {
    /// The consultation pseudonymised under this key (`Consultation.pseudonymised(key:)`).
    public func pseudonymised(_ consultation: Consultation) -> Consultation { consultation.pseudonymised(key: self) }

    /// The centre with its ids under `ROOT.9` (``Pseudonymisation/centre(_:)``).
    public func documentCentre(_ centre: CentreSettings) -> CentreSettings { Pseudonymisation.centre(centre) }
}
