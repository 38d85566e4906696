import Synchronization
import TLS

/// Stops a running load (Ctrl-C, SIGTERM, a test) and wakes its scheduler. Stopping starts no new
/// conversation; those in flight finish (each bounded by its own retransmission schedule).
public final class LoadControl: Sendable {
    private struct State {
        var stopReason: String?
        /// A wake-up that arrived while nobody waited: the next wait returns at once.
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?

        mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
            guard let waiter else {
                pending = true
                return nil
            }
            self.waiter = nil
            return waiter
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Stops starting conversations; `reason` (`SIGINT`, `SIGTERM`…) is reported. The first reason is kept.
    public func stop(reason: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.stopReason == nil { state.stopReason = reason }
            return state.takeWaiter()
        }
        waiter?.resume()
    }

    /// Why the run was stopped early, nil when it ran to its end.
    public var stopReason: String? { state.withLock { $0.stopReason } }

    func wake() {
        state.withLock { $0.takeWaiter() }?.resume()
    }

    /// Returns at the next wake-up or stop (at once when one arrived since the last wait).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.pending || state.stopReason != nil {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Sleeps until `deadline`, or less when stopped.
    func sleep(until deadline: ContinuousClock.Instant) async {
        let timer = Task { [self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { wake() }
        }
        await wait()
        timer.cancel()
    }
}

/// A snapshot for the live progress line while a load runs.
public struct LoadProgress: Sendable {
    public var elapsed: Duration
    /// What the schedule asks for now (open loop), nil for a closed loop.
    public var askedRate: Double?
    /// Conversations started per second so far.
    public var achievedRate: Double
    public var inFlight: Int
    public var started: Int
    public var accepted: Int
    public var rejected: Int
    public var timedOut: Int
    public var errors: Int
    public var notStarted: Int
    /// Latency from the intended start so far, milliseconds.
    public var p50: Double?
    public var p99: Double?
}

/// What a load run came to.
public struct LoadResult: Sendable {
    public var statistics: LoadStatistics
    /// From the start of the run to the end of its last conversation.
    public var elapsed: Duration
    /// From the start to when the scheduler stopped starting conversations.
    public var startWindow: Duration
    /// Conversations started per second over the start window (not before the schedule's own span).
    public var achievedRate: Double
    /// What the schedule asked for, per second, over the span its arrivals cover (open loop).
    public var askedRate: Double?
    /// Why the run stopped before its end (`SIGINT`…), nil when it ran to its end.
    public var interruption: String?
    public var schedule: LoadSchedule

    /// The asked rate was missed by more than 1% (arrivals not started, or started late).
    public var missedAskedRate: Bool {
        guard let asked = askedRate, asked > 0 else { return false }
        return abs(achievedRate - asked) / asked > 0.01
    }
}

/// Runs a load: a scheduler decides when each conversation starts (open loop at its intended time, or closed
/// loop as one ends); each runs as its own task over the shared `Conversation` (one transport, one RADIUS
/// client, the TLS contexts loaded once), on its own socket lease, with its own request from `requests`.
/// Finished conversations are folded into the statistics as compact records; nothing per conversation is kept
/// (`onRecord` sees each record as it is made, for outputs that want them: interval logs, per-node views).
public enum LoadRunner {
    public static func run(
        _ requests: LoadRequests, conversation: Conversation, scheduler initial: LoadScheduler,
        control: LoadControl = LoadControl(),
        progress: (@Sendable (LoadProgress) -> Void)? = nil, progressInterval: Duration = .seconds(1),
        onRecord: (@Sendable (LoadConversationRecord) -> Void)? = nil, accounting: LoadAccounting? = nil,
        nodes: LoadNodeSettings = LoadNodeSettings(), spread: LoadSpread? = nil
    ) async -> LoadResult {
        let clock = ContinuousClock()
        let start = clock.now
        let shared = Shared()
        if accounting != nil { shared.statistics.withLock { $0.accounting = LoadAccountingStatistics() } }
        var scheduler = initial
        let closedLoop: Bool
        if case .closed = initial.schedule { closedLoop = true } else { closedLoop = false }
        let transport = conversation.client.transport
        // Each round trip keeps the reply attributes that name the node (Class, --backend-attribute).
        var configuration = conversation.client.configuration
        configuration.recordedReplyTypes.formUnion(nodes.recordedTypes)
        let base = Conversation(
            client: RADIUSClient(transport: transport, configuration: configuration,
                                 random: conversation.client.random),
            random: conversation.random)

        let reporter = progress.map { report in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: progressInterval)
                    if Task.isCancelled { break }
                    report(shared.progress(elapsed: clock.now - start, scheduler: initial))
                }
            }
        }
        var startWindow = Duration.zero
        await withDiscardingTaskGroup { group in
            decisions: while true {
                if control.stopReason != nil { scheduler.stop() }
                let now = clock.now - start
                switch scheduler.decide(now: now, inFlight: shared.inFlight.load(ordering: .relaxed)) {
                case .start(let arrival):
                    shared.inFlight.add(1, ordering: .relaxed)
                    shared.started.add(1, ordering: .relaxed)
                    group.addTask {
                        let actualStart = clock.now - start
                        let sockets = ConversationSockets(transport: transport)
                        // --spread: this conversation's server first (the others stay its failover order).
                        let conversation = spread.map { base.spread(over: $0.order(for: arrival.number)) } ?? base
                        let firstServer = conversation.client.configuration.servers.first
                        // The socket first, so the request can carry its source address (NAS-IP-Address).
                        var source: String?
                        if let firstServer { source = try? await sockets.lease(toward: firstServer).localIP }
                        let load = requests.request(for: arrival.number, source: source)
                        let report = await conversation.run(load.request, sockets: sockets, observer: nil)
                        sockets.release()
                        let end = clock.now - start
                        requests.completed(load, report: report)
                        let record = LoadConversationRecord(
                            load, arrival: arrival, actualStart: actualStart, end: end, report: report)
                        let observation = LoadFarmObservation(evidence: report.evidence, settings: nodes)
                        shared.statistics.withLock {
                            $0.record(record, report: report)
                            $0.farm.record(observation, record, identity: report.evidence.identity)
                        }
                        onRecord?(record)
                        // After the authentication's end is taken: accounting has its own latency. The session
                        // stays in flight until its Stop is answered, as a NAS's session would.
                        if let accounting, let evidence = await accounting.account(report, request: load.request) {
                            shared.statistics.withLock { $0.accounting?.record(evidence) }
                        }
                        shared.inFlight.subtract(1, ordering: .relaxed)
                        if closedLoop { control.wake() }
                    }
                case .notStarted(let arrival):
                    shared.statistics.withLock { $0.recordNotStarted(arrival) }
                case .wait(let until):
                    await control.sleep(until: start + until)
                case .waitForCompletion:
                    await control.wait()
                case .finished:
                    break decisions
                }
            }
            startWindow = clock.now - start
        }
        let elapsed = clock.now - start
        reporter?.cancel()

        let statistics = shared.statistics.withLock { $0 }
        let started = statistics.conversations
        var askedRate: Double?
        var window = startWindow
        if let span = scheduler.askedSpan, span > .zero {
            askedRate = Double(scheduler.scheduled) / span.seconds
            window = max(span, startWindow)
        }
        return LoadResult(
            statistics: statistics, elapsed: elapsed, startWindow: startWindow,
            achievedRate: Double(started) / max(window.seconds, 0.001), askedRate: askedRate,
            interruption: control.stopReason, schedule: initial.schedule)
    }

    private final class Shared: Sendable {
        let statistics = Mutex(LoadStatistics())
        let inFlight = Atomic<Int>(0)
        let started = Atomic<Int>(0)

        func progress(elapsed: Duration, scheduler: LoadScheduler) -> LoadProgress {
            let started = started.load(ordering: .relaxed)
            return statistics.withLock { statistics in
                LoadProgress(
                    elapsed: elapsed, askedRate: scheduler.askedRate(at: elapsed),
                    achievedRate: Double(started) / max(elapsed.seconds, 0.001),
                    inFlight: inFlight.load(ordering: .relaxed), started: started,
                    accepted: statistics.accepted, rejected: statistics.rejected, timedOut: statistics.timedOut,
                    errors: statistics.errors, notStarted: statistics.notStarted,
                    p50: statistics.latencyMilliseconds(atPercentile: 50),
                    p99: statistics.latencyMilliseconds(atPercentile: 99))
            }
        }
    }
}

/// `--spread`: conversations go round robin (or weighted) over several servers instead of failing over in
/// order, as NPS proxies and NASes configured with several servers do. Deterministic: arrival `n` takes slot
/// `n mod Σweights` of a smooth weighted round robin (weights 2,1 give a, b, a, a, b, a…), so the counts per
/// server follow the weights exactly over every full cycle.
public struct LoadSpread: Sendable, Equatable {
    public var servers: [ServerAddress]
    public var weights: [Int]
    /// The server index of each slot of one cycle.
    let cycle: [Int]

    /// `weights` parallel to `servers`, each ≥ 1 (nil: all 1, plain round robin).
    public init(servers: [ServerAddress], weights: [Int]? = nil) {
        self.servers = servers
        let weights = weights ?? Array(repeating: 1, count: servers.count)
        self.weights = weights
        // Smooth weighted round robin (nginx): each slot, add every weight to its current value, take the largest,
        // subtract the total from it.
        var current = Array(repeating: 0, count: weights.count)
        let total = weights.reduce(0, +)
        var cycle: [Int] = []
        for _ in 0..<max(total, 0) {
            for index in current.indices { current[index] += weights[index] }
            guard let best = current.indices.max(by: { current[$0] < current[$1] || (current[$0] == current[$1]
                && $0 > $1) }) else { break }
            current[best] -= total
            cycle.append(best)
        }
        self.cycle = cycle
    }

    /// The servers for arrival `number`: its server first, then the others in their given order (failover).
    public func order(for number: Int) -> [ServerAddress] {
        guard !cycle.isEmpty else { return servers }
        let chosen = cycle[number % cycle.count]
        return [servers[chosen]] + servers.enumerated().filter { $0.offset != chosen }.map(\.element)
    }
}

extension Conversation {
    /// The same conversation over the same transport, trying `servers` in this order.
    func spread(over servers: [ServerAddress]) -> Conversation {
        var configuration = client.configuration
        configuration.servers = servers
        return Conversation(
            client: RADIUSClient(transport: client.transport, configuration: configuration, random: client.random),
            random: random)
    }
}
