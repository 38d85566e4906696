import EAP
import Testing
import TLS

/// EAP-MD5-Challenge (RFC 3748 §5.4): the response value against hand-checked vectors, and the peer's
/// conversation with a server played packet by packet.
struct PeerMD5Tests {
    static let configuration = EAPPeerConfiguration(identity: "bob", method: .md5(password: "bob-pass"))

    /// MD5(Identifier ‖ secret ‖ Challenge), RFC 1994 §4.1. Checked by hand with two other implementations:
    /// `printf '\x2abob-pass\x00\x01…\x0f' | openssl md5` and Python's `hashlib.md5`.
    @Test(arguments: [
        (UInt8(0x2A), "000102030405060708090a0b0c0d0e0f", "e017874e507573c74e4f62bb782a9975"),
        (UInt8(0x07), "8c56f6d1e5b1c34a0df2a4b7e99b3f10", "b866d8237d1f978242001c9917d46057"),
    ])
    func responseValueMatchesHandCheckedVectors(identifier: UInt8, challenge: String, expected: String) {
        let value = EAPMD5Challenge.responseValue(identifier: identifier, password: Array("bob-pass".utf8),
                                                  challenge: hex(challenge))
        #expect(hex(value) == expected)
    }

    @Test func challengeTypeDataRoundTrips() throws {
        let challenge = try EAPMD5Challenge(typeData: hex("04 01020304") + Array("radius".utf8))
        #expect(challenge.value == [1, 2, 3, 4] && challenge.name == Array("radius".utf8))
        #expect(challenge.typeData() == hex("04 01020304") + Array("radius".utf8))
    }

    @Test(arguments: [
        ([UInt8](), EAPError.Code.truncated), ([0x00, 0x01], .invalidValueSize), ([0x05, 1, 2, 3, 4], .lengthMismatch),
    ])
    func malformedChallengesAreRefused(typeData: [UInt8], code: EAPError.Code) {
        #expect(throws: EAPError(code, "")) { try EAPMD5Challenge(typeData: typeData) }
    }

    static func md5Request(identifier: UInt8, challenge: [UInt8]) throws -> [UInt8] {
        try EAPPacket(code: .request, identifier: identifier, type: .md5Challenge,
                      typeData: EAPMD5Challenge(value: challenge).typeData()).encode()
    }

    /// Identity, a server that first offers EAP-TLS (as the lab's main server) and gets our Nak, the challenge,
    /// our response, EAP-Success: no keys, no MPPE keys expected.
    @Test func succeedsAfterNakingTheServersFirstProposal() throws {
        var peer = EAPPeer(configuration: Self.configuration)
        guard case .send = peer.start() else { Issue.record("no identity"); return }
        let tlsStart = try EAPPacket(code: .request, identifier: 1, type: .tls, typeData: [0x20]).encode()
        guard case .send(let nak) = peer.receive(tlsStart) else { Issue.record("no Nak"); return }
        #expect(try EAPPacket(decoding: nak).nakDesiredTypes() == [.ietf(.md5Challenge)])

        let challenge = hex("8c56f6d1e5b1c34a0df2a4b7e99b3f10")
        guard case .send(let response) = peer.receive(try Self.md5Request(identifier: 7, challenge: challenge)) else {
            Issue.record("no response")
            return
        }
        let packet = try EAPPacket(decoding: response)
        #expect(packet.code == .response && packet.identifier == 7 && packet.type == .md5Challenge)
        #expect(packet.typeData == [16] + hex("b866d8237d1f978242001c9917d46057"))
        #expect(peer.step == .method(type: 4))

        guard case .succeeded(let result) = peer.receive([3, 7, 0, 4]) else { Issue.record("no success"); return }
        #expect(result.method == .md5Challenge && result.innerMethod == nil)
        #expect(result.msk.isEmpty && result.expectedMPPE == nil && result.cryptoBinding == .notApplicable)
        #expect(peer.step == .completed)
    }

    @Test func eapFailureAfterTheResponseIsAPlainFailureAtTheMethodStep() throws {
        var peer = EAPPeer(configuration: Self.configuration)
        _ = peer.start()
        _ = peer.receive(try Self.md5Request(identifier: 2, challenge: [9, 9, 9, 9]))
        guard case .failed(let failure) = peer.receive([4, 2, 0, 4]) else { Issue.record("no failure"); return }
        #expect(failure.kind == .eapFailure && failure.step == .method(type: 4))
    }

    @Test func successBeforeTheResponseIsRefused() throws {
        var peer = EAPPeer(configuration: Self.configuration)
        _ = peer.start()
        guard case .failed(let failure) = peer.receive([3, 1, 0, 4]) else { Issue.record("accepted"); return }
        #expect(failure.kind == .protocolViolation)
    }

    @Test func malformedChallengeIsAViolationNamingTheDecodingError() throws {
        var peer = EAPPeer(configuration: Self.configuration)
        _ = peer.start()
        let request = try EAPPacket(code: .request, identifier: 3, type: .md5Challenge, typeData: [0x10, 1, 2]).encode()
        guard case .failed(let failure) = peer.receive(request) else { Issue.record("answered"); return }
        #expect(failure.kind == .protocolViolation && failure.eapError?.code == .lengthMismatch)
    }

    /// The registration: `eap-md5` exists, `peap-md5` does not (MD5 may not run inside PEAP).
    @Test func registeredAloneButNotInsidePEAP() throws {
        #expect(EAPMethod(name: "eap-md5") == .eap(.md5))
        #expect(EAPMethod(name: "peap-md5") == nil)
        #expect(EAPMethod.eap(.md5).capabilities == [.password])
        #expect(throws: EAPError.self) {
            try EAPMethod.peap(inner: .md5).configuration(EAPMethodCredentials(identity: "bob", password: "x"))
        }
    }
}
