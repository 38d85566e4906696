import TLS

/// The RADIUS attribute-hiding algorithms: pure functions over bytes, no state.
///
/// - User-Password (RFC 2865 §5.2), also used for `encrypt=1` attributes such as MS-CHAP-MPPE-Keys
///   (RFC 2548 §2.4.1).
/// - Salt encryption: Tunnel-Password (RFC 2868 §3.5) and MS-MPPE-Send/Recv-Key (RFC 2548 §2.4.2–2.4.3),
///   the `encrypt=2` attributes.
/// - CHAP-Password (RFC 2865 §5.3, RFC 1994 §4.1).
///
/// `authenticator` is always the Request Authenticator of the Access-Request (for replies, the request
/// they answer).
public enum RADIUSCrypto {
    /// RFC 2865 §5.2: the password is at most 128 octets.
    public static let maximumUserPasswordLength = 128
    /// The longest salt-encrypted plaintext: 240 octets fit in an attribute after tag and salt (or after the
    /// VSA header and salt), one of which is the length octet.
    public static let maximumSaltEncryptedLength = 239

    // MARK: User-Password (RFC 2865 §5.2)

    /// Hides a User-Password: pads with NULs to a multiple of 16 (at least 16), then
    /// c(1) = p(1) ⊕ MD5(S + RA), c(i) = p(i) ⊕ MD5(S + c(i-1)).
    public static func hideUserPassword(
        _ password: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        guard password.count <= maximumUserPasswordLength else {
            throw RADIUSError(
                .passwordTooLong, "User-Password has \(password.count) octets; RFC 2865 §5.2 allows 128")
        }
        try checkAuthenticator(authenticator)
        var plain = password
        let padded = max(16, (password.count + 15) / 16 * 16)
        plain += [UInt8](repeating: 0, count: padded - password.count)
        return chain(plain, secret: secret, first: authenticator, encrypt: true)
    }

    /// Reverses ``hideUserPassword(_:secret:authenticator:)``; trailing NULs (the padding) are removed.
    public static func unhideUserPassword(
        _ hidden: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        guard !hidden.isEmpty, hidden.count % 16 == 0, hidden.count <= maximumUserPasswordLength else {
            throw RADIUSError(
                .invalidEncryptedLength,
                "a hidden User-Password has \(hidden.count) octets; it must be 16…128 and a multiple of 16")
        }
        try checkAuthenticator(authenticator)
        var plain = chain(hidden, secret: secret, first: authenticator, encrypt: false)
        while plain.last == 0 { plain.removeLast() }
        return plain
    }

    // MARK: Salt encryption (RFC 2868 §3.5, RFC 2548 §2.4.2)

    /// Salt-encrypts `data`: P = length octet + data + zero padding to a multiple of 16;
    /// c(1) = p(1) ⊕ MD5(S + R + A), c(i) = p(i) ⊕ MD5(S + c(i-1)). Returns salt + ciphertext.
    ///
    /// - Parameter salt: two octets with the high bit set (unique per attribute within the packet).
    public static func saltEncrypt(
        _ data: [UInt8], salt: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        guard salt.count == 2, salt[0] & 0x80 != 0 else {
            throw RADIUSError(.invalidSalt, "a salt must be two octets with the high bit set (RFC 2868 §3.5)")
        }
        guard data.count <= maximumSaltEncryptedLength else {
            throw RADIUSError(
                .passwordTooLong, "salt-encrypted data has \(data.count) octets; at most 239 fit in an attribute")
        }
        try checkAuthenticator(authenticator)
        var plain = [UInt8(data.count)] + data
        plain += [UInt8](repeating: 0, count: (16 - plain.count % 16) % 16)
        return salt + chain(plain, secret: secret, first: authenticator + salt, encrypt: true)
    }

    /// Reverses ``saltEncrypt(_:salt:secret:authenticator:)``; `value` is salt + ciphertext.
    ///
    /// Throws ``RADIUSError/Code/invalidEncryptedLength`` when the ciphertext is not a positive multiple of 16
    /// and ``RADIUSError/Code/invalidEncryptedPadding`` when the decrypted length octet is impossible (more than
    /// the data, or leaving 16 or more octets of padding) — most often a wrong shared secret.
    public static func saltDecrypt(
        _ value: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        guard value.count >= 2 else {
            throw RADIUSError(.invalidEncryptedLength, "salt-encrypted value of \(value.count) octets has no salt")
        }
        let salt = Array(value[0..<2])
        let cipher = Array(value[2...])
        guard !cipher.isEmpty, cipher.count % 16 == 0 else {
            throw RADIUSError(
                .invalidEncryptedLength,
                "salt-encrypted string has \(cipher.count) octets; it must be a positive multiple of 16")
        }
        guard salt[0] & 0x80 != 0 else {
            throw RADIUSError(.invalidSalt, "the salt's high bit is not set (RFC 2548 §2.4.2, RFC 2868 §3.5)")
        }
        try checkAuthenticator(authenticator)
        let plain = chain(cipher, secret: secret, first: authenticator + salt, encrypt: false)
        let length = Int(plain[0])
        guard length + 1 <= plain.count, plain.count - (length + 1) < 16 else {
            throw RADIUSError(
                .invalidEncryptedPadding,
                "the decrypted length octet says \(length) for \(plain.count - 1) octets of data and padding; "
                    + "most often the shared secret is wrong")
        }
        return Array(plain[1..<(1 + length)])
    }

    /// Encrypts an MS-MPPE-Send-Key or MS-MPPE-Recv-Key (RFC 2548 §2.4.2–2.4.3): the VSA value is
    /// salt + encrypted(key length, key, padding).
    public static func encryptMPPEKey(
        _ key: [UInt8], salt: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        try saltEncrypt(key, salt: salt, secret: secret, authenticator: authenticator)
    }

    /// Decrypts an MS-MPPE-Send-Key or MS-MPPE-Recv-Key VSA value (salt + string) into the key.
    public static func decryptMPPEKey(
        _ value: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        try saltDecrypt(value, secret: secret, authenticator: authenticator)
    }

    /// Builds a Tunnel-Password value (RFC 2868 §3.5): tag + salt + encrypted(length, password, padding).
    public static func encryptTunnelPassword(
        _ password: [UInt8], tag: UInt8 = 0, salt: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        guard tag <= 0x1F else {
            throw RADIUSError(.invalidTag, "tag \(tag) is outside 0x00–0x1F (RFC 2868 §3.1)")
        }
        return [tag] + (try saltEncrypt(password, salt: salt, secret: secret, authenticator: authenticator))
    }

    /// Decrypts a Tunnel-Password value (tag + salt + string) into its tag and password.
    public static func decryptTunnelPassword(
        _ value: [UInt8], secret: [UInt8], authenticator: [UInt8]
    ) throws(RADIUSError) -> (tag: UInt8, password: [UInt8]) {
        guard let tag = value.first else {
            throw RADIUSError(.invalidEncryptedLength, "an empty Tunnel-Password has no tag")
        }
        guard tag <= 0x1F else {
            throw RADIUSError(.invalidTag, "Tunnel-Password tag \(tag) is outside 0x00–0x1F (RFC 2868 §3.1)")
        }
        return (tag, try saltDecrypt(Array(value.dropFirst()), secret: secret, authenticator: authenticator))
    }

    /// Two fresh salt octets with the high bit set, from `random`.
    public static func makeSalt(random: any RandomSource) -> [UInt8] {
        var salt = random.bytes(2)
        salt[0] |= 0x80
        return salt
    }

    // MARK: CHAP (RFC 2865 §5.3, RFC 1994 §4.1)

    /// A CHAP-Password value: the CHAP identifier followed by MD5(identifier + password + challenge).
    /// The challenge is the CHAP-Challenge attribute or, when absent, the Request Authenticator.
    public static func chapPassword(identifier: UInt8, password: [UInt8], challenge: [UInt8]) -> [UInt8] {
        [identifier] + Digest.md5([identifier], password, challenge)
    }

    // MARK: - Internals

    private static func checkAuthenticator(_ authenticator: [UInt8]) throws(RADIUSError) {
        guard authenticator.count == 16 else {
            throw RADIUSError(
                .invalidAuthenticatorLength, "the authenticator has \(authenticator.count) octets, not 16")
        }
    }

    /// The RFC 2865 §5.2 chain: b(1) = MD5(S + first), b(i) = MD5(S + c(i-1)); out = in ⊕ b.
    /// `input.count` must be a multiple of 16.
    private static func chain(_ input: [UInt8], secret: [UInt8], first: [UInt8], encrypt: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: input.count)
        var previous = first
        var block = 0
        while block < input.count {
            let mask = Digest.md5(secret, previous)
            for i in 0..<16 { out[block + i] = input[block + i] ^ mask[i] }
            previous = encrypt ? Array(out[block..<(block + 16)]) : Array(input[block..<(block + 16)])
            block += 16
        }
        return out
    }
}
