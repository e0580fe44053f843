import AccordCore
import AccordStore
import Foundation

/// Another store's stand-in: every call forwarded to `base` through ``AccordStore/EventStore``
/// alone, so that a test sees whether a use case needs anything of SQLite (it is not a
/// ``AccordStore/ConsultationStore``).
public struct ProtocolOnlyStore: EventStore {
    /// The store the calls go to.
    public let base: any EventStore

    /// A stand-in forwarding to `base`.
    public init(_ base: any EventStore) { self.base = base }

    public var keyURL: URL { base.keyURL }

    public func startSession(_ start: SessionStart, author: String?) throws -> SessionID {
        try base.startSession(start, author: author)
    }

    public func record(
        _ change: Change, in session: SessionID, author: String?, reason: String?, precondition: ((Consultation) throws -> Void)?
    ) throws -> Consultation {
        try base.record(change, in: session, author: author, reason: reason, precondition: precondition)
    }

    public func importConsultation(start: SessionStart, changes: [Change], author: String?) throws -> SessionID {
        try base.importConsultation(start: start, changes: changes, author: author)
    }

    public func importConsultations(_ consultations: [ConsultationImport], author: String?) throws -> [Result<SessionID, AccordError>] {
        try base.importConsultations(consultations, author: author)
    }

    public func setCentreSettings(_ settings: CentreSettings, author: String) throws {
        try base.setCentreSettings(settings, author: author)
    }

    public func recordIssues(_ pending: [PendingIssue], author: String?) throws -> [Bool] {
        try base.recordIssues(pending, author: author)
    }

    public func sealSessionsRecordedBefore() throws { try base.sealSessionsRecordedBefore() }

    public func consultation(_ id: SessionID) throws -> Consultation { try base.consultation(id) }

    public func consultationCheckedAgainstChain(_ id: SessionID) throws -> (consultation: Consultation, checked: Bool) {
        try base.consultationCheckedAgainstChain(id)
    }

    public func events(of id: SessionID) throws -> [RecordedEvent] { try base.events(of: id) }

    public func sessions(matching query: SessionQuery) throws -> [SessionSummary] { try base.sessions(matching: query) }

    public func sessions(ofPatientNamed familyName: String, givenName: String?, limit: Int) throws -> [SessionSummary] {
        try base.sessions(ofPatientNamed: familyName, givenName: givenName, limit: limit)
    }

    public func identityDiscrepancies(of id: SessionID) throws -> [IdentityDiscrepancy] { try base.identityDiscrepancies(of: id) }

    public func centreSettings() throws -> CentreSettings? { try base.centreSettings() }

    public func centreSettingsWithSequence() throws -> (settings: CentreSettings, sequence: Int64)? {
        try base.centreSettingsWithSequence()
    }

    public func centreSettings(atSequence sequence: Int64) throws -> CentreSettings { try base.centreSettings(atSequence: sequence) }

    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        try base.documentVersion(for: consultation, profile: profile)
    }

    public func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        try base.closedSessionCount(closedFrom: closedFrom, through: through)
    }

    public func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        try base.closedSessions(closedFrom: closedFrom, through: through, after: after, limit: limit)
    }

    public func readLog(from sequence: Int64, _ body: (EventRecord) throws -> Void) throws { try base.readLog(from: sequence, body) }

    public func chainHead() throws -> ChainHead? { try base.chainHead() }

    public func researchObjections() throws -> Set<String> { try base.researchObjections() }

    public func verify(head: ChainHead?) throws -> ChainVerification { try base.verify(head: head) }

    public func participation(
        from: CalendarDate?, to: CalendarDate?, by grouping: AuditGrouping, suppression: Bool
    ) throws
        -> ParticipationReport
    {
        try base.participation(from: from, to: to, by: grouping, suppression: suppression)
    }
}
