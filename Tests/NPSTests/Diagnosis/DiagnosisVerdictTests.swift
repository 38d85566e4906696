import EAP
import Evidence
import Foundation
import NPS
import TLS
import Testing

/// Every scenario gets its verdict from a server that sends no Reply-Message, and the same verdict when one
/// arrives (quoted as evidence, and in the cause).
@Suite struct DiagnosisVerdictTests {
    private func check(_ diagnosis: Diagnosis, _ scenario: Scenario,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let rendered = Diagnoser.render(diagnosis)
        #expect(diagnosis.rule == scenario.rule, "\(rendered)", sourceLocation: sourceLocation)
        #expect(diagnosis.windowsError == scenario.windowsError, "\(rendered)", sourceLocation: sourceLocation)
        #expect(diagnosis.confidence == scenario.confidence, "\(rendered)", sourceLocation: sourceLocation)
        for reason in scenario.reasons {
            #expect(diagnosis.npsReasons.contains(reason), "reason \(reason) in \(diagnosis.npsReasons)",
                    sourceLocation: sourceLocation)
        }
        for phrase in scenario.mentions {
            #expect(diagnosis.evidence.contains { $0.contains(phrase) }, "'\(phrase)' in:\n\(rendered)",
                    sourceLocation: sourceLocation)
        }
        #expect(!diagnosis.evidence.isEmpty, sourceLocation: sourceLocation)
        // The row's data, unchanged.
        if let row = DiagnosisRules.all.first(where: { $0.id == diagnosis.rule }) {
            #expect(diagnosis.npsReasons == row.npsReasons, sourceLocation: sourceLocation)
            #expect(diagnosis.fix == row.fix, sourceLocation: sourceLocation)
            #expect(diagnosis.cause.hasPrefix(row.cause), sourceLocation: sourceLocation)
            #expect(diagnosis.related == row.related, sourceLocation: sourceLocation)
        }
        if let code = scenario.windowsError {
            let symbol = NPSKnowledge.windowsError(code)?.symbol ?? "?"
            #expect(diagnosis.title.hasPrefix("Windows error \(code) (\(symbol)): "), sourceLocation: sourceLocation)
        } else {
            #expect(!diagnosis.title.hasPrefix("Windows error"), sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Scenario.all)
    func verdictWithoutReplyMessage(_ scenario: Scenario) throws {
        let evidence = try scenario.build()
        if !scenario.messageDriven {
            #expect(evidence.replyMessages.isEmpty)
        }
        let diagnosis = Diagnoser.diagnose(evidence)
        check(diagnosis, scenario)
        if !scenario.messageDriven {
            #expect(!diagnosis.evidence.contains { $0.contains("Reply-Message") })
        }
    }

    @Test(arguments: Scenario.all.filter { !$0.messageDriven })
    func sameVerdictWithAReplyMessage(_ scenario: Scenario) throws {
        var evidence = try scenario.build()
        evidence.replyMessages = ["Request processed by lab-nps-02"]
        let diagnosis = Diagnoser.diagnose(evidence)
        check(diagnosis, scenario)
        #expect(diagnosis.evidence.contains("the server's Reply-Message: “Request processed by lab-nps-02”"))
        #expect(diagnosis.cause.hasSuffix("The server says: “Request processed by lab-nps-02”."))
    }

    /// The winners across the corpus: every rule of the table must win at least one real conversation.
    @Test func everyRuleIsReachable() throws {
        var winners: Set<String> = []
        for scenario in Scenario.all {
            winners.insert(Diagnoser.diagnose(try scenario.build()).rule)
            // A load run adds what it saw of the farm (persistence-failure is reached only that way).
            var facts = DiagnosisFacts(try scenario.build())
            facts.persistence = PersistenceSuspicion.check(facts, replyNodes: [])
            if facts.persistence != nil { winners.insert(Diagnoser.diagnose(facts).rule) }
        }
        let ids = DiagnosisRules.all.map(\.id)
        #expect(Set(ids).count == ids.count, "rule ids are unique")
        let unreached = ids.filter { !winners.contains($0) }
        #expect(unreached.isEmpty, "rules no scenario reaches: \(unreached)")
    }

    /// Evidence the Probe never records (outcomes that contradict the rest, EAP records without a trace or
    /// round trips) still gets a verdict from the table, with evidence, and renders.
    @Test func distortedEvidenceNeverTraps() throws {
        let ids = Set(DiagnosisRules.all.map(\.id))
        for scenario in Scenario.all {
            let original = try scenario.build()
            var variants: [ConversationEvidence] = []
            for outcome in [ConversationEvidence.Outcome.accept, .reject, .timeout, .error] {
                var changed = original
                changed.outcome = outcome
                variants.append(changed)
            }
            var noEAP = original
            noEAP.eap = nil
            var noTrace = original
            noTrace.eap?.trace = []
            noTrace.eap?.failure = nil
            var noTrips = original
            noTrips.roundTrips = []
            var reversed = original
            reversed.roundTrips.reverse()
            reversed.eap?.trace.reverse()
            variants += [noEAP, noTrace, noTrips, reversed]
            for variant in variants {
                let diagnosis = Diagnoser.diagnose(variant)
                #expect(ids.contains(diagnosis.rule), "\(scenario.name): \(diagnosis.rule)")
                #expect(!diagnosis.evidence.isEmpty)
                #expect(!Diagnoser.render(diagnosis).isEmpty)
            }
        }
    }

    @Test func scenarioNamesAreUnique() {
        let names = Scenario.all.map(\.name)
        #expect(Set(names).count == names.count)
    }
}

/// Rewording a message must not change a verdict (issue 9): the diagnosis reads typed evidence, never our own
/// English. Every human text the client writes (local errors, the peer's failure reasons, discard reasons, round-trip
/// summaries, pre-flight details, certificate-check details, crypto-binding reasons, OpenSSL's state) is replaced,
/// and every scenario keeps its verdict. The server's own words (Reply-Message, Notification, MS-CHAP `M=`) are
/// observation and stay.
@Suite struct DiagnosisWordingTests {
    /// Every text of our own making in the evidence, rewritten by `reword`.
    static func reworded(_ evidence: ConversationEvidence, _ reword: (String) -> String) -> ConversationEvidence {
        var out = evidence
        out.localError = out.localError.map(reword)
        out.preflight = out.preflight.map { var finding = $0; finding.detail = reword(finding.detail); return finding }
        out.roundTrips = out.roundTrips.map { trip in
            var trip = trip
            trip.eap = trip.eap.map(reword)
            trip.discarded = trip.discarded.map {
                var datagram = $0
                datagram.reason = reword($0.reason)
                return datagram
            }
            return trip
        }
        func binding(_ outcome: CryptoBindingOutcome) -> CryptoBindingOutcome {
            if case .failed(let reason) = outcome { return .failed(reason: reword(reason)) }
            return outcome
        }
        func tls(_ evidence: TLSEvidence?) -> TLSEvidence? {
            guard var evidence else { return nil }
            evidence.handshakeState = reword(evidence.handshakeState)
            if var failure = evidence.serverValidationFailure {
                failure.detail = reword(failure.detail)
                failure.openSSLError = failure.openSSLError.map(reword)
                evidence.serverValidationFailure = failure
            }
            return evidence
        }
        if var eap = out.eap {
            if var failure = eap.failure {
                failure.reason = reword(failure.reason)
                eap.failure = failure
            }
            eap.cryptoBinding = binding(eap.cryptoBinding)
            eap.tls = tls(eap.tls)
            eap.innerTLS = tls(eap.innerTLS)
            eap.trace = eap.trace.map { event in
                if case .cryptoBinding(let outcome) = event { return .cryptoBinding(outcome: binding(outcome)) }
                return event
            }
            out.eap = eap
        }
        return out
    }

    /// The verdict without its evidence lines (which quote the words, as they should).
    static func verdict(_ evidence: ConversationEvidence) -> Diagnosis {
        var diagnosis = Diagnoser.diagnose(evidence)
        diagnosis.evidence = []
        return diagnosis
    }

    /// The phrases the diagnosis once matched on (issue 9) and words of other verdicts: planted in every text of
    /// ours, they must not steer it.
    static let misleading = [
        "MS-CHAP2-Success does not verify", "crypto-binding is required", "expired (nextUpdate)", "PEAP",
        "Finished", "ClientHello", "shared secret", "Account locked out", "access denied by policy", "revoked",
    ]

    @Test(arguments: Scenario.all)
    func sameVerdictWhateverOurWordsSay(_ scenario: Scenario) throws {
        let evidence = try scenario.build()
        let original = Self.verdict(evidence)
        let scrambled = Self.reworded(evidence) { String($0.reversed()) + " ⁂" }
        #expect(Self.verdict(scrambled) == original, "reversed words")
        for (index, phrase) in Self.misleading.enumerated() {
            let planted = Self.reworded(evidence) { _ in "\(phrase) (\(index))" }
            #expect(Self.verdict(planted) == original, "every text of ours says \"\(phrase)\"")
        }
        // The rewording reached something: our words were in this evidence at all.
        #expect(scrambled != evidence || evidence.eap == nil && evidence.localError == nil
            && evidence.roundTrips.allSatisfy { $0.eap == nil && $0.discarded.isEmpty })
    }
}
