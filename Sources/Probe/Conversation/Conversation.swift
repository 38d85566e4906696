import Evidence
import EAP
import RADIUS
import TLS

/// The result of one conversation: the evidence (what `--json` and the diagnosis read) and the packets
/// of the final exchange.
public struct ConversationReport: Sendable {
    public var evidence: ConversationEvidence
    /// The last request sent (its authenticator decrypts the reply's hidden attributes).
    public var finalRequest: RADIUSPacket?
    /// The verified final reply: Access-Accept or Access-Reject (nil on timeout or error).
    public var finalReply: RADIUSPacket?
    /// What the EAP peer established on success (keys, TLS session for resumption).
    public var eapResult: EAPPeerResult?
    /// From the first transmission to the end of the conversation.
    public var elapsed: Duration
}

/// Runs one authentication conversation over a shared `RADIUSClient`.
///
/// The conversation is the I/O edge: it builds Access-Requests from what the method asks, sends them,
/// and feeds verified replies back. Many conversations run concurrently over one client and transport.
public struct Conversation: Sendable {
    public let client: RADIUSClient
    public let random: any RandomSource

    public init(client: RADIUSClient, random: any RandomSource = SystemRandom()) {
        self.client = client
        self.random = random
    }

    /// Runs `request` to its end. Every request of the conversation leaves from one socket (one source address
    /// and port, as a NAS sends a conversation), leased here for the whole conversation.
    public func run(_ request: AuthenticationRequest, observer: PacketObserver? = nil) async -> ConversationReport {
        let sockets = ConversationSockets(transport: client.transport)
        defer { sockets.release() }
        return await run(request, sockets: sockets, observer: observer)
    }

    func run(
        _ request: AuthenticationRequest, sockets: ConversationSockets, observer: PacketObserver?
    ) async -> ConversationReport {
        let clock = ContinuousClock()
        let start = clock.now
        var evidence = ConversationEvidence(
            outcome: .error, method: request.method.name, identity: request.userName, preflight: request.preflight)
        if case .eap(let configuration) = request.method {
            let ending = await EAPConversation(
                client: client, request: request, configuration: configuration, random: random, sockets: sockets,
                observer: observer
            ).run(evidence: evidence)
            return ConversationReport(
                evidence: ending.evidence, finalRequest: ending.finalRequest, finalReply: ending.finalReply,
                eapResult: ending.result, elapsed: clock.now - start)
        }
        var method = SingleRoundTripMethod(userName: request.userName, method: request.method, random: random)
        var attributes = [RADIUSAttribute(.userName, string: request.userName)]
        do {
            attributes += try method.requestAttributes()
        } catch {
            evidence.fail(LocalErrorCode(error.code), error.reason)
            return ConversationReport(evidence: evidence, elapsed: clock.now - start)
        }
        attributes += request.attributes
        let roundTrip: RADIUSRoundTrip
        do {
            roundTrip = try await client.send(
                .accessRequest, attributes: attributes, over: sockets, observer: observer)
        } catch {
            evidence.fail(LocalErrorCode(error.code), error.reason)
            return ConversationReport(evidence: evidence, elapsed: clock.now - start)
        }
        evidence.roundTrips = roundTrip.evidence
        evidence.server = "\(roundTrip.server)"
        guard let reply = roundTrip.reply else {
            evidence.outcome = .timeout
            return ConversationReport(
                evidence: evidence, finalRequest: roundTrip.request, elapsed: clock.now - start)
        }
        evidence.replyMessages = reply.attributes.all(.replyMessage).map { String(decoding: $0, as: UTF8.self) }
        let verdict = method.verdict(on: reply)
        evidence.outcome = verdict.outcome
        if let text = verdict.msCHAPError { evidence.record(msCHAPError: text) }
        if let (code, message) = verdict.localError { evidence.fail(code, message) }
        if verdict.outcome == .accept {
            evidence.mppeKeys = Self.checkMPPEKeys(
                in: reply, request: roundTrip.request, secret: client.configuration.secret,
                expected: verdict.expectedMPPE)
        }
        return ConversationReport(
            evidence: evidence, finalRequest: roundTrip.request, finalReply: reply, elapsed: clock.now - start)
    }

    /// Decrypts MS-MPPE-Send-Key/Recv-Key (RFC 2548 §2.4.2–2.4.3) and compares them with the client's keys.
    /// Keys are compared on the length the client derived (servers may pad MS-CHAPv2's 16-octet keys).
    static func checkMPPEKeys(
        in reply: RADIUSPacket, request: RADIUSPacket, secret: [UInt8], expected: (send: [UInt8], receive: [UInt8])?
    ) -> MPPEKeyCheck {
        guard let expected else { return .notApplicable }
        let decrypted: (send: [UInt8], receive: [UInt8])?
        do {
            decrypted = try reply.mppeKeys(secret: secret, requestAuthenticator: request.authenticator)
        } catch {
            // Present but undecryptable (bad length or padding): the keys cannot be the client's.
            return .mismatch
        }
        guard let keys = decrypted else { return .absent }
        let sendMatches = keys.send.count >= expected.send.count
            && constantTimeEquals(Array(keys.send.prefix(expected.send.count)), expected.send)
        let receiveMatches = keys.receive.count >= expected.receive.count
            && constantTimeEquals(Array(keys.receive.prefix(expected.receive.count)), expected.receive)
        return sendMatches && receiveMatches ? .verified : .mismatch
    }
}
