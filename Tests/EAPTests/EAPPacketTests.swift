import Testing
import EAP

@Suite struct EAPPacketTests {
    // MARK: Decoding and encoding

    @Test func identityRequestRoundTrip() throws {
        // Request, id 1, length 5, Identity with no prompt (as an authenticator sends it).
        let bytes = hex("01 01 0005 01")
        let packet = try EAPPacket(decoding: bytes)
        #expect(packet.code == .request)
        #expect(packet.identifier == 1)
        #expect(packet.type == .identity)
        #expect(packet.expandedType == nil)
        #expect(packet.typeData.isEmpty)
        #expect(packet.length == 5)
        #expect(packet.encode() == bytes)
    }

    @Test func identityResponseBytes() throws {
        let packet = try EAPPacket.identityResponse(identifier: 7, identity: "alice@example.com")
        #expect(packet.encode() == hex("02 07 0016 01") + Array("alice@example.com".utf8))
        #expect(try EAPPacket(decoding: packet.encode()) == packet)
    }

    @Test func successAndFailure() throws {
        #expect(EAPPacket.success(identifier: 9).encode() == hex("03 09 0004"))
        #expect(EAPPacket.failure(identifier: 10).encode() == hex("04 0a 0004"))
        let success = try EAPPacket(decoding: hex("03 09 0004"))
        #expect(success.code == .success && success.type == nil && success.typeData.isEmpty)
    }

    @Test func initiateAndFinishAreDecodable() throws {
        // RFC 6696 §5.3: EAP-Initiate/Re-auth-Start (Type 1) with no TVs.
        let initiate = try EAPPacket(decoding: hex("05 03 0005 01"))
        #expect(initiate.code == .initiate)
        #expect(initiate.type == nil)
        #expect(initiate.typeData == [1])
        #expect(initiate.encode() == hex("05 03 0005 01"))
        let finish = try EAPPacket(decoding: hex("06 03 0007 02 80 00"))
        #expect(finish.code == .finish && finish.typeData == [2, 0x80, 0])
        #expect(throws: EAPError(.missingType, "")) { try EAPPacket(decoding: hex("05 03 0004")) }
    }

    @Test func expandedTypeRoundTrip() throws {
        // Microsoft Capabilities Request: 254, vendor 311, type 34, Vendor-Data with F set.
        let bytes = hex("01 05 0010 fe 000137 00000022 00000001")
        let packet = try EAPPacket(decoding: bytes)
        #expect(packet.type == .expanded)
        #expect(packet.expandedType == .microsoftCapabilities)
        #expect(packet.typeData == hex("00000001"))
        #expect(packet.encode() == bytes)
        let built = try EAPPacket(code: .request, identifier: 5, expandedType: .microsoftCapabilities,
                                  typeData: hex("00000001"))
        #expect(built == packet)
    }

    /// RFC 3748 §4.1: octets beyond Length are link-layer padding, ignored.
    @Test func paddingBeyondLengthIsIgnored() throws {
        let packet = try EAPPacket(decoding: hex("02 02 0006 01 61 00 00 00"))
        #expect(packet.typeData == Array("a".utf8))
        #expect(packet.encode() == hex("02 02 0006 01 61"))
    }

    // MARK: Malformed input, each with its code

    @Test(arguments: [
        ("", EAPError.Code.truncated),
        ("01 01 00", .truncated),
        ("01 01 0003", .lengthMismatch),            // Length below the header
        ("01 01 0009 01 61", .lengthMismatch),      // Length beyond the buffer
        ("07 01 0004", .unknownCode),
        ("00 01 0004", .unknownCode),
        ("03 01 0005 00", .unexpectedData),         // Success with data
        ("04 01 0006 00 00", .unexpectedData),      // Failure with data
        ("01 01 0004", .missingType),               // Request without Type
        ("02 01 0004 01", .missingType),            // Response whose Length excludes the Type octet
        ("01 01 000b fe 000137 000000", .invalidExpandedType),  // Expanded Type short of Vendor-Type
        ("01 01 0005 fe", .invalidExpandedType),
    ])
    func malformed(bytes: String, code: EAPError.Code) {
        #expect(throws: EAPError(code, "")) { try EAPPacket(decoding: hex(bytes)) }
    }

    @Test func malformedErrorsSayWhere() {
        do {
            _ = try EAPPacket(decoding: hex("01 01 0009 01 61"))
            Issue.record("decoded a packet whose Length exceeds the buffer")
        } catch let error as EAPError {
            #expect(error.offset == 2)
            #expect(error.reason.contains("9"))
            // People read what and where; the code and the throw site are for developers (issue 12).
            #expect(error.description == "\(error.reason) (at octet 2)")
            #expect(!error.description.contains("EAP") && !error.description.contains("lengthMismatch"))
            #expect(error.debugDescription.hasPrefix("EAPDomain.lengthMismatch: \(error.description) (thrown at "))
            #expect(error.debugDescription.hasSuffix("EAP/EAPPacket.swift:\(error.thrownAt.line))"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func buildersRejectImpossiblePackets() {
        #expect(throws: EAPError(.unexpectedType, "")) {
            try EAPPacket(code: .success, identifier: 1, type: .identity)
        }
        #expect(throws: EAPError(.invalidExpandedType, "")) {
            try EAPPacket(code: .request, identifier: 1, type: .expanded)
        }
        #expect(throws: EAPError(.invalidExpandedType, "")) {
            try EAPPacket(code: .request, identifier: 1, expandedType: EAPExpandedType(vendorID: 0x100_0000,
                                                                                   vendorType: 1))
        }
        #expect(throws: EAPError(.packetTooLong, "")) {
            try EAPPacket(code: .response, identifier: 1, type: .tls, typeData: [UInt8](repeating: 0, count: 65531))
        }
        // The largest packet that fits.
        #expect((try? EAPPacket(code: .response, identifier: 1, type: .tls,
                                typeData: [UInt8](repeating: 0, count: 65530)))?.length == 65535)
    }

    /// Every proper prefix of a valid packet is refused with an EAPError (its Length field lies); nothing traps.
    @Test func everyTruncationIsATypedError() throws {
        let full = try EAPPacket(code: .request, identifier: 3, expandedType: .microsoftSoH,
                                 typeData: pattern(20)).encode()
        for cut in 0..<full.count {
            #expect(throws: EAPError.self) { try EAPPacket(decoding: Array(full.prefix(cut))) }
        }
    }

    // MARK: Types

    @Test func typeNames() {
        #expect(EAPType.peap.description == "PEAP (25)")
        #expect(EAPType.tlv == EAPType.extensions)
        #expect(EAPType(99).name == nil)
        #expect(EAPType(99).description == "type 99")
        #expect(EAPType.mschapv2.rawValue == 26)
        #expect([EAPType.identity, .notification, .nak, .md5Challenge, .otp, .gtc, .tls, .ttls, .peap, .mschapv2,
                 .tlv, .expanded].map(\.rawValue) == [1, 2, 3, 4, 5, 6, 13, 21, 25, 26, 33, 254])
        #expect(EAPExpandedType.microsoftSoH.description == "Microsoft SoH (311/33)")
        #expect(EAPExpandedType.ietf(.peap).ietfType == .peap)
        #expect(EAPExpandedType(vendorID: 9, vendorType: 1).ietfType == nil)
    }

    // MARK: Responses every peer gives

    @Test func notificationResponse() {
        #expect(EAPPacket.notificationResponse(identifier: 4).encode() == hex("02 04 0005 02"))
    }

    @Test func legacyNak() throws {
        #expect(try EAPPacket.nak(identifier: 2, desired: [.peap, .tls]).encode() == hex("02 02 0007 03 19 0d"))
        // No viable alternative: a single 0.
        #expect(try EAPPacket.nak(identifier: 2, desired: []).encode() == hex("02 02 0006 03 00"))
    }

    @Test func expandedNak() throws {
        let packet = try EAPPacket.expandedNak(identifier: 6, desired: [.ietf(.peap), .microsoftCapabilities])
        #expect(packet.encode() == hex("02 06 001c fe 000000 00000003 fe 000000 00000019 fe 000137 00000022"))
        #expect(try packet.nakDesiredTypes() == [.ietf(.peap), .microsoftCapabilities])
        let none = try EAPPacket.expandedNak(identifier: 6, desired: [])
        #expect(none.encode() == hex("02 06 0014 fe 000000 00000003 fe 000000 00000000"))
        #expect(try none.nakDesiredTypes().isEmpty)
    }

    /// RFC 3748 §5.3.2: an expanded request is answered with an Expanded Nak, a legacy one with a legacy Nak
    /// that signals vendor methods with 254.
    @Test func nakFollowsTheRequestKind() throws {
        let expandedRequest = try EAPPacket(code: .request, identifier: 8, expandedType: .microsoftSoH)
        let answer = try EAPPacket.nakResponse(answering: expandedRequest, desired: [.ietf(.mschapv2)])
        #expect(answer.expandedType == .expandedNak)
        #expect(answer.identifier == 8)
        #expect(try answer.nakDesiredTypes() == [.ietf(.mschapv2)])

        let legacyRequest = try EAPPacket(code: .request, identifier: 9, type: .md5Challenge, typeData: pattern(17))
        let legacy = try EAPPacket.nakResponse(answering: legacyRequest,
                                               desired: [.ietf(.peap), .microsoftCapabilities, .ietf(.tls)])
        #expect(legacy.type == .nak)
        #expect(legacy.typeData == [25, 13, 254])
        #expect(try legacy.nakDesiredTypes() == [.ietf(.peap), .ietf(.tls), .ietf(.expanded)])
    }

    @Test func malformedExpandedNak() throws {
        let ragged = try EAPPacket(code: .response, identifier: 1, expandedType: .expandedNak, typeData: pattern(7))
        #expect(throws: EAPError(.lengthMismatch, "")) { try ragged.nakDesiredTypes() }
        let notStartingWith254 = try EAPPacket(code: .response, identifier: 1, expandedType: .expandedNak,
                                               typeData: hex("19 000000 00000019"))
        #expect(throws: EAPError(.invalidExpandedType, "")) { try notStartingWith254.nakDesiredTypes() }
        #expect(throws: EAPError(.unexpectedType, "")) {
            try EAPPacket.notificationResponse(identifier: 1).nakDesiredTypes()
        }
    }
}
