import Evidence
import NPS
import Profiles

/// One probe `doctor` runs: the profile's case with a few settings changed. Every probe stays inside what the
/// profile allows (its servers, its credentials); the changes are only the ones named here.
public struct DoctorProbe: Sendable, Hashable, Codable {
    /// What the probe is for; the raw values are the stable `step` of `doctor --json`.
    public enum Step: String, Sendable, Hashable, Codable, CaseIterable {
        /// Status-Server (RFC 5997): reachability and the secret without an account; NPS does not answer it.
        case statusServer = "status_server"
        /// The profile's case as it is (or accepting unsigned replies, when the first one showed them).
        case baseline
        /// The same request without Message-Authenticator: does the server enforce it (requireMsgAuth)?
        case unsignedRequest = "unsigned_request"
        /// Unsigned, with Proxy-State: limitProxyState (KB5040268, event 4418).
        case proxyStateUnsigned = "proxy_state_unsigned"
        /// Signed, with Proxy-State: a proxied request must still pass.
        case proxyStateSigned = "proxy_state_signed"
        /// EAP-TLS at one fragment size (path MTU, RFC 5216 §2.1.5).
        case fragmentSize = "fragment_size"
        /// TLS limited to one version.
        case tlsVersion = "tls_version"
        /// Two conversations, the second offering the first one's TLS session.
        case resumption
        /// Another method the credentials allow.
        case method
        /// PEAP requiring the Crypto-Binding TLV.
        case cryptoBindingRequired = "crypto_binding_required"
        /// PEAP never sending it.
        case cryptoBindingDisabled = "crypto_binding_disabled"
        /// One of several repeated conversations, each from its own source port and Calling-Station-Id.
        case persistence
    }

    public var step: Step
    public var method: AuthSettings.Method
    /// EAP-TLS fragment size; nil: the profile's.
    public var fragmentSize: Int?
    /// `1.2` or `1.3`: minimum and maximum TLS version; nil: the profile's.
    public var tlsVersion: String?
    public var unsignedRequest: Bool
    public var proxyState: Bool
    /// Accept replies without Message-Authenticator (after the baseline showed the server sends them).
    public var acceptUnsignedReplies: Bool
    public var cryptoBinding: AuthSettings.PEAP.CryptoBinding?
    public var resume: Bool
    public var callingStationId: String?
    /// Send from a socket of its own (a new source port).
    public var freshSourcePort: Bool
    /// The repetition (persistence), from 1.
    public var attempt: Int?

    public init(
        _ step: Step, method: AuthSettings.Method, fragmentSize: Int? = nil, tlsVersion: String? = nil,
        unsignedRequest: Bool = false, proxyState: Bool = false, acceptUnsignedReplies: Bool = false,
        cryptoBinding: AuthSettings.PEAP.CryptoBinding? = nil, resume: Bool = false, callingStationId: String? = nil,
        freshSourcePort: Bool = false, attempt: Int? = nil
    ) {
        self.step = step
        self.method = method
        self.fragmentSize = fragmentSize
        self.tlsVersion = tlsVersion
        self.unsignedRequest = unsignedRequest
        self.proxyState = proxyState
        self.acceptUnsignedReplies = acceptUnsignedReplies
        self.cryptoBinding = cryptoBinding
        self.resume = resume
        self.callingStationId = callingStationId
        self.freshSourcePort = freshSourcePort
        self.attempt = attempt
    }

    /// `fragment_size:1000`, `method:peap-mschapv2`, `persistence:3`…: names the probe in findings' evidence.
    public var key: String {
        switch step {
        case .fragmentSize: return "fragment_size:\(fragmentSize ?? 0)"
        case .tlsVersion: return "tls_version:\(tlsVersion ?? "")"
        case .method: return "method:\(method.rawValue)"
        case .persistence: return "persistence:\(attempt ?? 0)"
        case .baseline where acceptUnsignedReplies: return "baseline:accepting_unsigned"
        default: return step.rawValue
        }
    }

    /// One line for a reader: what this probe changes.
    public var summary: String {
        var parts: [String] = [method.rawValue]
        if step == .statusServer { parts = ["Status-Server"] }
        if let fragmentSize { parts.append("fragment size \(fragmentSize)") }
        if let tlsVersion { parts.append("TLS \(tlsVersion) only") }
        if unsignedRequest { parts.append("without Message-Authenticator") }
        if proxyState { parts.append("with Proxy-State") }
        if acceptUnsignedReplies { parts.append("accepting unsigned replies") }
        if let cryptoBinding { parts.append("crypto-binding \(cryptoBinding.rawValue)") }
        if resume { parts.append("then resuming") }
        if let attempt { parts.append("run \(attempt) from a new port") }
        if let callingStationId { parts.append("station \(callingStationId)") }
        return parts.joined(separator: ", ")
    }
}

/// What one probe observed, reduced to what the plan decides on: plain data, built from a conversation's
/// evidence and diagnosis (``DoctorObservation/init(evidence:diagnosis:…)``) or written by hand in tests.
public struct DoctorObservation: Sendable, Hashable, Codable {
    public var outcome: ConversationEvidence.Outcome
    /// Verified replies received (round trips answered).
    public var answeredRoundTrips: Int
    /// Replies dropped for lacking Message-Authenticator.
    public var unsignedReplies: Int
    /// Replies dropped because an authenticator did not verify (the shared secret).
    public var badSignatureReplies: Int
    /// ICMP said nothing listens.
    public var portClosed: Bool
    /// The diagnosis rule that fired (`DiagnosisRules.all`) and its words.
    public var rule: String
    public var diagnosisTitle: String
    public var diagnosisCause: String
    public var diagnosisFix: String
    public var confidence: Diagnosis.Confidence
    public var windowsError: Int?
    /// The largest request that got a verified reply, and the request that got none (timeouts).
    public var largestAnsweredRequest: Int?
    public var unansweredRequest: Int?
    /// The TLS handshake: version, cipher, group chosen; the versions offered.
    public var tlsVersion: String?
    public var tlsCipher: String?
    public var tlsGroup: String?
    public var tlsOffered: String?
    /// The server sent its Finished (the handshake completed on both sides).
    public var tlsCompleted: Bool
    /// Resumption: the first conversation got a session to resume; the second resumed it.
    public var resumptionOffered: Bool?
    public var resumed: Bool
    /// PEAP's crypto-binding: `verified`, `absent`, `failed`, `declined`.
    public var cryptoBinding: String?
    /// Where the requests left from and the final reply came from.
    public var source: String?
    public var replyFrom: String?
    public var replyMessages: [String]
    /// Which server of a farm answered, from a decoder of its reply (the farm helper's NPS Class decoder plugs in
    /// through ``DoctorRunner/nodeIdentifier``); nil when none is known.
    public var node: String?

    public init(
        outcome: ConversationEvidence.Outcome, answeredRoundTrips: Int = 0, unsignedReplies: Int = 0,
        badSignatureReplies: Int = 0, portClosed: Bool = false, rule: String = "", diagnosisTitle: String = "",
        diagnosisCause: String = "", diagnosisFix: String = "", confidence: Diagnosis.Confidence = .possible,
        windowsError: Int? = nil, largestAnsweredRequest: Int? = nil, unansweredRequest: Int? = nil,
        tlsVersion: String? = nil, tlsCipher: String? = nil, tlsGroup: String? = nil, tlsOffered: String? = nil,
        tlsCompleted: Bool = false, resumptionOffered: Bool? = nil, resumed: Bool = false,
        cryptoBinding: String? = nil, source: String? = nil, replyFrom: String? = nil, replyMessages: [String] = [],
        node: String? = nil
    ) {
        self.outcome = outcome
        self.answeredRoundTrips = answeredRoundTrips
        self.unsignedReplies = unsignedReplies
        self.badSignatureReplies = badSignatureReplies
        self.portClosed = portClosed
        self.rule = rule
        self.diagnosisTitle = diagnosisTitle
        self.diagnosisCause = diagnosisCause
        self.diagnosisFix = diagnosisFix
        self.confidence = confidence
        self.windowsError = windowsError
        self.largestAnsweredRequest = largestAnsweredRequest
        self.unansweredRequest = unansweredRequest
        self.tlsVersion = tlsVersion
        self.tlsCipher = tlsCipher
        self.tlsGroup = tlsGroup
        self.tlsOffered = tlsOffered
        self.tlsCompleted = tlsCompleted
        self.resumptionOffered = resumptionOffered
        self.resumed = resumed
        self.cryptoBinding = cryptoBinding
        self.source = source
        self.replyFrom = replyFrom
        self.replyMessages = replyMessages
        self.node = node
    }

    /// The server answered something: a verified reply, or one we dropped (unsigned, another secret).
    public var serverAnswered: Bool { answeredRoundTrips > 0 || unsignedReplies > 0 || badSignatureReplies > 0 }
    /// The conversation ran to an answer (accepted or refused), not lost on the way.
    public var completed: Bool { outcome == .accept || outcome == .reject }
    /// A follow-up carrying the server's State was refused or dropped: the conversation was lost.
    public var lostConversation: Bool { DoctorRules.lostConversation.contains(rule) }
    /// Refused before the credentials were judged: method refused, policy, rejected at the identity.
    public var refusedByPolicy: Bool { DoctorRules.policyRefusal.contains(rule) }
    /// The client certificate was refused.
    public var certificateRefused: Bool { DoctorRules.certificateRefusal.contains(rule) }
    /// The request reached no server through its retransmissions although earlier, smaller ones did.
    public var lostLargeRequest: Bool {
        outcome == .timeout && answeredRoundTrips > 0 && !lostConversation
    }
}

/// The diagnosis rules the plan groups (ids of `DiagnosisRules.all`).
public enum DoctorRules {
    public static let lostConversation: Set<String> = ["reject-lost-conversation", "timeout-lost-conversation"]
    public static let policyRefusal: Set<String> = ["method-refused", "reject-before-method", "reject-policy-message"]
    public static let certificateRefusal: Set<String> = [
        "client-cert-expired-alert", "client-cert-revoked-alert", "client-cert-untrusted-alert",
        "client-cert-access-denied-alert", "revocation-check-failed", "client-cert-revoked", "client-cert-expired",
        "client-cert-not-yet-valid", "client-cert-no-client-auth", "client-cert-chain-incomplete",
        "client-cert-issuer-not-requested", "client-cert-not-strongly-mapped", "client-cert-not-mapped",
        "client-cert-refused",
    ]
}

/// A finding: what is wrong (or worth knowing), how sure, the evidence and the fix. Words come from
/// ``DoctorFindingInfo/catalogue``, filled with `values`.
public struct DoctorFinding: Sendable, Hashable, Codable {
    public var kind: DoctorFindingKind
    public var severity: DoctorSeverity
    public var confidence: Diagnosis.Confidence
    public var title: String
    public var meaning: String
    public var fix: String
    /// What was observed, one line each.
    public var evidence: [String]
    /// The probes the finding rests on (``DoctorProbe/key``).
    public var probes: [String]
    /// The typed values of the finding (`fragment_size`, `allowed`, `refused`…), as the text fills them in.
    public var values: [String: String]
    public var windowsError: Int?
    public var events: [Int]
    public var npsSettings: [String]

    public init(_ kind: DoctorFindingKind, confidence: Diagnosis.Confidence, evidence: [String], probes: [String],
                values: [String: String] = [:], windowsError: Int? = nil) {
        let info = DoctorFindingInfo.info(kind)
        self.kind = kind
        self.severity = info.severity
        self.confidence = confidence
        self.title = DoctorFindingInfo.fill(info.title, values)
        self.meaning = DoctorFindingInfo.fill(info.meaning, values)
        self.fix = DoctorFindingInfo.fill(info.fix, values)
        self.evidence = evidence
        self.probes = probes
        self.values = values
        self.windowsError = windowsError ?? info.windowsError
        self.events = info.events
        self.npsSettings = info.npsSettings
    }

    /// Worst first, then surest, then the catalogue's order.
    public static func ranked(_ findings: [DoctorFinding]) -> [DoctorFinding] {
        findings.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.severity != y.severity { return x.severity < y.severity }
            if x.confidence != y.confidence { return x.confidence < y.confidence }
            let (ox, oy) = (DoctorFindingInfo.order(x.kind), DoctorFindingInfo.order(y.kind))
            return ox != oy ? ox < oy : a.offset < b.offset
        }.map(\.element)
    }
}

/// What the plan knows before it starts: the profile's method, the other methods its credentials allow, and
/// the bounds of the probes.
public struct DoctorContext: Sendable, Hashable {
    public var method: AuthSettings.Method
    /// Methods the credentials allow besides `method` (EAP-TLS, PEAP-TLS with a certificate; PEAP-MSCHAPv2 with a
    /// password; each needs a way to check the server).
    public var otherMethods: [AuthSettings.Method]
    /// The profile's fragment size (default 1398).
    public var fragmentSize: Int
    /// The sizes the path-MTU probe tries, largest first.
    public var fragmentSizes: [Int]
    /// Repeated conversations of the persistence probe.
    public var persistenceRuns: Int

    public static let defaultFragmentSizes = [1398, 1200, 1000, 600]

    public init(method: AuthSettings.Method, otherMethods: [AuthSettings.Method] = [], fragmentSize: Int = 1398,
                fragmentSizes: [Int] = DoctorContext.defaultFragmentSizes, persistenceRuns: Int = 4) {
        self.method = method
        self.otherMethods = otherMethods.filter { $0 != method }
        self.fragmentSize = fragmentSize
        self.fragmentSizes = fragmentSizes
        self.persistenceRuns = persistenceRuns
    }

    /// The methods `settings` can run: its own first, then EAP-TLS and PEAP-TLS when it has a client certificate,
    /// PEAP-MSCHAPv2 when it has a password — each only with a way to check the server (CA or insecure).
    public static func methods(allowedBy settings: AuthSettings) -> [AuthSettings.Method] {
        var methods: [AuthSettings.Method] = settings.method.map { [$0] } ?? []
        let tls = settings.tls ?? .init()
        let checksServer = !(tls.ca ?? []).isEmpty || tls.insecure == true
        if checksServer, tls.certificate != nil || tls.pkcs12 != nil {
            methods += [.eapTLS, .peapTLS]
        }
        if checksServer, settings.password != nil { methods.append(.peapMSCHAPv2) }
        var seen: [AuthSettings.Method] = []
        for method in methods where !seen.contains(method) { seen.append(method) }
        return seen
    }
}

/// `doctor` as a value: each observation in, the next probe (or the findings) out. No I/O: ``DoctorRunner``
/// runs the probes; tests feed observations by hand.
public struct DoctorPlan: Sendable {
    public enum Action: Sendable, Hashable {
        case run(DoctorProbe)
        case finished([DoctorFinding])
    }

    public let context: DoctorContext
    /// Every probe run so far with what it observed, in order.
    public private(set) var results: [(probe: DoctorProbe, observation: DoctorObservation)] = []
    private var pending: DoctorProbe?

    public init(_ context: DoctorContext) { self.context = context }

    /// The first probe.
    public mutating func start() -> Action { decide() }

    /// Records what the pending probe observed and says what comes next.
    public mutating func received(_ observation: DoctorObservation) -> Action {
        guard let probe = pending else { return .finished(findings()) }
        results.append((probe, observation))
        pending = nil
        return decide()
    }

    private mutating func decide() -> Action {
        if let next = nextProbe() {
            pending = next
            return .run(next)
        }
        return .finished(findings())
    }

    // MARK: Which probe next

    private func result(_ key: String) -> DoctorObservation? { results.last { $0.probe.key == key }?.observation }
    private func done(_ key: String) -> Bool { results.contains { $0.probe.key == key } }

    /// The baseline the later probes compare with: the one accepting unsigned replies when it ran.
    var baseline: DoctorObservation? { result("baseline:accepting_unsigned") ?? result("baseline") }
    /// Unsigned replies were seen: the later probes accept them (the finding says so once).
    var acceptUnsigned: Bool {
        results.contains { $0.probe.step != .statusServer && $0.observation.unsignedReplies > 0 }
    }

    /// The first fragment size that passed, largest first; the baseline counts for its own size.
    var passingFragmentSize: Int? {
        for size in context.fragmentSizes {
            guard let observed = fragmentResult(size) else { return nil }
            if observed.completed { return size }
        }
        return nil
    }

    func fragmentResult(_ size: Int) -> DoctorObservation? {
        if size == context.fragmentSize, let baseline { return baseline }
        return result("fragment_size:\(size)")
    }

    /// The fragment size later TLS probes use: the one that passed, else the profile's.
    var workingFragmentSize: Int? {
        guard context.method.usesTLS || context.otherMethods.contains(where: \.usesTLS) else { return nil }
        return passingFragmentSize ?? context.fragmentSize
    }

    /// The accepted methods so far (baseline and method probes), in order.
    var acceptedMethods: [AuthSettings.Method] {
        var methods: [AuthSettings.Method] = []
        if baseline?.outcome == .accept || bestTLSResult?.outcome == .accept { methods.append(context.method) }
        for method in context.otherMethods where result("method:\(method.rawValue)")?.outcome == .accept {
            methods.append(method)
        }
        return methods
    }

    private func probe(_ step: DoctorProbe.Step, _ method: AuthSettings.Method? = nil) -> DoctorProbe {
        let method = method ?? context.method
        return DoctorProbe(step, method: method, fragmentSize: method.usesTLS ? workingFragmentSize : nil,
                           acceptUnsignedReplies: acceptUnsigned)
    }

    func nextProbe() -> DoctorProbe? {
        // 1. Reachability and secret.
        if !done("status_server") { return DoctorProbe(.statusServer, method: context.method) }
        if !done("baseline") { return DoctorProbe(.baseline, method: context.method) }
        guard let first = result("baseline"), let status = result("status_server") else { return nil }
        if first.unsignedReplies > 0, first.answeredRoundTrips == 0, !done("baseline:accepting_unsigned") {
            return DoctorProbe(.baseline, method: context.method, acceptUnsignedReplies: true)
        }
        guard let baseline, !first.portClosed else { return nil }
        // Silence everywhere, or only replies that fail verification: nothing further can be learned.
        guard baseline.answeredRoundTrips > 0 || status.answeredRoundTrips > 0 else { return nil }

        // 2. Path MTU: the same EAP-TLS conversation, largest fragments first, until one passes.
        if context.method.usesTLS {
            for size in context.fragmentSizes {
                guard let observed = fragmentResult(size) else {
                    var next = probe(.fragmentSize)
                    next.fragmentSize = size
                    return next
                }
                if observed.completed { break }
            }
        }

        // 3. BlastRADIUS posture, at the working fragment size.
        if !done("unsigned_request") {
            var next = probe(.unsignedRequest)
            next.unsignedRequest = true
            return next
        }
        if result("unsigned_request")?.serverAnswered == true, !done("proxy_state_unsigned") {
            var next = probe(.proxyStateUnsigned)
            next.unsignedRequest = true
            next.proxyState = true
            return next
        }
        if !done("proxy_state_signed") {
            var next = probe(.proxyStateSigned)
            next.proxyState = true
            return next
        }

        // 4. TLS: the other version, and resumption, once a TLS conversation was accepted.
        if context.method.usesTLS, let best = bestTLSResult, best.outcome == .accept {
            let other = best.tlsVersion == "1.3" ? "1.2" : "1.3"
            if !done("tls_version:\(other)") {
                var next = probe(.tlsVersion)
                next.tlsVersion = other
                return next
            }
            if !done("resumption") {
                var next = probe(.resumption)
                next.resume = true
                return next
            }
        }

        // 5. Method and policy: every other method the credentials allow.
        for method in context.otherMethods where !done("method:\(method.rawValue)") {
            return probe(.method, method)
        }
        if let peap = acceptedMethods.first(where: \.isPEAP) {
            if !done("crypto_binding_required") {
                var next = probe(.cryptoBindingRequired, peap)
                next.cryptoBinding = .required
                return next
            }
            if !done("crypto_binding_disabled") {
                var next = probe(.cryptoBindingDisabled, peap)
                next.cryptoBinding = .disabled
                return next
            }
        }

        // 6. Persistence: repeated conversations, each from a new source port and Calling-Station-Id.
        let method = acceptedMethods.first ?? context.method
        for attempt in 1...max(1, context.persistenceRuns) where !done("persistence:\(attempt)") {
            var next = probe(.persistence, method)
            next.attempt = attempt
            next.freshSourcePort = true
            next.callingStationId = DoctorPlan.callingStationId(attempt)
            return next
        }
        return nil
    }

    /// The accepted TLS result at the working fragment size (the baseline, or the passing fragment probe).
    var bestTLSResult: DoctorObservation? {
        guard let size = passingFragmentSize else { return nil }
        return fragmentResult(size)
    }

    // MARK: Findings

    /// What the results so far show, ranked.
    public func findings() -> [DoctorFinding] {
        var out: [DoctorFinding] = []
        guard let first = result("baseline") else { return [] }
        let baseline = self.baseline ?? first

        // Reachability and secret.
        if first.portClosed {
            return [DoctorFinding(.portClosed, confidence: .certain, evidence: [
                "the baseline \(context.method.rawValue) request got ICMP port unreachable",
            ], probes: ["baseline"], values: ["server": first.replyFrom ?? "the server"])]
        }
        let verified = results.contains { $0.observation.answeredRoundTrips > 0 }
        let badSignatures = results.map(\.observation.badSignatureReplies).reduce(0, +)
        if !verified, badSignatures > 0 {
            return [DoctorFinding(.repliesFailVerification, confidence: .certain, evidence: [
                "\(badSignatures) replies dropped: their authenticator does not verify with our shared secret",
            ], probes: ["status_server", "baseline"], values: ["source": first.source ?? "this host"])]
        }
        if !verified, !results.contains(where: { $0.observation.serverAnswered }) {
            return [DoctorFinding(.serverSilent, confidence: .likely, evidence: [
                "Status-Server: no answer", "\(context.method.rawValue): no answer through every retransmission",
            ], probes: ["status_server", "baseline"],
               values: ["server": first.replyFrom ?? "the server", "source": first.source ?? "this host"])]
        }
        let unsigned = results.filter { $0.probe.step != .statusServer && $0.observation.unsignedReplies > 0 }
        if !unsigned.isEmpty {
            var evidence = unsigned.map {
                "\($0.probe.summary): \($0.observation.unsignedReplies) replies without Message-Authenticator dropped"
            }
            if let accepting = result("baseline:accepting_unsigned") {
                evidence.append("accepting unsigned replies, the same case ends: \(accepting.outcome.rawValue)")
            }
            out.append(DoctorFinding(.unsignedReplies, confidence: .certain, evidence: evidence,
                                     probes: unsigned.map(\.probe.key)))
        }

        // BlastRADIUS posture.
        if let unsignedRequest = result("unsigned_request"), unsignedRequest.serverAnswered {
            out.append(DoctorFinding(.requestSigningNotRequired, confidence: .certain, evidence: [
                "an Access-Request without Message-Authenticator was answered (\(unsignedRequest.outcome.rawValue))",
            ], probes: ["unsigned_request"]))
            if let proxied = result("proxy_state_unsigned"), proxied.serverAnswered {
                out.append(DoctorFinding(.proxyStateNotLimited, confidence: .certain, evidence: [
                    "an unsigned Access-Request with Proxy-State was answered (\(proxied.outcome.rawValue))",
                ], probes: ["proxy_state_unsigned"]))
            }
        }
        if let unsignedRequest = result("unsigned_request"), !unsignedRequest.serverAnswered,
           baseline.answeredRoundTrips > 0, unsigned.isEmpty {
            out.append(DoctorFinding(.messageAuthenticatorEnforced, confidence: .certain, evidence: [
                "without Message-Authenticator: no answer; signed: \(baseline.answeredRoundTrips) signed replies",
            ], probes: ["unsigned_request", "baseline"]))
        }
        if let signed = result("proxy_state_signed"), !signed.serverAnswered, baseline.serverAnswered {
            out.append(DoctorFinding(.signedProxyStateDropped, confidence: .likely, evidence: [
                "the baseline was answered; the same request with Proxy-State was not",
            ], probes: ["baseline", "proxy_state_signed"]))
        }

        // Path MTU.
        if context.method.usesTLS {
            let tried = context.fragmentSizes.compactMap { size in fragmentResult(size).map { (size, $0) } }
            let failed = tried.filter { !$0.1.completed }
            if let passing = passingFragmentSize, !failed.isEmpty {
                let lost = failed.compactMap(\.1.unansweredRequest).min()
                let answered = tried.first { $0.0 == passing }?.1.largestAnsweredRequest
                var evidence = failed.map { size, observed in
                    "fragment size \(size): \(observed.outcome.rawValue)"
                        + (observed.unansweredRequest.map { " (a \($0)-byte request got no answer)" } ?? "")
                }
                evidence.append("fragment size \(passing): passed"
                                + (answered.map { " (requests up to \($0) bytes answered)" } ?? ""))
                out.append(DoctorFinding(
                    .pathMTU, confidence: failed.allSatisfy(\.1.lostLargeRequest) ? .certain : .likely,
                    evidence: evidence, probes: tried.map { "fragment_size:\($0.0)" },
                    values: ["fragment": "\(passing)", "framed_mtu": "\(passing)",
                             "limit": "\(answered ?? passing)", "lost": lost.map(String.init) ?? ""]))
            } else if passingFragmentSize == nil, tried.count == context.fragmentSizes.count,
                      tried.contains(where: { $0.1.lostLargeRequest }) {
                out.append(DoctorFinding(
                    .pathMTUNoSizePasses, confidence: .likely,
                    evidence: tried.map { "fragment size \($0.0): \($0.1.outcome.rawValue)" },
                    probes: tried.map { "fragment_size:\($0.0)" },
                    values: ["sizes": context.fragmentSizes.map(String.init).joined(separator: ", ")]))
            }
        }

        // Persistence: conversations lost on a follow-up that carried the server's State.
        let conversations = results.filter { $0.probe.step != .statusServer && $0.probe.step != .unsignedRequest
            && $0.probe.step != .proxyStateUnsigned }
        let lost = conversations.filter { $0.observation.lostConversation }
        if !lost.isEmpty {
            let runs = results.filter { $0.probe.step == .persistence }
            let allRunsLost = !runs.isEmpty && runs.allSatisfy { $0.observation.lostConversation }
            out.append(DoctorFinding(
                .noPersistence, confidence: allRunsLost && lost.count >= 2 ? .certain : .likely,
                evidence: lost.map { "\($0.probe.summary): \($0.observation.diagnosisTitle)" },
                probes: lost.map(\.probe.key),
                values: ["failed": "\(lost.count)", "total": "\(conversations.count)"]))
        } else {
            let runs = results.filter { $0.probe.step == .persistence }
            let failed = runs.filter { $0.observation.outcome != .accept }
            if !failed.isEmpty, failed.count < runs.count {
                out.append(DoctorFinding(
                    .intermittentFailures, confidence: .likely,
                    evidence: runs.map { "\($0.probe.summary): \($0.observation.outcome.rawValue)"
                        + ($0.observation.replyFrom.map { " from \($0)" } ?? "") },
                    probes: runs.map(\.probe.key),
                    values: ["failed": "\(failed.count)", "total": "\(runs.count)"]))
            }
            let nodes = Set(runs.compactMap { run -> String? in
                run.observation.node ?? run.observation.replyFrom })
            if nodes.count > 1 {
                out.append(DoctorFinding(
                    .severalNodes, confidence: .certain,
                    evidence: runs.map { run in
                        "\(run.probe.summary): \(run.observation.node ?? run.observation.replyFrom ?? "?")"
                    },
                    probes: runs.map(\.probe.key),
                    values: ["count": "\(nodes.count)", "nodes": nodes.sorted().joined(separator: ", ")]))
            }
        }

        // Method and policy.
        let methodResults = [(context.method, baseline)] + context.otherMethods.compactMap { method in
            result("method:\(method.rawValue)").map { (method, $0) }
        }
        let accepted = methodResults.filter { $0.1.outcome == .accept }.map(\.0)
        if let allowed = accepted.first {
            let names = accepted.map(\.rawValue).joined(separator: ", ")
            for (method, observed) in methodResults where observed.refusedByPolicy {
                out.append(DoctorFinding(
                    .methodNotAllowed, confidence: observed.rule == "method-refused" ? .certain : .likely,
                    evidence: ["\(method.rawValue): \(observed.diagnosisTitle)", "\(names): accepted"],
                    probes: [method == context.method ? "baseline" : "method:\(method.rawValue)",
                             allowed == context.method ? "baseline" : "method:\(allowed.rawValue)"],
                    values: ["allowed": names, "refused": method.rawValue], windowsError: 812))
            }
            for (method, observed) in methodResults where observed.certificateRefused {
                out.append(DoctorFinding(
                    .certificateRefused, confidence: observed.confidence,
                    evidence: ["\(method.rawValue): \(observed.diagnosisTitle)", "\(names): accepted"],
                    probes: [method == context.method ? "baseline" : "method:\(method.rawValue)"],
                    values: ["allowed": names, "refused": method.rawValue, "diagnosis_fix": observed.diagnosisFix],
                    windowsError: observed.windowsError))
            }
        }
        if let required = result("crypto_binding_required"), required.outcome != .accept {
            out.append(DoctorFinding(.cryptoBindingAbsent, confidence: .likely, evidence: [
                "requiring crypto-binding: \(required.outcome.rawValue) "
                    + "(crypto-binding \(required.cryptoBinding ?? "?"))",
            ], probes: ["crypto_binding_required"]))
        }
        if let disabled = result("crypto_binding_disabled"), disabled.outcome != .accept {
            out.append(DoctorFinding(.cryptoBindingRequired, confidence: .likely, evidence: [
                "with crypto-binding disabled: \(disabled.outcome.rawValue)",
            ], probes: ["crypto_binding_disabled"]))
        }

        // TLS.
        for version in ["1.2", "1.3"] {
            if let observed = result("tls_version:\(version)"), observed.outcome != .accept {
                out.append(DoctorFinding(.tlsVersionUnsupported, confidence: .likely, evidence: [
                    "TLS \(version) only: \(observed.diagnosisTitle)",
                    "TLS \(bestTLSResult?.tlsVersion ?? "?"): accepted",
                ], probes: ["tls_version:\(version)"], values: ["version": version, "method": context.method.rawValue]))
            }
        }
        if let resumption = result("resumption"), resumption.outcome == .accept {
            if resumption.resumptionOffered == false {
                out.append(DoctorFinding(.resumptionNotOffered, confidence: .certain, evidence: [
                    "the accepted conversation left no TLS session to resume",
                ], probes: ["resumption"]))
            } else if !resumption.resumed {
                out.append(DoctorFinding(.resumptionNotUsed, confidence: .likely, evidence: [
                    "the second conversation offered the saved session and got a full handshake",
                ], probes: ["resumption"]))
            }
        }

        // The case itself still fails and nothing above says why.
        let explained = out.contains { $0.severity <= .high }
        if baseline.outcome != .accept, !explained {
            out.append(DoctorFinding(
                .authenticationFails, confidence: baseline.confidence,
                evidence: ["\(context.method.rawValue): \(baseline.diagnosisTitle)"], probes: ["baseline"],
                values: ["method": context.method.rawValue, "diagnosis_title": baseline.diagnosisTitle,
                         "diagnosis_cause": baseline.diagnosisCause, "diagnosis_fix": baseline.diagnosisFix],
                windowsError: baseline.windowsError))
        }
        return DoctorFinding.ranked(out)
    }
}

extension DoctorPlan {
    /// A documentation MAC address (RFC 7042 §2.1.2) as a Calling-Station-Id, one per repetition.
    public static func callingStationId(_ attempt: Int) -> String {
        let low = String(attempt % 256, radix: 16, uppercase: true)
        return "00-00-5E-00-53-" + (low.count == 1 ? "0" + low : low)
    }
}
