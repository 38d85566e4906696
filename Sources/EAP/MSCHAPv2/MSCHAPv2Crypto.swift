import TLS

/// The MS-CHAPv2 computations of RFC 2759 §8 and the MPPE key derivation of RFC 3079 §3.
///
/// Passwords are Unicode strings hashed as UTF-16LE (RFC 2759 §8.3); functions that take a `passwordHash` let a
/// caller hold NT hashes instead of passwords. All functions are pure.
public enum MSCHAPv2 {
    /// RFC 2759 §8.10: passwords are at most 256 Unicode characters.
    public static let maximumPasswordLength = 256

    // MARK: - RFC 2759 §8

    /// NtPasswordHash (RFC 2759 §8.3): MD4 of the UTF-16LE password.
    public static func ntPasswordHash(_ password: String) -> [UInt8] {
        MD4.hash(utf16LittleEndian(password))
    }

    /// HashNtPasswordHash (RFC 2759 §8.4): MD4 of the password hash.
    public static func hashNtPasswordHash(_ passwordHash: [UInt8]) -> [UInt8] {
        MD4.hash(passwordHash)
    }

    /// The user name that enters ChallengeHash: the name "excluding any prepended domain name" (RFC 2759 §4,
    /// §8.2), i.e. what follows the first backslash of `DOMAIN\user`, as Windows and hostapd do.
    public static func challengeUserName(_ identity: String) -> String {
        guard let slash = identity.firstIndex(of: "\\") else { return identity }
        return String(identity[identity.index(after: slash)...])
    }

    /// ChallengeHash (RFC 2759 §8.2): the first 8 octets of SHA-1(PeerChallenge ‖ AuthenticatorChallenge ‖
    /// UserName). `userName` is used as given; see ``challengeUserName(_:)``.
    public static func challengeHash(peerChallenge: [UInt8], authenticatorChallenge: [UInt8], userName: String)
        throws(EAPError) -> [UInt8]
    {
        try require(peerChallenge, 16, "PeerChallenge")
        try require(authenticatorChallenge, 16, "AuthenticatorChallenge")
        return Array(Digest.sha1(peerChallenge, authenticatorChallenge, Array(userName.utf8)).prefix(8))
    }

    /// ChallengeResponse (RFC 2759 §8.5): the 16-octet hash padded to 21 octets with zeros, cut into three
    /// 7-octet DES keys, each encrypting the 8-octet challenge.
    public static func challengeResponse(challenge: [UInt8], passwordHash: [UInt8]) throws(EAPError) -> [UInt8] {
        try require(challenge, 8, "Challenge")
        try require(passwordHash, 16, "PasswordHash")
        let zPasswordHash = passwordHash + [UInt8](repeating: 0, count: 5)
        var response = [UInt8]()
        response.reserveCapacity(24)
        for third in 0..<3 {
            let key = Array(zPasswordHash[(7 * third)..<(7 * third + 7)])
            response += DES.encryptBlock(challenge, key: DES.expandKey(key))
        }
        return response
    }

    /// GenerateNTResponse (RFC 2759 §8.1) from a password.
    public static func generateNTResponse(authenticatorChallenge: [UInt8], peerChallenge: [UInt8],
                                          userName: String, password: String) throws(EAPError) -> [UInt8] {
        try checkPassword(password)
        return try generateNTResponse(authenticatorChallenge: authenticatorChallenge, peerChallenge: peerChallenge,
                                      userName: userName, passwordHash: ntPasswordHash(password))
    }

    /// GenerateNTResponse (RFC 2759 §8.1) from an NT password hash.
    public static func generateNTResponse(authenticatorChallenge: [UInt8], peerChallenge: [UInt8],
                                          userName: String, passwordHash: [UInt8]) throws(EAPError) -> [UInt8] {
        let challenge = try challengeHash(peerChallenge: peerChallenge,
                                          authenticatorChallenge: authenticatorChallenge, userName: userName)
        return try challengeResponse(challenge: challenge, passwordHash: passwordHash)
    }

    /// The 20-octet authenticator response digest of GenerateAuthenticatorResponse (RFC 2759 §8.7), before its
    /// "S=" hex encoding.
    public static func authenticatorResponseDigest(passwordHash: [UInt8], ntResponse: [UInt8],
                                                   peerChallenge: [UInt8], authenticatorChallenge: [UInt8],
                                                   userName: String) throws(EAPError) -> [UInt8] {
        try require(passwordHash, 16, "PasswordHash")
        try require(ntResponse, 24, "NT-Response")
        let passwordHashHash = hashNtPasswordHash(passwordHash)
        let digest = Digest.sha1(passwordHashHash, ntResponse, magic1)
        let challenge = try challengeHash(peerChallenge: peerChallenge,
                                          authenticatorChallenge: authenticatorChallenge, userName: userName)
        return Digest.sha1(digest, challenge, magic2)
    }

    /// GenerateAuthenticatorResponse (RFC 2759 §8.7): `"S="` followed by 40 upper-case hex digits.
    public static func generateAuthenticatorResponse(password: String, ntResponse: [UInt8], peerChallenge: [UInt8],
                                                     authenticatorChallenge: [UInt8], userName: String) throws(EAPError)
        -> String
    {
        try checkPassword(password)
        return try generateAuthenticatorResponse(passwordHash: ntPasswordHash(password), ntResponse: ntResponse,
                                                 peerChallenge: peerChallenge,
                                                 authenticatorChallenge: authenticatorChallenge, userName: userName)
    }

    /// GenerateAuthenticatorResponse (RFC 2759 §8.7) from an NT password hash.
    public static func generateAuthenticatorResponse(passwordHash: [UInt8], ntResponse: [UInt8],
                                                     peerChallenge: [UInt8], authenticatorChallenge: [UInt8],
                                                     userName: String) throws(EAPError) -> String {
        let digest = try authenticatorResponseDigest(passwordHash: passwordHash, ntResponse: ntResponse,
                                                     peerChallenge: peerChallenge,
                                                     authenticatorChallenge: authenticatorChallenge,
                                                     userName: userName)
        return "S=" + digest.uppercaseHexString
    }

    /// CheckAuthenticatorResponse (RFC 2759 §8.8): whether `received` (`S=` and 40 hex digits, either case; any
    /// text after them is ignored, as in a Success message) carries `expectedDigest`, compared in constant time.
    public static func checkAuthenticatorResponse(_ received: String, expectedDigest: [UInt8]) -> Bool {
        let bytes = Array(received.utf8)
        guard bytes.count >= 42, bytes[0] == UInt8(ascii: "S"), bytes[1] == UInt8(ascii: "="),
              let digest = [UInt8](hexDigits: bytes[2..<42])
        else { return false }
        return constantTimeEquals(digest, expectedDigest)
    }

    // MARK: - Change-Password (RFC 2759 §8.9–8.13)

    /// NewPasswordEncryptedWithOldNtPasswordHash (RFC 2759 §8.9): the 516-octet PW_BLOCK (random fill, the new
    /// password's UTF-16LE bytes at the end of the 512-octet buffer, then its length in octets as a 32-bit
    /// little-endian number) RC4-encrypted with the old password's NT hash.
    public static func newPasswordEncryptedWithOldNtPasswordHash(newPassword: String, oldPasswordHash: [UInt8],
                                                                 random: any RandomSource) throws(EAPError) -> [UInt8] {
        try checkPassword(newPassword)
        try require(oldPasswordHash, 16, "old PasswordHash")
        let unicode = utf16LittleEndian(newPassword)
        // EncryptPwBlockWithPasswordHash (§8.10): random fill, password right-aligned in 512 octets.
        var block = random.bytes(512 - unicode.count)
        guard block.count == 512 - unicode.count else {
            throw EAPError(.invalidKeyLength, "the random source returned \(block.count) octets")
        }
        block += unicode
        let length = UInt32(unicode.count)
        block += [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF),
                  UInt8(length >> 24)]
        return RC4.process(key: oldPasswordHash, block)
    }

    /// OldNtPasswordHashEncryptedWithNewNtPasswordHash (RFC 2759 §8.12): the old hash DES-encrypted in two
    /// halves with keys from the new hash (NtPasswordHashEncryptedWithBlock, §8.13).
    public static func oldNtPasswordHashEncryptedWithNewNtPasswordHash(newPasswordHash: [UInt8],
                                                                       oldPasswordHash: [UInt8]) throws(EAPError)
        -> [UInt8]
    {
        try require(newPasswordHash, 16, "new PasswordHash")
        try require(oldPasswordHash, 16, "old PasswordHash")
        let first = DES.encryptBlock(Array(oldPasswordHash[0..<8]), key: DES.expandKey(Array(newPasswordHash[0..<7])))
        let second = DES.encryptBlock(Array(oldPasswordHash[8..<16]),
                                      key: DES.expandKey(Array(newPasswordHash[7..<14])))
        return first + second
    }

    // MARK: - MPPE keys (RFC 3079 §3)

    /// GetMasterKey (RFC 3079 §3.4): the first 16 octets of SHA-1(PasswordHashHash ‖ NT-Response ‖ Magic1).
    public static func masterKey(passwordHashHash: [UInt8], ntResponse: [UInt8]) throws(EAPError) -> [UInt8] {
        try require(passwordHashHash, 16, "PasswordHashHash")
        try require(ntResponse, 24, "NT-Response")
        return Array(Digest.sha1(passwordHashHash, ntResponse, masterKeyMagic).prefix(16))
    }

    /// GetAsymmetricStartKey (RFC 3079 §3.4): SHA-1(MasterKey ‖ SHSpad1 ‖ s ‖ SHSpad2) cut to `length` octets
    /// (8 for 40/56-bit, 16 for 128-bit keys), where s is Magic2 for the client's send key and the server's
    /// receive key, Magic3 for the client's receive key and the server's send key.
    public static func asymmetricStartKey(masterKey: [UInt8], length: Int = 16, isSend: Bool, isServer: Bool)
        throws(EAPError) -> [UInt8]
    {
        try require(masterKey, 16, "MasterKey")
        guard length == 8 || length == 16 else {
            throw EAPError(.invalidKeyLength, "MPPE session keys are 8 or 16 octets, not \(length)")
        }
        let magic = isSend != isServer ? sendMagic : receiveMagic
        let pad1 = [UInt8](repeating: 0x00, count: 40)
        let pad2 = [UInt8](repeating: 0xF2, count: 40)
        return Array(Digest.sha1(masterKey, pad1, magic, pad2).prefix(length))
    }

    /// GetNewKeyFromSHA (RFC 3079 §3.4): SHA-1(StartKey ‖ SHSpad1 ‖ SessionKey ‖ SHSpad2) cut to the key length.
    /// Used for the first MPPE session key (StartKey = SessionKey) and on every key change.
    public static func newKeyFromSHA(startKey: [UInt8], sessionKey: [UInt8]) throws(EAPError) -> [UInt8] {
        guard startKey.count == sessionKey.count, startKey.count == 8 || startKey.count == 16 else {
            throw EAPError(.invalidKeyLength, "keys of \(startKey.count) and \(sessionKey.count) octets")
        }
        let pad1 = [UInt8](repeating: 0x00, count: 40)
        let pad2 = [UInt8](repeating: 0xF2, count: 40)
        return Array(Digest.sha1(startKey, pad1, sessionKey, pad2).prefix(startKey.count))
    }

    /// The 128-bit MPPE keys of one side of an MS-CHAPv2 exchange.
    public struct MPPEKeys: Hashable, Sendable {
        /// The key this side encrypts with (MS-MPPE-Send-Key from its point of view, RFC 2548 §2.4.2).
        public let send: [UInt8]
        /// The key this side decrypts with (MS-MPPE-Recv-Key, RFC 2548 §2.4.3).
        public let receive: [UInt8]

        public init(send: [UInt8], receive: [UInt8]) {
            self.send = send
            self.receive = receive
        }
    }

    /// The peer's (client's) 128-bit MPPE start keys (RFC 3079 §3.3–3.4): send = Magic2, receive = Magic3.
    public static func peerKeys(passwordHash: [UInt8], ntResponse: [UInt8]) throws(EAPError) -> MPPEKeys {
        try require(passwordHash, 16, "PasswordHash")
        let master = try masterKey(passwordHashHash: hashNtPasswordHash(passwordHash), ntResponse: ntResponse)
        return MPPEKeys(send: try asymmetricStartKey(masterKey: master, isSend: true, isServer: false),
                        receive: try asymmetricStartKey(masterKey: master, isSend: false, isServer: false))
    }

    /// The peer's Inner Session Key for PEAP crypto-binding ([MS-PEAP] §3.1.5.5.2.2): "Peer ISK =
    /// InnerMPPESendKey ‖ InnerMPPERecvKey", 32 octets for MS-CHAPv2.
    ///
    /// It equals hostapd's EAP-MSCHAPv2 peer key (`eap_mschapv2_getKey`: send start key ‖ receive start key)
    /// and is checked against the `eapolISK` of the reference vectors.
    public static func peerInnerSessionKey(passwordHash: [UInt8], ntResponse: [UInt8]) throws(EAPError) -> [UInt8] {
        let keys = try peerKeys(passwordHash: passwordHash, ntResponse: ntResponse)
        return keys.send + keys.receive
    }

    /// The EAP-MSCHAPv2 MSK, 64 octets: the peer's send key, its receive key, then 32 zero octets ([MS-CHAP]
    /// §3.1.5.1, where the server names the first key MasterReceiveKey; the same octets on both ends).
    public static func msk(passwordHash: [UInt8], ntResponse: [UInt8]) throws(EAPError) -> [UInt8] {
        try peerInnerSessionKey(passwordHash: passwordHash, ntResponse: ntResponse)
            + [UInt8](repeating: 0, count: 32)
    }

    // MARK: - Helpers

    static func utf16LittleEndian(_ text: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf16.count * 2)
        for unit in text.utf16 {
            out.append(UInt8(unit & 0xFF))
            out.append(UInt8(unit >> 8))
        }
        return out
    }

    static func checkPassword(_ password: String) throws(EAPError) {
        guard password.utf16.count <= maximumPasswordLength else {
            throw EAPError(.passwordTooLong,
                           "\(password.utf16.count) UTF-16 units; MS-CHAPv2 allows \(maximumPasswordLength)")
        }
    }

    private static func require(_ bytes: [UInt8], _ count: Int, _ name: String) throws(EAPError) {
        guard bytes.count == count else {
            throw EAPError(.invalidKeyLength, "\(name) must be \(count) octets, not \(bytes.count)")
        }
    }

    // RFC 2759 §8.7 Magic1/Magic2 and RFC 3079 §3.4 Magic1/Magic2/Magic3, as the ASCII strings they spell.
    private static let magic1 = Array("Magic server to client signing constant".utf8)
    private static let magic2 = Array("Pad to make it do more than one iteration".utf8)
    private static let masterKeyMagic = Array("This is the MPPE Master Key".utf8)
    private static let sendMagic = Array(
        "On the client side, this is the send key; on the server side, it is the receive key.".utf8)
    private static let receiveMagic = Array(
        "On the client side, this is the receive key; on the server side, it is the send key.".utf8)
}
