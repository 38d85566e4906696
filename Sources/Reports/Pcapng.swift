import Probe
import TLS

/// A pcapng capture (draft-ietf-opsawg-pcapng) of RADIUS datagrams, synthesised from what the transport sent
/// and received — no capture privileges — so Wireshark and tshark open it like a capture taken on the wire:
///
/// - a Section Header Block (§4.1) naming npsprobe;
/// - one Interface Description Block (§4.2) per address family present, LINKTYPE_IPV4 (228) or
///   LINKTYPE_IPV6 (229), timestamps in nanoseconds (`if_tsresol` 9);
/// - with a key log, a Decryption Secrets Block (§4.7, secrets type TLS key log `0x544c534b`) before the
///   packets, so the EAP-TLS and PEAP records decrypt without a separate key log file;
/// - one Enhanced Packet Block (§4.3) per datagram, in time order, with its real timestamp and direction
///   (`epb_flags` inbound/outbound), holding an IPv4 (RFC 791) or IPv6 (RFC 8200) header and a UDP header
///   (RFC 768) built with the real addresses, ports, lengths and checksums around the RADIUS packet exactly as
///   it crossed the socket.
///
/// The file holds what the datagrams hold — passwords hidden with the shared secret, Message-Authenticators,
/// MS-CHAPv2 challenge/response pairs, EAP — and the key log when given; never the shared secret itself.
/// Little-endian throughout (the byte-order magic says so).
public enum Pcapng {
    public static let linkTypeIPv4: UInt16 = 228
    public static let linkTypeIPv6: UInt16 = 229
    /// "TLSK": the secrets type of an NSS key log in a Decryption Secrets Block (§4.7.1).
    public static let tlsKeyLogSecretsType: UInt32 = 0x544c_534b

    /// The whole file: header, interfaces, secrets (when `keyLog` has entries), packets.
    public static func file(_ datagrams: [CapturedDatagram], keyLog: [TLSKeyLogEntry] = [],
                            application: String = "npsprobe") -> [UInt8] {
        var out = sectionHeader(application: application, comment: "RADIUS datagrams as npsprobe sent and received "
                                + "them; IP and UDP headers synthesised")
        let datagrams = datagrams.sorted { $0.nanosecondsSince1970 < $1.nanosecondsSince1970 }
        var interfaces: [Bool: UInt32] = [:]  // isIPv6 → interface id, in order of first use
        for datagram in datagrams where interfaces[datagram.remote.isIPv6] == nil {
            let isIPv6 = datagram.remote.isIPv6
            interfaces[isIPv6] = UInt32(interfaces.count)
            out += interfaceDescription(linkType: isIPv6 ? linkTypeIPv6 : linkTypeIPv4,
                                        name: isIPv6 ? "npsprobe-ipv6" : "npsprobe-ipv4")
        }
        if !keyLog.isEmpty {
            out += decryptionSecrets(type: tlsKeyLogSecretsType, Array(keyLog.map { $0.line + "\n" }.joined().utf8))
        }
        for (index, datagram) in datagrams.enumerated() {
            out += enhancedPacket(
                interface: interfaces[datagram.remote.isIPv6] ?? 0, nanosecondsSince1970: datagram.nanosecondsSince1970,
                packet: ipPacket(datagram, identification: UInt16(truncatingIfNeeded: index + 1)),
                outbound: datagram.direction == .sent)
        }
        return out
    }

    // MARK: Blocks

    /// §4.1: Byte-Order Magic 0x1A2B3C4D, version 1.0, section length -1 (not given), `shb_userappl`,
    /// `opt_comment`.
    static func sectionHeader(application: String, comment: String) -> [UInt8] {
        var body = le32(0x1A2B_3C4D) + le16(1) + le16(0) + le64(UInt64.max)
        body += options([(1, Array(comment.utf8)), (4, Array(application.utf8))])
        return block(type: 0x0A0D_0D0A, body: body)
    }

    /// §4.2: LinkType, reserved, SnapLen 0 (no limit), `if_name`, `if_tsresol` = 9 (10^-9 s).
    static func interfaceDescription(linkType: UInt16, name: String) -> [UInt8] {
        let body = le16(linkType) + le16(0) + le32(0) + options([(2, Array(name.utf8)), (9, [9])])
        return block(type: 1, body: body)
    }

    /// §4.7: Secrets Type, Secrets Length, the secrets padded to 32 bits, no options.
    static func decryptionSecrets(type: UInt32, _ secrets: [UInt8]) -> [UInt8] {
        block(type: 0x0A, body: le32(type) + le32(UInt32(secrets.count)) + padded(secrets))
    }

    /// §4.3: Interface ID, timestamp (upper, lower 32 bits, in the interface's resolution), captured and
    /// original length (equal: nothing is cut), the packet padded to 32 bits, `epb_flags` with the direction
    /// (§4.3.1: bits 0–1, 01 inbound, 10 outbound).
    static func enhancedPacket(interface: UInt32, nanosecondsSince1970: UInt64, packet: [UInt8], outbound: Bool)
        -> [UInt8]
    {
        var body = le32(interface) + le32(UInt32(nanosecondsSince1970 >> 32))
            + le32(UInt32(truncatingIfNeeded: nanosecondsSince1970))
        body += le32(UInt32(packet.count)) + le32(UInt32(packet.count)) + padded(packet)
        body += options([(2, le32(outbound ? 2 : 1))])
        return block(type: 6, body: body)
    }

    /// §3.1: Block Type, Block Total Length, body, Block Total Length again.
    static func block(type: UInt32, body: [UInt8]) -> [UInt8] {
        let total = UInt32(12 + body.count)
        return le32(type) + le32(total) + body + le32(total)
    }

    /// §3.5: each option as code, length, value padded to 32 bits; then `opt_endofopt`.
    static func options(_ list: [(code: UInt16, value: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (code, value) in list { out += le16(code) + le16(UInt16(value.count)) + padded(value) }
        return out + le16(0) + le16(0)
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
    }

    // MARK: IP and UDP

    /// The datagram as an IP packet: IPv4 (RFC 791 §3.1: no options, TTL 64, not fragmented) or IPv6
    /// (RFC 8200 §3: hop limit 64), then UDP (RFC 768) with its checksum over the pseudo-header.
    public static func ipPacket(_ datagram: CapturedDatagram, identification: UInt16) -> [UInt8] {
        let source = datagram.source
        let destination = datagram.destination
        let udpLength = 8 + datagram.payload.count
        var udp = be16(source.port) + be16(destination.port) + be16(UInt16(truncatingIfNeeded: udpLength))
            + [0, 0] + datagram.payload
        let pseudo: [UInt8]
        if destination.isIPv6 {
            // RFC 8200 §8.1: source, destination, upper-layer length (32 bits), 3 zero octets, next header.
            pseudo = source.address + destination.address + be32(UInt32(udpLength)) + [0, 0, 0, 17]
        } else {
            pseudo = source.address + destination.address + [0, 17] + be16(UInt16(truncatingIfNeeded: udpLength))
        }
        var checksum = internetChecksum(pseudo + udp)
        if checksum == 0 { checksum = 0xFFFF }  // RFC 768: a computed zero is sent as all ones
        udp[6] = UInt8(checksum >> 8)
        udp[7] = UInt8(checksum & 0xFF)
        if destination.isIPv6 {
            return [0x60, 0, 0, 0] + be16(UInt16(truncatingIfNeeded: udpLength)) + [17, 64] + source.address
                + destination.address + udp
        }
        var header = [0x45, 0] + be16(UInt16(truncatingIfNeeded: 20 + udpLength)) + be16(identification)
            + [0, 0, 64, 17, 0, 0] + source.address + destination.address
        let headerChecksum = internetChecksum(header)
        header[10] = UInt8(headerChecksum >> 8)
        header[11] = UInt8(headerChecksum & 0xFF)
        return header + udp
    }

    /// RFC 1071: the one's complement of the one's complement sum of 16-bit big-endian words (odd length padded
    /// with a zero octet).
    public static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    private static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    private static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    private static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    private static func be32(_ v: UInt32) -> [UInt8] {
        (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }
}
