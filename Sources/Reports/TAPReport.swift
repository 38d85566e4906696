import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// TAP version 13 (testanything.org): a plan, one `ok`/`not ok` line per case, and for failures a YAML
/// diagnostic block indented by two spaces between `---` and `...`.
public enum TAPReport {
    public static func render(_ results: [CaseResult]) -> String {
        var lines = ["TAP version 13", "1..\(results.count)"]
        for (index, result) in results.enumerated() {
            let status = result.passed ? "ok" : "not ok"
            lines.append("\(status) \(index + 1) - \(description(result.displayName))")
            guard !result.passed else { continue }
            lines.append("  ---")
            lines.append("  verdict: \(result.verdict.rawValue)")
            lines.append("  expected: \(yamlString(result.expected))")
            lines.append("  got: \(yamlString(result.got))")
            if let observation = result.observation {
                lines.append("  latency_ms: \(formatNumber(observation.latencyMs))")
            }
            let reasons = result.failureReasons
            if !reasons.isEmpty {
                lines.append("  reasons:")
                for reason in reasons { lines.append("    - \(yamlString(reason))") }
            }
            if let diagnosis = result.diagnosisSummary { lines.append("  diagnosis: \(yamlString(diagnosis))") }
            lines.append("  ...")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A test description may not contain `#` (it starts a directive) nor a newline.
    static func description(_ text: String) -> String {
        singleLine(text).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "#", with: "\\#")
    }

    /// A double-quoted YAML scalar (JSON string syntax is valid YAML).
    static func yamlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
