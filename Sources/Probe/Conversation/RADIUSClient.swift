import Evidence
import RADIUS
import Synchronization
import TLS

/// Where and how to send: the servers in failover order, the shared secret, retransmission and the checks
/// applied to replies. Built once per profile and shared by every conversation of a run.
public struct RADIUSClientConfiguration: Sendable {
    public var servers: [ServerAddress]
    public var secret: [UInt8]
    public var retransmit: RetransmitPolicy
    public var replyPolicy: RADIUSReplyPolicy
    /// Send Access-Requests without Message-Authenticator: a probe of the server's enforcement (`doctor`), never
    /// set by a profile.
    public var unsignedRequests: Bool

    /// Attribute types each round trip keeps from its reply (`RoundTripEvidence.replyAttributes`): a load run
    /// asks for Class and the attribute naming the node; empty (the default) keeps none.
    public var recordedReplyTypes: Set<UInt8>

    public init(
        servers: [ServerAddress], secret: [UInt8], retransmit: RetransmitPolicy = RetransmitPolicy(),
        replyPolicy: RADIUSReplyPolicy = .default, unsignedRequests: Bool = false,
        recordedReplyTypes: Set<UInt8> = []
    ) {
        self.servers = servers
        self.secret = secret
        self.retransmit = retransmit
        self.replyPolicy = replyPolicy
        self.unsignedRequests = unsignedRequests
        self.recordedReplyTypes = recordedReplyTypes
    }
}

/// A request sent and what came of it across the servers tried.
public struct RADIUSRoundTrip: Sendable {
    /// The request as sent to the server that answered (or the last one tried): its authenticator
    /// decrypts MS-MPPE keys and hidden attributes in the reply.
    public var request: RADIUSPacket
    public var reply: RADIUSPacket?
    public var server: ServerAddress
    /// One record per server tried, in order.
    public var evidence: [RoundTripEvidence]
}

/// Something a conversation reports while it runs (for `-v`); nil observers cost nothing.
public enum PacketEvent: Sendable {
    case sent(RADIUSPacket, to: ServerAddress)
    case received(RADIUSPacket, from: ServerAddress, latency: Duration)
    case discarded(DiscardedDatagram)
    case timedOut(server: ServerAddress, transmissions: Int)
    /// The network said the server cannot be reached (ICMP); the next server is tried.
    case unreachable(server: ServerAddress, UnreachableEvidence)
    case note(String)
    /// A datagram as it crossed the socket (every transmission, every datagram read for a pending request),
    /// for packet captures.
    case datagram(CapturedDatagram)
}

public typealias PacketObserver = @Sendable (PacketEvent) -> Void

/// Sends RADIUS requests over a shared `RADIUSTransport` with failover (RFC 5080 §2.2.1): each server in
/// order gets the full retransmission schedule; a conversation that has a State is pinned to the server
/// that issued it.
public struct RADIUSClient: Sendable {
    public let transport: RADIUSTransport
    public let configuration: RADIUSClientConfiguration
    let random: any RandomSource

    public init(transport: RADIUSTransport, configuration: RADIUSClientConfiguration,
                random: any RandomSource = SystemRandom()) {
        self.transport = transport
        self.configuration = configuration
        self.random = random
    }

    /// Sends `code` with `attributes` (Message-Authenticator and authenticator are added here) and waits
    /// for a verified reply. `pinnedTo` sends to that server only (a conversation in progress). `sockets` are
    /// the conversation's: every request of a conversation, to every server tried, leaves from the same source
    /// address and port (nil: a socket leased for this request alone).
    public func send(
        _ code: RADIUSCode, attributes: [RADIUSAttribute], pinnedTo pinned: ServerAddress? = nil,
        over sockets: ConversationSockets? = nil, eapSummary: String? = nil, observer: PacketObserver? = nil
    ) async throws(ProbeError) -> RADIUSRoundTrip {
        let servers = pinned.map { [$0] } ?? configuration.servers
        guard !servers.isEmpty else { throw ProbeError(.badInput, "no RADIUS server given") }
        let owned = sockets == nil ? ConversationSockets(transport: transport) : nil
        defer { owned?.release() }
        guard let sockets = sockets ?? owned else { throw ProbeError(.badInput, "no sockets") }
        var evidence: [RoundTripEvidence] = []
        var lastRequest: RADIUSPacket?
        for server in servers {
            let built = BuiltRequest()
            let secret = configuration.secret
            let policy = configuration.replyPolicy
            let unsigned = configuration.unsignedRequests
            let random = self.random
            // Build and sign on the socket's event loop once the identifier is known.
            let result: ExchangeResult
            do {
                let lease = try await sockets.lease(toward: server)
                result = try await lease.exchange(
                    with: server, policy: configuration.retransmit, random: random
                ) { identifier in
                let packet: RADIUSPacket
                do {
                    packet = try RADIUSPacket.request(
                        code, identifier: identifier, attributes: attributes, secret: secret, random: random,
                        unsigned: unsigned)
                } catch let error as RADIUSError {
                    built.store(.failure(error))
                    // Empty bytes make the transport fail the exchange without sending anything.
                    return PreparedRequest(bytes: []) { _ in nil }
                } catch {
                    return PreparedRequest(bytes: []) { _ in nil }
                }
                built.store(.success(packet))
                observer?(.sent(packet, to: server))
                let tap = observer.map { observer in { @Sendable datagram in observer(.datagram(datagram)) } }
                return PreparedRequest(bytes: packet.encode(), tap: tap) { bytes in
                    var decoded: RADIUSPacket?
                    do throws(RADIUSError) {
                        let reply = try RADIUSPacket(decoding: bytes)
                        decoded = reply
                        try reply.verifyReply(to: packet, secret: secret, policy: policy)
                        return nil
                    } catch {
                        return ReplyRejection(DiscardReason(verifying: error), error.reason, replyCode: decoded?.code)
                    }
                }
            }
            } catch {
                if case .failure(let buildError)? = built.load() {
                    throw ProbeError(.badInput, "cannot build the \(code.description): \(buildError)")
                }
                throw error
            }
            guard case .success(let request)? = built.load() else {
                throw ProbeError(.badInput, "the \(code.description) to \(server) was never built")
            }
            lastRequest = request
            for discarded in result.discarded { observer?(.discarded(discarded)) }
            var record = RoundTripEvidence(
                server: "\(server)", requestCode: code, identifier: Int(request.identifier),
                requestSize: request.encodedLength, requestHadState: attributes.contains(.state),
                transmissions: result.transmissions, latencyMilliseconds: result.elapsed.milliseconds,
                discarded: result.discarded, discardedCount: result.discardedTotal, eap: eapSummary,
                source: result.source, replyFrom: result.replyFrom)
            switch result.outcome {
            case .reply(let bytes):
                // Verified already by the transport's check; decoding cannot fail here, but stay typed.
                let reply: RADIUSPacket
                do {
                    reply = try RADIUSPacket(decoding: bytes)
                } catch {
                    throw ProbeError(.badInput, "reply from \(server) failed to decode after verification: \(error)")
                }
                record.replyCode = reply.code
                record.replySize = bytes.count
                record.replyHasState = reply.attributes.contains(.state)
                if !configuration.recordedReplyTypes.isEmpty {
                    record.replyAttributes = reply.attributes
                        .filter { configuration.recordedReplyTypes.contains($0.type) }
                        .map { RecordedAttribute(type: $0.type, value: $0.value) }
                }
                evidence.append(record)
                observer?(.received(reply, from: server, latency: result.elapsed))
                return RADIUSRoundTrip(request: request, reply: reply, server: server, evidence: evidence)
            case .timeout:
                evidence.append(record)
                observer?(.timedOut(server: server, transmissions: result.transmissions))
            case .unreachable(let unreachable):
                record.unreachable = unreachable
                evidence.append(record)
                observer?(.unreachable(server: server, unreachable))
            case .unverified(let reason):
                record.stoppedEarly = reason
                evidence.append(record)
                observer?(.note("\(server) answered \(result.discardedTotal) times, never verifiably "
                                + "(\(reason.rawValue)): gave up after \(result.transmissions) transmission"
                                + "\(result.transmissions == 1 ? "" : "s")"))
                observer?(.timedOut(server: server, transmissions: result.transmissions))
            }
        }
        // Every server timed out: `lastRequest` exists because at least one exchange ran.
        return RADIUSRoundTrip(
            request: lastRequest!, reply: nil, server: servers[servers.count - 1], evidence: evidence)
    }
}

/// Carries the packet built inside the transport's callback back to the caller.
private final class BuiltRequest: Sendable {
    private let value = Mutex<Result<RADIUSPacket, RADIUSError>?>(nil)
    func store(_ result: Result<RADIUSPacket, RADIUSError>) { value.withLock { $0 = result } }
    func load() -> Result<RADIUSPacket, RADIUSError>? { value.withLock { $0 } }
}

extension Duration {
    /// Milliseconds as a Double, for evidence and JSON.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
