/// A RADIUS packet (RFC 2865 §3): code, identifier, 16-octet authenticator and raw attributes in wire order.
///
/// Decoding validates first (``validate(_:)``) and never traps on input. Building requests and signing replies
/// (authenticators, Message-Authenticator, User-Password hiding) lives in `RADIUSPacket+Signing.swift`.
public struct RADIUSPacket: Hashable, Sendable {
    /// RFC 2865 §3: the header is 20 octets and a packet at most 4096.
    public static let headerLength = 20
    public static let maximumLength = 4096
    public static let authenticatorLength = 16

    public var code: RADIUSCode
    public var identifier: UInt8
    /// The Request or Response Authenticator, 16 octets.
    public var authenticator: [UInt8]
    /// Attributes in wire order; types may repeat.
    public var attributes: [RADIUSAttribute]

    public init(code: RADIUSCode, identifier: UInt8, authenticator: [UInt8], attributes: [RADIUSAttribute] = []) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
    }

    /// The length this packet has on the wire.
    public var encodedLength: Int {
        attributes.reduce(Self.headerLength) { $0 + 2 + $1.value.count }
    }

    /// The packet as it goes on the wire, exactly as it stands: nothing is computed or hidden.
    ///
    /// - Precondition: the authenticator is 16 octets and every value at most 253 octets; packets from
    ///   ``init(decoding:)`` and the request/reply builders always are (``checkEncodable()`` says why not).
    public func encode() -> [UInt8] {
        precondition(authenticator.count == Self.authenticatorLength, "RADIUS authenticator must be 16 octets")
        let length = encodedLength
        precondition(length <= Int(UInt16.max), "RADIUS packet too long to encode")
        var out: [UInt8] = []
        out.reserveCapacity(length)
        out.append(code.rawValue)
        out.append(identifier)
        out.append(UInt8(length >> 8))
        out.append(UInt8(length & 0xFF))
        out += authenticator
        for attribute in attributes {
            precondition(attribute.value.count <= RADIUSAttribute.maximumValueLength, "RADIUS attribute too long")
            out.append(attribute.type)
            out.append(UInt8(attribute.value.count + 2))
            out += attribute.value
        }
        return out
    }

    /// Checks that ``encode()`` can represent this packet within RFC limits (values ≤ 253, total ≤ 4096).
    public func checkEncodable() throws(RADIUSError) {
        guard authenticator.count == Self.authenticatorLength else {
            throw RADIUSError(
                .invalidAuthenticatorLength, "the authenticator has \(authenticator.count) octets, not 16")
        }
        var offset = Self.headerLength
        for attribute in attributes {
            guard attribute.value.count <= RADIUSAttribute.maximumValueLength else {
                throw RADIUSError(
                    .attributeTooLong,
                    "attribute \(attribute.type) has \(attribute.value.count) octets of value; at most 253 fit",
                    offset: offset)
            }
            offset += 2 + attribute.value.count
        }
        guard offset <= Self.maximumLength else {
            throw RADIUSError(.packetTooLong, "the packet would be \(offset) octets; RFC 2865 §3 allows 4096")
        }
    }

    // MARK: - Validation, then decoding

    /// Checks a received datagram before anything is decoded (RFC 2865 §3, §5; RFC 3579 §3.2):
    /// header present, Length field within 20…4096 and within the datagram (octets beyond Length are
    /// padding and ignored), attributes exactly filling the packet, each at least 2 long and not overrunning,
    /// no attribute type 0, at most one Message-Authenticator and that one 18 octets long.
    ///
    /// Unknown codes pass: they decode and are flagged by `code.isKnown`; reply verification rejects them.
    public static func validate(_ bytes: [UInt8]) throws(RADIUSError) {
        _ = try validatedLength(bytes)
    }

    /// Validates `bytes` and returns the packet's Length field.
    static func validatedLength(_ bytes: [UInt8]) throws(RADIUSError) -> Int {
        guard bytes.count >= headerLength else {
            throw RADIUSError(
                .datagramTooShort, "the datagram has \(bytes.count) octets; a RADIUS header needs 20", offset: 0)
        }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= headerLength else {
            throw RADIUSError(.lengthFieldTooSmall, "the Length field says \(length); the minimum is 20", offset: 2)
        }
        guard length <= maximumLength else {
            throw RADIUSError(.lengthFieldTooLarge, "the Length field says \(length); the maximum is 4096", offset: 2)
        }
        guard length <= bytes.count else {
            throw RADIUSError(
                .lengthExceedsDatagram,
                "the Length field says \(length) but the datagram has \(bytes.count) octets (truncated)", offset: 2)
        }
        var offset = headerLength
        var seenMessageAuthenticator = false
        while offset < length {
            guard length - offset >= 2 else {
                throw RADIUSError(
                    .attributeHeaderTruncated,
                    "one octet is left at the end of the packet where an attribute header needs two", offset: offset)
            }
            let type = bytes[offset]
            let attributeLength = Int(bytes[offset + 1])
            guard type != 0 else {
                throw RADIUSError(.invalidAttributeType, "attribute type 0 is not defined", offset: offset)
            }
            guard attributeLength >= 2 else {
                throw RADIUSError(
                    .attributeTooShort, "attribute \(type) has Length \(attributeLength); the minimum is 2",
                    offset: offset)
            }
            guard offset + attributeLength <= length else {
                throw RADIUSError(
                    .attributeOverrun,
                    "attribute \(type) has Length \(attributeLength) but only \(length - offset) octets remain",
                    offset: offset)
            }
            if type == RADIUSAttributeType.messageAuthenticator.rawValue {
                guard attributeLength == 18 else {
                    throw RADIUSError(
                        .invalidMessageAuthenticatorLength,
                        "Message-Authenticator has Length \(attributeLength); RFC 3579 §3.2 requires 18",
                        offset: offset)
                }
                guard !seenMessageAuthenticator else {
                    throw RADIUSError(
                        .duplicateMessageAuthenticator, "a second Message-Authenticator (RFC 3579 §3.3 allows one)",
                        offset: offset)
                }
                seenMessageAuthenticator = true
            }
            offset += attributeLength
        }
        return length
    }

    /// Validates and decodes a datagram. Octets beyond the Length field are ignored (RFC 2865 §3).
    public init(decoding bytes: [UInt8]) throws(RADIUSError) {
        let length = try Self.validatedLength(bytes)
        var attributes: [RADIUSAttribute] = []
        var offset = Self.headerLength
        while offset < length {
            let attributeLength = Int(bytes[offset + 1])
            attributes.append(
                RADIUSAttribute(type: bytes[offset], value: Array(bytes[(offset + 2)..<(offset + attributeLength)])))
            offset += attributeLength
        }
        self.init(
            code: RADIUSCode(bytes[0]), identifier: bytes[1], authenticator: Array(bytes[4..<20]),
            attributes: attributes)
    }
}

extension RADIUSPacket: CustomStringConvertible {
    public var description: String {
        "\(code) id=\(identifier) length=\(encodedLength) attributes=\(attributes.map { "\($0.type)" })"
    }
}
