// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "museolab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "museolab-server", targets: ["museolab-server"]),
        .executable(name: "museolab", targets: ["museolab"]),
        .executable(name: "museolab-bench", targets: ["museolab-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        // Already built for the OpenAPI generator: reads the document's required query parameters.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already built for Hummingbird: its channel streams exports with backpressure.
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        // Server-rendered pages; no dependencies of its own, escapes by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Every business rule and the PostgreSQL store.
        .target(
            name: "MuseoLab",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its error type, to tell the pool's circuit breaker (database away) from a refusal.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A private PostgreSQL cluster under a project-local folder (run command, CLI, tests).
        .target(
            name: "EmbeddedPostgres",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Where the database is: DATABASE_URL, or the embedded cluster; shared by both front ends and the tests.
        .target(
            name: "MuseoLabRuntime",
            dependencies: [
                "MuseoLab",
                "EmbeddedPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The Factur-X printer's script (WeasyPrint and factur-x, from PyPI).
            resources: [.copy("Printing/facturx-print.py")]
        ),
        // Types and server stubs generated from openapi.yaml, the HTTP contract.
        .target(
            name: "MuseoLabAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The HTTP front end: maps requests to the domain, nothing more.
        .target(
            name: "MuseoLabHTTP",
            dependencies: [
                "MuseoLab",
                "MuseoLabAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The OpenAPI document, served verbatim; Sources/MuseoLabAPI/openapi.yaml links here for the generator.
            resources: [.copy("Resources/openapi.yaml")]
        ),
        // The web pages (French first), served beside the API: maps forms to the domain, nothing more.
        .target(
            name: "MuseoLabWeb",
            dependencies: [
                "MuseoLab",
                "MuseoLabHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources/templates"), .copy("Resources/static")]
        ),
        .executableTarget(
            name: "museolab-server",
            dependencies: [
                "MuseoLabHTTP", "MuseoLabWeb", "MuseoLab", "MuseoLabRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "museolab",
            dependencies: [
                "MuseoLab",
                "MuseoLabRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks, run on demand (`swift run -c release museolab-bench …`): they print figures, never assert.
        .executableTarget(
            name: "museolab-bench",
            dependencies: [
                "MuseoLab",
                "MuseoLabRuntime",
                // The server's code in process, to record the statements of one request.
                "MuseoLabHTTP",
                "MuseoLabWeb",
                "EmbeddedPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "MuseoLabTests",
            dependencies: [
                "MuseoLab", "MuseoLabHTTP", "MuseoLabWeb", "MuseoLabAPI", "MuseoLabRuntime", "EmbeddedPostgres",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
    ]
)
