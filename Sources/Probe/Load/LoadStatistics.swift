import Histogram

/// What a load run measured: outcomes, latency distribution (HdrHistogram, microseconds), round trips,
/// retransmissions, replies that failed verification, and which server answered (a farm behind a load
/// balancer should spread conversations over its members).
public struct LoadStatistics: Sendable {
    public var conversations = 0
    public var accepted = 0
    public var rejected = 0
    public var timedOut = 0
    public var errors = 0
    /// Accepts whose MS-MPPE keys did not match the client's (counted in `accepted` too).
    public var mppeMismatches = 0
    /// Conversation latency, first transmission to the final reply, in microseconds.
    public var latency = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    public var roundTrips = 0
    public var retransmissions = 0
    public var discardedReplies = 0
    public var byServer: [String: Int] = [:]
    /// The first error messages seen, with counts (bounded: a few distinct texts).
    public var errorSamples: [String: Int] = [:]
    public static let maximumErrorSamples = 20

    public init() {}

    public mutating func record(_ report: ConversationReport) {
        let evidence = report.evidence
        conversations += 1
        switch evidence.outcome {
        case .accept:
            accepted += 1
            if evidence.mppeKeys == .mismatch { mppeMismatches += 1 }
        case .reject: rejected += 1
        case .timeout: timedOut += 1
        case .error: errors += 1
        }
        if evidence.outcome == .accept || evidence.outcome == .reject {
            let microseconds = max(1, UInt64(max(0, report.elapsed.milliseconds * 1000)))
            _ = latency.record(min(microseconds, latency.highestTrackableValue))
        }
        roundTrips += evidence.roundTrips.count
        for trip in evidence.roundTrips {
            retransmissions += max(0, trip.transmissions - 1)
            discardedReplies += trip.discardedCount
        }
        if let server = evidence.server { byServer[server, default: 0] += 1 }
        if let error = evidence.localError, evidence.outcome == .error {
            if errorSamples[error] != nil || errorSamples.count < Self.maximumErrorSamples {
                errorSamples[error, default: 0] += 1
            }
        }
    }

    public mutating func merge(_ other: LoadStatistics) {
        conversations += other.conversations
        accepted += other.accepted
        rejected += other.rejected
        timedOut += other.timedOut
        errors += other.errors
        mppeMismatches += other.mppeMismatches
        latency.add(other.latency)
        roundTrips += other.roundTrips
        retransmissions += other.retransmissions
        discardedReplies += other.discardedReplies
        byServer.merge(other.byServer, uniquingKeysWith: +)
        for (text, count) in other.errorSamples
        where errorSamples[text] != nil || errorSamples.count < Self.maximumErrorSamples {
            errorSamples[text, default: 0] += count
        }
    }

    /// Latency at a percentile, in milliseconds (nil before any answered conversation).
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double? {
        latency.totalCount == 0 ? nil : Double(latency.valueAtPercentile(percentile)) / 1000
    }
}
