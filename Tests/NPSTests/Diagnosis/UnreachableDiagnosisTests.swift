import Evidence
import NPS
import RADIUS
import Testing

/// ICMP errors are evidence (issue 12): a closed port is said at once and for certain, not "nothing answered".
@Suite struct UnreachableDiagnosisTests {
    static func trip(_ server: String, unreachable: UnreachableEvidence? = nil, transmissions: Int = 1)
        -> RoundTripEvidence
    {
        RoundTripEvidence(server: server, requestCode: .accessRequest, identifier: 7, requestSize: 69,
                          requestHadState: false, transmissions: transmissions, latencyMilliseconds: 0.3,
                          unreachable: unreachable)
    }

    static let closed = UnreachableEvidence(kind: .portClosed, from: "127.0.0.1", icmpType: 3, icmpCode: 3)

    @Test func aClosedPortIsCertainAndNamed() {
        let evidence = ConversationEvidence(outcome: .timeout, method: "pap", identity: "alice",
                                            server: "127.0.0.1:18140", roundTrips: [Self.trip("127.0.0.1:18140",
                                                                                               unreachable: Self.closed)])
        let diagnosis = Diagnoser.diagnose(evidence)
        #expect(diagnosis.rule == "timeout-port-closed")
        #expect(diagnosis.confidence == .certain)
        #expect(diagnosis.evidence.first?.contains("port closed") == true, "\(diagnosis.evidence)")
        #expect(!diagnosis.evidence.joined().contains("nothing answered at all"))
        #expect(!diagnosis.alternatives.contains { $0.rule == "timeout-no-reply" },
                "a closed port is not a silent server")
    }

    @Test func aSilentSecondServerIsSaidToo() {
        let evidence = ConversationEvidence(
            outcome: .timeout, method: "pap", identity: "alice", server: "127.0.0.1:18138",
            roundTrips: [Self.trip("127.0.0.1:18140", unreachable: Self.closed),
                         Self.trip("127.0.0.1:18138", transmissions: 3)])
        let diagnosis = Diagnoser.diagnose(evidence)
        #expect(diagnosis.rule == "timeout-port-closed")
        #expect(diagnosis.evidence.contains("no reply either from 127.0.0.1:18138"), "\(diagnosis.evidence)")
    }

    @Test func aRouterSayingHostUnreachableIsNotAClosedPort() {
        let unreachable = UnreachableEvidence(kind: .hostUnreachable, from: "10.0.0.1", icmpType: 3, icmpCode: 1)
        let evidence = ConversationEvidence(outcome: .timeout, method: "pap", identity: "alice",
                                            server: "192.0.2.1:1812",
                                            roundTrips: [Self.trip("192.0.2.1:1812", unreachable: unreachable)])
        let diagnosis = Diagnoser.diagnose(evidence)
        #expect(diagnosis.rule == "timeout-unreachable")
        #expect(diagnosis.evidence.first?.contains("from 10.0.0.1") == true)
    }
}
