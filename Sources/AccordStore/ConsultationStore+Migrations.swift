import AccordCore
import Foundation
import GRDB

extension ConsultationStore {
    /// The migrations a command that only reads does without: they change how the database
    /// is written, not what a reading command reads (v10 rewrites the condition of an index
    /// that only `export`, which writes, reads). A reading command reads a database that lacks
    /// only these as it is, whoever runs it; the first command that writes applies them.
    static let notNeededToRead = ["v10: the index of changes, its condition as comparisons"]

    /// The schema's history. Migrations are never edited once shipped; add new ones. Each is
    /// literal SQL, frozen as it shipped: none depends on a type or a constant of the
    /// application, which may change (as GRDB's migration guide asks). A database that holds a
    /// migration this build does not know was written by a newer Accord and is refused.
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
            try db.execute(
                sql: """
                    CREATE TABLE audit_session (
                        session_number INTEGER PRIMARY KEY REFERENCES session(number),
                        event_count INTEGER NOT NULL,
                        patient_pseudonym TEXT NOT NULL,
                        clinician_idnat_ps TEXT NOT NULL,
                        organisation_finess TEXT NOT NULL,
                        topic_group TEXT NOT NULL,
                        start_month TEXT NOT NULL,
                        closed INTEGER NOT NULL,
                        closed_at TEXT,
                        closed_day TEXT,
                        closed_month TEXT,
                        patient_present INTEGER NOT NULL,
                        relative_present INTEGER NOT NULL,
                        preferences_count INTEGER NOT NULL,
                        surveillance_discussed INTEGER NOT NULL,
                        surveillance_applicable INTEGER NOT NULL,
                        trial_offered INTEGER NOT NULL,
                        preferred_role TEXT,
                        experienced_role TEXT,
                        role_concordant INTEGER,
                        collaborate_mean REAL,
                        collaborate_top INTEGER,
                        sdm_q9_score REAL,
                        option5_score REAL,
                        sure_positive INTEGER,
                        decision_outcome TEXT NOT NULL,
                        rcp_date TEXT,
                        decision_date TEXT,
                        days_rcp_to_decision INTEGER,
                        completeness INTEGER NOT NULL
                    );
                    CREATE INDEX audit_session_closed_day ON audit_session(closed, closed_day);
                    CREATE INDEX audit_session_clinician ON audit_session(clinician_idnat_ps);
                    CREATE INDEX audit_session_topic ON audit_session(topic_group);
                    CREATE INDEX audit_session_month ON audit_session(closed_month);
                    CREATE INDEX audit_session_organisation ON audit_session(organisation_finess);
                    CREATE TABLE audit_option (
                        session_number INTEGER NOT NULL REFERENCES session(number),
                        option_number INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        origin_kind TEXT NOT NULL,
                        PRIMARY KEY (session_number, option_number)
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_instrument (
                        session_number INTEGER NOT NULL REFERENCES session(number),
                        entry_number INTEGER NOT NULL,
                        instrument TEXT NOT NULL,
                        version TEXT NOT NULL,
                        respondent TEXT NOT NULL,
                        score REAL,
                        flags TEXT NOT NULL,
                        complete INTEGER NOT NULL,
                        follow_up INTEGER NOT NULL,
                        recorded_month TEXT NOT NULL,
                        PRIMARY KEY (session_number, entry_number)
                    ) WITHOUT ROWID;
                    CREATE VIEW audit_sessions AS SELECT
                        session_number, patient_pseudonym, clinician_idnat_ps, organisation_finess, topic_group, start_month,
                        closed, closed_at, closed_day, closed_month, patient_present, relative_present, preferences_count,
                        surveillance_discussed, surveillance_applicable, trial_offered, preferred_role, experienced_role,
                        role_concordant, collaborate_mean, collaborate_top, sdm_q9_score, option5_score, sure_positive,
                        decision_outcome, rcp_date, decision_date, days_rcp_to_decision, completeness
                        FROM audit_session;
                    CREATE VIEW audit_options AS SELECT session_number, option_number, kind, origin_kind FROM audit_option;
                    CREATE VIEW audit_instruments AS SELECT
                        session_number, entry_number, instrument, version, respondent, score, flags, complete, follow_up,
                        recorded_month
                        FROM audit_instrument;
                    """)
        }
        migrator.registerMigration("v3: audit cells") { db in
            // Pre-aggregated participation counts by month and day (AuditCells), filled from
            // `audit_session` and kept up to date with it from then on.
            try db.execute(
                sql: """
                    CREATE TABLE audit_cell (
                        dimension TEXT NOT NULL,
                        grain TEXT NOT NULL CHECK (grain IN ('month', 'day')),
                        period TEXT NOT NULL,
                        group_value TEXT NOT NULL,
                        sessions INTEGER NOT NULL,
                        patient_present INTEGER NOT NULL,
                        relative_present INTEGER NOT NULL,
                        preferences_recorded INTEGER NOT NULL,
                        surveillance_applicable INTEGER NOT NULL,
                        surveillance_discussed INTEGER NOT NULL,
                        trial_offered INTEGER NOT NULL,
                        preferred_role_a INTEGER NOT NULL,
                        preferred_role_b INTEGER NOT NULL,
                        preferred_role_c INTEGER NOT NULL,
                        preferred_role_d INTEGER NOT NULL,
                        preferred_role_e INTEGER NOT NULL,
                        both_roles INTEGER NOT NULL,
                        concordant_roles INTEGER NOT NULL,
                        collaborate_encounters INTEGER NOT NULL,
                        collaborate_top INTEGER NOT NULL,
                        collaborate_ninths INTEGER NOT NULL,
                        sdm_q9_count INTEGER NOT NULL,
                        sdm_q9_ninths INTEGER NOT NULL,
                        option5_count INTEGER NOT NULL,
                        option5_ninths INTEGER NOT NULL,
                        sure_count INTEGER NOT NULL,
                        sure_positive INTEGER NOT NULL,
                        deferred INTEGER NOT NULL,
                        completeness_sum INTEGER NOT NULL,
                        PRIMARY KEY (dimension, grain, period, group_value)
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_cell_days (
                        dimension TEXT NOT NULL,
                        grain TEXT NOT NULL CHECK (grain IN ('month', 'day')),
                        period TEXT NOT NULL,
                        group_value TEXT NOT NULL,
                        days INTEGER NOT NULL,
                        sessions INTEGER NOT NULL,
                        PRIMARY KEY (dimension, grain, period, group_value, days)
                    ) WITHOUT ROWID;
                    WITH d(dimension, grain) AS (VALUES ('clinician', 'month'), ('clinician', 'day'), ('topic', 'month'), ('topic', 'day'), ('month', 'month'), ('month', 'day'), ('organisation', 'month'), ('organisation', 'day'))
                    INSERT INTO audit_cell (dimension, grain, period, group_value, sessions, patient_present, relative_present, preferences_recorded, surveillance_applicable, surveillance_discussed, trial_offered, preferred_role_a, preferred_role_b, preferred_role_c, preferred_role_d, preferred_role_e, both_roles, concordant_roles, collaborate_encounters, collaborate_top, collaborate_ninths, sdm_q9_count, sdm_q9_ninths, option5_count, option5_ninths, sure_count, sure_positive, deferred, completeness_sum)
                    SELECT d.dimension, d.grain,
                        CASE d.grain WHEN 'month' THEN s.closed_month ELSE s.closed_day END,
                        CASE d.dimension WHEN 'clinician' THEN s.clinician_idnat_ps WHEN 'topic' THEN s.topic_group
                            WHEN 'month' THEN s.closed_month ELSE s.organisation_finess END,
                        SUM(1), SUM(s.patient_present), SUM(s.relative_present), SUM(s.preferences_count > 0), SUM(s.surveillance_applicable), SUM(s.surveillance_applicable AND s.surveillance_discussed), SUM(s.trial_offered), SUM(COALESCE(s.preferred_role = 'A', 0)), SUM(COALESCE(s.preferred_role = 'B', 0)), SUM(COALESCE(s.preferred_role = 'C', 0)), SUM(COALESCE(s.preferred_role = 'D', 0)), SUM(COALESCE(s.preferred_role = 'E', 0)), SUM(s.role_concordant IS NOT NULL), SUM(COALESCE(s.role_concordant, 0)), SUM(s.collaborate_mean IS NOT NULL), SUM(COALESCE(s.collaborate_top, 0)), SUM(COALESCE(CAST(ROUND(s.collaborate_mean * 9) AS INTEGER), 0)), SUM(s.sdm_q9_score IS NOT NULL), SUM(COALESCE(CAST(ROUND(s.sdm_q9_score * 9) AS INTEGER), 0)), SUM(s.option5_score IS NOT NULL), SUM(COALESCE(CAST(ROUND(s.option5_score * 9) AS INTEGER), 0)), SUM(s.sure_positive IS NOT NULL), SUM(COALESCE(s.sure_positive, 0)), SUM(s.decision_outcome = 'deferred'), SUM(s.completeness)
                    FROM audit_session s, d WHERE s.closed = 1
                    GROUP BY 1, 2, 3, 4;
                    WITH d(dimension, grain) AS (VALUES ('clinician', 'month'), ('clinician', 'day'), ('topic', 'month'), ('topic', 'day'), ('month', 'month'), ('month', 'day'), ('organisation', 'month'), ('organisation', 'day'))
                    INSERT INTO audit_cell_days (dimension, grain, period, group_value, days, sessions)
                    SELECT d.dimension, d.grain,
                        CASE d.grain WHEN 'month' THEN s.closed_month ELSE s.closed_day END,
                        CASE d.dimension WHEN 'clinician' THEN s.clinician_idnat_ps WHEN 'topic' THEN s.topic_group
                            WHEN 'month' THEN s.closed_month ELSE s.organisation_finess END,
                        s.days_rcp_to_decision, COUNT(*)
                    FROM audit_session s, d WHERE s.closed = 1 AND s.days_rcp_to_decision IS NOT NULL
                    GROUP BY 1, 2, 3, 4, 5;
                    """)
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
            // Read from the start events as this version of Accord wrote them (the payload shape
            // `{"sessionStarted":{"_0":{…}}}`); an event that is not JSON is left for `accord
            // verify` to report.
            try db.execute(
                sql: """
                    WITH start AS (
                        SELECT session_number, json_extract(payload, '$.sessionStarted._0') AS s FROM event
                        WHERE session_seq = 1 AND kind = 'session-started' AND json_valid(payload)
                    )
                    UPDATE session SET
                        patient_ins = json_extract(start.s, '$.patient.ins'),
                        ipp = json_extract(start.s, '$.ipp.extension'),
                        ipp_root = json_extract(start.s, '$.ipp.root'),
                        clinician_id = json_extract(start.s, '$.clinician_id'),
                        birth_family_name = json_extract(start.s, '$.patient.birthFamilyName'),
                        first_given_name = json_extract(start.s, '$.patient.firstBirthGivenName'),
                        birth_date = json_extract(start.s, '$.patient.birthDate')
                    FROM start WHERE start.session_number = session.number AND start.s IS NOT NULL;
                    """)
            try db.execute(
                sql: """
                    CREATE INDEX session_patient_ins ON session(patient_ins, number);
                    CREATE INDEX session_ipp ON session(ipp, number);
                    CREATE INDEX session_clinician ON session(clinician_id, number);
                    CREATE INDEX session_started_at ON session(started_at, number);
                    """)
        }
        migrator.registerMigration("v6: web accounts, sign-in sessions, sign-in failures") { db in
            // The web interface's accounts and sign-ins (WebAccountStore), kept out of the
            // clinical event chain: plain tables, changed in place, never chained or exported.
            // A sign-in session is found by the SHA-256 of its token (the token itself is only
            // in the browser's cookie); failures are counted by the SHA-256 of the identifier
            // typed, whether an account has it or not.
            try db.execute(
                sql: """
                    CREATE TABLE web_user (
                        idnat_ps TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        password_hash TEXT NOT NULL,
                        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                        created_at TEXT NOT NULL,
                        disabled_at TEXT
                    );
                    CREATE TABLE web_sign_in (
                        token_hash TEXT PRIMARY KEY,
                        idnat_ps TEXT NOT NULL REFERENCES web_user(idnat_ps) ON DELETE CASCADE,
                        csrf_token TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        last_seen_at TEXT NOT NULL
                    );
                    CREATE INDEX web_sign_in_user ON web_sign_in(idnat_ps);
                    CREATE TABLE web_sign_in_failure (
                        login_hash TEXT PRIMARY KEY,
                        failures INTEGER NOT NULL,
                        last_failed_at TEXT NOT NULL,
                        locked_until TEXT
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v7: patient-screen codes") { db in
            // The patient's screen (PatientScreenStore): a clinician hands one session over to
            // the patient's tablet. Kept out of the clinical event chain, like the accounts. The
            // database holds only SHA-256 hashes of the link's token, the short code and the
            // patient cookie, so that a copy of it opens no screen.
            try db.execute(
                sql: """
                    CREATE TABLE web_patient_screen (
                        code_hash TEXT PRIMARY KEY,
                        short_code_hash TEXT NOT NULL UNIQUE,
                        cookie_hash TEXT UNIQUE,
                        csrf_token TEXT NOT NULL,
                        session_number INTEGER NOT NULL,
                        issued_by TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL,
                        revoked_at TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX web_patient_screen_session ON web_patient_screen(session_number);
                    """)
        }
        migrator.registerMigration("v8: web access log") { db in
            // Every read of a patient's record through the web (AccessLogStore), for auditors:
            // who read which session, when, on which page. Kept out of the clinical event chain
            // (never chained or exported) but append-only: triggers refuse UPDATE and DELETE.
            try db.execute(
                sql: """
                    CREATE TABLE web_access (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        idnat_ps TEXT NOT NULL,
                        session_number INTEGER NOT NULL,
                        page TEXT NOT NULL
                    );
                    CREATE INDEX web_access_at ON web_access(at);
                    CREATE INDEX web_access_session ON web_access(session_number);
                    CREATE TRIGGER web_access_no_update BEFORE UPDATE ON web_access
                    BEGIN SELECT RAISE(ABORT, 'web_access is append-only'); END;
                    CREATE TRIGGER web_access_no_delete BEFORE DELETE ON web_access
                    BEGIN SELECT RAISE(ABORT, 'web_access is append-only'); END;
                    """)
        }
        migrator.registerMigration("v9: indexes of issued documents and of changes") { db in
            // A batch export into a folder that holds its documents decides which sessions are
            // issued and current from these two indexes alone (currentIssuedVersions), without
            // reading an event's row. Both are SQLite's own structures over the events, kept by
            // SQLite with every insert: nothing here can disagree with the log.
            // `event_issued`: each issue event's profile, version and record sequence, by
            // session (a payload that is not JSON is left out, so that building the index
            // never fails on a damaged row; such a row breaks the chain, which `verify` reports).
            // `event_change`: each session's changes (not an issue, not a research objection),
            // so that its last change is one step of the index.
            try db.execute(
                sql: """
                    CREATE INDEX event_issued ON event(
                        json_extract(payload, '$.profile'), session_number, seq,
                        json_extract(payload, '$.version'), json_extract(payload, '$.record_sequence')
                    ) WHERE kind = 'document-issued' AND json_valid(payload);
                    CREATE INDEX event_change ON event(session_number, session_seq)
                    WHERE kind NOT IN ('document-issued', 'research-objection-recorded', 'research-objection-withdrawn');
                    """)
        }
        migrator.registerMigration("v10: the index of changes, its condition as comparisons") { db in
            // SQLite keeps a partial index's condition `kind NOT IN (three values)` by building
            // the list as a temporary b-tree at every insert into `event` (a table made, two
            // pages zeroed, the values inserted): a third of the cost of an event's insert. The
            // same condition as three comparisons (`kind` is never NULL) costs three compares.
            // The queries that read the index name the same three terms (currentIssuedVersions).
            try db.execute(
                sql: """
                    DROP INDEX event_change;
                    CREATE INDEX event_change ON event(session_number, session_seq)
                    WHERE kind <> 'document-issued' AND kind <> 'research-objection-recorded' AND kind <> 'research-objection-withdrawn';
                    """)
        }
        return migrator
    }
}
