import EAP
import Evidence
import Foundation
import NPS
import Probe
import Profiles
import RADIUS
import TLS

/// One run of a prepared case: the conversation(s) and what the reports and expectations read from them.
public struct CaseRun: Sendable {
    /// One report, or two when the case resumes (the second is the resumed conversation).
    public var reports: [ConversationReport]
    /// The report the case is judged on: the last one.
    public var report: ConversationReport { reports[reports.count - 1] }
    /// The verdict on the judged conversation: the Windows error, NPS reasons, cause and fix.
    public var diagnosis: Diagnosis
    public var observation: CaseObservation
}

/// Runs prepared cases over a shared transport: the single path `auth`, `run` and `check` take from a
/// prepared case to an observation.
public enum CaseRunner {
    public static func run(
        _ prepared: PreparedCase, transport: RADIUSTransport, dictionary: RADIUSDictionary,
        observer: PacketObserver? = nil
    ) async -> CaseRun {
        let conversation = Conversation(client: RADIUSClient(transport: transport, configuration: prepared.client))
        var reports = [await conversation.run(prepared.request, observer: observer)]
        if prepared.resume, reports[0].evidence.outcome == .accept {
            // PEAP fast reconnect / EAP-TLS resumption: the same case again, offering the saved session. A
            // server that offered nothing to resume gets a full second conversation (`resumed` says so).
            var request = prepared.request
            if let state = reports[0].eapResult?.resumptionState, let resumed = request.method.resuming(state) {
                observer?(.note("second conversation, offering the saved TLS session for resumption"))
                request.method = resumed
            } else {
                observer?(.note("second conversation: the server offered no TLS session to resume"))
            }
            reports.append(await conversation.run(request, observer: observer))
        }
        let last = reports[reports.count - 1]
        let diagnosis = Diagnoser.diagnose(last.evidence)
        return CaseRun(reports: reports, diagnosis: diagnosis,
                       observation: observation(of: last, diagnosis: diagnosis, dictionary: dictionary))
    }

    /// What the expectations and assertions of a case read from a conversation.
    public static func observation(
        of report: ConversationReport, diagnosis: Diagnosis, dictionary: RADIUSDictionary
    ) -> CaseObservation {
        let evidence = report.evidence
        var attributes: [CaseObservation.ReplyAttribute] = []
        for described in replyAttributes(report.finalReply, dictionary: dictionary) {
            // Tagged attributes as `Name:tag`, as assertions write them (RFC 2868 §3.1).
            attributes.append(.init(name: described.name + (described.tag.map { ":\($0)" } ?? ""),
                                    value: unquoted(described.value),
                                    number: described.typed.flatMap(integerValue)))
        }
        return CaseObservation(
            outcome: evidence.outcome, windowsError: diagnosis.windowsError, npsReasons: diagnosis.npsReasons,
            mppeKeys: evidence.mppeKeys.rawValue,
            cryptoBinding: evidence.eap.flatMap { cryptoBindingText($0.cryptoBinding) },
            latencyMs: report.elapsed.milliseconds, replyAttributes: attributes, server: evidence.server,
            localError: evidence.localError)
    }

    /// A reply's attributes as text, secrets masked, Message-Authenticator left out (it is noise to a reader):
    /// what reports, `--json` and assertions show.
    public static func replyAttributes(_ reply: RADIUSPacket?, dictionary: RADIUSDictionary)
        -> [RADIUSDictionary.DescribedAttribute]
    {
        guard let reply else { return [] }
        let shown = reply.attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue }
        return dictionary.describe(shown, options: .init(maskSecrets: true))
    }

    /// `verified`, `absent`, `failed`, `declined`; nil when crypto-binding does not apply (not PEAP).
    public static func cryptoBindingText(_ outcome: CryptoBindingOutcome) -> String? {
        switch outcome {
        case .verified: return "verified"
        case .absent: return "absent"
        case .failed: return "failed"
        case .declined: return "declined"
        case .notApplicable: return nil
        }
    }

    static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }

    static func integerValue(_ value: RADIUSValue) -> Int64? {
        switch value {
        case .integer(let n): return Int64(n)
        case .short(let n): return Int64(n)
        case .byte(let n): return Int64(n)
        case .signed(let n): return Int64(n)
        case .integer64(let n): return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .date(let n): return Int64(n)
        default: return nil
        }
    }
}
