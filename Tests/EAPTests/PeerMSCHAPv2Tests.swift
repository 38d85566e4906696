import TestServers
import EAP
import Testing
import TLS

/// Returns the scripted bytes in order (for vectors whose "random" input is given), then zeros.
final class ScriptedRandom: RandomSource, @unchecked Sendable {
    private var script: [UInt8]
    init(_ script: [UInt8]) { self.script = script }

    func bytes(_ count: Int) -> [UInt8] {
        let out = Array(script.prefix(count))
        script.removeFirst(out.count)
        return out + [UInt8](repeating: 0, count: count - out.count)
    }
}

/// Bare EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2) between ``EAPPeer`` and the in-memory server.
@Suite struct PeerMSCHAPv2Tests {
    static func server(faults: Set<TestEAPServer.Fault> = []) -> TestEAPServer {
        var options = TestEAPServer.Options(method: .mschapv2)
        options.users = ["CORP\\carol": "carol-pass"]
        options.newPasswords = ["CORP\\carol": "carol-new"]
        options.faults = faults
        return TestEAPServer(options)
    }

    static func configuration(password: String = "carol-pass", newPassword: String? = nil) -> EAPPeerConfiguration {
        EAPPeerConfiguration(identity: "CORP\\carol",
                             method: .mschapv2(MSCHAPv2Credentials(username: "CORP\\carol", password: password,
                                                                   newPassword: newPassword)))
    }

    @Test func success() throws {
        let server = Self.server()
        let run = Conversation.run(Self.configuration(), server)
        let result = try #require(run.result, "\(run)")
        #expect(result.msk == server.msk)
        #expect(result.method == .mschapv2 && result.innerMethod == nil)
        #expect(result.sessionId == nil && result.emsk == nil && result.tls == nil)
        // RFC 3079 keys are 16 octets: the server's Recv-Key is our send key, its Send-Key our receive key.
        #expect(result.expectedMPPERecvKey == Array(result.msk[0..<16]))
        #expect(result.expectedMPPESendKey == Array(result.msk[16..<32]))
        #expect(Array(result.msk[32...]) == [UInt8](repeating: 0, count: 32))
        #expect(run.peer.step == .completed)
        #expect(run.peer.trace.contains(.msCHAPv2Success(verified: true)))
        #expect(run.peer.trace.contains(.methodStarted(type: 26)))
    }

    /// RFC 2759 §9.2 (and RFC 3079 §3.5.3): with the example's challenges the peer's Response carries the
    /// example NT-Response, the example S= is accepted, and the expected MPPE keys hold the example's key.
    @Test func rfc2759Example() throws {
        let peerChallenge = hex("21402324255E262A28295F2B3A337C7E")
        var peer = EAPPeer(configuration: EAPPeerConfiguration(
            identity: "User", method: .mschapv2(MSCHAPv2Credentials(username: "User", password: "clientPass"))),
            random: ScriptedRandom(peerChallenge))
        _ = peer.start()
        let challenge = try MSCHAPv2Challenge(msCHAPv2ID: 7, challenge: hex("5B5D7C7D7B3F2F3E3C2C602132262628"),
                                              name: Array("server".utf8))
        let request = try EAPPacket(code: .request, identifier: 3, type: .mschapv2, typeData: challenge.typeData())
        guard case .send(let bytes) = peer.receive(request.encode()) else {
            Issue.record("no response to the challenge")
            return
        }
        let response = try MSCHAPv2Response(typeData: EAPPacket(decoding: bytes).typeData)
        #expect(response.msCHAPv2ID == 7)
        #expect(response.peerChallenge == peerChallenge)
        #expect(response.ntResponse == hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"))
        #expect(response.name == "User")
        #expect(peer.step == .msCHAPv2Response)

        let successText = Array("S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Welcome".utf8)
        var typeData: [UInt8] = [3, 7, 0, UInt8(4 + successText.count)]
        typeData += successText
        let success = try EAPPacket(code: .request, identifier: 4, type: .mschapv2, typeData: typeData)
        guard case .send(let ack) = peer.receive(success.encode()) else {
            Issue.record("the example S= was not accepted")
            return
        }
        #expect(ack == [2, 4, 0, 6, 26, 3])
        guard case .succeeded(let result) = peer.receive([3, 4, 0, 4]) else {
            Issue.record("no success")
            return
        }
        // RFC 3079 §3.5.3 derives SendStartKey128 from the server's side: it is the MS-MPPE-Send-Key the server
        // must send, and our receive key, the MSK's second 16 octets.
        #expect(result.expectedMPPESendKey == hex("8B7CDC149B993A1BA118CB153F56DCCB"))
        #expect(Array(result.msk[16..<32]) == hex("8B7CDC149B993A1BA118CB153F56DCCB"))
        #expect(result.expectedMPPERecvKey == Array(result.msk[0..<16]))
        #expect(result.expectedMPPERecvKey != result.expectedMPPESendKey)
    }

    @Test func wrongPassword() throws {
        let server = Self.server()
        let run = Conversation.run(Self.configuration(password: "nope"), server)
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .methodFailure)
        #expect(failure.msCHAPv2?.errorCode == 691)
        #expect(failure.msCHAPv2?.message == "Authentication failed")
        #expect(failure.step == .msCHAPv2Response)
        // The Failure was acknowledged with the one-octet Failure Response before the EAP-Failure.
        #expect(Array(try #require(run.responses.last)[4...]) == [26, 4])
    }

    @Test func wrongAuthenticatorResponse() throws {
        let run = Conversation.run(Self.configuration(), Self.server(faults: [.wrongAuthenticatorResponse]))
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .impostor)
        #expect(failure.reason.contains("S="))
        #expect(run.result == nil)
    }

    @Test func passwordChange() throws {
        let server = Self.server(faults: [.passwordExpired])
        let run = Conversation.run(Self.configuration(newPassword: "carol-new"), server)
        let result = try #require(run.result, "\(run)")
        #expect(server.changedPassword == "carol-new")
        #expect(result.msk == server.msk)
        #expect(run.peer.trace.contains(.changePasswordSent))
    }

    /// Without a new password an expired password is a failure with E=648 as evidence.
    @Test func expiredWithoutNewPassword() throws {
        let run = Conversation.run(Self.configuration(), Self.server(faults: [.passwordExpired]))
        let failure = try #require(run.failure, "\(run)")
        #expect(failure.kind == .methodFailure)
        #expect(failure.msCHAPv2?.code == .passwordExpired)
        #expect(!run.peer.trace.contains(.changePasswordSent))
    }

    /// A Success Request before any Response is a violation, and an EAP-Success before the server's S= is never
    /// accepted.
    @Test func outOfOrder() throws {
        var peer = EAPPeer(configuration: Self.configuration())
        _ = peer.start()
        let success = try EAPPacket(code: .request, identifier: 1, type: .mschapv2,
                                    typeData: [3, 1, 0, 46] + Array("S=0000000000000000000000000000000000000000".utf8))
        guard case .failed(let failure) = peer.receive(success.encode()) else {
            Issue.record("a Success before the Response was accepted")
            return
        }
        #expect(failure.kind == .protocolViolation)

        var second = EAPPeer(configuration: Self.configuration())
        _ = second.start()
        let challenge = try MSCHAPv2Challenge(msCHAPv2ID: 1, challenge: pattern(16))
        _ = second.receive(try EAPPacket(code: .request, identifier: 1, type: .mschapv2,
                                         typeData: challenge.typeData()).encode())
        guard case .failed(let early) = second.receive([3, 1, 0, 4]) else {
            Issue.record("EAP-Success accepted before the server proved itself")
            return
        }
        #expect(early.kind == .protocolViolation)
        #expect(early.step == .msCHAPv2Response)
    }
}
