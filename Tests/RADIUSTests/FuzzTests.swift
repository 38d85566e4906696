import TLSTestSupport
import TLS
import Testing

@testable import RADIUS

/// Seeded random inputs to every decoder: each must return or throw, never trap.
@Suite struct FuzzTests {
    static let formats: [RADIUSVendorFormat] = [
        .standard, RADIUSVendorFormat(typeSize: 2, lengthSize: 1)!, RADIUSVendorFormat(typeSize: 2, lengthSize: 2)!,
        RADIUSVendorFormat(typeSize: 4, lengthSize: 0)!, RADIUSVendorFormat(typeSize: 1, lengthSize: 0)!,
        RADIUSVendorFormat(typeSize: 1, lengthSize: 1, hasContinuation: true)!,
    ]

    @Test func randomBytesThroughEveryDecoder() {
        let random = SeededRandom(seed: "radius-fuzz")
        let authenticator = random.bytes(16)
        let definitions = shippedDictionary.attributes
        let options = RADIUSDictionary.PrintOptions(
            maskSecrets: false, secret: testing123, requestAuthenticator: authenticator)
        for round in 0..<3000 {
            let length = Int(random.bytes(1)[0]) % 40 + (round % 7 == 0 ? Int(random.bytes(1)[0]) : 0)
            var bytes = random.bytes(length)
            if round % 5 == 0, !bytes.isEmpty { bytes[0] = 0 }  // plausible Vendor-Ids / tags / prefix fields
            if round % 3 == 0, bytes.count > 1 { bytes[1] = UInt8(truncatingIfNeeded: bytes.count) }

            _ = try? RADIUSPacket(decoding: bytes)
            for format in Self.formats { _ = try? RADIUSVendorSpecific(decoding: bytes, format: format) }
            for type in RADIUSDictionary.DataType.allCases { _ = try? RADIUSValue.decode(bytes, as: type) }
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
    }

    @Test func randomTextThroughEveryParser() {
        let random = SeededRandom(seed: "radius-text-fuzz")
        let alphabet = Array("0123456789abcdefABCDEFxX:./-= \"\\tT:Z+")
        for round in 0..<3000 {
            let count = Int(random.bytes(1)[0]) % 24
            let text = String(random.bytes(count).map { alphabet[Int($0) % alphabet.count] })
            for type in RADIUSDictionary.DataType.allCases { _ = try? RADIUSValue.parse(text, as: type) }
            _ = IPv6Address(text)
            _ = IPv4Address(text)
            _ = try? shippedDictionary.attribute(fromText: "Framed-IP-Address=" + text)
            _ = try? shippedDictionary.attribute(fromText: text)
            _ = shippedDictionary.lookup(text)
            var dictionary = RADIUSDictionary()
            _ = try? dictionary.load(text: "ATTRIBUTE X \(text) integer\nVALUE X Y \(text)\n", path: "/fuzz/\(round)")
        }
    }
}
