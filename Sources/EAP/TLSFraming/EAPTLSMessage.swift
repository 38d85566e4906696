import TLS

/// The Flags octet of EAP-TLS (RFC 5216 §3.1) and of the methods that reuse its framing: PEAP ([MS-PEAP]
/// §2.2.2, with a version in the low bits) and EAP-TLS inside PEAP. The low three bits are carried separately
/// as ``EAPTLSMessage/version``.
public struct EAPTLSFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0xF8 }

    /// L: a 4-octet TLS Message Length follows the flags.
    public static let lengthIncluded = EAPTLSFlags(rawValue: 0x80)
    /// M: more fragments of this TLS message follow.
    public static let moreFragments = EAPTLSFlags(rawValue: 0x40)
    /// S: EAP-TLS/PEAP Start, sent only by the server in its first request.
    public static let start = EAPTLSFlags(rawValue: 0x20)

    public var description: String {
        var letters = ""
        if contains(.lengthIncluded) { letters += "L" }
        if contains(.moreFragments) { letters += "M" }
        if contains(.start) { letters += "S" }
        let other = rawValue & 0x18
        if other != 0 { letters += "+0x" + [other].uppercaseHexString }
        return letters.isEmpty ? "-" : letters
    }
}

/// The Type-Data of one EAP-TLS-framed packet: Flags, optional TLS Message Length, TLS data (RFC 5216 §3.1).
///
/// `version` is the low three bits of the Flags octet: the PEAP version ([MS-PEAP] §2.2.2) and 0 for EAP-TLS.
/// Bits 0x18 are reserved; they are kept as received and ignored.
public struct EAPTLSMessage: Hashable, Sendable, CustomStringConvertible {
    public let flags: EAPTLSFlags
    public let version: UInt8
    /// The TLS Message Length when the L flag is set: the size of the whole TLS message being fragmented.
    public let tlsMessageLength: UInt32?
    public let data: [UInt8]

    /// Builds a message; the L flag follows `tlsMessageLength` (present ⇔ L).
    public init(flags: EAPTLSFlags = [], version: UInt8 = 0, tlsMessageLength: UInt32? = nil, data: [UInt8] = [])
        throws(EAPError)
    {
        guard version <= 0x07 else {
            throw EAPError(.invalidConfiguration, "version \(version) does not fit in the 3 low flag bits")
        }
        var flags = flags
        if tlsMessageLength != nil { flags.insert(.lengthIncluded) } else { flags.remove(.lengthIncluded) }
        self.flags = flags
        self.version = version
        self.tlsMessageLength = tlsMessageLength
        self.data = data
    }

    /// Validates, then decodes the Type-Data of an EAP-TLS/PEAP packet.
    public init(typeData: [UInt8]) throws(EAPError) {
        guard let first = typeData.first else {
            throw EAPError(.truncated, "EAP-TLS Type-Data is empty; the Flags octet is required", offset: 0)
        }
        let flags = EAPTLSFlags(rawValue: first)
        var offset = 1
        var length: UInt32? = nil
        if flags.contains(.lengthIncluded) {
            guard typeData.count >= 5 else {
                throw EAPError(.truncated, "L flag set but only \(typeData.count - 1) octets follow the flags; "
                               + "the TLS Message Length needs 4", offset: 1)
            }
            length = typeData.be32(at: 1)
            offset = 5
        }
        self.flags = flags
        self.version = first & 0x07
        self.tlsMessageLength = length
        self.data = Array(typeData[offset...])
    }

    /// Flags, optional length, data.
    public func encode() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + (tlsMessageLength == nil ? 0 : 4) + data.count)
        out.append(flags.rawValue | version)
        if let tlsMessageLength { out.appendBE32(tlsMessageLength) }
        out += data
        return out
    }

    /// An EAP-TLS/PEAP Start (RFC 5216 §2.1.1, [MS-PEAP] §2.2.5). Its data, if any, is not TLS (PEAP outer TLVs).
    public var isStart: Bool { flags.contains(.start) }

    /// A fragment acknowledgement (RFC 5216 §2.1.5, [MS-PEAP] §2.2.3): no L, M or S flag and no data. The
    /// version bits may be set (PEAP).
    public var isAck: Bool { flags.intersection([.lengthIncluded, .moreFragments, .start]).isEmpty && data.isEmpty }

    /// The acknowledgement a peer sends for each fragment it receives (RFC 5216 §2.1.5, [MS-PEAP] §2.2.3).
    public static func ack(version: UInt8 = 0) -> EAPTLSMessage {
        EAPTLSMessage(uncheckedVersion: version & 0x07)
    }

    private init(uncheckedVersion version: UInt8) {
        self.flags = []
        self.version = version
        self.tlsMessageLength = nil
        self.data = []
    }

    public var description: String {
        var text = "flags=\(flags) ver=\(version)"
        if let tlsMessageLength { text += " tlsLength=\(tlsMessageLength)" }
        return text + " data=\(data.count)"
    }
}

extension EAPPacket {
    /// The EAP-TLS/PEAP Type-Data of this packet, decoded.
    public func tlsMessage() throws(EAPError) -> EAPTLSMessage {
        try EAPTLSMessage(typeData: typeData)
    }

    /// A Response of `type` (``EAPType/tls`` or ``EAPType/peap``) carrying `message`.
    public static func tlsResponse(identifier: UInt8, type: EAPType, message: EAPTLSMessage) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: type, typeData: message.encode())
    }

    /// The fragment ACK Response for `request` (RFC 5216 §2.1.5): same Type, flags only (version bits for PEAP).
    public static func tlsAck(identifier: UInt8, type: EAPType, version: UInt8 = 0) throws(EAPError) -> EAPPacket {
        try tlsResponse(identifier: identifier, type: type, message: .ack(version: version))
    }
}
