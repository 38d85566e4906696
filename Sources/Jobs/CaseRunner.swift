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
    /// The accounting after the judged conversation, when the case asks for it.
    public var accounting: AccountingEvidence?
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
        var accounting: AccountingEvidence?
        if let plan = prepared.accounting {
            accounting = await account(last, request: prepared.request, plan: plan, transport: transport,
                                       observer: observer)
        }
        var observed = observation(of: last, diagnosis: diagnosis, dictionary: dictionary)
        observed.accounting = accounting?.outcome.rawValue
        observed.accountingReason = accounting?.reason
        return CaseRun(reports: reports, diagnosis: diagnosis, observation: observed, accounting: accounting)
    }

    /// RFC 2866 accounting after an Access-Accept, as a NAS sends it; nothing is sent after anything else.
    public static func account(
        _ report: ConversationReport, request: AuthenticationRequest, plan: AccountingPlan,
        transport: RADIUSTransport, observer: PacketObserver? = nil
    ) async -> AccountingEvidence {
        guard report.evidence.outcome == .accept, let accept = report.finalReply else {
            return AccountingEvidence(
                outcome: .notSent, reason: "the authentication was not accepted (\(report.evidence.outcome.rawValue))")
        }
        let session = AccountingSession(sessionId: AccountingSession.newSessionId(), accept: accept, request: request)
        let run = AccountingRun(client: RADIUSClient(transport: transport, configuration: plan.client),
                                interimUpdate: plan.interimUpdate)
        return await run.run(session, observer: observer)
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
            localError: evidence.localError, statedReasons: DiagnosisFacts(evidence).statedReasons)
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
