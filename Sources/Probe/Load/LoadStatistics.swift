import Evidence
import Histogram

/// What one conversation of a load run was, compactly: the facts the per-run figures (and later per-node
/// views, persistence checks, HDR logs) are computed from. The full evidence is not kept: a record is folded
/// into ``LoadStatistics`` as the conversation ends.
public struct LoadConversationRecord: Sendable {
    /// 0, 1, 2… in schedule order.
    public var number: Int
    /// The open-loop stage it belonged to.
    public var stage: Int?
    /// The identity pool entry it used (0-based).
    public var identityIndex: Int
    /// When it should have started, when it did, and when it ended, from the start of the run.
    public var intendedStart: Duration
    public var actualStart: Duration
    public var end: Duration
    public var outcome: ConversationEvidence.Outcome
    /// The local address and port it sent from (one per conversation)…
    public var source: String?
    /// …and whether every round trip left from it (the transport's promise; a test checks it).
    public var singleSource: Bool
    /// Per round trip, where the verified reply came from (nil: unanswered).
    public var replySources: [String?]
    public var resumption: LoadRequest.Resumption
    /// The server resumed the offered TLS session.
    public var resumed: Bool

    /// From the intended start to the end: what a user arriving on schedule waited (no coordinated omission).
    public var latency: Duration { end - intendedStart }
    /// From the actual start to the end: the server's (and our own) time.
    public var serviceTime: Duration { end - actualStart }
    /// How late the conversation started (the generator falling behind its schedule).
    public var startDelay: Duration { actualStart - intendedStart }

    public init(
        number: Int, stage: Int?, identityIndex: Int, intendedStart: Duration, actualStart: Duration,
        end: Duration, outcome: ConversationEvidence.Outcome, source: String?, singleSource: Bool = true,
        replySources: [String?], resumption: LoadRequest.Resumption = .notAsked, resumed: Bool = false
    ) {
        self.number = number
        self.stage = stage
        self.identityIndex = identityIndex
        self.intendedStart = intendedStart
        self.actualStart = actualStart
        self.end = end
        self.outcome = outcome
        self.source = source
        self.singleSource = singleSource
        self.replySources = replySources
        self.resumption = resumption
        self.resumed = resumed
    }

    /// The record of a finished conversation.
    public init(_ request: LoadRequest, arrival: LoadScheduler.Arrival, actualStart: Duration, end: Duration,
                report: ConversationReport) {
        let evidence = report.evidence
        self.init(
            number: arrival.number, stage: arrival.stage, identityIndex: request.identityIndex,
            intendedStart: arrival.intended, actualStart: actualStart, end: end, outcome: evidence.outcome,
            source: evidence.roundTrips.first?.source,
            singleSource: Set(evidence.roundTrips.map(\.source)).count <= 1,
            replySources: evidence.roundTrips.map(\.replyFrom),
            resumption: request.resumption, resumed: evidence.eap?.resumed ?? false)
    }
}

/// What a load run measured: outcomes, latency distribution (HdrHistogram, microseconds) from the intended
/// start and from the actual start, round trips, retransmissions, replies that failed verification, which
/// server answered and which source port sent (a farm behind a balancer should spread conversations over its
/// members), conversations that could not start, per stage, and TLS resumptions.
public struct LoadStatistics: Sendable, OutcomeCounts {
    /// Conversations that ran (started and ended).
    public var conversations = 0
    public var accepted = 0
    public var rejected = 0
    public var timedOut = 0
    public var errors = 0
    /// Arrivals that were due while `maximumInFlight` conversations were in flight: counted, not started.
    public var notStarted = 0
    /// Accepts whose MS-MPPE keys did not match the client's (counted in `accepted` too).
    public var mppeMismatches = 0
    /// Conversation latency from the intended start to the final reply, in microseconds (accepts and rejects).
    public var latency = LoadStatistics.histogram()
    /// The same from the actual start: what the server took; the gap to `latency` is the generator's lag.
    public var serviceTime = LoadStatistics.histogram()
    /// The latest start after the intended one, in microseconds.
    public var maximumStartDelayMicroseconds: UInt64 = 0
    public var roundTrips = 0
    public var retransmissions = 0
    public var discardedReplies = 0
    public var byServer: [String: Int] = [:]
    /// Conversations per local source address and port.
    public var bySource: [String: Int] = [:]
    /// Per open-loop stage.
    public var stages: [Int: StageCounts] = [:]
    /// Conversations that asked to resume, that had a saved session to offer, and that the server resumed.
    public var resumeAsked = 0
    public var resumeOffered = 0
    public var resumed = 0
    /// The first error messages seen, with counts (bounded: a few distinct texts).
    public var errorSamples: [String: Int] = [:]
    public static let maximumErrorSamples = 20
    /// The run over time: asked, started and ended conversations and latency per interval.
    public var intervals = LoadIntervals()
    /// Which node answered, persistence failures, failures by cause (``LoadFarmStatistics``).
    public var farm = LoadFarmStatistics()

    public struct StageCounts: Sendable, Equatable {
        public var scheduled = 0
        public var notStarted = 0
        public var accepted = 0
        public var conversations = 0

        public init() {}

        mutating func merge(_ other: StageCounts) {
            scheduled += other.scheduled
            notStarted += other.notStarted
            accepted += other.accepted
            conversations += other.conversations
        }
    }

    /// Accounting after each accepted conversation (`load --accounting`); nil when none was asked.
    public var accounting: LoadAccountingStatistics?

    public init() {}

    /// The histograms of a run: microseconds up to 600 s, 3 significant digits (their encodings carry these).
    public static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Every arrival the schedule handed out: conversations that ran plus those not started.
    public var scheduled: Int { conversations + notStarted }

    /// Folds a finished conversation in.
    public mutating func record(_ record: LoadConversationRecord, report: ConversationReport) {
        let evidence = report.evidence
        conversations += 1
        count(evidence.outcome)
        if evidence.outcome == .accept, evidence.mppeKeys == .mismatch { mppeMismatches += 1 }
        if evidence.outcome == .accept || evidence.outcome == .reject {
            Self.add(record.latency, to: &latency)
            Self.add(record.serviceTime, to: &serviceTime)
        }
        intervals.update(at: record.intendedStart) { $0.asked += 1 }
        intervals.update(at: record.actualStart) { $0.started += 1 }
        intervals.update(at: record.end) { interval in
            interval.count(evidence.outcome)
            if evidence.outcome == .accept || evidence.outcome == .reject {
                Self.add(record.latency, to: &interval.latency)
            }
        }
        maximumStartDelayMicroseconds = max(maximumStartDelayMicroseconds, Self.microseconds(record.startDelay))
        roundTrips += evidence.roundTrips.count
        for trip in evidence.roundTrips {
            retransmissions += max(0, trip.transmissions - 1)
            discardedReplies += trip.discardedCount
        }
        if let server = evidence.server { byServer[server, default: 0] += 1 }
        if let source = record.source { bySource[source, default: 0] += 1 }
        if let stage = record.stage {
            stages[stage, default: StageCounts()].scheduled += 1
            stages[stage, default: StageCounts()].conversations += 1
            if evidence.outcome == .accept { stages[stage, default: StageCounts()].accepted += 1 }
        }
        if record.resumption != .notAsked { resumeAsked += 1 }
        if record.resumption == .offered { resumeOffered += 1 }
        if record.resumed { resumed += 1 }
        if let error = evidence.localError, evidence.outcome == .error {
            if errorSamples[error] != nil || errorSamples.count < Self.maximumErrorSamples {
                errorSamples[error, default: 0] += 1
            }
        }
    }

    /// Counts an arrival that was due but could not start (`maximumInFlight` in flight).
    public mutating func recordNotStarted(_ arrival: LoadScheduler.Arrival) {
        notStarted += 1
        intervals.update(at: arrival.intended) { interval in
            interval.asked += 1
            interval.notStarted += 1
        }
        if let stage = arrival.stage {
            stages[stage, default: StageCounts()].scheduled += 1
            stages[stage, default: StageCounts()].notStarted += 1
        }
    }

    public mutating func merge(_ other: LoadStatistics) {
        if let theirs = other.accounting {
            var mine = accounting ?? LoadAccountingStatistics()
            mine.merge(theirs)
            accounting = mine
        }
        conversations += other.conversations
        addOutcomes(of: other)
        notStarted += other.notStarted
        mppeMismatches += other.mppeMismatches
        latency.add(other.latency)
        serviceTime.add(other.serviceTime)
        maximumStartDelayMicroseconds = max(maximumStartDelayMicroseconds, other.maximumStartDelayMicroseconds)
        roundTrips += other.roundTrips
        retransmissions += other.retransmissions
        discardedReplies += other.discardedReplies
        byServer.merge(other.byServer, uniquingKeysWith: +)
        bySource.merge(other.bySource, uniquingKeysWith: +)
        for (stage, counts) in other.stages { stages[stage, default: StageCounts()].merge(counts) }
        resumeAsked += other.resumeAsked
        resumeOffered += other.resumeOffered
        resumed += other.resumed
        for (text, count) in other.errorSamples
        where errorSamples[text] != nil || errorSamples.count < Self.maximumErrorSamples {
            errorSamples[text, default: 0] += count
        }
        intervals.merge(other.intervals)
        farm.merge(other.farm)
    }

    /// Latency from the intended start at a percentile, in milliseconds (nil before any answered conversation).
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double? {
        Self.milliseconds(latency, percentile)
    }

    /// Service time (from the actual start) at a percentile, in milliseconds.
    public func serviceTimeMilliseconds(atPercentile percentile: Double) -> Double? {
        Self.milliseconds(serviceTime, percentile)
    }

    private static func milliseconds(_ histogram: Histogram<UInt64>, _ percentile: Double) -> Double? {
        histogram.totalCount == 0 ? nil : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    public static func microseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.milliseconds * 1000))
    }

    static func add(_ duration: Duration, to histogram: inout Histogram<UInt64>) {
        _ = histogram.record(min(max(1, microseconds(duration)), histogram.highestTrackableValue))
    }
}
