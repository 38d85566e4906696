import Evidence
import EAP
import RADIUS
import TLS

/// How a conversation authenticates. Credentials are loaded before the run (TLS contexts once per
/// profile); a method value is cheap to copy into thousands of conversations.
public enum AuthenticationMethod: Sendable {
    /// PAP: User-Password hidden with the shared secret (RFC 2865 §5.2), the password's octets in `encoding`.
    case pap(password: String, encoding: PasswordEncoding = .utf8)
    /// CHAP: CHAP-Password over a random CHAP-Challenge (RFC 2865 §5.3, §5.40; RFC 1994), MD5 over the
    /// password's octets in `encoding`.
    case chap(password: String, encoding: PasswordEncoding = .utf8)
    /// MS-CHAPv2 without EAP, as a VPN server asks NPS (RFC 2548 §2.3: MS-CHAP-Challenge +
    /// MS-CHAP2-Response; the reply carries MS-CHAP2-Success or MS-CHAP-Error).
    case msCHAPv2(password: String)
    /// EAP over RADIUS (RFC 3579): any method the peer runs (``EAPMethod``: `eap-tls`, `peap-mschapv2`, …). The
    /// peer's TLS contexts are shared by every conversation.
    case eap(EAPPeerConfiguration)

    /// EAP-TLS and PEAP run TLS (and can resume a session); PAP, CHAP, MS-CHAPv2, EAP-MSCHAPv2 do not.
    public var usesTLS: Bool {
        guard case .eap(let configuration) = self else { return false }
        return configuration.method.method.capabilities.contains(.tls)
    }

    /// The same method offering `state` for TLS session resumption (EAP-TLS, PEAP fast reconnect); nil for
    /// methods without TLS.
    public func resuming(_ state: TLSResumptionState) -> AuthenticationMethod? {
        guard case .eap(var configuration) = self, let method = configuration.method.resuming(state) else {
            return nil
        }
        configuration.method = method
        return .eap(configuration)
    }

    /// The name used in reports and `--json` (`method`): `pap`, `chap`, `mschapv2`, or the EAP method's
    /// (``EAPMethod/name``).
    public var name: String {
        switch self {
        case .pap: return "pap"
        case .chap: return "chap"
        case .msCHAPv2: return "mschapv2"
        case .eap(let configuration): return configuration.method.method.name
        }
    }
}

/// One authentication to run: who, how, and the NAS attributes every Access-Request carries.
public struct AuthenticationRequest: Sendable {
    public var userName: String
    public var method: AuthenticationMethod
    /// NAS-IP-Address, NAS-Identifier, Calling-Station-Id, Service-Type, `--attr` extras…
    public var attributes: [RADIUSAttribute]
    /// The local checks of the client certificate, made once when the credentials were loaded; copied into
    /// the evidence of every conversation.
    public var preflight: [PreflightFinding]
    /// A safety bound on EAP round trips: a server that never ends the conversation is reported, not obeyed.
    public var maximumRoundTrips: Int

    public init(userName: String, method: AuthenticationMethod, attributes: [RADIUSAttribute],
                preflight: [PreflightFinding] = [], maximumRoundTrips: Int = 100) {
        self.userName = userName
        self.method = method
        self.attributes = attributes
        self.preflight = preflight
        self.maximumRoundTrips = maximumRoundTrips
    }
}

/// What a method decided about a verified final reply.
struct MethodVerdict {
    var outcome: ConversationEvidence.Outcome
    /// MPPE keys the server should have sent, from the client's view: (MS-MPPE-Send-Key, MS-MPPE-Recv-Key).
    var expectedMPPE: (send: [UInt8], receive: [UInt8])?
    var msCHAPError: String?
    var localError: (LocalErrorCode, String)?
}

/// The methods that need one Access-Request: PAP, CHAP, MS-CHAPv2.
struct SingleRoundTripMethod {
    static let microsoft: UInt32 = 311

    let userName: String
    let method: AuthenticationMethod
    let random: any RandomSource
    /// MS-CHAPv2 state kept between request and reply.
    private var msCHAP: (passwordHash: [UInt8], ntResponse: [UInt8], peerChallenge: [UInt8],
                         authenticatorChallenge: [UInt8])?

    init(userName: String, method: AuthenticationMethod, random: any RandomSource) {
        self.userName = userName
        self.method = method
        self.random = random
    }

    /// The method's attributes for the Access-Request (User-Name is added by the conversation).
    mutating func requestAttributes() throws(ProbeError) -> [RADIUSAttribute] {
        switch method {
        case .pap(let password, let encoding):
            // Hidden by RADIUSPacket.request (RFC 2865 §5.2); 128 octets at most.
            return [RADIUSAttribute(.userPassword, try Self.octets(password, encoding))]
        case .chap(let password, let encoding):
            let challenge = random.bytes(16)
            let identifier = random.bytes(1)[0]
            return [
                RADIUSAttribute(.chapPassword, RADIUSCrypto.chapPassword(
                    identifier: identifier, password: try Self.octets(password, encoding), challenge: challenge)),
                RADIUSAttribute(.chapChallenge, challenge),
            ]
        case .eap:
            throw ProbeError(.badInput, "EAP is not a single-round-trip method")
        case .msCHAPv2(let password):
            let authenticatorChallenge = random.bytes(16)
            let peerChallenge = random.bytes(16)
            let hash = MSCHAPv2.ntPasswordHash(password)
            let ntResponse: [UInt8]
            do {
                ntResponse = try MSCHAPv2.generateNTResponse(
                    authenticatorChallenge: authenticatorChallenge, peerChallenge: peerChallenge,
                    userName: userName, passwordHash: hash)
            } catch {
                throw ProbeError(.badInput, "MS-CHAPv2 response: \(error)")
            }
            msCHAP = (hash, ntResponse, peerChallenge, authenticatorChallenge)
            // MS-CHAP2-Response (RFC 2548 §2.3.2): Ident, Flags, Peer-Challenge, 8 reserved, NT-Response.
            let ident = random.bytes(1)[0]
            let response = [ident, 0] + peerChallenge + [UInt8](repeating: 0, count: 8) + ntResponse
            return [
                try Self.microsoftAttribute(11, authenticatorChallenge),  // MS-CHAP-Challenge (§2.3.1)
                try Self.microsoftAttribute(25, response),
            ]
        }
    }

    /// Judges the final reply (already verified as authentic).
    func verdict(on reply: RADIUSPacket) -> MethodVerdict {
        switch reply.code {
        case .accessAccept:
            guard case .msCHAPv2 = method, let state = msCHAP else {
                return MethodVerdict(outcome: .accept)
            }
            // MS-CHAP2-Success (RFC 2548 §2.3.3): Ident then "S=<40 hex>": the server proves it knew the password.
            guard let success = reply.attributes.vendorAttributes(vendor: Self.microsoft, type: 26).first,
                  success.count >= 43
            else {
                return MethodVerdict(outcome: .error, localError: (
                    .msCHAPv2SuccessMissing,
                    "Access-Accept without MS-CHAP2-Success: the server did not prove it knows the password "
                        + "(RFC 2548 §2.3.3)"))
            }
            let text = String(decoding: success.dropFirst(), as: UTF8.self)
            do {
                let digest = try MSCHAPv2.authenticatorResponseDigest(
                    passwordHash: state.passwordHash, ntResponse: state.ntResponse,
                    peerChallenge: state.peerChallenge, authenticatorChallenge: state.authenticatorChallenge,
                    userName: userName)
                guard MSCHAPv2.checkAuthenticatorResponse(String(text.prefix(42)), expectedDigest: digest) else {
                    return MethodVerdict(outcome: .error, localError: (
                        .msCHAPv2SuccessInvalid,
                        "MS-CHAP2-Success does not verify: the server is an impostor or did not check the password "
                            + "(RFC 2759 §8.8)"))
                }
                let keys = try MSCHAPv2.peerKeys(passwordHash: state.passwordHash, ntResponse: state.ntResponse)
                // The server's send key is the client's receive key (RFC 3079 §3.4).
                return MethodVerdict(outcome: .accept, expectedMPPE: (send: keys.receive, receive: keys.send))
            } catch {
                return MethodVerdict(
                    outcome: .error, localError: (.msCHAPv2KeyDerivation, "MS-CHAPv2 key derivation: \(error)"))
            }
        case .accessReject:
            var verdict = MethodVerdict(outcome: .reject)
            if let error = reply.attributes.vendorAttributes(vendor: Self.microsoft, type: 2).first, !error.isEmpty {
                verdict.msCHAPError = String(decoding: error.dropFirst(), as: UTF8.self)
            }
            return verdict
        case .accessChallenge:
            return MethodVerdict(
                outcome: .error, localError: (.unexpectedReply, "the server answered \(method.name) with "
                    + "Access-Challenge; challenge-response prompts are not supported for this method"))
        default:
            return MethodVerdict(
                outcome: .error, localError: (.unexpectedReply, "unexpected reply \(reply.code)"))
        }
    }

    static func octets(_ password: String, _ encoding: PasswordEncoding) throws(ProbeError) -> [UInt8] {
        do {
            return try encoding.encode(password)
        } catch {
            throw ProbeError(.badInput, "\(error)")
        }
    }

    static func microsoftAttribute(_ type: UInt32, _ value: [UInt8]) throws(ProbeError) -> RADIUSAttribute {
        do {
            return try RADIUSVendorSpecific(vendorID: microsoft, subAttributes: [.init(type: type, value: value)])
                .attribute(format: .standard)
        } catch {
            throw ProbeError(.badInput, "Microsoft attribute \(type): \(error)")
        }
    }
}
