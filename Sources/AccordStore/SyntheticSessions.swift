import AccordCore
import Foundation

/// Invented consultations for measuring the audit at scale; never real data.
///
/// Deterministic: the same seed gives the same sessions. Every session is marked synthetic:
/// its patient is an invented identity on the INS **test** OID (`1.2.250.1.213.1.4.10`) named
/// `SYNTHETIQUE`, its template reference is `synthetic@1` (so its audit topic group is
/// `synthetic`), and its topic says it was generated. The store refuses to generate into a
/// database that holds any other session.
public struct SyntheticSessions: Sendable {
    /// The template reference every synthetic session carries.
    public static let templateReference = "\(AuditFacts.syntheticGroup)@1"
    /// The topic every synthetic session carries.
    public static let topic = "[synthetic] generated session for audit measurements"

    /// One generated session: its start instant, its start, and its changes with their offsets.
    public struct Session: Sendable {
        /// When it starts (UTC instant).
        public var startedAt: Date
        /// The start.
        public var start: SessionStart
        /// The changes in order, each with its offset in seconds after the start.
        public var changes: [(offset: Int, change: Change)]
    }

    private var state: UInt64
    /// The first instant sessions start from.
    public let firstDay: Date
    /// How many days the sessions spread over.
    public let days: Int
    /// Invented clinicians (IdNat_PS with a valid RPPS Luhn key).
    public let clinicians: [String]
    /// Invented organisations (FINESS shape).
    public let organisations = ["750000001", "690000002"]

    /// - Parameters:
    ///   - seed: the seed; the same seed gives the same sessions.
    ///   - firstDay: the first day sessions start (UTC midnight).
    ///   - days: how many days the sessions spread over (365: a year).
    public init(seed: UInt64, firstDay: Date = UTCInstant.parse("2025-01-01T00:00:00Z")!, days: Int = 365) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
        self.firstDay = firstDay
        self.days = max(1, days)
        clinicians = (1...40).map { Self.idNatPS(900_000 + $0) }
    }

    /// The next session, the `index`th (from 0) of `count`: start instants grow with the index.
    public mutating func next(index: Int, of count: Int) -> Session {
        let daySpan = Double(days) * 86_400
        let base = firstDay.addingTimeInterval((daySpan * Double(index) / Double(max(count, 1))).rounded(.down))
        let startedAt = Date(timeIntervalSince1970: (base.timeIntervalSince1970 + Double(int(8 * 3600))).rounded(.down))
        let birthYear = 1940 + int(50)
        let birthMonth = 1 + int(12)
        let female = chance(0.5)
        let identity = INSIdentity(
            ins: Self.nir(female: female, year: birthYear, month: birthMonth, serial: next() % 1_000_000), insOID: KnownOID.insNIRTest,
            birthFamilyName: "SYNTHETIQUE", birthGivenNames: female ? "PATIENTE" : "PATIENT",
            birthDate: CalendarDate("\(birthYear)-\(Self.digits(birthMonth, 2))-15")!, sex: female ? .female : .male,
            birthplaceCode: "75056")
        var start = SessionStart(
            patient: identity, patientPresent: chance(0.9), clinicianID: clinicians[int(clinicians.count)],
            clinicianName: "Clinicien synthétique", organisationFINESS: organisations[int(organisations.count)], topic: Self.topic)
        start.template = Self.templateReference
        start.requiredElements = RecordElement.allCases
        if chance(0.6) {
            let meeting = CalendarDate(utcDayOf: startedAt.addingTimeInterval(-Double(3 + int(25)) * 86_400))
            start.rcp = RCPReference(
                documentID: InstanceIdentifier(root: "2.999.1", extension_: "synthetic-\(index)"), meetingDate: meeting,
                trialProposed: nil)
        }
        if chance(0.1) { start.surveillanceNotReasonable = "synthetic: surveillance not reasonable" }

        var changes: [Change] = []
        if chance(0.4) {
            let roles: [ParticipantRole] = [.relative, .trustedPerson, .carer]
            changes.append(.participantAdded(role: roles[int(3)], name: "Proche synthétique", id: nil, function: nil))
        }
        changes.append(.optionAdded(kind: .treatment, label: "Traitement A", benefits: ["b"], harms: ["h"], trialID: nil, origin: nil))
        var optionCount = 1
        if chance(0.6) {
            changes.append(
                .optionAdded(kind: .activeSurveillance, label: "Surveillance", benefits: ["b"], harms: ["h"], trialID: nil, origin: nil))
            optionCount += 1
        }
        if chance(0.15) {
            changes.append(
                .optionAdded(
                    kind: .clinicalTrial, label: "Essai", benefits: ["b"], harms: ["h"], trialID: "NCT0\(1_000_000 + int(8_000_000))",
                    origin: nil))
            optionCount += 1
        }
        if chance(0.7) { changes.append(.preferenceAdded(text: "préférence synthétique", importance: 1 + int(5))) }
        let letters = ["A", "B", "C", "D", "E"]
        if chance(0.8) { changes.append(Self.instrument(.cpsPreferred, [.letter(letters[int(5)])])) }
        if chance(0.5) { changes.append(Self.instrument(.sdmQ9, (0..<9).map { _ in .value(2 + int(4)) })) }
        if chance(0.6) {
            let top = chance(0.4)
            changes.append(Self.instrument(.collaborate, (0..<3).map { _ in .value(top ? 9 : 4 + int(6)) }))
        }
        if chance(0.4) { changes.append(Self.instrument(.sure, (0..<4).map { _ in chance(0.85) ? .yes : .no })) }
        if chance(0.1) { changes.append(Self.instrument(.option5, (0..<5).map { _ in .value(int(5)) })) }
        let outcome = Double(next() % 1000) / 1000
        if outcome < 0.75 {
            changes.append(.decisionRecorded(outcome: .agreed(option: 1 + int(optionCount)), takenBy: [EntryID("P1"), EntryID("P2")]))
        } else if outcome < 0.95 {
            let nextContact = CalendarDate(utcDayOf: startedAt.addingTimeInterval(14 * 86_400))
            changes.append(.decisionRecorded(outcome: .deferred(nextContact: nextContact), takenBy: [EntryID("P1")]))
        } else {
            changes.append(.decisionRecorded(outcome: .declined, takenBy: [EntryID("P1")]))
        }
        if chance(0.6) { changes.append(Self.instrument(.cpsExperienced, [.letter(letters[int(5)])])) }
        if !start.patientPresent {
            // An absent patient answers through a relative or trusted person (P3), one being
            // added when none takes part: issue 15, "consistent with presence" (a professional
            // never answers for the patient). No draw, so the stream stays the same.
            if !changes.contains(where: { if case .participantAdded = $0 { true } else { false } }) {
                changes.insert(.participantAdded(role: .relative, name: "Proche synthétique", id: nil, function: nil), at: 0)
            }
            let proxy = EntryID("P3")
            changes = changes.map { change in
                switch change {
                case .instrumentRecorded(let id, let version, .patient, let answers, let score, _):
                    .instrumentRecorded(
                        instrument: id, version: version, respondent: .patient, answers: answers, score: score, answeredBy: proxy)
                case .decisionRecorded(let outcome, let takenBy, _) where takenBy.contains(EntryID("P1")):
                    .decisionRecorded(outcome: outcome, takenBy: takenBy, answeredBy: proxy)
                default: change
                }
            }
        }
        if chance(0.97) { changes.append(.sessionClosed) }
        return Session(
            startedAt: startedAt, start: start, changes: changes.enumerated().map { (offset: 60 * ($0.offset + 1), change: $0.element) })
    }

    // MARK: - Invented identifiers

    static func instrument(_ id: InstrumentID, _ answers: [InstrumentAnswer]) -> Change {
        let definition = id.instrument
        // The answers are built within the instrument's ranges: scoring cannot fail.
        let score = try! definition.score(answers)
        return .instrumentRecorded(
            instrument: id, version: definition.version, respondent: definition.defaultRespondent, answers: answers, score: score)
    }

    /// A NIR with a valid key: sex, birth year and month, born in Paris (75), a serial number.
    static func nir(female: Bool, year: Int, month: Int, serial: UInt64) -> String {
        let body = "\(female ? 2 : 1)\(digits(year % 100, 2))\(digits(month, 2))75\(digits(Int(serial), 6))"
        let key = 97 - UInt64(body)! % 97
        return body + digits(Int(key), 2)
    }

    /// `value` (0 or more) in decimal, zero-padded to `width` digits (`String(format:)` went
    /// through Foundation's formatter: 2 % of the generator's CPU).
    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `8` + an 11-digit RPPS whose last digit is its Luhn key.
    static func idNatPS(_ number: Int) -> String {
        let base = String(format: "1%09d", number)
        for digit in 0...9 where IdentifierCheck.luhn(base + String(digit)) { return "8" + base + String(digit) }
        return "8" + base + "0"
    }

    // MARK: - Random numbers (SplitMix64)

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func int(_ below: Int) -> Int { Int(next() % UInt64(below)) }

    private mutating func chance(_ probability: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < probability }
}
