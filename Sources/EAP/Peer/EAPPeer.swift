import TLS

/// The EAP peer (RFC 3748 §2, §4, §5; the RFC 4137 peer state machine in spirit): EAP packets in, actions out.
///
/// No sockets, no clocks: the caller carries each ``EAPPeerAction/send(_:)`` packet to the server (an EAP-Message
/// in an Access-Request) and hands the server's EAP packet to ``receive(_:)``. ``trace`` keeps the ordered
/// evidence and ``step`` says where the conversation stands, for the diagnosis of a failure.
///
///     var peer = EAPPeer(configuration: configuration)
///     var action = peer.start()                 // EAP-Response/Identity, identifier 0
///     while case .send(let packet) = action {
///         let reply = try await radius.exchange(eapMessage: packet)
///         action = peer.receive(reply)
///     }
///
/// Rules the peer keeps:
/// - Identity requests get the configured identity, Notifications an empty Notification response (their text
///   goes to the trace). A request repeating the last one byte for byte gets the last response again
///   (RFC 3748 §4.1).
/// - A method other than the configured one is refused once with a Nak naming ours (legacy or expanded as the
///   request demands, §5.3); a second refusal, or an EAP-Failure after our Nak, fails with
///   ``EAPPeerFailure/Kind/methodRefused``. Once our method has answered, a switch of method is a violation.
/// - EAP-Success is accepted only when the method allows it (EAP-TLS: handshake done, TLS 1.3 success indication
///   seen; PEAP: Result TLV answered with success; EAP-MSCHAPv2: the server's S= verified); earlier it is a
///   ``EAPPeerFailure/Kind/protocolViolation`` and never a success (RFC 3748 §7.16 "lack of a protected result
///   indication", hostapd's `decision` check).
/// - A malformed or unexpected packet ends the conversation with ``EAPPeerFailure/Kind/protocolViolation``
///   naming what was wrong. RFC 3748 tells a peer on a link to silently discard some of them; over RADIUS the
///   server would then wait for an answer that never comes, so the peer reports them instead.
/// - When the peer refuses something but still owes the server an answer (our TLS alert, the ACK of the
///   server's alert, a Result TLV failure), it sends that answer and fails on the next packet, whatever it is.
///
/// A value, but it owns TLS sessions (references): use one `EAPPeer` per conversation and do not use copies of
/// it side by side. It is not `Sendable` for the same reason; keep it inside the task that runs the conversation.
public struct EAPPeer {
    public let configuration: EAPPeerConfiguration

    /// Where the conversation stands; each state carries what it needs.
    private enum State {
        /// No request of our method yet. `nakOffered`: the type we refused with our Nak (RFC 3748 §5.3).
        case negotiating(nakOffered: UInt8?)
        /// Our method has answered a request: no Nak from now on (RFC 3748 §5.3).
        case running(any PeerMethod)
        /// A failure decided while an answer was still owed to the server; it ends the conversation on the next
        /// packet (or when the RADIUS layer sees the Access-Reject, see ``receiveRejectWithoutEAPMessage()``).
        /// Requests still reach the method while its fragments await ACKs.
        case failing(any PeerMethod, EAPPeerFailure)
        /// The conversation is over; the method that ran, for the evidence of anything that still arrives.
        case finished((any PeerMethod)?)
    }

    private var context: PeerContext
    private var state = State.negotiating(nakOffered: nil)
    /// The last request answered and our answer, for duplicates (RFC 3748 §4.1).
    private var lastExchange: (request: [UInt8], response: [UInt8])?

    /// A failure decided while an answer was still owed to the server; it ends the conversation on the next
    /// packet (or when the RADIUS layer sees the Access-Reject, see ``receiveRejectWithoutEAPMessage()``).
    public var pendingFailure: EAPPeerFailure? {
        if case .failing(_, let failure) = state { return failure }
        return nil
    }

    /// The ordered evidence of the conversation.
    public var trace: [EAPTraceEvent] { context.trace }
    /// Where the conversation stands now.
    public var step: EAPStep { context.step }

    public init(configuration: EAPPeerConfiguration, random: any RandomSource = SystemRandom()) {
        self.configuration = configuration
        self.context = PeerContext(random: random)
    }

    /// The first packet: an EAP-Response/Identity with identifier 0, which a RADIUS client sends unprompted
    /// (RFC 3579 §2.1: the NAS may start with the peer's identity). Servers answer with their first request
    /// whatever this identifier is.
    public mutating func start() -> EAPPeerAction {
        if let problem = configurationProblem() { return finish(failure(problem)) }
        do {
            let packet = try EAPPacket.identityResponse(identifier: 0, identity: configuration.identity)
            context.record(.identitySent(identity: configuration.identity))
            return respond(packet, to: nil)
        } catch {
            return finish(failure(.configuration("the identity cannot be sent", error)))
        }
    }

    /// The server's next EAP packet (the EAP-Message of an Access-Challenge, -Accept or -Reject).
    public mutating func receive(_ eapMessage: [UInt8]) -> EAPPeerAction {
        if case .finished = state {
            return .failed(failure(.violation("an EAP packet (\(eapMessage.count) octets) after the conversation "
                                              + "ended")))
        }
        let packet: EAPPacket
        do {
            packet = try EAPPacket(decoding: eapMessage)
        } catch {
            return finish(failure(.violation("malformed EAP packet", error)))
        }
        switch packet.code {
        case .request:
            return request(packet)
        case .success:
            context.record(.eapSuccess)
            return success()
        case .failure:
            context.record(.eapFailure)
            return serverFailure()
        case .response, .initiate, .finish:
            return finish(failure(.violation("an EAP \(packet.code) from the server; a peer receives only Request, "
                                             + "Success and Failure")))
        }
    }

    /// The RADIUS server answered with an Access-Reject carrying no EAP-Message (RFC 3579 §2.6.3 says it should
    /// carry an EAP-Failure): handled as that EAP-Failure.
    public mutating func receiveRejectWithoutEAPMessage() -> EAPPeerAction {
        if case .finished = state { return .failed(failure(.violation("an Access-Reject after the conversation ended"))) }
        context.record(.eapFailure)
        return serverFailure()
    }

    // MARK: - Requests

    private mutating func request(_ packet: EAPPacket) -> EAPPeerAction {
        let encoded = packet.encode()
        if let lastExchange, lastExchange.request == encoded {
            context.record(.duplicateRequest(identifier: packet.identifier))
            return .send(lastExchange.response)
        }
        guard let type = packet.type else { return finish(failure(.violation("a Request without a Type"))) }
        context.record(.requestReceived(identifier: packet.identifier, type: type.rawValue,
                                        flags: packet.tlsFlagsOctet, length: packet.length))
        if case .failing(let method, let pending) = state, !method.isSendingFragments { return finish(pending) }

        do {
            switch type {
            case .identity:
                context.record(.identitySent(identity: configuration.identity))
                return respond(try .identityResponse(identifier: packet.identifier, identity: configuration.identity),
                               to: encoded)
            case .notification:
                // RFC 3748 §5.2: displayable text; the peer answers with an empty Notification.
                context.record(.notification(text: String(decoding: packet.typeData, as: UTF8.self)))
                return respond(.notificationResponse(identifier: packet.identifier), to: encoded)
            case .nak:
                return finish(failure(.violation("a Nak request; a Nak is a response (RFC 3748 §5.3)")))
            case configuration.methodType where packet.expandedType == nil:
                return runMethod(packet, encoded)
            default:
                return refuse(packet, encoded)
            }
        } catch {
            return finish(failure(.configuration("cannot build the response", error)))
        }
    }

    /// Our method's request: the method is built on the first one, then carries its own state.
    private mutating func runMethod(_ packet: EAPPacket, _ encoded: [UInt8]) -> EAPPeerAction {
        var method: any PeerMethod
        var pending: EAPPeerFailure? = nil
        switch state {
        case .negotiating:
            context.record(.methodStarted(type: configuration.methodType.rawValue))
            method = configuration.method.base.makeMethod(MethodSetup(
                fragmentSize: configuration.fragmentSize, reassemblyLimit: configuration.reassemblyLimit,
                inner: false))
        case .running(let running):
            method = running
        case .failing(let running, let failure):
            method = running
            pending = failure
        case .finished:
            return .failed(failure(.violation("a request after the conversation ended")))
        }
        switch method.process(packet, &context) {
        case .send(let response):
            state = pending.map { .failing(method, $0) } ?? .running(method)
            return respond(response, to: encoded)
        case .sendThenFail(let response, let methodFailure):
            state = .failing(method, failure(methodFailure, method))
            return respond(response, to: encoded)
        case .fail(let methodFailure):
            state = .running(method)
            return finish(failure(methodFailure))
        }
    }

    /// RFC 3748 §5.3: one Nak naming our method, and only before our method has answered anything.
    private mutating func refuse(_ packet: EAPPacket, _ encoded: [UInt8]) -> EAPPeerAction {
        let offered = packet.type?.rawValue ?? 0
        let ours = configuration.methodType
        let name = packet.expandedType.map { "\($0)" } ?? "\(packet.type.map { "\($0)" } ?? "?")"
        switch state {
        case .running, .failing, .finished:
            return finish(failure(.violation("the server proposed \(name) after \(ours) began (RFC 3748 §2.1: no "
                                             + "change of method)")))
        case .negotiating(let nakOffered?):
            return finish(failure(MethodFailure(
                kind: .methodRefused,
                reason: "the server proposed \(name) after our Nak of type \(nakOffered) naming \(ours)")))
        case .negotiating(nil):
            do {
                let nak = try EAPPacket.nakResponse(answering: packet, desired: [.ietf(ours)])
                state = .negotiating(nakOffered: offered)
                context.record(.nakSent(offered: offered, desired: [ours.rawValue]))
                context.step = .methodNegotiation(proposed: offered)
                return respond(nak, to: encoded)
            } catch {
                return finish(failure(.configuration("cannot build the Nak", error)))
            }
        }
    }

    // MARK: - Success and Failure

    private mutating func success() -> EAPPeerAction {
        switch state {
        case .failing(_, let pending):
            return finish(pending)
        case .running(let method) where method.mayAcceptSuccess:
            switch method.result() {
            case .success(let result):
                context.step = .completed
                state = .finished(method)
                return .succeeded(result)
            case .failure(let methodFailure):
                return finish(failure(methodFailure))
            }
        case .negotiating, .running, .finished:
            return finish(failure(.violation("EAP-Success before the method could succeed (\(context.step)); "
                                             + "success refused")))
        }
    }

    /// The server's EAP-Failure: the most specific kind the conversation supports.
    private mutating func serverFailure() -> EAPPeerAction {
        let where_ = "EAP-Failure at step \"\(context.step)\""
        switch state {
        case .failing(_, let pending):
            return finish(pending)
        case .running(let method):
            return finish(failure(method.failureOnEAPFailure(at: where_)
                                  ?? MethodFailure(kind: .eapFailure, reason: where_)))
        case .negotiating(_?):
            return finish(failure(MethodFailure(
                kind: .methodRefused,
                reason: where_ + ": the server accepts no \(configuration.methodType) (our Nak named it)")))
        case .negotiating(nil), .finished:
            return finish(failure(MethodFailure(kind: .eapFailure, reason: where_)))
        }
    }

    // MARK: - Helpers

    /// The method that runs or ran.
    private var method: (any PeerMethod)? {
        switch state {
        case .negotiating: return nil
        case .running(let method), .failing(let method, _): return method
        case .finished(let method): return method
        }
    }

    private mutating func respond(_ packet: EAPPacket, to request: [UInt8]?) -> EAPPeerAction {
        let bytes = packet.encode()
        context.record(.responseSent(identifier: packet.identifier, type: packet.type?.rawValue ?? 0,
                                     flags: packet.tlsFlagsOctet, length: bytes.count))
        lastExchange = request.map { (request: $0, response: bytes) }
        return .send(bytes)
    }

    private mutating func finish(_ failure: EAPPeerFailure) -> EAPPeerAction {
        state = .finished(method)
        return .failed(failure)
    }

    /// A method's failure with the step and the method's evidence attached.
    private func failure(_ methodFailure: MethodFailure) -> EAPPeerFailure { failure(methodFailure, method) }

    private func failure(_ methodFailure: MethodFailure, _ method: (any PeerMethod)?) -> EAPPeerFailure {
        var failure = EAPPeerFailure(
            step: context.step, kind: methodFailure.kind, reason: methodFailure.reason, msCHAPv2: methodFailure.msCHAPv2,
            resultTLV: methodFailure.resultTLV, tlsError: methodFailure.tlsError, eapError: methodFailure.eapError)
        method?.annotate(&failure)
        return failure
    }

    private func configurationProblem() -> MethodFailure? {
        let size = configuration.fragmentSize
        // 6: flags + length + one TLS octet; 65530: the EAP Length field less header and Type.
        guard (6...(EAPPacket.maximumLength - 5)).contains(size) else {
            return .configuration("fragment size \(size) is outside 6…\(EAPPacket.maximumLength - 5) octets of "
                                  + "Type-Data")
        }
        guard configuration.reassemblyLimit > 0 else {
            return .configuration("reassembly limit \(configuration.reassemblyLimit) must be positive")
        }
        return configuration.method.base.problem()
    }
}
