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
