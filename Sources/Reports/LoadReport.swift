import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// The figures of a load run: `load --json` prints this object.
public struct LoadReport: Encodable {
    var method: String
    var concurrency: Int
    var conversations: Int
    var accepted: Int
    var rejected: Int
    var timedOut: Int
    var errors: Int
    var mppeMismatches: Int
    var durationS: Double
    var perSecond: Double
    var latencyMs: [String: Double]
    var roundTrips: Int
    var retransmissions: Int
    var discardedReplies: Int
    var byServer: [String: Int]
    var errorSamples: [String: Int]

    public init(statistics: LoadStatistics, elapsed: Duration, method: String, concurrency: Int) {
        self.method = method
        self.concurrency = concurrency
        conversations = statistics.conversations
        accepted = statistics.accepted
        rejected = statistics.rejected
        timedOut = statistics.timedOut
        errors = statistics.errors
        mppeMismatches = statistics.mppeMismatches
        durationS = (elapsed.milliseconds).rounded() / 1000
        perSecond = (Double(statistics.conversations) / max(elapsed.milliseconds / 1000, 0.001) * 10).rounded() / 10
        var latency: [String: Double] = [:]
        for (label, percentile) in [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99_9", 99.9), ("max", 100.0)] {
            if let value = statistics.latencyMilliseconds(atPercentile: percentile) { latency[label] = value }
        }
        latencyMs = latency
        roundTrips = statistics.roundTrips
        retransmissions = statistics.retransmissions
        discardedReplies = statistics.discardedReplies
        byServer = statistics.byServer
        errorSamples = statistics.errorSamples
    }

    public var text: String {
        var lines = [
            "\(conversations) \(method) conversations in \(String(format: "%.2f", durationS)) s at concurrency "
                + "\(concurrency): \(String(format: "%.1f", perSecond))/s",
            "  accepted \(accepted)  rejected \(rejected)  no answer \(timedOut)  errors \(errors)"
                + (mppeMismatches > 0 ? "  MPPE MISMATCH \(mppeMismatches)" : ""),
        ]
        if !latencyMs.isEmpty {
            let order = ["p50", "p90", "p99", "p99_9", "max"]
            lines.append("  latency ms: " + order.compactMap { key in
                latencyMs[key].map { "\(key.replacingOccurrences(of: "_", with: ".")) \(String(format: "%.2f", $0))" }
            }.joined(separator: "  "))
        }
        lines.append("  round trips \(roundTrips)  retransmissions \(retransmissions)  replies failing verification "
                     + "\(discardedReplies)")
        if byServer.count > 1 || byServer.isEmpty == false {
            lines.append("  by server: " + byServer.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", "))
        }
        for (text, count) in errorSamples.sorted(by: { $0.value > $1.value }) {
            lines.append("  error ×\(count): \(text)")
        }
        return lines.joined(separator: "\n")
    }
}
