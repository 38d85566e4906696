/// The type of an EAP-TLV ([MS-PEAP] §2.2.4, §2.2.8.1; the PEAP TLV registry of draft-josefsson-pppext-eap-tls-
/// eap-10 §4.2): 14 bits.
public struct EAPTLVType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x3FFF }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue & 0x3FFF }

    public static let result = EAPTLVType(3)
    public static let nak = EAPTLVType(4)
    public static let error = EAPTLVType(5)
    public static let vendorSpecific = EAPTLVType(7)
    public static let eapPayload = EAPTLVType(9)
    public static let intermediateResult = EAPTLVType(10)
    public static let cryptoBinding = EAPTLVType(12)

    public var name: String? {
        switch rawValue {
        case 3: return "Result"
        case 4: return "NAK"
        case 5: return "Error"
        case 7: return "Vendor-Specific"
        case 9: return "EAP-Payload"
        case 10: return "Intermediate-Result"
        case 12: return "Crypto-Binding"
        default: return nil
        }
    }

    public var description: String { name.map { "\($0) (\(rawValue))" } ?? "TLV \(rawValue)" }
}

/// One TLV: M (mandatory) bit, R (reserved) bit, 14-bit type, 16-bit length, value ([MS-PEAP] §2.2.4).
public struct EAPTLV: Hashable, Sendable, CustomStringConvertible {
    public let mandatory: Bool
    /// The R bit, kept as received; sent as 0.
    public let reserved: Bool
    public let type: EAPTLVType
    public let value: [UInt8]

    public init(mandatory: Bool, type: EAPTLVType, value: [UInt8]) throws(EAPError) {
        guard value.count <= 0xFFFF else {
            throw EAPError(.packetTooLong, "a TLV value of \(value.count) octets exceeds the 16-bit Length")
        }
        self.init(unchecked: mandatory, reserved: false, type: type, value: value)
    }

    /// For values whose length is known to fit.
    init(unchecked mandatory: Bool, reserved: Bool, type: EAPTLVType, value: [UInt8]) {
        self.mandatory = mandatory
        self.reserved = reserved
        self.type = type
        self.value = value
    }

    /// Validates, then decodes a sequence of TLVs filling `bytes` exactly (the Type-Data of an EAP-TLV packet).
    public static func parse(_ bytes: [UInt8]) throws(EAPError) -> [EAPTLV] {
        var out = [EAPTLV]()
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 4 else {
                throw EAPError(.malformedTLV, "\(bytes.count - offset) octets left, a TLV header needs 4",
                               offset: offset)
            }
            let header = bytes.be16(at: offset)
            let length = Int(bytes.be16(at: offset + 2))
            guard offset + 4 + length <= bytes.count else {
                throw EAPError(.malformedTLV, "TLV \(header & 0x3FFF) Length \(length) overruns the message by "
                               + "\(offset + 4 + length - bytes.count) octets", offset: offset + 2)
            }
            out.append(EAPTLV(unchecked: header & 0x8000 != 0, reserved: header & 0x4000 != 0,
                              type: EAPTLVType(header), value: Array(bytes[(offset + 4)..<(offset + 4 + length)])))
            offset += 4 + length
        }
        return out
    }

    public func encode() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(4 + value.count)
        out.appendBE16((mandatory ? 0x8000 : 0) | type.rawValue)
        out.appendBE16(UInt16(value.count))
        out += value
        return out
    }

    public var description: String { "\(mandatory ? "mandatory " : "")\(type) length=\(value.count)" }
}

/// The Status of a Result TLV ([MS-PEAP] §2.2.8.1.2): 1 success, 2 failure.
public struct EAPTLVResultStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let success = EAPTLVResultStatus(rawValue: 1)
    public static let failure = EAPTLVResultStatus(rawValue: 2)

    public var description: String {
        switch self {
        case .success: return "success"
        case .failure: return "failure"
        default: return "status \(rawValue)"
        }
    }

    /// Reads a Result TLV: a 2-octet status.
    public init(tlv: EAPTLV) throws(EAPError) {
        guard tlv.type == .result else { throw EAPError(.unexpectedType, "\(tlv) is not a Result TLV") }
        guard tlv.value.count == 2 else {
            throw EAPError(.malformedTLV, "Result TLV Length \(tlv.value.count), must be 2")
        }
        self.init(rawValue: tlv.value.be16(at: 0))
    }

    /// The Result TLV carrying this status; mandatory, as hostapd and Windows send it.
    public var tlv: EAPTLV {
        var value = [UInt8]()
        value.appendBE16(rawValue)
        return EAPTLV(unchecked: true, reserved: false, type: .result, value: value)
    }
}

/// The NAK TLV ([MS-PEAP] §2.2.8.1 via draft-josefsson §4.2.3): Vendor-Id (4), NAK-Type (2), optional TLVs.
public struct EAPTLVNak: Hashable, Sendable {
    public let vendorID: UInt32
    public let nakType: EAPTLVType
    public let trailing: [UInt8]

    public init(vendorID: UInt32 = 0, nakType: EAPTLVType, trailing: [UInt8] = []) {
        self.vendorID = vendorID
        self.nakType = nakType
        self.trailing = trailing
    }

    public init(tlv: EAPTLV) throws(EAPError) {
        guard tlv.type == .nak else { throw EAPError(.unexpectedType, "\(tlv) is not a NAK TLV") }
        guard tlv.value.count >= 6 else {
            throw EAPError(.malformedTLV, "NAK TLV Length \(tlv.value.count), at least 6 required")
        }
        self.init(vendorID: tlv.value.be32(at: 0), nakType: EAPTLVType(tlv.value.be16(at: 4)),
                  trailing: Array(tlv.value[6...]))
    }

    /// The NAK TLV, mandatory, as hostapd sends it.
    public func tlv() throws(EAPError) -> EAPTLV {
        var value = [UInt8]()
        value.appendBE32(vendorID)
        value.appendBE16(nakType.rawValue)
        return try EAPTLV(mandatory: true, type: .nak, value: value + trailing)
    }
}

/// The Crypto-Binding TLV ([MS-PEAP] §2.2.8.1.1): Reserved, Version, RecvVersion, SubType (0 request,
/// 1 response), a 32-octet Nonce and the 20-octet Compound MAC — a 56-octet value.
public struct CryptoBindingTLV: Hashable, Sendable {
    public static let valueLength = 56

    public enum SubType: UInt8, Hashable, Sendable {
        case request = 0
        case response = 1
    }

    public let reserved: UInt8
    public let version: UInt8
    public let receivedVersion: UInt8
    /// The raw SubType octet; see ``subType``.
    public let subTypeValue: UInt8
    public let nonce: [UInt8]
    public let compoundMAC: [UInt8]

    public var subType: SubType? { SubType(rawValue: subTypeValue) }

    public init(reserved: UInt8 = 0, version: UInt8 = 0, receivedVersion: UInt8 = 0, subType: SubType,
                nonce: [UInt8], compoundMAC: [UInt8] = [UInt8](repeating: 0, count: 20)) throws(EAPError) {
        guard nonce.count == 32, compoundMAC.count == 20 else {
            throw EAPError(.invalidKeyLength, "nonce of \(nonce.count) and MAC of \(compoundMAC.count) octets; "
                           + "32 and 20 are required")
        }
        self.reserved = reserved
        self.version = version
        self.receivedVersion = receivedVersion
        self.subTypeValue = subType.rawValue
        self.nonce = nonce
        self.compoundMAC = compoundMAC
    }

    /// Reads a Crypto-Binding TLV; its value must be exactly 56 octets.
    public init(tlv: EAPTLV) throws(EAPError) {
        guard tlv.type == .cryptoBinding else {
            throw EAPError(.unexpectedType, "\(tlv) is not a Crypto-Binding TLV")
        }
        guard tlv.value.count == Self.valueLength else {
            throw EAPError(.malformedTLV, "Crypto-Binding TLV Length \(tlv.value.count), must be 56")
        }
        let v = tlv.value
        self.reserved = v[0]
        self.version = v[1]
        self.receivedVersion = v[2]
        self.subTypeValue = v[3]
        self.nonce = Array(v[4..<36])
        self.compoundMAC = Array(v[36..<56])
    }

    /// The same TLV with a different Compound MAC (zeros while computing it).
    public func with(compoundMAC: [UInt8]) throws(EAPError) -> CryptoBindingTLV {
        guard let subType else {
            throw EAPError(.invalidCryptoBinding, "SubType \(subTypeValue) is neither request nor response")
        }
        return try CryptoBindingTLV(reserved: reserved, version: version, receivedVersion: receivedVersion,
                                    subType: subType, nonce: nonce, compoundMAC: compoundMAC)
    }

    /// The TLV, not mandatory (M = 0), as Windows and hostapd send it.
    public var tlv: EAPTLV {
        let value = [reserved, version, receivedVersion, subTypeValue] + nonce + compoundMAC
        return EAPTLV(unchecked: false, reserved: false, type: .cryptoBinding, value: value)
    }
}

/// An EAP-TLV Request (type 33) as the peer sees it after phase 2 ([MS-PEAP] §2.2.8.1, §3.2.5.4.x).
///
/// Result and Crypto-Binding are understood (at most one each), NAK TLVs are collected; any other TLV is kept
/// in ``tlvs``. The first *mandatory* TLV of another type is ``unsupportedMandatory``: the peer must answer
/// with a NAK TLV for it (``EAPPacket/tlvNakResponse(identifier:unsupported:)``) and process nothing else of
/// the message; optional unknown TLVs are ignored.
public struct EAPTLVRequest: Hashable, Sendable {
    public let tlvs: [EAPTLV]
    public let result: EAPTLVResultStatus?
    public let cryptoBinding: CryptoBindingTLV?
    public let naks: [EAPTLVNak]
    public let unsupportedMandatory: EAPTLV?

    /// The types this peer implements.
    public static let understood: Set<EAPTLVType> = [.result, .cryptoBinding, .nak]

    public init(typeData: [UInt8]) throws(EAPError) {
        let tlvs = try EAPTLV.parse(typeData)
        var result: EAPTLVResultStatus? = nil
        var binding: CryptoBindingTLV? = nil
        var naks = [EAPTLVNak]()
        var unsupported: EAPTLV? = nil
        for tlv in tlvs {
            switch tlv.type {
            case .result:
                guard result == nil else { throw EAPError(.duplicateTLV, "two Result TLVs in one message") }
                result = try EAPTLVResultStatus(tlv: tlv)
            case .cryptoBinding:
                guard binding == nil else { throw EAPError(.duplicateTLV, "two Crypto-Binding TLVs in one message") }
                binding = try CryptoBindingTLV(tlv: tlv)
            case .nak:
                naks.append(try EAPTLVNak(tlv: tlv))
            default:
                if tlv.mandatory && unsupported == nil { unsupported = tlv }
            }
        }
        self.tlvs = tlvs
        self.result = result
        self.cryptoBinding = binding
        self.naks = naks
        self.unsupportedMandatory = unsupported
    }

    /// Decodes an EAP packet, which must be a Request of type EAP-TLV (33).
    public init(packet: EAPPacket) throws(EAPError) {
        guard packet.code == .request, packet.type == .tlv else {
            throw EAPError(.unexpectedType, "\(packet) is not an EAP-TLV Request")
        }
        try self.init(typeData: packet.typeData)
    }
}

extension EAPPacket {
    /// An EAP-TLV Response (type 33) carrying `tlvs` in order.
    public static func tlvResponse(identifier: UInt8, tlvs: [EAPTLV]) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: .tlv, typeData: tlvs.flatMap { $0.encode() })
    }

    /// The answer to an unsupported mandatory TLV: one NAK TLV with Vendor-Id 0 and that TLV's type
    /// ([MS-PEAP] §2.2.8.1, as hostapd's `eap_tlv_build_nak`).
    public static func tlvNakResponse(identifier: UInt8, unsupported type: EAPTLVType) throws(EAPError) -> EAPPacket {
        try tlvResponse(identifier: identifier, tlvs: [EAPTLVNak(vendorID: 0, nakType: type).tlv()])
    }

    /// The answer to a Result TLV: our Result, followed by our Crypto-Binding response when there is one
    /// ([MS-PEAP] §3.2.5.4.x; the order hostapd and Windows use).
    public static func tlvResultResponse(identifier: UInt8, status: EAPTLVResultStatus,
                                         cryptoBinding: CryptoBindingTLV? = nil) throws(EAPError) -> EAPPacket {
        var tlvs = [status.tlv]
        if let cryptoBinding { tlvs.append(cryptoBinding.tlv) }
        return try tlvResponse(identifier: identifier, tlvs: tlvs)
    }
}
