import TLS

/// The peer side of PEAPv0 ([MS-PEAP]; draft-kamath-pppext-peapv0; hostap `eap_peap.c`).
///
/// Phase 1 is a TLS handshake in PEAP framing (version 0, the length on every fragment for NPS). Phase 2 travels
/// as TLS application data: each complete PEAP message is decrypted into one inner EAP packet (compressed without
/// its header except EAP-TLV and the Microsoft expanded types, [MS-PEAP] §3.1.5.6). Inner Identity, the inner
/// method (EAP-MSCHAPv2 or EAP-TLS), Capabilities and SoH are answered; the EAP-TLV Result with its Crypto-Binding
/// TLV ends phase 2 ([MS-PEAP] §3.2.5.4). The MSK comes from the CSK when crypto-binding was used, else from the
/// "client EAP encryption" key material (hostap `eap_peap_getKey`).
struct PEAPPeerMethod {
    let configuration: PEAPConfiguration
    /// PEAPv0: every response carries version 0 whatever the server's Start offers.
    static let version: UInt8 = 0

    private var engine: TLSEngine
    private let phase2Fragments: TLSFragmenter.Configuration
    private let innerFragments: TLSFragmenter.Configuration
    private let reassemblyLimit: Int
    /// 128 octets of "client EAP encryption" (TLS ≤ 1.2) or the RFC 9190 exporter with type 25 (TLS 1.3); the
    /// Tunnel Key is its first 60 octets ([MS-PEAP] §3.1.5.5.2.1).
    private var keyMaterial: EAPKeyMaterial?
    private var phase2Seen = false

    private enum Inner {
        case none
        case mschapv2(MSCHAPv2PeerMethod)
        case tls(EAPTLSPeerMethod)
    }

    private var inner = Inner.none
    private var innerNakOffered: UInt8?
    private var tunneledFailure = false
    /// The last Result TLV status the server sent.
    private(set) var resultReceived: EAPTLVResultStatus?
    private(set) var bindingOutcome = CryptoBindingOutcome.absent
    /// IPMK of a verified binding we answered: the MSK comes from its CSK.
    private var boundIPMK: [UInt8]?
    /// We answered a Result TLV success (or acknowledged a tunneled EAP-Success): EAP-Success may come.
    private var phase2Succeeded = false

    init(configuration: PEAPConfiguration, fragmentSize: Int, reassemblyLimit: Int) {
        self.configuration = configuration
        self.reassemblyLimit = reassemblyLimit
        let phase1 = TLSFragmenter.Configuration(
            maxTypeDataSize: fragmentSize,
            lengthField: configuration.lengthOnEveryFragment ? .everyFragment : .firstFragment,
            version: Self.version)
        phase2Fragments = TLSFragmenter.Configuration(maxTypeDataSize: fragmentSize,
                                                      lengthField: .firstFragmentWhenFragmented, version: Self.version)
        innerFragments = TLSFragmenter.Configuration(
            maxTypeDataSize: configuration.innerFragmentSize ?? Self.innerFragmentSize(outer: fragmentSize),
            lengthField: .firstFragmentWhenFragmented, version: 0)
        engine = TLSEngine(context: configuration.outer, resuming: configuration.resuming,
                           fragmentConfiguration: phase1, reassemblyLimit: reassemblyLimit, inner: false)
    }

    /// Inner EAP-TLS Type-Data budget: 100 octets below the outer one (wpa_supplicant's margin), which leaves room
    /// for the compressed Type octet and the worst TLS record expansion (5-octet header, CBC IV 16, MAC 48,
    /// padding 16), so an inner packet sealed in one record fits one outer fragment. At least 64.
    static func innerFragmentSize(outer: Int) -> Int { max(outer - 100, 64) }

    // MARK: - State the peer reads

    var tlsEvidence: TLSEvidence? { engine.evidence }

    var innerTLSEvidence: TLSEvidence? {
        if case .tls(let method) = inner { return method.evidence }
        return nil
    }

    var isSendingFragments: Bool { engine.isSendingFragments }

    var mayAcceptSuccess: Bool { phase2Succeeded && engine.outputComplete && !engine.failed }

    var innerMethodStarted: Bool {
        if case .none = inner { return false }
        return true
    }

    private var innerMethodSucceeded: Bool {
        switch inner {
        case .none: return false
        case .mschapv2(let method): return method.hasSucceeded
        case .tls(let method): return method.hasSucceeded
        }
    }

    var msCHAPv2Failure: MSCHAPv2Failure? {
        if case .mschapv2(let method) = inner { return method.lastFailure }
        return nil
    }

    /// We refused the server's inner proposal and no inner method began: the server accepts no inner method
    /// of ours.
    var innerMethodRefused: Bool { innerNakOffered != nil && !innerMethodStarted }

    /// Phase 2 reported failure: MS-CHAPv2 Failure, a Result TLV other than success, a tunneled EAP-Failure.
    var innerFailureSeen: Bool {
        msCHAPv2Failure != nil || (resultReceived.map { $0 != .success } ?? false) || tunneledFailure
    }

    // MARK: - Requests

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        let message: EAPTLSMessage
        do {
            message = try request.tlsMessage()
        } catch {
            return .fail(.violation("malformed PEAP request", error as? EAPError))
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
        do {
            guard let session = engine.session else { return .fail(.violation("no TLS session")) }
            keyMaterial = try session.eapKeyMaterial(eapType: EAPType.peap.rawValue)
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
        if !phase2Seen {
            phase2Seen = true
            if ctx.step == .tlsClientFinishedSent { ctx.step = .tunnelEstablished }
        }
        let packet: EAPPacket
        do {
            packet = try PEAPPhase2.decodeInnerRequest(plaintext, outerIdentifier: request.identifier)
        } catch {
            return .fail(.violation("malformed phase-2 packet (\(plaintext.count) octets)", error as? EAPError))
        }
        switch packet.code {
        case .request:
            return innerRequest(packet, request, &ctx)
        case .success:
            // Old PEAPv0 servers end phase 2 with a tunneled EAP-Success instead of a Result TLV.
            ctx.record(.tunneledResult(success: true))
            guard innerMethodSucceeded else {
                return .fail(.violation("a tunneled EAP-Success before the inner method succeeded"))
            }
            if configuration.cryptoBinding == .required {
                ctx.record(.cryptoBinding(outcome: .absent))
                return .fail(MethodFailure(kind: .policy, reason: "crypto-binding is required but the server ended "
                                           + "phase 2 with a tunneled EAP-Success, without a Crypto-Binding TLV"))
            }
            phase2Succeeded = true
            return respond(request, engine.ack(&ctx))
        case .failure:
            ctx.record(.tunneledResult(success: false))
            tunneledFailure = true
            return respond(request, engine.ack(&ctx))
        default:
            return .fail(.violation("an inner EAP \(packet.code) inside the tunnel"))
        }
    }

    private mutating func innerRequest(_ packet: EAPPacket, _ request: EAPPacket, _ ctx: inout PeerContext)
        -> MethodReply
    {
        guard let type = packet.type else { return .fail(.violation("an inner request without a Type")) }
        ctx.record(.innerRequest(type: type.rawValue))
        do {
            switch type {
            case .identity:
                ctx.record(.innerIdentitySent(identity: configuration.innerIdentity))
                if !innerMethodStarted { ctx.step = .innerIdentity }
                return sendInner(try .identityResponse(identifier: packet.identifier,
                                                       identity: configuration.innerIdentity), request, &ctx)
            case .notification:
                ctx.record(.notification(text: String(decoding: packet.typeData, as: UTF8.self)))
                return sendInner(.notificationResponse(identifier: packet.identifier), request, &ctx)
            case .nak:
                return .fail(.violation("an inner Nak request; a Nak is a response (RFC 3748 §5.3)"))
            case .tlv:
                return try tlv(packet, request, &ctx)
            case .expanded where packet.expandedType == .microsoftCapabilities:
                // [MS-PEAP] §3.2.5.4.6: we reassemble and send fragmented phase-2 packets.
                _ = try PEAPPhase2.capabilitiesRequestAllowsFragmentation(packet)
                ctx.record(.capabilitiesAnswered)
                return sendInner(try PEAPPhase2.capabilitiesResponse(identifier: packet.identifier,
                                                                     supportsFragmentation: true), request, &ctx)
            case .expanded where PEAPPhase2.isSoHRequest(packet):
                // [MS-PEAP] §3.2.5.4.5: a peer without NAP answers with a Nak naming its inner method.
                switch configuration.soh {
                case .nak:
                    ctx.record(.sohDeclined)
                    return sendInner(try PEAPPhase2.nakResponse(answering: packet, desired: [configuration.inner.type]),
                                     request, &ctx)
                }
            case configuration.inner.type where packet.expandedType == nil:
                return runInner(packet, request, &ctx)
            default:
                return try innerNak(packet, request, &ctx)
            }
        } catch let failure as MethodFailure {
            return .fail(failure)
        } catch {
            return .fail(.violation("malformed inner \(type) request", error as? EAPError))
        }
    }

    /// RFC 3748 §5.3 inside the tunnel: one Nak naming our inner method; a second refusal ends the conversation.
    private mutating func innerNak(_ packet: EAPPacket, _ request: EAPPacket, _ ctx: inout PeerContext) throws
        -> MethodReply
    {
        let offered = packet.type?.rawValue ?? 0
        if innerMethodStarted {
            throw MethodFailure.violation("the server proposed inner type \(offered) after the inner "
                                          + "\(configuration.inner.type) began")
        }
        if let previous = innerNakOffered {
            throw MethodFailure(kind: .methodRefused,
                                reason: "the server proposed inner type \(offered) after our Nak of inner type "
                                    + "\(previous) naming \(configuration.inner.type)")
        }
        innerNakOffered = offered
        ctx.record(.innerNakSent(offered: offered, desired: [configuration.inner.type.rawValue]))
        let nak = try EAPPacket.nakResponse(answering: packet, desired: [.ietf(configuration.inner.type)])
        return sendInner(nak, request, &ctx)
    }

    private mutating func runInner(_ packet: EAPPacket, _ request: EAPPacket, _ ctx: inout PeerContext)
        -> MethodReply
    {
        let reply: MethodReply
        switch (inner, configuration.inner) {
        case (.none, .mschapv2(let credentials)):
            ctx.step = .innerMethod(type: EAPType.mschapv2.rawValue)
            var method = MSCHAPv2PeerMethod(credentials: credentials, inner: true)
            reply = method.process(packet, &ctx)
            inner = .mschapv2(method)
        case (.mschapv2(var method), _):
            reply = method.process(packet, &ctx)
            inner = .mschapv2(method)
        case (.none, .tls(let context)):
            ctx.step = .innerMethod(type: EAPType.tls.rawValue)
            var method = EAPTLSPeerMethod(context: context, resuming: nil, fragmentConfiguration: innerFragments,
                                          reassemblyLimit: reassemblyLimit, inner: true)
            reply = method.process(packet, &ctx)
            inner = .tls(method)
        case (.tls(var method), _):
            reply = method.process(packet, &ctx)
            inner = .tls(method)
        }
        switch reply {
        case .send(let response):
            return sendInner(response, request, &ctx)
        case .sendThenFail(let response, let failure):
            switch sendInner(response, request, &ctx) {
            case .send(let outer): return .sendThenFail(outer, failure)
            default: return .fail(failure)
            }
        case .fail(let failure):
            return .fail(failure)
        }
    }

    // MARK: - EAP-TLV: Result and Crypto-Binding ([MS-PEAP] §3.2.5.4.x; hostap eap_tlv_process)

    private mutating func tlv(_ packet: EAPPacket, _ request: EAPPacket, _ ctx: inout PeerContext) throws
        -> MethodReply
    {
        let tlvs = try EAPTLVRequest(packet: packet)
        if let unsupported = tlvs.unsupportedMandatory {
            // A mandatory TLV we do not implement: NAK it and process nothing else of the message.
            return sendInner(try .tlvNakResponse(identifier: packet.identifier, unsupported: unsupported.type),
                             request, &ctx)
        }
        guard let result = tlvs.result else {
            throw MethodFailure.violation("an EAP-TLV request without a Result TLV")
        }
        resultReceived = result
        ctx.record(.resultTLV(success: result == .success))

        var binding: CryptoBindingTLV? = nil
        var bindingFailure: MethodFailure? = nil
        var ipmk: [UInt8]? = nil
        if let serverBinding = tlvs.cryptoBinding {
            if configuration.cryptoBinding == .disabled {
                bindingOutcome = .declined
            } else {
                switch verify(serverBinding) {
                case .success(let (response, keys)):
                    binding = response
                    ipmk = keys.ipmk
                    bindingOutcome = .verified
                case .failure(let error):
                    bindingOutcome = .failed(reason: error.reason)
                    bindingFailure = MethodFailure(kind: .impostor, reason: "crypto-binding failed: \(error.reason)",
                                                   resultTLV: result)
                }
            }
        } else {
            bindingOutcome = .absent
        }
        ctx.record(.cryptoBinding(outcome: bindingOutcome))
        if tlvs.cryptoBinding == nil && configuration.cryptoBinding == .required {
            // hostapd crypto_binding=2: give up without answering.
            throw MethodFailure(kind: .policy, reason: "crypto-binding is required but the server's EAP-TLV "
                                + "request (Result \(result)) carries no Crypto-Binding TLV", resultTLV: result)
        }

        ctx.step = .resultTLV
        guard result == .success else {
            // Our Result failure, without binding; the server's EAP-Failure comes next.
            let response = try EAPPacket.tlvResultResponse(identifier: packet.identifier, status: .failure)
            if let bindingFailure { return sendInnerThenFail(response, request, bindingFailure, &ctx) }
            return sendInner(response, request, &ctx)
        }
        var refusal = bindingFailure
        if refusal == nil, innerMethodStarted, !innerMethodSucceeded {
            refusal = MethodFailure(kind: .protocolViolation, reason: "the server's Result TLV says success but the "
                                    + "inner \(configuration.inner.type) did not succeed", resultTLV: result)
        }
        if refusal == nil, !phase2Sufficient {
            refusal = MethodFailure(kind: .policy, reason: "the server's Result TLV says success on a new tunnel "
                                    + "without any inner authentication", resultTLV: result)
        }
        if let refusal {
            // hostapd: force failure, and leave the binding out of the answer.
            let response = try EAPPacket.tlvResultResponse(identifier: packet.identifier, status: .failure)
            return sendInnerThenFail(response, request, refusal, &ctx)
        }
        phase2Succeeded = true
        boundIPMK = ipmk
        if binding != nil { ctx.step = .cryptoBinding }
        let response = try EAPPacket.tlvResultResponse(identifier: packet.identifier, status: .success,
                                                       cryptoBinding: binding)
        return sendInner(response, request, &ctx)
    }

    /// Phase 2 authenticated us: the inner method succeeded, or the tunnel was resumed (fast reconnect) or
    /// mutually authenticated (our certificate in phase 1) and the server skipped phase 2 (hostap
    /// `peap_phase2_sufficient` with `phase2_auth=1`).
    private var phase2Sufficient: Bool {
        if innerMethodSucceeded { return true }
        guard !innerMethodStarted, let evidence = engine.evidence else { return false }
        return evidence.resumed || evidence.clientCertificateSent != nil
    }

    /// [MS-PEAP] §3.1.5.5: ISK from the inner method (zeros when it derived none), IPMK/CMK, the server's
    /// Compound MAC, and our response. After a fast reconnect without phase 2, IPMK/CMK come from the TK.
    private func verify(_ request: CryptoBindingTLV)
        -> Result<(CryptoBindingTLV, PEAPCryptoBinding.CompoundKeys), BindingError>
    {
        guard let keyMaterial else { return .failure(BindingError("no tunnel keys")) }
        let tunnelKey = Array((keyMaterial.msk + keyMaterial.emsk).prefix(PEAPCryptoBinding.tunnelKeyLength))
        do {
            let keys: PEAPCryptoBinding.CompoundKeys
            if !innerMethodStarted, engine.evidence?.resumed == true {
                keys = try PEAPCryptoBinding.fastReconnectKeys(tunnelKey: tunnelKey)
            } else {
                keys = try PEAPCryptoBinding.compoundKeys(tunnelKey: tunnelKey, innerSessionKey: innerSessionKey())
            }
            try PEAPCryptoBinding.verifyRequest(request, cmk: keys.cmk)
            let response = try PEAPCryptoBinding.response(to: request, cmk: keys.cmk, peapVersion: Self.version)
            return .success((response, keys))
        } catch {
            return .failure(BindingError((error as? EAPError)?.reason ?? "\(error)"))
        }
    }

    struct BindingError: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The inner method's ISK: MS-CHAPv2 send ‖ receive keys; inner EAP-TLS the first 32 octets of its MSK
    /// (hostap `eap_peap_get_isk`); 32 zeros when the inner method derived nothing.
    private func innerSessionKey() -> [UInt8] {
        switch inner {
        case .mschapv2(let method):
            return method.innerSessionKey ?? PEAPCryptoBinding.noInnerSessionKey
        case .tls(let method):
            guard case .success(let keys) = method.keyMaterial() else { return PEAPCryptoBinding.noInnerSessionKey }
            return Array(keys.msk.prefix(PEAPCryptoBinding.innerSessionKeyLength))
        case .none:
            return PEAPCryptoBinding.noInnerSessionKey
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
        default: return .fail(failure)
        }
    }

    private func respond(_ request: EAPPacket, _ message: EAPTLSMessage, thenFail failure: MethodFailure? = nil)
        -> MethodReply
    {
        do {
            let packet = try EAPPacket.tlsResponse(identifier: request.identifier, type: .peap, message: message)
            if let failure { return .sendThenFail(packet, failure) }
            return .send(packet)
        } catch {
            return .fail(.configuration("cannot build the PEAP response", error as? EAPError))
        }
    }

    // MARK: - Result

    func result() -> Result<EAPPeerResult, MethodFailure> {
        guard let keyMaterial, let session = engine.session, mayAcceptSuccess else {
            return .failure(.violation("PEAP keys asked for before phase 2 succeeded"))
        }
        let msk: [UInt8]
        let emsk: [UInt8]?
        if let boundIPMK {
            do {
                msk = try PEAPCryptoBinding.peerMPPEKeys(ipmk: boundIPMK).msk
            } catch {
                return .failure(.configuration("CSK derivation", error as? EAPError))
            }
            emsk = nil  // [MS-PEAP] defines no EMSK with crypto-binding (hostapd returns none)
        } else {
            msk = keyMaterial.msk
            emsk = keyMaterial.emsk
        }
        let keys = EAPPeerResult.expectedMPPEKeys(method: .peap, msk: msk)
        return .success(EAPPeerResult(
            method: .peap, innerMethod: innerMethodStarted ? configuration.inner.type : nil, msk: msk, emsk: emsk,
            sessionId: keyMaterial.sessionId, expectedMPPERecvKey: keys.recv, expectedMPPESendKey: keys.send,
            tls: engine.evidence, innerTLS: innerTLSEvidence, cryptoBinding: bindingOutcome, resumed: session.resumed,
            innerMethodRan: innerMethodStarted, resumptionState: session.resumptionState))
    }
}
