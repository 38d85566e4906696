import Evidence
import EAP
import Foundation
import NPS
import TLS
import Testing

/// The table itself: its data is consistent with the catalogues, and the order decides (most specific first,
/// later firing rules as alternatives, fallbacks last).
@Suite struct DiagnosisRuleTableTests {
    private func scenario(_ name: String) throws -> ConversationEvidence {
        try #require(Scenario.all.first { $0.name == name }, "scenario \(name)").build()
    }

    @Test func rowsNameOnlyCataloguedNumbers() {
        for rule in DiagnosisRules.all {
            let errors = [rule.windowsError].compactMap { $0 } + rule.alternatives.compactMap(\.windowsError)
                + rule.related
            for code in errors {
                #expect(NPSKnowledge.windowsError(code) != nil, "\(rule.id): Windows error \(code)")
            }
            for reason in rule.npsReasons + rule.alternatives.flatMap(\.npsReasons) {
                #expect(NPSKnowledge.reasonCode(reason) != nil, "\(rule.id): NPS reason \(reason)")
            }
        }
    }

    @Test func rowsReadAsATable() {
        for rule in DiagnosisRules.all {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(rule.id)")
            #expect(!rule.headline.isEmpty && rule.headline.first?.isLowercase == true, "\(rule.id)")
            #expect(rule.cause.hasSuffix("."), "\(rule.id): the cause is a sentence")
            #expect(rule.fix.hasSuffix(".") || rule.fix.hasSuffix(")"), "\(rule.id): the fix is a sentence")
            #expect(rule.cause.count <= 320 && rule.fix.count <= 400, "\(rule.id): short texts")
            for alternative in rule.alternatives {
                #expect(alternative.rule == nil && !alternative.cause.isEmpty, "\(rule.id)")
                // A second reading is less sure than the row (issue 12: alternatives with the verdict's confidence).
                #expect(alternative.confidence > rule.confidence || rule.confidence == .possible,
                        "\(rule.id): an alternative as sure as the verdict")
            }
            // Related errors are ones an EAP conversation can produce: no IKE-only numbers (issue 12).
            for code in rule.related {
                #expect(NPSKnowledge.windowsError(code)?.source != .ike, "\(rule.id): IKE error \(code) related")
            }
        }
        // Catch-alls come after every specific rule they could shadow.
        let fallbacks = DiagnosisRules.all.enumerated().filter { $0.element.fallback }.map(\.offset)
        #expect(fallbacks.count == 3)
        #expect(DiagnosisRules.all.last?.id == "unexplained")
    }

    /// The seed: the pre-flight found the certificate expired, the server refused without an alert: 854 wins,
    /// the plain refusal (853) stays as an alternative.
    @Test func preflightFindingBeatsThePlainRefusal() throws {
        let diagnosis = Diagnoser.diagnose(try scenario("tls-expired (no alert, as FreeRADIUS and hostapd)"))
        #expect(diagnosis.rule == "client-cert-expired")
        let alternative = try #require(diagnosis.alternatives.first { $0.rule == "client-cert-refused" })
        #expect(alternative.windowsError == 853)
        #expect(alternative.confidence == .possible, "less sure than the likely verdict")
        #expect(diagnosis.candidateWindowsErrors == [854, 853])
    }

    /// An alert names the cause: it wins over the pre-flight, which becomes an alternative no surer than it.
    @Test func alertBeatsPreflight() throws {
        let diagnosis = Diagnoser.diagnose(try scenario("tls-expired with the alert"))
        #expect(diagnosis.rule == "client-cert-expired-alert")
        #expect(diagnosis.confidence == .certain)
        // The pre-flight rule fires too, but names the same error and reasons: no repeat of the verdict.
        #expect(DiagnosisRules.all.first { $0.id == "client-cert-expired" }?.evaluate(DiagnosisFacts(
            try scenario("tls-expired with the alert"))) != nil)
        #expect(!diagnosis.alternatives.contains { $0.windowsError == 854 })
        // Nor does "an alert that does not concern the certificates" alternate: this one does.
        #expect(!diagnosis.alternatives.contains { $0.rule == "tls-alert-other" })
        #expect(!diagnosis.alternatives.contains { $0.rule == "reject-unexplained" }, "fallbacks never alternate")
    }

    @Test func sameEvidenceDifferentLocalKnowledge() throws {
        // Revoked in the CRL handed to the pre-flight: 855; without it the same wire evidence reads 853, with
        // 855 as the rule's own second reading.
        let withCRL = Diagnoser.diagnose(try scenario("tls-revoked (CRL given to the pre-flight)"))
        let without = Diagnoser.diagnose(try scenario("tls-revoked without a pre-flight"))
        #expect(withCRL.windowsError == 855)
        #expect(without.windowsError == 853)
        #expect(without.alternatives.first?.windowsError == 855)
    }

    /// pap-outsider-policy and pap-alice-wrong look the same on the wire: 691 is likely, 812 possible.
    @Test func papRejectNamesBothReadings() throws {
        let diagnosis = Diagnoser.diagnose(EvidenceBuilder.single(method: "pap", identity: "outsider",
                                                                  outcome: .reject, replyCode: .accessReject))
        #expect(diagnosis.windowsError == 691)
        #expect(diagnosis.confidence == .likely)
        #expect(diagnosis.candidateWindowsErrors == [691, 812])
        #expect(diagnosis.alternatives.first?.confidence == .possible)
        #expect(diagnosis.alternatives.first?.npsReasons.contains(65) == true)
    }

    /// Issue 12: alternatives repeated the verdict (853/295 twice) with the verdict's confidence. Over the whole
    /// corpus, each alternative names another Windows error or a reason code not named yet for its error, and is
    /// less sure than the verdict (unless the verdict itself is only possible).
    @Test(arguments: Scenario.all)
    func alternativesNameSomethingNewAndAreLessSure(_ scenario: Scenario) throws {
        let diagnosis = Diagnoser.diagnose(try scenario.build())
        var named: [Int?: Set<Int>] = [diagnosis.windowsError: Set(diagnosis.npsReasons)]
        var withoutReasons: Set<Int?> = diagnosis.npsReasons.isEmpty ? [diagnosis.windowsError] : []
        for alternative in diagnosis.alternatives {
            let reasons = Set(alternative.npsReasons)
            if reasons.isEmpty {
                #expect(withoutReasons.insert(alternative.windowsError).inserted, "\(alternative) repeats")
            } else {
                #expect(!reasons.isSubset(of: named[alternative.windowsError] ?? []), "\(alternative) repeats")
                named[alternative.windowsError, default: []].formUnion(reasons)
            }
            #expect(alternative.confidence > diagnosis.confidence || diagnosis.confidence == .possible,
                    "\(alternative.confidence) beside a \(diagnosis.confidence) verdict")
        }
        #expect(diagnosis.related.allSatisfy { NPSKnowledge.windowsError($0)?.source != .ike })
    }

    @Test func theSeedCaseListsTheMappingNext() throws {
        let diagnosis = Diagnoser.diagnose(try scenario("tls-retired (the seed's NTAuth case)"))
        #expect(diagnosis.cause.contains("NTAuth"))
        #expect(diagnosis.fix.contains("certutil -enterprise -addstore NTAuth"))
        #expect(diagnosis.alternatives.first?.cause.contains("maps to no AD account") == true)
        #expect(diagnosis.related.isEmpty, "no IKE error for an EAP refusal")
    }

    /// KB5014754: without a SID in the certificate the strong-mapping reading leads; NTAuth and the mapping follow.
    @Test func withoutASIDStrongMappingLeads() throws {
        let diagnosis = Diagnoser.diagnose(try scenario("tls-strongmap-nosid (KB5014754: no SID, refused after the "
                                                        + "handshake)"))
        #expect(diagnosis.rule == "client-cert-not-strongly-mapped")
        #expect(diagnosis.title.contains("not strongly mapped"))
        #expect(diagnosis.cause.contains("KB5014754") && diagnosis.fix.contains("tag:microsoft.com,2022-09-14:sid:"))
        #expect(diagnosis.alternatives.first?.cause.contains("NTAuth") == true)
        #expect(diagnosis.alternatives.contains { $0.cause.contains("maps to no AD account") })
        // The NTAuth rule does not also fire: the evidence said which.
        #expect(!diagnosis.alternatives.contains { $0.rule == "client-cert-not-mapped" })
    }

    @Test func aPasswordBeyondASCIINamesTheEncoding() throws {
        let diagnosis = Diagnoser.diagnose(try scenario("pap refused, password beyond ASCII"))
        #expect(diagnosis.rule == "password-beyond-ascii" && diagnosis.windowsError == 691)
        #expect(diagnosis.cause.contains("windows-1252") && diagnosis.fix.contains("--password-encoding"))
        // The plain wrong-password reading stays beside it (691, reasons 16 and 8).
        #expect(diagnosis.alternatives.contains { $0.windowsError == 691 && $0.npsReasons.contains(8) })
    }

    @Test func silenceListsTheBlastRADIUSDrops() throws {
        let rule = try #require(DiagnosisRules.all.first { $0.id == "timeout-no-reply" })
        let reading = try #require(rule.alternatives.first)
        #expect(reading.windowsError == 809)
        for event in ["4418", "13", "17", "4420", "KB5040268"] { #expect(reading.cause.contains(event), "\(event)") }
    }

    // MARK: Order semantics on a table of our own

    private static let facts = DiagnosisFacts(ConversationEvidence(outcome: .reject, method: "pap", identity: "u"))

    private static func rule(_ id: String, _ error: Int?, _ confidence: Diagnosis.Confidence, fires: Bool,
                             fallback: Bool = false) -> DiagnosisRules.Rule {
        DiagnosisRules.Rule(id: id, windowsError: error, confidence: confidence, headline: "\(id) headline",
                            cause: "\(id) cause.", fix: "\(id) fix.",
                            alternatives: [Diagnosis.Alternative(windowsError: 1, cause: "\(id) second",
                                                                 confidence: .possible)],
                            fallback: fallback, when: { _ in fires ? ["\(id) saw it"] : nil })
    }

    @Test func firstFiringRuleWinsAndLaterOnesAlternate() {
        let rules = [
            Self.rule("silent", 600, .certain, fires: false),
            Self.rule("catch-all", nil, .possible, fires: true, fallback: true),
            Self.rule("first", 691, .likely, fires: true),
            Self.rule("second", 812, .certain, fires: true),
        ]
        let diagnosis = Diagnoser.diagnose(Self.facts, rules: rules)
        #expect(diagnosis.rule == "first")
        #expect(diagnosis.evidence == ["first saw it"])
        #expect(diagnosis.alternatives.map(\.cause) == ["first second", "second cause."])
        // The later rule is certain on its own, but less sure than the likely winner here.
        #expect(diagnosis.alternatives.last?.confidence == .possible)
        #expect(diagnosis.alternatives.last?.rule == "second")
        #expect(diagnosis.title == "Windows error 691 (ERROR_AUTHENTICATION_FAILURE): first headline")
    }

    @Test func fallbackWinsOnlyAlone() {
        let rules = [Self.rule("silent", 600, .certain, fires: false),
                     Self.rule("catch-all", nil, .possible, fires: true, fallback: true)]
        let diagnosis = Diagnoser.diagnose(Self.facts, rules: rules)
        #expect(diagnosis.rule == "catch-all")
        #expect(diagnosis.title == "Catch-all headline")
        #expect(Diagnoser.diagnose(Self.facts, rules: []).rule == "none")
    }
}
