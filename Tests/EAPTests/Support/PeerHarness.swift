import TestServers
import TLSTestSupport
import EAP
import TLS

/// A peer and a test server talking in memory until one of them ends the conversation.
struct Conversation: CustomStringConvertible {
    var peer: EAPPeer
    let server: TestEAPServer
    /// The final action (succeeded / failed), or the last `.send` when the round limit stopped it.
    var action: EAPPeerAction
    /// The server's requests as the peer received them (after any tampering).
    var requests: [[UInt8]] = []
    /// The peer's responses.
    var responses: [[UInt8]] = []
    /// The peer's step right after it produced each response (same indices as `responses`).
    var steps: [EAPStep] = []

    var result: EAPPeerResult? {
        if case .succeeded(let result) = action { return result }
        return nil
    }

    var failure: EAPPeerFailure? {
        if case .failed(let failure) = action { return failure }
        return nil
    }

    /// A short account for failed expectations: the outcome, the server's complaints, the trace's tail.
    var description: String {
        let outcome: String
        switch action {
        case .send(let bytes): outcome = "still sending (\(bytes.count) octets)"
        case .succeeded: outcome = "succeeded"
        case .failed(let failure): outcome = "\(failure)"
        }
        let tail = peer.trace.suffix(8).map { "\($0)" }.joined(separator: "\n  ")
        return "\(outcome); server problems \(server.problems); trace tail:\n  \(tail)"
    }

    /// Runs the conversation. `tamper(round, request)` may replace the server's packet in a round (counted from
    /// 0); `duplicateAt` delivers that round's request twice.
    static func run(_ configuration: EAPPeerConfiguration, _ server: TestEAPServer, maxRounds: Int = 400,
                    random: any RandomSource = SeededRandom(seed: "peer"), duplicateAt: Int? = nil,
                    tamper: ((Int, [UInt8]) -> [UInt8]?)? = nil) -> Conversation {
        var peer = EAPPeer(configuration: configuration, random: random)
        let first = peer.start()
        var conversation = Conversation(peer: peer, server: server, action: first)
        var round = 0
        var step = peer.step
        while case .send(let response) = conversation.action, round < maxRounds {
            conversation.responses.append(response)
            conversation.steps.append(step)
            var packet = server.receive(response).bytes
            if let replacement = tamper?(round, packet) { packet = replacement }
            conversation.requests.append(packet)
            conversation.action = peer.receive(packet)
            step = peer.step
            if round == duplicateAt, case .send(let first) = conversation.action {
                conversation.responses.append(first)
                conversation.steps.append(step)
                conversation.action = peer.receive(packet)
                if case .send(let second) = conversation.action, second != first {
                    conversation.action = .failed(EAPPeerFailure(step: peer.step, kind: .protocolViolation,
                                                                 reason: "TEST: the duplicate got another answer"))
                }
            }
            round += 1
        }
        conversation.peer = peer
        return conversation
    }
}

extension EAPPeerConfiguration {
    static func tls(_ context: TLSClientContext, identity: String = "alice@peer.test", fragmentSize: Int = 1403,
                    resuming: TLSResumptionState? = nil) -> EAPPeerConfiguration {
        EAPPeerConfiguration(identity: identity, method: .tls(context, resuming: resuming), fragmentSize: fragmentSize)
    }

    static func peap(_ configuration: PEAPConfiguration, fragmentSize: Int = 1403) -> EAPPeerConfiguration {
        EAPPeerConfiguration(identity: "anonymous@peer.test", method: .peap(configuration), fragmentSize: fragmentSize)
    }
}

extension Array where Element == EAPTraceEvent {
    /// The TLS handshake messages the peer sent on its outer session, from the trace.
    var outerHandshakeSent: [TLSHandshakeType] {
        compactMap { if case .tlsEvent(.handshakeSent(let name)) = $0 { return name } else { return nil } }
    }

    var outerAlertsSent: [TLSAlert] {
        compactMap { if case .tlsEvent(.alertSent(let alert)) = $0 { return alert } else { return nil } }
    }
}
