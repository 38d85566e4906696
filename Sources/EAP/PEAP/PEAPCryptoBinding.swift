import TLS

/// PEAPv0 crypto-binding and key derivation ([MS-PEAP] §3.1.5.5–3.1.5.7).
///
/// Inputs: the Tunnel Key (TK), the first 60 octets of TLS-PRF(master secret, "client EAP encryption",
/// client.random ‖ server.random) that the TLS layer exports (§3.1.5.5.2.1), and the Inner Session Key (ISK)
/// from the inner method. Outputs: IPMK and CMK, the Compound MAC of the Crypto-Binding TLVs, and the MPPE keys
/// (CSK).
///
/// Checked against /work/shared/reference/peap-cryptobinding-vectors.txt (an eapol_test run against an
/// NPS-compatible server).
public enum PEAPCryptoBinding {
    /// TK is 60 octets; IPMK derivation uses its first 40 ("TempKey").
    public static let tunnelKeyLength = 60
    public static let innerSessionKeyLength = 32

    /// The ISK when the inner method derives no keys: 32 zero octets (§3.1.5.5.2).
    public static let noInnerSessionKey = [UInt8](repeating: 0, count: 32)

    /// PRF+ as PEAPv0 computes it (§3.1.5.5.2.2, hostapd `peap_prfplus` version 0):
    /// T1 = HMAC-SHA1(K, S ‖ 0x01 ‖ 0x00 ‖ 0x00), Tn = HMAC-SHA1(K, Tn-1 ‖ S ‖ n ‖ 0x00 ‖ 0x00);
    /// output T1 ‖ T2 … cut to `length` (at most 255 × 20 octets).
    public static func prfPlus(key: [UInt8], seed: [UInt8], length: Int) throws(EAPError) -> [UInt8] {
        guard length >= 0, length <= 255 * 20 else {
            throw EAPError(.invalidKeyLength, "PRF+ output of \(length) octets exceeds 255 blocks")
        }
        var out = [UInt8]()
        out.reserveCapacity(length + 20)
        var previous = [UInt8]()
        var counter: UInt8 = 1
        while out.count < length {
            previous = HMAC.sha1(key: key, previous, seed, [counter, 0x00, 0x00])
            out += previous
            counter &+= 1
        }
        return Array(out.prefix(length))
    }

    /// The peer's ISK from the inner method's MPPE keys (§3.1.5.5.2.2): InnerMPPESendKey ‖ InnerMPPERecvKey, cut
    /// to 32 octets when longer and padded with zeros when shorter. For inner EAP-MSCHAPv2 this is
    /// ``MSCHAPv2/peerInnerSessionKey(passwordHash:ntResponse:)``; for inner EAP-TLS, whose MPPE keys are the
    /// first 32 and next 32 octets of its key material, it is the first 32 octets of that key material (what
    /// hostapd's `eap_peap_get_isk` takes from the inner MSK). With no keys, use ``noInnerSessionKey``.
    public static func peerInnerSessionKey(sendKey: [UInt8], receiveKey: [UInt8]) -> [UInt8] {
        let joined = sendKey + receiveKey
        if joined.count >= innerSessionKeyLength { return Array(joined.prefix(innerSessionKeyLength)) }
        return joined + [UInt8](repeating: 0, count: innerSessionKeyLength - joined.count)
    }

    /// IPMK (40 octets) and CMK (20 octets).
    public struct CompoundKeys: Hashable, Sendable {
        public let ipmk: [UInt8]
        public let cmk: [UInt8]
    }

    /// IPMK ‖ CMK = PRF+(TK[0..<40], "Inner Methods Compound Keys" ‖ ISK, 60) (§3.1.5.5.2.2; the label has no
    /// terminating NUL here, unlike the CSK label).
    public static func compoundKeys(tunnelKey: [UInt8], innerSessionKey: [UInt8]) throws(EAPError) -> CompoundKeys {
        guard tunnelKey.count >= 40 else {
            throw EAPError(.invalidKeyLength, "the Tunnel Key must hold at least 40 octets, not \(tunnelKey.count)")
        }
        guard innerSessionKey.count == innerSessionKeyLength else {
            throw EAPError(.invalidKeyLength, "the ISK must be 32 octets, not \(innerSessionKey.count)")
        }
        let seed = Array("Inner Methods Compound Keys".utf8) + innerSessionKey
        let keys = try prfPlus(key: Array(tunnelKey.prefix(40)), seed: seed, length: 60)
        return CompoundKeys(ipmk: Array(keys[0..<40]), cmk: Array(keys[40..<60]))
    }

    /// After a fast reconnect (no inner method): IPMK = TK[0..<40], CMK = TK[40..<60] (§3.1.5.5.2.2).
    public static func fastReconnectKeys(tunnelKey: [UInt8]) throws(EAPError) -> CompoundKeys {
        guard tunnelKey.count >= tunnelKeyLength else {
            throw EAPError(.invalidKeyLength, "the Tunnel Key must hold 60 octets, not \(tunnelKey.count)")
        }
        return CompoundKeys(ipmk: Array(tunnelKey[0..<40]), cmk: Array(tunnelKey[40..<60]))
    }

    /// The Compound MAC (§3.1.5.5.1): HMAC-SHA1(CMK, Crypto-Binding TLV with its MAC zeroed ‖ PEAP type 0x19).
    /// PEAPv0 has no outer TLVs; they are not supported.
    public static func compoundMAC(cmk: [UInt8], binding: CryptoBindingTLV) throws(EAPError) -> [UInt8] {
        guard cmk.count == 20 else { throw EAPError(.invalidKeyLength, "the CMK is 20 octets, not \(cmk.count)") }
        let zeroed = try binding.with(compoundMAC: [UInt8](repeating: 0, count: 20))
        return HMAC.sha1(key: cmk, zeroed.tlv.encode(), [EAPType.peap.rawValue])
    }

    /// Validates the server's Crypto-Binding request (§3.2.5.3): Version 0, SubType request, and a Compound
    /// MAC that verifies (compared in constant time). RecvVersion is not checked.
    public static func verifyRequest(_ request: CryptoBindingTLV, cmk: [UInt8]) throws(EAPError) {
        guard request.version == 0 else {
            throw EAPError(.invalidCryptoBinding, "Crypto-Binding Version \(request.version), PEAPv0 uses 0")
        }
        guard request.subType == .request else {
            throw EAPError(.invalidCryptoBinding, "Crypto-Binding SubType \(request.subTypeValue), expected 0 "
                           + "(request)")
        }
        let expected = try compoundMAC(cmk: cmk, binding: request)
        guard constantTimeEquals(expected, request.compoundMAC) else {
            throw EAPError(.compoundMACMismatch, "the server's Compound MAC does not verify: the tunnel or the "
                           + "inner method keys differ (man in the middle, or a wrong ISK)")
        }
    }

    /// The peer's Crypto-Binding response (§3.2.5.4.x): Version 0, RecvVersion the negotiated PEAP version,
    /// SubType response, the request's Nonce echoed, and our Compound MAC.
    public static func response(to request: CryptoBindingTLV, cmk: [UInt8], peapVersion: UInt8 = 0) throws(EAPError)
        -> CryptoBindingTLV
    {
        let unsigned = try CryptoBindingTLV(version: 0, receivedVersion: peapVersion, subType: .response,
                                            nonce: request.nonce)
        return try unsigned.with(compoundMAC: compoundMAC(cmk: cmk, binding: unsigned))
    }

    /// CSK = PRF+(IPMK, "Session Key Generating Function" ‖ 0x00, 128) (§3.1.5.7).
    public static func compoundSessionKey(ipmk: [UInt8]) throws(EAPError) -> [UInt8] {
        guard ipmk.count == 40 else { throw EAPError(.invalidKeyLength, "the IPMK is 40 octets, not \(ipmk.count)") }
        return try prfPlus(key: ipmk, seed: Array("Session Key Generating Function".utf8) + [0x00], length: 128)
    }

    /// The PEAP peer's MPPE keys: send = first 32 octets, receive = next 32 (§3.1.5.7); the MSK is both.
    public struct MPPEKeys: Hashable, Sendable {
        public let send: [UInt8]
        public let receive: [UInt8]
        /// send ‖ receive, 64 octets: the MSK hostapd exports.
        public var msk: [UInt8] { send + receive }
    }

    /// MPPE keys after a successful crypto-binding exchange: from the CSK.
    public static func peerMPPEKeys(ipmk: [UInt8]) throws(EAPError) -> MPPEKeys {
        let csk = try compoundSessionKey(ipmk: ipmk)
        return MPPEKeys(send: Array(csk[0..<32]), receive: Array(csk[32..<64]))
    }

    /// MPPE keys without crypto-binding: the first 64 octets of the "client EAP encryption" key material.
    public static func peerMPPEKeys(keyMaterial: [UInt8]) throws(EAPError) -> MPPEKeys {
        guard keyMaterial.count >= 64 else {
            throw EAPError(.invalidKeyLength, "key material of \(keyMaterial.count) octets, 64 needed")
        }
        return MPPEKeys(send: Array(keyMaterial[0..<32]), receive: Array(keyMaterial[32..<64]))
    }
}
