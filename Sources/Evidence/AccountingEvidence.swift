/// What RADIUS accounting after an Access-Accept observed (RFC 2866): the records sent — Start, optional
/// Interim-Update, Stop — and whether each got a verified Accounting-Response. Probe fills it, Reports prints it
/// (`--json` `accounting`), suite assertions judge its outcome (`accounting: responded`).
public struct AccountingEvidence: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Every record got a verified Accounting-Response.
        case responded
        /// A record got no verified Accounting-Response from any accounting server (the later ones were not
        /// sent): down, port blocked, or a wrong shared secret (NPS drops those silently).
        case noResponse = "no_response"
        /// Nothing was sent: the authentication was not accepted.
        case notSent = "not_sent"
        /// A record could not be built or sent (a local problem).
        case error
    }

    public var outcome: Outcome
    /// The Acct-Session-Id every record of the session carried (RFC 2866 §5.5); nil when nothing was sent.
    public var sessionId: String?
    /// Why the outcome is not `responded`, for a human.
    public var reason: String?
    /// The records in the order sent.
    public var records: [AccountingRecordEvidence]

    public init(outcome: Outcome, sessionId: String? = nil, reason: String? = nil,
                records: [AccountingRecordEvidence] = []) {
        self.outcome = outcome
        self.sessionId = sessionId
        self.reason = reason
        self.records = records
    }
}

/// One Accounting-Request (one Acct-Status-Type) and what came of it across the accounting servers tried.
public struct AccountingRecordEvidence: Sendable, Codable, Equatable {
    /// `Start`, `Interim-Update`, `Stop` (RFC 2866 §5.1).
    public var statusType: String
    public var responded: Bool
    /// The server that responded, or the last one tried.
    public var server: String
    /// From the first transmission to the verified response (nil without one).
    public var latencyMilliseconds: Double?
    /// One record per server tried, in order: transmissions, replies that failed verification.
    public var roundTrips: [RoundTripEvidence]

    public init(statusType: String, responded: Bool, server: String, latencyMilliseconds: Double?,
                roundTrips: [RoundTripEvidence]) {
        self.statusType = statusType
        self.responded = responded
        self.server = server
        self.latencyMilliseconds = latencyMilliseconds
        self.roundTrips = roundTrips
    }
}
