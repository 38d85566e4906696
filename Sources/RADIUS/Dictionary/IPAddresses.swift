/// An IPv4 address as RADIUS carries it (4 octets, network order), with dotted-quad text.
public struct IPv4Address: Hashable, Sendable, CustomStringConvertible {
    public let octets: [UInt8]

    /// Nil unless exactly 4 octets.
    public init?(octets: [UInt8]) {
        guard octets.count == 4 else { return nil }
        self.octets = octets
    }

    /// Parses `a.b.c.d` (decimal, each 0…255, no leading `+`/spaces).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                let value = UInt8(part)
            else { return nil }
            octets.append(value)
        }
        self.octets = octets
    }

    public var description: String { octets.map(String.init).joined(separator: ".") }
}

/// An IPv6 address (16 octets), parsed from and printed as RFC 5952 text.
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    public let octets: [UInt8]

    /// Nil unless exactly 16 octets.
    public init?(octets: [UInt8]) {
        guard octets.count == 16 else { return nil }
        self.octets = octets
    }

    /// Parses RFC 4291 §2.2 text: eight groups, `::` once, an optional trailing dotted IPv4.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard !text.isEmpty, text.allSatisfy(\.isASCII) else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        let halves = text.components(separatedByDoubleColon: ())
        guard let halves, halves.count <= 2 else { return nil }
        guard let first = Self.groups(halves[0], allowIPv4: halves.count == 1) else { return nil }
        head = first
        if halves.count == 2 {
            guard let second = Self.groups(halves[1], allowIPv4: true) else { return nil }
            tail = second
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard head.count == 8 else { return nil }
        }
        let groups = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        self.octets = groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Colon-separated hex groups, the last possibly a dotted IPv4 (two groups). Empty text is no group.
    private static func groups(_ text: Substring, allowIPv4: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var out: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, allowIPv4, part.contains(".") {
                guard let v4 = IPv4Address(part) else { return nil }
                out.append(UInt16(v4.octets[0]) << 8 | UInt16(v4.octets[1]))
                out.append(UInt16(v4.octets[2]) << 8 | UInt16(v4.octets[3]))
                continue
            }
            guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit), let value = UInt16(part, radix: 16)
            else { return nil }
            out.append(value)
        }
        return out
    }

    /// RFC 5952 §4: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`.
    public var description: String {
        let groups = (0..<8).map { UInt16(octets[2 * $0]) << 8 | UInt16(octets[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        guard bestLength >= 2 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

extension String {
    /// Splits at the first `::`; nil when `::` appears more than once or `:::` appears.
    fileprivate func components(separatedByDoubleColon _: Void) -> [Substring]? {
        let chars = Array(utf8)
        var found: Int?
        var index = 0
        while index + 1 < chars.count {
            if chars[index] == UInt8(ascii: ":"), chars[index + 1] == UInt8(ascii: ":") {
                guard found == nil else { return nil }
                if index + 2 < chars.count, chars[index + 2] == UInt8(ascii: ":") { return nil }
                found = index
                index += 2
            } else {
                index += 1
            }
        }
        guard let found else { return [self[...]] }
        let start = utf8.index(startIndex, offsetBy: found)
        let end = utf8.index(start, offsetBy: 2)
        return [self[..<start], self[end...]]
    }
}
