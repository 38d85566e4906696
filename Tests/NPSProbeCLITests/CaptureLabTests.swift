import Foundation
import LabSupport
import Testing

/// `--keylog`, `--pcap`, `--pcap-with-keys` against the lab, read back by tshark (Debian `tshark`, installed by
/// `.ci/run`): the capture opens in Wireshark's dissectors with good IP and UDP checksums, and the key log —
/// embedded or as a file — decrypts the PEAP tunnel down to the inner EAP (MS-CHAPv2, or the inner EAP-TLS), and a
/// TLS 1.3 EAP-TLS handshake down to the certificates TLS 1.3 encrypts. Without the keys none of it shows, so the
/// decryption is the key log's doing.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct CaptureLabTests {
    /// A scratch folder for the files, removed at the end.
    final class Folder {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("npsprobe-capture-\(UUID().uuidString)").path
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
    }

    static func peapMSCHAPv2(_ lab: LabEnvironment, port: Int? = nil) -> [String] {
        ["auth", "--json", "--server", "\(lab.host):\(port ?? lab.port("MAIN"))", "--secret-file", lab.secretFile,
         "--method", "peap-mschapv2", "--identity", "bob", "--password-env", "LAB_BOB_PASSWORD",
         "--ca", lab.pki("root-ca.pem"), "--server-name", lab.serverName]
    }

    /// alice's certificate (EAP-TLS, PEAP-TLS) against main, with the lab's server checks.
    static func alice(_ lab: LabEnvironment, method: String, _ extra: [String]) -> [String] {
        ["auth", "--json", "--server", lab.address("MAIN"), "--secret-file", lab.secretFile, "--method", method,
         "--identity", "alice@lab.npsprobe.test", "--cert", lab.pki("client-rsa.pem"), "--key",
         lab.pki("client-rsa.key"), "--ca", lab.pki("root-ca.pem"), "--server-name", lab.serverName] + extra
    }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_BOB_PASSWORD"] = "bob-pass"
        return environment
    }

    /// tshark over `file` with the lab's port dissected as RADIUS; one line per frame of the `fields`.
    static func tshark(_ file: String, port: Int, keyLog: String? = nil, filter: String? = nil, fields: [String])
        throws -> [String]
    {
        let candidates = ["/usr/bin/tshark", "/usr/local/bin/tshark"]
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
                                      "tshark is not installed (Debian: apt-get install tshark; .ci/run does)")
        var arguments = ["-n", "-r", file, "-d", "udp.port==\(port),radius", "-o", "ip.check_checksum:TRUE",
                         "-o", "udp.check_checksum:TRUE", "-T", "fields"]
        if let keyLog { arguments += ["-o", "tls.keylog_file:\(keyLog)"] }
        if let filter { arguments += ["-Y", filter] }
        for field in fields { arguments += ["-e", field] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tshark \(arguments.joined(separator: " ")): \(problems)")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func peapMSCHAPv2OpensDecryptedWithTheEmbeddedKeys() throws {
        let lab = try LabEnvironment.require()
        let folder = try Folder()
        let (pcap, keyLog) = (folder.file("peap.pcapng"), folder.file("peap.keys"))
        let result = try NPSProbeBinary.run(
            Self.peapMSCHAPv2(lab) + ["--pcap", pcap, "--pcap-with-keys", "--keylog", keyLog],
            environment: Self.environment)
        let json = try jsonObject(result.stdout)
        #expect(json["outcome"] as? String == "accept", "\(result.stderr)")
        #expect(try Self.mode(pcap) == 0o600 && Self.mode(keyLog) == 0o600)
        let keys = try String(contentsOfFile: keyLog, encoding: .utf8)
        #expect(keys.hasPrefix("CLIENT_RANDOM ") && keys.hasSuffix("\n"))
        // The shared secret is in neither file.
        for file in [pcap, keyLog] {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(data.range(of: Data(lab.secret.utf8)) == nil, "\(file) holds the shared secret")
        }

        let port = lab.port("MAIN")
        // Every datagram of the conversation: one request and one reply per round trip, the checksums good, the
        // server's port on every frame, the Access-Accept last.
        let frames = try Self.tshark(pcap, port: port, fields: [
            "ip.checksum.status", "udp.checksum.status", "udp.srcport", "udp.dstport", "radius.code",
        ])
        let roundTrips = try #require(json["round_trips"] as? Int)
        #expect(frames.count == 2 * roundTrips)
        for (index, frame) in frames.enumerated() {
            let fields = frame.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 5 && fields[0] == "1" && fields[1] == "1", "frame \(index + 1): \(frame)")
            let serverPort = index % 2 == 0 ? fields[3] : fields[2]
            let code = index % 2 == 0 ? "1" : index == frames.count - 1 ? "2" : "11"
            #expect(serverPort == String(port) && fields[4] == code, "frame \(index + 1): \(frame)")
        }
        // Decrypted from the file alone: the inner EAP-MS-CHAP-v2 Challenge (opcode 1) names the server, the
        // Response (opcode 2) names the user.
        let inner = try Self.tshark(pcap, port: port, filter: "eap.ms_chap_v2.opcode",
                                    fields: ["eap.ms_chap_v2.opcode", "eap.ms_chap_v2.name"])
        #expect(inner.contains("2\tbob"), "\(inner)")
        #expect(inner.contains { $0.hasPrefix("1\t") })
    }

    @Test func theKeyLogFileDecryptsACaptureWithoutEmbeddedKeys() throws {
        let lab = try LabEnvironment.require()
        let folder = try Folder()
        let (pcap, keyLog) = (folder.file("plain.pcapng"), folder.file("plain.keys"))
        let result = try NPSProbeBinary.run(
            Self.peapMSCHAPv2(lab) + ["--pcap", pcap, "--keylog", keyLog], environment: Self.environment)
        #expect(try jsonObject(result.stdout)["outcome"] as? String == "accept", "\(result.stderr)")
        let port = lab.port("MAIN")
        let fields = ["eap.ms_chap_v2.opcode", "eap.ms_chap_v2.name"]
        #expect(try Self.tshark(pcap, port: port, filter: "eap.ms_chap_v2.opcode", fields: fields).isEmpty,
                "without the keys the tunnel stays closed")
        let decrypted = try Self.tshark(pcap, port: port, keyLog: keyLog, filter: "eap.ms_chap_v2.opcode",
                                        fields: fields)
        #expect(decrypted.contains("2\tbob"), "\(decrypted)")
    }

    @Test func peapTLSShowsTheInnerEAPTLSAndLogsBothSessions() throws {
        let lab = try LabEnvironment.require()
        let folder = try Folder()
        let (pcap, keyLog) = (folder.file("peap-tls.pcapng"), folder.file("peap-tls.keys"))
        let result = try NPSProbeBinary.run(Self.alice(lab, method: "peap-tls", ["--pcap", pcap, "--keylog", keyLog]))
        #expect(try jsonObject(result.stdout)["outcome"] as? String == "accept", "\(result.stderr)")
        // The outer session and the inner EAP-TLS session, each under its own client random.
        let lines = try String(contentsOfFile: keyLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && Set(lines.map { $0.split(separator: " ")[1] }).count == 2, "\(lines)")
        let port = lab.port("MAIN")
        // Inside the decrypted tunnel: the inner EAP-TLS Start (type 13, S flag) and the inner identity. (tshark
        // 4.0 dissects the inner TLS records with the outer session's state, so the inner handshake messages are
        // not named; the packets are there.)
        let fields = ["eap.type", "eap.tls.flags.start", "eap.identity"]
        let closed = try Self.tshark(pcap, port: port, filter: "eap.type == 13 && eap.tls.flags.start == 1",
                                     fields: fields)
        let open = try Self.tshark(pcap, port: port, keyLog: keyLog,
                                   filter: "eap.type == 13 && eap.tls.flags.start == 1", fields: fields)
        // Without the keys only the server's first proposal shows (an EAP-TLS Start, which the client Naks).
        #expect(closed.count == 1, "\(closed)")
        #expect(open.count == 2, "\(open)")
        let identities = try Self.tshark(pcap, port: port, keyLog: keyLog, filter: "eap.identity",
                                         fields: ["eap.identity"])
        #expect(identities.contains { $0.contains("alice@lab.npsprobe.test") }, "\(identities)")
    }

    @Test func tls13EAPTLSDecryptsTheEncryptedHandshake() throws {
        let lab = try LabEnvironment.require()
        let folder = try Folder()
        let (pcap, keyLog) = (folder.file("tls13.pcapng"), folder.file("tls13.keys"))
        let result = try NPSProbeBinary.run(Self.alice(lab, method: "eap-tls", [
            "--tls-min", "1.3", "--tls-max", "1.3", "--pcap", pcap, "--pcap-with-keys", "--keylog", keyLog,
        ]))
        let json = try jsonObject(result.stdout)
        #expect(json["outcome"] as? String == "accept" && json["tls_version"] as? String == "1.3", "\(result.stderr)")
        let labels = try String(contentsOfFile: keyLog, encoding: .utf8).split(separator: "\n")
            .map { String($0.split(separator: " ")[0]) }
        #expect(Set(labels) == [
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
            "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET",
        ])
        // TLS 1.3 encrypts both Certificate messages (type 11); with the embedded keys tshark reads them.
        let certificates = try Self.tshark(pcap, port: lab.port("MAIN"), filter: "tls.handshake.type == 11",
                                           fields: ["udp.srcport"])
        #expect(certificates.count == 2, "\(certificates)")
    }

    @Test func runWritesOneCaptureForTheWholeRun() throws {
        let lab = try LabEnvironment.require()
        let folder = try Folder()
        let suite = folder.file("suite.yaml")
        try """
            suite: capture
            defaults:
              servers: [\(lab.address("MAIN"))]
              secret: {file: \(lab.secretFile)}
              method: peap-mschapv2
              password: {env: LAB_BOB_PASSWORD}
              tls: {ca: [\(lab.pki("root-ca.pem"))], server_names: [\(lab.serverName)]}
            cases:
              - {name: bob, identity: bob, expect: accept}
              - {name: wrong, identity: bob, password: {env: LAB_WRONG}, expect: reject}
            """.write(toFile: suite, atomically: true, encoding: .utf8)
        var environment = Self.environment
        environment["LAB_WRONG"] = "not-bobs"
        let pcap = folder.file("run.pcapng")
        let result = try NPSProbeBinary.run(["run", suite, "--parallel", "1", "--pcap", pcap, "--pcap-with-keys"],
                                            environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // Both conversations, both sessions' secrets embedded. Both come from the transport's one socket (as a NAS
        // sends them), and tshark 4.0 keeps one TLS state per UDP port pair, so it decrypts the first; the second
        // decrypts once it is alone in a file (or on another port: checked by hand with the ports rewritten).
        let identities = try Self.tshark(pcap, port: lab.port("MAIN"), filter: "eap.type == 1 && !tls",
                                         fields: ["eap.identity"])
        #expect(identities == ["bob", "bob"], "\(identities)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pcap))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "CLIENT_RANDOM ").count - 1 == 2)
        let inner = try Self.tshark(pcap, port: lab.port("MAIN"), filter: "eap.ms_chap_v2.opcode == 2",
                                    fields: ["eap.ms_chap_v2.name"])
        #expect(inner.first == "bob", "the first conversation decrypts: \(inner)")
    }

    @Test func filesAreCheckedBeforeAnythingIsSent() throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run(
            Self.peapMSCHAPv2(lab) + ["--pcap", "/nonexistent-folder/x.pcapng"], environment: Self.environment)
        #expect(result.status == 3)
        #expect(result.stderr.contains(
            "--pcap /nonexistent-folder/x.pcapng: the folder /nonexistent-folder does not exist"), "\(result.stderr)")
        let same = try NPSProbeBinary.run(
            Self.peapMSCHAPv2(lab) + ["--pcap", "/tmp/same", "--keylog", "/tmp/same"], environment: Self.environment)
        #expect(same.status == 3 && same.stderr.contains("both name /tmp/same"), "\(same.stderr)")
        let keysWithoutPcap = try NPSProbeBinary.run(Self.peapMSCHAPv2(lab) + ["--pcap-with-keys"],
                                                     environment: Self.environment)
        #expect(keysWithoutPcap.status != 0 && keysWithoutPcap.stderr.contains("--pcap-with-keys needs --pcap FILE"))
    }
}
