import EAP
import Evidence
import Foundation
import LabSupport
import NPS
import Testing
import TLS
@testable import Probe
@testable import RADIUS

/// End to end against the lab's FreeRADIUS (issue 2): PAP/CHAP/MS-CHAPv2, wrong secrets, silence,
/// Status-Server, failover, IPv6 — and radclient on the same cases.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct LabRADIUSTests {
    static let quick = RetransmitPolicy(initialTimeout: .milliseconds(300), retransmissions: 1, jitter: false)

    func run(
        server: [String], secret: String? = nil, user: String, method: AuthenticationMethod,
        policy: RetransmitPolicy = LabRADIUSTests.quick
    ) async throws -> ConversationReport {
        let lab = try LabEnvironment.require()
        let transport = RADIUSTransport(maximumSocketsPerFamily: 2)
        let servers = try server.map { try ServerAddress(parsing: $0) }
        let client = RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: servers, secret: Array((secret ?? lab.secret).utf8), retransmit: policy))
        let nasIP = RADIUSAttribute(.nasIPAddress, [127, 0, 0, 1])
        let report = await Conversation(client: client).run(
            AuthenticationRequest(userName: user, method: method, attributes: [nasIP]))
        await transport.shutdown()
        return report
    }

    @Test func papAccept() async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(server: [lab.address("MAIN")], user: "alice", method: .pap(password: "alice-pass"))
        #expect(report.evidence.outcome == .accept)
        #expect(report.evidence.roundTrips.count == 1)
        #expect(report.evidence.mppeKeys == .notApplicable)
    }

    @Test func papRejectWrongPassword() async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(server: [lab.address("MAIN")], user: "alice", method: .pap(password: "nope"))
        #expect(report.evidence.outcome == .reject)
        #expect(report.finalReply?.code == .accessReject)
    }

    @Test func replyAttributesOfTheLabUser() async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(server: [lab.address("MAIN")], user: "grace", method: .pap(password: "grace-pass"))
        let attributes = try #require(report.finalReply?.attributes)
        #expect(attributes.first(.class) == Array("lab-class".utf8))
        #expect(attributes.first(.sessionTimeout) == [0, 0, 0x0E, 0x10])
        // Tunnel-Private-Group-Id:1 = "42" (RFC 2868 §3.6: tag octet first).
        #expect(attributes.first(.tunnelPrivateGroupId) == [1] + Array("42".utf8))
    }

    @Test func chapAndMSCHAPv2() async throws {
        let lab = try LabEnvironment.require()
        let chap = try await run(server: [lab.address("MAIN")], user: "bob", method: .chap(password: "bob-pass"))
        #expect(chap.evidence.outcome == .accept)
        let ms = try await run(server: [lab.address("MAIN")], user: "bob", method: .msCHAPv2(password: "bob-pass"))
        #expect(ms.evidence.outcome == .accept)
        #expect(ms.evidence.mppeKeys == .verified, "MS-MPPE keys must equal the RFC 3079 keys the client derived")
        let wrong = try await run(server: [lab.address("MAIN")], user: "bob", method: .msCHAPv2(password: "bad"))
        #expect(wrong.evidence.outcome == .reject)
        let failure = try MSCHAPv2Failure(parsing: try #require(wrong.evidence.msCHAPError))
        #expect(failure.errorCode == 691)
        #expect(!failure.retryAllowed)
    }

    @Test func wrongSecretAgainstAServerThatAnswersIsReportedAsSuch() async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(
            server: [lab.address("LEGACY")], secret: "not-the-secret", user: "alice", method: .pap(password: "x"))
        #expect(report.evidence.outcome == .timeout)
        let discarded = report.evidence.roundTrips.flatMap(\.discarded)
        #expect(discarded.count == 2, "one forged-looking reply per transmission")
        #expect(discarded.allSatisfy { $0.reason.contains("shared secret") })
        // The same server with the right secret: a verified reject.
        let right = try await run(server: [lab.address("LEGACY")], user: "alice", method: .pap(password: "x"))
        #expect(right.evidence.outcome == .reject)
        #expect(right.evidence.replyMessages.first?.contains("legacy lab server") == true)
    }

    @Test func wrongSecretAgainstFreeRADIUSIsSilence() async throws {
        // FreeRADIUS drops requests whose Message-Authenticator does not verify: nothing to discard.
        let lab = try LabEnvironment.require()
        let report = try await run(
            server: [lab.address("MAIN")], secret: "not-the-secret", user: "alice",
            method: .pap(password: "alice-pass"))
        #expect(report.evidence.outcome == .timeout)
        #expect(report.evidence.roundTrips.flatMap(\.discarded).isEmpty)
    }

    /// The lab's closed port answers ICMP port unreachable: the exchange ends at the first transmission, named
    /// (issue 12: it used to wait out the schedule).
    @Test func noServerListeningIsSaidAtOnce() async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(server: [lab.address("CLOSED")], user: "alice", method: .pap(password: "x"))
        #expect(report.evidence.outcome == .timeout)
        // One transmission: ended by the ICMP error before the 0.3 s timer could retransmit.
        #expect(report.evidence.roundTrips.first?.transmissions == 1)
        #expect(report.evidence.roundTrips.first?.unreachable?.kind == .portClosed)
    }

    @Test func failsOverToTheNextServer() async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(
            server: [lab.address("SILENT"), lab.address("MAIN")], user: "alice", method: .pap(password: "alice-pass"))
        #expect(report.evidence.outcome == .accept)
        #expect(report.evidence.roundTrips.map(\.server) == [lab.address("SILENT"), lab.address("MAIN")])
        #expect(report.evidence.roundTrips[0].replyCode == nil)
        #expect(report.evidence.server == lab.address("MAIN"))
    }

    /// Skipped (and shown as skipped) when the lab found no IPv6 loopback; it never passes without sending.
    @Test(.enabled(if: LabEnvironment.current?.host6 != nil, "the lab has no IPv6 loopback listener"))
    func ipv6Loopback() async throws {
        let lab = try LabEnvironment.require()
        let host6 = try #require(lab.host6)
        let report = try await run(
            server: ["[\(host6)]:\(lab.port("MAIN"))"], user: "alice", method: .pap(password: "alice-pass"))
        #expect(report.evidence.outcome == .accept)
        #expect(report.evidence.server == "[\(host6)]:\(lab.port("MAIN"))")
    }

    @Test func statusServer() async throws {
        let lab = try LabEnvironment.require()
        let transport = RADIUSTransport(maximumSocketsPerFamily: 1)
        let client = RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: [try ServerAddress(parsing: lab.address("MAIN"))], secret: Array(lab.secret.utf8),
                retransmit: Self.quick, replyPolicy: .lenient))
        let trip = try await client.send(.statusServer, attributes: [])
        await transport.shutdown()
        #expect(trip.reply?.code == .accessAccept)
    }

    /// radclient on the same PAP cases must agree with npsprobe (issue 2: comparisons with radclient).
    @Test(arguments: [("alice", "alice-pass", "Access-Accept"), ("alice", "wrong", "Access-Reject"),
                      ("nobody", "nobody-pass", "Access-Reject"), ("outsider", "outsider-pass", "Access-Accept")])
    func agreesWithRadclient(user: String, password: String, expected: String) async throws {
        let lab = try LabEnvironment.require()
        let report = try await run(server: [lab.address("MAIN")], user: user, method: .pap(password: password))
        let ours = report.finalReply?.code.description ?? "timeout"
        let theirs = try radclient(server: lab.address("MAIN"), secret: lab.secret,
                                   input: "User-Name = \"\(user)\"\nUser-Password = \"\(password)\"\n"
                                       + "Message-Authenticator = 0x00\nNAS-IP-Address = 127.0.0.1\n")
        #expect(ours == expected)
        #expect(theirs == expected, "radclient said \(theirs)")
    }

    func radclient(server: String, secret: String, input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/radclient")
        process.arguments = ["-x", "-t", "2", "-r", "1", server, "auth", secret]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = Pipe()
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for code in ["Access-Accept", "Access-Reject"] where output.contains("Received \(code)") { return code }
        return "timeout"
    }
}

