import Foundation
import Probe
import Reports
import Testing
import TLS

/// `--pcap`: the pcapng blocks checked byte by byte against draft-ietf-opsawg-pcapng for a tiny capture, and the
/// synthesised IP and UDP headers against RFC 791 / RFC 8200 / RFC 768 with RFC 1071 checksums. The expected
/// bytes were written from the draft with an independent encoder (Python `struct`) and the file they make was
/// read back by tshark 4.0 (timestamps, addresses, ports, "checksum good", direction); the lab tests read
/// npsprobe's own captures with tshark too (CaptureLabTests).
@Suite struct PcapngTests {
    static let sent = CapturedDatagram(
        direction: .sent, nanosecondsSince1970: 1_700_000_000_123_456_789,
        local: DatagramEndpoint(address: [192, 0, 2, 10], port: 40000),
        remote: DatagramEndpoint(address: [192, 0, 2, 1], port: 1812), payload: [0x01, 0x02, 0x00, 0x05, 0xAA])
    static let received = CapturedDatagram(
        direction: .received, nanosecondsSince1970: 1_700_000_000_124_456_789,
        local: DatagramEndpoint(address: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x10],
                                port: 40001),
        remote: DatagramEndpoint(address: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x01],
                                 port: 1812),
        payload: [0x02, 0x02, 0x00, 0x04])
    static let key = TLSKeyLogEntry(label: .clientRandom, clientRandom: [UInt8](repeating: 0x11, count: 32),
                                    secret: [UInt8](repeating: 0x22, count: 48))

    @Test func blocksMatchTheSpecByteForByte() throws {
        // Given out of order: packets are written in time order.
        let file = Pcapng.file([Self.received, Self.sent], keyLog: [Self.key])
        let comment = "RADIUS datagrams as npsprobe sent and received them; IP and UDP headers synthesised"
        let expected: [[UInt8]] = [
            // §4.1 Section Header Block: type 0x0A0D0D0A, total length 132, byte-order magic 0x1A2B3C4D (written
            // little-endian), version 1.0, section length -1; opt_comment (1, 83 octets + 1 pad), shb_userappl
            // (4, 8 octets), opt_endofopt; total length again.
            hex("0a0d0d0a 84000000 4d3c2b1a 0100 0000 ffffffffffffffff")
                + hex("0100 5300") + Array(comment.utf8) + [0]
                + hex("0400 0800") + Array("npsprobe".utf8) + hex("0000 0000 84000000"),
            // §4.2 Interface Description Block 0: LINKTYPE_IPV4 (228), reserved, SnapLen 0; if_name (2),
            // if_tsresol (9) = 9 (nanoseconds) + 3 pad, opt_endofopt.
            hex("01000000 34000000 e400 0000 00000000 0200 0d00") + Array("npsprobe-ipv4".utf8)
                + hex("000000 0900 0100 09000000 0000 0000 34000000"),
            // Interface 1: LINKTYPE_IPV6 (229).
            hex("01000000 34000000 e500 0000 00000000 0200 0d00") + Array("npsprobe-ipv6".utf8)
                + hex("000000 0900 0100 09000000 0000 0000 34000000"),
            // §4.7 Decryption Secrets Block: type 0x0A, secrets type "TLSK" 0x544c534b, length 176, the key log
            // (a multiple of 4: no pad), no options.
            hex("0a000000 c4000000 4b534c54 b0000000")
                + Array(("CLIENT_RANDOM " + String(repeating: "11", count: 32) + " "
                         + String(repeating: "22", count: 48) + "\n").utf8)
                + hex("c4000000"),
            // §4.3 Enhanced Packet Block: interface 0, timestamp 1700000000123456789 ns as upper 0x17979cfe and
            // lower 0x3d85cd15, captured = original = 33; then the packet:
            //   IPv4: 45 00, total length 0x0021, identification 1, no fragment, TTL 64, UDP, checksum 0xf6bf,
            //   192.0.2.10 → 192.0.2.1; UDP 40000 → 1812, length 13, checksum 0x2d6c; payload 01 02 00 05 aa;
            // 3 pad; epb_flags (2) = 2 (outbound), opt_endofopt.
            hex("06000000 50000000 00000000 fe9c9717 15cd853d 21000000 21000000")
                + hex("4500 0021 0001 0000 4011 f6bf c000020a c0000201")
                + hex("9c40 0714 000d 2d6c 01020005aa 000000")
                + hex("0200 0400 02000000 0000 0000 50000000"),
            // Interface 1, 1 ms later, 52 octets: IPv6 (version 6, payload length 12, next header UDP, hop limit
            // 64, 2001:db8::1 → 2001:db8::10); UDP 1812 → 40001, length 12, checksum 0xfef7; payload 02 02 00 04;
            // epb_flags = 1 (inbound).
            hex("06000000 60000000 01000000 fe9c9717 550f953d 34000000 34000000")
                + hex("60000000 000c 11 40 20010db8000000000000000000000001 20010db8000000000000000000000010")
                + hex("0714 9c41 000c fef7 02020004")
                + hex("0200 0400 01000000 0000 0000 60000000"),
        ]
        #expect(file == expected.flatMap { $0 })
        // Every block's two length fields agree and the blocks tile the file exactly (§3.1).
        var offset = 0
        for block in expected {
            let first = Array(file[(offset + 4)..<(offset + 8)])
            let last = Array(file[(offset + block.count - 4)..<(offset + block.count)])
            #expect(first == last && Int(first[0]) | Int(first[1]) << 8 == block.count && block.count % 4 == 0)
            offset += block.count
        }
        #expect(offset == file.count)
    }

    @Test func withoutKeysThereIsNoSecretsBlockAndOneInterfacePerFamilyPresent() {
        let file = Pcapng.file([Self.sent])
        // SHB (132) + one IDB (52) + one EPB (80).
        #expect(file.count == 132 + 52 + 80)
        #expect(Array(file[132..<136]) == [1, 0, 0, 0] && Array(file[184..<188]) == [6, 0, 0, 0])
        #expect(!containsSubsequence(file, Array("TLSK".utf8.reversed())))
    }

    @Test func internetChecksumVectors() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
        #expect(Pcapng.internetChecksum(hex("0001f203f4f5f6f7")) == 0x220d)
        // A well-known IPv4 header (checksum field zeroed) whose checksum is b861.
        #expect(Pcapng.internetChecksum(hex("450000730000400040110000c0a80001c0a800c7")) == 0xb861)
        // An odd length is padded with a zero octet.
        #expect(Pcapng.internetChecksum([0x01]) == ~UInt16(0x0100))
    }

    @Test func aComputedZeroUDPChecksumIsSentAsAllOnes() throws {
        // RFC 768: zero means "no checksum", so a sum of 0xFFFF goes out as 0xFFFF. Search for a payload whose
        // checksum computes to zero, then check the header carries all ones and still verifies.
        for value in 0...UInt16.max {
            let datagram = CapturedDatagram(
                direction: .sent, nanosecondsSince1970: 0, local: Self.sent.local, remote: Self.sent.remote,
                payload: [UInt8(value >> 8), UInt8(value & 0xFF)])
            let packet = Pcapng.ipPacket(datagram, identification: 1)
            var zeroed = packet
            zeroed[26] = 0
            zeroed[27] = 0
            let pseudo = packet[12..<20] + [0, 17, 0, 10]
            guard Pcapng.internetChecksum(Array(pseudo) + Array(zeroed[20...])) == 0 else { continue }
            #expect(packet[26] == 0xFF && packet[27] == 0xFF)
            return
        }
        Issue.record("no payload gives a zero checksum")
    }
}

private func hex(_ text: String) -> [UInt8] {
    guard let bytes = [UInt8](hex: text.filter { !$0.isWhitespace }) else { preconditionFailure("bad hex \(text)") }
    return bytes
}

private func containsSubsequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
}
