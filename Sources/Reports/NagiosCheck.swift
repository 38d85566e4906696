import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// `npsprobe check PROFILE`: a Nagios/Icinga plugin result — one status line with perfdata
/// (`NPSPROBE OK - alice accepted in 12 ms | latency=12ms;500;1000;0`) and the exit status.
public enum NagiosCheck {
    /// The plugin exit statuses (Nagios plugin guidelines).
    public enum Status: Int32, Sendable, CaseIterable {
        case ok = 0, warning = 1, critical = 2, unknown = 3

        public var label: String {
            switch self {
            case .ok: return "OK"
            case .warning: return "WARNING"
            case .critical: return "CRITICAL"
            case .unknown: return "UNKNOWN"
            }
        }
    }

    /// `--warning`/`--critical` in milliseconds: the status rises when the latency is above them.
    public struct Thresholds: Sendable, Hashable {
        public var warningMs: Double?
        public var criticalMs: Double?

        public init(warningMs: Double? = nil, criticalMs: Double? = nil) {
            self.warningMs = warningMs
            self.criticalMs = criticalMs
        }
    }

    /// UNKNOWN when the case could not run; CRITICAL when it did not meet its expectation or an assertion,
    /// or its latency is above `critical`; WARNING above `warning`; else OK.
    public static func status(for result: CaseResult, thresholds: Thresholds = Thresholds()) -> Status {
        guard result.verdict != .error, let observation = result.observation else { return .unknown }
        if !result.passed { return .critical }
        if let critical = thresholds.criticalMs, observation.latencyMs > critical { return .critical }
        if let warning = thresholds.warningMs, observation.latencyMs > warning { return .warning }
        return .ok
    }

    /// The status line (no newline) and the exit status.
    public static func evaluate(_ result: CaseResult, thresholds: Thresholds = Thresholds())
        -> (status: Status, line: String)
    {
        let status = status(for: result, thresholds: thresholds)
        let name = result.displayName
        var text: String
        switch status {
        case .unknown:
            text = "\(name) could not run: \(result.error ?? "no observation")"
        case .critical where !result.passed:
            text = "\(name): " + (result.failureReasons.first ?? "expected \(result.expected), got \(result.got)")
        default:
            let observation = result.observation!
            let verb: String
            switch observation.outcome {
            case .accept: verb = "accepted"
            case .reject: verb = "rejected" + (observation.windowsError.map { " (\($0))" } ?? "") + " as expected"
            case .timeout: verb = "timed out as expected"
            case .error: verb = "failed as expected"
            }
            text = "\(name) \(verb) in \(formatMilliseconds(observation.latencyMs))"
            if status == .critical, let critical = thresholds.criticalMs {
                text += " (critical above \(formatNumber(critical)) ms)"
            } else if status == .warning, let warning = thresholds.warningMs {
                text += " (warning above \(formatNumber(warning)) ms)"
            }
        }
        // One line; `|` starts the perfdata.
        var line = "NPSPROBE \(status.label) - " + singleLine(text).replacingOccurrences(of: "|", with: "/")
        if let observation = result.observation {
            line += " | " + perfdata(latencyMs: observation.latencyMs, thresholds: thresholds)
        }
        return (status, line)
    }

    /// `latency=12ms;500;1000;0` ('label'=value[UOM];[warn];[crit];[min];[max]).
    public static func perfdata(latencyMs: Double, thresholds: Thresholds) -> String {
        let warning = thresholds.warningMs.map(formatNumber) ?? ""
        let critical = thresholds.criticalMs.map(formatNumber) ?? ""
        return "latency=\(formatNumber(latencyMs))ms;\(warning);\(critical);0"
    }
}
