import EAP
import Evidence
import NIOPosix
import Probe
import RADIUS
import TestServers
import TLS
import TLSTestSupport
import Testing

/// Conversations over real UDP on loopback against the in-process ``TestRADIUSServer`` — the paths the lab also
/// covers (State echo, server pinning, failover, MPPE keys, unsigned replies), in every `swift test`.
@Suite(.serialized) struct InProcessConversationTests {
    static let fast = RetransmitPolicy(initialTimeout: .milliseconds(150), retransmissions: 1, jitter: false)
    static let secret = Array("testing123".utf8)

    static func eapTLSBehaviour(node: String? = nil) throws -> TestRADIUSServer.Behaviour {
        let pki = try PeerTestPKI.get()
        let context = try pki.serverContext(requireClientCertificate: true)
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.eap = { TestEAPServer(.init(method: .tls, outer: context)) }
        behaviour.nodeName = node
        return behaviour
    }

    static func eapTLSRequest() throws -> AuthenticationRequest {
        let pki = try PeerTestPKI.get()
        let client = try pki.clientContext(credentials: pki.client)
        let configuration = EAPPeerConfiguration(identity: "alice@peer.test", method: .tls(client, resuming: nil))
        return AuthenticationRequest(
            userName: "alice@peer.test", method: .eap(configuration),
            attributes: [RADIUSAttribute(.nasIdentifier, string: "npsprobe-test")])
    }

    static func client(_ transport: RADIUSTransport, servers: [String], policy: RADIUSReplyPolicy = .default) throws
        -> Conversation
    {
        Conversation(client: RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: try servers.map { try ServerAddress(parsing: $0) }, secret: secret, retransmit: fast,
                replyPolicy: policy)))
    }

    @Test func eapTLSIsAcceptedWithVerifiedKeysAndStatePinning() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await TestRADIUSServer.start(group: group, behaviour: Self.eapTLSBehaviour(node: "a"))
        let transport = RADIUSTransport(group: group)
        let report = try await Self.client(transport, servers: [server.address]).run(Self.eapTLSRequest())
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()

        let evidence = report.evidence
        #expect(evidence.outcome == .accept, "\(evidence)")
        #expect(evidence.mppeKeys == .verified)
        #expect(evidence.roundTrips.count > 3)
        // Every request after the first echoed the State of the Access-Challenge before it (RFC 2865 §5.24).
        #expect(evidence.roundTrips.dropFirst().allSatisfy { $0.requestHadState })
        #expect(evidence.roundTrips.dropLast().allSatisfy { $0.replyHasState })
        #expect(Set(evidence.roundTrips.map(\.server)) == [server.address])
        #expect(evidence.replyMessages == ["node=a"])
        let statistics = server.statistics
        #expect(statistics.accepted == 1 && statistics.unknownStates == 0 && statistics.openConversations == 0)
    }

    @Test func papAcceptRejectAndUnsignedReplies() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.users = ["bob": "bob-pass"]
        let signing = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        behaviour.signNonEAPReplies = false
        let unsigned = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        let transport = RADIUSTransport(group: group)
        func pap(_ password: String, _ server: TestRADIUSServer, policy: RADIUSReplyPolicy = .default) async throws
            -> ConversationEvidence
        {
            let request = AuthenticationRequest(userName: "bob", method: .pap(password: password), attributes: [])
            return try await Self.client(transport, servers: [server.address], policy: policy).run(request).evidence
        }
        let accepted = try await pap("bob-pass", signing)
        let rejected = try await pap("wrong", signing)
        let dropped = try await pap("bob-pass", unsigned)
        let lenient = try await pap("bob-pass", unsigned, policy: .lenient)
        await transport.shutdown()
        await signing.close()
        await unsigned.close()
        try await group.shutdownGracefully()

        #expect(accepted.outcome == .accept)
        #expect(rejected.outcome == .reject)
        // Stock FreeRADIUS 3.2.1 signs no PAP reply: by default each one is dropped, typed, and the exchange times
        // out; the server answered every transmission.
        #expect(dropped.outcome == .timeout)
        let discarded = dropped.roundTrips.flatMap(\.discarded)
        #expect(discarded.count == 2 && discarded.allSatisfy { $0.code == .messageAuthenticatorMissing })
        #expect(discarded.allSatisfy { $0.from == unsigned.address })
        #expect(lenient.outcome == .accept)
    }

    @Test func failoverToTheSecondServerWhenTheFirstIsSilent() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var silent = try Self.eapTLSBehaviour(node: "silent")
        silent.silentAfter = 0
        let first = try await TestRADIUSServer.start(group: group, behaviour: silent)
        let second = try await TestRADIUSServer.start(group: group, behaviour: Self.eapTLSBehaviour(node: "b"))
        let transport = RADIUSTransport(group: group)
        let report = try await Self.client(transport, servers: [first.address, second.address])
            .run(Self.eapTLSRequest())
        await transport.shutdown()
        await first.close()
        await second.close()
        try await group.shutdownGracefully()

        let evidence = report.evidence
        #expect(evidence.outcome == .accept, "\(evidence)")
        // The first request went to both (failover, RFC 5080 §2.2.1); once the second answered, the
        // conversation stayed with it.
        #expect(evidence.roundTrips.first?.server == first.address && evidence.roundTrips.first?.answered == false)
        #expect(evidence.roundTrips.dropFirst().allSatisfy { $0.server == second.address })
        #expect(evidence.server == second.address)
        #expect(first.statistics.accepted == 0 && second.statistics.accepted == 1)
    }

    @Test func aServerThatLosesTheConversationTimesOutWithStateInTheLastRequest() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var behaviour = try Self.eapTLSBehaviour()
        behaviour.silentAfter = 2
        let server = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        let transport = RADIUSTransport(group: group)
        let report = try await Self.client(transport, servers: [server.address]).run(Self.eapTLSRequest())
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()

        let evidence = report.evidence
        #expect(evidence.outcome == .timeout)
        #expect(evidence.roundTrips.count == 3)
        #expect(evidence.roundTrips.last?.answered == false && evidence.roundTrips.last?.requestHadState == true)
        #expect(evidence.roundTrips.last?.transmissions == 2)
    }
}
