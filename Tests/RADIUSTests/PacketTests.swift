import TLSTestSupport
import TLS
import Testing

@testable import RADIUS

@Suite struct PacketTests {
    let secret = testing123

    // MARK: Codes

    @Test func codesHaveTheirRFCNumbersAndNames() {
        let expected: [(RADIUSCode, UInt8, String)] = [
            (.accessRequest, 1, "Access-Request"), (.accessAccept, 2, "Access-Accept"),
            (.accessReject, 3, "Access-Reject"), (.accountingRequest, 4, "Accounting-Request"),
            (.accountingResponse, 5, "Accounting-Response"), (.accessChallenge, 11, "Access-Challenge"),
            (.statusServer, 12, "Status-Server"), (.statusClient, 13, "Status-Client"),
            (.disconnectRequest, 40, "Disconnect-Request"), (.disconnectACK, 41, "Disconnect-ACK"),
            (.disconnectNAK, 42, "Disconnect-NAK"), (.coaRequest, 43, "CoA-Request"), (.coaACK, 44, "CoA-ACK"),
            (.coaNAK, 45, "CoA-NAK"),
        ]
        for (code, number, name) in expected {
            #expect(code.rawValue == number)
            #expect(code.description == name)
            #expect(code.isKnown)
            #expect(RADIUSCode(name: name.uppercased()) == code)
        }
        #expect(!RADIUSCode(99).isKnown)
        #expect(RADIUSCode(99).description == "Unknown-Code-99")
    }

    @Test func unknownCodeDecodesButIsFlagged() throws {
        var bytes = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [], secret: secret, random: SeededRandom(seed: "x")
        ).encode()
        bytes[0] = 99
        let packet = try RADIUSPacket(decoding: bytes)
        #expect(packet.code.rawValue == 99)
        #expect(!packet.code.isKnown)
        #expect(packet.encode() == bytes)
    }

    // MARK: Building

    @Test func accessRequestLayout() throws {
        let random = FixedRandom(value: Array(1...16))
        let packet = try RADIUSPacket.accessRequest(
            identifier: 7,
            attributes: [
                RADIUSAttribute(.userName, string: "alice"), RADIUSAttribute(.userPassword, string: "pw"),
                RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0xAA, count: 16)),  // replaced
            ], secret: secret, random: random)
        #expect(packet.code == .accessRequest)
        #expect(packet.identifier == 7)
        #expect(packet.authenticator == Array(1...16))
        #expect(packet.attributes.map(\.type) == [80, 1, 2])
        // The hidden password is 16 octets and unhides to the input.
        let hidden = try #require(packet.attributes.first(.userPassword))
        #expect(hidden.count == 16)
        #expect(
            try RADIUSCrypto.unhideUserPassword(hidden, secret: secret, authenticator: packet.authenticator)
                == Array("pw".utf8))
        // Message-Authenticator = HMAC-MD5(secret, packet with MA zeroed) (RFC 3579 §3.2).
        var zeroed = packet
        zeroed.attributes[0].value = [UInt8](repeating: 0, count: 16)
        #expect(packet.attributes[0].value == HMAC.md5(key: secret, zeroed.encode()))
        try packet.verifyRequest(secret: secret)
        #expect(throws: RADIUSError.self) { try packet.verifyRequest(secret: Array("other".utf8)) }
        let encoded = packet.encode()
        #expect(encoded.count == 20 + 18 + 7 + 18)
        #expect(Int(encoded[2]) << 8 | Int(encoded[3]) == encoded.count)
    }

    @Test func authenticatorsComeFromTheRandomSource() throws {
        let a = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [], secret: secret, random: SeededRandom(seed: "a"))
        let b = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [], secret: secret, random: SeededRandom(seed: "b"))
        let a2 = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [], secret: secret, random: SeededRandom(seed: "a"))
        #expect(a.authenticator != b.authenticator)
        #expect(a == a2)
        let system = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [], secret: secret, random: SystemRandom())
        #expect(system.authenticator.count == 16)
    }

    @Test(arguments: [1, 15, 16, 17, 31, 32, 33, 64, 127, 128])
    func userPasswordOfAnyLengthHides(_ length: Int) throws {
        let password = (0..<length).map { UInt8(0x21 + $0 % 90) }
        let packet = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [RADIUSAttribute(.userPassword, password)], secret: secret,
            random: SeededRandom(seed: "len\(length)"))
        let hidden = try #require(packet.attributes.first(.userPassword))
        #expect(hidden.count == max(16, (length + 15) / 16 * 16))
        #expect(
            try RADIUSCrypto.unhideUserPassword(hidden, secret: secret, authenticator: packet.authenticator) == password
        )
    }

    @Test func passwordLongerThan128IsRefused() {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSPacket.accessRequest(
                identifier: 1, attributes: [RADIUSAttribute(.userPassword, [UInt8](repeating: 0x41, count: 129))],
                secret: secret, random: SeededRandom(seed: "x"))
        }
        #expect(error?.code == .passwordTooLong)
    }

    @Test func oversizedAttributesAndPacketsAreRefused() {
        let tooLong = #expect(throws: RADIUSError.self) {
            try RADIUSPacket.accessRequest(
                identifier: 1, attributes: [RADIUSAttribute(.class, [UInt8](repeating: 1, count: 254))],
                secret: secret, random: SeededRandom(seed: "x"))
        }
        #expect(tooLong?.code == .attributeTooLong)
        let many = [RADIUSAttribute](repeating: RADIUSAttribute(.class, [UInt8](repeating: 1, count: 253)), count: 17)
        let tooBig = #expect(throws: RADIUSError.self) {
            try RADIUSPacket.accountingRequest(identifier: 1, attributes: many, secret: secret)
        }
        #expect(tooBig?.code == .packetTooLong)
    }

    @Test func statusServerCarriesMessageAuthenticatorFirst() throws {
        let packet = try RADIUSPacket.statusServer(identifier: 9, secret: secret, random: SeededRandom(seed: "s"))
        #expect(packet.code == .statusServer)
        #expect(packet.attributes.map(\.type) == [80])
        try packet.verifyRequest(secret: secret)
    }

    @Test func accountingRequestAuthenticatorIsMD5OverPacketAndSecret() throws {
        let packet = try RADIUSPacket.accountingRequest(
            identifier: 3, attributes: [RADIUSAttribute(.acctStatusType, integer: 1)], secret: secret)
        var zero = packet
        zero.authenticator = [UInt8](repeating: 0, count: 16)
        #expect(packet.authenticator == Digest.md5(zero.encode(), secret))
        try packet.verifyRequest(secret: secret)
        var tampered = packet
        tampered.attributes[0].value[3] = 2
        let error = #expect(throws: RADIUSError.self) { try tampered.verifyRequest(secret: secret) }
        #expect(error?.code == .requestAuthenticatorMismatch)
    }

    @Test func dynamicAuthorizationRequestWithMessageAuthenticator() throws {
        let packet = try RADIUSPacket.dynamicAuthorizationRequest(
            .disconnectRequest, identifier: 4, attributes: [RADIUSAttribute(.userName, string: "bob")],
            secret: secret, messageAuthenticator: true)
        #expect(packet.attributes.map(\.type) == [80, 1])
        var zeroed = packet
        zeroed.authenticator = [UInt8](repeating: 0, count: 16)
        zeroed.attributes[0].value = [UInt8](repeating: 0, count: 16)
        #expect(packet.attributes[0].value == HMAC.md5(key: secret, zeroed.encode()))
        try packet.verifyRequest(secret: secret)
        #expect(throws: RADIUSError.self) {
            try RADIUSPacket.dynamicAuthorizationRequest(.accessRequest, identifier: 1, attributes: [], secret: secret)
        }
    }

    @Test func repliesCannotBeBuiltAsRequests() {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSPacket.request(
                .accessAccept, identifier: 1, attributes: [], secret: secret, random: SystemRandom())
        }
        #expect(error?.code == .notARequest)
    }

    // MARK: Signing and verifying replies

    @Test func signedReplyVerifiesAndCopiesProxyState() throws {
        let request = try RADIUSPacket.accessRequest(
            identifier: 200,
            attributes: [RADIUSAttribute(.userName, string: "a"), RADIUSAttribute(.proxyState, [9, 9])],
            secret: secret, random: SeededRandom(seed: "r"))
        let reply = try request.signedReply(
            .accessAccept, attributes: [RADIUSAttribute(.sessionTimeout, integer: 60)], secret: secret)
        #expect(reply.identifier == 200)
        #expect(reply.attributes.map(\.type) == [80, 27, 33])
        try reply.verifyReply(to: request, secret: secret, policy: .strict)
        // MA first with the Request Authenticator in place, then the Response Authenticator over it.
        var forMA = reply
        forMA.authenticator = request.authenticator
        forMA.attributes[0].value = [UInt8](repeating: 0, count: 16)
        #expect(reply.attributes[0].value == HMAC.md5(key: secret, forMA.encode()))
        var forRA = reply
        forRA.authenticator = request.authenticator
        #expect(reply.authenticator == Digest.md5(forRA.encode(), secret))
    }

    @Test func replyVerificationNamesEachFailure() throws {
        let request = try RADIUSPacket.accessRequest(
            identifier: 5, attributes: [RADIUSAttribute(.userName, string: "a")], secret: secret,
            random: SeededRandom(seed: "v"))
        let good = try request.signedReply(.accessAccept, attributes: [], secret: secret)

        func code(of reply: RADIUSPacket, policy: RADIUSReplyPolicy = .default) -> RADIUSError.Code? {
            do {
                try reply.verifyReply(to: request, secret: secret, policy: policy)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(of: good) == nil)

        var wrongID = good
        wrongID.identifier = 6
        #expect(code(of: wrongID) == .identifierMismatch)

        var wrongRA = good
        wrongRA.authenticator[0] ^= 1
        #expect(code(of: wrongRA) == .responseAuthenticatorMismatch)

        var wrongMA = good
        wrongMA.attributes[0].value[15] ^= 1
        #expect(code(of: wrongMA) == .messageAuthenticatorMismatch)

        let noMA = try request.signedReply(.accessReject, attributes: [], secret: secret, messageAuthenticator: false)
        #expect(code(of: noMA) == .messageAuthenticatorMissing)
        #expect(code(of: noMA, policy: .lenient) == nil)

        let eapNoMA = try request.signedReply(
            .accessChallenge, attributes: RADIUSAttribute.eapMessage([1, 2, 0, 4]), secret: secret,
            messageAuthenticator: false)
        #expect(code(of: eapNoMA, policy: .lenient) == .messageAuthenticatorMissing)

        var unknown = good
        unknown.code = RADIUSCode(99)
        #expect(code(of: unknown) == .unknownCode)

        let accountingReply = try request.signedReply(.accountingResponse, attributes: [], secret: secret)
        #expect(code(of: accountingReply) == .unexpectedReplyCode)

        var twoMA = good
        twoMA.attributes.append(twoMA.attributes[0])
        #expect(code(of: twoMA) == .duplicateMessageAuthenticator)
    }

    @Test func statusServerMayBeAnsweredByAccessAcceptOrAccountingResponse() throws {
        let request = try RADIUSPacket.statusServer(identifier: 1, secret: secret, random: SeededRandom(seed: "ss"))
        for code in [RADIUSCode.accessAccept, .accountingResponse] {
            try request.signedReply(code, attributes: [], secret: secret).verifyReply(to: request, secret: secret)
        }
        #expect(throws: RADIUSError.self) {
            try request.signedReply(.accessReject, attributes: [], secret: secret).verifyReply(
                to: request, secret: secret)
        }
    }

    // MARK: EAP-Message (RFC 3579 §3.1)

    @Test(arguments: [0, 1, 252, 253, 254, 506, 507, 4000])
    func eapMessageSplitsAt253AndConcatenates(_ length: Int) throws {
        let eap = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        var attributes = [RADIUSAttribute(.userName, string: "u")]
        attributes.appendEAPMessage(eap)
        let pieces = attributes.all(.eapMessage)
        #expect(pieces.count == max(1, (length + 252) / 253))
        #expect(pieces.dropLast().allSatisfy { $0.count == 253 })
        #expect(pieces.last?.count == (length == 0 ? 0 : length - (pieces.count - 1) * 253))
        #expect(attributes.eapMessage == eap)
        // Through the wire and back, interleaved with other attributes after them.
        attributes.append(RADIUSAttribute(.state, [1, 2, 3]))
        if length <= 3000 {
            let packet = try RADIUSPacket.accessRequest(
                identifier: 1, attributes: attributes, secret: secret, random: SeededRandom(seed: "eap"))
            let decoded = try RADIUSPacket(decoding: packet.encode())
            #expect(decoded.attributes.eapMessage == eap)
            try decoded.verifyRequest(secret: secret)
        }
    }

    @Test func noEAPMessageIsNil() {
        #expect([RADIUSAttribute(.userName, string: "u")].eapMessage == nil)
    }

    @Test func eapMessageConcatenatesInWireOrderAcrossOtherAttributes() {
        let attributes = [
            RADIUSAttribute(.eapMessage, [1, 2]), RADIUSAttribute(.state, [9]), RADIUSAttribute(.eapMessage, [3]),
        ]
        #expect(attributes.eapMessage == [1, 2, 3])
    }

    // MARK: Attributes

    @Test func attributeConveniences() {
        let integer = RADIUSAttribute(.sessionTimeout, integer: 0x0102_0304)
        #expect(integer.value == [1, 2, 3, 4])
        #expect(integer.integerValue == 0x0102_0304)
        #expect(integer.kind == .sessionTimeout)
        #expect(RADIUSAttribute(.userName, string: "é").stringValue == "é")
        #expect(RADIUSAttribute(.class, [0xFF]).stringValue == nil)
        #expect(RADIUSAttribute(.class, [1]).integerValue == nil)
        let attributes = [RADIUSAttribute(.class, [1]), RADIUSAttribute(.class, [2])]
        #expect(attributes.all(.class) == [[1], [2]])
        #expect(attributes.first(.class) == [1])
        #expect(attributes.contains(25))
        #expect(!attributes.contains(.state))
    }
}
