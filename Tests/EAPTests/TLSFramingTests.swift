import Testing
import EAP

@Suite struct TLSFramingTests {
    @Test func decodeFirstFragmentWithLength() throws {
        // L|M, TLS Message Length 0x0123, then data (RFC 5216 §3.1).
        let message = try EAPTLSMessage(typeData: hex("c0 00000123 16 03 01"))
        #expect(message.flags == [.lengthIncluded, .moreFragments])
        #expect(message.version == 0)
        #expect(message.tlsMessageLength == 0x123)
        #expect(message.data == hex("160301"))
        #expect(message.encode() == hex("c0 00000123 16 03 01"))
        #expect(!message.isStart && !message.isAck)
    }

    @Test func peapStartWithVersion() throws {
        // PEAP Start: S set, version 1 offered by the server ([MS-PEAP] §2.2.5; PEAPv1 servers send 0x21).
        let start = try EAPTLSMessage(typeData: [0x21])
        #expect(start.isStart)
        #expect(start.version == 1)
        #expect(start.tlsMessageLength == nil && start.data.isEmpty)
        #expect(start.flags.description == "S")
    }

    @Test func ackDetection() throws {
        #expect(try EAPTLSMessage(typeData: [0x00]).isAck)
        #expect(try EAPTLSMessage(typeData: [0x01]).isAck)        // PEAP ACK carries the version
        #expect(!(try EAPTLSMessage(typeData: [0x40]).isAck))     // M set
        #expect(!(try EAPTLSMessage(typeData: [0x00, 0x16]).isAck))  // data present
        #expect(!(try EAPTLSMessage(typeData: [0x20]).isAck))     // Start
        #expect(EAPTLSMessage.ack(version: 0).encode() == [0x00])
        #expect(EAPTLSMessage.ack(version: 1).encode() == [0x01])
    }

    @Test func ackAndResponsePackets() throws {
        #expect(try EAPPacket.tlsAck(identifier: 4, type: .tls).encode() == hex("02 04 0006 0d 00"))
        #expect(try EAPPacket.tlsAck(identifier: 4, type: .peap, version: 0).encode() == hex("02 04 0006 19 00"))
        let fragment = try EAPTLSMessage(flags: [.moreFragments], tlsMessageLength: 3, data: [1])
        let packet = try EAPPacket.tlsResponse(identifier: 5, type: .peap, message: fragment)
        #expect(packet.encode() == hex("02 05 000b 19 c0 00000003 01"))
        #expect(try packet.tlsMessage() == fragment)
    }

    @Test func lengthFlagFollowsTheLengthField() throws {
        let withLength = try EAPTLSMessage(flags: [], tlsMessageLength: 5, data: pattern(5))
        #expect(withLength.flags.contains(.lengthIncluded))
        let without = try EAPTLSMessage(flags: [.lengthIncluded], tlsMessageLength: nil, data: [1])
        #expect(!without.flags.contains(.lengthIncluded))
        #expect(throws: EAPError(.invalidConfiguration, "")) { try EAPTLSMessage(version: 8) }
    }

    @Test func reservedBitsSurviveARoundTrip() throws {
        let odd = try EAPTLSMessage(typeData: [0x18 | 0x02, 0xAA])
        #expect(odd.version == 2)
        #expect(odd.flags.rawValue == 0x18)
        #expect(odd.encode() == [0x1A, 0xAA])
        #expect(odd.flags.description == "+0x18")
    }

    @Test(arguments: ["", "80", "80 00", "80 0000 00", "c0 000000"])
    func truncatedTypeData(bytes: String) {
        #expect(throws: EAPError(.truncated, "")) { try EAPTLSMessage(typeData: hex(bytes)) }
    }
}
