import TLS

/// One EAP method as the peer runs it, outside a tunnel or inside PEAP: requests in, replies out, no I/O.
///
/// Shaped like postgres-nio's `AuthenticationStateMachine` and swift-nio-ssh's connection state machine: the value
/// keeps its state in an enum whose cases carry their own data, each built by consuming the previous one;
/// ``process(_:_:)`` moves it on and says what to send. ``EAPPeer`` runs the method the configuration names (and
/// PEAP its inner one) through this protocol alone, so adding a method touches its own file and the registration in
/// ``EAPMethodKind/registered``.
protocol PeerMethod {
    /// One request of this method's Type: the response to send, or why the conversation ends.
    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply

    /// EAP-Success may be accepted now (RFC 3748 §7.16: a success only after the method could succeed; hostapd's
    /// `decision` check). Inside PEAP: the inner method succeeded, the Result TLV may say success.
    var mayAcceptSuccess: Bool { get }

    /// A fragment of ours awaits the server's ACK: requests go to the method even after a decided failure, so
    /// that our alert leaves whole.
    var isSendingFragments: Bool { get }

    /// What the method established; asked once ``mayAcceptSuccess`` is true and EAP-Success came.
    func result() -> Result<EAPPeerResult, MethodFailure>

    /// The server's EAP-Failure came while this method ran (`at`: "EAP-Failure at step …"): the most specific
    /// failure the method knows of, or nil for a plain ``EAPPeerFailure/Kind/eapFailure``.
    func failureOnEAPFailure(at: String) -> MethodFailure?

    /// A failure the server reported inside the method, for a human (`MS-CHAPv2 E=691 R=0 …`); nil when none came.
    var reportedFailure: String? { get }

    /// Adds what the method observed to a failure (TLS handshakes, the MS-CHAPv2 Failure, the Result TLV).
    func annotate(_ failure: inout EAPPeerFailure)

    /// The method's TLS handshake, when it runs one (PEAP reports an inner one as ``EAPPeerResult/innerTLS``).
    var tlsEvidence: TLSEvidence? { get }

    /// Inside PEAP: the Inner Session Key for crypto-binding ([MS-PEAP] §3.1.5.5.2.2); nil when the method derived
    /// none (32 zeros are used then).
    var innerSessionKey: [UInt8]? { get }
}

extension PeerMethod {
    var isSendingFragments: Bool { false }
    var reportedFailure: String? { nil }
    var tlsEvidence: TLSEvidence? { nil }
    var innerSessionKey: [UInt8]? { nil }

    func failureOnEAPFailure(at: String) -> MethodFailure? {
        reportedFailure.map { MethodFailure(kind: .methodFailure, reason: "\(at) after \($0)") }
    }

    func annotate(_ failure: inout EAPPeerFailure) {}
}

/// A method's configuration: what it needs to be built, and the method it builds.
protocol PeerMethodConfiguration: Sendable {
    /// The method's description.
    var kind: EAPMethodKind { get }
    /// The method as a profile names it (PEAP: with its inner method).
    var method: EAPMethod { get }
    /// A fresh method for one conversation (outer, or inner inside PEAP).
    func makeMethod(_ setup: MethodSetup) -> any PeerMethod
    /// Why this configuration cannot run, when it cannot (checked before the first packet).
    func problem() -> MethodFailure?
    /// The same configuration offering a saved TLS session; nil for a method without TLS.
    func resuming(_ state: TLSResumptionState) -> Self?
}

extension PeerMethodConfiguration {
    var method: EAPMethod { .eap(kind) }
    func problem() -> MethodFailure? { nil }
    func resuming(_ state: TLSResumptionState) -> Self? { nil }
}

/// What the peer tells a method it builds: the EAP-TLS framing limits and whether it runs inside PEAP.
struct MethodSetup {
    /// The largest Type-Data of an outgoing EAP-TLS fragment (``EAPPeerConfiguration/fragmentSize``, or PEAP's
    /// inner budget).
    var fragmentSize: Int
    var reassemblyLimit: Int
    /// Inside PEAP: inner steps and inner trace events.
    var inner: Bool
}

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

    /// Builds a response; a response that cannot be built is our configuration's failure.
    static func build(_ what: String, _ body: () throws(EAPError) -> EAPPacket) -> MethodReply {
        do {
            return .send(try body())
        } catch {
            return .fail(.configuration("cannot build the \(what)", error))
        }
    }
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
