import TLS

/// When to retransmit a request and when to give up on a server (RFC 5080 §2.2.1).
///
/// A retransmission resends the *same* datagram (same Identifier and Request Authenticator) to the same
/// server. The wait doubles each time with ±10 % jitter (RT = 2·RTprev + RAND·RTprev), capped at
/// `maximumTimeout` (MRT); the server is abandoned after `retransmissions` resends (MRC) or when
/// `maximumDuration` (MRD) has passed since the first send, whichever comes first.
public struct RetransmitPolicy: Sendable, Equatable {
    /// IRT: the wait after the first transmission.
    public var initialTimeout: Duration
    /// MRC: how many times the request is resent to one server before failing over.
    public var retransmissions: Int
    /// MRT: the longest single wait.
    public var maximumTimeout: Duration
    /// MRD: the longest time spent on one server, whatever the retransmission count.
    public var maximumDuration: Duration?
    /// Apply RFC 5080's ±10 % jitter. Tests turn it off for exact schedules.
    public var jitter: Bool

    public init(
        initialTimeout: Duration = .seconds(3), retransmissions: Int = 2, maximumTimeout: Duration = .seconds(16),
        maximumDuration: Duration? = nil, jitter: Bool = true
    ) {
        self.initialTimeout = initialTimeout
        self.retransmissions = max(0, retransmissions)
        self.maximumTimeout = maximumTimeout
        self.maximumDuration = maximumDuration
        self.jitter = jitter
    }

    /// The waits after each transmission (first send, then each resend), in order, with `random` as the
    /// source of jitter. The sum is the longest the client waits on one server.
    public func schedule(random: RandomSource = SystemRandom()) -> [Duration] {
        var waits: [Duration] = []
        var previous = initialTimeout
        var elapsed = Duration.zero
        for attempt in 0...retransmissions {
            var wait: Duration
            if attempt == 0 {
                wait = initialTimeout
            } else {
                wait = previous * 2
            }
            if jitter {
                // RAND uniform in [-0.1, +0.1]: one byte of randomness is plenty for a timer.
                let r = (Double(random.bytes(1)[0]) / 255.0 - 0.5) * 0.2
                wait += previous * r
            }
            if wait > maximumTimeout { wait = maximumTimeout }
            if let limit = maximumDuration {
                if elapsed >= limit { break }
                if elapsed + wait > limit { wait = limit - elapsed }
            }
            waits.append(wait)
            elapsed += wait
            previous = wait
        }
        return waits
    }
}
