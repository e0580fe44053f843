import Foundation

/// What the participation audit keeps of one session: pseudonymisable, non-free-text facts
/// derived from the consultation's current state.
///
/// Nothing here is a name, an INS, a birth date or free text. The patient is identified
/// only by the pseudonym the store adds (``AuditFacts/pseudonymInput``); the topic only by the
/// template id (``topicGroup``), never by the topic typed by the clinician.
public struct AuditFacts: Sendable, Hashable {
    /// The topic group of a session started without a template.
    public static let noTemplateGroup = "no-template"
    /// The topic group of generated sessions (AccordStore's `SyntheticSessions`).
    public static let syntheticGroup = "synthetic"

    /// The session number.
    public var sessionNumber: Int64
    /// `OID:INS`, the input of the patient pseudonym (an HMAC computed by the store; never stored).
    public var pseudonymInput: String
    /// IdNat_PS of the clinician who started the session.
    public var clinicianID: String
    /// FINESS of the organisation, when the session names one (else the centre's, filled by the store).
    public var organisationFINESS: String?
    /// The template id (`localised-prostate-cancer`, without its version) or `no-template`.
    public var topicGroup: String
    /// The UTC month the session started, `YYYY-MM`.
    public var startMonth: String
    /// Whether the session is closed.
    public var closed: Bool
    /// The closing instant (UTC, RFC 3339), when closed.
    public var closedAt: String?
    /// The UTC day of closing, `YYYY-MM-DD`.
    public var closedDay: String?
    /// The UTC month of closing, `YYYY-MM`.
    public var closedMonth: String?
    /// Whether the patient attended (at the start, or arrived later).
    public var patientPresent: Bool
    /// Whether a relative, trusted person or carer took part (not withdrawn).
    public var relativePresent: Bool
    /// How many preferences (what matters) are recorded, not withdrawn.
    public var preferencesCount: Int
    /// Whether an option of kind active surveillance or no treatment was discussed (not withdrawn).
    public var surveillanceDiscussed: Bool
    /// `false` when the template says surveillance or no treatment is not reasonable.
    public var surveillanceApplicable: Bool
    /// A clinical-trial option (not withdrawn), or the trial proposal recorded as offered.
    public var trialOffered: Bool
    /// The Control Preferences Scale letter of the preferred role (A–E), when recorded.
    public var preferredRole: String?
    /// The CPS letter of the experienced role (A–E), when recorded.
    public var experiencedRole: String?
    /// CollaboRATE (10-point): the mean of the last complete response (0–9).
    public var collaborateMean: Double?
    /// CollaboRATE (10-point): whether the last complete response has the top score.
    public var collaborateTop: Bool?
    /// SDM-Q-9: the last score (0–100).
    public var sdmQ9Score: Double?
    /// OPTION-5: the last score (0–100).
    public var option5Score: Double?
    /// SURE: whether the last scored response screens positive for decisional conflict (≤ 3).
    public var surePositive: Bool?
    /// `agreed`, `deferred`, `declined` or `none`.
    public var decisionOutcome: String
    /// The tumour board meeting day (`YYYY-MM-DD`), when the session was started from a report.
    public var rcpDate: CalendarDate?
    /// The UTC day the current decision was recorded.
    public var decisionDate: CalendarDate?
    /// The completeness of the record, 0–100.
    public var completeness: Int
    /// The options not withdrawn.
    public var options: [AuditOptionFacts]
    /// The instrument responses not withdrawn.
    public var instruments: [AuditInstrumentFacts]

    /// `true` when both roles are A–E letters; then ``roleConcordant`` says whether their groups match.
    public var roleConcordant: Bool? {
        guard let preferredRole, let experiencedRole,
            ControlPreferences.group(preferredRole) != nil, ControlPreferences.group(experiencedRole) != nil
        else { return nil }
        return ControlPreferences.concordant(preferred: preferredRole, experienced: experiencedRole)
    }

    /// Days from the tumour board meeting to the decision; `nil` unless both dates are known.
    public var daysRCPToDecision: Int? {
        guard let rcpDate, let decisionDate else { return nil }
        return decisionDate.daysSinceEpoch - rcpDate.daysSinceEpoch
    }

    /// What stands for the patient in the audit's pseudonym: the INS with its OID; without INS,
    /// the IPP with its root; without either, the session (never grouped with another).
    static func patientKey(_ c: Consultation) -> String {
        if let ins = c.start.patient.ins { return "\(c.start.patient.insOID ?? KnownOID.insNIR):\(ins.uppercased())" }
        if let ipp = c.start.ipp { return "IPP:\(ipp.root):\(ipp.extension_ ?? "")" }
        return "session:\(c.id.number)"
    }

    /// The facts of `consultation` as it is now.
    public init(_ consultation: Consultation) {
        let c = consultation
        sessionNumber = c.id.number
        pseudonymInput = Self.patientKey(c)
        clinicianID = c.start.clinicianID
        organisationFINESS = c.start.organisationFINESS
        topicGroup = Self.topicGroup(template: c.start.template)
        startMonth = String(UTCInstant.format(c.startedAt).prefix(7))
        closed = c.status == .closed
        closedAt = c.closedAt.map(UTCInstant.format)
        closedDay = closedAt.map { String($0.prefix(10)) }
        closedMonth = closedAt.map { String($0.prefix(7)) }
        patientPresent = c.patient.present
        relativePresent = c.participants.contains {
            !$0.withdrawn && [.relative, .trustedPerson, .carer].contains($0.role)
        }
        preferencesCount = c.preferences.filter { !$0.withdrawn }.count
        let options = c.options.filter { !$0.withdrawn }
        surveillanceDiscussed = options.contains { $0.kind == .activeSurveillance || $0.kind == .noTreatment }
        surveillanceApplicable = c.start.surveillanceNotReasonable == nil
        trialOffered = options.contains { $0.kind == .clinicalTrial } || c.process.trialOffered == true
        preferredRole = c.preferredRole?.uppercased()
        experiencedRole = c.experiencedRole?.uppercased()
        let responses = c.instruments.filter { !$0.withdrawn }
        let collaborate = responses.last { $0.instrument == .collaborate && $0.score.complete && $0.score.score != nil }
        collaborateMean = collaborate?.score.score
        collaborateTop = collaborate.map { $0.score.flags.contains(InstrumentScore.topScoreFlag) }
        sdmQ9Score = responses.last { $0.instrument == .sdmQ9 && $0.score.score != nil }?.score.score
        option5Score = responses.last { $0.instrument == .option5 && $0.score.score != nil }?.score.score
        surePositive = responses.last { $0.instrument == .sure && $0.score.score != nil }
            .map { $0.score.flags.contains(InstrumentScore.decisionalConflictFlag) }
        decisionOutcome = c.decision?.outcome.name ?? "none"
        rcpDate = c.start.rcp?.meetingDate
        decisionDate = c.decision.map { CalendarDate(utcDayOf: $0.recordedAt) }
        completeness = c.completeness.percent
        self.options = options.map {
            AuditOptionFacts(number: $0.number, kind: $0.kind, originKind: AuditOptionFacts.originKind($0.origin))
        }
        instruments = responses.map {
            AuditInstrumentFacts(
                entryNumber: Int($0.entry.rawValue.dropFirst()) ?? 0, instrument: $0.instrument.rawValue, version: $0.version,
                respondent: $0.respondent.rawValue, score: $0.score.score, flags: $0.score.flags, complete: $0.score.complete,
                followUp: $0.followUp, recordedMonth: String(UTCInstant.format($0.recordedAt).prefix(7)))
        }
    }

    /// The topic group of a session: the template id without its version (`ID@VERSION` → `ID`),
    /// or `no-template`. The topic typed by the clinician is free text and never used.
    public static func topicGroup(template: String?) -> String {
        guard let template, let id = template.split(separator: "@").first, !id.isEmpty else { return noTemplateGroup }
        return String(id)
    }
}

/// One option of a session as the audit keeps it: no label, no benefits or harms text.
public struct AuditOptionFacts: Sendable, Hashable {
    /// The option's number in the session.
    public var number: Int
    /// Its kind.
    public var kind: OptionKind
    /// `rcp`, `template`, `patient` or `typed`.
    public var originKind: String

    /// The kind of an option's origin: `rcp`, `template` (`template:ID@VERSION`), `patient`, or
    /// `typed` when the clinician typed it.
    public static func originKind(_ origin: String?) -> String { EntryOrigin(origin).kindName }
}

/// One instrument response as the audit keeps it: scores and flags, not the raw answers.
public struct AuditInstrumentFacts: Sendable, Hashable {
    /// The number of its entry (`I3` → 3).
    public var entryNumber: Int
    /// The instrument id (`sdm-q-9`).
    public var instrument: String
    /// The version of its rules.
    public var version: String
    /// `patient`, `clinician` or `observer`.
    public var respondent: String
    /// The score, when the rule gives one.
    public var score: Double?
    /// The flags, sorted.
    public var flags: [String]
    /// Whether every item was answered.
    public var complete: Bool
    /// Whether it was recorded after closing.
    public var followUp: Bool
    /// The UTC month it was recorded, `YYYY-MM`.
    public var recordedMonth: String
}

extension CalendarDate {
    /// Days since 1970-01-01 (proleptic Gregorian), for differences between dates.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
