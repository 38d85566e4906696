import Evidence
import RADIUS
import TLS

/// Acct-Status-Type (RFC 2866 §5.1): the records a NAS sends for one session.
public enum AccountingStatus: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case start = 1
    case stop = 2
    case interimUpdate = 3

    public var description: String {
        switch self {
        case .start: return "Start"
        case .stop: return "Stop"
        case .interimUpdate: return "Interim-Update"
        }
    }
}

/// The accounting session that follows an Access-Accept, as a NAS (RRAS, an access point) keeps it: what every
/// Accounting-Request of the session carries. A value; building records does no I/O.
///
/// Every record carries (RFC 2866 §5, RFC 2869 §5.3):
/// - Acct-Status-Type, Acct-Session-Id (the same in every record of the session, unique per session),
///   Acct-Authentic = RADIUS;
/// - the User-Name of the Access-Accept when it has one, else the one authenticated (RFC 2865 §5.1);
/// - every Class of the Access-Accept, in order and unchanged (RFC 2865 §5.25: NPS matches its accounting to its
///   authentication by it), and its Chargeable-User-Identity (RFC 4372 §2.1);
/// - the NAS attributes of the authentication (NAS-IP-Address, NAS-Identifier, station ids, NAS-Port-Type,
///   Service-Type, `--attr` extras…), without what belongs to authentication only;
/// - Event-Timestamp; Interim-Update and Stop add Acct-Session-Time, Stop adds Acct-Terminate-Cause User-Request.
public struct AccountingSession: Sendable, Equatable {
    public var sessionId: String
    public var userName: [UInt8]
    public var classes: [[UInt8]]
    public var chargeableUserIdentity: [UInt8]?
    public var nasAttributes: [RADIUSAttribute]

    /// Types the records set themselves, or that have no place in an Accounting-Request (RFC 2866 §5.13 table:
    /// credentials, State, EAP, Message-Authenticator, reply-only attributes).
    static let excludedTypes: Set<UInt8> = [
        RADIUSAttributeType.userName, .userPassword, .chapPassword, .chapChallenge, .state, .class, .eapMessage,
        .messageAuthenticator, .replyMessage, .proxyState, .acctStatusType, .acctDelayTime, .acctSessionId,
        .acctAuthentic, .acctSessionTime, .acctTerminateCause, .eventTimestamp, .chargeableUserIdentity,
    ].reduce(into: Set<UInt8>()) { $0.insert($1.rawValue) }

    public init(sessionId: String, userName: [UInt8], classes: [[UInt8]], chargeableUserIdentity: [UInt8]?,
                nasAttributes: [RADIUSAttribute]) {
        self.sessionId = sessionId
        self.userName = userName
        self.classes = classes
        self.chargeableUserIdentity = chargeableUserIdentity
        self.nasAttributes = nasAttributes
    }

    /// The session of an accepted authentication: `accept` is its Access-Accept, `request` what it sent.
    public init(sessionId: String, accept: RADIUSPacket, request: AuthenticationRequest) {
        self.init(
            sessionId: sessionId, userName: accept.attributes.first(.userName) ?? Array(request.userName.utf8),
            classes: accept.attributes.all(.class),
            chargeableUserIdentity: accept.attributes.first(.chargeableUserIdentity),
            nasAttributes: request.attributes.filter { !Self.excludedTypes.contains($0.type) })
    }

    /// A new session id: `npsprobe-` and 16 hex digits of randomness (unique per session, RFC 2866 §5.5; the prefix
    /// finds the records in the NPS accounting log).
    public static func newSessionId(random: any RandomSource = SystemRandom()) -> String {
        "npsprobe-" + random.bytes(8).uppercaseHexString
    }

    /// The attributes of one record. `sessionTime`: seconds since Start (Interim-Update, Stop); `eventTimestamp`:
    /// seconds since 1970-01-01 UTC.
    public func attributes(_ status: AccountingStatus, sessionTime: UInt32, eventTimestamp: UInt32)
        -> [RADIUSAttribute]
    {
        var out = [
            RADIUSAttribute(.acctStatusType, integer: status.rawValue),
            RADIUSAttribute(.acctSessionId, string: sessionId),
            RADIUSAttribute(.acctAuthentic, integer: 1),  // RADIUS
            RADIUSAttribute(.userName, userName),
        ]
        out += classes.map { RADIUSAttribute(.class, $0) }
        if let chargeableUserIdentity { out.append(RADIUSAttribute(.chargeableUserIdentity, chargeableUserIdentity)) }
        out += nasAttributes
        out.append(RADIUSAttribute(.eventTimestamp, integer: eventTimestamp))
        if status != .start { out.append(RADIUSAttribute(.acctSessionTime, integer: sessionTime)) }
        if status == .stop { out.append(RADIUSAttribute(.acctTerminateCause, integer: 1)) }  // User-Request
        return out
    }
}

/// Runs an accounting session after an Access-Accept: Start, optionally Interim-Update, then Stop, each to the
/// accounting servers in failover order, each Accounting-Response verified (Response Authenticator with the
/// shared secret, RFC 2866 §3; Message-Authenticator when present) by the client. A record without a verified
/// response ends the session there: the later records are not sent.
public struct AccountingRun: Sendable {
    /// Accounting servers, secret, retransmission.
    public let client: RADIUSClient
    public let interimUpdate: Bool

    public init(client: RADIUSClient, interimUpdate: Bool = false) {
        self.client = client
        self.interimUpdate = interimUpdate
    }

    public func run(_ session: AccountingSession, observer: PacketObserver? = nil) async -> AccountingEvidence {
        let clock = ContinuousClock()
        let start = clock.now
        var evidence = AccountingEvidence(outcome: .responded, sessionId: session.sessionId)
        let statuses: [AccountingStatus] = [.start] + (interimUpdate ? [.interimUpdate] : []) + [.stop]
        for status in statuses {
            let elapsed = clock.now - start
            let attributes = session.attributes(
                status, sessionTime: UInt32(clamping: elapsed.components.seconds),
                eventTimestamp: UInt32(clamping: wallClockNanoseconds() / 1_000_000_000))
            observer?(.note("accounting \(status) for session \(session.sessionId)"))
            let trip: RADIUSRoundTrip
            do {
                trip = try await client.send(.accountingRequest, attributes: attributes, observer: observer)
            } catch {
                evidence.outcome = .error
                evidence.reason = "the Accounting-Request \(status) could not be sent: \(error.reason)"
                return evidence
            }
            let answered = trip.evidence.last
            evidence.records.append(AccountingRecordEvidence(
                statusType: status.description, responded: trip.reply != nil, server: "\(trip.server)",
                latencyMilliseconds: trip.reply != nil ? answered?.latencyMilliseconds : nil,
                roundTrips: trip.evidence))
            guard trip.reply == nil else { continue }
            evidence.outcome = .noResponse
            evidence.reason = Self.noResponseReason(status, trip.evidence)
                + (status == statuses.last ? "" : "; the later records were not sent")
            return evidence
        }
        return evidence
    }

    /// Why a record went unanswered, from what each server did (replies that failed verification name the
    /// secret; silence cannot tell a wrong secret from a blocked port).
    static func noResponseReason(_ status: AccountingStatus, _ trips: [RoundTripEvidence]) -> String {
        let servers = trips.map { "\($0.server) (\($0.transmissions) transmission(s))" }.joined(separator: ", ")
        let discarded = trips.flatMap(\.discarded)
        var reason = "no verified Accounting-Response to the \(status) from \(servers)"
        if discarded.contains(where: { $0.code.pointsToSharedSecret }) {
            reason += ": replies came but failed verification, so the shared secret differs"
        } else if !discarded.isEmpty {
            reason += ": replies came but failed verification (\(Set(discarded.map(\.code.rawValue)).sorted()))"
        } else {
            reason += ": the server is down, the accounting port is blocked, or the shared secret is wrong (NPS and "
                + "FreeRADIUS drop an Accounting-Request whose authenticator does not verify, silently)"
        }
        return reason
    }
}
