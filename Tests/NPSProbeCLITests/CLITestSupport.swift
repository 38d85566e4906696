import Foundation
import LabSupport
import Testing

/// The NPS log fixtures of the NPS tests, by path in the source tree.
enum NPSFixture {
    static func path(_ name: String) -> String {
        LabEnvironment.packageRoot.appendingPathComponent("Tests/NPSTests/Fixtures/\(name)").path
    }

    static let all = [
        "synthetic_ias.log", "synthetic_odbc.log", "dts_2014_NPSServer_index11938217001.xml",
        "dts_accounting_start_bakerds_TTL2024.xml", "ias_and_db_format_ms_docs.txt",
    ]
}

/// A temporary file removed when the value goes away.
final class ScratchFile {
    let path: String

    init(_ contents: Data, suffix: String = ".log") {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-test-\(UUID().uuidString)\(suffix)").path
        // A file that could not be created makes the command under test fail loudly ("no such file").
        _ = FileManager.default.createFile(atPath: path, contents: contents)
    }

    convenience init(lines: [String]) {
        self.init(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A JSON object or array from standard output, parsed with JSONSerialization as a script would.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object")
}

func jsonArray(_ text: String) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON array")
}

@Suite("the npsprobe binary under test")
struct NPSProbeBinaryTests {
    /// `swift test` builds the executable product beside the test runner; this fails if the helper had to fall
    /// back to a possibly stale `.build/debug/npsprobe`.
    @Test("is the one built beside the test runner",
          .enabled(if: ProcessInfo.processInfo.environment["NPSPROBE_BINARY"] == nil))
    func besideRunner() throws {
        let executable = try #require(NPSProbeBinary.executable)
        let runnerDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let bundleDirectories = Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }
            .map { $0.bundleURL.deletingLastPathComponent() }
        let directory = executable.deletingLastPathComponent().standardizedFileURL
        #expect(([runnerDirectory] + bundleDirectories).map(\.standardizedFileURL).contains(directory),
                "found \(executable.path); runner \(CommandLine.arguments[0])")
        let version = try NPSProbeBinary.run(["--version"])
        #expect(version.status == 0 && version.stdout == "0.1.0\n")
    }
}

/// A UDP socket on 127.0.0.1 (or ::1) for tests that need a server address without a RADIUS server behind it.
/// `closed`: bound for a moment and closed, so the kernel answers ICMP port unreachable; `silent`: bound and kept
/// open, never read, so nothing answers at all.
final class LoopbackUDP {
    let port: Int
    let host: String
    private let descriptor: Int32

    private init(host: String, keepOpen: Bool) {
        self.host = host
        let ipv6 = host.contains(":")
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        /// Binds `address` (port 0) and reads back the port the kernel chose.
        func bindAndName<Address>(_ address: Address, port: (Address) -> UInt16) -> Int {
            var address = address
            var length = socklen_t(MemoryLayout<Address>.size)
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    _ = bind(fd, pointer, length)
                    _ = getsockname(fd, pointer, &length)
                }
            }
            return Int(UInt16(bigEndian: port(address)))
        }
        let port: Int
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            port = bindAndName(address) { $0.sin6_port }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            port = bindAndName(address) { $0.sin_port }
        }
        self.port = port
        if keepOpen {
            descriptor = fd
        } else {
            close(fd)
            descriptor = -1
        }
    }

    static func closed(host: String = "127.0.0.1") -> LoopbackUDP { LoopbackUDP(host: host, keepOpen: false) }
    static func silent(host: String = "127.0.0.1") -> LoopbackUDP { LoopbackUDP(host: host, keepOpen: true) }

    /// `127.0.0.1:5000`, `[::1]:5000`.
    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    deinit { if descriptor >= 0 { close(descriptor) } }
}

/// Runs the binary with a shared secret in the environment (as NPSPROBE_SECRET) and nothing of the lab.
func npsprobe(_ arguments: [String], environment extra: [String: String] = [:], standardOutput: String? = nil)
    throws -> NPSProbeBinary.Output
{
    var environment = ProcessInfo.processInfo.environment
    environment["NPSPROBE_SECRET"] = "testing123"
    for (key, value) in extra { environment[key] = value }
    return try NPSProbeBinary.run(arguments, environment: environment, standardOutput: standardOutput)
}
