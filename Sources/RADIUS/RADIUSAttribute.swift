/// One attribute as it travels (RFC 2865 §5): a type octet and up to 253 octets of value, kept raw.
///
/// Typed views (integers, addresses, VSAs, names) come from ``RADIUSDictionary``; the packet layer never
/// interprets values except where the RFCs require it (User-Password hiding, Message-Authenticator,
/// EAP-Message concatenation).
public struct RADIUSAttribute: Hashable, Sendable {
    /// The largest value an attribute can carry: the Length octet counts the 2-octet header.
    public static let maximumValueLength = 253

    public var type: UInt8
    public var value: [UInt8]

    public init(type: UInt8, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    public init(_ type: RADIUSAttributeType, _ value: [UInt8]) {
        self.init(type: type.rawValue, value: value)
    }

    /// A `string` attribute: the UTF-8 octets of `text`, no terminator (RFC 2865 §5).
    public init(_ type: RADIUSAttributeType, string text: String) {
        self.init(type: type.rawValue, value: Array(text.utf8))
    }

    /// An `integer` attribute: 4 octets, network order (RFC 2865 §5).
    public init(_ type: RADIUSAttributeType, integer: UInt32) {
        self.init(type: type.rawValue, value: integer.bigEndianBytes)
    }

    /// The type as a ``RADIUSAttributeType`` for comparisons such as `attribute.kind == .state`.
    public var kind: RADIUSAttributeType { RADIUSAttributeType(rawValue: type) }

    /// The value read as a 4-octet integer, or nil when it is not 4 octets.
    public var integerValue: UInt32? {
        guard value.count == 4 else { return nil }
        return UInt32(bigEndianBytes: value[...])
    }

    /// The value as UTF-8 text, or nil when it is not valid UTF-8.
    public var stringValue: String? { String(validating: value, as: UTF8.self) }
}

/// Attribute numbers of the RADIUS RFCs, for building and matching packets without a dictionary.
///
/// `RADIUSAttribute.type` stays a plain `UInt8`; this wrapper gives names (`.eapMessage`) and accepts
/// integer literals (`79`), so both spellings work wherever a type is asked for.
public struct RADIUSAttributeType: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt8) { self.rawValue = value }
    public var description: String { "\(rawValue)" }

    // RFC 2865 §5
    public static let userName: Self = 1
    public static let userPassword: Self = 2
    public static let chapPassword: Self = 3
    public static let nasIPAddress: Self = 4
    public static let nasPort: Self = 5
    public static let serviceType: Self = 6
    public static let framedProtocol: Self = 7
    public static let framedIPAddress: Self = 8
    public static let framedMTU: Self = 12
    public static let replyMessage: Self = 18
    public static let state: Self = 24
    public static let `class`: Self = 25
    public static let vendorSpecific: Self = 26
    public static let sessionTimeout: Self = 27
    public static let idleTimeout: Self = 28
    public static let terminationAction: Self = 29
    public static let calledStationId: Self = 30
    public static let callingStationId: Self = 31
    public static let nasIdentifier: Self = 32
    public static let proxyState: Self = 33
    public static let chapChallenge: Self = 60
    public static let nasPortType: Self = 61
    // RFC 2866 §5
    public static let acctStatusType: Self = 40
    public static let acctDelayTime: Self = 41
    public static let acctSessionId: Self = 44
    public static let acctAuthentic: Self = 45
    public static let acctSessionTime: Self = 46
    public static let acctTerminateCause: Self = 49
    // RFC 2868 §3
    public static let tunnelType: Self = 64
    public static let tunnelMediumType: Self = 65
    public static let tunnelPassword: Self = 69
    public static let tunnelPrivateGroupId: Self = 81
    // RFC 2869 §5
    public static let eventTimestamp: Self = 55
    public static let connectInfo: Self = 77
    public static let eapMessage: Self = 79
    public static let messageAuthenticator: Self = 80
    public static let acctInterimInterval: Self = 85
    public static let nasPortId: Self = 87
    // RFC 4372
    public static let chargeableUserIdentity: Self = 89
    // RFC 3162
    public static let nasIPv6Address: Self = 95
    // RFC 5176 §3.5
    public static let errorCause: Self = 101
    // RFC 4072 §6.2
    public static let eapKeyName: Self = 102
}

extension Array where Element == RADIUSAttribute {
    /// The first value of attributes of `type`, in wire order.
    public func first(_ type: RADIUSAttributeType) -> [UInt8]? {
        first(where: { $0.type == type.rawValue })?.value
    }

    /// Every value of attributes of `type`, in wire order (attributes may repeat).
    public func all(_ type: RADIUSAttributeType) -> [[UInt8]] {
        filter { $0.type == type.rawValue }.map(\.value)
    }

    /// Whether any attribute of `type` is present.
    public func contains(_ type: RADIUSAttributeType) -> Bool {
        contains(where: { $0.type == type.rawValue })
    }

    /// The EAP packet carried by the EAP-Message attributes, concatenated in order (RFC 3579 §3.1);
    /// nil when there is none. An EAP-Message of length 2 (EAP-Start) yields an empty array.
    public var eapMessage: [UInt8]? {
        var found = false
        var out: [UInt8] = []
        for attribute in self where attribute.type == RADIUSAttributeType.eapMessage.rawValue {
            found = true
            out += attribute.value
        }
        return found ? out : nil
    }

    /// Appends `eap` as EAP-Message attributes of at most 253 octets each, in order (RFC 3579 §3.1).
    /// An empty packet becomes one empty EAP-Message (EAP-Start, RFC 3579 §2.1).
    public mutating func appendEAPMessage(_ eap: [UInt8]) {
        append(contentsOf: RADIUSAttribute.eapMessage(eap))
    }
}

extension RADIUSAttribute {
    /// `eap` split into EAP-Message attributes of at most 253 octets (RFC 3579 §3.1).
    public static func eapMessage(_ eap: [UInt8]) -> [RADIUSAttribute] {
        guard !eap.isEmpty else { return [RADIUSAttribute(.eapMessage, [])] }
        var pieces: [RADIUSAttribute] = []
        var start = 0
        while start < eap.count {
            let end = Swift.min(start + maximumValueLength, eap.count)
            pieces.append(RADIUSAttribute(.eapMessage, Array(eap[start..<end])))
            start = end
        }
        return pieces
    }
}

// MARK: - Big-endian helpers shared by the module

extension FixedWidthInteger {
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: self.bigEndian) { Array($0) }
    }

    init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        var value: Self = 0
        for byte in bytes { value = value << 8 | Self(byte) }
        self = value
    }
}
