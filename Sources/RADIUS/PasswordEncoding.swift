/// The octets a password becomes in User-Password (PAP, RFC 2865 §5.2) and CHAP-Password (the MD5 input, RFC 1994
/// §4.1). RFC 2865 leaves User-Password's character set unsaid (RFC 2869 and later say UTF-8); NPS decodes the
/// octets in the server's ANSI code page — windows-1252 on Western-European and American installations — so a
/// password beyond ASCII sent as UTF-8 does not match (README, "Passwords beyond ASCII"). MS-CHAPv2 is not
/// concerned: its NT hash is MD4 over the UTF-16LE password (RFC 2759 §8.3).
public enum PasswordEncoding: String, Sendable, Hashable, CaseIterable, Codable {
    /// The password's UTF-8 octets (what Linux clients and most NAS send; the default).
    case utf8 = "utf-8"
    /// Windows code page 1252: ASCII, Latin-1 from 0xA0, and 27 characters in 0x80–0x9F (€ ‚ ƒ „ … Š Œ Ž
    /// ‘ ’ “ ” • – — ™ š œ ž Ÿ and more). Characters outside it cannot be sent.
    case windows1252 = "windows-1252"

    /// A character the encoding has no octet for.
    public struct Unencodable: Error, Sendable, Equatable, CustomStringConvertible {
        public var character: Character
        /// Its position in the password (in characters, from 0).
        public var position: Int
        public var encoding: PasswordEncoding

        public init(character: Character, position: Int, encoding: PasswordEncoding) {
            self.character = character
            self.position = position
            self.encoding = encoding
        }

        public var description: String {
            let scalars = character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            return "the password's character \(position + 1) (\(scalars.joined(separator: " "))) has no "
                + "\(encoding.rawValue) octet"
        }
    }

    /// The password's octets in this encoding.
    public func encode(_ password: String) throws(Unencodable) -> [UInt8] {
        switch self {
        case .utf8:
            return Array(password.utf8)
        case .windows1252:
            var out: [UInt8] = []
            for (position, character) in password.enumerated() {
                for scalar in character.unicodeScalars {
                    guard let octet = Self.windows1252Octet(scalar) else {
                        throw Unencodable(character: character, position: position, encoding: self)
                    }
                    out.append(octet)
                }
            }
            return out
        }
    }

    /// Whether the password holds anything beyond ASCII, i.e. whether the encoding changes its octets.
    public static func hasNonASCII(_ password: String) -> Bool { password.unicodeScalars.contains { !$0.isASCII } }

    /// The characters beyond ASCII, in order, without repeats ("ä€").
    public static func nonASCIICharacters(_ password: String) -> String {
        var seen = Set<Character>()
        return String(password.filter { character in
            character.unicodeScalars.contains { !$0.isASCII } && seen.insert(character).inserted
        })
    }

    /// 0x80–0x9F of windows-1252 (the rest is Latin-1); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned.
    private static let windows1252High: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    private static func windows1252Octet(_ scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 || (0xA0...0xFF).contains(value) { return UInt8(value) }
        return windows1252High[value]
    }
}
