import Foundation
import LabSupport
import Testing

/// Load runs against the lab's farm (farm-a, farm-b; Tests/Lab/README.md): which node answered, persistence
/// failures behind a balancer that splits conversations, failures by cause, --spread.
@Suite(.enabled(if: LabEnvironment.shouldRun), .serialized)
struct LabFarmLoadTests {
    /// 50 conversations (25/s for 2 s) from 4 NAS ports, Calling-Station-Id set (LabLoadTests.load).
    func load(_ arguments: [String]) async throws -> (status: Int32, json: [String: Any], stderr: String) {
        try await LabLoadTests().load(arguments)
    }

    static func peap(_ lab: LabEnvironment, _ server: String?, password: String = "LAB_PASSWORD") -> [String] {
        ["--method", "peap-mschapv2", "--identity", "bob", "--password-env", password]
            + (server.map { ["--server", lab.address($0)] } ?? [])
    }

    static func nodes(_ json: [String: Any]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for node in json["nodes"] as? [[String: Any]] ?? [] { out[node["node"] as? String ?? "?"] = node }
        return out
    }

    /// The per-node counts add up to the run's, outcome by outcome.
    static func nodesAddUp(_ json: [String: Any]) -> Bool {
        let nodes = json["nodes"] as? [[String: Any]] ?? []
        return ["conversations", "accepted", "rejected", "timed_out", "errors"].allSatisfy { key in
            nodes.compactMap { $0[key] as? Int }.reduce(0, +) == json[key] as? Int
        }
    }

    @Test func aStickyBalancerShowsBothNodesByTheirNPSClassAndNoPersistenceFailure() async throws {
        let lab = try LabEnvironment.require()
        let (status, json, stderr) = try await load(Self.peap(lab, "FARM_STICKY"))
        #expect(status == 0, "\(stderr) \(json)")
        let nodes = Self.nodes(json)
        #expect(Set(nodes.keys) == [lab["NPSPROBE_LAB_FARM_A_NODE"], lab["NPSPROBE_LAB_FARM_B_NODE"]], "\(json)")
        for node in nodes.values {
            #expect(node["identified_by"] as? String == "nps-class")
            #expect((node["conversations"] as? Int ?? 0) > 0)
            #expect(node["sources"] as? [String] == [lab.address("FARM_STICKY")])
            #expect((node["latency_ms"] as? [String: Double])?["p99"] != nil)
        }
        #expect(Self.nodesAddUp(json), "\(json)")
        let persistence = try #require(json["persistence"] as? [String: Any])
        #expect(persistence["suspected"] as? Int == 0)
        #expect(persistence["rate"] as? Double == 0)
        #expect((json["failures_by_cause"] as? [Any])?.isEmpty == true)
    }

    @Test func aPerPacketBalancerShowsPersistenceFailuresWithEvidenceAndWhatToPersistOn() async throws {
        let lab = try LabEnvironment.require()
        let (status, json, stderr) = try await load(
            Self.peap(lab, "FARM_PER_PACKET") + ["--backend-attribute", "Reply-Message"])
        #expect(status == 1, "\(stderr)")
        #expect(Self.nodesAddUp(json), "\(json)")
        for node in Self.nodes(json).values { #expect(node["identified_by"] as? String == "backend-attribute") }
        let persistence = try #require(json["persistence"] as? [String: Any])
        let suspected = persistence["suspected"] as? Int ?? 0
        // Every conversation the balancer broke is counted, and nothing else failed here.
        #expect(suspected > 0)
        #expect(suspected == (json["conversations"] as? Int ?? 0) - (json["accepted"] as? Int ?? 0), "\(json)")
        #expect(persistence["failure_rate"] as? Double == persistence["rate"] as? Double)
        #expect(persistence["persist_on"] as? [String]
                    == ["source-address-and-port", "calling-station-id", "state"])
        let samples = try #require(persistence["samples"] as? [[String: Any]])
        #expect(!samples.isEmpty && samples.count <= 5)
        for sample in samples {
            #expect((sample["round_trip"] as? Int ?? 0) >= 2)
            #expect(sample["source_port"] as? Int != nil)
            #expect(sample["kind"] as? String == "two-nodes")
            #expect(Set(sample["nodes"] as? [String] ?? []) == ["farm-a", "farm-b"], "\(sample)")
        }
        let causes = try #require(json["failures_by_cause"] as? [[String: Any]])
        #expect(causes.count == 1, "\(causes)")
        #expect(causes.first?["rule"] as? String == "persistence-failure")
        #expect(causes.first?["count"] as? Int == suspected)
        let evidence = (causes.first?["sample"] as? [String: Any])?["evidence"] as? [String] ?? []
        #expect(evidence.contains { $0.hasPrefix("persist on: ") }, "\(evidence)")
    }

    @Test func spreadOverTwoServersNamesBothNodesAndWeightsHoldExactly() async throws {
        let lab = try LabEnvironment.require()
        let servers = ["--server", lab.address("FARM_A"), "--server", lab.address("FARM_B")]
        let even = try await load(Self.peap(lab, nil) + servers + ["--spread"])
        #expect(even.status == 0, "\(even.stderr)")
        let nodes = Self.nodes(even.json)
        #expect(nodes[lab["NPSPROBE_LAB_FARM_A_NODE"]]?["conversations"] as? Int == 25, "\(even.json)")
        #expect(nodes[lab["NPSPROBE_LAB_FARM_B_NODE"]]?["conversations"] as? Int == 25)
        #expect(Self.nodesAddUp(even.json))

        // 3,1: the cycle a, a, b, a; 50 arrivals are 12 cycles and two more slots (a, a).
        let weighted = try await load(["--method", "pap", "--identity", "alice", "--password-env", "LAB_PAP_PASSWORD"]
                                      + servers + ["--spread-weights", "3,1"])
        #expect(weighted.status == 0, "\(weighted.stderr)")
        let byServer = weighted.json["by_server"] as? [String: Int] ?? [:]
        #expect(byServer == [lab.address("FARM_A"): 38, lab.address("FARM_B"): 12], "\(weighted.json)")
        let weightedNodes = Self.nodes(weighted.json)
        #expect(weightedNodes[lab["NPSPROBE_LAB_FARM_A_NODE"]]?["conversations"] as? Int == 38)
        #expect(weightedNodes[lab["NPSPROBE_LAB_FARM_B_NODE"]]?["conversations"] as? Int == 12)
    }

    @Test func aWrongPasswordRunIsGroupedByCauseWithOneSample() async throws {
        let lab = try LabEnvironment.require()
        let (status, json, stderr) = try await load(Self.peap(lab, "FARM_STICKY", password: "LAB_PAP_PASSWORD"))
        #expect(status == 1, "\(stderr)")
        #expect(json["rejected"] as? Int == 50)
        let causes = try #require(json["failures_by_cause"] as? [[String: Any]])
        #expect(causes.count == 1, "\(causes)")
        let cause = try #require(causes.first)
        #expect(cause["windows_error"] as? Int == 691)
        #expect(cause["rule"] as? String == "mschap-e691")
        #expect(cause["count"] as? Int == 50)
        let sample = try #require(cause["sample"] as? [String: Any])
        #expect(sample["identity"] as? String == "bob")
        #expect((sample["evidence"] as? [String])?.first?.contains("E=691") == true, "\(sample)")
        #expect((json["persistence"] as? [String: Any])?["suspected"] as? Int == 0)
        #expect(Self.nodesAddUp(json))
    }
}
