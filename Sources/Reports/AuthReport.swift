import EAP
import Evidence
import Foundation
import Jobs
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// The `--json` object of `auth`: a contract other tools script against. Field names are stable once
/// released; new fields may be added.
public struct AuthJSON: Encodable {
    public struct Attribute: Encodable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var outcome: String
    public var server: String?
    public var method: String
    public var identity: String
    public var roundTrips: Int
    public var latencyMs: Double
    public var replyAttributes: [Attribute]
    public var mppeKeys: String
    public var error: String?
    /// Whether the outcome matched `--expect` (absent without `--expect`).
    public var expected: Bool?
    /// EAP methods: the EAP type name (`EAP-TLS`, `PEAP`, `EAP-MSCHAPv2`), PEAP's inner method, the negotiated TLS
    /// version and cipher (IANA name), and crypto-binding (`verified`, `absent`, `failed`, `declined`).
    public var eapMethod: String?
    public var innerMethod: String?
    public var tlsVersion: String?
    public var tlsCipher: String?
    public var cryptoBinding: String?
    /// With `--resume`: the server resumed the TLS session, and whether the inner method still ran.
    public var resumed: Bool?
    public var innerMethodRan: Bool?
    /// With `--resume`: the first (full) conversation; the top-level fields describe the resumed one.
    public var firstConversation: ConversationEvidence?
    /// The verdict: `windows_error` (number or null), `nps_reasons`, `cause`, `fix`, `confidence`, `evidence`.
    public var diagnosis: Diagnosis?
    /// Everything observed, in order.
    public var evidence: ConversationEvidence
    /// With accounting: `outcome` (`responded`, `no_response`, `not_sent`, `error`), `session_id`, `reason`, and
    /// `records` (`status_type`, `responded`, `server`, `latency_milliseconds`, `round_trips`).
    public var accounting: AccountingEvidence?

    public init(run: CaseRun, dictionary: RADIUSDictionary, expected: Bool?) {
        self.init(report: run.report, dictionary: dictionary, expected: expected)
        diagnosis = run.diagnosis
        accounting = run.accounting
        if run.reports.count > 1 {
            firstConversation = run.reports[0].evidence
            resumed = run.report.evidence.eap?.resumed ?? false
            innerMethodRan = run.report.evidence.eap?.innerMethodRan ?? false
        }
    }

    public init(report: ConversationReport, dictionary: RADIUSDictionary, expected: Bool?) {
        let evidence = report.evidence
        outcome = evidence.outcome.rawValue
        server = evidence.server
        method = evidence.method
        identity = evidence.identity
        roundTrips = evidence.roundTrips.count
        latencyMs = (report.elapsed.milliseconds * 1000).rounded() / 1000
        replyAttributes = CaseRunner.replyAttributes(report.finalReply, dictionary: dictionary).map {
            Attribute(name: $0.name + ($0.tag.map { ":\($0)" } ?? ""), value: $0.value)
        }
        mppeKeys = evidence.mppeKeys.rawValue
        error = evidence.localError
        self.expected = expected
        self.evidence = evidence
        if let eap = evidence.eap {
            eapMethod = eap.method
            innerMethod = eap.innerMethod
            tlsVersion = eap.tls?.version?.rawValue
            tlsCipher = eap.tls?.cipher
            cryptoBinding = CaseRunner.cryptoBindingText(eap.cryptoBinding)
        }
    }

    public func render() throws(ReportError) -> String { try JSONOutput.render(self) }

    private enum CodingKeys: String, CodingKey {
        case outcome, server, method, identity, roundTrips, latencyMs, replyAttributes, mppeKeys, error, expected
        case eapMethod, innerMethod, tlsVersion, tlsCipher, cryptoBinding, resumed, innerMethodRan
        case firstConversation, diagnosis, evidence, accounting
    }

    /// The contract's keys are always present (`null` when there is nothing to say), so scripts can index
    /// them without checking; the optional extras appear only when they apply.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(server, forKey: .server)
        try container.encode(method, forKey: .method)
        try container.encode(identity, forKey: .identity)
        try container.encode(roundTrips, forKey: .roundTrips)
        try container.encode(latencyMs, forKey: .latencyMs)
        try container.encode(replyAttributes, forKey: .replyAttributes)
        try container.encode(mppeKeys, forKey: .mppeKeys)
        try container.encode(error, forKey: .error)
        try container.encodeIfPresent(expected, forKey: .expected)
        try container.encodeIfPresent(eapMethod, forKey: .eapMethod)
        try container.encodeIfPresent(innerMethod, forKey: .innerMethod)
        try container.encodeIfPresent(tlsVersion, forKey: .tlsVersion)
        try container.encodeIfPresent(tlsCipher, forKey: .tlsCipher)
        try container.encodeIfPresent(cryptoBinding, forKey: .cryptoBinding)
        try container.encodeIfPresent(resumed, forKey: .resumed)
        try container.encodeIfPresent(innerMethodRan, forKey: .innerMethodRan)
        try container.encodeIfPresent(firstConversation, forKey: .firstConversation)
        try container.encode(diagnosis, forKey: .diagnosis)
        try container.encode(evidence, forKey: .evidence)
        try container.encodeIfPresent(accounting, forKey: .accounting)
    }
}

/// The human report of `auth`: the outcome first, then what led there.
public enum AuthText {
    /// The EAP part: method, TLS version and cipher, where a failure came, crypto-binding, the server's chain.
    public static func eapLines(_ eap: EAPEvidence) -> [String] {
        var lines: [String] = []
        var method = "  EAP: \(eap.method)"
        if let inner = eap.innerMethod { method += " with inner \(inner)" }
        if let tls = eap.tls, let version = tls.version {
            method += ", TLS \(version.rawValue) \(tls.cipher ?? "")"
            if tls.resumed { method += " (resumed)" }
        }
        lines.append(method)
        if let failure = eap.failure {
            lines.append("  EAP failure (\(failure.kind)) \(failure.step): \(failure.reason)")
            if let ms = failure.mschapv2 { lines.append("  MS-CHAPv2: \(ms.text)") }
        }
        for (label, tls) in [("server", eap.tls), ("inner server", eap.innerTLS)] {
            guard let tls else { continue }
            if let problem = tls.serverValidationFailure {
                lines.append(
                    "  \(label) certificate refused by the client: \(problem.kind.rawValue): \(problem.detail)")
            }
            for alert in tls.events.compactMap({ event -> String? in
                switch event {
                case .alertReceived(let alert): return "received \(alert)"
                case .alertSent(let alert): return "sent \(alert)"
                default: return nil
                }
            }) {
                lines.append("  TLS alert \(alert)")
            }
            if let leaf = tls.serverChain.first {
                lines.append("  \(label) certificate: \(leaf.subject), issued by \(leaf.issuer)")
            }
        }
        switch eap.cryptoBinding {
        case .notApplicable: break
        case .failed(let why): lines.append("  crypto-binding: FAILED: \(why)")
        default: lines.append("  crypto-binding: \(CaseRunner.cryptoBindingText(eap.cryptoBinding) ?? "")")
        }
        return lines
    }

    /// The accounting after the authentication: one line with the outcome and each record's latency, then why
    /// it did not respond.
    public static func accountingLines(_ accounting: AccountingEvidence) -> [String] {
        let session = accounting.sessionId.map { " (session \($0))" } ?? ""
        let records = accounting.records.map { record in
            record.statusType
                + (record.latencyMilliseconds.map { " " + ReportFormat.milliseconds($0) } ?? " unanswered")
        }.joined(separator: ", ")
        let servers = Set(accounting.records.filter(\.responded).map(\.server)).sorted().joined(separator: ", ")
        switch accounting.outcome {
        case .responded:
            return ["  Accounting\(session): responded: \(records) at \(servers)"]
        case .noResponse:
            return ["  Accounting\(session): NO RESPONSE" + (records.isEmpty ? "" : " (\(records))"),
                    "    \(accounting.reason ?? "")"]
        case .notSent:
            return ["  Accounting: not sent: \(accounting.reason ?? "")"]
        case .error:
            return ["  Accounting\(session): ERROR: \(accounting.reason ?? "")"]
        }
    }

    /// The outcome line, then the verdict (error, cause, fix, evidence) unless accepted, then the details.
    public static func render(report: ConversationReport, diagnosis: Diagnosis?, dictionary: RADIUSDictionary) -> String {
        let details = render(report: report, dictionary: dictionary)
            .split(separator: "\n", omittingEmptySubsequences: false)
        guard let diagnosis, report.evidence.outcome != .accept || diagnosis.rule != "accepted" else {
            return details.joined(separator: "\n")
        }
        let verdict = Diagnoser.render(diagnosis).split(separator: "\n").map { "  " + $0 }
        return ([String(details[0])] + verdict + ["  Details:"] + details.dropFirst().map { "  " + $0 })
            .joined(separator: "\n")
    }

    public static func render(report: ConversationReport, dictionary: RADIUSDictionary) -> String {
        let evidence = report.evidence
        var lines: [String] = []
        let elapsed = ReportFormat.milliseconds(report.elapsed.milliseconds)
        let trips = evidence.roundTrips.count
        let via = "\(evidence.identity) via \(evidence.method)"
        switch evidence.outcome {
        case .accept:
            lines.append("ACCEPT  \(via) at \(evidence.server ?? "?") in \(elapsed), \(trips) round trip(s)")
        case .reject:
            lines.append("REJECT  \(via) at \(evidence.server ?? "?") in \(elapsed), \(trips) round trip(s)")
        case .timeout:
            let servers = Set(evidence.roundTrips.map(\.server)).sorted().joined(separator: ", ")
            lines.append("NO ANSWER  \(via) from \(servers.isEmpty ? "any server" : servers) after \(elapsed)")
        case .error:
            lines.append("ERROR  \(via): \(evidence.localError ?? "unknown error")")
        }
        if evidence.outcome != .error, let error = evidence.localError { lines.append("  problem: \(error)") }
        for message in evidence.replyMessages { lines.append("  Reply-Message: \(message)") }
        if let error = evidence.msCHAPError { lines.append("  MS-CHAP-Error: \(error)") }
        if let eap = evidence.eap { lines += eapLines(eap) }
        if evidence.mppeKeys != .notApplicable { lines.append("  MPPE keys: \(evidence.mppeKeys.rawValue)") }
        let discarded = evidence.roundTrips.flatMap(\.discarded)
        if !discarded.isEmpty {
            let total = evidence.roundTrips.reduce(0) { $0 + $1.discardedCount }
            lines.append("  \(total) reply datagram(s) failed verification and were dropped:")
            for reason in Set(discarded.map(\.reason)).sorted() { lines.append("    \(reason)") }
        }
        if evidence.outcome == .timeout {
            for trip in evidence.roundTrips {
                lines.append("  \(trip.server): \(trip.transmissions) transmission(s) of \(trip.requestCode) "
                             + "(\(trip.requestSize) B), no verified answer")
            }
        }
        let shown = CaseRunner.replyAttributes(report.finalReply, dictionary: dictionary)
        if !shown.isEmpty {
            lines.append("  Reply attributes:")
            for described in shown { lines.append("    \(described)") }
        }
        return lines.joined(separator: "\n")
    }
}
