import TLS

/// A typed view of an attribute value, decoded according to a dictionary data type.
///
/// Decoding validates lengths (``decode(_:as:)``); ``parse(_:as:)`` reads the text form that ``description``
/// prints, so text and bytes round-trip. VALUE names, tags, encryption and VSAs are handled a level up, in
/// ``RADIUSDictionary``.
public enum RADIUSValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case octets([UInt8])
    case integer(UInt32)
    case short(UInt16)
    case byte(UInt8)
    case signed(Int32)
    case integer64(UInt64)
    /// Seconds since 1970-01-01T00:00:00Z (RFC 2869 §5.3).
    case date(UInt32)
    case ipaddr(IPv4Address)
    case ipv6addr(IPv6Address)
    /// RFC 3162 §2.3: prefix length 0…128; the address is zero-padded to 16 octets.
    case ipv6prefix(IPv6Address, prefixLength: UInt8)
    /// RFC 6572 §3.1: prefix length 0…32.
    case ipv4prefix(IPv4Address, prefixLength: UInt8)
    /// An IPv6 interface identifier, 8 octets (RFC 3162 §2.2).
    case ifid([UInt8])
    /// A MAC address, 6 octets.
    case ether([UInt8])
    /// TLV, VSA, extended and Ascend binary values, kept undecoded.
    case raw([UInt8])

    // MARK: Bytes → value

    /// Decodes `bytes` as `type`, checking the length the type requires.
    public static func decode(_ bytes: [UInt8], as type: RADIUSDictionary.DataType) throws(RADIUSError) -> RADIUSValue {
        func need(_ count: Int) throws(RADIUSError) {
            guard bytes.count == count else {
                throw RADIUSError(.invalidValue, "\(type.rawValue) needs \(count) octets, not \(bytes.count)")
            }
        }
        switch type {
        case .string:
            if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
            return .octets(bytes)
        case .octets:
            return .octets(bytes)
        case .integer:
            try need(4)
            return .integer(UInt32(bigEndianBytes: bytes[...]))
        case .date:
            try need(4)
            return .date(UInt32(bigEndianBytes: bytes[...]))
        case .signed:
            try need(4)
            return .signed(Int32(bitPattern: UInt32(bigEndianBytes: bytes[...])))
        case .short:
            try need(2)
            return .short(UInt16(bigEndianBytes: bytes[...]))
        case .byte:
            try need(1)
            return .byte(bytes[0])
        case .integer64:
            try need(8)
            return .integer64(UInt64(bigEndianBytes: bytes[...]))
        case .ipaddr:
            try need(4)
            return .ipaddr(IPv4Address(octets: bytes)!)
        case .ipv6addr:
            try need(16)
            return .ipv6addr(IPv6Address(octets: bytes)!)
        case .comboIP:
            if bytes.count == 4 { return .ipaddr(IPv4Address(octets: bytes)!) }
            if bytes.count == 16 { return .ipv6addr(IPv6Address(octets: bytes)!) }
            throw RADIUSError(.invalidValue, "combo-ip needs 4 or 16 octets, not \(bytes.count)")
        case .ipv6prefix:
            guard (2...18).contains(bytes.count) else {
                throw RADIUSError(.invalidValue, "ipv6prefix needs 2-18 octets, not \(bytes.count)")
            }
            let length = bytes[1]
            guard length <= 128 else {
                throw RADIUSError(.invalidValue, "ipv6prefix length \(length) is above 128")
            }
            guard bytes.count - 2 >= (Int(length) + 7) / 8 else {
                throw RADIUSError(
                    .invalidValue,
                    "ipv6prefix /\(length) needs \((Int(length) + 7) / 8) prefix octets, has \(bytes.count - 2)")
            }
            let padded = Array(bytes[2...]) + [UInt8](repeating: 0, count: 18 - bytes.count)
            return .ipv6prefix(IPv6Address(octets: padded)!, prefixLength: length)
        case .ipv4prefix:
            try need(6)
            guard bytes[1] <= 32 else { throw RADIUSError(.invalidValue, "ipv4prefix length \(bytes[1]) is above 32") }
            return .ipv4prefix(IPv4Address(octets: Array(bytes[2...]))!, prefixLength: bytes[1])
        case .ifid:
            try need(8)
            return .ifid(bytes)
        case .ether:
            try need(6)
            return .ether(bytes)
        case .abinary, .tlv, .vsa, .evs, .extended, .longExtended:
            return .raw(bytes)
        }
    }

    // MARK: Value → bytes

    /// The wire form (IPv6 prefixes always carry all 16 prefix octets).
    public func encode() -> [UInt8] {
        switch self {
        case .string(let text): return Array(text.utf8)
        case .octets(let bytes), .raw(let bytes), .ifid(let bytes), .ether(let bytes): return bytes
        case .integer(let value), .date(let value): return value.bigEndianBytes
        case .short(let value): return value.bigEndianBytes
        case .byte(let value): return [value]
        case .signed(let value): return value.bigEndianBytes
        case .integer64(let value): return value.bigEndianBytes
        case .ipaddr(let address): return address.octets
        case .ipv6addr(let address): return address.octets
        case .ipv6prefix(let address, let length): return [0, length] + address.octets
        case .ipv4prefix(let address, let length): return [0, length] + address.octets
        }
    }

    // MARK: Text

    /// The text form: strings quoted with `\"`, `\\` and `\xNN` escapes, octets as `0x…`, addresses in their
    /// usual notation, dates as ISO 8601 UTC.
    public var description: String {
        switch self {
        case .string(let text): return Self.quote(text)
        case .octets(let bytes), .raw(let bytes): return Self.hex(bytes)
        case .integer(let value): return "\(value)"
        case .short(let value): return "\(value)"
        case .byte(let value): return "\(value)"
        case .signed(let value): return "\(value)"
        case .integer64(let value): return "\(value)"
        case .date(let seconds): return Self.iso8601(seconds)
        case .ipaddr(let address): return address.description
        case .ipv6addr(let address): return address.description
        case .ipv6prefix(let address, let length): return "\(address)/\(length)"
        case .ipv4prefix(let address, let length): return "\(address)/\(length)"
        case .ifid(let bytes):
            return stride(from: 0, to: 8, by: 2).map { Array(bytes[$0..<($0 + 2)]).hexString }.joined(separator: ":")
        case .ether(let bytes): return bytes.map { [$0].hexString }.joined(separator: ":")
        }
    }

    /// Parses the text form of `type` (numbers also as `0x…` hex; strings quoted or bare, a bare `0x…` as their
    /// bytes; octets as `0x…` or as text; dates as ISO 8601 UTC or seconds since 1970).
    public static func parse(_ text: String, as type: RADIUSDictionary.DataType) throws(RADIUSError) -> RADIUSValue {
        func bad(_ what: String) -> RADIUSError {
            RADIUSError(.invalidValue, "\"\(text)\" is not \(what)")
        }
        switch type {
        case .string:
            // A bare `0x…` is octets, the form `description` prints for a string whose bytes are not UTF-8;
            // quoted, it is that text.
            if text.lowercased().hasPrefix("0x"), let hex = parseHex(text) {
                return String(validating: hex, as: UTF8.self).map { .string($0) } ?? .octets(hex)
            }
            return .string(try unquote(text))
        case .octets, .abinary, .tlv, .vsa, .evs, .extended, .longExtended:
            let bytes: [UInt8]
            if text.lowercased().hasPrefix("0x") {
                guard let hex = parseHex(text) else { throw bad("0x followed by an even number of hex digits") }
                bytes = hex
            } else {
                bytes = Array(try unquote(text).utf8)
            }
            return type == .octets ? .octets(bytes) : .raw(bytes)
        case .integer:
            guard let value = parseInteger(text), let narrow = UInt32(exactly: value) else {
                throw bad("a 32-bit integer")
            }
            return .integer(narrow)
        case .short:
            guard let value = parseInteger(text), let narrow = UInt16(exactly: value) else {
                throw bad("a 16-bit integer")
            }
            return .short(narrow)
        case .byte:
            guard let value = parseInteger(text), let narrow = UInt8(exactly: value) else {
                throw bad("an 8-bit integer")
            }
            return .byte(narrow)
        case .integer64:
            guard let value = parseInteger(text) else { throw bad("a 64-bit integer") }
            return .integer64(value)
        case .signed:
            guard let value = Int32(text) else { throw bad("a signed 32-bit integer") }
            return .signed(value)
        case .date:
            if let seconds = parseInteger(text), let narrow = UInt32(exactly: seconds) { return .date(narrow) }
            guard let seconds = parseISO8601(text) else { throw bad("a date (YYYY-MM-DDTHH:MM:SSZ or seconds)") }
            return .date(seconds)
        case .ipaddr:
            guard let address = IPv4Address(text) else { throw bad("an IPv4 address") }
            return .ipaddr(address)
        case .ipv6addr:
            guard let address = IPv6Address(text) else { throw bad("an IPv6 address") }
            return .ipv6addr(address)
        case .comboIP:
            if let address = IPv4Address(text) { return .ipaddr(address) }
            guard let address = IPv6Address(text) else { throw bad("an IPv4 or IPv6 address") }
            return .ipv6addr(address)
        case .ipv6prefix:
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let address = IPv6Address(parts[0]), let length = UInt8(parts[1]), length <= 128
            else { throw bad("an IPv6 prefix (address/0-128)") }
            return .ipv6prefix(address, prefixLength: length)
        case .ipv4prefix:
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let address = IPv4Address(parts[0]), let length = UInt8(parts[1]), length <= 32
            else { throw bad("an IPv4 prefix (address/0-32)") }
            return .ipv4prefix(address, prefixLength: length)
        case .ifid:
            let digits = text.filter { $0 != ":" }
            guard digits.count == 16, let bytes = [UInt8](hex: digits) else {
                throw bad("an interface id (xxxx:xxxx:xxxx:xxxx)")
            }
            return .ifid(bytes)
        case .ether:
            let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
            guard parts.count == 6, parts.allSatisfy({ $0.count == 2 }), let bytes = [UInt8](hex: parts.joined())
            else { throw bad("a MAC address (xx:xx:xx:xx:xx:xx)") }
            return .ether(bytes)
        }
    }

    // MARK: Text helpers

    static func hex(_ bytes: [UInt8]) -> String { "0x" + bytes.hexString }

    /// `0x` followed by an even number of hex digits.
    static func parseHex(_ text: String) -> [UInt8]? {
        guard text.count >= 2, text.lowercased().hasPrefix("0x") else { return nil }
        return [UInt8](hex: text.dropFirst(2))
    }

    static func parseInteger(_ text: String) -> UInt64? {
        if text.lowercased().hasPrefix("0x") { return text.count > 2 ? UInt64(text.dropFirst(2), radix: 16) : nil }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + [UInt8(scalar.value)].hexString
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Accepts bare text, or text in double quotes with the escapes ``quote(_:)`` writes.
    static func unquote(_ text: String) throws(RADIUSError) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        let inner = Array(text.unicodeScalars.dropFirst().dropLast())
        var out = String.UnicodeScalarView()
        var index = 0
        while index < inner.count {
            let scalar = inner[index]
            guard scalar == "\\" else {
                guard scalar != "\"" else { throw RADIUSError(.invalidValue, "unescaped quote inside \(text)") }
                out.append(scalar)
                index += 1
                continue
            }
            guard index + 1 < inner.count else { throw RADIUSError(.invalidValue, "dangling \\ in \(text)") }
            let next = inner[index + 1]
            switch next {
            case "\"", "\\": out.append(next)
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "x":
                guard index + 3 < inner.count,
                    let byte = [UInt8](hex: String(String.UnicodeScalarView(inner[(index + 2)...(index + 3)])))
                else { throw RADIUSError(.invalidValue, "bad \\x escape in \(text)") }
                out.append(Unicode.Scalar(byte[0]))
                index += 2
            default:
                throw RADIUSError(.invalidValue, "unknown escape \\\(next) in \(text)")
            }
            index += 2
        }
        return String(out)
    }

    // MARK: Dates (proleptic Gregorian, UTC; days-from-civil after H. Hinnant's public-domain algorithm)

    static func iso8601(_ seconds: UInt32) -> String {
        let total = Int64(seconds)
        let days = total / 86_400
        let rest = total % 86_400
        let (year, month, day) = civil(fromDays: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }

    static func parseISO8601(_ text: String) -> UInt32? {
        let chars = Array(text.utf8)
        guard chars.count == 20, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
            chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
            chars[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            guard chars[range].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            return chars[range].reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        guard civil(fromDays: days) == (year, month, day) else { return nil }
        return UInt32(exactly: days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
