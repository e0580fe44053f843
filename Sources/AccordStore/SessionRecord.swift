import AccordCore
import Foundation
import GRDB

/// A row of the SQLite `session` table: the summary of one session that `session list` reads
/// by index (migrations `v1` and `v5`). A cache, rewritten from the session's events.
package struct SessionRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "session"

    package var number: Int64
    /// `open` or `closed`.
    package var status: String
    /// RFC 3339 UTC instant.
    package var startedAt: String
    package var closedAt: String?
    package var eventCount: Int
    package var topic: String
    /// 0–100, once closed.
    package var completeness: Int?
    package var patientINS: String?
    /// The IPP's extension, and its root.
    package var ipp: String?
    package var ippRoot: String?
    package var clinicianID: String?
    package var birthFamilyName: String?
    package var firstGivenName: String?
    /// `YYYY-MM-DD`.
    package var birthDate: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case number, status, startedAt = "started_at", closedAt = "closed_at", eventCount = "event_count", topic, completeness
        case patientINS = "patient_ins", ipp, ippRoot = "ipp_root", clinicianID = "clinician_id", birthFamilyName = "birth_family_name"
        case firstGivenName = "first_given_name", birthDate = "birth_date"
    }

    /// The columns, for queries.
    package enum Columns {
        package static let number = Column(CodingKeys.number)
        package static let status = Column(CodingKeys.status)
        package static let startedAt = Column(CodingKeys.startedAt)
        package static let closedAt = Column(CodingKeys.closedAt)
        package static let eventCount = Column(CodingKeys.eventCount)
        package static let completeness = Column(CodingKeys.completeness)
        package static let patientINS = Column(CodingKeys.patientINS)
        package static let ipp = Column(CodingKeys.ipp)
        package static let clinicianID = Column(CodingKeys.clinicianID)
    }

    /// The columns of the `session` table, in order.
    package static let columns = CodingKeys.allCases.map(\.rawValue)

    /// Binds the row's values, in the order of ``columns``, to a kept statement's parameters.
    func bind(_ values: inout Bindings) {
        values.integer(number)
        values.text(status)
        values.text(startedAt)
        values.text(closedAt)
        values.integer(eventCount)
        values.text(topic)
        values.integer(completeness)
        values.text(patientINS)
        values.text(ipp)
        values.text(ippRoot)
        values.text(clinicianID)
        values.text(birthFamilyName)
        values.text(firstGivenName)
        values.text(birthDate)
    }

    /// A row read column by column (another backend's row).
    /// - Parameters:
    ///   - integer: the integer column named, `nil` for NULL.
    ///   - text: the text column named, `nil` for NULL.
    package init(integer: (String) throws -> Int64?, text: (String) throws -> String?) throws {
        number = try integer("number") ?? 0
        status = try text("status") ?? ""
        startedAt = try text("started_at") ?? ""
        closedAt = try text("closed_at")
        eventCount = Int(try integer("event_count") ?? 0)
        topic = try text("topic") ?? ""
        completeness = try integer("completeness").map(Int.init)
        patientINS = try text("patient_ins")
        ipp = try text("ipp")
        ippRoot = try text("ipp_root")
        clinicianID = try text("clinician_id")
        birthFamilyName = try text("birth_family_name")
        firstGivenName = try text("first_given_name")
        birthDate = try text("birth_date")
    }

    /// The row of a session as `consultation` (folded from its `eventCount` events) makes it.
    package init(_ consultation: Consultation, eventCount: Int) {
        self.init(session: consultation.id, startedAt: consultation.startedAt, start: consultation.start)
        status = consultation.status.rawValue
        closedAt = consultation.closedAt.map(UTCInstant.format)
        self.eventCount = eventCount
        completeness = consultation.status == .closed ? consultation.completeness.percent : nil
    }

    /// The row of a session just started as `start` at `startedAt`, before its first event.
    package init(session id: SessionID, startedAt: Date, start: SessionStart) {
        number = id.number
        status = "open"
        self.startedAt = UTCInstant.format(startedAt)
        eventCount = 0
        topic = start.topic
        patientINS = start.patient.ins
        ipp = start.ipp?.extension_
        ippRoot = start.ipp?.root
        clinicianID = start.clinicianID
        birthFamilyName = start.patient.birthFamilyName
        firstGivenName = start.patient.firstBirthGivenName
        birthDate = start.patient.birthDate.description
    }
}
