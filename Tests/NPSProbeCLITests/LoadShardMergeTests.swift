import Foundation
import LabSupport
import Probe
@testable import NPSProbeCLI
import Reports
import Testing

/// A temporary folder removed when the value goes away.
final class ScratchFolder: Sendable {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("npsprobe-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// `load --shard i/N` and `report merge` end to end against the lab: two generators running at once, each a shard,
/// merge into the counts one unsharded run of the same schedule has, over disjoint identity slices (PAP over a
/// CSV pool, EAP-TLS over a folder of certificates); the HDR logs merge too.
@Suite(.serialized, .enabled(if: LabEnvironment.shouldRun))
struct LoadShardMergeLabTests {
    enum Method: String, CaseIterable, Sendable {
        case pap, eapTLS = "eap-tls"
    }

    static func arguments(_ method: Method, lab: LabEnvironment, folder: ScratchFolder) throws -> [String] {
        var arguments = ["load", "--server", lab.address("MAIN"), "--secret-env", "LAB_SECRET", "--method",
                         method.rawValue, "--rate", "40/s", "--count", "24", "--quiet", "--timeout", "3"]
        switch method {
        case .pap:
            // Four lab users; the two shards take two each.
            let csv = "alice,alice-pass\nbob,bob-pass\ngrace,grace-pass\noutsider,outsider-pass\n"
            try Data(csv.utf8).write(to: URL(fileURLWithPath: folder.path("users.csv")))
            arguments += ["--identity-file", folder.path("users.csv")]
        case .eapTLS:
            let certificates = folder.path("certificates")
            try FileManager.default.createDirectory(atPath: certificates, withIntermediateDirectories: true)
            for name in ["client-rsa.pem", "client-rsa.key", "client-ecdsa.pem", "client-ecdsa.key"] {
                try FileManager.default.copyItem(atPath: lab.pki(name), toPath: certificates + "/" + name)
            }
            arguments += ["--certificate-dir", certificates, "--ca", lab.pki("root-ca.pem"), "--server-name",
                          lab.serverName]
        }
        return arguments
    }

    static func read(_ path: String) throws -> [String: Any] {
        try jsonObject(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
    }

    @Test(arguments: Method.allCases)
    func twoShardsMergeIntoTheCountsOfOneUnshardedRun(method: Method) async throws {
        let lab = try LabEnvironment.require()
        let folder = ScratchFolder()
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_SECRET"] = lab.secret
        let base = try Self.arguments(method, lab: lab, folder: folder)

        let whole = try NPSProbeBinary.run(base + ["--json-out", folder.path("whole.json")], environment: environment)
        #expect(whole.status == 0, "\(whole.stderr)")
        // The two generators run at the same time, as two pods of an Indexed Job would.
        let shards = try (0..<2).map { index in
            try NPSProbeBinary.start(
                base + ["--shard", "\(index)/2", "--json-out", folder.path("shard\(index).json"),
                        "--hdr-log", folder.path("shard\(index).hlog")], environment: environment)
        }
        for (index, shard) in shards.enumerated() {
            let output = try shard.wait(timeout: .seconds(120))
            #expect(output.status == 0, "shard \(index): \(output.stderr)")
        }
        let merge = try NPSProbeBinary.run(
            ["report", "merge", folder.path("shard0.json"), folder.path("shard1.json"), "--json",
             folder.path("merged.json"), "--hdr-log", folder.path("merged-from-json.hlog")], environment: environment)
        #expect(merge.status == 0, "\(merge.stderr)")

        let unsharded = try Self.read(folder.path("whole.json"))
        let merged = try Self.read(folder.path("merged.json"))
        for key in ["conversations", "accepted", "rejected", "timed_out", "errors", "not_started", "scheduled",
                    "round_trips", "identities", "mppe_mismatches"] {
            #expect(merged[key] as? Int == unsharded[key] as? Int, "\(key)")
        }
        #expect(merged["accepted"] as? Int == 24)
        #expect(merged["asked_per_second"] as? Double == unsharded["asked_per_second"] as? Double)
        #expect(merged["merged_shards"] as? [Int] == [0, 1])
        #expect(merged["generators"] as? Int == 2)
        let latency = try #require(merged["latency_ms"] as? [String: Double])
        #expect(Set(latency.keys) == ["p50", "p90", "p99", "p99_9", "max"])

        // The identity slices were disjoint and together the pool.
        let slices = try (0..<2).map { index -> Range<Int> in
            let shard = try Self.read(folder.path("shard\(index).json"))
            let info = try #require(shard["shard"] as? [String: Any])
            #expect(info["index"] as? Int == index)
            #expect(info["count"] as? Int == 2)
            #expect(shard["conversations"] as? Int == 12)
            let first = try #require(info["first_identity"] as? Int)
            return first..<(first + (try #require(shard["identities"] as? Int)))
        }
        #expect(!slices[0].overlaps(slices[1]))
        #expect(slices[0].count + slices[1].count == unsharded["identities"] as? Int)

        // The merged histogram holds every shard's values: the HDR logs merge to the same count.
        let logs = try NPSProbeBinary.run(
            ["report", "merge", folder.path("shard0.hlog"), folder.path("shard1.hlog"), "--hdr-log",
             folder.path("merged.hlog")], environment: environment)
        #expect(logs.status == 0, "\(logs.stderr)")
        let log = try HdrLog.parse(try String(contentsOfFile: folder.path("merged.hlog"), encoding: .utf8))
        #expect(try log.total().totalCount == UInt64(merged["accepted"] as? Int ?? -1)
                + UInt64(merged["rejected"] as? Int ?? 0))
        let fromJSON = try HdrLog.parse(try String(contentsOfFile: folder.path("merged-from-json.hlog"),
                                                   encoding: .utf8))
        #expect(try fromJSON.total().totalCount == (try log.total().totalCount))
    }
}

extension LoadShardMergeLabTests {
    /// Two shards through the lab's sticky balancer (farm-a + farm-b): the merged report names both NPS nodes
    /// (by their Class), its per-node counts add up to the total, and per-node histograms merge.
    @Test func shardsThroughAFarmMergeTheirNodes() throws {
        let lab = try LabEnvironment.require()
        let folder = ScratchFolder()
        var environment = ProcessInfo.processInfo.environment
        environment["LAB_SECRET"] = lab.secret
        environment["LAB_PASSWORD"] = lab["NPSPROBE_LAB_PAP_PASSWORD"]
        let base = ["load", "--server", lab.address("FARM_STICKY"), "--secret-env", "LAB_SECRET", "--method", "pap",
                    "--identity", lab["NPSPROBE_LAB_PAP_USER"], "--password-env", "LAB_PASSWORD", "--rate", "40/s",
                    "--count", "24", "--sockets", "2", "--quiet", "--timeout", "3"]
        let shards = try (0..<2).map { index in
            try NPSProbeBinary.start(base + ["--shard", "\(index)/2", "--json-out", folder.path("s\(index).json")],
                                     environment: environment)
        }
        for shard in shards {
            let output = try shard.wait(timeout: .seconds(120))
            #expect(output.status == 0, "\(output.stderr)")
        }
        let merge = try NPSProbeBinary.run(
            ["report", "merge", folder.path("s0.json"), folder.path("s1.json"), "--json", folder.path("m.json"),
             "--report", folder.path("m.html"), "--prom", folder.path("m.prom")], environment: environment)
        #expect(merge.status == 0, "\(merge.stderr)")
        let merged = try Self.read(folder.path("m.json"))
        let nodes = try #require(merged["nodes"] as? [[String: Any]])
        #expect(Set(nodes.compactMap { $0["node"] as? String }) == ["10.0.0.1", "10.0.0.2"])
        #expect(nodes.compactMap { $0["conversations"] as? Int }.reduce(0, +) == 24)
        #expect(nodes.allSatisfy { ($0["latency_histogram"] as? String)?.hasPrefix("HISTF") == true })
        #expect(nodes.allSatisfy { $0["identified_by"] as? String == "nps-class" })
        let html = try String(contentsOfFile: folder.path("m.html"), encoding: .utf8)
        #expect(html.contains("10.0.0.1") && html.contains("10.0.0.2"))
        let prom = try String(contentsOfFile: folder.path("m.prom"), encoding: .utf8)
        #expect(prom.contains(
            "npsprobe_load_node_conversations{method=\"pap\",node=\"10.0.0.1\",outcome=\"accepted\"}"))
    }
}

/// `report merge` refuses what cannot be parts of one run, and `--shard` refuses what it cannot split (exit 3,
/// nothing sent); a merge of shards is exact (percentiles from the merged histograms).
@Suite struct LoadMergeRefusalTests {
    /// A minimal load report as `load --json-out` writes it (a closed loop of `conversations`, all accepted).
    static func report(method: String = "pap", shard: (Int, Int)? = nil, first: Int = 0, identities: Int = 2,
                       pool: Int = 4, latencies: [UInt64] = [1000, 2000]) -> [String: Any] {
        var histogram = LoadStatistics.histogram()
        for value in latencies { histogram.record(value) }
        let encoded = HdrHistogramEncoding.base64(histogram)
        var object: [String: Any] = [
            "method": method, "concurrency": 1, "conversations": latencies.count, "accepted": latencies.count,
            "rejected": 0, "timed_out": 0, "errors": 0, "mppe_mismatches": 0, "duration_s": 1.0, "per_second": 2.0,
            "latency_ms": [:], "round_trips": latencies.count, "retransmissions": 0, "discarded_replies": 0,
            "by_server": ["127.0.0.1:1812": latencies.count], "error_samples": [:], "schedule": "closed",
            "scheduled": latencies.count, "not_started": 0, "max_in_flight": 1, "achieved_per_second": 2.0,
            "rate_missed": false, "service_time_ms": [:], "max_start_delay_ms": 0.0, "by_source": [:],
            "source_ports": 1, "stages": [], "identities": identities, "latency_histogram": encoded,
            "service_time_histogram": encoded, "interval_s": 1,
            "intervals": [["start_s": 0, "asked": latencies.count, "started": latencies.count, "not_started": 0,
                           "accepted": latencies.count, "rejected": 0, "timed_out": 0, "errors": 0,
                           "latency_ms": [:], "latency_histogram": encoded]],
            "nodes": [["node": "nps1", "identified_by": "class", "sources": ["127.0.0.1:1812"],
                       "conversations": latencies.count, "accepted": latencies.count, "rejected": 0, "timed_out": 0,
                       "errors": 0, "latency_ms": [:], "latency_histogram": encoded]],
            "failures_by_cause": [["windows_error": 16, "rule": "policy", "count": 1, "sample": ["number": 1]]],
            "persistence": ["suspected": 1, "rate": 0.5, "failure_rate": 0.5, "samples": [["round_trip": 2]]],
        ]
        if let shard {
            object["shard"] = ["index": shard.0, "count": shard.1, "first_identity": first, "pool_identities": pool]
        }
        return object
    }

    static func write(_ object: [String: Any], _ folder: ScratchFolder, _ name: String) throws -> String {
        let path = folder.path(name)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func mergesExactlyNodesFailuresAndPersistenceIncluded() throws {
        let folder = ScratchFolder()
        let a = try Self.write(Self.report(shard: (0, 2), latencies: [1000, 1000, 1000]), folder, "a.json")
        let b = try Self.write(Self.report(shard: (1, 2), first: 2, latencies: [50_000]), folder, "b.json")
        let output = try npsprobe(["report", "merge", a, b, "--json", "-"])
        #expect(output.status == 0, "\(output.stderr)")
        let merged = try jsonObject(output.stdout)
        #expect(merged["conversations"] as? Int == 4)
        let latency = try #require(merged["latency_ms"] as? [String: Double])
        // Recomputed from the merged histogram: 3 of 4 values are 1 ms, so p50 is 1 ms and p90 50 ms (an average
        // of the shards' percentiles would say otherwise).
        #expect(latency["p50"] == 1.0)
        #expect(abs((latency["p90"] ?? 0) - 50.0) < 0.05)
        let nodes = try #require(merged["nodes"] as? [[String: Any]])
        #expect(nodes.count == 1)
        #expect(nodes.first?["conversations"] as? Int == 4)
        #expect(nodes.first?["sources"] as? [String] == ["127.0.0.1:1812"])
        let causes = try #require(merged["failures_by_cause"] as? [[String: Any]])
        #expect(causes.count == 1)
        #expect(causes.first?["count"] as? Int == 2)
        let persistence = try #require(merged["persistence"] as? [String: Any])
        #expect(persistence["suspected"] as? Int == 2)
        #expect(persistence["rate"] as? Double == 0.5)
        let intervals = try #require(merged["intervals"] as? [[String: Any]])
        #expect(intervals.first?["accepted"] as? Int == 4)
    }

    @Test(arguments: [
        ("another method", "ran eap-tls"),
        ("a shard given twice", "both shard 0/2"),
        ("overlapping slices", "overlapping identities"),
        ("shards of another N", "a shard of 3"),
        ("shards and unsharded runs", "is not a shard"),
        ("no histogram", "no latency_histogram"),
        ("not a report", "not a load report"),
    ])
    func refusesInputsThatAreNotPartsOfOneRun(case name: String, message: String) throws {
        let folder = ScratchFolder()
        let a = try Self.write(Self.report(shard: (0, 2)), folder, "a.json")
        var other = Self.report(shard: (1, 2), first: 2)
        switch name {
        case "another method": other["method"] = "eap-tls"
        case "a shard given twice": other = Self.report(shard: (0, 2), first: 2)
        case "overlapping slices": other = Self.report(shard: (1, 2), first: 1)
        case "shards of another N": other = Self.report(shard: (1, 3), first: 2)
        case "shards and unsharded runs": other = Self.report()
        case "no histogram": other["latency_histogram"] = nil
        default: other = ["hello": "world"]
        }
        let b = try Self.write(other, folder, "b.json")
        let output = try npsprobe(["report", "merge", a, b, "--json", folder.path("out.json")])
        #expect(output.status == 3, "\(name): \(output.stdout)")
        #expect(output.stderr.contains(message), "\(name): \(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.json")))
    }

    @Test(arguments: [
        (["--shard", "2/2"], "is not 0…1"),
        (["--shard", "1"], "is not i/N"),
        (["--shard", "NO_SUCH_SHARD_VARIABLE/2"], "NO_SUCH_SHARD_VARIABLE is not set"),
        (["--shard", "a-b/2"], "neither a number nor a variable name"),
        (["--shard", "3/4", "--count", "3"], "--count 3 cannot be split into 4 shards"),
    ])
    func shardOptionsThatCannotWorkAreRefused(extra: [String], message: String) throws {
        let output = try npsprobe(["load", "--server", "127.0.0.1:9", "--method", "pap", "--identity", "u",
                                   "--password", "p", "--rate", "10", "--duration", "1"] + extra)
        #expect(output.status == 3)
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test func theShardIndexMayComeFromTheEnvironment() throws {
        let options = try LoadScheduleOptions.parse(["--shard", "JOB_COMPLETION_INDEX/3", "--rate", "30",
                                                     "--count", "10"])
        let shard = try options.shardPlan(environment: ["JOB_COMPLETION_INDEX": "2"])
        #expect(shard.index == 2 && shard.count == 3)
        let plan = try options.plan(shard: shard)
        #expect(plan.scheduler.count == 3)
        if case .open(let stages, _) = plan.scheduler.schedule { #expect(stages.first?.fromRate == 10) }
    }
}

/// The example Indexed Job's arguments are ones `npsprobe load` takes: each pod gets its own shard of 4 from
/// JOB_COMPLETION_INDEX, and its output files are named by it.
@Suite struct KubernetesExampleTests {
    static func loadArguments() throws -> [String] {
        let path = LabEnvironment.packageRoot.appendingPathComponent("Profiles/kubernetes/load-indexed-job.yaml").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "args:" })
        var arguments: [String] = []
        for line in lines[(start + 1)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") { continue }
            guard trimmed.hasPrefix("- \"") else { break }
            arguments.append(String(trimmed.dropFirst(3).dropLast()).replacingOccurrences(of: "\\\\", with: "\\"))
        }
        return arguments
    }

    @Test func eachPodTakesItsShardFromTheJobCompletionIndex() throws {
        let arguments = try Self.loadArguments()
        #expect(arguments.first == "load")
        // Parsing validates the shard too (as in the pod, where Kubernetes sets the variable).
        setenv("JOB_COMPLETION_INDEX", "0", 1)
        let command = try LoadCommand.parse(Array(arguments.dropFirst()))
        let text = try String(contentsOfFile: LabEnvironment.packageRoot
            .appendingPathComponent("Profiles/kubernetes/load-indexed-job.yaml").path, encoding: .utf8)
        #expect(text.contains("completionMode: Indexed"))
        #expect(text.contains("completions: 4") && text.contains("parallelism: 4"))
        for index in 0..<4 {
            let shard = try command.schedule.shardPlan(environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            #expect(shard == LoadShard(index: index, count: 4))
            let plan = try command.schedule.plan(shard: shard)
            if case .open(let stages, _) = plan.scheduler.schedule { #expect(stages.first?.fromRate == 100) }
        }
        #expect(arguments.contains("/results/shard-$(JOB_COMPLETION_INDEX).json"))
    }
}
