import Foundation
import Histogram

/// `load --prom FILE` (and `report merge --prom`): a load run as a node_exporter textfile (exposition format
/// 0.0.4, the style of ``PrometheusReport``): conversations by outcome, asked and achieved rates, latency and
/// service-time quantiles (summaries from the HdrHistogram), per node when the run names nodes, persistence
/// failures and failures by cause.
public enum LoadPrometheus {
    public static func render(_ run: LoadRunData, timestamp: Date? = nil) -> String {
        var lines: [String] = []
        let base = "method=\"\(PrometheusReport.escape(run.method))\""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            guard !samples.isEmpty else { return }
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples {
                let value = PrometheusReport.number(value)
                lines.append(labels.isEmpty ? "\(name) \(value)" : "\(name){\(labels)} \(value)")
            }
        }
        let outcomes: [(String, Int)] = [
            ("accepted", run.accepted), ("rejected", run.rejected), ("timed_out", run.timedOut),
            ("errors", run.errors), ("not_started", run.notStarted),
        ]
        metric("npsprobe_load_conversations", "gauge",
               "Conversations of the load run by outcome (not_started: due but over --max-in-flight).",
               outcomes.map { ("\(base),outcome=\"\($0.0)\"", Double($0.1)) })
        metric("npsprobe_load_scheduled", "gauge", "Arrivals the schedule handed out.",
               [(base, Double(run.scheduled))])
        var rates = [("\(base),kind=\"achieved\"", run.achievedPerSecond)]
        if let asked = run.askedPerSecond { rates.insert(("\(base),kind=\"asked\"", asked), at: 0) }
        metric("npsprobe_load_rate_per_second", "gauge", "Conversations per second the schedule asked for and started.",
               rates)
        metric("npsprobe_load_duration_seconds", "gauge",
               "From the start of the run to the end of its last conversation.",
               [(base, run.durationS)])
        summary(&lines, "npsprobe_load_latency_seconds",
                "Conversation latency from its intended start (accepts and rejects).", base, run.latencyHistogram)
        summary(&lines, "npsprobe_load_service_time_seconds",
                "Conversation latency from its actual start.", base, run.serviceTimeHistogram)
        metric("npsprobe_load_round_trips", "gauge", "Round trips, retransmissions and replies failing verification.",
               [("\(base),kind=\"round_trips\"", Double(run.roundTrips)),
                ("\(base),kind=\"retransmissions\"", Double(run.retransmissions)),
                ("\(base),kind=\"discarded_replies\"", Double(run.discardedReplies))])
        if let nodes = run.nodes, !nodes.isEmpty {
            var samples: [(String, Double)] = []
            for node in nodes {
                let labels = "\(base),node=\"\(PrometheusReport.escape(node.node))\""
                samples += [("accepted", node.accepted), ("rejected", node.rejected), ("timed_out", node.timedOut),
                            ("errors", node.errors)].map { ("\(labels),outcome=\"\($0.0)\"", Double($0.1)) }
            }
            metric("npsprobe_load_node_conversations", "gauge", "Conversations per farm member by outcome.", samples)
            var quantiles: [(String, Double)] = []
            for node in nodes {
                let labels = "\(base),node=\"\(PrometheusReport.escape(node.node))\""
                for (key, quantile) in quantileKeys {
                    if let value = node.latencyMs?[key] { quantiles.append(("\(labels),quantile=\"\(quantile)\"",
                                                                            value / 1000)) }
                }
            }
            metric("npsprobe_load_node_latency_seconds", "gauge", "Latency quantiles per farm member.", quantiles)
        } else if !run.byServer.isEmpty {
            metric("npsprobe_load_server_conversations", "gauge", "Conversations per server address sent to.",
                   run.byServer.sorted { $0.key < $1.key }.map {
                       ("\(base),server=\"\(PrometheusReport.escape($0.key))\"", Double($0.value))
                   })
        }
        if let persistence = run.persistence {
            metric("npsprobe_load_persistence_suspected", "gauge",
                   "Conversations suspected of losing balancer persistence.", [(base, Double(persistence.suspected))])
            if let rate = persistence.rate {
                metric("npsprobe_load_persistence_failure_ratio", "gauge",
                       "Suspected persistence failures per conversation.", [(base, rate)])
            }
        }
        if let causes = run.failuresByCause, !causes.isEmpty {
            metric("npsprobe_load_failures", "gauge", "Refused or unanswered conversations by Windows error and rule.",
                   causes.map { cause in
                       ("\(base),windows_error=\"\(PrometheusReport.escape(cause.windowsError?.text ?? ""))\","
                        + "rule=\"\(PrometheusReport.escape(cause.rule ?? ""))\"", Double(cause.count))
                   })
        }
        if let shards = run.mergedShards {
            metric("npsprobe_load_shards", "gauge", "Shards (generators) merged into this report.",
                   [(base, Double(shards.count))])
        }
        if let timestamp {
            metric("npsprobe_last_run_timestamp_seconds", "gauge", "When the run that wrote this file started.",
                   [("", timestamp.timeIntervalSince1970)])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let quantileKeys: [(String, String)] = [
        ("p50", "0.5"), ("p90", "0.9"), ("p99", "0.99"), ("p99_9", "0.999"), ("max", "1"),
    ]

    /// A summary from an encoded histogram: quantiles, `_sum` (mean × count) and `_count`, in seconds.
    static func summary(_ lines: inout [String], _ name: String, _ help: String, _ labels: String, _ encoded: String?) {
        guard let encoded, let histogram = try? HdrHistogramEncoding.decode(base64: encoded) else { return }
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) summary")
        if histogram.totalCount > 0 {
            for (key, quantile) in quantileKeys {
                let percentile = LoadReport.percentiles.first { $0.0 == key }?.1 ?? 100
                let seconds = Double(histogram.valueAtPercentile(percentile)) / 1_000_000
                lines.append("\(name){\(labels),quantile=\"\(quantile)\"} \(PrometheusReport.number(seconds))")
            }
        }
        let sum = histogram.totalCount == 0 ? 0 : histogram.mean * Double(histogram.totalCount) / 1_000_000
        lines.append("\(name)_sum{\(labels)} \(PrometheusReport.number(sum))")
        lines.append("\(name)_count{\(labels)} \(histogram.totalCount)")
    }
}
