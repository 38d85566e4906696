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

/// A deterministic generator for tests only: SHA-256 in counter mode over a seed.
public final class SeededRandom: RandomSource {
    private struct State {
        var counter: UInt64 = 0
        var pool: [UInt8] = []
    }
    private let seed: [UInt8]
    private let state = Mutex(State())

    public init(seed: String) { self.seed = Array(seed.utf8) }

    public func bytes(_ count: Int) -> [UInt8] {
        state.withLock { state in
            while state.pool.count < count {
                let counterBytes = withUnsafeBytes(of: state.counter.bigEndian) { Array($0) }
                state.pool += Digest.sha256(seed, counterBytes)
                state.counter += 1
            }
            let out = Array(state.pool.prefix(count))
            state.pool.removeFirst(count)
            return out
        }
    }
}
