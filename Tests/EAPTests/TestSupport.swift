import TLS

/// Hex helpers for tests; spaces are allowed in vectors for readability.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
    precondition(digits.count % 2 == 0, "odd hex vector")
    var out = [UInt8]()
    var index = 0
    while index < digits.count {
        out.append(UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!)
        index += 2
    }
    return out
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
}

/// A deterministic byte pattern for property tests.
func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ ($0 >> 8)) }
}

/// A RandomSource that returns fixed bytes (for vectors whose "random" input is given).
struct FixedRandom: RandomSource {
    let fill: UInt8
    func bytes(_ count: Int) -> [UInt8] { [UInt8](repeating: fill, count: count) }
}
