import AccordCore
import AccordService
import Foundation

/// A reading command line that needs no argument parser: `session show SESSION` with only
/// `--json`, `--db PATH` and `--key-file PATH` (each at most once, values not starting with
/// `-`). Any other command line, or any doubt, is left to swift-argument-parser, whose
/// reflection over the command tree was about half of a cold `session show`'s instructions.
/// What runs is the same code as the parsed command's, with the same values.
struct ReadingCommandLine {
    let session: SessionID
    let json: Bool
    let store: StoreLocation

    /// `nil` unless `arguments` (without the program name) are such a command line.
    init?(_ arguments: [String]) {
        guard arguments.count >= 3, arguments[0] == "session", arguments[1] == "show" else { return nil }
        var session: SessionID?
        var json = false
        var store = StoreLocation()
        var index = 2
        func value(_ given: String?) -> String? {
            guard let given, !given.isEmpty, !given.hasPrefix("-") else { return nil }
            return given
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            switch argument {
            case "--json" where !json:
                json = true
            case "--db" where store.db == nil:
                guard let path = value(index < arguments.count ? arguments[index] : nil) else { return nil }
                store.db = path
                index += 1
            case "--key-file" where store.keyFile == nil:
                guard let path = value(index < arguments.count ? arguments[index] : nil) else { return nil }
                store.keyFile = path
                index += 1
            default:
                guard session == nil, !argument.hasPrefix("-"), let id = SessionID(argument) else { return nil }
                session = id
            }
        }
        guard let session else { return nil }
        self.session = session
        self.json = json
        self.store = store
    }

    /// Shows the session, then ends the process with status 0 (errors are thrown, as the
    /// parsed command's): on SQLite the read-only connection is left for the system to close
    /// (releasing the store was about a twelfth of the command's instructions; nothing was
    /// written). A PostgreSQL connection is closed as usual.
    func run() throws {
        let service = try store.openExisting()
        try SessionCommand.Show.show(session, json: json, from: service)
        guard !AccordService.isPostgresURL(store.path) else { return }
        withExtendedLifetime(service) { Foundation.exit(0) }
    }
}
