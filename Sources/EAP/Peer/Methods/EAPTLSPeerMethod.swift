import TLS

/// The peer side of EAP-TLS (RFC 5216; RFC 9190 for TLS 1.3), outer or inside PEAP.
///
/// Start → ClientHello; the server's flights are reassembled and fed to TLS, our flights fragmented out. TLS ≤ 1.2
/// succeeds with the server's Finished (we ACK it); TLS 1.3 needs the server's protected success indication, one
/// application-data octet 0x00 (RFC 9190 §2.5), which we ACK too. Any other application data is a violation.
struct EAPTLSPeerMethod {
    private(set) var engine: TLSEngine
    private(set) var successIndication = false

    init(context: TLSClientContext, resuming: TLSResumptionState?, fragmentConfiguration: TLSFragmenter.Configuration,
         reassemblyLimit: Int, inner: Bool) {
        engine = TLSEngine(context: context, resuming: resuming, fragmentConfiguration: fragmentConfiguration,
                           reassemblyLimit: reassemblyLimit, inner: inner)
    }

    var inner: Bool { engine.inner }
    var evidence: TLSEvidence? { engine.evidence }
    var session: TLSSession? { engine.session }
    var isSendingFragments: Bool { engine.isSendingFragments }

    /// The handshake is complete on both sides and our last flight is out: EAP-Success (outer) or the Result
    /// TLV (inner) may come.
    var hasSucceeded: Bool {
        guard engine.established, engine.outputComplete, !engine.failed else { return false }
        return !isTLS13 || successIndication
    }

    private var isTLS13: Bool { (engine.negotiatedVersion ?? .tls1_2) >= .tls1_3 }

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        let message: EAPTLSMessage
        do {
            message = try request.tlsMessage()
        } catch {
            return .fail(.violation("malformed EAP-TLS request", error as? EAPError))
        }
        switch engine.receive(message, &ctx) {
        case .reply(let reply):
            return respond(request, reply)
        case .replyThenFail(let reply, let failure):
            switch respond(request, reply) {
            case .send(let packet): return .sendThenFail(packet, failure)
            default: return .fail(failure)
            }
        case .fail(let failure):
            return .fail(failure)
        case .handshakeCompleted(let output, let plaintext):
            let evidence = engine.evidence
            let (version, cipher, resumed) = (evidence?.version?.rawValue, evidence?.cipher, evidence?.resumed ?? false)
            ctx.record(inner ? .innerTLSEstablished(version: version, cipher: cipher, resumed: resumed)
                             : .tlsEstablished(version: version, cipher: cipher, resumed: resumed))
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
        guard plaintext == [0x00], !successIndication else {
            return .violation("\(plaintext.count) octets of application data where RFC 9190 allows only the "
                              + "one-octet 0x00 success indication\(successIndication ? " (already received)" : "")")
        }
        successIndication = true
        ctx.record(.protectedSuccessIndication)
        return nil
    }

    private func updateStep(_ ctx: inout PeerContext) {
        guard engine.established else { return }
        if isTLS13 && !successIndication {
            ctx.step = inner ? .innerTLSClientFinishedSent : .tlsClientFinishedSent
        } else {
            ctx.step = inner ? .innerMethodSucceeded(type: EAPType.tls.rawValue) : .tlsEstablished
        }
    }

    private func respond(_ request: EAPPacket, _ message: EAPTLSMessage) -> MethodReply {
        do {
            return .send(try EAPPacket.tlsResponse(identifier: request.identifier, type: .tls, message: message))
        } catch {
            return .fail(.configuration("cannot build the EAP-TLS response", error as? EAPError))
        }
    }

    /// RFC 5216 §2.3 / RFC 9190 §2.3 keys of a completed handshake.
    func keyMaterial() -> Result<EAPKeyMaterial, MethodFailure> {
        guard let session, hasSucceeded else {
            return .failure(.violation("EAP-TLS keys asked for before the handshake completed"))
        }
        do {
            return .success(try session.eapKeyMaterial(eapType: EAPType.tls.rawValue))
        } catch {
            return .failure(MethodFailure(kind: .tlsFailure, reason: "EAP-TLS key export: \(error.reason)",
                                          tlsError: error))
        }
    }
}
