/// Attribute, value and vendor definitions read from FreeRADIUS 3.x format dictionary files.
///
/// Load once (``load(root:)``, then ``load(additional:)`` for `--dictionary` files) and share: the value is
/// immutable after loading and `Sendable`. Names are looked up case-insensitively; numbers by
/// (vendor, number) with vendor 0 for the standard space.
public struct RADIUSDictionary: Sendable {
    /// The data types of FreeRADIUS 3.x dictionaries (`uint32` and the other aliases map onto these).
    public enum DataType: String, Hashable, Sendable, CaseIterable {
        case string, octets, ipaddr, integer, date, ipv6addr, ipv6prefix, ifid, integer64, ether, byte, short
        case signed, abinary, ipv4prefix, tlv, vsa, evs, extended
        case comboIP = "combo-ip"
        case longExtended = "long-extended"

        /// The encoded size when fixed.
        public var fixedSize: Int? {
            switch self {
            case .ipaddr, .integer, .date, .signed: return 4
            case .ipv6addr: return 16
            case .ifid, .integer64: return 8
            case .ether: return 6
            case .byte: return 1
            case .short: return 2
            case .ipv4prefix: return 6
            default: return nil
            }
        }

        /// Types that VALUE names can be given for.
        public var isInteger: Bool { [.integer, .byte, .short, .signed, .integer64].contains(self) }
    }

    /// How an attribute's value is hidden on the wire (the dictionary's `encrypt=` flag).
    public enum Encryption: Int, Hashable, Sendable {
        case none = 0
        /// RFC 2865 §5.2 (User-Password, MS-CHAP-MPPE-Keys).
        case userPassword = 1
        /// Salt encryption, RFC 2868 §3.5 / RFC 2548 §2.4.2 (Tunnel-Password, MS-MPPE keys).
        case tunnelPassword = 2
        /// Ascend's proprietary scheme; recognised, not implemented.
        case ascendSecret = 3
    }

    /// Where an attribute lives: vendor 0 is the standard space, anything else a Vendor-Specific sub-attribute.
    public struct AttributeKey: Hashable, Sendable, Comparable {
        public let vendor: UInt32
        public let number: UInt32
        public init(vendor: UInt32 = 0, number: UInt32) {
            self.vendor = vendor
            self.number = number
        }
        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.vendor, lhs.number) < (rhs.vendor, rhs.number) }

        /// `79` for a standard attribute, `26.311.16` for a vendor one (the FreeRADIUS OID form).
        public var oid: String { vendor == 0 ? "\(number)" : "26.\(vendor).\(number)" }
    }

    public struct Vendor: Hashable, Sendable {
        public let name: String
        public let id: UInt32
        public let format: RADIUSVendorFormat
    }

    public struct Attribute: Hashable, Sendable {
        public let name: String
        public let key: AttributeKey
        public let type: DataType
        /// `octets[N]`: the required (plaintext) length.
        public let fixedLength: Int?
        public let encryption: Encryption
        /// RFC 2868 §3.1 tag (`has_tag`).
        public let hasTag: Bool
        /// Long values split over several attributes (`concat`, e.g. EAP-Message).
        public let concat: Bool
        /// Several fixed-size values packed in one attribute (`array`).
        public let array: Bool
        /// Where it was defined, for messages; empty for attributes made up from `Attr-…` names.
        public let definedAt: String

        public var number: UInt32 { key.number }
        public var vendor: UInt32 { key.vendor }
        public var isVendorSpecific: Bool { key.vendor != 0 }
        /// Whether the value is a secret to mask when printing (passwords, keys, Message-Authenticator).
        public var isSecret: Bool {
            encryption != .none || (key.vendor == 0 && key.number == RADIUSAttributeType.messageAuthenticator.rawValue)
        }
    }

    /// A named value of an integer attribute (a `VALUE` line).
    public struct Value: Hashable, Sendable {
        public let name: String
        public let number: UInt64
    }

    // MARK: Storage

    var attributesByName: [String: Attribute] = [:]
    var attributesByKey: [AttributeKey: Attribute] = [:]
    var valuesByKey: [AttributeKey: [Value]] = [:]
    var vendorsByName: [String: Vendor] = [:]
    var vendorsByID: [UInt32: Vendor] = [:]

    /// An empty dictionary (every attribute then prints as `Attr-N`).
    public init() {}

    // MARK: Lookups

    /// Every attribute by (vendor, number), aliases excluded (the name printed for each number).
    public var attributes: [Attribute] { attributesByKey.values.sorted { $0.key < $1.key } }

    /// Every vendor, by id.
    public var vendors: [Vendor] { vendorsByID.values.sorted { $0.id < $1.id } }

    /// An attribute by name, case-insensitively. Also understands the FreeRADIUS names for undefined attributes:
    /// `Attr-79`, `Attr-26.311.99` (octets), returning the defined attribute when the number is known.
    public func attribute(named name: String) -> Attribute? {
        if let found = attributesByName[name.lowercased()] { return found }
        guard name.lowercased().hasPrefix("attr-") else { return nil }
        guard let key = Self.parseOID(String(name.dropFirst(5))) else { return nil }
        return attribute(key) ?? unknownAttribute(key)
    }

    /// The attribute printed for (vendor, number), or nil when the dictionary does not define it.
    public func attribute(number: UInt32, vendor: UInt32 = 0) -> Attribute? {
        attributesByKey[AttributeKey(vendor: vendor, number: number)]
    }

    public func attribute(_ key: AttributeKey) -> Attribute? { attributesByKey[key] }

    /// The named values of an attribute, in definition order.
    public func values(of attribute: Attribute) -> [Value] { valuesByKey[attribute.key] ?? [] }

    /// The number a VALUE name stands for, case-insensitively.
    public func value(named name: String, of attribute: Attribute) -> UInt64? {
        let wanted = name.lowercased()
        return valuesByKey[attribute.key]?.first(where: { $0.name.lowercased() == wanted })?.number
    }

    /// The first VALUE name defined for `number`.
    public func valueName(_ number: UInt64, of attribute: Attribute) -> String? {
        valuesByKey[attribute.key]?.first(where: { $0.number == number })?.name
    }

    public func vendor(named name: String) -> Vendor? { vendorsByName[name.lowercased()] }
    public func vendor(id: UInt32) -> Vendor? { vendorsByID[id] }

    /// The format to parse a vendor's VSAs with: its dictionary format, else RFC 2865's 1,1.
    public func vendorFormat(_ id: UInt32) -> RADIUSVendorFormat { vendorsByID[id]?.format ?? .standard }

    /// An `octets` attribute standing for an undefined number, named as FreeRADIUS prints it (`Attr-26.311.99`).
    public func unknownAttribute(_ key: AttributeKey) -> Attribute {
        Attribute(
            name: "Attr-\(key.oid)", key: key, type: .octets, fixedLength: nil, encryption: .none, hasTag: false,
            concat: false, array: false, definedAt: "")
    }

    /// Parses `79`, `26.311.16` (or `311.16` is not accepted: the `26.` says it is a VSA).
    public static func parseOID(_ text: String) -> AttributeKey? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let number = UInt32(parts[0]), (1...255).contains(number) else { return nil }
            return AttributeKey(number: number)
        case 3:
            guard parts[0] == "26", let vendor = UInt32(parts[1]), vendor > 0, vendor >> 24 == 0,
                let number = UInt32(parts[2])
            else { return nil }
            return AttributeKey(vendor: vendor, number: number)
        default:
            return nil
        }
    }
}
