import Testing
@testable import EAP

/// MD4, DES and RC4 are written in Swift (OpenSSL 3 keeps them in its legacy provider); their known answers.
@Suite struct CryptoPrimitiveTests {
    /// RFC 1320 §A.5, the MD4 test suite.
    @Test(arguments: [
        ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
        ("a", "bde52cb31de33e46245e05fbdbd6fb24"),
        ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
        ("message digest", "d9130a8164549fe818874806e1c7014b"),
        ("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "e33b4ddc9c38f2199c3e7b164fcc0536"),
    ])
    func md4(input: String, digest: String) {
        #expect(hex(MD4.hash(Array(input.utf8))) == digest)
    }

    /// Known answers at the padding boundaries the RFC suite's lengths miss: 55 octets (the bit length still fits in
    /// the last block), 56 and 57 (padding spills into a second block), 63, 64, 65 (one full block), 119, 120 and 128
    /// (two). The input is that many "a"s. Each digest was computed twice, independently, and both agreed: with
    /// `openssl dgst -md4 -provider legacy` (OpenSSL 3.0.19) and with a pure-Python MD4 written from RFC 1320 §3
    /// (Python's `hashlib.new("md4")` is unavailable on OpenSSL 3).
    @Test(arguments: [
        (55, "c889c81dd86c4d2e025778944ea02881"), (56, "d5f9a9e9257077a5f08b0b92f348b0ad"),
        (57, "872097e6f78e3b53f890459d03bc6fb7"), (63, "7ea3da77432d44c323671097d1348fc8"),
        (64, "52f5076fabd22680234a3fa9f9dc5732"), (65, "330e377bf231f3cacfecc2c182fe7e5b"),
        (119, "e65dd227ccef97fa1d34d70189120f76"), (120, "b03ddbd470b47c013e0c7ab2ddd763db"),
        (128, "cb4a20a561558e29460190c91dced59f"),
    ])
    func md4PaddingBoundaries(length: Int, digest: String) {
        #expect(hex(MD4.hash([UInt8](repeating: UInt8(ascii: "a"), count: length))) == digest)
    }

    /// DES known answers: the FIPS 46 worked example, FIPS 81's "Now is t", NBS SP 500-20 variable plaintext
    /// and variable key entries, and the SP 500-20 S-box set (each checked against OpenSSL's legacy DES too).
    @Test(arguments: [
        ("133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405"),
        ("0123456789ABCDEF", "4E6F772069732074", "3FA40E8A984D4815"),
        ("0101010101010101", "8000000000000000", "95F8A5E5DD31D900"),
        ("0101010101010101", "4000000000000000", "DD7F121CA5015619"),
        ("8001010101010101", "0000000000000000", "95A8D72813DAA94D"),
        ("7CA110454A1A6E57", "01A1D6D039776742", "690F5B0D9A26939B"),
        ("0131D9619DC1376E", "5CD54CA83DEF57DA", "7A389D10354BD271"),
        ("07A1133E4A0B2686", "0248D43806F67172", "868EBB51CAB4599A"),
        ("3849674C2602319E", "51454B582DDF440A", "7178876E01F19B2A"),
        ("04B915BA43FEB5B6", "42FD443059577FA2", "AF37FB421F8C4095"),
        ("0113B970FD34F2CE", "059B5E0851CF143A", "86A560F10EC6D85B"),
        ("0170F175468FB5E6", "0756D8E0774761D2", "0CD3DA020021DC09"),
        ("43297FAD38E373FE", "762514B829BF486A", "EA676B2CB7DB2B7A"),
        ("07A7137045DA2A16", "3BDD119049372802", "DFD64A815CAF1A0F"),
        ("04689104C2FD3B2F", "26955F6835AF609A", "5C513C9C4886C088"),
        ("37D06BB516CB7546", "164D5E404F275232", "0A2AEEAE3FF4AB77"),
        ("1F08260D1AC2465E", "6B056E18759F5CCA", "EF1BF03E5DFA575A"),
        ("584023641ABA6176", "004BD6EF09176062", "88BF0DB6D70DEE56"),
        ("025816164629B007", "480D39006EE762F2", "A1F9915541020B56"),
        ("49793EBC79B3258F", "437540C8698F3CFA", "6FBF1CAFCFFD0556"),
        ("4FB05E1515AB73A7", "072D43A077075292", "2F22E49BAB7CA1AC"),
        ("49E95D6D4CA229BF", "02FE55778117F12A", "5A6B612CC26CCE4A"),
        ("018310DC409B26D6", "1D9D5C5018F728C2", "5F4C038ED12B2E41"),
        ("1C587F1C13924FEF", "305532286D6F295A", "63FAC0D034D9F793"),
    ])
    func desKnownAnswer(key: String, plaintext: String, ciphertext: String) {
        #expect(DES.encryptBlock(hex(plaintext), key: hex(key)) == hex(ciphertext))
    }

    /// DES ignores the parity bits (the low bit of each key octet).
    @Test func desIgnoresParity() {
        let key = hex("133457799BBCDFF1")
        let flipped = key.map { $0 ^ 0x01 }
        #expect(DES.encryptBlock(hex("0123456789ABCDEF"), key: flipped) == hex("85E813540F0AB405"))
    }

    /// RFC 2759 §8.6: 56 key bits spread seven per octet; expanding the 7 significant bits of each octet of a
    /// known key gives that key back without parity.
    @Test func desKeyExpansion() {
        #expect(DES.expandKey(hex("FFFFFFFFFFFFFF")) == hex("FEFEFEFEFEFEFEFE"))
        #expect(DES.expandKey(hex("00000000000000")) == hex("0000000000000000"))
        // 0x80 in the first octet is key bit 1, which lands in the top bit of the first output octet.
        #expect(DES.expandKey(hex("80000000000000")) == hex("8000000000000000"))
        // Key bit 8 (low bit of the first input octet) is the top bit of the second output octet.
        #expect(DES.expandKey(hex("01000000000000")) == hex("0080000000000000"))
        #expect(DES.expandKey(hex("00000000000001")) == hex("0000000000000002"))
    }

    /// RC4: RFC 6229 §2 (40-bit key 0x0102030405, keystream octets 0–31) and the classic short vectors.
    @Test func rc4KnownAnswers() {
        #expect(RC4.process(key: hex("0102030405"), [UInt8](repeating: 0, count: 32))
            == hex("b2396305f03dc027ccc3524a0a1118a8 6982944f18fc82d589c403a47a0d0919"))
        #expect(RC4.process(key: Array("Key".utf8), Array("Plaintext".utf8)) == hex("bbf316e8d940af0ad3"))
        #expect(RC4.process(key: Array("Wiki".utf8), Array("pedia".utf8)) == hex("1021bf0420"))
        #expect(RC4.process(key: Array("Secret".utf8), Array("Attack at dawn".utf8))
            == hex("45a01f645fc35b383552544b9bf5"))
    }

    @Test func rc4IsItsOwnInverse() {
        let key = pattern(16, seed: 7)
        let text = pattern(516, seed: 3)
        #expect(RC4.process(key: key, RC4.process(key: key, text)) == text)
    }
}
