import Foundation
import LabSupport
import Testing

/// Issue 13: shared secrets, passwords and key passphrases appear in no output — human text, `-v` traces,
/// `--json`, JUnit, TAP, Prometheus, Nagios, load reports, error messages — whatever the outcome. Each command runs
/// twice: with the lab's real secrets (accepts, MPPE keys, TLS with an encrypted key) and with distinctive wrong
/// ones (rejects, timeouts, a wrong passphrase's error). Every byte sequence of each secret is looked for: as
/// text, and in hex (lower and upper case), since traces print packets.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct SecretsTests {
    struct Secrets {
        var secret: String
        var papPassword: String
        var mschapPassword: String
        var keyPassword: String
        var all: [String] { [secret, papPassword, mschapPassword, keyPassword] }
    }

    static func real(_ lab: LabEnvironment) -> Secrets {
        Secrets(secret: lab.secret, papPassword: lab["NPSPROBE_LAB_PAP_PASSWORD"],
                mschapPassword: lab["NPSPROBE_LAB_MSCHAP_PASSWORD"], keyPassword: lab["NPSPROBE_LAB_KEY_PASSWORD"])
    }

    static let sentinels = Secrets(secret: "Sentinel-Secret-7Qx", papPassword: "Sentinel-Pap-9Zk",
                                   mschapPassword: "Sentinel-Chap-4Rv", keyPassword: "Sentinel-Key-3Wm")

    /// A scratch folder with the secrets in files (mode 600), a suite using them, and room for reports.
    struct Scratch {
        let folder: URL
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func write(_ name: String, _ text: String, mode: Int = 0o600) throws {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path(name))
        }
        func read(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }
    }

    static func scratch(_ secrets: Secrets, lab: LabEnvironment) throws -> Scratch {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scratch = Scratch(folder: folder)
        try scratch.write("secret.txt", secrets.secret)
        try scratch.write("pap.txt", secrets.papPassword)
        try scratch.write("mschap.txt", secrets.mschapPassword)
        try scratch.write("key.txt", secrets.keyPassword)
        let suite = """
            suite: secrets
            defaults:
              servers: ["\(lab.address("MAIN"))"]
              secret: {file: "\(scratch.path("secret.txt"))"}
              timeout: 1
              retries: 0
              tls:
                ca: ["\(lab.pki("root-ca.pem"))"]
                server_names: [\(lab.serverName)]
            cases:
              - name: pap
                method: pap
                identity: alice
                password: {file: "\(scratch.path("pap.txt"))"}
              - name: mschapv2
                method: mschapv2
                identity: bob
                password: {file: "\(scratch.path("mschap.txt"))"}
              - name: peap
                method: peap-mschapv2
                identity: bob
                password: {file: "\(scratch.path("mschap.txt"))"}
              - name: tls-encrypted-key
                method: eap-tls
                identity: heidi@lab.npsprobe.test
                tls:
                  cert: "\(lab.pki("client-encrypted.pem"))"
                  key: "\(lab.pki("client-encrypted.key"))"
                  key_password: {file: "\(scratch.path("key.txt"))"}

            """
        try scratch.write("suite.yaml", suite, mode: 0o644)
        let single = suite.components(separatedBy: "cases:")[0]
            .replacingOccurrences(of: "suite: secrets\n", with: "")
            .replacingOccurrences(of: "defaults:\n", with: "")
            .split(separator: "\n").map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }
            .joined(separator: "\n")
            + "\nname: pap\nmethod: pap\nidentity: alice\npassword: {file: \"\(scratch.path("pap.txt"))\"}\n"
        try scratch.write("profile.yaml", single, mode: 0o644)
        return scratch
    }

    /// Every way a secret could be spelled in an output.
    static func forms(_ secret: String) -> [String] {
        let bytes = Array(secret.utf8)
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        return [secret, hex, hex.uppercased(), bytes.map { String(format: "%02x", $0) }.joined(separator: " "),
                bytes.map { String(format: "%02x", $0) }.joined(separator: ":")]
    }

    static func check(_ text: String, _ secrets: Secrets, _ label: String) {
        for secret in secrets.all {
            for form in forms(secret) {
                #expect(!text.contains(form), "\(label) shows a secret (\(form.prefix(4))…)")
            }
        }
    }

    /// Every command and output format, with `secrets`; returns every output as (label, text).
    static func outputs(_ secrets: Secrets) throws -> [(String, String)] {
        let lab = try LabEnvironment.require()
        let scratch = try Self.scratch(secrets, lab: lab)
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["SECRET_ENV"] = secrets.secret
        environment["PAP_ENV"] = secrets.papPassword
        var outputs: [(String, String)] = []
        func run(_ label: String, _ arguments: [String]) throws {
            let result = try NPSProbeBinary.run(arguments, environment: environment)
            outputs.append(("\(label) stdout", result.stdout))
            outputs.append(("\(label) stderr", result.stderr))
        }
        let secretFile = ["--secret-file", scratch.path("secret.txt")]
        let main = ["--server", lab.address("MAIN"), "--timeout", "1", "--retries", "0"]
        let pap = ["--method", "pap", "--identity", "alice", "--password-file", scratch.path("pap.txt")]
        let peap = ["--method", "peap-mschapv2", "--identity", "bob", "--password-file", scratch.path("mschap.txt"),
                    "--ca", lab.pki("root-ca.pem"), "--server-name", lab.serverName]
        let tls = ["--method", "eap-tls", "--identity", "heidi@lab.npsprobe.test", "--ca", lab.pki("root-ca.pem"),
                   "--server-name", lab.serverName, "--cert", lab.pki("client-encrypted.pem"),
                   "--key", lab.pki("client-encrypted.key"), "--key-password-file", scratch.path("key.txt")]
        for (name, method) in [("pap", pap), ("peap", peap), ("tls", tls)] {
            try run("auth \(name)", ["auth"] + main + secretFile + method)
            try run("auth \(name) -v", ["auth", "-v"] + main + secretFile + method)
            try run("auth \(name) --json", ["auth", "--json"] + main + secretFile + method)
        }
        // Literal secrets on the command line: the warnings must not repeat them.
        try run("auth --secret --password", ["auth", "-v"] + main + ["--secret", secrets.secret, "--method", "pap",
                                                                      "--identity", "alice", "--password",
                                                                      secrets.papPassword])
        try run("auth env", ["auth", "--json"] + main + ["--secret-env", "SECRET_ENV", "--method", "pap",
                                                         "--identity", "alice", "--password-env", "PAP_ENV"])
        // The unsigned and wrong-secret paths (discarded datagrams in the evidence).
        try run("auth unsigned -v", ["auth", "-v", "--server", lab.address("UNSIGNED"), "--timeout", "1",
                                     "--retries", "1"] + secretFile + pap)
        try run("auth legacy --json", ["auth", "--json", "--server", lab.address("LEGACY"), "--timeout", "1",
                                       "--retries", "1"] + secretFile + pap)
        try run("status", ["status", "--server", lab.address("MAIN"), "--timeout", "1"] + secretFile)
        try run("validate", ["validate", scratch.path("suite.yaml")])
        try run("run", ["run", scratch.path("suite.yaml"), "--junit", scratch.path("report.xml"),
                        "--json", scratch.path("report.json"), "--prom", scratch.path("report.prom")])
        outputs += [("JUnit", scratch.read("report.xml")), ("run JSON", scratch.read("report.json")),
                    ("Prometheus", scratch.read("report.prom"))]
        try run("run --tap", ["run", scratch.path("suite.yaml"), "--tap"])
        try run("check (Nagios)", ["check", scratch.path("profile.yaml")])
        try run("load", ["load", "--json", "--json-out", scratch.path("load.json"), "--count", "20",
                         "--concurrency", "4"] + main + secretFile + pap)
        try run("load text", ["load", "--count", "10", "--concurrency", "2"] + main + secretFile + pap)
        outputs.append(("load JSON file", scratch.read("load.json")))
        #expect(outputs.contains { !$0.1.isEmpty })
        return outputs
    }

    @Test func realSecretsAppearInNoOutput() throws {
        let lab = try LabEnvironment.require()
        let secrets = Self.real(lab)
        let outputs = try Self.outputs(secrets)
        // The run did authenticate: the real secrets were used, not merely absent.
        #expect(outputs.contains { $0.0 == "auth pap --json stdout" && $0.1.contains("\"accept\"") })
        #expect(outputs.contains { $0.0 == "auth tls --json stdout" && $0.1.contains("\"accept\"") },
                "the encrypted key was opened with its passphrase")
        for (label, text) in outputs { Self.check(text, secrets, label) }
    }

    @Test func distinctiveWrongSecretsAppearInNoOutput() throws {
        let outputs = try Self.outputs(Self.sentinels)
        // The wrong passphrase is an error that names the problem, not the passphrase.
        let tls = outputs.first { $0.0 == "auth tls stderr" }?.1 ?? ""
        #expect(!tls.isEmpty, "the wrong key passphrase is reported")
        for (label, text) in outputs { Self.check(text, Self.sentinels, label) }
    }

    /// A private key or a file of secrets that group or others can read draws a warning naming the file; one
    /// only its owner reads draws none.
    @Test func readableSecretFilesDrawAWarning() throws {
        let lab = try LabEnvironment.require()
        let scratch = try Self.scratch(Self.real(lab), lab: lab)
        defer { try? FileManager.default.removeItem(at: scratch.folder) }
        let key = scratch.path("client.key")
        try FileManager.default.copyItem(atPath: lab.pki("client-encrypted.key"), toPath: key)
        func warnings(mode: Int) throws -> String {
            for name in ["secret.txt", "pap.txt", "key.txt", "client.key"] {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: scratch.path(name))
            }
            let pap = try NPSProbeBinary.run(
                ["auth", "--server", lab.address("MAIN"), "--secret-file", scratch.path("secret.txt"),
                 "--method", "pap", "--identity", "alice", "--password-file", scratch.path("pap.txt")])
            let tls = try NPSProbeBinary.run(
                ["auth", "--server", lab.address("MAIN"), "--secret-file", scratch.path("secret.txt"),
                 "--method", "eap-tls", "--identity", "heidi@lab.npsprobe.test", "--ca", lab.pki("root-ca.pem"),
                 "--server-name", lab.serverName, "--cert", lab.pki("client-encrypted.pem"), "--key", key,
                 "--key-password-file", scratch.path("key.txt")])
            #expect(pap.status == 0 && tls.status == 0, "\(pap.stderr) \(tls.stderr)")
            return pap.stderr + tls.stderr
        }
        let open = try warnings(mode: 0o644)
        for (what, name) in [("shared secret file", "secret.txt"), ("password file", "pap.txt"),
                             ("private key file", "client.key"), ("key passphrase file", "key.txt")] {
            #expect(open.contains("the \(what) \(scratch.path(name)) is readable by any user (mode 644)"),
                    "\(what): \(open)")
        }
        let group = try warnings(mode: 0o640)
        #expect(group.contains("is readable by its group (mode 640)"), "\(group)")
        let closed = try warnings(mode: 0o600)
        #expect(!closed.contains("readable by"), "\(closed)")
    }
}
