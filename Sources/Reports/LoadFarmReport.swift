import NPS
import Probe

/// The farm part of `load --json`: which node answered (`nodes`), persistence failures (`persistence`) and
/// failures by cause (`failures_by_cause`). Key names are a contract shared with the report merge.
extension LoadReport {
    /// One member of the farm as the run saw it.
    struct Node: Encodable {
        /// `10.0.0.1` (NPS Class), `farm-a` (backend attribute), `127.0.0.1:18152` (reply source).
        var node: String
        /// `nps-class`, `backend-attribute`, `reply-source`, or `none` (nothing answered: the server asked).
        var identifiedBy: String
        /// The addresses its replies came from.
        var sources: [String]
        var conversations: Int
        var accepted: Int
        var rejected: Int
        var timedOut: Int
        var errors: Int
        /// From the intended start, the same keys as the run's `latency_ms`.
        var latencyMs: [String: Double]
        /// The node's latency histogram (compressed HdrHistogram V2, base64), for `report merge`.
        var latencyHistogram: String
    }

    struct Persistence: Encodable {
        /// Conversations that look split by a balancer.
        var suspected: Int
        /// `suspected / conversations`.
        var rate: Double
        /// Every failure (not accepted) over conversations, beside it.
        var failureRate: Double
        /// Per kind: `two-nodes`, `unanswered-after-answer`, `reject-on-fresh-state`.
        var byKind: [String: Int]
        /// What the balancer must persist on: `source-address-and-port`, `calling-station-id`, `state`.
        var persistOn: [String]
        var samples: [Sample]
    }

    struct Sample: Encodable {
        /// The conversation's number in the run (0-based).
        var conversation: Int
        /// Where it broke (1-based).
        var roundTrip: Int
        /// The source port every round trip left from (and `source`, its address:port).
        var sourcePort: Int?
        var source: String?
        /// The members that answered, in order.
        var nodes: [String]
        var kind: String
    }

    struct Cause: Encodable {
        var windowsError: Int?
        var rule: String
        var title: String
        var count: Int
        var sample: CauseSample

        private enum CodingKeys: String, CodingKey { case windowsError, rule, title, count, sample }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(windowsError, forKey: .windowsError)  // null when none
            try container.encode(rule, forKey: .rule)
            try container.encode(title, forKey: .title)
            try container.encode(count, forKey: .count)
            try container.encode(sample, forKey: .sample)
        }
    }

    struct CauseSample: Encodable {
        var conversation: Int
        var identity: String
        /// The facts that decided the verdict.
        var evidence: [String]
    }

    static func farmFigures(_ statistics: LoadStatistics) -> (nodes: [Node], persistence: Persistence,
                                                               causes: [Cause]) {
        let farm = statistics.farm
        let nodes = farm.nodes.sorted { $0.key < $1.key }.map { label, node in
            // As the run's own figures: from the histogram as its encoding keeps it, so a merge recomputes them.
            let latency = LoadRunData.percentiles(HdrHistogramEncoding.normalized(node.latency))
            return Node(node: label, identifiedBy: node.identifiedBy.rawValue, sources: node.sources.sorted(),
                        conversations: node.conversations, accepted: node.accepted, rejected: node.rejected,
                        timedOut: node.timedOut, errors: node.errors, latencyMs: latency,
                        latencyHistogram: HdrHistogramEncoding.base64(node.latency))
        }
        let total = max(statistics.conversations, 1)
        let persistence = Persistence(
            suspected: farm.persistenceSuspected,
            rate: Double(farm.persistenceSuspected) / Double(total),
            failureRate: Double(statistics.conversations - statistics.accepted) / Double(total),
            byKind: Dictionary(uniqueKeysWithValues: farm.persistenceByKind.map { ($0.key.rawValue, $0.value) }),
            persistOn: PersistenceSuspicion.PersistOn.allCases.filter(farm.persistOn.contains).map(\.rawValue),
            samples: farm.persistenceSamples.map { sample in
                let source = sample.suspicion.source
                return Sample(conversation: sample.conversation, roundTrip: sample.suspicion.roundTrip,
                              sourcePort: source.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } },
                              source: source, nodes: sample.suspicion.nodes, kind: sample.suspicion.kind.rawValue)
            })
        let causes = farm.causes.values.sorted { ($0.count, $1.rule) > ($1.count, $0.rule) }.map { cause in
            Cause(windowsError: cause.windowsError, rule: cause.rule, title: cause.title, count: cause.count,
                  sample: CauseSample(conversation: cause.sampleConversation, identity: cause.sampleIdentity,
                                      evidence: cause.sampleEvidence))
        }
        return (nodes, persistence, causes)
    }

    /// The text lines of the farm figures.
    var farmLines: [String] {
        var lines: [String] = []
        let named = nodes.contains { $0.identifiedBy != "reply-source" && $0.identifiedBy != "none" }
        if nodes.count > 1 || named {
            lines.append("  by node:")
            for node in nodes {
                let latency = node.latencyMs["p50"].map { String(format: "  p50 %.2f ms", $0) } ?? ""
                let p99 = node.latencyMs["p99"].map { String(format: "  p99 %.2f ms", $0) } ?? ""
                lines.append("    \(node.node) (\(node.identifiedBy)): \(node.conversations) conversations, accepted "
                             + "\(node.accepted)  rejected \(node.rejected)  no answer \(node.timedOut)  errors "
                             + "\(node.errors)\(latency)\(p99)")
            }
        }
        if persistence.suspected > 0 {
            lines.append(String(format: "  PERSISTENCE FAILURES: %d (%.1f%% of conversations; all failures %.1f%%): "
                                + "the balancer split conversations over its members", persistence.suspected,
                                persistence.rate * 100, persistence.failureRate * 100))
            lines.append("    persist on: " + persistence.persistOn.joined(separator: ", "))
            for sample in persistence.samples.prefix(3) {
                lines.append("    conversation \(sample.conversation): \(sample.kind) at round trip "
                             + "\(sample.roundTrip)" + (sample.source.map { " from \($0)" } ?? "")
                             + (sample.nodes.isEmpty ? "" : ", answered by " + sample.nodes.joined(separator: ", ")))
            }
        }
        if !failuresByCause.isEmpty {
            lines.append("  failures by cause:")
            for cause in failuresByCause {
                lines.append("    ×\(cause.count) \(cause.title) [rule \(cause.rule)]")
                if let first = cause.sample.evidence.first {
                    lines.append("      e.g. conversation \(cause.sample.conversation) (\(cause.sample.identity)): "
                                 + first)
                }
            }
        }
        return lines
    }
}
