import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// The table `run` prints: case, expected, got, verdict, latency; the reasons under each failed case; a
/// one-line summary. Colour only when the caller says so (a terminal).
public enum HumanReport {
    public static func render(_ results: [CaseResult], colour: Bool = false) -> String {
        let header = ["CASE", "EXPECTED", "GOT", "VERDICT", "LATENCY"]
        let rows: [[String]] = results.map { result in
            [result.displayName, result.expected, result.got, label(result.verdict),
             result.observation.map { formatMilliseconds($0.latencyMs) } ?? "-"]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], verdict: CaseResult.Verdict?) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padded: String
                if index == cells.count - 1 {
                    padded = String(repeating: " ", count: widths[index] - cell.count) + cell  // right-aligned
                } else {
                    padded = cell + String(repeating: " ", count: widths[index] - cell.count)
                }
                if index == 3, colour, let verdict {
                    parts.append(paint(padded, verdict))
                } else {
                    parts.append(padded)
                }
            }
            return parts.joined(separator: "  ")
        }
        var lines = [line(header, verdict: nil)]
        for (result, row) in zip(results, rows) {
            lines.append(line(row, verdict: result.verdict))
            for reason in result.failureReasons { lines.append("    ↳ " + singleLine(reason)) }
            if let note = result.expectation?.note { lines.append("    ↳ note: " + singleLine(note)) }
        }
        let summary = RunSummary(results)
        var last = summary.line
        if colour { last = paint(last, summary.allPassed ? .passed : summary.errors > 0 && summary.failed == 0
            ? .error : .failed) }
        lines.append(last)
        return lines.joined(separator: "\n")
    }

    static func label(_ verdict: CaseResult.Verdict) -> String {
        switch verdict {
        case .passed: return "PASS"
        case .failed: return "FAIL"
        case .error: return "ERROR"
        }
    }

    private static func paint(_ text: String, _ verdict: CaseResult.Verdict) -> String {
        let code: String
        switch verdict {
        case .passed: code = "32"
        case .failed: code = "31"
        case .error: code = "33"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

/// "12 ms", "0.84 ms", "1.2 s".
func formatMilliseconds(_ ms: Double) -> String {
    if ms < 10 { return String(format: "%.2f ms", ms) }
    if ms < 10_000 { return "\(Int(ms.rounded())) ms" }
    return String(format: "%.1f s", ms / 1000)
}

/// Newlines and tabs folded to spaces (table cells, status lines).
func singleLine(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        .replacingOccurrences(of: "\t", with: " ")
}
