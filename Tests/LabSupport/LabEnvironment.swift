import Foundation

/// The built-in lab as the tests see it: `Tests/Lab/lab up` writes `lab.env` (ports, PKI paths, users,
/// secret) into its state directory, `$NPSPROBE_LAB_DIR` or `<package>/.build-lab`.
///
/// End-to-end tests are enabled when the lab is up, or when `NPSPROBE_REQUIRE_LAB=1` (as `.ci/run` sets):
/// then a missing lab is a test failure, never a silent skip.
public struct LabEnvironment: Sendable {
    public let values: [String: String]

    /// The package root, from this file's location (Tests/LabSupport/LabEnvironment.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var stateDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["NPSPROBE_LAB_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.appendingPathComponent(".build-lab")
    }

    /// True when `NPSPROBE_REQUIRE_LAB=1`: CI started the lab and every end-to-end test must run.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["NPSPROBE_REQUIRE_LAB"] == "1" }

    /// The lab, when its `lab.env` exists and its main server's pid is alive.
    public static let current: LabEnvironment? = {
        let file = stateDirectory.appendingPathComponent("lab.env")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let pidFile = stateDirectory.appendingPathComponent("run/freeradius.pid")
        guard let pid = (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap({
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }), kill(pid, 0) == 0 else { return nil }
        return LabEnvironment(values: values)
    }()

    /// Use as `@Suite(.enabled(if: LabEnvironment.shouldRun))`, then `let lab = try LabEnvironment.require()`.
    public static var shouldRun: Bool { current != nil || isRequired }

    /// The lab, or an error explaining how to start it (a failure when the lab is required).
    public static func require() throws -> LabEnvironment {
        guard let lab = current else {
            throw LabUnavailable(
                "the lab is not running (no live lab.env under \(stateDirectory.path)): run `Tests/Lab/lab up`")
        }
        return lab
    }

    public subscript(key: String) -> String {
        guard let value = values[key] else { preconditionFailure("lab.env has no \(key)") }
        return value
    }

    public func port(_ key: String) -> Int { Int(self["NPSPROBE_LAB_\(key)_PORT"])! }
    public var host: String { self["NPSPROBE_LAB_HOST"] }
    /// The IPv6 loopback address the main server also listens on, or nil when the machine has none (`lab up` then
    /// writes `NPSPROBE_LAB_HOST6=` empty and starts no IPv6 listener).
    public var host6: String? { values["NPSPROBE_LAB_HOST6"].flatMap { $0.isEmpty ? nil : $0 } }
    public var secret: String { self["NPSPROBE_LAB_SECRET"] }
    public var secretFile: String { self["NPSPROBE_LAB_SECRET_FILE"] }
    public var keyPassword: String { self["NPSPROBE_LAB_KEY_PASSWORD"] }
    public var serverName: String { self["NPSPROBE_LAB_SERVER_NAME"] }
    public func pki(_ file: String) -> String { self["NPSPROBE_LAB_PKI"] + "/" + file }
    public func address(_ key: String) -> String { "\(host):\(port(key))" }

    /// The cases of `Tests/Lab/cases.tsv`: the one list both eapol_test and npsprobe comparisons read.
    public static func cases() throws -> [[String: String]] {
        let text = try String(
            contentsOf: packageRoot.appendingPathComponent("Tests/Lab/cases.tsv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}

public struct LabUnavailable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
