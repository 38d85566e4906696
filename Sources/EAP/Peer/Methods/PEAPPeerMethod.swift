import TLS

extension EAPMethodKind {
    /// PEAPv0 itself: a tunnel, never registered on its own (``EAPMethod/peap(inner:)`` names it with its inner
    /// method), and never inside another PEAP.
    static let peap = EAPMethodKind(name: "peap", type: .peap, capabilities: [.tls, .derivesKeys]) {
        _ throws(EAPError) in
        throw EAPError(.invalidConfiguration, "PEAP is configured around an inner method: EAPMethod.peap(inner:)")
    }
}

extension EAPMethodConfiguration {
    /// PEAPv0 ([MS-PEAP]) around an inner method that may run inside it (EAP-MSCHAPv2, EAP-TLS).
    public static func peap(_ configuration: PEAPConfiguration) -> EAPMethodConfiguration {
        EAPMethodConfiguration(configuration)
    }
}

extension PEAPConfiguration: PeerMethodConfiguration {
    var kind: EAPMethodKind { .peap }
    var method: EAPMethod { .peap(inner: inner.base.kind) }

    func makeMethod(_ setup: MethodSetup) -> any PeerMethod {
        PEAPPeerMethod(configuration: self, fragmentSize: setup.fragmentSize, reassemblyLimit: setup.reassemblyLimit)
    }

    func problem() -> MethodFailure? {
        let innerKind = inner.base.kind
        guard innerKind.capabilities.contains(.insidePEAP) else {
            return .configuration("\(innerKind) cannot run inside PEAP")
        }
        if let size = innerFragmentSize, !(6...(EAPPacket.maximumLength - 5)).contains(size) {
            return .configuration("inner fragment size \(size) is outside 6…\(EAPPacket.maximumLength - 5)")
        }
        return inner.base.problem()
    }

    func resuming(_ state: TLSResumptionState) -> PEAPConfiguration? {
        var resumed = self
        resumed.resuming = state
        return resumed
    }
}

/// The peer side of PEAPv0 ([MS-PEAP]; draft-kamath-pppext-peapv0; hostap `eap_peap.c`).
///
/// Phase 1 is a TLS handshake in PEAP framing (version 0, the length on every fragment for NPS). Phase 2 travels
/// as TLS application data: each complete PEAP message is decrypted into one inner EAP packet (compressed without
/// its header except EAP-TLV and the Microsoft expanded types, [MS-PEAP] §3.1.5.6). Inner Identity, the inner
/// method (any that may run inside PEAP, through ``PeerMethod``), Capabilities and SoH are answered; the EAP-TLV
/// Result with its Crypto-Binding TLV ends phase 2 ([MS-PEAP] §3.2.5.4). The MSK comes from the CSK when
/// crypto-binding was used, else from the "client EAP encryption" key material (hostap `eap_peap_getKey`).
struct PEAPPeerMethod: PeerMethod {
    let configuration: PEAPConfiguration
    /// PEAPv0: every response carries version 0 whatever the server's Start offers.
    static let version: UInt8 = 0

    private var engine: TLSEngine
    private let phase2Fragments: TLSFragmenter.Configuration
    private let innerSetup: MethodSetup

    private enum State {
        /// Phase 1: the TLS handshake.
        case handshake
        /// Phase 2, inside the established tunnel.
        case tunnel(Tunnel)
    }

    /// Phase 2: built from the handshake's keys when the tunnel comes up.
    private struct Tunnel {
        /// 128 octets of "client EAP encryption" (TLS ≤ 1.2) or the RFC 9190 exporter with type 25 (TLS 1.3); the
        /// Tunnel Key is its first 60 octets ([MS-PEAP] §3.1.5.5.2.1).
        let keyMaterial: EAPKeyMaterial
        var inner = Inner.notStarted(nakOffered: nil)
        /// The last Result TLV status the server sent.
        var result: EAPTLVResultStatus?
        var binding = CryptoBindingOutcome.absent
        var outcome = Outcome.pending

        var innerMethodSucceeded: Bool {
            guard case .running(let method) = inner else { return false }
            return method.mayAcceptSuccess
        }
    }

    private enum Inner {
        /// No request of our inner method yet; `nakOffered`: the inner type we refused with a Nak.
        case notStarted(nakOffered: UInt8?)
        case running(any PeerMethod)
    }

    private enum Outcome {
        case pending
        /// We answered a Result TLV success (or acknowledged a tunneled EAP-Success): EAP-Success may come.
        /// `boundIPMK`: the IPMK of the verified binding we answered; the MSK comes from its CSK.
        case succeeded(boundIPMK: [UInt8]?)
        /// The server sent a tunneled EAP-Failure.
        case tunneledFailure
    }

    private var state = State.handshake

    init(configuration: PEAPConfiguration, fragmentSize: Int, reassemblyLimit: Int) {
        self.configuration = configuration
        let phase1 = TLSFragmenter.Configuration(
            maxTypeDataSize: fragmentSize,
            lengthField: configuration.lengthOnEveryFragment ? .everyFragment : .firstFragment,
            version: Self.version)
        phase2Fragments = TLSFragmenter.Configuration(maxTypeDataSize: fragmentSize,
                                                      lengthField: .firstFragmentWhenFragmented, version: Self.version)
        innerSetup = MethodSetup(
            fragmentSize: configuration.innerFragmentSize ?? Self.innerFragmentSize(outer: fragmentSize),
            reassemblyLimit: reassemblyLimit, inner: true)
        engine = TLSEngine(context: configuration.outer, resuming: configuration.resuming,
                           fragmentConfiguration: phase1, reassemblyLimit: reassemblyLimit, inner: false)
    }

    /// Inner EAP-TLS Type-Data budget: 100 octets below the outer one (wpa_supplicant's margin), which leaves room
    /// for the compressed Type octet and the worst TLS record expansion (5-octet header, CBC IV 16, MAC 48,
    /// padding 16), so an inner packet sealed in one record fits one outer fragment. At least 64.
    static func innerFragmentSize(outer: Int) -> Int { max(outer - 100, 64) }

    // MARK: - State the peer reads

    var tlsEvidence: TLSEvidence? { engine.evidence }

    var isSendingFragments: Bool { engine.isSendingFragments }

    var mayAcceptSuccess: Bool {
        guard case .tunnel(let tunnel) = state, case .succeeded = tunnel.outcome else { return false }
        return engine.outputComplete && !engine.failed
    }

    private var innerMethod: (any PeerMethod)? {
        guard case .tunnel(let tunnel) = state, case .running(let method) = tunnel.inner else { return nil }
        return method
    }

    var reportedFailure: String? { innerMethod?.reportedFailure }

    /// The server's EAP-Failure: after phase 2 failed (the inner method's failure, a Result TLV other than
    /// success, a tunneled EAP-Failure), or after our inner Nak when no inner method began.
    func failureOnEAPFailure(at: String) -> MethodFailure? {
        guard case .tunnel(let tunnel) = state else { return nil }
        let resultFailed = tunnel.result.map { $0 != .success } ?? false
        var tunneledFailure = false
        if case .tunneledFailure = tunnel.outcome { tunneledFailure = true }
        if reportedFailure != nil || resultFailed || tunneledFailure {
            var reason = at + " after phase 2 failed"
            if let reported = reportedFailure { reason += ": inner \(reported)" }
            if let result = tunnel.result, result != .success { reason += "; Result TLV \(result)" }
            return MethodFailure(kind: .innerFailure, reason: reason)
        }
        if case .notStarted(_?) = tunnel.inner {
            return MethodFailure(
                kind: .methodRefused,
                reason: at + ": the server accepts no inner \(configuration.inner.type) (our Nak named it)")
        }
        return nil
    }

    func annotate(_ failure: inout EAPPeerFailure) {
        failure.tls = engine.evidence
        failure.innerTLS = nil
        innerMethod?.annotate(&failure)
        if case .tunnel(let tunnel) = state { failure.resultTLV = failure.resultTLV ?? tunnel.result }
    }

    // MARK: - Requests

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        let message: EAPTLSMessage
        do {
            message = try request.tlsMessage()
        } catch {
            return .fail(.violation("malformed PEAP request", error))
        }
        switch engine.receive(message, &ctx) {
        case .reply(let reply):
            return respond(request, reply)
        case .replyThenFail(let reply, let failure):
            return respond(request, reply, thenFail: failure)
        case .fail(let failure):
            return .fail(failure)
        case .handshakeCompleted(let output, let plaintext):
            return tunnelEstablished(request, output: output, plaintext: plaintext, &ctx)
        case .applicationData(let plaintext):
            guard !plaintext.isEmpty else { return respond(request, engine.ack(&ctx)) }
            return phase2(plaintext, request, &ctx)
        case .emptyRequest:
            return respond(request, engine.ack(&ctx))
        }
    }

    /// Phase 1 done: keys for crypto-binding and the MSK, phase-2 framing from now on.
    private mutating func tunnelEstablished(_ request: EAPPacket, output: [UInt8], plaintext: [UInt8],
                                            _ ctx: inout PeerContext) -> MethodReply {
        let evidence = engine.evidence
        ctx.record(.tlsEstablished(version: evidence?.version?.rawValue, cipher: evidence?.cipher,
                                   resumed: evidence?.resumed ?? false))
        guard let session = engine.session else { return .fail(.violation("no TLS session")) }
        do {
            state = .tunnel(Tunnel(keyMaterial: try session.eapKeyMaterial(eapType: EAPType.peap.rawValue)))
        } catch {
            return .fail(MethodFailure(kind: .tlsFailure, reason: "PEAP key export: \(error.reason)", tlsError: error))
        }
        let tls13 = (evidence?.version ?? .tls1_2) >= .tls1_3
        ctx.step = tls13 ? .tlsClientFinishedSent : .tunnelEstablished
        if !output.isEmpty {
            guard plaintext.isEmpty else {
                return .fail(.violation("phase-2 data arrived with the server's Finished, before our own Finished "
                                        + "could be sent"))
            }
            let sent = engine.send(output, &ctx)
            engine.fragmentConfiguration = phase2Fragments
            switch sent {
            case .success(let reply): return respond(request, reply)
            case .failure(let failure): return .fail(failure)
            }
        }
        engine.fragmentConfiguration = phase2Fragments
        guard !plaintext.isEmpty else { return respond(request, engine.ack(&ctx)) }
        return phase2(plaintext, request, &ctx)
    }

    /// One decrypted phase-2 message: an inner EAP packet, compressed or not.
    private mutating func phase2(_ plaintext: [UInt8], _ request: EAPPacket, _ ctx: inout PeerContext)
        -> MethodReply
    {
        guard case .tunnel(var tunnel) = state else {
            return .fail(.violation("phase-2 data before the PEAP tunnel was established"))
        }
        // TLS 1.3: the server's first phase-2 message is its verdict on our Finished.
        if ctx.step == .tlsClientFinishedSent { ctx.step = .tunnelEstablished }
        let reply: MethodReply
        do {
            let packet = try PEAPPhase2.decodeInnerRequest(plaintext, outerIdentifier: request.identifier)
            reply = phase2(packet, request, &tunnel, &ctx)
        } catch {
            reply = .fail(.violation("malformed phase-2 packet (\(plaintext.count) octets)", error))
        }
        state = .tunnel(tunnel)
        return reply
    }

    private mutating func phase2(_ packet: EAPPacket, _ request: EAPPacket, _ tunnel: inout Tunnel,
                                 _ ctx: inout PeerContext) -> MethodReply {
        switch packet.code {
        case .request:
            do {
                return try innerRequest(packet, request, &tunnel, &ctx)
            } catch {
                return .fail(error)
            }
        case .success:
            // Old PEAPv0 servers end phase 2 with a tunneled EAP-Success instead of a Result TLV.
            ctx.record(.tunneledResult(success: true))
            guard tunnel.innerMethodSucceeded else {
                return .fail(.violation("a tunneled EAP-Success before the inner method succeeded"))
            }
            if configuration.cryptoBinding == .required {
                ctx.record(.cryptoBinding(outcome: .absent))
                return .fail(MethodFailure(kind: .policy, reason: "crypto-binding is required but the server ended "
                                           + "phase 2 with a tunneled EAP-Success, without a Crypto-Binding TLV"))
            }
            tunnel.outcome = .succeeded(boundIPMK: nil)
            return respond(request, engine.ack(&ctx))
        case .failure:
            ctx.record(.tunneledResult(success: false))
            tunnel.outcome = .tunneledFailure
            return respond(request, engine.ack(&ctx))
        case .response, .initiate, .finish:
            return .fail(.violation("an inner EAP \(packet.code) inside the tunnel"))
        }
    }

    private mutating func innerRequest(_ packet: EAPPacket, _ request: EAPPacket, _ tunnel: inout Tunnel,
                                       _ ctx: inout PeerContext) throws(MethodFailure) -> MethodReply {
        guard let type = packet.type else { throw .violation("an inner request without a Type") }
        ctx.record(.innerRequest(type: type.rawValue))
        let malformed = "malformed inner \(type) request"
        switch type {
        case .identity:
            ctx.record(.innerIdentitySent(identity: configuration.innerIdentity))
            if case .notStarted = tunnel.inner { ctx.step = .innerIdentity }
            return sendInner(try Self.decoding(malformed) { () throws(EAPError) in
                try .identityResponse(identifier: packet.identifier, identity: configuration.innerIdentity)
            }, request, &ctx)
        case .notification:
            ctx.record(.notification(text: String(decoding: packet.typeData, as: UTF8.self)))
            return sendInner(.notificationResponse(identifier: packet.identifier), request, &ctx)
        case .nak:
            throw .violation("an inner Nak request; a Nak is a response (RFC 3748 §5.3)")
        case .tlv:
            return try tlv(packet, request, &tunnel, &ctx)
        case .expanded where packet.expandedType == .microsoftCapabilities:
            // [MS-PEAP] §3.2.5.4.6: we reassemble and send fragmented phase-2 packets.
            let response = try Self.decoding(malformed) { () throws(EAPError) in
                _ = try PEAPPhase2.capabilitiesRequestAllowsFragmentation(packet)
                return try PEAPPhase2.capabilitiesResponse(identifier: packet.identifier, supportsFragmentation: true)
            }
            ctx.record(.capabilitiesAnswered)
            return sendInner(response, request, &ctx)
        case .expanded where PEAPPhase2.isSoHRequest(packet):
            // [MS-PEAP] §3.2.5.4.5: a peer without NAP answers with a Nak naming its inner method.
            switch configuration.soh {
            case .nak:
                ctx.record(.sohDeclined)
                return sendInner(try Self.decoding(malformed) { () throws(EAPError) in
                    try PEAPPhase2.nakResponse(answering: packet, desired: [configuration.inner.type])
                }, request, &ctx)
            }
        case configuration.inner.type where packet.expandedType == nil:
            return runInner(packet, request, &tunnel, &ctx)
        default:
            return try innerNak(packet, request, &tunnel, &ctx)
        }
    }

    /// RFC 3748 §5.3 inside the tunnel: one Nak naming our inner method; a second refusal ends the conversation.
    private mutating func innerNak(_ packet: EAPPacket, _ request: EAPPacket, _ tunnel: inout Tunnel,
                                   _ ctx: inout PeerContext) throws(MethodFailure) -> MethodReply {
        let offered = packet.type?.rawValue ?? 0
        switch tunnel.inner {
        case .running:
            throw .violation("the server proposed inner type \(offered) after the inner "
                             + "\(configuration.inner.type) began")
        case .notStarted(let previous?):
            throw MethodFailure(kind: .methodRefused,
                                reason: "the server proposed inner type \(offered) after our Nak of inner type "
                                    + "\(previous) naming \(configuration.inner.type)")
        case .notStarted(nil):
            tunnel.inner = .notStarted(nakOffered: offered)
            ctx.record(.innerNakSent(offered: offered, desired: [configuration.inner.type.rawValue]))
            let nak = try Self.decoding("malformed inner \(packet.type.map { "\($0)" } ?? "?") request") {
                () throws(EAPError) in
                try EAPPacket.nakResponse(answering: packet, desired: [.ietf(configuration.inner.type)])
            }
            return sendInner(nak, request, &ctx)
        }
    }

    /// The inner method's request: the method is built on the first one, then carries its own state.
    private mutating func runInner(_ packet: EAPPacket, _ request: EAPPacket, _ tunnel: inout Tunnel,
                                   _ ctx: inout PeerContext) -> MethodReply {
        var method: any PeerMethod
        switch tunnel.inner {
        case .notStarted:
            ctx.step = .innerMethod(type: configuration.inner.type.rawValue)
            method = configuration.inner.base.makeMethod(innerSetup)
        case .running(let running):
            method = running
        }
        let reply = method.process(packet, &ctx)
        tunnel.inner = .running(method)
        switch reply {
        case .send(let response):
            return sendInner(response, request, &ctx)
        case .sendThenFail(let response, let failure):
            return sendInnerThenFail(response, request, failure, &ctx)
        case .fail(let failure):
            return .fail(failure)
        }
    }

    // MARK: - EAP-TLV: Result and Crypto-Binding ([MS-PEAP] §3.2.5.4.x; hostap eap_tlv_process)

    private mutating func tlv(_ packet: EAPPacket, _ request: EAPPacket, _ tunnel: inout Tunnel,
                              _ ctx: inout PeerContext) throws(MethodFailure) -> MethodReply {
        let malformed = "malformed inner \(EAPType.tlv) request"
        let tlvs = try Self.decoding(malformed) { () throws(EAPError) in try EAPTLVRequest(packet: packet) }
        if let unsupported = tlvs.unsupportedMandatory {
            // A mandatory TLV we do not implement: NAK it and process nothing else of the message.
            return sendInner(try Self.decoding(malformed) { () throws(EAPError) in
                try .tlvNakResponse(identifier: packet.identifier, unsupported: unsupported.type)
            }, request, &ctx)
        }
        guard let result = tlvs.result else {
            throw .violation("an EAP-TLV request without a Result TLV")
        }
        tunnel.result = result
        ctx.record(.resultTLV(success: result == .success))

        var binding: CryptoBindingTLV? = nil
        var bindingFailure: MethodFailure? = nil
        var ipmk: [UInt8]? = nil
        if let serverBinding = tlvs.cryptoBinding {
            if configuration.cryptoBinding == .disabled {
                tunnel.binding = .declined
            } else {
                switch verify(serverBinding, tunnel) {
                case .success(let (response, keys)):
                    binding = response
                    ipmk = keys.ipmk
                    tunnel.binding = .verified
                case .failure(let error):
                    tunnel.binding = .failed(reason: error.reason)
                    bindingFailure = MethodFailure(kind: .impostor, reason: "crypto-binding failed: \(error.reason)",
                                                   resultTLV: result, eapError: error)
                }
            }
        } else {
            tunnel.binding = .absent
        }
        ctx.record(.cryptoBinding(outcome: tunnel.binding))
        if tlvs.cryptoBinding == nil && configuration.cryptoBinding == .required {
            // hostapd crypto_binding=2: give up without answering.
            throw MethodFailure(kind: .policy, reason: "crypto-binding is required but the server's EAP-TLV "
                                + "request (Result \(result)) carries no Crypto-Binding TLV", resultTLV: result)
        }

        ctx.step = .resultTLV
        guard result == .success else {
            // Our Result failure, without binding; the server's EAP-Failure comes next.
            let response = try Self.decoding(malformed) { () throws(EAPError) in
                try EAPPacket.tlvResultResponse(identifier: packet.identifier, status: .failure)
            }
            if let bindingFailure { return sendInnerThenFail(response, request, bindingFailure, &ctx) }
            return sendInner(response, request, &ctx)
        }
        var refusal = bindingFailure
        if refusal == nil, case .running = tunnel.inner, !tunnel.innerMethodSucceeded {
            refusal = MethodFailure(kind: .protocolViolation, reason: "the server's Result TLV says success but the "
                                    + "inner \(configuration.inner.type) did not succeed", resultTLV: result)
        }
        if refusal == nil, !phase2Sufficient(tunnel) {
            refusal = MethodFailure(kind: .policy, reason: "the server's Result TLV says success on a new tunnel "
                                    + "without any inner authentication", resultTLV: result)
        }
        if let refusal {
            // hostapd: force failure, and leave the binding out of the answer.
            let response = try Self.decoding(malformed) { () throws(EAPError) in
                try EAPPacket.tlvResultResponse(identifier: packet.identifier, status: .failure)
            }
            return sendInnerThenFail(response, request, refusal, &ctx)
        }
        tunnel.outcome = .succeeded(boundIPMK: ipmk)
        if binding != nil { ctx.step = .cryptoBinding }
        let response = try Self.decoding(malformed) { () throws(EAPError) in
            try EAPPacket.tlvResultResponse(identifier: packet.identifier, status: .success, cryptoBinding: binding)
        }
        return sendInner(response, request, &ctx)
    }

    /// Phase 2 authenticated us: the inner method succeeded, or the tunnel was resumed (fast reconnect) or
    /// mutually authenticated (our certificate in phase 1) and the server skipped phase 2 (hostap
    /// `peap_phase2_sufficient` with `phase2_auth=1`).
    private func phase2Sufficient(_ tunnel: Tunnel) -> Bool {
        if tunnel.innerMethodSucceeded { return true }
        guard case .notStarted = tunnel.inner, let evidence = engine.evidence else { return false }
        return evidence.resumed || evidence.clientCertificateSent != nil
    }

    /// [MS-PEAP] §3.1.5.5: ISK from the inner method (zeros when it derived none), IPMK/CMK, the server's
    /// Compound MAC, and our response. After a fast reconnect without phase 2, IPMK/CMK come from the TK.
    private func verify(_ request: CryptoBindingTLV, _ tunnel: Tunnel)
        -> Result<(CryptoBindingTLV, PEAPCryptoBinding.CompoundKeys), EAPError>
    {
        let keyMaterial = tunnel.keyMaterial
        let tunnelKey = Array((keyMaterial.msk + keyMaterial.emsk).prefix(PEAPCryptoBinding.tunnelKeyLength))
        do {
            let keys: PEAPCryptoBinding.CompoundKeys
            switch tunnel.inner {
            case .notStarted where engine.evidence?.resumed == true:
                keys = try PEAPCryptoBinding.fastReconnectKeys(tunnelKey: tunnelKey)
            case .notStarted:
                keys = try PEAPCryptoBinding.compoundKeys(tunnelKey: tunnelKey,
                                                          innerSessionKey: PEAPCryptoBinding.noInnerSessionKey)
            case .running(let method):
                // The inner method's ISK (MS-CHAPv2 send ‖ receive keys; inner EAP-TLS the first 32 octets of its
                // MSK, hostap `eap_peap_get_isk`); 32 zeros when it derived nothing.
                keys = try PEAPCryptoBinding.compoundKeys(
                    tunnelKey: tunnelKey, innerSessionKey: method.innerSessionKey ?? PEAPCryptoBinding.noInnerSessionKey)
            }
            try PEAPCryptoBinding.verifyRequest(request, cmk: keys.cmk)
            let response = try PEAPCryptoBinding.response(to: request, cmk: keys.cmk, peapVersion: Self.version)
            return .success((response, keys))
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Sending

    /// Compresses an inner response ([MS-PEAP] §3.1.5.6), seals it, and sends the first PEAP fragment.
    private mutating func sendInner(_ response: EAPPacket, _ request: EAPPacket, _ ctx: inout PeerContext)
        -> MethodReply
    {
        switch engine.seal(PEAPPhase2.encodeInnerResponse(response), &ctx) {
        case .failure(let failure):
            return .fail(failure)
        case .success(let records):
            switch engine.send(records, &ctx) {
            case .success(let reply): return respond(request, reply)
            case .failure(let failure): return .fail(failure)
            }
        }
    }

    private mutating func sendInnerThenFail(_ response: EAPPacket, _ request: EAPPacket, _ failure: MethodFailure,
                                            _ ctx: inout PeerContext) -> MethodReply {
        switch sendInner(response, request, &ctx) {
        case .send(let outer): return .sendThenFail(outer, failure)
        case .sendThenFail, .fail: return .fail(failure)
        }
    }

    private func respond(_ request: EAPPacket, _ message: EAPTLSMessage, thenFail failure: MethodFailure? = nil)
        -> MethodReply
    {
        let reply = MethodReply.build("PEAP response") { () throws(EAPError) in
            try EAPPacket.tlsResponse(identifier: request.identifier, type: .peap, message: message)
        }
        guard let failure, case .send(let packet) = reply else { return reply }
        return .sendThenFail(packet, failure)
    }

    /// A phase-2 decoding or building error as the violation it is.
    private static func decoding<T>(_ what: String, _ body: () throws(EAPError) -> T) throws(MethodFailure) -> T {
        do {
            return try body()
        } catch {
            throw .violation(what, error)
        }
    }

    // MARK: - Result

    func result() -> Result<EAPPeerResult, MethodFailure> {
        guard case .tunnel(let tunnel) = state, case .succeeded(let boundIPMK) = tunnel.outcome,
              let session = engine.session, mayAcceptSuccess
        else {
            return .failure(.violation("PEAP keys asked for before phase 2 succeeded"))
        }
        let msk: [UInt8]
        let emsk: [UInt8]?
        if let boundIPMK {
            do {
                msk = try PEAPCryptoBinding.peerMPPEKeys(ipmk: boundIPMK).msk
            } catch {
                return .failure(.configuration("CSK derivation", error))
            }
            emsk = nil  // [MS-PEAP] defines no EMSK with crypto-binding (hostapd returns none)
        } else {
            msk = tunnel.keyMaterial.msk
            emsk = tunnel.keyMaterial.emsk
        }
        let innerMethod = self.innerMethod
        return .success(EAPPeerResult(
            method: .peap, innerMethod: innerMethod == nil ? nil : configuration.inner.type, msk: msk, emsk: emsk,
            sessionId: tunnel.keyMaterial.sessionId, expectedMPPE: EAPPeerResult.expectedMPPEKeys(method: .peap, msk: msk),
            tls: engine.evidence, innerTLS: innerMethod?.tlsEvidence, cryptoBinding: tunnel.binding,
            resumed: session.resumed, innerMethodRan: innerMethod != nil, resumptionState: session.resumptionState))
    }
}
