import TLS

/// What a method shares with the peer while it processes one request: the trace, the step, randomness.
struct PeerContext {
    var trace: [EAPTraceEvent] = []
    var step: EAPStep = .identity
    let random: any RandomSource

    mutating func record(_ event: EAPTraceEvent) { trace.append(event) }
}

/// A failure a method decided on; the peer adds the step and the TLS evidence.
struct MethodFailure: Error {
    var kind: EAPPeerFailure.Kind
    var reason: String
    var msCHAPv2: MSCHAPv2Failure? = nil
    var resultTLV: EAPTLVResultStatus? = nil
    var tlsError: TLSError? = nil
    var eapError: EAPError? = nil

    static func violation(_ reason: String, _ error: EAPError? = nil) -> MethodFailure {
        MethodFailure(kind: .protocolViolation, reason: error.map { "\(reason): \($0.reason)" } ?? reason,
                      eapError: error)
    }

    static func configuration(_ reason: String, _ error: EAPError? = nil) -> MethodFailure {
        MethodFailure(kind: .configuration, reason: error.map { "\(reason): \($0.reason)" } ?? reason,
                      eapError: error)
    }

    /// A TLS failure, kind by cause: our refusal of the server's certificate, malformed TLS from the server,
    /// or any other handshake failure (the server's alert, a cipher mismatch).
    static func tls(_ error: TLSError, inner: Bool) -> MethodFailure {
        let what = inner ? "inner TLS" : "TLS"
        let kind: EAPPeerFailure.Kind
        switch error.code {
        case .serverValidation: kind = .serverValidation
        case .protocolViolation: kind = .protocolViolation
        default: kind = .tlsFailure
        }
        return MethodFailure(kind: kind, reason: "\(what): \(error.reason)", tlsError: error)
    }
}

/// A method's answer to one request.
enum MethodReply {
    /// Send this response.
    case send(EAPPacket)
    /// Send this response (a TLS alert, an ACK of the server's alert, a Result TLV failure); the conversation
    /// fails whatever comes next (except the ACKs of this response's own fragments).
    case sendThenFail(EAPPacket, MethodFailure)
    /// Fail now, sending nothing.
    case fail(MethodFailure)
}

extension EAPPacket {
    /// The Flags octet of an EAP-TLS/PEAP packet, for the trace.
    var tlsFlagsOctet: UInt8? {
        guard type == .tls || type == .peap || type == .ttls else { return nil }
        return typeData.first
    }
}

extension TLSEvidence {
    /// The step a handshake in progress has reached, from what was sent and received.
    func handshakeStep(inner: Bool) -> EAPStep {
        if lastHandshakeMessageSent == "Finished" {
            return inner ? .innerTLSClientFinishedSent : .tlsClientFinishedSent
        }
        return inner
            ? .innerTLSHandshake(lastSent: lastHandshakeMessageSent, lastReceived: lastHandshakeMessageReceived)
            : .tlsHandshake(lastSent: lastHandshakeMessageSent, lastReceived: lastHandshakeMessageReceived)
    }
}
