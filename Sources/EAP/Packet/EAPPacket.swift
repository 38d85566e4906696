/// One EAP packet (RFC 3748 §4): Code, Identifier, Length, and for Requests and Responses a Type (possibly an
/// Expanded Type, §5.7) followed by Type-Data.
///
/// Values are validated when built and when decoded, so ``encode()`` cannot fail. Initiate/Finish packets
/// (RFC 6696) keep everything after the 4-octet header in ``typeData`` with ``type`` `nil`: their first octet is
/// an ERP message type, not an EAP method type.
public struct EAPPacket: Hashable, Sendable, CustomStringConvertible {
    /// The fixed header: Code, Identifier, Length (RFC 3748 §4).
    public static let headerLength = 4
    /// The largest packet the 16-bit Length field can describe.
    public static let maximumLength = 65535

    public let code: EAPCode
    public let identifier: UInt8
    /// The method type for Requests and Responses; `nil` for Success, Failure, Initiate and Finish.
    public let type: EAPType?
    /// Set exactly when ``type`` is ``EAPType/expanded``.
    public let expandedType: EAPExpandedType?
    /// The octets after the Type (after Vendor-Id and Vendor-Type for an Expanded Type).
    public let typeData: [UInt8]

    /// A Request or Response with an IETF type. Use ``init(code:identifier:expandedType:typeData:)`` for 254.
    public init(code: EAPCode, identifier: UInt8, type: EAPType, typeData: [UInt8] = []) throws(EAPError) {
        guard code == .request || code == .response else {
            throw EAPError(.unexpectedType, "\(code) packets carry no Type (RFC 3748 §4.2)")
        }
        guard type != .expanded else {
            throw EAPError(.invalidExpandedType, "Type 254 needs a Vendor-Id and Vendor-Type; use expandedType:")
        }
        let length = Self.headerLength + 1 + typeData.count
        guard length <= Self.maximumLength else {
            throw EAPError(.packetTooLong, "\(length) octets exceed the 16-bit EAP Length")
        }
        self.code = code
        self.identifier = identifier
        self.type = type
        self.expandedType = nil
        self.typeData = typeData
    }

    /// A Request or Response with an Expanded Type (RFC 3748 §5.7).
    public init(code: EAPCode, identifier: UInt8, expandedType: EAPExpandedType, typeData: [UInt8] = []) throws(EAPError) {
        guard code == .request || code == .response else {
            throw EAPError(.unexpectedType, "\(code) packets carry no Type (RFC 3748 §4.2)")
        }
        guard expandedType.vendorID <= 0xFF_FFFF else {
            throw EAPError(.invalidExpandedType, "Vendor-Id \(expandedType.vendorID) does not fit in 24 bits")
        }
        let length = Self.headerLength + 8 + typeData.count
        guard length <= Self.maximumLength else {
            throw EAPError(.packetTooLong, "\(length) octets exceed the 16-bit EAP Length")
        }
        self.code = code
        self.identifier = identifier
        self.type = .expanded
        self.expandedType = expandedType
        self.typeData = typeData
    }

    private init(unchecked code: EAPCode, identifier: UInt8, type: EAPType?, expandedType: EAPExpandedType?,
                 typeData: [UInt8]) {
        self.code = code
        self.identifier = identifier
        self.type = type
        self.expandedType = expandedType
        self.typeData = typeData
    }

    /// EAP Success (RFC 3748 §4.2).
    public static func success(identifier: UInt8) -> EAPPacket {
        EAPPacket(unchecked: .success, identifier: identifier, type: nil, expandedType: nil, typeData: [])
    }

    /// EAP Failure (RFC 3748 §4.2).
    public static func failure(identifier: UInt8) -> EAPPacket {
        EAPPacket(unchecked: .failure, identifier: identifier, type: nil, expandedType: nil, typeData: [])
    }

    /// Validates, then decodes one EAP packet.
    ///
    /// Octets beyond the Length field are link-layer padding and are ignored (RFC 3748 §4.1); a Length larger
    /// than the buffer, a Length below the header, an unknown Code, Success/Failure with data, a Request or
    /// Response without a Type, and a short Expanded Type are errors.
    public init(decoding bytes: [UInt8]) throws(EAPError) {
        guard bytes.count >= Self.headerLength else {
            throw EAPError(.truncated, "\(bytes.count) octets, the EAP header needs 4", offset: 0)
        }
        let length = Int(bytes.be16(at: 2))
        guard length >= Self.headerLength else {
            throw EAPError(.lengthMismatch, "Length field \(length) is below the 4-octet header", offset: 2)
        }
        guard length <= bytes.count else {
            throw EAPError(.lengthMismatch, "Length field says \(length) octets, only \(bytes.count) present",
                           offset: 2)
        }
        guard let code = EAPCode(rawValue: bytes[0]) else {
            throw EAPError(.unknownCode, "Code \(bytes[0]) is not 1–6", offset: 0)
        }
        let identifier = bytes[1]
        switch code {
        case .success, .failure:
            guard length == Self.headerLength else {
                throw EAPError(.unexpectedData, "\(code) with Length \(length); it must be 4 (RFC 3748 §4.2)",
                               offset: 4)
            }
            self.init(unchecked: code, identifier: identifier, type: nil, expandedType: nil, typeData: [])
        case .initiate, .finish:
            guard length > Self.headerLength else {
                throw EAPError(.missingType, "\(code) without its Type octet (RFC 6696 §5.3)", offset: 4)
            }
            self.init(unchecked: code, identifier: identifier, type: nil, expandedType: nil,
                      typeData: Array(bytes[Self.headerLength..<length]))
        case .request, .response:
            guard length > Self.headerLength else {
                throw EAPError(.missingType, "\(code) without its Type octet (RFC 3748 §4.1)", offset: 4)
            }
            let type = EAPType(bytes[4])
            if type == .expanded {
                guard length >= Self.headerLength + 8 else {
                    throw EAPError(.invalidExpandedType,
                                   "Expanded Type needs 8 octets after the header, Length gives \(length - 4)",
                                   offset: 5)
                }
                let expanded = EAPExpandedType(vendorID: bytes.be24(at: 5), vendorType: bytes.be32(at: 8))
                self.init(unchecked: code, identifier: identifier, type: type, expandedType: expanded,
                          typeData: Array(bytes[12..<length]))
            } else {
                self.init(unchecked: code, identifier: identifier, type: type, expandedType: nil,
                          typeData: Array(bytes[5..<length]))
            }
        }
    }

    /// The value of the Length field.
    public var length: Int {
        switch (type, expandedType) {
        case (.some, .some): return Self.headerLength + 8 + typeData.count
        case (.some, .none): return Self.headerLength + 1 + typeData.count
        default: return Self.headerLength + typeData.count
        }
    }

    public func encode() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(length)
        out.append(code.rawValue)
        out.append(identifier)
        out.appendBE16(UInt16(length))
        if let type {
            out.append(type.rawValue)
            if let expandedType {
                out.appendBE24(expandedType.vendorID)
                out.appendBE32(expandedType.vendorType)
            }
        }
        out += typeData
        return out
    }

    public var description: String {
        var text = "EAP \(code) id=\(identifier)"
        if let expandedType {
            text += " \(expandedType)"
        } else if let type {
            text += " \(type)"
        }
        return text + " length=\(length)"
    }
}

// MARK: - Builders for the responses every peer must give (RFC 3748 §5)

extension EAPPacket {
    /// Identity Response (RFC 3748 §5.1): the identity in UTF-8, without a terminating NUL.
    public static func identityResponse(identifier: UInt8, identity: String) throws(EAPError) -> EAPPacket {
        try EAPPacket(code: .response, identifier: identifier, type: .identity, typeData: Array(identity.utf8))
    }

    /// Notification Response (RFC 3748 §5.2): Type 2 with no Type-Data.
    public static func notificationResponse(identifier: UInt8) -> EAPPacket {
        EAPPacket(unchecked: .response, identifier: identifier, type: .notification, expandedType: nil,
                  typeData: [])
    }

    /// Legacy Nak (RFC 3748 §5.3.1): the types the peer would accept instead, in order of preference. An empty
    /// list is sent as the single value 0 ("no viable alternative").
    public static func nak(identifier: UInt8, desired: [EAPType]) throws(EAPError) -> EAPPacket {
        let data = desired.isEmpty ? [0] : desired.map(\.rawValue)
        return try EAPPacket(code: .response, identifier: identifier, type: .nak, typeData: data)
    }

    /// Expanded Nak (RFC 3748 §5.3.2): Type 254, Vendor-Id 0, Vendor-Type 3, then one 8-octet entry
    /// (254, Vendor-Id, Vendor-Type) per acceptable method; IETF methods use Vendor-Id 0. An empty list is sent
    /// as the single entry 254/0/0 ("no viable alternative").
    public static func expandedNak(identifier: UInt8, desired: [EAPExpandedType]) throws(EAPError) -> EAPPacket {
        let entries = desired.isEmpty ? [EAPExpandedType(vendorID: 0, vendorType: 0)] : desired
        var data = [UInt8]()
        data.reserveCapacity(entries.count * 8)
        for entry in entries {
            guard entry.vendorID <= 0xFF_FFFF else {
                throw EAPError(.invalidExpandedType, "Vendor-Id \(entry.vendorID) does not fit in 24 bits")
            }
            data.append(EAPType.expanded.rawValue)
            data.appendBE24(entry.vendorID)
            data.appendBE32(entry.vendorType)
        }
        return try EAPPacket(code: .response, identifier: identifier, expandedType: .expandedNak, typeData: data)
    }

    /// The Nak RFC 3748 requires for `request`: an Expanded Nak when the request used an Expanded Type
    /// (§5.3.2), otherwise a legacy Nak (§5.3.1) listing the IETF types of `desired`, followed by 254 once when
    /// `desired` also names vendor methods ("an Expanded Type is desired").
    public static func nakResponse(answering request: EAPPacket, desired: [EAPExpandedType]) throws(EAPError) -> EAPPacket {
        if request.type == .expanded {
            return try expandedNak(identifier: request.identifier, desired: desired)
        }
        var legacy = [EAPType]()
        var wantsExpanded = false
        for entry in desired {
            if let type = entry.ietfType, type != .expanded {
                legacy.append(type)
            } else {
                wantsExpanded = true
            }
        }
        if wantsExpanded { legacy.append(.expanded) }
        return try nak(identifier: request.identifier, desired: legacy)
    }

    /// The acceptable methods listed in a Nak Response, legacy or expanded.
    public func nakDesiredTypes() throws(EAPError) -> [EAPExpandedType] {
        guard code == .response else { throw EAPError(.unexpectedType, "\(code) is not a Nak Response") }
        if type == .nak {
            return typeData.filter { $0 != 0 }.map { EAPExpandedType.ietf(EAPType($0)) }
        }
        guard expandedType == .expandedNak else { throw EAPError(.unexpectedType, "\(self) is not a Nak") }
        guard typeData.count % 8 == 0 else {
            throw EAPError(.lengthMismatch, "Expanded Nak data of \(typeData.count) octets is not 8-octet entries",
                           offset: 12)
        }
        var out = [EAPExpandedType]()
        var offset = 0
        while offset < typeData.count {
            guard typeData[offset] == EAPType.expanded.rawValue else {
                throw EAPError(.invalidExpandedType, "Expanded Nak entry does not start with 254",
                               offset: 12 + offset)
            }
            let entry = EAPExpandedType(vendorID: typeData.be24(at: offset + 1),
                                        vendorType: typeData.be32(at: offset + 4))
            if entry.vendorID != 0 || entry.vendorType != 0 { out.append(entry) }
            offset += 8
        }
        return out
    }
}
