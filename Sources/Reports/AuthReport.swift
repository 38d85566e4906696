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
    /// PEAP: the inner identity sent inside the tunnel (the user the server authenticates; `identity` is the
    /// outer one).
    public var innerIdentity: String?
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
            innerIdentity = eap.innerIdentity
        }
    }

    /// The object for a case that could not start (unreadable credentials, no secret, a server name that does
    /// not resolve): `outcome` `error`, the message in `error` and the evidence, the diagnosis saying so.
    public init(localError message: String, code: LocalErrorCode, method: String, identity: String,
                server: String?) {
        let evidence = ConversationEvidence(
            outcome: .error, method: method, identity: identity, server: server, localError: message,
            localErrorCode: code)
        outcome = evidence.outcome.rawValue
        self.server = server
        self.method = method
        self.identity = identity
        roundTrips = 0
        latencyMs = 0
        replyAttributes = []
        mppeKeys = evidence.mppeKeys.rawValue
        error = message
        diagnosis = Diagnoser.diagnose(evidence)
        self.evidence = evidence
    }

    public func render() throws(ReportError) -> String { try JSONOutput.render(self) }

    private enum CodingKeys: String, CodingKey {
        case outcome, server, method, identity, roundTrips, latencyMs, replyAttributes, mppeKeys, error, expected
        case eapMethod, innerMethod, tlsVersion, tlsCipher, cryptoBinding, innerIdentity, resumed, innerMethodRan
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
        try container.encodeIfPresent(innerIdentity, forKey: .innerIdentity)
        try container.encodeIfPresent(resumed, forKey: .resumed)
        try container.encodeIfPresent(innerMethodRan, forKey: .innerMethodRan)
        try container.encodeIfPresent(firstConversation, forKey: .firstConversation)
        try container.encode(diagnosis, forKey: .diagnosis)
        try container.encode(evidence, forKey: .evidence)
        try container.encodeIfPresent(accounting, forKey: .accounting)
    }
}

/// The human report of `auth`: the outcome first, then what led there.
///
/// A refusal prints the verdict, its cause and fix, the facts that decided it and how sure it is (about five
/// lines); `-v` adds every observation, the other readings and the details the verdict does not already state.
/// An accept prints what was established (method, keys, reply attributes).
public enum AuthText {
    /// The outcome line. PEAP names the inner identity (the user the server authenticated), the outer one beside
    /// it.
    public static func headline(_ report: ConversationReport) -> String {
        let evidence = report.evidence
        let elapsed = ReportFormat.milliseconds(report.elapsed.milliseconds)
        let trips = evidence.roundTrips.count
        var who = evidence.identity
        if let inner = evidence.eap?.innerIdentity, inner != evidence.identity {
            who = "\(inner) (outer identity \(evidence.identity))"
        }
        let via = "\(who) via \(evidence.method)"
        switch evidence.outcome {
        case .accept:
            return "ACCEPT  \(via) at \(evidence.server ?? "?") in \(elapsed), \(trips) round trip(s)"
        case .reject:
            return "REJECT  \(via) at \(evidence.server ?? "?") in \(elapsed), \(trips) round trip(s)"
        case .timeout:
            let servers = Set(evidence.roundTrips.map(\.server)).sorted().joined(separator: ", ")
            return "NO ANSWER  \(via) from \(servers.isEmpty ? "any server" : servers) after \(elapsed)"
        case .error:
            return "ERROR  \(via): \(evidence.localError ?? "unknown error")"
        }
    }

    /// With `--resume`, the title of the second conversation: resumed or not, as the server decided.
    public static func secondConversationTitle(_ evidence: ConversationEvidence) -> String {
        evidence.eap?.resumed == true
            ? "Resumed conversation:"
            : "Second conversation (the server did not resume the TLS session; a full handshake ran):"
    }

    /// The method line: method, inner method, TLS version and cipher, resumption.
    static func methodLine(_ eap: EAPEvidence) -> String {
        var method = "EAP: \(eap.method)"
        if let inner = eap.innerMethod { method += " with inner \(inner)" }
        if let tls = eap.tls, let version = tls.version {
            method += ", TLS \(version.rawValue) \(tls.cipher ?? "")"
            if tls.resumed { method += " (resumed)" }
        }
        return method
    }

    /// The outcome line, then the verdict unless accepted, then (verbose) the details.
    public static func render(report: ConversationReport, diagnosis: Diagnosis?, dictionary: RADIUSDictionary,
                              verbose: Bool = false) -> String {
        let head = headline(report)
        guard let diagnosis, report.evidence.outcome != .accept || diagnosis.rule != "accepted" else {
            return ([head] + acceptDetails(report: report, dictionary: dictionary).map { "  " + $0 })
                .joined(separator: "\n")
        }
        guard verbose else {
            return ([head] + Diagnoser.renderShort(diagnosis).split(separator: "\n").map { "  " + $0 })
                .joined(separator: "\n")
        }
        let verdict = Diagnoser.render(diagnosis).split(separator: "\n").map { "  " + $0 }
        let details = report.evidence.outcome == .accept
            ? acceptDetails(report: report, dictionary: dictionary)
            : refusalDetails(report: report, dictionary: dictionary)
        return ([head] + verdict + (details.isEmpty ? [] : ["  Details:"] + details.map { "    " + $0 }))
            .joined(separator: "\n")
    }

    /// What an accept established: the method, crypto-binding, the keys, the reply's attributes.
    static func acceptDetails(report: ConversationReport, dictionary: RADIUSDictionary) -> [String] {
        let evidence = report.evidence
        var lines: [String] = []
        if let error = evidence.localError { lines.append("problem: \(error)") }
        for message in evidence.replyMessages { lines.append("Reply-Message: \(message)") }
        if let eap = evidence.eap {
            lines.append(methodLine(eap))
            if let leaf = eap.tls?.serverChain.first {
                lines.append("server certificate: \(leaf.subject), issued by \(leaf.issuer)")
            }
            if let text = CaseRunner.cryptoBindingText(eap.cryptoBinding) { lines.append("crypto-binding: \(text)") }
        }
        if evidence.mppeKeys != .notApplicable { lines.append("MPPE keys: \(evidence.mppeKeys.rawValue)") }
        lines += discardLines(evidence)
        let shown = CaseRunner.replyAttributes(report.finalReply, dictionary: dictionary)
        if !shown.isEmpty {
            lines.append("Reply attributes:")
            for described in shown { lines.append("  \(described)") }
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

    /// What `-v` adds under a refusal: what the verdict's evidence does not state already — the method and TLS
    /// parameters, the server's certificate (unless we refused it: the evidence names it), the requests that went
    /// unanswered before the last one, replies that failed verification (when not a timeout, whose verdict reads
    /// them), and the reply's attributes other than Reply-Message and EAP-Message (quoted in the evidence).
    static func refusalDetails(report: ConversationReport, dictionary: RADIUSDictionary) -> [String] {
        let evidence = report.evidence
        var lines: [String] = []
        if let eap = evidence.eap {
            lines.append(methodLine(eap))
            for (label, tls) in [("server", eap.tls), ("inner server", eap.innerTLS)] {
                guard let tls, tls.serverValidationFailure == nil, let leaf = tls.serverChain.first else { continue }
                lines.append("\(label) certificate: \(leaf.subject), issued by \(leaf.issuer)")
            }
            if let text = CaseRunner.cryptoBindingText(eap.cryptoBinding) { lines.append("crypto-binding: \(text)") }
        }
        for (index, trip) in evidence.roundTrips.enumerated().dropLast() where !trip.answered {
            lines.append("round trip \(index + 1): \(trip.transmissions) transmission(s) of a \(trip.requestSize)-byte "
                         + "\(trip.requestCode) to \(trip.server), "
                         + (trip.unreachable?.summary ?? "no verified answer"))
        }
        if evidence.outcome != .timeout { lines += discardLines(evidence) }
        let quoted: Set<String> = ["Reply-Message", "EAP-Message"]
        let shown = CaseRunner.replyAttributes(report.finalReply, dictionary: dictionary)
            .filter { !quoted.contains($0.name) }
        if !shown.isEmpty {
            lines.append("Reply attributes:")
            for described in shown { lines.append("  \(described)") }
        }
        return lines
    }

    /// Replies that failed verification, counted, with their reasons.
    static func discardLines(_ evidence: ConversationEvidence) -> [String] {
        let discarded = evidence.roundTrips.flatMap(\.discarded)
        guard !discarded.isEmpty else { return [] }
        let total = evidence.roundTrips.reduce(0) { $0 + $1.discardedCount }
        return ["\(total) reply datagram(s) failed verification and were dropped:"]
            + Set(discarded.map(\.reason)).sorted().map { "  " + $0 }
    }

    /// `as expected (reject 691)`, with a note when the pass rests on an inferred reason; `NOT as expected: …`
    /// with why.
    public static func expectationLines(_ met: ExpectationResult) -> [String] {
        guard met.passed else {
            return ["  NOT as expected: wanted \(met.expected), got \(met.got)"]
                + (met.reason.map { ["  \($0)"] } ?? [])
        }
        return ["  as expected (\(met.expected))"] + (met.note.map { ["  note: \($0)"] } ?? [])
    }
}
