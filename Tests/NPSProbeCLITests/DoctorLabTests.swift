import Foundation
import LabSupport
import Testing

/// `npsprobe doctor` against the lab's misbehaving servers: each problem is the TOP finding, with the right fix,
/// and the exit status says problems were found (1). The same client setup everywhere: alice's certificate,
/// bob's password for PEAP-MSCHAPv2 (the credentials allow EAP-TLS, PEAP-TLS and PEAP-MSCHAPv2).
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct DoctorLabTests {
    static func eapTLS(_ lab: LabEnvironment, port: Int, password: Bool = true) -> [String] {
        ["doctor", "--json", "--server", "\(lab.host):\(port)", "--secret-file", lab.secretFile,
         "--method", "eap-tls", "--identity", "alice@lab.npsprobe.test", "--cert", lab.pki("client-rsa.pem"),
         "--key", lab.pki("client-rsa.key"), "--ca", lab.pki("root-ca.pem"), "--server-name", lab.serverName]
            + (password ? ["--inner-identity", "bob", "--password-env", "LAB_BOB_PASSWORD"] : [])
    }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_BOB_PASSWORD"] = "bob-pass"
        environment["LAB_ALICE_PASSWORD"] = "alice-pass"
        return environment
    }

    /// The findings of a doctor run, top first, after checking the exit status and the JSON's shape.
    static func findings(_ arguments: [String], status: Int32 = 1) throws -> (top: [String: Any], all: [[String: Any]],
                                                                            probes: [[String: Any]]) {
        let result = try NPSProbeBinary.run(arguments, environment: environment)
        #expect(result.status == status, "\(result.stderr)")
        let json = try jsonObject(result.stdout)
        #expect(json["command"] as? String == "doctor")
        #expect(json["ok"] as? Bool == (status == 0))
        let findings = try #require(json["findings"] as? [[String: Any]], "\(result.stdout)")
        let probes = try #require(json["probes"] as? [[String: Any]])
        let top = try #require(findings.first, "no finding: \(result.stdout)")
        #expect(top["rank"] as? Int == 1)
        return (top, findings, probes)
    }

    static func values(_ finding: [String: Any]) -> [String: String] { finding["values"] as? [String: String] ?? [:] }

    /// The small-path relay drops client datagrams over 1000 bytes: EAP-TLS passes only at 600.
    @Test func smallPathIsPathMTUWithTheFragmentSizeToConfigure() throws {
        let lab = try LabEnvironment.require()
        let (top, _, probes) = try Self.findings(Self.eapTLS(lab, port: lab.port("SMALL_PATH")))
        #expect(top["kind"] as? String == "path_mtu", "\(top)")
        #expect(Self.values(top)["fragment"] == "600")
        let fix = try #require(top["fix"] as? String)
        #expect(fix.contains("--fragment-size 600"))
        #expect(fix.contains("Framed-MTU 600"))
        // 1398 (the baseline), 1200 and 1000 lost; 600 passed; later TLS probes use 600.
        let sizes = probes.filter { $0["step"] as? String == "fragment_size" }
            .compactMap { $0["fragment_size"] as? Int }
        #expect(sizes == [1200, 1000, 600])
        let persistence = probes.filter { $0["step"] as? String == "persistence" }
        #expect(!persistence.isEmpty)
        #expect(persistence.allSatisfy { $0["fragment_size"] as? Int == 600 })
    }

    /// The forgetful balancer sends follow-ups (with State) to a backend that does not know them.
    @Test func forgetfulBalancerIsNoPersistence() throws {
        let lab = try LabEnvironment.require()
        let (top, all, probes) = try Self.findings(Self.eapTLS(lab, port: lab.port("FORGETFUL")))
        #expect(top["kind"] as? String == "no_persistence", "\(top)")
        #expect(top["confidence"] as? String == "certain")
        #expect((top["fix"] as? String)?.contains("persistence") == true)
        #expect(!all.contains { $0["kind"] as? String == "method_not_allowed" })
        let runs = probes.filter { $0["step"] as? String == "persistence" }
        #expect(runs.count == 4)
        #expect(Set(runs.compactMap { $0["calling_station_id"] as? String }).count == 4)
        #expect(Set(runs.compactMap { ($0["observation"] as? [String: Any])?["source"] as? String }).count == 4,
                "each repeated conversation leaves from its own source port")
    }

    /// The policy server allows PEAP only: EAP-TLS is refused after its NAK, PEAP-MSCHAPv2 accepted.
    @Test func policyServerIsMethodNotAllowed() throws {
        let lab = try LabEnvironment.require()
        let (top, all, _) = try Self.findings(Self.eapTLS(lab, port: lab.port("POLICY")))
        #expect(top["kind"] as? String == "method_not_allowed", "\(top)")
        #expect(top["windows_error"] as? Int == 812)
        #expect(Self.values(top)["refused"] == "eap-tls")
        #expect(Self.values(top)["allowed"]?.contains("peap-mschapv2") == true)
        #expect((top["fix"] as? String)?.contains("Authentication Methods") == true)
        #expect(!all.contains { $0["kind"] as? String == "certificate_refused" })
    }

    /// Stock FreeRADIUS 3.2.1 (the hardening helper's `unsigned` server): PAP replies without Message-Authenticator.
    @Test(.enabled(if: LabEnvironment.current?.values["NPSPROBE_LAB_UNSIGNED_PORT"] != nil
                   || LabEnvironment.isRequired))
    func serverSigningNothingIsUnsignedReplies() throws {
        let lab = try LabEnvironment.require()
        let port = try #require(lab.values["NPSPROBE_LAB_UNSIGNED_PORT"].flatMap { Int($0) },
                                "the lab has no unsigned server (NPSPROBE_LAB_UNSIGNED_PORT)")
        let (top, all, probes) = try Self.findings([
            "doctor", "--json", "--server", "\(lab.host):\(port)", "--secret-file", lab.secretFile, "--method", "pap",
            "--identity", "alice", "--password-env", "LAB_ALICE_PASSWORD",
        ])
        #expect(top["kind"] as? String == "unsigned_replies", "\(top)")
        #expect(top["confidence"] as? String == "certain")
        #expect((top["fix"] as? String)?.contains("--no-require-message-authenticator") == true)
        #expect(top["events"] as? [Int] == [4420])
        // Stock 3.2.1 also answers unsigned requests: BlastRADIUS posture findings follow.
        #expect(all.contains { $0["kind"] as? String == "request_signing_not_required" })
        let accepting = probes.first { $0["key"] as? String == "baseline:accepting_unsigned" }
        #expect((accepting?["observation"] as? [String: Any])?["outcome"] as? String == "accept")
    }

    /// main signs, enforces Message-Authenticator and accepts every method: nothing worse than information.
    @Test func mainServerHasNoProblemAndEnforcesMessageAuthenticator() throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run(Self.eapTLS(lab, port: lab.port("MAIN")), environment: Self.environment)
        let json = try jsonObject(result.stdout)
        let findings = json["findings"] as? [[String: Any]] ?? []
        let problems = findings.filter { !["info", "low"].contains($0["severity"] as? String ?? "") }
        #expect(problems.isEmpty, "\(problems)")
        let probes = json["probes"] as? [[String: Any]] ?? []
        let unsigned = probes.first { $0["step"] as? String == "unsigned_request" }
        #expect((unsigned?["observation"] as? [String: Any])?["outcome"] as? String == "timeout",
                "main requires Message-Authenticator: the unsigned request is dropped")
        #expect(!findings.contains { $0["kind"] as? String == "request_signing_not_required" })
    }

    /// Bad input is refused before anything is sent: exit 3, the problem named.
    @Test func badInputExitsThreeBeforeSending() throws {
        let lab = try LabEnvironment.require()
        let noSecret = try NPSProbeBinary.run(["doctor", "--server", lab.address("MAIN"), "--method", "pap",
                                               "--identity", "alice", "--password-env", "LAB_ALICE_PASSWORD"],
                                              environment: Self.environment.filter { $0.key != "NPSPROBE_SECRET" })
        #expect(noSecret.status == 3)
        #expect(noSecret.stderr.contains("shared secret"), "\(noSecret.stderr)")
        let twice = try NPSProbeBinary.run(["doctor", "a.yaml", "--profile", "b.yaml"])
        #expect(twice.status == 3)
        #expect(twice.stderr.contains("give the profile once"), "\(twice.stderr)")
        let runs = try NPSProbeBinary.run(["doctor", "--persistence-runs", "0", "--server", lab.address("MAIN")])
        #expect(runs.status == 3)
    }
}
