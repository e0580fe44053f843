import AccordCore
import Foundation
import GRDB

/// Another session of the same INS whose identity traits differ (identity vigilance).
public struct IdentityDiscrepancy: Sendable, Hashable {
    /// The other session.
    public var session: SessionID
    /// The traits that differ, by name (`birth date`, `sex`…), never their values.
    public var traits: [String]

    public init(session: SessionID, traits: [String]) {
        self.session = session
        self.traits = traits
    }

    /// The traits compared, in order, with how each is read from an identity. Names are
    /// compared without regard to case; a missing first given name matches any.
    static let comparisons: [(name: String, value: @Sendable (INSIdentity) -> String?)] = [
        ("birth family name", { $0.birthFamilyName.uppercased() }),
        ("birth given names", { $0.birthGivenNames.uppercased() }),
        ("first birth given name", { $0.firstBirthGivenName.isEmpty ? nil : $0.firstBirthGivenName.uppercased() }),
        ("birth date", { $0.birthDate.description }),
        ("sex", { $0.sex.rawValue }),
        ("birthplace", { $0.birthplaceCode.uppercased() }),
    ]

    /// The traits of `identity` that differ from `other`'s.
    public static func differingTraits(_ identity: INSIdentity, _ other: INSIdentity) -> [String] {
        comparisons.compactMap { comparison in
            guard let mine = comparison.value(identity), let theirs = comparison.value(other) else { return nil }
            return mine == theirs ? nil : comparison.name
        }
    }

    /// The discrepancy of session `id` (its `events`, folded: its identity as it is now, its
    /// corrections applied) with `identity`; `nil` when the traits agree or the events do not fold.
    package init?(_ identity: INSIdentity, session id: SessionID, events: [RecordedEvent]) {
        guard !events.isEmpty, let other = try? Consultation(events: events) else { return nil }
        let traits = Self.differingTraits(identity, other.start.patient)
        if traits.isEmpty { return nil }
        self.init(session: id, traits: traits)
    }

    /// The warning printed for it: the session and the traits' names, no value.
    public var warning: String {
        "the same INS is recorded in session \(session) with other identity traits (\(traits.joined(separator: ", "))); check the patient's identity (identity vigilance) before going on."
    }
}

extension ConsultationStore {
    /// The earlier sessions of the same patient (same INS and INS OID) whose identity traits, as
    /// corrected, differ from those of session `id`: one INS must always come with the same traits (INS
    /// referential: birth names, birth date, sex, birthplace), so a difference means a typing
    /// error or a wrong patient.
    ///
    /// Found through the audit's patient pseudonym (indexed), at most the 20 latest sessions.
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`io`) when the database
    ///   fails or the chain key is missing.
    public func identityDiscrepancies(of id: SessionID) throws -> [IdentityDiscrepancy] {
        try read { db in try Self.identityDiscrepancies(of: id, db) }
    }

    /// The discrepancies of each session, as `identityDiscrepancies(of:)` gives them, in one
    /// read: a bulk import asks for each batch's new sessions at once (a read of its own for
    /// each session, with its transaction and its statements prepared again, took about a
    /// tenth of the import's CPU).
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`io`) when the database fails.
    public func identityDiscrepancies(of ids: [SessionID]) throws -> [[IdentityDiscrepancy]] {
        if ids.isEmpty { return [] }
        return try read { db in try ids.map { try Self.identityDiscrepancies(of: $0, db) } }
    }

    /// The discrepancies of session `id`, read with `db`'s kept statements.
    private static func identityDiscrepancies(of id: SessionID, _ db: Database) throws -> [IdentityDiscrepancy] {
        guard
            let pseudonym = try String.fetchOne(
                db.cachedStatement(sql: "SELECT patient_pseudonym FROM audit_session WHERE session_number = ?"), arguments: [id.number])
        else {
            _ = try EventRecorder.identity(of: id, db)  // `notFound` for an unknown session
            return []
        }
        let others = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT session_number FROM audit_session WHERE patient_pseudonym = ? AND session_number != ?
                    ORDER BY session_number DESC LIMIT 20
                    """),
            arguments: [pseudonym, id.number])
        // The session's identity is read only when another session shares its patient.
        if others.isEmpty { return [] }
        let identity = try EventRecorder.identity(of: id, db)
        // Without INS there is no national identifier to compare sessions by.
        guard identity.ins != nil else { return [] }
        return try others.reversed().compactMap { number in
            let id = SessionID(number: number)
            return IdentityDiscrepancy(identity, session: id, events: try EventRecorder.events(of: id, db))
        }
    }
}
