import AccordCore
import AccordStore
import Foundation

// The queries of the summary tables and the audit: session lists, identity vigilance,
// document versions, batch selection, research objections, participation.
extension PostgresEventStore {
    public func sessions(matching query: SessionQuery) throws -> [SessionSummary] {
        throw Self.notYet("session list")
    }

    public func sessions(ofPatientNamed familyName: String, givenName: String?, limit: Int) throws -> [SessionSummary] {
        throw Self.notYet("patient search")
    }

    public func identityDiscrepancies(of id: SessionID) throws -> [IdentityDiscrepancy] {
        throw Self.notYet("identity vigilance")
    }

    public func documentVersion(for consultation: Consultation, profile: String) throws -> DocumentVersion {
        throw Self.notYet("export")
    }

    public func closedSessionCount(closedFrom: CalendarDate?, through: CalendarDate?) throws -> Int {
        throw Self.notYet("batch export")
    }

    public func closedSessions(closedFrom: CalendarDate?, through: CalendarDate?, after: SessionID?, limit: Int) throws -> [SessionID] {
        throw Self.notYet("batch export")
    }

    public func researchObjections() throws -> Set<String> {
        throw Self.notYet("research export")
    }

    public func participation(
        from: CalendarDate?, to: CalendarDate?, by grouping: AuditGrouping, suppression: Bool
    ) throws -> ParticipationReport {
        throw Self.notYet("participation audit")
    }

    static func notYet(_ what: String) -> AccordError {
        AccordError(.io, "\(what) is not available on PostgreSQL in this version of Accord.")
    }
}
