import Foundation
import Probe
import Profiles
import RADIUS

/// What every Access-Request of a case carries besides what its method builds: the NAS attributes, the
/// `--nas-type` preset, Framed-MTU and the extras of `--attr` / `attributes:`.
///
/// How an extra meets the rest (RFC 2865 §5.44: in an Access-Request every standard attribute but
/// Proxy-State, Vendor-Specific and EAP-Message appears at most once; tagged tunnel attributes once per tag,
/// RFC 2868 §3):
/// - it **replaces a default**: the NAS-IP-Address found toward the server, an attribute of the `--nas-type`
///   preset;
/// - it is **refused** when it would be a second copy of an attribute set by an option (`--nas-identifier`,
///   `--framed-mtu`, …), of another extra, or of one npsprobe builds itself (User-Name, User-Password,
///   CHAP-Password, EAP-Message, State, Message-Authenticator, the MS-CHAP attributes);
/// - Vendor-Specific attributes are added as they are (vendors define their own multiplicity: Cisco-AVPair
///   repeats), but a Vendor-Specific written raw must hold a well-formed Vendor-Id and sub-attribute.
enum RequestAttributes {
    typealias Key = RADIUSDictionary.AttributeKey

    /// Built by npsprobe for every request or for its method, with the setting that controls each.
    static let built: [Key: String] = [
        Key(number: 1): "it is sent from --identity (identity:)",
        Key(number: 2): "npsprobe builds it from the password",
        Key(number: 3): "npsprobe builds it from the password",
        Key(number: 60): "npsprobe builds it for CHAP",
        Key(number: 24): "npsprobe copies it from the server's Access-Challenge",
        Key(number: 79): "npsprobe builds it from the EAP conversation",
        Key(number: 80): "npsprobe signs every request with it",
        Key(vendor: 311, number: 1): "npsprobe builds it for MS-CHAP",
        Key(vendor: 311, number: 11): "npsprobe builds it for MS-CHAP",
        Key(vendor: 311, number: 25): "npsprobe builds it for MS-CHAPv2",
        Key(vendor: 311, number: 27): "npsprobe builds it for MS-CHAPv2 change-password",
    ]

    /// Standard attributes an Access-Request may carry more than once (RFC 2865 §5.44, RFC 2869 §5.19).
    static let repeatable: Set<UInt8> = [33]

    /// The attributes, in order: NAS attributes (explicit, then the NAS-IP-Address default unless an extra
    /// names one), the preset minus what the extras and options set, then the extras and Framed-MTU.
    static func build(
        _ settings: AuthSettings, dictionary: RADIUSDictionary, toward server: ServerAddress,
        fail: (ProfileError.Code, String, String?) -> ProfileError
    ) throws(ProfileError) -> [RADIUSAttribute] {
        let nas = settings.nas ?? .init()
        var extras: [(text: String, attribute: RADIUSAttribute)] = []
        for text in settings.attributes ?? [] {
            do {
                let attribute = try dictionary.attribute(fromText: text)
                try checkVendorSpecific(attribute, dictionary: dictionary)
                extras.append((text, attribute))
            } catch {
                throw fail(.badAttribute, "attribute \(text): \(error.reason)", error.code == .invalidVendorSpecific
                           ? nil : "Name=value with dictionary names, e.g. NAS-Port-Type=Virtual (npsprobe dict NAME)")
            }
        }
        let extraKeys = extras.map { identity(of: $0.attribute, dictionary: dictionary) }
        let extraTypes = Set(extras.map(\.attribute.type))

        // Set by options: a second copy from --attr is refused.
        var explicit: [(RADIUSAttribute, String)] = []
        if let address = nas.ipAddress {
            explicit.append((try nasAddress(address, fail: fail), "--nas-ip-address (nas: ip_address:)"))
        }
        if let identifier = nas.identifier {
            explicit.append((RADIUSAttribute(.nasIdentifier, string: identifier),
                             "--nas-identifier (nas: identifier:)"))
        }
        if let calling = nas.callingStationId {
            explicit.append((RADIUSAttribute(.callingStationId, string: calling),
                             "--calling-station-id (nas: calling_station_id:)"))
        }
        if let called = nas.calledStationId {
            explicit.append((RADIUSAttribute(.calledStationId, string: called),
                             "--called-station-id (nas: called_station_id:)"))
        }
        if let mtu = settings.framedMTU {
            guard SettingLimits.framedMTU.range.contains(mtu), let value = UInt32(exactly: mtu) else {
                throw fail(.invalidValue, "Framed-MTU \(mtu) is out of range \(SettingLimits.framedMTU.rangeText)",
                           nil)
            }
            explicit.append((RADIUSAttribute(.framedMTU, integer: value), "--framed-mtu (framed_mtu:)"))
        }

        for (index, (text, _)) in extras.enumerated() {
            let key = extraKeys[index]
            let name = dictionary.attribute(key.key)?.name ?? "attribute \(key.key.oid)"
            if let why = built[key.key] {
                throw fail(.badAttribute, "attribute \(text): \(name) cannot be added: \(why)", nil)
            }
            guard key.single else { continue }
            if let first = extraKeys[..<index].firstIndex(of: key) {
                throw fail(.badAttribute, "attribute \(text): \(name) is given twice (also as \(extras[first].text)); "
                           + "an Access-Request carries it once (RFC 2865 §5.44)", nil)
            }
            if let (_, option) = explicit.first(where: { identity(of: $0.0, dictionary: dictionary) == key }) {
                throw fail(.badAttribute, "attribute \(text): \(name) is already set by \(option); an "
                           + "Access-Request carries it once (RFC 2865 §5.44)", "give it one way only")
            }
        }

        var attributes: [RADIUSAttribute] = []
        let addressExtra = extraTypes.contains(RADIUSAttributeType.nasIPAddress.rawValue)
            || extraTypes.contains(RADIUSAttributeType.nasIPv6Address.rawValue)
        if nas.ipAddress == nil, !addressExtra,
           let address = RADIUSTransport.localAddress(toward: server.socketAddress)?.ipAddress {
            attributes.append(try nasAddress(address, fail: fail))
        }
        attributes += explicit.filter { $0.0.type != RADIUSAttributeType.framedMTU.rawValue }.map(\.0)
        // The NAS preset, minus whatever an option or an extra set.
        let setTypes = extraTypes.union(explicit.map(\.0.type))
        for text in nas.kind?.attributes ?? [] {
            let preset: RADIUSAttribute
            do {
                preset = try dictionary.attribute(fromText: text)
            } catch {
                throw fail(.badDictionary, "the NAS preset needs \(text) in the dictionary: \(error.reason)", nil)
            }
            if !setTypes.contains(preset.type) { attributes.append(preset) }
        }
        attributes += extras.map(\.attribute)
        attributes += explicit.filter { $0.0.type == RADIUSAttributeType.framedMTU.rawValue }.map(\.0)
        // Proxy-State (RFC 2865 §5.33) repeats: each one as given.
        for text in settings.proxyStates ?? [] {
            guard let octets = AuthSettings.proxyStateOctets(text) else {
                throw fail(.invalidValue, "proxy state: \(AuthSettings.proxyStateProblem(text) ?? text)",
                           "--proxy-state TEXT or --proxy-state 0x0A1B…")
            }
            attributes.append(RADIUSAttribute(.proxyState, octets))
        }
        return attributes
    }

    /// NAS-IP-Address for an IPv4 address, NAS-IPv6-Address for an IPv6 one (RFC 2865 §5.4, RFC 3162 §2.1).
    static func nasAddress(_ address: String, fail: (ProfileError.Code, String, String?) -> ProfileError)
        throws(ProfileError) -> RADIUSAttribute
    {
        if let v4 = IPv4Address(address) { return RADIUSAttribute(.nasIPAddress, v4.octets) }
        if let v6 = IPv6Address(address) { return RADIUSAttribute(.nasIPv6Address, v6.octets) }
        throw fail(.invalidValue, "NAS IP address \(address) is not an IPv4 or IPv6 address", nil)
    }

    /// Which attribute this is for the once-only rule: its dictionary key, its tag when it is tagged, and
    /// whether it may appear once only.
    struct Identity: Hashable {
        var key: Key
        var tag: UInt8?
        var single: Bool
    }

    static func identity(of attribute: RADIUSAttribute, dictionary: RADIUSDictionary) -> Identity {
        if attribute.type == RADIUSAttributeType.vendorSpecific.rawValue {
            let vendor = RADIUSVendorSpecific.vendorID(of: attribute.value) ?? 0
            let sub = (try? RADIUSVendorSpecific(decoding: attribute.value, format: dictionary.vendorFormat(vendor)))?
                .subAttributes.first?.type ?? 0
            return Identity(key: Key(vendor: vendor, number: sub), tag: nil, single: false)
        }
        let key = Key(number: UInt32(attribute.type))
        let tagged = dictionary.attribute(key)?.hasTag == true
        let tag = tagged ? attribute.value.first.flatMap { $0 <= 0x1F ? $0 : nil } ?? 0 : nil
        return Identity(key: key, tag: tag, single: !repeatable.contains(attribute.type))
    }

    /// A Vendor-Specific written raw (`Vendor-Specific=0x…`) must be one (RFC 2865 §5.26): a Vendor-Id and
    /// well-formed sub-attributes in the vendor's format.
    static func checkVendorSpecific(_ attribute: RADIUSAttribute, dictionary: RADIUSDictionary) throws(RADIUSError) {
        guard attribute.type == RADIUSAttributeType.vendorSpecific.rawValue else { return }
        let vendor = RADIUSVendorSpecific.vendorID(of: attribute.value) ?? 0
        do {
            _ = try RADIUSVendorSpecific(decoding: attribute.value, format: dictionary.vendorFormat(vendor))
        } catch {
            throw RADIUSError(.invalidVendorSpecific, "\(error.reason); write the vendor's attribute by name "
                              + "(MS-…, Cisco-AVPair=…) or a whole Vendor-Specific as "
                              + "0x<vendor id><type><length>…")
        }
    }
}
