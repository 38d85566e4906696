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
    public var lastHandshakeMessageSent: String?
    public var lastHandshakeMessageReceived: String?
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

    /// Names of the handshake messages we sent, in order.
    public var handshakeMessagesSent: [String] {
        events.compactMap { if case .handshakeSent(let name) = $0 { return name } else { return nil } }
    }

    /// Names of the handshake messages we received, in order.
    public var handshakeMessagesReceived: [String] {
        events.compactMap { if case .handshakeReceived(let name) = $0 { return name } else { return nil } }
    }
}

/// One thing that crossed the wire during the handshake (or after it, for alerts).
public enum TLSEvent: Sendable, Codable, Equatable, CustomStringConvertible {
    /// "ClientHello", "Certificate", "ClientKeyExchange", "CertificateVerify", "Finished", …
    case handshakeSent(message: String)
    /// "ServerHello", "Certificate", "CertificateRequest", "ServerHelloDone", "NewSessionTicket", …
    case handshakeReceived(message: String)
    case changeCipherSpecSent, changeCipherSpecReceived
    case alertSent(alert: TLSAlert), alertReceived(alert: TLSAlert)

    public var description: String {
        switch self {
        case .handshakeSent(let name): return "→ \(name)"
        case .handshakeReceived(let name): return "← \(name)"
        case .changeCipherSpecSent: return "→ ChangeCipherSpec"
        case .changeCipherSpecReceived: return "← ChangeCipherSpec"
        case .alertSent(let alert): return "→ alert \(alert)"
        case .alertReceived(let alert): return "← alert \(alert)"
        }
    }

    /// RFC 5246 §7.4 / RFC 8446 §4 HandshakeType names.
    static func handshakeName(_ type: UInt8) -> String {
        switch type {
        case 0: return "HelloRequest"
        case 1: return "ClientHello"
        case 2: return "ServerHello"
        case 3: return "HelloVerifyRequest"
        case 4: return "NewSessionTicket"
        case 5: return "EndOfEarlyData"
        case 6: return "HelloRetryRequest"
        case 8: return "EncryptedExtensions"
        case 11: return "Certificate"
        case 12: return "ServerKeyExchange"
        case 13: return "CertificateRequest"
        case 14: return "ServerHelloDone"
        case 15: return "CertificateVerify"
        case 16: return "ClientKeyExchange"
        case 20: return "Finished"
        case 21: return "CertificateURL"
        case 22: return "CertificateStatus"
        case 23: return "SupplementalData"
        case 24: return "KeyUpdate"
        case 67: return "NextProtocol"
        case 254: return "MessageHash"
        default: return "HandshakeType(\(type))"
        }
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

    public static let closeNotify: UInt8 = 0
    public static let unknownCA: UInt8 = 48

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
