// swift-tools-version: 6.0
//
// npsprobe — a RADIUS/EAP test client for Microsoft NPS.
//
// Targets, one idea each; arrows point one way:
//   npsprobe (@main) → NPSProbeCLI → Probe → Profiles / NPS → EAP / RADIUS → TLS → COpenSSL
import PackageDescription

let package = Package(
    name: "npsprobe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "npsprobe", targets: ["npsprobe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        /// OpenSSL 3 (Debian `libssl-dev`) as a system library; `shim.h` wraps the macros Swift cannot call.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        /// The only code that touches OpenSSL: digests, HMAC, randomness, legacy ciphers, and TLS client
        /// sessions over memory BIOs with key export and handshake evidence.
        .target(name: "TLS", dependencies: ["COpenSSL"]),
        /// RADIUS wire format (RFC 2865/2866/2869/3162/3579/5176/5997/2548) and FreeRADIUS-format dictionaries.
        .target(name: "RADIUS", dependencies: ["TLS"]),
        /// EAP packets, the peer state machine and its methods: EAP-TLS, PEAPv0, MS-CHAPv2, EAP-TLV.
        .target(name: "EAP", dependencies: ["TLS"]),
        /// NPS knowledge: reason codes, Windows errors, MS-CHAP errors, evidence → verdict rules, NPS logs.
        .target(name: "NPS", dependencies: ["RADIUS", "EAP", "TLS"]),
        /// Running conversations: UDP transport, retransmission, failover, load generation, statistics.
        .target(
            name: "Probe",
            dependencies: [
                "RADIUS", "EAP", "TLS", "NPS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        /// YAML profiles and suites: the model, `${VAR}` substitution, validation with file:line:column.
        .target(
            name: "Profiles",
            dependencies: ["Probe", "NPS", "RADIUS", "TLS", .product(name: "Yams", package: "Yams")]
        ),
        /// The commands, one `ParsableCommand` per file; a library so tests can call them.
        .target(
            name: "NPSProbeCLI",
            dependencies: [
                "Probe", "Profiles", "NPS", "RADIUS", "EAP", "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// `@main` and nothing else.
        .executableTarget(name: "npsprobe", dependencies: ["NPSProbeCLI"]),

        /// Test support: the built-in lab's environment (ports, PKI, users) for end-to-end tests, and the openssl-CLI
        /// test PKI builder the unit tests share.
        .target(name: "LabSupport", path: "Tests/LabSupport"),

        .testTarget(
            name: "TLSTests", dependencies: ["TLS", "COpenSSL", "LabSupport"], resources: [.copy("Vectors")]),
        .testTarget(name: "RADIUSTests", dependencies: ["RADIUS", "TLS"], resources: [.copy("Vectors")]),
        .testTarget(name: "EAPTests", dependencies: ["EAP", "TLS"], resources: [.copy("Vectors")]),
        .testTarget(
            name: "NPSTests", dependencies: ["NPS", "EAP", "RADIUS", "TLS", "LabSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ProbeTests",
            dependencies: [
                "Probe", "RADIUS", "EAP", "TLS", "NPS", "LabSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ProfilesTests", dependencies: ["Profiles", "RADIUS", "TLS", "NPS", "EAP", "Probe", "LabSupport"]),
        .testTarget(
            name: "NPSProbeCLITests",
            dependencies: ["NPSProbeCLI", "Profiles", "Probe", "NPS", "EAP", "RADIUS", "TLS", "LabSupport"]),
    ]
)
