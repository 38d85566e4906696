import Testing
@testable import EAP

@Suite struct MSCHAPv2PacketTests {
    // RFC 2759 §9.2 values.
    let authenticatorChallenge = hex("5B5D7C7D7B3F2F3E3C2C602132262628")
    let peerChallenge = hex("21402324255E262A28295F2B3A337C7E")
    let passwordHash = hex("44EBBA8D5312B8D611474411F56989AE")
    let ntResponse = hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF")

    // MARK: Challenge

    @Test func challengeRequestFromTheWire() throws {
        // EAP Request id 7, type 26: OpCode 1, MS-CHAPv2-ID 0x42, MS-Length 24, Value-Size 16, challenge, "NPS".
        let wire = hex("01 07 001d 1a 01 42 0018 10") + authenticatorChallenge + Array("NPS".utf8)
        let packet = try EAPPacket(decoding: wire)
        guard case .challenge(let challenge) = try MSCHAPv2Request(packet: packet) else {
            Issue.record("not decoded as a Challenge")
            return
        }
        #expect(challenge.msCHAPv2ID == 0x42)
        #expect(challenge.challenge == authenticatorChallenge)
        #expect(challenge.nameText == "NPS")
        #expect(try challenge.typeData() == packet.typeData)
        #expect(try MSCHAPv2Request(typeData: packet.typeData).msCHAPv2ID == 0x42)
    }

    @Test func challengeWithoutName() throws {
        let typeData = hex("01 01 0015 10") + authenticatorChallenge
        guard case .challenge(let challenge) = try MSCHAPv2Request(typeData: typeData) else {
            Issue.record("not a Challenge")
            return
        }
        #expect(challenge.name.isEmpty)
    }

    // MARK: Response

    /// The Response to the RFC 2759 §9.2 challenge carries the §9.2 NT-Response; the 49-octet value is laid out
    /// as RFC 2548 §2.3.2 (Peer-Challenge, 8 reserved zeros, NT-Response, Flags).
    @Test func responseToTheRFCChallenge() throws {
        let challenge = try MSCHAPv2Challenge(msCHAPv2ID: 0x42, challenge: authenticatorChallenge)
        let response = try MSCHAPv2Response(answering: challenge, identity: "User", passwordHash: passwordHash,
                                            peerChallenge: peerChallenge)
        #expect(response.ntResponse == ntResponse)
        let expected = hex("02 42 003a 31") + peerChallenge + [UInt8](repeating: 0, count: 8) + ntResponse + [0]
            + Array("User".utf8)
        #expect(try response.typeData() == expected)
        #expect(try response.packet(identifier: 7).encode() == hex("02 07 003f 1a") + expected)
        #expect(try MSCHAPv2Response(typeData: expected) == response)
    }

    /// The Name carries DOMAIN\user, ChallengeHash uses only "user" (RFC 2759 §4).
    @Test func responseWithDomainIdentity() throws {
        let challenge = try MSCHAPv2Challenge(msCHAPv2ID: 1, challenge: authenticatorChallenge)
        let response = try MSCHAPv2Response(answering: challenge, identity: "CONTOSO\\User",
                                            passwordHash: passwordHash, peerChallenge: peerChallenge)
        #expect(response.ntResponse == ntResponse)
        #expect(response.name == "CONTOSO\\User")
    }

    @Test func malformedResponses() throws {
        #expect(throws: EAPError(.invalidValueSize, "")) {
            try MSCHAPv2Response(typeData: hex("02 01 0005 30"))
        }
        #expect(throws: EAPError(.truncated, "")) { try MSCHAPv2Response(typeData: hex("02 01 0006 31 00")) }
        #expect(throws: EAPError(.unexpectedOpCode, "")) { try MSCHAPv2Response(typeData: hex("01 01 0004")) }
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try MSCHAPv2Response(msCHAPv2ID: 1, peerChallenge: [1], ntResponse: ntResponse, name: "u")
        }
    }

    // MARK: Success

    @Test func successRequest() throws {
        let text = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted"
        let typeData = hex("03 42") + [0, UInt8(4 + text.utf8.count)] + Array(text.utf8)
        guard case .success(let success) = try MSCHAPv2Request(typeData: typeData) else {
            Issue.record("not a Success")
            return
        }
        #expect(success.msCHAPv2ID == 0x42)
        #expect(success.message == "Access granted")
        #expect(success.authenticatorResponseText == "S=407A5589115FD0D6209F510FE9C04566932CDA56")
        let expected = try MSCHAPv2.authenticatorResponseDigest(
            passwordHash: passwordHash, ntResponse: ntResponse, peerChallenge: peerChallenge,
            authenticatorChallenge: authenticatorChallenge, userName: "User")
        #expect(success.verifies(expectedDigest: expected))
        #expect(!success.verifies(expectedDigest: [UInt8](repeating: 0, count: 20)))
        #expect(try success.typeData() == typeData)
    }

    @Test(arguments: [
        ("S=407A5589115FD0D6209F510FE9C04566932CDA56", nil),
        ("S=407a5589115fd0d6209f510fe9c04566932cda56 M=", ""),
        ("S=407A5589115FD0D6209F510FE9C04566932CDA56   M=hello world", "hello world"),
        ("S=407A5589115FD0D6209F510FE9C04566932CDA56 no M prefix", "no M prefix"),
        ("S=407A5589115FD0D6209F510FE9C04566932CDA56 \0", nil),
    ] as [(String, String?)])
    func successTextVariants(text: String, message: String?) throws {
        let typeData = [3, 1, 0, UInt8(4 + text.utf8.count)] + Array(text.utf8)
        guard case .success(let success) = try MSCHAPv2Request(typeData: typeData) else {
            Issue.record("not a Success")
            return
        }
        #expect(success.message == message)
        #expect(success.authenticatorResponse == hex("407A5589115FD0D6209F510FE9C04566932CDA56"))
    }

    @Test(arguments: [
        "S=407A5589115FD0D6209F510FE9C04566932CDA5",
        "X=407A5589115FD0D6209F510FE9C04566932CDA56",
        "S=407A5589115FD0D6209F510FE9C04566932CDAZZ",
        "S=407A5589115FD0D6209F510FE9C04566932CDA56X",
        "",
    ])
    func malformedSuccess(text: String) {
        let typeData = [3, 1, 0, UInt8(4 + text.utf8.count)] + Array(text.utf8)
        #expect(throws: EAPError(.malformedSuccessMessage, "")) { try MSCHAPv2Request(typeData: typeData) }
    }

    @Test func successAndFailureResponses() throws {
        #expect(try EAPPacket.msCHAPv2SuccessResponse(identifier: 9).encode() == hex("02 09 0006 1a 03"))
        #expect(try EAPPacket.msCHAPv2FailureResponse(identifier: 9).encode() == hex("02 09 0006 1a 04"))
    }

    // MARK: Failure

    @Test func failureRequestAsNPSSendsIt() throws {
        let text = "E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Authentication failure; retry = no"
        let typeData = [4, 0x43, 0, UInt8(4 + text.utf8.count)] + Array(text.utf8)
        guard case .failure(let request) = try MSCHAPv2Request(typeData: typeData) else {
            Issue.record("not a Failure")
            return
        }
        #expect(request.msCHAPv2ID == 0x43)
        let failure = request.failure
        #expect(failure.errorCode == 691)
        #expect(failure.code == .authenticationFailure)
        #expect(!failure.retryAllowed)
        #expect(failure.challenge == hex("00112233445566778899AABBCCDDEEFF"))
        #expect(failure.version == 3)
        #expect(failure.message == "Authentication failure; retry = no")
        #expect(try request.typeData() == typeData)
    }

    @Test(arguments: [
        ("E=648 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3", 648, false, 16, 3, nil),
        ("E=691 R=1 C=5b5d7c7d7b3f2f3e3c2c602132262628 V=3 M=Bad password", 691, true, 16, 3, "Bad password"),
        ("E=649", 649, false, 0, nil, nil),
        ("  E=646   R=0  V=3   ", 646, false, 0, 3, nil),
        ("E=691 R=0\0\0", 691, false, 0, nil, nil),
        ("E=647 R=0 X=unknown V=3", 647, false, 0, 3, nil),
        ("V=3 R=1 E=709", 709, true, 0, 3, nil),
        ("E=691 R=1 C=0123456789ABCDEF", 691, true, 8, nil, nil),     // MS-CHAP v1 challenge
        ("e=691 r=1 m=lower-case keys", 691, true, 0, nil, "lower-case keys"),
        ("E=691 M=", 691, false, 0, nil, ""),
        ("E=691 R=0 M=a=b c=d", 691, false, 0, nil, "a=b c=d"),
    ] as [(String, Int, Bool, Int, Int?, String?)])
    func failureTextVariants(text: String, code: Int, retry: Bool, challengeLength: Int, version: Int?,
                             message: String?) throws {
        let failure = try MSCHAPv2Failure(parsing: text)
        #expect(failure.errorCode == code)
        #expect(failure.retryAllowed == retry)
        #expect((failure.challenge?.count ?? 0) == challengeLength)
        #expect(failure.version == version)
        #expect(failure.message == message)
        // The canonical text parses back to the same value.
        #expect(try MSCHAPv2Failure(parsing: failure.text) == failure)
    }

    @Test(arguments: [
        "",
        "R=1 V=3",
        "E=abc",
        "E=",
        "E=12345678901",
        "E=691 R=2",
        "E=691 R=",
        "E=691 C=0123",
        "E=691 C=ZZ112233445566778899AABBCCDDEEFF",
        "E=691 E=649",
        "E=691 R=0 R=1",
        "E=691 garbage",
        "E=691 V=three",
    ])
    func malformedFailureText(text: String) {
        #expect(throws: EAPError(.malformedFailureMessage, "")) { try MSCHAPv2Failure(parsing: text) }
    }

    /// RADIUS MS-CHAP-Error (RFC 2548 §2.1.5): an Ident octet, then the text.
    @Test func msCHAPErrorAttribute() throws {
        let value = [0x01] + Array("E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3".utf8)
        let failure = try MSCHAPv2Failure(msCHAPError: value)
        #expect(failure.code == .authenticationFailure)
        #expect(failure.version == 3)
        #expect(throws: EAPError(.truncated, "")) { try MSCHAPv2Failure(msCHAPError: [0x01]) }
    }

    @Test func knownErrorCodes() {
        let table: [(MSCHAPv2ErrorCode, Int, String)] = [
            (.restrictedLogonHours, 646, "ERROR_RESTRICTED_LOGON_HOURS"),
            (.accountDisabled, 647, "ERROR_ACCT_DISABLED"),
            (.passwordExpired, 648, "ERROR_PASSWD_EXPIRED"),
            (.noDialinPermission, 649, "ERROR_NO_DIALIN_PERMISSION"),
            (.authenticationFailure, 691, "ERROR_AUTHENTICATION_FAILURE"),
            (.changingPassword, 709, "ERROR_CHANGING_PASSWORD"),
        ]
        for (code, number, symbol) in table {
            #expect(code.rawValue == number)
            #expect(code.symbol == symbol)
            #expect(code.meaning != nil)
        }
        #expect(MSCHAPv2ErrorCode(691).description == "691 (authentication failure)")
        #expect(MSCHAPv2ErrorCode(999).symbol == nil)
        #expect(MSCHAPv2ErrorCode(999).description == "999")
    }

    // MARK: Malformed requests

    @Test(arguments: [
        ("01 01 00", EAPError.Code.truncated),
        ("01 01 0010 10", .lengthMismatch),                  // MS-Length larger than the data
        ("03 01 0003", .lengthMismatch),                     // MS-Length smaller than the header
        ("02 01 0004", .unexpectedOpCode),                   // a Response inside a Request
        ("07 01 0004", .unexpectedOpCode),
        ("09 01 0004", .unexpectedOpCode),
        ("01 01 0004", .truncated),                          // Challenge without Value-Size
        ("01 01 0005 08", .invalidValueSize),
        ("01 01 000a 10 0001020304", .truncated),            // 5 of 16 challenge octets
    ])
    func malformedRequests(bytes: String, code: EAPError.Code) {
        #expect(throws: EAPError(code, "")) { try MSCHAPv2Request(typeData: hex(bytes)) }
    }

    @Test func requestOfAnotherType() throws {
        let packet = try EAPPacket(code: .request, identifier: 1, type: .md5Challenge, typeData: [1])
        #expect(throws: EAPError(.unexpectedType, "")) { try MSCHAPv2Request(packet: packet) }
        let response = try EAPPacket.msCHAPv2SuccessResponse(identifier: 1)
        #expect(throws: EAPError(.unexpectedType, "")) { try MSCHAPv2Request(packet: response) }
    }

    // MARK: Change-Password

    @Test func changePasswordAfterExpiry() throws {
        let failure = MSCHAPv2FailureRequest(
            msCHAPv2ID: 0x42, failure: MSCHAPv2Failure(errorCode: 648, retryAllowed: false,
                                                       challenge: authenticatorChallenge, version: 3))
        let change = try MSCHAPv2ChangePassword(
            answering: failure, identity: "CONTOSO\\User", oldPasswordHash: passwordHash, newPassword: "newPass123",
            peerChallenge: peerChallenge, random: FixedRandom(fill: 0xAA))
        #expect(change.msCHAPv2ID == 0x43)
        // The NT-Response is computed with the NEW password over the Failure's challenge.
        #expect(change.ntResponse == (try MSCHAPv2.generateNTResponse(
            authenticatorChallenge: authenticatorChallenge, peerChallenge: peerChallenge, userName: "User",
            password: "newPass123")))
        // Independently computed (OpenSSL legacy MD4/DES; Python RC4), see MSCHAPv2CryptoTests.
        #expect(change.encryptedHash == hex("d42c34aedccbf2b364857101e88b3789"))
        #expect(Array(change.encryptedPassword.prefix(16)) == hex("3848614519535abe82a65122ca9b9d4a"))
        let typeData = try change.typeData()
        #expect(typeData.count == 586)
        #expect(Array(typeData.prefix(4)) == hex("07 43 024a"))
        #expect(Array(typeData[552..<560]) == [UInt8](repeating: 0, count: 8))  // Reserved
        #expect(Array(typeData.suffix(2)) == [0, 0])                              // Flags
        #expect(try MSCHAPv2ChangePassword(typeData: typeData) == change)
        let packet = try change.packet(identifier: 12)
        #expect(packet.length == 591)
    }

    @Test func changePasswordNeedsTheFailureChallenge() {
        let failure = MSCHAPv2FailureRequest(msCHAPv2ID: 1, failure: MSCHAPv2Failure(errorCode: 648,
                                                                                     retryAllowed: false))
        #expect(throws: EAPError(.malformedFailureMessage, "")) {
            try MSCHAPv2ChangePassword(answering: failure, identity: "u", oldPasswordHash: passwordHash,
                                       newPassword: "x", peerChallenge: peerChallenge, random: FixedRandom(fill: 0))
        }
    }

    @Test func malformedChangePassword() {
        #expect(throws: EAPError(.lengthMismatch, "")) {
            try MSCHAPv2ChangePassword(typeData: hex("07 01 0005 00"))
        }
        #expect(throws: EAPError(.unexpectedOpCode, "")) {
            try MSCHAPv2ChangePassword(typeData: hex("02 01 0004"))
        }
    }
}
