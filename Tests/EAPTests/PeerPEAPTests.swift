import TestServers
import TLSTestSupport
import EAP
import Testing
import TLS

/// PEAPv0 ([MS-PEAP]) between ``EAPPeer`` and the in-memory server: inner MS-CHAPv2 and inner EAP-TLS, with
/// crypto-binding (NPS, hostapd) and without (FreeRADIUS).
@Suite struct PeerPEAPTests {
    static let user = "CORP\\bob"
    static let password = "bob-pass"

    static func server(inner: EAPType = .mschapv2, version: TLSVersion = .tls1_2, binding: Bool = true,
                       faults: Set<TestEAPServer.Fault> = [], fragmentSize: Int = 1403, innerFragmentSize: Int = 1000,
                       lengthOnEveryFragment: Bool = false, outer: TLSServerContext? = nil,
                       innerVersion: TLSVersion = .tls1_2) throws -> TestEAPServer {
        let pki = try PeerTestPKI.get()
        var options = TestEAPServer.Options(
            method: .peap(inner: inner),
            outer: try outer ?? pki.serverContext(version: version, requireClientCertificate: false),
            inner: inner == .tls ? try pki.serverContext(version: innerVersion, requireClientCertificate: true) : nil)
        options.cryptoBinding = binding
        options.faults = faults
        options.fragmentSize = fragmentSize
        options.innerFragmentSize = innerFragmentSize
        options.lengthOnEveryFragment = lengthOnEveryFragment
        options.users = [user: password]
        options.newPasswords = [user: "bob-new-pass"]
        return TestEAPServer(options)
    }

    static func peap(inner: EAPType = .mschapv2, password: String = PeerPEAPTests.password,
                     newPassword: String? = nil, version: TLSVersion = .tls1_2,
                     binding: CryptoBindingPolicy = .optional, names: [String] = [PeerTestPKI.serverName],
                     resumption: Bool = false, resuming: TLSResumptionState? = nil,
                     outer: TLSClientContext? = nil, innerVersion: TLSVersion = .tls1_2) throws -> PEAPConfiguration {
        let pki = try PeerTestPKI.get()
        let innerMethod: PEAPInnerMethod = inner == .tls
            ? .tls(try pki.clientContext(credentials: pki.innerClient, version: innerVersion))
            : .mschapv2(MSCHAPv2Credentials(username: user, password: password, newPassword: newPassword))
        return PEAPConfiguration(
            outer: try outer ?? pki.clientContext(version: version, names: names, resumption: resumption),
            resuming: resuming, innerIdentity: inner == .tls ? "bob@peer.test" : user, inner: innerMethod,
            cryptoBinding: binding)
    }

    // MARK: - Success

    /// NPS and hostapd: Result TLV with a Crypto-Binding TLV; the MSK is the CSK's first 64 octets on both sides.
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func msCHAPv2WithCryptoBinding(version: TLSVersion) throws {
        let server = try Self.server(version: version)
        let run = Conversation.run(.peap(try Self.peap(version: version)), server)
        let result = try #require(run.result, "\(run)")
        #expect(server.problems.isEmpty)
        #expect(server.bindingVerified)
        #expect(result.cryptoBinding == .verified)
        #expect(result.msk == server.msk)
        #expect(result.emsk == nil)  // [MS-PEAP] defines none with crypto-binding
        #expect(result.method == .peap && result.innerMethod == .mschapv2)
        #expect(result.innerMethodRan && !result.resumed)
        #expect(result.sessionId?.first == 25 && result.sessionId?.count == 65)
        #expect(result.expectedMPPERecvKey == Array(result.msk[0..<32]))
        #expect(result.expectedMPPESendKey == Array(result.msk[32..<64]))
        #expect(server.identity == "anonymous@peer.test")
        #expect(server.innerIdentity == Self.user)
        #expect(run.peer.step == .completed)

        let trace = run.peer.trace
        #expect(trace.contains(.innerIdentitySent(identity: Self.user)))
        #expect(trace.contains(.msCHAPv2Challenge))
        #expect(trace.contains(.msCHAPv2Success(verified: true)))
        #expect(trace.contains(.resultTLV(success: true)))
        #expect(trace.contains(.cryptoBinding(outcome: .verified)))
        #expect(trace.last == .eapSuccess)
        // The peer never sent a certificate in phase 1.
        #expect(result.tls?.clientCertificateSent == nil)
        // PEAPv0: every response carries version 0 although the server's Start offered 1.
        for response in run.responses where response.count > 5 && response[4] == 25 {
            #expect(response[5] & 0x07 == 0)
        }
    }

    /// FreeRADIUS: Result TLV success without crypto-binding; the MSK is the "client EAP encryption" material.
    @Test func msCHAPv2WithoutCryptoBinding() throws {
        let server = try Self.server(binding: false, faults: [.innerIdentityWithHeader])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.cryptoBinding == .absent)
        #expect(result.msk == server.msk)
        #expect(result.emsk?.count == 64)
        #expect(!server.bindingVerified)
        #expect(run.peer.trace.contains(.cryptoBinding(outcome: .absent)))
    }

    /// NPS asks for capabilities and a Statement of Health before the inner identity.
    @Test func capabilitiesAndSoH() throws {
        let server = try Self.server(faults: [.capabilitiesAndSoH])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.msk == server.msk)
        #expect(server.capabilitiesAnswered)
        let trace = run.peer.trace
        #expect(trace.contains(.capabilitiesAnswered))
        #expect(trace.contains(.sohDeclined))
        #expect(trace.contains(.innerRequest(type: 254)))
    }

    /// The first phase-2 request arrives together with the server's Finished (hostapd's "application data
    /// included in the handshake message").
    @Test func phase2RidingWithTheServersFinished() throws {
        let server = try Self.server(faults: [.piggybackPhase2])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.msk == server.msk)
    }

    /// Old PEAPv0 servers end phase 2 with a tunneled EAP-Success; we ACK it and accept the outer EAP-Success.
    @Test func tunneledSuccess() throws {
        let server = try Self.server(binding: false, faults: [.tunneledSuccess])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.msk == server.msk)
        #expect(result.cryptoBinding == .absent)
        #expect(run.peer.trace.contains(.tunneledResult(success: true)))
    }

    /// Policy `.disabled`: the server's binding is neither checked nor answered, and the MSK is not the CSK.
    @Test func cryptoBindingDisabled() throws {
        let server = try Self.server()
        let run = Conversation.run(.peap(try Self.peap(binding: .disabled)), server)
        #expect(run.peer.trace.contains(.cryptoBinding(outcome: .declined)))
        // The server insists on a binding response, as NPS configured to require it would.
        #expect(server.problems.contains { $0.contains("Crypto-Binding") })
        #expect(run.failure?.kind == .eapFailure)
        #expect(run.failure?.step == .resultTLV)
    }

    /// Small outer fragments both ways, L on every phase-1 fragment from the peer.
    @Test(arguments: [100, 300])
    func smallFragments(size: Int) throws {
        let server = try Self.server(fragmentSize: size, lengthOnEveryFragment: true)
        let run = Conversation.run(.peap(try Self.peap(), fragmentSize: size), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.msk == server.msk)
        var sawFragmentedPhase1 = false
        for (response, step) in zip(run.responses, run.steps) where response.count > 5 && response[4] == 25 {
            #expect(response.count - 5 <= size)
            let flags = response[5]
            let phase1: Bool
            switch step {
            case .tlsHandshake, .tlsClientFinishedSent: phase1 = true
            default: phase1 = false
            }
            if phase1 && flags & 0x40 != 0 { sawFragmentedPhase1 = true }
            // NPS: during phase 1 every data-carrying fragment has the L flag.
            if phase1 && response.count > 6 { #expect(flags & 0x80 != 0, "phase-1 fragment without L") }
        }
        // Our phase-1 flights (ClientHello 184 octets; the key exchange and Finished) fragment only below that.
        #expect(sawFragmentedPhase1 == (size < 190))
    }

    /// The MSK does not depend on the fragment sizes; NPS-style L-on-every-fragment can be turned off.
    @Test func lengthOnFirstFragmentOnly() throws {
        var peap = try Self.peap()
        peap.lengthOnEveryFragment = false
        let server = try Self.server(fragmentSize: 80)
        let run = Conversation.run(.peap(peap, fragmentSize: 80), server)
        #expect(run.result?.msk == server.msk && server.msk != nil)
        // Middle fragments (M set, not the first) carry no length.
        let middles = run.responses.filter { $0.count > 5 && $0[4] == 25 && $0[5] == 0x40 }
        #expect(!middles.isEmpty)
    }

    /// PEAP fast reconnect ([MS-PEAP] §3.1.5.3): the outer session is resumed, the server skips phase 2 and binds
    /// with IPMK/CMK taken from the TK.
    @Test func fastReconnect() throws {
        let pki = try PeerTestPKI.get()
        let serverContext = try pki.serverContext(requireClientCertificate: false)
        let client = try pki.clientContext(resumption: true)
        let first = Conversation.run(.peap(try Self.peap(outer: client)), try Self.server(outer: serverContext))
        let saved = try #require(first.result?.resumptionState, "\(first)")

        let server = try Self.server(outer: serverContext)
        var peap = try Self.peap(outer: client)
        peap.resuming = saved
        let run = Conversation.run(.peap(peap), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.resumed)
        #expect(!result.innerMethodRan && result.innerMethod == nil)
        #expect(result.cryptoBinding == .verified)
        #expect(result.msk == server.msk)
        #expect(!run.peer.trace.contains(.msCHAPv2Challenge))
    }

    /// A password expired (E=648): with a new password configured the peer changes it (RFC 2759 §7) and goes on.
    @Test func passwordChange() throws {
        let server = try Self.server(faults: [.passwordExpired])
        let run = Conversation.run(.peap(try Self.peap(newPassword: "bob-new-pass")), server)
        let result = try #require(run.result, "\(run)")
        #expect(server.changedPassword == "bob-new-pass")
        #expect(result.msk == server.msk)
        let trace = run.peer.trace
        #expect(trace.contains(.changePasswordSent))
        #expect(trace.contains {
            if case .msCHAPv2Failure(let failure) = $0 { return failure.errorCode == 648 }
            return false
        })
    }

    // MARK: - Inner EAP-TLS

    /// hostapd-style PEAP-TLS with crypto-binding: the ISK is the first 32 octets of the inner MSK. Inner TLS 1.3
    /// ends with its own protected success indication (RFC 9190 §2.5), acknowledged inside the tunnel.
    @Test(arguments: [TLSVersion.tls1_2, .tls1_3])
    func innerEAPTLSWithCryptoBinding(innerVersion: TLSVersion) throws {
        let server = try Self.server(inner: .tls, innerVersion: innerVersion)
        let run = Conversation.run(.peap(try Self.peap(inner: .tls, innerVersion: innerVersion)), server)
        let result = try #require(run.result, "\(run)")
        #expect(server.problems.isEmpty)
        #expect(server.bindingVerified)
        #expect(result.msk == server.msk)
        #expect(result.innerMethod == .tls)
        #expect(result.innerTLS?.clientCertificateSent?.commonName == "bob@peer.test")
        #expect(result.tls?.clientCertificateSent == nil)
        #expect(server.innerSession?.evidence.clientCertificateSent?.commonName == "bob@peer.test")
        let trace = run.peer.trace
        #expect(trace.contains {
            if case .innerTLSEvent(.handshakeSent(.certificate)) = $0 { return true }
            return false
        })
        #expect(trace.contains { if case .innerTLSEstablished = $0 { return true } else { return false } })
        #expect(result.innerTLS?.version == innerVersion)
        #expect(trace.contains(.protectedSuccessIndication) == (innerVersion == .tls1_3))
    }

    /// FreeRADIUS-style PEAP-TLS: it offers MS-CHAPv2 first (we Nak), sends no binding, puts L on every inner
    /// fragment, and loses the inner session when an inner packet needs more than one outer fragment — so the
    /// peer sizes its inner fragments to fit.
    @Test(arguments: [300, 600, 1403])
    func innerEAPTLSLikeFreeRADIUS(outerSize: Int) throws {
        let server = try Self.server(
            inner: .tls, binding: false,
            faults: [.innerProposeFirst(26), .innerIdentityWithHeader, .requireInnerInOneFragment],
            fragmentSize: outerSize, innerFragmentSize: 900, lengthOnEveryFragment: true)
        let run = Conversation.run(.peap(try Self.peap(inner: .tls), fragmentSize: outerSize), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.msk == server.msk)
        #expect(result.cryptoBinding == .absent)
        #expect(run.peer.trace.contains(.innerNakSent(offered: 26, desired: [13])))
        #expect(server.innerNakDesired == [.tls])
        // Every phase-2 message of the peer fitted one outer fragment.
        #expect(server.phase2Messages.allSatisfy { $0.fragments == 1 })
    }

    /// The server offers only an inner method we refuse: after our inner Nak it insists or fails.
    @Test(arguments: [TestEAPServer.Fault.insistAfterNak, .failAfterNak])
    func innerMethodRefused(fault: TestEAPServer.Fault) throws {
        let server = try Self.server(inner: .tls, binding: false, faults: [.innerProposeFirst(26), fault])
        let run = Conversation.run(.peap(try Self.peap(inner: .tls)), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .methodRefused)
        #expect(failure.step == .innerIdentity)
        #expect(run.peer.trace.contains(.innerNakSent(offered: 26, desired: [13])))
    }

    /// The inner fragment size can be set; too large a size spreads inner packets over outer fragments, which a
    /// FreeRADIUS-like server refuses — the reason the default exists.
    @Test func innerFragmentsTooLargeForFreeRADIUS() throws {
        var peap = try Self.peap(inner: .tls)
        peap.innerFragmentSize = 1200
        let server = try Self.server(inner: .tls, binding: false, faults: [.requireInnerInOneFragment],
                                     fragmentSize: 300)
        let run = Conversation.run(.peap(peap, fragmentSize: 300), server)
        #expect(run.failure?.kind == .eapFailure)
        #expect(server.problems.contains { $0.contains("outer fragments") })
    }

    // MARK: - Failures

    /// A wrong password: MS-CHAPv2 E=691 inside the tunnel, then Result TLV failure, then EAP-Failure.
    @Test func wrongPassword() throws {
        let server = try Self.server()
        let run = Conversation.run(.peap(try Self.peap(password: "wrong")), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .innerFailure)
        #expect(failure.msCHAPv2?.errorCode == 691)
        #expect(failure.msCHAPv2?.code == .authenticationFailure)
        #expect(failure.msCHAPv2?.retryAllowed == false)
        #expect(failure.msCHAPv2?.challenge?.count == 16)
        #expect(failure.resultTLV == .failure)
        #expect(failure.step == .resultTLV)
        #expect(server.clientResult == .failure)
        #expect(run.peer.trace.contains(.resultTLV(success: false)))
    }

    /// A server whose S= does not prove the password: an impostor; we stop without answering.
    @Test func wrongAuthenticatorResponse() throws {
        let server = try Self.server(faults: [.wrongAuthenticatorResponse])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .impostor)
        #expect(failure.step == .innerMSCHAPv2Response)
        #expect(run.peer.trace.contains(.msCHAPv2Success(verified: false)))
        #expect(!run.peer.trace.contains(.eapFailure))
    }

    /// A Compound MAC that does not verify: we answer Result failure without binding (as hostapd) and fail as
    /// impostor whatever the server does next.
    @Test func wrongCompoundMAC() throws {
        let server = try Self.server(faults: [.wrongCompoundMAC])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .impostor)
        #expect(failure.step == .resultTLV)
        #expect(server.clientResult == .failure)
        #expect(run.peer.trace.contains {
            if case .cryptoBinding(.failed(let reason)) = $0 { return reason.contains("Compound MAC") }
            return false
        })
    }

    /// Policy `.required` and a server that does not bind: we give up without answering (hostapd
    /// crypto_binding=2), before any EAP-Success could be accepted.
    @Test func requiredBindingAbsent() throws {
        let server = try Self.server(binding: false)
        let run = Conversation.run(.peap(try Self.peap(binding: .required)), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .policy)
        #expect(failure.resultTLV == .success)
        #expect(run.peer.trace.contains(.cryptoBinding(outcome: .absent)))
        #expect(server.clientResult == nil)
    }

    /// The inner method succeeded but the server says failure (an NPS network-policy refusal, say).
    @Test func resultTLVFailureAfterInnerSuccess() throws {
        let server = try Self.server(faults: [.resultFailure])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .innerFailure)
        #expect(failure.resultTLV == .failure)
        #expect(failure.msCHAPv2 == nil)
        #expect(run.peer.trace.contains(.msCHAPv2Success(verified: true)))
    }

    /// A Result TLV success on a fresh tunnel without any inner authentication is refused (hostapd
    /// phase2_auth=1): otherwise anyone holding a certificate could "authenticate" us.
    /// With a binding, its MAC (keyed from the TK as after a fast reconnect) does not verify on a fresh tunnel
    /// either, and that is reported first (hostapd checks the binding before the Result).
    @Test(arguments: [false, true])
    func successWithoutPhase2IsRefused(binding: Bool) throws {
        let server = try Self.server(binding: binding, faults: [.skipPhase2])
        let run = Conversation.run(.peap(try Self.peap()), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == (binding ? .impostor : .policy))
        #expect(server.clientResult == .failure)
        #expect(run.result == nil)
        #expect(!run.peer.trace.contains(.innerIdentitySent(identity: Self.user)))
    }

    /// The server's certificate name does not match: our alert goes out in a PEAP response.
    @Test func outerServerValidation() throws {
        let server = try Self.server()
        let run = Conversation.run(.peap(try Self.peap(names: ["nps.example"])), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .serverValidation)
        #expect(failure.tls?.serverValidationFailure?.kind == .nameMismatch)
        #expect(server.outerSession?.evidence.alertsReceived.isEmpty == false)
        #expect(failure.step == .tlsHandshake(lastSent: .clientHello,
                                              lastReceived: failure.tls?.lastHandshakeMessageReceived))
    }

    /// The inner server refuses our inner certificate: EAP-Failure after our inner Finished.
    @Test func innerCertificateRefused() throws {
        let pki = try PeerTestPKI.get()
        var peap = try Self.peap(inner: .tls)
        peap.inner = .tls(try pki.clientContext(credentials: pki.rogueClient))
        let server = try Self.server(inner: .tls)
        let run = Conversation.run(.peap(peap), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .eapFailure)
        #expect(failure.step == .innerTLSClientFinishedSent)
        #expect(failure.innerTLS?.clientCertificateSent?.commonName == "mallory@peer.test")
        #expect(failure.tls?.version == .tls1_2)
    }
}
