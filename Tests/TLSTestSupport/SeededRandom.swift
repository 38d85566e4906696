import Synchronization
import TLS

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
