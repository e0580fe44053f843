import AccordCore
import Foundation
import Logging

/// The schema of an Accord database on PostgreSQL, and its roles.
///
/// It mirrors the SQLite schema as its migrations `v1`–`v8` left it, column for column and with
/// the same texts (instants as RFC 3339 text, payloads as the JSON text Accord wrote, never
/// `jsonb`, which would reorder keys): an event's chain value does not depend on the backend.
/// Integers are `BIGINT`, reals `DOUBLE PRECISION`, and flags stay the integers 0 and 1, so that
/// a query of the audit views gives the same answer on both.
///
/// Two roles (cluster-wide, created when missing, `NOLOGIN`: the administrator grants them to
/// login roles):
/// - `accord_writer`: `INSERT` and `SELECT` on `event` (never `UPDATE`, `DELETE` nor
///   `TRUNCATE`), and reads and writes the projections, seals, metadata and the web tables
///   (`web_access`: `INSERT` and `SELECT` only). A member of `accord_auditor`, so that
///   `accord audit sql` can run its query as that role.
/// - `accord_auditor`: `SELECT` on the views `audit_sessions`, `audit_options` and
///   `audit_instruments` only.
///
/// Triggers refuse `UPDATE`, `DELETE` and `TRUNCATE` of `event` and `web_access` whatever the
/// role (a second guard behind the privileges; the owner would have to drop them first).
package enum PostgresSchema {
    /// The schema version this build writes and reads (`metadata.schema_version`).
    package static let version = 1

    /// The role that records (``PostgresSchema``).
    package static let writerRole = "accord_writer"
    /// The role whose only privilege is to read the audit views.
    package static let auditorRole = "accord_auditor"

    /// Creates the roles when missing (idempotent).
    static let roles = """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accord_auditor') THEN
                CREATE ROLE accord_auditor NOLOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END
        $$;
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accord_writer') THEN
                CREATE ROLE accord_writer NOLOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END
        $$;
        DO $$
        BEGIN
            IF NOT pg_has_role('accord_writer', 'accord_auditor', 'MEMBER') THEN
                GRANT accord_auditor TO accord_writer;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END
        $$;
        """

    /// The tables, views, indexes, triggers and privileges of schema version 1.
    static let tables = """
        CREATE TABLE metadata (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE session (
            number BIGINT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            started_at TEXT NOT NULL,
            closed_at TEXT,
            event_count BIGINT NOT NULL,
            topic TEXT NOT NULL,
            completeness BIGINT,
            patient_ins TEXT,
            ipp TEXT,
            ipp_root TEXT,
            clinician_id TEXT,
            birth_family_name TEXT,
            first_given_name TEXT,
            birth_date TEXT
        );
        CREATE INDEX session_patient_ins ON session(patient_ins, number);
        CREATE INDEX session_ipp ON session(ipp, number);
        CREATE INDEX session_clinician ON session(clinician_id, number);
        CREATE INDEX session_started_at ON session(started_at, number);
        CREATE TABLE event (
            seq BIGINT PRIMARY KEY,
            session_number BIGINT REFERENCES session(number),
            session_seq BIGINT,
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
        CREATE INDEX event_session_closed ON event(session_number, recorded_at) WHERE kind = 'session-closed';
        CREATE FUNCTION accord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END
        $$;
        CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
            FOR EACH ROW EXECUTE FUNCTION accord_append_only();
        CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
            FOR EACH STATEMENT EXECUTE FUNCTION accord_append_only();
        CREATE TABLE document_version (
            session_number BIGINT NOT NULL REFERENCES session(number),
            profile TEXT NOT NULL,
            version BIGINT NOT NULL,
            last_session_seq BIGINT NOT NULL,
            exported_at TEXT NOT NULL,
            PRIMARY KEY (session_number, profile, version)
        );
        CREATE TABLE session_seal (
            session_number BIGINT PRIMARY KEY,
            event_count BIGINT NOT NULL,
            last_seq BIGINT NOT NULL,
            tag TEXT NOT NULL
        );
        CREATE TABLE audit_session (
            session_number BIGINT PRIMARY KEY REFERENCES session(number),
            event_count BIGINT NOT NULL,
            patient_pseudonym TEXT NOT NULL,
            clinician_idnat_ps TEXT NOT NULL,
            organisation_finess TEXT NOT NULL,
            topic_group TEXT NOT NULL,
            start_month TEXT NOT NULL,
            closed BIGINT NOT NULL,
            closed_at TEXT,
            closed_day TEXT,
            closed_month TEXT,
            patient_present BIGINT NOT NULL,
            relative_present BIGINT NOT NULL,
            preferences_count BIGINT NOT NULL,
            surveillance_discussed BIGINT NOT NULL,
            surveillance_applicable BIGINT NOT NULL,
            trial_offered BIGINT NOT NULL,
            preferred_role TEXT,
            experienced_role TEXT,
            role_concordant BIGINT,
            collaborate_mean DOUBLE PRECISION,
            collaborate_top BIGINT,
            sdm_q9_score DOUBLE PRECISION,
            option5_score DOUBLE PRECISION,
            sure_positive BIGINT,
            decision_outcome TEXT NOT NULL,
            rcp_date TEXT,
            decision_date TEXT,
            days_rcp_to_decision BIGINT,
            completeness BIGINT NOT NULL
        );
        CREATE INDEX audit_session_closed_day ON audit_session(closed, closed_day);
        CREATE INDEX audit_session_clinician ON audit_session(clinician_idnat_ps);
        CREATE INDEX audit_session_topic ON audit_session(topic_group);
        CREATE INDEX audit_session_month ON audit_session(closed_month);
        CREATE INDEX audit_session_organisation ON audit_session(organisation_finess);
        CREATE INDEX audit_session_patient ON audit_session(patient_pseudonym);
        CREATE TABLE audit_option (
            session_number BIGINT NOT NULL REFERENCES session(number),
            option_number BIGINT NOT NULL,
            kind TEXT NOT NULL,
            origin_kind TEXT NOT NULL,
            PRIMARY KEY (session_number, option_number)
        );
        CREATE TABLE audit_instrument (
            session_number BIGINT NOT NULL REFERENCES session(number),
            entry_number BIGINT NOT NULL,
            instrument TEXT NOT NULL,
            version TEXT NOT NULL,
            respondent TEXT NOT NULL,
            score DOUBLE PRECISION,
            flags TEXT NOT NULL,
            complete BIGINT NOT NULL,
            follow_up BIGINT NOT NULL,
            recorded_month TEXT NOT NULL,
            PRIMARY KEY (session_number, entry_number)
        );
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
        CREATE TABLE audit_cell (
            dimension TEXT NOT NULL,
            grain TEXT NOT NULL CHECK (grain IN ('month', 'day')),
            period TEXT NOT NULL,
            group_value TEXT NOT NULL,
            sessions BIGINT NOT NULL,
            patient_present BIGINT NOT NULL,
            relative_present BIGINT NOT NULL,
            preferences_recorded BIGINT NOT NULL,
            surveillance_applicable BIGINT NOT NULL,
            surveillance_discussed BIGINT NOT NULL,
            trial_offered BIGINT NOT NULL,
            preferred_role_a BIGINT NOT NULL,
            preferred_role_b BIGINT NOT NULL,
            preferred_role_c BIGINT NOT NULL,
            preferred_role_d BIGINT NOT NULL,
            preferred_role_e BIGINT NOT NULL,
            both_roles BIGINT NOT NULL,
            concordant_roles BIGINT NOT NULL,
            collaborate_encounters BIGINT NOT NULL,
            collaborate_top BIGINT NOT NULL,
            collaborate_ninths BIGINT NOT NULL,
            sdm_q9_count BIGINT NOT NULL,
            sdm_q9_ninths BIGINT NOT NULL,
            option5_count BIGINT NOT NULL,
            option5_ninths BIGINT NOT NULL,
            sure_count BIGINT NOT NULL,
            sure_positive BIGINT NOT NULL,
            deferred BIGINT NOT NULL,
            completeness_sum BIGINT NOT NULL,
            PRIMARY KEY (dimension, grain, period, group_value)
        );
        CREATE TABLE audit_cell_days (
            dimension TEXT NOT NULL,
            grain TEXT NOT NULL CHECK (grain IN ('month', 'day')),
            period TEXT NOT NULL,
            group_value TEXT NOT NULL,
            days BIGINT NOT NULL,
            sessions BIGINT NOT NULL,
            PRIMARY KEY (dimension, grain, period, group_value, days)
        );
        CREATE TABLE web_user (
            idnat_ps TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
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
            failures BIGINT NOT NULL,
            last_failed_at TEXT NOT NULL,
            locked_until TEXT
        );
        CREATE TABLE web_patient_screen (
            code_hash TEXT PRIMARY KEY,
            short_code_hash TEXT NOT NULL UNIQUE,
            cookie_hash TEXT UNIQUE,
            csrf_token TEXT NOT NULL,
            session_number BIGINT NOT NULL,
            issued_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX web_patient_screen_session ON web_patient_screen(session_number);
        CREATE TABLE web_access (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at TEXT NOT NULL,
            idnat_ps TEXT NOT NULL,
            session_number BIGINT NOT NULL,
            page TEXT NOT NULL
        );
        CREATE INDEX web_access_at ON web_access(at);
        CREATE INDEX web_access_session ON web_access(session_number);
        CREATE TRIGGER web_access_append_only BEFORE UPDATE OR DELETE ON web_access
            FOR EACH ROW EXECUTE FUNCTION accord_append_only();
        CREATE TRIGGER web_access_no_truncate BEFORE TRUNCATE ON web_access
            FOR EACH STATEMENT EXECUTE FUNCTION accord_append_only();
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
        GRANT SELECT, INSERT ON event, web_access TO accord_writer;
        GRANT SELECT, INSERT, UPDATE, DELETE ON metadata, session, document_version, session_seal, audit_session,
            audit_option, audit_instrument, audit_cell, audit_cell_days, web_user, web_sign_in, web_sign_in_failure,
            web_patient_screen TO accord_writer;
        GRANT SELECT ON audit_sessions, audit_options, audit_instruments TO accord_writer, accord_auditor;
        """
}
