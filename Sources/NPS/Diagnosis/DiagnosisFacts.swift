import Evidence
import EAP
import TLS

/// The features of one conversation the diagnosis rules read, derived once from a `ConversationEvidence`.
///
/// Pure: `DiagnosisFacts(evidence)` looks at nothing else. The rules (`DiagnosisRules.all`) only ask questions
/// of these facts, so a rule reads like a sentence ("a client certificate was refused after our Finished").
public struct DiagnosisFacts: Sendable, Equatable {
    /// Which TLS session a fact comes from: the outer one (EAP-TLS, PEAP phase 1) or PEAP's inner EAP-TLS.
    public enum TLSLayer: String, Sendable {
        case outer, inner
    }

    /// One TLS handshake as the client saw it (RFC 5246 §7.4, RFC 8446 §4).
    public struct Handshake: Sendable, Equatable {
        public var layer: TLSLayer
        public var version: TLSVersion?
        public var alertsReceived: [TLSAlert]
        public var alertsSent: [TLSAlert]
        /// The server sent a CertificateRequest.
        public var certificateRequested: Bool
        /// The certificate_authorities of the CertificateRequest (RFC 2253 names; often empty).
        public var acceptableClientCAs: [String]
        /// Our certificate as sent (nil when none was sent).
        public var clientCertificate: CertificateInfo?
        public var clientChain: [CertificateInfo]
        public var clientFinishedSent: Bool
        public var serverFinishedReceived: Bool
        /// The server accepted our side of the handshake: TLS ≤ 1.2 both Finished exchanged; TLS 1.3 the server
        /// also sent its success indication (RFC 9190 §2.5) or, in PEAP, the first phase-2 data.
        public var completed: Bool
        public var serverValidationFailure: ServerValidationFailure?
        /// The server's leaf certificate, when it sent one.
        public var serverCertificate: CertificateInfo?

        /// The CA names of the CertificateRequest that match our certificate's issuer or a CA of the chain we
        /// sent; nil when the server named no CAs or we sent no certificate.
        public var matchingAcceptableCAs: [String]? {
            guard let clientCertificate, !acceptableClientCAs.isEmpty else { return nil }
            let ours = Set(([clientCertificate.issuer] + clientChain.flatMap { [$0.subject, $0.issuer] })
                .map(DiagnosisFacts.normalizedName))
            return acceptableClientCAs.filter { ours.contains(DiagnosisFacts.normalizedName($0)) }
        }

        /// "TLS" or "inner TLS", for evidence lines.
        var name: String { layer == .outer ? "TLS" : "inner TLS" }
    }

    /// Where an MS-CHAP failure code came from.
    public enum MSCHAPSource: String, Sendable {
        /// An EAP-MSCHAPv2 Failure inside the PEAP tunnel.
        case peap
        /// A bare EAP-MSCHAPv2 Failure.
        case eap
        /// The MS-CHAP-Error attribute of a non-EAP Access-Reject (RFC 2548 §2.1.5).
        case radius
    }

    public struct MSCHAPFailureFact: Sendable, Equatable {
        public var failure: MSCHAPv2Failure
        public var source: MSCHAPSource
    }

    /// A Nak we sent (RFC 3748 §5.3): the type the server offered and the types we asked for.
    public struct Nak: Sendable, Equatable {
        public var offered: UInt8
        public var desired: [UInt8]
    }

    // MARK: Conversation

    public var outcome: ConversationEvidence.Outcome
    /// `pap`, `eap-tls`, `peap-mschapv2`, …
    public var method: String
    public var identity: String
    public var isEAP: Bool
    public var isPEAP: Bool

    // MARK: Transport

    public var roundTrips: [RoundTripEvidence]
    /// Some server sent a verified reply at some point.
    public var anyReply: Bool
    /// Every datagram that claimed to answer us but failed verification.
    public var discarded: [DiscardedDatagram]
    /// Discarded datagrams whose authenticators did not verify: the shared secret differs.
    public var secretDiscards: [DiscardedDatagram]
    /// Discarded datagrams that came from another address than the server asked.
    public var foreignSourceDiscards: [DiscardedDatagram]
    /// The request that got no verified reply (the final round trip of a timeout).
    public var unanswered: RoundTripEvidence?
    /// The largest request that did get a verified reply.
    public var largestAnsweredRequest: Int?
    /// How many round trips got a verified reply.
    public var answeredCount: Int
    /// The code of the final verified reply (`Access-Reject`, …).
    public var finalReplyCode: String?
    /// The final request carried the server's State.
    public var finalRequestHadState: Bool

    // MARK: EAP

    /// `EAPPeerFailure.Kind` raw value (`eapFailure`, `serverValidation`, `tlsFailure`, …).
    public var failureKind: String?
    public var failureReason: String?
    /// Where the conversation stood when it ended (the failure's step, else the last step).
    public var step: EAPStep?
    /// The outer EAP method our peer began (its first request arrived), by EAP type.
    public var methodStarted: UInt8?
    /// We refused the server's proposal with a Nak: what it offered and what we asked for.
    public var nak: Nak?
    public var innerNak: Nak?
    /// The outer handshake (EAP-TLS, PEAP phase 1).
    public var outerHandshake: Handshake?
    /// PEAP's inner EAP-TLS handshake.
    public var innerHandshake: Handshake?
    public var innerIdentitySent: Bool
    /// The inner identity we sent inside the tunnel.
    public var innerIdentity: String?
    /// An inner method began (an MS-CHAPv2 Challenge or inner TLS data arrived).
    public var innerMethodRan: Bool
    /// The server's MS-CHAPv2 authenticator response (S=) verified: it knows the password.
    public var msCHAPv2ServerVerified: Bool
    /// An MS-CHAPv2 Success whose S= did not verify (EAP), or an MS-CHAP2-Success that did not (RADIUS).
    public var msCHAPv2Impostor: Bool
    /// The last MS-CHAP failure: inner, bare EAP, or the RADIUS MS-CHAP-Error attribute.
    public var msCHAP: MSCHAPFailureFact?
    /// MS-CHAP-Error text that does not parse as `E=… R=…`.
    public var unparsableMSCHAPError: String?
    /// The server's Result TLV said failure, or it sent a tunneled EAP-Failure.
    public var resultTLVFailure: Bool
    public var cryptoBinding: CryptoBindingOutcome
    /// The peer required crypto-binding and the server sent none.
    public var cryptoBindingRequiredButAbsent: Bool
    /// The server claimed PEAP success without any inner authentication on a new tunnel.
    public var phase2Skipped: Bool
    /// EAP Notification texts (RFC 3748 §5.2).
    public var notifications: [String]
    /// The peer received EAP-Failure (or an Access-Reject without EAP-Message, handled as one).
    public var eapFailureReceived: Bool

    // MARK: Everything else

    public var replyMessages: [String]
    public var preflight: [PreflightFinding]
    public var mppeKeys: MPPEKeyCheck
    public var localError: String?

    // MARK: - Derivation

    public init(_ evidence: ConversationEvidence) {
        outcome = evidence.outcome
        method = evidence.method
        identity = evidence.identity
        replyMessages = evidence.replyMessages
        preflight = evidence.preflight
        mppeKeys = evidence.mppeKeys
        localError = evidence.localError

        // Transport.
        roundTrips = evidence.roundTrips
        anyReply = evidence.roundTrips.contains(where: \.answered)
        answeredCount = evidence.roundTrips.filter(\.answered).count
        discarded = evidence.roundTrips.flatMap(\.discarded)
        secretDiscards = discarded.filter { $0.code.pointsToSharedSecret }
        foreignSourceDiscards = discarded.filter { $0.code == .foreignSource }
        unanswered = evidence.roundTrips.last.flatMap { $0.answered ? nil : $0 }
        largestAnsweredRequest = evidence.roundTrips.filter(\.answered).map(\.requestSize).max()
        finalReplyCode = evidence.roundTrips.last(where: \.answered)?.replyCode
        finalRequestHadState = evidence.roundTrips.last?.requestHadState ?? false

        // EAP.
        let eap = evidence.eap
        let trace = eap?.trace ?? []
        isEAP = eap != nil
        isPEAP = (eap?.method.uppercased().contains("PEAP") ?? false) || evidence.method.lowercased().hasPrefix("peap")
            || trace.contains { if case .methodStarted(25) = $0 { return true } else { return false } }
        failureKind = eap?.failure?.kind
        failureReason = eap?.failure?.reason
        step = eap?.failure?.step ?? eap?.step
        notifications = []
        eapFailureReceived = trace.contains(.eapFailure)
        methodStarted = nil
        nak = nil
        innerNak = nil
        innerIdentitySent = false
        innerIdentity = nil
        innerMethodRan = false
        msCHAPv2ServerVerified = false
        msCHAPv2Impostor = false
        resultTLVFailure = eap?.failure?.resultTLV == "failure"
        var lastMSCHAPFailure: MSCHAPv2Failure? = nil
        var cryptoBindingSeen: CryptoBindingOutcome? = nil
        var outerEstablished: Int? = nil
        var innerEstablished: Int? = nil
        var successIndications: [Int] = []
        var phase2Data: Int? = nil
        for (index, event) in trace.enumerated() {
            switch event {
            case .methodStarted(let type) where methodStarted == nil:
                methodStarted = type
            case .nakSent(let offered, let desired) where nak == nil:
                nak = Nak(offered: offered, desired: desired)
            case .innerNakSent(let offered, let desired) where innerNak == nil:
                innerNak = Nak(offered: offered, desired: desired)
            case .notification(let text):
                notifications.append(text)
            case .tlsEstablished where outerEstablished == nil:
                outerEstablished = index
            case .innerTLSEstablished where innerEstablished == nil:
                innerEstablished = index
            case .protectedSuccessIndication:
                successIndications.append(index)
            case .innerIdentitySent(let name):
                innerIdentitySent = true
                innerIdentity = innerIdentity ?? name
                phase2Data = phase2Data ?? index
            case .innerRequest, .capabilitiesAnswered, .sohDeclined:
                phase2Data = phase2Data ?? index
            case .msCHAPv2Challenge, .innerTLSEvent:
                if isPEAP { innerMethodRan = true }
            case .msCHAPv2Success(let verified):
                if verified { msCHAPv2ServerVerified = true } else { msCHAPv2Impostor = true }
            case .msCHAPv2Failure(let failure):
                lastMSCHAPFailure = failure
            case .resultTLV(let success):
                phase2Data = phase2Data ?? index
                if !success { resultTLVFailure = true }
            case .tunneledResult(let success):
                phase2Data = phase2Data ?? index
                if !success { resultTLVFailure = true }
            case .cryptoBinding(let outcome):
                cryptoBindingSeen = outcome
            default:
                break
            }
        }
        if let recorded = eap?.cryptoBinding, recorded != .notApplicable {
            cryptoBinding = recorded
        } else {
            cryptoBinding = cryptoBindingSeen ?? .notApplicable
        }

        if let tls = eap?.tls {
            // Outer: TLS 1.3 needs the success indication (EAP-TLS) or phase-2 data (PEAP) after the handshake.
            let accepted: Bool
            if let outerEstablished {
                let late = successIndications.contains { $0 > outerEstablished }
                    || (phase2Data.map { $0 > outerEstablished } ?? false)
                accepted = (tls.version ?? .tls1_2) < .tls1_3 || late
            } else {
                accepted = false
            }
            outerHandshake = Self.handshake(tls, layer: .outer, completed: accepted)
        } else {
            outerHandshake = nil
        }
        if let tls = eap?.innerTLS {
            let accepted: Bool
            if let innerEstablished {
                let late = successIndications.contains { $0 > innerEstablished }
                    || trace[(innerEstablished + 1)...].contains {
                        if case .resultTLV(true) = $0 { return true } else { return false }
                    }
                accepted = (tls.version ?? .tls1_2) < .tls1_3 || late
            } else {
                accepted = false
            }
            innerHandshake = Self.handshake(tls, layer: .inner, completed: accepted)
        } else {
            innerHandshake = nil
        }

        // MS-CHAP: the EAP failure (inner or bare), else the RADIUS attribute.
        if let failure = eap?.failure?.mschapv2 ?? lastMSCHAPFailure {
            msCHAP = MSCHAPFailureFact(failure: failure, source: isPEAP ? .peap : .eap)
            unparsableMSCHAPError = nil
        } else if let text = evidence.msCHAPError {
            if let failure = try? MSCHAPv2Failure(parsing: text) {
                msCHAP = MSCHAPFailureFact(failure: failure, source: .radius)
                unparsableMSCHAPError = nil
            } else {
                msCHAP = nil
                unparsableMSCHAPError = text
            }
        } else {
            msCHAP = nil
            unparsableMSCHAPError = nil
        }
        if let localError = evidence.localError, localError.contains("MS-CHAP2-Success does not verify") {
            msCHAPv2Impostor = true
        }

        let policy = failureKind == EAPPeerFailure.Kind.policy.rawValue
        let namesBinding = failureReason?.lowercased().contains("crypto-binding") ?? false
        cryptoBindingRequiredButAbsent = policy && (namesBinding || innerMethodRan)
        phase2Skipped = policy && !cryptoBindingRequiredButAbsent
    }

    private static func handshake(_ tls: TLSEvidence, layer: TLSLayer, completed: Bool) -> Handshake {
        Handshake(
            layer: layer, version: tls.version, alertsReceived: tls.alertsReceived, alertsSent: tls.alertsSent,
            certificateRequested: tls.certificateRequested, acceptableClientCAs: tls.acceptableClientCAs,
            clientCertificate: tls.clientCertificateSent, clientChain: tls.clientChainSent,
            clientFinishedSent: tls.handshakeMessagesSent.contains("Finished"),
            serverFinishedReceived: tls.handshakeMessagesReceived.contains("Finished"),
            completed: completed, serverValidationFailure: tls.serverValidationFailure,
            serverCertificate: tls.serverChain.first)
    }

    /// A verification failure that says the authenticators do not match (RADIUSError `…AuthenticatorMismatch`,
    /// "most often the shared secret is wrong").
    /// Distinguished names compared without case and spaces ("CN=A, O=B" = "cn=a,o=b").
    static func normalizedName(_ name: String) -> String {
        String(name.lowercased().filter { $0 != " " })
    }

    // MARK: - Questions the rules ask

    /// The handshake that carried (or was asked for) our certificate: PEAP's inner EAP-TLS when it ran, else
    /// the outer one. The certificate rules read this one, so they apply to PEAP-TLS's inner TLS too.
    public var certificateHandshake: Handshake? {
        if let innerHandshake { return innerHandshake }
        return outerHandshake
    }

    /// The server-certificate check that failed on our side, in whichever handshake.
    public var serverValidationFailure: (failure: ServerValidationFailure, layer: TLSLayer)? {
        if let failure = outerHandshake?.serverValidationFailure { return (failure, .outer) }
        if let failure = innerHandshake?.serverValidationFailure { return (failure, .inner) }
        return nil
    }

    /// The server refused after our certificate went out (right after our Finished, or after the handshake
    /// completed), or answered it with an alert: the situations the client-certificate rules judge.
    public var clientCertificateRefusal: Handshake? {
        guard outcome == .reject, let handshake = certificateHandshake, handshake.clientCertificate != nil else {
            return nil
        }
        let refusalKinds = [EAPPeerFailure.Kind.eapFailure, .tlsFailure, .innerFailure].map(\.rawValue)
        guard let failureKind, refusalKinds.contains(failureKind) else { return nil }
        guard msCHAP == nil, handshake.serverValidationFailure == nil else { return nil }
        return handshake.clientFinishedSent || !handshake.alertsReceived.isEmpty ? handshake : nil
    }

    /// The names of the TLS alerts the server sent, outer handshake first (e.g. `unknown_ca`).
    public var alertNamesReceived: [String] {
        [outerHandshake, innerHandshake].compactMap { $0 }.flatMap { $0.alertsReceived.map(\.name) }
    }

    /// The names of the TLS alerts we sent (our refusal of the server's certificate, of its parameters).
    public var alertNamesSent: [String] {
        [outerHandshake, innerHandshake].compactMap { $0 }.flatMap { $0.alertsSent.map(\.name) }
    }

    /// The server refused our EAP method (outer or inner) after our Nak.
    public var methodRefused: Bool { failedWith == .methodRefused }

    /// An EAP conversation refused before any method began: no method request, no Nak.
    public var rejectedBeforeAnyMethod: Bool {
        outcome == .reject && isEAP && methodStarted == nil && nak == nil
            && (failureKind == nil || failedWith == .eapFailure)
    }

    /// Server messages in order: Reply-Message attributes, then EAP Notifications.
    public var serverMessages: [String] { replyMessages + notifications }

    /// A server message contains one of the phrases (case-insensitive).
    public func serverMessage(containing phrases: [String]) -> String? {
        serverMessages.first { message in
            let lower = message.lowercased()
            return phrases.contains { lower.contains($0.lowercased()) }
        }
    }

    /// Pre-flight findings of one kind.
    public func preflight(_ kind: PreflightFinding.Kind) -> [PreflightFinding] {
        preflight.filter { $0.kind == kind }
    }

    /// Findings that would stop a server from accepting the certificate (not warnings such as expiresSoon).
    public var blockingPreflight: [PreflightFinding] {
        let blocking: Set<PreflightFinding.Kind> = [
            .expired, .notYetValid, .missingClientAuthEKU, .keyDoesNotMatchCertificate, .chainIncomplete, .revoked,
        ]
        return preflight.filter { blocking.contains($0.kind) }
    }

    /// The number of the final round trip (1-based), when there were any.
    public var finalRoundTripNumber: Int? { roundTrips.isEmpty ? nil : roundTrips.count }

    public var failedWith: EAPPeerFailure.Kind? { failureKind.map(EAPPeerFailure.Kind.init(rawValue:)) }
}
