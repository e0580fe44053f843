import GRDB

extension ConsultationStore {
    /// The schema's history. Migrations are never edited once shipped; add new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: event log, session summary") { db in
            try db.execute(
                sql: """
                    CREATE TABLE session (
                        number INTEGER PRIMARY KEY,
                        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                        started_at TEXT NOT NULL,
                        closed_at TEXT,
                        event_count INTEGER NOT NULL,
                        topic TEXT NOT NULL
                    );
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        session_number INTEGER REFERENCES session(number),
                        session_seq INTEGER,
                        recorded_at TEXT NOT NULL,
                        author TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        reason TEXT,
                        UNIQUE (session_number, session_seq),
                        CHECK ((session_number IS NULL) = (session_seq IS NULL))
                    );
                    CREATE INDEX event_kind ON event(kind, seq);
                    CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    """)
        }
        return migrator
    }
}
