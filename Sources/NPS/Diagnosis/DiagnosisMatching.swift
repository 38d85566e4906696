import Evidence
import EAP
import TLS

// The questions `DiagnosisRules.all` asks of the facts. Each returns the evidence lines that make the rule
// apply (concrete: what arrived, after what, in which round trip), or nil.

extension DiagnosisFacts {
    /// A request this size or larger may be IP-fragmented on common paths (1500-byte MTU less tunnels).
    static let fragmentSuspicionSize = 1000

    /// Alerts that say the two sides could not agree on TLS parameters (RFC 5246 §7.2.2, RFC 8446 §6.2).
    private static let negotiationAlerts: Set<TLSAlert.Kind> = [
        .handshakeFailure, .protocolVersion, .insufficientSecurity, .inappropriateFallback,
    ]

    /// Alerts that judge the client certificate (RFC 5246 §7.2.2, RFC 8446 §6.2): the certificate rows read them.
    private static let certificateAlerts: Set<TLSAlert.Kind> = [
        .badCertificate, .unsupportedCertificate, .certificateRevoked, .certificateExpired, .certificateUnknown,
        .unknownCA, .accessDenied, .certificateRequired,
    ]

    /// The TLS version NPS speaks for EAP (it has no EAP over TLS 1.3; 1.0 and 1.1 are off on current Windows).
    static let npsTLSVersion = TLSVersion.tls1_2

    // MARK: - Lines

    var roundTripSuffix: String { finalRoundTripNumber.map { " (round trip \($0))" } ?? "" }

    /// "Access-Reject + EAP-Failure right after our TLS Finished (round trip 7)".
    func refusalLine(_ point: String) -> String {
        let reply = finalReplyCode?.description ?? (outcome == .accept ? "Access-Accept" : "Access-Reject")
        let eap: String
        if finalReplyWithoutEAP {
            eap = " without EAP-Message"
        } else if let packet = finalReplyEAP {
            eap = packet.isFailure ? " + EAP-Failure" : ""
        } else {
            eap = eapFailureReceived ? " + EAP-Failure" : ""
        }
        return "\(reply)\(eap) \(point)\(roundTripSuffix)"
    }

    /// Where the conversation stood, as "after …" words.
    var stepPoint: String {
        guard let step else { return "in the conversation" }
        switch step {
        case .identity: return "right after our EAP identity \"\(identity)\""
        case .methodNegotiation(let proposed): return "after our Nak of \(EAPType(proposed))"
        case .method(let type): return "during \(EAPType(type))"
        case .tlsHandshake(let sent, let received):
            return "during the TLS handshake (last sent \(sent?.name ?? "nothing"), last received "
                + "\(received?.name ?? "nothing"))"
        case .tlsClientFinishedSent: return "right after our TLS Finished"
        case .tlsEstablished: return "after the TLS handshake completed"
        case .tunnelEstablished: return "after the PEAP tunnel was established"
        case .innerIdentity: return "after the inner identity\(innerIdentity.map { " \"\($0)\"" } ?? "")"
        case .innerMethod(let type): return "during the inner \(EAPType(type))"
        case .innerTLSHandshake(let sent, let received):
            return "during the inner TLS handshake (last sent \(sent?.name ?? "nothing"), last received "
                + "\(received?.name ?? "nothing"))"
        case .innerTLSClientFinishedSent: return "right after our inner TLS Finished"
        case .innerMSCHAPv2Response: return "after our inner MS-CHAPv2 response"
        case .innerMethodSucceeded(let type): return "after the inner \(EAPType(type)) succeeded"
        case .msCHAPv2Response: return "after our MS-CHAPv2 response"
        case .methodSucceeded(let type): return "after \(EAPType(type)) succeeded"
        case .cryptoBinding: return "after our crypto-binding response"
        case .resultTLV: return "after our Result TLV response"
        case .completed: return "after the conversation completed"
        }
    }

    /// Where a certificate refusal came: after the handshake, right after our Finished, or during it.
    func certificatePoint(_ handshake: Handshake) -> String {
        if handshake.completed { return "after the \(handshake.name) handshake completed" }
        if handshake.clientFinishedSent { return "right after our \(handshake.name) Finished" }
        return "during the \(handshake.name) handshake"
    }

    func certificateLine(_ handshake: Handshake) -> [String] {
        guard let certificate = handshake.clientCertificate else { return [] }
        var line = "our \(handshake.layer == .inner ? "inner " : "")client certificate \"\(certificate.subject)\", "
            + "issued by \"\(certificate.issuer)\""
        if handshake.clientChain.count > 1 {
            let count = handshake.clientChain.count - 1
            line += ", sent with \(count) CA certificate\(count == 1 ? "" : "s")"
        }
        return [line]
    }

    func alertLines(_ handshake: Handshake) -> [String] {
        guard !handshake.alertsReceived.isEmpty else { return ["no TLS alert received"] }
        return handshake.alertsReceived.map { "the server sent the TLS alert \($0.name) (\($0.code))" }
    }

    /// What the server's CertificateRequest said about CAs, relative to our certificate.
    func caListLines(_ handshake: Handshake) -> [String] {
        guard handshake.certificateRequested else { return [] }
        guard !handshake.acceptableClientCAs.isEmpty else { return ["the server's CertificateRequest named no CAs"] }
        guard let certificate = handshake.clientCertificate, let matching = handshake.matchingAcceptableCAs else {
            return ["the server's CertificateRequest listed " + Self.quoted(handshake.acceptableClientCAs)]
        }
        if let ours = matching.first(where: { Self.normalizedName($0) == Self.normalizedName(certificate.issuer) }) {
            return ["the server's CertificateRequest listed \"\(ours)\" (our issuer)"]
        }
        if let chainCA = matching.first {
            return ["the server's CertificateRequest listed \"\(chainCA)\" (a CA of the chain we sent)"]
        }
        return ["the server's CertificateRequest listed only " + Self.quoted(handshake.acceptableClientCAs)
                + ", not our issuer \"\(certificate.issuer)\""]
    }

    /// "no pre-flight finding …", or the blocking findings.
    var preflightLines: [String] {
        blockingPreflight.isEmpty
            ? ["no pre-flight finding against the client certificate (validity, Client Authentication EKU, chain; "
                + "CRL when given)"]
            : blockingPreflight.map(line(for:))
    }

    /// The one line quoting a server message (rules and the Diagnoser write it the same way, so it appears once).
    func line(quoting message: ServerMessage) -> String {
        switch message.source {
        case .replyMessage: return "the server's Reply-Message: “\(message.text)”"
        case .notification: return "EAP Notification from the server: “\(message.text)”"
        case .msCHAP:
            let code = msCHAP.map { " (E=\($0.failure.errorCode))" } ?? ""
            return "the server says “\(message.text)” in its MS-CHAP failure\(code)"
        }
    }

    /// The one line for a pre-flight finding (what it would cause was said before the conversation ran).
    func line(for finding: PreflightFinding) -> String {
        "pre-flight: " + finding.detail
    }

    static func quoted(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    // MARK: - Accepted

    func accepted(keys: MPPEKeyCheck?) -> [String]? {
        guard outcome == .accept else { return nil }
        if let keys, mppeKeys != keys { return nil }
        var lines = ["Access-Accept\(isEAP ? " + EAP-Success" : "")\(roundTripSuffix)"]
        switch mppeKeys {
        case .verified: lines.append("the MS-MPPE keys match the keys the client derived")
        case .mismatch: lines.append("the MS-MPPE-Send-Key/Recv-Key of the Access-Accept differ from the client's")
        case .absent: lines.append("the Access-Accept carries no MS-MPPE keys although the method derives them")
        case .notApplicable: break
        }
        if cryptoBinding == .verified { lines.append("PEAP crypto-binding verified") }
        if let handshake = outerHandshake, let version = handshake.version {
            let certificate = handshake.clientCertificate != nil ? " with a client certificate" : ""
            lines.append("TLS \(version.rawValue)\(certificate)")
        }
        return lines
    }

    // MARK: - Server certificate refused by us

    func serverCertificateRefused(_ kinds: [ServerValidationFailure.Kind]) -> [String]? {
        guard outcome != .accept, let (failure, layer) = serverValidationFailure, kinds.contains(failure.kind) else {
            return nil
        }
        let inner = layer == .inner ? "inner " : ""
        var lines = ["we refused the server's \(inner)certificate: \(failure.detail)"]
        let handshake = layer == .inner ? innerHandshake : outerHandshake
        if let server = handshake?.serverCertificate {
            let depth = failure.certificateDepth > 0
                ? "; the failing certificate is at depth \(failure.certificateDepth)" : ""
            lines.append("the server presented \"\(server.subject)\", issued by \"\(server.issuer)\"\(depth)")
        }
        if let text = failure.openSSLError { lines.append("OpenSSL: \(text)") }
        if let alert = handshake?.alertsSent.first {
            lines.append("we sent the TLS alert \(alert.name) (\(alert.code))")
        }
        lines.append("our credentials were never sent: the client stops at the server's certificate")
        return lines
    }

    // MARK: - Client certificate refused by the server

    func certificateMissing() -> [String]? {
        guard outcome == .reject, let handshake = certificateHandshake, handshake.certificateRequested,
              handshake.clientCertificate == nil, !handshake.completed, serverValidationFailure == nil
        else { return nil }
        let alerts = handshake.alertsReceived.map(\.kind)
        guard handshake.clientFinishedSent || alerts.contains(.certificateRequired)
            || alerts.contains(.handshakeFailure)
        else { return nil }
        return ["the server sent a CertificateRequest", "we sent no client certificate (none configured)"]
            + (alerts.isEmpty ? [] : alertLines(handshake)) + [refusalLine(certificatePoint(handshake))]
    }

    func certificateAlert(_ kinds: Set<TLSAlert.Kind>) -> [String]? {
        guard let handshake = clientCertificateRefusal,
              let alert = handshake.alertsReceived.first(where: { kinds.contains($0.kind) })
        else { return nil }
        return ["the server sent the TLS alert \(alert.name) (\(alert.code)) \(certificatePoint(handshake))",
                refusalLine(certificatePoint(handshake))]
            + certificateLine(handshake) + caListLines(handshake)
    }

    func tlsNegotiationFailed() -> [String]? {
        guard outcome == .reject, serverValidationFailure == nil else { return nil }
        for handshake in [outerHandshake, innerHandshake].compactMap({ $0 }) where !handshake.completed {
            guard handshake.clientCertificate == nil || !handshake.clientFinishedSent else { continue }
            if let alert = handshake.alertsReceived.first(where: { Self.negotiationAlerts.contains($0.kind) }) {
                return ["the server sent the TLS alert \(alert.name) (\(alert.code)) \(certificatePoint(handshake)), "
                        + "before any certificate was judged", refusalLine(certificatePoint(handshake))]
                    + versionLines(handshake)
            }
            if let alert = handshake.alertsSent.first(where: { Self.negotiationAlerts.contains($0.kind) }) {
                return ["we sent the TLS alert \(alert.name) (\(alert.code)): the server's choice is one we do not "
                        + "accept", refusalLine(certificatePoint(handshake))] + versionLines(handshake)
                    + (failureReason.map { ["the EAP peer: \($0)"] } ?? [])
            }
        }
        return nil
    }

    private func versionLines(_ handshake: Handshake) -> [String] {
        handshake.version.map { ["negotiated TLS \($0.rawValue)"] } ?? ["no TLS version was agreed"]
    }

    /// What our ClientHello offered, and whether NPS could take it.
    private func offerLine(_ handshake: Handshake) -> String? {
        guard let low = handshake.minimumVersionOffered, let high = handshake.maximumVersionOffered else {
            return nil
        }
        let offered = low == high ? "only TLS \(low.rawValue)" : "TLS \(low.rawValue) to \(high.rawValue)"
        let nps = Self.npsTLSVersion
        return low <= nps && nps <= high
            ? "our ClientHello offered \(offered), which NPS accepts: compare cipher suites and the server's "
                + "TLS versions"
            : "our ClientHello offered \(offered): not the TLS \(nps.rawValue) NPS speaks for EAP"
    }

    /// The server ended the EAP conversation (an EAP-Failure) as its answer to our ClientHello, without a
    /// ServerHello and without an alert: it would not negotiate what we offered (FreeRADIUS and NPS refuse a TLS
    /// version or cipher mismatch this way). A server that lost the conversation does not send an EAP-Failure.
    func tlsRefusedAtClientHello() -> [String]? {
        guard outcome == .reject, isEAP, serverValidationFailure == nil, !finalReplyWithoutEAP,
              failureKind == .eapFailure || failureKind == .tlsFailure || failureKind == .innerFailure
        else { return nil }
        guard let handshake = [innerHandshake, outerHandshake].compactMap({ $0 }).first(where: \.refusedAtClientHello)
        else { return nil }
        let name = handshake.layer == .inner ? "inner ClientHello" : "ClientHello"
        return [refusalLine("right after our \(name)"),
                "no ServerHello and no TLS alert: the server would not negotiate what we offered"]
            + (offerLine(handshake).map { [$0] } ?? [])
    }

    func otherTLSAlert() -> [String]? {
        guard outcome == .reject, serverValidationFailure == nil else { return nil }
        for handshake in [outerHandshake, innerHandshake].compactMap({ $0 }) {
            let judged = Self.certificateAlerts.union(Self.negotiationAlerts)
            if let alert = handshake.alertsReceived.first(where: { $0.level == .fatal && !judged.contains($0.kind) }) {
                return ["the server sent the TLS alert \(alert.name) (\(alert.code)) "
                        + certificatePoint(handshake), refusalLine(certificatePoint(handshake))]
            }
        }
        return nil
    }

    /// A refusal of our certificate that a pre-flight finding (or an expired CRL, or the server's message)
    /// explains.
    func certificateRefusedFor(preflight kinds: Set<PreflightFinding.Kind>, expiredCRL: Bool = false,
                               stated statements: Set<ServerStatement>) -> [String]? {
        guard let handshake = clientCertificateRefusal else { return nil }
        var findings = preflight.filter { kinds.contains($0.kind) }
        if expiredCRL {
            findings += preflight(.revocationUnchecked).filter { $0.crlProblem == .expired }
        }
        let message = serverStated(statements)
        guard !findings.isEmpty || message != nil else { return nil }
        var lines = [refusalLine(certificatePoint(handshake))] + alertLines(handshake)
        if let message { lines.append(line(quoting: message)) }
        lines += findings.map(line(for:))
        return lines + certificateLine(handshake)
    }

    func certificateIssuerNotRequested() -> [String]? {
        guard let handshake = clientCertificateRefusal, let matching = handshake.matchingAcceptableCAs,
              matching.isEmpty
        else { return nil }
        return [refusalLine(certificatePoint(handshake))] + alertLines(handshake) + caListLines(handshake)
            + certificateLine(handshake)
    }

    /// What the strong-mapping reading of a refusal after the handshake needs to know of our certificate.
    enum StrongMappingCondition {
        /// The certificate names no SID (absent or malformed): KB5014754's refusal leads.
        case namesNoSID
        /// It names one, or the evidence predates npsprobe reading it: NTAuth and the mapping lead.
        case namesSIDOrUnknown
    }

    /// The seed's case: the handshake completed (the server accepted the chain), no alert, yet a refusal; split by
    /// whether our certificate names its account's SID (KB5014754), and saying which.
    func certificateRefusedAfterHandshake(_ condition: StrongMappingCondition) -> [String]? {
        guard let handshake = clientCertificateRefusal, handshake.completed, handshake.alertsReceived.isEmpty else {
            return nil
        }
        let mapping = handshake.clientCertificate?.strongMapping
        let namesNoSID = mapping.map { $0.status != .present } ?? false
        guard namesNoSID == (condition == .namesNoSID) else { return nil }
        guard var lines = refusedAfterHandshakeLines(handshake) else { return nil }
        if let line = strongMappingLine(mapping) { lines.insert(line, at: 3) }
        return lines
    }

    /// What our certificate says for strong mapping (KB5014754), as an evidence line; nil when unknown.
    func strongMappingLine(_ mapping: StrongCertificateMapping?) -> String? {
        guard let mapping else { return nil }
        switch mapping.status {
        case .present:
            let place = mapping.sidExtension.sid != nil ? "SID extension" : "SAN URI"
            return "our certificate names its account's SID \(mapping.sid ?? "?") (\(place)): strongly mappable "
                + "(KB5014754), unless that is not the account's SID (KDC event 41)"
        case .malformed:
            let problem = [mapping.sidExtension, mapping.sanURI].compactMap(\.problem).first
            return "our certificate's SID does not decode (\(problem.map(\.description) ?? "malformed")): not "
                + "strongly mapped (KB5014754)"
        case .absent:
            return "our certificate carries neither the SID extension (\(StrongCertificateMapping.sidExtensionOID)) "
                + "nor a SAN URI \(StrongCertificateMapping.sanURIPrefix)<SID>: not strongly mapped (KB5014754)"
        }
    }

    private func refusedAfterHandshakeLines(_ handshake: Handshake) -> [String]? {
        let finished = (handshake.version ?? .tls1_2) >= .tls1_3
            ? "the server's Finished and its success indication arrived"
            : "the server's Finished arrived"
        var lines = [refusalLine(certificatePoint(handshake)), "no TLS alert received",
                     "\(finished): the \(handshake.name) handshake completed, so the server accepted our "
                        + "certificate chain"]
        if resultTLVFailure { lines.append("the server's Result TLV said failure") }
        return lines + caListLines(handshake) + preflightLines + certificateLine(handshake)
    }

    func certificateRefusedInHandshake() -> [String]? {
        guard let handshake = clientCertificateRefusal, !handshake.completed, handshake.clientFinishedSent,
              handshake.alertsReceived.isEmpty
        else { return nil }
        return [refusalLine(certificatePoint(handshake)), "no TLS alert received",
                "the server never sent its Finished: it refused during the \(handshake.name) handshake"]
            + caListLines(handshake) + preflightLines + certificateLine(handshake)
    }

    // MARK: - The server failed to prove itself

    func msCHAPv2ImpostorSeen() -> [String]? {
        guard outcome != .accept, msCHAPv2Impostor else { return nil }
        var lines = ["the server's MS-CHAPv2 authenticator response (S=) does not prove it knows our password"]
        if let reason = failureReason ?? localError { lines.append(reason) }
        return lines
    }

    func cryptoBindingFailed() -> [String]? {
        guard outcome != .accept, case .failed(let reason) = cryptoBinding else { return nil }
        return ["the server's Crypto-Binding TLV does not verify: \(reason)",
                "we answered with a Result TLV failure and stopped", refusalLine(stepPoint)]
    }

    func cryptoBindingMissing() -> [String]? {
        guard outcome != .accept, cryptoBindingRequiredButAbsent else { return nil }
        return ["the server ended phase 2 without a Crypto-Binding TLV"
                    + (msCHAPv2ServerVerified ? " (after the inner MS-CHAPv2 succeeded)" : ""),
                "the client requires crypto-binding, so it gave up without answering"]
            + (failureReason.map { ["the EAP peer: \($0)"] } ?? [])
    }

    func phase2SkippedSeen() -> [String]? {
        guard outcome != .accept, phase2Skipped else { return nil }
        return ["the server's Result TLV claimed success before any inner method ran on a new tunnel"]
            + (failureReason.map { ["the EAP peer: \($0)"] } ?? [])
    }

    // MARK: - MS-CHAP codes and phase 2

    /// An MS-CHAP `E=` code, read as RFC 2759 defines it — unless the server's words say what the account's
    /// state is (`M=Account locked out` with E=647): then the account rows judge, and the number's generic
    /// meaning would contradict the server.
    func msCHAPError(_ code: Int) -> [String]? {
        guard outcome != .accept, let msCHAP, msCHAP.failure.errorCode == code,
              !statements.contains(where: \.concernsTheAccount)
        else { return nil }
        return msCHAPLines(msCHAP)
    }

    /// An `E=` code outside the MS-CHAP catalogue (RFC 2759 §6, RFC 2433).
    func msCHAPErrorOther() -> [String]? {
        guard outcome != .accept, let msCHAP, NPSKnowledge.msChapError(msCHAP.failure.errorCode) == nil else {
            return nil
        }
        return msCHAPLines(msCHAP)
    }

    /// The server said what state the account is in (locked out, disabled, expired), with or without an MS-CHAP
    /// code: its words decide.
    func accountStated(_ statement: ServerStatement) -> [String]? {
        guard outcome == .reject, let message = serverStated([statement]) else { return nil }
        var lines = [line(quoting: message)]
        if let msCHAP {
            lines.append("a Windows client shows the E= code: \(msCHAP.failure.errorCode) ("
                         + NPSKnowledge.label(windowsError: msCHAP.failure.errorCode) + ")")
        }
        lines.append(refusalLine(isEAP ? stepPoint : "to the \(method.uppercased()) request for \"\(identity)\""))
        return lines
    }

    private func msCHAPLines(_ fact: MSCHAPFailureFact) -> [String] {
        let failure = fact.failure
        var lines: [String]
        switch fact.source {
        case .peap:
            lines = ["inner MS-CHAPv2 Failure \(failure.text) inside the PEAP tunnel"
                + (innerIdentity.map { ", after the inner identity \"\($0)\"" } ?? "")]
        case .eap:
            lines = ["EAP-MSCHAPv2 Failure \(failure.text)"]
        case .radius:
            lines = ["MS-CHAP-Error \"\(failure.text)\" in the Access-Reject\(roundTripSuffix)"]
        }
        lines.append(failure.retryAllowed ? "R=1: the server allows a retry" : "R=0: the server allows no retry")
        if fact.source != .radius, outcome == .reject { lines.append(refusalLine(stepPoint)) }
        if resultTLVFailure { lines.append("the server's Result TLV said failure") }
        return lines
    }

    func phase2FailedAfterInnerSuccess() -> [String]? {
        guard outcome == .reject, isPEAP, msCHAPv2ServerVerified, msCHAP == nil else { return nil }
        guard resultTLVFailure || failureKind == .eapFailure || failureKind == .innerFailure else { return nil }
        var lines = ["the server's MS-CHAPv2 authenticator response (S=) verified: it knows the password"
                     + (innerIdentity.map { " of \"\($0)\"" } ?? "")]
        if resultTLVFailure { lines.append("the server's Result TLV said failure") }
        if cryptoBinding == .verified { lines.append("PEAP crypto-binding verified") }
        return lines + [refusalLine(stepPoint)]
    }

    func phase2Failed() -> [String]? {
        guard outcome == .reject, isPEAP, innerIdentitySent, msCHAP == nil, clientCertificateRefusal == nil else {
            return nil
        }
        guard resultTLVFailure || failureKind == .eapFailure || failureKind == .innerFailure else { return nil }
        var lines = [refusalLine(stepPoint)]
        if resultTLVFailure { lines.append("the server's Result TLV said failure") }
        lines.append("no MS-CHAP error code (E=) arrived")
        return lines
    }

    // MARK: - Policy

    func methodWasRefused() -> [String]? {
        guard outcome == .reject, methodRefused else { return nil }
        var lines: [String] = []
        if let nak {
            lines.append("the server proposed \(EAPType(nak.offered)); we answered with a Nak asking for "
                + nak.desired.map { "\(EAPType($0))" }.joined(separator: ", "))
        }
        if let innerNak {
            lines.append("inside the tunnel the server proposed \(EAPType(innerNak.offered)); we answered with a Nak "
                + "asking for " + innerNak.desired.map { "\(EAPType($0))" }.joined(separator: ", "))
        }
        lines.append(refusalLine(innerNak != nil && nak == nil ? "after our inner Nak" : "after our Nak"))
        if let failureReason { lines.append("the EAP peer: \(failureReason)") }
        return lines
    }

    func rejectedBeforeMethod() -> [String]? {
        guard rejectedBeforeAnyMethod else { return nil }
        return [refusalLine("right after our EAP identity \"\(identity)\""),
                "no EAP method started: the server never proposed one"]
    }

    func rejectedWithPolicyMessage() -> [String]? {
        guard outcome == .reject, clientCertificateRefusal == nil, msCHAP == nil,
              let message = serverStated([.policyRefusal])
        else { return nil }
        return [refusalLine(isEAP ? stepPoint : "to the \(method.uppercased()) request"), line(quoting: message)]
    }

    /// A PAP/CHAP refusal of a password beyond ASCII (the pre-flight noted it): NPS's code-page decoding.
    func passwordRejectedBeyondASCII() -> [String]? {
        let findings = preflight(.passwordBeyondASCII)
        guard !findings.isEmpty, let lines = passwordRejected() else { return nil }
        return lines + findings.map { "pre-flight: \($0.detail)" }
    }

    func passwordRejected() -> [String]? {
        guard outcome == .reject, !isEAP, msCHAP == nil, !statements.contains(where: \.concernsTheAccount) else {
            return nil
        }
        var lines = [refusalLine("to the \(method.uppercased()) request for \"\(identity)\"")]
        if let text = unparsableMSCHAPError {
            lines.append("MS-CHAP-Error \"\(text)\" does not parse as E=… R=… (RFC 2759 §6)")
        } else {
            lines.append("no MS-CHAP-Error or other reason in the Access-Reject")
        }
        return lines
    }

    /// A follow-up carrying the server's State refused mid-method by an Access-Reject without EAP-Message: the
    /// server that got it did not carry on the EAP conversation, as one that never started it does.
    func rejectedMidMethodWithState() -> [String]? {
        guard outcome == .reject, isEAP, methodStarted != nil, nak == nil, !innerIdentitySent, msCHAP == nil,
              finalRequestHadState, answeredCount >= 2, failureKind == .eapFailure, finalReplyWithoutEAP
        else { return nil }
        let handshakes = [outerHandshake, innerHandshake].compactMap { $0 }
        guard handshakes.allSatisfy({ $0.alertsReceived.isEmpty && !$0.clientFinishedSent }) else { return nil }
        let earlier = answeredCount - 1
        return [refusalLine(stepPoint),
                "the refused request carried the server's State after \(earlier) answered round "
                    + "trip\(earlier == 1 ? "" : "s")",
                "no EAP-Failure, no TLS alert, no error code: the server did not carry on our EAP conversation"]
    }

    // MARK: - Timeouts

    private var requestCount: Int { Set(roundTrips.map(\.identifier)).count }

    private func unansweredLine(_ trip: RoundTripEvidence) -> String {
        let times = trip.transmissions == 1 ? "once" : "\(trip.transmissions) times"
        var line = "round trip \(roundTrips.count): a \(trip.requestSize)-byte \(trip.requestCode) to \(trip.server), "
            + "sent \(times), got no verified reply"
        if let eap = trip.eap { line += " (\(eap))" }
        return line
    }

    /// "2 Access-Accepts", "1 Access-Reject and 1 Access-Challenge", "3 replies" (codes unknown).
    private static func replyKinds(_ datagrams: [DiscardedDatagram]) -> String {
        var counts: [(String, Int)] = []
        for datagram in datagrams {
            let name = datagram.replyCode?.description ?? "reply"
            if let index = counts.firstIndex(where: { $0.0 == name }) { counts[index].1 += 1 }
            else { counts.append((name, 1)) }
        }
        return counts.map { "\($0.1) \($0.0)\($0.1 == 1 ? "" : "s")" }.joined(separator: " and ")
    }

    /// The early stop, when the transport gave up on a repeated unverifiable reply.
    private var stoppedEarlyLine: String? {
        guard let trip = stoppedEarly.last, let reason = trip.stoppedEarly else { return nil }
        let what = reason == .messageAuthenticatorMissing ? "unsigned" : "unverifiable"
        return "npsprobe stopped after \(trip.transmissions) transmission\(trip.transmissions == 1 ? "" : "s") "
            + "to \(trip.server): the server repeated the same \(what) reply, waiting longer changes nothing"
    }

    /// Replies arrived whose Response Authenticator verified (our secret is right) but that carried no
    /// Message-Authenticator, which the reply policy requires (RFC 3579 §3.2; BlastRADIUS, CVE-2024-3596).
    func timedOutWithUnsignedReplies() -> [String]? {
        guard outcome == .timeout, !unsignedDiscards.isEmpty, !anyReply else { return nil }
        let sources = Set(unsignedDiscards.map(\.from)).sorted().joined(separator: ", ")
        let count = unsignedDiscards.count
        var lines = ["the server answered \(count) time\(count == 1 ? "" : "s") (\(sources)): "
                     + "\(Self.replyKinds(unsignedDiscards)), all without Message-Authenticator",
                     "their Response Authenticators verified with our shared secret: the secret is right, the "
                         + "replies are unsigned and were dropped (Message-Authenticator required in replies)"]
        if let stoppedEarlyLine { lines.append(stoppedEarlyLine) }
        if !secretDiscards.isEmpty {
            lines.append("\(secretDiscards.count) other datagram\(secretDiscards.count == 1 ? "" : "s") failed "
                         + "verification with our secret: \(secretDiscards[0].reason)")
        }
        return lines
    }

    func timedOutWithBadAuthenticators() -> [String]? {
        guard outcome == .timeout, let first = secretDiscards.first else { return nil }
        let sources = Set(secretDiscards.map(\.from)).sorted().joined(separator: ", ")
        let count = secretDiscards.count
        var lines = ["the server answered \(count) time\(count == 1 ? "" : "s") (\(sources)): "
                     + "\(Self.replyKinds(secretDiscards)) that failed verification: \(first.reason)"]
        lines.append(anyReply ? "earlier replies verified, the last request got none"
                              : "no reply verified with our shared secret")
        if let stoppedEarlyLine { lines.append(stoppedEarlyLine) }
        if let unanswered { lines.append(unansweredLine(unanswered)) }
        return lines
    }

    func timedOutWithForeignReplies() -> [String]? {
        guard outcome == .timeout, let first = foreignSourceDiscards.first else { return nil }
        return ["\(foreignSourceDiscards.count) reply datagram\(foreignSourceDiscards.count == 1 ? "" : "s") "
                + first.reason] + (unanswered.map { [unansweredLine($0)] } ?? [])
    }

    func timedOutOnLargeRequest() -> [String]? {
        guard outcome == .timeout, let unanswered, let largest = largestAnsweredRequest,
              unanswered.requestSize > largest, unanswered.requestSize > Self.fragmentSuspicionSize
        else { return nil }
        return ["\(answeredCount) round trip\(answeredCount == 1 ? " was" : "s were") answered; the largest "
                + "answered request was \(largest) bytes",
                unansweredLine(unanswered),
                "the lost request is \(unanswered.requestSize - largest) bytes larger than any that got through"]
    }

    func timedOutMidConversation() -> [String]? {
        guard outcome == .timeout, let unanswered, answeredCount > 0, unanswered.requestHadState else { return nil }
        let largest = largestAnsweredRequest ?? 0
        guard unanswered.requestSize <= max(largest, Self.fragmentSuspicionSize) else { return nil }
        return ["\(answeredCount) round trip\(answeredCount == 1 ? " was" : "s were") answered by "
                + "\(roundTrips.last(where: \.answered)?.server ?? "the server")",
                unansweredLine(unanswered),
                "the lost request carried the server's State and was no larger than requests that got through "
                    + "(\(unanswered.requestSize) ≤ \(max(largest, Self.fragmentSuspicionSize)) bytes)"]
    }

    /// Requests the network refused with an ICMP error of one of `kinds`: one line per server, then what
    /// became of the others.
    func timedOutUnreachable(_ kinds: Set<UnreachableEvidence.Kind>) -> [String]? {
        guard outcome == .timeout else { return nil }
        let refused = roundTrips.filter { $0.unreachable.map { kinds.contains($0.kind) } ?? false }
        guard !refused.isEmpty else { return nil }
        var lines = refused.map { "\($0.server): \($0.unreachable!.summary), at once (\($0.requestCode))" }
        let others = roundTrips.filter { $0.unreachable == nil && !$0.answered }
        if !others.isEmpty {
            lines.append("no reply either from " + Set(others.map(\.server)).sorted().joined(separator: ", "))
        }
        return lines
    }

    func timedOutWithoutReply() -> [String]? {
        guard outcome == .timeout, !anyReply, discarded.isEmpty,
              !roundTrips.contains(where: { $0.unreachable != nil }) else { return nil }
        let transmissions = roundTrips.reduce(0) { $0 + $1.transmissions }
        let servers = Set(roundTrips.map(\.server)).sorted().joined(separator: ", ")
        var lines = ["no datagram came back from \(servers.isEmpty ? "the server" : servers) for "
                     + "\(requestCount) request\(requestCount == 1 ? "" : "s") (\(transmissions) transmission"
                     + "\(transmissions == 1 ? "" : "s"))",
                     "none failed verification either: nothing answered at all"]
        if let localError { lines.append("local: \(localError)") }
        return lines
    }

    func transportLines() -> [String] {
        var lines = ["\(answeredCount) of \(roundTrips.count) round trips answered"]
        if let unanswered { lines.append(unansweredLine(unanswered)) }
        return lines
    }

    // MARK: - Local problems and catch-alls

    func failureLines(kind: EAPPeerFailure.Kind) -> [String]? {
        guard outcome != .accept, failureKind == kind else { return nil }
        return ["the EAP peer stopped \(stepPoint): \(failureReason ?? kind.rawValue)"]
    }

    func localErrorLines() -> [String]? {
        guard outcome == .error, let localError else { return nil }
        return ["local error: \(localError)"]
    }

    func rejectLines() -> [String] {
        var lines = [refusalLine(isEAP ? stepPoint : "to the \(method.uppercased()) request")]
        if let failureReason { lines.append("the EAP peer: \(failureReason)") }
        return lines
    }

    func basicLines() -> [String] {
        var lines = ["outcome: \(outcome.rawValue) (\(method))"]
        if let failureReason { lines.append("the EAP peer: \(failureReason)") }
        if let localError { lines.append("local error: \(localError)") }
        return lines
    }
}
