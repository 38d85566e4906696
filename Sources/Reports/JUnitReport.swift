import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// JUnit XML as CI systems (Jenkins, GitLab, GitHub actions' test reporters) read it: `testsuites` >
/// `testsuite` (one per suite) > `testcase` with `failure` (did not meet its expectation) or `error`
/// (could not run) and `system-out` (the diagnosis).
public enum JUnitReport {
    /// `timestamp` (ISO 8601, no zone: the format's `xs:dateTime` pattern) is the run's start; nil omits it.
    public static func render(_ results: [CaseResult], name: String = "npsprobe", timestamp: Date? = nil,
                              hostname: String? = nil) -> String {
        var order: [String] = []
        var groups: [String: [CaseResult]] = [:]
        for result in results {
            let suite = result.suite ?? name
            if groups[suite] == nil { order.append(suite) }
            groups[suite, default: []].append(result)
        }
        let total = RunSummary(results)
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += "<testsuites name=\"\(escape(name))\" tests=\"\(total.total)\" failures=\"\(total.failed)\" "
            + "errors=\"\(total.errors)\" time=\"\(seconds(total.duration))\">\n"
        for (index, suite) in order.enumerated() {
            let cases = groups[suite] ?? []
            let summary = RunSummary(cases)
            var attributes = "name=\"\(escape(suite))\" tests=\"\(summary.total)\" failures=\"\(summary.failed)\" "
                + "errors=\"\(summary.errors)\" skipped=\"0\" time=\"\(seconds(summary.duration))\" id=\"\(index)\""
            if let timestamp { attributes += " timestamp=\"\(xmlDateTime(timestamp))\"" }
            if let hostname { attributes += " hostname=\"\(escape(hostname))\"" }
            out += "  <testsuite \(attributes)>\n"
            for result in cases { out += testcase(result, suite: suite) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    private static func testcase(_ result: CaseResult, suite: String) -> String {
        let out = "    <testcase name=\"\(escape(result.displayName))\" classname=\"\(escape("npsprobe.\(suite)"))\" "
            + "time=\"\(seconds(result.duration))\""
        var body = ""
        switch result.verdict {
        case .passed:
            break
        case .failed:
            let reasons = result.failureReasons
            let message = "expected \(result.expected), got \(result.got)"
            let type = result.expectation?.passed == false ? "expectation" : "assertion"
            body += "      <failure message=\"\(escape(message))\" type=\"\(type)\">"
                + escape(reasons.joined(separator: "\n")) + "</failure>\n"
        case .error:
            let message = result.error ?? "the case did not run"
            body += "      <error message=\"\(escape(singleLine(message)))\" type=\"error\">" + escape(message)
                + "</error>\n"
        }
        var output: [String] = []
        if let observation = result.observation {
            output.append("outcome: \(observation.summary)")
            if let server = observation.server { output.append("server: \(server)") }
            output.append("latency: \(formatMilliseconds(observation.latencyMs))")
            if observation.mppeKeys != "not_applicable" { output.append("MPPE keys: \(observation.mppeKeys)") }
            if let binding = observation.cryptoBinding { output.append("crypto-binding: \(binding)") }
            if let accounting = observation.accounting {
                output.append("accounting: \(accounting)" + (observation.accountingReason.map { ": \($0)" } ?? ""))
            }
            for attribute in observation.replyAttributes { output.append("  \(attribute.name) = \(attribute.value)") }
        }
        if let diagnosis = result.diagnosisSummary { output.append(diagnosis) }
        if !output.isEmpty {
            body += "      <system-out>" + escape(output.joined(separator: "\n")) + "</system-out>\n"
        }
        if body.isEmpty { return out + "/>\n" }
        return out + ">\n" + body + "    </testcase>\n"
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.3f", max(0, value)) }

    private static func xmlDateTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// XML text and attribute escaping; characters XML 1.0 forbids (most C0 controls) become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                let allowed = (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
                    || (0x10000...0x10FFFF).contains(value)
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
