import AccordCore
import Foundation
import GRDB
import GRDBSQLite
import Logging

/// The embedded SQLite store of Accord: an append-only event log and the tables derived
/// from it; the ``EventStore`` of one centre on one machine.
///
/// Every public method that changes the record is one write transaction: it checks the
/// change against the current state, appends its events, updates the derived tables, and
/// either all of it is written or nothing is. Events are never updated or deleted (triggers
/// refuse it).
///
/// The database runs in WAL mode with foreign keys on and a busy timeout (5 s by default),
/// one writer at a time and many readers.
///
/// Beyond ``EventStore``, it offers what only SQLite has: a read-only open of an evidence
/// copy (``openReadOnly(path:clock:keyFile:logger:notice:)``), the database file that
/// `accord audit sql` opens on a separate read-only connection (``databasePath``), the
/// summaries of sessions recorded before the audit tables existed
/// (``summariseUnsummarisedSessions()``) and the synthetic sessions of the benchmarks
/// (``generateSyntheticSessions(count:seed:batchSize:progress:)``).
public struct ConsultationStore: EventStore {
    let writer: any DatabaseWriter
    let clock: AccordClock
    /// Where the chain key lives.
    public let keyURL: URL
    let logger: Logger
    /// The key file of an in-memory store, removed when the last copy of the store goes.
    let temporaryKey: TemporaryKeyFile?

    /// The default database path when neither `--db` nor `ACCORD_DB` is given: `accord.sqlite`
    /// in the current directory.
    public static let defaultPath = "accord.sqlite"

    /// Opens (creating when missing, with mode 0600) the database at `path` and migrates it.
    ///
    /// - Parameters:
    ///   - path: the SQLite file.
    ///   - clock: the clock every recorded instant comes from.
    ///   - keyFile: the chain key file; `nil`: `ACCORD_KEY_FILE`, else the default place
    ///     (``ChainKey/defaultLocation(databaseID:environment:)``).
    ///   - busyTimeout: how long a writer waits for another one, in seconds.
    ///   - logger: where the store logs (never patient data, never a failure it throws: the
    ///     caller reports those); the caller's task-local logger when not given.
    /// - Throws: `AccordError` (`io`) when the file cannot be opened, is not an Accord database,
    ///   or was written by a newer Accord.
    public static func open(
        path: String, clock: AccordClock, keyFile: String? = nil, busyTimeout: TimeInterval = 5,
        logger: Logger = .current
    ) throws -> ConsultationStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "accord"
        configuration.prepareDatabase { db in
            // A committed change survives a crash of the process and of the machine.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try createPrivately(path)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            let (superseded, current) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
            }
            if superseded {
                throw AccordError(
                    .io,
                    "the database was written by a newer version of Accord; open it with that version (this one will not migrate it downwards)."
                )
            }
            // Migrating takes the write lock: only when a migration is missing.
            if !current { try migrateBesideOthers(pool) }
            // GRDB sets `synchronous = NORMAL` on the writer of a WAL pool after
            // `prepareDatabase`: set FULL again on that one connection (every write goes through
            // it), so that an acknowledged write survives a power loss, not only a crash.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let databaseID = try pool.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = 'database_id'") ?? ""
            }
            let environmentKey = ProcessEnvironment.nonEmpty(ChainKey.environmentVariable)
            let keyURL = (keyFile ?? environmentKey).map { URL(fileURLWithPath: $0) } ?? ChainKey.defaultLocation(databaseID: databaseID)
            logger.debug("opened the database", metadata: ["journal": "wal"])
            return ConsultationStore(writer: pool, clock: clock, keyURL: keyURL, logger: logger)
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: path)
        }
    }

    /// Migrates `pool`, when other processes may be migrating the same new file at the same
    /// moment (several commands started at once on a database that does not exist yet).
    ///
    /// GRDB's migrator reads which migrations are applied before taking the write lock for
    /// each one, so a process can start a migration another has just committed and fail on
    /// it (`table … already exists`), its own transaction rolled back. It then reads the
    /// applied migrations again and goes on from there, waiting for the other process's
    /// transaction like any writer; the error is thrown only when no other process is
    /// making progress (the same migration fails again with nothing newly applied).
    private static func migrateBesideOthers(_ pool: DatabasePool) throws {
        var applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        while true {
            do {
                return try migrator.migrate(pool)
            } catch let error as DatabaseError {
                let now = try pool.read { db in try migrator.appliedIdentifiers(db) }
                guard now.count > applied.count else { throw error }
                applied = now
            }
        }
    }

    /// Opens an existing database for a command that records nothing: read-only, no write
    /// lock taken, no byte of the database changed, and no chain key created.
    ///
    /// SQLite opens a WAL database read-only only when its `-wal` and `-shm` files exist or can
    /// be created. When they cannot (a folder the user may not write, an evidence copy) and no
    /// `-wal` file exists, the database is opened as immutable (`immutable=1`), and `notice` is
    /// called with a sentence saying so: a change a writer makes during the command is then not
    /// seen. With a `-wal` file that cannot be read this way, the open is refused, naming the
    /// path: the changes it holds would be missed.
    ///
    /// - Parameters:
    ///   - path: the SQLite file, which must exist.
    ///   - clock: the clock (unused by reads; kept for the store's type).
    ///   - keyFile: the chain key file, as for ``open(path:clock:keyFile:busyTimeout:logger:)``.
    ///   - logger: where the store logs (never patient data).
    ///   - notice: called with a sentence for the user when the database is opened immutable.
    /// - Throws: `AccordError` (`notFound`) when there is no file at `path`; (`io`) when it
    ///   cannot be read, is not an Accord database, was written by a newer Accord, or needs a
    ///   migration (which only a command that records can make).
    public static func openReadOnly(
        path: String, clock: AccordClock, keyFile: String? = nil, logger: Logger = .current,
        notice: (String) -> Void = { _ in }
    ) throws -> ConsultationStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw AccordError(.notFound, "no database at the path given by --db or ACCORD_DB (default ./accord.sqlite); check the path.")
        }
        try requireRegularFile(path)
        var configuration = Configuration()
        configuration.readonly = true
        // SQLite checks foreign keys on writes only, and this connection makes none (the pragma
        // was GRDB's first statement, and with it a first use of its SQL builder).
        configuration.foreignKeysEnabled = false
        configuration.busyMode = .timeout(5)
        configuration.label = "accord"
        configuration.prepareDatabase { db in
            // GRDB's statement authorizer tells GRDB what each statement it compiles reads and
            // writes, for transaction observers, database observation and its schema cache, none
            // of which a read-only connection has (GRDB 7 reads what it records only when one of
            // them is active). Each column a statement names was a call into it: with the pragma
            // above, 8 % of a cold `session show`'s instructions. It is removed before GRDB
            // compiles its first statement.
            sqlite3_set_authorizer(db.sqliteConnection, nil, nil)
        }
        func probe(_ queue: DatabaseQueue) throws -> (superseded: Bool, current: Bool, id: String) {
            try queue.read { db in
                // GRDB's `hasBeenSuperseded` and `hasCompletedMigrations`, from one read of the
                // applied migrations (as an array: a first `Set<String>` costs a scan of the
                // binary's protocol conformances, a twentieth of a cold `session show`).
                let applied = try appliedMigrations(db)
                let known = migrator.migrations
                return (
                    applied.contains { !known.contains($0) }, known.allSatisfy { applied.contains($0) || notNeededToRead.contains($0) },
                    try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = 'database_id'") ?? ""
                )
            }
        }
        var queue: DatabaseQueue
        var state: (superseded: Bool, current: Bool, id: String)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            state = try probe(queue)
        } catch let error as DatabaseError
            where [ResultCode.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(error.resultCode.primaryResultCode)
            && !FileManager.default.fileExists(atPath: path + "-wal")
        {
            notice(
                "the database's folder cannot be written, so it is read as an unchanging copy (SQLite's immutable mode): a change made by another user during this command is not seen."
            )
            do {
                queue = try DatabaseQueue(path: immutableURI(path), configuration: configuration)
                state = try probe(queue)
            } catch let error as DatabaseError {
                throw StoreErrors.map(error, opening: path)
            }
        } catch let error as DatabaseError {
            // A WAL this user may not read stops the open with "cannot open" or "read-only"; a
            // damaged file or one that is not a database is said as such, -wal or not (SQLite
            // makes the -wal and -shm of a WAL database it opens, damaged or not).
            if [ResultCode.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM].contains(error.resultCode.primaryResultCode),
                FileManager.default.fileExists(atPath: path + "-wal")
            {
                throw AccordError(
                    .io,
                    "cannot read \(path)-wal, which holds changes not yet copied into the database: give this user read access to it and to \(path)-shm, or have a user who may write the database run any command first (commands that only read need no write access otherwise)."
                )
            }
            throw StoreErrors.map(error, opening: path)
        }
        if state.superseded {
            throw AccordError(
                .io,
                "the database was written by a newer version of Accord; open it with that version (this one will not migrate it downwards)."
            )
        }
        if !state.current {
            // An earlier Accord's database: its schema is brought up to date once (the only
            // write a reading command makes), when this user may write it.
            let folder = (path as NSString).deletingLastPathComponent
            guard access(path, W_OK) == 0, access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
                throw AccordError(
                    .io,
                    "the database was written by an earlier version of Accord and must be updated first by a user who may write it (any `accord` command run by that user updates it); this user may only read it."
                )
            }
            _ = try open(path: path, clock: clock, keyFile: keyFile, logger: logger)
            return try openReadOnly(path: path, clock: clock, keyFile: keyFile, logger: logger, notice: notice)
        }
        let environmentKey = ProcessEnvironment.nonEmpty(ChainKey.environmentVariable)
        let keyURL = (keyFile ?? environmentKey).map { URL(fileURLWithPath: $0) } ?? ChainKey.defaultLocation(databaseID: state.id)
        logger.debug("opened the database read-only")
        return ConsultationStore(writer: queue, clock: clock, keyURL: keyURL, logger: logger)
    }

    /// The identifiers of the migrations applied to `db` (GRDB's `appliedIdentifiers`, as an
    /// array): none when its table is not there yet.
    static func appliedMigrations(_ db: Database) throws -> [String] {
        do {
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        } catch {
            if (try? !db.tableExists("grdb_migrations")) ?? false { return [] }
            throw error
        }
    }

    /// A `file:` URI opening `path` as immutable, with the characters URIs reserve escaped.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var escaped = ""
        for byte in absolute.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x21, 0x7F...:
                escaped += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            default:
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return "file:" + escaped + "?immutable=1"
    }

    /// Creates the database file with mode 0600 when it does not exist, so that SQLite's
    /// journal files (which copy its mode) are private too. It is created through ``SafeFile``:
    /// a link at its name (one that leads nowhere, as an existing database is opened as it is)
    /// is refused, never followed.
    /// - Throws: `AccordError` (`io`) when the file cannot be created or its name is a link.
    /// Refuses a database path that names a folder or a device (`--db /dev/null`): SQLite
    /// would fail with an input/output error that says nothing of the path.
    static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return }
        throw AccordError(
            .io,
            "the database path given by --db or ACCORD_DB (default ./accord.sqlite) is a folder or a device, not a file; give the path of an Accord database file (it is created when missing); nothing was recorded."
        )
    }

    private static func createPrivately(_ path: String) throws {
        try requireRegularFile(path)
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let url = URL(fileURLWithPath: path)
        do {
            _ = try SafeFile.create(
                Data(), named: url.lastPathComponent, in: url.deletingLastPathComponent(), role: "the database's folder")
        } catch let error as AccordError {
            throw AccordError(error.code, error.message + " Check the path given by --db or ACCORD_DB.")
        }
    }

    /// An in-memory store for tests, with a key file in a temporary folder.
    /// - Parameters:
    ///   - clock: the clock every recorded instant comes from.
    ///   - logger: where the store logs; the caller's task-local logger when not given.
    public static func inMemory(clock: AccordClock, logger: Logger = .current) throws -> ConsultationStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        try migrator.migrate(queue)
        let keyURL = FileManager.default.temporaryDirectory.appendingPathComponent("accord-test-\(UUID().uuidString).key")
        return ConsultationStore(writer: queue, clock: clock, keyURL: keyURL, logger: logger, temporaryKey: TemporaryKeyFile(keyURL))
    }

    init(writer: any DatabaseWriter, clock: AccordClock, keyURL: URL, logger: Logger, temporaryKey: TemporaryKeyFile? = nil) {
        self.writer = writer
        self.clock = clock
        self.keyURL = keyURL
        self.logger = logger
        self.temporaryKey = temporaryKey
    }

    // MARK: - Writing

    /// Starts a consultation session.
    ///
    /// - Parameters:
    ///   - start: the patient, clinician, topic and condition.
    ///   - author: who records it (an IdNat_PS); `nil`: the clinician.
    /// - Returns: the new session's id.
    /// - Throws: `AccordError` (`invalidInput`) naming the first field that fails its check;
    ///   (`conflict`) in a database of synthetic sessions; (`busy`) when another writer holds
    ///   the database past the busy timeout.
    public func startSession(_ start: SessionStart, author: String? = nil) throws -> SessionID {
        try write { recorder in
            try Self.refuseRealSessionIfSynthetic(recorder.db)
            return try recorder.startSession(start, author: author ?? start.clinicianID)
        }
    }

    /// Records one change in a session; in a closed session, with a reason, as an amendment.
    ///
    /// - Parameters:
    ///   - change: what changes (not a session start or centre settings).
    ///   - session: the session.
    ///   - author: who records it; `nil`: the session's clinician.
    ///   - reason: why; required once the session is closed (the change is then an amendment).
    ///   - precondition: a check of the session as its verified events make it, run in the
    ///     same transaction before the change (what it throws is thrown, nothing recorded).
    /// - Returns: the consultation after the change.
    /// - Throws: `AccordError`: `notFound` for an unknown session, option, participant or
    ///   entry; `conflict` when the session is closed and no reason is given, the change does
    ///   not fit, or the clock reads more than a minute before the session's last change;
    ///   `invalidInput` for a malformed field; `busy`.
    @discardableResult
    public func record(
        _ change: Change, in session: SessionID, author: String? = nil, reason: String? = nil,
        precondition: ((Consultation) throws -> Void)? = nil
    ) throws -> Consultation {
        try write { recorder in
            try recorder.record(change, in: session, author: author, reason: reason, precondition: precondition)
        }
    }

    /// Records a whole consultation in one transaction: its start, then each change in order.
    ///
    /// - Returns: the new session's id.
    /// - Throws: the first `AccordError` any step throws (`conflict` in a database of synthetic
    ///   sessions); nothing is written then.
    public func importConsultation(start: SessionStart, changes: [Change], author: String? = nil) throws -> SessionID {
        try importConsultations([ConsultationImport(start: start, changes: changes)], author: author)[0].get()
    }

    /// Records consultations in bulk, in one transaction, each whole or not at all: each is
    /// checked in memory against the state its earlier changes make, then written in a
    /// savepoint of its own (``EventRecorder/recordWhole(_:startedAt:changes:author:)``: one
    /// prepared insert, the chain carried from one event to the next, the projections once per
    /// session). Every event of a consultation is recorded at the clock's instant when it is
    /// reached.
    ///
    /// - Returns: for each consultation, in order, its session id or the `AccordError` that
    ///   refused it (nothing of it recorded).
    /// - Throws: `AccordError` (`busy`, `io`; `conflict` in a database of synthetic sessions)
    ///   when the batch cannot be recorded; nothing of it is recorded then.
    public func importConsultations(_ consultations: [ConsultationImport], author: String?) throws -> [Result<SessionID, AccordError>] {
        guard !consultations.isEmpty else { return [] }
        return try write(inBulk: true) { recorder in
            try Self.refuseRealSessionIfSynthetic(recorder.db)
            var results: [Result<SessionID, AccordError>] = []
            results.reserveCapacity(consultations.count)
            for consultation in consultations {
                let tail = recorder.tail
                do {
                    var id: SessionID?
                    try recorder.db.inSavepoint {
                        let now = clock.now()
                        let changes = consultation.changes.map { (at: now, change: $0) }
                        id = try recorder.recordWhole(
                            consultation.start, startedAt: now, changes: changes, author: author ?? consultation.start.clinicianID
                        ).id
                        return .commit
                    }
                    results.append(.success(id!))
                } catch let error as AccordError {
                    recorder.tail = tail
                    results.append(.failure(error))
                }
            }
            try recorder.finishWholeSessions()
            return results
        }
    }

    /// Replaces the centre's settings (an event; the earlier settings stay in the log).
    ///
    /// - Throws: `AccordError` (`invalidInput`) naming the option that fails; `busy`.
    public func setCentreSettings(_ settings: CentreSettings, author: String) throws {
        _ = try write { recorder in
            try recorder.append(.centreSettingsChanged(settings), session: nil, author: author)
        }
    }

    /// A write transaction with an ``EventRecorder``, GRDB's errors turned into `AccordError`;
    /// `inBulk`: a transaction of many sessions (`DatabaseWriter.writeInBulk(_:)`).
    func write<T>(inBulk: Bool = false, _ body: (inout EventRecorder) throws -> T) throws -> T {
        func record(_ db: Database) throws -> T {
            var recorder = EventRecorder(db: db, clock: clock, key: try chainKey(db))
            return try body(&recorder)
        }
        do {
            return try inBulk ? writer.writeInBulk(record) : writer.write(record)
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: writer.path)
        } catch is RowDecodingError {
            throw StoreErrors.valueNeverWritten
        }
    }

    /// The chain key; created on the first write to a database that holds no event yet.
    /// - Throws: `AccordError` (`io`) when the database holds events and the key is missing.
    private func chainKey(_ db: Database) throws -> ChainKey {
        if let key = try ChainKey.load(keyURL) {
            // A wrong key would chain new events that `verify` then reports as broken: check it
            // against the last event before writing anything.
            let rows = try EventRecord.order(EventRecord.Columns.sequence.desc).limit(3).fetchAll(db)
            try key.checkAgainst(lastEvents: rows)
            return key
        }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0
        guard count == 0 else {
            throw AccordError(
                .io,
                "the chain key of this database is missing; restore the key file from its backup, or set \(ChainKey.environmentVariable) to its place (nothing was recorded)."
            )
        }
        logger.info("created a chain key file")
        return try ChainKey.create(keyURL)
    }

    // MARK: - Reading

    /// The consultation as its events make it now.
    /// - Throws: `AccordError` (`notFound`) when no session has this id.
    public func consultation(_ id: SessionID) throws -> Consultation {
        try read { db in try EventRecorder.consultation(id, db) }
    }

    /// The consultation for an export, folded from its events after they are checked against
    /// the event chain and the session's seal (a session edited, cut short or moved behind
    /// Accord's back is not exported).
    /// - Returns: the consultation, and `false` when the chain key is not at hand (then nothing
    ///   could be checked; say so).
    /// - Throws: `AccordError` (`notFound`) for an unknown session; (`conflict`) when an event
    ///   of the session does not match the chain; (`io`) when the chain key file is there but
    ///   refused (``ChainKey/load(_:)``).
    public func consultationCheckedAgainstChain(_ id: SessionID) throws -> (consultation: Consultation, checked: Bool) {
        let (consultations, checked) = try consultationsCheckedAgainstChain([id])
        return (try consultations[0].get(), checked)
    }

    /// Many sessions' consultations for an export, each checked as
    /// ``consultationCheckedAgainstChain(_:)`` checks it, in one read transaction with the chain
    /// key read once.
    /// - Returns: for each id in order, the consultation or the `AccordError` its read threw;
    ///   and `false` when the chain key is not at hand.
    /// - Throws: `AccordError` (`busy`, `io`) when the database fails; (`io`) when the chain key
    ///   file is there but refused.
    public func consultationsCheckedAgainstChain(
        _ ids: [SessionID]
    ) throws -> (
        consultations: [Result<Consultation, AccordError>], checked: Bool
    ) {
        let key = try ChainKey.load(keyURL)
        return try read { db in
            let consultations = try ids.map { id -> Result<Consultation, AccordError> in
                do {
                    guard let key else { return .success(try EventRecorder.consultation(id, db)) }
                    return .success(try EventRecorder.checkedConsultation(id, db, key: key, sealing: false))
                } catch let error as AccordError {
                    return .failure(error)
                }
            }
            return (consultations, key != nil)
        }
    }

    /// Every event of a session, in order.
    /// - Throws: `AccordError` (`notFound`) when no session has this id.
    public func events(of id: SessionID) throws -> [RecordedEvent] {
        try read { db in
            let events = try EventRecorder.events(of: id, db)
            if events.isEmpty { throw StoreErrors.unknownSession(id) }
            return events
        }
    }

    /// A line per session, newest first (every session).
    public func sessions() throws -> [SessionSummary] {
        try sessions(matching: SessionQuery())
    }

    /// The sessions `query` selects, newest first (by number), read from the summary by index:
    /// a few rows, however many sessions the database holds.
    ///
    /// Each filter is an equality or a range on an indexed column (`session_patient_ins`,
    /// `session_ipp`, `session_clinician`, `session_started_at`, each ending with `number`).
    public func sessions(matching query: SessionQuery) throws -> [SessionSummary] {
        try read { db in try SessionSummary.fetchAll(db, Self.request(query)) }
    }

    /// The sessions of the patients whose birth family name starts with `familyName` (and
    /// first birth given name with `givenName`, when given), newest first, at most `limit`;
    /// case and accents ignored (``SessionSummary/nameKey(_:)``).
    ///
    /// SQLite cannot fold accents, so the summary's name columns are read newest first and
    /// compared here, stopping at `limit` matches: the whole table (three short columns per
    /// session) at worst, no event read.
    public func sessions(ofPatientNamed familyName: String, givenName: String?, limit: Int) throws -> [SessionSummary] {
        guard let search = SessionSummary.NameSearch(familyName: familyName, givenName: givenName), limit > 0 else { return [] }
        return try read { db in
            var numbers: [Int64] = []
            let rows = try Row.fetchCursor(
                db, sql: "SELECT number, birth_family_name, first_given_name FROM session ORDER BY number DESC")
            while numbers.count < limit, let row = try rows.next() {
                if search.matches(birthFamilyName: row["birth_family_name"], firstGivenName: row["first_given_name"]) {
                    numbers.append(row["number"])
                }
            }
            return try SessionSummary.fetchAll(
                db, SessionRecord.filter(numbers.contains(SessionRecord.Columns.number)).order(SessionRecord.Columns.number.desc))
        }
    }

    /// The request of ``sessions(matching:)``: `SELECT * FROM session WHERE … ORDER BY number
    /// DESC LIMIT …`.
    static func request(_ query: SessionQuery) -> QueryInterfaceRequest<SessionRecord> {
        var request = SessionRecord.all()
        if let ins = query.ins { request = request.filter(SessionRecord.Columns.patientINS == ins) }
        if let ipp = query.ipp { request = request.filter(SessionRecord.Columns.ipp == ipp) }
        if let clinician = query.clinicianID { request = request.filter(SessionRecord.Columns.clinicianID == clinician) }
        // Instants are stored as RFC 3339 UTC text (`2026-03-02T09:30:00Z`): compared as text.
        if let from = query.from { request = request.filter(SessionRecord.Columns.startedAt >= from.description) }
        if let to = query.to { request = request.filter(SessionRecord.Columns.startedAt < to.description + "T24") }
        request = request.order(SessionRecord.Columns.number.desc)
        if let limit = query.limit { request = request.limit(limit) }
        return request
    }

    /// The centre's current settings, or `nil` when none were made yet.
    public func centreSettings() throws -> CentreSettings? {
        try read { db in try EventRecorder.centreSettings(db)?.settings }
    }

    /// The centre's current settings with the sequence of the event that made them, or `nil`
    /// when none were made yet — for an export: checked against the event chain and the centre
    /// settings' seal when the chain key is at hand (settings recorded by an earlier Accord are
    /// sealed then, after a whole-chain check).
    /// - Throws: `AccordError` (`conflict`) when the settings do not match the chain.
    public func centreSettingsWithSequence() throws -> (settings: CentreSettings, sequence: Int64)? {
        guard let key = try ChainKey.load(keyURL) else { return try read { db in try EventRecorder.centreSettings(db) } }
        let sealed = try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE key = ?", arguments: [EventRecorder.centreSealKey]) != nil
        }
        if sealed || writer.configuration.readonly {
            return try read { db in try EventRecorder.checkedCentreSettings(db, key: key, sealing: false) }
        }
        do {
            return try writer.write { db in try EventRecorder.checkedCentreSettings(db, key: key, sealing: true) }
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: writer.path)
        }
    }

    /// The centre settings the event at `sequence` made (those an issued document used).
    /// - Throws: `AccordError` (`conflict`) when that event is not a change of centre settings.
    public func centreSettings(atSequence sequence: Int64) throws -> CentreSettings {
        let key = try ChainKey.load(keyURL)
        return try read { db in
            let event =
                try key.map { try EventRecorder.checkedEvent(at: sequence, db, key: $0, what: "the centre settings of an issued document") }
                ?? EventRecord.fetchOne(db, key: sequence)
            guard let event, case .centreSettingsChanged(let settings) = try event.recordedEvent().change
            else {
                throw AccordError(
                    .conflict,
                    "event \(sequence), the centre settings of an issued document, is not a change of centre settings; run `accord verify`."
                )
            }
            return settings
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            throw StoreErrors.map(error, opening: nil)
        } catch is RowDecodingError {
            throw StoreErrors.valueNeverWritten
        }
    }
}

/// What `session list` selects: every filter given must match; `nil` filters nothing.
public struct SessionQuery: Sendable, Hashable {
    /// The patient's INS (upper case).
    public var ins: String?
    /// The patient's IPP (its extension, in any root).
    public var ipp: String?
    /// The IdNat_PS of the clinician who started the session.
    public var clinicianID: String?
    /// Sessions started on this UTC day or later.
    public var from: CalendarDate?
    /// Sessions started on this UTC day or earlier.
    public var to: CalendarDate?
    /// The most sessions returned (the newest); `nil`: all.
    public var limit: Int?

    public init(
        ins: String? = nil, ipp: String? = nil, clinicianID: String? = nil, from: CalendarDate? = nil, to: CalendarDate? = nil,
        limit: Int? = nil
    ) {
        self.ins = ins
        self.ipp = ipp
        self.clinicianID = clinicianID
        self.from = from
        self.to = to
        self.limit = limit
    }
}

/// One row of `session list`: what the summary table knows of a session.
///
/// As JSON, it uses the keys of `session show --json`: `id`, `status`, `started_at`,
/// `closed_at`, `clinician_id`, `ipp` (`root`, `extension`) and `patient` (`ins`,
/// `birthFamilyName`, `firstBirthGivenName`, `birthDate`), with `number`, `event_count`,
/// `topic` and `completeness`.
public struct SessionSummary: Sendable, Hashable, Encodable, FetchableRecord, TableRecord {
    public static let databaseTableName = "session"

    /// The session's number (`S` + number is its id).
    public var number: Int64
    /// `open` or `closed`.
    public var status: String
    /// When it started (UTC instant, RFC 3339).
    public var startedAt: String
    /// When it was closed (UTC instant, RFC 3339), if it was.
    public var closedAt: String?
    /// The number of events in the session.
    public var eventCount: Int
    /// The decision to make, in words.
    public var topic: String
    /// The completeness of the record (0–100 % of the required elements), once closed.
    public var completeness: Int?
    /// The patient's INS.
    public var patientINS: String?
    /// The patient's IPP (its extension) and its root, when recorded.
    public var ipp: InstanceIdentifier?
    /// The IdNat_PS of the clinician who started the session.
    public var clinicianID: String?
    /// The patient's birth family name (as corrected, when it was).
    public var birthFamilyName: String?
    /// The patient's first birth given name.
    public var firstGivenName: String?
    /// The patient's birth date (`YYYY-MM-DD`).
    public var birthDate: String?

    /// The session id (`S12`).
    public var id: SessionID { SessionID(number: number) }

    /// A name as name searches compare it: without case, accents or surrounding spaces
    /// (`" Hélène "` → `helene`).
    public static func nameKey(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).trimmingCharacters(in: .whitespaces)
    }

    /// A patient-name search: birth family name and first given name prefixes, compared by
    /// ``nameKey(_:)`` (case and accents ignored).
    package struct NameSearch: Sendable {
        let family: String
        let given: String?

        /// The search of `familyName` (and `givenName` when given and not blank); `nil` when
        /// the family name is blank (it finds nobody).
        package init?(familyName: String, givenName: String?) {
            family = SessionSummary.nameKey(familyName)
            given = givenName.map(SessionSummary.nameKey).flatMap { $0.isEmpty ? nil : $0 }
            if family.isEmpty { return nil }
        }

        /// Whether a session whose summary holds these names matches.
        package func matches(birthFamilyName: String?, firstGivenName: String?) -> Bool {
            guard let birthFamilyName, SessionSummary.nameKey(birthFamilyName).hasPrefix(family) else { return false }
            guard let given else { return true }
            guard let firstGivenName else { return false }
            return SessionSummary.nameKey(firstGivenName).hasPrefix(given)
        }
    }

    /// Reads a row of the `session` table.
    /// - Throws: a GRDB `RowDecodingError` when the row is not a session's.
    public init(row: Row) throws {
        self.init(try SessionRecord(row: row))
    }

    /// The summary a row of the `session` table gives.
    package init(_ record: SessionRecord) {
        number = record.number
        status = record.status
        startedAt = record.startedAt
        closedAt = record.closedAt
        eventCount = record.eventCount
        topic = record.topic
        completeness = record.completeness
        patientINS = record.patientINS
        ipp = record.ippRoot.map { InstanceIdentifier(root: $0, extension_: record.ipp ?? "") }
        clinicianID = record.clinicianID
        birthFamilyName = record.birthFamilyName
        firstGivenName = record.firstGivenName
        birthDate = record.birthDate
    }

    enum CodingKeys: String, CodingKey {
        case id, number, status, startedAt = "started_at", closedAt = "closed_at", eventCount = "event_count", topic, completeness
        case clinicianID = "clinician_id", ipp, patient
    }

    enum PatientKeys: String, CodingKey {
        case ins, birthFamilyName, firstBirthGivenName, birthDate
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.description, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(status, forKey: .status)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encodeIfPresent(closedAt, forKey: .closedAt)
        try container.encode(eventCount, forKey: .eventCount)
        try container.encode(topic, forKey: .topic)
        try container.encodeIfPresent(completeness, forKey: .completeness)
        try container.encodeIfPresent(clinicianID, forKey: .clinicianID)
        try container.encodeIfPresent(ipp, forKey: .ipp)
        var patient = container.nestedContainer(keyedBy: PatientKeys.self, forKey: .patient)
        try patient.encodeIfPresent(patientINS, forKey: .ins)
        try patient.encodeIfPresent(birthFamilyName, forKey: .birthFamilyName)
        try patient.encodeIfPresent(firstGivenName, forKey: .firstBirthGivenName)
        try patient.encodeIfPresent(birthDate, forKey: .birthDate)
    }
}

extension ConsultationStore {
    /// Runs raw SQL on the database file at `path` as someone holding the file but not the key
    /// would (foreign keys off, no transaction of Accord's), for tests that play that attacker.
    package static func tamperForTesting(path: String, _ sql: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    /// `PRAGMA synchronous` on the connection that writes (2 is FULL), for tests.
    package func writerSynchronousForTesting() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Runs raw SQL, for tests that check what the database itself refuses.
    package func executeForTesting(_ sql: String) throws {
        try writer.write { db in try db.execute(sql: sql) }
    }

    /// The column names of `table`, in order, for tests of the frozen migrations.
    package func columnsForTesting(_ table: String) throws -> [String] {
        try writer.read { db in try db.columns(in: table).map(\.name) }
    }

    /// The journal mode (`wal` for a file database), for tests.
    package func journalModeForTesting() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

/// The chain key file of an in-memory store (``ConsultationStore/inMemory(clock:logger:)``),
/// removed when the last store holding it goes, so that tests leave no key behind.
final class TemporaryKeyFile: Sendable {
    let url: URL

    init(_ url: URL) { self.url = url }

    deinit { try? FileManager.default.removeItem(at: url) }
}
