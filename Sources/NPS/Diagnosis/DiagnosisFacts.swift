import Evidence
import EAP
import RADIUS
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
        /// The last handshake messages sent and received (nil: none).
        public var lastSent: TLSHandshakeType?
        public var lastReceived: TLSHandshakeType?
        /// The versions our ClientHello offered.
        public var minimumVersionOffered: TLSVersion?
        public var maximumVersionOffered: TLSVersion?
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

        /// Our ClientHello is the only message either side sent: the server answered nothing but a refusal.
        public var refusedAtClientHello: Bool {
            lastSent == .clientHello && lastReceived == nil && alertsReceived.isEmpty && alertsSent.isEmpty
        }
    }

    /// Words the server sent and what they state (`ServerStatement.read`).
    public struct ServerMessage: Sendable, Equatable {
        public enum Source: String, Sendable {
            /// A Reply-Message attribute of the final reply (RFC 2865 §5.18).
            case replyMessage
            /// An EAP Notification (RFC 3748 §5.2).
            case notification
            /// The `M=` text of an MS-CHAP failure (RFC 2759 §6).
            case msCHAP
        }

        public var text: String
        public var source: Source
        public var statements: [ServerStatement]
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
    /// Discarded replies whose Response Authenticator verified but that carried no Message-Authenticator where
    /// the reply policy requires one: the server holds our secret and does not sign (BlastRADIUS, CVE-2024-3596).
    public var unsignedDiscards: [DiscardedDatagram]
    /// How many datagrams failed verification in all (the samples in ``discarded`` are capped).
    public var discardedTotal: Int
    /// Round trips that gave up early on a conclusive pattern (the server repeated an unverifiable reply).
    public var stoppedEarly: [RoundTripEvidence]
    /// The request that got no verified reply (the final round trip of a timeout).
    public var unanswered: RoundTripEvidence?
    /// The largest request that did get a verified reply.
    public var largestAnsweredRequest: Int?
    /// How many round trips got a verified reply.
    public var answeredCount: Int
    /// The code of the final verified reply (`Access-Reject`, …).
    public var finalReplyCode: RADIUSCode?
    /// The EAP packet of the final verified reply (nil: none, or not recorded).
    public var finalReplyEAP: EAPPacketSummary?
    /// The final verified reply of an EAP conversation carried no EAP-Message at all: the server did not end the
    /// EAP conversation itself (RFC 3579 §2.6.3 wants an EAP-Failure in an Access-Reject).
    public var finalReplyWithoutEAP: Bool
    /// The final request carried the server's State.
    public var finalRequestHadState: Bool

    // MARK: EAP

    /// Why the EAP peer failed (`eapFailure`, `serverValidation`, `tlsFailure`, …).
    public var failureKind: EAPPeerFailure.Kind?
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
    /// PEAP: the crypto-binding policy the client ran with.
    public var cryptoBindingPolicy: CryptoBindingPolicy?
    /// The peer received EAP-Failure (or an Access-Reject without EAP-Message, handled as one).
    public var eapFailureReceived: Bool

    // MARK: Everything else

    public var replyMessages: [String]
    /// Everything the server said in words, with what it states: Reply-Messages, Notifications, MS-CHAP `M=`.
    public var serverMessages: [ServerMessage]
    public var preflight: [PreflightFinding]
    public var mppeKeys: MPPEKeyCheck
    /// For evidence lines only; ``localErrorCode`` says what it is.
    public var localError: String?
    public var localErrorCode: LocalErrorCode?
    /// Set by a load run that found the conversation split by a balancer (``PersistenceSuspicion``); never
    /// derived from the evidence alone.
    public var persistence: PersistenceSuspicion?

    // MARK: - Derivation

    public init(_ evidence: ConversationEvidence) {
        outcome = evidence.outcome
        method = evidence.method
        identity = evidence.identity
        replyMessages = evidence.replyMessages
        preflight = evidence.preflight
        mppeKeys = evidence.mppeKeys
        localError = evidence.localError
        localErrorCode = evidence.localErrorCode

        // Transport.
        roundTrips = evidence.roundTrips
        anyReply = evidence.roundTrips.contains(where: \.answered)
        answeredCount = evidence.roundTrips.filter(\.answered).count
        discarded = evidence.roundTrips.flatMap(\.discarded)
        secretDiscards = discarded.filter { $0.code.pointsToSharedSecret }
        foreignSourceDiscards = discarded.filter { $0.code == .foreignSource }
        unsignedDiscards = discarded.filter { $0.code == .messageAuthenticatorMissing }
        discardedTotal = evidence.roundTrips.reduce(0) { $0 + $1.discardedCount }
        stoppedEarly = evidence.roundTrips.filter { $0.stoppedEarly != nil }
        unanswered = evidence.roundTrips.last.flatMap { $0.answered ? nil : $0 }
        largestAnsweredRequest = evidence.roundTrips.filter(\.answered).map(\.requestSize).max()
        let finalAnswered = evidence.roundTrips.last(where: \.answered)
        finalReplyCode = finalAnswered?.replyCode
        finalReplyEAP = finalAnswered?.replyEAP
        finalReplyWithoutEAP = evidence.eap != nil && finalAnswered.map { $0.requestEAP != nil && $0.replyEAP == nil }
            ?? false
        finalRequestHadState = evidence.roundTrips.last?.requestHadState ?? false

        // EAP.
        let eap = evidence.eap
        let trace = eap?.trace ?? []
        isEAP = eap != nil
        let peap = EAPType.peap.rawValue
        isPEAP = eap?.methodType == peap
            || trace.contains { if case .methodStarted(peap) = $0 { return true } else { return false } }
        failureKind = eap?.failure?.kind
        cryptoBindingPolicy = eap?.cryptoBindingPolicy
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
        resultTLVFailure = eap?.failure?.resultTLV == .failure
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

        // MS-CHAP: the EAP failure (inner or bare), else the RADIUS attribute (decoded where it arrived).
        if let failure = eap?.failure?.mschapv2 ?? lastMSCHAPFailure {
            msCHAP = MSCHAPFailureFact(failure: failure, source: isPEAP ? .peap : .eap)
            unparsableMSCHAPError = nil
        } else if let failure = evidence.msCHAPFailure {
            msCHAP = MSCHAPFailureFact(failure: failure, source: .radius)
            unparsableMSCHAPError = nil
        } else {
            msCHAP = nil
            unparsableMSCHAPError = evidence.msCHAPError
        }
        if evidence.localErrorCode == .msCHAPv2SuccessInvalid { msCHAPv2Impostor = true }

        // The server's words, each read once.
        var messages: [ServerMessage] = evidence.replyMessages.map {
            ServerMessage(text: $0, source: .replyMessage, statements: ServerStatement.read($0))
        }
        messages += notifications.map {
            ServerMessage(text: $0, source: .notification, statements: ServerStatement.read($0))
        }
        if let text = msCHAP?.failure.message, !text.isEmpty {
            messages.append(ServerMessage(text: text, source: .msCHAP, statements: ServerStatement.read(text)))
        }
        serverMessages = messages

        // Policy refusals by our peer: a Crypto-Binding TLV the policy required and the server left out, else a
        // success claimed without inner authentication.
        let policy = failureKind == .policy
        cryptoBindingRequiredButAbsent = policy && cryptoBindingPolicy == .required && cryptoBinding == .absent
        phase2Skipped = policy && !cryptoBindingRequiredButAbsent
    }

    private static func handshake(_ tls: TLSEvidence, layer: TLSLayer, completed: Bool) -> Handshake {
        Handshake(
            layer: layer, version: tls.version, alertsReceived: tls.alertsReceived, alertsSent: tls.alertsSent,
            certificateRequested: tls.certificateRequested, acceptableClientCAs: tls.acceptableClientCAs,
            clientCertificate: tls.clientCertificateSent, clientChain: tls.clientChainSent,
            clientFinishedSent: tls.handshakeMessagesSent.contains(.finished),
            serverFinishedReceived: tls.handshakeMessagesReceived.contains(.finished),
            lastSent: tls.lastHandshakeMessageSent, lastReceived: tls.lastHandshakeMessageReceived,
            minimumVersionOffered: tls.minimumVersionOffered, maximumVersionOffered: tls.maximumVersionOffered,
            completed: completed, serverValidationFailure: tls.serverValidationFailure,
            serverCertificate: tls.serverChain.first)
    }

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
        guard let failureKind, [.eapFailure, .tlsFailure, .innerFailure].contains(failureKind) else { return nil }
        guard msCHAP == nil, handshake.serverValidationFailure == nil else { return nil }
        return handshake.clientFinishedSent || !handshake.alertsReceived.isEmpty ? handshake : nil
    }

    /// The TLS alerts the server sent, outer handshake first.
    public var alertsReceived: [TLSAlert.Kind] {
        [outerHandshake, innerHandshake].compactMap { $0 }.flatMap { $0.alertsReceived.map(\.kind) }
    }

    /// The TLS alerts we sent (our refusal of the server's certificate, of its parameters).
    public var alertsSent: [TLSAlert.Kind] {
        [outerHandshake, innerHandshake].compactMap { $0 }.flatMap { $0.alertsSent.map(\.kind) }
    }

    /// The server refused our EAP method (outer or inner) after our Nak.
    public var methodRefused: Bool { failureKind == .methodRefused }

    /// An EAP conversation refused before any method began: no method request, no Nak.
    public var rejectedBeforeAnyMethod: Bool {
        outcome == .reject && isEAP && methodStarted == nil && nak == nil
            && (failureKind == nil || failureKind == .eapFailure)
    }

    /// The first server message that states one of these, in the order the server said them.
    public func serverStated(_ statements: Set<ServerStatement>) -> ServerMessage? {
        serverMessages.first { !statements.isDisjoint(with: $0.statements) }
    }

    /// What the server stated, in order, without repeats.
    public var statements: [ServerStatement] {
        var seen: [ServerStatement] = []
        for statement in serverMessages.flatMap(\.statements) where !seen.contains(statement) {
            seen.append(statement)
        }
        return seen
    }

    /// NPS reason codes the server's own words name: the only reason codes a conversation can show (none travels
    /// in an Access-Reject); every other reason code in a verdict is inferred.
    public var statedReasons: [Int] {
        var reasons: [Int] = []
        for reason in statements.flatMap(\.reasons) where !reasons.contains(reason) { reasons.append(reason) }
        return reasons
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
}
