import TLSTestSupport
import Testing
import TLS

@Suite struct DigestTests {
    @Test func md5KnownAnswer() {
        // RFC 1321 §A.5
        #expect(hex(Digest.md5(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func hmacMD5KnownAnswer() {
        // RFC 2104 §Appendix / RFC 2202 test case 2
        #expect(hex(HMAC.md5(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
            == "750c783e6ab0b503eaa86e310a5db738")
    }

    @Test func hmacSHA1KnownAnswer() {
        // RFC 2202 test case 2
        #expect(hex(HMAC.sha1(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
            == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test func seededRandomIsReproducible() {
        #expect(SeededRandom(seed: "x").bytes(40) == SeededRandom(seed: "x").bytes(40))
        #expect(SeededRandom(seed: "x").bytes(16) != SeededRandom(seed: "y").bytes(16))
        #expect(SystemRandom().bytes(16) != SystemRandom().bytes(16))
    }
}
