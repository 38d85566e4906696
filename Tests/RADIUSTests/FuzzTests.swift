import TLSTestSupport
import TLS
import Testing

@testable import RADIUS

/// Seeded random inputs to every decoder: each must return or throw, never trap; and what decodes must encode back
/// to the same bytes (or their canonical form), decode again to the same value and print as text that parses to it.
@Suite struct FuzzTests {
    static let formats: [RADIUSVendorFormat] = [
        .standard, RADIUSVendorFormat(typeSize: 2, lengthSize: 1)!, RADIUSVendorFormat(typeSize: 2, lengthSize: 2)!,
        RADIUSVendorFormat(typeSize: 4, lengthSize: 0)!, RADIUSVendorFormat(typeSize: 1, lengthSize: 0)!,
        RADIUSVendorFormat(typeSize: 1, lengthSize: 1, hasContinuation: true)!,
    ]

    /// What `RADIUSValue.encode()` writes for bytes that decoded as `type`: the same bytes, except that a prefix's
    /// reserved first octet is written as 0 and an IPv6 prefix always carries 16 address octets (RFC 3162 §2.3).
    static func canonical(_ bytes: [UInt8], as type: RADIUSDictionary.DataType) -> [UInt8] {
        switch type {
        case .ipv4prefix: return [0] + bytes.dropFirst()
        case .ipv6prefix: return [0] + bytes.dropFirst() + [UInt8](repeating: 0, count: 18 - bytes.count)
        default: return bytes
        }
    }

    /// A decoded value's round trips: bytes, then text.
    static func expectRoundTrips(_ value: RADIUSValue, as type: RADIUSDictionary.DataType,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect((try? RADIUSValue.decode(value.encode(), as: type)) == value, "\(type) \(value) → bytes",
                sourceLocation: sourceLocation)
        #expect((try? RADIUSValue.parse(value.description, as: type)) == value, "\(type) \(value) → text",
                sourceLocation: sourceLocation)
    }

    /// Found by the text round trip: a `string` attribute whose octets are not UTF-8 decodes as octets and prints
    /// as `0x…`, which read back as literal text. A bare `0x…` now means the bytes; quoted, it stays text.
    @Test func stringThatIsNotUTF8() throws {
        let value = try RADIUSValue.decode([0x8E, 0xD9], as: .string)
        #expect(value == .octets([0x8E, 0xD9]) && value.description == "0x8ed9")
        #expect(try RADIUSValue.parse(value.description, as: .string) == value)
        #expect(try RADIUSValue.parse("0x6869", as: .string) == .string("hi"))
        #expect(try RADIUSValue.parse("\"0x8ed9\"", as: .string) == .string("0x8ed9"))
        #expect(try RADIUSValue.parse("0xabc", as: .string) == .string("0xabc"), "odd digits: text")
    }

    @Test func randomBytesThroughEveryDecoder() {
        let random = SeededRandom(seed: "radius-fuzz")
        let authenticator = random.bytes(16)
        let definitions = shippedDictionary.attributes
        let options = RADIUSDictionary.PrintOptions(
            maskSecrets: false, secret: testing123, requestAuthenticator: authenticator)
        var decodedValues = 0
        var decodedVSAs = 0
        for round in 0..<3000 {
            let length = Int(random.bytes(1)[0]) % 40 + (round % 7 == 0 ? Int(random.bytes(1)[0]) : 0)
            var bytes = random.bytes(length)
            if round % 5 == 0, !bytes.isEmpty { bytes[0] = 0 }  // plausible Vendor-Ids / tags / prefix fields
            if round % 3 == 0, bytes.count > 1 { bytes[1] = UInt8(truncatingIfNeeded: bytes.count) }

            if let packet = try? RADIUSPacket(decoding: bytes) {
                #expect(packet.encode() == Array(bytes.prefix(packet.encodedLength)))
            }
            for format in Self.formats {
                guard let vsa = try? RADIUSVendorSpecific(decoding: bytes, format: format) else { continue }
                decodedVSAs += 1
                guard bytes.count <= RADIUSAttribute.maximumValueLength else { continue }
                let encoded = try? vsa.encode(format: format)
                #expect(encoded.flatMap { try? RADIUSVendorSpecific(decoding: $0, format: format) } == vsa,
                        "format \(format): \(bytes.hexString)")
                // The continuation octet (RFC 8295 "c") is written as 0; everything else comes back as it was.
                if !format.hasContinuation { #expect(encoded == bytes, "format \(format): \(bytes.hexString)") }
            }
            for type in RADIUSDictionary.DataType.allCases {
                guard let value = try? RADIUSValue.decode(bytes, as: type) else { continue }
                decodedValues += 1
                #expect(value.encode() == Self.canonical(bytes, as: type), "\(type): \(bytes.hexString)")
                Self.expectRoundTrips(value, as: type)
            }
            _ = try? RADIUSCrypto.saltDecrypt(bytes, secret: testing123, authenticator: authenticator)
            _ = try? RADIUSCrypto.unhideUserPassword(bytes, secret: testing123, authenticator: authenticator)
            _ = try? RADIUSCrypto.decryptTunnelPassword(bytes, secret: testing123, authenticator: authenticator)
            let definition = definitions[round % definitions.count]
            _ = shippedDictionary.describe(value: bytes, as: definition, options: options)
            _ = shippedDictionary.describe(value: bytes, as: definition)
            let attribute = RADIUSAttribute(
                type: round % 2 == 0 ? 26 : UInt8(truncatingIfNeeded: round), value: Array(bytes.prefix(253)))
            _ = shippedDictionary.describe(attribute, options: options)
            _ = try? shippedDictionary.typedValue(of: attribute)
        }
        // The properties above were checked on many inputs, not vacuously.
        #expect(decodedValues > 10_000 && decodedVSAs > 300, "values \(decodedValues), VSAs \(decodedVSAs)")
    }

    @Test func randomTextThroughEveryParser() {
        let random = SeededRandom(seed: "radius-text-fuzz")
        let alphabet = Array("0123456789abcdefABCDEFxX:./-= \"\\tT:Z+")
        var parsed = 0
        for round in 0..<3000 {
            let count = Int(random.bytes(1)[0]) % 24
            let text = String(random.bytes(count).map { alphabet[Int($0) % alphabet.count] })
            for type in RADIUSDictionary.DataType.allCases {
                guard let value = try? RADIUSValue.parse(text, as: type) else { continue }
                parsed += 1
                Self.expectRoundTrips(value, as: type)
            }
            _ = IPv6Address(text)
            _ = IPv4Address(text)
            if let attribute = try? shippedDictionary.attribute(fromText: "Framed-IP-Address=" + text) {
                #expect(attribute.type == 8 && attribute.value.count == 4, "\(text)")
            }
            _ = try? shippedDictionary.attribute(fromText: text)
            _ = shippedDictionary.lookup(text)
            var dictionary = RADIUSDictionary()
            _ = try? dictionary.load(text: "ATTRIBUTE X \(text) integer\nVALUE X Y \(text)\n", path: "/fuzz/\(round)")
        }
        #expect(parsed > 5_000, "\(parsed)")
    }

    /// Random packets of random attributes encode to their length and decode to themselves; every shorter cut of
    /// the datagram is refused.
    @Test func randomPacketsRoundTrip() throws {
        let random = SeededRandom(seed: "radius-packets")
        let codes: [RADIUSCode] = [.accessRequest, .accessAccept, .accessReject, .accessChallenge, .accountingRequest,
                                   .statusServer, .coaRequest, 99]
        for round in 0..<300 {
            var attributes: [RADIUSAttribute] = []
            var length = RADIUSPacket.headerLength
            while true {
                let draw = random.bytes(2)
                let type = draw[0] == 0 || draw[0] == 80 ? 1 : draw[0]  // 0 is invalid; 80 must be 18 long
                let size = Int(draw[1]) % (round % 4 == 0 ? 254 : 24)
                guard length + 2 + size <= RADIUSPacket.maximumLength, attributes.count < 60 else { break }
                attributes.append(RADIUSAttribute(type: type, value: random.bytes(size)))
                length += 2 + size
            }
            let packet = RADIUSPacket(code: codes[round % codes.count], identifier: random.bytes(1)[0],
                                      authenticator: random.bytes(16), attributes: attributes)
            try packet.checkEncodable()
            let bytes = packet.encode()
            #expect(bytes.count == packet.encodedLength && bytes.count == length)
            #expect(try RADIUSPacket(decoding: bytes + random.bytes(round % 5)) == packet, "round \(round)")
            let cut = Int(random.bytes(1)[0]) % bytes.count
            let error = #expect(throws: RADIUSError.self) { try RADIUSPacket(decoding: Array(bytes.prefix(cut))) }
            #expect([.datagramTooShort, .lengthExceedsDatagram].contains(error?.code), "cut at \(cut)")
        }
    }

    /// Hiding and salt encryption undo themselves for every length they accept, and another secret does not give
    /// the plaintext back.
    @Test func hiddenValuesRoundTripAndAnotherSecretFails() throws {
        let random = SeededRandom(seed: "radius-hiding")
        let secret = testing123
        let wrong = Array("testing124".utf8)
        for round in 0..<400 {
            let authenticator = random.bytes(16)
            var password = random.bytes(1 + round % 128)
            password[password.count - 1] |= 1  // a trailing NUL would read as padding
            let hidden = try RADIUSCrypto.hideUserPassword(password, secret: secret, authenticator: authenticator)
            #expect(hidden.count == max(16, (password.count + 15) / 16 * 16))
            #expect(try RADIUSCrypto.unhideUserPassword(hidden, secret: secret, authenticator: authenticator)
                == password)
            #expect((try? RADIUSCrypto.unhideUserPassword(hidden, secret: wrong, authenticator: authenticator))
                != password)

            let data = random.bytes(round % 240)
            let salt = RADIUSCrypto.makeSalt(random: random)
            let encrypted = try RADIUSCrypto.saltEncrypt(data, salt: salt, secret: secret, authenticator: authenticator)
            #expect(Array(encrypted.prefix(2)) == salt && (encrypted.count - 2) % 16 == 0)
            #expect(try RADIUSCrypto.saltDecrypt(encrypted, secret: secret, authenticator: authenticator) == data)
            #expect((try? RADIUSCrypto.saltDecrypt(encrypted, secret: wrong, authenticator: authenticator)) != data)

            let tag = UInt8(round % 32)
            let tunnel = try RADIUSCrypto.encryptTunnelPassword(
                data, tag: tag, salt: salt, secret: secret, authenticator: authenticator)
            let decrypted = try RADIUSCrypto.decryptTunnelPassword(tunnel, secret: secret, authenticator: authenticator)
            #expect(decrypted.tag == tag && decrypted.password == data)
        }
    }
}
