// swift-tools-version: 6.1
import PackageDescription

// libxml2's header folder (libxml2-dev), for every Swift target that imports AccordXML directly
// or through another module: each of them may have to rebuild the CLibXML2 module itself (when
// libxml2-dev is upgraded or reinstalled, the cached one is out of date, and a target without
// the folder then fails with "'libxml/xmlversion.h' file not found").
let libxml2Headers: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])]

let package = Package(
    name: "Accord",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "accord", targets: ["accord"]),
        .library(name: "AccordCore", targets: ["AccordCore"]),
        .library(name: "AccordStore", targets: ["AccordStore"]),
        .library(name: "AccordXML", targets: ["AccordXML"]),
        .library(name: "AccordService", targets: ["AccordService"]),
        .library(name: "AccordWeb", targets: ["AccordWeb"]),
        .library(name: "AccordPostgres", targets: ["AccordPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // `Deque`: a batch export's queues of the documents it builds ahead.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // The web interface (`accord serve`): HTTP server, TLS, route tests; bcrypt for passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
        // The PostgreSQL store of a network of centres (`--db postgres://…`).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // `swift package generate-documentation --target AccordCore` (see README, "Development").
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // AccordCore also imports Yams's libyaml (`CYaml`), the module Yams builds and reads
        // with: its scanner finds the anchors and aliases a consultation file may not hold.
        .target(
            name: "AccordCore",
            dependencies: ["CFileSync", .product(name: "Yams", package: "Yams")]
        ),
        // syncfs(2) and unnamed files (O_TMPFILE) for SafeFile's groups of files (a batch's documents).
        .target(name: "CFileSync"),
        .target(
            name: "AccordStore",
            dependencies: [
                "AccordCore",
                "CSQLiteShim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CSQLiteShim",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // libxml2's headers, and each libxml2 function Accord calls: the library itself is loaded
        // when a command first needs XML, not at every start (CLibXML2.h says why), so nothing
        // links it. Each target that reads libxml2's headers names their folder (libxml2-dev's
        // /usr/include/libxml2), which pkg-config gave before along with the link.
        .target(
            name: "CLibXML2",
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // XML signatures: libxmlsec1-openssl is loaded with dlopen when a command first signs or
        // verifies (CXMLSec.h says why). Its headers (libxmlsec1-dev) are read by CXMLSec.c only,
        // from xmlsec's own include folder.
        .target(
            name: "CXMLSec",
            dependencies: ["CLibXML2"],
            cSettings: [.unsafeFlags(["-I/usr/include/xmlsec1", "-I/usr/include/libxml2"])],
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "AccordXML",
            dependencies: [
                "AccordCore",
                "CLibXML2",
                "CXMLSec",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: libxml2Headers
        ),
        .target(
            name: "AccordPostgres",
            dependencies: [
                "AccordCore",
                "AccordStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AccordService",
            dependencies: [
                "AccordCore",
                "AccordStore",
                "AccordPostgres",
                "AccordXML",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: libxml2Headers
        ),
        .target(
            name: "AccordWeb",
            dependencies: [
                "AccordCore",
                "AccordPostgres",
                "AccordService",
                "AccordStore",
                "AccordXML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: libxml2Headers
        ),
        .executableTarget(
            name: "accord",
            dependencies: [
                "AccordCore",
                "AccordService",
                "AccordWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: libxml2Headers,
            // The release binary carries the Swift standard library and Foundation (no dynamic
            // loading of them at each start: a cold `session show` takes about half the CPU).
            // The other modules are compiled without `-static-stdlib`, so Foundation's own static
            // libraries are named here, and lld takes them in any order. `-static-stdlib` also
            // exports every Swift symbol of the binary (about 52,000) to the dynamic linker, which
            // then looks through them for each symbol every shared library needs at start:
            // `--no-export-dynamic`, given after it, keeps them in the file's own symbol table
            // only (crash backtraces read that one). `Linking/` holds a linker script named
            // `libstdc++.so` that takes the static libstdc++ (see the file): no libstdc++.so.6 to
            // load and relocate at each start.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-use-ld=lld", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCollections",
                        "-l_FoundationCShims", "-Xlinker", "--no-export-dynamic", "-L\(Context.packageDirectory)/Linking",
                    ], .when(platforms: [.linux], configuration: .release))
            ]
        ),
        // `swift run -c release instant-benchmark`: UTCInstant against Foundation's ISO 8601 style.
        .executableTarget(name: "instant-benchmark", dependencies: ["AccordCore"], path: "Benchmarks/InstantFormats"),
        .target(name: "AccordTestSupport", dependencies: ["AccordCore"], path: "Tests/AccordTestSupport"),
        // The scenarios every EventStore implementation runs (EventStoreContract).
        .target(
            name: "AccordStoreTestSupport", dependencies: ["AccordStore", "AccordPostgres", "AccordCore", "AccordTestSupport"],
            path: "Tests/AccordStoreTestSupport"),
        .testTarget(name: "AccordCoreTests", dependencies: ["AccordCore", "CFileSync", "AccordTestSupport"]),
        .testTarget(
            name: "AccordStoreTests",
            dependencies: [
                "AccordStore", "AccordPostgres", "AccordCore", "AccordTestSupport", "AccordStoreTestSupport", "AccordService",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: libxml2Headers
        ),
        .testTarget(
            name: "AccordXMLTests",
            dependencies: [
                "AccordXML", "AccordCore", "AccordService", "CLibXML2", .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            // The tests' own writer (LibXMLTextWriter.swift) calls libxml2 directly.
            swiftSettings: libxml2Headers,
            linkerSettings: [.linkedLibrary("xml2")]
        ),
        .testTarget(
            name: "AccordServiceTests",
            dependencies: ["AccordService", "AccordStore", "AccordCore", "AccordTestSupport", "AccordStoreTestSupport"],
            swiftSettings: libxml2Headers
        ),
        .testTarget(
            name: "AccordWebTests",
            dependencies: [
                "AccordPostgres", "AccordStoreTestSupport",
                "AccordWeb", "AccordStore", "AccordCore", "AccordService", "AccordTestSupport", "AccordXML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: libxml2Headers
        ),
        .testTarget(
            name: "AccordEndToEndTests",
            dependencies: [
                "accord", "AccordCore", "AccordService", "AccordStore", "AccordPostgres", "AccordXML", "AccordTestSupport",
                "AccordStoreTestSupport",
            ],
            swiftSettings: libxml2Headers
        ),
    ]
)
