import Evidence
import Foundation
import Jobs
import NPS
import Profiles
import RADIUS
import Reports
import Testing

/// `doctor`'s plan without sockets: observations in, the next probe and the findings out. Each scenario answers
/// the probes the way a lab server would (the responders below) and checks the order of the probes, that the
/// plan stops by itself, and the top finding with its fix.
struct DoctorPlanTests {
    typealias Responder = (DoctorProbe) -> DoctorObservation

    /// Runs the plan to its end (at most 64 probes: a plan that does not stop fails the test).
    static func drive(_ context: DoctorContext, _ respond: Responder) throws -> (probes: [DoctorProbe],
                                                                                findings: [DoctorFinding]) {
        var plan = DoctorPlan(context)
        var action = plan.start()
        var probes: [DoctorProbe] = []
        while case .run(let probe) = action {
            probes.append(probe)
            try #require(probes.count <= 64, "the plan did not stop")
            action = plan.received(respond(probe))
        }
        guard case .finished(let findings) = action else { throw PlanDidNotFinish() }
        #expect(findings == plan.findings())
        return (probes, findings)
    }

    struct PlanDidNotFinish: Error {}

    static let accepted = DoctorObservation(outcome: .accept, answeredRoundTrips: 8, rule: "accepted",
                                            confidence: .certain, tlsVersion: "1.2", resumptionOffered: true,
                                            resumed: false, cryptoBinding: nil)

    /// A healthy server: signs, enforces Message-Authenticator, everything passes.
    static func healthy(_ probe: DoctorProbe) -> DoctorObservation {
        switch probe.step {
        case .unsignedRequest, .proxyStateUnsigned:
            return DoctorObservation(outcome: .timeout, rule: "timeout-no-reply", unansweredRequest: 120)
        case .resumption:
            var observed = accepted
            observed.resumed = true
            return observed
        default:
            var observed = accepted
            if probe.method.isPEAP { observed.cryptoBinding = "verified" }
            return observed
        }
    }

    static let tlsContext = DoctorContext(method: .eapTLS, otherMethods: [.peapTLS, .peapMSCHAPv2])

    @Test func healthyServerHasNoProblemAndThePlanIsBounded() throws {
        let (probes, findings) = try Self.drive(Self.tlsContext, Self.healthy)
        #expect(probes.map(\.key) == [
            "status_server", "baseline", "unsigned_request", "proxy_state_signed", "tls_version:1.3", "resumption",
            "method:peap-tls", "method:peap-mschapv2", "crypto_binding_required", "crypto_binding_disabled",
            "persistence:1", "persistence:2", "persistence:3", "persistence:4",
        ])
        #expect(findings.filter { $0.severity < .info }.isEmpty, "\(findings.map(\.kind))")
        // Unsigned probes go without Message-Authenticator; persistence runs each from a new port and station.
        #expect(probes.first { $0.step == .unsignedRequest }?.unsignedRequest == true)
        let runs = probes.filter { $0.step == .persistence }
        #expect(runs.allSatisfy { $0.freshSourcePort })
        #expect(Set(runs.compactMap(\.callingStationId)).count == 4)
    }

    /// The small-path relay: requests over ~1000 bytes are lost; 600-byte fragments pass.
    @Test func pathDroppingLargeDatagramsIsThePathMTUFindingWithTheFragmentSizeThatPassed() throws {
        let (probes, findings) = try Self.drive(Self.tlsContext) { probe in
            let size = probe.fragmentSize ?? 1398
            if probe.method.usesTLS, size > 700, probe.step != .statusServer {
                return DoctorObservation(outcome: .timeout, answeredRoundTrips: 4, rule: "timeout-fragments-dropped",
                                         largestAnsweredRequest: 400, unansweredRequest: size + 130)
            }
            return Self.healthy(probe)
        }
        #expect(Array(probes.map(\.key).prefix(5)) == [
            "status_server", "baseline", "fragment_size:1200", "fragment_size:1000", "fragment_size:600",
        ])
        // Every later TLS probe uses the size that passed.
        #expect(probes.dropFirst(5).filter(\.method.usesTLS).allSatisfy { $0.fragmentSize == 600 })
        let top = try #require(findings.first)
        #expect(top.kind == .pathMTU)
        #expect(top.confidence == .certain)
        #expect(top.values["fragment"] == "600")
        #expect(top.fix.contains("--fragment-size 600"))
        #expect(top.fix.contains("Framed-MTU 600"))
        #expect(!findings.contains { $0.kind == .authenticationFails })
    }

    @Test func noFragmentSizePassing() throws {
        let (probes, findings) = try Self.drive(DoctorContext(method: .eapTLS)) { probe in
            probe.step == .statusServer ? Self.accepted
                : DoctorObservation(outcome: .timeout, answeredRoundTrips: 3, rule: "timeout-fragments-dropped",
                                    unansweredRequest: 700)
        }
        #expect(probes.filter { $0.step == .fragmentSize }.count == 3)
        #expect(findings.first?.kind == .pathMTUNoSizePasses)
    }

    /// The forgetful balancer: every follow-up carrying State reaches a server that does not know it.
    @Test func balancerWithoutPersistenceIsTheNoPersistenceFinding() throws {
        let (probes, findings) = try Self.drive(Self.tlsContext) { probe in
            switch probe.step {
            case .statusServer: return Self.accepted
            case .unsignedRequest: return DoctorObservation(outcome: .timeout, rule: "timeout-no-reply")
            default:
                return DoctorObservation(outcome: .reject, answeredRoundTrips: 2, rule: "reject-lost-conversation",
                                         diagnosisTitle: "The server lost the conversation", confidence: .likely)
            }
        }
        #expect(probes.filter { $0.step == .persistence }.count == 4)
        #expect(!probes.contains { $0.step == .fragmentSize }, "a completed conversation needs no MTU probe")
        let top = try #require(findings.first)
        #expect(top.kind == .noPersistence)
        #expect(top.confidence == .certain)
        #expect(top.fix.contains("persistence"))
        #expect(!findings.contains { $0.kind == .methodNotAllowed })
    }

    /// The policy server: PEAP only, an EAP-TLS client is refused after its NAK.
    @Test func serverAllowingOneMethodIsTheMethodNotAllowedFinding() throws {
        let (_, findings) = try Self.drive(Self.tlsContext) { probe in
            if probe.method == .eapTLS, probe.step != .statusServer {
                return DoctorObservation(outcome: .reject, answeredRoundTrips: 2, rule: "method-refused",
                                         diagnosisTitle: "Windows error 812", confidence: .likely, windowsError: 812)
            }
            return Self.healthy(probe)
        }
        let top = try #require(findings.first)
        #expect(top.kind == .methodNotAllowed)
        #expect(top.values["refused"] == "eap-tls")
        #expect(top.values["allowed"] == "peap-tls, peap-mschapv2")
        #expect(top.windowsError == 812)
        #expect(top.fix.contains("Authentication Methods"))
    }

    /// A certificate refused after the handshake, while a password method passes: not policy.
    @Test func certificateRefusedIsToldApartFromPolicy() throws {
        let (_, findings) = try Self.drive(Self.tlsContext) { probe in
            if probe.method != .peapMSCHAPv2, probe.step != .statusServer, probe.step != .unsignedRequest {
                return DoctorObservation(outcome: .reject, answeredRoundTrips: 7, rule: "client-cert-refused",
                                         diagnosisTitle: "Windows error 853", diagnosisFix: "Reissue it",
                                         confidence: .likely, windowsError: 853, tlsCompleted: true)
            }
            return Self.healthy(probe)
        }
        let top = try #require(findings.first)
        #expect(top.kind == .certificateRefused)
        #expect(top.fix == "Reissue it")
        #expect(!findings.contains { $0.kind == .methodNotAllowed })
    }

    /// Stock FreeRADIUS 3.2.1: PAP replies without Message-Authenticator, unsigned requests answered.
    @Test func serverSigningNothingIsTheUnsignedRepliesFinding() throws {
        let (probes, findings) = try Self.drive(DoctorContext(method: .pap)) { probe in
            switch probe.step {
            case .statusServer: return DoctorObservation(outcome: .accept, answeredRoundTrips: 1)
            case _ where !probe.acceptUnsignedReplies:
                return DoctorObservation(outcome: .timeout, unsignedReplies: 2, rule: "timeout")
            default: return DoctorObservation(outcome: .accept, answeredRoundTrips: 1, rule: "accepted")
            }
        }
        #expect(Array(probes.map(\.key).prefix(3)) == ["status_server", "baseline", "baseline:accepting_unsigned"])
        #expect(probes.dropFirst(2).allSatisfy { $0.acceptUnsignedReplies })
        let kinds = findings.map(\.kind)
        #expect(kinds.first == .unsignedReplies)
        #expect(kinds.contains(.requestSigningNotRequired))
        #expect(kinds.contains(.proxyStateNotLimited))
        #expect(findings.first?.fix.contains("--no-require-message-authenticator") == true)
        #expect(!probes.contains { $0.step == .fragmentSize || $0.step == .tlsVersion }, "PAP has no TLS")
    }

    @Test func silenceEverywhereStopsAfterTwoProbes() throws {
        let (probes, findings) = try Self.drive(Self.tlsContext) { _ in
            DoctorObservation(outcome: .timeout, rule: "timeout-no-reply")
        }
        #expect(probes.map(\.key) == ["status_server", "baseline"])
        #expect(findings.map(\.kind) == [.serverSilent])
        #expect(findings[0].events == [13, 14, 17])
    }

    @Test func repliesFailingVerificationAreTheSharedSecret() throws {
        let (probes, findings) = try Self.drive(DoctorContext(method: .pap)) { _ in
            DoctorObservation(outcome: .timeout, badSignatureReplies: 3, rule: "timeout-wrong-secret")
        }
        #expect(probes.count == 2)
        #expect(findings.map(\.kind) == [.repliesFailVerification])
        #expect(findings[0].confidence == .certain)
    }

    @Test func closedPortStopsAtOnce() throws {
        let (probes, findings) = try Self.drive(DoctorContext(method: .pap)) { _ in
            DoctorObservation(outcome: .timeout, portClosed: true, rule: "timeout-port-closed")
        }
        #expect(probes.count == 2)
        #expect(findings.map(\.kind) == [.portClosed])
    }

    @Test func someRepeatedConversationsFailingIsIntermittent() throws {
        let (_, findings) = try Self.drive(DoctorContext(method: .pap)) { probe in
            if probe.step == .persistence, (probe.attempt ?? 0) % 2 == 0 {
                return DoctorObservation(outcome: .reject, answeredRoundTrips: 1, rule: "password-reject",
                                         replyFrom: "10.0.0.2:1812")
            }
            if probe.step == .unsignedRequest || probe.step == .proxyStateUnsigned {
                return DoctorObservation(outcome: .timeout)
            }
            return DoctorObservation(outcome: .accept, answeredRoundTrips: 1, rule: "accepted",
                                     replyFrom: "10.0.0.1:1812")
        }
        #expect(findings.first?.kind == .intermittentFailures)
        #expect(findings.first?.values["failed"] == "2")
        #expect(findings.contains { $0.kind == .severalNodes })
    }

    /// The node hook (a Class decoder) wins over the reply's source address.
    @Test func nodesFromTheHookAreCounted() throws {
        let (_, findings) = try Self.drive(DoctorContext(method: .pap, persistenceRuns: 3)) { probe in
            var observed = DoctorObservation(outcome: .accept, answeredRoundTrips: 1, rule: "accepted",
                                             replyFrom: "10.0.0.9:1812")
            if probe.step == .unsignedRequest || probe.step == .proxyStateUnsigned { observed.outcome = .timeout }
            observed.node = probe.attempt.map { "nps\($0 % 2)" }
            return observed
        }
        let nodes = try #require(findings.first { $0.kind == .severalNodes })
        #expect(nodes.values["count"] == "2")
        #expect(nodes.severity == .info)
    }

    @Test func tlsVersionAndResumptionFindings() throws {
        let (_, findings) = try Self.drive(DoctorContext(method: .eapTLS)) { probe in
            switch probe.step {
            case .tlsVersion: return DoctorObservation(outcome: .reject, answeredRoundTrips: 3, rule: "tls-alert-other")
            case .resumption:
                var observed = Self.accepted
                observed.resumptionOffered = false
                return observed
            default: return Self.healthy(probe)
            }
        }
        let kinds = findings.map(\.kind)
        #expect(kinds.contains(.tlsVersionUnsupported))
        #expect(kinds.contains(.resumptionNotOffered))
        #expect(findings.first { $0.kind == .tlsVersionUnsupported }?.values["version"] == "1.3")
    }

    @Test func cryptoBindingAbsentWhenRequiredFails() throws {
        let (_, findings) = try Self.drive(DoctorContext(method: .peapMSCHAPv2)) { probe in
            probe.step == .cryptoBindingRequired
                ? DoctorObservation(outcome: .reject, answeredRoundTrips: 9, rule: "crypto-binding-required",
                                    cryptoBinding: "absent")
                : Self.healthy(probe)
        }
        #expect(findings.first?.kind == .cryptoBindingAbsent)
    }

    @Test func anUnexplainedFailureIsReportedWithItsDiagnosis() throws {
        let (_, findings) = try Self.drive(DoctorContext(method: .pap)) { probe in
            probe.step == .statusServer || probe.step == .unsignedRequest
                ? DoctorObservation(outcome: .timeout)
                : DoctorObservation(outcome: .reject, answeredRoundTrips: 1, rule: "password-reject",
                                    diagnosisTitle: "Windows error 691", diagnosisFix: "Check the password",
                                    confidence: .likely, windowsError: 691)
        }
        let top = try #require(findings.first)
        #expect(top.kind == .authenticationFails)
        #expect(top.title == "pap fails: Windows error 691")
        #expect(top.fix == "Check the password")
        #expect(top.windowsError == 691)
    }

    // MARK: The catalogue and the ranking

    @Test func everyKindHasOneRowWithWords() {
        for kind in DoctorFindingKind.allCases {
            let rows = DoctorFindingInfo.catalogue.filter { $0.kind == kind }
            #expect(rows.count == 1, "\(kind)")
            #expect(rows.first.map { !$0.title.isEmpty && !$0.meaning.isEmpty && !$0.fix.isEmpty } == true)
            for event in rows.first?.events ?? [] {
                #expect(NPSKnowledge.event(event) != nil, "\(kind): event \(event) is not in the event catalogue")
            }
        }
    }

    @Test func rankingIsSeverityThenConfidenceThenCatalogueOrder() {
        let findings = [
            DoctorFinding(.severalNodes, confidence: .certain, evidence: [], probes: []),
            DoctorFinding(.requestSigningNotRequired, confidence: .certain, evidence: [], probes: []),
            DoctorFinding(.noPersistence, confidence: .likely, evidence: [], probes: []),
            DoctorFinding(.pathMTU, confidence: .likely, evidence: [], probes: []),
            DoctorFinding(.methodNotAllowed, confidence: .certain, evidence: [], probes: []),
        ]
        #expect(DoctorFinding.ranked(findings).map(\.kind) == [
            .methodNotAllowed, .pathMTU, .noPersistence, .requestSigningNotRequired, .severalNodes,
        ])
    }

    // MARK: The edge's pure parts

    @Test func unsignedAndBadSignatureRepliesAreCountedFromTheEvidence() {
        let trip = RoundTripEvidence(
            server: "127.0.0.1:1812", requestCode: .accessRequest, identifier: 1, requestSize: 90,
            requestHadState: false, transmissions: 2, latencyMilliseconds: 3000,
            discarded: [
                DiscardedDatagram(from: "127.0.0.1:1812", size: 20, code: .messageAuthenticatorMissing, reason: "x"),
                DiscardedDatagram(from: "127.0.0.1:1812", size: 20, code: .messageAuthenticatorMissing, reason: "x"),
            ], source: "127.0.0.1:40000")
        let evidence = ConversationEvidence(
            outcome: .timeout, method: "pap", identity: "alice", server: "127.0.0.1:1812", roundTrips: [trip])
        let observed = DoctorObservation(evidence: evidence, diagnosis: Diagnoser.diagnose(evidence))
        #expect(observed.unsignedReplies == 2)
        #expect(observed.badSignatureReplies == 0)
        #expect(observed.answeredRoundTrips == 0)
        #expect(observed.serverAnswered)
        #expect(observed.unansweredRequest == 90)
        #expect(observed.source == "127.0.0.1:40000")
    }

    @Test func probeSettingsChangeOnlyWhatTheProbeSaysAndAreBounded() {
        var settings = AuthSettings(servers: ["127.0.0.1:1812"], secret: .literal("s"), timeout: 5, retries: 4,
                                    method: .eapTLS, identity: "alice", fragmentSize: 1398)
        settings.accounting = .init(enabled: true)
        let runner = DoctorRunner(settings: settings, dictionary: RADIUSDictionary())
        var probe = DoctorProbe(.persistence, method: .peapMSCHAPv2, fragmentSize: 600, tlsVersion: "1.3",
                                proxyState: true, acceptUnsignedReplies: true, cryptoBinding: .required,
                                callingStationId: "00-00-5E-00-53-01")
        probe.attempt = 1
        let changed = runner.settings(for: probe)
        #expect(changed.servers == settings.servers)
        #expect(changed.identity == "alice")
        #expect(changed.method == .peapMSCHAPv2)
        #expect(changed.timeout == 1.5)
        #expect(changed.retries == 1)
        #expect(changed.accounting == nil)
        #expect(changed.requireMessageAuthenticator == false)
        #expect(changed.fragmentSize == 600)
        #expect(changed.tls?.minVersion == "1.3" && changed.tls?.maxVersion == "1.3")
        #expect(changed.proxyStates == ["npsprobe-doctor"])
        #expect(changed.peap?.cryptoBinding == .required)
        #expect(changed.nas?.callingStationId == "00-00-5E-00-53-01")
        // The baseline changes nothing but the bounds.
        let baseline = runner.settings(for: DoctorProbe(.baseline, method: .eapTLS))
        #expect(baseline.requireMessageAuthenticator == nil)
        #expect(baseline.proxyStates == nil)
        #expect(baseline.fragmentSize == 1398)
    }

    @Test func methodsTheCredentialsAllow() {
        let tls = AuthSettings.TLS(certificate: "/c.pem", ca: ["/ca.pem"])
        #expect(DoctorContext.methods(allowedBy: AuthSettings(method: .eapTLS, password: .literal("p"), tls: tls))
                == [.eapTLS, .peapTLS, .peapMSCHAPv2])
        #expect(DoctorContext.methods(allowedBy: AuthSettings(method: .pap, password: .literal("p"))) == [.pap])
        #expect(DoctorContext.methods(allowedBy: AuthSettings(method: .eapTLS, tls: .init(certificate: "/c.pem")))
                == [.eapTLS], "no way to check the server: no other TLS method is tried")
    }

    // MARK: The reports

    @Test func reportsPutTheTopFindingFirstAndKeepSnakeCaseNames() throws {
        var plan = DoctorPlan(DoctorContext(method: .eapTLS))
        var action = plan.start()
        while case .run(let probe) = action {
            let size = probe.fragmentSize ?? 1398
            action = plan.received(probe.step != .statusServer && size > 700
                ? DoctorObservation(outcome: .timeout, answeredRoundTrips: 4, rule: "timeout-fragments-dropped",
                                    unansweredRequest: size + 100)
                : Self.healthy(probe))
        }
        let run = DoctorRun(context: plan.context, probes: plan.results, findings: plan.findings(),
                            elapsed: .seconds(3))
        #expect(run.hasProblems)
        let text = DoctorText.render(run, servers: ["10.0.0.1:1812"])
        let lines = text.split(separator: "\n").map(String.init)
        let header = "npsprobe doctor: 10.0.0.1:1812, eap-tls — 1 problem found"
        #expect(lines.first?.hasPrefix(header) == true, "\(text)")
        #expect(lines.dropFirst().first { !$0.isEmpty }?.hasPrefix("HIGH (certain): Large datagrams are lost") == true)
        #expect(text.contains("--fragment-size 600"))
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(try DoctorJSON(run: run, servers: ["10.0.0.1:1812"]).render().utf8)) as? [String: Any])
        #expect(json["ok"] as? Bool == false)
        #expect(json["duration_seconds"] as? Double == 3)
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.first?["kind"] as? String == "path_mtu")
        #expect(findings.first?["rank"] as? Int == 1)
        #expect((findings.first?["values"] as? [String: String])?["framed_mtu"] == "600")
        let probes = try #require(json["probes"] as? [[String: Any]])
        #expect(probes.first?["step"] as? String == "status_server")
        let observation = try #require(probes.first { $0["key"] as? String == "baseline" }?["observation"]
                                       as? [String: Any])
        #expect(observation["answered_round_trips"] as? Int == 4)
        #expect(observation["unanswered_request"] as? Int == 1498)
    }
}
