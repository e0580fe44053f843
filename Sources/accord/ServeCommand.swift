import AccordCore
import AccordService
import AccordWeb
import ArgumentParser
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web interface of the consultation room (French first, English by the browser).",
        discussion: """
            Listens on 127.0.0.1:8080 by default. An address other than loopback requires --tls-cert and --tls-key. \
            Accounts come from `accord user add`. The database is an SQLite file or a PostgreSQL database \
            (--db postgres://…, made by `accord db init`); on PostgreSQL several servers may share it. Stops on \
            SIGINT (Ctrl-C) or SIGTERM. Logs go to standard error (ACCORD_LOG_LEVEL, default warning; info logs \
            each sign-in, sign-out and refusal, never who). Behind a reverse proxy that terminates TLS, give \
            --secure-cookies. Every read of a patient's record is written to the access log (`accord audit \
            access`). Running it under systemd: docs/accord-serve.service. ACCORD_INSTRUMENT_WORDING names the \
            centre's file of instrument item wording (YAML, see README); without it the patient's questionnaires \
            show item numbers and short labels.
            """)

    @OptionGroup var database: WebDatabaseOptions

    @Option(help: ArgumentHelp("The address and port to listen on (HOST:PORT; [IPv6]:PORT).", valueName: "host:port"))
    var listen: String = ListenAddress.default.description

    @Option(help: ArgumentHelp("The server's certificate chain (PEM); required off loopback.", valueName: "path"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The certificate's private key (PEM); required off loopback.", valueName: "path"))
    var tlsKey: String?

    @Flag(
        help: """
            Mark cookies Secure although the server speaks plain HTTP: behind a reverse proxy that terminates TLS \
            (browsers then send them only over HTTPS). Implied by --tls-cert.
            """)
    var secureCookies = false

    func validate() throws {
        do {
            _ = try TLSFiles.check(listen: try ListenAddress(parsing: listen), certificate: tlsCert, key: tlsKey)
        } catch let error as AccordError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let address = try ListenAddress(parsing: listen)
        let tls = try TLSFiles.check(listen: address, certificate: tlsCert, key: tlsKey)
        let wording = try ProcessEnvironment.nonEmpty(InstrumentWording.environmentVariable).map { try InstrumentWording.load(path: $0) }
        let server = try WebServer.open(
            path: database.path, clock: try AccordClock.fromEnvironment(), keyFile: database.keyFile,
            settings: WebSettings(
                secureCookies: secureCookies || tls != nil, language: try Messages.fromEnvironment().language,
                instrumentWording: wording),
            logger: Accord.logger)
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        let url = "\(tls == nil ? "http" : "https")://\(address)"
        Task {
            do {
                try await server.run(listen: address, tls: tls) { Terminal.message("accord: serving on \(url) (Ctrl-C or SIGTERM stops)") }
            } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// The error the server stopped on, handed from its task to the command.
private final class ServeOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    var error: Error? { lock.withLock { stored } }

    func set(_ error: Error) { lock.withLock { stored = error } }
}
