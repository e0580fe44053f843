import AccordCore
import AccordStore
import AccordXML
import Foundation

/// A session just started: its id, and what the user should check (a FINESS whose key fails,
/// the INS against its traits and against other sessions of the same INS), in order.
public struct StartedSession: Sendable, Hashable {
    /// The new session.
    public var id: SessionID
    /// Warnings, one sentence each, naming fields and sessions, never values.
    public var warnings: [String]
}

extension AccordService {
    // MARK: - Starting a session

    /// Starts a session from typed values (and the changes a template adds), in one
    /// transaction.
    ///
    /// - Parameters:
    ///   - start: the patient, the clinician, the topic…
    ///   - changes: changes recorded with the start (a template's options), in order.
    ///   - author: who records it (IdNat_PS); `nil`: the clinician.
    ///   - finessField: how the interface names the organisation's FINESS in a warning.
    /// - Returns: the session and the warnings to show.
    /// - Throws: `AccordError` naming the option that fails (`invalidInput`), `busy`, `io`;
    ///   nothing is recorded then.
    public func start(
        _ start: SessionStart, changes: [Change] = [], author: String?, finessField: String = "--organisation-finess"
    ) throws -> StartedSession {
        var start = start
        try placeAtCentre(&start, field: finessField)
        let id = try store.importConsultation(start: start, changes: changes, author: author)
        var warnings = Self.finessWarnings(start.organisationFINESS, field: finessField)
        warnings += identityWarnings(session: id, identity: start.patient)
        return StartedSession(id: id, warnings: warnings)
    }

    /// Records a whole consultation described in a consultation file (YAML,
    /// AccordCore's `ConsultationFile`) in one transaction.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - author: who records (IdNat_PS), or `nil`: the session's clinician.
    /// - Throws: `AccordError` (`invalidInput`) naming the file's key (`patient.ins`) and line;
    ///   (`io`) when the file cannot be read; nothing is recorded then.
    public func importConsultationFile(at path: String, author: String?) throws -> StartedSession {
        var outcome: Result<StartedSession, AccordError>?
        try importConsultationFiles(at: [path], author: author) { outcome = $0[0].outcome }
        return try outcome!.get()
    }

    /// What a session started from an RCP report takes from the interface.
    public struct RCPStart: Sendable {
        /// The clinician leading the consultation (IdNat_PS).
        public var clinicianID: String
        /// The clinician's name.
        public var clinicianName: String
        /// The clinician's function, when given.
        public var clinicianFunction: String?
        /// The decision to make; `nil`: after the RCP of its date.
        public var topic: String?
        /// The FINESS where the consultation takes place; `nil`: the report's or the centre's.
        public var organisationFINESS: String?
        /// Whether the patient attends.
        public var patientPresent: Bool
        /// A decision template whose options are added after the board's.
        public var template: DecisionTemplate?
        /// The clinician's name in parts and specialty (JDV_J01), when typed.
        public var clinicianDetails: PersonDetails?

        /// What the interface typed beside the report.
        public init(
            clinicianID: String, clinicianName: String, clinicianFunction: String? = nil, topic: String? = nil,
            organisationFINESS: String? = nil, patientPresent: Bool = true, template: DecisionTemplate? = nil,
            clinicianDetails: PersonDetails? = nil
        ) {
            self.clinicianDetails = clinicianDetails
            self.clinicianID = clinicianID
            self.clinicianName = clinicianName
            self.clinicianFunction = clinicianFunction
            self.topic = topic
            self.organisationFINESS = organisationFINESS
            self.patientPresent = patientPresent
            self.template = template
        }
    }

    /// Starts a session from an RCP report (FRCP): the patient, IPP, diagnosis and the board's
    /// options, in one transaction. The report's own warnings come first among the warnings.
    ///
    /// - Parameters:
    ///   - report: the report, read with ``RCPReportFile/read(path:field:)`` (before the
    ///     database is opened, so that a file that is not a report creates nothing).
    ///   - ownFields: the options still typed with a report: errors about them keep their name;
    ///     others are renamed after the report's element.
    ///   - typed: the values typed with the report (``AccordService/RCPStart``).
    ///   - author: who records (IdNat_PS), or `nil`: the session's clinician.
    /// - Throws: `AccordError` about a value of the report (named by its element); nothing is
    ///   recorded then.
    public func startFromRCP(
        _ report: RCPReport, _ typed: RCPStart, author: String?, ownFields: Set<String>
    ) throws -> StartedSession {
        var (start, changes) = report.sessionStart(clinicianID: typed.clinicianID, clinicianName: typed.clinicianName, topic: typed.topic)
        if let template = typed.template { changes += template.apply(to: &start) }
        start.patientPresent = typed.patientPresent
        start.clinicianFunction = typed.clinicianFunction
        if let details = typed.clinicianDetails { start.clinicianDetails = details }
        if let finess = typed.organisationFINESS {
            start.organisationFINESS = finess.uppercased()
            start.organisationName = nil
            start.facility = nil
            try placeAtCentre(&start, field: "--organisation-finess")
        }
        let id: SessionID
        do {
            id = try store.importConsultation(start: start, changes: changes, author: author)
        } catch let error as AccordError where error.field != nil && !ownFields.contains(error.field!) {
            throw RCPReportFile.fromReport(error)
        }
        var warnings = report.warnings
        // The report names the trusted person; whether they attend is the consultation's fact.
        let others = changes.filter {
            if case .participantAdded(let role, _, _, _, _) = $0 { return role != .patient } else { return false }
        }
        if let index = others.lastIndex(where: {
            if case .participantAdded(.trustedPerson, _, _, _, _) = $0 { return true } else { return false }
        }) {
            let entry = "P\(index + 3)"
            warnings.append(
                "the report's trusted person is recorded as participant \(entry), taking part in the consultation; if they do not attend, withdraw the entry: accord entry withdraw \(id) \(entry)."
            )
        }
        if typed.organisationFINESS != nil { warnings += Self.finessWarnings(start.organisationFINESS, field: "--organisation-finess") }
        warnings += identityWarnings(session: id, identity: start.patient)
        return StartedSession(id: id, warnings: warnings)
    }

    /// Checks that a typed organisation FINESS names the centre or one of its declared sites
    /// (`accord centre site add`), and records a site's name and facility code (JDV_J02) with
    /// it, so the session's documents carry the site's own code. Nothing to do without one.
    ///
    /// The settings are read before the session's transaction: sites are only ever added
    /// (`centre set` keeps them), so a site found here is still declared when the session is
    /// recorded.
    /// - Throws: `AccordError` (`invalidInput`) naming `field` (a FINESS is an organisation's
    ///   identifier and may be shown).
    /// Places `start` at the centre or at one of its declared sites (`centre`: the centre's
    /// settings when already read).
    func placeAtCentre(_ start: inout SessionStart, field: String, centre: CentreSettings? = nil) throws {
        guard let finess = start.organisationFINESS?.uppercased() else { return }
        try FieldRules.finess(finess, field)
        let centre = try centre ?? store.centreSettings() ?? .example
        guard let organisation = centre.organisation(finess: finess) else {
            let sites = (centre.sites ?? []).map(\.finess)
            throw AccordError.invalid(
                field, "names neither the centre nor one of its declared sites",
                accepted: "the centre's FINESS (\(centre.finess))"
                    + (sites.isEmpty ? "" : " or a declared site's (\(sites.joined(separator: ", ")))")
                    + "; declare a site with `accord centre site add`")
        }
        start.organisationFINESS = finess
        if finess == centre.finess {
            start.organisationName = nil
            start.facility = nil
        } else {
            start.organisationName = organisation.name
            start.facility = organisation.facility
        }
    }

    /// Declares one of the centre's own sites: a new centre-settings event holding the current
    /// settings with the site added (so the centre seal and `accord verify` cover it as any
    /// settings change).
    /// - Throws: `AccordError` (`invalidInput`) naming the `accord centre site add` option
    ///   (`--finess` when the FINESS is the centre's or a declared site's), or saying that the
    ///   centre's settings must be set first; `busy`.
    public func addCentreSite(_ site: CentreSite, author: String) throws -> CentreSettings {
        guard var settings = try store.centreSettings() else {
            throw AccordError(
                .invalidInput, "the centre's settings are not set; set them first with `accord centre set`, then declare its sites.")
        }
        try site.validate()
        settings.sites = (settings.sites ?? []) + [site]
        try store.setCentreSettings(settings, author: author)
        return settings
    }

    /// The warning for a FINESS number whose check key fails (kept: some real numbers fail
    /// it), or none.
    static func finessWarnings(_ finess: String?, field: String) -> [String] {
        finess.flatMap(IdentifierCheck.finessKeyWarning).map { ["\(field): \($0)."] } ?? []
    }

    /// The identity warnings of a session: the INS against its own traits
    /// (`IdentityCrossCheck`), then against the traits the same INS has in other
    /// sessions (identity vigilance); with `earlierOnly`, only sessions numbered before `id`
    /// (a bulk import warns each file about the files before it, as if imported one by one).
    public func identityWarnings(session id: SessionID, identity: INSIdentity, earlierOnly: Bool = false) -> [String] {
        identityWarnings([(id, identity)], earlierOnly: earlierOnly)[0]
    }

    /// ``identityWarnings(session:identity:earlierOnly:)`` of each session, in the order given,
    /// the other sessions of their INS read at once (a bulk import's batch).
    func identityWarnings(_ sessions: [(id: SessionID, identity: INSIdentity)], earlierOnly: Bool) -> [[String]] {
        let discrepancies = Result { try store.identityDiscrepancies(of: sessions.map(\.id)) }
        return sessions.enumerated().map { index, session in
            var warnings = IdentityCrossCheck.warnings(session.identity)
            switch discrepancies {
            case .success(let all):
                warnings += all[index].filter { !earlierOnly || $0.session < session.id }.map(\.warning)
            case .failure(let error):
                warnings.append("the patient's identity could not be compared with other sessions of the same INS (\(error)).")
            }
            return warnings
        }
    }

    // MARK: - Recording

    /// Records one change in a session (an amendment, with a reason, once closed).
    /// - Parameter seenEvents: when given, the change is recorded only if the session still
    ///   holds that many events (``AccordCore/Consultation/eventCount``): the count of the page
    ///   the change was typed on, so that a form sent twice, or after another change, records
    ///   nothing. Checked in the transaction that records.
    /// - Throws: ``changedSinceShown(_:)`` (`conflict`, field `seen`) when the session no
    ///   longer holds `seenEvents` events; what
    ///   ``AccordStore/EventStore/record(_:in:author:reason:precondition:)`` throws; nothing is
    ///   recorded then.
    @discardableResult
    public func record(
        _ change: Change, in session: SessionID, author: String?, reason: String? = nil, seenEvents: Int? = nil
    ) throws
        -> Consultation
    {
        try store.record(change, in: session, author: author, reason: reason, precondition: seenEvents.map(Self.unchanged(since:)))
    }

    /// Closes a session; with `requireComplete`, only when its record misses no required
    /// element — checked and closed in one transaction; with `seenEvents`, only when the session
    /// still holds that many events (as ``record(_:in:author:reason:seenEvents:)``).
    ///
    /// - Throws: `AccordError` (`conflict`) naming how many elements miss (they are in
    ///   ``IncompleteRecord``'s `missing`); ``changedSinceShown(_:)``; what recording throws.
    public func close(_ session: SessionID, author: String?, requireComplete: Bool, seenEvents: Int? = nil) throws -> Consultation {
        try store.record(.sessionClosed, in: session, author: author, reason: nil) { consultation in
            if let seenEvents { try Self.unchanged(since: seenEvents)(consultation) }
            let missing = consultation.completeness.missing
            if requireComplete && !missing.isEmpty { throw IncompleteRecord(session: session, missing: missing) }
        }
    }

    /// The error of a change typed on a page shown before the session's last event: another
    /// change was recorded meanwhile, or the same form was sent twice (a double click). Names
    /// the session and the field `seen`, nothing typed.
    public static func changedSinceShown(_ session: SessionID) -> AccordError {
        AccordError(
            .conflict,
            "session \(session) changed since the page was shown (a change was recorded meanwhile, or the form was sent twice); "
                + "nothing was recorded. Check the page, then send the form again if the change is still needed.",
            field: "seen")
    }

    /// A precondition: the session holds `seenEvents` events.
    private static func unchanged(since seenEvents: Int) -> (Consultation) throws -> Void {
        { consultation in
            if consultation.eventCount != seenEvents { throw changedSinceShown(consultation.id) }
        }
    }

    /// A session as its events make it.
    /// - Throws: `AccordError` (`notFound`) for an unknown session.
    public func consultation(_ id: SessionID) throws -> Consultation { try store.consultation(id) }

    /// The sessions `query` selects, newest first (``SessionQuery``).
    public func sessions(matching query: SessionQuery) throws -> [SessionSummary] { try store.sessions(matching: query) }

    /// The sessions of the patients of that name, newest first, at most `limit`
    /// (``AccordStore/EventStore/sessions(ofPatientNamed:givenName:limit:)``).
    public func sessions(ofPatientNamed familyName: String, givenName: String?, limit: Int) throws -> [SessionSummary] {
        try store.sessions(ofPatientNamed: familyName, givenName: givenName, limit: limit)
    }

    /// A session's events in order (for its history).
    public func events(of id: SessionID) throws -> [RecordedEvent] { try store.events(of: id) }

    /// Recomputes the event chain; `head` is a head noted earlier that the chain must still hold.
    public func verify(head: ChainHead? = nil) throws -> ChainVerification { try store.verify(head: head) }

    /// The centre's settings, or `nil` before any were set.
    public func centreSettings() throws -> CentreSettings? { try store.centreSettings() }

    /// Replaces the centre's settings (an event).
    public func setCentreSettings(_ settings: CentreSettings, author: String) throws {
        try store.setCentreSettings(settings, author: author)
    }
}

/// A session closed with `--require-complete` whose record misses required elements: nothing
/// was recorded.
public struct IncompleteRecord: Error, Sendable {
    /// The session.
    public var session: SessionID
    /// The elements missing.
    public var missing: [RecordElement]

    /// The error an interface reports (exit 1).
    public var error: AccordError {
        AccordError(
            .conflict,
            "session \(session) misses \(missing.count) required element(s) and was not closed; record them, or close without --require-complete."
        )
    }
}
