import TestServers
import Foundation
import EAP
import Testing
import TLS

/// RFC 3748 behaviour of ``EAPPeer`` whatever the method: Identity, Notification, Nak, duplicates, Success and
/// Failure rules, malformed input at every step, limits.
@Suite struct PeerProtocolTests {
    static func tlsConfiguration(fragmentSize: Int = 1403, reassemblyLimit: Int = 65536) throws
        -> EAPPeerConfiguration
    {
        var configuration = EAPPeerConfiguration.tls(try PeerEAPTLSTests.client(), fragmentSize: fragmentSize)
        configuration.reassemblyLimit = reassemblyLimit
        return configuration
    }

    static func request(_ identifier: UInt8, _ type: EAPType, _ typeData: [UInt8] = []) throws -> [UInt8] {
        try EAPPacket(code: .request, identifier: identifier, type: type, typeData: typeData).encode()
    }

    static func sent(_ action: EAPPeerAction) -> [UInt8]? {
        if case .send(let bytes) = action { return bytes }
        return nil
    }

    static func failed(_ action: EAPPeerAction) -> EAPPeerFailure? {
        if case .failed(let failure) = action { return failure }
        return nil
    }

    // MARK: - Identity, Notification

    @Test func startSendsTheIdentityWithIdentifierZero() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        #expect(Self.sent(peer.start()) == [2, 0, 0, 20] + [1] + Array("alice@peer.test".utf8))
        #expect(peer.step == .identity)
        #expect(peer.trace == [.identitySent(identity: "alice@peer.test"),
                               .responseSent(identifier: 0, type: 1, flags: nil, length: 20)])
    }

    @Test func identityRequestIsAnswered() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        let action = peer.receive(try Self.request(7, .identity, Array("Welcome".utf8)))
        #expect(Self.sent(action) == [2, 7, 0, 20, 1] + Array("alice@peer.test".utf8))
    }

    /// RFC 3748 §5.2: the text is recorded and an empty Notification response goes back.
    @Test func notification() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        _ = peer.start()
        let action = peer.receive(try Self.request(9, .notification, Array("Password expires soon".utf8)))
        #expect(Self.sent(action) == [2, 9, 0, 5, 2])
        #expect(peer.trace.contains(.notification(text: "Password expires soon")))
    }

    // MARK: - Nak

    /// RFC 3748 §5.3.1: a legacy Nak naming our method.
    @Test func legacyNak() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        _ = peer.start()
        #expect(Self.sent(peer.receive(try Self.request(2, .md5Challenge, [16] + pattern(16)))) == [2, 2, 0, 6, 3, 13])
        #expect(peer.step == .methodNegotiation(proposed: 4))
        #expect(peer.trace.contains(.nakSent(offered: 4, desired: [13])))
        // A second proposal of a method we refuse ends it.
        let failure = try #require(Self.failed(peer.receive(try Self.request(3, .gtc, [0x20]))))
        #expect(failure.kind == .methodRefused)
    }

    /// RFC 3748 §5.3.2: an expanded request gets an Expanded Nak.
    @Test func expandedNak() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        _ = peer.start()
        let request = try EAPPacket(code: .request, identifier: 5,
                                    expandedType: EAPExpandedType(vendorID: 9, vendorType: 1), typeData: [1, 2])
        let response = try EAPPacket(decoding: try #require(Self.sent(peer.receive(request.encode()))))
        #expect(response.expandedType == .expandedNak)
        #expect(try response.nakDesiredTypes() == [.ietf(.tls)])
        #expect(peer.trace.contains(.nakSent(offered: 254, desired: [13])))
    }

    /// FreeRADIUS offers EAP-TLS first to a PEAP client: the Nak names PEAP and the conversation succeeds.
    @Test func nakThenSuccess() throws {
        let server = try PeerPEAPTests.server(faults: [.proposeFirst(13)])
        let run = Conversation.run(.peap(try PeerPEAPTests.peap()), server)
        #expect(run.result?.msk == server.msk && server.msk != nil, "\(run)")
        #expect(server.nakDesired == [.ietf(.peap)])
        #expect(run.peer.trace.contains(.nakSent(offered: 13, desired: [25])))
    }

    @Test(arguments: [TestEAPServer.Fault.insistAfterNak, .failAfterNak])
    func methodRefused(fault: TestEAPServer.Fault) throws {
        let server = try PeerPEAPTests.server(faults: [.proposeFirst(13), fault])
        let run = Conversation.run(.peap(try PeerPEAPTests.peap()), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .methodRefused)
        #expect(failure.step == .methodNegotiation(proposed: 13))
    }

    /// RFC 3748 §2.1: once our method has answered, the server may not switch.
    @Test func noMethodSwitch() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        _ = peer.start()
        #expect(Self.sent(peer.receive(try Self.request(1, .tls, [0x20]))) != nil)
        let failure = try #require(Self.failed(peer.receive(try Self.request(2, .peap, [0x20]))))
        #expect(failure.kind == .protocolViolation)
        #expect(failure.reason.contains("no change of method"))
    }

    // MARK: - Success and Failure

    @Test func prematureSuccessIsRefused() throws {
        let run = Conversation.run(try Self.tlsConfiguration(), try PeerEAPTLSTests.server(faults: [.prematureSuccess]))
        let failure = try #require(run.failure)
        #expect(failure.kind == .protocolViolation)
        #expect(failure.step == .identity)
        #expect(run.peer.trace.last == .eapSuccess)
    }

    /// An EAP-Success in place of the PEAP Result TLV (the inner method done, phase 2 not) is refused.
    @Test func successBeforeTheResultTLVIsRefused() throws {
        let reference = Conversation.run(.peap(try PeerPEAPTests.peap()), try PeerPEAPTests.server())
        #expect(reference.result != nil)
        let tlvRound = reference.requests.count - 2
        let run = Conversation.run(.peap(try PeerPEAPTests.peap()), try PeerPEAPTests.server()) { round, packet in
            round == tlvRound ? [3, packet[1], 0, 4] : nil
        }
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .protocolViolation)
        #expect(failure.step == .innerMethodSucceeded(type: 26))
    }

    @Test func failureRightAfterIdentity() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        _ = peer.start()
        let failure = try #require(Self.failed(peer.receive([4, 0, 0, 4])))
        #expect(failure.kind == .eapFailure)
        #expect(failure.step == .identity)
        #expect(peer.trace.last == .eapFailure)
    }

    /// An Access-Reject without EAP-Message after our Finished: the same as EAP-Failure there.
    @Test func rejectWithoutEAPMessage() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        var action = peer.start()
        let server = try PeerEAPTLSTests.server()
        while case .send(let response) = action, peer.step != .tlsClientFinishedSent {
            action = peer.receive(server.receive(response).bytes)
        }
        #expect(peer.step == .tlsClientFinishedSent)
        let failure = try #require(Self.failed(peer.receiveRejectWithoutEAPMessage()))
        #expect(failure.kind == .eapFailure)
        #expect(failure.step == .tlsClientFinishedSent)
        #expect(failure.tls?.handshakeMessagesSent.contains(.certificate) == true)
        #expect(peer.trace.last == .eapFailure)
    }

    /// A failure decided while an answer was owed (our alert) wins over a plain Access-Reject.
    @Test func pendingFailureWinsOverReject() throws {
        var peer = EAPPeer(configuration: .tls(try PeerEAPTLSTests.client(names: ["elsewhere.test"])))
        var action = peer.start()
        let server = try PeerEAPTLSTests.server()
        while case .send(let response) = action, peer.pendingFailure == nil {
            action = peer.receive(server.receive(response).bytes)
        }
        #expect(peer.pendingFailure?.kind == .serverValidation)
        let failure = try #require(Self.failed(peer.receiveRejectWithoutEAPMessage()))
        #expect(failure.kind == .serverValidation)
        #expect(peer.pendingFailure == nil)
    }

    @Test func packetsAfterTheEndAreRefused() throws {
        let run = Conversation.run(try Self.tlsConfiguration(), try PeerEAPTLSTests.server())
        #expect(run.result != nil)
        var peer = run.peer
        let failure = try #require(Self.failed(peer.receive([3, 1, 0, 4])))
        #expect(failure.kind == .protocolViolation)
        #expect(failure.reason.contains("ended"))
    }

    // MARK: - Duplicates

    /// RFC 3748 §4.1: a repeated request gets the same response again, not a second processing (which would break
    /// the TLS reassembly or the handshake). Tried at every round.
    @Test func duplicateRequestsAreAnsweredAgain() throws {
        let reference = Conversation.run(try Self.tlsConfiguration(fragmentSize: 300),
                                         try PeerEAPTLSTests.server(fragmentSize: 300))
        #expect(reference.result != nil)
        for round in 0..<(reference.requests.count - 1) {
            let server = try PeerEAPTLSTests.server(fragmentSize: 300)
            let run = Conversation.run(try Self.tlsConfiguration(fragmentSize: 300), server, duplicateAt: round)
            #expect(run.result?.msk == server.msk && server.msk != nil, "duplicate at round \(round): \(run)")
            #expect(run.peer.trace.contains { if case .duplicateRequest = $0 { return true } else { return false } })
        }
    }

    @Test func duplicatesInPEAP() throws {
        let reference = Conversation.run(.peap(try PeerPEAPTests.peap()), try PeerPEAPTests.server())
        for round in 0..<(reference.requests.count - 1) {
            let server = try PeerPEAPTests.server()
            let run = Conversation.run(.peap(try PeerPEAPTests.peap()), server, duplicateAt: round)
            #expect(run.result?.msk == server.msk && server.msk != nil, "duplicate at round \(round): \(run)")
        }
    }

    // MARK: - Malformed input at every step

    /// The conversations the malformed-input sweeps run, each with its method type.
    static func scenario(_ name: String) throws -> (EAPPeerConfiguration, TestEAPServer, UInt8) {
        switch name {
        case "peap-mschapv2":
            return (.peap(try PeerPEAPTests.peap(), fragmentSize: 300), try PeerPEAPTests.server(fragmentSize: 300),
                    25)
        case "peap-tls":
            return (.peap(try PeerPEAPTests.peap(inner: .tls), fragmentSize: 400),
                    try PeerPEAPTests.server(inner: .tls, fragmentSize: 400, innerFragmentSize: 300), 25)
        case "eap-tls-1.3":
            return (.tls(try PeerEAPTLSTests.client(version: .tls1_3), fragmentSize: 500),
                    try PeerEAPTLSTests.server(version: .tls1_3, fragmentSize: 500), 13)
        default:
            return (PeerMSCHAPv2Tests.configuration(), PeerMSCHAPv2Tests.server(), 26)
        }
    }

    /// Packets RFC 3748 calls invalid, sent in place of each request of a real conversation: every one ends the
    /// conversation with a protocol violation at the step it arrived in; none is accepted, nothing traps.
    @Test(arguments: ["truncated", "overlong", "response", "unknown code", "success with data", "no type",
                      "nak request", "empty type-data", "short length field"],
          ["peap-mschapv2", "peap-tls", "eap-tls-1.3", "mschapv2"])
    func malformedAtEveryStep(variant: String, scenario: String) throws {
        let (configuration, referenceServer, type) = try Self.scenario(scenario)
        let reference = Conversation.run(configuration, referenceServer)
        #expect(reference.result != nil, "\(reference)")
        for round in 0..<reference.requests.count {
            let (configuration, server, _) = try Self.scenario(scenario)
            let run = Conversation.run(configuration, server) { index, packet in
                guard index == round else { return nil }
                return Self.malform(packet, variant, type: type)
            }
            let failure = try #require(run.failure, "\(variant) at round \(round): \(run)")
            #expect(failure.kind == .protocolViolation, "\(variant) at round \(round): \(failure)")
            #expect(run.responses.count == round + 1, "\(variant) at round \(round): answered")
        }
    }

    static func malform(_ packet: [UInt8], _ variant: String, type: UInt8) -> [UInt8] {
        let id = packet[1]
        switch variant {
        case "truncated": return Array(packet.prefix(3))
        case "overlong": return [packet[0], id, 0x10, 0x00] + packet.dropFirst(4)
        case "response": return [2] + packet.dropFirst()
        case "unknown code": return [9] + packet.dropFirst()
        case "success with data": return [3, id, 0, 5, 0]
        case "no type": return [1, id, 0, 4]
        case "nak request": return [1, id, 0, 6, 3, type]
        case "empty type-data": return [1, id, 0, 5, type]
        case "short length field": return [1, id, 0, 8, type, 0x80, 0, 0]
        default: return packet
        }
    }

    /// Corrupted TLS data (a flipped octet in a record) at every step: TLS refuses it; the conversation fails
    /// (sometimes after our alert), never succeeds.
    @Test(arguments: [1403, 200])
    func corruptedTLSAtEveryStep(fragmentSize: Int) throws {
        let reference = Conversation.run(.peap(try PeerPEAPTests.peap(), fragmentSize: fragmentSize),
                                         try PeerPEAPTests.server(fragmentSize: fragmentSize))
        for round in 0..<reference.requests.count where reference.requests[round].count > 20 {
            let run = Conversation.run(.peap(try PeerPEAPTests.peap(), fragmentSize: fragmentSize),
                                       try PeerPEAPTests.server(fragmentSize: fragmentSize)) { index, packet in
                guard index == round else { return nil }
                var corrupted = packet
                corrupted[corrupted.count - 3] ^= 0x5A
                return corrupted
            }
            #expect(run.result == nil, "corruption at round \(round) was accepted")
            let failure = try #require(run.failure, "round \(round): \(run)")
            #expect([EAPPeerFailure.Kind.protocolViolation, .tlsFailure, .serverValidation, .eapFailure]
                        .contains(failure.kind), "round \(round): \(failure)")
        }
    }

    /// Truncating each request at every length: a deterministic sweep of short inputs; no trap, no success.
    @Test func everyTruncationOfEveryRequest() throws {
        let reference = Conversation.run(try Self.tlsConfiguration(), try PeerEAPTLSTests.server())
        for round in 0..<reference.requests.count {
            let full = reference.requests[round]
            for length in stride(from: 0, to: min(full.count, 40), by: 1) {
                let run = Conversation.run(try Self.tlsConfiguration(), try PeerEAPTLSTests.server()) { index, packet in
                    index == round ? Array(packet.prefix(length)) : nil
                }
                #expect(run.result == nil && run.failure?.kind == .protocolViolation,
                        "round \(round) length \(length): \(run)")
            }
        }
    }

    // MARK: - Limits

    /// The server's message exceeds the reassembly limit: a protocol violation naming the limit.
    @Test func reassemblyLimit() throws {
        let run = Conversation.run(try Self.tlsConfiguration(reassemblyLimit: 500),
                                   try PeerEAPTLSTests.server(fragmentSize: 300))
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .protocolViolation)
        #expect(failure.eapError?.code == .messageTooLong)
        #expect(failure.reason.contains("500"))
        #expect(failure.step == .tlsHandshake(lastSent: .clientHello, lastReceived: nil))
    }

    /// Without a length on the first fragment the received total is capped too.
    @Test func reassemblyLimitWithoutLength() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration(reassemblyLimit: 100))
        _ = peer.start()
        _ = peer.receive(try Self.request(1, .tls, [0x20]))
        #expect(Self.sent(peer.receive(try Self.request(2, .tls, [0x40] + pattern(60)))) == [2, 2, 0, 6, 13, 0])
        let failure = try #require(Self.failed(peer.receive(try Self.request(3, .tls, [0x40] + pattern(60)))))
        #expect(failure.eapError?.code == .messageTooLong)
    }

    @Test(arguments: [5, 0, -1, 70000])
    func invalidFragmentSize(size: Int) throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration(fragmentSize: size))
        let failure = try #require(Self.failed(peer.start()))
        #expect(failure.kind == .configuration)
    }

    /// A server that keeps sending empty requests with nothing of ours to ACK is cut off.
    @Test func emptyRequestLoop() throws {
        var peer = EAPPeer(configuration: try Self.tlsConfiguration())
        _ = peer.start()
        _ = peer.receive(try Self.request(1, .tls, [0x20]))
        var identifier: UInt8 = 2
        var last = EAPPeerAction.send([])
        while case .send = last, identifier < 10 {
            last = peer.receive(try Self.request(identifier, .tls, [0x00]))
            identifier += 1
        }
        let failure = try #require(Self.failed(last))
        #expect(failure.kind == .protocolViolation)
        #expect(identifier == 6)
    }

    // MARK: - Evidence

    /// The trace is Codable (the CLI prints it as JSON) and survives a round trip.
    @Test func traceRoundTrip() throws {
        let run = Conversation.run(.peap(try PeerPEAPTests.peap(password: "wrong")), try PeerPEAPTests.server())
        let data = try JSONEncoder().encode(run.peer.trace)
        let decoded = try JSONDecoder().decode([EAPTraceEvent].self, from: data)
        #expect(decoded == run.peer.trace)
        #expect(decoded.contains {
            if case .msCHAPv2Failure(let failure) = $0 { return failure.errorCode == 691 }
            return false
        })
        let step = try JSONDecoder().decode(EAPStep.self, from: JSONEncoder().encode(run.peer.step))
        #expect(step == run.peer.step)
    }
}
