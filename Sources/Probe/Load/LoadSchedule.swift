import Foundation

/// One stage of an open-loop schedule: conversations arrive at `fromRate` per second at the stage's start,
/// changing linearly to `toRate` at its end (equal rates: a constant rate). `--stage 30s@100/s` holds 100/s
/// for 30 s; `--stage 60s@100..800/s` ramps from 100/s to 800/s over 60 s.
public struct LoadStage: Sendable, Equatable {
    /// nil: no end of its own (the last stage of `--rate R --count N`: the count ends it).
    public var duration: Duration?
    public var fromRate: Double
    public var toRate: Double

    public init(duration: Duration?, rate: Double) {
        self.init(duration: duration, from: rate, to: rate)
    }

    public init(duration: Duration?, from: Double, to: Double) {
        self.duration = duration
        self.fromRate = max(0, from)
        self.toRate = max(0, to)
    }

    var seconds: Double? { duration.map(\.seconds) }

    /// Arrivals the stage asks for in its first `t` seconds: ∫ rate = a·t + (b − a)·t² / 2D.
    func arrivals(during t: Double) -> Double {
        guard let length = seconds, length > 0, fromRate != toRate else { return fromRate * t }
        return fromRate * t + (toRate - fromRate) * t * t / (2 * length)
    }

    /// The time within the stage at which `arrivals(during:)` reaches `count` (nil past the stage's end).
    func time(ofArrivals count: Double) -> Double? {
        let t: Double
        if let length = seconds, length > 0, fromRate != toRate {
            let slope = (toRate - fromRate) / length
            let discriminant = fromRate * fromRate + 2 * slope * count
            guard discriminant >= 0 else { return nil }
            t = (-fromRate + discriminant.squareRoot()) / slope
        } else {
            guard fromRate > 0 else { return nil }
            t = count / fromRate
        }
        if let length = seconds, t >= length { return nil }
        return t
    }

    /// The rate at `t` seconds into the stage.
    func rate(at t: Double) -> Double {
        guard let length = seconds, length > 0 else { return fromRate }
        return fromRate + (toRate - fromRate) * min(max(t / length, 0), 1)
    }
}

/// How conversations are started.
public enum LoadSchedule: Sendable, Equatable {
    /// Open loop (wrk2, k6's arrival-rate executors): each conversation has an intended start time from the
    /// stages, and starts then whatever is in flight, up to `maximumInFlight`; an arrival that finds that many
    /// in flight is counted as not started. Latency is measured from the intended start, so a server that
    /// stalls shows in the percentiles instead of silently lowering the rate (no coordinated omission).
    case open(stages: [LoadStage], maximumInFlight: Int)
    /// Closed loop: `concurrency` conversations in flight, each starting as soon as another ends.
    case closed(concurrency: Int)

    /// The most conversations in flight at once.
    public var maximumInFlight: Int {
        switch self {
        case .open(_, let maximum): return maximum
        case .closed(let concurrency): return concurrency
        }
    }
}

/// The scheduler of a load run as a value: given the time since the run started and how many conversations
/// are in flight, it says what to do next. No clock, no I/O: the runner asks it with the real clock, tests with
/// a manual one.
public struct LoadScheduler: Sendable {
    /// One conversation the schedule asks for.
    public struct Arrival: Sendable, Equatable {
        /// 0, 1, 2… in schedule order.
        public var number: Int
        /// When it should start, from the start of the run.
        public var intended: Duration
        /// The index of its stage (open loop), nil for a closed loop.
        public var stage: Int?
    }

    public enum Decision: Sendable, Equatable {
        /// Start this conversation now.
        case start(Arrival)
        /// This conversation was due but `maximumInFlight` were in flight: count it, do not start it.
        case notStarted(Arrival)
        /// Nothing is due before this time (open loop).
        case wait(until: Duration)
        /// Every slot is busy: ask again when a conversation ends (closed loop).
        case waitForCompletion
        /// The schedule is over (its end, its count, or `stop()`): start nothing more.
        case finished
    }

    public let schedule: LoadSchedule
    /// Start nothing at or after this time.
    public let duration: Duration?
    /// Start (or count as not started) at most this many.
    public let count: Int?
    /// Arrivals handed out so far (started + not started).
    public private(set) var scheduled = 0
    public private(set) var stopped = false

    // Open loop: where the next arrival lies.
    private var stageIndex = 0
    private var stageStart = 0.0
    private var arrivalsBeforeStage = 0.0
    private var nextIntended: Double?

    public init(_ schedule: LoadSchedule, duration: Duration? = nil, count: Int? = nil) {
        self.schedule = schedule
        self.duration = duration
        self.count = count
        if case .open = schedule { nextIntended = locate(0) }
    }

    /// Stop handing out conversations (Ctrl-C): every later decision is `.finished`.
    public mutating func stop() { stopped = true }

    public mutating func decide(now: Duration, inFlight: Int) -> Decision {
        if stopped { return .finished }
        if let count, scheduled >= count { return .finished }
        switch schedule {
        case .closed(let concurrency):
            if let duration, now >= duration { return .finished }
            guard inFlight < concurrency else { return .waitForCompletion }
            defer { scheduled += 1 }
            return .start(Arrival(number: scheduled, intended: now, stage: nil))
        case .open(_, let maximumInFlight):
            guard let intended = nextIntended else { return .finished }
            let due = Duration.seconds(intended)
            if let duration, due >= duration { return .finished }
            guard now >= due else { return .wait(until: due) }
            let arrival = Arrival(number: scheduled, intended: due, stage: stageIndex)
            scheduled += 1
            nextIntended = locate(scheduled)
            return inFlight < maximumInFlight ? .start(arrival) : .notStarted(arrival)
        }
    }

    /// The intended start of the next arrival, nil when the schedule has no more (open loop).
    public var nextIntendedStart: Duration? {
        guard let next = nextIntended else { return nil }
        let due = Duration.seconds(next)
        if let duration, due >= duration { return nil }
        if let count, scheduled >= count { return nil }
        return due
    }

    /// The stretch of schedule time the arrivals handed out so far cover (open loop): up to the next arrival's
    /// intended start, or the schedule's end. Arrivals handed out ÷ this span is the rate that was asked for,
    /// also when the run was stopped early.
    public var askedSpan: Duration? {
        guard case .open = schedule else { return nil }
        let next = nextIntended.map { Duration.seconds($0) }
        switch (next, end) {
        case (let next?, let end?): return min(next, end)
        case (let next?, nil): return next
        case (nil, let end): return end
        }
    }

    /// When the schedule ends by itself: the sum of its stages, cut by `duration` (nil: it ends by its count).
    public var end: Duration? {
        switch schedule {
        case .closed: return duration
        case .open(let stages, _):
            var total = Duration.zero
            for stage in stages {
                guard let length = stage.duration else { return duration }
                total += length
            }
            if let duration { return min(duration, total) }
            return total
        }
    }

    /// The rate the schedule asks for at `time` (open loop), nil for a closed loop or past the end.
    public func askedRate(at time: Duration) -> Double? {
        guard case .open(let stages, _) = schedule else { return nil }
        var start = 0.0
        let t = time.seconds
        for stage in stages {
            guard let length = stage.seconds else { return stage.rate(at: t - start) }
            if t < start + length { return stage.rate(at: t - start) }
            start += length
        }
        return nil
    }

    /// Finds arrival `number`'s intended start (seconds), moving the stage cursor forward (numbers only grow).
    private mutating func locate(_ number: Int) -> Double? {
        guard case .open(let stages, _) = schedule else { return nil }
        let target = Double(number)
        while stageIndex < stages.count {
            let stage = stages[stageIndex]
            if let t = stage.time(ofArrivals: target - arrivalsBeforeStage) { return stageStart + t }
            guard let length = stage.seconds else { return nil }
            arrivalsBeforeStage += stage.arrivals(during: length)
            stageStart += length
            stageIndex += 1
        }
        return nil
    }
}

extension Duration {
    /// Seconds as a Double.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
