import Foundation

/// The Class attribute (RFC 2865 §5.25) NPS puts in every Access-Accept, decoded: which NPS server
/// answered, when it started, and the serial of the session. The NAS echoes it in accounting, and NPS logs it
/// as `311 1 <NPS address> <boot date> <boot time> <serial>` (Microsoft, "Interpret NPS Database Format Log
/// Files"); a farm run tells its members apart by it.
///
/// The 44 octets, as captured from NPS (`494a0512 00000137 0001 0200 ac1b0203 00…00 01ce741530c34784
/// 000000000001be35` is `311 1 172.27.2.3 06/28/2013 15:36:00 114229`):
///
/// | octets | field |
/// |---|---|
/// | 0–3 | Adler-32 (RFC 1950 §8) of octets 4…end, big-endian |
/// | 4–7 | vendor 311 (Microsoft), big-endian |
/// | 8–9 | version, 1 |
/// | 10–11 | address family, little-endian: 2 IPv4, 23 IPv6 (Windows' AF_INET6) |
/// | 12–27 | the NPS server's address: IPv4 in the first 4 octets, zeros after; IPv6 all 16 |
/// | 28–35 | the server's start time, a FILETIME (100 ns since 1601-01-01 UTC), big-endian |
/// | 36–43 | a serial, big-endian |
///
/// Octets after 44 (none in the captures) are kept as ``trailing``. The IPv6 family value is inferred from the
/// 16-octet address field and Windows' AF_INET6; only IPv4 Classes have been seen on the wire.
public struct NPSClass: Sendable, Equatable, Hashable, Codable {
    public var version: UInt16
    /// The NPS server's address (`10.0.0.1`, `2001:db8::1`): the node of a farm.
    public var address: String
    public var isIPv6: Bool
    /// The server's start time, FILETIME (100 ns units since 1601-01-01 UTC).
    public var bootFileTime: UInt64
    public var serial: UInt64
    public var trailing: [UInt8]

    /// The octets NPS's layout occupies.
    public static let length = 44
    /// Microsoft's SMI private enterprise number.
    public static let vendor: UInt32 = 311

    /// The server's start time as a date.
    public var bootTime: Date {
        // 11 644 473 600 s from 1601-01-01 to 1970-01-01.
        Date(timeIntervalSince1970: Double(bootFileTime) / 10_000_000 - 11_644_473_600)
    }

    /// NPS's log form: `311 1 10.0.0.1 01/01/2026 00:00:00 1001`.
    public var logForm: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: bootTime)
        let date = String(format: "%02d/%02d/%04d %02d:%02d:%02d", parts.month ?? 0, parts.day ?? 0,
                          parts.year ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        return "\(Self.vendor) \(version) \(address) \(date) \(serial)"
    }

    /// What a Class attribute is.
    public enum Reading: Sendable, Equatable {
        /// NPS's layout, valid.
        case nps(NPSClass)
        /// Not NPS's layout (another server's Class, a policy's own Class string): the node is unknown.
        case unknown
        /// NPS's vendor and version, but damaged: truncated, checksum wrong, unknown address family.
        case malformed(NPSError)
    }

    /// Reads a Class value: NPS's (valid or damaged) or someone else's. Never throws, never traps.
    public static func read(_ bytes: [UInt8]) -> Reading {
        guard looksLikeNPS(bytes) else { return .unknown }
        do {
            return .nps(try NPSClass(decoding: bytes))
        } catch {
            return .malformed(error)
        }
    }

    /// Octets 4–9 say vendor 311, version 1: the Class claims NPS's layout.
    static func looksLikeNPS(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 10 else { return false }
        return uint(bytes, 4, 4) == UInt64(vendor) && uint(bytes, 8, 2) == 1
    }

    /// Validates (length, checksum, family), then decodes.
    public init(decoding bytes: [UInt8]) throws(NPSError) {
        guard bytes.count >= Self.length || !Self.looksLikeNPS(bytes) else {
            throw NPSError(.classTruncated, "an NPS Class needs \(Self.length) octets, this one has \(bytes.count)",
                           offset: bytes.count)
        }
        guard Self.looksLikeNPS(bytes) else {
            throw NPSError(.classNotNPS, "octets 4–9 are not Microsoft's vendor 311, version 1", offset: 4)
        }
        let checksum = UInt32(Self.uint(bytes, 0, 4))
        let computed = Self.adler32(bytes[4...])
        guard checksum == computed else {
            throw NPSError(.classChecksumMismatch, String(
                format: "the Adler-32 of octets 4…%d is %08x, the Class says %08x", bytes.count - 1, computed,
                checksum),
                offset: 0)
        }
        let family = UInt16(bytes[10]) | UInt16(bytes[11]) << 8
        let field = Array(bytes[12..<28])
        switch family {
        case 2:
            address = field.prefix(4).map(String.init).joined(separator: ".")
            isIPv6 = false
        case 23:
            address = Self.ipv6(field)
            isIPv6 = true
        default:
            throw NPSError(.classUnknownAddressFamily,
                           "address family \(family) at octets 10–11 is neither IPv4 (2) nor IPv6 (23)", offset: 10)
        }
        version = UInt16(Self.uint(bytes, 8, 2))
        bootFileTime = Self.uint(bytes, 28, 8)
        serial = Self.uint(bytes, 36, 8)
        trailing = Array(bytes[Self.length...])
    }

    /// RFC 1950 §8 (zlib's Adler-32).
    static func adler32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    private static func uint(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// RFC 5952 §4 text form (longest zero run compressed, lowercase).
    static func ipv6(_ bytes: [UInt8]) -> String {
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > best.length, end - index >= 2 { best = (index, end - index) }
                index = end
            } else {
                index += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
