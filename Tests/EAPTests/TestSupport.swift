import TLS

/// Hex helpers for tests; spaces are allowed in vectors for readability.
func hex(_ text: String) -> [UInt8] {
    guard let bytes = [UInt8](hex: text.filter { !$0.isWhitespace }) else { preconditionFailure("bad hex: \(text)") }
    return bytes
}

func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

/// A deterministic byte pattern for property tests.
func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ ($0 >> 8)) }
}

/// A RandomSource that returns fixed bytes (for vectors whose "random" input is given).
struct FixedRandom: RandomSource {
    let fill: UInt8
    func bytes(_ count: Int) -> [UInt8] { [UInt8](repeating: fill, count: count) }
}
