import Evidence
import Foundation
import Jobs
import NPS
import Profiles

/// The `--json` object of `doctor`: a new contract (stable snake_case names; fields may be added, never renamed).
public struct DoctorJSON: Encodable {
    public struct Finding: Encodable {
        /// 1 = the top finding.
        public var rank: Int
        /// ``DoctorFindingKind`` raw value.
        public var kind: String
        public var severity: String
        public var confidence: String
        public var title: String
        public var meaning: String
        public var fix: String
        public var evidence: [String]
        public var probes: [String]
        public var values: [String: String]
        public var windowsError: Int?
        public var events: [Int]
        public var npsSettings: [String]
    }

    public struct Probe: Encodable {
        public var key: String
        public var step: String
        public var summary: String
        public var method: String
        public var fragmentSize: Int?
        public var tlsVersion: String?
        public var unsignedRequest: Bool
        public var proxyState: Bool
        public var acceptUnsignedReplies: Bool
        public var cryptoBinding: String?
        public var resume: Bool
        public var callingStationId: String?
        public var freshSourcePort: Bool
        public var observation: DoctorObservation
    }

    public var command = "doctor"
    /// No finding worse than `info`.
    public var ok: Bool
    public var servers: [String]
    public var method: String
    public var otherMethods: [String]
    public var findings: [Finding]
    public var probes: [Probe]
    public var durationSeconds: Double

    public init(run: DoctorRun, servers: [String]) {
        ok = !run.hasProblems
        self.servers = servers
        method = run.context.method.rawValue
        otherMethods = run.context.otherMethods.map(\.rawValue)
        findings = run.findings.enumerated().map { index, finding in
            Finding(rank: index + 1, kind: finding.kind.rawValue, severity: finding.severity.rawValue,
                    confidence: finding.confidence.rawValue, title: finding.title, meaning: finding.meaning,
                    fix: finding.fix, evidence: finding.evidence, probes: finding.probes, values: finding.values,
                    windowsError: finding.windowsError, events: finding.events, npsSettings: finding.npsSettings)
        }
        probes = run.probes.map { probe, observation in
            Probe(key: probe.key, step: probe.step.rawValue, summary: probe.summary, method: probe.method.rawValue,
                  fragmentSize: probe.fragmentSize, tlsVersion: probe.tlsVersion,
                  unsignedRequest: probe.unsignedRequest, proxyState: probe.proxyState,
                  acceptUnsignedReplies: probe.acceptUnsignedReplies, cryptoBinding: probe.cryptoBinding?.rawValue,
                  resume: probe.resume, callingStationId: probe.callingStationId,
                  freshSourcePort: probe.freshSourcePort, observation: observation)
        }
        let (seconds, attoseconds) = run.elapsed.components
        durationSeconds = ((Double(seconds) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
    }

    public func render() throws(ReportError) -> String { try JSONOutput.render(self) }
}

/// The human report of `doctor`: the top finding in full, then every finding as a table, then the probes.
public enum DoctorText {
    public static func render(_ run: DoctorRun, servers: [String]) -> String {
        var lines: [String] = []
        let seconds = String(format: "%.1f", Double(run.elapsed.components.seconds)
                             + Double(run.elapsed.components.attoseconds) / 1e18)
        let problems = run.findings.filter { $0.severity < .info }.count
        lines.append("npsprobe doctor: \(servers.joined(separator: ", ")), \(run.context.method.rawValue) — "
                     + (problems == 0 ? "no problem found" : "\(problems) problem\(problems == 1 ? "" : "s") found")
                     + ", \(run.probes.count) probes in \(seconds) s")
        if let top = run.findings.first {
            lines.append("")
            lines.append("\(top.severity.rawValue.uppercased()) (\(top.confidence.rawValue)): \(top.title)")
            lines.append(contentsOf: wrapped(top.meaning, indent: "  "))
            lines.append(contentsOf: wrapped("Fix: " + top.fix, indent: "  "))
            for line in top.evidence { lines.append("  - \(line)") }
            var nps: [String] = []
            if let error = top.windowsError { nps.append("Windows error \(error)") }
            if !top.events.isEmpty { nps.append("events " + top.events.map(String.init).joined(separator: ", ")) }
            if !top.npsSettings.isEmpty { nps.append(top.npsSettings.joined(separator: "; ")) }
            if !nps.isEmpty { lines.append("  NPS: " + nps.joined(separator: " · ")) }
        }
        if let tls = tlsLine(run) {
            lines.append("")
            lines.append(tls)
        }
        if !run.findings.isEmpty {
            lines.append("")
            lines.append("Findings:")
            let rows = run.findings.enumerated().map { index, finding in
                ["\(index + 1)", finding.severity.rawValue, finding.confidence.rawValue, finding.kind.rawValue,
                 finding.title]
            }
            lines.append(contentsOf: table(["#", "SEVERITY", "CONFIDENCE", "KIND", "FINDING"], rows))
            for (index, finding) in run.findings.enumerated().dropFirst() {
                lines.append("  \(index + 1). Fix: \(finding.fix)")
            }
        }
        lines.append("")
        lines.append("Probes:")
        let rows = run.probes.map { probe, observed in
            [probe.key, probe.summary, observed.outcome.rawValue, observedText(observed, servers: servers)]
        }
        lines.append(contentsOf: table(["PROBE", "SENT", "OUTCOME", "OBSERVED"], rows))
        return lines.joined(separator: "\n")
    }

    /// "TLS: offered 1.2-1.3, chosen 1.2 …; 1.3 accepted; resumption not offered": what was offered vs chosen.
    static func tlsLine(_ run: DoctorRun) -> String? {
        let tls = run.probes.filter { $0.observation.tlsVersion != nil && $0.observation.outcome == .accept }
        guard let first = tls.first?.observation, let version = first.tlsVersion else { return nil }
        var parts = ["TLS: offered \(first.tlsOffered ?? "?"), chosen \(version)"
                     + (first.tlsCipher.map { " \($0)" } ?? "") + (first.tlsGroup.map { " \($0)" } ?? "")]
        let versions = Set(tls.compactMap(\.observation.tlsVersion)).sorted()
        if versions.count > 1 { parts.append("accepted " + versions.joined(separator: " and ")) }
        if let resumption = run.probes.first(where: { $0.probe.step == .resumption })?.observation {
            parts.append(resumption.resumed ? "resumption offered and used"
                         : resumption.resumptionOffered == true ? "resumption offered, not used"
                         : "resumption not offered")
        }
        return parts.joined(separator: "; ")
    }

    static func observedText(_ observed: DoctorObservation, servers: [String] = []) -> String {
        var parts: [String] = []
        parts.append("\(observed.answeredRoundTrips) answered")
        if observed.unsignedReplies > 0 { parts.append("\(observed.unsignedReplies) unsigned dropped") }
        if observed.badSignatureReplies > 0 { parts.append("\(observed.badSignatureReplies) bad signature dropped") }
        if observed.portClosed { parts.append("port closed") }
        if let version = observed.tlsVersion {
            parts.append("TLS \(version)" + (observed.tlsCipher.map { " \($0)" } ?? "")
                         + (observed.tlsGroup.map { " \($0)" } ?? "") + (observed.resumed ? " resumed" : ""))
        }
        if let offered = observed.resumptionOffered { parts.append(offered ? "session offered" : "no session offered") }
        if let binding = observed.cryptoBinding { parts.append("crypto-binding \(binding)") }
        if let node = observed.node ?? observed.replyFrom, !servers.contains(node) { parts.append("from \(node)") }
        if !observed.rule.isEmpty, observed.outcome != .accept { parts.append(observed.rule) }
        return parts.joined(separator: ", ")
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.map { "  " + $0 }
    }

    static func wrapped(_ text: String, indent: String, width: Int = 110) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width, !line.isEmpty {
                lines.append(indent + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines
    }
}
