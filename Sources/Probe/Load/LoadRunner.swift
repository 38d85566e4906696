import Synchronization
import TLS

/// How much load: how many conversations in flight, for how long or how many, at what rate.
public struct LoadPlan: Sendable {
    /// Conversations in flight at once (each is a task; TLS work spreads over every core).
    public var concurrency: Int
    /// Stop starting new conversations after this long…
    public var duration: Duration?
    /// …or after this many (whichever comes first; at least one of the two is set).
    public var total: Int?
    /// Start at most this many conversations per second (open-loop pacing); nil: as fast as they finish.
    public var rate: Double?

    public init(concurrency: Int, duration: Duration? = nil, total: Int? = nil, rate: Double? = nil) {
        self.concurrency = max(1, concurrency)
        self.duration = duration
        self.total = total
        self.rate = rate
    }
}

/// A snapshot for progress lines while a load runs.
public struct LoadProgress: Sendable {
    public var elapsed: Duration
    public var started: Int
    public var completed: Int
    public var accepted: Int
    public var failed: Int
}

/// Runs one prepared authentication over and over: `concurrency` workers share one `Conversation` (one
/// transport, one RADIUS client, the TLS contexts loaded once) and each keeps its own statistics, merged at
/// the end, so workers never contend on a lock per conversation.
public enum LoadRunner {
    public static func run(
        _ request: AuthenticationRequest, conversation: Conversation, plan: LoadPlan,
        progress: (@Sendable (LoadProgress) -> Void)? = nil, progressInterval: Duration = .seconds(1)
    ) async -> (statistics: LoadStatistics, elapsed: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = plan.duration.map { start + $0 }
        let counters = Counters()

        return await withTaskGroup(of: LoadStatistics.self) { group in
            for _ in 0..<plan.concurrency {
                group.addTask {
                    var statistics = LoadStatistics()
                    while true {
                        if Task.isCancelled { break }
                        if let deadline, clock.now >= deadline { break }
                        let ticket = counters.started.add(1, ordering: .relaxed).newValue
                        if let total = plan.total, ticket > total { break }
                        if let rate = plan.rate, rate > 0 {
                            // Ticket n starts no earlier than start + (n-1)/rate.
                            let slot = start + .milliseconds(Int64(Double(ticket - 1) / rate * 1000))
                            if let deadline, slot >= deadline { break }
                            try? await Task.sleep(until: slot, clock: clock)
                        }
                        let report = await conversation.run(request)
                        statistics.record(report)
                        counters.completed.add(1, ordering: .relaxed)
                        if report.evidence.outcome == .accept {
                            counters.accepted.add(1, ordering: .relaxed)
                        } else {
                            counters.failed.add(1, ordering: .relaxed)
                        }
                    }
                    return statistics
                }
            }
            let reporter = progress.map { report in
                Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: progressInterval)
                        if Task.isCancelled { break }
                        report(LoadProgress(
                            elapsed: clock.now - start,
                            started: min(counters.started.load(ordering: .relaxed), plan.total ?? .max),
                            completed: counters.completed.load(ordering: .relaxed),
                            accepted: counters.accepted.load(ordering: .relaxed),
                            failed: counters.failed.load(ordering: .relaxed)))
                    }
                }
            }
            var total = LoadStatistics()
            for await statistics in group { total.merge(statistics) }
            reporter?.cancel()
            return (total, clock.now - start)
        }
    }

    private final class Counters: Sendable {
        let started = Atomic<Int>(0)
        let completed = Atomic<Int>(0)
        let accepted = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
    }
}
