import AccordCore
import AccordPostgres
import AccordService
import AccordStore
import AccordStoreTestSupport
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging

/// A clock the test moves forward.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    init(_ start: Date) { instant = start }

    func now() -> Date { lock.withLock { instant } }

    func advance(by seconds: TimeInterval) { lock.withLock { instant = instant.addingTimeInterval(seconds) } }
}

/// A scratch database with one enabled account, and the web server over it: an SQLite file, or
/// a fresh PostgreSQL database (``AccordStoreTestSupport/TestBackend/postgres``).
struct WebTestSite {
    /// An invented clinician's IdNat_PS (8 + RPPS, valid Luhn key).
    static let clinicianID = Samples.clinicianID
    static let clinicianName = "Dr Hélène Roussel"
    static let password = "correct horse battery"

    let folder: URL
    let store: any WebStores
    /// The PostgreSQL database, dropped by ``cleanUp()``.
    let postgres: PostgresTestDatabase?
    let users: WebUsers
    let clock: ManualClock
    let server: WebServer

    init(settings: WebSettings = WebSettings(), backend: TestBackend = .sqlite) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accord-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keyFile = folder.appendingPathComponent("chain.key").path
        switch backend {
        case .sqlite:
            postgres = nil
            store = try ConsultationStore.open(
                path: folder.appendingPathComponent("accord.sqlite").path, clock: .fixed(at: Samples.instant), keyFile: keyFile)
        case .postgres:
            let database = try PostgresTestDatabase.make()
            postgres = database
            store = try PostgresEventStore.open(url: database.url, clock: .fixed(at: Samples.instant), keyFile: keyFile)
        }
        let clock = ManualClock(Samples.instant)
        self.clock = clock
        users = WebUsers(store: store.webAccounts, now: { clock.now() })
        // Cost 4: the lowest bcrypt accepts, so that the tests stay fast.
        try users.add(idnatPS: Self.clinicianID, name: Self.clinicianName, password: Self.password, cost: 4)
        server = WebServer(
            store: store, clock: .fixed(at: Samples.instant), settings: settings, now: { clock.now() }, logger: Self.quietLogger)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    /// The SQLite store (the tests of SQLite's own tables).
    var sqlite: ConsultationStore { store as! ConsultationStore }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
        postgres?.drop()
    }

    /// Runs `body` against the server's routes (HummingbirdTesting's router framework).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let application = Application(router: server.router())
        try await application.test(.router, body)
    }
}

/// What a test reads of a response.
extension TestResponse {
    var text: String { String(buffer: body) }

    /// The `Set-Cookie` header of the cookie `name`, whole (`name=value; Path=/; …`).
    func setCookie(_ name: String) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    /// The attributes `Set-Cookie` gives the cookie `name` (`Path=/`, `HttpOnly`…), in any order.
    func cookieAttributes(_ name: String) -> Set<String>? {
        setCookie(name).map { Set($0.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }) }
    }

    /// The value `Set-Cookie` gives the cookie `name`.
    func cookieValue(_ name: String) -> String? {
        setCookie(name).map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }

    /// The value of the first hidden `csrf` field of the page.
    var csrfField: String? { fieldValue("csrf") }

    /// The value of the first form field named `name` on the page (`name="…" value="…"`).
    func fieldValue(_ name: String) -> String? {
        guard let range = text.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestClientProtocol {
    /// `GET /connexion`: the form's CSRF token and the matching `accord_csrf` cookie value.
    func signInForm() async throws -> (field: String, cookie: String) {
        let page = try await execute(uri: "/connexion", method: .get)
        guard let field = page.csrfField, let cookie = page.cookieValue(WebServer.signInFormCookie) else {
            throw WebTestError.noForm
        }
        return (field, cookie)
    }

    /// `POST /connexion` with a fresh form.
    func signIn(id: String = WebTestSite.clinicianID, password: String = WebTestSite.password) async throws -> TestResponse {
        let form = try await signInForm()
        return try await post(
            "/connexion", fields: ["csrf": form.field, "id": id, "password": password],
            cookies: [WebServer.signInFormCookie: form.cookie])
    }

    /// Signs in and returns the session cookie's value.
    func signedInCookie() async throws -> String {
        let response = try await signIn()
        guard response.status == .seeOther, let token = response.cookieValue(WebServer.sessionCookie) else {
            throw WebTestError.notSignedIn
        }
        return token
    }

    func get(_ uri: String, cookies: [String: String] = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: Self.cookieHeader(cookies))
    }

    func post(_ uri: String, fields: [String: String], cookies: [String: String] = [:]) async throws -> TestResponse {
        var headers = Self.cookieHeader(cookies)
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.sorted { $0.key < $1.key }.map { key, value in
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            return key + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func cookieHeader(_ cookies: [String: String]) -> HTTPFields {
        guard !cookies.isEmpty else { return [:] }
        return [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }
}

enum WebTestError: Error {
    case noForm
    case notSignedIn
}
