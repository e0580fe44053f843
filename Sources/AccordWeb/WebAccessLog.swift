import AccordCore
import AccordPostgres
import AccordService
import AccordStore
import Foundation
import Logging

extension WebServer {
    /// Notes in the access log, in one transaction, that the clinician `idnatPS` read each of
    /// `sessions` on `page`, at the server's instant ``now`` (nothing for an empty list).
    /// - Throws: `AccordError` (`busy`, `io`) when the log cannot be written: the page is not
    ///   shown then.
    func logReads(of sessions: [SessionID], by idnatPS: String, page: String) throws {
        do {
            try accounts.accessLog.record(sessions: sessions, by: idnatPS, page: page, at: now())
        } catch {
            logger.error("access log not written; page refused")
            throw error
        }
    }
}

/// The access audit of `accord audit access`: how many times patients' records were read
/// through the web, by clinician and by session, from a database opened read-only.
///
/// Only the web interface logs reads (``WebServer``, every page showing a record, and the list
/// of today's sessions for each session it lists); the command line's reads are not logged.
public struct WebAccessAudit: Sendable {
    /// The access log read.
    public let log: AccessLogStore

    /// The audit of `log`.
    public init(log: AccessLogStore) { self.log = log }

    /// Opens an existing database to read its access log: no write lock, nothing created; a
    /// `postgres://` URL opens a PostgreSQL database made by `accord db init`.
    /// - Throws: `AccordError` (`notFound`) when there is no database at `path`; (`io`) as
    ///   ``AccordStore/ConsultationStore/openReadOnly(path:clock:keyFile:logger:notice:)`` or
    ///   `AccordPostgres.PostgresEventStore.open(url:clock:keyFile:busyTimeout:logger:)`.
    public static func openReadOnly(
        path: String, clock: AccordClock, keyFile: String?, logger: Logger, notice: (String) -> Void = { _ in }
    ) throws -> WebAccessAudit {
        if PostgresLocation.isURL(path) {
            return WebAccessAudit(log: try PostgresEventStore.open(url: path, clock: clock, keyFile: keyFile, logger: logger).accessLog)
        }
        let store = try ConsultationStore.openReadOnly(path: path, clock: clock, keyFile: keyFile, logger: logger, notice: notice)
        return WebAccessAudit(log: store.accessLog)
    }

    /// Counts the reads of the given UTC days (inclusive), session and clinician; `nil` leaves
    /// a criterion out.
    /// - Throws: `AccordError` (`invalidInput`) naming `--until` when it is before `--since`, or
    ///   `--by` when it is no IdNat_PS; `busy`, `io`.
    public func report(
        since: CalendarDate? = nil, until: CalendarDate? = nil, session: SessionID? = nil, by idnatPS: String? = nil
    ) throws -> WebAccessReport {
        if let since, let until, until < since {
            throw AccordError.invalid("--until", "is before --since", accepted: "a last day on or after the first")
        }
        if let idnatPS { try FieldRules.idNatPS(idnatPS, "--by") }
        let filter = AccessLogFilter(since: since, until: until, session: session, idnatPS: idnatPS)
        return WebAccessReport(filter: filter, counts: try log.counts(filter))
    }
}

/// What `accord audit access` prints: the filter, the reads in total, by clinician and by
/// session.
public struct WebAccessReport: Sendable, Hashable {
    /// The reads counted.
    public var filter: AccessLogFilter
    /// The counts.
    public var counts: AccessLogCounts

    /// The period as a sentence's end: `from 2026-03-01 to 2026-03-31 (UTC days)`, `all days`.
    var period: String {
        switch (filter.since, filter.until) {
        case (nil, nil): "all days"
        case (let since?, nil): "from \(since) (UTC days)"
        case (nil, let until?): "until \(until) (UTC days)"
        case (let since?, let until?): "from \(since) to \(until) (UTC days)"
        }
    }

    /// The aligned text form: a heading line, the total, then a table by clinician and a table
    /// by session (each absent when there is no read).
    public func table() -> String {
        var criteria = [period]
        if let session = filter.session { criteria.append("session \(session)") }
        if let idnatPS = filter.idnatPS { criteria.append("by \(idnatPS)") }
        var parts = [
            "Reads of patients' records through the web, \(criteria.joined(separator: ", ")); command-line reads are not logged.",
            "Total: \(counts.total)",
        ]
        if !counts.byClinician.isEmpty {
            parts.append(
                AuditText.table(
                    ["clinician", "reads"], counts.byClinician.map { [TerminalText.visible($0.idnatPS, keeping: []), String($0.reads)] }))
        }
        if !counts.bySession.isEmpty {
            parts.append(AuditText.table(["session", "reads"], counts.bySession.map { [$0.session.description, String($0.reads)] }))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The JSON form: `{"by_clinician": [{"idnat_ps", "reads"}], "by_session": [{"reads",
    /// "session"}], "since", "until", "session", "by" (absent when not given), "total"}`, keys
    /// sorted, pretty-printed.
    public func json() throws -> String {
        struct Clinician: Encodable {
            var idnat_ps: String
            var reads: Int
        }
        struct Session: Encodable {
            var session: String
            var reads: Int
        }
        struct Shape: Encodable {
            var since: String?
            var until: String?
            var session: String?
            var by: String?
            var total: Int
            var by_clinician: [Clinician]
            var by_session: [Session]
        }
        let shape = Shape(
            since: filter.since?.description, until: filter.until?.description, session: filter.session?.description,
            by: filter.idnatPS, total: counts.total,
            by_clinician: counts.byClinician.map { Clinician(idnat_ps: $0.idnatPS, reads: $0.reads) },
            by_session: counts.bySession.map { Session(session: $0.session.description, reads: $0.reads) })
        return String(decoding: try AccordJSON.encoder(pretty: true).encode(shape), as: UTF8.self)
    }
}
