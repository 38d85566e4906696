import Foundation
import Histogram
import Probe

/// A load run's JSON (`load --json`, `--json-out`, `report merge --json`) read back: what `report merge`
/// combines and what the HTML and Prometheus outputs render, live or merged. The keys are `LoadReport`'s (the
/// contract); a live run goes through its own JSON, so the renderers see exactly what a file holds. Fields a
/// file may lack (older versions, another helper's per-node view) are optional.
public struct LoadRunData: Codable, Sendable, OutcomeCounts {
    public var method: String
    public var concurrency: Int
    public var conversations: Int
    public var accepted: Int
    public var rejected: Int
    public var timedOut: Int
    public var errors: Int
    public var mppeMismatches: Int
    public var durationS: Double
    public var perSecond: Double
    public var latencyMs: [String: Double]
    public var roundTrips: Int
    public var retransmissions: Int
    public var discardedReplies: Int
    public var byServer: [String: Int]
    public var errorSamples: [String: Int]
    public var schedule: String
    public var scheduled: Int
    public var notStarted: Int
    public var maxInFlight: Int
    public var askedPerSecond: Double?
    public var achievedPerSecond: Double
    public var rateMissed: Bool
    public var serviceTimeMs: [String: Double]
    public var maxStartDelayMs: Double
    public var bySource: [String: Int]
    public var sourcePorts: Int
    public var stages: [Stage]
    public var identities: Int
    public var resume: Resume?
    public var interrupted: String?

    // Merge data.
    public var latencyHistogram: String?
    public var serviceTimeHistogram: String?
    public var startTime: Double?
    public var intervalS: Int?
    public var intervals: [Interval]?
    public var shard: Shard?
    /// Set by `report merge`: the shard indices (or, unsharded, the number of runs) it combined.
    public var mergedShards: [Int]?
    /// With `merged_shards`: the N of the shards' `--shard i/N`, and the pool they sliced.
    public var shardCount: Int?
    public var poolIdentities: Int?
    public var generators: Int?

    // The per-node view (node identification, persistence, failures by cause).
    public var nodes: [Node]?
    public var persistence: Persistence?
    public var failuresByCause: [FailureCause]?

    enum CodingKeys: String, CodingKey {
        case method, concurrency, conversations, accepted, rejected, errors, schedule, scheduled, stages, identities
        case resume, interrupted, intervals, shard, generators, nodes, persistence
        case timedOut = "timed_out", mppeMismatches = "mppe_mismatches", durationS = "duration_s"
        case perSecond = "per_second", latencyMs = "latency_ms", roundTrips = "round_trips"
        case retransmissions, discardedReplies = "discarded_replies", byServer = "by_server"
        case errorSamples = "error_samples", notStarted = "not_started", maxInFlight = "max_in_flight"
        case askedPerSecond = "asked_per_second", achievedPerSecond = "achieved_per_second"
        case rateMissed = "rate_missed", serviceTimeMs = "service_time_ms", maxStartDelayMs = "max_start_delay_ms"
        case bySource = "by_source", sourcePorts = "source_ports", latencyHistogram = "latency_histogram"
        case serviceTimeHistogram = "service_time_histogram", startTime = "start_time", intervalS = "interval_s"
        case mergedShards = "merged_shards", failuresByCause = "failures_by_cause", shardCount = "shard_count"
        case poolIdentities = "pool_identities"
    }

    public struct Stage: Codable, Sendable, Equatable {
        public var durationS: Double?
        public var fromPerSecond: Double
        public var toPerSecond: Double
        public var scheduled: Int
        public var notStarted: Int
        public var conversations: Int
        public var accepted: Int

        enum CodingKeys: String, CodingKey {
            case scheduled, conversations, accepted
            case durationS = "duration_s", fromPerSecond = "from_per_second", toPerSecond = "to_per_second"
            case notStarted = "not_started"
        }
    }

    public struct Resume: Codable, Sendable {
        public var ratio: Double
        public var asked: Int
        public var offered: Int
        public var resumed: Int
    }

    /// One interval of the run (`interval_s` long, from `start_s` seconds after the run's start).
    public struct Interval: Codable, Sendable, OutcomeCounts {
        public var startS: Int
        public var asked: Int
        public var started: Int
        public var notStarted: Int
        public var accepted: Int
        public var rejected: Int
        public var timedOut: Int
        public var errors: Int
        public var latencyMs: [String: Double]
        public var latencyHistogram: String

        init(start: Int, _ interval: LoadIntervals.Interval) {
            startS = start
            asked = interval.asked
            started = interval.started
            notStarted = interval.notStarted
            accepted = interval.accepted
            rejected = interval.rejected
            timedOut = interval.timedOut
            errors = interval.errors
            latencyMs = LoadRunData.percentiles(HdrHistogramEncoding.normalized(interval.latency))
            latencyHistogram = HdrHistogramEncoding.base64(interval.latency)
        }

        enum CodingKeys: String, CodingKey {
            case asked, started, accepted, rejected, errors
            case startS = "start_s", notStarted = "not_started", timedOut = "timed_out", latencyMs = "latency_ms"
            case latencyHistogram = "latency_histogram"
        }
    }

    /// `--shard i/N`: this run is slice `index` of `count`; its identities are the pool's entries
    /// `first_identity` … `first_identity + identities − 1` (0-based) of `pool_identities`.
    public struct Shard: Codable, Sendable, Equatable {
        public var index: Int
        public var count: Int
        public var firstIdentity: Int
        public var poolIdentities: Int

        public init(index: Int, count: Int, firstIdentity: Int, poolIdentities: Int) {
            self.index = index
            self.count = count
            self.firstIdentity = firstIdentity
            self.poolIdentities = poolIdentities
        }

        enum CodingKeys: String, CodingKey {
            case index, count
            case firstIdentity = "first_identity", poolIdentities = "pool_identities"
        }
    }

    /// One farm member as the per-node view names it.
    public struct Node: Codable, Sendable, OutcomeCounts {
        public var node: String
        public var identifiedBy: String?
        public var sources: JSONValue?
        public var conversations: Int
        public var accepted: Int
        public var rejected: Int
        public var timedOut: Int
        public var errors: Int
        public var latencyMs: [String: Double]?
        public var latencyHistogram: String?

        enum CodingKeys: String, CodingKey {
            case node, sources, conversations, accepted, rejected, errors
            case identifiedBy = "identified_by", timedOut = "timed_out", latencyMs = "latency_ms"
            case latencyHistogram = "latency_histogram"
        }
    }

    public struct Persistence: Codable, Sendable {
        public var suspected: Int
        public var rate: Double?
        public var failureRate: Double?
        /// Suspicions per kind (`two-nodes`, `unanswered-after-answer`, `reject-on-fresh-state`).
        public var byKind: [String: Int]?
        /// What the balancer must persist on.
        public var persistOn: [String]?
        public var samples: [JSONValue]?

        enum CodingKeys: String, CodingKey {
            case suspected, rate, samples
            case failureRate = "failure_rate", byKind = "by_kind", persistOn = "persist_on"
        }
    }

    public struct FailureCause: Codable, Sendable {
        public var windowsError: JSONValue?
        public var rule: String?
        public var title: String?
        public var count: Int
        public var sample: JSONValue?

        enum CodingKeys: String, CodingKey {
            case rule, title, count, sample
            case windowsError = "windows_error"
        }

        /// `windows_error` is written as null when there is none (the key stays).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(windowsError ?? .null, forKey: .windowsError)
            try container.encodeIfPresent(rule, forKey: .rule)
            try container.encodeIfPresent(title, forKey: .title)
            try container.encode(count, forKey: .count)
            try container.encodeIfPresent(sample, forKey: .sample)
        }
    }

    /// Reads a file's JSON; the error names what is wrong.
    public static func decode(_ data: Data) throws(ReportError) -> LoadRunData {
        do {
            return try JSONDecoder().decode(LoadRunData.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ReportError("not a load report: no \(Self.path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ReportError("not a load report: \(Self.path(context.codingPath)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ReportError("not a load report: \(Self.path(context.codingPath)) is null")
        } catch {
            throw ReportError("not JSON (\(error.localizedDescription))")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// `p50`, `p90`, `p99`, `p99_9`, `max` in milliseconds (empty for an empty histogram), as `latency_ms`.
    public static func percentiles(_ histogram: Histogram<UInt64>) -> [String: Double] {
        guard histogram.totalCount > 0 else { return [:] }
        var out: [String: Double] = [:]
        for (label, percentile) in LoadReport.percentiles {
            out[label] = Double(histogram.valueAtPercentile(percentile)) / 1000
        }
        return out
    }

    /// Which shards of how many this file holds, of which pool: its own `--shard`, or those a merge combined.
    var shards: (indices: [Int], count: Int, pool: Int)? {
        if let shard { return ([shard.index], shard.count, shard.poolIdentities) }
        if let mergedShards, let shardCount { return (mergedShards, shardCount, poolIdentities ?? identities) }
        return nil
    }

    /// The latency histogram (nil when the file has none).
    public func latency() throws(HdrHistogramError) -> Histogram<UInt64>? {
        try latencyHistogram.map { text throws(HdrHistogramError) in try HdrHistogramEncoding.decode(base64: text) }
    }
}

/// Any JSON value, for the parts of a load report merge carries along without interpreting every field.
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Two values of a merge combined: numbers summed, objects merged key by key, arrays joined without
    /// repeats; otherwise the first is kept.
    public func combined(with other: JSONValue) -> JSONValue {
        switch (self, other) {
        case (.number(let a), .number(let b)): return .number(a + b)
        case (.object(var a), .object(let b)):
            for (key, value) in b { a[key] = a[key].map { $0.combined(with: value) } ?? value }
            return .object(a)
        case (.array(let a), .array(let b)): return .array(a + b.filter { !a.contains($0) })
        default: return self
        }
    }

    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return value.rounded() == value ? String(Int64(value)) : String(value)
        case .string(let value): return value
        case .array(let values): return values.map(\.text).joined(separator: ", ")
        case .object(let values): return values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.text)" }
            .joined(separator: ", ")
        }
    }
}
