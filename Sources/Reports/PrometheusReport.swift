import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// `run --prom FILE`: a textfile for the node_exporter textfile collector (Prometheus exposition format
/// 0.0.4). Per case: success (1/0), latency in seconds, and the last verdict as a one-hot label set.
/// With `--repeat`, the last result of each case counts (a series may appear once).
public enum PrometheusReport {
    public static func render(_ results: [CaseResult], timestamp: Date? = nil) -> String {
        var last: [String: CaseResult] = [:]
        var order: [String] = []
        for result in results {
            if last[result.name] == nil { order.append(result.name) }
            last[result.name] = result
        }
        let cases = order.compactMap { last[$0] }
        func labels(_ result: CaseResult) -> String {
            "case=\"\(escape(result.name))\",tags=\"\(escape(result.tags.joined(separator: ",")))\""
        }
        var lines: [String] = []
        lines.append("# HELP npsprobe_case_success 1 when the case met its expectation and assertions, else 0.")
        lines.append("# TYPE npsprobe_case_success gauge")
        for result in cases { lines.append("npsprobe_case_success{\(labels(result))} \(result.passed ? 1 : 0)") }
        lines.append("# HELP npsprobe_case_latency_seconds Duration of the case's conversation.")
        lines.append("# TYPE npsprobe_case_latency_seconds gauge")
        for result in cases {
            let seconds = result.observation.map { $0.latencyMs / 1000 } ?? result.duration
            lines.append("npsprobe_case_latency_seconds{\(labels(result))} \(number(seconds))")
        }
        lines.append("# HELP npsprobe_case_last_verdict The case's last verdict (1 for the verdict it had).")
        lines.append("# TYPE npsprobe_case_last_verdict gauge")
        for result in cases {
            for verdict in CaseResult.Verdict.allCases {
                let labels = "case=\"\(escape(result.name))\",verdict=\"\(verdict.rawValue)\""
                lines.append("npsprobe_case_last_verdict{\(labels)} "
                             + (result.verdict == verdict ? "1" : "0"))
            }
        }
        if let timestamp {
            lines.append("# HELP npsprobe_last_run_timestamp_seconds When the run that wrote this file started.")
            lines.append("# TYPE npsprobe_last_run_timestamp_seconds gauge")
            lines.append("npsprobe_last_run_timestamp_seconds \(number(timestamp.timeIntervalSince1970))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Label value escaping: backslash, double quote and line feed.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: Go-style float text without exponent for ordinary values.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
