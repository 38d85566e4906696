import Testing
import EAP

@Suite struct EAPTLVTests {
    /// What NPS sends after a successful inner method: Result (success, mandatory) and a Crypto-Binding request.
    @Test func npsResultAndCryptoBindingRequest() throws {
        let binding = try CryptoBindingTLV(subType: .request, nonce: pattern(32), compoundMAC: pattern(20, seed: 9))
        let typeData = hex("8003 0002 0001") + binding.tlv.encode()
        let packet = try EAPPacket(code: .request, identifier: 12, type: .tlv, typeData: typeData)
        let request = try EAPTLVRequest(packet: packet)
        #expect(request.result == .success)
        #expect(request.cryptoBinding == binding)
        #expect(request.unsupportedMandatory == nil)
        #expect(request.tlvs.count == 2)
        #expect(request.tlvs[0].mandatory && !request.tlvs[1].mandatory)
    }

    @Test func resultFailure() throws {
        let request = try EAPTLVRequest(typeData: hex("8003 0002 0002"))
        #expect(request.result == .failure)
        #expect(request.cryptoBinding == nil)
        let answer = try EAPPacket.tlvResultResponse(identifier: 3, status: .failure)
        #expect(answer.encode() == hex("02 03 000b 21 8003 0002 0002"))
    }

    /// An unknown mandatory TLV is answered with a NAK TLV (Vendor-Id 0, the TLV type); optional ones are
    /// ignored.
    @Test func unknownMandatoryAndOptional() throws {
        let request = try EAPTLVRequest(typeData: hex("0020 0001 ff  8003 0002 0001  801e 0000"))
        #expect(request.result == .success)
        #expect(request.unsupportedMandatory?.type == EAPTLVType(30))
        #expect(request.tlvs.count == 3)
        let nak = try EAPPacket.tlvNakResponse(identifier: 5, unsupported: EAPTLVType(30))
        #expect(nak.encode() == hex("02 05 000f 21 8004 0006 00000000 001e"))

        let optionalOnly = try EAPTLVRequest(typeData: hex("0020 0001 ff  8003 0002 0001"))
        #expect(optionalOnly.unsupportedMandatory == nil)
        #expect(optionalOnly.result == .success)
    }

    @Test func nakTLVRoundTrip() throws {
        let request = try EAPTLVRequest(typeData: hex("8004 0006 00000137 000c"))
        #expect(request.naks == [EAPTLVNak(vendorID: 311, nakType: .cryptoBinding)])
        #expect(request.unsupportedMandatory == nil)
        #expect(try EAPTLVNak(vendorID: 311, nakType: .cryptoBinding).tlv().encode() == hex("8004 0006 00000137 000c"))
    }

    @Test func reservedBitIsKeptAndTypeIs14Bits() throws {
        let tlvs = try EAPTLV.parse(hex("c003 0002 0001"))
        #expect(tlvs[0].mandatory && tlvs[0].reserved)
        #expect(tlvs[0].type == .result)
        #expect(tlvs[0].encode() == hex("8003 0002 0001"))  // R is sent as 0
        #expect(EAPTLVType(0xFFFF).rawValue == 0x3FFF)
    }

    @Test(arguments: [
        ("80", EAPError.Code.malformedTLV),                        // header cut
        ("8003 00", .malformedTLV),
        ("8003 0003 0001", .malformedTLV),                          // length overruns
        ("8003 0002 0001 00", .malformedTLV),                       // trailing octet, not a TLV
        ("8003 0001 01", .malformedTLV),                            // Result with a 1-octet status
        ("8003 0003 000100", .malformedTLV),
        ("000c 0037" + String(repeating: "00", count: 55), .malformedTLV),  // Crypto-Binding of 55
        ("8004 0004 00000000", .malformedTLV),                      // NAK TLV too short
        ("8003 0002 0001 8003 0002 0002", .duplicateTLV),
    ])
    func malformed(bytes: String, code: EAPError.Code) {
        #expect(throws: EAPError(code, "")) { try EAPTLVRequest(typeData: hex(bytes)) }
    }

    @Test func duplicateCryptoBinding() throws {
        let binding = try CryptoBindingTLV(subType: .request, nonce: pattern(32)).tlv.encode()
        #expect(throws: EAPError(.duplicateTLV, "")) { try EAPTLVRequest(typeData: binding + binding) }
    }

    @Test func emptyRequestHasNothing() throws {
        let request = try EAPTLVRequest(typeData: [])
        #expect(request.tlvs.isEmpty && request.result == nil && request.cryptoBinding == nil)
    }

    @Test func notAnEAPTLVRequest() throws {
        let packet = try EAPPacket(code: .response, identifier: 1, type: .tlv, typeData: [])
        #expect(throws: EAPError(.unexpectedType, "")) { try EAPTLVRequest(packet: packet) }
        #expect(throws: EAPError(.unexpectedType, "")) {
            try EAPTLVResultStatus(tlv: EAPTLV(mandatory: true, type: .nak, value: [0, 1]))
        }
        #expect(throws: EAPError(.unexpectedType, "")) {
            try CryptoBindingTLV(tlv: EAPTLV(mandatory: false, type: .result, value: pattern(56)))
        }
    }

    @Test func unknownResultStatusIsKept() throws {
        let request = try EAPTLVRequest(typeData: hex("8003 0002 0007"))
        #expect(request.result == EAPTLVResultStatus(rawValue: 7))
        #expect(request.result?.description == "status 7")
    }

    @Test func cryptoBindingBuilderChecksLengths() {
        #expect(throws: EAPError(.invalidKeyLength, "")) { try CryptoBindingTLV(subType: .request, nonce: [1]) }
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try CryptoBindingTLV(subType: .request, nonce: pattern(32), compoundMAC: [1])
        }
    }

    @Test func unknownSubTypeIsRefusedWhenSigning() throws {
        let value: [UInt8] = [0, 0, 0, 5] + pattern(52)
        let odd = try CryptoBindingTLV(tlv: EAPTLV(mandatory: false, type: .cryptoBinding, value: value))
        #expect(odd.subType == nil)
        #expect(throws: EAPError(.invalidCryptoBinding, "")) {
            try PEAPCryptoBinding.verifyRequest(odd, cmk: pattern(20))
        }
    }
}
