import AccordCore
import AccordPostgres
import Testing

/// Reading the libpq-style URL of `--db`/`ACCORD_DB` (no server needed).
@Suite struct PostgresLocationTests {
    @Test func aHostAPortAndADatabase() throws {
        let location = try PostgresLocation(url: "postgres://accord_app:s%40cret@db.centre.example:6432/accord_lyon")
        #expect(location.host == "db.centre.example" && location.port == 6432 && location.socketFolder == nil)
        #expect(location.user == "accord_app" && location.password == "s@cret" && location.database == "accord_lyon")
        #expect(location.tls == .require, "a remote server: TLS required unless sslmode says otherwise")
        #expect(location.description == "postgres://accord_app@db.centre.example:6432/accord_lyon", "never the password")
    }

    @Test func loopbackPrefersTLSAndASocketFolderUsesNone() throws {
        #expect(try PostgresLocation(url: "postgresql://a@localhost/db").tls == .prefer)
        #expect(try PostgresLocation(url: "postgres://a@127.0.0.1:5433/db").tls == .prefer)
        #expect(try PostgresLocation(url: "postgres://a@[::1]/db").tls == .prefer)
        let socket = try PostgresLocation(url: "postgres://accord_admin@localhost/postgres?host=/tmp/accord-pg")
        #expect(socket.socketPath == "/tmp/accord-pg/.s.PGSQL.5432" && socket.host == nil && socket.tls == .disable)
        #expect(socket.description == "postgres://accord_admin@/postgres?host=/tmp/accord-pg")
    }

    @Test func sslmodeIsHonoured() throws {
        for mode in PostgresLocation.TLSMode.allCases {
            #expect(try PostgresLocation(url: "postgres://a@db.example/d?sslmode=\(mode.rawValue)").tls == mode)
        }
        let verified = try PostgresLocation(url: "postgres://a@db.example/d?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem")
        #expect(verified.rootCertificate == "/etc/ssl/ca.pem")
    }

    @Test(arguments: [
        ("mysql://a@b/c", "does not start with postgres:// or postgresql://"),
        ("postgres://db.example/accord", "names no user"),
        ("postgres://a@db.example", "names no database"),
        ("postgres://a@db.example:port/d", "has a port that is not a number"),
        (
            "postgres://a@db.example/d?sslmode=always",
            "has an sslmode that is not one of disable, allow, prefer, require, verify-ca, verify-full"
        ),
        ("postgres://a@db.example/d?options=-c", "has a parameter Accord does not know (options)"),
        ("postgres://a@x/d?host=/run/postgresql&sslmode=require", "asks for sslmode=require over a Unix socket"),
    ])
    func aMalformedURLIsRefusedWithoutRepeatingIt(_ url: String, _ why: String) throws {
        let error = try #require(throws: AccordError.self) {
            try PostgresLocation(url: "\(url)".replacingOccurrences(of: "a@", with: "a:hunter2@"))
        }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains(why), "\(error.message)")
        #expect(!error.message.contains("hunter2"), "the password is never repeated")
    }

    @Test func onlyPostgresURLsAreURLs() {
        #expect(PostgresLocation.isURL("postgres://a@b/c") && PostgresLocation.isURL("postgresql://a@b/c"))
        #expect(!PostgresLocation.isURL("accord.sqlite") && !PostgresLocation.isURL("./postgres://x"))
    }
}
