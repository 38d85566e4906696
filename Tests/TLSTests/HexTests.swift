import Testing
import TLS

@Suite struct HexTests {
    @Test func encodesTwoDigitsAnOctet() {
        #expect([UInt8]().hexString == "")
        #expect([0x00].hexString == "00")
        #expect([0x0A, 0xFF, 0x10, 0x9B].hexString == "0aff109b")
        #expect([0x0A, 0xFF, 0x10, 0x9B].uppercaseHexString == "0AFF109B")
        // RFC 1321 A.5: MD5("abc").
        #expect(Digest.md5(Array("abc".utf8)).hexString == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func everyOctetRoundTrips() {
        let all = (0...255).map(UInt8.init)
        #expect(all.hexString.count == 512)
        #expect([UInt8](hex: all.hexString) == all)
        #expect([UInt8](hex: all.uppercaseHexString) == all)
        // Each octet's two digits, written independently of the encoder.
        for byte in all {
            let expected = String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
            #expect([byte].hexString == expected)
        }
    }

    @Test func decodesEitherCase() {
        #expect([UInt8](hex: "") == [])
        #expect([UInt8](hex: "0aFf") == [0x0A, 0xFF])
        #expect([UInt8](hex: "0x1F".dropFirst(2)) == [0x1F])
        #expect([UInt8](hexDigits: Array("S=C0DE".utf8)[2...]) == [0xC0, 0xDE])
    }

    @Test(arguments: ["0", "abc", "0g", "0x", " 00", "00 ", "0a:ff", "ａａ", "é0"])
    func malformedTextIsRefused(text: String) {
        #expect([UInt8](hex: text) == nil)
    }
}
