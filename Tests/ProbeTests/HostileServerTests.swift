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
        let report = try await conversation.run(request)
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
}
