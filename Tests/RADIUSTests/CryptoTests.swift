import TLSTestSupport
import TLS
import Testing

@testable import RADIUS

@Suite struct CryptoTests {
    let secret = testing123
    let authenticator = Array(UInt8(0x10)...UInt8(0x1F))

    // MARK: User-Password (RFC 2865 §5.2)

    @Test func userPasswordHidingChainsBlocks() throws {
        let password = Array("0123456789abcdefXYZ".utf8)
        let hidden = try RADIUSCrypto.hideUserPassword(password, secret: secret, authenticator: authenticator)
        #expect(hidden.count == 32)
        // c(1) = p(1) xor MD5(S + RA); c(2) = p(2) xor MD5(S + c(1)).
        let b1 = Digest.md5(secret, authenticator)
        let b2 = Digest.md5(secret, Array(hidden[0..<16]))
        let padded = password + [UInt8](repeating: 0, count: 13)
        #expect(Array(hidden[0..<16]) == zip(padded[0..<16], b1).map { $0 ^ $1 })
        #expect(Array(hidden[16..<32]) == zip(padded[16..<32], b2).map { $0 ^ $1 })
    }

    @Test func emptyPasswordHidesAsOneBlock() throws {
        let hidden = try RADIUSCrypto.hideUserPassword([], secret: secret, authenticator: authenticator)
        #expect(hidden.count == 16)
        #expect(try RADIUSCrypto.unhideUserPassword(hidden, secret: secret, authenticator: authenticator) == [])
    }

    @Test(arguments: [0, 15, 17, 144])
    func hiddenUserPasswordOfImpossibleLengthIsRefused(_ length: Int) {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.unhideUserPassword(
                [UInt8](repeating: 1, count: length), secret: secret, authenticator: authenticator)
        }
        #expect(error?.code == .invalidEncryptedLength)
    }

    @Test func authenticatorMustBe16Octets() {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.hideUserPassword([1], secret: secret, authenticator: [1, 2, 3])
        }
        #expect(error?.code == .invalidAuthenticatorLength)
    }

    // MARK: Salt encryption (RFC 2548 §2.4.2, RFC 2868 §3.5)

    @Test(arguments: [0, 1, 14, 15, 16, 31, 32, 64, 100, 239])
    func saltEncryptionRoundTrips(_ length: Int) throws {
        let key = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) }
        let salt: [UInt8] = [0x80 | UInt8(length % 128), 0x42]
        let value = try RADIUSCrypto.encryptMPPEKey(key, salt: salt, secret: secret, authenticator: authenticator)
        #expect(Array(value.prefix(2)) == salt)
        #expect((value.count - 2) % 16 == 0)
        #expect(value.count - 2 == (length + 1 + 15) / 16 * 16)
        #expect(try RADIUSCrypto.decryptMPPEKey(value, secret: secret, authenticator: authenticator) == key)
        // The first plaintext octet is the key length (RFC 2548 §2.4.2).
        let b1 = Digest.md5(secret, authenticator, salt)
        #expect(value[2] ^ b1[0] == UInt8(length))
    }

    @Test func saltEncryptionReproducesFreeRADIUSBytes() throws {
        // Encrypting the same plaintext with FreeRADIUS's salt must give FreeRADIUS's ciphertext exactly.
        let capture = exchange("pap-accept")
        let request = try RADIUSPacket(decoding: capture.requestBytes)
        let reply = try RADIUSPacket(decoding: capture.replyBytes)
        for (type, plaintext) in [(UInt32(16), capture.expect.mppeSendKey), (17, capture.expect.mppeRecvKey)] {
            let wire = try #require(reply.attributes.vendorAttributes(vendor: 311, type: type).first)
            let ours = try RADIUSCrypto.encryptMPPEKey(
                hex(try #require(plaintext)), salt: Array(wire.prefix(2)), secret: testing123,
                authenticator: request.authenticator)
            #expect(ours == wire)
        }
        let tunnel = try #require(reply.attributes.first(.tunnelPassword))
        let ours = try RADIUSCrypto.encryptTunnelPassword(
            Array("tunnel-secret".utf8), tag: 1, salt: Array(tunnel[1..<3]), secret: testing123,
            authenticator: request.authenticator)
        #expect(ours == tunnel)

        let peap = exchange("peap-8")
        let peapRequest = try RADIUSPacket(decoding: peap.requestBytes)
        let peapReply = try RADIUSPacket(decoding: peap.replyBytes)
        let send = try #require(peapReply.attributes.vendorAttributes(vendor: 311, type: 16).first)
        #expect(
            try RADIUSCrypto.encryptMPPEKey(
                hex(try #require(peap.expect.mppeSendKey)), salt: Array(send.prefix(2)), secret: testing123,
                authenticator: peapRequest.authenticator) == send)
    }

    @Test func fixedSaltEncryptionVector() throws {
        // Computed independently (Python hashlib, RFC 2548 §2.4.2 by hand): 16-octet key 00..0f, salt 0x8001,
        // secret "testing123", Request Authenticator 10..1f.
        let value = try RADIUSCrypto.encryptMPPEKey(
            Array(0...15), salt: [0x80, 0x01], secret: secret, authenticator: authenticator)
        #expect(value.hexString == Self.fixedVector)
    }
    static let fixedVector = "80010516cef13671c66d0998cf58128efcef0f5b1902547abaa3240a1e82502aa14b"

    @Test func saltMustHaveItsHighBitSet() {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.encryptMPPEKey([1], salt: [0x7F, 0], secret: secret, authenticator: authenticator)
        }
        #expect(error?.code == .invalidSalt)
        let decrypting = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.decryptMPPEKey(
                [0x7F, 0] + [UInt8](repeating: 0, count: 16), secret: secret, authenticator: authenticator)
        }
        #expect(decrypting?.code == .invalidSalt)
        #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.encryptMPPEKey([1], salt: [0x80], secret: secret, authenticator: authenticator)
        }
    }

    @Test func saltRandomlyMadeHasTheHighBit() {
        let random = SeededRandom(seed: "salts")
        for _ in 0..<64 {
            let salt = RADIUSCrypto.makeSalt(random: random)
            #expect(salt.count == 2)
            #expect(salt[0] & 0x80 != 0)
        }
    }

    @Test(arguments: [0, 1, 15, 17, 33])
    func saltDecryptionRefusesImpossibleLengths(_ cipherLength: Int) {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.decryptMPPEKey(
                [0x80, 0] + [UInt8](repeating: 0, count: cipherLength), secret: secret, authenticator: authenticator)
        }
        #expect(error?.code == .invalidEncryptedLength)
        #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.decryptMPPEKey([0x80], secret: secret, authenticator: authenticator)
        }
    }

    @Test func impossibleLengthOctetIsBadPadding() throws {
        // Forge ciphertexts whose decrypted length octet is too big, or leaves a whole block of padding.
        let salt: [UInt8] = [0x81, 0x02]
        let b1 = Digest.md5(secret, authenticator, salt)
        for (blocks, length) in [(1, 16), (1, 255), (2, 14), (3, 2)] {
            var plain = [UInt8](repeating: 0, count: 16 * blocks)
            plain[0] = UInt8(length)
            var cipher = [UInt8](repeating: 0, count: plain.count)
            var previous = b1
            for block in 0..<blocks {
                for i in 0..<16 { cipher[16 * block + i] = plain[16 * block + i] ^ previous[i] }
                previous = Digest.md5(secret, Array(cipher[(16 * block)..<(16 * block + 16)]))
            }
            let error = #expect(throws: RADIUSError.self) {
                try RADIUSCrypto.decryptMPPEKey(salt + cipher, secret: secret, authenticator: authenticator)
            }
            #expect(error?.code == .invalidEncryptedPadding, "blocks \(blocks) length \(length)")
            #expect(error?.reason.contains("shared secret") == true)
        }
    }

    @Test func saltEncryptedDataAbove239IsRefused() {
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.encryptMPPEKey(
                [UInt8](repeating: 0, count: 240), salt: [0x80, 0], secret: secret, authenticator: authenticator)
        }
        #expect(error?.code == .passwordTooLong)
    }

    // MARK: Tunnel-Password (RFC 2868 §3.5)

    @Test func tunnelPasswordCarriesTagSaltAndString() throws {
        let value = try RADIUSCrypto.encryptTunnelPassword(
            Array("vlan-pass".utf8), tag: 3, salt: [0x8A, 0xBC], secret: secret, authenticator: authenticator)
        #expect(value[0] == 3)
        #expect(Array(value[1..<3]) == [0x8A, 0xBC])
        #expect(value.count == 3 + 16)
        let decrypted = try RADIUSCrypto.decryptTunnelPassword(value, secret: secret, authenticator: authenticator)
        #expect(decrypted.tag == 3)
        #expect(decrypted.password == Array("vlan-pass".utf8))
    }

    @Test func tunnelPasswordTagOutOfRange() {
        #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.encryptTunnelPassword(
                [1], tag: 0x20, salt: [0x80, 0], secret: secret, authenticator: authenticator)
        }
        let error = #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.decryptTunnelPassword(
                [0x20, 0x80, 0] + [UInt8](repeating: 0, count: 16), secret: secret, authenticator: authenticator)
        }
        #expect(error?.code == .invalidTag)
        #expect(throws: RADIUSError.self) {
            try RADIUSCrypto.decryptTunnelPassword([], secret: secret, authenticator: authenticator)
        }
    }

    // MARK: CHAP (RFC 1994 §4.1)

    @Test func chapPasswordIsIdentifierThenMD5() {
        let value = RADIUSCrypto.chapPassword(identifier: 7, password: Array("pw".utf8), challenge: authenticator)
        #expect(value.count == 17)
        #expect(value[0] == 7)
        #expect(Array(value[1...]) == Digest.md5([7], Array("pw".utf8), authenticator))
    }
}
