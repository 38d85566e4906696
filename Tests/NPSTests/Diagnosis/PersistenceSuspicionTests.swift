import Evidence
import Testing

@testable import NPS

/// Persistence failures from the diagnosis corpus's real conversations (built by the EAP peer against
/// scripted servers), and the verdict a load run gets for them.
@Suite("Persistence failures")
struct PersistenceSuspicionTests {
    static func scenario(_ name: String) throws -> ConversationEvidence {
        guard let scenario = Scenario.all.first(where: { $0.name == name }) else {
            throw ScenarioMissing(name: name)
        }
        return try scenario.build()
    }

    struct ScenarioMissing: Error { let name: String }

    @Test("a follow-up refused by a backend that never issued the State: reject on fresh State")
    func forgetful() throws {
        let facts = DiagnosisFacts(try Self.scenario("tls-forgetful (follow-ups reach another backend)"))
        let suspicion = try #require(PersistenceSuspicion.check(facts, replyNodes: []))
        #expect(suspicion.kind == .rejectOnFreshState)
        #expect(suspicion.roundTrip == facts.roundTrips.count)
        #expect(suspicion.persistOn.last == .state)
    }

    @Test("a follow-up that got no answer after the first was answered")
    func silentMidway() throws {
        let facts = DiagnosisFacts(try Self.scenario("server lost the conversation (silent mid-way)"))
        let suspicion = try #require(PersistenceSuspicion.check(facts, replyNodes: []))
        #expect(suspicion.kind == .unansweredAfterAnswer)
    }

    @Test("answers from two nodes name both, at the round trip where the node changed")
    func twoNodes() throws {
        let facts = DiagnosisFacts(try Self.scenario("peap-mschapv2 (crypto-binding as NPS)"))
        var nodes: [String?] = Array(repeating: "farm-a", count: facts.roundTrips.count)
        nodes[2] = "farm-b"
        let suspicion = try #require(PersistenceSuspicion.check(facts, replyNodes: nodes,
                                                                callingStationIdSent: true))
        #expect(suspicion.kind == .twoNodes)
        #expect(suspicion.roundTrip == 3)
        #expect(suspicion.nodes == ["farm-a", "farm-b"])
        #expect(suspicion.persistOn.contains(.callingStationId))
    }

    @Test("verdicts are not persistence failures", arguments: [
        "peap-mschapv2 (crypto-binding as NPS)", "peap-mschapv2-wrong", "tls-expired with the alert",
        "pap-wrong-secret (silently dropped)", "tls-closed-port (ICMP port unreachable)",
    ])
    func verdicts(_ name: String) throws {
        let facts = DiagnosisFacts(try Self.scenario(name))
        let nodes = facts.roundTrips.map { $0.answered ? "farm-a" : nil }
        #expect(PersistenceSuspicion.check(facts, replyNodes: nodes) == nil)
    }

    @Test("the diagnosis of a split conversation says what to persist on")
    func diagnosis() throws {
        var facts = DiagnosisFacts(try Self.scenario("tls-forgetful (follow-ups reach another backend)"))
        facts.persistence = PersistenceSuspicion.check(facts, replyNodes: [])
        let verdict = Diagnoser.diagnose(facts)
        #expect(verdict.rule == "persistence-failure")
        #expect(verdict.npsReasons == [96, 97])
        #expect(verdict.evidence.contains { $0.hasPrefix("persist on: ") && $0.contains("state") })
        #expect(verdict.fix.contains("source address and port"))
        #expect(verdict.fix.contains("Calling-Station-Id"))
    }
}
