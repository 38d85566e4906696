internal import COpenSSL

/// Message digests and HMAC from OpenSSL's default provider (EVP one-shot calls, safe from any thread).
///
/// RADIUS needs MD5 (RFC 2865 §3, §5.2) and HMAC-MD5 (RFC 3579 §3.2); EAP-TLS and PEAP need SHA-1,
/// HMAC-SHA1 ([MS-PEAP] §3.1.5.5) and SHA-256. Byte strings are `[UInt8]` across the project.
public enum Digest {
    public enum Algorithm: Sendable {
        case md5, sha1, sha256

        var evp: OpaquePointer? {
            switch self {
            case .md5: return EVP_md5()
            case .sha1: return EVP_sha1()
            case .sha256: return EVP_sha256()
            }
        }

        public var outputSize: Int {
            switch self {
            case .md5: return 16
            case .sha1: return 20
            case .sha256: return 32
            }
        }
    }

    /// The digest of the concatenation of `parts` (saves callers building a temporary array).
    public static func hash(_ algorithm: Algorithm, _ parts: [UInt8]...) -> [UInt8] {
        hash(algorithm, parts: parts)
    }

    public static func hash(_ algorithm: Algorithm, parts: [[UInt8]]) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(ctx) }
        precondition(EVP_DigestInit_ex(ctx, algorithm.evp, nil) == 1, "EVP_DigestInit_ex failed")
        for part in parts where !part.isEmpty {
            part.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        }
        var out = [UInt8](repeating: 0, count: algorithm.outputSize)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(ctx, &out, &length) == 1, "EVP_DigestFinal_ex failed")
        return out
    }

    public static func md5(_ parts: [UInt8]...) -> [UInt8] { hash(.md5, parts: parts) }
    public static func sha1(_ parts: [UInt8]...) -> [UInt8] { hash(.sha1, parts: parts) }
    public static func sha256(_ parts: [UInt8]...) -> [UInt8] { hash(.sha256, parts: parts) }
}

/// HMAC (RFC 2104) over OpenSSL.
public enum HMAC {
    public static func authenticate(_ algorithm: Digest.Algorithm, key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        authenticate(algorithm, key: key, parts: parts)
    }

    public static func authenticate(_ algorithm: Digest.Algorithm, key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        var data = [UInt8]()
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { data += part }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { dataBytes in
                COpenSSL.HMAC(
                    algorithm.evp, keyBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(keyBytes.count),
                    dataBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), dataBytes.count, &out, &length)
            }
        }
        precondition(result != nil, "HMAC failed")
        return Array(out.prefix(Int(length)))
    }

    public static func md5(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        authenticate(.md5, key: key, parts: parts)
    }

    public static func sha1(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        authenticate(.sha1, key: key, parts: parts)
    }

    public static func sha256(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        authenticate(.sha256, key: key, parts: parts)
    }
}

/// Compares two byte strings in time independent of where they differ (for authenticators and MACs).
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
