import AccordCore
import AccordTestSupport
import Foundation
import GRDBSQLite
import Testing

@testable import AccordStore

/// What `audit sql` lets a query call, how its connection is set up and how its time limit holds.
@Suite struct AuditSQLSandboxTests {
    /// A database file with `count` closed sessions; removed by the caller.
    static func database(sessions count: Int) throws -> (path: String, folder: URL) {
        let (store, folder) = try AuditDataset.fileStore()
        for _ in 0..<count { _ = try store.importConsultation(start: Samples.start(), changes: [.sessionClosed]) }
        return (try #require(store.databasePath), folder)
    }

    /// `'x'` repeated `6 × 10^levels` times, made with allowed functions only.
    static func repeatedX(levels: Int) -> String {
        (0..<levels).reduce("'xxxxxx'") { inner, _ in "replace(\(inner), 'x', 'xxxxxxxxxx')" }
    }

    static func functionRefused(_ name: String) -> AccordError {
        AccordError(
            .invalidInput,
            "audit sql allows only core scalar, aggregate, date and time and JSON functions (listed in docs/AUDIT.md); the function \(name) is not allowed.",
            field: "QUERY")
    }

    @Test(arguments: [
        ("SELECT fts3_tokenizer('simple')", "fts3_tokenizer"),
        ("SELECT fts3_tokenizer('simple', x'4141414141414141')", "fts3_tokenizer"),
        ("SELECT printf('%.*c', 2147483647, 'x')", "printf"),
        ("SELECT format('%s', 'x') FROM audit_sessions", "format"),
        ("SELECT load_extension('/tmp/x.so')", "load_extension"),
        ("SELECT sqlite_version()", "sqlite_version"),
        ("SELECT session_number FROM audit_sessions ORDER BY random()", "random"),
        ("SELECT length(zeroblob(10))", "zeroblob"),
        ("SELECT hex(randomblob(8))", "randomblob"),
        ("SELECT count(*) FROM audit_sessions WHERE upper(topic_group) = soundex('x')", "soundex"),
        ("SELECT json_set('{}', '$.a', 1)", "json_set"),
        ("SELECT unicode(char(65)), total_changes()", "total_changes"),
    ])
    func functionsOutsideTheListAreRefused(query: String, name: String) throws {
        let (path, folder) = try Self.database(sessions: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: Self.functionRefused(name)) { try AuditSQL.run(query, path: path) }
    }

    @Test func refusalDoesNotEchoTheQuerysLiterals() throws {
        let (path, folder) = try Self.database(sessions: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: Self.functionRefused("printf")) {
            try AuditSQL.run("SELECT printf('MARCHAND %s', '158056912345606')", path: path)
        }
    }

    @Test func allowedFunctionsGiveTheirExactValues() throws {
        let (path, folder) = try Self.database(sessions: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try AuditSQL.run(
            """
            SELECT count(*), round(7.0 / 3, 2), strftime('%Y-%m-%d %H:%M', '2026-03-02T09:30:00Z', '+1 day'),
                json_extract('{"a": [1, {"b": "c"}]}', '$.a[1].b'), '{"n": 4}' ->> '$.n', unixepoch('2026-01-01'),
                group_concat(DISTINCT closed), iif(count(*) > 2, 'many', 'few'), upper(substr('audit', 1, 3)),
                instr('hello', 'l'), replace('a-b-c', '-', '+'), trim('xxhixx', 'x'), ltrim('  a'), rtrim('a!!', '!'),
                sum(closed), total(closed), avg(closed), coalesce(NULL, 2), typeof(1.5), 'ab' LIKE 'A%', 'ab' GLOB 'a*'
            FROM audit_sessions
            """, path: path)
        #expect(
            result.rows == [
                [
                    .integer(3), .real(2.33), .text("2026-03-03 09:30"), .text("c"), .integer(4), .integer(1_767_225_600), .text("1"),
                    .text("many"), .text("AUD"), .integer(3), .text("a+b+c"), .text("hi"), .text("a"), .text("a"), .integer(3),
                    .real(3), .real(1), .integer(2), .text("real"), .integer(1), .integer(1),
                ]
            ])
    }

    @Test func searchingFunctionsAreCapped() throws {
        let (path, folder) = try Self.database(sessions: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = "'" + String(repeating: "a", count: 1_001) + "'"
        let set = "'" + String(repeating: "a", count: 33) + "'"
        for (name, call, cap) in [
            ("instr", "instr('abc', \(long))", 1000), ("replace", "replace('abc', \(long), 'x')", 1000),
            ("trim", "trim('abc', \(set))", 32),
            ("ltrim", "ltrim('abc', \(set))", 32), ("rtrim", "rtrim('abc', \(set))", 32),
        ] {
            #expect(
                throws: AccordError(
                    .invalidInput,
                    "the query failed: the second argument of \(name)() is longer than \(cap) bytes, the most audit sql accepts.",
                    field: "QUERY")
            ) {
                try AuditSQL.run("SELECT \(call)", path: path)
            }
        }
        // Up to the cap they give the built-in's result, blobs and NULLs included.
        let exact = "'" + String(repeating: "a", count: 1_000) + "'"
        #expect(
            try AuditSQL.run(
                "SELECT instr('b' || \(exact), \(exact)), instr(x'00410042', x'42'), replace(NULL, 'a', 'b'), trim(1234.0, '0'), instr(12345, 34)",
                path: path
            ).rows == [[.integer(2), .integer(4), .null, .text("1234."), .integer(3)]])
        // A LIKE pattern is at most 100 bytes.
        let pattern = "'%" + String(repeating: "a%", count: 50) + "'"
        #expect(throws: AccordError(.invalidInput, "the query failed: LIKE or GLOB pattern too complex.", field: "QUERY")) {
            try AuditSQL.run("SELECT 'a' LIKE \(pattern)", path: path)
        }
        // A value still may not exceed 1 MB, through the capped replace too.
        #expect(throws: AccordError(.invalidInput, "the query failed: string or blob too big.", field: "QUERY")) {
            try AuditSQL.run("SELECT length(\(Self.repeatedX(levels: 6)))", path: path)
        }
        #expect(try AuditSQL.run("SELECT length(\(Self.repeatedX(levels: 5)))", path: path).rows == [[.integer(600_000)]])
    }

    @Test func connectionIsDefensiveAndLimited() throws {
        let (path, folder) = try Self.database(sessions: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = try AuditSQL.settings(path: path)
        #expect(
            settings.options == [
                SQLITE_DBCONFIG_DEFENSIVE: 1, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER: 0, SQLITE_DBCONFIG_TRUSTED_SCHEMA: 0,
                SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION: 0,
            ])
        #expect(settings.limits[SQLITE_LIMIT_LENGTH] == 1_000_000)
        #expect(settings.limits[SQLITE_LIMIT_ATTACHED] == 0)
        #expect(settings.limits[SQLITE_LIMIT_FUNCTION_ARG] == 32)
        for limit in AuditSQL.limits { #expect(settings.limits[limit.id] == limit.value, "limit \(limit.id)") }
        // A function with more arguments than the limit is refused by SQLite itself.
        let arguments = (1...33).map(String.init).joined(separator: ", ")
        #expect(throws: AccordError(.invalidInput, "the query failed: too many arguments on function max.", field: "QUERY")) {
            try AuditSQL.run("SELECT max(\(arguments))", path: path)
        }
    }

    /// 625 rows of a cross join, each spending milliseconds in `instr` over a 900 KB value: few
    /// enough VM steps that the progress handler (every 10,000 steps) would let the query run
    /// for seconds; the watchdog stops it at the 1-second limit.
    @Test func watchdogStopsAQueryAtItsLimit() throws {
        let (path, folder) = try Self.database(sessions: 5)
        defer { try? FileManager.default.removeItem(at: folder) }
        let haystack = (0..<5).reduce(
            "'aaaaaaaaa' || (a.session_number + b.session_number + c.session_number + d.session_number)"
        ) { inner, _ in "replace(\(inner), 'a', 'aaaaaaaaaa')" }
        let needle = "replace(replace('aaaaaaaaaa', 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaa') || 'b'"
        let query = """
            SELECT count(*) FROM audit_sessions a, audit_sessions b, audit_sessions c, audit_sessions d
            WHERE instr(\(haystack), \(needle)) > 0
            """
        let started = Date()
        #expect(throws: AccordError(.invalidInput, "the query ran longer than 1 s and was stopped; narrow it.", field: "QUERY")) {
            try AuditSQL.run(query, path: path, timeout: 1)
        }
        // Without the watchdog the query runs about 16 s on an idle machine; with it, about 1.2 s
        // (up to 5 s on a machine busy with compilers): 10 s tells the two apart without flaking.
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 10, "stopped after \(elapsed) s")
    }
}
