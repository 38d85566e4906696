/// How a vendor lays out its sub-attributes inside Vendor-Specific (FreeRADIUS `VENDOR … format=t,l`):
/// the size of the type field (1, 2 or 4 octets) and of the length field (0, 1 or 2 octets). RFC 2865 §5.26
/// recommends 1,1, which most vendors (Microsoft included) use. A length counts the sub-attribute header;
/// with no length field the one sub-attribute fills the rest of the VSA.
public struct RADIUSVendorFormat: Hashable, Sendable, CustomStringConvertible {
    public let typeSize: Int
    public let lengthSize: Int
    /// WiMAX-style continuation octet after the length (`format=1,1,c`); recorded, not interpreted.
    public let hasContinuation: Bool

    /// Returns nil unless `typeSize` is 1, 2 or 4 and `lengthSize` 0, 1 or 2.
    public init?(typeSize: Int, lengthSize: Int, hasContinuation: Bool = false) {
        guard [1, 2, 4].contains(typeSize), [0, 1, 2].contains(lengthSize) else { return nil }
        guard !hasContinuation || (typeSize == 1 && lengthSize == 1) else { return nil }
        self.typeSize = typeSize
        self.lengthSize = lengthSize
        self.hasContinuation = hasContinuation
    }

    /// One-octet type, one-octet length (RFC 2865 §5.26).
    public static let standard = RADIUSVendorFormat(typeSize: 1, lengthSize: 1)!

    var headerSize: Int { typeSize + lengthSize + (hasContinuation ? 1 : 0) }

    /// The largest sub-attribute type the format can carry.
    public var maximumType: UInt64 { typeSize == 4 ? UInt64(UInt32.max) : (1 << (8 * UInt64(typeSize))) - 1 }

    public var description: String { "\(typeSize),\(lengthSize)\(hasContinuation ? ",c" : "")" }
}

/// A Vendor-Specific attribute (type 26, RFC 2865 §5.26): a 4-octet Vendor-Id whose high octet is zero,
/// then the vendor's sub-attributes in the vendor's format.
public struct RADIUSVendorSpecific: Hashable, Sendable {
    public struct SubAttribute: Hashable, Sendable {
        public var type: UInt32
        public var value: [UInt8]
        public init(type: UInt32, value: [UInt8]) {
            self.type = type
            self.value = value
        }
    }

    public var vendorID: UInt32
    public var subAttributes: [SubAttribute]

    public init(vendorID: UInt32, subAttributes: [SubAttribute]) {
        self.vendorID = vendorID
        self.subAttributes = subAttributes
    }

    /// The Vendor-Id of a Vendor-Specific value, or nil when it is shorter than 4 octets.
    public static func vendorID(of value: [UInt8]) -> UInt32? {
        guard value.count >= 4 else { return nil }
        return UInt32(bigEndianBytes: value[0..<4])
    }

    /// Parses the value of a Vendor-Specific attribute. Throws ``RADIUSError/Code/invalidVendorSpecific`` when
    /// it is shorter than Vendor-Id plus one sub-attribute header, when a sub-attribute length is below its
    /// header or runs past the end, or when the Vendor-Id's high octet is not zero. Offsets in errors count
    /// from the start of the attribute value.
    public init(decoding value: [UInt8], format: RADIUSVendorFormat = .standard) throws(RADIUSError) {
        guard let vendorID = Self.vendorID(of: value) else {
            throw RADIUSError(
                .invalidVendorSpecific, "Vendor-Specific has \(value.count) octets; a Vendor-Id needs 4", offset: 0)
        }
        guard vendorID >> 24 == 0 else {
            throw RADIUSError(
                .invalidVendorSpecific, "Vendor-Id \(vendorID) has a non-zero high octet (RFC 2865 §5.26)", offset: 0)
        }
        var subAttributes: [SubAttribute] = []
        var offset = 4
        guard offset < value.count else {
            throw RADIUSError(
                .invalidVendorSpecific, "Vendor-Specific for vendor \(vendorID) holds no sub-attribute", offset: 4)
        }
        while offset < value.count {
            let remaining = value.count - offset
            guard remaining >= format.headerSize else {
                throw RADIUSError(
                    .invalidVendorSpecific,
                    "vendor \(vendorID): \(remaining) octets left where a \(format.headerSize)-octet sub-attribute "
                        + "header is needed", offset: offset)
            }
            let type = UInt32(bigEndianBytes: value[offset..<(offset + format.typeSize)])
            let length: Int
            switch format.lengthSize {
            case 0:
                length = remaining
            default:
                let start = offset + format.typeSize
                length = Int(UInt32(bigEndianBytes: value[start..<(start + format.lengthSize)]))
            }
            guard length >= format.headerSize else {
                throw RADIUSError(
                    .invalidVendorSpecific,
                    "vendor \(vendorID) sub-attribute \(type) has length \(length), below its "
                        + "\(format.headerSize)-octet header", offset: offset)
            }
            guard length <= remaining else {
                throw RADIUSError(
                    .invalidVendorSpecific,
                    "vendor \(vendorID) sub-attribute \(type) has length \(length) but only \(remaining) octets remain",
                    offset: offset)
            }
            subAttributes.append(
                SubAttribute(type: type, value: Array(value[(offset + format.headerSize)..<(offset + length)])))
            offset += length
        }
        self.init(vendorID: vendorID, subAttributes: subAttributes)
    }

    /// The value of the Vendor-Specific attribute (Vendor-Id then sub-attributes). Throws
    /// ``RADIUSError/Code/attributeTooLong`` when a sub-attribute or the whole exceed what the lengths can hold.
    public func encode(format: RADIUSVendorFormat = .standard) throws(RADIUSError) -> [UInt8] {
        guard vendorID >> 24 == 0 else {
            throw RADIUSError(.invalidVendorSpecific, "Vendor-Id \(vendorID) does not fit in 24 bits")
        }
        var out = vendorID.bigEndianBytes
        for sub in subAttributes {
            guard UInt64(sub.type) <= format.maximumType else {
                throw RADIUSError(
                    .invalidVendorSpecific, "sub-attribute type \(sub.type) does not fit format \(format)")
            }
            let length = format.headerSize + sub.value.count
            out += Array(sub.type.bigEndianBytes.suffix(format.typeSize))
            switch format.lengthSize {
            case 0:
                guard subAttributes.count == 1 else {
                    throw RADIUSError(
                        .invalidVendorSpecific, "format \(format) has no length field: one sub-attribute per VSA")
                }
            case 1:
                guard length <= 255 else {
                    throw RADIUSError(.attributeTooLong, "vendor \(vendorID) sub-attribute \(sub.type) is too long")
                }
                out.append(UInt8(length))
            default:
                out += UInt16(truncatingIfNeeded: length).bigEndianBytes
            }
            if format.hasContinuation { out.append(0) }
            out += sub.value
        }
        guard out.count <= RADIUSAttribute.maximumValueLength else {
            throw RADIUSError(
                .attributeTooLong, "Vendor-Specific for vendor \(vendorID) would be \(out.count) octets; 253 fit")
        }
        return out
    }

    /// The whole attribute 26.
    public func attribute(format: RADIUSVendorFormat = .standard) throws(RADIUSError) -> RADIUSAttribute {
        RADIUSAttribute(.vendorSpecific, try encode(format: format))
    }
}

extension Array where Element == RADIUSAttribute {
    /// The values of vendor sub-attribute `type` of vendor `vendorID` across all Vendor-Specific attributes, in
    /// wire order. Vendor-Specific attributes that do not parse in `format` are skipped (they stay raw).
    public func vendorAttributes(
        vendor vendorID: UInt32, type: UInt32, format: RADIUSVendorFormat = .standard
    ) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for attribute in self where attribute.type == RADIUSAttributeType.vendorSpecific.rawValue {
            guard RADIUSVendorSpecific.vendorID(of: attribute.value) == vendorID,
                let vsa = try? RADIUSVendorSpecific(decoding: attribute.value, format: format)
            else { continue }
            out += vsa.subAttributes.filter { $0.type == type }.map(\.value)
        }
        return out
    }
}

extension RADIUSPacket {
    /// Microsoft's vendor id (RFC 2548).
    public static let microsoftVendorID: UInt32 = 311

    /// Decrypts MS-MPPE-Send-Key (311/16) and MS-MPPE-Recv-Key (311/17) of this Access-Accept with the
    /// Request Authenticator of the Access-Request it answers (RFC 2548 §2.4.2–2.4.3). Nil when either is
    /// absent; throws when one is present but does not decrypt.
    public func mppeKeys(
        secret: [UInt8], requestAuthenticator: [UInt8]
    ) throws(RADIUSError) -> (send: [UInt8], receive: [UInt8])? {
        guard let send = attributes.vendorAttributes(vendor: Self.microsoftVendorID, type: 16).first,
            let receive = attributes.vendorAttributes(vendor: Self.microsoftVendorID, type: 17).first
        else { return nil }
        return (
            try RADIUSCrypto.decryptMPPEKey(send, secret: secret, authenticator: requestAuthenticator),
            try RADIUSCrypto.decryptMPPEKey(receive, secret: secret, authenticator: requestAuthenticator)
        )
    }
}
