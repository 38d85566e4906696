import TLSTestSupport
import TLS
import Testing

@testable import RADIUS

/// Malformed datagrams: each refused with its own code and the offset of the problem; none traps.
@Suite struct MalformedPacketTests {
    /// A valid Access-Accept: header, Message-Authenticator, Session-Timeout, Reply-Message "hi".
    static let valid: [UInt8] = {
        let request = try! RADIUSPacket.accessRequest(
            identifier: 1, attributes: [RADIUSAttribute(.userName, string: "u")], secret: testing123,
            random: SeededRandom(seed: "malformed"))
        return try! request.signedReply(
            .accessAccept,
            attributes: [RADIUSAttribute(.sessionTimeout, integer: 60), RADIUSAttribute(.replyMessage, string: "hi")],
            secret: testing123
        ).encode()
    }()

    func failure(_ bytes: [UInt8]) -> RADIUSError? {
        do {
            _ = try RADIUSPacket(decoding: bytes)
            return nil
        } catch {
            #expect(throws: RADIUSError.self) { try RADIUSPacket.validate(bytes) }
            return error
        }
    }

    func withLength(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        var copy = bytes
        copy[2] = UInt8(length >> 8)
        copy[3] = UInt8(length & 0xFF)
        return copy
    }

    @Test func validPacketDecodes() throws {
        let packet = try RADIUSPacket(decoding: Self.valid)
        #expect(packet.attributes.map(\.type) == [80, 27, 18])
        try RADIUSPacket.validate(Self.valid)
    }

    @Test func datagramShorterThanHeader() {
        for count in [0, 1, 4, 19] {
            #expect(failure(Array(Self.valid.prefix(count)))?.code == .datagramTooShort)
        }
    }

    @Test func lengthFieldBelow20() {
        let error = failure(withLength(Self.valid, 19))
        #expect(error?.code == .lengthFieldTooSmall)
        #expect(error?.offset == 2)
        #expect(failure(withLength(Self.valid, 0))?.code == .lengthFieldTooSmall)
    }

    @Test func lengthFieldAbove4096() {
        let big = withLength(Self.valid + [UInt8](repeating: 0, count: 5000), 4097)
        #expect(failure(big)?.code == .lengthFieldTooLarge)
        #expect(failure(withLength(Self.valid, 0xFFFF))?.code == .lengthFieldTooLarge)
    }

    @Test func lengthFieldBeyondDatagram() {
        let error = failure(withLength(Self.valid, Self.valid.count + 1))
        #expect(error?.code == .lengthExceedsDatagram)
        #expect(failure(Array(Self.valid.dropLast()))?.code == .lengthExceedsDatagram)
    }

    @Test func octetsBeyondTheLengthFieldAreIgnored() throws {
        let padded = Self.valid + [0xde, 0xad, 0xbe, 0xef]
        let packet = try RADIUSPacket(decoding: padded)
        #expect(packet.encode() == Self.valid)
        // And the authenticators still verify: padding is not part of the packet (RFC 2865 §3).
        let request = try RADIUSPacket.accessRequest(
            identifier: 1, attributes: [RADIUSAttribute(.userName, string: "u")], secret: testing123,
            random: SeededRandom(seed: "malformed"))
        try packet.verifyReply(to: request, secret: testing123)
        // A 4096-octet packet inside a longer datagram is fine too.
        let maximal = try RADIUSPacket.accountingRequest(
            identifier: 1,
            attributes: [RADIUSAttribute](
                repeating: RADIUSAttribute(.class, [UInt8](repeating: 7, count: 253)), count: 15)
                + [RADIUSAttribute(.class, [UInt8](repeating: 7, count: 249))],
            secret: testing123)
        #expect(maximal.encodedLength == 4096)
        #expect(try RADIUSPacket(decoding: maximal.encode() + [0, 0]) == maximal)
    }

    @Test func attributeLengthZeroOrOne() {
        for length: UInt8 in [0, 1] {
            var bytes = Self.valid
            bytes[20 + 18 + 1] = length  // Session-Timeout's Length
            let error = failure(bytes)
            #expect(error?.code == .attributeTooShort)
            #expect(error?.offset == 38)
        }
    }

    @Test func attributeOverrunningThePacket() {
        var bytes = Self.valid
        bytes[bytes.count - 3] = 5  // Reply-Message "hi" claims 5 octets, 4 remain
        let error = failure(bytes)
        #expect(error?.code == .attributeOverrun)
        #expect(error?.offset == Self.valid.count - 4)
    }

    @Test func oneTrailingOctetInsteadOfAnAttributeHeader() {
        let bytes = withLength(Self.valid + [18], Self.valid.count + 1)
        let error = failure(bytes)
        #expect(error?.code == .attributeHeaderTruncated)
        #expect(error?.offset == Self.valid.count)
    }

    @Test func attributeTypeZero() {
        var bytes = Self.valid
        bytes[38] = 0
        #expect(failure(bytes)?.code == .invalidAttributeType)
    }

    @Test func messageAuthenticatorOfWrongLength() {
        // Header + Message-Authenticator with 15 octets of value.
        var bytes: [UInt8] =
            [2, 1, 0, 37] + [UInt8](repeating: 0, count: 16) + [80, 17] + [UInt8](repeating: 0, count: 15)
        #expect(failure(bytes)?.code == .invalidMessageAuthenticatorLength)
        bytes = [2, 1, 0, 22] + [UInt8](repeating: 0, count: 16) + [80, 2]
        #expect(failure(bytes)?.code == .invalidMessageAuthenticatorLength)
    }

    @Test func twoMessageAuthenticators() {
        let ma: [UInt8] = [80, 18] + [UInt8](repeating: 0, count: 16)
        let bytes = withLength([2, 1, 0, 0] + [UInt8](repeating: 0, count: 16) + ma + ma, 56)
        let error = failure(bytes)
        #expect(error?.code == .duplicateMessageAuthenticator)
        #expect(error?.offset == 38)
    }

    @Test func truncatedVendorSpecificIsKeptRawButRefusedTyped() throws {
        // Vendor-Specific for Microsoft whose sub-attribute claims 10 octets but has 4.
        let vsa = RADIUSAttribute(.vendorSpecific, [0, 0, 1, 55, 16, 10, 1, 2])
        let packet = RADIUSPacket(
            code: .accessAccept, identifier: 1, authenticator: [UInt8](repeating: 0, count: 16), attributes: [vsa])
        let decoded = try RADIUSPacket(decoding: packet.encode())
        #expect(decoded.attributes == [vsa], "the packet layer keeps it raw")
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSVendorSpecific(decoding: vsa.value)
        }
        #expect(error?.code == .invalidVendorSpecific)
        #expect(error?.offset == 4)
        #expect(decoded.attributes.vendorAttributes(vendor: 311, type: 16).isEmpty)
        let described = shippedDictionary.describe(vsa)
        #expect(described.count == 1)
        #expect(described[0].name == "Vendor-Specific")
        #expect(described[0].problem?.contains("Microsoft") == true)
        #expect(throws: RADIUSError.self) { try shippedDictionary.typedValue(of: vsa) }
    }

    @Test func vendorSpecificShorterThanVendorId() {
        for value: [UInt8] in [[], [0], [0, 0, 1]] {
            #expect(throws: RADIUSError.self) { try RADIUSVendorSpecific(decoding: value) }
        }
        // Vendor-Id alone, no sub-attribute; sub-attribute length below its header; high octet set.
        for value: [UInt8] in [[0, 0, 1, 55], [0, 0, 1, 55, 1, 1], [0, 0, 1, 55, 1], [1, 0, 1, 55, 1, 2]] {
            let error = #expect(throws: RADIUSError.self) { try RADIUSVendorSpecific(decoding: value) }
            #expect(error?.code == .invalidVendorSpecific)
        }
    }

    /// A seeded mutation loop: flip, insert, delete and truncate octets of valid packets; decoding must either
    /// succeed or throw a RADIUSError, and what decodes must re-encode to the bytes within its Length.
    @Test func mutatedPacketsNeverTrap() throws {
        let random = SeededRandom(seed: "radius-mutations")
        var seeds: [[UInt8]] = [Self.valid]
        for capture in capturedExchanges.prefix(12) { seeds += [capture.requestBytes, capture.replyBytes] }
        var decoded = 0
        var refused = 0
        for round in 0..<4000 {
            var bytes = seeds[round % seeds.count]
            let draws = random.bytes(8)
            let position = bytes.isEmpty ? 0 : (Int(draws[0]) << 8 | Int(draws[1])) % bytes.count
            switch draws[2] % 5 {
            case 0: bytes[position] ^= draws[3] | 1
            case 1: bytes[position] = draws[3]
            case 2: bytes.insert(draws[3], at: position)
            case 3: bytes.remove(at: position)
            default: bytes = Array(bytes.prefix(position))
            }
            if draws[4] % 3 == 0, bytes.count > position + 1 { bytes[min(bytes.count - 1, 3)] = draws[5] }
            do {
                let packet = try RADIUSPacket(decoding: bytes)
                let length = Int(bytes[2]) << 8 | Int(bytes[3])
                #expect(packet.encode() == Array(bytes.prefix(length)))
                _ = shippedDictionary.describe(packet.attributes, options: .init(maskSecrets: false))
                decoded += 1
            } catch {
                refused += 1
            }
        }
        #expect(decoded > 100)
        #expect(refused > 100)
    }
}
