import AccordStoreTestSupport
import Foundation
import Testing

/// A reading command given a file that is not a database, or a database cut short, says so,
/// whether or not SQLite left a -wal beside it (it makes one when it opens a WAL database,
/// damaged or not): not that a -wal cannot be read.
@Suite(.sqliteOnly("the files are SQLite files given with --db"))
struct DamagedDatabaseTests {
    static let damaged = "accord: error: the database file is not an Accord database or is damaged; nothing was recorded.\n"

    @Test func aDamagedDatabaseIsSaidToBeOne() throws {
        let cli = try CommandLineHabitsTests().prepared()
        defer { cli.cleanUp() }
        let whole = try Data(contentsOf: cli.database)
        #expect(whole.count > 64 * 1024)
        let cut = cli.folder.appendingPathComponent("cut.sqlite")
        try whole.prefix(whole.count / 2).write(to: cut)
        let text = cli.folder.appendingPathComponent("text.sqlite")
        try Data("not a database at all\n".utf8).write(to: text)
        for file in [cut, text] {
            // Twice: the second run finds the -wal and -shm the first one left.
            for _ in 0..<2 {
                for arguments in [["session", "show", "S1"], ["session", "list"], ["session", "history", "S1"]] {
                    let result = try cli.run(arguments + ["--db", file.path])
                    #expect(result.status == 74, "\(arguments) \(file.lastPathComponent)")
                    #expect(result.stderr == Self.damaged, "\(arguments) \(file.lastPathComponent)")
                }
            }
        }
        // The database itself still reads.
        #expect(try cli.run(["session", "show", "S1"]).status == 0)
    }
}
