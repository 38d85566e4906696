// swift-tools-version: 6.0
//
// npsprobe — a RADIUS/EAP test client for Microsoft NPS.
//
// Targets, one idea each; arrows point one way (a target imports only targets below it):
//
//   npsprobe (@main)
//     → NPSProbeCLI        the commands: parse options, call a job, print a report
//     → Reports            the outputs of auth, load and run: text and JSON, JUnit, TAP, Prometheus, Nagios
//     → Jobs               the jobs: a case prepared from settings and run, suites of cases
//     → Profiles           YAML profiles and suites: model, loading, validation
//     → Probe, NPS         Probe: UDP transport, RADIUS client, conversations, load engine (I/O lives here)
//                          NPS: reason codes, Windows errors, evidence → verdict rules, NPS logs (reads log files,
//                          no network)
//     → Evidence           what a conversation observed, typed: filled by Probe, judged by NPS, printed by Reports
//     → RADIUS, EAP        wire formats and the EAP peer state machine (pure: packets in, actions out)
//     → TLS                the only code that touches OpenSSL
//     → COpenSSL,          OpenSSL 3 as a system library (CZlib: zlib, for Reports' HdrHistogram encoding)
//       CodedErrors        the one error type: CodedError<Domain> (EAPError, RADIUSError, TLSError… are domains)
//
// Test-only code lives under Tests/: TLSTestSupport (a TLS server and a certificate authority in memory, a seeded
// random source), TestServers (EAP and RADIUS servers for tests), LabSupport (the built-in lab, the built binary, the
// test PKI builder, a JUnit schema).
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
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        /// OpenSSL 3 (Debian `libssl-dev`) as a system library; `shim.h` wraps the macros Swift cannot call.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        /// zlib (Debian `zlib1g-dev`) as a system library: the deflate stream of HdrHistogram's compressed encoding.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// The one error type every target throws: a code to match on, the reason and place in words, and what a
        /// domain adds (`CodedError<Domain>`; `EAPError`, `TLSError`… are its domains).
        .target(name: "CodedErrors"),
        /// The only code that touches OpenSSL: digests, HMAC, randomness, TLS client sessions over memory BIOs with
        /// key export and handshake evidence, credentials (PEM, PKCS#12; the legacy provider only for RC2-40 files,
        /// in a library context of its own), certificate reading and pre-flight checks.
        .target(name: "TLS", dependencies: ["CodedErrors", "COpenSSL"]),
        /// RADIUS wire format (RFC 2865/2866/2868/2869/3162/3579/5176/5997/2548): validation, decoding, signing,
        /// attribute hiding, typed values, and FreeRADIUS-format dictionaries.
        .target(name: "RADIUS", dependencies: ["CodedErrors", "TLS"]),
        /// EAP packets, the peer state machine and its methods behind one protocol (EAP-TLS, PEAPv0, MS-CHAPv2,
        /// EAP-MD5; each described once and registered in `EAPMethodKind.registered`), EAP-TLS framing, EAP-TLV and
        /// crypto-binding, MS-CHAPv2's own MD4/DES/RC4 (OpenSSL 3 keeps them in its legacy provider).
        .target(name: "EAP", dependencies: ["CodedErrors", "TLS"]),
        /// What one conversation observed (round trips, the EAP trace, TLS handshakes, pre-flight findings), as
        /// typed, Codable data: Probe fills it, NPS judges it, Reports prints it.
        .target(name: "Evidence", dependencies: ["RADIUS", "EAP", "TLS"]),
        /// NPS knowledge: reason codes, Windows errors, MS-CHAP errors, evidence → verdict rules; NPS log files read
        /// and summarised (DTS XML, IAS with attribute names from the RADIUS dictionary, ODBC).
        .target(name: "NPS", dependencies: ["Evidence", "RADIUS", "EAP", "TLS", "CodedErrors"]),
        /// Running conversations: UDP transport, retransmission, failover, the load engine and its statistics.
        .target(
            name: "Probe",
            dependencies: [
                "Evidence", "NPS", "RADIUS", "EAP", "TLS", "CodedErrors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        /// YAML profiles and suites: the model (its EAP methods are the EAP target's), `${VAR}` substitution,
        /// validation with file:line:column, expectations.
        .target(
            name: "Profiles",
            dependencies: ["NPS", "Evidence", "RADIUS", "EAP", "TLS", "CodedErrors",
                           .product(name: "Yams", package: "Yams")]
        ),
        /// The jobs: a case prepared from its settings (credentials and TLS contexts loaded once) and run, suites
        /// of cases. `load` drives a prepared case with Probe's load engine.
        .target(name: "Jobs", dependencies: ["Profiles", "Probe", "NPS", "Evidence", "RADIUS", "EAP", "TLS"]),
        /// The outputs of `auth`, `load` and `run`: text and JSON, suite reports (human, JUnit, TAP, JSON,
        /// Prometheus, Nagios); load's HdrHistogram encoding and interval log, HTML report, and `report merge`.
        /// `nps-log` and `explain` render their own (NPS summaries and explanations).
        .target(
            name: "Reports",
            dependencies: [
                "Jobs", "Profiles", "Probe", "NPS", "Evidence", "RADIUS", "EAP", "TLS", "CZlib",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
        /// The commands, one `ParsableCommand` per file; a library so tests can call them.
        .target(
            name: "NPSProbeCLI",
            dependencies: [
                "Reports", "Jobs", "Profiles", "Probe", "NPS", "Evidence", "RADIUS", "EAP", "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        /// `@main` and nothing else.
        .executableTarget(name: "npsprobe", dependencies: ["NPSProbeCLI"]),

        // MARK: Test support (test-only code; no product target depends on these)

        /// A TLS server context and a certificate authority in memory, and a seeded random source, so tests run real
        /// TLS without files or the `openssl` CLI. Uses the TLS target's `package` internals.
        .target(name: "TLSTestSupport", dependencies: ["TLS", "COpenSSL"], path: "Tests/TLSTestSupport"),
        /// In-process servers for tests: the EAP server (EAP-TLS, PEAP, MS-CHAPv2, with faults), a RADIUS server over
        /// UDP on loopback that runs it (so conversations, failover and load are tested without the lab), and the
        /// in-memory PKI they use.
        .target(
            name: "TestServers",
            dependencies: [
                "EAP", "RADIUS", "TLS", "TLSTestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestServers"),
        /// The built-in lab's environment (ports, PKI, users) for end-to-end tests, the built binary, the
        /// openssl-CLI test PKI builder the unit tests share, and a JUnit schema to check reports against.
        .target(name: "LabSupport", path: "Tests/LabSupport"),

        .testTarget(name: "CodedErrorsTests", dependencies: ["CodedErrors"]),
        .testTarget(
            name: "TLSTests", dependencies: ["TLS", "TLSTestSupport", "COpenSSL", "LabSupport"],
            resources: [.copy("Vectors")]),
        .testTarget(
            name: "RADIUSTests", dependencies: ["RADIUS", "TLS", "TLSTestSupport", "LabSupport"],
            resources: [.copy("Vectors")]),
        .testTarget(
            name: "EAPTests", dependencies: ["EAP", "TLS", "TLSTestSupport", "TestServers", "LabSupport"],
            resources: [.copy("Vectors")]),
        .testTarget(
            name: "NPSTests",
            dependencies: ["NPS", "Evidence", "EAP", "RADIUS", "TLS", "TLSTestSupport", "TestServers", "LabSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ProbeTests",
            dependencies: [
                "Probe", "Evidence", "RADIUS", "EAP", "TLS", "TLSTestSupport", "TestServers", "LabSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ProfilesTests",
            dependencies: [
                "Reports", "Jobs", "Profiles", "RADIUS", "TLS", "NPS", "Evidence", "EAP", "Probe", "LabSupport",
            ]),
        .testTarget(
            name: "NPSProbeCLITests",
            dependencies: [
                "NPSProbeCLI", "Reports", "Jobs", "Profiles", "Probe", "NPS", "Evidence", "EAP", "RADIUS", "TLS",
                "TLSTestSupport", "TestServers", "LabSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
    ]
)
