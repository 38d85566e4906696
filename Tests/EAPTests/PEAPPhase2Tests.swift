import Testing
import EAP

@Suite struct PEAPPhase2Tests {
    /// A compressed inner Identity Request (just the Type octet) gets the outer Code and Identifier back.
    @Test func compressedIdentityRequest() throws {
        let packet = try PEAPPhase2.decodeInnerRequest([0x01], outerIdentifier: 9)
        #expect(packet.encode() == hex("01 09 0005 01"))
    }

    @Test func compressedMSCHAPv2Challenge() throws {
        let typeData = hex("01 09 0015 10") + pattern(16)
        let packet = try PEAPPhase2.decodeInnerRequest([0x1a] + typeData, outerIdentifier: 9)
        #expect(packet.code == .request && packet.identifier == 9 && packet.type == .mschapv2)
        #expect(packet.typeData == typeData)
        guard case .challenge = try MSCHAPv2Request(packet: packet) else {
            Issue.record("not a Challenge")
            return
        }
    }

    /// NPS sends EAP-TLV with its header; its own Identifier is kept.
    @Test func tlvArrivesWithItsHeader() throws {
        let full = hex("01 0c 000b 21 8003 0002 0001")
        let packet = try PEAPPhase2.decodeInnerRequest(full, outerIdentifier: 11)
        #expect(packet.type == .tlv)
        #expect(packet.identifier == 12)
        #expect(try EAPTLVRequest(packet: packet).result == .success)
    }

    /// A server that compresses EAP-TLV anyway is understood too.
    @Test func tlvArrivingCompressed() throws {
        let packet = try PEAPPhase2.decodeInnerRequest(hex("21 8003 0002 0001"), outerIdentifier: 11)
        #expect(packet.type == .tlv && packet.identifier == 11)
    }

    /// FreeRADIUS sends the inner Identity Request with a full header (hostapd handles the same case).
    @Test func identityWithHeader() throws {
        let packet = try PEAPPhase2.decodeInnerRequest(hex("01 05 0005 01"), outerIdentifier: 6)
        #expect(packet.identifier == 5 && packet.type == .identity && packet.typeData.isEmpty)
    }

    @Test func capabilitiesAndSoHKeepTheirHeader() throws {
        let capabilities = hex("01 07 0010 fe 000137 00000022 00000001")
        let packet = try PEAPPhase2.decodeInnerRequest(capabilities, outerIdentifier: 8)
        #expect(packet.identifier == 7)
        #expect(packet.expandedType == .microsoftCapabilities)
        #expect(try PEAPPhase2.capabilitiesRequestAllowsFragmentation(packet))

        let soh = hex("01 07 0014 fe 000137 00000021 0007 0004 00000137")
        let sohPacket = try PEAPPhase2.decodeInnerRequest(soh, outerIdentifier: 8)
        #expect(PEAPPhase2.isSoHRequest(sohPacket))
        #expect(!PEAPPhase2.isSoHRequest(packet))
    }

    /// Expanded types of other vendors are compressed like any method.
    @Test func otherVendorsAreCompressed() throws {
        let packet = try PEAPPhase2.decodeInnerRequest(hex("fe 00abcd 00000001 ff"), outerIdentifier: 2)
        #expect(packet.identifier == 2)
        #expect(packet.expandedType == EAPExpandedType(vendorID: 0xABCD, vendorType: 1))
        #expect(packet.typeData == [0xFF])
    }

    /// Inner Success/Failure (hostapd handles them for PEAPv1) arrive as 4-octet packets.
    @Test func successAndFailureHeaders() throws {
        #expect(try PEAPPhase2.decodeInnerRequest(hex("03 04 0004"), outerIdentifier: 1).code == .success)
        #expect(try PEAPPhase2.decodeInnerRequest(hex("04 04 0004"), outerIdentifier: 1).code == .failure)
    }

    /// Compressed data whose first octets look like a header but whose Length does not fit stays compressed:
    /// an MD5-Challenge (type 4) starting 04 10 … is not a Failure.
    @Test func lookalikesStayCompressed() throws {
        let md5 = hex("04 10") + pattern(16)
        let packet = try PEAPPhase2.decodeInnerRequest(md5, outerIdentifier: 3)
        #expect(packet.type == .md5Challenge && packet.identifier == 3)
        // Identity with a prompt: 01 then text.
        let prompt = try PEAPPhase2.decodeInnerRequest([0x01] + Array("Hello!".utf8), outerIdentifier: 3)
        #expect(prompt.type == .identity && prompt.typeData == Array("Hello!".utf8))
        // A header whose Length runs past the data is not taken as a header.
        #expect(!PEAPPhase2.hasFullHeader(hex("01 0c 00ff 21 8003")))
    }

    @Test func malformedInnerData() {
        #expect(throws: EAPError(.truncated, "")) { try PEAPPhase2.decodeInnerRequest([], outerIdentifier: 1) }
        // A full-header TLV request that is itself fine but an expanded header cut short is refused.
        #expect(throws: EAPError(.invalidExpandedType, "")) {
            try PEAPPhase2.decodeInnerRequest(hex("fe 000137"), outerIdentifier: 1)
        }
        #expect(throws: EAPError(.packetTooLong, "")) {
            try PEAPPhase2.decodeInnerRequest([0x1a] + [UInt8](repeating: 0, count: 65532), outerIdentifier: 1)
        }
    }

    // MARK: Responses

    @Test func responsesAreCompressedExceptTLVAndMicrosoftTypes() throws {
        let identity = try EAPPacket.identityResponse(identifier: 5, identity: "bob")
        #expect(PEAPPhase2.encodeInnerResponse(identity) == [0x01] + Array("bob".utf8))

        let tlv = try EAPPacket.tlvResultResponse(identifier: 12, status: .success)
        #expect(PEAPPhase2.encodeInnerResponse(tlv) == hex("02 0c 000b 21 8003 0002 0001"))

        let capabilities = try PEAPPhase2.capabilitiesResponse(identifier: 7, supportsFragmentation: true)
        #expect(PEAPPhase2.encodeInnerResponse(capabilities) == hex("02 07 0010 fe 000137 00000022 00000001"))

        let nak = try EAPPacket.nak(identifier: 7, desired: [.mschapv2])
        #expect(PEAPPhase2.encodeInnerResponse(nak) == hex("03 1a"))
    }

    /// decode(compress(x)) gives x back for the compressed types.
    @Test func roundTripThroughTheTunnel() throws {
        let request = try EAPPacket(code: .request, identifier: 40, type: .mschapv2, typeData: pattern(30))
        let compressed = Array(request.encode().dropFirst(4))
        #expect(try PEAPPhase2.decodeInnerRequest(compressed, outerIdentifier: 40) == request)
        let tlv = try EAPPacket(code: .request, identifier: 41, type: .tlv, typeData: hex("8003 0002 0001"))
        #expect(try PEAPPhase2.decodeInnerRequest(tlv.encode(), outerIdentifier: 99) == tlv)
    }

    @Test func capabilitiesResponseWithoutFragmentation() throws {
        let response = try PEAPPhase2.capabilitiesResponse(identifier: 3, supportsFragmentation: false)
        #expect(response.encode() == hex("02 03 0010 fe 000137 00000022 00000000"))
        let noF = try EAPPacket(code: .request, identifier: 1, expandedType: .microsoftCapabilities,
                                typeData: hex("fffffffe"))
        #expect(try !PEAPPhase2.capabilitiesRequestAllowsFragmentation(noF))
        let short = try EAPPacket(code: .request, identifier: 1, expandedType: .microsoftCapabilities, typeData: [1])
        #expect(throws: EAPError(.truncated, "")) { try PEAPPhase2.capabilitiesRequestAllowsFragmentation(short) }
        #expect(throws: EAPError(.unexpectedType, "")) {
            try PEAPPhase2.capabilitiesRequestAllowsFragmentation(response)
        }
    }

    /// Without NAP the peer NAKs an SoH request, naming its inner method (legacy Nak, compressed, as hostapd).
    @Test func sohNak() throws {
        let soh = try EAPPacket(code: .request, identifier: 7, expandedType: .microsoftSoH,
                                typeData: hex("0007 0004 00000137"))
        let legacy = try PEAPPhase2.nakResponse(answering: soh, desired: [.mschapv2])
        #expect(PEAPPhase2.encodeInnerResponse(legacy) == hex("03 1a"))
        #expect(legacy.identifier == 7)
        let expanded = try PEAPPhase2.nakResponse(answering: soh, desired: [.mschapv2], expanded: true)
        #expect(PEAPPhase2.encodeInnerResponse(expanded) == hex("fe 000000 00000003 fe 000000 0000001a"))
    }

    @Test func keepsHeaderTable() {
        #expect(PEAPPhase2.keepsHeader(type: .tlv, expandedType: nil))
        #expect(PEAPPhase2.keepsHeader(type: .expanded, expandedType: .microsoftSoH))
        #expect(PEAPPhase2.keepsHeader(type: .expanded, expandedType: .microsoftCapabilities))
        #expect(!PEAPPhase2.keepsHeader(type: .expanded, expandedType: EAPExpandedType(vendorID: 311, vendorType: 1)))
        #expect(!PEAPPhase2.keepsHeader(type: .mschapv2, expandedType: nil))
        #expect(!PEAPPhase2.keepsHeader(type: .tls, expandedType: nil))
    }
}
