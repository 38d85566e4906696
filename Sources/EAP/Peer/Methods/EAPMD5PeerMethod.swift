import TLS

extension EAPMethodKind {
    /// EAP-MD5-Challenge (type 4, RFC 3748 §5.4): a password, no keys, no server authentication; not inside PEAP.
    public static let md5 = EAPMethodKind(name: "md5", type: .md5Challenge, capabilities: [.password]) {
        credentials throws(EAPError) in .md5(password: try credentials.requirePassword("EAP-MD5"))
    }
}

extension EAPMethodConfiguration {
    /// EAP-MD5-Challenge (RFC 3748 §5.4). The password is hashed as its UTF-8 octets (RFC 3748 §5).
    public static func md5(password: String) -> EAPMethodConfiguration {
        EAPMethodConfiguration(EAPMD5Configuration(password: password))
    }
}

struct EAPMD5Configuration: PeerMethodConfiguration {
    let password: String

    var kind: EAPMethodKind { .md5 }

    func makeMethod(_ setup: MethodSetup) -> any PeerMethod { EAPMD5PeerMethod(password: Array(password.utf8)) }
}

/// An MD5-Challenge Request or Response's Type-Data (RFC 3748 §5.4, the CHAP format of RFC 1994 §4.1):
/// Value-Size, Value, then an optional Name.
public struct EAPMD5Challenge: Hashable, Sendable {
    public var value: [UInt8]
    public var name: [UInt8]

    public init(value: [UInt8], name: [UInt8] = []) {
        self.value = value
        self.name = name
    }

    /// Validates, then decodes: a Value-Size of at least 1 that fits the Type-Data.
    public init(typeData: [UInt8]) throws(EAPError) {
        guard let size = typeData.first else { throw EAPError(.truncated, "an MD5-Challenge without Value-Size") }
        guard size > 0 else { throw EAPError(.invalidValueSize, "an MD5-Challenge Value-Size of 0", offset: 0) }
        guard Int(size) <= typeData.count - 1 else {
            throw EAPError(.lengthMismatch, "MD5-Challenge Value-Size \(size) with \(typeData.count - 1) octets "
                           + "after it", offset: 0)
        }
        value = Array(typeData[1...Int(size)])
        name = Array(typeData[(Int(size) + 1)...])
    }

    public func typeData() -> [UInt8] { [UInt8(value.count)] + value + name }

    /// RFC 1994 §4.1 (RFC 3748 §5.4): MD5 over the Identifier, the secret, then the challenge Value.
    public static func responseValue(identifier: UInt8, password: [UInt8], challenge: [UInt8]) -> [UInt8] {
        Digest.md5([identifier], password, challenge)
    }
}

/// The peer side of EAP-MD5-Challenge (RFC 3748 §5.4): each Challenge gets MD5(Identifier ‖ password ‖ Value),
/// without a Name (as wpa_supplicant). The server proves nothing and no keys come of it, so once we answered the
/// server's EAP-Success is all the method can wait for.
struct EAPMD5PeerMethod: PeerMethod {
    let password: [UInt8]

    private enum State {
        case awaitingChallenge
        /// Our Response is out; EAP-Success or EAP-Failure is due (a new Challenge is answered again).
        case responded
    }

    private var state = State.awaitingChallenge

    init(password: [UInt8]) { self.password = password }

    var mayAcceptSuccess: Bool {
        if case .responded = state { return true }
        return false
    }

    mutating func process(_ request: EAPPacket, _ ctx: inout PeerContext) -> MethodReply {
        ctx.step = .method(type: EAPType.md5Challenge.rawValue)
        let challenge: EAPMD5Challenge
        do {
            challenge = try EAPMD5Challenge(typeData: request.typeData)
        } catch {
            return .fail(.violation("malformed MD5-Challenge request", error))
        }
        let value = EAPMD5Challenge.responseValue(identifier: request.identifier, password: password,
                                                  challenge: challenge.value)
        state = .responded
        return .build("MD5-Challenge response") { () throws(EAPError) in
            try EAPPacket(code: .response, identifier: request.identifier, type: .md5Challenge,
                          typeData: EAPMD5Challenge(value: value).typeData())
        }
    }

    func result() -> Result<EAPPeerResult, MethodFailure> {
        .success(EAPPeerResult(
            method: .md5Challenge, innerMethod: nil, msk: [], emsk: nil, sessionId: nil, expectedMPPE: nil, tls: nil,
            innerTLS: nil, cryptoBinding: .notApplicable, resumed: false, innerMethodRan: false, resumptionState: nil))
    }
}
