/// Everything the handshake showed, in order — the diagnosis layer reads this.
///
/// The fields describe what was on the wire, whichever side records them: `serverChain` is the
/// server's Certificate message, `clientCertificateSent` the client's.
public struct TLSEvidence: Sendable, Codable, Equatable {
    /// Handshake messages, ChangeCipherSpec and alerts, in the order they were sent or received.
    public var events: [TLSEvent] = []
    public var version: TLSVersion?
    /// IANA cipher suite name, e.g. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384".
    public var cipher: String?
    /// The (EC)DHE group, e.g. "X25519", "secp256r1"; nil for RSA key transport or before the ServerHello.
    public var keyExchangeGroup: String?
    /// The server's Certificate message as presented, leaf first.
    public var serverChain: [CertificateInfo] = []
    /// The server sent a CertificateRequest (RFC 5246 §7.4.4, RFC 8446 §4.3.2).
    public var certificateRequested: Bool = false
    /// Distinguished names from the CertificateRequest's certificate_authorities (may be empty).
    public var acceptableClientCAs: [String] = []
    /// The leaf of the client's Certificate message; nil if none was sent or the message was empty.
    public var clientCertificateSent: CertificateInfo?
    /// The whole client chain as sent, leaf first (empty when none was sent).
    public var clientChainSent: [CertificateInfo] = []
    /// Why the client refused the server's chain, when it did.
    public var serverValidationFailure: ServerValidationFailure?
    /// Where the handshake stopped, as OpenSSL names its state (e.g. "SSLv3/TLS read server certificate").
    public var handshakeState: String = ""
    public var lastHandshakeMessageSent: TLSHandshakeType?
    public var lastHandshakeMessageReceived: TLSHandshakeType?
    /// The lowest and highest TLS versions our ClientHello offered (the client's configuration); nil on the
    /// server side.
    public var minimumVersionOffered: TLSVersion?
    public var maximumVersionOffered: TLSVersion?
    /// The server accepted the offered session (abbreviated handshake / PSK).
    public var resumed: Bool = false

    public init() {}

    /// Every alert either side sent, in order.
    public var alerts: [TLSEvent] {
        events.filter {
            switch $0 {
            case .alertSent, .alertReceived: return true
            default: return false
            }
        }
    }

    /// The alerts we received.
    public var alertsReceived: [TLSAlert] {
        events.compactMap { if case .alertReceived(let alert) = $0 { return alert } else { return nil } }
    }

    /// The alerts we sent.
    public var alertsSent: [TLSAlert] {
        events.compactMap { if case .alertSent(let alert) = $0 { return alert } else { return nil } }
    }

    /// The handshake messages we sent, in order.
    public var handshakeMessagesSent: [TLSHandshakeType] {
        events.compactMap { if case .handshakeSent(let type) = $0 { return type } else { return nil } }
    }

    /// The handshake messages we received, in order.
    public var handshakeMessagesReceived: [TLSHandshakeType] {
        events.compactMap { if case .handshakeReceived(let type) = $0 { return type } else { return nil } }
    }
}

/// One thing that crossed the wire during the handshake (or after it, for alerts).
public enum TLSEvent: Sendable, Codable, Equatable, CustomStringConvertible {
    /// ClientHello, Certificate, ClientKeyExchange, CertificateVerify, Finished, …
    case handshakeSent(message: TLSHandshakeType)
    /// ServerHello, Certificate, CertificateRequest, ServerHelloDone, NewSessionTicket, …
    case handshakeReceived(message: TLSHandshakeType)
    case changeCipherSpecSent, changeCipherSpecReceived
    case alertSent(alert: TLSAlert), alertReceived(alert: TLSAlert)

    public var description: String {
        switch self {
        case .handshakeSent(let type): return "→ \(type)"
        case .handshakeReceived(let type): return "← \(type)"
        case .changeCipherSpecSent: return "→ ChangeCipherSpec"
        case .changeCipherSpecReceived: return "← ChangeCipherSpec"
        case .alertSent(let alert): return "→ alert \(alert)"
        case .alertReceived(let alert): return "← alert \(alert)"
        }
    }
}

/// A TLS HandshakeType (RFC 5246 §7.4, RFC 8446 §4): the first octet of a handshake message.
///
/// Encoded as its RFC name (`"ClientHello"`, `"HandshakeType(99)"` for unassigned values), the form `--json`
/// has always carried; the diagnosis compares the typed value.
public struct TLSHandshakeType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let helloRequest = TLSHandshakeType(rawValue: 0)
    public static let clientHello = TLSHandshakeType(rawValue: 1)
    public static let serverHello = TLSHandshakeType(rawValue: 2)
    public static let newSessionTicket = TLSHandshakeType(rawValue: 4)
    public static let encryptedExtensions = TLSHandshakeType(rawValue: 8)
    public static let certificate = TLSHandshakeType(rawValue: 11)
    public static let serverKeyExchange = TLSHandshakeType(rawValue: 12)
    public static let certificateRequest = TLSHandshakeType(rawValue: 13)
    public static let serverHelloDone = TLSHandshakeType(rawValue: 14)
    public static let certificateVerify = TLSHandshakeType(rawValue: 15)
    public static let clientKeyExchange = TLSHandshakeType(rawValue: 16)
    public static let finished = TLSHandshakeType(rawValue: 20)

    private static let names: [UInt8: String] = [
        0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 3: "HelloVerifyRequest", 4: "NewSessionTicket",
        5: "EndOfEarlyData", 6: "HelloRetryRequest", 8: "EncryptedExtensions", 11: "Certificate",
        12: "ServerKeyExchange", 13: "CertificateRequest", 14: "ServerHelloDone", 15: "CertificateVerify",
        16: "ClientKeyExchange", 20: "Finished", 21: "CertificateURL", 22: "CertificateStatus",
        23: "SupplementalData", 24: "KeyUpdate", 67: "NextProtocol", 254: "MessageHash",
    ]

    /// The RFC name, e.g. "ClientHello"; "HandshakeType(N)" for values without one.
    public var name: String { Self.names[rawValue] ?? "HandshakeType(\(rawValue))" }
    public var description: String { name }

    /// The type a name stands for: an RFC name or "HandshakeType(N)" (what ``name`` writes).
    public init?(name: String) {
        if let entry = Self.names.first(where: { $0.value == name }) {
            rawValue = entry.key
        } else if name.hasPrefix("HandshakeType("), name.hasSuffix(")"),
                  let value = UInt8(name.dropFirst("HandshakeType(".count).dropLast()) {
            rawValue = value
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let type = TLSHandshakeType(name: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "no TLS handshake type \(name)")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// A TLS alert (RFC 5246 §7.2, RFC 8446 §6).
public struct TLSAlert: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Level: String, Sendable, Codable {
        case warning, fatal
    }

    public var level: Level
    public var code: UInt8
    /// The RFC name, e.g. "unknown_ca", "certificate_expired"; "alert(N)" for unassigned codes.
    public var name: String

    public init(level: Level, code: UInt8) {
        self.level = level
        self.code = code
        self.name = Self.name(for: code)
    }

    /// From the two bytes of an Alert record: level (1 warning, 2 fatal), description.
    init(wire level: UInt8, _ code: UInt8) {
        self.init(level: level == 1 ? .warning : .fatal, code: code)
    }

    public var description: String { "\(level) \(name) (\(code))" }

    /// The AlertDescription, typed: what the diagnosis compares.
    public var kind: Kind { Kind(rawValue: code) }

    /// An AlertDescription (RFC 8446 §6.2, RFC 5246 §7.2.2): the constants the diagnosis asks about.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let closeNotify = Kind(rawValue: 0)
        public static let handshakeFailure = Kind(rawValue: 40)
        public static let badCertificate = Kind(rawValue: 42)
        public static let unsupportedCertificate = Kind(rawValue: 43)
        public static let certificateRevoked = Kind(rawValue: 44)
        public static let certificateExpired = Kind(rawValue: 45)
        public static let certificateUnknown = Kind(rawValue: 46)
        public static let unknownCA = Kind(rawValue: 48)
        public static let accessDenied = Kind(rawValue: 49)
        public static let decodeError = Kind(rawValue: 50)
        public static let protocolVersion = Kind(rawValue: 70)
        public static let insufficientSecurity = Kind(rawValue: 71)
        public static let inappropriateFallback = Kind(rawValue: 86)
        public static let certificateRequired = Kind(rawValue: 116)

        public var name: String { TLSAlert.name(for: rawValue) }
        public var description: String { name }
    }

    /// RFC 8446 §6 AlertDescription, plus the RFC 5246 values TLS 1.3 retired.
    public static func name(for code: UInt8) -> String {
        switch code {
        case 0: return "close_notify"
        case 10: return "unexpected_message"
        case 20: return "bad_record_mac"
        case 21: return "decryption_failed"
        case 22: return "record_overflow"
        case 30: return "decompression_failure"
        case 40: return "handshake_failure"
        case 41: return "no_certificate"
        case 42: return "bad_certificate"
        case 43: return "unsupported_certificate"
        case 44: return "certificate_revoked"
        case 45: return "certificate_expired"
        case 46: return "certificate_unknown"
        case 47: return "illegal_parameter"
        case 48: return "unknown_ca"
        case 49: return "access_denied"
        case 50: return "decode_error"
        case 51: return "decrypt_error"
        case 60: return "export_restriction"
        case 70: return "protocol_version"
        case 71: return "insufficient_security"
        case 80: return "internal_error"
        case 86: return "inappropriate_fallback"
        case 90: return "user_canceled"
        case 100: return "no_renegotiation"
        case 109: return "missing_extension"
        case 110: return "unsupported_extension"
        case 111: return "certificate_unobtainable"
        case 112: return "unrecognized_name"
        case 113: return "bad_certificate_status_response"
        case 114: return "bad_certificate_hash_value"
        case 115: return "unknown_psk_identity"
        case 116: return "certificate_required"
        case 120: return "no_application_protocol"
        default: return "alert(\(code))"
        }
    }
}

/// Which server check failed, like Windows "Verify the server's identity by validating the certificate".
public struct ServerValidationFailure: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case expired, notYetValid, revoked, untrustedRoot, incompleteChain, nameMismatch, missingServerAuthEKU
        case signatureFailure, other
    }

    public var kind: Kind
    /// e.g. "certificate has expired (notAfter 2024-01-01T00:00:00Z)".
    public var detail: String
    /// 0 = the server's leaf, 1 = its issuer, …
    public var certificateDepth: Int
    /// OpenSSL's X509_V_ERR text, e.g. "certificate has expired".
    public var openSSLError: String?

    public init(kind: Kind, detail: String, certificateDepth: Int, openSSLError: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.certificateDepth = certificateDepth
        self.openSSLError = openSSLError
    }
}

/// RFC 5216 §2.3 / RFC 9190 §2.3 keys of an EAP-TLS family method.
public struct EAPKeyMaterial: Sendable, Equatable {
    /// Master Session Key, 64 bytes.
    public var msk: [UInt8]
    /// Extended Master Session Key, 64 bytes.
    public var emsk: [UInt8]
    /// Session-Id: Type-Code || client.random || server.random (TLS ≤ 1.2), Type-Code || Method-Id (1.3).
    public var sessionId: [UInt8]

    public init(msk: [UInt8], emsk: [UInt8], sessionId: [UInt8]) {
        self.msk = msk
        self.emsk = emsk
        self.sessionId = sessionId
    }
}
