import TLS

/// Where an EAP conversation stands, from the peer's side: enough to say "EAP-Failure came right after our
/// Certificate/Finished" rather than "after the inner MS-CHAPv2 response" or "before any method".
///
/// The step names what the peer last did (or learned); a failure carries the step it came after.
public enum EAPStep: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Before any method: our Identity Response is (or is about to be) with the server.
    case identity
    /// We refused the server's proposal (`proposed`) with a Nak naming our method.
    case methodNegotiation(proposed: UInt8)
    /// A method other than the TLS family is running (bare EAP-MSCHAPv2: its Challenge arrived).
    case method(type: UInt8)
    /// The outer TLS handshake is running: the last handshake messages sent and received.
    case tlsHandshake(lastSent: TLSHandshakeType?, lastReceived: TLSHandshakeType?)
    /// Our side of the handshake is done (Certificate…Finished sent); the server's verdict is pending
    /// (TLS 1.2: its Finished; TLS 1.3: the protected success indication or the first phase-2 data).
    case tlsClientFinishedSent
    /// EAP-TLS: both Finished (and for TLS 1.3 the success indication) seen; EAP-Success is due.
    case tlsEstablished
    /// PEAP: the tunnel is up; phase 2 has not produced anything yet.
    case tunnelEstablished
    /// PEAP: our inner Identity Response was sent.
    case innerIdentity
    /// PEAP: the inner method (type) is running.
    case innerMethod(type: UInt8)
    /// PEAP: the inner EAP-TLS handshake is running.
    case innerTLSHandshake(lastSent: TLSHandshakeType?, lastReceived: TLSHandshakeType?)
    /// PEAP: our inner Certificate…Finished were sent; the inner server's verdict is pending.
    case innerTLSClientFinishedSent
    /// PEAP: our inner MS-CHAPv2 Response (or Change-Password) was sent; its Success/Failure is pending.
    case innerMSCHAPv2Response
    /// PEAP: the inner method succeeded on our side; the Result TLV is pending.
    case innerMethodSucceeded(type: UInt8)
    /// Bare EAP-MSCHAPv2: our Response (or Change-Password) was sent; its Success/Failure is pending.
    case msCHAPv2Response
    /// Bare EAP-MSCHAPv2: the server proved itself and we acknowledged; EAP-Success is due.
    case methodSucceeded(type: UInt8)
    /// PEAP: we answered the Result TLV together with a Crypto-Binding TLV; EAP-Success (or Failure) is due.
    case cryptoBinding
    /// PEAP: we answered a Result TLV without crypto-binding; EAP-Success (or Failure) is due.
    case resultTLV
    /// EAP-Success accepted.
    case completed

    public var description: String {
        switch self {
        case .identity: return "identity"
        case .methodNegotiation(let proposed): return "method negotiation (Nak of type \(proposed))"
        case .method(let type): return "method \(EAPType(type))"
        case .tlsHandshake(let sent, let received):
            return "TLS handshake (last sent \(sent?.name ?? "nothing"), last received \(received?.name ?? "nothing"))"
        case .tlsClientFinishedSent: return "after our TLS Finished"
        case .tlsEstablished: return "TLS established"
        case .tunnelEstablished: return "PEAP tunnel established"
        case .innerIdentity: return "after the inner identity"
        case .innerMethod(let type): return "inner method \(EAPType(type))"
        case .innerTLSHandshake(let sent, let received):
            return "inner TLS handshake (last sent \(sent?.name ?? "nothing"), last received "
                + "\(received?.name ?? "nothing"))"
        case .innerTLSClientFinishedSent: return "after our inner TLS Finished"
        case .innerMSCHAPv2Response: return "after the inner MS-CHAPv2 response"
        case .innerMethodSucceeded(let type): return "inner \(EAPType(type)) succeeded"
        case .msCHAPv2Response: return "after the MS-CHAPv2 response"
        case .methodSucceeded(let type): return "\(EAPType(type)) succeeded"
        case .cryptoBinding: return "after the crypto-binding response"
        case .resultTLV: return "after the Result TLV response"
        case .completed: return "completed"
        }
    }
}

/// One thing that happened in a conversation, in order: the evidence a diagnosis reads.
public enum EAPTraceEvent: Sendable, Codable, Equatable {
    /// Our EAP-Response/Identity.
    case identitySent(identity: String)
    /// An outer EAP Request: identifier, Type, the EAP-TLS/PEAP Flags octet for those types, EAP Length.
    case requestReceived(identifier: UInt8, type: UInt8, flags: UInt8?, length: Int)
    /// An outer EAP Response we sent.
    case responseSent(identifier: UInt8, type: UInt8, flags: UInt8?, length: Int)
    /// The same request arrived again; our last response was sent again (RFC 3748 §4.1).
    case duplicateRequest(identifier: UInt8)
    /// We refused the proposed method (`offered`) and named the ones we accept (RFC 3748 §5.3).
    case nakSent(offered: UInt8, desired: [UInt8])
    /// Our method began (its first request arrived).
    case methodStarted(type: UInt8)
    /// An outgoing EAP-TLS/PEAP fragment: its index (from 1), the fragment count, its TLS octets.
    case fragmentSent(index: Int, of: Int, bytes: Int)
    /// An incoming EAP-TLS/PEAP fragment: its TLS octets and Flags octet.
    case fragmentReceived(bytes: Int, flags: UInt8)
    /// We acknowledged a fragment (or answered an empty request) with an empty EAP-TLS/PEAP response.
    case ackSent
    /// The server sent an empty EAP-TLS/PEAP request: the ACK of our fragment.
    case ackReceived
    /// A TLS handshake message, ChangeCipherSpec or alert of the outer TLS session, as it happened.
    case tlsEvent(event: TLSEvent)
    /// The outer handshake completed.
    case tlsEstablished(version: String?, cipher: String?, resumed: Bool)
    /// RFC 9190 §2.5: the server's one-octet 0x00 application data (EAP-TLS 1.3, outer or inner).
    case protectedSuccessIndication
    /// PEAP: our inner Identity Response.
    case innerIdentitySent(identity: String)
    /// PEAP: an inner request of this Type (254 for expanded types).
    case innerRequest(type: UInt8)
    /// PEAP: we refused the proposed inner method with a Nak.
    case innerNakSent(offered: UInt8, desired: [UInt8])
    /// PEAP: a TLS event of the inner EAP-TLS session.
    case innerTLSEvent(event: TLSEvent)
    /// PEAP: the inner EAP-TLS handshake completed.
    case innerTLSEstablished(version: String?, cipher: String?, resumed: Bool)
    /// An MS-CHAPv2 Challenge arrived.
    case msCHAPv2Challenge
    /// An MS-CHAPv2 Success arrived; `verified`: its authenticator response (S=) proved the server knows the
    /// password.
    case msCHAPv2Success(verified: Bool)
    /// An MS-CHAPv2 Failure arrived (`E=…`).
    case msCHAPv2Failure(failure: MSCHAPv2Failure)
    /// We answered a password-expired failure with Change-Password.
    case changePasswordSent
    /// PEAP: we answered the Microsoft Capabilities request.
    case capabilitiesAnswered
    /// PEAP: we declined NPS's Statement-of-Health request with a Nak.
    case sohDeclined
    /// PEAP: the server's Result TLV.
    case resultTLV(success: Bool)
    /// PEAP: what became of crypto-binding.
    case cryptoBinding(outcome: CryptoBindingOutcome)
    /// PEAP: an inner EAP-Success (`true`) or EAP-Failure arrived inside the tunnel.
    case tunneledResult(success: Bool)
    /// An EAP Notification (RFC 3748 §5.2) and its text; we answered it.
    case notification(text: String)
    case eapSuccess
    case eapFailure
}

// MARK: - Codable for the MS-CHAPv2 failure carried in the trace

extension MSCHAPv2Failure: Codable {
    private enum CodingKeys: String, CodingKey {
        case errorCode, retryAllowed, challenge, version, message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(errorCode: try container.decode(Int.self, forKey: .errorCode),
                  retryAllowed: try container.decode(Bool.self, forKey: .retryAllowed),
                  challenge: try container.decodeIfPresent([UInt8].self, forKey: .challenge),
                  version: try container.decodeIfPresent(Int.self, forKey: .version),
                  message: try container.decodeIfPresent(String.self, forKey: .message))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(retryAllowed, forKey: .retryAllowed)
        try container.encodeIfPresent(challenge, forKey: .challenge)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(message, forKey: .message)
    }
}

// MARK: - Codable for the Result TLV status carried in a failure

extension EAPTLVResultStatus: Codable {
    /// Encoded as its description (`"success"`, `"failure"`, `"status N"`), the form `--json` has carried.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch text {
        case "success": self = .success
        case "failure": self = .failure
        default:
            guard text.hasPrefix("status "), let value = UInt16(text.dropFirst("status ".count)) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "no Result TLV status \(text)")
            }
            self.init(rawValue: value)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
