import AccordCore
import CSQLiteShim
import Foundation
import GRDBSQLite

/// Read-only SQL over the audit views, for `accord audit sql`.
///
/// The query runs on its own connection, opened read-only with SQLite's C API, with an
/// authorizer that allows only `SELECT`, reads of the views `audit_sessions`, `audit_options`
/// and `audit_instruments` (and of their base tables only when reached through those views),
/// and the functions of ``functions``. Writes, direct reads of any table (events, sessions, the
/// summary tables themselves, `sqlite_schema`), `ATTACH`, `PRAGMA`, transactions, temporary
/// objects, recursive queries and every other function (`load_extension`, `fts3_tokenizer`,
/// `printf`…) are refused before the query runs. The connection is also put in SQLite's
/// defensive mode, with tight limits (`sqlite3_limit`), and a watchdog interrupts the query at
/// its time limit.
public enum AuditSQL {
    /// The views a query may read.
    public static let views: Set<String> = ["audit_sessions", "audit_options", "audit_instruments"]
    /// The tables behind the views, readable only through them.
    static let baseTables: [String: String] = [
        "audit_session": "audit_sessions", "audit_option": "audit_options", "audit_instrument": "audit_instruments",
    ]

    /// The functions a query may call (SQLite's names, lowercase): core scalar functions,
    /// aggregates, date and time functions and JSON functions that make or read values.
    ///
    /// Left out on purpose: `printf` and `format` (one call can run for seconds, out of reach of
    /// the time limit), `randomblob`, `zeroblob` and `random`, `load_extension`,
    /// `fts3_tokenizer`, `sqlite_…` and every function an auditor does not need. `instr`,
    /// `replace` and the two-argument `trim`, `ltrim` and `rtrim` are capped versions: what they
    /// search for may not exceed ``maximumPatternBytes``.
    public static let functions: Set<String> = [
        // Scalar.
        "abs", "char", "coalesce", "glob", "hex", "ifnull", "iif", "instr", "length", "like", "likelihood", "likely", "lower",
        "ltrim", "max", "min", "nullif", "quote", "replace", "round", "rtrim", "sign", "substr", "substring", "trim", "typeof",
        "unicode", "unlikely", "upper",
        // Aggregate.
        "avg", "count", "group_concat", "sum", "total",
        // Date and time.
        "date", "datetime", "julianday", "strftime", "time", "unixepoch",
        // JSON (`->` and `->>` are the operators' functions).
        "json", "json_array", "json_array_length", "json_extract", "json_group_array", "json_group_object", "json_object",
        "json_quote", "json_type", "json_valid", "->", "->>",
    ]

    /// The most bytes that `instr`, `replace`, `trim`, `ltrim` and `rtrim` may search for (their
    /// second argument): their time grows with the value's length times this.
    public static let maximumPatternBytes = 1_000
    /// The longest `LIKE` or `GLOB` pattern, in bytes.
    public static let maximumLikePatternBytes = 100

    /// SQLite's limits on the audit connection (`sqlite3_limit`), by limit id.
    static let limits: [(id: Int32, value: Int32)] = [
        (SQLITE_LIMIT_LENGTH, Int32(maximumValueBytes)),
        (SQLITE_LIMIT_SQL_LENGTH, 100_000),
        (SQLITE_LIMIT_COLUMN, 200),
        (SQLITE_LIMIT_EXPR_DEPTH, 100),
        (SQLITE_LIMIT_COMPOUND_SELECT, 20),
        (SQLITE_LIMIT_VDBE_OP, 100_000),
        (SQLITE_LIMIT_FUNCTION_ARG, 32),
        (SQLITE_LIMIT_ATTACHED, 0),
        (SQLITE_LIMIT_LIKE_PATTERN_LENGTH, Int32(maximumLikePatternBytes)),
        (SQLITE_LIMIT_VARIABLE_NUMBER, 0),
        (SQLITE_LIMIT_TRIGGER_DEPTH, 0),
        (SQLITE_LIMIT_WORKER_THREADS, 0),
    ]

    /// One value of a result cell.
    public enum Value: Sendable, Hashable, Encodable {
        case integer(Int64)
        case real(Double)
        case text(String)
        /// A blob, as lowercase hexadecimal.
        case blob(String)
        case null

        /// The value as a table or CSV cell: reals in full (shortest exact form), blobs as
        /// `x'…'`, empty for null.
        public var text: String {
            switch self {
            case .integer(let value): String(value)
            case .real(let value): "\(value)"
            case .text(let value): value
            case .blob(let hex): "x'\(hex)'"
            case .null: ""
            }
        }

        /// About how many bytes the value holds in memory (for the result's size limit).
        var size: Int {
            switch self {
            case .text(let value), .blob(let value): 16 + value.utf8.count
            default: 16
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let value): try container.encode(value)
            case .real(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            case .blob: try container.encode(text)
            case .null: try container.encodeNil()
            }
        }
    }

    /// The result of a query: column names and rows.
    public struct Result: Sendable, Hashable {
        public var columns: [String]
        public var rows: [[Value]]

        /// `text` with control characters (other than tab) and bidirectional overrides shown as
        /// `\u{…}`, so that a value cannot act on the terminal.
        public static func visible(_ text: String) -> String {
            TerminalText.visible(text, keeping: [.tab, .lineSeparators])
        }
    }

    /// What the authorizer saw; read back after a refused prepare.
    private final class Guard {
        var refusal: AccordError?
        var deadline: Date
        /// The audit views the statement reads (SQLite names them while expanding them).
        var views: Set<String> = []
        init(deadline: Date) { self.deadline = deadline }
    }

    /// Runs one `SELECT` over the audit views of the database at `path`.
    ///
    /// - Parameters:
    ///   - query: one SQL statement.
    ///   - path: the database file (opened read-only).
    ///   - timeout: how long the query may run, in seconds.
    ///   - maximumRows: the most rows a result may have (the result is held in memory).
    ///   - maximumBytes: about the most bytes a result may hold in memory.
    /// - Returns: the columns and rows.
    /// - Throws: `AccordError` (`invalidInput`) when the query is refused or fails, naming what
    ///   is not allowed (a function outside ``functions`` is named), when a value would exceed
    ///   ``maximumValueBytes`` or the result `maximumRows`, when it runs longer than `timeout`;
    ///   (`io`) when the file cannot be opened or the connection cannot be made safe.
    public static func run(
        _ query: String, path: String, timeout: TimeInterval = 30, maximumRows: Int = defaultMaximumRows,
        maximumBytes: Int = maximumResultBytes
    ) throws -> Result {
        let db = try open(path)
        defer { sqlite3_close_v2(db) }
        let state = Guard(deadline: Date().addingTimeInterval(timeout))
        let context = Unmanaged.passUnretained(state).toOpaque()
        sqlite3_set_authorizer(db, authorize, context)
        sqlite3_progress_handler(db, 10_000, interrupt, context)
        // The progress handler is called only every 10,000 VM steps: the watchdog interrupts at
        // the next step once the limit is reached (a single function call still runs to its end,
        // hence the capped and left-out functions).
        let watchdog = Watchdog(db, after: timeout)
        defer { watchdog.stop() }

        var statement: OpaquePointer?
        var used = 0
        let prepared = withExtendedLifetime(state) {
            query.withCString { base in
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(db, base, -1, &statement, &tail)
                used = tail.map { $0 - base } ?? 0
                return code
            }
        }
        defer { sqlite3_finalize(statement) }
        if let refusal = state.refusal {
            throw refusal
        }
        guard prepared == SQLITE_OK else {
            throw AccordError(.invalidInput, "the query failed: \(String(cString: sqlite3_errmsg(db))).", field: "QUERY")
        }
        guard let statement else {
            throw AccordError(.invalidInput, "the query is empty; expected one SELECT over the audit views.", field: "QUERY")
        }
        // What follows the statement may only be spaces, semicolons and comments.
        var following: OpaquePointer?
        let rest = String(decoding: query.utf8.dropFirst(used), as: UTF8.self)
        let restCode = withExtendedLifetime(state) { sqlite3_prepare_v2(db, rest, -1, &following, nil) }
        sqlite3_finalize(following)
        if restCode != SQLITE_OK || following != nil { throw refused("more than one statement") }
        guard sqlite3_stmt_readonly(statement) != 0 else { throw refused("a statement that writes") }

        let count = Int(sqlite3_column_count(statement))
        let columns = (0..<count).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        var rows: [[Value]] = []
        var bytes = 0
        while true {
            let step = withExtendedLifetime(state) { sqlite3_step(statement) }
            if step == SQLITE_DONE { break }
            if step == SQLITE_ROW && (rows.count == maximumRows || bytes > maximumBytes) {
                throw AccordError(
                    .invalidInput,
                    "the result has more than \(maximumRows) rows or \(maximumBytes / 1_000_000) MB; aggregate (GROUP BY) or narrow it (WHERE, LIMIT).",
                    field: "QUERY")
            }
            if step == SQLITE_ROW && Date() > state.deadline {
                throw AccordError(.invalidInput, "the query ran longer than \(Int(timeout)) s and was stopped; narrow it.", field: "QUERY")
            }
            guard step == SQLITE_ROW else {
                if step == SQLITE_INTERRUPT {
                    throw AccordError(
                        .invalidInput, "the query ran longer than \(Int(timeout)) s and was stopped; narrow it.", field: "QUERY")
                }
                throw AccordError(.invalidInput, "the query failed: \(String(cString: sqlite3_errmsg(db))).", field: "QUERY")
            }
            let row: [Value] = (0..<count).map { index in
                let column = Int32(index)
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
                case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
                case SQLITE_NULL: return .null
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    guard let base = sqlite3_column_blob(statement, column), count > 0 else { return .blob("") }
                    return .blob(Hex.lowercase(UnsafeRawBufferPointer(start: base, count: count)))
                default:
                    guard let text = sqlite3_column_text(statement, column) else { return .null }
                    return .text(String(cString: text))
                }
            }
            bytes += row.reduce(0) { $0 + $1.size }
            rows.append(row)
        }
        return Result(columns: columns, rows: rows)
    }

    /// Opens the database at `path` read-only for a query: defensive mode, no FTS3 tokenizer,
    /// untrusted schema, no extension loading, ``limits``, capped functions.
    ///
    /// - Throws: `AccordError` (`io`) when the file cannot be opened or the connection cannot be
    ///   set up.
    static func open(_ path: String) throws -> OpaquePointer {
        func connect(_ name: String) -> OpaquePointer? {
            var handle: OpaquePointer?
            // Reading the schema is the first access: where SQLite cannot open the WAL database
            // read-only (no -wal/-shm files and a folder this user cannot write), it fails here.
            guard sqlite3_open_v2(name, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nil) == SQLITE_OK,
                let db = handle, sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nil, nil, nil) == SQLITE_OK
            else {
                sqlite3_close_v2(handle)
                return nil
            }
            return db
        }
        // The same fallback as the store's read-only commands (ConsultationStore.openReadOnly):
        // an unchanging copy (immutable=1), only when no -wal file holds changes.
        guard
            let db = connect(path)
                ?? (FileManager.default.fileExists(atPath: path + "-wal") ? nil : connect(ConsultationStore.immutableURI(path)))
        else {
            throw AccordError(.io, "the database cannot be opened read-only for the audit; check the path given by --db or ACCORD_DB.")
        }
        sqlite3_busy_timeout(db, 5000)
        // No value (text or blob) over 1 MB, and so on.
        for limit in limits { sqlite3_limit(db, limit.id, limit.value) }
        guard accord_sqlite_harden(db) == SQLITE_OK, accord_sqlite_cap_functions(db, Int32(maximumPatternBytes)) == SQLITE_OK
        else {
            sqlite3_close_v2(db)
            throw AccordError(.io, "the audit connection cannot be made safe (SQLite refused a setting); the query was not run.")
        }
        return db
    }

    /// The settings of the connection ``open(_:)`` makes, for tests: each `SQLITE_DBCONFIG_…`
    /// option read back (1 on, 0 off), then each limit of ``limits`` read back.
    static func settings(path: String) throws -> (options: [Int32: Int32], limits: [Int32: Int32]) {
        let db = try open(path)
        defer { sqlite3_close_v2(db) }
        var options: [Int32: Int32] = [:]
        for option in [
            SQLITE_DBCONFIG_DEFENSIVE, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, SQLITE_DBCONFIG_TRUSTED_SCHEMA,
            SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
        ] {
            options[option] = accord_sqlite_config_flag(db, option)
        }
        var limits: [Int32: Int32] = [:]
        for limit in Self.limits { limits[limit.id] = sqlite3_limit(db, limit.id, -1) }
        return (options, limits)
    }

    /// Calls `sqlite3_interrupt` once the time limit is reached, from another thread, unless
    /// stopped first; stopping waits for a call in progress, so the connection may then close.
    private final class Watchdog: @unchecked Sendable {
        private let lock = NSLock()
        private var db: OpaquePointer?
        private let timer: any DispatchSourceTimer

        init(_ db: OpaquePointer, after seconds: TimeInterval) {
            self.db = db
            timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + max(seconds, 0))
            timer.setEventHandler { [weak self] in self?.fire() }
            timer.resume()
        }

        private func fire() {
            lock.lock()
            defer { lock.unlock() }
            if let db { sqlite3_interrupt(db) }
        }

        func stop() {
            timer.cancel()
            lock.lock()
            db = nil
            lock.unlock()
        }
    }

    /// The largest text or blob value a query may make, in bytes (1 MB).
    public static let maximumValueBytes = 1_000_000
    /// The most rows a result may have by default.
    public static let defaultMaximumRows = 2_000_000
    /// The most a result may hold in memory, about (200 MB).
    public static let maximumResultBytes = 200_000_000

    /// The refusal of a function outside ``functions``: names it (at most 64 characters) and
    /// says which are accepted.
    static func functionRefused(_ name: String) -> AccordError {
        let shown = name.count > 64 ? String(name.prefix(64)) + "…" : name
        return AccordError(
            .invalidInput,
            "audit sql allows only core scalar, aggregate, date and time and JSON functions (listed in docs/AUDIT.md); the function \(Result.visible(shown)) is not allowed.",
            field: "QUERY")
    }

    static func refused(_ what: String) -> AccordError {
        AccordError(
            .invalidInput,
            "audit sql reads only the audit views audit_sessions, audit_options, audit_instruments; \(what) is not allowed.",
            field: "QUERY")
    }

    /// The authorizer: allows SELECT, reads of the views (and of their tables through them),
    /// and the functions of ``functions``; refuses everything else and says what.
    private static let authorize:
        @convention(c) (
            UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
            UnsafePointer<CChar>?
        ) -> Int32 = { context, action, first, second, database, view in
            let text = { (pointer: UnsafePointer<CChar>?) in pointer.map { String(cString: $0) } }
            let state = context.map { Unmanaged<Guard>.fromOpaque($0).takeUnretainedValue() }
            var refusal: String?
            switch action {
            case SQLITE_SELECT:
                if let view = text(view)?.lowercased(), AuditSQL.views.contains(view) { state?.views.insert(view) }
                return SQLITE_OK
            case SQLITE_READ:
                let table = text(first)?.lowercased() ?? ""
                let column = text(second) ?? ""
                let through = text(view)?.lowercased()
                let main = text(database).map { $0 == "main" } ?? true
                if main && AuditSQL.views.contains(table) { return SQLITE_OK }
                if let owner = AuditSQL.baseTables[table] {
                    if main, let through, AuditSQL.views.contains(through) {
                        state?.views.insert(through)
                        return SQLITE_OK
                    }
                    // `COUNT(*)` over a view is read from its table without naming the view; it
                    // counts the rows the view shows, nothing more.
                    if column.isEmpty, state?.views.contains(owner) == true { return SQLITE_OK }
                }
                refusal = "reading the table \(table) directly"
            case SQLITE_FUNCTION:
                let name = text(second)?.lowercased() ?? ""
                if AuditSQL.functions.contains(name) { return SQLITE_OK }
                if let state, state.refusal == nil { state.refusal = AuditSQL.functionRefused(name) }
                return SQLITE_DENY
            case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
                let table = text(first)?.lowercased() ?? ""
                if table.hasPrefix("sqlite_") {
                    refusal = "a statement that creates, changes or drops schema objects"
                } else if table.hasPrefix("pragma_") || table.hasPrefix("json_") {
                    refusal = "the table-valued function \(table)"
                } else {
                    refusal = action == SQLITE_INSERT ? "INSERT" : action == SQLITE_UPDATE ? "UPDATE" : "DELETE"
                }
            case SQLITE_ATTACH: refusal = "ATTACH"
            case SQLITE_DETACH: refusal = "DETACH"
            case SQLITE_PRAGMA: refusal = "PRAGMA"
            case SQLITE_TRANSACTION, SQLITE_SAVEPOINT: refusal = "a transaction statement"
            case SQLITE_RECURSIVE: refusal = "a recursive query"
            default: refusal = "a statement that creates, changes or drops schema objects or settings (SQLite action \(action))"
            }
            if let state, let refusal, state.refusal == nil { state.refusal = AuditSQL.refused(refusal) }
            return SQLITE_DENY
        }

    /// Stops the query once its deadline passed.
    private static let interrupt: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
        guard let context else { return 0 }
        return Date() > Unmanaged<Guard>.fromOpaque(context).takeUnretainedValue().deadline ? 1 : 0
    }
}
