import TestServers
import EAP
import Testing
import TLS

/// EAP-TLS (RFC 5216, RFC 9190) between ``EAPPeer`` and the in-memory server, on real TLS.
@Suite struct PeerEAPTLSTests {
    static func server(version: TLSVersion = .tls1_2, faults: Set<TestEAPServer.Fault> = [], fragmentSize: Int = 1403,
                       lengthOnEveryFragment: Bool = false) throws -> TestEAPServer {
        let pki = try PeerTestPKI.get()
        var options = TestEAPServer.Options(
            method: .tls, outer: try pki.serverContext(version: version, requireClientCertificate: true))
        options.faults = faults
        options.fragmentSize = fragmentSize
        options.lengthOnEveryFragment = lengthOnEveryFragment
        return TestEAPServer(options)
    }

    static func client(version: TLSVersion = .tls1_2, credentials: TLSCredentials? = nil,
                       names: [String] = [PeerTestPKI.serverName], resumption: Bool = false) throws
        -> TLSClientContext
    {
        let pki = try PeerTestPKI.get()
        return try pki.clientContext(credentials: credentials ?? pki.client, version: version, names: names,
                                     resumption: resumption)
    }

    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func success(version: TLSVersion) throws {
        let server = try Self.server(version: version)
        let run = Conversation.run(.tls(try Self.client(version: version)), server)
        let result = try #require(run.result, "\(String(describing: run.failure))")
        #expect(server.problems.isEmpty)

        // RFC 5216 §2.3 / RFC 9190 §2.3: both ends derived the same MSK from their own sessions.
        #expect(result.msk == server.msk)
        #expect(result.method == .tls && result.innerMethod == nil)
        #expect(result.msk.count == 64 && result.emsk?.count == 64)
        #expect(result.sessionId?.first == 13)
        #expect(result.sessionId?.count == 65)
        #expect(result.expectedMPPERecvKey == Array(result.msk[0..<32]))
        #expect(result.expectedMPPESendKey == Array(result.msk[32..<64]))
        #expect(result.cryptoBinding == .notApplicable)
        #expect(!result.resumed && !result.innerMethodRan)
        #expect(result.tls?.version == version)
        #expect(result.tls?.clientCertificateSent?.commonName == "alice@peer.test")
        #expect(server.outerSession?.evidence.clientCertificateSent?.commonName == "alice@peer.test")
        #expect(run.peer.step == .completed)

        let trace = run.peer.trace
        #expect(trace.first == .identitySent(identity: "alice@peer.test"))
        #expect(trace.contains(.methodStarted(type: 13)))
        #expect(trace.last == .eapSuccess)
        #expect(trace.outerHandshakeSent.first == .clientHello)
        #expect(trace.outerHandshakeSent.contains(.certificate) && trace.outerHandshakeSent.contains(.finished))
        #expect(trace.contains(.tlsEstablished(version: version.rawValue, cipher: result.tls?.cipher, resumed: false)))
        // TLS 1.3 ends with the protected success indication; TLS 1.2 has none.
        #expect(trace.contains(.protectedSuccessIndication) == (version == .tls1_3))
        // The response to the server's final flight is an ACK.
        let lastResponse = try #require(run.responses.last)
        #expect(lastResponse == [2, lastResponse[1], 0, 6, 13, 0])
    }

    /// Small fragments both ways: the peer fragments its Certificate flight, the server its own; every fragment
    /// but the last is ACKed. The TLS data is the same whatever the size.
    @Test(arguments: [(100, 100), (300, 300), (100, 1403), (1403, 100), (47, 61)])
    func smallFragments(peerSize: Int, serverSize: Int) throws {
        let server = try Self.server(fragmentSize: serverSize, lengthOnEveryFragment: serverSize == 100)
        let run = Conversation.run(.tls(try Self.client(), fragmentSize: peerSize), server)
        let result = try #require(run.result, "\(String(describing: run.failure))")
        #expect(result.msk == server.msk)
        #expect(server.problems.isEmpty)
        for response in run.responses where response.count > 5 && response[4] == 13 {
            #expect(response.count - 5 <= peerSize, "a response of \(response.count) octets")
        }
        for request in run.requests where request.count > 5 {
            #expect(request.count - 5 <= serverSize)
        }
        let sent = run.peer.trace.compactMap { event -> (Int, Int)? in
            if case .fragmentSent(let index, let count, _) = event { return (index, count) }
            return nil
        }
        #expect(sent.contains { $0.1 > 1 } == (peerSize < 1000))
        let acksReceived = run.peer.trace.filter { $0 == .ackReceived }.count
        let acksSent = run.peer.trace.filter { $0 == .ackSent }.count
        #expect(acksReceived == sent.filter { $0.0 < $0.1 }.count)
        #expect(acksSent >= 1)
    }

    /// Like FreeRADIUS and hostapd: a client certificate the server refuses gets EAP-Failure right after our
    /// Finished, without an alert. The step says so, and the evidence shows our Certificate went out.
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func serverRefusesClientCertificate(version: TLSVersion) throws {
        let pki = try PeerTestPKI.get()
        let server = try Self.server(version: version)
        let run = Conversation.run(.tls(try Self.client(version: version, credentials: pki.rogueClient)), server)
        let failure = try #require(run.failure)
        #expect(failure.kind == .eapFailure)
        #expect(failure.step == .tlsClientFinishedSent)
        #expect(failure.tls?.clientCertificateSent?.commonName == "mallory@peer.test")
        #expect(failure.tls?.handshakeMessagesSent.last == .finished)
        #expect(run.peer.trace.last == .eapFailure)
        #expect(server.problems.contains { $0.contains("server TLS") })
    }

    /// A server that sends its alert: we ACK it (RFC 5216 §2.1.3) and fail with the alert as evidence.
    @Test func serverAlertIsAcknowledged() throws {
        let pki = try PeerTestPKI.get()
        let server = try Self.server(faults: [.alertOnClientRefusal])
        let run = Conversation.run(.tls(try Self.client(credentials: pki.rogueClient)), server)
        let failure = try #require(run.failure)
        #expect(failure.kind == .tlsFailure)
        #expect(failure.tlsError?.code == .peerAlert)
        #expect(failure.tls?.alertsReceived.first?.level == .fatal)
        #expect(failure.step == .tlsClientFinishedSent)
        let lastResponse = try #require(run.responses.last)
        #expect(Array(lastResponse[4...]) == [13, 0])  // the ACK of the alert
    }

    /// "Connect to these servers" does not match: we send our alert as a TLS response, never our certificate,
    /// and fail with serverValidation whatever the server answers.
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func clientRefusesServerName(version: TLSVersion) throws {
        let server = try Self.server(version: version)
        let run = Conversation.run(.tls(try Self.client(version: version, names: ["other.peer.test"])), server)
        let failure = try #require(run.failure)
        #expect(failure.kind == .serverValidation)
        #expect(failure.tls?.serverValidationFailure?.kind == .nameMismatch)
        #expect(failure.tlsError?.code == .serverValidation)
        #expect(!run.peer.trace.outerHandshakeSent.contains(.certificate))
        #expect(failure.tls?.clientCertificateSent == nil)
        #expect(run.peer.trace.outerAlertsSent.first?.level == .fatal)
        #expect(failure.step == .tlsHandshake(lastSent: .clientHello,
                                              lastReceived: failure.tls?.lastHandshakeMessageReceived))
        // The alert reached the server inside an EAP-TLS response.
        #expect(server.outerSession?.evidence.alertsReceived.isEmpty == false)
        #expect(server.outerSession?.evidence.clientCertificateSent == nil)
    }

    /// RFC 9190 §2.5: without the protected success indication an EAP-TLS 1.3 peer must not accept EAP-Success.
    @Test func tls13SuccessWithoutIndicationIsRefused() throws {
        let server = try Self.server(version: .tls1_3, faults: [.noSuccessIndication])
        let run = Conversation.run(.tls(try Self.client(version: .tls1_3)), server)
        let failure = try #require(run.failure)
        #expect(failure.kind == .protocolViolation)
        #expect(failure.step == .tlsClientFinishedSent)
        #expect(!run.peer.trace.contains(.protectedSuccessIndication))
        #expect(run.result == nil)
    }

    /// EAP-Success in place of the server's Finished: refused.
    @Test func successBeforeTheServersFinishedIsRefused() throws {
        let server = try Self.server(faults: [.successBeforeFinished])
        let run = Conversation.run(.tls(try Self.client()), server)
        let failure = try #require(run.failure)
        #expect(failure.kind == .protocolViolation)
        #expect(failure.reason.contains("EAP-Success before the method could succeed"))
        #expect(failure.step == .tlsClientFinishedSent)
    }

    /// An NTAuth-like refusal after a complete handshake: the step says the handshake had completed.
    @Test func failureAfterTheHandshake() throws {
        let server = try Self.server(faults: [.rejectAfterHandshake])
        let run = Conversation.run(.tls(try Self.client()), server)
        let failure = try #require(run.failure)
        #expect(failure.kind == .eapFailure)
        #expect(failure.step == .tlsEstablished)
    }

    /// RFC 5216 §2.1.2: a resumed session; the peer's Finished comes last and EAP-Success follows directly.
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func resumption(version: TLSVersion) throws {
        let pki = try PeerTestPKI.get()
        let serverContext = try pki.serverContext(version: version, requireClientCertificate: true)
        let client = try Self.client(version: version, resumption: true)
        let first = Conversation.run(.tls(client), TestEAPServer(.init(method: .tls, outer: serverContext)))
        let saved = try #require(first.result?.resumptionState)
        #expect(first.result?.resumed == false)

        let server = TestEAPServer(.init(method: .tls, outer: serverContext))
        let second = Conversation.run(.tls(client, resuming: saved), server)
        let result = try #require(second.result, "\(String(describing: second.failure))")
        #expect(result.resumed)
        #expect(result.msk == server.msk)
        #expect(result.msk != first.result?.msk)
        #expect(!second.peer.trace.outerHandshakeSent.contains(.certificate))
        #expect(second.peer.trace.contains(.tlsEstablished(version: version.rawValue, cipher: result.tls?.cipher,
                                                           resumed: true)))
    }
}
