/// The EAP Code field (RFC 3748 §4). Initiate and Finish come from EAP Re-authentication (RFC 6696 §5.3); they
/// are decoded so that a conversation can show them, not acted on.
public enum EAPCode: UInt8, Hashable, Sendable, CustomStringConvertible {
    case request = 1
    case response = 2
    case success = 3
    case failure = 4
    case initiate = 5
    case finish = 6

    public var description: String {
        switch self {
        case .request: return "Request"
        case .response: return "Response"
        case .success: return "Success"
        case .failure: return "Failure"
        case .initiate: return "Initiate"
        case .finish: return "Finish"
        }
    }
}

/// The Type field of an EAP Request or Response (RFC 3748 §5, IANA "Method Types").
///
/// A struct rather than an enum: any octet may arrive on the wire, and unknown types must survive a round trip.
public struct EAPType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// RFC 3748 §5.1.
    public static let identity = EAPType(1)
    /// RFC 3748 §5.2.
    public static let notification = EAPType(2)
    /// Legacy Nak, responses only (RFC 3748 §5.3.1).
    public static let nak = EAPType(3)
    /// RFC 3748 §5.4.
    public static let md5Challenge = EAPType(4)
    /// One-Time Password (RFC 3748 §5.5).
    public static let otp = EAPType(5)
    /// Generic Token Card (RFC 3748 §5.6).
    public static let gtc = EAPType(6)
    /// EAP-TLS (RFC 5216, RFC 9190).
    public static let tls = EAPType(13)
    /// EAP-TTLS (RFC 5281).
    public static let ttls = EAPType(21)
    /// PEAP ([MS-PEAP] §2.2.2).
    public static let peap = EAPType(25)
    /// EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2).
    public static let mschapv2 = EAPType(26)
    /// EAP-TLV, which [MS-PEAP] §2.2.8.1 calls the "EAP TLV Extensions Method".
    public static let tlv = EAPType(33)
    /// Another name for ``tlv``.
    public static let extensions = EAPType(33)
    /// Expanded Type: Vendor-Id and Vendor-Type follow (RFC 3748 §5.7).
    public static let expanded = EAPType(254)
    /// Experimental (RFC 3748 §5.8).
    public static let experimental = EAPType(255)

    /// The conventional name, `nil` for a type this table does not know.
    public var name: String? {
        switch rawValue {
        case 1: return "Identity"
        case 2: return "Notification"
        case 3: return "Nak"
        case 4: return "MD5-Challenge"
        case 5: return "OTP"
        case 6: return "GTC"
        case 13: return "EAP-TLS"
        case 21: return "EAP-TTLS"
        case 25: return "PEAP"
        case 26: return "EAP-MSCHAPv2"
        case 33: return "EAP-TLV"
        case 254: return "Expanded"
        case 255: return "Experimental"
        default: return nil
        }
    }

    public var description: String { name.map { "\($0) (\(rawValue))" } ?? "type \(rawValue)" }
}

/// An Expanded Type: a 24-bit Vendor-Id and a 32-bit Vendor-Type (RFC 3748 §5.7). Vendor-Id 0 is the IETF
/// namespace, so `EAPExpandedType(vendorID: 0, vendorType: 26)` names EAP-MSCHAPv2 in an Expanded Nak.
public struct EAPExpandedType: Hashable, Sendable, CustomStringConvertible {
    public let vendorID: UInt32
    public let vendorType: UInt32

    public init(vendorID: UInt32, vendorType: UInt32) {
        self.vendorID = vendorID
        self.vendorType = vendorType
    }

    /// An IETF (legacy) type in the expanded namespace.
    public static func ietf(_ type: EAPType) -> EAPExpandedType {
        EAPExpandedType(vendorID: 0, vendorType: UInt32(type.rawValue))
    }

    /// Microsoft's SMI Network Management Private Enterprise Code, 311 (0x000137).
    public static let microsoftVendorID: UInt32 = 311
    /// The SoH EAP Extensions Method ([MS-PEAP] §2.2.8.2): vendor 311, type 33.
    public static let microsoftSoH = EAPExpandedType(vendorID: 311, vendorType: 33)
    /// The Capabilities Negotiation Method ([MS-PEAP] §2.2.8.3): vendor 311, type 34.
    public static let microsoftCapabilities = EAPExpandedType(vendorID: 311, vendorType: 34)
    /// The Expanded Nak itself: vendor 0, type 3 (RFC 3748 §5.3.2).
    public static let expandedNak = EAPExpandedType(vendorID: 0, vendorType: 3)

    /// The IETF type this names, when the vendor is 0 and the type fits in an octet.
    public var ietfType: EAPType? {
        vendorID == 0 && vendorType <= 0xFF ? EAPType(UInt8(vendorType)) : nil
    }

    public var description: String {
        switch self {
        case .microsoftSoH: return "Microsoft SoH (311/33)"
        case .microsoftCapabilities: return "Microsoft Capabilities (311/34)"
        default:
            if let type = ietfType { return "IETF \(type)" }
            return "vendor \(vendorID) type \(vendorType)"
        }
    }
}
