import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// The schema's history. Migrations are never edited once shipped; add new ones. A
    /// database that holds a migration this build does not know was written by a newer Accord
    /// and is refused.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: event log, session summary, document versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE metadata (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE session (
                        number INTEGER PRIMARY KEY,
                        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                        started_at TEXT NOT NULL,
                        closed_at TEXT,
                        event_count INTEGER NOT NULL,
                        topic TEXT NOT NULL,
                        completeness INTEGER
                    );
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY,
                        session_number INTEGER REFERENCES session(number),
                        session_seq INTEGER,
                        recorded_at TEXT NOT NULL,
                        author TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        reason TEXT,
                        chain TEXT NOT NULL,
                        UNIQUE (session_number, session_seq),
                        CHECK ((session_number IS NULL) = (session_seq IS NULL))
                    );
                    CREATE INDEX event_kind ON event(kind, seq);
                    CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    CREATE TABLE document_version (
                        session_number INTEGER NOT NULL REFERENCES session(number),
                        profile TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        last_session_seq INTEGER NOT NULL,
                        exported_at TEXT NOT NULL,
                        PRIMARY KEY (session_number, profile, version)
                    );
                    """)
            try db.execute(sql: "INSERT INTO metadata (key, value) VALUES ('database_id', ?)", arguments: [UUID().uuidString.lowercased()])
        }
        migrator.registerMigration("v2: audit summary") { db in
            // Pseudonymised summary tables and the views `accord audit sql` reads (AuditSummary).
            // Sessions recorded before this migration are summarised on the first audit command.
            try AuditSummary.createSchema(db)
        }
        migrator.registerMigration("v3: audit cells") { db in
            // Pre-aggregated participation counts by month and day (AuditCells), filled from
            // `audit_session` and kept up to date with it from then on.
            try AuditCells.createSchema(db)
            // Sessions of one patient, for identity vigilance (identityDiscrepancies(of:)).
            try db.execute(sql: "CREATE INDEX audit_session_patient ON audit_session(patient_pseudonym)")
            // Every session summarised already (the usual case): say so, so that audit
            // commands need not count the sessions each time (summariseUnsummarisedSessions()).
            try db.execute(
                sql: """
                    INSERT INTO metadata (key, value) SELECT ?, '1'
                    WHERE (SELECT COUNT(*) FROM session) = (SELECT COUNT(*) FROM audit_session)
                    """,
                arguments: [ConsultationStore.summaryCompleteKey])
        }
        migrator.registerMigration("v4: session seals, issued documents") { db in
            // One row per session: how many events it has and its last one, sealed with the
            // chain key (ChainKey.seal), so that a change or an export proves the session's
            // events complete. Sessions recorded before are sealed after a whole-chain check, on
            // the first change or export that finds no seal.
            // The closing events by session, so that a batch export selects closed sessions
            // from the events as well as from the `session` summary.
            try db.execute(
                sql: """
                    CREATE TABLE session_seal (
                        session_number INTEGER PRIMARY KEY,
                        event_count INTEGER NOT NULL,
                        last_seq INTEGER NOT NULL,
                        tag TEXT NOT NULL
                    );
                    CREATE INDEX event_session_closed ON event(session_number, recorded_at) WHERE kind = 'session-closed';
                    """)
            // Versions exported before issued documents were recorded: only sessions up to this
            // number can have them (the `document_version` cache is read for them alone).
            try db.execute(
                sql: """
                    INSERT INTO metadata (key, value)
                    SELECT ?, CAST(MAX(session_number) AS TEXT) FROM document_version HAVING COUNT(*) > 0
                    """,
                arguments: [ConsultationStore.legacyVersionsKey])
            // No session yet: every session will be sealed from its first event.
            try db.execute(
                sql:
                    "INSERT INTO metadata (key, value) SELECT ?, '1' WHERE NOT EXISTS (SELECT 1 FROM event WHERE session_number IS NOT NULL)",
                arguments: [ConsultationStore.sessionsSealedKey])
        }
        migrator.registerMigration("v5: patient columns of the session summary") { db in
            // What `session list` shows of the patient and filters on, so that it reads a few
            // rows by index instead of folding every session. Filled from each session's start
            // event (no earlier Accord records identity corrections).
            try db.execute(
                sql: """
                    ALTER TABLE session ADD COLUMN patient_ins TEXT;
                    ALTER TABLE session ADD COLUMN ipp TEXT;
                    ALTER TABLE session ADD COLUMN ipp_root TEXT;
                    ALTER TABLE session ADD COLUMN clinician_id TEXT;
                    ALTER TABLE session ADD COLUMN birth_family_name TEXT;
                    ALTER TABLE session ADD COLUMN first_given_name TEXT;
                    ALTER TABLE session ADD COLUMN birth_date TEXT;
                    """)
            let update = try db.makeStatement(
                sql:
                    "UPDATE session SET \(EventRecorder.patientColumns.split(separator: ",").map { "\($0) = ?" }.joined(separator: ",")) WHERE number = ?"
            )
            let starts = try Row.fetchCursor(
                db, sql: "SELECT session_number, payload FROM event WHERE session_seq = 1 AND kind = 'session-started'")
            while let row = try starts.next() {
                let payload: String = row["payload"]
                let number: Int64 = row["session_number"]
                // An event that cannot be read is left for `accord verify` to report. (A database
                // from before v5 holds legacy payloads only; ``EventPayload`` reads both shapes.)
                guard case .sessionStarted(let start)? = try? EventPayload.decode(payload) else { continue }
                var arguments = EventRecorder.patientValues(start)
                arguments += [number]
                try update.execute(arguments: arguments)
            }
            try db.execute(
                sql: """
                    CREATE INDEX session_patient_ins ON session(patient_ins, number);
                    CREATE INDEX session_ipp ON session(ipp, number);
                    CREATE INDEX session_clinician ON session(clinician_id, number);
                    CREATE INDEX session_started_at ON session(started_at, number);
                    """)
        }
        return migrator
    }
}
