import Evidence

/// The four ends of a conversation counted (accepted, rejected, no answer, errors), as a run, an interval and a
/// farm node count them, live (`LoadStatistics`) and read back from JSON (flat keys `accepted`, `rejected`,
/// `timed_out`, `errors`): one place that counts and adds them, so no merge can forget one.
public protocol OutcomeCounts {
    var accepted: Int { get set }
    var rejected: Int { get set }
    var timedOut: Int { get set }
    var errors: Int { get set }
}

extension OutcomeCounts {
    /// Conversations that ended, whatever the outcome.
    public var ended: Int { accepted + rejected + timedOut + errors }

    /// Counts one conversation that ended with `outcome`.
    public mutating func count(_ outcome: ConversationEvidence.Outcome) {
        switch outcome {
        case .accept: accepted += 1
        case .reject: rejected += 1
        case .timeout: timedOut += 1
        case .error: errors += 1
        }
    }

    /// Adds `other`'s outcomes to these.
    public mutating func addOutcomes(of other: some OutcomeCounts) {
        accepted += other.accepted
        rejected += other.rejected
        timedOut += other.timedOut
        errors += other.errors
    }
}
