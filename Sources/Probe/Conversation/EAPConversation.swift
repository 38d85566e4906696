import Evidence
import EAP
import RADIUS
import TLS

/// Carries one EAP conversation over RADIUS (RFC 3579): each EAP packet the peer produces goes out as
/// EAP-Message attributes (split at 253 octets, §3.1) with the server's last State copied back (RFC 2865
/// §5.24) and Message-Authenticator first; each Access-Challenge feeds the peer; the Access-Accept's
/// EAP-Success or the Access-Reject's EAP-Failure ends it. Once a server has answered, the conversation
/// stays with it (its State means nothing to another server).
struct EAPConversation {
    let client: RADIUSClient
    let request: AuthenticationRequest
    let configuration: EAPPeerConfiguration
    let random: any RandomSource
    /// The conversation's socket: every round trip leaves from it.
    let sockets: ConversationSockets
    let observer: PacketObserver?

    struct Ending {
        var evidence: ConversationEvidence
        var finalRequest: RADIUSPacket?
        var finalReply: RADIUSPacket?
        var result: EAPPeerResult?
    }

    func run(evidence initial: ConversationEvidence) async -> Ending {
        var evidence = initial
        var peer = EAPPeer(configuration: configuration, random: random)
        var action = peer.start()
        var state: [UInt8]?
        var pinned: ServerAddress?
        var lastRequest: RADIUSPacket?
        var lastReply: RADIUSPacket?
        var traceShown = 0

        func finish(_ outcome: ConversationEvidence.Outcome, error: (LocalErrorCode, String)? = nil,
                    result: EAPPeerResult? = nil, failure: EAPPeerFailure? = nil) -> Ending {
            evidence.outcome = outcome
            if let (code, message) = error { evidence.fail(code, message) }
            evidence.eap = EAPEvidence(configuration: configuration, peer: peer, result: result, failure: failure)
            // The final reply is the Access-Accept or Access-Reject that ended it, not an earlier challenge.
            let final = lastReply.flatMap { $0.code == .accessAccept || $0.code == .accessReject ? $0 : nil }
            return Ending(evidence: evidence, finalRequest: lastRequest, finalReply: final, result: result)
        }

        while true {
            if let observer {
                for event in peer.trace.dropFirst(traceShown) { observer(.note(EAPDescriptions.event(event))) }
                traceShown = peer.trace.count
            }
            switch action {
            case .succeeded(let result):
                guard let reply = lastReply, reply.code == .accessAccept else {
                    return finish(.error, error: (.unexpectedReply, "EAP-Success arrived outside an Access-Accept"),
                                  result: result)
                }
                var ending = finish(.accept, result: result)
                ending.evidence.mppeKeys = Conversation.checkMPPEKeys(
                    in: reply, request: lastRequest!, secret: client.configuration.secret,
                    expected: result.expectedMPPE)
                return ending
            case .failed(let failure):
                // A refusal by the server, or by us (server certificate, impostor): a reject either way. A
                // server that broke the protocol, or our own configuration, is an error.
                switch failure.kind {
                case .protocolViolation:
                    return finish(.error, error: (.eapProtocolViolation, failure.reason), failure: failure)
                case .configuration:
                    return finish(.error, error: (.eapConfiguration, failure.reason), failure: failure)
                case .eapFailure, .serverValidation, .impostor, .tlsFailure, .methodRefused, .innerFailure,
                     .methodFailure, .policy:
                    return finish(.reject, failure: failure)
                }
            case .send(let eapPacket):
                guard evidence.roundTrips.count < request.maximumRoundTrips else {
                    return finish(.error, error: (.roundTripLimit, "the server kept the EAP conversation going for "
                                  + "\(request.maximumRoundTrips) round trips; giving up"))
                }
                var attributes = [RADIUSAttribute(.userName, string: request.userName)] + request.attributes
                attributes += RADIUSAttribute.eapMessage(eapPacket)
                if let state { attributes.append(RADIUSAttribute(.state, state)) }
                let trip: RADIUSRoundTrip
                do {
                    trip = try await client.send(
                        .accessRequest, attributes: attributes, pinnedTo: pinned, over: sockets,
                        eapSummary: EAPDescriptions.packet(eapPacket), observer: observer)
                } catch {
                    return finish(.error, error: (LocalErrorCode(error.code), error.reason))
                }
                evidence.roundTrips += trip.evidence
                evidence.server = "\(trip.server)"
                lastRequest = trip.request
                guard let reply = trip.reply else { return finish(.timeout) }
                lastReply = reply
                pinned = trip.server
                if let index = evidence.roundTrips.indices.last {
                    evidence.roundTrips[index].requestEAP = EAPPacketSummary(eapPacket)
                    if let replyEAP = reply.attributes.eapMessage {
                        evidence.roundTrips[index].eap = (evidence.roundTrips[index].eap ?? "") + " → "
                            + EAPDescriptions.packet(replyEAP)
                        evidence.roundTrips[index].replyEAP = EAPPacketSummary(replyEAP)
                    }
                }
                evidence.replyMessages = reply.attributes.all(.replyMessage).map {
                    String(decoding: $0, as: UTF8.self)
                }
                state = reply.attributes.first(.state)
                let eapMessage = reply.attributes.eapMessage
                switch reply.code {
                case .accessChallenge:
                    guard let eapMessage else {
                        return finish(.error, error: (.unexpectedReply,
                                                      "Access-Challenge without EAP-Message (RFC 3579 §3.1)"))
                    }
                    action = peer.receive(eapMessage)
                case .accessAccept:
                    guard let eapMessage else {
                        // RFC 3579 §2.6.3: an Access-Accept for EAP carries EAP-Success; without it the peer
                        // never learns the method succeeded and cannot check keys.
                        return finish(.accept, error: (.eapSuccessMissing, "Access-Accept without EAP-Message: no "
                                      + "EAP-Success reached the peer (RFC 3579 §2.6.3), so its keys were not "
                                      + "checked"))
                    }
                    action = peer.receive(eapMessage)
                    if case .send = action {
                        return finish(.error, error: (.unexpectedReply, "the Access-Accept carried an EAP request "
                                      + "instead of EAP-Success"))
                    }
                case .accessReject:
                    action = eapMessage.map { peer.receive($0) } ?? peer.receiveRejectWithoutEAPMessage()
                    if case .send = action {
                        // A reject ends the conversation whatever it carried.
                        action = peer.receiveRejectWithoutEAPMessage()
                    }
                    if case .failed(let failure) = action {
                        return finish(.reject, failure: failure)
                    }
                default:
                    return finish(.error, error: (.unexpectedReply, "unexpected \(reply.code) in an EAP conversation"))
                }
            }
        }
    }
}
