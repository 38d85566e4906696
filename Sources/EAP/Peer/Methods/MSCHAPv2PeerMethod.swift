import TLS

/// The peer side of EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2 §2; RFC 2759), bare or inside PEAP.
///
/// Challenge → Response; Success → the authenticator response (S=) must prove the server knows the password
/// (RFC 2759 §8.8), else the server is an impostor and we stop; Failure → decoded and answered, or, for an
/// expired password (E=648) with a new password configured, answered with Change-Password (RFC 2759 §7).
struct MSCHAPv2PeerMethod {
    let credentials: MSCHAPv2Credentials
    let inner: Bool

    /// The values a Success must be checked against and the keys come from.
    private struct Exchange {
        var passwordHash: [UInt8]
        var ntResponse: [UInt8]
        var peerChallenge: [UInt8]
        var authenticatorChallenge: [UInt8]
    }

    private enum State {
        case awaitingChallenge
        case responded(Exchange)
        case succeeded(Exchange)
        case failed
    }

    private var state = State.awaitingChallenge
    private var changedPassword = false
    /// The last Failure the server sent.
    private(set) var lastFailure: MSCHAPv2Failure?

    init(credentials: MSCHAPv2Credentials, inner: Bool) {
        self.credentials = credentials
        self.inner = inner
    }

    var hasSucceeded: Bool {
        if case .succeeded = state { return true }
        return false
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

    private var responseStep: EAPStep { inner ? .innerMSCHAPv2Response : .msCHAPv2Response }

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        let decoded: MSCHAPv2Request
        do {
            decoded = try MSCHAPv2Request(packet: request)
        } catch {
            return .fail(.violation("malformed EAP-MSCHAPv2 request", error as? EAPError))
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
        } catch let error as MethodFailure {
            return .fail(error)
        } catch {
            let error = error as? EAPError
            let kind: EAPPeerFailure.Kind = error?.code == .passwordTooLong ? .configuration : .protocolViolation
            return .fail(MethodFailure(kind: kind, reason: "EAP-MSCHAPv2: \(error?.reason ?? "\(error as Any)")",
                                       eapError: error))
        }
    }

    /// RFC 2759 §4, §8.1: a fresh Peer-Challenge, the NT-Response over the user name without its domain.
    private mutating func answer(_ challenge: MSCHAPv2Challenge, _ request: EAPPacket, _ ctx: inout PeerContext)
        throws -> MethodReply
    {
        guard case .awaitingChallenge = state else {
            throw MethodFailure.violation("a second MS-CHAPv2 Challenge after our Response")
        }
        ctx.record(.msCHAPv2Challenge)
        try MSCHAPv2.checkPassword(credentials.password)
        let passwordHash = MSCHAPv2.ntPasswordHash(credentials.password)
        let peerChallenge = try freshChallenge(ctx.random)
        let response = try MSCHAPv2Response(answering: challenge, identity: credentials.username,
                                            passwordHash: passwordHash, peerChallenge: peerChallenge)
        state = .responded(Exchange(passwordHash: passwordHash, ntResponse: response.ntResponse,
                                    peerChallenge: peerChallenge, authenticatorChallenge: challenge.challenge))
        ctx.step = responseStep
        return .send(try response.packet(identifier: request.identifier))
    }

    /// RFC 2759 §8.8: the server proves knowledge of the password; a mismatch is an impostor and ends the
    /// conversation without a response (hostapd does the same).
    private mutating func verify(_ success: MSCHAPv2SuccessRequest, _ request: EAPPacket, _ ctx: inout PeerContext)
        throws -> MethodReply
    {
        guard case .responded(let exchange) = state else {
            throw MethodFailure.violation("an MS-CHAPv2 Success before our Response")
        }
        let expected = try MSCHAPv2.authenticatorResponseDigest(
            passwordHash: exchange.passwordHash, ntResponse: exchange.ntResponse,
            peerChallenge: exchange.peerChallenge, authenticatorChallenge: exchange.authenticatorChallenge,
            userName: MSCHAPv2.challengeUserName(credentials.username))
        guard success.verifies(expectedDigest: expected) else {
            ctx.record(.msCHAPv2Success(verified: false))
            state = .failed
            let received = success.authenticatorResponseText
            throw MethodFailure(kind: .impostor,
                                reason: "the server's MS-CHAPv2 authenticator response \(received) does not prove "
                                    + "knowledge of the password (RFC 2759 §8.8)")
        }
        ctx.record(.msCHAPv2Success(verified: true))
        state = .succeeded(exchange)
        ctx.step = inner ? .innerMethodSucceeded(type: EAPType.mschapv2.rawValue)
            : .methodSucceeded(type: EAPType.mschapv2.rawValue)
        return .send(try EAPPacket.msCHAPv2SuccessResponse(identifier: request.identifier))
    }

    /// RFC 2759 §6–7: the failure is recorded; an expired password is changed once when a new one is configured,
    /// any other failure is acknowledged (no retry: the peer has one password).
    private mutating func answer(_ request: MSCHAPv2FailureRequest, _ packet: EAPPacket, _ ctx: inout PeerContext)
        throws -> MethodReply
    {
        let failure = request.failure
        ctx.record(.msCHAPv2Failure(failure: failure))
        lastFailure = failure
        if failure.code == .passwordExpired, let newPassword = credentials.newPassword, !changedPassword,
           failure.challenge?.count == 16
        {
            let peerChallenge = try freshChallenge(ctx.random)
            try MSCHAPv2.checkPassword(credentials.password)
            let change = try MSCHAPv2ChangePassword(
                answering: request, identity: credentials.username,
                oldPasswordHash: MSCHAPv2.ntPasswordHash(credentials.password), newPassword: newPassword,
                peerChallenge: peerChallenge, random: ctx.random)
            changedPassword = true
            state = .responded(Exchange(passwordHash: MSCHAPv2.ntPasswordHash(newPassword),
                                        ntResponse: change.ntResponse, peerChallenge: peerChallenge,
                                        authenticatorChallenge: failure.challenge ?? []))
            ctx.record(.changePasswordSent)
            ctx.step = responseStep
            return .send(try change.packet(identifier: packet.identifier))
        }
        state = .failed
        return .send(try EAPPacket.msCHAPv2FailureResponse(identifier: packet.identifier))
    }

    private func freshChallenge(_ random: any RandomSource) throws -> [UInt8] {
        let bytes = random.bytes(16)
        guard bytes.count == 16 else {
            throw MethodFailure.configuration("the random source returned \(bytes.count) octets, 16 needed")
        }
        return bytes
    }
}
