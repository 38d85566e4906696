import Foundation
import TLS
import Testing
@testable import EAP

/// The PEAPv0 crypto-binding vectors in Vectors/peap-cryptobinding-vectors.txt (a copy of
/// /work/shared/reference/peap-cryptobinding-vectors.txt): every value in the file is checked.
@Suite struct CryptoBindingTests {
    static func vectors() throws -> [String: [UInt8]] {
        guard let url = Bundle.module.url(forResource: "peap-cryptobinding-vectors", withExtension: "txt",
                                          subdirectory: "Vectors")
        else { throw EAPError(.truncated, "vector file missing from the test bundle") }
        var out = [String: [UInt8]]()
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            guard !line.hasPrefix("#") else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            out[parts[0]] = hex(parts[1])
        }
        return out
    }

    @Test func vectorFileHasEveryValue() throws {
        let v = try Self.vectors()
        #expect(Set(v.keys) == ["eapolTK", "eapolISK", "eapolIPMK", "eapolCMK", "eapolMacDataRx", "eapolCMACRx",
                                "eapolMacDataTx", "eapolCMACTx"])
        #expect(v["eapolTK"]?.count == 60)
    }

    @Test func ipmkAndCMKFromTKAndISK() throws {
        let v = try Self.vectors()
        let keys = try PEAPCryptoBinding.compoundKeys(tunnelKey: v["eapolTK"]!, innerSessionKey: v["eapolISK"]!)
        #expect(keys.ipmk == v["eapolIPMK"]!)
        #expect(keys.cmk == v["eapolCMK"]!)
    }

    /// The MAC data in the file is the Crypto-Binding TLV with its MAC zeroed; the Compound MAC also covers the
    /// PEAP type octet 0x19 appended to it.
    @Test func serverRequestMACVerifies() throws {
        let v = try Self.vectors()
        let macData = v["eapolMacDataRx"]!
        let tlvs = try EAPTLV.parse(macData)
        #expect(tlvs.count == 1)
        let zeroed = try CryptoBindingTLV(tlv: tlvs[0])
        #expect(zeroed.subType == .request)
        #expect(zeroed.tlv.encode() == macData)
        #expect(try PEAPCryptoBinding.compoundMAC(cmk: v["eapolCMK"]!, binding: zeroed) == v["eapolCMACRx"]!)

        let request = try zeroed.with(compoundMAC: v["eapolCMACRx"]!)
        try PEAPCryptoBinding.verifyRequest(request, cmk: v["eapolCMK"]!)
    }

    /// Our response echoes the nonce with SubType 1 and carries the vector's Compound MAC.
    @Test func peerResponseMatchesTheVector() throws {
        let v = try Self.vectors()
        let request = try CryptoBindingTLV(tlv: EAPTLV.parse(v["eapolMacDataRx"]!)[0]).with(
            compoundMAC: v["eapolCMACRx"]!)
        let response = try PEAPCryptoBinding.response(to: request, cmk: v["eapolCMK"]!)
        #expect(response.subType == .response)
        #expect(response.nonce == request.nonce)
        #expect(response.version == 0 && response.receivedVersion == 0)
        #expect(response.compoundMAC == v["eapolCMACTx"]!)
        #expect(try response.with(compoundMAC: [UInt8](repeating: 0, count: 20)).tlv.encode() == v["eapolMacDataTx"]!)

        // The full EAP-TLV Response: Result (success, mandatory) then the Crypto-Binding TLV.
        let packet = try EAPPacket.tlvResultResponse(identifier: 11, status: .success, cryptoBinding: response)
        #expect(packet.encode() == hex("02 0b 0047 21 8003 0002 0001") + v["eapolMacDataTx"]!.prefix(40)
            + v["eapolCMACTx"]!)
    }

    /// The whole chain from the inner MS-CHAPv2 run to the MACs: NT-Response → ISK → IPMK/CMK → MACs.
    @Test func chainFromTheInnerMethod() throws {
        let v = try Self.vectors()
        let isk = try MSCHAPv2.peerInnerSessionKey(
            passwordHash: MSCHAPv2.ntPasswordHash("pass"),
            ntResponse: hex("A6BAEBE788E5C0CD705FB3FD3E812A2FF699A34493FB5126"))
        let keys = try PEAPCryptoBinding.compoundKeys(tunnelKey: v["eapolTK"]!, innerSessionKey: isk)
        #expect(keys.cmk == v["eapolCMK"]!)
    }

    @Test func tamperedRequestsFail() throws {
        let v = try Self.vectors()
        let cmk = v["eapolCMK"]!
        let good = try CryptoBindingTLV(tlv: EAPTLV.parse(v["eapolMacDataRx"]!)[0]).with(compoundMAC: v["eapolCMACRx"]!)

        var mac = v["eapolCMACRx"]!
        mac[19] ^= 1
        #expect(throws: EAPError(.compoundMACMismatch, "")) {
            try PEAPCryptoBinding.verifyRequest(good.with(compoundMAC: mac), cmk: cmk)
        }
        var otherNonce = good.nonce
        otherNonce[0] ^= 0x80
        let replayed = try CryptoBindingTLV(subType: .request, nonce: otherNonce, compoundMAC: good.compoundMAC)
        #expect(throws: EAPError(.compoundMACMismatch, "")) { try PEAPCryptoBinding.verifyRequest(replayed, cmk: cmk) }
        // A wrong ISK (e.g. the zero ISK of a keyless inner method) gives another CMK.
        let zeroKeys = try PEAPCryptoBinding.compoundKeys(tunnelKey: v["eapolTK"]!,
                                                          innerSessionKey: PEAPCryptoBinding.noInnerSessionKey)
        #expect(throws: EAPError(.compoundMACMismatch, "")) {
            try PEAPCryptoBinding.verifyRequest(good, cmk: zeroKeys.cmk)
        }
        let asResponse = try CryptoBindingTLV(subType: .response, nonce: good.nonce, compoundMAC: good.compoundMAC)
        #expect(throws: EAPError(.invalidCryptoBinding, "")) {
            try PEAPCryptoBinding.verifyRequest(asResponse, cmk: cmk)
        }
        let version1 = try CryptoBindingTLV(version: 1, subType: .request, nonce: good.nonce,
                                            compoundMAC: good.compoundMAC)
        #expect(throws: EAPError(.invalidCryptoBinding, "")) { try PEAPCryptoBinding.verifyRequest(version1, cmk: cmk) }
    }

    /// PRF+ blocks chain as documented: T1 = HMAC(K, S‖01 00 00), T2 = HMAC(K, T1‖S‖02 00 00); a longer output
    /// extends a shorter one.
    @Test func prfPlusStructure() throws {
        let key = pattern(40)
        let seed = Array("label".utf8)
        let t1 = HMAC.sha1(key: key, seed, [1, 0, 0])
        let t2 = HMAC.sha1(key: key, t1, seed, [2, 0, 0])
        #expect(try PEAPCryptoBinding.prfPlus(key: key, seed: seed, length: 40) == t1 + t2)
        #expect(try PEAPCryptoBinding.prfPlus(key: key, seed: seed, length: 25) == Array((t1 + t2).prefix(25)))
        #expect(try PEAPCryptoBinding.prfPlus(key: key, seed: seed, length: 0).isEmpty)
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try PEAPCryptoBinding.prfPlus(key: key, seed: seed, length: 255 * 20 + 1)
        }
    }

    /// CSK = PRF+(IPMK, "Session Key Generating Function\0", 128) from the vector IPMK; the expected value was
    /// computed independently (Python hmac/hashlib with the formula of the vector file's header). MPPE send is
    /// CSK[0..<32], receive CSK[32..<64].
    @Test func compoundSessionKeyAndMPPEKeys() throws {
        let v = try Self.vectors()
        let csk = try PEAPCryptoBinding.compoundSessionKey(ipmk: v["eapolIPMK"]!)
        #expect(csk == hex("""
            9f44e317a00a19440562940044c3b3a4d9f78d772af08621f3c92bbd3ebd07e0b6a2a3ab20c939523d742eab6f170c2b\
            eedad2d19137e4aec2eeaf1c0c8330c2141778ef4d9dbb33fdf18d79c27cdc872e7ba60c9327748d69eb8067fa497d49\
            a5806a7051aa1ec3f16638b651c16b83c55763333c4ae0f0112819d0073398e8
            """))
        let keys = try PEAPCryptoBinding.peerMPPEKeys(ipmk: v["eapolIPMK"]!)
        #expect(keys.send == Array(csk[0..<32]))
        #expect(keys.receive == Array(csk[32..<64]))
        #expect(keys.msk == Array(csk[0..<64]))
    }

    @Test func keysWithoutBindingAndFastReconnect() throws {
        let v = try Self.vectors()
        let material = pattern(128)
        let plain = try PEAPCryptoBinding.peerMPPEKeys(keyMaterial: material)
        #expect(plain.send == Array(material[0..<32]) && plain.receive == Array(material[32..<64]))
        #expect(throws: EAPError(.invalidKeyLength, "")) { try PEAPCryptoBinding.peerMPPEKeys(keyMaterial: [1]) }
        let fast = try PEAPCryptoBinding.fastReconnectKeys(tunnelKey: v["eapolTK"]!)
        #expect(fast.ipmk == Array(v["eapolTK"]![0..<40]) && fast.cmk == Array(v["eapolTK"]![40..<60]))
    }

    /// [MS-PEAP] §3.1.5.5.2.2: InnerMPPESendKey ‖ InnerMPPERecvKey, cut or zero-padded to 32 octets.
    @Test func innerSessionKeyShapes() {
        let send = pattern(16, seed: 1)
        let receive = pattern(16, seed: 2)
        #expect(PEAPCryptoBinding.peerInnerSessionKey(sendKey: send, receiveKey: receive) == send + receive)
        let tlsSend = pattern(32, seed: 3)
        #expect(PEAPCryptoBinding.peerInnerSessionKey(sendKey: tlsSend, receiveKey: pattern(32)) == tlsSend)
        #expect(PEAPCryptoBinding.peerInnerSessionKey(sendKey: [1], receiveKey: [2])
            == [1, 2] + [UInt8](repeating: 0, count: 30))
        #expect(PEAPCryptoBinding.noInnerSessionKey == [UInt8](repeating: 0, count: 32))
    }

    @Test func keyLengthErrors() throws {
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try PEAPCryptoBinding.compoundKeys(tunnelKey: pattern(39), innerSessionKey: pattern(32))
        }
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try PEAPCryptoBinding.compoundKeys(tunnelKey: pattern(60), innerSessionKey: pattern(16))
        }
        #expect(throws: EAPError(.invalidKeyLength, "")) { try PEAPCryptoBinding.compoundSessionKey(ipmk: pattern(20)) }
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try PEAPCryptoBinding.fastReconnectKeys(tunnelKey: pattern(59))
        }
        let binding = try CryptoBindingTLV(subType: .request, nonce: pattern(32))
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try PEAPCryptoBinding.compoundMAC(cmk: pattern(16), binding: binding)
        }
    }
}
