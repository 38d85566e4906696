private let lowerHexDigits = Array("0123456789abcdef".utf8)
private let upperHexDigits = Array("0123456789ABCDEF".utf8)

/// Hexadecimal text for byte strings: the one encoder and decoder every target uses (certificate
/// fingerprints and serials, RADIUS `0x…` values, MS-CHAPv2 `S=`/`C=` fields, logged MS-CHAP-Error values).
extension Array where Element == UInt8 {
    /// Lower-case hexadecimal, two digits an octet, no separators: `[0x0A, 0xFF]` → `"0aff"`.
    public var hexString: String { Self.hexText(self, digits: lowerHexDigits) }

    /// Upper-case hexadecimal, as MS-CHAPv2 writes its authenticator response and challenges (RFC 2759 §8.7,
    /// RFC 2759 §6): `[0x0A, 0xFF]` → `"0AFF"`.
    public var uppercaseHexString: String { Self.hexText(self, digits: upperHexDigits) }

    /// Decodes hexadecimal digits of either case, with no prefix or separators; `nil` on an odd number of
    /// digits or any other character. No digits decode to no bytes.
    public init?(hex text: some StringProtocol) {
        self.init(hexDigits: text.utf8)
    }

    /// ``init(hex:)`` over ASCII octets (e.g. a slice of a packet that holds hex text).
    public init?(hexDigits: some Collection<UInt8>) {
        guard hexDigits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(hexDigits.count / 2)
        var high: UInt8? = nil
        for character in hexDigits {
            guard let nibble = Self.nibble(character) else { return nil }
            if let pending = high {
                out.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self = out
    }

    private static func hexText(_ bytes: [UInt8], digits: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
