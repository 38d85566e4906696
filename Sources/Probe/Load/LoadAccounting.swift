import Evidence
import Histogram
import RADIUS

/// Accounting in a load run: after every Access-Accept, the session's Start (optional Interim-Update) and Stop
/// (RFC 2866), Class echoed, as a NAS sends them — so a farm's accounting path (NPS logging to SQL is a classic
/// bottleneck) is loaded too. The authentication's latency is measured before it; accounting has its own figures.
public struct LoadAccounting: Sendable {
    public let run: AccountingRun

    public init(client: RADIUSClient, interimUpdate: Bool = false) {
        run = AccountingRun(client: client, interimUpdate: interimUpdate)
    }

    /// The accounting of one finished conversation; nil when it was not accepted (nothing is sent).
    func account(_ report: ConversationReport, request: AuthenticationRequest) async -> AccountingEvidence? {
        guard report.evidence.outcome == .accept, let accept = report.finalReply else { return nil }
        let session = AccountingSession(sessionId: AccountingSession.newSessionId(), accept: accept, request: request)
        return await run.run(session)
    }
}

/// What the accounting of a load run measured: sessions (one per accepted conversation) and how they ended,
/// Accounting-Requests sent and answered, and the latency of each answered request (HdrHistogram, µs).
public struct LoadAccountingStatistics: Sendable {
    /// Accepted conversations whose accounting ran.
    public var sessions = 0
    /// Sessions whose every record got a verified Accounting-Response.
    public var responded = 0
    /// Sessions with a record no server answered (the later records are not sent).
    public var noResponse = 0
    /// Sessions whose record could not be sent.
    public var errors = 0
    /// Accounting-Requests sent (Start, Interim-Update, Stop), and those answered.
    public var requests = 0
    public var responses = 0
    /// Retransmissions of Accounting-Requests.
    public var retransmissions = 0
    public var latency = LoadStatistics.histogram()
    /// Why sessions failed, counted (at most ``LoadStatistics/maximumErrorSamples`` texts).
    public var failureSamples: [String: Int] = [:]

    public init() {}

    public mutating func record(_ evidence: AccountingEvidence) {
        sessions += 1
        switch evidence.outcome {
        case .responded: responded += 1
        case .noResponse: noResponse += 1
        case .error, .notSent: errors += 1
        }
        for record in evidence.records {
            requests += 1
            retransmissions += record.roundTrips.reduce(0) { $0 + max(0, $1.transmissions - 1) }
            guard record.responded, let milliseconds = record.latencyMilliseconds else { continue }
            responses += 1
            let microseconds = UInt64(max(1, milliseconds * 1000))
            _ = latency.record(min(microseconds, latency.highestTrackableValue))
        }
        if let reason = evidence.reason, evidence.outcome != .responded,
           failureSamples[reason] != nil || failureSamples.count < LoadStatistics.maximumErrorSamples {
            failureSamples[reason, default: 0] += 1
        }
    }

    public mutating func merge(_ other: LoadAccountingStatistics) {
        sessions += other.sessions
        responded += other.responded
        noResponse += other.noResponse
        errors += other.errors
        requests += other.requests
        responses += other.responses
        retransmissions += other.retransmissions
        latency.add(other.latency)
        for (text, count) in other.failureSamples
        where failureSamples[text] != nil || failureSamples.count < LoadStatistics.maximumErrorSamples {
            failureSamples[text, default: 0] += count
        }
    }

    /// The latency of answered Accounting-Requests at a percentile, milliseconds (nil before any).
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double? {
        latency.totalCount == 0 ? nil : Double(latency.valueAtPercentile(percentile)) / 1000
    }
}
