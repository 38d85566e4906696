import TLS

/// When a reply must carry a Message-Authenticator to be accepted (RFC 3579 §3.2, RFC 5080 §2.2.2,
/// BlastRADIUS hardening: Windows NPS `requiremsgauth`, FreeRADIUS `require_message_authenticator`).
public struct RADIUSReplyPolicy: Hashable, Sendable {
    /// Reply codes that are rejected without a Message-Authenticator.
    public var requireMessageAuthenticator: Set<RADIUSCode>
    /// RFC 3579 §3.3: a packet with an EAP-Message must carry a Message-Authenticator.
    public var requireMessageAuthenticatorWithEAP: Bool

    public init(requireMessageAuthenticator: Set<RADIUSCode>, requireMessageAuthenticatorWithEAP: Bool = true) {
        self.requireMessageAuthenticator = requireMessageAuthenticator
        self.requireMessageAuthenticatorWithEAP = requireMessageAuthenticatorWithEAP
    }

    /// Access-Accept, Access-Reject and Access-Challenge must carry one; others are checked when present.
    public static let `default` = RADIUSReplyPolicy(
        requireMessageAuthenticator: [.accessAccept, .accessReject, .accessChallenge])
    /// Every reply must carry one.
    public static let strict = RADIUSReplyPolicy(
        requireMessageAuthenticator: [
            .accessAccept, .accessReject, .accessChallenge, .accountingResponse, .disconnectACK,
            .disconnectNAK, .coaACK, .coaNAK,
        ])
    /// Checked when present, never required (old servers); EAP replies still need one.
    public static let lenient = RADIUSReplyPolicy(requireMessageAuthenticator: [])
}

extension RADIUSPacket {
    // MARK: - Building requests

    /// Builds a signed request ready for ``encode()``.
    ///
    /// - Access-Request and Status-Server: a random 16-octet Request Authenticator from `random`
    ///   (RFC 2865 §3); a Message-Authenticator as the first attribute, always (RFC 3579 §3.2, RFC 5997 §3,
    ///   BlastRADIUS); every User-Password attribute given in clear is hidden (RFC 2865 §5.2).
    /// - Accounting-Request, CoA-Request, Disconnect-Request: the Request Authenticator is
    ///   MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret) (RFC 2866 §3, RFC 5176 §2.3);
    ///   a Message-Authenticator is added first when `messageAuthenticator` is true, computed over the packet
    ///   with a zero authenticator (RFC 5176 §3.4), before the Request Authenticator.
    ///
    /// Message-Authenticator attributes among `attributes` are replaced by the computed one. `unsigned` leaves
    /// it out even of an Access-Request: only for probing whether a server enforces it (`doctor`'s BlastRADIUS
    /// posture, CVE-2024-3596); never a default.
    public static func request(
        _ code: RADIUSCode, identifier: UInt8, attributes: [RADIUSAttribute], secret: [UInt8],
        random: any RandomSource, messageAuthenticator: Bool = false, unsigned: Bool = false
    ) throws(RADIUSError) -> RADIUSPacket {
        guard code.isRequest, code.isKnown, code != .statusClient else {
            throw RADIUSError(.notARequest, "\(code) is not a request this implementation can sign")
        }
        var attributes = attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue }
        let withMA = (code.hasRandomRequestAuthenticator || messageAuthenticator) && !unsigned
        if withMA {
            attributes.insert(RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16)), at: 0)
        }
        if code.hasRandomRequestAuthenticator {
            let authenticator = random.bytes(authenticatorLength)
            if code == .accessRequest {
                for index in attributes.indices
                where attributes[index].type == RADIUSAttributeType.userPassword.rawValue {
                    attributes[index].value = try RADIUSCrypto.hideUserPassword(
                        attributes[index].value, secret: secret, authenticator: authenticator)
                }
            }
            var packet = RADIUSPacket(
                code: code, identifier: identifier, authenticator: authenticator, attributes: attributes)
            try packet.checkEncodable()
            packet.fillMessageAuthenticator(secret: secret, authenticatorInPlace: authenticator)
            return packet
        }
        let zero = [UInt8](repeating: 0, count: authenticatorLength)
        var packet = RADIUSPacket(code: code, identifier: identifier, authenticator: zero, attributes: attributes)
        try packet.checkEncodable()
        if withMA { packet.fillMessageAuthenticator(secret: secret, authenticatorInPlace: zero) }
        packet.authenticator = Digest.md5(packet.encode(), secret)
        return packet
    }

    /// An Access-Request: random authenticator, Message-Authenticator first, User-Password hidden.
    public static func accessRequest(
        identifier: UInt8, attributes: [RADIUSAttribute], secret: [UInt8], random: any RandomSource
    ) throws(RADIUSError) -> RADIUSPacket {
        try request(.accessRequest, identifier: identifier, attributes: attributes, secret: secret, random: random)
    }

    /// A Status-Server (RFC 5997 §3): random authenticator, Message-Authenticator first.
    public static func statusServer(
        identifier: UInt8, attributes: [RADIUSAttribute] = [], secret: [UInt8], random: any RandomSource
    ) throws(RADIUSError) -> RADIUSPacket {
        try request(.statusServer, identifier: identifier, attributes: attributes, secret: secret, random: random)
    }

    /// An Accounting-Request with its MD5 Request Authenticator (RFC 2866 §3).
    public static func accountingRequest(
        identifier: UInt8, attributes: [RADIUSAttribute], secret: [UInt8], messageAuthenticator: Bool = false
    ) throws(RADIUSError) -> RADIUSPacket {
        try request(
            .accountingRequest, identifier: identifier, attributes: attributes, secret: secret,
            random: NoRandom(), messageAuthenticator: messageAuthenticator)
    }

    /// A CoA-Request or Disconnect-Request with its MD5 Request Authenticator (RFC 5176 §2.3).
    public static func dynamicAuthorizationRequest(
        _ code: RADIUSCode, identifier: UInt8, attributes: [RADIUSAttribute], secret: [UInt8],
        messageAuthenticator: Bool = false
    ) throws(RADIUSError) -> RADIUSPacket {
        guard code == .coaRequest || code == .disconnectRequest else {
            throw RADIUSError(.notARequest, "\(code) is neither CoA-Request nor Disconnect-Request")
        }
        return try request(
            code, identifier: identifier, attributes: attributes, secret: secret, random: NoRandom(),
            messageAuthenticator: messageAuthenticator)
    }

    // MARK: - Signing replies (server side)

    /// A reply to this request, signed as FreeRADIUS does: the Message-Authenticator (first attribute when
    /// `messageAuthenticator` is true) is computed with this request's authenticator in place (RFC 3579 §3.2),
    /// then the Response Authenticator = MD5(Code + ID + Length + Request Authenticator + Attributes + Secret)
    /// (RFC 2865 §3). Proxy-State attributes of the request are copied to the end (RFC 2865 §5.33).
    ///
    /// Encrypted attributes (Tunnel-Password, MS-MPPE keys) must be given already encrypted (``RADIUSCrypto``).
    public func signedReply(
        _ code: RADIUSCode, attributes: [RADIUSAttribute], secret: [UInt8], messageAuthenticator: Bool = true
    ) throws(RADIUSError) -> RADIUSPacket {
        try checkAuthenticatorLength()
        var attributes = attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue }
        if !attributes.contains(.proxyState) {
            attributes += self.attributes.filter { $0.type == RADIUSAttributeType.proxyState.rawValue }
        }
        if messageAuthenticator {
            attributes.insert(RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16)), at: 0)
        }
        var reply = RADIUSPacket(
            code: code, identifier: identifier, authenticator: authenticator, attributes: attributes)
        try reply.checkEncodable()
        if messageAuthenticator { reply.fillMessageAuthenticator(secret: secret, authenticatorInPlace: authenticator) }
        reply.authenticator = Digest.md5(reply.encode(), secret)
        return reply
    }

    // MARK: - Verifying

    /// Verifies that `self` is an authentic reply to `request` (client side), in this order:
    /// known code, a code that answers the request's, same Identifier, Message-Authenticator (verified when
    /// present, with the Request Authenticator in place — RFC 3579 §3.2; required per `policy` and whenever an
    /// EAP-Message is present), then the Response Authenticator (RFC 2865 §3). A missing Message-Authenticator
    /// is reported as missing only when the Response Authenticator verifies (the server holds our secret and does
    /// not sign); otherwise as a Response Authenticator mismatch.
    public func verifyReply(
        to request: RADIUSPacket, secret: [UInt8], policy: RADIUSReplyPolicy = .default
    ) throws(RADIUSError) {
        guard code.isKnown else {
            throw RADIUSError(
                .unknownCode, "reply code \(code.rawValue) is unknown; its authenticator cannot be checked")
        }
        guard request.code.validReplies.contains(code) else {
            throw RADIUSError(.unexpectedReplyCode, "\(code) does not answer \(request.code)")
        }
        guard identifier == request.identifier else {
            throw RADIUSError(
                .identifierMismatch, "reply Identifier \(identifier) differs from the request's \(request.identifier)",
                offset: 1)
        }
        try checkAuthenticatorLength()
        try request.checkAuthenticatorLength()
        let requiresMA =
            policy.requireMessageAuthenticator.contains(code)
            || (policy.requireMessageAuthenticatorWithEAP && attributes.contains(.eapMessage))
        do {
            try verifyMessageAuthenticator(
                secret: secret, authenticatorInPlace: request.authenticator, required: requiresMA)
        } catch where error.code == .messageAuthenticatorMissing {
            // Unsigned: say so only of a reply from a server holding our secret (its Response Authenticator
            // verifies); an unsigned reply under another secret is a wrong secret first.
            try verifyResponseAuthenticator(to: request, secret: secret)
            throw error
        }
        try verifyResponseAuthenticator(to: request, secret: secret)
    }

    /// RFC 2865 §3: Response Authenticator = MD5(Code+ID+Length+Request Authenticator+Attributes+Secret).
    private func verifyResponseAuthenticator(to request: RADIUSPacket, secret: [UInt8]) throws(RADIUSError) {
        var copy = self
        copy.authenticator = request.authenticator
        let expected = Digest.md5(copy.encode(), secret)
        guard constantTimeEquals(expected, authenticator) else {
            throw RADIUSError(
                .responseAuthenticatorMismatch,
                "the Response Authenticator of this \(code) does not verify: most often the shared secret is wrong",
                offset: 4)
        }
    }

    /// Verifies a received request (server side): for Accounting/CoA/Disconnect the MD5 Request Authenticator
    /// (RFC 2866 §3, RFC 5176 §2.3); the Message-Authenticator when present (with the received authenticator,
    /// or zeros for Accounting/CoA/Disconnect). `requireMessageAuthenticator` defaults to true for
    /// Access-Request and Status-Server; an EAP-Message always requires one (RFC 3579 §3.3).
    public func verifyRequest(secret: [UInt8], requireMessageAuthenticator: Bool? = nil) throws(RADIUSError) {
        guard code.isKnown else {
            throw RADIUSError(.unknownCode, "request code \(code.rawValue) is unknown; it cannot be checked")
        }
        guard code.isRequest, code != .statusClient else {
            throw RADIUSError(.notARequest, "\(code) is not a request")
        }
        try checkAuthenticatorLength()
        let required =
            (requireMessageAuthenticator ?? code.hasRandomRequestAuthenticator)
            || attributes.contains(.eapMessage)
        let zero = [UInt8](repeating: 0, count: Self.authenticatorLength)
        let inPlace = code.hasRandomRequestAuthenticator ? authenticator : zero
        try verifyMessageAuthenticator(secret: secret, authenticatorInPlace: inPlace, required: required)
        if !code.hasRandomRequestAuthenticator {
            var copy = self
            copy.authenticator = zero
            guard constantTimeEquals(Digest.md5(copy.encode(), secret), authenticator) else {
                throw RADIUSError(
                    .requestAuthenticatorMismatch,
                    "the Request Authenticator of this \(code) does not verify: most often the shared secret is wrong",
                    offset: 4)
            }
        }
    }

    // MARK: - Internals

    private func checkAuthenticatorLength() throws(RADIUSError) {
        guard authenticator.count == Self.authenticatorLength else {
            throw RADIUSError(
                .invalidAuthenticatorLength, "the authenticator has \(authenticator.count) octets, not 16")
        }
    }

    /// HMAC-MD5 over the packet with the Message-Authenticator zeroed and `authenticatorInPlace` in the
    /// authenticator field (RFC 3579 §3.2, RFC 2869 §5.14).
    private func messageAuthenticator(secret: [UInt8], authenticatorInPlace: [UInt8], index: Int) -> [UInt8] {
        var copy = self
        copy.authenticator = authenticatorInPlace
        copy.attributes[index].value = [UInt8](repeating: 0, count: 16)
        return HMAC.md5(key: secret, copy.encode())
    }

    private mutating func fillMessageAuthenticator(secret: [UInt8], authenticatorInPlace: [UInt8]) {
        guard let index = attributes.firstIndex(where: { $0.type == RADIUSAttributeType.messageAuthenticator.rawValue })
        else { return }
        attributes[index].value = messageAuthenticator(
            secret: secret, authenticatorInPlace: authenticatorInPlace, index: index)
    }

    private func verifyMessageAuthenticator(
        secret: [UInt8], authenticatorInPlace: [UInt8], required: Bool
    ) throws(RADIUSError) {
        let indices = attributes.indices.filter {
            attributes[$0].type == RADIUSAttributeType.messageAuthenticator.rawValue
        }
        guard let index = indices.first else {
            if required {
                throw RADIUSError(
                    .messageAuthenticatorMissing,
                    "this \(code) has no Message-Authenticator and one is required (RFC 3579 §3.2; "
                        + "a server that omits it is unpatched for BlastRADIUS or the policy is wrong)")
            }
            return
        }
        guard indices.count == 1 else {
            throw RADIUSError(.duplicateMessageAuthenticator, "more than one Message-Authenticator")
        }
        guard attributes[index].value.count == 16 else {
            throw RADIUSError(
                .invalidMessageAuthenticatorLength,
                "Message-Authenticator has \(attributes[index].value.count) octets of value, not 16")
        }
        let expected = messageAuthenticator(secret: secret, authenticatorInPlace: authenticatorInPlace, index: index)
        guard constantTimeEquals(expected, attributes[index].value) else {
            throw RADIUSError(
                .messageAuthenticatorMismatch,
                "the Message-Authenticator of this \(code) does not verify: most often the shared secret is wrong")
        }
    }
}

/// Accounting and dynamic-authorization requests need no randomness; this source is never asked.
private struct NoRandom: RandomSource {
    func bytes(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }
}
