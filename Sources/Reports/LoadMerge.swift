import Foundation
import Histogram
import Probe

/// `npsprobe report merge`: the outputs of several generators of one load run (`--shard i/N`) combined exactly:
/// counts summed, percentiles recomputed from the merged HdrHistograms (never averaged), stages and intervals
/// merged, per-node views merged by node, persistence and failures by cause summed. Inputs that cannot be parts of
/// one run are refused, naming the file and the reason.
public enum LoadMerge {
    /// Merges `inputs` (a name for messages, and the decoded JSON).
    public static func merge(_ inputs: [(name: String, run: LoadRunData)]) throws(ReportError) -> LoadRunData {
        guard let first = inputs.first else { throw ReportError("nothing to merge") }
        try checkConsistent(inputs)
        var merged = first.run
        var latency = try histogram(first.run.latencyHistogram, "latency_histogram", first.name)
        var service = try histogram(first.run.serviceTimeHistogram, "service_time_histogram", first.name)
        var intervals = try LoadIntervalsData(first.run, name: first.name)
        var nodes = NodeMerger()
        try nodes.add(first.run.nodes, name: first.name)
        var causes = first.run.failuresByCause
        for (name, run) in inputs.dropFirst() {
            try add(try histogram(run.latencyHistogram, "latency_histogram", name), to: &latency, name)
            try add(try histogram(run.serviceTimeHistogram, "service_time_histogram", name), to: &service, name)
            try intervals.merge(LoadIntervalsData(run, name: name), name: name)
            try nodes.add(run.nodes, name: name)
            merged.concurrency += run.concurrency
            merged.conversations += run.conversations
            merged.addOutcomes(of: run)
            merged.mppeMismatches += run.mppeMismatches
            merged.durationS = max(merged.durationS, run.durationS)
            merged.roundTrips += run.roundTrips
            merged.retransmissions += run.retransmissions
            merged.discardedReplies += run.discardedReplies
            merged.byServer.merge(run.byServer, uniquingKeysWith: +)
            merged.errorSamples.merge(run.errorSamples, uniquingKeysWith: +)
            merged.scheduled += run.scheduled
            merged.notStarted += run.notStarted
            merged.maxInFlight += run.maxInFlight
            if let asked = run.askedPerSecond { merged.askedPerSecond = (merged.askedPerSecond ?? 0) + asked }
            merged.achievedPerSecond += run.achievedPerSecond
            merged.maxStartDelayMs = max(merged.maxStartDelayMs, run.maxStartDelayMs)
            merged.bySource.merge(run.bySource, uniquingKeysWith: +)
            merged.sourcePorts += run.sourcePorts
            for index in merged.stages.indices {
                let other = run.stages[index]
                merged.stages[index].fromPerSecond += other.fromPerSecond
                merged.stages[index].toPerSecond += other.toPerSecond
                merged.stages[index].scheduled += other.scheduled
                merged.stages[index].notStarted += other.notStarted
                merged.stages[index].conversations += other.conversations
                merged.stages[index].accepted += other.accepted
            }
            merged.identities += run.identities
            if let resume = run.resume {
                if var mine = merged.resume {
                    mine.asked += resume.asked
                    mine.offered += resume.offered
                    mine.resumed += resume.resumed
                    merged.resume = mine
                } else {
                    merged.resume = resume
                }
            }
            merged.interrupted = merged.interrupted ?? run.interrupted
            if let start = run.startTime { merged.startTime = min(merged.startTime ?? start, start) }
            if let persistence = run.persistence {
                if var mine = merged.persistence {
                    mine.suspected += persistence.suspected
                    mine.samples = (mine.samples ?? []) + (persistence.samples ?? [])
                    if let kinds = persistence.byKind {
                        mine.byKind = (mine.byKind ?? [:]).merging(kinds, uniquingKeysWith: +)
                    }
                    if let on = persistence.persistOn {
                        mine.persistOn = (mine.persistOn ?? []) + on.filter { !(mine.persistOn ?? []).contains($0) }
                    }
                    merged.persistence = mine
                } else {
                    merged.persistence = persistence
                }
            }
            if let other = run.failuresByCause {
                var list = causes ?? []
                for cause in other {
                    let same = list.firstIndex { $0.windowsError == cause.windowsError && $0.rule == cause.rule }
                    if let index = same {
                        list[index].count += cause.count
                    } else {
                        list.append(cause)
                    }
                }
                causes = list
            }
        }
        merged.perSecond = LoadReport.rounded(Double(merged.conversations) / max(merged.durationS, 0.001))
        merged.askedPerSecond = merged.askedPerSecond.map(LoadReport.rounded)
        merged.achievedPerSecond = LoadReport.rounded(merged.achievedPerSecond)
        if let asked = merged.askedPerSecond, asked > 0 {
            merged.rateMissed = abs(merged.achievedPerSecond - asked) / asked > 0.01
        }
        merged.latencyMs = LoadRunData.percentiles(latency)
        merged.serviceTimeMs = LoadRunData.percentiles(service)
        merged.latencyHistogram = HdrHistogramEncoding.base64(latency)
        merged.serviceTimeHistogram = HdrHistogramEncoding.base64(service)
        merged.intervalS = intervals.length
        merged.intervals = intervals.rendered
        merged.nodes = nodes.rendered
        if var persistence = merged.persistence, merged.conversations > 0 {
            persistence.rate = Double(persistence.suspected) / Double(merged.conversations)
            persistence.failureRate = Double(merged.conversations - merged.accepted) / Double(merged.conversations)
            persistence.samples = persistence.samples.map { Array($0.prefix(20)) }
            merged.persistence = persistence
        }
        merged.failuresByCause = causes?.sorted { $0.count > $1.count }
        let shards = inputs.compactMap(\.run.shards)
        merged.shard = nil
        merged.mergedShards = shards.isEmpty ? nil : shards.flatMap(\.indices).sorted()
        merged.shardCount = shards.first?.count
        merged.poolIdentities = shards.first?.pool
        merged.generators = inputs.reduce(0) { $0 + ($1.run.generators ?? 1) }
        return merged
    }

    /// Everything that must agree for the inputs to be parts of one run.
    static func checkConsistent(_ inputs: [(name: String, run: LoadRunData)]) throws(ReportError) {
        let first = inputs[0]
        var seen: [Int: String] = [:]
        var ranges: [(Range<Int>, String)] = []
        for (name, run) in inputs {
            if run.method != first.run.method {
                throw ReportError("\(name) ran \(run.method), \(first.name) \(first.run.method): not parts of one run")
            }
            if run.schedule != first.run.schedule {
                throw ReportError("\(name) is a \(run.schedule) loop, \(first.name) a \(first.run.schedule) one")
            }
            if run.stages.count != first.run.stages.count
                || zip(run.stages, first.run.stages).contains(where: { $0.durationS != $1.durationS })
            {
                throw ReportError("\(name) and \(first.name) have different stages: not parts of one run")
            }
            if (run.shards == nil) != (first.run.shards == nil) {
                throw ReportError("\(run.shards == nil ? name : first.name) is not a shard (--shard i/N) but "
                                  + "\(run.shards == nil ? first.name : name) is: not parts of one run")
            }
            guard let shard = run.shards, let firstShard = first.run.shards else { continue }
            if shard.count != firstShard.count {
                throw ReportError("\(name) is a shard of \(shard.count), \(first.name) of \(firstShard.count)")
            }
            if shard.pool != firstShard.pool {
                throw ReportError("\(name) sliced a pool of \(shard.pool) identities, \(first.name) one of "
                                  + "\(firstShard.pool)")
            }
            for index in shard.indices {
                if let other = seen[index] {
                    throw ReportError("\(name) and \(other) are both shard \(index)/\(shard.count): a shard merged "
                                      + "twice would count its conversations twice")
                }
                seen[index] = name
            }
            if let own = run.shard, own.poolIdentities > 1 {
                let range = own.firstIdentity..<(own.firstIdentity + run.identities)
                if let (_, other) = ranges.first(where: { $0.0.overlaps(range) }) {
                    throw ReportError("\(name) and \(other) used overlapping identities (entries \(range.lowerBound)…"
                                      + "\(range.upperBound - 1)): the shards are not disjoint")
                }
                ranges.append((range, name))
            }
        }
    }

    /// Shards missing from a merge of shards (a warning: the merge is of what was given).
    public static func missingShards(_ merged: LoadRunData) -> [Int] {
        guard let count = merged.shardCount, let present = merged.mergedShards else { return [] }
        return (0..<count).filter { !present.contains($0) }
    }

    static func add(_ other: Histogram<UInt64>, to histogram: inout Histogram<UInt64>, _ name: String)
        throws(ReportError)
    {
        do {
            try HdrHistogramEncoding.add(other, to: &histogram)
        } catch {
            throw ReportError("\(name): \(error.description)")
        }
    }

    static func histogram(_ text: String?, _ key: String, _ name: String) throws(ReportError) -> Histogram<UInt64> {
        guard let text else {
            throw ReportError("\(name) has no \(key) (written by an older npsprobe?): it cannot be merged exactly")
        }
        do {
            return try HdrHistogramEncoding.decode(base64: text)
        } catch {
            throw ReportError("\(name): \(key): \(error.reason)")
        }
    }

    /// Intervals of runs with their histograms, merged on the time since each run's own start.
    struct LoadIntervalsData {
        var length: Int
        var intervals: [Int: (LoadRunData.Interval, Histogram<UInt64>)]

        init(_ run: LoadRunData, name: String) throws(ReportError) {
            length = max(1, run.intervalS ?? 1)
            intervals = [:]
            for interval in run.intervals ?? [] {
                let histogram = try LoadMerge.histogram(interval.latencyHistogram, "intervals latency_histogram", name)
                try add(interval, histogram, name)
            }
        }

        mutating func add(_ interval: LoadRunData.Interval, _ histogram: Histogram<UInt64>, _ name: String)
            throws(ReportError)
        {
            let key = interval.startS / length
            guard var (current, merged) = intervals[key] else {
                var copy = interval
                copy.startS = key * length
                intervals[key] = (copy, histogram)
                return
            }
            current.asked += interval.asked
            current.started += interval.started
            current.notStarted += interval.notStarted
            current.addOutcomes(of: interval)
            try LoadMerge.add(histogram, to: &merged, name)
            intervals[key] = (current, merged)
        }

        mutating func coarsen(to newLength: Int) throws(ReportError) {
            let old = intervals.values
            length = newLength
            intervals = [:]
            for (interval, histogram) in old { try add(interval, histogram, "the merge") }
        }

        mutating func merge(_ other: LoadIntervalsData, name: String) throws(ReportError) {
            var other = other
            let target = max(length, other.length)
            if length < target { try coarsen(to: target) }
            if other.length < target { try other.coarsen(to: target) }
            for (interval, histogram) in other.intervals.values { try add(interval, histogram, name) }
        }

        var rendered: [LoadRunData.Interval] {
            intervals.keys.sorted().map { key in
                var (interval, histogram) = intervals[key]!
                interval.latencyMs = LoadRunData.percentiles(histogram)
                interval.latencyHistogram = HdrHistogramEncoding.base64(histogram)
                return interval
            }
        }
    }

    /// Per-node views merged by `node`.
    struct NodeMerger {
        var order: [String] = []
        var nodes: [String: (LoadRunData.Node, Histogram<UInt64>?)] = [:]
        var present = false

        mutating func add(_ list: [LoadRunData.Node]?, name: String) throws(ReportError) {
            guard let list else { return }
            present = true
            for node in list {
                let histogram = try node.latencyHistogram.map { text throws(ReportError) in
                    try LoadMerge.histogram(text, "nodes latency_histogram", name)
                }
                guard var (current, merged) = nodes[node.node] else {
                    order.append(node.node)
                    nodes[node.node] = (node, histogram)
                    continue
                }
                current.conversations += node.conversations
                current.addOutcomes(of: node)
                current.identifiedBy = current.identifiedBy ?? node.identifiedBy
                switch (current.sources, node.sources) {
                case (let a?, let b?): current.sources = a.combined(with: b)
                case (nil, let b): current.sources = b
                default: break
                }
                if let histogram {
                    if var existing = merged {
                        try LoadMerge.add(histogram, to: &existing, name)
                        merged = existing
                    } else {
                        merged = histogram
                    }
                }
                nodes[node.node] = (current, merged)
            }
        }

        var rendered: [LoadRunData.Node]? {
            guard present else { return nil }
            return order.map { key in
                var (node, histogram) = nodes[key]!
                if let histogram {
                    node.latencyMs = LoadRunData.percentiles(histogram)
                    node.latencyHistogram = HdrHistogramEncoding.base64(histogram)
                }
                return node
            }
        }
    }
}

extension LoadMerge {
    /// The merged run in a few lines (what `report merge` prints).
    public static func summary(_ run: LoadRunData) -> String {
        var lines: [String] = []
        let shards = run.mergedShards.map { "shards \($0.map(String.init).joined(separator: ", ")) of "
            + "\(run.shardCount ?? $0.count)" } ?? "\(run.generators ?? 1) unsharded runs"
        lines.append("\(run.conversations) \(run.method) conversations merged from \(shards), "
                     + "\(run.identities) identities")
        lines.append("  accepted \(run.accepted)  rejected \(run.rejected)  no answer \(run.timedOut)  errors "
                     + "\(run.errors)  not started \(run.notStarted)  (scheduled \(run.scheduled))")
        if let asked = run.askedPerSecond {
            lines.append(String(format: "  asked %.1f/s, achieved %.1f/s", asked, run.achievedPerSecond))
        }
        let latency = LoadReport.percentiles.compactMap { key, _ in
            run.latencyMs[key].map { "\(key.replacingOccurrences(of: "_", with: ".")) \(String(format: "%.2f", $0))" }
        }
        if !latency.isEmpty {
            lines.append("  latency ms (from the intended start): " + latency.joined(separator: "  "))
        }
        for node in run.nodes ?? [] {
            lines.append("  node \(node.node): \(node.conversations) conversations, accepted \(node.accepted)")
        }
        return lines.joined(separator: "\n")
    }
}
