import Testing

@testable import NPS

@Suite("NPS Class attribute")
struct NPSClassTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// Captured from an NPS server (a NAS's accounting record of 2013); NPS logs it as the log form below.
    static let captured = "494a05120000013700010200ac1b020300000000000000000000000001ce741530c34784000000000001be35"
    /// The lab's farm-a Class (Tests/Lab/freeradius/sites/farm.conf).
    static let farmA = "33f4044e00000137000102000a00000100000000000000000000000001dc7ab19281000000000000000003e9"
    /// The same layout with family 23 and 2001:db8::1 (checksum computed with zlib's adler32).
    static let ipv6 = "4b9d0455000001370001170020010db800000000000000000000000101ce741530c347840000000000000007"

    @Test("a captured NPS Class decodes to what NPS logs for it")
    func captured() throws {
        let value = try NPSClass(decoding: Self.bytes(Self.captured))
        #expect(value.address == "172.27.2.3")
        #expect(!value.isIPv6)
        #expect(value.version == 1)
        #expect(value.serial == 114_229)
        #expect(value.logForm == "311 1 172.27.2.3 06/28/2013 15:36:00 114229")
        #expect(value.trailing.isEmpty)
        #expect(NPSClass.read(Self.bytes(Self.captured)) == .nps(value))
    }

    @Test("the lab's farm Class names node 10.0.0.1")
    func farm() throws {
        let value = try NPSClass(decoding: Self.bytes(Self.farmA))
        #expect(value.logForm == "311 1 10.0.0.1 01/01/2026 00:00:00 1001")
    }

    @Test("an IPv6 NPS Class")
    func ipv6() throws {
        let value = try NPSClass(decoding: Self.bytes(Self.ipv6))
        #expect(value.isIPv6)
        #expect(value.address == "2001:db8::1")
        #expect(value.serial == 7)
    }

    @Test("a Class that is not NPS's reads as unknown", arguments: [
        Array("lab-class".utf8), [], [0x01], Array(repeating: 0, count: 44),
        // vendor 311 but version 2
        NPSClassTests.bytes("494a05120000013700020200ac1b020300000000000000000000000001ce741530c34784000000000001be35"),
    ])
    func notNPS(_ value: [UInt8]) {
        #expect(NPSClass.read(value) == .unknown)
        #expect(throws: NPSError(.classNotNPS, "")) { try NPSClass(decoding: value) }
    }

    @Test("a truncated NPS Class is malformed, naming the length", arguments: [10, 20, 43])
    func truncated(_ length: Int) {
        let value = Array(Self.bytes(Self.captured).prefix(length))
        guard case .malformed(let error) = NPSClass.read(value) else {
            Issue.record("expected malformed")
            return
        }
        #expect(error.code == .classTruncated)
        #expect(error.reason.contains("\(length)"))
    }

    @Test("a changed octet fails the checksum; an unknown family is named")
    func damaged() {
        var value = Self.bytes(Self.captured)
        value[20] ^= 0x01
        #expect(throws: NPSError(.classChecksumMismatch, "")) { try NPSClass(decoding: value) }
        var family = Self.bytes(Self.captured)
        family[10] = 9
        // Recompute the checksum so only the family is wrong.
        let sum = NPSClass.adler32(family[4...])
        family[0] = UInt8(sum >> 24)
        family[1] = UInt8(sum >> 16 & 0xff)
        family[2] = UInt8(sum >> 8 & 0xff)
        family[3] = UInt8(sum & 0xff)
        #expect(throws: NPSError(.classUnknownAddressFamily, "")) { try NPSClass(decoding: family) }
    }

    @Test("trailing octets are kept")
    func trailing() throws {
        var value = Self.bytes(Self.farmA) + [0x41, 0x42]
        let sum = NPSClass.adler32(value[4...])
        value.replaceSubrange(0..<4, with: [UInt8(sum >> 24), UInt8(sum >> 16 & 0xff), UInt8(sum >> 8 & 0xff),
                                            UInt8(sum & 0xff)])
        #expect(try NPSClass(decoding: value).trailing == [0x41, 0x42])
    }
}
