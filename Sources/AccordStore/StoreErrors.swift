import AccordCore
import GRDB

/// Turns database failures into sentences a user can act on.
package enum StoreErrors {
    /// A write transaction on `writer`, GRDB's errors turned into `AccordError` (`busy`, `io`…)
    /// by ``map(_:opening:)``: the web interface's tables (accounts, patient's screens, access
    /// log) write through it.
    static func write<T>(_ writer: any DatabaseWriter, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch let error as DatabaseError {
            throw map(error, opening: writer.path)
        } catch is RowDecodingError {
            throw valueNeverWritten
        }
    }

    /// A read on `writer`, errors turned into `AccordError` as ``write(_:_:)`` does.
    static func read<T>(_ writer: any DatabaseWriter, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            throw map(error, opening: nil)
        } catch is RowDecodingError {
            throw valueNeverWritten
        }
    }

    /// A row holds a value of a type Accord never writes in its column (a row changed outside
    /// Accord), met while decoding it: GRDB's error names the row's values, so it is never
    /// shown; this sentence names none.
    package static let valueNeverWritten = AccordError(
        .conflict,
        "the database holds a value Accord never writes (a row changed outside Accord); nothing was recorded. Check the events with `accord verify`, and restore the database from a backup."
    )

    package static func unknownSession(_ id: SessionID) -> AccordError {
        AccordError(.notFound, "no session \(id) in this database; `accord session list` shows the sessions it holds.")
    }

    static func map(_ error: DatabaseError, opening path: String?) -> AccordError {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return AccordError(
                .busy, "the database is busy, try again: another accord process held it longer than the busy timeout; nothing was recorded."
            )
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return AccordError(.io, "the database file is not an Accord database or is damaged; nothing was recorded.")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM:
            let place = path.map { "the database \($0)" } ?? "the database file"
            return AccordError(
                .io,
                "\(place) cannot be opened for writing (the file or its folder is read-only for this user); check the path given by --db or ACCORD_DB and its permissions (commands that only read, such as `accord verify` or `accord session show`, need no write access; nothing was recorded)."
            )
        case .SQLITE_IOERR, .SQLITE_FULL:
            return AccordError(
                .io,
                "the database file could not be read or written (an input/output error or a full disk); check the path given by --db or ACCORD_DB and its disk; nothing was recorded."
            )
        case .SQLITE_CONSTRAINT:
            return AccordError(.conflict, "the database refused the change (\(error.message ?? "constraint")); nothing was recorded.")
        default:
            return AccordError(.io, "the database failed (SQLite code \(error.resultCode.rawValue)); nothing was recorded.")
        }
    }
}
