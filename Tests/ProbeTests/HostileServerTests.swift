import EAP
import Evidence
import Foundation
import NIOPosix
import NPS
import Probe
import RADIUS
import TestServers
import TLS
import TLSTestSupport
import Testing

/// Issue 13: conversations against ``HostileRADIUSServer``, one hostility each. Every one ends with a named
/// outcome (typed evidence, a diagnosis rule), within the retransmission schedule (transmissions counted, never
/// timed), without a crash, and holding only bounded evidence (samples capped, totals counted).
@Suite(.serialized) struct HostileServerTests {
    /// 150 ms, one retransmission: at most 2 transmissions per exchange.
    static let fast = RetransmitPolicy(initialTimeout: .milliseconds(150), retransmissions: 1, jitter: false)
    static let secret = Array("testing123".utf8)

    struct Outcome {
        var evidence: ConversationEvidence
        var diagnosis: Diagnosis
        var server: HostileRADIUSServer.Statistics
        var trip: RoundTripEvidence? { evidence.roundTrips.first }
    }

    static func run(_ hostility: HostileRADIUSServer.Hostility, eap: Bool = false,
                    policy: RADIUSReplyPolicy = .default) async throws -> Outcome {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await HostileRADIUSServer.start(group: group, hostility: hostility)
        let transport = RADIUSTransport(group: group)
        let conversation = Conversation(client: RADIUSClient(
            transport: transport,
            configuration: RADIUSClientConfiguration(
                servers: [try ServerAddress(parsing: server.address)], secret: secret, retransmit: fast,
                replyPolicy: policy)))
        let request = eap ? try Self.eapTLSRequest()
            : AuthenticationRequest(userName: "bob", method: .pap(password: "bob-pass"), attributes: [])
        let report = await conversation.run(request)
        await transport.shutdown()
        await server.close()
        try await group.shutdownGracefully()
        return Outcome(evidence: report.evidence, diagnosis: Diagnoser.diagnose(report.evidence),
                       server: server.statistics)
    }

    static func eapTLSRequest() throws -> AuthenticationRequest {
        let pki = try PeerTestPKI.get()
        let client = try pki.clientContext(credentials: pki.client)
        let configuration = EAPPeerConfiguration(identity: "alice@peer.test", method: .tls(client, resuming: nil))
        return AuthenticationRequest(userName: "alice@peer.test", method: .eap(configuration), attributes: [])
    }

    // MARK: Replies that fail verification

    @Test func wrongResponseAuthenticatorIsTheSecretAndStopsEarly() async throws {
        let outcome = try await Self.run(.wrongResponseAuthenticator)
        #expect(outcome.evidence.outcome == .timeout)
        #expect(outcome.trip?.stoppedEarly == .responseAuthenticatorMismatch || outcome.trip?.stoppedEarly
                == .messageAuthenticatorMismatch)
        #expect(outcome.trip?.transmissions == 2)
        #expect(outcome.diagnosis.rule == "timeout-wrong-secret" && outcome.diagnosis.confidence == .certain)
    }

    @Test func missingMessageAuthenticatorIsUnsignedAndStopsEarly() async throws {
        let outcome = try await Self.run(.missingMessageAuthenticator)
        #expect(outcome.evidence.outcome == .timeout)
        #expect(outcome.trip?.stoppedEarly == .messageAuthenticatorMissing)
        #expect(outcome.trip?.discarded.allSatisfy { $0.replyCode == .accessAccept } == true)
        #expect(outcome.diagnosis.rule == "timeout-unsigned-reply" && outcome.diagnosis.confidence == .certain)
        // The opt-out takes the same reply.
        let lenient = try await Self.run(.missingMessageAuthenticator, policy: .lenient)
        #expect(lenient.evidence.outcome == .accept)
    }

    @Test func invalidMessageAuthenticatorIsDiscardedAsSuch() async throws {
        let outcome = try await Self.run(.invalidMessageAuthenticator)
        #expect(outcome.evidence.outcome == .timeout)
        #expect(outcome.trip?.stoppedEarly == .messageAuthenticatorMismatch)
        #expect(outcome.diagnosis.rule == "timeout-wrong-secret")
    }

    @Test func replyForAnotherIdentifierIsNeverTaken() async throws {
        let outcome = try await Self.run(.otherIdentifier)
        #expect(outcome.evidence.outcome == .timeout)
        #expect(outcome.trip?.transmissions == 2, "the full (short) schedule, nothing matched")
        #expect(outcome.server.requests == 2)
        #expect(outcome.diagnosis.rule == "timeout-no-reply")
    }

    @Test func duplicateRepliesCountOnce() async throws {
        let outcome = try await Self.run(.duplicateReplies(5))
        #expect(outcome.evidence.outcome == .accept)
        #expect(outcome.evidence.roundTrips.count == 1 && outcome.trip?.transmissions == 1)
        #expect(outcome.server.datagramsSent == 5)
    }

    // MARK: Sizes and floods

    @Test func aReplyOf4096BytesIsTaken() async throws {
        let outcome = try await Self.run(.sizedReply(4096))
        #expect(outcome.evidence.outcome == .accept, "\(outcome.trip?.discarded ?? [])")
        #expect(outcome.trip?.replySize == 4096)
    }

    @Test func aReplyBeyond4096BytesIsMalformed() async throws {
        let outcome = try await Self.run(.sizedReply(4200))
        #expect(outcome.evidence.outcome == .timeout)
        #expect(outcome.trip?.discarded.first?.code == .malformed)
        #expect(outcome.trip?.stoppedEarly == nil, "malformed is not conclusive: the schedule runs out")
        #expect(outcome.trip?.transmissions == 2)
    }

    @Test func aFloodOfUnsolicitedDatagramsIsCountedNotStored() async throws {
        let outcome = try await Self.run(.flood(1000))
        #expect(outcome.evidence.outcome == .accept, "the real reply still gets through")
        let trips = outcome.evidence.roundTrips
        #expect(trips.allSatisfy { $0.discarded.count <= RADIUSTransport.discardedSampleLimit })
        // Most of the flood carries other identifiers and is dropped uncounted; what matched ours is sampled.
        #expect(trips.reduce(0) { $0 + $1.discardedCount } < 1000)
        #expect(outcome.server.datagramsSent >= 1001)
    }

    // MARK: EAP

    @Test func silenceAfterTwoRoundTripsIsALostConversation() async throws {
        let outcome = try await Self.run(.silentAfter(1), eap: true)
        #expect(outcome.evidence.outcome == .timeout)
        #expect(outcome.evidence.roundTrips.count == 2)
        #expect(outcome.evidence.roundTrips.last?.transmissions == 2)
        #expect(outcome.diagnosis.rule == "timeout-lost-conversation", "\(outcome.diagnosis.rule)")
    }

    @Test func fragmentsWhoseDeclaredLengthLiesStopThePeer() async throws {
        let outcome = try await Self.run(.fragmentLengthLies, eap: true)
        #expect(outcome.evidence.outcome == .error || outcome.evidence.outcome == .reject,
                "\(outcome.evidence.outcome)")
        #expect(outcome.evidence.eap?.failure != nil)
        #expect(outcome.evidence.roundTrips.count <= 4)
    }

    @Test func endlessFragmentsHitTheReassemblyCap() async throws {
        let outcome = try await Self.run(.endlessFragments, eap: true)
        #expect(outcome.evidence.outcome == .error || outcome.evidence.outcome == .reject,
                "\(outcome.evidence.outcome)")
        let reason = outcome.evidence.eap?.failure?.reason ?? outcome.evidence.localError ?? ""
        #expect(!reason.isEmpty)
        // 1000 bytes a fragment against a 64 KiB cap: about 66 round trips, never unbounded.
        #expect(outcome.evidence.roundTrips.count <= 80, "\(outcome.evidence.roundTrips.count) round trips")
        #expect(outcome.evidence.roundTrips.count >= 60)
    }

    @Test func anEAPTypeNeverOfferedIsRefused() async throws {
        let outcome = try await Self.run(.typeNeverOffered, eap: true)
        #expect(outcome.evidence.outcome != .accept)
        #expect(outcome.evidence.roundTrips.count <= 4)
        let diagnosis = outcome.diagnosis
        #expect(!diagnosis.rule.isEmpty)
    }

    @Test func tlsGarbageFailsTheHandshake() async throws {
        let outcome = try await Self.run(.tlsGarbage, eap: true)
        #expect(outcome.evidence.outcome != .accept)
        #expect(outcome.evidence.eap?.failure != nil)
        #expect(outcome.evidence.roundTrips.count <= 4)
    }

    @Test func aTLSAlertMidHandshakeIsReported() async throws {
        let outcome = try await Self.run(.tlsAlertMidHandshake, eap: true)
        #expect(outcome.evidence.outcome != .accept)
        let alerts = outcome.evidence.eap?.tls?.alertsReceived ?? []
        #expect(!alerts.isEmpty || outcome.evidence.eap?.failure != nil)
        #expect(outcome.evidence.roundTrips.count <= 4)
    }

    // MARK: Beside a normal load

    /// A load run against a normal server shares its transport (one socket: every reply arrives on it) with
    /// hostile conversations running at the same time: a flood (whose datagrams carry identifiers the load has in
    /// flight), endless fragments and unsigned replies. Every normal conversation is accepted, none times out.
    @Test func aHostileConversationBesideALoadLeavesTheLoadUnaffected() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.users = ["bob": "bob-pass"]
        let normal = try await TestRADIUSServer.start(group: group, behaviour: behaviour)
        let flood = try await HostileRADIUSServer.start(group: group, hostility: .flood(500))
        let endless = try await HostileRADIUSServer.start(group: group, hostility: .endlessFragments)
        let unsigned = try await HostileRADIUSServer.start(group: group, hostility: .missingMessageAuthenticator)
        let plan = SocketPlan(socketsPerAddress: 1, maximumSocketsPerAddress: 1)
        let transport = RADIUSTransport(group: group, plan: plan)
        func conversation(_ address: String) throws -> Conversation {
            Conversation(client: RADIUSClient(transport: transport, configuration: RADIUSClientConfiguration(
                servers: [try ServerAddress(parsing: address)], secret: Self.secret,
                retransmit: RetransmitPolicy(initialTimeout: .milliseconds(1500), retransmissions: 1, jitter: false))))
        }
        let pap = AuthenticationRequest(userName: "bob", method: .pap(password: "bob-pass"), attributes: [])
        let eap = try Self.eapTLSRequest()
        let hostile = Task {
            var outcomes: [ConversationEvidence.Outcome] = []
            for _ in 0..<3 {
                outcomes.append(try await conversation(flood.address).run(pap).evidence.outcome)
                outcomes.append(try await conversation(endless.address).run(eap).evidence.outcome)
                outcomes.append(try await conversation(unsigned.address).run(pap).evidence.outcome)
            }
            return outcomes
        }
        let result = await LoadRunner.run(
            LoadRequests(base: pap, identities: LoadIdentities()), conversation: try conversation(normal.address),
            scheduler: LoadScheduler(.closed(concurrency: 20), count: 600))
        let outcomes = try await hostile.value
        let snapshot = await transport.snapshot()
        await transport.shutdown()
        for server in [flood, endless, unsigned] { await server.close() }
        await normal.close()
        try await group.shutdownGracefully()

        #expect(result.statistics.accepted == 600, "\(result.statistics.errorSamples)")
        #expect(result.statistics.timedOut == 0 && result.statistics.errors == 0)
        #expect(outcomes.count == 9)
        #expect(outcomes.enumerated().allSatisfy { index, outcome in
            switch index % 3 {
            case 0: return outcome == .accept
            case 1: return outcome == .error || outcome == .reject
            default: return outcome == .timeout
            }
        }, "\(outcomes)")
        #expect(flood.statistics.datagramsSent >= 1500)
        #expect(snapshot.sockets.allSatisfy { $0.leases == 0 && $0.identifiersInUse == 0 }, "\(snapshot)")
    }
}
