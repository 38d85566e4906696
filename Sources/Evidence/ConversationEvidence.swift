import EAP
import RADIUS
import TLS

/// What one authentication conversation observed, in order — the input of the diagnosis.
///
/// The Probe target fills it while it runs a conversation; nothing here drives I/O. Every field is plain
/// data so that a verdict can be recomputed from a saved record (`--json` carries it).
public struct ConversationEvidence: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// Access-Accept, verified.
        case accept
        /// Access-Reject, or the client refused the server (server certificate, impostor) and gave up.
        case reject
        /// No verified reply from any server within the retransmission schedule.
        case timeout
        /// The conversation could not run: bad local input, a protocol violation, an internal failure.
        case error
    }

    public var outcome: Outcome
    /// `pap`, `chap`, `mschapv2`, `eap-tls`, `peap-mschapv2`, …
    public var method: String
    /// The User-Name sent (the outer identity for EAP).
    public var identity: String
    /// The server that gave the final answer, or the last one tried.
    public var server: String?
    public var roundTrips: [RoundTripEvidence]
    /// Reply-Message attributes of the final reply, in order (RFC 2865 §5.18).
    public var replyMessages: [String]
    /// The MS-CHAP-Error attribute text of a non-EAP MS-CHAP reject (RFC 2548 §2.1.5), ident byte removed.
    public var msCHAPError: String?
    /// ``msCHAPError`` decoded (`E=… R=… C=… V=… M=…`, RFC 2759 §6); nil when absent or when it does not
    /// parse.
    public var msCHAPFailure: MSCHAPv2Failure?
    /// A failure on our side: unreadable credentials, a malformed reply, a server that broke the protocol. For a
    /// human; ``localErrorCode`` says which for the diagnosis.
    public var localError: String?
    /// What ``localError`` is, typed.
    public var localErrorCode: LocalErrorCode?
    /// The comparison of the MS-MPPE keys in the Access-Accept with the keys the client derived.
    public var mppeKeys: MPPEKeyCheck
    /// The EAP conversation, for EAP methods.
    public var eap: EAPEvidence?
    /// What the local checks of the client certificate found before anything was sent.
    public var preflight: [PreflightFinding]

    public init(
        outcome: Outcome, method: String, identity: String, server: String? = nil,
        roundTrips: [RoundTripEvidence] = [], replyMessages: [String] = [], msCHAPError: String? = nil,
        msCHAPFailure: MSCHAPv2Failure? = nil, localError: String? = nil, localErrorCode: LocalErrorCode? = nil,
        mppeKeys: MPPEKeyCheck = .notApplicable, eap: EAPEvidence? = nil, preflight: [PreflightFinding] = []
    ) {
        self.outcome = outcome
        self.method = method
        self.identity = identity
        self.server = server
        self.roundTrips = roundTrips
        self.replyMessages = replyMessages
        self.msCHAPError = msCHAPError
        self.msCHAPFailure = msCHAPFailure
        self.localError = localError
        self.localErrorCode = localErrorCode
        self.mppeKeys = mppeKeys
        self.eap = eap
        self.preflight = preflight
    }
}

extension ConversationEvidence {
    /// Records a failure on our side: the code for the diagnosis, the words for a human.
    public mutating func fail(_ code: LocalErrorCode, _ message: String) {
        localErrorCode = code
        localError = message
    }

    /// Records the MS-CHAP-Error text of an Access-Reject (RFC 2548 §2.1.5), decoded where it arrived.
    public mutating func record(msCHAPError text: String) {
        msCHAPError = text
        msCHAPFailure = try? MSCHAPv2Failure(parsing: text)
    }
}

/// What went wrong on our side (``ConversationEvidence/localError`` says it in words). The raw values are
/// stable: `--json` carries them as `local_error_code`.
public enum LocalErrorCode: String, Sendable, Codable, Hashable, CaseIterable {
    /// Our own input: a request that cannot be built, no server, an unusable setting.
    case badInput = "bad_input"
    /// A server address that does not resolve or parse.
    case badServerAddress = "bad_server_address"
    /// The UDP socket failed (bind, send, receive).
    case socket
    /// Every RADIUS Identifier toward the server is in use.
    case noIdentifierAvailable = "no_identifier_available"
    /// Unreadable or unusable credentials (certificate, key, password).
    case credentials
    /// A TLS session could not be set up on our side.
    case tls
    /// The EAP layer failed on our side.
    case eap
    /// The transport was shut down while the conversation ran.
    case shutdown
    /// An MS-CHAPv2 Access-Accept without MS-CHAP2-Success (RFC 2548 §2.3.3): the server proved nothing.
    case msCHAPv2SuccessMissing = "mschapv2_success_missing"
    /// An MS-CHAP2-Success whose authenticator response does not verify (RFC 2759 §8.8): an impostor.
    case msCHAPv2SuccessInvalid = "mschapv2_success_invalid"
    /// The MS-CHAPv2 keys could not be derived.
    case msCHAPv2KeyDerivation = "mschapv2_key_derivation"
    /// A reply that does not fit the conversation: an Access-Challenge to PAP, a code we did not ask for, a
    /// challenge without EAP-Message, an EAP request in an Access-Accept, EAP-Success outside one.
    case unexpectedReply = "unexpected_reply"
    /// An Access-Accept without EAP-Message: no EAP-Success reached the peer (RFC 3579 §2.6.3).
    case eapSuccessMissing = "eap_success_missing"
    /// The server kept the EAP conversation going past our round-trip limit.
    case roundTripLimit = "round_trip_limit"
    /// The EAP peer found the server breaking the protocol (``EAPPeerFailure/Kind/protocolViolation``).
    case eapProtocolViolation = "eap_protocol_violation"
    /// The EAP peer found our own settings unworkable (``EAPPeerFailure/Kind/configuration``).
    case eapConfiguration = "eap_configuration"
}

/// What the EAP peer saw and decided (RFC 3748 and the method's RFC), for `--json` and the diagnosis.
public struct EAPEvidence: Sendable, Codable, Equatable {
    /// The outer method: `EAP-TLS`, `PEAP`, `EAP-MSCHAPv2` (EAP type names).
    public var method: String
    /// PEAP's inner method, when one ran.
    public var innerMethod: String?
    /// The outer method's EAP Type (13 EAP-TLS, 25 PEAP, 26 EAP-MSCHAPv2): what the diagnosis reads.
    public var methodType: UInt8?
    /// The inner method's EAP Type (PEAP).
    public var innerMethodType: UInt8?
    /// PEAP: what the client asked of the server's Crypto-Binding TLV (`required` fails without one).
    public var cryptoBindingPolicy: CryptoBindingPolicy?
    /// Every EAP event in order: requests, responses, fragments, TLS messages and alerts, inner results.
    public var trace: [EAPTraceEvent]
    /// Where the conversation stood at its end (for a failure: the step it came after).
    public var step: EAPStep
    /// Why the peer failed, when it did.
    public var failure: Failure?
    /// The outer TLS handshake (EAP-TLS, PEAP phase 1).
    public var tls: TLSEvidence?
    /// PEAP's inner EAP-TLS handshake.
    public var innerTLS: TLSEvidence?
    public var cryptoBinding: CryptoBindingOutcome
    /// The outer TLS session was resumed (PEAP fast reconnect, EAP-TLS resumption).
    public var resumed: Bool
    /// PEAP: an inner method ran (false after a fast reconnect that skipped phase 2).
    public var innerMethodRan: Bool

    public struct Failure: Sendable, Codable, Equatable {
        /// `eapFailure`, `serverValidation`, `impostor`, `tlsFailure`, `methodRefused`, `protocolViolation`,
        /// `innerFailure`, `methodFailure`, `policy`, `configuration` (see `EAPPeerFailure.Kind`).
        public var kind: EAPPeerFailure.Kind
        public var step: EAPStep
        /// What happened, for a human.
        public var reason: String
        public var mschapv2: MSCHAPv2Failure?
        /// The last Result TLV status the server sent (`"success"`/`"failure"` in `--json`), when one arrived.
        public var resultTLV: EAPTLVResultStatus?

        public init(kind: EAPPeerFailure.Kind, step: EAPStep, reason: String, mschapv2: MSCHAPv2Failure? = nil,
                    resultTLV: EAPTLVResultStatus? = nil) {
            self.kind = kind
            self.step = step
            self.reason = reason
            self.mschapv2 = mschapv2
            self.resultTLV = resultTLV
        }
    }

    public init(
        method: String, innerMethod: String? = nil, methodType: UInt8? = nil, innerMethodType: UInt8? = nil,
        cryptoBindingPolicy: CryptoBindingPolicy? = nil, trace: [EAPTraceEvent] = [], step: EAPStep = .identity,
        failure: Failure? = nil, tls: TLSEvidence? = nil, innerTLS: TLSEvidence? = nil,
        cryptoBinding: CryptoBindingOutcome = .notApplicable, resumed: Bool = false, innerMethodRan: Bool = false
    ) {
        self.method = method
        self.innerMethod = innerMethod
        self.methodType = methodType
        self.innerMethodType = innerMethodType
        self.cryptoBindingPolicy = cryptoBindingPolicy
        self.trace = trace
        self.step = step
        self.failure = failure
        self.tls = tls
        self.innerTLS = innerTLS
        self.cryptoBinding = cryptoBinding
        self.resumed = resumed
        self.innerMethodRan = innerMethodRan
    }

    /// PEAP: the inner identity we sent inside the tunnel (the user NPS authenticates), when we got that far.
    public var innerIdentity: String? {
        for event in trace {
            if case .innerIdentitySent(let identity) = event { return identity }
        }
        return nil
    }
}

/// One request and what came back for it (several servers may have been tried: one record per server).
public struct RoundTripEvidence: Sendable, Codable, Equatable {
    public var server: String
    /// `"Access-Request"` in `--json`.
    public var requestCode: RADIUSCode
    public var identifier: Int
    public var requestSize: Int
    /// The request carried a State attribute (it continues a conversation the server keeps).
    public var requestHadState: Bool
    /// Transmissions of this request to this server (1 = answered without a retransmission).
    public var transmissions: Int
    /// From the first transmission to the reply, or to giving up.
    public var latencyMilliseconds: Double
    /// `nil` when the server never sent a verified reply; `"Access-Challenge"` … in `--json`.
    public var replyCode: RADIUSCode?
    public var replySize: Int?
    public var replyHasState: Bool
    /// Datagrams that claimed to answer but failed verification (wrong secret, spoofed, corrupt): the first
    /// few as samples…
    public var discarded: [DiscardedDatagram]
    /// …and how many in all.
    public var discardedCount: Int
    /// A one-line EAP summary of what the request and reply carried, e.g. `Response/TLS 1398 B → Request/TLS`.
    public var eap: String?
    /// The EAP packet the request carried (EAP-Message), typed.
    public var requestEAP: EAPPacketSummary?
    /// The EAP packet the verified reply carried; nil when the reply had no EAP-Message.
    public var replyEAP: EAPPacketSummary?
    /// The local address and port the request left from (`127.0.0.2:40001`): one per conversation, as a NAS.
    public var source: String?
    /// Where the verified reply came from (behind a balancer: the address that answered).
    public var replyFrom: String?
    /// The network said the request cannot be delivered (ICMP port or host unreachable): the exchange ended
    /// at once instead of waiting out the retransmission schedule.
    public var unreachable: UnreachableEvidence?
    /// The exchange gave up before its retransmission schedule ran out: the server kept answering with replies
    /// that fail verification for this reason (unsigned, or another shared secret), and waiting changes nothing.
    public var stoppedEarly: DiscardReason?
    /// The reply's attributes of the types the client was asked to keep (`RADIUSClientConfiguration.
    /// recordedReplyTypes`: Class, a node-naming attribute for load runs), in order; nil when none were asked.
    public var replyAttributes: [RecordedAttribute]?

    public init(
        server: String, requestCode: RADIUSCode, identifier: Int, requestSize: Int, requestHadState: Bool,
        transmissions: Int, latencyMilliseconds: Double, replyCode: RADIUSCode? = nil, replySize: Int? = nil,
        replyHasState: Bool = false, discarded: [DiscardedDatagram] = [], discardedCount: Int? = nil,
        eap: String? = nil, requestEAP: EAPPacketSummary? = nil, replyEAP: EAPPacketSummary? = nil,
        source: String? = nil, replyFrom: String? = nil, unreachable: UnreachableEvidence? = nil,
        replyAttributes: [RecordedAttribute]? = nil
    ) {
        self.server = server
        self.requestCode = requestCode
        self.identifier = identifier
        self.requestSize = requestSize
        self.requestHadState = requestHadState
        self.transmissions = transmissions
        self.latencyMilliseconds = latencyMilliseconds
        self.replyCode = replyCode
        self.replySize = replySize
        self.replyHasState = replyHasState
        self.discarded = discarded
        self.discardedCount = discardedCount ?? discarded.count
        self.eap = eap
        self.requestEAP = requestEAP
        self.replyEAP = replyEAP
        self.source = source
        self.replyFrom = replyFrom
        self.unreachable = unreachable
        self.replyAttributes = replyAttributes
    }

    public var answered: Bool { replyCode != nil }
}

/// One attribute of a reply as it arrived (RFC 2865 §5: type, value; a Vendor-Specific whole, RFC 2865 §5.26).
public struct RecordedAttribute: Sendable, Codable, Equatable, Hashable {
    public var type: UInt8
    public var value: [UInt8]

    public init(type: UInt8, value: [UInt8]) {
        self.type = type
        self.value = value
    }
}

/// The header of an EAP packet carried in a RADIUS packet (RFC 3748 §4): what a round trip's EAP-Message held.
public struct EAPPacketSummary: Sendable, Codable, Equatable {
    /// 1 Request, 2 Response, 3 Success, 4 Failure (RFC 3748 §4).
    public var code: UInt8
    public var identifier: UInt8
    /// The method Type of a Request or Response.
    public var type: UInt8?
    public var length: Int

    public init(code: UInt8, identifier: UInt8, type: UInt8? = nil, length: Int) {
        self.code = code
        self.identifier = identifier
        self.type = type
        self.length = length
    }

    /// The summary of an EAP packet; nil when the bytes do not decode as one.
    public init?(_ bytes: [UInt8]) {
        guard let packet = try? EAPPacket(decoding: bytes) else { return nil }
        self.init(code: packet.code.rawValue, identifier: packet.identifier, type: packet.type?.rawValue,
                  length: bytes.count)
    }

    /// An EAP-Failure (code 4).
    public var isFailure: Bool { code == EAPCode.failure.rawValue }
}

/// An ICMP error that came back for a request (RFC 1122 §4.1.3.3: UDP hands ICMP errors to the application;
/// RFC 792, RFC 4443 for the codes): the request reached no RADIUS server.
public struct UnreachableEvidence: Sendable, Codable, Equatable {
    /// What the ICMP error says. The raw values are stable (`--json` carries them).
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// Port unreachable: the host is up and nothing listens on the port (ICMP 3/3, ICMPv6 1/4).
        case portClosed = "port_closed"
        /// Host unreachable: no route to the host, or it does not answer ARP/ND (ICMP 3/1, ICMPv6 1/3).
        case hostUnreachable = "host_unreachable"
        /// Network unreachable (ICMP 3/0, ICMPv6 1/0).
        case networkUnreachable = "network_unreachable"
        /// A firewall refused it (ICMP 3/9, 3/10, 3/13; ICMPv6 1/1).
        case prohibited
        /// Another ICMP error.
        case other
    }

    public var kind: Kind
    /// Who sent the ICMP error (`127.0.0.1`: the server's host itself for a closed port; a router or firewall
    /// otherwise), when the kernel said.
    public var from: String?
    /// The ICMP type and code as received (ICMPv6 numbers for IPv6).
    public var icmpType: Int
    public var icmpCode: Int

    public init(kind: Kind, from: String?, icmpType: Int, icmpCode: Int) {
        self.kind = kind
        self.from = from
        self.icmpType = icmpType
        self.icmpCode = icmpCode
    }

    /// "port closed: nothing listens there (ICMP port unreachable from 127.0.0.1)".
    public var summary: String {
        let icmp = icmpType == 3 || icmpType == 1 ? "ICMP" : "ICMP type \(icmpType)"
        let sender = from.map { " from \($0)" } ?? ""
        switch kind {
        case .portClosed: return "port closed: nothing listens there (\(icmp) port unreachable\(sender))"
        case .hostUnreachable: return "host unreachable (\(icmp) host unreachable\(sender))"
        case .networkUnreachable: return "network unreachable (\(icmp) network unreachable\(sender))"
        case .prohibited: return "refused by a firewall (\(icmp) administratively prohibited\(sender))"
        case .other: return "unreachable (ICMP type \(icmpType) code \(icmpCode)\(sender))"
        }
    }

    /// The kind an ICMP (`ipv6` false) or ICMPv6 type and code stand for.
    public static func kind(icmpType: Int, icmpCode: Int, ipv6: Bool) -> Kind {
        switch (ipv6, icmpType, icmpCode) {
        case (false, 3, 3), (true, 1, 4): return .portClosed
        case (false, 3, 1), (true, 1, 3): return .hostUnreachable
        case (false, 3, 0), (true, 1, 0): return .networkUnreachable
        case (false, 3, 9), (false, 3, 10), (false, 3, 13), (true, 1, 1): return .prohibited
        default: return .other
        }
    }
}

/// A datagram dropped because it did not verify as the reply it claimed to be.
public struct DiscardedDatagram: Sendable, Codable, Equatable {
    /// The sender, `127.0.0.1:1812` or `[::1]:1812`.
    public var from: String
    public var size: Int
    /// Why, for a human (rendered from `code` and the parser's words where it was observed).
    public var reason: String
    /// Why, for the diagnosis: what failed to verify.
    public var code: DiscardReason
    /// The RADIUS code the datagram carried when it decoded that far (`Access-Accept` of an unsigned accept).
    public var replyCode: RADIUSCode?

    public init(from: String, size: Int, code: DiscardReason, reason: String, replyCode: RADIUSCode? = nil) {
        self.from = from
        self.size = size
        self.code = code
        self.reason = reason
        self.replyCode = replyCode
    }
}

/// What a candidate reply failed (RFC 2865 §3, RFC 3579 §3.2, RFC 5080 §2.2.2): the typed half of a
/// ``DiscardedDatagram``. The raw values are stable (`--json` carries them).
public enum DiscardReason: String, Sendable, Codable, Hashable, CaseIterable {
    /// It came from another address or port than the server the request went to.
    case foreignSource = "foreign_source"
    /// Not a well-formed RADIUS packet (lengths, attributes).
    case malformed
    /// A RADIUS code this client does not know.
    case unknownCode = "unknown_code"
    /// A known code that does not answer the request (an Accounting-Response to an Access-Request…).
    case unexpectedCode = "unexpected_code"
    /// Its Identifier is not the request's.
    case identifierMismatch = "identifier_mismatch"
    /// Unsigned: no Message-Authenticator where the reply policy requires one (BlastRADIUS, CVE-2024-3596).
    case messageAuthenticatorMissing = "message_authenticator_missing"
    /// A Message-Authenticator that does not verify (usually: the shared secret differs).
    case messageAuthenticatorMismatch = "message_authenticator_mismatch"
    /// A Response Authenticator that does not verify (usually: the shared secret differs).
    case responseAuthenticatorMismatch = "response_authenticator_mismatch"

    /// The reply was signed with another shared secret than ours.
    public var pointsToSharedSecret: Bool {
        self == .messageAuthenticatorMismatch || self == .responseAuthenticatorMismatch
    }

    /// The server itself answered, and no retransmission can change the verdict: a reply failing an authenticator
    /// check (secret, signing policy) fails it again when the server repeats it. An exchange gives up on these
    /// once the server repeated them (``RADIUSTransport``'s conclusive discard limit).
    public var isConclusive: Bool {
        self == .messageAuthenticatorMissing || pointsToSharedSecret
    }
}

/// The MS-MPPE key check after an Access-Accept (as eapol_test's "MPPE keys OK").
public enum MPPEKeyCheck: String, Sendable, Codable, Equatable {
    /// Both keys present and equal to what the client derived.
    case verified
    /// Keys present but different: the client and server disagree on the session keys.
    case mismatch
    /// The method derives keys but the Access-Accept carried none.
    case absent
    /// The method derives no keys (PAP, CHAP) or the conversation did not end in an accept.
    case notApplicable = "not_applicable"
}

extension EAPEvidence {
    /// `EAP-TLS`, `PEAP`, `EAP-MSCHAPv2`: the stable names `--json` reports.
    public static func name(_ type: EAPType) -> String { type.name ?? "type \(type.rawValue)" }

    /// What a finished peer saw: its trace and step, and the result or the failure.
    public init(
        configuration: EAPPeerConfiguration, peer: EAPPeer, result: EAPPeerResult?, failure: EAPPeerFailure?
    ) {
        self.init(method: Self.name(configuration.methodType), methodType: configuration.methodType.rawValue,
                  trace: peer.trace, step: peer.step)
        if let peap = configuration.method.peap {
            innerMethodType = peap.inner.type.rawValue
            cryptoBindingPolicy = peap.cryptoBinding
        }
        if let result {
            innerMethod = result.innerMethod.map(Self.name)
            tls = result.tls
            innerTLS = result.innerTLS
            cryptoBinding = result.cryptoBinding
            resumed = result.resumed
            innerMethodRan = result.innerMethodRan
        }
        if let failure {
            tls = failure.tls
            innerTLS = failure.innerTLS
            self.failure = Failure(
                kind: failure.kind, step: failure.step, reason: failure.reason, mschapv2: failure.msCHAPv2,
                resultTLV: failure.resultTLV)
            if let inner = configuration.method.peap?.inner { innerMethod = Self.name(inner.type) }
            for event in peer.trace {
                if case .cryptoBinding(let outcome) = event { cryptoBinding = outcome }
            }
        }
    }
}

extension DiscardReason {
    /// The typed reason for a reply that failed decoding or `RADIUSPacket.verifyReply` with `error`.
    public init(verifying error: RADIUSError) {
        switch error.code {
        case .unknownCode: self = .unknownCode
        case .unexpectedReplyCode: self = .unexpectedCode
        case .identifierMismatch: self = .identifierMismatch
        case .messageAuthenticatorMissing: self = .messageAuthenticatorMissing
        case .messageAuthenticatorMismatch: self = .messageAuthenticatorMismatch
        case .responseAuthenticatorMismatch: self = .responseAuthenticatorMismatch
        default: self = .malformed
        }
    }
}
