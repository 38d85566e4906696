import Histogram

/// A load run second by second (or by longer intervals on a long run): what was asked and started, how
/// conversations ended, and their latency, so reports can draw percentiles and rates over time and HdrHistogram
/// interval logs can be written. Time is measured from the run's start; intervals are `length` seconds long and
/// at most `maximumIntervals` are kept: when a run outgrows them, neighbours are merged and the length doubles
/// (lengths stay powers of two, so the intervals of runs of different lengths still nest when merged).
public struct LoadIntervals: Sendable {
    public struct Interval: Sendable, OutcomeCounts {
        /// Arrivals the schedule intended to start in this interval (started or not).
        public var asked = 0
        /// Conversations that actually started in it.
        public var started = 0
        /// Arrivals due in it that could not start (`maximumInFlight` in flight).
        public var notStarted = 0
        /// Conversations that ended in it, by outcome.
        public var accepted = 0
        public var rejected = 0
        public var timedOut = 0
        public var errors = 0
        /// Latency from the intended start (microseconds) of the accepts and rejects that ended in it.
        public var latency = LoadStatistics.histogram()

        public init() {}

        public mutating func merge(_ other: Interval) {
            asked += other.asked
            started += other.started
            notStarted += other.notStarted
            addOutcomes(of: other)
            latency.add(other.latency)
        }
    }

    public static let maximumIntervals = 256
    /// Seconds per interval: 1, 2, 4…
    public private(set) var length = 1
    /// By interval number (interval k covers [k·length, (k+1)·length) seconds).
    public private(set) var intervals: [Int: Interval] = [:]

    public init() {}

    /// The interval `time` falls in, merged into coarser intervals first when the run outgrew them.
    mutating func update(at time: Duration, _ change: (inout Interval) -> Void) {
        let second = max(0, Int(time.seconds.rounded(.down)))
        while second / length >= Self.maximumIntervals { coarsen() }
        change(&intervals[second / length, default: Interval()])
    }

    /// Doubles the interval length, merging neighbours.
    public mutating func coarsen() {
        var merged: [Int: Interval] = [:]
        for (number, interval) in intervals { merged[number / 2, default: Interval()].merge(interval) }
        intervals = merged
        length *= 2
    }

    /// Intervals in time order, from the first to the last that saw anything (gaps filled with empty ones).
    public var ordered: [(start: Int, interval: Interval)] {
        guard let last = intervals.keys.max() else { return [] }
        return (0...last).map { ($0 * length, intervals[$0] ?? Interval()) }
    }

    public mutating func merge(_ other: LoadIntervals) {
        var other = other
        while length < other.length { coarsen() }
        while other.length < length { other.coarsen() }
        for (number, interval) in other.intervals { intervals[number, default: Interval()].merge(interval) }
        while (intervals.keys.max() ?? 0) >= Self.maximumIntervals { coarsen() }
    }
}
