/// RC4, needed only to hide the new password in an MS-CHAPv2 Change-Password (RFC 2759 §8.10–8.11). Written
/// here because OpenSSL 3 moved RC4 to its legacy provider, which npsprobe does not load for the process (see `MD4`
/// for the whole reason). Not for any other use.
struct RC4 {
    private var s: [UInt8]
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    /// Key schedule. `key` must hold 1–256 octets.
    init(key: [UInt8]) {
        precondition(!key.isEmpty && key.count <= 256, "RC4 key of \(key.count) octets")
        s = (0...255).map { UInt8($0) }
        var j: UInt8 = 0
        for i in 0..<256 {
            j = j &+ s[i] &+ key[i % key.count]
            s.swapAt(i, Int(j))
        }
    }

    /// XORs the keystream into `data` (encryption and decryption are the same).
    mutating func process(_ data: [UInt8]) -> [UInt8] {
        var out = data
        for index in out.indices {
            i = i &+ 1
            j = j &+ s[Int(i)]
            s.swapAt(Int(i), Int(j))
            out[index] ^= s[Int(s[Int(i)] &+ s[Int(j)])]
        }
        return out
    }

    static func process(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var cipher = RC4(key: key)
        return cipher.process(data)
    }
}
