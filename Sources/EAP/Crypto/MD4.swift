/// MD4 (RFC 1320), needed only for the NT password hash of MS-CHAPv2 (RFC 2759 §8.3). Not for any other use: MD4 is
/// broken as a hash.
///
/// Why MD4, DES and RC4 are written here rather than taken from OpenSSL: OpenSSL 3 moved all three to its "legacy"
/// provider, which is not loaded by default, and eapol_test built on OpenSSL 3 fails PEAP-MSCHAPv2 unless its
/// configuration loads it. FreeRADIUS keeps its own MD4 (md4.c) and DES (rlm_mschap's smbdes.c) for
/// the same reason. npsprobe never loads the legacy provider for the process; it uses it, in a library context of
/// its own, only to read RC2-40 PKCS#12 files (TLS `TLSCredentials.pkcs12`). Known answers: CryptoPrimitiveTests.
enum MD4 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var a: UInt32 = 0x6745_2301
        var b: UInt32 = 0xEFCD_AB89
        var c: UInt32 = 0x98BA_DCFE
        var d: UInt32 = 0x1032_5476

        // RFC 1320 §3.1–3.2: a 1 bit, zeros to 56 mod 64, then the bit length little-endian.
        var padded = message
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        let bitLength = UInt64(message.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> shift)) }

        var x = [UInt32](repeating: 0, count: 16)
        for blockStart in stride(from: 0, to: padded.count, by: 64) {
            for i in 0..<16 {
                let p = blockStart + 4 * i
                x[i] = UInt32(padded[p]) | UInt32(padded[p + 1]) << 8 | UInt32(padded[p + 2]) << 16
                    | UInt32(padded[p + 3]) << 24
            }
            let (aa, bb, cc, dd) = (a, b, c, d)

            // Round 1 (RFC 1320 §3.4): F(x,y,z) = xy ∨ ¬xz.
            for i in stride(from: 0, to: 16, by: 4) {
                a = rotl(a &+ ((b & c) | (~b & d)) &+ x[i], 3)
                d = rotl(d &+ ((a & b) | (~a & c)) &+ x[i + 1], 7)
                c = rotl(c &+ ((d & a) | (~d & b)) &+ x[i + 2], 11)
                b = rotl(b &+ ((c & d) | (~c & a)) &+ x[i + 3], 19)
            }
            // Round 2: G(x,y,z) = xy ∨ xz ∨ yz, constant 0x5A827999, words in column order.
            for i in 0..<4 {
                a = rotl(a &+ ((b & c) | (b & d) | (c & d)) &+ x[i] &+ 0x5A82_7999, 3)
                d = rotl(d &+ ((a & b) | (a & c) | (b & c)) &+ x[i + 4] &+ 0x5A82_7999, 5)
                c = rotl(c &+ ((d & a) | (d & b) | (a & b)) &+ x[i + 8] &+ 0x5A82_7999, 9)
                b = rotl(b &+ ((c & d) | (c & a) | (d & a)) &+ x[i + 12] &+ 0x5A82_7999, 13)
            }
            // Round 3: H(x,y,z) = x ⊕ y ⊕ z, constant 0x6ED9EBA1, words 0 8 4 12, 2 10 6 14, 1 9 5 13, 3 11 7 15.
            for i in [0, 2, 1, 3] {
                a = rotl(a &+ (b ^ c ^ d) &+ x[i] &+ 0x6ED9_EBA1, 3)
                d = rotl(d &+ (a ^ b ^ c) &+ x[i + 8] &+ 0x6ED9_EBA1, 9)
                c = rotl(c &+ (d ^ a ^ b) &+ x[i + 4] &+ 0x6ED9_EBA1, 11)
                b = rotl(b &+ (c ^ d ^ a) &+ x[i + 12] &+ 0x6ED9_EBA1, 15)
            }
            a = a &+ aa
            b = b &+ bb
            c = c &+ cc
            d = d &+ dd
        }
        var out = [UInt8]()
        out.reserveCapacity(16)
        for word in [a, b, c, d] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return out
    }

    @inline(__always)
    private static func rotl(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }
}
