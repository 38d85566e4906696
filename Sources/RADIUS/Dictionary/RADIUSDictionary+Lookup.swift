extension RADIUSDictionary {
    /// One answer to a ``lookup(_:)`` query, for `npsprobe dict NAME|NUMBER`.
    public enum LookupResult: Hashable, Sendable, CustomStringConvertible {
        /// An attribute, the other names of its number, and its VALUEs.
        case attribute(Attribute, aliases: [String], values: [Value])
        /// A vendor and the attributes defined for it.
        case vendor(Vendor, attributes: [Attribute])
        /// A VALUE name and the attribute it belongs to.
        case value(Value, of: Attribute)

        public var description: String {
            switch self {
            case .attribute(let attribute, let aliases, let values):
                var flags: [String] = []
                if let fixed = attribute.fixedLength { flags.append("length \(fixed)") }
                if attribute.encryption != .none { flags.append("encrypt=\(attribute.encryption.rawValue)") }
                if attribute.hasTag { flags.append("has_tag") }
                if attribute.concat { flags.append("concat") }
                if attribute.array { flags.append("array") }
                var lines = [
                    "ATTRIBUTE \(attribute.name) \(attribute.key.oid) \(attribute.type.rawValue)"
                        + (flags.isEmpty ? "" : " " + flags.joined(separator: ","))
                ]
                if !attribute.definedAt.isEmpty { lines.append("  defined at \(attribute.definedAt)") }
                if !aliases.isEmpty { lines.append("  also named \(aliases.joined(separator: ", "))") }
                for value in values { lines.append("  VALUE \(value.name) = \(value.number)") }
                return lines.joined(separator: "\n")
            case .vendor(let vendor, let attributes):
                var lines = ["VENDOR \(vendor.name) \(vendor.id) format=\(vendor.format)"]
                for attribute in attributes {
                    lines.append("  ATTRIBUTE \(attribute.name) \(attribute.key.oid) \(attribute.type.rawValue)")
                }
                return lines.joined(separator: "\n")
            case .value(let value, let attribute):
                return "VALUE \(attribute.name) \(value.name) \(value.number)"
            }
        }
    }

    /// Answers a dictionary query: an attribute name (`User-Name`, case-insensitive, or `Attr-26.311.99`), an
    /// attribute number (`79`, `26.311.16`), a vendor name or id (`Microsoft`, `311`), or a VALUE name
    /// (`Framed-User`). Every match is returned: attributes first, then vendors, then values. Empty when
    /// nothing matches.
    public func lookup(_ query: String) -> [LookupResult] {
        let query = query.trimmingSpaces
        var results: [LookupResult] = []
        var seen: Set<AttributeKey> = []
        func addAttribute(_ attribute: Attribute) {
            guard let printed = self.attribute(attribute.key), seen.insert(attribute.key).inserted else { return }
            let aliases = attributesByName.values.filter { $0.key == attribute.key && $0.name != printed.name }
                .map(\.name).sorted()
            results.append(.attribute(printed, aliases: aliases, values: values(of: printed)))
        }
        if let attribute = attribute(named: query) { addAttribute(attribute) }
        // A number names an attribute only when a dictionary defines it: `Attr-26.999.1` is how packets print
        // an unknown one, not something the dictionaries know.
        if let key = Self.parseOID(query), let known = attribute(key) { addAttribute(known) }  // also Attr-N names
        var vendor = self.vendor(named: query)
        if vendor == nil, let id = UInt32(query) { vendor = self.vendor(id: id) }
        if let vendor {
            results.append(.vendor(vendor, attributes: attributes.filter { $0.vendor == vendor.id }))
        }
        let wanted = query.lowercased()
        for (key, values) in valuesByKey.sorted(by: { $0.key < $1.key }) {
            guard let attribute = attribute(key) else { continue }
            for value in values where value.name.lowercased() == wanted {
                results.append(.value(value, of: attribute))
            }
        }
        return results
    }
}
