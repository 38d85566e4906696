extension RADIUSDictionary {
    // MARK: - Printing

    /// How ``describe(_:options:)`` shows secrets.
    public struct PrintOptions: Hashable, Sendable {
        /// Show User-Password, Tunnel-Password, MS-MPPE keys and Message-Authenticator as `<hidden, N octets>`.
        public var maskSecrets: Bool
        /// With the shared secret and the Request Authenticator of the request (for a reply, the request it
        /// answers), unmasked hidden values are shown decrypted; without them, as their encrypted octets.
        public var secret: [UInt8]?
        public var requestAuthenticator: [UInt8]?

        public init(maskSecrets: Bool = true, secret: [UInt8]? = nil, requestAuthenticator: [UInt8]? = nil) {
            self.maskSecrets = maskSecrets
            self.secret = secret
            self.requestAuthenticator = requestAuthenticator
        }
    }

    /// One attribute (or one vendor sub-attribute) as text, for `-v` output and `--json`.
    /// Encodable for `--json` as `name`, `oid`, `tag`, `value` and `problem` (the typed value is left out).
    public struct DescribedAttribute: Hashable, Sendable, CustomStringConvertible, Encodable {
        /// The dictionary name, or `Attr-79` / `Attr-26.311.99` when the dictionary does not know it.
        public let name: String
        /// `79` or `26.311.16`.
        public let oid: String
        /// The RFC 2868 tag when the attribute is tagged and the tag is not zero.
        public let tag: UInt8?
        /// The value as text: VALUE names for known numbers, quoted strings, `0x…` octets, `<hidden, N octets>`.
        public let value: String
        /// The decoded value; nil when masked or when it does not decode.
        public let typed: RADIUSValue?
        /// Why the value could not be decoded (it is then shown as `0x…`).
        public let problem: String?

        private enum CodingKeys: String, CodingKey { case name, oid, tag, value, problem }

        /// `Name = value`, `Tunnel-Type:1 = VLAN`: FreeRADIUS's layout.
        public var description: String {
            "\(name)\(tag.map { ":\($0)" } ?? "") = \(value)"
        }
    }

    /// Describes every attribute of a packet in wire order; each Vendor-Specific becomes its sub-attributes.
    public func describe(_ attributes: [RADIUSAttribute], options: PrintOptions = .init()) -> [DescribedAttribute] {
        attributes.flatMap { describe($0, options: options) }
    }

    /// Describes one attribute. A Vendor-Specific yields one entry per sub-attribute, or the raw attribute
    /// with a ``DescribedAttribute/problem`` when it does not parse.
    public func describe(_ attribute: RADIUSAttribute, options: PrintOptions = .init()) -> [DescribedAttribute] {
        guard attribute.type == RADIUSAttributeType.vendorSpecific.rawValue else {
            let key = AttributeKey(number: UInt32(attribute.type))
            return [
                describe(value: attribute.value, as: self.attribute(key) ?? unknownAttribute(key), options: options)
            ]
        }
        let vendorID = RADIUSVendorSpecific.vendorID(of: attribute.value) ?? 0
        do {
            let vsa = try RADIUSVendorSpecific(decoding: attribute.value, format: vendorFormat(vendorID))
            return vsa.subAttributes.map { sub in
                let key = AttributeKey(vendor: vsa.vendorID, number: sub.type)
                return describe(value: sub.value, as: self.attribute(key) ?? unknownAttribute(key), options: options)
            }
        } catch {
            let vendorName = self.vendor(id: vendorID).map { " (\($0.name))" } ?? ""
            return [
                DescribedAttribute(
                    name: self.attribute(number: 26)?.name ?? "Attr-26", oid: "26", tag: nil,
                    value: RADIUSValue.hex(attribute.value), typed: nil,
                    problem: "malformed Vendor-Specific\(vendorName): \(error.reason)")
            ]
        }
    }

    /// Describes a value (already taken out of its VSA) as `definition`.
    public func describe(value bytes: [UInt8], as definition: Attribute, options: PrintOptions = .init())
        -> DescribedAttribute
    {
        func result(_ tag: UInt8?, _ text: String, _ typed: RADIUSValue?, _ problem: String? = nil)
            -> DescribedAttribute
        {
            DescribedAttribute(
                name: definition.name, oid: definition.key.oid, tag: tag == 0 ? nil : tag, value: text, typed: typed,
                problem: problem)
        }
        var bytes = bytes
        var tag: UInt8?

        if definition.isSecret {
            if definition.encryption == .tunnelPassword, definition.hasTag, let first = bytes.first {
                tag = first
                bytes.removeFirst()
            }
            if options.maskSecrets { return result(tag, "<hidden, \(bytes.count) octets>", nil) }
            guard let secret = options.secret, let authenticator = options.requestAuthenticator,
                definition.encryption != .none, definition.encryption != .ascendSecret
            else { return result(tag, RADIUSValue.hex(bytes), .octets(bytes)) }
            do {
                bytes =
                    definition.encryption == .userPassword
                    ? try RADIUSCrypto.unhideUserPassword(bytes, secret: secret, authenticator: authenticator)
                    : try RADIUSCrypto.saltDecrypt(bytes, secret: secret, authenticator: authenticator)
            } catch {
                return result(tag, RADIUSValue.hex(bytes), nil, "does not decrypt: \(error.reason)")
            }
        } else if definition.hasTag {
            if definition.type == .integer {
                if bytes.count == 4 {
                    tag = bytes[0]
                    bytes[0] = 0
                }
            } else if let first = bytes.first, first <= 0x1F {
                tag = first
                bytes.removeFirst()
            }
        }

        if let fixed = definition.fixedLength, bytes.count != fixed {
            return result(
                tag, RADIUSValue.hex(bytes), nil, "\(definition.name) needs \(fixed) octets, not \(bytes.count)")
        }
        if definition.array, let size = definition.type.fixedSize, !bytes.isEmpty, bytes.count % size == 0,
            bytes.count > size
        {
            var texts: [String] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                let element = Array(bytes[start..<(start + size)])
                guard let typed = try? RADIUSValue.decode(element, as: definition.type) else { break }
                texts.append(text(of: typed, for: definition))
            }
            if texts.count == bytes.count / size { return result(tag, texts.joined(separator: ", "), nil) }
        }
        do {
            let typed = try RADIUSValue.decode(bytes, as: definition.type)
            return result(tag, text(of: typed, for: definition), typed)
        } catch {
            return result(tag, RADIUSValue.hex(bytes), nil, error.reason)
        }
    }

    /// The text of a typed value, using VALUE names for integers that have one.
    public func text(of value: RADIUSValue, for definition: Attribute) -> String {
        let number: UInt64? =
            switch value {
            case .integer(let n): UInt64(n)
            case .short(let n): UInt64(n)
            case .byte(let n): UInt64(n)
            case .integer64(let n): n
            case .signed(let n): UInt64(UInt32(bitPattern: n))
            default: nil
            }
        if let number, let name = valueName(number, of: definition) { return name }
        return value.description
    }

    // MARK: - Text → attribute

    /// Builds an attribute from `Name = value` text: `Framed-IP-Address=10.0.0.1`,
    /// `Service-Type = Framed-User` (VALUE names), `Class = 0x0102`, `Tunnel-Type:1 = VLAN` (tag),
    /// `MS-CHAP-Domain = "CORP"` (a VSA, wrapped in Vendor-Specific), `Attr-26.311.99 = 0x01`.
    ///
    /// User-Password stays in clear: ``RADIUSPacket/accessRequest(identifier:attributes:secret:random:)`` hides
    /// it. Other encrypted attributes (Tunnel-Password, MS-MPPE keys) are refused: build them with
    /// ``RADIUSCrypto``.
    public func attribute(fromText text: String) throws(RADIUSError) -> RADIUSAttribute {
        guard let equals = text.firstIndex(of: "=") else {
            throw RADIUSError(.invalidValue, "\"\(text)\" is not Name = value")
        }
        var name = String(text[..<equals]).trimmingSpaces
        let value = String(text[text.index(after: equals)...]).trimmingSpaces
        var tag: UInt8?
        if let colon = name.firstIndex(of: ":") {
            guard let parsed = UInt8(name[name.index(after: colon)...]), parsed <= 0x1F else {
                throw RADIUSError(.invalidTag, "the tag in \"\(name)\" must be 0-31 (RFC 2868 §3.1)")
            }
            tag = parsed
            name = String(name[..<colon])
        }
        return try attribute(name: name, value: value, tag: tag)
    }

    /// Builds an attribute from a name and the text of its value (see ``attribute(fromText:)``).
    public func attribute(name: String, value text: String, tag: UInt8? = nil) throws(RADIUSError) -> RADIUSAttribute {
        guard let definition = attribute(named: name) else {
            throw RADIUSError(.unknownAttribute, "no dictionary defines an attribute named \(name)")
        }
        let value: RADIUSValue
        if definition.type.isInteger, let number = self.value(named: RADIUSValue.unquoteLenient(text), of: definition) {
            value =
                switch definition.type {
                case .byte: .byte(UInt8(truncatingIfNeeded: number))
                case .short: .short(UInt16(truncatingIfNeeded: number))
                case .integer64: .integer64(number)
                case .signed: .signed(Int32(bitPattern: UInt32(truncatingIfNeeded: number)))
                default: .integer(UInt32(truncatingIfNeeded: number))
                }
        } else {
            value = try RADIUSValue.parse(text, as: definition.type)
        }
        return try encode(value, as: definition, tag: tag)
    }

    /// Encodes a typed value as `definition`, adding the tag (RFC 2868 §3.1) and the Vendor-Specific wrapping
    /// in the vendor's format.
    public func encode(_ value: RADIUSValue, as definition: Attribute, tag: UInt8? = nil) throws(RADIUSError)
        -> RADIUSAttribute
    {
        let isUserPassword = definition.key == AttributeKey(number: UInt32(RADIUSAttributeType.userPassword.rawValue))
        guard definition.encryption == .none || isUserPassword else {
            throw RADIUSError(
                .invalidValue, "\(definition.name) is sent encrypted: build it with RADIUSCrypto, not from text")
        }
        var bytes = value.encode()
        if let fixed = definition.fixedLength, bytes.count != fixed {
            throw RADIUSError(.invalidValue, "\(definition.name) needs \(fixed) octets, not \(bytes.count)")
        }
        if let tag {
            guard definition.hasTag else { throw RADIUSError(.invalidTag, "\(definition.name) takes no tag") }
            guard tag <= 0x1F else { throw RADIUSError(.invalidTag, "tag \(tag) is outside 0-31 (RFC 2868 §3.1)") }
        }
        if definition.hasTag {
            if definition.type == .integer {
                guard bytes.count == 4, bytes[0] == 0 else {
                    throw RADIUSError(.invalidValue, "\(definition.name) is tagged: its value must fit in 24 bits")
                }
                bytes[0] = tag ?? 0
            } else if let tag, tag != 0 {
                bytes.insert(tag, at: 0)
            } else if let first = bytes.first, first <= 0x1F {
                bytes.insert(0, at: 0)  // keep a leading 0x01-0x1F octet from reading as a tag
            }
        }
        guard definition.isVendorSpecific else {
            guard bytes.count <= RADIUSAttribute.maximumValueLength else {
                throw RADIUSError(.attributeTooLong, "\(definition.name) has \(bytes.count) octets; 253 fit")
            }
            return RADIUSAttribute(type: UInt8(definition.number), value: bytes)
        }
        let vsa = RADIUSVendorSpecific(
            vendorID: definition.vendor, subAttributes: [.init(type: definition.number, value: bytes)])
        return try vsa.attribute(format: vendorFormat(definition.vendor))
    }

    /// Decodes an attribute's typed value (the first sub-attribute for a Vendor-Specific). Tags are removed; hidden
    /// values are returned as their encrypted octets.
    public func typedValue(of attribute: RADIUSAttribute) throws(RADIUSError) -> (
        definition: Attribute, value: RADIUSValue
    ) {
        let definition: Attribute
        let bytes: [UInt8]
        if attribute.type == RADIUSAttributeType.vendorSpecific.rawValue {
            let vendorID = RADIUSVendorSpecific.vendorID(of: attribute.value) ?? 0
            let vsa = try RADIUSVendorSpecific(decoding: attribute.value, format: vendorFormat(vendorID))
            let sub = vsa.subAttributes[0]
            let key = AttributeKey(vendor: vendorID, number: sub.type)
            definition = self.attribute(key) ?? unknownAttribute(key)
            bytes = sub.value
        } else {
            let key = AttributeKey(number: UInt32(attribute.type))
            definition = self.attribute(key) ?? unknownAttribute(key)
            bytes = attribute.value
        }
        let described = describe(value: bytes, as: definition, options: PrintOptions(maskSecrets: false))
        if let problem = described.problem { throw RADIUSError(.invalidValue, "\(definition.name): \(problem)") }
        guard let typed = described.typed else {
            throw RADIUSError(.invalidValue, "\(definition.name) has no single typed value")
        }
        return (definition, typed)
    }
}

extension RADIUSValue {
    /// VALUE names may be written in quotes; strip them when present.
    static func unquoteLenient(_ text: String) -> String {
        (try? unquote(text)) ?? text
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
