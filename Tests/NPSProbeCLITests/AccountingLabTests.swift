import Foundation
import LabSupport
import Testing

/// Accounting after an Access-Accept against the lab's FreeRADIUS (issue 15): Start, Interim-Update and Stop
/// answered on main's accounting port and recorded by the server as sent (Class echoed, one Acct-Session-Id, the
/// NAS attributes of the authentication); a wrong shared secret on the accounting port (FreeRADIUS drops the
/// request, as NPS does); a silent accounting server; failover; suites asserting on it.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct AccountingLabTests {
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_GRACE_PASSWORD"] = "grace-pass"
        environment["LAB_BOB_PASSWORD"] = "bob-pass"
        return environment
    }

    /// grace (PAP): her Access-Accept carries Class `lab-class`.
    static func grace(_ lab: LabEnvironment, _ extra: [String]) -> [String] {
        ["auth", "--json", "--server", lab.address("MAIN"), "--secret-file", lab.secretFile, "--method", "pap",
         "--identity", "grace", "--password-env", "LAB_GRACE_PASSWORD", "--nas-type", "vpn",
         "--nas-identifier", "npsprobe-lab", "--calling-station-id", "198.51.100.7", "--timeout", "0.5",
         "--retries", "1"] + extra
    }

    static func accounting(_ result: NPSProbeBinary.Output) throws -> [String: Any] {
        let json = try jsonObject(result.stdout)
        #expect(json["outcome"] as? String == "accept", "\(result.stderr)")
        return try #require(json["accounting"] as? [String: Any], "no accounting object: \(result.stdout)")
    }

    @Test func startInterimAndStopAreAnsweredAndRecordedAsSent() throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run(Self.grace(lab, ["--accounting", "--accounting-interim"]),
                                            environment: Self.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let accounting = try Self.accounting(result)
        #expect(accounting["outcome"] as? String == "responded")
        let records = try #require(accounting["records"] as? [[String: Any]])
        #expect(records.map { $0["status_type"] as? String } == ["Start", "Interim-Update", "Stop"])
        for record in records {
            #expect(record["responded"] as? Bool == true && record["latency_milliseconds"] is Double)
            // Derived: main's port + 1.
            #expect(record["server"] as? String == lab.address("MAIN_ACCT"))
        }
        // What FreeRADIUS received, from its detail file.
        let sessionId = try #require(accounting["session_id"] as? String)
        let received = lab.accountingRecords(session: sessionId)
        #expect(received.map { $0["Acct-Status-Type"] } == ["Start", "Interim-Update", "Stop"], "\(received)")
        for record in received {
            #expect(record["Class"] == "0x" + Array("lab-class".utf8).map { String(format: "%02x", $0) }.joined())
            #expect(record["User-Name"] == "grace" && record["Acct-Authentic"] == "RADIUS")
            #expect(record["NAS-Identifier"] == "npsprobe-lab" && record["Calling-Station-Id"] == "198.51.100.7")
            #expect(record["NAS-Port-Type"] == "Virtual" && record["NAS-IP-Address"] == lab.host)
            #expect(record["Event-Timestamp"] != nil)
        }
        #expect(received.last?["Acct-Terminate-Cause"] == "User-Request" && received.last?["Acct-Session-Time"] != nil)
        #expect(received.first?["Acct-Session-Time"] == nil)

        // The human report says the same on its own line.
        var human = Self.grace(lab, ["--accounting"])
        human.removeFirst(2)
        let text = try NPSProbeBinary.run(["auth"] + human, environment: Self.environment)
        #expect(text.status == 0)
        #expect(text.stdout.contains("Accounting (session npsprobe-") && text.stdout.contains("responded: Start "),
                "\(text.stdout)")
    }

    @Test func aWrongSecretOnTheAccountingPortIsDroppedByTheServer() throws {
        let lab = try LabEnvironment.require()
        let log = lab["NPSPROBE_LAB_DIR"] + "/log/freeradius.log"
        let marker = "Received Accounting-Request packet from client 127.0.0.1 with invalid Request Authenticator"
        func drops() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: marker).count - 1
        }
        let before = drops()
        let result = try NPSProbeBinary.run(
            Self.grace(lab, ["--accounting-server", lab.address("ACCT_WRONG_SECRET")]), environment: Self.environment)
        // Accepted, but the accounting got no answer: exit 2, as for any server that does not answer.
        #expect(result.status == 2, "\(result.stderr)")
        let accounting = try Self.accounting(result)
        #expect(accounting["outcome"] as? String == "no_response")
        let records = try #require(accounting["records"] as? [[String: Any]])
        #expect(records.map { $0["status_type"] as? String } == ["Start"], "the Stop is not sent after a lost Start")
        let trips = try #require(records.first?["round_trips"] as? [[String: Any]])
        #expect(trips.first?["transmissions"] as? Int == 2)
        #expect((accounting["reason"] as? String)?.contains("the shared secret is wrong") == true)
        // FreeRADIUS did receive the request and dropped it for its authenticator: not a lost packet. (It logs that
        // at most once a second, so the retransmission may go unlogged.)
        Thread.sleep(forTimeInterval: 0.2)  // its log line is written after the drop
        #expect(drops() - before >= 1)
        #expect(lab.accountingRecords(session: accounting["session_id"] as? String ?? "").isEmpty)
    }

    @Test func aSilentAccountingServer() throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run(
            Self.grace(lab, ["--accounting-server", lab.address("SILENT")]), environment: Self.environment)
        #expect(result.status == 2)
        let accounting = try Self.accounting(result)
        #expect(accounting["outcome"] as? String == "no_response")
        let record = try #require((accounting["records"] as? [[String: Any]])?.first)
        #expect(record["responded"] as? Bool == false && record["latency_milliseconds"] == nil)
        #expect(record["server"] as? String == lab.address("SILENT"))
    }

    @Test func failsOverFromASilentServerAndFollowsPEAPsUserName() throws {
        let lab = try LabEnvironment.require()
        let result = try NPSProbeBinary.run([
            "auth", "--json", "--server", lab.address("MAIN"), "--secret-file", lab.secretFile,
            "--method", "peap-mschapv2", "--identity", "bob", "--outer-identity", "anonymous",
            "--password-env", "LAB_BOB_PASSWORD", "--ca", lab.pki("root-ca.pem"), "--server-name", lab.serverName,
            "--timeout", "0.5", "--retries", "0",
            "--accounting-server", lab.address("SILENT"), "--accounting-server", lab.address("MAIN_ACCT"),
        ], environment: Self.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let accounting = try Self.accounting(result)
        #expect(accounting["outcome"] as? String == "responded")
        let records = try #require(accounting["records"] as? [[String: Any]])
        for record in records {
            let servers = (record["round_trips"] as? [[String: Any]] ?? []).map { $0["server"] as? String }
            #expect(servers == [lab.address("SILENT"), lab.address("MAIN_ACCT")])
            #expect(record["server"] as? String == lab.address("MAIN_ACCT"))
        }
        // The outer identity was anonymous; the Access-Accept named the user, and accounting follows it.
        let received = lab.accountingRecords(session: accounting["session_id"] as? String ?? "")
        #expect(received.count == 2 && received.allSatisfy { $0["User-Name"] == "bob" }, "\(received)")
    }

    @Test func suitesAssertOnAccounting() throws {
        let lab = try LabEnvironment.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("npsprobe-acct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let suite = folder.appendingPathComponent("suite.yaml").path
        try """
            suite: accounting
            defaults:
              servers: [\(lab.address("MAIN"))]
              secret: {file: \(lab.secretFile)}
              timeout: 0.5
              retries: 0
              method: pap
              identity: grace
              password: {env: LAB_GRACE_PASSWORD}
              accounting: true
            cases:
              - {name: answered, expect: accept, assert: [{accounting: responded}]}
              - name: wrong-secret
                accounting: {servers: ["\(lab.address("ACCT_WRONG_SECRET"))"]}
                expect: accept
                assert: [{accounting: no_response}]
              - name: fails
                accounting: {servers: ["\(lab.address("SILENT"))"]}
                expect: accept
                assert: [{accounting: responded}]
            """.write(toFile: suite, atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("report.json").path
        let result = try NPSProbeBinary.run(["run", suite, "--json", report], environment: Self.environment)
        #expect(result.status == 1, "one case fails its assertion: \(result.stdout)")
        let json = try jsonObject(String(contentsOfFile: report, encoding: .utf8))
        let cases = try #require(json["cases"] as? [[String: Any]])
        let verdicts = Dictionary(uniqueKeysWithValues: cases.map { ($0["name"] as? String ?? "?", $0) })
        #expect(verdicts["answered"]?["verdict"] as? String == "passed")
        #expect(verdicts["wrong-secret"]?["verdict"] as? String == "passed")
        #expect(verdicts["fails"]?["verdict"] as? String == "failed")
        let observation = verdicts["fails"]?["observation"] as? [String: Any]
        #expect(observation?["accounting"] as? String == "no_response")
        #expect((observation?["accounting_reason"] as? String)?.contains(lab.address("SILENT")) == true)
    }
}
