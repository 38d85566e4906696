import Foundation
import NPS
import Probe
import RADIUS

/// The `--json` object of `auth`: a contract other tools script against. Field names are stable once
/// released; new fields may be added.
struct AuthJSON: Encodable {
    struct Attribute: Encodable {
        var name: String
        var value: String
    }

    var outcome: String
    var server: String?
    var method: String
    var identity: String
    var roundTrips: Int
    var latencyMs: Double
    var replyAttributes: [Attribute]
    var mppeKeys: String
    var error: String?
    /// Whether the outcome matched `--expect` (absent without `--expect`).
    var expected: Bool?
    /// Everything observed, in order.
    var evidence: ConversationEvidence

    init(report: ConversationReport, dictionary: RADIUSDictionary, expected: Bool?) {
        let evidence = report.evidence
        outcome = evidence.outcome.rawValue
        server = evidence.server
        method = evidence.method
        identity = evidence.identity
        roundTrips = evidence.roundTrips.count
        latencyMs = (report.elapsed.milliseconds * 1000).rounded() / 1000
        replyAttributes = AuthText.replyAttributes(report.finalReply, dictionary: dictionary).map {
            Attribute(name: $0.name + ($0.tag.map { ":\($0)" } ?? ""), value: $0.value)
        }
        mppeKeys = evidence.mppeKeys.rawValue
        error = evidence.localError
        self.expected = expected
        self.evidence = evidence
    }

    func render() throws(LocalError) -> String { try JSONOutput.render(self) }
}

/// The human report of `auth`: the outcome first, then what led there.
enum AuthText {
    static func render(report: ConversationReport, dictionary: RADIUSDictionary) -> String {
        let evidence = report.evidence
        var lines: [String] = []
        let elapsed = PacketPrinter.format(milliseconds: report.elapsed.milliseconds)
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
        if evidence.mppeKeys != .notApplicable { lines.append("  MPPE keys: \(evidence.mppeKeys.rawValue)") }
        let discarded = evidence.roundTrips.flatMap(\.discarded)
        if !discarded.isEmpty {
            lines.append("  \(discarded.count) reply datagram(s) failed verification and were dropped:")
            for reason in Set(discarded.map(\.reason)).sorted() { lines.append("    \(reason)") }
        }
        if evidence.outcome == .timeout {
            for trip in evidence.roundTrips {
                lines.append("  \(trip.server): \(trip.transmissions) transmission(s) of \(trip.requestCode) "
                             + "(\(trip.requestSize) B), no verified answer")
            }
        }
        let shown = replyAttributes(report.finalReply, dictionary: dictionary)
        if !shown.isEmpty {
            lines.append("  Reply attributes:")
            for described in shown { lines.append("    \(described)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The reply's attributes as reported, secrets masked. Message-Authenticator (type 80) is left out: the
    /// client checks it when the reply arrives, and its 16 random-looking octets are noise in a report.
    static func replyAttributes(_ reply: RADIUSPacket?, dictionary: RADIUSDictionary)
        -> [RADIUSDictionary.DescribedAttribute]
    {
        guard let reply else { return [] }
        let shown = reply.attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue }
        return dictionary.describe(shown, options: .init(maskSecrets: true))
    }
}
