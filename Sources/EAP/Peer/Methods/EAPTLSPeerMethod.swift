import TLS

extension EAPMethodKind {
    /// EAP-TLS (RFC 5216; RFC 9190 for TLS 1.3): our certificate, keys from the TLS session; PEAP-TLS inside PEAP.
    public static let tls = EAPMethodKind(
        name: "tls", type: .tls, capabilities: [.clientCertificate, .tls, .derivesKeys, .insidePEAP]
    ) { credentials throws(EAPError) in .tls(try credentials.requireTLS("EAP-TLS")) }
}

extension EAPMethodConfiguration {
    /// EAP-TLS (RFC 5216; TLS 1.3 per RFC 9190 when the context allows it). `resuming` offers a saved session.
    public static func tls(_ context: TLSClientContext, resuming: TLSResumptionState? = nil) -> EAPMethodConfiguration {
        EAPMethodConfiguration(EAPTLSConfiguration(context: context, resuming: resuming))
    }
}

struct EAPTLSConfiguration: PeerMethodConfiguration {
    let context: TLSClientContext
    let resuming: TLSResumptionState?

    var kind: EAPMethodKind { .tls }

    func makeMethod(_ setup: MethodSetup) -> any PeerMethod {
        EAPTLSPeerMethod(
            context: context, resuming: setup.inner ? nil : resuming,
            fragmentConfiguration: TLSFragmenter.Configuration(
                maxTypeDataSize: setup.fragmentSize, lengthField: .firstFragmentWhenFragmented, version: 0),
            reassemblyLimit: setup.reassemblyLimit, inner: setup.inner)
    }

    func resuming(_ state: TLSResumptionState) -> EAPTLSConfiguration? {
        EAPTLSConfiguration(context: context, resuming: state)
    }
}

/// The peer side of EAP-TLS (RFC 5216; RFC 9190 for TLS 1.3), outer or inside PEAP.
///
/// Start → ClientHello; the server's flights are reassembled and fed to TLS, our flights fragmented out. TLS ≤ 1.2
/// succeeds with the server's Finished (we ACK it); TLS 1.3 needs the server's protected success indication, one
/// application-data octet 0x00 (RFC 9190 §2.5), which we ACK too. Any other application data is a violation.
struct EAPTLSPeerMethod: PeerMethod {
    private(set) var engine: TLSEngine

    private enum State {
        /// The handshake is running (or failed: see the engine).
        case handshake
        /// TLS 1.3 established; the server's protected success indication is due (RFC 9190 §2.5).
        case awaitingSuccessIndication
        /// TLS ≤ 1.2 established, or TLS 1.3 with its success indication: EAP-Success (or the Result TLV) may come
        /// once our last flight is out.
        case succeeded(indicated: Bool)
    }

    private var state = State.handshake

    init(context: TLSClientContext, resuming: TLSResumptionState?, fragmentConfiguration: TLSFragmenter.Configuration,
         reassemblyLimit: Int, inner: Bool) {
        engine = TLSEngine(context: context, resuming: resuming, fragmentConfiguration: fragmentConfiguration,
                           reassemblyLimit: reassemblyLimit, inner: inner)
    }

    var inner: Bool { engine.inner }
    var tlsEvidence: TLSEvidence? { engine.evidence }
    var session: TLSSession? { engine.session }
    var isSendingFragments: Bool { engine.isSendingFragments }

    /// The handshake is complete on both sides and our last flight is out: EAP-Success (outer) or the Result
    /// TLV (inner) may come.
    var mayAcceptSuccess: Bool {
        guard case .succeeded = state else { return false }
        return engine.established && engine.outputComplete && !engine.failed
    }

    private var isTLS13: Bool { (engine.negotiatedVersion ?? .tls1_2) >= .tls1_3 }

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        let message: EAPTLSMessage
        do {
            message = try request.tlsMessage()
        } catch {
            return .fail(.violation("malformed EAP-TLS request", error))
        }
        switch engine.receive(message, &ctx) {
        case .reply(let reply):
            return respond(request, reply)
        case .replyThenFail(let reply, let failure):
            switch respond(request, reply) {
            case .send(let packet): return .sendThenFail(packet, failure)
            case .sendThenFail, .fail: return .fail(failure)
            }
        case .fail(let failure):
            return .fail(failure)
        case .handshakeCompleted(let output, let plaintext):
            let evidence = engine.evidence
            let (version, cipher, resumed) = (evidence?.version?.rawValue, evidence?.cipher, evidence?.resumed ?? false)
            ctx.record(inner ? .innerTLSEstablished(version: version, cipher: cipher, resumed: resumed)
                             : .tlsEstablished(version: version, cipher: cipher, resumed: resumed))
            state = isTLS13 ? .awaitingSuccessIndication : .succeeded(indicated: false)
            if !plaintext.isEmpty, let failure = acceptApplicationData(plaintext, &ctx) { return .fail(failure) }
            updateStep(&ctx)
            switch engine.send(output, &ctx) {
            case .success(let reply): return respond(request, reply)
            case .failure(let failure): return .fail(failure)
            }
        case .applicationData(let plaintext):
            if !plaintext.isEmpty, let failure = acceptApplicationData(plaintext, &ctx) { return .fail(failure) }
            updateStep(&ctx)
            return respond(request, engine.ack(&ctx))
        case .emptyRequest:
            return respond(request, engine.ack(&ctx))
        }
    }

    /// RFC 9190 §2.5: after the handshake only the one-octet 0x00 may arrive, and only in TLS 1.3.
    private mutating func acceptApplicationData(_ plaintext: [UInt8], _ ctx: inout PeerContext) -> MethodFailure? {
        guard isTLS13 else {
            return .violation("\(plaintext.count) octets of application data in \(inner ? "inner " : "")EAP-TLS "
                              + "over TLS 1.2, which carries none")
        }
        let received: Bool
        switch state {
        case .handshake, .awaitingSuccessIndication: received = false
        case .succeeded(let indicated): received = indicated
        }
        guard plaintext == [0x00], !received else {
            return .violation("\(plaintext.count) octets of application data where RFC 9190 allows only the "
                              + "one-octet 0x00 success indication\(received ? " (already received)" : "")")
        }
        state = .succeeded(indicated: true)
        ctx.record(.protectedSuccessIndication)
        return nil
    }

    private func updateStep(_ ctx: inout PeerContext) {
        switch state {
        case .handshake:
            return
        case .awaitingSuccessIndication:
            ctx.step = inner ? .innerTLSClientFinishedSent : .tlsClientFinishedSent
        case .succeeded:
            ctx.step = inner ? .innerMethodSucceeded(type: EAPType.tls.rawValue) : .tlsEstablished
        }
    }

    private func respond(_ request: EAPPacket, _ message: EAPTLSMessage) -> MethodReply {
        .build("EAP-TLS response") { () throws(EAPError) in
            try EAPPacket.tlsResponse(identifier: request.identifier, type: .tls, message: message)
        }
    }

    /// RFC 5216 §2.3 / RFC 9190 §2.3 keys of a completed handshake.
    func keyMaterial() -> Result<EAPKeyMaterial, MethodFailure> {
        guard let session, mayAcceptSuccess else {
            return .failure(.violation("EAP-TLS keys asked for before the handshake completed"))
        }
        do {
            return .success(try session.eapKeyMaterial(eapType: EAPType.tls.rawValue))
        } catch {
            return .failure(MethodFailure(kind: .tlsFailure, reason: "EAP-TLS key export: \(error.reason)",
                                          tlsError: error))
        }
    }

    func result() -> Result<EAPPeerResult, MethodFailure> {
        keyMaterial().map { keys in
            EAPPeerResult(
                method: .tls, innerMethod: nil, msk: keys.msk, emsk: keys.emsk, sessionId: keys.sessionId,
                expectedMPPE: EAPPeerResult.expectedMPPEKeys(method: .tls, msk: keys.msk), tls: engine.evidence,
                innerTLS: nil, cryptoBinding: .notApplicable, resumed: session?.resumed ?? false,
                innerMethodRan: false, resumptionState: session?.resumptionState)
        }
    }

    /// Inner EAP-TLS's ISK: the first 32 octets of its MSK (hostap `eap_peap_get_isk`).
    var innerSessionKey: [UInt8]? {
        guard case .success(let keys) = keyMaterial() else { return nil }
        return Array(keys.msk.prefix(PEAPCryptoBinding.innerSessionKeyLength))
    }

    func annotate(_ failure: inout EAPPeerFailure) {
        if inner { failure.innerTLS = engine.evidence } else { failure.tls = engine.evidence }
    }
}
