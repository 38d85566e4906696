internal import COpenSSL
import Synchronization

/// A source of random bytes. Production code uses `SystemRandom` (OpenSSL's CSPRNG, seeded by the OS);
/// tests inject `SeededRandom` so that authenticators and challenges are reproducible.
public protocol RandomSource: Sendable {
    func bytes(_ count: Int) -> [UInt8]
}

/// OpenSSL's `RAND_bytes`: a CSPRNG seeded from the operating system (RFC 2865 §3 asks the Request
/// Authenticator to be unpredictable and globally unique).
public struct SystemRandom: RandomSource {
    public init() {}

    public func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&out, Int32(count)) == 1, "RAND_bytes failed: the OpenSSL CSPRNG is not seeded")
        return out
    }
}
