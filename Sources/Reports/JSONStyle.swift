import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// The one JSON style of every `--json` output: snake_case keys, sorted, pretty-printed.
///
/// Keys are converted by ``snakeCase(_:)`` rather than Foundation's `convertToSnakeCase`, which splits
/// protocol names badly (`msCHAPv2Failure` → `ms_cha_pv2_failure`): known acronyms are folded first, so the
/// keys read `mschapv2_failure`, `openssl_error`, `inner_tls_event`.
public enum JSONStyle {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            SnakeKey(stringValue: snakeCase(path[path.count - 1].stringValue))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Acronyms written as one word in keys, folded before splitting on case changes.
    static let acronyms: [(String, String)] = [
        ("MSCHAPv2", "Mschapv2"), ("msCHAPv2", "mschapv2"), ("MSCHAP", "Mschap"), ("msCHAP", "mschap"),
        ("openSSL", "openssl"), ("OpenSSL", "Openssl"),
    ]

    /// `latencyMs` → `latency_ms`, `sha256Fingerprint` → `sha256_fingerprint`, `innerMSCHAPv2Response` →
    /// `inner_mschapv2_response`; keys without capitals (`outcome`, `message`) stay as they are.
    public static func snakeCase(_ key: String) -> String {
        var folded = key
        for (from, to) in acronyms { folded = folded.replacingOccurrences(of: from, with: to) }
        let characters = Array(folded)
        var out = ""
        for (index, character) in characters.enumerated() {
            guard character.isUppercase else {
                out.append(character)
                continue
            }
            if index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    out.append("_")
                }
            }
            out += character.lowercased()
        }
        return out
    }

    private struct SnakeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
