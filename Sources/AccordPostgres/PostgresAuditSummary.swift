import AccordCore
import AccordStore
import Foundation

/// The audit's summary tables on PostgreSQL (`audit_session`, `audit_option`,
/// `audit_instrument`) and the participation cells that follow `audit_session`, rewritten
/// from the session's state in the transaction of every session event, as
/// ``AccordStore/AuditSummary`` does on SQLite.
enum PostgresAuditSummary {
    static func refresh(_ consultation: Consultation, link: PostgresLink, key: ChainKey) throws {
    }
}
