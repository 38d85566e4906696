import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// The figures of a load run: `load --json` prints this object. Its older fields keep their names and formats
/// (`conversations` counts conversations that ran; `latency_ms` is measured from each conversation's intended
/// start); the schedule, rates, sources and stages were added beside them.
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
    /// Which farm member answered (LoadFarmReport.swift), persistence failures, failures by cause.
    var nodes: [Node]
    var persistence: Persistence
    var failuresByCause: [Cause]

    /// `open` (arrival rate) or `closed` (concurrency).
    var schedule: String
    /// Arrivals the schedule handed out: conversations + not_started (= accepted + rejected + timed_out +
    /// errors + not_started).
    var scheduled: Int
    var notStarted: Int
    var maxInFlight: Int
    /// What was asked (open loop only; absent for a closed loop) and achieved, per second (conversations started).
    var askedPerSecond: Double?
    var achievedPerSecond: Double
    /// The achieved rate differs from the asked one by more than 1%.
    var rateMissed: Bool
    /// From the actual start (the server's time; `latency_ms` minus the generator's lag).
    var serviceTimeMs: [String: Double]
    var maxStartDelayMs: Double
    /// Conversations per local source address and port, and how many source ports were used.
    var bySource: [String: Int]
    var sourcePorts: Int
    var stages: [Stage]
    var identities: Int
    var resume: Resume?
    /// `SIGINT` or `SIGTERM` when the run was stopped early (absent when it ran to its end).
    var interrupted: String?
    /// `--accounting`: Start/Stop after every accepted conversation (absent without it).
    var accounting: Accounting?

    struct Accounting: Encodable {
        /// Accepted conversations accounted for, and how their sessions ended.
        var sessions: Int
        var responded: Int
        var noResponse: Int
        var errors: Int
        /// Accounting-Requests sent and answered, retransmissions.
        var requests: Int
        var responses: Int
        var retransmissions: Int
        /// Per answered Accounting-Request.
        var latencyMs: [String: Double]
        var failureSamples: [String: Int]
    }

    // Exact merge data (`report merge`, `--hdr-log`, `--report`): the latency and service-time histograms in
    // HdrHistogram's compressed V2 encoding (base64; microseconds), when the run started (seconds since the epoch),
    // the run per interval, and which shard of a sharded run this was.
    var latencyHistogram: String
    var serviceTimeHistogram: String
    var startTime: Double?
    var intervalS: Int
    var intervals: [LoadRunData.Interval]
    var shard: LoadRunData.Shard?

    struct Stage: Encodable {
        var durationS: Double?
        var fromPerSecond: Double
        var toPerSecond: Double
        var scheduled: Int
        var notStarted: Int
        var conversations: Int
        var accepted: Int
    }

    struct Resume: Encodable {
        var ratio: Double
        /// Conversations that asked to resume, had a saved session to offer, and were resumed by the server.
        var asked: Int
        var offered: Int
        var resumed: Int
    }

    static let percentiles: [(String, Double)] = [
        ("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99_9", 99.9), ("max", 100.0),
    ]

    public init(result: LoadResult, method: String, identities: Int = 1, resumeRatio: Double = 0,
                startTime: Date? = nil, shard: LoadRunData.Shard? = nil) {
        let statistics = result.statistics
        self.method = method
        concurrency = result.schedule.maximumInFlight
        conversations = statistics.conversations
        accepted = statistics.accepted
        rejected = statistics.rejected
        timedOut = statistics.timedOut
        errors = statistics.errors
        mppeMismatches = statistics.mppeMismatches
        durationS = (result.elapsed.milliseconds).rounded() / 1000
        perSecond = Self.rounded(Double(statistics.conversations) / max(result.elapsed.milliseconds / 1000, 0.001))
        // From the histograms as their encodings keep them, so a merge recomputes the same figures.
        latencyMs = LoadRunData.percentiles(HdrHistogramEncoding.normalized(statistics.latency))
        serviceTimeMs = LoadRunData.percentiles(HdrHistogramEncoding.normalized(statistics.serviceTime))
        roundTrips = statistics.roundTrips
        retransmissions = statistics.retransmissions
        discardedReplies = statistics.discardedReplies
        byServer = statistics.byServer
        errorSamples = statistics.errorSamples
        (nodes, persistence, failuresByCause) = Self.farmFigures(statistics)

        scheduled = statistics.scheduled
        notStarted = statistics.notStarted
        maxInFlight = result.schedule.maximumInFlight
        askedPerSecond = result.askedRate.map(Self.rounded)
        achievedPerSecond = Self.rounded(result.achievedRate)
        rateMissed = result.missedAskedRate
        maxStartDelayMs = Double(statistics.maximumStartDelayMicroseconds) / 1000
        bySource = statistics.bySource
        sourcePorts = statistics.bySource.count
        var stages: [Stage] = []
        switch result.schedule {
        case .open(let planned, _):
            schedule = "open"
            for (index, stage) in planned.enumerated() {
                let counts = statistics.stages[index] ?? .init()
                stages.append(Stage(
                    durationS: stage.duration.map { $0.milliseconds / 1000 }, fromPerSecond: stage.fromRate,
                    toPerSecond: stage.toRate, scheduled: counts.scheduled, notStarted: counts.notStarted,
                    conversations: counts.conversations, accepted: counts.accepted))
            }
        case .closed:
            schedule = "closed"
        }
        self.stages = stages
        self.identities = identities
        resume = resumeRatio > 0
            ? Resume(ratio: resumeRatio, asked: statistics.resumeAsked, offered: statistics.resumeOffered,
                     resumed: statistics.resumed)
            : nil
        interrupted = result.interruption
        accounting = statistics.accounting.map { accounting in
            var latency: [String: Double] = [:]
            for (label, percentile) in Self.percentiles {
                if let value = accounting.latencyMilliseconds(atPercentile: percentile) { latency[label] = value }
            }
            return Accounting(
                sessions: accounting.sessions, responded: accounting.responded, noResponse: accounting.noResponse,
                errors: accounting.errors, requests: accounting.requests, responses: accounting.responses,
                retransmissions: accounting.retransmissions, latencyMs: latency,
                failureSamples: accounting.failureSamples)
        }
        latencyHistogram = HdrHistogramEncoding.base64(statistics.latency)
        serviceTimeHistogram = HdrHistogramEncoding.base64(statistics.serviceTime)
        self.startTime = startTime.map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 }
        intervalS = statistics.intervals.length
        intervals = statistics.intervals.ordered.map { start, interval in
            LoadRunData.Interval(start: start, interval)
        }
        self.shard = shard
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    private static func percentileLine(_ values: [String: Double]) -> String {
        Self.percentiles.compactMap { key, _ in
            values[key].map { "\(key.replacingOccurrences(of: "_", with: ".")) \(String(format: "%.2f", $0))" }
        }.joined(separator: "  ")
    }

    /// Warnings the text report and the CLI print: a missed rate, arrivals that could not start.
    public var warnings: [String] {
        var out: [String] = []
        if rateMissed, let asked = askedPerSecond {
            var why = notStarted > 0
                ? "\(notStarted) conversations could not start with \(maxInFlight) in flight (raise --max-in-flight, "
                    + "or the servers are slower than the rate needs)"
                : "the generator started conversations late (up to \(String(format: "%.0f", maxStartDelayMs)) ms): "
                    + "it could not keep up on this machine"
            if interrupted != nil && notStarted == 0 { why = "the run was interrupted" }
            out.append("asked \(String(format: "%.1f", asked))/s, achieved \(String(format: "%.1f", achievedPerSecond))"
                       + "/s (more than 1% apart): \(why)")
        }
        return out
    }

    public var text: String {
        var lines: [String] = []
        let load = schedule == "open"
            ? "asked \(String(format: "%.1f", askedPerSecond ?? 0))/s, achieved "
                + "\(String(format: "%.1f", achievedPerSecond))/s, at most \(maxInFlight) in flight"
            : "at concurrency \(concurrency)"
        lines.append("\(conversations) \(method) conversations in \(String(format: "%.2f", durationS)) s \(load): "
                     + "\(String(format: "%.1f", perSecond))/s completed")
        if let interrupted {
            lines.append("  INTERRUPTED by \(interrupted): no conversation started after it; those in flight finished")
        }
        lines.append("  accepted \(accepted)  rejected \(rejected)  no answer \(timedOut)  errors \(errors)"
                     + "  not started \(notStarted)  (scheduled \(scheduled))"
                     + (mppeMismatches > 0 ? "  MPPE MISMATCH \(mppeMismatches)" : ""))
        for warning in warnings { lines.append("  WARNING: \(warning)") }
        if !latencyMs.isEmpty {
            lines.append("  latency ms (from the intended start): " + Self.percentileLine(latencyMs))
            if schedule == "open" {
                lines.append("  service time ms (from the actual start): " + Self.percentileLine(serviceTimeMs))
            }
        }
        for (index, stage) in stages.enumerated() where stages.count > 1 {
            let rate = stage.fromPerSecond == stage.toPerSecond
                ? "\(String(format: "%g", stage.fromPerSecond))/s"
                : "\(String(format: "%g", stage.fromPerSecond))..\(String(format: "%g", stage.toPerSecond))/s"
            lines.append("  stage \(index + 1) (\(stage.durationS.map { String(format: "%g s", $0) } ?? "open") @ "
                         + "\(rate)): scheduled \(stage.scheduled)  not started \(stage.notStarted)  accepted "
                         + "\(stage.accepted)")
        }
        lines.append("  round trips \(roundTrips)  retransmissions \(retransmissions)  replies failing verification "
                     + "\(discardedReplies)")
        if !byServer.isEmpty {
            lines.append("  by server: " + byServer.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", "))
        }
        if !bySource.isEmpty {
            let counts = bySource.values
            lines.append("  from \(sourcePorts) source port(s): \(counts.min() ?? 0)–\(counts.max() ?? 0) "
                         + "conversations each" + (identities > 1 ? ", \(identities) identities" : ""))
        }
        if let resume {
            lines.append("  resumption (ratio \(String(format: "%g", resume.ratio))): asked \(resume.asked)  offered "
                         + "\(resume.offered)  resumed by the server \(resume.resumed)")
        }
        for (text, count) in errorSamples.sorted(by: { $0.value > $1.value }) {
            lines.append("  error ×\(count): \(text)")
        }
        if let accounting {
            lines.append("  accounting: \(accounting.sessions) sessions  responded \(accounting.responded)  "
                         + "no response "
                         + "\(accounting.noResponse)  errors \(accounting.errors)  (requests \(accounting.requests), "
                         + "answered \(accounting.responses), retransmissions \(accounting.retransmissions))")
            if !accounting.latencyMs.isEmpty {
                lines.append("  accounting latency ms (per request): " + Self.percentileLine(accounting.latencyMs))
            }
            for (text, count) in accounting.failureSamples.sorted(by: { $0.value > $1.value }) {
                lines.append("  accounting failure ×\(count): \(text)")
            }
        }
        lines += farmLines
        return lines.joined(separator: "\n")
    }
}
