import Evidence
import Foundation
import NIOPosix
import Probe
import RADIUS
import TestServers
import TLS
import Testing

/// RFC 2866 accounting after an Access-Accept: what each record carries (a pure builder), and the run against the
/// in-process server — responded, responses signed with another secret, silence, failover. The lab runs the same
/// against FreeRADIUS (AccountingLabTests).
@Suite(.serialized) struct AccountingTests {
    static let secret = Array("testing123".utf8)
    static let fast = RetransmitPolicy(initialTimeout: .milliseconds(150), retransmissions: 1, jitter: false)

    static let request = AuthenticationRequest(
        userName: "anonymous@corp.example", method: .pap(password: "x"),
        attributes: [
            RADIUSAttribute(.nasIPAddress, [192, 0, 2, 10]), RADIUSAttribute(.nasIdentifier, string: "vpn1"),
            RADIUSAttribute(.callingStationId, string: "10.1.2.3"), RADIUSAttribute(.nasPortType, integer: 5),
            // Authentication only: never in an Accounting-Request.
            RADIUSAttribute(.state, [1, 2]), RADIUSAttribute(.userPassword, [0xAA]),
            RADIUSAttribute(.acctSessionId, string: "user-given"),
        ])

    static func accept(userName: String? = "alice@corp.example", classes: [String] = ["nps-1", "nps-2"])
        -> RADIUSPacket
    {
        var attributes = classes.map { RADIUSAttribute(.class, string: $0) }
        if let userName { attributes.append(RADIUSAttribute(.userName, string: userName)) }
        attributes.append(RADIUSAttribute(.chargeableUserIdentity, string: "cui-7"))
        return RADIUSPacket(code: .accessAccept, identifier: 1, authenticator: [UInt8](repeating: 0, count: 16),
                            attributes: attributes)
    }

    @Test func eachRecordCarriesTheSessionTheClassesAndTheNASAttributes() {
        let session = AccountingSession(sessionId: "npsprobe-0011223344556677", accept: Self.accept(),
                                        request: Self.request)
        let nas = [
            RADIUSAttribute(.nasIPAddress, [192, 0, 2, 10]), RADIUSAttribute(.nasIdentifier, string: "vpn1"),
            RADIUSAttribute(.callingStationId, string: "10.1.2.3"), RADIUSAttribute(.nasPortType, integer: 5),
        ]
        let common = [
            RADIUSAttribute(.acctSessionId, string: "npsprobe-0011223344556677"),
            RADIUSAttribute(.acctAuthentic, integer: 1),
            // The Access-Accept's User-Name, not the outer identity (RFC 2865 §5.1).
            RADIUSAttribute(.userName, string: "alice@corp.example"),
            // Every Class, in order and unchanged (RFC 2865 §5.25), and the CUI (RFC 4372 §2.1).
            RADIUSAttribute(.class, string: "nps-1"), RADIUSAttribute(.class, string: "nps-2"),
            RADIUSAttribute(.chargeableUserIdentity, string: "cui-7"),
        ] + nas + [RADIUSAttribute(.eventTimestamp, integer: 1_700_000_000)]
        #expect(session.attributes(.start, sessionTime: 9, eventTimestamp: 1_700_000_000)
                == [RADIUSAttribute(.acctStatusType, integer: 1)] + common)
        #expect(session.attributes(.interimUpdate, sessionTime: 9, eventTimestamp: 1_700_000_000)
                == [RADIUSAttribute(.acctStatusType, integer: 3)] + common
                + [RADIUSAttribute(.acctSessionTime, integer: 9)])
        #expect(session.attributes(.stop, sessionTime: 9, eventTimestamp: 1_700_000_000)
                == [RADIUSAttribute(.acctStatusType, integer: 2)] + common
                + [RADIUSAttribute(.acctSessionTime, integer: 9), RADIUSAttribute(.acctTerminateCause, integer: 1)])
        // Without a User-Name in the Accept, the authenticated one.
        let plain = AccountingSession(sessionId: "s", accept: Self.accept(userName: nil, classes: []),
                                      request: Self.request)
        #expect(plain.userName == Array("anonymous@corp.example".utf8) && plain.classes.isEmpty)
    }

    @Test func sessionIdsAreUnique() {
        let ids = (0..<1000).map { _ in AccountingSession.newSessionId() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.hasPrefix("npsprobe-") && $0.count == 25 })
    }

    /// Runs accounting against in-process servers and returns the evidence and what each server received.
    static func account(_ behaviours: [TestRADIUSServer.Behaviour], interim: Bool = false) async throws
        -> (AccountingEvidence, [[RADIUSPacket]])
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var servers: [TestRADIUSServer] = []
        for behaviour in behaviours {
            servers.append(try await TestRADIUSServer.start(group: group, behaviour: behaviour))
        }
        let transport = RADIUSTransport(group: group)
        let client = RADIUSClient(transport: transport, configuration: RADIUSClientConfiguration(
            servers: try servers.map { try ServerAddress(parsing: $0.address) }, secret: secret, retransmit: fast))
        let session = AccountingSession(sessionId: AccountingSession.newSessionId(), accept: accept(),
                                        request: request)
        let evidence = await AccountingRun(client: client, interimUpdate: interim).run(session)
        await transport.shutdown()
        let received = servers.map(\.accountingRequests)
        for server in servers { await server.close() }
        try await group.shutdownGracefully()
        return (evidence, received)
    }

    @Test func startInterimAndStopAreAnsweredAndVerified() async throws {
        let (evidence, received) = try await Self.account([TestRADIUSServer.Behaviour()], interim: true)
        #expect(evidence.outcome == .responded && evidence.reason == nil)
        #expect(evidence.records.map(\.statusType) == ["Start", "Interim-Update", "Stop"])
        #expect(evidence.records.allSatisfy { $0.responded && $0.latencyMilliseconds != nil })
        // The server verified each Request Authenticator (RFC 2866 §3) before recording it.
        let requests = received[0]
        #expect(requests.map { $0.attributes.first(.acctStatusType) } == [[0, 0, 0, 1], [0, 0, 0, 3], [0, 0, 0, 2]])
        #expect(Set(requests.map { $0.attributes.first(.acctSessionId) }).count == 1)
        #expect(requests.allSatisfy { $0.attributes.first(.acctSessionId).map { String(decoding: $0, as: UTF8.self) }
                    == evidence.sessionId })
        #expect(requests.allSatisfy { $0.attributes.all(.class) == [Array("nps-1".utf8), Array("nps-2".utf8)] })
    }

    @Test func responsesSignedWithAnotherSecretAreDiscardedAndSaySo() async throws {
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.accountingResponseSecret = Array("another-secret".utf8)
        let (evidence, received) = try await Self.account([behaviour])
        #expect(evidence.outcome == .noResponse)
        #expect(evidence.records.count == 1 && evidence.records[0].statusType == "Start")
        let trip = try #require(evidence.records[0].roundTrips.first)
        #expect(trip.transmissions == 2 && trip.discardedCount == 2)
        #expect(trip.discarded.allSatisfy { $0.code == .responseAuthenticatorMismatch })
        #expect(evidence.reason?.contains("the shared secret differs") == true, "\(evidence.reason ?? "")")
        #expect(evidence.reason?.hasSuffix("the later records were not sent") == true)
        // The server got the Start (and its retransmission, answered from its cache), never a Stop.
        #expect(received[0].count == 1)
    }

    @Test func aSilentServerEndsTheSessionAtTheStart() async throws {
        var behaviour = TestRADIUSServer.Behaviour()
        behaviour.answersAccounting = false
        let (evidence, _) = try await Self.account([behaviour])
        #expect(evidence.outcome == .noResponse)
        #expect(evidence.records.map(\.statusType) == ["Start"] && evidence.records[0].latencyMilliseconds == nil)
        #expect(evidence.reason?.contains("shared secret is wrong") == true, "\(evidence.reason ?? "")")
    }

    @Test func failsOverToTheNextAccountingServer() async throws {
        var silent = TestRADIUSServer.Behaviour()
        silent.answersAccounting = false
        let (evidence, received) = try await Self.account([silent, TestRADIUSServer.Behaviour()])
        #expect(evidence.outcome == .responded)
        #expect(evidence.records.allSatisfy { $0.roundTrips.count == 2 && $0.roundTrips[0].replyCode == nil })
        #expect(received[1].count == 2)
    }
}
