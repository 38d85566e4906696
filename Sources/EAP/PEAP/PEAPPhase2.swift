/// PEAPv0 phase-2 framing ([MS-PEAP] §3.1.5.6) and the Microsoft expanded methods a peer meets in the tunnel.
///
/// Inside the tunnel the server "compresses" inner EAP packets by removing Code, Identifier and Length, except
/// for the EAP-TLV Extensions Method (type 33), the Capabilities Negotiation Method and the SoH EAP Extensions
/// Method (Expanded Type 254, vendor 311, types 34 and 33), which keep their header. The peer decompresses with
/// the outer packet's Code and Identifier, and compresses its responses by the same rule.
public enum PEAPPhase2 {
    /// Whether packets of this type travel with their 4-octet header (§3.1.5.6).
    public static func keepsHeader(type: EAPType?, expandedType: EAPExpandedType?) -> Bool {
        if type == .tlv { return true }
        if let expandedType, expandedType == .microsoftSoH || expandedType == .microsoftCapabilities {
            return true
        }
        return false
    }

    /// Whether `plaintext` starts with a whole EAP header rather than a Type octet.
    ///
    /// Recognised: a Request of type 33 or 254/vendor 311 whose Length is consistent (≥ 5 and not beyond the
    /// data); a 5-octet Identity Request with its header (FreeRADIUS sends one); a 4-octet Success or Failure.
    /// A compressed packet starts with its Type, and the types that could collide here (1 Identity, 3 Nak,
    /// 4 MD5-Challenge) would need a Length field consistent with the data in their 3rd and 4th octets.
    public static func hasFullHeader(_ plaintext: [UInt8]) -> Bool {
        guard plaintext.count >= 4 else { return false }
        let code = plaintext[0]
        let length = Int(plaintext.be16(at: 2))
        if code == EAPCode.success.rawValue || code == EAPCode.failure.rawValue {
            return plaintext.count == 4 && length == 4
        }
        guard code == EAPCode.request.rawValue, plaintext.count >= 5, length >= 5, length <= plaintext.count else {
            return false
        }
        switch EAPType(plaintext[4]) {
        case .tlv:
            return true
        case .expanded:
            return length >= 12 && plaintext.be24(at: 5) == EAPExpandedType.microsoftVendorID
        case .identity:
            return length == 5 && plaintext.count == 5
        default:
            return false
        }
    }

    /// Decodes the decrypted phase-2 data of one outer PEAP Request as an inner EAP packet, rebuilding the header
    /// from the outer Identifier when it was compressed. A full header is accepted wherever it arrives (NPS sends
    /// EAP-TLV with its header); its own Identifier is kept.
    public static func decodeInnerRequest(_ plaintext: [UInt8], outerIdentifier: UInt8) throws(EAPError) -> EAPPacket {
        guard !plaintext.isEmpty else {
            throw EAPError(.truncated, "empty phase-2 data: no inner EAP Type", offset: 0)
        }
        if hasFullHeader(plaintext) {
            return try EAPPacket(decoding: plaintext)
        }
        let length = plaintext.count + EAPPacket.headerLength
        guard length <= EAPPacket.maximumLength else {
            throw EAPError(.packetTooLong, "\(plaintext.count) octets of phase-2 data exceed one EAP packet")
        }
        var packet = [EAPCode.request.rawValue, outerIdentifier]
        packet.reserveCapacity(length)
        packet.appendBE16(UInt16(length))
        packet += plaintext
        return try EAPPacket(decoding: packet)
    }

    /// The phase-2 plaintext for an inner response: the whole packet for EAP-TLV and the Microsoft expanded
    /// methods (and for any packet without a Type), the packet without its 4-octet header otherwise.
    public static func encodeInnerResponse(_ packet: EAPPacket) -> [UInt8] {
        let encoded = packet.encode()
        guard packet.type != nil, !keepsHeader(type: packet.type, expandedType: packet.expandedType) else {
            return encoded
        }
        return Array(encoded[EAPPacket.headerLength...])
    }

    // MARK: - Capabilities Negotiation Method ([MS-PEAP] §2.2.8.3)

    /// The F (fragmentation capability) bit of the 4-octet Vendor-Data: bit 31 in the specification's MSB-first
    /// numbering, i.e. the least significant bit. Bits 0–30 are reserved: sent as zero, ignored on receipt.
    public static let fragmentationCapability: UInt32 = 0x0000_0001

    /// Reads a Capabilities Method Request; returns whether the server supports phase-2 fragmentation.
    public static func capabilitiesRequestAllowsFragmentation(_ packet: EAPPacket) throws(EAPError) -> Bool {
        guard packet.code == .request, packet.expandedType == .microsoftCapabilities else {
            throw EAPError(.unexpectedType, "\(packet) is not a Capabilities Method Request")
        }
        guard packet.typeData.count >= 4 else {
            throw EAPError(.truncated, "Capabilities Vendor-Data of \(packet.typeData.count) octets, 4 required",
                           offset: 12)
        }
        return packet.typeData.be32(at: 0) & fragmentationCapability != 0
    }

    /// The Capabilities Method Response (§2.2.8.3.2, §3.2.5.4.6): F set when this peer reassembles and sends
    /// fragmented phase-2 packets.
    public static func capabilitiesResponse(identifier: UInt8, supportsFragmentation: Bool) throws(EAPError) -> EAPPacket {
        var data = [UInt8]()
        data.appendBE32(supportsFragmentation ? fragmentationCapability : 0)
        return try EAPPacket(code: .response, identifier: identifier, expandedType: .microsoftCapabilities,
                             typeData: data)
    }

    // MARK: - SoH EAP Extensions Method ([MS-PEAP] §2.2.8.2)

    /// Whether `packet` is an SoH Request (Statement of Health, NAP).
    public static func isSoHRequest(_ packet: EAPPacket) -> Bool {
        packet.code == .request && packet.expandedType == .microsoftSoH
    }

    /// The answer of a peer without NAP to an SoH or Capabilities Request ([MS-PEAP] §3.2.5.4.5–3.2.5.4.6: "an
    /// EAP NAK packet as per [RFC3748]", compressed): a legacy Nak listing the inner method the peer wants,
    /// which is what hostapd sends and NPS accepts. `expanded: true` sends the Expanded Nak RFC 3748 §5.3.2
    /// prescribes for an expanded request instead.
    public static func nakResponse(answering request: EAPPacket, desired: [EAPType], expanded: Bool = false) throws(EAPError)
        -> EAPPacket
    {
        if expanded {
            return try EAPPacket.expandedNak(identifier: request.identifier, desired: desired.map(EAPExpandedType.ietf))
        }
        return try EAPPacket.nak(identifier: request.identifier, desired: desired)
    }
}
