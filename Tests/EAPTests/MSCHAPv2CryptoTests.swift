import Foundation
import LabSupport
import TLS
import Testing
@testable import EAP

/// RFC 2759 §9.2 and RFC 3079 §3.5 vectors, plus the eapol_test MS-CHAPv2 run whose ISK feeds the PEAP
/// crypto-binding vectors.
@Suite struct MSCHAPv2CryptoTests {
    // RFC 2759 §9.2 (the same inputs open RFC 3079 §3.5).
    let userName = "User"
    let password = "clientPass"
    let authenticatorChallenge = hex("5B5D7C7D7B3F2F3E3C2C602132262628")
    let peerChallenge = hex("21402324255E262A28295F2B3A337C7E")
    let challenge = hex("D02E4386BCE91226")
    let passwordHash = hex("44EBBA8D5312B8D611474411F56989AE")
    let ntResponse = hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF")
    let passwordHashHash = hex("41C00C584BD2D91C4017A2A12FA59F3F")
    let authenticatorResponse = "S=407A5589115FD0D6209F510FE9C04566932CDA56"

    @Test func rfc2759Vectors() throws {
        #expect(MSCHAPv2.ntPasswordHash(password) == passwordHash)
        #expect(MSCHAPv2.hashNtPasswordHash(passwordHash) == passwordHashHash)
        #expect(try MSCHAPv2.challengeHash(peerChallenge: peerChallenge, authenticatorChallenge: authenticatorChallenge,
                                           userName: userName) == challenge)
        #expect(try MSCHAPv2.challengeResponse(challenge: challenge, passwordHash: passwordHash) == ntResponse)
        #expect(try MSCHAPv2.generateNTResponse(authenticatorChallenge: authenticatorChallenge,
                                                peerChallenge: peerChallenge, userName: userName,
                                                password: password) == ntResponse)
        #expect(try MSCHAPv2.generateAuthenticatorResponse(password: password, ntResponse: ntResponse,
                                                           peerChallenge: peerChallenge,
                                                           authenticatorChallenge: authenticatorChallenge,
                                                           userName: userName) == authenticatorResponse)
    }

    @Test func checkAuthenticatorResponse() throws {
        let digest = try MSCHAPv2.authenticatorResponseDigest(
            passwordHash: passwordHash, ntResponse: ntResponse, peerChallenge: peerChallenge,
            authenticatorChallenge: authenticatorChallenge, userName: userName)
        #expect(MSCHAPv2.checkAuthenticatorResponse(authenticatorResponse, expectedDigest: digest))
        // Lower-case hex and a trailing message are accepted, as in an EAP-MSCHAPv2 Success request.
        #expect(MSCHAPv2.checkAuthenticatorResponse("S=407a5589115fd0d6209f510fe9c04566932cda56 M=welcome",
                                                    expectedDigest: digest))
        // One digit off, a short string, a missing "S=" and non-hex fail.
        #expect(!MSCHAPv2.checkAuthenticatorResponse("S=407A5589115FD0D6209F510FE9C04566932CDA57",
                                                     expectedDigest: digest))
        #expect(!MSCHAPv2.checkAuthenticatorResponse("S=407A5589115FD0D6209F510FE9C04566932CDA5",
                                                     expectedDigest: digest))
        #expect(!MSCHAPv2.checkAuthenticatorResponse("X=407A5589115FD0D6209F510FE9C04566932CDA56",
                                                     expectedDigest: digest))
        #expect(!MSCHAPv2.checkAuthenticatorResponse("S=407A5589115FD0D6209F510FE9C04566932CDAZZ",
                                                     expectedDigest: digest))
    }

    @Test func userNameWithoutDomain() {
        #expect(MSCHAPv2.challengeUserName("CONTOSO\\alice") == "alice")
        #expect(MSCHAPv2.challengeUserName("alice@contoso.com") == "alice@contoso.com")
        #expect(MSCHAPv2.challengeUserName("alice") == "alice")
    }

    @Test func wrongLengthsAreTypedErrors() {
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try MSCHAPv2.challengeHash(peerChallenge: [1, 2], authenticatorChallenge: authenticatorChallenge,
                                       userName: "u")
        }
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try MSCHAPv2.challengeResponse(challenge: challenge, passwordHash: [0])
        }
        #expect(throws: EAPError(.invalidKeyLength, "")) {
            try MSCHAPv2.asymmetricStartKey(masterKey: [UInt8](repeating: 0, count: 16), length: 12, isSend: true,
                                            isServer: true)
        }
        #expect(throws: EAPError(.passwordTooLong, "")) {
            try MSCHAPv2.generateNTResponse(authenticatorChallenge: authenticatorChallenge,
                                            peerChallenge: peerChallenge, userName: "u",
                                            password: String(repeating: "x", count: 257))
        }
    }

    /// RFC 3079 §3.5.1 (40-bit) and §3.5.3 (128-bit). The RFC derives its "SendStartKey" from the server's point
    /// of view (IsSend, IsServer); the same octets are the client's receive key.
    @Test func rfc3079Vectors() throws {
        let master = try MSCHAPv2.masterKey(passwordHashHash: passwordHashHash, ntResponse: ntResponse)
        #expect(master == hex("FDECE3717A8C838CB388E527AE3CDD31"))
        let send128 = try MSCHAPv2.asymmetricStartKey(masterKey: master, length: 16, isSend: true, isServer: true)
        #expect(send128 == hex("8B7CDC149B993A1BA118CB153F56DCCB"))
        #expect(try MSCHAPv2.asymmetricStartKey(masterKey: master, length: 16, isSend: false, isServer: false)
            == send128)
        let send40 = try MSCHAPv2.asymmetricStartKey(masterKey: master, length: 8, isSend: true, isServer: true)
        #expect(send40 == hex("8B7CDC149B993A1B"))
        // §3.5.3: the first session key, GetNewKeyFromSHA(SendStartKey128, SendStartKey128).
        #expect(try MSCHAPv2.newKeyFromSHA(startKey: send128, sessionKey: send128)
            == hex("405CB2247A7956E6E211007AE27B22D4"))
        // The two directions differ and pair up across the two ends.
        let clientSend = try MSCHAPv2.asymmetricStartKey(masterKey: master, isSend: true, isServer: false)
        let serverReceive = try MSCHAPv2.asymmetricStartKey(masterKey: master, isSend: false, isServer: true)
        #expect(clientSend == serverReceive)
        #expect(clientSend != send128)
        let keys = try MSCHAPv2.peerKeys(passwordHash: passwordHash, ntResponse: ntResponse)
        #expect(keys.send == clientSend)
        #expect(keys.receive == send128)
    }

    /// The MS-CHAPv2 run behind the PEAP crypto-binding vectors (eapol_test against an NPS-compatible server,
    /// password "pass"; published with cryptlib's EAP self-test): its MasterKey starts CF532C21FCD0487F and the
    /// peer ISK is the `eapolISK` of /work/shared/reference/peap-cryptobinding-vectors.txt.
    @Test func eapolTestInnerSessionKey() throws {
        let ntResponse = hex("A6BAEBE788E5C0CD705FB3FD3E812A2FF699A34493FB5126")
        let hash = MSCHAPv2.ntPasswordHash("pass")
        let master = try MSCHAPv2.masterKey(passwordHashHash: MSCHAPv2.hashNtPasswordHash(hash), ntResponse: ntResponse)
        #expect(Array(master.prefix(8)) == hex("CF532C21FCD0487F"))
        let isk = try MSCHAPv2.peerInnerSessionKey(passwordHash: hash, ntResponse: ntResponse)
        #expect(isk == hex("4724094cecaa4f8abd5b00c94e28abc27f702b8009953a711a630df9391936ae"))
        let msk = try MSCHAPv2.msk(passwordHash: hash, ntResponse: ntResponse)
        #expect(msk.count == 64)
        #expect(Array(msk.prefix(32)) == isk)
        #expect(msk.suffix(32).allSatisfy { $0 == 0 })
    }

    /// RFC 2759 §8.12–8.13 for old "clientPass", new "newPass123"; expected value computed independently with
    /// OpenSSL's legacy MD4 and DES-ECB.
    @Test func oldHashEncryptedWithNewHash() throws {
        let newHash = MSCHAPv2.ntPasswordHash("newPass123")
        #expect(newHash == hex("3fb072d12ade8759fb5e5d52d9d1a7a3"))
        #expect(try MSCHAPv2.oldNtPasswordHashEncryptedWithNewNtPasswordHash(
            newPasswordHash: newHash, oldPasswordHash: passwordHash) == hex("d42c34aedccbf2b364857101e88b3789"))
    }

    /// RFC 2759 §8.9–8.11 with a fixed fill of 0xAA; expected digest computed independently (Python RC4 over the
    /// PW_BLOCK layout). Decrypting gives back the layout: fill, UTF-16LE password at the end, length.
    @Test func newPasswordEncryptedWithOldHash() throws {
        let block = try MSCHAPv2.newPasswordEncryptedWithOldNtPasswordHash(
            newPassword: "newPass123", oldPasswordHash: passwordHash, random: FixedRandom(fill: 0xAA))
        #expect(block.count == 516)
        #expect(hex(Digest.sha1(block)) == "e6622313118065816bfc797a36ab8d367911f53c")
        let clear = RC4.process(key: passwordHash, block)
        let unicode = MSCHAPv2.utf16LittleEndian("newPass123")
        #expect(Array(clear[(512 - unicode.count)..<512]) == unicode)
        #expect(Array(clear[512..<516]) == [20, 0, 0, 0])
        #expect(clear[0..<(512 - unicode.count)].allSatisfy { $0 == 0xAA })
    }

    @Test func newPasswordOfMaximumLengthFillsTheBlock() throws {
        let longest = String(repeating: "p", count: 256)
        let block = try MSCHAPv2.newPasswordEncryptedWithOldNtPasswordHash(
            newPassword: longest, oldPasswordHash: passwordHash, random: FixedRandom(fill: 0))
        let clear = RC4.process(key: passwordHash, block)
        #expect(Array(clear[0..<512]) == MSCHAPv2.utf16LittleEndian(longest))
        #expect(Array(clear[512..<516]) == [0x00, 0x02, 0, 0])
        #expect(throws: EAPError(.passwordTooLong, "")) {
            try MSCHAPv2.newPasswordEncryptedWithOldNtPasswordHash(
                newPassword: longest + "p", oldPasswordHash: passwordHash, random: FixedRandom(fill: 0))
        }
    }

    /// Passwords are UTF-16LE: a non-ASCII password hashes its UTF-16 code units (checked with OpenSSL MD4 of
    /// the UTF-16LE bytes).
    @Test func unicodePassword() {
        #expect(MSCHAPv2.utf16LittleEndian("é€") == [0xE9, 0x00, 0xAC, 0x20])
        #expect(MSCHAPv2.ntPasswordHash("é€") == hex("1a9137e78a1c1a88c1fef82a3dc66f72"))
    }
}

/// NtPasswordHash of passwords beyond ASCII (RFC 2759 §8.3: MD4 over the password as Unicode, UTF-16LE): the
/// NT hash does not depend on how a RADIUS attribute would encode the password, which is why MS-CHAPv2 (unlike
/// PAP) is not hit by NPS's password-encoding limitation (README, "Passwords beyond ASCII").
@Suite struct MSCHAPv2UnicodePasswordTests {
    /// (password, NT hash) computed outside npsprobe:
    /// `printf '%s' PASSWORD | iconv -f UTF-8 -t UTF-16LE | openssl dgst -md4 -provider legacy -provider default`.
    static let vectors: [(String, String)] = [
        ("ä12345", "bdef8ba5950b08dd5aad0c9e02f24d97"),   // Fortinet KB 203057's password
        ("€uro😀", "17f56acc05dc834e3b97118b782db020"),   // U+20AC and a surrogate pair (U+1F600)
    ]

    @Test func precomputedVectors() {
        for (password, hash) in Self.vectors {
            #expect(MSCHAPv2.ntPasswordHash(password).hexString == hash, "\(password)")
        }
        // The UTF-16LE code units, not the UTF-8 octets widened one by one (a common client bug: "ä" as 0xC3 0xA4).
        let widened: [UInt8] = "ä12345".utf8.flatMap { [$0, UInt8(0)] }
        #expect(MSCHAPv2.ntPasswordHash("ä12345") != MD4.hash(widened))
    }

    /// The same procedure run now by other programs: iconv for UTF-16LE, the openssl CLI for MD4.
    @Test(arguments: ["ä12345", "€uro😀", "Grüße-Ωμέγα", "пассворд1"])
    func matchesIconvAndOpenSSL(_ password: String) throws {
        let utf16 = try run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "UTF-16LE"], input: Array(password.utf8))
        let codeUnits: [UInt8] = password.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(utf16 == codeUnits)
        let digest = try run("/usr/bin/openssl", ["dgst", "-md4", "-binary", "-provider", "legacy",
                                                  "-provider", "default"], input: utf16)
        #expect(MSCHAPv2.ntPasswordHash(password) == digest, "\(password)")
    }

    private func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let (status, output) = try ExternalTool.run(tool, arguments, input: input)
        #expect(status == 0, "\(tool) \(arguments)")
        return output
    }
}
