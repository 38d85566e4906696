import TLS
import Testing

@testable import RADIUS

/// RFC 2865 §7: the example exchanges, shared secret "xyzzy5461".
@Suite struct RFC2865ExampleTests {
    let secret = Array("xyzzy5461".utf8)

    // §7.1 User Telnet to Specified Host
    let request71 = hex(
        """
        01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
        98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d
        93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8
        01 10 05 06 00 00 00 03
        """)
    let accept71 = hex(
        """
        02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
        9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00
        0e 06 c0 a8 01 03
        """)
    // §7.2 Framed User Authenticating with CHAP
    let request72 = hex(
        """
        01 01 00 47 2a ee 86 f0 8d 0d 55 96 9c a5 97 8e
        0d 33 67 a2 01 08 66 6c 6f 70 73 79 03 13 16 e9
        75 57 c3 16 18 58 95 f2 93 ff 63 44 07 72 75 04
        06 c0 a8 01 10 05 06 00 00 00 14 06 06 00 00 00
        02 07 06 00 00 00 01
        """)
    let accept72 = hex(
        """
        02 01 00 38 15 ef bc 7d ab 26 cf a3 dc 34 d9 c0
        3c 86 01 a4 06 06 00 00 00 02 07 06 00 00 00 01
        08 06 ff ff ff fe 0a 06 00 00 00 02 0d 06 00 00
        00 01 0c 06 00 00 05 dc
        """)
    // §7.3 User with Challenge-Response card
    let request73 = hex(
        """
        01 02 00 39 f3 a4 7a 1f 6a 6d 76 71 0b 94 7a b9
        30 41 a0 39 01 07 6d 6f 70 73 79 02 12 33 65 75
        73 77 82 89 b5 70 88 5e 15 08 48 25 c5 04 06 c0
        a8 01 10 05 06 00 00 00 07
        """)
    let challenge73 = hex(
        """
        0b 02 00 4e 36 f3 c8 76 4a e8 c7 11 57 40 3c 0c
        71 ff 9c 45 12 30 43 68 61 6c 6c 65 6e 67 65 20
        33 32 37 36 39 34 33 30 2e 20 20 45 6e 74 65 72
        20 72 65 73 70 6f 6e 73 65 20 61 74 20 70 72 6f
        6d 70 74 2e 18 0a 33 32 37 36 39 34 33 30
        """)
    let response73 = hex(
        """
        01 03 00 43 b1 22 55 6d 42 8a 13 d0 d6 25 38 07
        c4 57 ec f0 01 07 6d 6f 70 73 79 02 12 69 2c 1f
        20 5f c0 81 b9 19 b9 51 95 f5 61 a5 81 04 06 c0
        a8 01 10 05 06 00 00 00 07 18 10 33 32 37 36 39
        34 33 30
        """)
    let reject73 = hex("03 03 00 14 a4 2f 4f ca 45 91 6c 4e 09 c8 34 0f 9e 74 6a a0")

    /// No Message-Authenticator in 1997: the RFC examples are checked with the lenient policy.
    let policy = RADIUSReplyPolicy.lenient

    @Test func userPasswordHidingMatchesSection71() throws {
        let request = try RADIUSPacket(decoding: request71)
        let hidden = try RADIUSCrypto.hideUserPassword(
            Array("arctangent".utf8), secret: secret, authenticator: request.authenticator)
        #expect(hidden == request.attributes.first(.userPassword))
        #expect(hidden == hex("0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee"))
        let clear = try RADIUSCrypto.unhideUserPassword(hidden, secret: secret, authenticator: request.authenticator)
        #expect(clear == Array("arctangent".utf8))
    }

    @Test func section71RequestRebuildsByteForByte() throws {
        let authenticator = hex("0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a")
        let packet = RADIUSPacket(
            code: .accessRequest, identifier: 0, authenticator: authenticator,
            attributes: [
                RADIUSAttribute(.userName, string: "nemo"),
                RADIUSAttribute(
                    .userPassword,
                    try RADIUSCrypto.hideUserPassword(
                        Array("arctangent".utf8), secret: secret, authenticator: authenticator)),
                RADIUSAttribute(.nasIPAddress, [192, 168, 1, 16]),
                RADIUSAttribute(.nasPort, integer: 3),
            ])
        #expect(packet.encode() == request71)
        #expect(try RADIUSPacket(decoding: request71) == packet)
    }

    @Test func section71AcceptVerifies() throws {
        let request = try RADIUSPacket(decoding: request71)
        let reply = try RADIUSPacket(decoding: accept71)
        try reply.verifyReply(to: request, secret: secret, policy: policy)
        #expect(reply.code == .accessAccept)
        #expect(reply.attributes.map(\.type) == [6, 15, 14])
        #expect(reply.attributes.first(.serviceType) == [0, 0, 0, 1])
    }

    @Test func section71AcceptFailsWithAnotherSecret() throws {
        let request = try RADIUSPacket(decoding: request71)
        let reply = try RADIUSPacket(decoding: accept71)
        let error = #expect(throws: RADIUSError.self) {
            try reply.verifyReply(to: request, secret: Array("xyzzy5462".utf8), policy: policy)
        }
        #expect(error?.code == .responseAuthenticatorMismatch)
        #expect(error?.reason.contains("shared secret") == true)
    }

    /// The §7.2 text annotates Framed-Routing as "None (0)", but the bytes (which the Response Authenticator
    /// covers) say 2, Listen; the printer follows the bytes.
    @Test func section72ChapExchangeVerifies() throws {
        let request = try RADIUSPacket(decoding: request72)
        let chap = try #require(request.attributes.first(.chapPassword))
        #expect(chap.count == 17)
        #expect(chap[0] == 22)  // the CHAP ID the RFC names
        let reply = try RADIUSPacket(decoding: accept72)
        try reply.verifyReply(to: request, secret: secret, policy: policy)
        let described = shippedDictionary.describe(reply.attributes).map(\.description)
        #expect(
            described == [
                "Service-Type = Framed-User", "Framed-Protocol = PPP", "Framed-IP-Address = 255.255.255.254",
                "Framed-Routing = Listen", "Framed-Compression = Van-Jacobson-TCP-IP", "Framed-MTU = 1500",
            ])
    }

    @Test func section73ChallengeAndRejectVerify() throws {
        let request = try RADIUSPacket(decoding: request73)
        let hidden = try #require(request.attributes.first(.userPassword))
        #expect(
            try RADIUSCrypto.unhideUserPassword(hidden, secret: secret, authenticator: request.authenticator)
                == Array("challenge".utf8))
        let challenge = try RADIUSPacket(decoding: challenge73)
        try challenge.verifyReply(to: request, secret: secret, policy: policy)
        #expect(
            challenge.attributes.first(.replyMessage).flatMap { String(bytes: $0, encoding: .utf8) }
                == "Challenge 32769430.  Enter response at prompt.")
        #expect(challenge.attributes.first(.state) == Array("32769430".utf8))

        // The RFC's second Access-Request gives State the Length 0x10 where 8 octets + 2 = 0x0a was meant
        // (the Length field, 67, counts 10): as printed it overruns the packet and must be refused.
        let error = #expect(throws: RADIUSError.self) { try RADIUSPacket(decoding: response73) }
        #expect(error?.code == .attributeOverrun)
        #expect(error?.offset == 57)
        var corrected = response73
        corrected[58] = 0x0a
        let second = try RADIUSPacket(decoding: corrected)
        #expect(second.attributes.first(.state) == challenge.attributes.first(.state))
        let answer = try RADIUSCrypto.unhideUserPassword(
            try #require(second.attributes.first(.userPassword)), secret: secret, authenticator: second.authenticator)
        #expect(answer == Array("99101462".utf8))
        let reject = try RADIUSPacket(decoding: reject73)
        try reject.verifyReply(to: second, secret: secret, policy: policy)
        #expect(reject.attributes.isEmpty)
    }

    @Test func rfcRepliesLackMessageAuthenticatorSoTheDefaultPolicyRefusesThem() throws {
        let request = try RADIUSPacket(decoding: request71)
        let reply = try RADIUSPacket(decoding: accept71)
        let error = #expect(throws: RADIUSError.self) { try reply.verifyReply(to: request, secret: secret) }
        #expect(error?.code == .messageAuthenticatorMissing)
    }

    @Test func replyToAnotherRequestFails() throws {
        // The §7.2 accept checked against the §7.1 request: wrong identifier first.
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSPacket(decoding: accept72).verifyReply(
                to: try RADIUSPacket(decoding: request71), secret: secret, policy: policy)
        }
        #expect(error?.code == .identifierMismatch)
    }

}

/// RFC 5176 §7: the example Disconnect-Requests (the IP/UDP header octets shown as xxxx are left out; the
/// secret is not given, so only the layout is checked).
@Suite struct RFC5176ExampleTests {
    @Test func disconnectRequestTracesDecode() throws {
        let traces: [([UInt8], RADIUSAttribute)] = [
            (
                hex("2801 001c 1b23 624c 3543 ceba 55f1 be55 a714 ca5e 0108 6d63 6869 6261"),
                RADIUSAttribute(.userName, string: "mchiba")
            ),
            (
                hex("2801 001e ad0d 8e53 55b6 bd02 a0cb ace6 4e38 77bd 2c0a 3930 3233 3435 3637"),
                RADIUSAttribute(.acctSessionId, string: "90234567")
            ),
            (
                hex("2801 001a 0bda 33fe 765b 05f0 fd9c c32a 2f6b 5182 0806 0a00 0203"),
                RADIUSAttribute(.framedIPAddress, [10, 0, 2, 3])
            ),
        ]
        for (bytes, attribute) in traces {
            let packet = try RADIUSPacket(decoding: bytes)
            #expect(packet.code == .disconnectRequest)
            #expect(packet.identifier == 1)
            #expect(packet.attributes == [attribute])
            #expect(packet.encode() == bytes)
        }
    }
}
