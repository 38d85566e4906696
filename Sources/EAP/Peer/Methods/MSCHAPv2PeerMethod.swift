import TLS

extension EAPMethodKind {
    /// EAP-MSCHAPv2 (type 26, draft-kamath-pppext-eap-mschapv2): a password, keys from RFC 3079; PEAP-MSCHAPv2
    /// inside PEAP.
    public static let mschapv2 = EAPMethodKind(
        name: "mschapv2", type: .mschapv2, capabilities: [.password, .changesPassword, .derivesKeys, .insidePEAP]
    ) { credentials throws(EAPError) in
        .mschapv2(MSCHAPv2Credentials(username: credentials.identity,
                                      password: try credentials.requirePassword("EAP-MSCHAPv2"),
                                      newPassword: credentials.newPassword))
    }
}

extension EAPMethodConfiguration {
    /// EAP-MSCHAPv2 (type 26): bare, outside any tunnel, or as PEAP's inner method.
    public static func mschapv2(_ credentials: MSCHAPv2Credentials) -> EAPMethodConfiguration {
        EAPMethodConfiguration(credentials)
    }
}

extension MSCHAPv2Credentials: PeerMethodConfiguration {
    var kind: EAPMethodKind { .mschapv2 }

    func makeMethod(_ setup: MethodSetup) -> any PeerMethod {
        MSCHAPv2PeerMethod(credentials: self, inner: setup.inner)
    }
}

/// The peer side of EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2 §2; RFC 2759), bare or inside PEAP.
///
/// Challenge → Response; Success → the authenticator response (S=) must prove the server knows the password
/// (RFC 2759 §8.8), else the server is an impostor and we stop; Failure → decoded and answered, or, for an
/// expired password (E=648) with a new password configured, answered with Change-Password (RFC 2759 §7).
struct MSCHAPv2PeerMethod: PeerMethod {
    let credentials: MSCHAPv2Credentials
    let inner: Bool

    /// The values a Success must be checked against and the keys come from.
    private struct Exchange {
        var passwordHash: [UInt8]
        var ntResponse: [UInt8]
        var peerChallenge: [UInt8]
        var authenticatorChallenge: [UInt8]
        /// The password-expired Failure this exchange answered with Change-Password; nil for a first Response.
        var expired: MSCHAPv2Failure?
    }

    private enum State {
        case awaitingChallenge
        /// Our Response (or Change-Password) is out; the server's Success or Failure is due.
        case responded(Exchange)
        /// The server proved itself (S=) and we acknowledged.
        case succeeded(Exchange)
        /// The server's Failure (acknowledged), or a Success that proved nothing; `passwordChanged`: we already
        /// tried Change-Password once.
        case failed(MSCHAPv2Failure?, passwordChanged: Bool)
    }

    private var state = State.awaitingChallenge

    init(credentials: MSCHAPv2Credentials, inner: Bool) {
        self.credentials = credentials
        self.inner = inner
    }

    var mayAcceptSuccess: Bool {
        if case .succeeded = state { return true }
        return false
    }

    /// The last Failure the server sent.
    var lastFailure: MSCHAPv2Failure? {
        switch state {
        case .awaitingChallenge: return nil
        case .responded(let exchange), .succeeded(let exchange): return exchange.expired
        case .failed(let failure, _): return failure
        }
    }

    var reportedFailure: String? { lastFailure.map { "MS-CHAPv2 \($0.text)" } }

    func annotate(_ failure: inout EAPPeerFailure) {
        failure.msCHAPv2 = failure.msCHAPv2 ?? lastFailure
    }

    /// The MSK, 64 octets (hostapd `eap_mschapv2_getKey`: send key ‖ receive key ‖ 32 zeros).
    var msk: [UInt8]? {
        guard case .succeeded(let exchange) = state else { return nil }
        return try? MSCHAPv2.msk(passwordHash: exchange.passwordHash, ntResponse: exchange.ntResponse)
    }

    /// The PEAP crypto-binding ISK: send key ‖ receive key ([MS-PEAP] §3.1.5.5.2.2).
    var innerSessionKey: [UInt8]? {
        guard case .succeeded(let exchange) = state else { return nil }
        return try? MSCHAPv2.peerInnerSessionKey(passwordHash: exchange.passwordHash,
                                                 ntResponse: exchange.ntResponse)
    }

    func result() -> Result<EAPPeerResult, MethodFailure> {
        guard let msk else { return .failure(.violation("EAP-MSCHAPv2 keys are not available")) }
        return .success(EAPPeerResult(
            method: .mschapv2, innerMethod: nil, msk: msk, emsk: nil, sessionId: nil,
            expectedMPPE: EAPPeerResult.expectedMPPEKeys(method: .mschapv2, msk: msk), tls: nil, innerTLS: nil,
            cryptoBinding: .notApplicable, resumed: false, innerMethodRan: false, resumptionState: nil))
    }

    private var responseStep: EAPStep { inner ? .innerMSCHAPv2Response : .msCHAPv2Response }

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        if !inner, case .awaitingChallenge = state { ctx.step = .method(type: EAPType.mschapv2.rawValue) }
        let decoded: MSCHAPv2Request
        do {
            decoded = try MSCHAPv2Request(packet: request)
        } catch {
            return .fail(.violation("malformed EAP-MSCHAPv2 request", error))
        }
        do {
            switch decoded {
            case .challenge(let challenge):
                return try answer(challenge, request, &ctx)
            case .success(let success):
                return try verify(success, request, &ctx)
            case .failure(let failure):
                return try answer(failure, request, &ctx)
            }
        } catch {
            return .fail(error)
        }
    }

    /// RFC 2759 §4, §8.1: a fresh Peer-Challenge, the NT-Response over the user name without its domain.
    private mutating func answer(_ challenge: MSCHAPv2Challenge, _ request: EAPPacket, _ ctx: inout PeerContext)
        throws(MethodFailure) -> MethodReply
    {
        guard case .awaitingChallenge = state else {
            throw .violation("a second MS-CHAPv2 Challenge after our Response")
        }
        ctx.record(.msCHAPv2Challenge)
        let peerChallenge = try freshChallenge(ctx.random)
        return try Self.decoding { () throws(EAPError) in
            try MSCHAPv2.checkPassword(credentials.password)
            let passwordHash = MSCHAPv2.ntPasswordHash(credentials.password)
            let response = try MSCHAPv2Response(answering: challenge, identity: credentials.username,
                                                passwordHash: passwordHash, peerChallenge: peerChallenge)
            state = .responded(Exchange(passwordHash: passwordHash, ntResponse: response.ntResponse,
                                        peerChallenge: peerChallenge, authenticatorChallenge: challenge.challenge))
            ctx.step = responseStep
            return .send(try response.packet(identifier: request.identifier))
        }
    }

    /// RFC 2759 §8.8: the server proves knowledge of the password; a mismatch is an impostor and ends the
    /// conversation without a response (hostapd does the same).
    private mutating func verify(_ success: MSCHAPv2SuccessRequest, _ request: EAPPacket, _ ctx: inout PeerContext)
        throws(MethodFailure) -> MethodReply
    {
        guard case .responded(let exchange) = state else {
            throw .violation("an MS-CHAPv2 Success before our Response")
        }
        let expected = try Self.decoding { () throws(EAPError) in
            try MSCHAPv2.authenticatorResponseDigest(
                passwordHash: exchange.passwordHash, ntResponse: exchange.ntResponse,
                peerChallenge: exchange.peerChallenge, authenticatorChallenge: exchange.authenticatorChallenge,
                userName: MSCHAPv2.challengeUserName(credentials.username))
        }
        guard success.verifies(expectedDigest: expected) else {
            ctx.record(.msCHAPv2Success(verified: false))
            state = .failed(exchange.expired, passwordChanged: exchange.expired != nil)
            let received = success.authenticatorResponseText
            throw MethodFailure(kind: .impostor,
                                reason: "the server's MS-CHAPv2 authenticator response \(received) does not prove "
                                    + "knowledge of the password (RFC 2759 §8.8)")
        }
        ctx.record(.msCHAPv2Success(verified: true))
        state = .succeeded(exchange)
        ctx.step = inner ? .innerMethodSucceeded(type: EAPType.mschapv2.rawValue)
            : .methodSucceeded(type: EAPType.mschapv2.rawValue)
        return try Self.decoding { () throws(EAPError) in
            .send(try EAPPacket.msCHAPv2SuccessResponse(identifier: request.identifier))
        }
    }

    /// RFC 2759 §6–7: the failure is recorded; an expired password is changed once when a new one is configured,
    /// any other failure is acknowledged (no retry: the peer has one password).
    private mutating func answer(_ request: MSCHAPv2FailureRequest, _ packet: EAPPacket, _ ctx: inout PeerContext)
        throws(MethodFailure) -> MethodReply
    {
        let failure = request.failure
        ctx.record(.msCHAPv2Failure(failure: failure))
        let passwordChanged: Bool
        switch state {
        case .awaitingChallenge: passwordChanged = false
        case .responded(let exchange), .succeeded(let exchange): passwordChanged = exchange.expired != nil
        case .failed(_, let changed): passwordChanged = changed
        }
        if failure.code == .passwordExpired, let newPassword = credentials.newPassword, !passwordChanged,
           let challenge = failure.challenge, challenge.count == 16
        {
            let peerChallenge = try freshChallenge(ctx.random)
            return try Self.decoding { () throws(EAPError) in
                try MSCHAPv2.checkPassword(credentials.password)
                let change = try MSCHAPv2ChangePassword(
                    answering: request, identity: credentials.username,
                    oldPasswordHash: MSCHAPv2.ntPasswordHash(credentials.password), newPassword: newPassword,
                    peerChallenge: peerChallenge, random: ctx.random)
                state = .responded(Exchange(passwordHash: MSCHAPv2.ntPasswordHash(newPassword),
                                            ntResponse: change.ntResponse, peerChallenge: peerChallenge,
                                            authenticatorChallenge: challenge, expired: failure))
                ctx.record(.changePasswordSent)
                ctx.step = responseStep
                return .send(try change.packet(identifier: packet.identifier))
            }
        }
        state = .failed(failure, passwordChanged: passwordChanged)
        return try Self.decoding { () throws(EAPError) in
            .send(try EAPPacket.msCHAPv2FailureResponse(identifier: packet.identifier))
        }
    }

    private func freshChallenge(_ random: any RandomSource) throws(MethodFailure) -> [UInt8] {
        let bytes = random.bytes(16)
        guard bytes.count == 16 else {
            throw .configuration("the random source returned \(bytes.count) octets, 16 needed")
        }
        return bytes
    }

    /// An MS-CHAPv2 computation's error as the method's failure: a password MS-CHAPv2 cannot carry is our
    /// configuration, anything else the server's packet.
    private static func decoding<T>(_ body: () throws(EAPError) -> T) throws(MethodFailure) -> T {
        do {
            return try body()
        } catch {
            let kind: EAPPeerFailure.Kind = error.code == .passwordTooLong ? .configuration : .protocolViolation
            throw MethodFailure(kind: kind, reason: "EAP-MSCHAPv2: \(error.reason)", eapError: error)
        }
    }
}
