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

    private enum Method {
        case tls(EAPTLSPeerMethod)
        case peap(PEAPPeerMethod)
        case mschapv2(MSCHAPv2PeerMethod)
    }

    private var context: PeerContext
    private var method: Method?
    /// Our method has answered a request: no Nak from now on (RFC 3748 §5.3).
    private var methodResponded = false
    /// The type we refused with our Nak.
    private var nakOffered: UInt8?
    private var lastRequest: [UInt8]?
    private var lastResponse: [UInt8]?
    private var finished = false

    /// A failure decided while an answer was still owed to the server; it ends the conversation on the next
    /// packet (or when the RADIUS layer sees the Access-Reject, see ``receiveRejectWithoutEAPMessage()``).
    public private(set) var pendingFailure: EAPPeerFailure?

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
            return finish(failure(.configuration("the identity cannot be sent", error as? EAPError)))
        }
    }

    /// The server's next EAP packet (the EAP-Message of an Access-Challenge, -Accept or -Reject).
    public mutating func receive(_ eapMessage: [UInt8]) -> EAPPeerAction {
        guard !finished else {
            return .failed(failure(.violation("an EAP packet (\(eapMessage.count) octets) after the conversation "
                                              + "ended")))
        }
        let packet: EAPPacket
        do {
            packet = try EAPPacket(decoding: eapMessage)
        } catch {
            return finish(failure(.violation("malformed EAP packet", error as? EAPError)))
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
        guard !finished else { return .failed(failure(.violation("an Access-Reject after the conversation ended"))) }
        context.record(.eapFailure)
        return serverFailure()
    }

    // MARK: - Requests

    private mutating func request(_ packet: EAPPacket) -> EAPPeerAction {
        let encoded = packet.encode()
        if let lastRequest, let lastResponse, lastRequest == encoded {
            context.record(.duplicateRequest(identifier: packet.identifier))
            return .send(lastResponse)
        }
        guard let type = packet.type else { return finish(failure(.violation("a Request without a Type"))) }
        context.record(.requestReceived(identifier: packet.identifier, type: type.rawValue,
                                        flags: packet.tlsFlagsOctet, length: packet.length))
        if let pendingFailure, !isSendingFragments { return finish(pendingFailure) }

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
            return finish(failure(.configuration("cannot build the response", error as? EAPError)))
        }
    }

    private mutating func runMethod(_ packet: EAPPacket, _ encoded: [UInt8]) -> EAPPeerAction {
        let reply: MethodReply
        switch method {
        case nil:
            context.record(.methodStarted(type: configuration.methodType.rawValue))
            switch configuration.method {
            case .tls(let tlsContext, let resuming):
                var tls = EAPTLSPeerMethod(
                    context: tlsContext, resuming: resuming,
                    fragmentConfiguration: TLSFragmenter.Configuration(
                        maxTypeDataSize: configuration.fragmentSize, lengthField: .firstFragmentWhenFragmented,
                        version: 0),
                    reassemblyLimit: configuration.reassemblyLimit, inner: false)
                reply = tls.process(packet, &context)
                method = .tls(tls)
            case .peap(let peapConfiguration):
                var peap = PEAPPeerMethod(configuration: peapConfiguration, fragmentSize: configuration.fragmentSize,
                                          reassemblyLimit: configuration.reassemblyLimit)
                reply = peap.process(packet, &context)
                method = .peap(peap)
            case .mschapv2(let credentials):
                context.step = .method(type: EAPType.mschapv2.rawValue)
                var mschapv2 = MSCHAPv2PeerMethod(credentials: credentials, inner: false)
                reply = mschapv2.process(packet, &context)
                method = .mschapv2(mschapv2)
            }
        case .tls(var tls):
            reply = tls.process(packet, &context)
            method = .tls(tls)
        case .peap(var peap):
            reply = peap.process(packet, &context)
            method = .peap(peap)
        case .mschapv2(var mschapv2):
            reply = mschapv2.process(packet, &context)
            method = .mschapv2(mschapv2)
        }
        switch reply {
        case .send(let response):
            methodResponded = true
            return respond(response, to: encoded)
        case .sendThenFail(let response, let methodFailure):
            methodResponded = true
            pendingFailure = failure(methodFailure)
            return respond(response, to: encoded)
        case .fail(let methodFailure):
            return finish(failure(methodFailure))
        }
    }

    /// RFC 3748 §5.3: one Nak naming our method, and only before our method has answered anything.
    private mutating func refuse(_ packet: EAPPacket, _ encoded: [UInt8]) -> EAPPeerAction {
        let offered = packet.type?.rawValue ?? 0
        let ours = configuration.methodType
        let name = packet.expandedType.map { "\($0)" } ?? "\(packet.type.map { "\($0)" } ?? "?")"
        if methodResponded {
            return finish(failure(.violation("the server proposed \(name) after \(ours) began (RFC 3748 §2.1: no "
                                             + "change of method)")))
        }
        if let nakOffered {
            return finish(failure(MethodFailure(
                kind: .methodRefused,
                reason: "the server proposed \(name) after our Nak of type \(nakOffered) naming \(ours)")))
        }
        do {
            let nak = try EAPPacket.nakResponse(answering: packet, desired: [.ietf(ours)])
            nakOffered = offered
            context.record(.nakSent(offered: offered, desired: [ours.rawValue]))
            context.step = .methodNegotiation(proposed: offered)
            return respond(nak, to: encoded)
        } catch {
            return finish(failure(.configuration("cannot build the Nak", error as? EAPError)))
        }
    }

    // MARK: - Success and Failure

    private mutating func success() -> EAPPeerAction {
        if let pendingFailure { return finish(pendingFailure) }
        guard let method, mayAcceptSuccess else {
            return finish(failure(.violation("EAP-Success before the method could succeed (\(context.step)); "
                                             + "success refused")))
        }
        let result: Result<EAPPeerResult, MethodFailure>
        switch method {
        case .tls(let tls):
            result = tls.keyMaterial().map { keys in
                let mppe = EAPPeerResult.expectedMPPEKeys(method: .tls, msk: keys.msk)
                return EAPPeerResult(
                    method: .tls, innerMethod: nil, msk: keys.msk, emsk: keys.emsk, sessionId: keys.sessionId,
                    expectedMPPERecvKey: mppe.recv, expectedMPPESendKey: mppe.send, tls: tls.evidence, innerTLS: nil,
                    cryptoBinding: .notApplicable, resumed: tls.session?.resumed ?? false, innerMethodRan: false,
                    resumptionState: tls.session?.resumptionState)
            }
        case .peap(let peap):
            result = peap.result()
        case .mschapv2(let mschapv2):
            if let msk = mschapv2.msk {
                let mppe = EAPPeerResult.expectedMPPEKeys(method: .mschapv2, msk: msk)
                result = .success(EAPPeerResult(
                    method: .mschapv2, innerMethod: nil, msk: msk, emsk: nil, sessionId: nil,
                    expectedMPPERecvKey: mppe.recv, expectedMPPESendKey: mppe.send, tls: nil, innerTLS: nil,
                    cryptoBinding: .notApplicable, resumed: false, innerMethodRan: false, resumptionState: nil))
            } else {
                result = .failure(.violation("EAP-MSCHAPv2 keys are not available"))
            }
        }
        switch result {
        case .success(let result):
            context.step = .completed
            finished = true
            return .succeeded(result)
        case .failure(let methodFailure):
            return finish(failure(methodFailure))
        }
    }

    /// The server's EAP-Failure: the most specific kind the conversation supports.
    private mutating func serverFailure() -> EAPPeerAction {
        if let pendingFailure { return finish(pendingFailure) }
        let where_ = "EAP-Failure at step \"\(context.step)\""
        switch method {
        case .peap(let peap) where peap.innerFailureSeen:
            var reason = where_ + " after phase 2 failed"
            if let msCHAPv2 = peap.msCHAPv2Failure { reason += ": inner MS-CHAPv2 \(msCHAPv2.text)" }
            if let result = peap.resultReceived, result != .success { reason += "; Result TLV \(result)" }
            return finish(failure(MethodFailure(kind: .innerFailure, reason: reason)))
        case .peap(let peap) where peap.innerMethodRefused:
            return finish(failure(MethodFailure(
                kind: .methodRefused,
                reason: where_ + ": the server accepts no inner \(peap.configuration.inner.type) (our Nak named it)")))
        case .mschapv2(let mschapv2) where mschapv2.lastFailure != nil:
            let text = mschapv2.lastFailure?.text ?? ""
            return finish(failure(MethodFailure(kind: .methodFailure, reason: where_ + " after MS-CHAPv2 \(text)")))
        case nil where nakOffered != nil:
            return finish(failure(MethodFailure(
                kind: .methodRefused,
                reason: where_ + ": the server accepts no \(configuration.methodType) (our Nak named it)")))
        default:
            return finish(failure(MethodFailure(kind: .eapFailure, reason: where_)))
        }
    }

    // MARK: - Helpers

    private var mayAcceptSuccess: Bool {
        switch method {
        case .tls(let tls): return tls.hasSucceeded
        case .peap(let peap): return peap.mayAcceptSuccess
        case .mschapv2(let mschapv2): return mschapv2.hasSucceeded
        case nil: return false
        }
    }

    private var isSendingFragments: Bool {
        switch method {
        case .tls(let tls): return tls.isSendingFragments
        case .peap(let peap): return peap.isSendingFragments
        default: return false
        }
    }

    private mutating func respond(_ packet: EAPPacket, to request: [UInt8]?) -> EAPPeerAction {
        let bytes = packet.encode()
        context.record(.responseSent(identifier: packet.identifier, type: packet.type?.rawValue ?? 0,
                                     flags: packet.tlsFlagsOctet, length: bytes.count))
        lastRequest = request
        lastResponse = bytes
        return .send(bytes)
    }

    private mutating func finish(_ failure: EAPPeerFailure) -> EAPPeerAction {
        finished = true
        pendingFailure = nil
        return .failed(failure)
    }

    /// A method's failure with the step and the evidence attached.
    private func failure(_ methodFailure: MethodFailure) -> EAPPeerFailure {
        var tls: TLSEvidence? = nil
        var innerTLS: TLSEvidence? = nil
        var msCHAPv2 = methodFailure.msCHAPv2
        var resultTLV = methodFailure.resultTLV
        switch method {
        case .tls(let method):
            tls = method.evidence
        case .peap(let method):
            tls = method.tlsEvidence
            innerTLS = method.innerTLSEvidence
            msCHAPv2 = msCHAPv2 ?? method.msCHAPv2Failure
            resultTLV = resultTLV ?? method.resultReceived
        case .mschapv2(let method):
            msCHAPv2 = msCHAPv2 ?? method.lastFailure
        case nil:
            break
        }
        return EAPPeerFailure(step: context.step, kind: methodFailure.kind, reason: methodFailure.reason, tls: tls,
                              innerTLS: innerTLS, msCHAPv2: msCHAPv2, resultTLV: resultTLV,
                              tlsError: methodFailure.tlsError, eapError: methodFailure.eapError)
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
        if case .peap(let peap) = configuration.method, let inner = peap.innerFragmentSize,
           !(6...(EAPPacket.maximumLength - 5)).contains(inner) {
            return .configuration("inner fragment size \(inner) is outside 6…\(EAPPacket.maximumLength - 5)")
        }
        return nil
    }
}
